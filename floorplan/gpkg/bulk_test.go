package gpkg_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/geo"
)

// The bulk insert writes its records and their history a few hundred rows an INSERT (bulk.go: inserter).
// These tests load batches larger than one statement's rows, in a batch's transaction as gen does, and check
// that every record and history row is there in order, and that a refused batch names its record and writes
// nothing.

// bulkFloor returns a store and an empty floor of 80 × 52 m with room for 20 × 13 rooms of 4 × 4 m.
func bulkFloor(t *testing.T) (*gpkg.Store, context.Context, floorplan.Floor, floorplan.Agency) {
	t.Helper()
	ctx := floorplan.WithActor(context.Background(), "test:"+t.Name())
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "bulk.gpkg"))
	must(t, err)
	t.Cleanup(func() { s.Close() })
	site := floorplan.Site{Name: "市级机关第一办公区", Category: "office.party_government", Ownership: floorplan.OwnershipRegistered}
	must(t, s.CreateSite(ctx, &site))
	b := floorplan.Building{SiteID: site.ID, Name: "综合楼", Footprint: rect(0, 0, 80, 52),
		Georef: geo.Georef{Origin: orb.Point{119.974, 31.811}, RotationDeg: 20, Scale: 1}}
	must(t, s.CreateBuilding(ctx, &b))
	f := floorplan.Floor{BuildingID: b.ID, Name: "1F", Outline: rect(0, 0, 80, 52)}
	must(t, s.CreateFloor(ctx, &f))
	a := floorplan.Agency{Name: "常州市教育局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	must(t, s.CreateAgency(ctx, &a))
	return s, ctx, f, a
}

// gridRooms returns n new rooms of floor f (n ≤ 260), 4 × 4 m each, none overlapping, with their ids.
func gridRooms(f floorplan.Floor, a floorplan.Agency, n int) []floorplan.Room {
	rooms := make([]floorplan.Room, n)
	for i := range rooms {
		x, y := float64(4*(i%20)), float64(4*(i/20))
		rooms[i] = floorplan.Room{ID: uuid.New(), FloorID: f.ID, Number: fmt.Sprintf("R%03d", i+1), Usage: floorplan.UsageOffice,
			AgencyID: a.ID, State: floorplan.RoomInUse, Geometry: rect(x, y, x+4, y+4)}
	}
	return rooms
}

func TestBulkInsertManyRowsAStatement(t *testing.T) {
	s, ctx, f, a := bulkFloor(t)
	rooms := gridRooms(f, a, 260)
	people := make([]floorplan.Person, 450)
	for i := range people {
		people[i] = floorplan.Person{ID: uuid.New(), Name: fmt.Sprintf("职工%d", i+1), AgencyID: a.ID,
			Rank: floorplan.RankStaff, Status: floorplan.PersonActive, StaffNo: fmt.Sprintf("S%04d", i+1),
			Posts: []floorplan.Post{{ID: uuid.New(), Title: fmt.Sprintf("兼职%d", i+1), AgencyID: a.ID}}}
	}
	as := make([]floorplan.Assignment, len(people))
	for i := range as {
		as[i] = floorplan.Assignment{ID: uuid.New(), PersonID: people[i].ID, RoomID: rooms[i%len(rooms)].ID,
			Kind: floorplan.AssignMain, Start: floorplan.Day(2024, 1, 1)}
	}
	err := s.InTx(ctx, func(tx floorplan.Store) error {
		if err := tx.BulkInsertRooms(ctx, rooms); err != nil {
			return err
		}
		if err := tx.BulkInsertPeople(ctx, people); err != nil {
			return err
		}
		return tx.BulkInsertAssignments(ctx, as)
	})
	must(t, err)

	got, err := s.Rooms(ctx, floorplan.RoomFilter{FloorID: f.ID})
	must(t, err)
	if len(got) != len(rooms) {
		t.Fatalf("%d rooms read back, want %d", len(got), len(rooms))
	}
	for _, i := range []int{0, 199, 200, 259} { // either side of a statement's rows
		h, err := s.History(ctx, floorplan.EntityRoom, rooms[i].ID)
		must(t, err)
		if len(h) != 1 || h[0].Op != "insert" || h[0].Actor != "test:"+t.Name() || !strings.Contains(string(h[0].New), rooms[i].Number) {
			t.Errorf("room %s: history %+v, want its one insert by the test", rooms[i].Number, h)
		}
	}
	for _, i := range []int{0, 199, 200, 449} {
		p, err := s.Person(ctx, people[i].ID)
		must(t, err)
		if len(p.Posts) != 1 || p.Posts[0].ID != people[i].Posts[0].ID || p.StaffNo != people[i].StaffNo {
			t.Errorf("person %d reads back with posts %+v, staff no %q", i+1, p.Posts, p.StaffNo)
		}
		// A person's history holds their own insert and their post's.
		h, err := s.History(ctx, floorplan.EntityPerson, people[i].ID)
		must(t, err)
		if len(h) != 2 || h[0].Entity != floorplan.EntityPerson || h[1].Entity != "post" {
			t.Errorf("person %d: history %+v, want the person's insert, then the post's", i+1, h)
		}
		got, err := s.Assignments(ctx, floorplan.AssignmentFilter{PersonID: people[i].ID})
		must(t, err)
		if len(got) != 1 || got[0].ID != as[i].ID {
			t.Errorf("person %d: assignments %+v, want %s", i+1, got, as[i].ID)
		}
	}
}

func TestBulkInsertRefusalNamesTheRecord(t *testing.T) {
	s, ctx, f, a := bulkFloor(t)
	t.Run("a room's id twice, in a later statement", func(t *testing.T) {
		rooms := gridRooms(f, a, 260)
		rooms[229].ID = rooms[9].ID
		err := s.InTx(ctx, func(tx floorplan.Store) error { return tx.BulkInsertRooms(ctx, rooms) })
		if err == nil || !strings.Contains(err.Error(), "room 230 (R230)") {
			t.Fatalf("BulkInsertRooms = %v, want a refusal of room 230 (R230)", err)
		}
		got, err := s.Rooms(ctx, floorplan.RoomFilter{FloorID: f.ID})
		must(t, err)
		h, herr := s.History(ctx, floorplan.EntityRoom, rooms[0].ID)
		must(t, herr)
		if len(got) != 0 || len(h) != 0 {
			t.Errorf("a refused batch left %d rooms and %d history rows of its first room", len(got), len(h))
		}
	})
	t.Run("a staff number twice in the batch", func(t *testing.T) {
		people := make([]floorplan.Person, 300)
		for i := range people {
			people[i] = floorplan.Person{Name: fmt.Sprintf("职工%d", i+1), AgencyID: a.ID, Rank: floorplan.RankStaff,
				Status: floorplan.PersonActive, StaffNo: fmt.Sprintf("S%04d", i+1)}
		}
		people[280].StaffNo = people[4].StaffNo
		err := s.InTx(ctx, func(tx floorplan.Store) error { return tx.BulkInsertPeople(ctx, people) })
		var fe *floorplan.FieldError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "person 281 (职工281)") {
			t.Fatalf("BulkInsertPeople = %v, want person 281's staff number refused", err)
		}
		got, err := s.People(ctx, floorplan.PersonFilter{AgencyID: a.ID})
		must(t, err)
		if len(got) != 0 {
			t.Errorf("a refused batch left %d people", len(got))
		}
	})
}
