package postgis

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"officemap/floorplan"
	"officemap/geo"
)

const buildingColumns = `b.id, b.site_id, b.name, b.address, ST_AsEWKB(b.footprint), b.origin_lon, b.origin_lat,
       b.rotation_deg, b.scale, b.source_id, b.valid_from, b.version, b.lang, b.category`

func scanBuilding(row pgx.Row) (floorplan.Building, error) {
	var (
		b         floorplan.Building
		footprint []byte
	)
	err := row.Scan(uuidDst(&b.ID), uuidDst(&b.SiteID), &b.Name, &b.Address, &footprint, &b.Georef.Origin[0],
		&b.Georef.Origin[1], &b.Georef.RotationDeg, &b.Georef.Scale, &b.SourceID, dateDst(&b.ValidFrom), &b.Version, &b.Lang, &b.Category)
	if err != nil {
		return b, err
	}
	b.Footprint, err = decodePolygon(footprint)
	return b, err
}

// derived returns the local geometry g (a polygon or lines) and its lon/lat copy in frame f as EWKB (nil
// for an empty g).
func derived(g orb.Geometry, f *geo.Frame) (local, lonLat []byte, err error) {
	if local, err = encodeGeometry(g, sridLocal); local == nil || err != nil {
		return nil, nil, err
	}
	if lonLat, err = encodeGeometry(project.Geometry(orb.Clone(g), f.ToLonLat), sridLonLat); err != nil {
		return nil, nil, err
	}
	return local, lonLat, nil
}

// lockSiteShareSQL makes sure a site is live and keeps it so until the transaction ends.
const lockSiteShareSQL = `SELECT id FROM sites WHERE id = $1 AND deleted_at IS NULL FOR KEY SHARE`

const insertBuildingSQL = `
INSERT INTO buildings (id, site_id, name, address, footprint, footprint_ll, origin_lon, origin_lat,
                       rotation_deg, scale, source_id, valid_from, lang, category)
VALUES ($1, $2, $3, $4, ST_GeomFromEWKB($5), ST_GeomFromEWKB($6), $7, $8, $9, $10, $11, $12, $13, $14)`

// CreateBuilding adds a building to a site; its lon/lat footprint is derived from its georeference.
func (s *Store) CreateBuilding(ctx context.Context, b *floorplan.Building) error {
	if err := floorplan.CheckBuilding(ctx, b); err != nil {
		return err
	}
	if err := s.classification.CheckBuilding(*b); err != nil {
		return err
	}
	local, ll, err := derived(b.Footprint, b.Georef.Frame())
	if err != nil {
		return err
	}
	id := newID(b.ID)
	validFrom := s.validFrom(ctx, b.ValidFrom)
	err = s.write(ctx, func(tx pgx.Tx) error {
		if err := lockLive(ctx, tx, lockSiteShareSQL, b.SiteID, "site"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, insertBuildingSQL, id, b.SiteID, b.Name, b.Address, local, ll,
			b.Georef.Origin[0], b.Georef.Origin[1], b.Georef.RotationDeg, b.Georef.Scale, b.SourceID, validFrom, b.Lang, b.Category)
		return s.geometryError(ctx, err, "footprint", local, ll)
	})
	if err != nil {
		return err
	}
	b.ID, b.ValidFrom, b.Version = id, validFrom, 1
	return nil
}

const buildingSQL = `SELECT ` + buildingColumns + ` FROM buildings b WHERE b.id = $1 AND b.deleted_at IS NULL`

// Building returns a building.
func (s *Store) Building(ctx context.Context, id uuid.UUID) (floorplan.Building, error) {
	return readOne(ctx, s, scanBuilding, buildingSQL, "building", id)
}

const (
	allBuildingsSQL  = `SELECT ` + buildingColumns + ` FROM buildings b WHERE b.deleted_at IS NULL ORDER BY b.name, b.id`
	siteBuildingsSQL = `SELECT ` + buildingColumns + ` FROM buildings b
 WHERE b.site_id = $1 AND b.deleted_at IS NULL ORDER BY b.name, b.id`
)

