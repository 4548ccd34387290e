package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// RunRoomBatch runs the conformance tests of a set of room changes saved as a whole
// (floorplan.Register.ApplyRooms) and of the deferred overlap check it rests on
// (floorplan.OverlapDeferrer), each on a store of its own from newStore, as Run does.
func RunRoomBatch(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"WallMoved", testBatchWallMoved},
		{"NothingOnFailure", testBatchNothingOnFailure},
		{"FinalOverlap", testBatchFinalOverlap},
		{"Permission", testBatchPermission},
		{"SingleWritesImmediate", testBatchSingleWritesImmediate},
		{"DeferredAtCommit", testBatchDeferredAtCommit},
	})
}

// update is the change of room r to geometry p (local metres), at the version r has.
func update(r floorplan.Room, p orb.Polygon) floorplan.RoomChange {
	r.Geometry = p
	return floorplan.RoomChange{Op: floorplan.OpUpdate, Room: r}
}

// create is the change that adds room r.
func create(r floorplan.Room) floorplan.RoomChange {
	return floorplan.RoomChange{Op: floorplan.OpCreate, Room: r}
}

// testBatchWallMoved moves the wall two rooms share, in the order that overlaps midway (the room that
// grows first), and adds a room in one save: it commits, with the history of every room by the actor.
func testBatchWallMoved(t *testing.T, f *fixture) {
	g := floorplan.NewRegister(f.s)
	a := f.room(t, 0, "101", rect(0, 0, 5, 6))
	b := f.room(t, 0, "102", rect(5, 0, 10, 6))
	before, err := f.s.Revision(f.ctx)
	must(t, err)
	rooms, c, err := g.ApplyRooms(f.ctx, f.floor(0).ID, []floorplan.RoomChange{
		update(a, rect(0, 0, 7, 6)), // overlaps 102 as it stands until the next change
		update(b, rect(7, 0, 10, 6)),
		create(f.newRoom(0, "103", rect(10, 0, 14, 6))),
	})
	if err != nil {
		t.Fatalf("ApplyRooms of a moved wall: %v", err)
	}
	if len(rooms) != 3 || rooms[0].ID != a.ID || rooms[1].ID != b.ID || rooms[2].ID == uuid.Nil {
		t.Fatalf("rooms = %v, want 101, 102 and the new 103 in the order of the changes", roomNumbers(rooms))
	}
	for i, want := range []struct {
		version int64
		p       orb.Polygon
	}{{2, rect(0, 0, 7, 6)}, {2, rect(7, 0, 10, 6)}, {1, rect(10, 0, 14, 6)}} {
		got, err := f.s.Room(f.ctx, rooms[i].ID)
		must(t, err)
		if got.Version != want.version || rooms[i].Version != want.version || !sameRing(got.Geometry, want.p) {
			t.Errorf("room %s: version %d (returned %d), geometry %v; want version %d, %v", got.Number, got.Version,
				rooms[i].Version, got.Geometry, want.version, want.p)
		}
		h, err := f.s.History(f.ctx, floorplan.EntityRoom, rooms[i].ID)
		must(t, err)
		if len(h) != int(want.version) || h[len(h)-1].Actor != Actor {
			t.Errorf("room %s: %d history records (last by %q), want %d, the last by %q", got.Number, len(h),
				h[len(h)-1].Actor, want.version, Actor)
		}
	}
	if after, _ := f.s.Revision(f.ctx); after <= before || c.Revision != after {
		t.Errorf("revision %d → %d, Changes.Revision %d: want one that grew, reported", before, after, c.Revision)
	}
	for _, r := range rooms {
		if _, ok := c.Room(r.ID); !ok {
			t.Errorf("Changes.Rooms lacks the state of room %s", r.Number)
		}
	}
	if !slices.Contains(c.Layers, floorplan.LayerRooms) {
		t.Errorf("Changes.Layers = %v, want rooms", c.Layers)
	}
}

// floorState is what a refused save must leave as it was: every room of the floor (version, geometry),
// their history and the revision.
type floorState struct {
	rooms    map[uuid.UUID]floorplan.Room
	history  map[uuid.UUID]int
	revision int64
}

func stateOf(t *testing.T, f *fixture, ord int) floorState {
	t.Helper()
	rooms, err := f.s.Rooms(f.ctx, floorplan.RoomFilter{FloorID: f.floor(ord).ID})
	must(t, err)
	st := floorState{rooms: map[uuid.UUID]floorplan.Room{}, history: map[uuid.UUID]int{}}
	for _, r := range rooms {
		st.rooms[r.ID] = r
		h, err := f.s.History(f.ctx, floorplan.EntityRoom, r.ID)
		must(t, err)
		st.history[r.ID] = len(h)
	}
	st.revision, err = f.s.Revision(f.ctx)
	must(t, err)
	return st
}

