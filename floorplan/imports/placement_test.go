//go:build !nostore

package imports_test

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
	"officemap/geo"
)

// lonLatDataset is a lon/lat source of rooms drawn in Changzhou's local metres, without a georeference.
func lonLatDataset(rooms ...imports.Room) *imports.Dataset {
	f := changzhou.Frame()
	for i := range rooms {
		rooms[i].Geometry = f.PolygonToLonLat(rooms[i].Geometry)
	}
	ds := dataset(rooms...)
	ds.LonLat, ds.Buildings[0].Georef = true, nil
	return ds
}

// geographyDistance is the distance in metres from a lon/lat point to a lon/lat polygon on the spheroid,
// by PostGIS.
func geographyDistance(t *testing.T, p orb.Point, poly orb.Polygon) float64 {
	t.Helper()
	var d float64
	err := pgConn(t).QueryRow(ctx, `SELECT ST_Distance(ST_GeomFromText($1, 4326)::geography, ST_GeomFromText($2, 4326)::geography)`,
		wkt.MarshalString(p), wkt.MarshalString(poly)).Scan(&d)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A lon/lat venue whose footprint is a stale copy of a building 2,700 km away: a frame there would make
// every area 30 % wrong, so the import is refused with the distance, unless told to ignore the
// footprint; then the building is placed by its rooms and every area is right.
func TestFarFootprint(t *testing.T) {
	ds := lonLatDataset(room("a", "101", 0, rect(0, 0, 4, 5)), room("b", "102", 0, rect(4, 0, 6, 5)))
	// The rooms' bound, moved 25° west (about 2,350 km at 31.8° N) and 10° north.
	f := changzhou.Frame()
	far := f.PolygonToLonLat(rect(0, 0, 10, 5))
	for _, r := range far {
		for i := range r {
			r[i][0] -= 25
			r[i][1] += 10
		}
	}
	ds.Buildings[0].Footprint = far
	want := geographyDistance(t, f.ToLonLat(orb.Point{5, 2.5}), far)

	s := importtest.NewStore(t)
	_, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{Lang: "en"})
	if err == nil || !errors.Is(err, imports.ErrRejected) {
		t.Fatalf("err = %v, want the footprint refused", err)
	}
	m := regexp.MustCompile(`lies ([0-9,]+) km from its rooms`).FindStringSubmatch(err.Error())
	if m == nil || !strings.Contains(err.Error(), `building "一号楼"`) || !strings.Contains(err.Error(), "--ignore-footprint") {
		t.Fatalf("err = %v, want the building, the distance and the hint", err)
	}
	km, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	if math.Abs(float64(km)*1000-want) > 1000 {
		t.Errorf("%d km, PostGIS says %.0f m", km, want)
	}
	if bs, _ := s.Buildings(ctx, [16]byte{}); len(bs) != 0 {
		t.Errorf("a refused import wrote %d buildings", len(bs))
	}

	sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{Lang: "en", IgnoreFootprint: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "footprint lies") || !strings.Contains(sum.Warnings[0], "was dropped") {
		t.Errorf("warnings %q", sum.Warnings)
	}
	var src []orb.Polygon
	for _, r := range ds.Buildings[0].Rooms {
		src = append(src, r.Geometry)
	}
	areas := equalAreas(t, src)
	got := liveRooms(t, s)
	for i, n := range []string{"101", "102"} {
		if math.Abs(got[n].Area()-areas[i]) > 1e-8*areas[i] {
			t.Errorf("room %s: %.9f m², %.9f m² by PostGIS", n, got[n].Area(), areas[i])
		}
	}
	b, _ := s.Building(ctx, sum.Targets[0].ID)
	if len(b.Footprint) == 0 || geographyDistance(t, b.Georef.Origin, f.PolygonToLonLat(rect(0, 0, 10, 5))) > 0 {
		t.Errorf("building %+v: not placed by its rooms", b)
	}
	for _, n := range []string{"101", "102"} {
		if out, err := geo.Outside(got[n].Geometry, b.Footprint, 0.1); err != nil || out.Area > 0 {
			t.Errorf("room %s lies out of the footprint: %+v %v", n, out, err)
		}
	}
}

