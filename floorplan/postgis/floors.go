package postgis

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
	"officemap/geo"
)

const floorColumns = `f.id, f.building_id, f.ordinal, f.name, f.elevation, ST_AsEWKB(f.outline), f.source_id, f.version,
       ST_AsEWKB(f.openings)`

func scanFloor(row pgx.Row) (floorplan.Floor, error) {
	var (
		f                 floorplan.Floor
		outline, openings []byte
	)
	if err := row.Scan(uuidDst(&f.ID), uuidDst(&f.BuildingID), &f.Ordinal, &f.Name, &f.Elevation, &outline, &f.SourceID,
		&f.Version, &openings); err != nil {
		return f, err
	}
	var err error
	if f.Outline, err = decodePolygon(outline); err != nil {
		return f, err
	}
	f.Openings, err = decodeLines(openings)
	return f, err
}

// lockBuildingFrameSQL returns a live building's georeference and holds a SHARE lock on its row until
// the transaction ends, so that UpdateBuilding (which derives lon/lat geometry again when the
// georeference changes) waits for writers that derived with the old one, and they for it.
const lockBuildingFrameSQL = `
SELECT origin_lon, origin_lat, rotation_deg, scale FROM buildings
 WHERE id = $1 AND deleted_at IS NULL FOR SHARE`

// buildingFrame returns the frame of a live building, locked as lockBuildingFrameSQL says.
func buildingFrame(ctx context.Context, tx pgx.Tx, id uuid.UUID) (*geo.Frame, error) {
	return readFrame(ctx, tx, lockBuildingFrameSQL, id, "building")
}

// readFrame returns the frame of the georeference (origin_lon, origin_lat, rotation_deg, scale) that
// query reads (and locks) for the id of a live what ($1); no row is an invalid reference.
func readFrame(ctx context.Context, tx pgx.Tx, query string, id uuid.UUID, what string) (*geo.Frame, error) {
	var g geo.Georef
	if err := scanRef(ctx, tx, query, id, what, georefDst(&g)...); err != nil {
		return nil, err
	}
	return g.Frame(), nil
}

// georefDst is where to scan the columns origin_lon, origin_lat, rotation_deg and scale of a
// georeference.
func georefDst(g *geo.Georef) []any {
	return []any{&g.Origin[0], &g.Origin[1], &g.RotationDeg, &g.Scale}
}

const insertFloorSQL = `
INSERT INTO floors (id, building_id, ordinal, name, elevation, outline, outline_ll, source_id, openings, openings_ll)
VALUES ($1, $2, $3, $4, $5, ST_GeomFromEWKB($6), ST_GeomFromEWKB($7), $8, ST_GeomFromEWKB($9), ST_GeomFromEWKB($10))`

// CreateFloor adds a floor to a building at version 1. Two floors of a building may share an ordinal
// when their names differ (the levels of an IMDF venue at one ordinal), not a name at one ordinal.
func (s *Store) CreateFloor(ctx context.Context, f *floorplan.Floor) error {
	if err := floorplan.CheckFloor(ctx, f); err != nil {
		return err
	}
	return s.createFloor(ctx, f)
}

// createFloor is CreateFloor once the floor is checked.
func (s *Store) createFloor(ctx context.Context, f *floorplan.Floor) error {
	return setVersion(s.create(ctx, &f.ID, func(tx pgx.Tx, id uuid.UUID) error {
		frame, err := buildingFrame(ctx, tx, f.BuildingID)
		if err != nil {
			return err
		}
		g, err := floorGeometry(f, frame)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, insertFloorSQL, id, f.BuildingID, f.Ordinal, f.Name, f.Elevation, g.outline, g.outlineLL,
			f.SourceID, g.openings, g.openingsLL)
		return g.explain(ctx, s, err)
	}), &f.Version, 1)
}

// floorEWKB is a floor's local geometry and its lon/lat copies as EWKB (nil for none).
type floorEWKB struct {
	outline, outlineLL, openings, openingsLL []byte
}

// floorGeometry returns the EWKB of floor f's outline and openings and of their copies in frame.
func floorGeometry(f *floorplan.Floor, frame *geo.Frame) (g floorEWKB, err error) {
	if g.outline, g.outlineLL, err = derived(f.Outline, frame); err != nil {
		return g, err
	}
	g.openings, g.openingsLL, err = derived(f.Openings, frame)
	return g, err
}

// explain is geometryError for a write of the floor's geometry: it names the outline or the openings,
// whichever the database refused.
func (g floorEWKB) explain(ctx context.Context, s *Store, err error) error {
	if pe := pgError(err); pe != nil && strings.HasPrefix(pe.ConstraintName, "floors_openings") {
		return s.geometryError(ctx, err, "openings", g.openings, g.openingsLL)
	}
	return s.geometryError(ctx, err, "outline", g.outline, g.outlineLL)
}

