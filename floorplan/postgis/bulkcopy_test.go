package postgis_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"officemap/floorplan"
	"officemap/floorplan/synth"
)

// The bulk load writes rooms with COPY after checking them for overlaps in Go, and has the trigger
// rooms_no_overlap skip those rows only (migrations/0014_bulk_load.sql). These tests hold it
// to what the database promised before: a refused batch names the room and writes nothing, and every other
// write is still checked by the database.

// TestBulkCopyRefusesOverlaps loads batches that overlap inside themselves or with a live room: each is
// refused with an *OverlapError naming the later room (by its id) and the room it overlaps, and leaves no
// room, no history and no revision behind.
func TestBulkCopyRefusesOverlaps(t *testing.T) {
	s, f := openFixture(t)
	live := f.room(t, 1, "L1", rect(0, 0, 4, 6))
	cases := []struct {
		name      string
		rooms     []floorplan.Room
		refused   int // index of the room named
		other     func(rooms []floorplan.Room) uuid.UUID
		otherName string
	}{
		{
			name: "inside the batch",
			rooms: []floorplan.Room{
				f.newRoom(0, "C1", rect(0, 0, 4, 6)),
				f.newRoom(0, "C2", rect(4, 0, 8, 6)), // shares a wall with C1: fine
				f.newRoom(0, "C3", rect(10, 0, 12, 6)),
				f.newRoom(0, "C4", rect(7, 0, 9, 6)), // overlaps C2 by 6 m²
			},
			refused: 3, other: func(rooms []floorplan.Room) uuid.UUID { return rooms[1].ID }, otherName: "C2",
		},
		{
			name: "with a live room",
			rooms: []floorplan.Room{
				f.newRoom(1, "C5", rect(4, 0, 8, 6)),
				f.newRoom(1, "C6", rect(3, 6, 5, 8)), // touches L1's corner side only: fine
				f.newRoom(1, "C7", rect(2, 2, 3, 3)), // inside L1
			},
			refused: 2, other: func([]floorplan.Room) uuid.UUID { return live.ID }, otherName: "L1",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for i := range tc.rooms {
				tc.rooms[i].ID = uuid.New()
			}
			rev, err := s.Revision(f.ctx)
			must(t, err)
			err = s.BulkInsertRooms(f.ctx, tc.rooms)
			var oe *floorplan.OverlapError
			if !errors.As(err, &oe) || !errors.Is(err, floorplan.ErrOverlap) {
				t.Fatalf("BulkInsertRooms = %v, want an *OverlapError", err)
			}
			if oe.RoomID != tc.rooms[tc.refused].ID || oe.OtherID != tc.other(tc.rooms) || oe.OtherNumber != tc.otherName {
				t.Errorf("refusal names room %s with %s (%s), want %s (%s) with %s",
					oe.RoomID, oe.OtherNumber, oe.OtherID, tc.rooms[tc.refused].Number, tc.rooms[tc.refused].ID, tc.otherName)
			}
			for _, r := range tc.rooms {
				if _, err := s.Room(f.ctx, r.ID); !errors.Is(err, floorplan.ErrNotFound) {
					t.Errorf("room %s of a refused batch: %v, want ErrNotFound", r.Number, err)
				}
				if n := historyCount(t, s, f, floorplan.EntityRoom, r.ID); n != 0 {
					t.Errorf("room %s of a refused batch has %d history rows", r.Number, n)
				}
			}
			if after, err := s.Revision(f.ctx); err != nil || after != rev {
				t.Errorf("revision %d → %d (%v) after a refused batch", rev, after, err)
			}
		})
	}
}

