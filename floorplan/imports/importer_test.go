//go:build !nostore

// These tests write to a store: the build tag nostore leaves them out (see importtest/store.go).

package imports_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
	"officemap/floorplan/postgis/pgtest"
	"officemap/geo"
)

// dbURL is the package's PostGIS database (fresh and migrated; see pgtest).
var dbURL string

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &dbURL)) }

var ctx = context.Background()

var changzhou = geo.Georef{Origin: orb.Point{119.974, 31.811}, Scale: 1}

// rect is a w×h room at (x, y) in local metres.
func rect(x, y, w, h float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}}
}

// room is a source room of the test datasets.
func room(ref, number string, level int, g orb.Polygon) imports.Room {
	return imports.Room{Ref: ref, SourceID: "test:" + ref, Number: number, Ordinal: level, Geometry: g,
		Usage: floorplan.UsageOffice}
}

// dataset is a source in local metres with its own georeference.
func dataset(rooms ...imports.Room) *imports.Dataset {
	g := changzhou
	return &imports.Dataset{Format: "test", File: "plan.test", SourcePrefix: "test:",
		Buildings: []imports.Building{{SourceID: "test:b", Name: "一号楼", Georef: &g, Rooms: rooms}}}
}

func liveRooms(t *testing.T, s floorplan.Store) map[string]floorplan.Room {
	t.Helper()
	return importtest.RoomsBy(t, s, floorplan.RoomFilter{}, func(r floorplan.Room) string { return r.Number })
}

