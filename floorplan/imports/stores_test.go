//go:build !nostore

// These tests write to a store: the build tag nostore leaves them out (see importtest/store.go).

package imports_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/dxf"
	"officemap/floorplan/imports/importtest"
	"officemap/floorplan/imports/osm"
	"officemap/floorplan/postgis"
)

// readSource reads one of the real files.
func readSource(t testing.TB, format, rel string) *imports.Dataset {
	return readSourceAt(t, format, rel, 0)
}

// readSourceAt reads one of the real files, a drawing onto a level.
func readSourceAt(t testing.TB, format, rel string, level int) *imports.Dataset {
	t.Helper()
	switch format {
	case "dxf":
		return importtest.ReadShared(t, rel, dxf.Read, dxf.Options{Level: level})
	case "osm":
		return importtest.ReadShared(t, rel, osm.Read, osm.Limits{})
	}
	t.Fatalf("no reader for %s", format)
	return nil
}

// roomRow is what two stores must agree on about an imported room.
type roomRow struct {
	building, number, name, source string
	usage                          floorplan.Usage
	level                          int
	area                           float64
	outer                          int // points of the outer ring
}

func rowsOf(t *testing.T, s floorplan.Store) []roomRow {
	t.Helper()
	bs, err := s.Buildings(ctx, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []roomRow
	for _, b := range bs {
		floors, err := s.Floors(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		level := map[uuid.UUID]int{}
		for _, f := range floors {
			level[f.ID] = f.Ordinal
		}
		for _, r := range importtest.Rooms(t, s, floorplan.RoomFilter{BuildingID: b.ID}) {
			out = append(out, roomRow{building: b.Name, number: r.Number, name: r.Name, source: r.SourceID,
				usage: r.Usage, level: level[r.FloorID], area: r.Area(), outer: len(r.Geometry[0])})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].source < out[j].source })
	return out
}

// The same files imported into the embedded store and into PostGIS give the same rooms, numbers and
// areas, and a second import changes nothing in either.
func TestImportIntoBothStores(t *testing.T) {
	// contoso_v2 and the APB meet the stores' shared overlap tolerance: some of their rooms touch with
	// slivers of 5e-9 to 1.5e-6 m² (a vertex a hair off a neighbour's diagonal wall), which both stores
	// take as touching (below geo.MinOverlapArea, 1 cm²). The APB's larger slivers are repaired: all of
	// its 476 room-levels are imported, twice unchanged.
	sources := []struct {
		format, rel string
		level       int
		opt         imports.Options
		rooms       int
	}{
		{"dxf", "cad/contoso/dxf/contoso_v1_Ground.dxf", 0, imports.Options{Building: "Contoso", Origin: &orb.Point{-122.13, 47.64}}, 63},
		{"dxf", "cad/contoso/dxf/contoso_v1_Basement.dxf", -1, imports.Options{Building: "Contoso"}, 63},
		{"dxf", "cad/contoso/dxf/contoso_v2_Ground_rooms_walls.dxf", 0, imports.Options{Building: "Contoso 2", Origin: &orb.Point{-122.13, 47.64}}, 68},
		{"osm", "osm/tu-dresden-apb/APBorig.osm", 0, imports.Options{}, 476},
		{"osm", "osm/grenoble-caserne-de-bonne/caserne.osm", 0, imports.Options{SkipInvalid: true}, 73},
	}
	pg, err := postgis.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	stores := map[string]floorplan.Store{"gpkg": importtest.NewStore(t), "postgis": pg}
	for _, src := range sources {
		ds := readSourceAt(t, src.format, src.rel, src.level)
		for name, s := range stores {
			sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, src.opt)
			if err != nil {
				t.Fatalf("%s into %s: %v", src.rel, name, err)
			}
			if sum.Rooms.Created != src.rooms {
				t.Errorf("%s into %s: %d rooms created, want %d", src.rel, name, sum.Rooms.Created, src.rooms)
			}
			again, err := imports.Import(ctx, floorplan.NewRegister(s), ds, src.opt)
			if err != nil || again.Rooms.Unchanged != src.rooms || again.Rooms.Created+again.Rooms.Updated != 0 {
				t.Errorf("%s into %s again: %+v %v", src.rel, name, again, err)
			}
		}
	}
	a, b := rowsOf(t, stores["gpkg"]), rowsOf(t, stores["postgis"])
	if len(a) != len(b) || len(a) != 63+63+68+476+73 {
		t.Fatalf("gpkg has %d rooms, postgis %d", len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.building != y.building || x.number != y.number || x.name != y.name || x.source != y.source ||
			x.usage != y.usage || x.level != y.level || x.outer != y.outer || math.Abs(x.area-y.area) > 1e-9*math.Max(1, x.area) {
			t.Errorf("room %d differs:\n gpkg    %+v\n postgis %+v", i, x, y)
		}
	}
}

// The real files import completely (with --skip-invalid where they have problems) into the embedded
// store, with the rooms the readers find.
func TestImportRealFiles(t *testing.T) {
	tests := []struct {
		format, rel string
		opt         imports.Options
		rooms       int
		areaM2      float64
	}{
		// Inches, a keyhole room around three columns, one room without a label.
		{"dxf", "cad/contoso/dxf/contoso_v2_Ground_rooms_walls.dxf", imports.Options{Origin: &orb.Point{-122.13, 47.64}}, 68, 2429.81},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.rel), func(t *testing.T) {
			s := importtest.NewStore(t)
			sum, err := imports.Import(ctx, floorplan.NewRegister(s), readSource(t, tt.format, tt.rel), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Rooms.Created != tt.rooms || math.Abs(sum.Targets[0].AreaM2-tt.areaM2) > 0.01 {
				t.Errorf("summary %+v", sum)
			}
		})
	}
}

