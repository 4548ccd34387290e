package gpkg

import (
	"context"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/geo"
)

// floorImageOf is the history image of a floor's row.
func floorImageOf(r floorRow) floorImage {
	f := r.rec
	return floorImage{ID: jsonID(f.ID), BuildingID: jsonID(f.BuildingID), Ordinal: f.Ordinal, Name: f.Name,
		Elevation: f.Elevation, Outline: jsonPolygon(f.Outline), SourceID: f.SourceID,
		CreatedAt: jsonInstant(r.created), DeletedAt: jsonInstant(r.deleted), Version: f.Version,
		Openings: jsonLines(f.Openings)}
}

const floorColumns = `f.id, f.building_id, f.ordinal, f.name, f.elevation, f.outline, f.source_id, CAST(f.created_at AS TEXT), CAST(f.deleted_at AS TEXT),
       f.version, f.openings`

func (s *Store) scanFloor(row scanner) (floorRow, error) {
	var (
		r                 floorRow
		f                 = &r.rec
		outline, openings []byte
	)
	err := row.Scan(idCol{&f.ID}, idCol{&f.BuildingID}, &f.Ordinal, &f.Name, &f.Elevation, &outline, &f.SourceID,
		instantCol{&r.created, s.loc}, instantCol{&r.deleted, s.loc}, &f.Version, &openings)
	if err != nil {
		return r, err
	}
	if f.Outline, err = decodePolygon(outline); err != nil {
		return r, err
	}
	f.Openings, err = decodeLines(openings)
	return r, err
}

const sqlBuildingFrame = `
SELECT origin_lon, origin_lat, rotation_deg, scale FROM buildings_all WHERE id = ? AND deleted_at IS NULL`

// buildingFrame returns the frame of a live building.
func buildingFrame(ctx context.Context, q querier, id uuid.UUID) (*geo.Frame, error) {
	return readFrame(ctx, q, sqlBuildingFrame, id, "building")
}

// readFrame returns the frame of the georeference (origin_lon, origin_lat, rotation_deg, scale) that
// query reads for the id of a live what (?1); no row is an invalid reference.
func readFrame(ctx context.Context, q querier, query string, id uuid.UUID, what string) (*geo.Frame, error) {
	var g geo.Georef
	if err := scanRef(ctx, q, query, id, what, &g.Origin[0], &g.Origin[1], &g.RotationDeg, &g.Scale); err != nil {
		return nil, err
	}
	return g.Frame(), nil
}