func TestImport(t *testing.T) {
	s := importtest.NewStore(t)
	ds := dataset(room("a", "101", 0, rect(0, 0, 4, 5)), room("b", "102", 0, rect(4, 0, 4, 5)),
		room("c", "201", 1, rect(0, 0, 8, 5)))
	sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rooms.Created != 3 || sum.Floors.Created != 2 || sum.Buildings.Created != 1 || len(sum.Skipped) != 0 {
		t.Errorf("summary %+v", sum)
	}
	if len(sum.Targets) != 1 || math.Abs(sum.Targets[0].AreaM2-80) > 1e-9 || sum.Targets[0].ID == uuid.Nil {
		t.Errorf("targets %+v", sum.Targets)
	}
	rooms := liveRooms(t, s)
	if len(rooms) != 3 || math.Abs(rooms["102"].Area()-20) > 1e-9 || rooms["101"].SourceID != "test:a" {
		t.Fatalf("rooms %+v", rooms)
	}
	b, err := s.Building(ctx, sum.Targets[0].ID)
	if err != nil || b.Name != "一号楼" || b.SourceID != "test:b" || b.Georef.Origin != changzhou.Origin {
		t.Errorf("building %+v %v", b, err)
	}
	floors, _ := s.Floors(ctx, b.ID)
	if len(floors) != 2 || floors[0].Name != "1F" || floors[1].Name != "2F" {
		t.Errorf("floors %+v", floors)
	}

	t.Run("again: unchanged", func(t *testing.T) {
		sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Rooms.Unchanged != 3 || sum.Rooms.Created+sum.Rooms.Updated != 0 || sum.Buildings.Unchanged != 1 || sum.Floors.Unchanged != 2 {
			t.Errorf("summary %+v", sum)
		}
		if n := len(liveRooms(t, s)); n != 3 {
			t.Errorf("%d rooms after a re-import", n)
		}
	})
	t.Run("updated: a wall moves, keeping what planners set", func(t *testing.T) {
		agency := floorplan.Agency{Name: "市财政局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
		if err := s.CreateAgency(ctx, &agency); err != nil {
			t.Fatal(err)
		}
		r := liveRooms(t, s)["101"]
		r.AgencyID, r.Name = agency.ID, "局长室"
		if err := s.UpdateRoom(ctx, &r); err != nil {
			t.Fatal(err)
		}
		// 101 grows by a metre into 102, which shrinks: written in the other order, 101 would overlap 102.
		moved := dataset(room("a", "101", 0, rect(0, 0, 5, 5)), room("b", "102", 0, rect(5, 0, 3, 5)),
			room("c", "201", 1, rect(0, 0, 8, 5)))
		sum, err := imports.Import(ctx, floorplan.NewRegister(s), moved, imports.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Rooms.Updated != 2 || sum.Rooms.Unchanged != 1 {
			t.Errorf("summary %+v", sum)
		}
		got := liveRooms(t, s)
		if got["101"].Area() != 25 || got["102"].Area() != 15 || got["101"].AgencyID != agency.ID || got["101"].Name != "局长室" {
			t.Errorf("after the update: 101 %+v, 102 %+v", got["101"], got["102"])
		}
	})
	t.Run("rooms that swap places are refused", func(t *testing.T) {
		swapped := dataset(room("a", "101", 0, rect(3, 0, 5, 5)), room("b", "102", 0, rect(0, 0, 3, 5)),
			room("c", "201", 1, rect(0, 0, 8, 5)))
		_, err := imports.Import(ctx, floorplan.NewRegister(s), swapped, imports.Options{})
		if err == nil || !strings.Contains(err.Error(), "take each other's places") {
			t.Fatalf("err = %v", err)
		}
		if got := liveRooms(t, s); got["101"].Area() != 25 {
			t.Errorf("a refused import changed room 101: %v m²", got["101"].Area())
		}
	})
	t.Run("stale rooms are noted", func(t *testing.T) {
		sum, err := imports.Import(ctx, floorplan.NewRegister(s), dataset(room("a", "101", 0, rect(0, 0, 5, 5))), imports.Options{Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(sum.Notes, "\n"), "2 rooms of an earlier import of this source are no longer in it") {
			t.Errorf("notes %q", sum.Notes)
		}
	})
}

func TestImportRejects(t *testing.T) {
	bow := orb.Polygon{{{10, 0}, {12, 2}, {12, 0}, {10, 2}, {10, 0}}}
	tests := []struct {
		name  string
		rooms []imports.Room
		want  []string
		isGeo bool
	}{
		{"invalid polygon", []imports.Room{room("a", "101", 0, rect(0, 0, 4, 5)), room("bow", "102", 0, bow)},
			[]string{"plan.test: bow (room 102): outer ring self-intersects at (11.000, 1.000)"}, true},
		{"reader's problem", []imports.Room{room("a", "101", 0, rect(0, 0, 4, 5)),
			{Ref: "way/9", Number: "X", Err: errors.New("the outline is not closed")}},
			[]string{"way/9 (room X): the outline is not closed"}, false},
		{"overlap among imported rooms", []imports.Room{room("a", "101", 0, rect(0, 0, 4, 5)), room("b", "102", 0, rect(3, 0, 4, 5))},
			[]string{"b (room 102): overlaps a (room 101) by 5.00 m²"}, false},
		{"duplicate source id", []imports.Room{room("a", "101", 0, rect(0, 0, 4, 5)), room("a", "102", 0, rect(5, 0, 4, 5))},
			[]string{`source id "test:a" is also that of a`}, false},
		{"a field over the register's limit", []imports.Room{room("a", "101", 0, rect(0, 0, 4, 5)),
			room("long", strings.Repeat("9", 60), 0, rect(5, 0, 4, 5))},
			[]string{"long (room 99999", "number is 60 characters long, more than the 50 allowed"}, false},
		{"several problems", []imports.Room{room("bow", "1", 0, bow), room("bow2", "2", 1, bow), room("c", "3", 0, rect(0, 0, 1, 1))},
			[]string{"2 problems: bow (room 1)", "bow2 (room 2)", "--skip-invalid imports the rest"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := importtest.NewStore(t)
			_, err := imports.Import(ctx, floorplan.NewRegister(s), dataset(tt.rooms...), imports.Options{})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err %q lacks %q", err, w)
				}
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("err is not one line: %q", err)
			}
			if !errors.Is(err, imports.ErrRejected) || errors.Is(err, geo.ErrInvalid) != tt.isGeo {
				t.Errorf("errors.Is: rejected %v, geo.ErrInvalid %v", errors.Is(err, imports.ErrRejected), errors.Is(err, geo.ErrInvalid))
			}
			// All or nothing: not even the site or building was written.
			if sites, _ := s.Sites(ctx); len(sites) != 0 {
				t.Errorf("%d sites written", len(sites))
			}
			if n := len(liveRooms(t, s)); n != 0 {
				t.Errorf("%d rooms written", n)
			}
			sum, err := imports.Import(ctx, floorplan.NewRegister(s), dataset(tt.rooms...), imports.Options{SkipInvalid: true})
			if err != nil {
				t.Fatalf("--skip-invalid: %v", err)
			}
			if len(sum.Skipped) == 0 || sum.Rooms.Created+len(sum.Skipped) != len(tt.rooms) {
				t.Errorf("--skip-invalid: %+v", sum)
			}
			if n := len(liveRooms(t, s)); n != sum.Rooms.Created {
				t.Errorf("%d rooms written, summary says %d", n, sum.Rooms.Created)
			}
		})
	}
}

func TestImportAgainstExistingRooms(t *testing.T) {
	s := importtest.NewStore(t)
	if _, err := imports.Import(ctx, floorplan.NewRegister(s), dataset(room("a", "101", 0, rect(0, 0, 4, 5))), imports.Options{}); err != nil {
		t.Fatal(err)
	}
	// Another source drawn over the same floor overlaps room 101.
	other := dataset(room("x", "A", 0, rect(2, 0, 4, 5)), room("y", "B", 0, rect(4, 0, 4, 5)))
	other.Buildings[0].SourceID = "" // not the same source: no match by source id
	_, err := imports.Import(ctx, floorplan.NewRegister(s), other, imports.Options{Building: "一号楼", DryRun: true})
	var ov *floorplan.OverlapError
	if err == nil || !strings.Contains(err.Error(), "x (room A): overlaps room 101 already on floor 1F") || !errors.As(err, &ov) || ov.OtherNumber != "101" {
		t.Fatalf("err = %v", err)
	}
	sum, err := imports.Import(ctx, floorplan.NewRegister(s), other, imports.Options{Building: "一号楼", SkipInvalid: true, DryRun: true})
	if err != nil || !sum.DryRun || sum.Rooms.Created != 1 || len(sum.Skipped) != 1 {
		t.Fatalf("dry run: %+v %v", sum, err)
	}
	if n := len(liveRooms(t, s)); n != 1 {
		t.Errorf("a dry run wrote rooms: %d", n)
	}
}

func TestImportTargets(t *testing.T) {
	s := importtest.NewStore(t)
	lonlat := func() *imports.Dataset {
		f := changzhou.Frame()
		ds := dataset(room("a", "101", 0, f.PolygonToLonLat(rect(0, 0, 4, 5))))
		ds.LonLat, ds.Buildings[0].Georef = true, nil
		return ds
	}
	t.Run("local source without a georeference", func(t *testing.T) {
		ds := dataset(room("a", "101", 0, rect(0, 0, 4, 5)))
		ds.Buildings[0].Georef = nil
		_, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{})
		if err == nil || !strings.Contains(err.Error(), "give --origin LON,LAT") {
			t.Fatalf("err = %v", err)
		}
		rot := 30.0
		sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{Origin: &orb.Point{120, 31}, Rotation: &rot, DryRun: true})
		if err != nil || sum.Targets[0].Op != "created" || sum.Targets[0].ID != uuid.Nil {
			t.Fatalf("with --origin: %+v %v", sum, err)
		}
	})
	t.Run("lon/lat source: frame at the rooms' centre, area kept", func(t *testing.T) {
		sum, err := imports.Import(ctx, floorplan.NewRegister(s), lonlat(), imports.Options{Building: "二号楼"})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(sum.Targets[0].AreaM2-20) > 1e-6 {
			t.Errorf("area %v m², want 20", sum.Targets[0].AreaM2)
		}
		b, _ := s.Building(ctx, sum.Targets[0].ID)
		if b.Name != "二号楼" || math.Abs(b.Georef.Origin[0]-changzhou.Frame().ToLonLat(orb.Point{2, 2.5})[0]) > 1e-9 {
			t.Errorf("building %+v", b)
		}
	})
	t.Run("by name, by id, unknown id", func(t *testing.T) {
		sum, err := imports.Import(ctx, floorplan.NewRegister(s), lonlat(), imports.Options{Building: "二号楼"})
		if err != nil || sum.Buildings.Unchanged != 1 || sum.Rooms.Unchanged != 1 {
			t.Fatalf("by name: %+v %v", sum, err)
		}
		sum2, err := imports.Import(ctx, floorplan.NewRegister(s), lonlat(), imports.Options{Building: sum.Targets[0].ID.String()})
		if err != nil || sum2.Rooms.Unchanged != 1 {
			t.Fatalf("by id: %+v %v", sum2, err)
		}
		if _, err := imports.Import(ctx, floorplan.NewRegister(s), lonlat(), imports.Options{Building: uuid.NewString()}); err == nil || !strings.Contains(err.Error(), "no such building") {
			t.Errorf("unknown id: %v", err)
		}
	})
	t.Run("level filter", func(t *testing.T) {
		ds := dataset(room("l0", "1", 0, rect(0, 0, 1, 1)), room("l1", "2", 1, rect(0, 0, 1, 1)))
		level := 1
		sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{Building: "三号楼", Level: &level, DryRun: true, Lang: "en"})
		if err != nil || sum.Rooms.Created != 1 || sum.Floors.Created != 1 || !strings.Contains(strings.Join(sum.Notes, " "), "1 rooms on other levels") {
			t.Errorf("%+v %v", sum, err)
		}
	})
}