// Rooms far out of the source's footprint are a warning with how many and how far; with
// IgnoreFootprint the footprint is made from the rooms instead.
func TestRoomsOutsideFootprint(t *testing.T) {
	ds := dataset(room("a", "101", 0, rect(0, 0, 4, 5)), room("b", "102", 0, rect(20, 0, 4, 5)), room("c", "103", 0, rect(10.5, 0, 1, 1)))
	ds.Buildings[0].Footprint = rect(-0.3, -0.3, 10.6, 5.6) // to x = 10.3: 102 reaches 13.7 m out, 103 1.2 m
	sum, err := imports.Import(ctx, floorplan.NewRegister(importtest.NewStore(t)), ds, imports.Options{Lang: "en", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "1 rooms reach more than 2 m out of its footprint, the farthest room 102 (b) by 13.7 m") {
		t.Errorf("warnings %q", sum.Warnings)
	}
	s := importtest.NewStore(t)
	sum, err = imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{Lang: "en", IgnoreFootprint: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Warnings) != 2 || !strings.Contains(sum.Warnings[0], "that footprint was not taken") ||
		!strings.Contains(sum.Warnings[1], "its rooms make 3 separate parts") {
		t.Errorf("warnings %q", sum.Warnings)
	}
	b, _ := s.Building(ctx, sum.Targets[0].ID)
	// The rooms lie apart: the footprint is one of the two largest, 101 or 102, grown by 0.3 m.
	if math.Abs(geo.Area(b.Footprint)-4.6*5.6) > 1e-6 {
		t.Errorf("footprint of %.4f m², want 101 grown by 0.3 m (25.76 m²)", geo.Area(b.Footprint))
	}
}

// Every imported building can be found on the map: a drawing without an outline gets a footprint made
// from its rooms.
func TestFootprintFromRooms(t *testing.T) {
	s := importtest.NewStore(t)
	sum, err := imports.Import(ctx, floorplan.NewRegister(s),
		dataset(room("a", "101", 0, rect(0, 0, 4, 5)), room("b", "102", 0, rect(4.2, 0, 4, 5)), room("c", "201", 1, rect(0, 5.2, 8.2, 3))),
		imports.Options{Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Building(ctx, sum.Targets[0].ID)
	// Level 0's 8.2 × 5 m and level 1's 8.2 × 3 m above it, 0.2 m apart: 8.8 × 8.8 m.
	if math.Abs(geo.Area(b.Footprint)-8.8*8.8) > 1e-6 {
		t.Errorf("footprint of %.4f m², want 77.44", geo.Area(b.Footprint))
	}
	if !strings.Contains(strings.Join(sum.Notes, "\n"), "footprint of 77 m² made from its rooms") {
		t.Errorf("notes %q", sum.Notes)
	}
	again, err := imports.Import(ctx, floorplan.NewRegister(s),
		dataset(room("a", "101", 0, rect(0, 0, 4, 5)), room("b", "102", 0, rect(4.2, 0, 4, 5)), room("c", "201", 1, rect(0, 5.2, 8.2, 3))),
		imports.Options{})
	if err != nil || again.Buildings.Unchanged != 1 {
		t.Errorf("a re-import changed the building: %+v %v", again.Buildings, err)
	}
}

// The Andreas-Pfitzmann-Bau without its OSM outline gets a footprint from its rooms that covers the
// mapped outline and is within 3 % of its area (PostGIS and PROJ measure the outline).
func TestFootprintAPB(t *testing.T) {
	ds := readSource(t, "osm", "osm/tu-dresden-apb/APBorig.osm")
	outline := ds.Buildings[0].Footprint
	ds.Buildings[0].Footprint = nil
	s := importtest.NewStore(t)
	sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Building(ctx, sum.Targets[0].ID)
	want := equalAreas(t, []orb.Polygon{outline})[0]
	got := geo.Area(b.Footprint)
	local := b.Georef.Frame().PolygonToLocal(outline)
	covered, err := geo.OverlapArea(b.Footprint, local)
	if err != nil || math.Abs(got-want) > 0.03*want || covered < 0.97*want {
		t.Errorf("footprint of %.0f m² covers %.0f m² of the outline's %.0f m² (%v)", got, covered, want, err)
	}
	t.Logf("footprint %.0f m², outline %.0f m², %.1f %% of it covered", got, want, 100*covered/want)
}

// Levels the source declares without rooms are a warning; so is a new building placed on an existing
// one, with the overlap in m².
func TestPlacementWarnings(t *testing.T) {
	s := importtest.NewStore(t)
	ds := dataset(room("a", "101", 0, rect(0, 0, 20, 10)))
	ds.Buildings[0].Floors = []imports.Floor{{Ordinal: 0}, {Ordinal: 1}, {Ordinal: 2, Name: "顶层"}}
	ds.Buildings[0].Footprint = rect(0, 0, 20, 10)
	sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "2 levels of the source have no rooms: 2F (1), 顶层 (2)") {
		t.Errorf("warnings %q", sum.Warnings)
	}
	first := sum.Targets[0].ID

	// Another building 15 m east of the first: their footprints overlap by 5 m × 10 m.
	for _, tt := range []struct {
		east float64
		want string
	}{{15, "overlap by 50 m²"}, {19.7, ""}, {30, ""}} {
		other := dataset(room("x", "A", 0, rect(0, 0, 20, 10)))
		gr := geo.Georef{Origin: changzhou.Frame().ToLonLat(orb.Point{tt.east, 0}), Scale: 1}
		other.Buildings[0].SourceID, other.Buildings[0].Name, other.Buildings[0].Georef = "test:other", "二号楼", &gr
		other.Buildings[0].Footprint = rect(0, 0, 20, 10)
		sum, err := imports.Import(ctx, floorplan.NewRegister(s), other, imports.Options{Lang: "en", DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		w := strings.Join(sum.Warnings, "\n")
		if tt.want == "" && w != "" || tt.want != "" && !strings.Contains(w, `building "二号楼" lies on top of building "一号楼" (`+first.String()+"): their footprints "+tt.want) {
			t.Errorf("%g m east: warnings %q", tt.east, sum.Warnings)
		}
	}
}

// Shafts and voids have no floor: they do not count in a target's usable area.
func TestTargetAreaCountsFloors(t *testing.T) {
	void := room("v", "V1", 0, rect(4, 0, 2, 5))
	void.Usage = floorplan.UsageVoid
	shaft := room("s", "S1", 0, rect(6, 0, 1, 1))
	shaft.Usage = floorplan.UsageShaft
	sum, err := imports.Import(ctx, floorplan.NewRegister(importtest.NewStore(t)),
		dataset(room("a", "101", 0, rect(0, 0, 4, 5)), void, shaft), imports.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Targets[0].Rooms != 3 || sum.Targets[0].AreaM2 != 20 {
		t.Errorf("target %+v, want 3 rooms of which 20 m² usable", sum.Targets[0])
	}
}

// A re-import whose footprint disagrees with the rooms, told to ignore it, leaves the building's own.
func TestIgnoreFootprintKeepsStored(t *testing.T) {
	s := importtest.NewStore(t)
	ds := dataset(room("a", "101", 0, rect(0, 0, 4, 5)))
	ds.Buildings[0].Footprint = rect(-0.3, -0.3, 4.6, 5.6)
	if _, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{}); err != nil {
		t.Fatal(err)
	}
	ds.Buildings[0].Footprint = rect(50, 0, 10, 10)
	sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{IgnoreFootprint: true})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Building(ctx, sum.Targets[0].ID)
	if sum.Buildings.Unchanged != 1 || math.Abs(geo.Area(b.Footprint)-4.6*5.6) > 1e-9 {
		t.Errorf("buildings %+v, footprint %.2f m²", sum.Buildings, geo.Area(b.Footprint))
	}
	// In Chinese, the product's first language, by default.
	if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "个房间超出数据源占地轮廓 2 米以上（房间 101 (a) 超出 50.0 米）；未采用该轮廓") {
		t.Errorf("warnings %q", sum.Warnings)
	}
}