const (
	sqlOrdinalTaken = `
SELECT count(*) FROM floors_all
 WHERE building_id = ? AND ordinal = ? AND name = ? AND deleted_at IS NULL AND id <> ?`
	sqlInsertFloor = `
INSERT INTO floors_all (geom, id, building_id, ordinal, name, elevation, outline, source_id, created_at, openings)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// checkOrdinal refuses a second live floor with the same ordinal and name in a building; floors of one
// ordinal with different names (the levels of an IMDF venue at one ordinal) are fine.
func checkOrdinal(ctx context.Context, q querier, buildingID uuid.UUID, ordinal int, name string, id uuid.UUID) error {
	n, err := count(ctx, q, sqlOrdinalTaken, buildingID.String(), ordinal, name, id.String())
	if err != nil {
		return err
	}
	if n > 0 {
		return floorplan.Invalidf("the building already has a floor %q with ordinal %d", name, ordinal)
	}
	return nil
}

// encodeOpenings returns the blob of a floor's openings (local metres), or nil (SQL NULL) for none.
func encodeOpenings(f *floorplan.Floor) (any, error) {
	if len(f.Openings) == 0 {
		return nil, nil
	}
	return encodeGeom(f.Openings, srsLocal)
}

// CreateFloor adds a floor to a building at version 1. Two floors of a building may share an ordinal
// when their names differ (the levels of an IMDF venue at one ordinal), not a name at one ordinal.
func (s *Store) CreateFloor(ctx context.Context, f *floorplan.Floor) error {
	if err := floorplan.CheckFloor(ctx, f); err != nil {
		return err
	}
	f.Version = 0
	return movedOn(s.create(ctx, &f.ID, func(q querier, id uuid.UUID, now time.Time) error {
		frame, err := buildingFrame(ctx, q, f.BuildingID)
		if err != nil {
			return err
		}
		if err := checkOrdinal(ctx, q, f.BuildingID, f.Ordinal, f.Name, id); err != nil {
			return err
		}
		local, ll, err := derived(f.Outline, frame)
		if err != nil {
			return err
		}
		openings, err := encodeOpenings(f)
		if err != nil {
			return err
		}
		created, createdText := instant(now)
		row := floorRow{rec: *f, created: created}
		row.rec.ID, row.rec.Version = id, 1
		return s.floors().insert(ctx, q, now, id, row, sqlInsertFloor, ll, id.String(), f.BuildingID.String(),
			f.Ordinal, f.Name, f.Elevation, local, f.SourceID, createdText, openings)
	}), &f.Version)
}

// Floor returns a floor.
func (s *Store) Floor(ctx context.Context, id uuid.UUID) (floorplan.Floor, error) {
	return get(ctx, s.floors(), id)
}

const (
	sqlFloors = `SELECT ` + floorColumns + ` FROM floors_all f
 WHERE f.building_id = ? AND f.deleted_at IS NULL ORDER BY f.ordinal, f.name, f.id`
	sqlAllFloors = `SELECT ` + floorColumns + ` FROM floors_all f
 WHERE f.deleted_at IS NULL ORDER BY f.building_id, f.ordinal, f.name, f.id`
	sqlFloorsByID = `SELECT ` + floorColumns + ` FROM floors_all f
 WHERE f.deleted_at IS NULL AND f.id IN (SELECT value FROM json_each(?)) ORDER BY f.building_id, f.ordinal, f.name, f.id`
)

// Floors lists a building's floors by ordinal (floors of one ordinal by name), or every floor (uuid.Nil) by
// building id, then so.
func (s *Store) Floors(ctx context.Context, buildingID uuid.UUID) ([]floorplan.Floor, error) {
	if buildingID == uuid.Nil {
		return list(ctx, s.floors(), sqlAllFloors)
	}
	return list(ctx, s.floors(), sqlFloors, buildingID.String())
}

// FloorsByID returns the live floors among ids, in the order of Floors(uuid.Nil).
func (s *Store) FloorsByID(ctx context.Context, ids []uuid.UUID) ([]floorplan.Floor, error) {
	t := s.floors()
	rows, err := byIDs(ctx, s.reader(), t.scan, sqlFloorsByID, ids)
	return recs(rows), err
}

const sqlUpdateFloor = `
UPDATE floors_all SET geom = ?, ordinal = ?, name = ?, elevation = ?, outline = ?, source_id = ?, openings = ?,
       version = version + 1 WHERE id = ?`

// UpdateFloor replaces a floor's fields if f.Version is still its version, and moves f.Version on. A
// floor stays in its building, and keeps an ordinal and name of its own there (as CreateFloor).
func (s *Store) UpdateFloor(ctx context.Context, f *floorplan.Floor) error {
	if err := floorplan.CheckFloor(ctx, f); err != nil {
		return err
	}
	now := s.now()
	return movedOn(s.write(ctx, func(q querier) error {
		_, err := s.floors().update(ctx, q, now, f.ID, func(old floorRow) (floorRow, error) {
			if err := stale("floor", old.rec.Version, f.Version); err != nil {
				return old, err
			}
			if f.BuildingID != uuid.Nil && f.BuildingID != old.rec.BuildingID {
				return old, floorplan.Invalidf("a floor cannot move to another building")
			}
			frame, err := buildingFrame(ctx, q, old.rec.BuildingID)
			if err != nil {
				return old, err
			}
			if err := checkOrdinal(ctx, q, old.rec.BuildingID, f.Ordinal, f.Name, f.ID); err != nil {
				return old, err
			}
			local, ll, err := derived(f.Outline, frame)
			if err != nil {
				return old, err
			}
			openings, err := encodeOpenings(f)
			if err != nil {
				return old, err
			}
			_, err = q.ExecContext(ctx, sqlUpdateFloor, ll, f.Ordinal, f.Name, f.Elevation, local, f.SourceID, openings,
				f.ID.String())
			if err != nil {
				return old, err
			}
			f.BuildingID = old.rec.BuildingID
			nw := floorRow{rec: *f, created: old.created}
			nw.rec.Version++
			return nw, nil
		})
		return err
	}), &f.Version)
}

const sqlFloorInUse = `SELECT count(*) FROM rooms_all WHERE floor_id = ? AND deleted_at IS NULL`

// DeleteFloor deletes a floor that has no rooms left.
func (s *Store) DeleteFloor(ctx context.Context, id uuid.UUID) error {
	return s.floors().delete(ctx, id, nil, inUseCheck{sqlFloorInUse, "the floor still has %d room(s)"})
}
