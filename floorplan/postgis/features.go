package postgis

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

// roomFeaturesSQL is the tile path for rooms: the GiST index on the derived lon/lat polygon finds the
// rooms in the envelope ($1..$4: min lon, min lat, max lon, max lat); $5 floor and $6 level filter when
// not NULL; $7 limits (NULL: no limit). Area comes from the stored area of the local polygon.
const roomFeaturesSQL = `
SELECT r.id, ST_AsEWKB(r.geom_ll), f.building_id, r.floor_id, f.ordinal, r.number, r.name, r.usage, r.agency_id,
       r.area_m2
  FROM rooms r JOIN floors f ON f.id = r.floor_id
 WHERE r.deleted_at IS NULL
   AND r.geom_ll && ST_MakeEnvelope($1, $2, $3, $4, 4326)
   AND ST_Intersects(r.geom_ll, ST_MakeEnvelope($1, $2, $3, $4, 4326))
   AND ($5::uuid IS NULL OR r.floor_id = $5)
   AND ($6::integer IS NULL OR f.ordinal = $6)
 LIMIT $7`

// buildingFeaturesSQL is the tile path for buildings ($1..$4 envelope, $5 limit).
const buildingFeaturesSQL = `
SELECT b.id, ST_AsEWKB(b.footprint_ll), b.name, ST_Area(b.footprint)
  FROM buildings b
 WHERE b.deleted_at IS NULL
   AND b.footprint_ll && ST_MakeEnvelope($1, $2, $3, $4, 4326)
   AND ST_Intersects(b.footprint_ll, ST_MakeEnvelope($1, $2, $3, $4, 4326))
 LIMIT $5`

// Features returns the live features of a layer whose lon/lat geometry intersects bound b.
func (s *Store) Features(ctx context.Context, layer floorplan.Layer, b orb.Bound, f floorplan.FeatureFilter) ([]floorplan.Feature, error) {
	var limit any
	if f.Limit > 0 {
		limit = f.Limit
	}
	switch layer {
	case floorplan.LayerRooms:
		var level any
		if f.HasLevel {
			level = f.Level
		}
		return readAll(ctx, s, scanRoomFeature, roomFeaturesSQL, b.Min[0], b.Min[1], b.Max[0], b.Max[1],
			nullID(f.FloorID), level, limit)
	case floorplan.LayerBuildings:
		return readAll(ctx, s, scanBuildingFeature, buildingFeaturesSQL, b.Min[0], b.Min[1], b.Max[0], b.Max[1], limit)
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
