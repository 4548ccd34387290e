package postgis

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

var _ floorplan.StateStore = (*Store)(nil)

// The stored room states (floorplan/states.go) are the tables room_states and room_states_day
// (migrations/0013_room_states.sql). They are derived data: their writes record no history, though, made
// outside InTx, they run in a write transaction of their own like any other write.

const (
	// putRoomStatesSQL adds or replaces the states given as parallel arrays, all for the day $6.
	putRoomStatesSQL = `
INSERT INTO room_states (room_id, status, per_person_m2, standard_m2, occupants, as_of)
SELECT u.room_id, u.status, u.per_person_m2, u.standard_m2, u.occupants::json, $6
  FROM unnest($1::uuid[], $2::text[], $3::float8[], $4::float8[], $5::text[])
       AS u(room_id, status, per_person_m2, standard_m2, occupants)
ON CONFLICT (room_id) DO UPDATE
   SET status = EXCLUDED.status, per_person_m2 = EXCLUDED.per_person_m2, standard_m2 = EXCLUDED.standard_m2,
       occupants = EXCLUDED.occupants, as_of = EXCLUDED.as_of`
	deleteRoomStatesSQL    = `DELETE FROM room_states WHERE room_id = ANY($1::uuid[])`
	deleteAllRoomStatesSQL = `DELETE FROM room_states`
	setStatesDaySQL        = `UPDATE room_states_day SET as_of = $1`
	statesDaySQL           = `SELECT as_of FROM room_states_day`
	roomStatesSQL          = `SELECT room_id, status, per_person_m2, standard_m2, occupants, as_of FROM room_states`
	roomStatesOfSQL        = roomStatesSQL + ` WHERE room_id = ANY($1::uuid[])`
	// lockStatesSQL is the lock of the recomputation of every state (floorplan.StateStore.LockStates),
	// in a key space of its own, as the floors' overlap lock (0012_deferrable_overlap.sql).
	lockStatesSQL = `SELECT pg_advisory_xact_lock(hashtext('officemap.room_states'))`
)

// statesChunk is the most states one statement writes: a recomputation of a province's million rooms
// goes in several, each with arrays of a few megabytes.
const statesChunk = 50_000

// PutRoomStates adds or replaces the states of their rooms.
func (s *Store) PutRoomStates(ctx context.Context, states []floorplan.StoredStatus) error {
	if len(states) == 0 {
		return nil
	}
	return s.writeStates(ctx, func(tx pgx.Tx) error { return putStates(ctx, tx, states) })
}

// AddRoomStates adds the states of rooms that have none with one COPY, without the INSERT's arrays and
// conflict checks of PutRoomStates (a recomputation of every state: 13 s of PostgreSQL at 1M rooms with
// those); a room that has a state fails it (the primary key), and the COPY adds none.
func (s *Store) AddRoomStates(ctx context.Context, states []floorplan.StoredStatus) error {
	if len(states) == 0 {
		return nil
	}
	return s.writeStates(ctx, func(tx pgx.Tx) error { return copyStates(ctx, tx, states) })
}

// copyStateColumns are the columns of room_states that copyStates writes.
var copyStateColumns = []string{"room_id", "status", "per_person_m2", "standard_m2", "occupants", "as_of"}

// copyStates adds states with one COPY (room_states' statement trigger checks their rooms as for an INSERT).
func copyStates(ctx context.Context, tx pgx.Tx, states []floorplan.StoredStatus) error {
	return copyRows(ctx, tx, "room_states", copyStateColumns, len(states), func(i int) ([]any, error) {
		st := &states[i]
		occ, err := occupantsJSON(st.Occupants)
		if err != nil {
			return nil, err
		}
		return []any{pgUUID(st.RoomID), string(st.Status), st.PerPersonM2, st.StandardM2, occ,
			nullDate(st.AsOf)}, nil
	})
}

// writeStates runs fn, a write of derived data, in the transaction of InTx as it is, or else in a write
// transaction of its own. Inside InTx it needs no savepoint (a failed write of states fails the write it
// belongs to) and records no actor (no history): it runs inside every write of the Register, while the
// register's revision is locked, so its round trips are kept to the one statement.
func (s *Store) writeStates(ctx context.Context, fn func(tx pgx.Tx) error) error {
	if s.tx != nil {
		return mapError(fn(s.tx))
	}
	return s.write(ctx, fn)
}

