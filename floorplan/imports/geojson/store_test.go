//go:build !nostore

// The tests of this file write to a store (importtest.NewStore, an embedded GeoPackage): the build tag
// nostore leaves them out of the test binary that .ci/fuzz builds, since SQLite takes minutes to
// compile with the fuzzer's instrumentation.

package geojson

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
	"officemap/geo"
)

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
			if u.metre != 1 && !strings.Contains(fmt.Sprint(ds.Notes), "converted to metres") {
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