// TestBulkCopyKeepsTheDatabaseTheEnforcer loads rooms with COPY and then writes overlapping rooms one at a
// time, after the load and inside the load's own transaction, and in raw SQL: the trigger refuses each.
// The rooms loaded read back with version 1, the transaction's creation time, their geometry and one
// history row each.
func TestBulkCopyKeepsTheDatabaseTheEnforcer(t *testing.T) {
	s, f := openFixture(t)
	rooms := []floorplan.Room{f.newRoom(0, "D1", rect(0, 0, 4, 6)), f.newRoom(0, "D2", rect(4, 0, 8, 6))}
	must(t, s.BulkInsertRooms(f.ctx, rooms))
	for _, r := range rooms {
		got, err := s.Room(f.ctx, r.ID)
		must(t, err)
		if got.Version != 1 || !got.CreatedAt.Equal(r.CreatedAt) || got.Area() != r.Area() || got.Number != r.Number {
			t.Errorf("room %s reads back as version %d, created %v, %v m²; loaded as created %v, %v m²",
				r.Number, got.Version, got.CreatedAt, got.Area(), r.CreatedAt, r.Area())
		}
		h, err := s.History(f.ctx, floorplan.EntityRoom, r.ID)
		must(t, err)
		if len(h) != 1 || h[0].Op != "insert" || h[0].Actor != "test:"+t.Name() {
			t.Errorf("room %s: history %+v, want one insert by the test", r.Number, h)
		}
	}

	var oe *floorplan.OverlapError
	over := f.newRoom(0, "D3", rect(3, 1, 5, 3))
	if err := s.CreateRoom(f.ctx, &over); !errors.As(err, &oe) || oe.OtherNumber != "D1" {
		t.Errorf("CreateRoom over D1 and D2 after a bulk load = %v, want an overlap with D1", err)
	}
	moved := rooms[1]
	moved.Geometry = rect(2, 0, 8, 6)
	if err := s.UpdateRoom(f.ctx, &moved); !errors.As(err, &oe) || oe.OtherNumber != "D1" {
		t.Errorf("UpdateRoom of D2 into D1 = %v, want an overlap with D1", err)
	}

	err := s.InTx(f.ctx, func(tx floorplan.Store) error {
		if err := tx.BulkInsertRooms(f.ctx, []floorplan.Room{f.newRoom(0, "D4", rect(8, 0, 10, 6))}); err != nil {
			return err
		}
		late := f.newRoom(0, "D5", rect(9, 0, 11, 6))
		return tx.CreateRoom(f.ctx, &late)
	})
	if !errors.As(err, &oe) || oe.OtherNumber != "D4" {
		t.Errorf("CreateRoom over D4 in the bulk load's transaction = %v, want an overlap with D4", err)
	}

	// A script in SQL is checked too: the setting the bulk load uses does not outlive its statement.
	_, err = adminPool(t).Exec(f.ctx, `
INSERT INTO rooms (id, floor_id, number, usage, geom, geom_ll)
SELECT gen_random_uuid(), floor_id, 'D6', usage, geom, geom_ll FROM rooms WHERE id = $1`, rooms[0].ID)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "OM001" {
		t.Errorf("a raw INSERT of a copy of D1 = %v, want the trigger's refusal (OM001)", err)
	}
	got, err := s.Rooms(f.ctx, floorplan.RoomFilter{FloorID: f.floor(0).ID})
	must(t, err)
	if len(got) != 2 {
		t.Errorf("floor has %d rooms after the refused writes, want the 2 loaded", len(got))
	}
}

// TestBulkHistoryImageIsTheRowTriggers loads a room with COPY (its history written per statement,
// migrations/0016_bulk_history.sql) and creates the same room on another floor one row at a time (the row
// trigger record_history): the two history images have the same columns, the derived lon/lat geometry left
// out of both, and the same values but for the id, the floor and the creation time.
func TestBulkHistoryImageIsTheRowTriggers(t *testing.T) {
	s, f := openFixture(t)
	one := f.room(t, 0, "H1", rect(1.1, 0.3, 4.2, 5.7))
	bulk := []floorplan.Room{f.newRoom(1, "H1", rect(1.1, 0.3, 4.2, 5.7))}
	must(t, s.BulkInsertRooms(f.ctx, bulk))
	image := func(id uuid.UUID) map[string]any {
		h, err := s.History(f.ctx, floorplan.EntityRoom, id)
		must(t, err)
		if len(h) != 1 || h[0].Op != "insert" {
			t.Fatalf("room %s: history %+v, want one insert", id, h)
		}
		var m map[string]any
		must(t, json.Unmarshal(h[0].New, &m))
		if _, ok := m["geom_ll"]; ok {
			t.Errorf("room %s: the image has the derived geometry geom_ll", id)
		}
		if m["id"] != id.String() || m["geom"] == nil || m["area_m2"] == nil {
			t.Errorf("room %s: image %v lacks its id, geometry or area", id, m)
		}
		delete(m, "id")
		delete(m, "floor_id")
		delete(m, "created_at")
		return m
	}
	if a, b := image(one.ID), image(bulk[0].ID); !reflect.DeepEqual(a, b) {
		t.Errorf("history image of a room loaded in bulk\n%v\nwant the row trigger's\n%v", b, a)
	}
}

