package api_test

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"officemap/api"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/geo"
	"officemap/migrations"
)

// Issue 10, item 1: a building's georef.scale is the unit of the local coordinates exchanged with
// crs=local; the stored local frame, and so every area, is in metres.

// unitBuilding makes a site, a building with georef.scale scale whose footprint is footprintM (metres)
// sent with crs=local in the building's unit, and a floor whose outline is outlineM likewise. It returns
// the building and floor ids and the georeference.
func (e *env) unitBuilding(scale float64, footprintM, outlineM orb.Polygon) (building, floor uuid.UUID, g geo.Georef) {
	e.t.Helper()
	n, g := nextPlace(scale)
	site := e.do("POST", "/api/v1/sites", map[string]any{"name": fmt.Sprintf("单位测试办公区 %d", n),
		"category": "office.party_government", "ownership": "registered"}).created(e.t)
	building = e.do("POST", "/api/v1/buildings?crs=local", map[string]any{"site_id": site, "name": fmt.Sprintf("单位楼 %d", n),
		"footprint": polygonJSON(inUnits(footprintM, scale)),
		"georef":    georefJSON(g),
	}).created(e.t)
	floor = e.do("POST", "/api/v1/buildings/"+building.String()+"/floors?crs=local", map[string]any{"ordinal": 3, "name": "4F",
		"outline": polygonJSON(inUnits(outlineM, scale))}).created(e.t)
	return building, floor, g
}

// inUnits converts a polygon in metres to local units of scale metres.
func inUnits(p orb.Polygon, scale float64) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		out[i] = make(orb.Ring, len(r))
		for j, q := range r {
			out[i][j] = orb.Point{q[0] / scale, q[1] / scale}
		}
	}
	return out
}

// coordsPolygon turns decoded GeoJSON coordinates into a polygon.
func coordsPolygon(c [][][]float64) orb.Polygon {
	p := make(orb.Polygon, len(c))
	for i, r := range c {
		p[i] = make(orb.Ring, len(r))
		for j, q := range r {
			p[i][j] = orb.Point{q[0], q[1]}
		}
	}
	return p
}

type buildingOut struct {
	Footprint struct {
		Coordinates [][][]float64 `json:"coordinates"`
	} `json:"footprint"`
	Georef struct {
		Scale float64 `json:"scale"`
	} `json:"georef"`
	AreaM2 float64 `json:"area_m2"`
}

// TestIssue10MillimetreRoom is the issue's repro: a building with scale 0.001 (millimetres) and a room
// posted with crs=local as 4000 × 6000 is 24 m², the footprint's area is in m², and a 正处 alone in it
// (standard 24 m²) is compliant, not over standard by 23 999 976 m².
func TestIssue10MillimetreRoom(t *testing.T) {
	e := newEnv(t, api.Config{})
	buildingID, floorID, g := e.unitBuilding(0.001, rect(0, 0, 40, 20), rect(0, 0, 40, 20))

	var b buildingOut
	e.do("GET", "/api/v1/buildings/"+buildingID.String(), nil).expect(t, 200).decode(t, &b)
	if !near(b.AreaM2, 800, 1e-6) || b.Georef.Scale != 0.001 {
		t.Errorf("footprint area_m2 %v, scale %v; want 800 m², 0.001", b.AreaM2, b.Georef.Scale)
	}
	e.do("GET", "/api/v1/buildings/"+buildingID.String()+"?crs=local", nil).expect(t, 200).decode(t, &b)
	if !geo.EqualWithin(coordsPolygon(b.Footprint.Coordinates), rect(0, 0, 40000, 20000), 1e-6) || !near(b.AreaM2, 800, 1e-6) {
		t.Errorf("footprint with crs=local %v (area %v), want 40000 × 20000 mm, 800 m²", b.Footprint.Coordinates, b.AreaM2)
	}

	res := e.do("POST", "/api/v1/floors/"+floorID.String()+"/rooms?crs=local", map[string]any{"type": "Feature",
		"geometry": polygonJSON(rect(0, 0, 4000, 6000)), "properties": map[string]any{"number": "401", "usage": "office"}}).expect(t, 201)
	var room roomFeature
	res.decode(t, &room)
	if !near(room.Properties.AreaM2, 24, 1e-9) {
		t.Fatalf("area_m2 = %v, want 24 (the issue reported 24000000)", room.Properties.AreaM2)
	}
	if !geo.EqualWithin(coordsPolygon(room.Geometry.Coordinates), rect(0, 0, 4000, 6000), 0) {
		t.Errorf("the response's crs=local geometry is %v, want the millimetres sent", room.Geometry.Coordinates)
	}
	// In lon/lat, the room is 4 × 6 m on the ground.
	var ll roomFeature
	e.do("GET", "/api/v1/rooms/"+room.ID.String(), nil).expect(t, 200).decode(t, &ll)
	if a := geo.GeodesicArea(coordsPolygon(ll.Geometry.Coordinates)); math.Abs(a/24-1) > 1e-4 {
		t.Errorf("geodesic area of the lon/lat room %.6f m², want 24", a)
	}
	if want := g.Frame().PolygonToLonLat(rect(0, 0, 4, 6)); !geo.EqualWithin(coordsPolygon(ll.Geometry.Coordinates), want, 1e-11) {
		t.Errorf("lon/lat room %v, want %v", ll.Geometry.Coordinates, want)
	}

	_, person := e.agencyAndPerson("常州市某局 "+uuid.NewString()[:4], "李正处", "division")
	e.do("POST", "/api/v1/assignments", map[string]any{"person_id": person, "room_id": room.ID, "kind": "main",
		"start": "2024-01-01"}).expect(t, 201)
	var after roomFeature
	e.do("GET", "/api/v1/rooms/"+room.ID.String(), nil).expect(t, 200).decode(t, &after)
	p := after.Properties
	if p.Status == nil || *p.Status != "compliant" || !near(p.PerPersonM2, 24, 1e-9) || !near(p.StandardM2, 24, 1e-9) {
		t.Errorf("status %v, per person %v m², standard %v m²; want compliant, 24, 24", p.Status, p.PerPersonM2, p.StandardM2)
	}
}