// unchanged fails t when the floor's state differs from was.
func (was floorState) unchanged(t *testing.T, f *fixture, ord int) {
	t.Helper()
	now := stateOf(t, f, ord)
	if len(now.rooms) != len(was.rooms) {
		t.Errorf("the floor has %d rooms after a refused save, %d before", len(now.rooms), len(was.rooms))
	}
	for id, r := range was.rooms {
		got, ok := now.rooms[id]
		if !ok || got.Version != r.Version || !sameRing(got.Geometry, r.Geometry) || now.history[id] != was.history[id] {
			t.Errorf("room %s changed by a refused save: version %d → %d, geometry %v → %v, history %d → %d",
				r.Number, r.Version, got.Version, r.Geometry, got.Geometry, was.history[id], now.history[id])
		}
	}
	if now.revision != was.revision {
		t.Errorf("the revision moved from %d to %d on a refused save", was.revision, now.revision)
	}
}

// testBatchNothingOnFailure refuses saves whose third change cannot be made, after two that could:
// nothing changes, and the error names the third change.
func testBatchNothingOnFailure(t *testing.T, f *fixture) {
	g := floorplan.NewRegister(f.s)
	a := f.room(t, 0, "201", rect(0, 0, 5, 6))
	b := f.room(t, 0, "202", rect(5, 0, 10, 6))
	c := f.room(t, 0, "203", rect(20, 0, 25, 6))
	f.room(t, 0, "205", rect(30, 0, 35, 6))
	elsewhere := f.room(t, 1, "301", rect(0, 0, 5, 6))
	staleC := c
	c.Name = "会议室"
	must(t, f.s.UpdateRoom(f.ctx, &c)) // c is at version 2 now; staleC still says 1
	bowtie := orb.Polygon{{{20, 0}, {25, 6}, {25, 0}, {20, 6}, {20, 0}}}
	outside := rect(55, 0, 70, 6) // the floor's outline ends at x = 60
	cases := []struct {
		name  string
		third floorplan.RoomChange
		want  error
	}{
		{"stale version", update(staleC, rect(20, 0, 26, 6)), floorplan.ErrConflict},
		{"overlap with a room not in the save", update(c, rect(20, 0, 31, 6)), floorplan.ErrOverlap}, // into 205
		{"new room over another", create(f.newRoom(0, "204", rect(21, 1, 24, 5))), floorplan.ErrOverlap},
		{"invalid geometry", update(c, bowtie), geo.ErrInvalid},
		{"outside the floor's outline", update(c, outside), floorplan.ErrInvalid},
		{"a room of another floor", update(elsewhere, rect(0, 0, 6, 6)), floorplan.ErrInvalid},
		{"a room changed twice", update(a, rect(0, 0, 8, 6)), floorplan.ErrInvalid},
		{"a room that does not exist", update(f.newRoom(0, "299", rect(30, 0, 31, 1)), rect(30, 0, 32, 1)), floorplan.ErrNotFound},
		{"an unknown kind of change", floorplan.RoomChange{Op: floorplan.OpDelete, Room: c}, floorplan.ErrInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "a room that does not exist" {
				tc.third.Room.ID = uuid.New()
			}
			was := stateOf(t, f, 0)
			_, _, err := g.ApplyRooms(f.ctx, f.floor(0).ID, []floorplan.RoomChange{
				update(a, rect(0, 0, 7, 6)), update(b, rect(7, 0, 10, 6)), tc.third})
			var ce *floorplan.ChangeError
			if !errors.As(err, &ce) || ce.Index != 2 || !errors.Is(err, tc.want) {
				t.Fatalf("ApplyRooms = %v, want a *ChangeError of change 2 wrapping %v", err, tc.want)
			}
			if tc.third.Op == floorplan.OpUpdate && ce.RoomID != tc.third.Room.ID {
				t.Errorf("the error names room %s, want %s", ce.RoomID, tc.third.Room.ID)
			}
			was.unchanged(t, f, 0)
		})
	}
	t.Run("no changes, or too many", func(t *testing.T) {
		was := stateOf(t, f, 0)
		for _, n := range []int{0, floorplan.MaxRoomChanges + 1} {
			changes := make([]floorplan.RoomChange, n)
			for i := range changes {
				changes[i] = create(f.newRoom(0, fmt.Sprintf("9%03d", i), rect(float64(i%50), 10, float64(i%50)+1, 11)))
			}
			if _, _, err := g.ApplyRooms(f.ctx, f.floor(0).ID, changes); !errors.Is(err, floorplan.ErrInvalid) {
				t.Errorf("ApplyRooms of %d changes = %v, want ErrInvalid", n, err)
			}
		}
		was.unchanged(t, f, 0)
	})
}