// Buildings lists the buildings of a site by name, or all of them for uuid.Nil.
func (s *Store) Buildings(ctx context.Context, siteID uuid.UUID) ([]floorplan.Building, error) {
	if siteID == uuid.Nil {
		return readAll(ctx, s, scanBuilding, allBuildingsSQL)
	}
	return readAll(ctx, s, scanBuilding, siteBuildingsSQL, siteID)
}

const (
	lockBuildingGeorefSQL = `
SELECT origin_lon, origin_lat, rotation_deg, scale FROM buildings
 WHERE id = $1 AND deleted_at IS NULL FOR NO KEY UPDATE`
	// buildingSitePartsSQL moves on, when the building $1 is about to move to another site $2, the stored
	// parts of the agencies of its leased rooms (as siteOwnershipPartsSQL for a site's ownership).
	buildingSitePartsSQL = `
SELECT parts_bump(ARRAY(SELECT DISTINCT r.agency_id FROM rooms r JOIN floors f ON f.id = r.floor_id
                         WHERE f.building_id = $1 AND r.deleted_at IS NULL AND r.state = 'leased'))
 WHERE (SELECT b.site_id FROM buildings b WHERE b.id = $1) IS DISTINCT FROM $2`
	updateBuildingSQL = `
UPDATE buildings SET site_id = $2, name = $3, address = $4, footprint = ST_GeomFromEWKB($5),
       footprint_ll = ST_GeomFromEWKB($6), origin_lon = $7, origin_lat = $8, rotation_deg = $9, scale = $10,
       source_id = $11, valid_from = coalesce($12, valid_from), lang = $14, category = $15, version = version + 1
 WHERE id = $1 AND version = $13
RETURNING version`
	buildingVersionSQL = `SELECT version FROM buildings WHERE id = $1 AND deleted_at IS NULL`
	buildingRoomsSQL   = `
SELECT r.id, ST_AsEWKB(r.geom) FROM rooms r JOIN floors f ON f.id = r.floor_id
 WHERE f.building_id = $1 FOR UPDATE OF r`
	rederiveRoomSQL   = `UPDATE rooms SET geom_ll = ST_GeomFromEWKB($2), version = version + 1 WHERE id = $1`
	buildingFloorsSQL = `
SELECT id, ST_AsEWKB(outline), ST_AsEWKB(openings) FROM floors
 WHERE building_id = $1 AND (outline IS NOT NULL OR openings IS NOT NULL) FOR UPDATE`
	rederiveFloorSQL = `
UPDATE floors SET outline_ll = ST_GeomFromEWKB($2), openings_ll = ST_GeomFromEWKB($3), version = version + 1
 WHERE id = $1`
)

// UpdateBuilding replaces a building's fields if b.Version is still its version, and moves b.Version on.
// When its georeference changes, the lon/lat geometry of its floors and rooms (deleted rooms included) is
// derived again in the same transaction; each floor's and room's version moves on, since its map
// geometry changed.
func (s *Store) UpdateBuilding(ctx context.Context, b *floorplan.Building) error {
	if err := floorplan.CheckBuilding(ctx, b); err != nil {
		return err
	}
	if err := s.classification.CheckBuilding(*b); err != nil {
		return err
	}
	frame := b.Georef.Frame()
	local, ll, err := derived(b.Footprint, frame)
	if err != nil {
		return err
	}
	var next int64
	err = s.write(ctx, func(tx pgx.Tx) error {
		var old geo.Georef
		if err := scanLive(ctx, tx, lockBuildingGeorefSQL, "building", b.ID, georefDst(&old)...); err != nil {
			return err
		}
		if err := lockLive(ctx, tx, lockSiteShareSQL, b.SiteID, "site"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, buildingSitePartsSQL, b.ID, b.SiteID); err != nil {
			return mapError(err)
		}
		err := updateVersioned(ctx, tx, "building", b.ID, b.Version, &next, buildingVersionSQL, updateBuildingSQL, b.ID,
			b.SiteID, b.Name, b.Address, local, ll, b.Georef.Origin[0], b.Georef.Origin[1], b.Georef.RotationDeg,
			b.Georef.Scale, b.SourceID, nullDate(b.ValidFrom), b.Version, b.Lang, b.Category)
		if err := s.geometryError(ctx, err, "footprint", local, ll); err != nil {
			return err
		}
		// The local frame is metres whatever the exchange unit (Georef.Scale): only a new origin or rotation
		// moves the map geometry.
		if old.Origin == b.Georef.Origin && old.RotationDeg == b.Georef.RotationDeg {
			return nil
		}
		if err := rederive(ctx, tx, frame, buildingFloorsSQL, rederiveFloorSQL, b.ID); err != nil {
			return err
		}
		return rederive(ctx, tx, frame, buildingRoomsSQL, rederiveRoomSQL, b.ID)
	})
	return setVersion(err, &b.Version, next)
}