// failingStore fails the bulk insert of rooms when more rooms come than it has room for, to show that a
// failure while writing leaves nothing behind.
type failingStore struct {
	floorplan.Store
	left *int
}

func (f failingStore) InTx(ctx context.Context, fn func(tx floorplan.Store) error) error {
	return f.Store.InTx(ctx, func(tx floorplan.Store) error { return fn(failingStore{tx, f.left}) })
}

func (f failingStore) BulkInsertRooms(ctx context.Context, rooms []floorplan.Room) error {
	if *f.left < len(rooms) {
		return errors.New("disk full")
	}
	*f.left -= len(rooms)
	return f.Store.BulkInsertRooms(ctx, rooms)
}

func TestImportAllOrNothing(t *testing.T) {
	s := importtest.NewStore(t)
	left := 2
	ds := dataset(room("a", "101", 0, rect(0, 0, 4, 5)), room("b", "102", 0, rect(4, 0, 4, 5)), room("c", "103", 0, rect(8, 0, 4, 5)))
	_, err := imports.Import(ctx, floorplan.NewRegister(failingStore{s, &left}), ds, imports.Options{})
	if err == nil || !strings.Contains(err.Error(), "plan.test: writing rooms a to c: disk full") {
		t.Fatalf("err = %v", err)
	}
	if n := len(liveRooms(t, s)); n != 0 {
		t.Errorf("%d rooms left behind", n)
	}
	if bs, _ := s.Buildings(ctx, uuid.Nil); len(bs) != 0 {
		t.Errorf("%d buildings left behind", len(bs))
	}
}