// unitRooms is one floor's rooms in metres, with their areas in m²: the same floor is drawn in several
// units through the API.
var unitRooms = []struct {
	number string
	poly   orb.Polygon
	area   float64
}{
	{"301", rect(0, 0, 4, 6), 24},
	{"302", rect(4, 0, 7.62, 6), 21.72},
	{"303", orb.Polygon{rect(7.62, 0, 11.43, 5.5)[0], {{9, 2}, {9, 3}, {10, 3}, {10, 2}, {9, 2}}}, 3.81*5.5 - 1},
	{"H1", orb.Polygon{{{0, 6}, {11.43, 6}, {11.43, 8.5}, {2, 8.5}, {2, 12}, {0, 12}, {0, 6}}}, 11.43*2.5 + 2*3.5},
	{"305", rect(2.125, 9.3125, 5.0625, 11.875), 2.9375 * 2.5625},
}

// TestSameFloorInUnits: the same floor drawn in millimetres, centimetres, metres and inches through the
// API (crs=local, georef.scale 0.001, 0.01, 1 and 0.0254) gives the same areas to 1e-6 m², reads back
// with crs=local in the building's unit (a round trip) and in lon/lat at the same places on the ground,
// and splits, patches and lon/lat writes all work in metres.
func TestSameFloorInUnits(t *testing.T) {
	e := newEnv(t, api.Config{})
	footprint, outline := rect(-1, -1, 13, 13), rect(-0.5, -0.5, 12.5, 12.5)
	for _, scale := range []float64{0.001, 0.01, 1, 0.0254} {
		t.Run(fmt.Sprint(scale), func(t *testing.T) {
			buildingID, floorID, g := e.unitBuilding(scale, footprint, outline)
			frame := g.Frame()
			var b buildingOut
			e.do("GET", "/api/v1/buildings/"+buildingID.String(), nil).expect(t, 200).decode(t, &b)
			if !near(b.AreaM2, 14*14, 1e-6) {
				t.Errorf("footprint area_m2 %v, want 196", b.AreaM2)
			}
			var fl struct {
				Outline struct {
					Coordinates [][][]float64 `json:"coordinates"`
				} `json:"outline"`
			}
			e.do("GET", "/api/v1/floors/"+floorID.String()+"?crs=local", nil).expect(t, 200).decode(t, &fl)
			if !geo.EqualWithin(coordsPolygon(fl.Outline.Coordinates), inUnits(outline, scale), 1e-6) {
				t.Errorf("outline with crs=local %v, want %v", fl.Outline.Coordinates, inUnits(outline, scale))
			}

			ids := map[string]uuid.UUID{}
			for _, r := range unitRooms {
				var got roomFeature
				e.do("POST", "/api/v1/floors/"+floorID.String()+"/rooms?crs=local", map[string]any{"type": "Feature",
					"geometry": polygonJSON(inUnits(r.poly, scale)), "properties": map[string]any{"number": r.number, "usage": "office"}}).
					expect(t, 201).decode(t, &got)
				ids[r.number] = got.ID
			}
			var local, ll roomCollection
			e.do("GET", "/api/v1/floors/"+floorID.String()+"/rooms?crs=local", nil).expect(t, 200).decode(t, &local)
			e.do("GET", "/api/v1/floors/"+floorID.String()+"/rooms", nil).expect(t, 200).decode(t, &ll)
			byID := func(fc roomCollection, id uuid.UUID) roomFeature {
				for _, f := range fc.Features {
					if f.ID == id {
						return f
					}
				}
				t.Fatalf("room %s not listed", id)
				return roomFeature{}
			}
			for _, r := range unitRooms {
				lf, gf := byID(local, ids[r.number]), byID(ll, ids[r.number])
				if !near(lf.Properties.AreaM2, r.area, 1e-6) || !near(gf.Properties.AreaM2, r.area, 1e-6) {
					t.Errorf("room %s: area_m2 %v (crs=local) and %v (lon/lat), want %v", r.number, lf.Properties.AreaM2,
						gf.Properties.AreaM2, r.area)
				}
				if got, want := coordsPolygon(lf.Geometry.Coordinates), inUnits(r.poly, scale); !geo.EqualWithin(got, want, 1e-6) {
					t.Errorf("room %s with crs=local: %v, want %v (the units sent)", r.number, got, want)
				}
				if got, want := coordsPolygon(gf.Geometry.Coordinates), frame.PolygonToLonLat(r.poly); !geo.EqualWithin(got, want, 1e-11) {
					t.Errorf("room %s in lon/lat: %v, want %v", r.number, got, want)
				}
			}

			// A room written in lon/lat next to them reads back in the building's unit, and shares walls.
			var lonlat roomFeature
			e.do("POST", "/api/v1/floors/"+floorID.String()+"/rooms", map[string]any{"type": "Feature",
				"geometry":   polygonJSON(frame.PolygonToLonLat(rect(7.62, 5.5, 11.43, 6))),
				"properties": map[string]any{"number": "306", "usage": "service"}}).expect(t, 201).decode(t, &lonlat)
			if !near(lonlat.Properties.AreaM2, 3.81*0.5, 1e-6) {
				t.Errorf("lon/lat room area_m2 %v, want %v", lonlat.Properties.AreaM2, 3.81*0.5)
			}
			var back roomFeature
			e.do("GET", "/api/v1/rooms/"+lonlat.ID.String()+"?crs=local", nil).expect(t, 200).decode(t, &back)
			if want := inUnits(rect(7.62, 5.5, 11.43, 6), scale); !geo.EqualWithin(coordsPolygon(back.Geometry.Coordinates), want, 1e-6) {
				t.Errorf("lon/lat room with crs=local: %v, want %v", back.Geometry.Coordinates, want)
			}

			// Split 301 at x = 1 m along a line given in the building's unit: 6 + 18 m².
			var room roomFeature
			e.do("GET", "/api/v1/rooms/"+ids["301"].String(), nil).expect(t, 200).decode(t, &room)
			line := fmt.Sprintf(`{"type":"LineString","coordinates":[[%v,%v],[%v,%v]]}`, 1/scale, -1/scale, 1/scale, 7/scale)
			var pieces roomCollection
			e.do("POST", "/api/v1/rooms/"+room.ID.String()+"/split?crs=local", line, "If-Match", fmt.Sprintf(`"%d"`, room.Properties.Version)).
				expect(t, 201).decode(t, &pieces)
			areas := map[string]float64{}
			for _, p := range pieces.Features {
				areas[p.Properties.Number] = p.Properties.AreaM2
			}
			if len(areas) != 2 || !near(areas["301-1"], 18, 1e-6) || !near(areas["301-2"], 6, 1e-6) {
				t.Errorf("split pieces %v, want 301-1: 18 m², 301-2: 6 m²", areas)
			}

			// PATCH 302's geometry in the building's unit: 3 × 6 m.
			var r302 roomFeature
			e.do("GET", "/api/v1/rooms/"+ids["302"].String(), nil).expect(t, 200).decode(t, &r302)
			var patched roomFeature
			e.do("PATCH", "/api/v1/rooms/"+ids["302"].String()+"?crs=local", map[string]any{"geometry": polygonJSON(inUnits(rect(4, 0, 7, 6), scale))},
				"If-Match", fmt.Sprintf(`"%d"`, r302.Properties.Version)).expect(t, 200).decode(t, &patched)
			if !near(patched.Properties.AreaM2, 18, 1e-6) {
				t.Errorf("patched room area_m2 %v, want 18", patched.Properties.AreaM2)
			}
			// Overlaps are judged in metres whatever the unit: 0.01 m² is refused, 0.25 cm² (below the 1 cm²
			// tolerance) passes.
			e.do("POST", "/api/v1/floors/"+floorID.String()+"/rooms?crs=local", map[string]any{"type": "Feature",
				"geometry": polygonJSON(inUnits(rect(1.9, 11.9, 2.1, 12.1), scale)), "properties": map[string]any{"number": "X", "usage": "office"}}).
				expectError(t, 409, "overlap")
			e.do("POST", "/api/v1/floors/"+floorID.String()+"/rooms?crs=local", map[string]any{"type": "Feature",
				"geometry": polygonJSON(inUnits(rect(1.995, 11.995, 2.005, 12.005), scale)), "properties": map[string]any{"number": "Y", "usage": "office"}}).
				expect(t, 201)
		})
	}
}

