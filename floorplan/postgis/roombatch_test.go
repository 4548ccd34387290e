package postgis_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"officemap/floorplan"
	"officemap/floorplan/storetest"
)

// TestRoomBatch runs the conformance tests of rooms saved as a whole (the deferred overlap trigger of
// migrations/0012_deferrable_overlap.sql), with a fresh database for each part.
func TestRoomBatch(t *testing.T) {
	storetest.RunRoomBatch(t, newAgedStore)
}

// TestMigrate0012: 0012_deferrable_overlap on a database of 0011 with a room in it changes no row; the
// overlap check is then a deferrable constraint trigger, immediate unless a transaction defers it, which
// refuses raw SQL as before and, deferred, judges each row as it stands at the commit.
func TestMigrate0012(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	p, rows, history := roomBeforeMigration(t, ctx, 12)
	room := rows.room
	roomUnchanged(t, ctx, p, rows, history)
	var constraint, deferrable, initiallyDeferred bool
	must(t, p.QueryRow(ctx, `SELECT tgconstraint <> 0, tgdeferrable, tginitdeferred FROM pg_trigger WHERE tgname = 'rooms_no_overlap'`).
		Scan(&constraint, &deferrable, &initiallyDeferred))
	if !constraint || !deferrable || initiallyDeferred {
		t.Errorf("rooms_no_overlap: constraint trigger %v, deferrable %v, initially deferred %v; want true, true, false",
			constraint, deferrable, initiallyDeferred)
	}

	// Immediate: an overlapping row is refused by its own statement, naming the room it overlaps.
	const insertInto101 = `INSERT INTO rooms (id, floor_id, number, usage, geom, geom_ll)
SELECT $1, floor_id, '102', 'office', 'POLYGON((2 0,6 0,6 6,2 6,2 0))', geom_ll FROM rooms WHERE id = $2`
	other := uuid.New()
	_, err := p.Exec(ctx, insertInto101, other, room)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "OM001" {
		t.Fatalf("an overlapping insert = %v, want SQLSTATE OM001 at once", err)
	}

	// Deferred: the same row, moved off 101 before the commit, passes; left on it, the commit fails.
	for _, tc := range []struct {
		name    string
		moveOff bool
	}{{"moved off before the commit", true}, {"left overlapping", false}} {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := p.Begin(ctx)
			must(t, err)
			defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
			_, err = tx.Exec(ctx, `SET CONSTRAINTS rooms_no_overlap DEFERRED`)
			must(t, err)
			id := uuid.New()
			_, err = tx.Exec(ctx, insertInto101, id, room)
			must(t, err)
			if tc.moveOff {
				_, err = tx.Exec(ctx, `UPDATE rooms SET geom = 'POLYGON((4 0,8 0,8 6,4 6,4 0))', version = version + 1 WHERE id = $1`, id)
				must(t, err)
			}
			err = tx.Commit(ctx)
			if tc.moveOff && err != nil {
				t.Errorf("commit of a row moved off 101: %v", err)
			}
			if !tc.moveOff && (!errors.As(err, &pe) || pe.Code != "OM001") {
				t.Errorf("commit of a row left on 101 = %v, want SQLSTATE OM001", err)
			}
		})
	}
}
