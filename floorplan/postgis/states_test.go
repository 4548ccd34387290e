package postgis_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
	"officemap/floorplan/synth"
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

// TestMigrate0034: the triggers that replace the foreign keys of rooms, people and assignments
// (0034_reference_checks.sql) hold their rules: a reference written by INSERT or UPDATE, one row of many or
// alone, must name a record that exists (live or deleted; NULL where allowed), and a referenced record is
// neither removed outright nor given another id; each refusal is the foreign key's error (23503, its
// constraint's name) and writes nothing. Unreferenced records still go, and the store maps the error as it
// mapped the foreign key's.
func TestMigrate0034(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	p, rows, _ := roomBeforeMigration(t, ctx, 34)
	floor, room := rows.floor, rows.room
	agency, spare, person, assignment := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := p.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO agencies (id, name, level) VALUES ($1, '机关事务管理局', 'municipal'), ($2, '备用', 'county')`, agency, spare)
	exec(`UPDATE rooms SET agency_id = $1, version = version + 1 WHERE id = $2`, agency, room)
	exec(`INSERT INTO people (id, name, agency_id, rank) VALUES ($1, '张三', $2, 'staff')`, person, agency)
	exec(`INSERT INTO assignments (id, person_id, room_id) VALUES ($1, $2, $3)`, assignment, person, room)
	counts := func() string {
		var s string
		must(t, p.QueryRow(ctx, `SELECT format('%s floors, %s rooms, %s agencies, %s people, %s assignments',
			(SELECT count(*) FROM floors), (SELECT count(*) FROM rooms), (SELECT count(*) FROM agencies),
			(SELECT count(*) FROM people), (SELECT count(*) FROM assignments))`).Scan(&s))
		return s
	}
	before := counts()

	unknown := uuid.New()
	const newRoom = `INSERT INTO rooms (id, floor_id, agency_id, number, usage, geom, geom_ll)
		SELECT u.id, u.floor_id, u.agency_id, u.number, r.usage, ST_Translate(r.geom, u.dx, 0), ST_Translate(r.geom_ll, u.dx / 100000, 0)
		  FROM rooms r, unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::float8[]) AS u(id, floor_id, agency_id, number, dx)
		 WHERE r.id = $6`
	roomsOf := func(floors, agencies []uuid.UUID) []any {
		return []any{[]uuid.UUID{uuid.New(), uuid.New()}, floors, agencies, []string{"102", "103"}, []float64{100, 200}, room}
	}
	for _, bad := range []struct {
		what, sql, constraint string
		args                  []any
	}{
		{"rooms, the second on no floor", newRoom, "rooms_floor_id_fkey", roomsOf([]uuid.UUID{floor, unknown}, []uuid.UUID{agency, agency})},
		{"rooms, the second of no agency", newRoom, "rooms_agency_id_fkey", roomsOf([]uuid.UUID{floor, floor}, []uuid.UUID{agency, unknown})},
		{"a room moved to no floor", `UPDATE rooms SET floor_id = $1, version = version + 1 WHERE id = $2`, "rooms_floor_id_fkey", []any{unknown, room}},
		{"a room given to no agency", `UPDATE rooms SET agency_id = $1, version = version + 1 WHERE id = $2`, "rooms_agency_id_fkey", []any{unknown, room}},
		{"a person of no agency", `INSERT INTO people (id, name, agency_id, rank) VALUES ($1, '李四', $2, 'staff')`, "people_agency_id_fkey", []any{uuid.New(), unknown}},
		{"a person moved to no agency", `UPDATE people SET agency_id = $1, version = version + 1 WHERE id = $2`, "people_agency_id_fkey", []any{unknown, person}},
		{"an assignment of no one", `INSERT INTO assignments (id, person_id, room_id) VALUES ($1, $2, $3)`, "assignments_person_id_fkey", []any{uuid.New(), unknown, room}},
		{"an assignment to no room", `INSERT INTO assignments (id, person_id, room_id) VALUES ($1, $2, $3)`, "assignments_room_id_fkey", []any{uuid.New(), person, unknown}},
		{"an assignment moved to no room", `UPDATE assignments SET room_id = $1, version = version + 1 WHERE id = $2`, "assignments_room_id_fkey", []any{unknown, assignment}},
		{"a floor with rooms removed", `DELETE FROM floors WHERE id = $1`, "rooms_floor_id_fkey", []any{floor}},
		{"a floor with rooms given another id", `UPDATE floors SET id = $1, version = version + 1 WHERE id = $2`, "rooms_floor_id_fkey", []any{unknown, floor}},
		{"an agency with rooms and people removed", `DELETE FROM agencies WHERE id = ANY($1)`, "rooms_agency_id_fkey", []any{[]uuid.UUID{spare, agency}}},
		{"an agency with rooms given another id", `UPDATE agencies SET id = $1, version = version + 1 WHERE id = $2`, "rooms_agency_id_fkey", []any{unknown, agency}},
		{"a person with an assignment removed", `DELETE FROM people WHERE id = $1`, "assignments_person_id_fkey", []any{person}},
		{"a person with an assignment given another id", `UPDATE people SET id = $1, version = version + 1 WHERE id = $2`, "assignments_person_id_fkey", []any{unknown, person}},
		{"a room with an assignment removed", `DELETE FROM rooms WHERE id = $1`, "assignments_room_id_fkey", []any{room}},
		{"a room with an assignment given another id", `UPDATE rooms SET id = $1, version = version + 1 WHERE id = $2`, "assignments_room_id_fkey", []any{unknown, room}},
	} {
		_, err := p.Exec(ctx, bad.sql, bad.args...)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "23503" || pe.ConstraintName != bad.constraint {
			t.Errorf("%s: %v, want the foreign key's error (23503, %s)", bad.what, err, bad.constraint)
		}
		if after := counts(); after != before {
			t.Errorf("%s: %s, want %s", bad.what, after, before)
		}
	}
	var agencyOf, floorOf uuid.UUID
	must(t, p.QueryRow(ctx, `SELECT agency_id, floor_id FROM rooms WHERE id = $1`, room).Scan(&agencyOf, &floorOf))
	if agencyOf != agency || floorOf != floor {
		t.Errorf("after the refusals the room is on floor %s of agency %s, want %s of %s", floorOf, agencyOf, floor, agency)
	}
	// The people only: the first reference the agency's removal breaks is a person's.
	exec(`UPDATE rooms SET agency_id = NULL, version = version + 1 WHERE id = $1`, room)
	if _, err := p.Exec(ctx, `DELETE FROM agencies WHERE id = $1`, agency); !fkError(err, "people_agency_id_fkey") {
		t.Errorf("an agency with people removed: %v, want people_agency_id_fkey", err)
	}

	// The DETAIL is the foreign key's, naming the key.
	for _, c := range []struct{ sql, detail string }{
		{`INSERT INTO assignments (id, person_id, room_id) VALUES ($1, $2, $3)`,
			fmt.Sprintf(`Key (room_id)=(%s) is not present in table "rooms".`, unknown)},
		{`DELETE FROM people WHERE id = $2 AND $1::uuid IS NOT NULL AND $3::uuid IS NOT NULL`,
			fmt.Sprintf(`Key (id)=(%s) is still referenced from table "assignments".`, person)},
	} {
		_, err := p.Exec(ctx, c.sql, uuid.New(), person, unknown)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Detail != c.detail {
			t.Errorf("%s: %v, want the DETAIL %q", c.sql, err, c.detail)
		}
	}

	// Deleted records may still be referred to; unreferenced ones go, and their ids may change.
	exec(`UPDATE rooms SET deleted_at = now(), version = version + 1 WHERE id = $1`, room)
	exec(`INSERT INTO assignments (id, person_id, room_id) VALUES ($1, $2, $3)`, uuid.New(), person, room)
	exec(`UPDATE agencies SET id = $1, version = version + 1 WHERE id = $2`, unknown, spare)
	exec(`DELETE FROM agencies WHERE id = $1`, unknown)
	exec(`DELETE FROM assignments`)
	exec(`DELETE FROM people`)
	exec(`DELETE FROM agencies`)
	exec(`DELETE FROM rooms`)
	exec(`DELETE FROM floors`)
}

// fkError reports whether err is the foreign key violation of constraint.
func fkError(err error, constraint string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23503" && pe.ConstraintName == constraint
}

// failingStates is a store whose transactions fail to put or add room states: the writes behind a recomputation
// (floorplan's writeBehind) meet an error.
type failingStates struct{ *postgis.Store }

// errPutStates is failingStates' failure.
var errPutStates = errors.New("test: no states today")

func (s failingStates) InTx(ctx context.Context, fn func(tx floorplan.Store) error) error {
	return s.Store.InTx(ctx, func(tx floorplan.Store) error { return fn(failingStates{tx.(*postgis.Store)}) })
}

func (s failingStates) PutRoomStates(context.Context, []floorplan.StoredStatus) error {
	return errPutStates
}

func (s failingStates) AddRoomStates(context.Context, []floorplan.StoredStatus) error {
	return errPutStates
}

// TestRefreshStatesFails: a recomputation of the states whose write fails returns that failure and leaves
// the store as it was (the stale states still stale, none cleared); the next one succeeds.
func TestRefreshStatesFails(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	s := pgtest.NewStore(t)
	reg := floorplan.NewRegister(s)
	n, err := synth.LoadStream(ctx, reg, synth.Config{Buildings: 2, Floors: 2, RoomsPerFloor: 12, Seed: 3})
	must(t, err)
	must(t, reg.RefreshStates(ctx))
	more, err := synth.LoadStream(ctx, reg, synth.Config{Buildings: 1, Floors: 1, RoomsPerFloor: 5, Seed: 4})
	must(t, err)
	before, err := s.RoomStateIDs(ctx)
	must(t, err)
	if len(before) != n.Rooms {
		t.Fatalf("%d states after the first load, want %d", len(before), n.Rooms)
	}

	if err := floorplan.NewRegister(failingStates{s}).RefreshStates(ctx); !errors.Is(err, errPutStates) {
		t.Fatalf("RefreshStates with failing writes: %v, want the failure", err)
	}
	after, err := s.RoomStateIDs(ctx)
	must(t, err)
	day, err := s.StatesDay(ctx)
	must(t, err)
	if len(after) != len(before) || !day.IsZero() {
		t.Errorf("after the failure: %d states for day %v; want the %d stale ones (day zero)", len(after), day, len(before))
	}

	must(t, reg.RefreshStates(ctx))
	if after, err = s.RoomStateIDs(ctx); err != nil || len(after) != n.Rooms+more.Rooms {
		t.Errorf("after the refresh: %d states (%v), want %d", len(after), err, n.Rooms+more.Rooms)
	}
}

// TestMigrate0035: TRUNCATE of floors, people or rooms is refused, with the key's error and nothing emptied,
// while a table that refers to it through the triggers of 0033 and 0034 keeps a reference; emptied together
// with those tables, it goes (0035_reference_truncate.sql). (Agencies cannot be emptied by TRUNCATE at all:
// certificates refer to them by a key and are never deleted.)
func TestMigrate0035(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	p, rows, _ := roomBeforeMigration(t, ctx, 35)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := p.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	agency, person := uuid.New(), uuid.New()
	exec(`INSERT INTO agencies (id, name, level) VALUES ($1, '机关事务管理局', 'municipal')`, agency)
	exec(`UPDATE rooms SET agency_id = $1, version = version + 1 WHERE id = $2`, agency, rows.room)
	exec(`INSERT INTO people (id, name, agency_id, rank) VALUES ($1, '张三', $2, 'staff')`, person, agency)
	exec(`INSERT INTO assignments (id, person_id, room_id) VALUES ($1, $2, $3)`, uuid.New(), person, rows.room)
	exec(`INSERT INTO room_states VALUES ($1, 'vacant', 0, 0, '[]', current_date)`, rows.room)
	counts := func() string {
		var s string
		must(t, p.QueryRow(ctx, `SELECT format('%s floors, %s rooms, %s agencies, %s people, %s assignments, %s states',
			(SELECT count(*) FROM floors), (SELECT count(*) FROM rooms), (SELECT count(*) FROM agencies),
			(SELECT count(*) FROM people), (SELECT count(*) FROM assignments), (SELECT count(*) FROM room_states))`).Scan(&s))
		return s
	}
	before := counts()
	for _, bad := range []struct{ sql, referring string }{
		{`TRUNCATE floors`, "rooms"},
		{`TRUNCATE people, posts`, "assignments"},
		{`TRUNCATE rooms`, "assignments"},
		{`TRUNCATE rooms, assignments`, "room_states"},
	} {
		_, err := p.Exec(ctx, bad.sql)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "0A000" || !strings.Contains(pe.Detail, `"`+bad.referring+`"`) {
			t.Errorf("%s: %v, want 0A000 naming %s", bad.sql, err, bad.referring)
		}
		if after := counts(); after != before {
			t.Errorf("%s: %s, want %s", bad.sql, after, before)
		}
	}
	exec(`TRUNCATE floors, rooms, assignments, room_states`)
	exec(`TRUNCATE people, posts`)
	if after := counts(); after != "0 floors, 0 rooms, 1 agencies, 0 people, 0 assignments, 0 states" {
		t.Errorf("after the TRUNCATEs naming every referring table: %s", after)
	}
}
