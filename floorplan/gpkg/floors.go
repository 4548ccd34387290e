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
	if id == uuid.Nil {
		return nil, floorplan.Invalidf("no building given")
	}
	var (
		g        geo.Georef
		lon, lat float64
	)
	err := q.QueryRowContext(ctx, sqlBuildingFrame, id.String()).Scan(&lon, &lat, &g.RotationDeg, &g.Scale)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, floorplan.Invalidf("unknown building %s", id)
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
	id := newID(f.ID)
	now := s.now()
	err := s.write(ctx, func(q querier) error {
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
		_, err = q.ExecContext(ctx, sqlInsertFloor, ll, id.String(), f.BuildingID.String(), f.Ordinal, f.Name,
			f.Elevation, local, f.SourceID, createdText)
		if err != nil {
			return err
		}
		row := floorRow{Floor: *f, created: created}
		row.ID = id
		return record(ctx, q, now, change{floorplan.EntityFloor, id, opInsert, nil, row.image()})
	})
	if err != nil {
		return err
	}
	f.ID = id
	return nil
}

const sqlFloor = `SELECT ` + floorColumns + ` FROM floors f WHERE f.id = ? AND f.deleted_at IS NULL`

// liveFloor reads a live floor's row.
func (s *Store) liveFloor(ctx context.Context, q querier, id uuid.UUID) (floorRow, error) {
	r, err := s.scanFloor(q.QueryRowContext(ctx, sqlFloor, id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("floor", id)
	}
	return r, err
}

// Floor returns a floor.
func (s *Store) Floor(ctx context.Context, id uuid.UUID) (floorplan.Floor, error) {
	r, err := s.liveFloor(ctx, s.reader(), id)
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
	out := make([]floorplan.Floor, len(rows))
	for i, r := range rows {
		out[i] = r.Floor
	}
	return out
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
		old, err := s.liveFloor(ctx, q, f.ID)
		if err != nil {
			return err
		}
		if f.BuildingID != uuid.Nil && f.BuildingID != old.BuildingID {
			return floorplan.Invalidf("a floor cannot move to another building")
		}
		frame, err := buildingFrame(ctx, q, old.BuildingID)
		if err != nil {
			return err
		}
		if err := checkOrdinal(ctx, q, old.BuildingID, f.Ordinal, f.ID); err != nil {
			return err
		}
		local, ll, err := derived(f.Outline, frame)
		if err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, sqlUpdateFloor, ll, f.Ordinal, f.Name, f.Elevation, local, f.SourceID, f.ID.String())
		if err != nil {
			return err
		}
		f.BuildingID = old.BuildingID
		nw := floorRow{Floor: *f, created: old.created}
		return record(ctx, q, now, change{floorplan.EntityFloor, f.ID, opUpdate, old.image(), nw.image()})
	})
}

const (
	sqlFloorInUse  = `SELECT count(*) FROM rooms WHERE floor_id = ? AND deleted_at IS NULL`
	sqlDeleteFloor = `UPDATE floors SET deleted_at = ?, geom = NULL WHERE id = ?`
)

// DeleteFloor deletes a floor that has no rooms left.
func (s *Store) DeleteFloor(ctx context.Context, id uuid.UUID) error {
	now := s.now()
	return s.write(ctx, func(q querier) error {
		old, err := s.liveFloor(ctx, q, id)
		if err != nil {
			return err
		}
		if n, err := count(ctx, q, sqlFloorInUse, id.String()); err != nil {
			return err
		} else if n > 0 {
			return inUse("the floor still has %d room(s)", n)
		}
		deleted, deletedText := instant(now)
		if _, err := q.ExecContext(ctx, sqlDeleteFloor, deletedText, id.String()); err != nil {
			return err
		}
		nw := old
		nw.deleted = deleted
		return record(ctx, q, now, change{floorplan.EntityFloor, id, opDelete, old.image(), nw.image()})
	})
}