// testBatchFinalOverlap refuses a save whose rooms overlap once all are written, naming both rooms and the
// later change of the pair; a save where the same rooms only touch in the end commits.
func testBatchFinalOverlap(t *testing.T, f *fixture) {
	g := floorplan.NewRegister(f.s)
	a := f.room(t, 0, "401", rect(0, 0, 5, 6))
	b := f.room(t, 0, "402", rect(5, 0, 10, 6))
	c := f.room(t, 0, "403", rect(10, 0, 15, 6))
	was := stateOf(t, f, 0)
	_, _, err := g.ApplyRooms(f.ctx, f.floor(0).ID, []floorplan.RoomChange{
		update(a, rect(0, 0, 7, 6)),  // into 402's old shape: fine once 402 moves
		update(b, rect(7, 0, 12, 6)), // into 403, which stays: 2 × 6 = 12 m²
		update(c, rect(10, 0, 16, 6)),
	})
	var ce *floorplan.ChangeError
	var oe *floorplan.OverlapError
	if !errors.As(err, &ce) || !errors.As(err, &oe) {
		t.Fatalf("ApplyRooms with a final overlap = %v, want a *ChangeError with an *OverlapError", err)
	}
	if ce.Index != 2 || ce.RoomID != c.ID || oe.RoomID != c.ID || oe.OtherID != b.ID || oe.OtherNumber != "402" ||
		!near(oe.AreaM2, 12, 1e-6) {
		t.Errorf("change %d (room %s), overlap %+v; want change 2 (403) overlapping 402 by 12 m²", ce.Index, ce.Number, oe)
	}
	was.unchanged(t, f, 0)

	// The same rooms, now ending side by side.
	if _, _, err := g.ApplyRooms(f.ctx, f.floor(0).ID, []floorplan.RoomChange{
		update(a, rect(0, 0, 7, 6)), update(b, rect(7, 0, 12, 6)), update(c, rect(12, 0, 16, 6))}); err != nil {
		t.Fatalf("ApplyRooms of rooms that only touch in the end: %v", err)
	}
}

// testBatchPermission asks the permission hook about every change as the single writes would, before
// anything is written: a refusal of the third changes nothing.
func testBatchPermission(t *testing.T, f *fixture) {
	a := f.room(t, 0, "501", rect(0, 0, 5, 6))
	b := f.room(t, 0, "502", rect(5, 0, 10, 6))
	other := f.agencies[1].ID
	var asked []floorplan.Request
	g := floorplan.NewRegister(f.s, floorplan.WithPermit(func(_ context.Context, req floorplan.Request) error {
		asked = append(asked, req)
		if req.AgencyID == other {
			return floorplan.ErrForbidden
		}
		return nil
	}))
	moved := b
	moved.AgencyID = other // a room given to an agency the user may not write for
	was := stateOf(t, f, 0)
	_, _, err := g.ApplyRooms(f.ctx, f.floor(0).ID, []floorplan.RoomChange{
		update(a, rect(0, 0, 6, 6)), create(f.newRoom(0, "503", rect(20, 0, 25, 6))), update(moved, rect(6, 0, 10, 6))})
	var ce *floorplan.ChangeError
	if !errors.As(err, &ce) || ce.Index != 2 || !errors.Is(err, floorplan.ErrForbidden) {
		t.Fatalf("ApplyRooms with a forbidden third change = %v, want ErrForbidden naming change 2", err)
	}
	was.unchanged(t, f, 0)
	want := []floorplan.Request{
		{Op: floorplan.OpUpdate, Entity: floorplan.EntityRoom, ID: a.ID, AgencyID: a.AgencyID, BuildingID: f.building.ID},
		{Op: floorplan.OpCreate, Entity: floorplan.EntityRoom, AgencyID: f.agencies[0].ID, BuildingID: f.building.ID},
		{Op: floorplan.OpUpdate, Entity: floorplan.EntityRoom, ID: b.ID, AgencyID: other, BuildingID: f.building.ID},
	}
	if !slices.Equal(asked, want) {
		t.Errorf("the permission hook was asked %+v, want %+v", asked, want)
	}
}

