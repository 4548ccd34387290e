package storetest

import (
	"testing"

	"officemap/floorplan"
)

// testRevision checks the register's revision: it grows with every committed write (a single write, a
// transaction, a delete) and stays put for reads, refused writes and rolled-back transactions, which is
// what lets several servers trust their caches.
func testRevision(t *testing.T, s floorplan.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	rev := func() int64 {
		t.Helper()
		n, err := s.Revision(ctx)
		if err != nil {
			t.Fatalf("Revision: %v", err)
		}
		return n
	}
	grows := func(what string, before int64) int64 {
		t.Helper()
		after := rev()
		if after <= before {
			t.Errorf("revision after %s = %d, want more than %d", what, after, before)
		}
		return after
	}
	same := func(what string, before int64) {
		t.Helper()
		if after := rev(); after != before {
			t.Errorf("revision after %s = %d, want it unchanged at %d", what, after, before)
		}
	}

	r0 := rev()
	room := f.newRoom(0, "R1", rect(0, 0, 4, 5))
	if err := s.CreateRoom(ctx, &room); err != nil {
		t.Fatal(err)
	}
	r1 := grows("creating a room", r0)

	if _, err := s.Rooms(ctx, floorplan.RoomFilter{FloorID: room.FloorID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Snapshot(ctx, day(clockOf(t, s), 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Search(ctx, "R1", 5); err != nil {
		t.Fatal(err)
	}
	same("reads", r1)

	bad := f.newRoom(0, "R2", rect(2, 2, 6, 6)) // overlaps R1
	if err := s.CreateRoom(ctx, &bad); err == nil {
		t.Fatal("an overlapping room was accepted")
	}
	same("a refused write", r1)

	if err := s.InTx(ctx, func(tx floorplan.Store) error {
		r := f.newRoom(0, "R3", rect(10, 0, 14, 5))
		if err := tx.CreateRoom(ctx, &r); err != nil {
			return err
		}
		return errStop
	}); err != errStop {
		t.Fatalf("InTx = %v, want errStop", err)
	}
	same("a rolled-back transaction", r1)

	if err := s.InTx(ctx, func(tx floorplan.Store) error {
		for i, x := range []float64{10, 14} {
			r := f.newRoom(0, "T"+string(rune('1'+i)), rect(x, 0, x+4, 5))
			if err := tx.CreateRoom(ctx, &r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r2 := grows("a committed transaction", r1)

	if err := s.DeleteRoom(ctx, room.ID, room.Version); err != nil {
		t.Fatal(err)
	}
	grows("deleting a room", r2)
}
