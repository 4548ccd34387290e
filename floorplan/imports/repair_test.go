//go:build !nostore

package imports_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
	"officemap/geo"
)

// pgConn connects to the test PostgreSQL for an oracle query; the connection closes when t ends.
func pgConn(t *testing.T) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return conn
}

// equalAreas measures lon/lat polygons with PostGIS and PROJ: the planar area of each in a Lambert
// azimuthal equal-area projection of the WGS84 ellipsoid centred on it, an oracle that shares no code
// with officemap's frames and areas. (ST_Area of the geography is not used: for rooms of a few m² it
// is 1e-6 off, where LAEA and officemap's local frames agree to 1e-9.)
func equalAreas(t *testing.T, polys []orb.Polygon) []float64 {
	t.Helper()
	conn := pgConn(t)
	texts := make([]string, len(polys))
	for i, p := range polys {
		texts[i] = wkt.MarshalString(p)
	}
	rows, err := conn.Query(ctx, `SELECT ST_Area(ST_Transform(g, format('+proj=laea +lat_0=%s +lon_0=%s +ellps=WGS84 +units=m',
		ST_Y(ST_Centroid(g)), ST_X(ST_Centroid(g)))))
		FROM (SELECT ST_GeomFromText(w, 4326) AS g, i FROM unnest($1::text[]) WITH ORDINALITY AS t(w, i)) x ORDER BY i`, texts)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[float64])
	if err != nil || len(out) != len(polys) {
		t.Fatalf("%d areas for %d polygons: %v", len(out), len(polys), err)
	}
	return out
}

// repairsOf sums the areas of the repairs made to each room (by the label the summary gives it).
func repairsOf(sum *imports.Summary) map[string]float64 {
	out := map[string]float64{}
	for _, r := range sum.Repairs {
		out[r.Room] += r.AreaM2
	}
	return out
}

// label is how a summary names a source room in a repair.
func label(r imports.Room) string {
	if r.Number == "" {
		return r.Ref
	}
	return r.Number + " (" + r.Ref + ")"
}