// rederive reads rows of an id and local EWKB columns with selectSQL and writes each one's lon/lat copies
// in frame f with updateSQL ($1 the id, then the copies in the order of the columns), in one round trip.
func rederive(ctx context.Context, tx pgx.Tx, f *geo.Frame, selectSQL, updateSQL string, buildingID uuid.UUID) error {
	rows, err := tx.Query(ctx, selectSQL, buildingID)
	if err != nil {
		return err
	}
	var batch pgx.Batch
	for rows.Next() {
		args, err := lonLatCopies(rows, f)
		if err != nil {
			rows.Close()
			return err
		}
		batch.Queue(updateSQL, args...)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if batch.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, &batch).Close()
}

// lonLatCopies scans a row of an id and local EWKB columns and returns the id and the lon/lat copy of each
// column in frame f (nil for NULL).
func lonLatCopies(rows pgx.Rows, f *geo.Frame) ([]any, error) {
	var id uuid.UUID
	locals := make([][]byte, len(rows.FieldDescriptions())-1)
	dst := []any{uuidDst(&id)}
	for i := range locals {
		dst = append(dst, &locals[i])
	}
	if err := rows.Scan(dst...); err != nil {
		return nil, err
	}
	args := []any{id}
	for _, local := range locals {
		g, err := decodeGeometry(local)
		if err != nil {
			return nil, err
		}
		var ll []byte
		if g != nil {
			if _, ll, err = derived(g, f); err != nil {
				return nil, err
			}
		}
		args = append(args, ll)
	}
	return args, nil
}

const (
	lockBuildingSQL   = `SELECT id FROM buildings WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`
	buildingInUseSQL  = `SELECT count(*) FROM floors WHERE building_id = $1 AND deleted_at IS NULL`
	deleteBuildingSQL = `UPDATE buildings SET deleted_at = now(), version = version + 1 WHERE id = $1`
)

// DeleteBuilding deletes a building that has no floors left.
func (s *Store) DeleteBuilding(ctx context.Context, id uuid.UUID) error {
	return s.softDelete(ctx, id, "building", lockBuildingSQL, deleteBuildingSQL, []any{id},
		inUse{buildingInUseSQL, "the building still has %d floor(s)"})
}

const validReasonSQL = `SELECT ST_IsValidReason(ST_GeomFromEWKB($1))`

// geometryError turns a violation of a geometry CHECK constraint into an error wrapping geo.ErrInvalid
// with PostGIS's reason (asked on a connection of its own: the transaction is aborted). The geometries
// are the EWKB values of the statement, local first.
func (s *Store) geometryError(ctx context.Context, err error, what string, geoms ...[]byte) error {
	if err == nil {
		return nil
	}
	pe := pgError(err)
	if pe == nil || pe.Code != "23514" {
		return err
	}
	label, ok := geometryConstraints[pe.ConstraintName]
	if !ok {
		return err
	}
	reason := "PostGIS finds it invalid"
	for _, g := range geoms {
		if g == nil {
			continue
		}
		var r string
		qerr := s.onConn(ctx, connUse{idempotent: true}, func(c *pgxpool.Conn) error { return c.QueryRow(ctx, validReasonSQL, g).Scan(&r) })
		if qerr == nil && r != "Valid Geometry" {
			reason = r
			break
		}
	}
	return newError(geo.ErrInvalid, err, "invalid %s geometry (%s): %s", what, label, reason)
}
