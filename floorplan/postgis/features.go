package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

// roomFeaturesSQL is the tile path for rooms: the GiST index on the derived lon/lat polygon finds the
// rooms in the envelope ($1..$4: min lon, min lat, max lon, max lat); $5…$7 keep the rooms of a read scope
// (scopeArgs); $8 floor and $9 level filter when not NULL. A polygon whose box lies in the envelope meets
// it: the box test (@) spares ST_Intersects for most rows of a large window (an OGC page of the whole
// register). Area comes from the stored area of the local polygon. Features appends the order (roomFeaturesOrder) when asked for, then the page (featuresPage).
var roomFeaturesSQL = `
SELECT r.id, ST_AsEWKB(r.geom_ll), f.building_id, r.floor_id, f.ordinal, r.number, r.name, r.usage, r.agency_id,
       r.area_m2
  FROM rooms r JOIN floors f ON f.id = r.floor_id
 WHERE r.deleted_at IS NULL
   AND r.geom_ll && ST_MakeEnvelope($1, $2, $3, $4, 4326)
   AND (r.geom_ll @ ST_MakeEnvelope($1, $2, $3, $4, 4326) OR ST_Intersects(r.geom_ll, ST_MakeEnvelope($1, $2, $3, $4, 4326)))
   AND ` + roomInScope + `
   AND ($8::uuid IS NULL OR r.floor_id = $8)
   AND ($9::integer IS NULL OR f.ordinal = $9)`

// roomFeaturesOrder is FeatureFilter.Ordered for rooms: numbers in byte order, as Go compares them.
const roomFeaturesOrder = `
 ORDER BY f.building_id, f.ordinal, r.number COLLATE "C", r.id`

// buildingFeaturesSQL is the tile path for buildings ($1..$4 envelope; $5 the visible buildings, NULL:
// all). Ordered, buildings come by ID (their building ID), then the page (featuresPage).
const buildingFeaturesSQL = `
SELECT b.id, ST_AsEWKB(b.footprint_ll), b.name, ST_Area(b.footprint)
  FROM buildings b
 WHERE b.deleted_at IS NULL
   AND b.footprint_ll && ST_MakeEnvelope($1, $2, $3, $4, 4326)
   AND (b.footprint_ll @ ST_MakeEnvelope($1, $2, $3, $4, 4326) OR ST_Intersects(b.footprint_ll, ST_MakeEnvelope($1, $2, $3, $4, 4326)))
   AND ($5::uuid[] IS NULL OR b.id = ANY($5))`

const buildingFeaturesOrder = `
 ORDER BY b.id`

// featuresPage ends a features query: the limit (NULL: none) and offset are its last two parameters.
func featuresPage(n int) string {
	return fmt.Sprintf("\n LIMIT $%d OFFSET $%d", n, n+1)
}

// Features returns the live features of a layer whose lon/lat geometry intersects bound b.
func (s *Store) Features(ctx context.Context, layer floorplan.Layer, b orb.Bound, f floorplan.FeatureFilter) ([]floorplan.Feature, error) {
	var limit any
	if f.Limit > 0 {
		limit = f.Limit
	}
	ordered := f.Ordered || f.Offset > 0
	args := []any{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	scope := scopeArgs(f.In)
	switch layer {
	case floorplan.LayerRooms:
		var level any
		if f.HasLevel {
			level = f.Level
		}
		query := roomFeaturesSQL
		if ordered {
			query += roomFeaturesOrder
		}
		args = append(append(args, scope[:3]...), nullID(f.FloorID), level, limit, max(f.Offset, 0))
		return readAll(ctx, s, scanRoomFeature, query+featuresPage(10), args...)
	case floorplan.LayerBuildings:
		query := buildingFeaturesSQL
		if ordered {
			query += buildingFeaturesOrder
		}
		args = append(args, scope[3], limit, max(f.Offset, 0))
		return readAll(ctx, s, scanBuildingFeature, query+featuresPage(6), args...)
	}
	return nil, floorplan.Invalidf("unknown layer %q", layer)
}

func scanRoomFeature(row pgx.Row) (floorplan.Feature, error) {
	var (
		f    = floorplan.Feature{Layer: floorplan.LayerRooms}
		geom []byte
	)
	err := row.Scan(uuidDst(&f.ID), &geom, uuidDst(&f.BuildingID), uuidDst(&f.FloorID), &f.Level, &f.Number, &f.Name,
		&f.Usage, optionalIDDst(&f.AgencyID), &f.AreaM2)
	if err != nil {
		return f, err
	}
	f.Geometry, err = decodePolygon(geom)
	return f, err
}

func scanBuildingFeature(row pgx.Row) (floorplan.Feature, error) {
	var (
		f    = floorplan.Feature{Layer: floorplan.LayerBuildings}
		geom []byte
	)
	if err := row.Scan(uuidDst(&f.ID), &geom, &f.Name, &f.AreaM2); err != nil {
		return f, err
	}
	f.BuildingID = f.ID
	f.Number = f.Name
	var err error
	f.Geometry, err = decodePolygon(geom)
	return f, err
}