// putStates writes states in chunks of statesChunk, grouped by their day.
func putStates(ctx context.Context, tx pgx.Tx, states []floorplan.StoredStatus) error {
	for len(states) > 0 {
		n := 1
		for n < len(states) && n < statesChunk && states[n].AsOf.Equal(states[0].AsOf) {
			n++
		}
		part := states[:n]
		states = states[n:]
		ids := make([][16]byte, len(part))
		statuses := make([]string, len(part))
		perPerson := make([]float64, len(part))
		standard := make([]float64, len(part))
		occupants := make([]string, len(part))
		for i, st := range part {
			ids[i], statuses[i], perPerson[i], standard[i] = st.RoomID, string(st.Status), st.PerPersonM2, st.StandardM2
			b, err := occupantsJSON(st.Occupants)
			if err != nil {
				return err
			}
			occupants[i] = string(b)
		}
		if _, err := tx.Exec(ctx, putRoomStatesSQL, ids, statuses, perPerson, standard, occupants,
			nullDate(part[0].AsOf)); err != nil {
			return err
		}
	}
	return nil
}

// DeleteRoomStates removes the states of the rooms ids.
func (s *Store) DeleteRoomStates(ctx context.Context, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	return s.writeStates(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, deleteRoomStatesSQL, uuidArray(ids))
		return err
	})
}

// ClearRoomStates removes every state and records that they are for no day (a job: a whole register's).
func (s *Store) ClearRoomStates(ctx context.Context) error {
	return s.write(AsJob(ctx), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, deleteAllRoomStatesSQL); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, setStatesDaySQL, nil)
		return err
	})
}

// SetStatesDay records day as the day every state is for.
func (s *Store) SetStatesDay(ctx context.Context, day time.Time) error {
	return s.writeStates(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, setStatesDaySQL, nullDate(floorplan.DayOf(day)))
		return err
	})
}

// roomStateIDsSQL lists the rooms with a state.
const roomStateIDsSQL = `SELECT room_id FROM room_states`

// RoomStateIDs returns the rooms with a state.
func (s *Store) RoomStateIDs(ctx context.Context) ([]uuid.UUID, error) {
	return readAll(ctx, s, func(row pgx.Row) (uuid.UUID, error) {
		var id uuid.UUID
		err := row.Scan(&id)
		return id, err
	}, roomStateIDsSQL)
}

// occupantsJSON is the occupants column of a state: a JSON array, never null.
func occupantsJSON(occ []floorplan.OccupantInfo) ([]byte, error) {
	if occ == nil {
		occ = []floorplan.OccupantInfo{}
	}
	return json.Marshal(occ)
}

func scanStoredStatus(row pgx.Row) (floorplan.StoredStatus, error) {
	var st floorplan.StoredStatus
	var occupants []byte
	if err := row.Scan(&st.RoomID, &st.Status, &st.PerPersonM2, &st.StandardM2, &occupants, dateDst(&st.AsOf)); err != nil {
		return st, err
	}
	if err := json.Unmarshal(occupants, &st.Occupants); err != nil {
		return st, fmt.Errorf("postgis: the occupants of the state of room %s: %w", st.RoomID, err)
	}
	if len(st.Occupants) == 0 {
		st.Occupants = nil // as the engine leaves a room without occupants
	}
	return st, nil
}

// RoomStates returns the stored states of the rooms ids (of every room for nil ids).
func (s *Store) RoomStates(ctx context.Context, ids []uuid.UUID) ([]floorplan.StoredStatus, error) {
	if ids == nil {
		return readAll(ctx, s, scanStoredStatus, roomStatesSQL)
	}
	return readAll(ctx, s, scanStoredStatus, roomStatesOfSQL, uuidArray(ids))
}

// StatesDay returns the day every state was last computed for (zero: never).
func (s *Store) StatesDay(ctx context.Context) (time.Time, error) {
	return readRow(ctx, s, func(row pgx.Row) (time.Time, error) {
		var day time.Time
		err := row.Scan(dateDst(&day))
		return day, err
	}, statesDaySQL)
}

// LockStates takes the recomputation's advisory lock until the end of the transaction of InTx.
func (s *Store) LockStates(ctx context.Context) error {
	if s.tx == nil {
		return fmt.Errorf("postgis: LockStates outside InTx")
	}
	_, err := s.tx.Exec(ctx, lockStatesSQL)
	return mapError(err)
}

// MarkStatesStale records that the states are for no day: the next reader recomputes them all.
func (s *Store) MarkStatesStale(ctx context.Context) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, setStatesDaySQL, nil)
		return err
	})
}