func TestUsageFromName(t *testing.T) {
	for name, want := range map[string]floorplan.Usage{
		"Conference": floorplan.UsageService, "小会议室": floorplan.UsageService, "男卫生间": floorplan.UsageToilet,
		"WC": floorplan.UsageToilet, "Stairwell": floorplan.UsageCirculation, "配电室": floorplan.UsageEquipment,
		"Mech/Elec": floorplan.UsageEquipment, "局长办公室": floorplan.UsageOffice, "Office": floorplan.UsageOffice,
		"职工食堂": floorplan.UsageAncillary,
	} {
		if got, ok := imports.UsageFromName(name); !ok || got != want {
			t.Errorf("UsageFromName(%q) = %s, %v; want %s", name, got, ok, want)
		}
	}
	for _, name := range []string{"", "Specialty", "awcx", "101"} {
		if got, ok := imports.UsageFromName(name); ok {
			t.Errorf("UsageFromName(%q) = %s", name, got)
		}
	}
}

func ExampleError() {
	err := &imports.Error{File: "caserne.osm", Problems: []imports.Problem{
		{Feature: "way/398056943", Number: "Direction", Reason: "no level tag: the room's floor is unknown"},
		{Feature: "way/398056956", Reason: "the outline is not closed: it has only 2 points"},
	}}
	fmt.Println(err)
	// Output: caserne.osm: 2 problems: way/398056943 (room Direction): no level tag: the room's floor is unknown; way/398056956: the outline is not closed: it has only 2 points (--skip-invalid imports the rest and lists these)
}
