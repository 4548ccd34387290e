package geojson

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/geo"
)

func TestRead(t *testing.T) {
	id := uuid.New()
	src := `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"` + id.String() + `","properties":{"number":"101","name":"局长室","level":2,"usage":"office","agency_name":"财政局"},
  "geometry":{"type":"Polygon","coordinates":[[[119.97,31.81],[119.9701,31.81],[119.9701,31.8101],[119.97,31.8101],[119.97,31.81]]]}},
 {"type":"Feature","properties":{"ref":"102","level":"2","usage":"小会议室"},
  "geometry":{"type":"MultiPolygon","coordinates":[[[[119.971,31.81],[119.9711,31.81],[119.9711,31.8101],[119.971,31.81]]]]}},
 {"type":"Feature","properties":{"name":"Lobby","level":0},"geometry":{"type":"Polygon","coordinates":[[[119.972,31.81],[119.9721,31.81],[119.9721,31.8101],[119.972,31.81]]]}},
 {"type":"Feature","properties":{"number":"X","level":1.5},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
 {"type":"Feature","properties":{"number":"Y","level":0},"geometry":{"type":"Point","coordinates":[0,0]}},
 {"type":"Feature","properties":{"number":"Z","level":0},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,0],[3,0],[3,1],[2,0]]]]}}
]}`
	ds, err := Read("rooms.geojson", strings.NewReader(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !ds.LonLat || ds.MatchWithinFloor || len(ds.Buildings) != 1 {
		t.Fatalf("dataset %+v", ds)
	}
	rs := ds.Buildings[0].Rooms
	if len(rs) != 6 {
		t.Fatalf("%d rooms", len(rs))
	}
	if r := rs[0]; r.Number != "101" || r.Name != "局长室" || r.Ordinal != 2 || r.ID != id || r.AgencyName != "财政局" ||
		r.SourceID != "geojson:rooms.geojson:"+id.String() || r.Usage != floorplan.UsageOffice {
		t.Errorf("room 1 %+v", r)
	}
	if r := rs[1]; r.Number != "102" || r.Usage != floorplan.UsageService || r.Ordinal != 2 || r.SourceID != "geojson:rooms.geojson:2" || r.Err != nil {
		t.Errorf("room 2 %+v", r)
	}
	if r := rs[2]; r.Number != "Lobby" || r.Usage != floorplan.UsageCirculation || r.Ordinal != 0 {
		t.Errorf("room 3 %+v", r)
	}
	for i, want := range map[int]string{3: "not a whole floor number", 4: "a Point is not a room", 5: "has 2 parts"} {
		if rs[i].Err == nil || !strings.Contains(rs[i].Err.Error(), want) {
			t.Errorf("room %d: err %v, want %q", i+1, rs[i].Err, want)
		}
	}
}

func TestReadLocal(t *testing.T) {
	src := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"local"}},
 "georef":{"origin":[119.97,31.81],"rotation_deg":10},
 "features":[{"type":"Feature","properties":{"number":"1"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,5],[0,5],[0,0]]]}}]}`
	ds, err := Read("local.geojson", strings.NewReader(src), Options{Level: 3})
	if err != nil {
		t.Fatal(err)
	}
	b := ds.Buildings[0]
	if ds.LonLat || !ds.MatchWithinFloor || b.Georef == nil || b.Georef.RotationDeg != 10 || b.Rooms[0].Ordinal != 3 {
		t.Fatalf("dataset %+v, building %+v", ds, b)
	}
	if a := geo.Area(b.Rooms[0].Geometry); math.Abs(a-20) > 1e-12 {
		t.Errorf("area %v", a)
	}
}

func TestReadErrors(t *testing.T) {
	for in, want := range map[string]string{
		`[1,2]`:              "not GeoJSON",
		`{"type":"Feature"}`: `GeoJSON of type "Feature"`,
		`{"type":"FeatureCollection","features":[]}`:  "no features",
		`{"type":"FeatureCollection","features":[1]}`: "feature 1:",
	} {
		_, err := Read("x.geojson", strings.NewReader(in), Options{})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "x.geojson: ") {
			t.Errorf("Read(%s) = %v, want %q", in, err, want)
		}
	}
}

// An operator's usage map (Options.Usages) is tried before the default one; the rooms' reasons are
// told in the reader's language.
func TestReadUsagesAndReasons(t *testing.T) {
	path := filepath.Join(t.TempDir(), "usages.csv")
	if err := os.WriteFile(path, []byte("# ours\nLobby, other\nSonderraum, 管井\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := imports.ReadUsageMap(path)
	if err != nil {
		t.Fatal(err)
	}
	const square = `"geometry":{"type":"Polygon","coordinates":[[[119.97,31.81],[119.9701,31.81],[119.9701,31.8101],[119.97,31.81]]]}`
	src := `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"number":"1","name":"Lobby","level":0},` + square + `},
 {"type":"Feature","properties":{"number":"2","name":"Sonderraum Nord","level":0},` + square + `},
 {"type":"Feature","properties":{"number":"3","level":"2a"},` + square + `},
 {"type":"Feature","properties":{"number":"4","level":0},"geometry":{"type":"Point","coordinates":[0,0]}}]}`
	for _, tt := range []struct {
		name   string
		usages *imports.UsageMap
		want   [2]floorplan.Usage
	}{
		{"default map", nil, [2]floorplan.Usage{floorplan.UsageCirculation, floorplan.UsageOffice}},
		{"operator's map", m, [2]floorplan.Usage{floorplan.UsageOther, floorplan.UsageShaft}},
	} {
		ds, err := Read("rooms.geojson", strings.NewReader(src), Options{Usages: tt.usages})
		if err != nil {
			t.Fatal(err)
		}
		rs := ds.Buildings[0].Rooms
		if rs[0].Usage != tt.want[0] || rs[1].Usage != tt.want[1] || rs[1].UsageAssumed != (tt.usages == nil) {
			t.Errorf("%s: usages %s, %s (assumed %v), want %s, %s", tt.name, rs[0].Usage, rs[1].Usage, rs[1].UsageAssumed, tt.want[0], tt.want[1])
		}
		for i, want := range map[int][2]string{
			2: {`level "2a" is not a whole floor number`, `level 为 "2a"，不是整数楼层号`},
			3: {"a Point is not a room: rooms are polygons", "Point 不是房间：房间须为多边形"},
		} {
			if err := rs[i].Err; err == nil || imports.ErrorIn(err, "en") != want[0] || imports.ErrorIn(err, "zh") != want[1] {
				t.Errorf("%s: room %d: %v, want %q, in Chinese %q", tt.name, i+1, err, want[0], want[1])
			}
		}
	}
}
