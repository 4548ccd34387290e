package gpkg

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// buildingImageOf is the history image of a building's row.
func buildingImageOf(r buildingRow) buildingImage {
	b := r.rec
	return buildingImage{ID: jsonID(b.ID), SiteID: jsonID(b.SiteID), Name: b.Name, Address: b.Address,
		Footprint: jsonPolygon(b.Footprint), OriginLon: b.Georef.Origin[0], OriginLat: b.Georef.Origin[1],
		RotationDeg: b.Georef.RotationDeg, Scale: b.Georef.Scale, SourceID: b.SourceID,
		CreatedAt: jsonInstant(r.created), DeletedAt: jsonInstant(r.deleted), ValidFrom: jsonDate(b.ValidFrom),
		Version: b.Version, Lang: b.Lang, Category: b.Category}
}

const buildingColumns = `b.id, b.site_id, b.name, b.address, b.footprint, b.origin_lon, b.origin_lat, b.rotation_deg,
       b.scale, b.source_id, CAST(b.created_at AS TEXT), CAST(b.deleted_at AS TEXT), CAST(b.valid_from AS TEXT),
       b.version, b.lang, b.category`

func (s *Store) scanBuilding(row scanner) (buildingRow, error) {
	var (
		r         buildingRow
		b         = &r.rec
		footprint []byte
	)
	err := row.Scan(idCol{&b.ID}, idCol{&b.SiteID}, &b.Name, &b.Address, &footprint, &b.Georef.Origin[0],
		&b.Georef.Origin[1], &b.Georef.RotationDeg, &b.Georef.Scale, &b.SourceID, instantCol{&r.created, s.loc},
		instantCol{&r.deleted, s.loc}, dateCol{&b.ValidFrom}, &b.Version, &b.Lang, &b.Category)
	if err != nil {
		return r, err
	}
	b.Footprint, err = decodePolygon(footprint)
	return r, err
}

// derived returns the GeoPackage blobs of a local polygon and of its lon/lat copy in frame f (nil, SQL
// NULL, for an empty polygon).
func derived(p orb.Polygon, f *geo.Frame) (local, lonLat any, err error) {
	if len(p) == 0 {
		return nil, nil, nil
	}
	if local, err = encodeGeom(p, srsLocal); err != nil {
		return nil, nil, err
	}
	if lonLat, err = encodeGeom(f.PolygonToLonLat(p), srsLonLat); err != nil {
		return nil, nil, err
	}
	return local, lonLat, nil
}