const floorSQL = `SELECT ` + floorColumns + ` FROM floors f WHERE f.id = $1 AND f.deleted_at IS NULL`

// Floor returns a floor.
func (s *Store) Floor(ctx context.Context, id uuid.UUID) (floorplan.Floor, error) {
	return readOne(ctx, s, scanFloor, floorSQL, "floor", id)
}

const (
	floorsSQL = `SELECT ` + floorColumns + ` FROM floors f
 WHERE f.building_id = $1 AND f.deleted_at IS NULL ORDER BY f.ordinal, f.name COLLATE "C", f.id`
	allFloorsSQL = `SELECT ` + floorColumns + ` FROM floors f
 WHERE f.deleted_at IS NULL ORDER BY f.building_id, f.ordinal, f.name COLLATE "C", f.id`
	floorsByIDSQL = `SELECT ` + floorColumns + ` FROM floors f
 WHERE f.id = ANY($1) AND f.deleted_at IS NULL ORDER BY f.building_id, f.ordinal, f.name COLLATE "C", f.id`
)

// Floors lists a building's floors by ordinal (floors of one ordinal by name), or every floor (uuid.Nil) by
// building id, then so.
func (s *Store) Floors(ctx context.Context, buildingID uuid.UUID) ([]floorplan.Floor, error) {
	if buildingID == uuid.Nil {
		return readAll(ctx, s, scanFloor, allFloorsSQL)
	}
	return readAll(ctx, s, scanFloor, floorsSQL, buildingID)
}

// FloorsByID returns the live floors among ids, in the order of Floors(uuid.Nil).
func (s *Store) FloorsByID(ctx context.Context, ids []uuid.UUID) ([]floorplan.Floor, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return readAll(ctx, s, scanFloor, floorsByIDSQL, uuidArray(ids))
}

const (
	lockFloorSQL   = `SELECT building_id FROM floors WHERE id = $1 AND deleted_at IS NULL FOR NO KEY UPDATE`
	updateFloorSQL = `
UPDATE floors SET ordinal = $2, name = $3, elevation = $4, outline = ST_GeomFromEWKB($5),
       outline_ll = ST_GeomFromEWKB($6), source_id = $7, openings = ST_GeomFromEWKB($9),
       openings_ll = ST_GeomFromEWKB($10), version = version + 1
 WHERE id = $1 AND version = $8
RETURNING version`
	floorVersionSQL = `SELECT version FROM floors WHERE id = $1 AND deleted_at IS NULL`
)

// UpdateFloor replaces a floor's fields if f.Version is still its version, and moves f.Version on. A
// floor stays in its building, and keeps an ordinal and name of its own there (as CreateFloor).
func (s *Store) UpdateFloor(ctx context.Context, f *floorplan.Floor) error {
	if err := floorplan.CheckFloor(ctx, f); err != nil {
		return err
	}
	var next int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		var buildingID uuid.UUID
		if err := scanLive(ctx, tx, lockFloorSQL, "floor", f.ID, &buildingID); err != nil {
			return err
		}
		if f.BuildingID != uuid.Nil && f.BuildingID != buildingID {
			return floorplan.Invalidf("a floor cannot move to another building")
		}
		frame, err := buildingFrame(ctx, tx, buildingID)
		if err != nil {
			return err
		}
		g, err := floorGeometry(f, frame)
		if err != nil {
			return err
		}
		err = updateVersioned(ctx, tx, "floor", f.ID, f.Version, &next, floorVersionSQL, updateFloorSQL, f.ID, f.Ordinal,
			f.Name, f.Elevation, g.outline, g.outlineLL, f.SourceID, f.Version, g.openings, g.openingsLL)
		if err := g.explain(ctx, s, err); err != nil {
			return err
		}
		f.BuildingID = buildingID
		return nil
	})
	return setVersion(err, &f.Version, next)
}

const (
	lockFloorForDeleteSQL = `SELECT id FROM floors WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`
	floorInUseSQL         = `SELECT count(*) FROM rooms WHERE floor_id = $1 AND deleted_at IS NULL`
	deleteFloorSQL        = `UPDATE floors SET deleted_at = now(), version = version + 1 WHERE id = $1`
)

// DeleteFloor deletes a floor that has no rooms left.
func (s *Store) DeleteFloor(ctx context.Context, id uuid.UUID) error {
	return s.softDelete(ctx, id, "floor", lockFloorForDeleteSQL, deleteFloorSQL, []any{id},
		inUse{floorInUseSQL, "the floor still has %d room(s)"})
}
