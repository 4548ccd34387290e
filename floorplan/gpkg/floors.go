package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// floorRow is a floor with the columns the domain type does not carry.
type floorRow struct {
	floorplan.Floor
	created, deleted time.Time
}

func (r floorRow) image() floorImage {
	return floorImage{ID: jsonID(r.ID), BuildingID: jsonID(r.BuildingID), Ordinal: r.Ordinal, Name: r.Name,
		Elevation: r.Elevation, Outline: jsonPolygon(r.Outline), SourceID: r.SourceID,
		CreatedAt: jsonInstant(r.created), DeletedAt: jsonInstant(r.deleted)}
}

func (r floorRow) deletedAt(at time.Time) floorRow { r.deleted = at; return r }

const floorColumns = `f.id, f.building_id, f.ordinal, f.name, f.elevation, f.outline, f.source_id, CAST(f.created_at AS TEXT), CAST(f.deleted_at AS TEXT)`

func (s *Store) scanFloor(row scanner) (floorRow, error) {
	var (
		r       floorRow
		outline []byte
	)
	err := row.Scan(idCol{&r.ID}, idCol{&r.BuildingID}, &r.Ordinal, &r.Name, &r.Elevation, &outline, &r.SourceID,
		instantCol{&r.created, s.loc}, instantCol{&r.deleted, s.loc})
	if err != nil {
		return r, err
	}
	r.Outline, err = decodePolygon(outline)
	return r, err
}

const sqlBuildingFrame = `
SELECT origin_lon, origin_lat, rotation_deg, scale FROM buildings WHERE id = ? AND deleted_at IS NULL`

// buildingFrame returns the frame of a live building.
func buildingFrame(ctx context.Context, q querier, id uuid.UUID) (*geo.Frame, error) {
	return readFrame(ctx, q, sqlBuildingFrame, id, "building")
}

// readFrame returns the frame of the georeference (origin_lon, origin_lat, rotation_deg, scale) that
// query reads for the id of a live what (?1); no row is an invalid reference.
func readFrame(ctx context.Context, q querier, query string, id uuid.UUID, what string) (*geo.Frame, error) {
	if id == uuid.Nil {
		return nil, floorplan.Invalidf("no %s given", what)
	}
	var (
		g        geo.Georef
		lon, lat float64
	)
	err := q.QueryRowContext(ctx, query, id.String()).Scan(&lon, &lat, &g.RotationDeg, &g.Scale)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, floorplan.Invalidf("unknown %s %s", what, id)
	} else if err != nil {
		return nil, err
	}
	g.Origin = orb.Point{lon, lat}
	return g.Frame(), nil
}

const (
	sqlOrdinalTaken = `
SELECT count(*) FROM floors WHERE building_id = ? AND ordinal = ? AND deleted_at IS NULL AND id <> ?`
	sqlInsertFloor = `
INSERT INTO floors (geom, id, building_id, ordinal, name, elevation, outline, source_id, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// checkOrdinal refuses a second live floor with the same ordinal in a building.
func checkOrdinal(ctx context.Context, q querier, buildingID uuid.UUID, ordinal int, id uuid.UUID) error {
	n, err := count(ctx, q, sqlOrdinalTaken, buildingID.String(), ordinal, id.String())
	if err != nil {
		return err
	}
	if n > 0 {
		return floorplan.Invalidf("the building already has a floor with ordinal %d", ordinal)
	}
	return nil
}

// CreateFloor adds a floor to a building.
func (s *Store) CreateFloor(ctx context.Context, f *floorplan.Floor) error {
	if err := floorplan.CheckFloor(ctx, f); err != nil {
		return err
	}
	return s.create(ctx, &f.ID, func(q querier, id uuid.UUID, now time.Time) error {
		frame, err := buildingFrame(ctx, q, f.BuildingID)
		if err != nil {
			return err
		}
		if err := checkOrdinal(ctx, q, f.BuildingID, f.Ordinal, id); err != nil {
			return err
		}
		local, ll, err := derived(f.Outline, frame)
		if err != nil {
			return err
		}
		created, createdText := instant(now)
		row := floorRow{Floor: *f, created: created}
		row.ID = id
		return s.floors().insert(ctx, q, now, id, row, sqlInsertFloor, ll, id.String(), f.BuildingID.String(),
			f.Ordinal, f.Name, f.Elevation, local, f.SourceID, createdText)
	})
}

// Floor returns a floor.
func (s *Store) Floor(ctx context.Context, id uuid.UUID) (floorplan.Floor, error) {
	r, err := s.floors().live(ctx, s.reader(), id)
	return r.Floor, wrapErr(err)
}

const sqlFloors = `SELECT ` + floorColumns + ` FROM floors f
 WHERE f.building_id = ? AND f.deleted_at IS NULL ORDER BY f.ordinal`

// Floors lists a building's floors by ordinal.
func (s *Store) Floors(ctx context.Context, buildingID uuid.UUID) ([]floorplan.Floor, error) {
	rows, err := collect(ctx, s.reader(), s.scanFloor, sqlFloors, buildingID.String())
	return floorsOf(rows), err
}

func floorsOf(rows []floorRow) []floorplan.Floor {
	return values(rows, func(r floorRow) floorplan.Floor { return r.Floor })
}

const sqlUpdateFloor = `
UPDATE floors SET geom = ?, ordinal = ?, name = ?, elevation = ?, outline = ?, source_id = ? WHERE id = ?`

// UpdateFloor replaces a floor's fields. A floor stays in its building.
func (s *Store) UpdateFloor(ctx context.Context, f *floorplan.Floor) error {
	if err := floorplan.CheckFloor(ctx, f); err != nil {
		return err
	}
	now := s.now()
	return s.write(ctx, func(q querier) error {
		_, err := s.floors().update(ctx, q, now, f.ID, func(old floorRow) (floorRow, error) {
			if f.BuildingID != uuid.Nil && f.BuildingID != old.BuildingID {
				return old, floorplan.Invalidf("a floor cannot move to another building")
			}
			frame, err := buildingFrame(ctx, q, old.BuildingID)
			if err != nil {
				return old, err
			}
			if err := checkOrdinal(ctx, q, old.BuildingID, f.Ordinal, f.ID); err != nil {
				return old, err
			}
			local, ll, err := derived(f.Outline, frame)
			if err != nil {
				return old, err
			}
			_, err = q.ExecContext(ctx, sqlUpdateFloor, ll, f.Ordinal, f.Name, f.Elevation, local, f.SourceID, f.ID.String())
			if err != nil {
				return old, err
			}
			f.BuildingID = old.BuildingID
			return floorRow{Floor: *f, created: old.created}, nil
		})
		return err
	})
}

const sqlFloorInUse = `SELECT count(*) FROM rooms WHERE floor_id = ? AND deleted_at IS NULL`

// DeleteFloor deletes a floor that has no rooms left.
func (s *Store) DeleteFloor(ctx context.Context, id uuid.UUID) error {
	return s.floors().delete(ctx, id, nil, inUseCheck{sqlFloorInUse, "the floor still has %d room(s)"})
}