// TestRoomsFiltersUseIndexes: each of Rooms' filters is an index condition in the generic plan a prepared
// statement settles on after five executions. A bulk load's outline check reads the rooms of each of thousands
// of floors; with optional filters in the query (`$1 IS NULL OR r.floor_id = $1`) the generic plan could use no
// index for them, and each of those reads scanned every room of the register.
func TestRoomsFiltersUseIndexes(t *testing.T) {
	s := openStore(t)
	ctx := ctxFor(t)
	d := synth.Generate(synth.Config{Seed: 11, Buildings: 8, Floors: 5, RoomsPerFloor: 40})
	must(t, d.Load(ctx, floorplan.NewRegister(s)))
	must(t, s.Analyze(ctx))
	floor, room := d.Rooms[0].FloorID, d.Rooms[0]
	var building uuid.UUID
	for _, fl := range d.Floors {
		if fl.ID == floor {
			building = fl.BuildingID
		}
	}
	in := floorplan.ReadScope{Limited: true, Agencies: []uuid.UUID{room.AgencyID}, Floors: []uuid.UUID{floor}}
	for _, tc := range []struct {
		name   string
		filter floorplan.RoomFilter
		cond   string // what an Index Cond of the plan must test
	}{
		{"floor", floorplan.RoomFilter{FloorID: floor}, "floor_id = $1"},
		{"building", floorplan.RoomFilter{BuildingID: building}, "floor_id = f.id"}, // the rooms of its floors
		{"floor and number", floorplan.RoomFilter{FloorID: floor, Number: room.Number}, "floor_id = $1"},
		{"floor in a scope", floorplan.RoomFilter{FloorID: floor, In: in}, "floor_id = $1"},
	} {
		plan, err := s.GenericRoomsPlan(ctx, tc.filter)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		indexed := false
		for _, line := range strings.Split(plan, "\n") {
			indexed = indexed || strings.Contains(line, "Index Cond") && strings.Contains(line, tc.cond)
		}
		if !indexed || strings.Contains(plan, "Seq Scan on rooms") {
			t.Errorf("%s: the generic plan has no index condition %q:\n%s", tc.name, tc.cond, plan)
		}
	}
}

// TestBulkCopyRefusesUnknownReferences: a batch whose rooms name one agency many times and one agency that does not
// exist is refused naming the missing one (the references are locked each once), and nothing is written.
func TestBulkCopyRefusesUnknownReferences(t *testing.T) {
	s, f := openFixture(t)
	missing := uuid.New()
	var rooms []floorplan.Room
	for i := range 6 {
		r := f.newRoom(0, "U"+string(rune('1'+i)), rect(float64(4*i), 0, float64(4*i+4), 6))
		r.ID, r.AgencyID = uuid.New(), f.agencies[0].ID
		if i == 4 {
			r.AgencyID = missing
		}
		rooms = append(rooms, r)
	}
	err := s.BulkInsertRooms(f.ctx, rooms)
	if !errors.Is(err, floorplan.ErrInvalid) || !strings.Contains(err.Error(), "unknown agency "+missing.String()) {
		t.Fatalf("BulkInsertRooms = %v, want ErrInvalid naming unknown agency %s", err, missing)
	}
	for _, r := range rooms {
		if _, err := s.Room(f.ctx, r.ID); !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("room %s of a refused batch: %v, want ErrNotFound", r.Number, err)
		}
	}
	rooms[4].AgencyID = f.agencies[1].ID
	must(t, s.BulkInsertRooms(f.ctx, rooms))
}

// TestAnalyze: Analyze gathers the statistics of the register's tables (pg_stat_user_tables.last_analyze
// moves), alone and inside a transaction.
func TestAnalyze(t *testing.T) {
	s := openStore(t)
	ctx := ctxFor(t)
	p := adminPool(t)
	lastAnalyze := func() time.Time {
		var at time.Time
		must(t, p.QueryRow(ctx, `SELECT coalesce(last_analyze, 'epoch') FROM pg_stat_user_tables
			WHERE relname = 'rooms' AND schemaname = current_schema()`).Scan(&at))
		return at
	}
	before := lastAnalyze()
	must(t, s.Analyze(ctx))
	alone := lastAnalyze()
	if !alone.After(before) {
		t.Errorf("rooms last analyzed at %v after Analyze, want later than %v", alone, before)
	}
	must(t, s.InTx(ctx, func(tx floorplan.Store) error { return tx.Analyze(ctx) }))
	if inTx := lastAnalyze(); !inTx.After(alone) {
		t.Errorf("rooms last analyzed at %v after Analyze in a transaction, want later than %v", inTx, alone)
	}
}