// The Andreas-Pfitzmann-Bau's OSM data has slivers of 0.0002–0.07 m² between rooms drawn along one wall.
// Without repair they reject 17 room-levels; with the default repair every room-level is imported, every
// repair is listed, and each room's area differs from its area in the source (PostGIS and PROJ)
// by no more than the repairs listed for it.
func TestRepairAPB(t *testing.T) {
	ds := readSource(t, "osm", "osm/tu-dresden-apb/APBorig.osm")
	var rooms []imports.Room
	for _, b := range ds.Buildings {
		for _, r := range b.Rooms {
			if r.Err == nil {
				rooms = append(rooms, r)
			}
		}
	}

	t.Run("without repair", func(t *testing.T) {
		sum, err := imports.Import(ctx, floorplan.NewRegister(importtest.NewStore(t)), ds,
			imports.Options{Snap: -1, MaxRepair: -1, SkipInvalid: true, DryRun: true, Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Skipped) != 17 || len(sum.Repairs) != 0 {
			t.Fatalf("%d skipped, %d repairs; want the 17 overlapping room-levels skipped and no repair", len(sum.Skipped), len(sum.Repairs))
		}
		for _, p := range sum.Skipped {
			var ov *floorplan.OverlapError
			if !asOverlap(p.Err, &ov) || ov.AreaM2 < 0.0001 || ov.AreaM2 > 0.1 {
				t.Errorf("%s: not a sliver overlap", p)
			}
		}
	})

	s := importtest.NewStore(t)
	sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rooms.Created != len(rooms) || len(sum.Skipped) != 0 {
		t.Fatalf("%d of %d room-levels created, %d skipped", sum.Rooms.Created, len(rooms), len(sum.Skipped))
	}
	cuts := 0
	for _, r := range sum.Repairs {
		if r.Kind == imports.RepairCut {
			cuts++
		}
		if r.AreaM2 > imports.DefaultMaxRepair || r.Floor == "" || r.Room == "" || r.Other == "" || r.Action == "" {
			t.Errorf("repair %+v", r)
		}
		if r.Kind == imports.RepairCut && !strings.Contains(r.Action, "cut from room "+r.Room) {
			t.Errorf("repair %+v does not say what was cut", r)
		}
	}
	if cuts == 0 {
		t.Error("no overlap was cut")
	}
	t.Logf("%d repairs, %d of them cuts", len(sum.Repairs), cuts)

	polys := make([]orb.Polygon, len(rooms))
	for i, r := range rooms {
		polys[i] = r.Geometry
	}
	raw := equalAreas(t, polys)
	stored := importtest.RoomsBy(t, s, floorplan.RoomFilter{}, func(r floorplan.Room) string { return r.SourceID })
	repaired := repairsOf(sum)
	changed := 0
	for i, r := range rooms {
		got, ok := stored[r.SourceID]
		if !ok {
			t.Errorf("%s was not imported", r.Ref)
			continue
		}
		diff := math.Abs(got.Area() - raw[i])
		if diff > repaired[label(r)]+1e-8*raw[i] {
			t.Errorf("%s: %.6f m² imported, %.6f m² in the source: %.6f m² apart, repairs listed %.6f m²",
				label(r), got.Area(), raw[i], diff, repaired[label(r)])
		}
		if repaired[label(r)] > 0 {
			changed++
		}
	}
	if changed == 0 {
		t.Error("no room lists a repair")
	}
}

func asOverlap(err error, target **floorplan.OverlapError) bool {
	return err != nil && errors.As(err, target)
}

// Slivers between two rooms drawn side by side, in local metres, and what repair makes of them; areas
// are those of the rectangles.
func TestRepairSlivers(t *testing.T) {
	tests := []struct {
		name   string
		b      orb.Polygon // 102, beside 101 = rect(0, 0, 4, 5) (20 m²)
		opt    imports.Options
		areas  [2]float64 // 101, 102 after the import
		kinds  []string
		reject string // the reason 102 is rejected, if it is
	}{
		{"a 3 mm gap is snapped shut", rect(4.003, 0, 4, 5), imports.Options{}, [2]float64{20, 20.015}, []string{"snap"}, ""},
		{"a 3 mm gap is left with --snap 0.002", rect(4.003, 0, 4, 5), imports.Options{Snap: 0.002}, [2]float64{20, 20}, nil, ""},
		// 102 overlaps 101 by 1 cm along the wall: 0.05 m², cut from 102, the larger room.
		{"a 1 cm overlap is cut from the larger room", rect(3.99, 0, 6, 5), imports.Options{}, [2]float64{20, 29.95}, []string{"cut"}, ""},
		{"the larger room gives it up though it came first", rect(3.99, 0, 2, 5), imports.Options{}, [2]float64{19.95, 10}, []string{"cut"}, ""},
		{"an overlap above --max-repair is a problem", rect(3.9, 0, 4, 5), imports.Options{}, [2]float64{20, 0},
			nil, "overlaps a (room 101) by 0.50 m²"},
		{"--max-repair 1 cuts it", rect(3.9, 0, 4, 5), imports.Options{MaxRepair: 1}, [2]float64{20, 19.5}, []string{"cut"}, ""},
		{"no repair with a negative --max-repair", rect(3.99, 0, 6, 5), imports.Options{MaxRepair: -1}, [2]float64{20, 0},
			nil, "overlaps a (room 101) by 0.05 m²"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := importtest.NewStore(t)
			tt.opt.Lang = "en"
			ds := dataset(room("a", "101", 0, rect(0, 0, 4, 5)), room("b", "102", 0, tt.b))
			sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, tt.opt)
			if tt.reject != "" {
				if err == nil || !strings.Contains(err.Error(), tt.reject) {
					t.Fatalf("err = %v, want %q", err, tt.reject)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, r := range sum.Repairs {
				kinds = append(kinds, r.Kind)
			}
			if strings.Join(kinds, ",") != strings.Join(tt.kinds, ",") {
				t.Errorf("repairs %+v, want kinds %v", sum.Repairs, tt.kinds)
			}
			got := liveRooms(t, s)
			for i, n := range []string{"101", "102"} {
				if math.Abs(got[n].Area()-tt.areas[i]) > 1e-6 {
					t.Errorf("room %s: %.6f m², want %.6f", n, got[n].Area(), tt.areas[i])
				}
			}
			if ok, a, _ := geo.Overlaps(got["101"].Geometry, got["102"].Geometry); ok || a > 1e-9 {
				t.Errorf("rooms still overlap by %g m²", a)
			}
			again, err := imports.Import(ctx, floorplan.NewRegister(s), ds, tt.opt)
			if err != nil || again.Rooms.Unchanged != 2 {
				t.Errorf("a re-import of the repaired rooms: %+v, %v", again.Rooms, err)
			}
		})
	}
}

// A sliver between an imported room and a room already on the floor is always cut from the imported
// room: the import leaves other rooms as they are.
func TestRepairAgainstExistingRoom(t *testing.T) {
	s := importtest.NewStore(t)
	if _, err := imports.Import(ctx, floorplan.NewRegister(s), dataset(room("a", "101", 0, rect(0, 0, 4, 5))), imports.Options{}); err != nil {
		t.Fatal(err)
	}
	other := dataset(room("x", "A", 0, rect(3.99, 0, 2, 5)))
	other.Buildings[0].SourceID = ""
	sum, err := imports.Import(ctx, floorplan.NewRegister(s), other, imports.Options{Building: "一号楼"})
	if err != nil {
		t.Fatal(err)
	}
	got := liveRooms(t, s)
	if got["101"].Area() != 20 || math.Abs(got["A"].Area()-9.95) > 1e-9 {
		t.Errorf("101 %.6f m², A %.6f m²; want 20 and 9.95", got["101"].Area(), got["A"].Area())
	}
	if len(sum.Repairs) != 1 || sum.Repairs[0].Room != "A (x)" || sum.Repairs[0].Other != "101" || math.Abs(sum.Repairs[0].AreaM2-0.05) > 1e-9 ||
		sum.Repairs[0].Action != "与楼层上已有房间 101 重叠的 0.05 m² 已从房间 A (x) 中切除" {
		t.Errorf("repairs %+v", sum.Repairs)
	}
}

// A cut that would split a room in two is not made: the overlap stays a problem.
func TestRepairWouldSplit(t *testing.T) {
	// A long thin corridor crossed by a wall-thin room drawn 2 cm into it across its whole width.
	corridor := rect(0, 0, 10, 1.5)
	cross := orb.Polygon{{{4.99, -3}, {5.01, -3}, {5.01, 4}, {4.99, 4}, {4.99, -3}}}
	_, err := imports.Import(ctx, floorplan.NewRegister(importtest.NewStore(t)),
		dataset(room("c", "C", 0, corridor), room("w", "W", 0, cross)), imports.Options{Lang: "en"})
	if err == nil || !strings.Contains(err.Error(), "w (room W): overlaps c (room C) by 0.03 m²") {
		t.Fatalf("err = %v", err)
	}
}

func TestRepairOptions(t *testing.T) {
	for _, opt := range []imports.Options{{Snap: math.NaN()}, {Snap: 0.5}, {MaxRepair: math.NaN()}, {MaxRepair: 100}} {
		_, err := imports.Import(ctx, floorplan.NewRegister(importtest.NewStore(t)), dataset(room("a", "1", 0, rect(0, 0, 1, 1))), opt)
		if err == nil || !(strings.Contains(err.Error(), "--snap") || strings.Contains(err.Error(), "--max-repair")) {
			t.Errorf("%+v: err = %v", opt, err)
		}
	}
}
