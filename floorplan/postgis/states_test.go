package postgis_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/storetest"
)

// TestStates runs the conformance tests of the stored room states (migrations/0013_room_states.sql), with
// a fresh database for each part.
func TestStates(t *testing.T) {
	storetest.RunStates(t, newAgedStore)
}

// TestMigrate0013: 0013_room_states on a database of 0012 with a room in it changes no row and stores no
// state (the first reader computes them); the states then refer to live rooms only, and a room row removed
// outright takes its state with it.
func TestMigrate0013(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	p, rows, history := roomBeforeMigration(t, ctx, 13)
	room := rows.room
	roomUnchanged(t, ctx, p, rows, history)
	var states int
	var day *string
	must(t, p.QueryRow(ctx, `SELECT (SELECT count(*) FROM room_states), (SELECT as_of::text FROM room_states_day)`).Scan(&states, &day))
	if states != 0 || day != nil {
		t.Errorf("after 0013: %d states for day %v; want no state, no day", states, day)
	}
	for _, bad := range []struct{ sql, what string }{
		{`INSERT INTO room_states VALUES ($1, 'vacant', 0, 0, '[]', current_date)`, "a state of a room that does not exist"},
		{`INSERT INTO room_states SELECT id, 'empty', 0, 0, '[]', current_date FROM rooms WHERE id <> $1`, "an unknown status"},
		{`INSERT INTO room_states SELECT id, 'vacant', 0, 0, '{}', current_date FROM rooms WHERE id <> $1`, "occupants not an array"},
		{`INSERT INTO room_states_day VALUES (false, current_date) -- $1`, "a second day row"},
	} {
		if _, err := p.Exec(ctx, bad.sql, uuid.New()); err == nil {
			t.Errorf("%s: no error", bad.what)
		}
	}
	if _, err := p.Exec(ctx, `INSERT INTO room_states VALUES ($1, 'vacant', 0, 0, '[]', current_date)`, room); err != nil {
		t.Fatalf("the state of the room: %v", err)
	}
	if _, err := p.Exec(ctx, `DELETE FROM rooms WHERE id = $1`, room); err != nil {
		t.Fatalf("delete the room outright: %v", err)
	}
	must(t, p.QueryRow(ctx, `SELECT count(*) FROM room_states`).Scan(&states))
	if states != 0 {
		t.Errorf("a room removed outright left %d states", states)
	}
}