// BenchmarkImportAPB reads the Andreas-Pfitzmann-Bau's OSM file (476 room-levels on 5 levels, slivers
// repaired) and imports it into a fresh embedded store.
func BenchmarkImportAPB(b *testing.B) {
	path := importtest.SharedData(b, "osm/tu-dresden-apb/APBorig.osm")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s := importtest.NewStore(b)
		b.StartTimer()
		ds, err := osm.Read(path, bytesReader(data), osm.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{})
		if err != nil || sum.Rooms.Created != 476 {
			b.Fatalf("%+v %v", sum, err)
		}
	}
}

// BenchmarkImportDXF10kRooms reads a generated drawing of 10,000 rooms on one floor and imports it
// into a fresh embedded store.
func BenchmarkImportDXF10kRooms(b *testing.B) {
	data := tenThousandRoomDXF()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s := importtest.NewStore(b)
		b.StartTimer()
		ds, err := dxf.Read("bench.dxf", bytesReader(data), dxf.Options{})
		if err != nil {
			b.Fatal(err)
		}
		sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{Origin: &orb.Point{119.97, 31.81}})
		if err != nil || sum.Rooms.Created != 10_000 {
			b.Fatalf("%+v %v", sum, err)
		}
	}
}

// tenThousandRoomDXF is a drawing of 10,000 labelled rooms of 3 m × 4 m in millimetres, 100 × 100.
func tenThousandRoomDXF() []byte {
	var buf []byte
	add := func(code int, v any) { buf = fmt.Appendf(buf, "%3d\n%v\n", code, v) }
	add(0, "SECTION")
	add(2, "HEADER")
	add(9, "$INSUNITS")
	add(70, 4)
	add(0, "ENDSEC")
	add(0, "SECTION")
	add(2, "ENTITIES")
	h := 0x100
	for i := 0; i < 100; i++ {
		for j := 0; j < 100; j++ {
			x, y := i*3000, j*4000
			h++
			add(0, "LWPOLYLINE")
			add(5, fmt.Sprintf("%X", h))
			add(8, "UNITS")
			add(90, 4)
			add(70, 1)
			for _, p := range [][2]int{{x, y}, {x + 3000, y}, {x + 3000, y + 4000}, {x, y + 4000}} {
				add(10, p[0])
				add(20, p[1])
			}
			h++
			add(0, "TEXT")
			add(5, fmt.Sprintf("%X", h))
			add(8, "UNITLABELS")
			add(10, x+1500)
			add(20, y+2000)
			add(1, fmt.Sprintf("%d-%03d", i, j))
		}
	}
	add(0, "ENDSEC")
	add(0, "EOF")
	return buf
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
