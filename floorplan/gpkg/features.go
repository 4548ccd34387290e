package gpkg

import (
	"context"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan"
	"officemap/geo"
)

// sqlRoomFeatures is the tile path for rooms: the R-tree of the lon/lat polygons finds the rooms whose
// envelope meets the bound (?1..?4: min lon, min lat, max lon, max lat); ?5…?7 keep the rooms of a read
// scope (scopeArgs); ?8 floor and ?9 level filter when not NULL. Features then keeps the polygons that
// really meet the bound, which is why the page (limit, offset) is taken there and not in SQL.
const sqlRoomFeatures = `
SELECT r.id, r.geom, f.building_id, r.floor_id, f.ordinal, r.number, r.name, r.usage, r.agency_id, r.area_m2
  FROM rtree_rooms_geom t
  JOIN rooms_all r ON r.fid = t.id
  JOIN floors_all f ON f.id = r.floor_id
 WHERE t.minx <= ?3 AND t.maxx >= ?1 AND t.miny <= ?4 AND t.maxy >= ?2
   AND r.deleted_at IS NULL
   AND ` + roomInScope + `
   AND (?8 IS NULL OR r.floor_id = ?8)
   AND (?9 IS NULL OR f.ordinal = ?9)`

// sqlRoomFeaturesOrder is FeatureFilter.Ordered for rooms (TEXT compares bytes, as Go does).
const sqlRoomFeaturesOrder = `
 ORDER BY f.building_id, f.ordinal, r.number, r.id`

// sqlBuildingFeatures is the tile path for buildings (?1..?4 as above; ?5 the visible buildings as a JSON
// array, NULL: all).
const sqlBuildingFeatures = `
SELECT b.id, b.geom, b.name, b.footprint
  FROM rtree_buildings_geom t
  JOIN buildings_all b ON b.fid = t.id
 WHERE t.minx <= ?3 AND t.maxx >= ?1 AND t.miny <= ?4 AND t.maxy >= ?2
   AND b.deleted_at IS NULL
   AND (?5 IS NULL OR b.id IN (SELECT value FROM json_each(?5)))`

// sqlBuildingFeaturesOrder is FeatureFilter.Ordered for buildings: by ID, their building ID.
const sqlBuildingFeaturesOrder = `
 ORDER BY b.id`

// Features returns the live features of a layer whose lon/lat geometry intersects bound b.
func (s *Store) Features(ctx context.Context, layer floorplan.Layer, b orb.Bound, f floorplan.FeatureFilter) ([]floorplan.Feature, error) {
	var (
		query, order string
		args         = []any{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		scan         func(scanner) (floorplan.Feature, error)
		scope        = scopeArgs(f.In)
	)
	switch layer {
	case floorplan.LayerRooms:
		var level any
		if f.HasLevel {
			level = f.Level
		}
		query, order, scan = sqlRoomFeatures, sqlRoomFeaturesOrder, scanRoomFeature
		args = append(append(args, scope[:3]...), nullID(f.FloorID), level)
	case floorplan.LayerBuildings:
		query, order, scan = sqlBuildingFeatures, sqlBuildingFeaturesOrder, scanBuildingFeature
		args = append(args, scope[3])
	default:
		return nil, floorplan.Invalidf("unknown layer %q", layer)
	}
	if f.Ordered || f.Offset > 0 {
		query += order
	}
	rows, err := s.reader().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrapErr(err)
	}
	defer rows.Close()
	out := []floorplan.Feature{}
	skip := f.Offset
	for rows.Next() {
		ft, err := scan(rows)
		if err != nil {
			return nil, wrapErr(err)
		}
		if !intersects(ft.Geometry, b) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, ft)
		if f.Limit > 0 && len(out) >= f.Limit {
			break
		}
	}
	return out, wrapErr(rows.Err())
}

func scanRoomFeature(row scanner) (floorplan.Feature, error) {
	var (
		f    = floorplan.Feature{Layer: floorplan.LayerRooms}
		geom []byte
	)
	err := row.Scan(idCol{&f.ID}, &geom, idCol{&f.BuildingID}, idCol{&f.FloorID}, &f.Level, &f.Number, &f.Name,
		&f.Usage, idCol{&f.AgencyID}, &f.AreaM2)
	if err != nil {
		return f, err
	}
	f.Geometry, err = decodePolygon(geom)
	return f, err
}

func scanBuildingFeature(row scanner) (floorplan.Feature, error) {
	var (
		f               = floorplan.Feature{Layer: floorplan.LayerBuildings}
		geom, footprint []byte
	)
	if err := row.Scan(idCol{&f.ID}, &geom, &f.Name, &footprint); err != nil {
		return f, err
	}
	f.BuildingID, f.Number = f.ID, f.Name
	var err error
	if f.Geometry, err = decodePolygon(geom); err != nil {
		return f, err
	}
	local, err := decodePolygon(footprint)
	f.AreaM2 = geo.Area(local)
	return f, err
}

// intersects reports whether polygon p and bound b share a point (ST_Intersects with an envelope): an
// edge of p meets b, or b lies inside p.
func intersects(p orb.Polygon, b orb.Bound) bool {
	if len(p) == 0 || !p.Bound().Intersects(b) {
		return false
	}
	for _, r := range p {
		for i := 1; i < len(r); i++ {
			if segmentMeetsBound(r[i-1], r[i], b) {
				return true
			}
		}
	}
	return planar.PolygonContains(p, b.Min)
}

// segmentMeetsBound clips segment a–b to bound (Liang–Barsky) and reports whether anything is left.
func segmentMeetsBound(a, b orb.Point, bd orb.Bound) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := b[0]-a[0], b[1]-a[1]
	for _, e := range [4][2]float64{
		{-dx, a[0] - bd.Min[0]},
		{dx, bd.Max[0] - a[0]},
		{-dy, a[1] - bd.Min[1]},
		{dy, bd.Max[1] - a[1]},
	} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		t := q / p
		if p < 0 {
			if t > t1 {
				return false
			}
			t0 = max(t0, t)
		} else {
			if t < t0 {
				return false
			}
			t1 = min(t1, t)
		}
	}
	return t0 <= t1
}