// testBatchSingleWritesImmediate: outside a save, overlaps are refused at the write, inside a transaction
// too, and deferring needs a transaction.
func testBatchSingleWritesImmediate(t *testing.T, f *fixture) {
	a := f.room(t, 0, "601", rect(0, 0, 5, 6))
	b := f.room(t, 0, "602", rect(5, 0, 10, 6))
	into := b
	into.Geometry = rect(3, 0, 10, 6)
	var oe *floorplan.OverlapError
	if err := f.s.UpdateRoom(f.ctx, &into); !errors.As(err, &oe) || oe.RoomID != b.ID || oe.OtherID != a.ID {
		t.Errorf("UpdateRoom into 601 = %v, want an *OverlapError of 602 with 601", err)
	}
	g := floorplan.NewRegister(f.s)
	into = b
	into.Geometry = rect(3, 0, 10, 6)
	if _, err := g.UpdateRoom(f.ctx, &into, floorplan.Shape{}); !errors.As(err, &oe) || oe.OtherID != a.ID {
		t.Errorf("Register.UpdateRoom into 601 = %v, want an *OverlapError with 601", err)
	}
	err := f.s.InTx(f.ctx, func(tx floorplan.Store) error {
		into := b
		into.Geometry = rect(3, 0, 10, 6)
		if err := tx.UpdateRoom(f.ctx, &into); !errors.As(err, &oe) {
			return fmt.Errorf("UpdateRoom into 601 inside InTx = %v, want an *OverlapError at once", err)
		}
		return nil
	})
	must(t, err)
	if d, ok := f.s.(floorplan.OverlapDeferrer); ok {
		if err := d.DeferOverlaps(f.ctx); err == nil {
			t.Error("DeferOverlaps outside a transaction succeeded")
		}
	}
	got, err := f.s.Room(f.ctx, b.ID)
	must(t, err)
	if got.Version != b.Version || !sameRing(got.Geometry, b.Geometry) {
		t.Errorf("refused writes changed 602: %+v", got)
	}
}

// testBatchDeferredAtCommit: a transaction that defers the check and never calls CheckOverlaps is checked
// when it commits, on each room as it then stands: a room written into another and then out of it, or
// deleted, overlaps nothing; one left overlapping fails the commit and nothing is written.
func testBatchDeferredAtCommit(t *testing.T, f *fixture) {
	a := f.room(t, 0, "701", rect(0, 0, 5, 6))
	b := f.room(t, 0, "702", rect(5, 0, 10, 6))
	deferred := func(fn func(tx floorplan.Store) error) error {
		return f.s.InTx(f.ctx, func(tx floorplan.Store) error {
			d, ok := tx.(floorplan.OverlapDeferrer)
			if !ok {
				t.Fatalf("the store's transaction (%T) is not a floorplan.OverlapDeferrer", tx)
			}
			must(t, d.DeferOverlaps(f.ctx))
			return fn(tx)
		})
	}
	was := stateOf(t, f, 0)
	err := deferred(func(tx floorplan.Store) error {
		r := b
		r.Geometry = rect(3, 0, 10, 6) // into 701, and left there
		return tx.UpdateRoom(f.ctx, &r)
	})
	var oe *floorplan.OverlapError
	if !errors.As(err, &oe) || oe.RoomID != b.ID || oe.OtherID != a.ID || oe.OtherNumber != "701" {
		t.Fatalf("commit of a deferred overlap = %v, want an *OverlapError of 702 with 701", err)
	}
	was.unchanged(t, f, 0)

	err = deferred(func(tx floorplan.Store) error {
		r := b
		r.Geometry = rect(3, 0, 10, 6) // into 701 …
		if err := tx.UpdateRoom(f.ctx, &r); err != nil {
			return err
		}
		r.Geometry = rect(5, 0, 11, 6) // … and out again: the check sees this version
		if err := tx.UpdateRoom(f.ctx, &r); err != nil {
			return err
		}
		gone := f.newRoom(0, "703", rect(1, 1, 4, 4)) // inside 701, then deleted
		if err := tx.CreateRoom(f.ctx, &gone); err != nil {
			return err
		}
		return tx.DeleteRoom(f.ctx, gone.ID, gone.Version)
	})
	if err != nil {
		t.Fatalf("a deferred transaction whose rooms end apart: %v", err)
	}
	got, err := f.s.Room(f.ctx, b.ID)
	must(t, err)
	if got.Version != b.Version+2 || !sameRing(got.Geometry, rect(5, 0, 11, 6)) {
		t.Errorf("702 after the deferred transaction: version %d, %v", got.Version, got.Geometry)
	}
}

// sameRing reports whether two polygons have the same outer ring, to a micrometre (the stores keep local
// metres as written, up to the encoding's rounding).
func sameRing(a, b orb.Polygon) bool {
	if len(a) == 0 || len(b) == 0 || len(a[0]) != len(b[0]) {
		return false
	}
	for i := range a[0] {
		if !near(a[0][i][0], b[0][i][0], 1e-6) || !near(a[0][i][1], b[0][i][1], 1e-6) {
			return false
		}
	}
	return true
}

func near(a, b, tol float64) bool { return a-b <= tol && b-a <= tol }

func roomNumbers(rooms []floorplan.Room) []string {
	out := make([]string, len(rooms))
	for i, r := range rooms {
		out[i] = r.Number
	}
	return out
}