const (
	sqlLiveSite      = `SELECT 1 FROM sites_all WHERE id = ? AND deleted_at IS NULL`
	sqlSourceIDTaken = `
SELECT count(*) FROM buildings_all
 WHERE site_id = ? AND source_id = ? AND source_id <> '' AND deleted_at IS NULL AND id <> ?`
	sqlInsertBuilding = `
INSERT INTO buildings_all (geom, id, site_id, name, address, footprint, origin_lon, origin_lat, rotation_deg, scale,
                       source_id, created_at, valid_from, lang, category)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// checkBuildingRefs checks that a building's site is live and its source id free in the site.
func checkBuildingRefs(ctx context.Context, q querier, b *floorplan.Building, id uuid.UUID) error {
	if err := live(ctx, q, sqlLiveSite, b.SiteID, "site"); err != nil {
		return err
	}
	if b.SourceID == "" {
		return nil
	}
	n, err := count(ctx, q, sqlSourceIDTaken, b.SiteID.String(), b.SourceID, id.String())
	if err != nil {
		return err
	}
	if n > 0 {
		return floorplan.Invalidf("the site already has a building with source id %q", b.SourceID)
	}
	return nil
}

// CreateBuilding adds a building to a site; its lon/lat footprint is derived from its georeference.
// ValidFrom is the building's own when given, else the effective day of ctx, else today.
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
	now := s.now()
	validFrom := s.validFrom(ctx, b.ValidFrom, now)
	err = s.write(ctx, func(q querier) error {
		if err := checkBuildingRefs(ctx, q, b, id); err != nil {
			return err
		}
		created, createdText := instant(now)
		row := buildingRow{rec: *b, created: created}
		row.rec.ID, row.rec.ValidFrom, row.rec.Version = id, validFrom, 1
		err := s.buildings().insert(ctx, q, now, id, row, sqlInsertBuilding, ll, id.String(), b.SiteID.String(), b.Name,
			b.Address, local, b.Georef.Origin[0], b.Georef.Origin[1], b.Georef.RotationDeg, b.Georef.Scale, b.SourceID,
			createdText, nullDate(validFrom), b.Lang, b.Category)
		if err != nil {
			return err
		}
		return refreshSiteGeom(ctx, q, b.SiteID)
	})
	if err != nil {
		return err
	}
	b.ID, b.ValidFrom, b.Version = id, validFrom, 1
	return nil
}

// Building returns a building.
func (s *Store) Building(ctx context.Context, id uuid.UUID) (floorplan.Building, error) {
	return get(ctx, s.buildings(), id)
}

const (
	sqlAllBuildings  = `SELECT ` + buildingColumns + ` FROM buildings_all b NOT INDEXED WHERE b.deleted_at IS NULL ORDER BY b.name, b.id`
	sqlSiteBuildings = `SELECT ` + buildingColumns + ` FROM buildings_all b
 WHERE b.site_id = ? AND b.deleted_at IS NULL ORDER BY b.name, b.id`
)

// Buildings lists the buildings of a site by name, or all of them for uuid.Nil.
func (s *Store) Buildings(ctx context.Context, siteID uuid.UUID) ([]floorplan.Building, error) {
	if siteID == uuid.Nil {
		return list(ctx, s.buildings(), sqlAllBuildings)
	}
	return list(ctx, s.buildings(), sqlSiteBuildings, siteID.String())
}

const sqlUpdateBuilding = `
UPDATE buildings_all SET geom = ?, site_id = ?, name = ?, address = ?, footprint = ?, origin_lon = ?, origin_lat = ?,
       rotation_deg = ?, scale = ?, source_id = ?, valid_from = ?, lang = ?, category = ?, version = version + 1
 WHERE id = ?`

// UpdateBuilding replaces a building's fields if b.Version is still its version, and moves b.Version on.
// When its georeference changes, the lon/lat geometry of
// its floors and rooms is derived again in the same transaction, and each room's version moves on (its
// map geometry changed), deleted floors and rooms included, as in the PostGIS store. A zero ValidFrom
// keeps the stored one (and b.ValidFrom is then that one).
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
	now := s.now()
	var validFrom time.Time
	err = s.write(ctx, func(q querier) error {
		old, err := s.buildings().update(ctx, q, now, b.ID, func(old buildingRow) (buildingRow, error) {
			if err := stale("building", old.rec.Version, b.Version); err != nil {
				return old, err
			}
			if err := checkBuildingRefs(ctx, q, b, b.ID); err != nil {
				return old, err
			}
			if old.rec.SiteID != b.SiteID {
				if _, err := q.ExecContext(ctx, sqlBuildingLeasedParts, b.ID.String()); err != nil {
					return old, err
				}
			}
			validFrom = old.rec.ValidFrom
			if !b.ValidFrom.IsZero() {
				validFrom = floorplan.DayOf(b.ValidFrom)
			}
			_, err := q.ExecContext(ctx, sqlUpdateBuilding, ll, b.SiteID.String(), b.Name, b.Address, local,
				b.Georef.Origin[0], b.Georef.Origin[1], b.Georef.RotationDeg, b.Georef.Scale, b.SourceID,
				nullDate(validFrom), b.Lang, b.Category, b.ID.String())
			if err != nil {
				return old, err
			}
			if err := refreshSiteGeom(ctx, q, b.SiteID); err != nil {
				return old, err
			}
			if old.rec.SiteID != b.SiteID {
				if err := refreshSiteGeom(ctx, q, old.rec.SiteID); err != nil {
					return old, err
				}
			}
			nw := buildingRow{rec: *b, created: old.created}
			nw.rec.ValidFrom = validFrom
			nw.rec.Version++
			return nw, nil
		})
		if err != nil {
			return err
		}
		// The scale moves nothing stored.
		if g := old.rec.Georef; g.Origin == b.Georef.Origin && g.RotationDeg == b.Georef.RotationDeg {
			return nil
		}
		return s.rederive(ctx, q, now, frame, b.ID)
	})
	if err != nil {
		return err
	}
	b.ValidFrom = validFrom
	b.Version++
	return nil
}

const (
	sqlBuildingFloors = `SELECT ` + floorColumns + ` FROM floors_all f
 WHERE f.building_id = ? AND (f.outline IS NOT NULL OR f.openings IS NOT NULL)`
	sqlRederiveFloor = `UPDATE floors_all SET geom = ?, version = version + 1 WHERE id = ?`
)

const (
	sqlBuildingRooms = `SELECT ` + roomColumns + ` FROM rooms_all r JOIN floors_all f ON f.id = r.floor_id WHERE f.building_id = ?`
	sqlRederiveRoom  = `UPDATE rooms_all SET geom = ?, version = version + 1 WHERE id = ?`
)

// rederive derives the lon/lat geometry of every floor of a building (live ones; deleted floors have
// none) and of every room in frame f, and moves each floor's and room's version on. Each floor and room gets a
// history row, as the PostGIS store's triggers write them. A floor with openings and no outline has no
// lon/lat geometry here, but its version moves on all the same, as in the PostGIS store, which keeps a
// lon/lat copy of the openings.
func (s *Store) rederive(ctx context.Context, q querier, now time.Time, f *geo.Frame, buildingID uuid.UUID) error {
	floors, err := collect(ctx, q, s.scanFloor, sqlBuildingFloors, buildingID.String())
	if err != nil {
		return err
	}
	for _, fl := range floors {
		nw := fl
		nw.rec.Version++
		c := change{floorplan.EntityFloor, fl.rec.ID, opUpdate, floorImageOf(fl), floorImageOf(nw)}
		if err := setLonLat(ctx, q, now, c, sqlRederiveFloor, fl.rec.Outline, f, fl.deleted); err != nil {
			return err
		}
	}
	rooms, err := collect(ctx, q, s.scanRoom, sqlBuildingRooms, buildingID.String())
	if err != nil {
		return err
	}
	for _, r := range rooms {
		nw := r
		nw.Version++
		c := change{floorplan.EntityRoom, r.ID, opUpdate, roomImageOf(r), roomImageOf(nw)}
		if err := setLonLat(ctx, q, now, c, sqlRederiveRoom, r.Geometry, f, r.DeletedAt); err != nil {
			return err
		}
	}
	return nil
}

// setLonLat sets the lon/lat geometry of c's row with query (?1 the geometry, ?2 the id): the copy of its
// local polygon p in frame f, or NULL for a row deleted at a non-zero instant. It records c.
func setLonLat(ctx context.Context, q querier, now time.Time, c change, query string, p orb.Polygon, f *geo.Frame,
	deleted time.Time) error {
	var ll any
	if deleted.IsZero() {
		var err error
		if _, ll, err = derived(p, f); err != nil {
			return err
		}
	}
	if _, err := q.ExecContext(ctx, query, ll, c.id.String()); err != nil {
		return err
	}
	return record(ctx, q, now, c)
}

const sqlBuildingInUse = `SELECT count(*) FROM floors_all WHERE building_id = ? AND deleted_at IS NULL`

// DeleteBuilding deletes a building that has no floors left.
func (s *Store) DeleteBuilding(ctx context.Context, id uuid.UUID) error {
	now := s.now()
	return s.write(ctx, func(q querier) error {
		old, err := s.buildings().remove(ctx, q, now, id, nil,
			inUseCheck{sqlBuildingInUse, "the building still has %d floor(s)"})
		if err != nil {
			return err
		}
		return refreshSiteGeom(ctx, q, old.rec.SiteID)
	})
}
