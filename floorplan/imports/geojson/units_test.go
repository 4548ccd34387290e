package geojson

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
	"officemap/geo"
)

// unitsFloor is one floor in metres: rooms by number, and their areas in m².
var unitsFloor = []struct {
	number string
	poly   orb.Polygon
	area   float64
}{
	{"301", orb.Polygon{{{0, 0}, {4, 0}, {4, 6}, {0, 6}, {0, 0}}}, 24},
	{"302", orb.Polygon{{{4, 0}, {7.62, 0}, {7.62, 6}, {4, 6}, {4, 0}}}, 21.72},
	{"H1", orb.Polygon{{{0, 6}, {11.43, 6}, {11.43, 8.5}, {2, 8.5}, {2, 12}, {0, 12}, {0, 6}}}, 11.43*2.5 + 2*3.5},
	{"304", orb.Polygon{{{7.62, 0}, {11.43, 0}, {11.43, 5.5}, {7.62, 5.5}, {7.62, 0}}, {{9, 2}, {9, 3}, {10, 3}, {10, 2}, {9, 2}}}, 3.81*5.5 - 1},
}

// localCollection writes the floor as a local collection in units of metre metres (georef.scale; no
// scale member for metres when metre is 1).
func localCollection(t *testing.T, metre float64) string {
	t.Helper()
	var features []string
	for _, r := range unitsFloor {
		var rings [][][2]float64
		for _, ring := range r.poly {
			var pts [][2]float64
			for _, p := range ring {
				pts = append(pts, [2]float64{p[0] / metre, p[1] / metre})
			}
			rings = append(rings, pts)
		}
		coords, err := json.Marshal(rings)
		if err != nil {
			t.Fatal(err)
		}
		features = append(features, fmt.Sprintf(`{"type":"Feature","properties":{"number":%q},"geometry":{"type":"Polygon","coordinates":%s}}`,
			r.number, coords))
	}
	scale := ""
	if metre != 1 {
		scale = fmt.Sprintf(`,"scale":%v`, metre)
	}
	return `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"local"}},
 "georef":{"origin":[119.97,31.81],"rotation_deg":10` + scale + `},"features":[` + strings.Join(features, ",") + `]}`
}

// TestReadLocalUnits: the same floor written in millimetres, centimetres, metres and inches (georef.scale)
// reads, and is stored, in metres with the same areas to 1e-6 m².
func TestReadLocalUnits(t *testing.T) {
	for _, u := range []struct {
		name  string
		metre float64
	}{{"mm", 0.001}, {"cm", 0.01}, {"m", 1}, {"in", 0.0254}} {
		t.Run(u.name, func(t *testing.T) {
			ds, err := Read("floor.geojson", strings.NewReader(localCollection(t, u.metre)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			rooms := ds.Buildings[0].Rooms
			for i, want := range unitsFloor {
				if rooms[i].Err != nil {
					t.Fatalf("room %s: %v", want.number, rooms[i].Err)
				}
				if a := geo.Area(rooms[i].Geometry); math.Abs(a-want.area) > 1e-6 {
					t.Errorf("room %s: %.9f m², want %.9f", want.number, a, want.area)
				}
				for j, ring := range rooms[i].Geometry {
					for k, p := range ring {
						if w := want.poly[j][k]; math.Abs(p[0]-w[0]) > 1e-9 || math.Abs(p[1]-w[1]) > 1e-9 {
							t.Fatalf("room %s: vertex %v, want %v (metres)", want.number, p, w)
						}
					}
				}
			}
			if u.metre != 1 && !strings.Contains(strings.Join(ds.Notes, "\n"), "converted to metres") {
				t.Errorf("notes do not say the units were converted: %q", ds.Notes)
			}

			ctx := floorplan.WithActor(context.Background(), "test")
			s := importtest.NewStore(t)
			if _, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{}); err != nil {
				t.Fatal(err)
			}
			byNumber := importtest.RoomsBy(t, s, floorplan.RoomFilter{}, func(r floorplan.Room) string { return r.Number })
			for _, want := range unitsFloor {
				if r, ok := byNumber[want.number]; !ok || math.Abs(r.Area()-want.area) > 1e-6 {
					t.Errorf("stored room %s: %.9f m² (found %v), want %.9f", want.number, r.Area(), ok, want.area)
				}
			}
		})
	}
}

func TestReadLocalBadScale(t *testing.T) {
	for _, scale := range []string{"-1", "1e-7", "20000"} {
		src := `{"type":"FeatureCollection","crs":"local","georef":{"origin":[119.97,31.81],"scale":` + scale + `},
 "features":[{"type":"Feature","properties":{"number":"1"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,5],[0,5],[0,0]]]}}]}`
		_, err := Read("x.geojson", strings.NewReader(src), Options{})
		if err == nil || !strings.Contains(err.Error(), "georef.scale") {
			t.Errorf("scale %s: err %v, want one naming georef.scale", scale, err)
		}
	}
}
