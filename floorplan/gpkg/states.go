package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

var _ floorplan.StateStore = (*Store)(nil)

// The stored room states (floorplan/states.go): the attribute tables room_states, one row per live room,
// and room_states_day, the day every row was last computed for (schema version 10, sqlMigrateV10). They
// are derived data: their writes record no history.

// sqlMigrateV10 creates the stored room states, empty: the first reader computes them.
const sqlMigrateV10 = `
CREATE TABLE room_states (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id TEXT NOT NULL UNIQUE REFERENCES rooms_all (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('over_standard', 'compliant', 'vacant', 'non_office', 'no_standard')),
  per_person_m2 DOUBLE NOT NULL,
  standard_m2 DOUBLE NOT NULL,
  occupants TEXT NOT NULL CHECK (json_type(occupants) = 'array'),
  as_of DATE NOT NULL
);
CREATE TABLE room_states_day (
  fid INTEGER PRIMARY KEY CHECK (fid = 1),
  as_of DATE
);
INSERT INTO room_states_day (fid, as_of) VALUES (1, NULL);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('room_states', 'attributes', 'room_states', 'the stored state of every live room today (floorplan/states.go)', NULL),
  ('room_states_day', 'attributes', 'room_states_day', 'the day the stored room states were last all computed for', NULL);
`

const (
	sqlAddRoomState = `INSERT INTO room_states (room_id, status, per_person_m2, standard_m2, occupants, as_of)
VALUES (?1, ?2, ?3, ?4, ?5, ?6)`
	sqlPutRoomState = sqlAddRoomState + `
ON CONFLICT (room_id) DO UPDATE SET status = excluded.status, per_person_m2 = excluded.per_person_m2,
  standard_m2 = excluded.standard_m2, occupants = excluded.occupants, as_of = excluded.as_of`
	sqlDeleteRoomState     = `DELETE FROM room_states WHERE room_id = ?1`
	sqlDeleteAllRoomStates = `DELETE FROM room_states`
	sqlSetStatesDay        = `UPDATE room_states_day SET as_of = ?1`
	sqlStatesDay           = `SELECT as_of FROM room_states_day`
	sqlRoomStates          = `SELECT room_id, status, per_person_m2, standard_m2, occupants, as_of FROM room_states`
	sqlRoomStateOf         = sqlRoomStates + ` WHERE room_id = ?1`
)

// PutRoomStates adds or replaces the states of their rooms.
func (s *Store) PutRoomStates(ctx context.Context, states []floorplan.StoredStatus) error {
	if len(states) == 0 {
		return nil
	}
	return s.write(ctx, func(q querier) error { return putStates(ctx, q, sqlPutRoomState, states) })
}

// AddRoomStates adds the states of rooms that have none; a room that has a state fails the call (its
// room_id is unique), and the write's transaction adds none of them.
func (s *Store) AddRoomStates(ctx context.Context, states []floorplan.StoredStatus) error {
	if len(states) == 0 {
		return nil
	}
	return s.write(ctx, func(q querier) error { return putStates(ctx, q, sqlAddRoomState, states) })
}

// putStates writes states with one prepared statement, insert (sqlAddRoomState or sqlPutRoomState).
func putStates(ctx context.Context, q querier, insert string, states []floorplan.StoredStatus) error {
	stmt, err := q.PrepareContext(ctx, insert)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, st := range states {
		occ := st.Occupants
		if occ == nil {
			occ = []floorplan.OccupantInfo{}
		}
		b, err := json.Marshal(occ)
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, st.RoomID.String(), string(st.Status), st.PerPersonM2, st.StandardM2,
			string(b), nullDate(st.AsOf)); err != nil {
			return fmt.Errorf("store the state of room %s: %w", st.RoomID, err)
		}
	}
	return nil
}

