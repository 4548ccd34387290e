package postgis_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

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

// TestMigrate0033: the statement triggers that replace room_states' foreign key (0033_room_states_check.sql)
// hold its rules: a state must name a room (by INSERT, by either arm of INSERT … ON CONFLICT, by UPDATE),
// refused with the foreign key's error and nothing written; a room's id named by a state does not change; a
// room removed outright takes its state with it. A state of a deleted (not removed) room stays allowed.
func TestMigrate0033(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	p, rows, _ := roomBeforeMigration(t, ctx, 33)
	room := rows.room
	second := uuid.New()
	states := func() int {
		var n int
		must(t, p.QueryRow(ctx, `SELECT count(*) FROM room_states`).Scan(&n))
		return n
	}
	const put = `INSERT INTO room_states SELECT u, 'vacant', 0, 0, '[]', current_date FROM unnest($1::uuid[]) AS u
		ON CONFLICT (room_id) DO UPDATE SET status = EXCLUDED.status`
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := p.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO rooms (id, floor_id, number, usage, geom, geom_ll)
		SELECT $1, floor_id, '102', usage, ST_Translate(geom, 100, 0), ST_Translate(geom_ll, 0.001, 0) FROM rooms WHERE id = $2`, second, room)
	exec(put, []uuid.UUID{room})
	unknown := uuid.New()
	for _, bad := range []struct {
		what, sql string
		args      []any
	}{
		{"an insert naming no room", put, []any{[]uuid.UUID{second, unknown}}},
		{"an upsert naming no room", put, []any{[]uuid.UUID{room, unknown}}},
		{"an update naming no room", `UPDATE room_states SET room_id = $1`, []any{unknown}},
		{"a room's id changed under its state", `UPDATE rooms SET id = $1, version = version + 1 WHERE id = $2`, []any{unknown, room}},
	} {
		_, err := p.Exec(ctx, bad.sql, bad.args...)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "23503" || pe.ConstraintName != "room_states_room_id_fkey" {
			t.Errorf("%s: %v, want the foreign key's error (23503, room_states_room_id_fkey)", bad.what, err)
		}
		var id uuid.UUID
		must(t, p.QueryRow(ctx, `SELECT room_id FROM room_states`).Scan(&id))
		if n := states(); n != 1 || id != room {
			t.Errorf("%s: %d states (the first for %s), want the one of %s alone", bad.what, n, id, room)
		}
	}
	// The store maps the error as it mapped the foreign key's.
	s := openStoreOn(t, p.Config().ConnString())
	err := s.PutRoomStates(ctx, []floorplan.StoredStatus{{RoomID: unknown, Status: floorplan.StatusVacant, AsOf: floorplan.DayOf(time.Now())}})
	if !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("PutRoomStates of an unknown room: %v, want ErrInvalid", err)
	}

	exec(`UPDATE rooms SET deleted_at = now(), version = version + 1 WHERE id = $1`, second)
	exec(put, []uuid.UUID{second})
	if n := states(); n != 2 {
		t.Errorf("a state of a deleted room: %d states, want 2", n)
	}
	exec(`DELETE FROM rooms WHERE id = ANY($1)`, []uuid.UUID{room, second})
	if n := states(); n != 0 {
		t.Errorf("two rooms removed outright left %d states", n)
	}
}