// TestGeorefScaleValidation: georef.scale must be from 1e-4 to 1e4 metres per unit; 0 means 1.
func TestGeorefScaleValidation(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()
	body := func(scale any) map[string]any {
		return map[string]any{"site_id": f.site, "name": "比例测试 " + uuid.NewString()[:6],
			"footprint": polygonJSON(rect(0, 0, 10, 10)),
			"georef":    map[string]any{"origin": []float64{121, 31}, "rotation_deg": 0, "scale": scale}}
	}
	for _, bad := range []any{-1, -0.001, 1e-5, 2e4, 1e300} {
		er := e.do("POST", "/api/v1/buildings?crs=local", body(bad)).expectError(t, 422, "invalid_input")
		if er["field"] != "georef.scale" {
			t.Errorf("scale %v: error %v does not name georef.scale", bad, er)
		}
	}
	var b buildingOut
	e.do("POST", "/api/v1/buildings?crs=local", body(0)).expect(t, 201).decode(t, &b)
	if b.Georef.Scale != 1 || !near(b.AreaM2, 100, 1e-9) {
		t.Errorf("scale 0: stored scale %v, area %v; want 1, 100 m²", b.Georef.Scale, b.AreaM2)
	}
	e.do("PATCH", "/api/v1/buildings/"+f.building.String(), `{"georef":{"scale":100000}}`, "If-Match", "*").expectError(t, 422, "invalid_input")
}

