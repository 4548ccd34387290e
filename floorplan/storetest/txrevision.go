package storetest

import (
	"context"
	"testing"

	"officemap/floorplan"
)

// testTxRevision: inside InTx, after a write, Revision is the revision the transaction commits at (the
// register's once it has), whatever committed before it; and each write of the transaction is recorded
// in the history with the actor of its own context, when the actors differ and when they come back.
func testTxRevision(t *testing.T, f *fixture) {
	before, err := f.s.Revision(f.ctx)
	must(t, err)
	var inside int64
	rooms := []floorplan.Room{
		{FloorID: f.floors[1].ID, Number: "T1", Usage: floorplan.UsageOffice, Geometry: rect(0, 0, 3, 3)},
		{FloorID: f.floors[1].ID, Number: "T2", Usage: floorplan.UsageOffice, Geometry: rect(4, 0, 7, 3)},
		{FloorID: f.floors[1].ID, Number: "T3", Usage: floorplan.UsageOffice, Geometry: rect(8, 0, 11, 3)},
	}
	actors := []string{"甲", "乙", "甲"}
	ctx := floorplan.WithActor(f.ctx, actors[0])
	must(t, f.s.InTx(ctx, func(tx floorplan.Store) error {
		for i := range rooms {
			if err := tx.CreateRoom(floorplan.WithActor(ctx, actors[i]), &rooms[i]); err != nil {
				return err
			}
		}
		var err error
		inside, err = tx.Revision(ctx)
		return err
	}))
	after, err := f.s.Revision(f.ctx)
	must(t, err)
	if inside != after || after <= before {
		t.Errorf("revision before %d, inside the transaction %d, after its commit %d; want inside = after > before", before, inside, after)
	}
	for i, r := range rooms {
		h, err := f.s.History(context.Background(), floorplan.EntityRoom, r.ID)
		must(t, err)
		if len(h) == 0 {
			t.Errorf("room %s: no history", r.Number)
		} else if h[0].Actor != actors[i] {
			t.Errorf("room %s: created by %q in the history; want %q", r.Number, h[0].Actor, actors[i])
		}
	}
}
