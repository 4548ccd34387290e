package gpkg_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/sample"
	"officemap/floorplan/storetest"
)

// downgradeV10 makes the register at path one of schema version 9: no stored room states.
func downgradeV10(t *testing.T, path string) {
	t.Helper()
	downgradeV11(t, path)
	downgrade(t, path, `DROP TABLE room_states`, `DROP TABLE room_states_day`,
		`DELETE FROM gpkg_contents WHERE table_name IN ('room_states', 'room_states_day')`,
		`UPDATE officemap_schema SET version = 9`)
}

// TestMigrateV9: Open brings a register of version 9 with a room in it to version 10 — no state stored
// yet, no history record written, the tables as in a new file — and the first read of the states through
// the Register then computes and stores them.
func TestMigrateV9(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v9.gpkg")
	var d int
	history := takenBack(t, path, downgradeV10, func(ctx context.Context, s *gpkg.Store) { d = storetestDemo(t, ctx, s) })

	ctx, s := openCST(t, path)
	stored, err := s.RoomStates(ctx, nil)
	must(t, err)
	day, err := s.StatesDay(ctx)
	must(t, err)
	if len(stored) != 0 || !day.IsZero() {
		t.Errorf("after the migration: %d states for %v; want none, for no day", len(stored), day)
	}
	must(t, s.Close())
	migratedAsNew(t, path, history, "room_states", "room_states_day", "officemap_schema")

	_, s = openCST(t, path)
	defer s.Close()
	g := floorplan.NewRegister(s)
	states, err := g.States(ctx, nil)
	must(t, err)
	if len(states) != d {
		t.Errorf("the first read after the migration gives %d states, want one per live room (%d)", len(states), d)
	}
	if day, err := s.StatesDay(ctx); err != nil || !day.Equal(floorplan.DayOf(time.Now())) {
		t.Errorf("states day after the first read: %v, %v; want today", day, err)
	}
}

// storetestDemo loads the demo compound into s and returns its number of live rooms.
func storetestDemo(t *testing.T, ctx context.Context, s *gpkg.Store) int {
	t.Helper()
	must(t, sample.Build(floorplan.DayOf(time.Now())).Load(ctx, floorplan.NewRegister(s)))
	rooms, err := s.Rooms(ctx, floorplan.RoomFilter{})
	must(t, err)
	return len(rooms)
}

// TestStates runs the conformance tests of the stored room states on GeoPackage stores.
func TestStates(t *testing.T) {
	storetest.RunStates(t, newClocked)
}