// TestPatchScaleKeepsGeometry: changing a building's scale changes only the unit of crs=local: nothing
// stored is rescaled, every area stays.
func TestPatchScaleKeepsGeometry(t *testing.T) {
	e := newEnv(t, api.Config{})
	buildingID, floorID, _ := e.unitBuilding(1, rect(0, 0, 20, 10), rect(0, 0, 20, 10))
	var room roomFeature
	e.do("POST", "/api/v1/floors/"+floorID.String()+"/rooms?crs=local", map[string]any{"type": "Feature",
		"geometry": polygonJSON(rect(0, 0, 4, 6)), "properties": map[string]any{"number": "101", "usage": "office"}}).
		expect(t, 201).decode(t, &room)
	var b buildingOut
	e.do("PATCH", "/api/v1/buildings/"+buildingID.String(), `{"georef":{"scale":0.001}}`, "If-Match", "*").expect(t, 200).decode(t, &b)
	if b.Georef.Scale != 0.001 || !near(b.AreaM2, 200, 1e-9) {
		t.Errorf("after PATCH: scale %v, footprint area %v; want 0.001, 200 m²", b.Georef.Scale, b.AreaM2)
	}
	var got roomFeature
	e.do("GET", "/api/v1/rooms/"+room.ID.String()+"?crs=local", nil).expect(t, 200).decode(t, &got)
	if !near(got.Properties.AreaM2, 24, 1e-9) || !geo.EqualWithin(coordsPolygon(got.Geometry.Coordinates), rect(0, 0, 4000, 6000), 1e-6) {
		t.Errorf("room after the scale change: %v (area %v), want 4000 × 6000 mm, 24 m²", got.Geometry.Coordinates, got.Properties.AreaM2)
	}
	e.do("GET", "/api/v1/buildings/"+buildingID.String()+"?crs=local", nil).expect(t, 200).decode(t, &b)
	if !geo.EqualWithin(coordsPolygon(b.Footprint.Coordinates), rect(0, 0, 20000, 10000), 1e-6) {
		t.Errorf("footprint with crs=local after the scale change: %v", b.Footprint.Coordinates)
	}
	// A footprint sent with the new scale is in the new unit.
	e.do("PATCH", "/api/v1/buildings/"+buildingID.String()+"?crs=local",
		map[string]any{"footprint": polygonJSON(rect(0, 0, 30000, 10000))}, "If-Match", "*").expect(t, 200).decode(t, &b)
	if !near(b.AreaM2, 300, 1e-9) {
		t.Errorf("footprint area after a crs=local PATCH in mm: %v, want 300 m²", b.AreaM2)
	}
}