// DeleteRoomStates removes the states of the rooms ids.
func (s *Store) DeleteRoomStates(ctx context.Context, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	return s.write(ctx, func(q querier) error {
		for _, id := range ids {
			if _, err := q.ExecContext(ctx, sqlDeleteRoomState, id.String()); err != nil {
				return err
			}
		}
		return nil
	})
}

// ClearRoomStates removes every state and records that they are for no day.
func (s *Store) ClearRoomStates(ctx context.Context) error {
	return s.write(ctx, func(q querier) error {
		if _, err := q.ExecContext(ctx, sqlDeleteAllRoomStates); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, sqlSetStatesDay, nil)
		return err
	})
}

// SetStatesDay records day as the day every state is for.
func (s *Store) SetStatesDay(ctx context.Context, day time.Time) error {
	return s.write(ctx, func(q querier) error {
		_, err := q.ExecContext(ctx, sqlSetStatesDay, nullDate(floorplan.DayOf(day)))
		return err
	})
}

// sqlRoomStateIDs lists the rooms with a state.
const sqlRoomStateIDs = `SELECT room_id FROM room_states`

// RoomStateIDs returns the rooms with a state.
func (s *Store) RoomStateIDs(ctx context.Context) ([]uuid.UUID, error) {
	var ids []uuid.UUID
	err := s.read(ctx, func(q querier) error {
		var err error
		ids, err = collect(ctx, q, scanID, sqlRoomStateIDs)
		return err
	})
	return ids, err
}

func scanStoredStatus(row interface{ Scan(...any) error }) (floorplan.StoredStatus, error) {
	var st floorplan.StoredStatus
	var status, occupants string
	if err := row.Scan(idCol{&st.RoomID}, &status, &st.PerPersonM2, &st.StandardM2, &occupants, dateCol{&st.AsOf}); err != nil {
		return st, err
	}
	st.Status = floorplan.RoomStatus(status)
	if err := json.Unmarshal([]byte(occupants), &st.Occupants); err != nil {
		return st, fmt.Errorf("gpkg: the occupants of the state of room %s: %w", st.RoomID, err)
	}
	if len(st.Occupants) == 0 {
		st.Occupants = nil // as the engine leaves a room without occupants
	}
	return st, nil
}

// RoomStates returns the stored states of the rooms ids (of every room for nil ids).
func (s *Store) RoomStates(ctx context.Context, ids []uuid.UUID) ([]floorplan.StoredStatus, error) {
	var out []floorplan.StoredStatus
	err := s.read(ctx, func(q querier) error {
		if ids == nil {
			rows, err := q.QueryContext(ctx, sqlRoomStates)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				st, err := scanStoredStatus(rows)
				if err != nil {
					return err
				}
				out = append(out, st)
			}
			return rows.Err()
		}
		for _, id := range ids {
			st, err := scanStoredStatus(q.QueryRowContext(ctx, sqlRoomStateOf, id.String()))
			switch {
			case err == sql.ErrNoRows:
				continue
			case err != nil:
				return err
			}
			out = append(out, st)
		}
		return nil
	})
	return out, err
}

// StatesDay returns the day every state was last computed for (zero: never).
func (s *Store) StatesDay(ctx context.Context) (time.Time, error) {
	var day time.Time
	err := s.read(ctx, func(q querier) error { return q.QueryRowContext(ctx, sqlStatesDay).Scan(dateCol{&day}) })
	return day, err
}

// LockStates does nothing more than the transaction of InTx it must run in: a GeoPackage has one writer
// (BEGIN IMMEDIATE), and one process.
func (s *Store) LockStates(context.Context) error {
	if s.tx == nil {
		return fmt.Errorf("gpkg: LockStates outside InTx")
	}
	return nil
}

// MarkStatesStale records that the states are for no day: the next reader recomputes them all.
func (s *Store) MarkStatesStale(ctx context.Context) error {
	return s.write(ctx, func(q querier) error {
		_, err := q.ExecContext(ctx, sqlSetStatesDay, nil)
		return err
	})
}