// TestMigration0005Units writes, with raw SQL, what a register held before the local frame was always
// in metres (a millimetre building with scale 0.001 whose footprint, outline and rooms are in
// millimetres), runs migrations/0005_units.sql on it, and reads it through the API.
func TestMigration0005Units(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDB(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	g := geo.Georef{Origin: orb.Point{118.5, 32.1}, RotationDeg: 12, Scale: 0.001}
	fr := g.Frame()
	wkt := func(p orb.Polygon) string {
		s := "POLYGON("
		for i, r := range p {
			if i > 0 {
				s += ","
			}
			s += "("
			for j, q := range r {
				if j > 0 {
					s += ","
				}
				s += fmt.Sprintf("%.17g %.17g", q[0], q[1])
			}
			s += ")"
		}
		return s + ")"
	}
	site, building, floor := uuid.New(), uuid.New(), uuid.New()
	roomA, roomB, metreRoom := uuid.New(), uuid.New(), uuid.New()
	metreBuilding, metreFloor := uuid.New(), uuid.New()
	legacy := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO sites (id, name, ownership) VALUES ($1, '旧数据办公区', 'registered')`, []any{site}},
		{`INSERT INTO buildings (id, site_id, name, footprint, footprint_ll, origin_lon, origin_lat, rotation_deg, scale)
		  VALUES ($1, $2, '毫米楼', ST_GeomFromText($3, 0), ST_GeomFromText($4, 4326), $5, $6, $7, 0.001)`,
			[]any{building, site, wkt(rect(0, 0, 8000, 6000)), wkt(fr.PolygonToLonLat(rect(0, 0, 8, 6))), g.Origin[0], g.Origin[1], g.RotationDeg}},
		{`INSERT INTO floors (id, building_id, ordinal, name, outline, outline_ll)
		  VALUES ($1, $2, 0, '1F', ST_GeomFromText($3, 0), ST_GeomFromText($4, 4326))`,
			[]any{floor, building, wkt(rect(0, 0, 8000, 6000)), wkt(fr.PolygonToLonLat(rect(0, 0, 8, 6)))}},
		// Two neighbours: converting one first puts it inside the other, still in millimetres.
		{`INSERT INTO rooms (id, floor_id, number, usage, geom, geom_ll) VALUES
		  ($1, $3, '101', 'office', ST_GeomFromText($4, 0), ST_GeomFromText($5, 4326)),
		  ($2, $3, '102', 'office', ST_GeomFromText($6, 0), ST_GeomFromText($7, 4326))`,
			[]any{roomA, roomB, floor, wkt(rect(4000, 0, 8000, 6000)), wkt(fr.PolygonToLonLat(rect(4, 0, 8, 6))),
				wkt(rect(0, 0, 4000, 6000)), wkt(fr.PolygonToLonLat(rect(0, 0, 4, 6)))}},
		{`INSERT INTO buildings (id, site_id, name, footprint, footprint_ll, origin_lon, origin_lat, rotation_deg, scale)
		  VALUES ($1, $2, '米楼', NULL, NULL, 118.6, 32.1, 0, 1)`, []any{metreBuilding, site}},
		{`INSERT INTO floors (id, building_id, ordinal, name) VALUES ($1, $2, 0, '1F')`, []any{metreFloor, metreBuilding}},
		{`INSERT INTO rooms (id, floor_id, number, usage, geom, geom_ll) VALUES ($1, $2, '101', 'office', ST_GeomFromText($3, 0), ST_GeomFromText($4, 4326))`,
			[]any{metreRoom, metreFloor, wkt(rect(0, 0, 4, 6)),
				wkt(geo.Georef{Origin: orb.Point{118.6, 32.1}}.Frame().PolygonToLonLat(rect(0, 0, 4, 6)))}},
	}
	for _, st := range legacy {
		if _, err := conn.Exec(ctx, st.sql, st.args...); err != nil {
			t.Fatalf("%s: %v", st.sql, err)
		}
	}
	var llBefore string
	unitsMust(t, conn.QueryRow(ctx, `SELECT ST_AsText(geom_ll) FROM rooms WHERE id = $1`, roomA).Scan(&llBefore))

	script, err := fs.ReadFile(migrations.FS, "0005_units.sql")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 0005 ran on a schema whose buildings and floors had no version yet (0009_versions): replayed on
	// today's, it runs without their version triggers, as it did then.
	const versionTriggers = ` TRIGGER buildings_version; ALTER TABLE floors %s TRIGGER floors_version`
	if _, err := tx.Exec(ctx, fmt.Sprintf(`ALTER TABLE buildings DISABLE`+versionTriggers, "DISABLE")); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, string(script)); err != nil {
		t.Fatalf("0005_units.sql: %v", err)
	}
	if _, err := tx.Exec(ctx, fmt.Sprintf(`ALTER TABLE buildings ENABLE`+versionTriggers, "ENABLE")); err != nil {
		t.Fatal(err)
	}
	unitsMust(t, tx.Commit(ctx))

	var llAfter, actor string
	var version int64
	var area float64
	unitsMust(t, conn.QueryRow(ctx, `SELECT ST_AsText(geom_ll), version, area_m2 FROM rooms WHERE id = $1`, roomA).Scan(&llAfter, &version, &area))
	if llAfter != llBefore || version != 2 || !near(area, 24, 1e-9) {
		t.Errorf("room after the migration: lon/lat changed %v, version %d (want 2), area_m2 %v (want 24)", llAfter != llBefore, version, area)
	}
	var reason string
	unitsMust(t, conn.QueryRow(ctx, `SELECT actor, reason FROM history WHERE entity_id = $1 ORDER BY seq DESC LIMIT 1`, roomA).
		Scan(&actor, &reason))
	if actor != "migration:0005_units" || reason == "" {
		t.Errorf("last history record of the room by %q for %q, want the migration's, with a reason", actor, reason)
	}
	unitsMust(t, conn.QueryRow(ctx, `SELECT version FROM rooms WHERE id = $1`, metreRoom).Scan(&version))
	if version != 1 {
		t.Errorf("the metre building's room has version %d, want 1 (untouched)", version)
	}
	var overlapOn string
	unitsMust(t, conn.QueryRow(ctx, `SELECT tgenabled::text FROM pg_trigger WHERE tgname = 'rooms_no_overlap'`).Scan(&overlapOn))
	if overlapOn != "O" {
		t.Errorf("rooms_no_overlap left %q, want enabled (O)", overlapOn)
	}

	// Through the API.
	store, err := postgis.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := serveEnv(t, api.Config{}, func(string) api.Deps { return api.Deps{Store: store} })
	var b buildingOut
	e.do("GET", "/api/v1/buildings/"+building.String()+"?crs=local", nil).expect(t, 200).decode(t, &b)
	if !near(b.AreaM2, 48, 1e-9) || !geo.EqualWithin(coordsPolygon(b.Footprint.Coordinates), rect(0, 0, 8000, 6000), 1e-6) {
		t.Errorf("building: area_m2 %v (want 48), footprint with crs=local %v (want the millimetres)", b.AreaM2, b.Footprint.Coordinates)
	}
	var room roomFeature
	e.do("GET", "/api/v1/rooms/"+roomB.String()+"?crs=local", nil).expect(t, 200).decode(t, &room)
	if !near(room.Properties.AreaM2, 24, 1e-9) || room.Properties.Version != 2 ||
		!geo.EqualWithin(coordsPolygon(room.Geometry.Coordinates), rect(0, 0, 4000, 6000), 1e-6) {
		t.Errorf("room 102: %v, area %v, version %d; want 4000 × 6000 mm, 24 m², version 2",
			room.Geometry.Coordinates, room.Properties.AreaM2, room.Properties.Version)
	}
}

func unitsMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
