package postgis_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/storetest"
	"officemap/geo"
)

// bowtie is a self-intersecting ring.
var bowtie = orb.Polygon{{{0, 0}, {4, 4}, {4, 0}, {0, 4}, {0, 0}}}

func TestGeometryValidity(t *testing.T) {
	s, f := openFixture(t)

	t.Run("valid room accepted", func(t *testing.T) {
		r := f.room(t, 0, "V1", rect(100, 0, 104, 6))
		got, err := s.Room(f.ctx, r.ID)
		must(t, err)
		if got.Area() != 24 {
			t.Errorf("area %v, want 24", got.Area())
		}
	})
	t.Run("store validates with geo first", func(t *testing.T) {
		r := f.newRoom(0, "V2", bowtie)
		err := s.CreateRoom(f.ctx, &r)
		var ve *geo.ValidationError
		if !errors.Is(err, geo.ErrInvalid) || !errors.As(err, &ve) || ve.Reason != geo.ReasonSelfIntersection {
			t.Fatalf("CreateRoom(bowtie) = %v, want a geo self-intersection", err)
		}
		if r.ID != uuid.Nil {
			t.Errorf("a refused room got an id")
		}
	})
	t.Run("database check maps to geo.ErrInvalid with PostGIS's reason", func(t *testing.T) {
		r := f.newRoom(0, "V3", bowtie)
		err := s.CreateRoomUnchecked(f.ctx, &r)
		if !errors.Is(err, geo.ErrInvalid) || !strings.Contains(err.Error(), "Self-intersection") {
			t.Fatalf("unchecked insert of a bowtie = %v, want geo.ErrInvalid with PostGIS's reason", err)
		}
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "23514" || !strings.HasPrefix(pe.ConstraintName, "rooms_geom") {
			t.Errorf("want a check violation of rooms_geom_valid or rooms_geom_ll_valid underneath, got %v", err)
		}
		if strings.Contains(err.Error(), "INSERT") || strings.Contains(err.Error(), "SQLSTATE") {
			t.Errorf("message leaks SQL: %q", err)
		}
	})
	t.Run("raw SQL cannot store invalid geometry", func(t *testing.T) {
		p := adminPool(t)
		_, err := p.Exec(f.ctx, `INSERT INTO rooms (id, floor_id, usage, geom, geom_ll)
			VALUES (gen_random_uuid(), $1, 'office', 'POLYGON((0 0,4 4,4 0,0 4,0 0))',
			        'SRID=4326;POLYGON((0 0,1 0,1 1,0 1,0 0))')`, f.floor(0).ID)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "23514" || pe.ConstraintName != "rooms_geom_valid" {
			t.Fatalf("raw insert = %v, want a check violation of rooms_geom_valid", err)
		}
		_, err = p.Exec(f.ctx, `INSERT INTO rooms (id, floor_id, usage, geom, geom_ll)
			VALUES (gen_random_uuid(), $1, 'office', 'POLYGON((200 0,204 0,204 6,200 6,200 0))',
			        'SRID=4326;POLYGON((0 0,1 1,1 0,0 1,0 0))')`, f.floor(0).ID)
		if !errors.As(err, &pe) || pe.ConstraintName != "rooms_geom_ll_valid" {
			t.Fatalf("raw insert of an invalid derived polygon = %v, want rooms_geom_ll_valid", err)
		}
	})
	t.Run("footprint", func(t *testing.T) {
		b := f.building
		b.ID = uuid.Nil
		b.Footprint = bowtie
		if err := s.CreateBuilding(f.ctx, &b); !errors.Is(err, geo.ErrInvalid) {
			t.Fatalf("CreateBuilding with a bowtie footprint = %v, want geo.ErrInvalid", err)
		}
	})
}

func TestOverlapRule(t *testing.T) {
	s, f := openFixture(t)
	base := f.room(t, 0, "201", rect(0, 0, 4, 6))
	gone := f.room(t, 0, "209", rect(40, 0, 44, 6))
	must(t, s.DeleteRoom(f.ctx, gone.ID, gone.Version))

	tests := []struct {
		name    string
		floor   int
		p       orb.Polygon
		overlap float64 // 0: accepted
	}{
		{"shared wall", 0, rect(4, 0, 8, 6), 0},
		{"touching corner", 0, rect(-4, 6, 0, 10), 0},
		{"partial wall and gap", 0, rect(0, -5, 2, 0), 0},
		{"same place on another floor", 1, rect(0, 0, 4, 6), 0},
		{"over a deleted room", 0, rect(40, 0, 44, 6), 0},
		{"overlaps by a strip", 0, rect(3, 1, 5, 2), 1},
		{"inside", 0, rect(1, 1, 2, 2), 1},
		{"identical", 0, rect(0, 0, 4, 6), 24},
		{"contains", 0, rect(-1, -1, 5, 7), 24},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Keep the accepted rooms out of each other's way.
			p := tc.p
			r := f.newRoom(tc.floor, "x", p)
			err := s.CreateRoom(f.ctx, &r)
			if tc.overlap == 0 {
				if err != nil {
					t.Fatalf("CreateRoom: %v", err)
				}
				must(t, s.DeleteRoom(f.ctx, r.ID, r.Version))
				return
			}
			var oe *floorplan.OverlapError
			if !errors.As(err, &oe) || !errors.Is(err, floorplan.ErrOverlap) {
				t.Fatalf("CreateRoom %d = %v, want an *OverlapError", i, err)
			}
			if oe.OtherID != base.ID || oe.OtherNumber != "201" || math.Abs(oe.AreaM2-tc.overlap) > 1e-9 || oe.RoomID != uuid.Nil {
				t.Errorf("OverlapError = %+v, want room 201 (%s) by %v m² and RoomID nil", oe, base.ID, tc.overlap)
			}
		})
	}

	t.Run("update into another room", func(t *testing.T) {
		r := f.room(t, 0, "202", rect(10, 0, 14, 6))
		r.Geometry = rect(3, 0, 7, 6)
		err := s.UpdateRoom(f.ctx, &r)
		var oe *floorplan.OverlapError
		if !errors.As(err, &oe) || oe.RoomID != r.ID || oe.OtherID != base.ID {
			t.Fatalf("UpdateRoom into 201 = %v, want an overlap with 201", err)
		}
		got, err := s.Room(f.ctx, r.ID)
		must(t, err)
		if got.Version != 1 || got.Geometry.Bound() != rect(10, 0, 14, 6).Bound() {
			t.Errorf("a refused update changed the room: %+v", got)
		}
	})
	t.Run("raw SQL is refused with the custom SQLSTATE", func(t *testing.T) {
		_, err := adminPool(t).Exec(f.ctx, `UPDATE rooms SET geom = 'POLYGON((1 1,2 1,2 2,1 2,1 1))', version = version + 1
			WHERE id = $1`, gone.ID) // deleted rooms overlap nothing
		must(t, err)
		_, err = adminPool(t).Exec(f.ctx, `INSERT INTO rooms (id, floor_id, usage, geom, geom_ll)
			SELECT gen_random_uuid(), floor_id, 'office', 'POLYGON((1 1,2 1,2 2,1 2,1 1))', geom_ll FROM rooms WHERE id = $1`, base.ID)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "OM001" || !strings.Contains(pe.Detail, base.ID.String()) {
			t.Fatalf("raw overlapping insert = %v, want SQLSTATE OM001 naming 201", err)
		}
	})
}

// TestOverlapConcurrent races two writers of overlapping rooms on one floor, many times: exactly one
// wins each round.
func TestOverlapConcurrent(t *testing.T) {
	s, f := openFixture(t)
	const rounds = 40
	for round := range rounds {
		x := float64(round * 10)
		polys := []orb.Polygon{rect(x, 0, x+5, 6), rect(x+2, 1, x+7, 7)}
		errs := storetest.Race(func(i int) error {
			r := f.newRoom(1, "c", polys[i])
			return s.CreateRoom(f.ctx, &r)
		})
		storetest.WantOneWinner(t, fmt.Sprintf("round %d", round), errs, floorplan.ErrOverlap)
	}
	rooms, err := s.Rooms(f.ctx, floorplan.RoomFilter{FloorID: f.floor(1).ID})
	must(t, err)
	if len(rooms) != rounds {
		t.Errorf("%d rooms on the floor, want %d", len(rooms), rounds)
	}
}

func TestBulkInsertRoomsOverlap(t *testing.T) {
	s, f := openFixture(t)
	rooms := []floorplan.Room{
		f.newRoom(0, "B1", rect(0, 0, 4, 6)),
		f.newRoom(0, "B2", rect(4, 0, 8, 6)),
		f.newRoom(0, "B3", rect(7, 0, 9, 6)),
	}
	err := s.BulkInsertRooms(f.ctx, rooms)
	var oe *floorplan.OverlapError
	if !errors.As(err, &oe) || oe.OtherNumber != "B2" {
		t.Fatalf("BulkInsertRooms with an overlap in the batch = %v, want an overlap with B2", err)
	}
	got, err := s.Rooms(f.ctx, floorplan.RoomFilter{FloorID: f.floor(0).ID})
	must(t, err)
	if len(got) != 0 {
		t.Errorf("a refused batch left %d rooms", len(got))
	}
	must(t, s.BulkInsertRooms(f.ctx, rooms[:2]))
	if rooms[0].ID == uuid.Nil || rooms[0].Version != 1 || rooms[0].CreatedAt.IsZero() {
		t.Errorf("bulk insert did not fill the rooms in: %+v", rooms[0])
	}
}

func TestVersions(t *testing.T) {
	s, f := openFixture(t)
	r := f.room(t, 0, "301", rect(0, 0, 4, 6))
	stale := r

	r.Name = "局长办公室"
	must(t, s.UpdateRoom(f.ctx, &r))
	if r.Version != 2 {
		t.Fatalf("version after update %d, want 2", r.Version)
	}
	before := historyCount(t, s, f, floorplan.EntityRoom, r.ID)

	stale.Name = "stale"
	stale.Geometry = rect(0, 0, 5, 6)
	if err := s.UpdateRoom(f.ctx, &stale); !errors.Is(err, floorplan.ErrConflict) {
		t.Fatalf("stale UpdateRoom = %v, want ErrConflict", err)
	}
	if err := s.DeleteRoom(f.ctx, r.ID, 1); !errors.Is(err, floorplan.ErrConflict) {
		t.Fatalf("stale DeleteRoom = %v, want ErrConflict", err)
	}
	got, err := s.Room(f.ctx, r.ID)
	must(t, err)
	if got.Name != "局长办公室" || got.Version != 2 || got.Area() != 24 {
		t.Errorf("stale writes changed the room: %+v", got)
	}
	if n := historyCount(t, s, f, floorplan.EntityRoom, r.ID); n != before {
		t.Errorf("stale writes added history: %d → %d", before, n)
	}

	missing := f.newRoom(0, "x", rect(50, 0, 54, 6))
	missing.ID, missing.Version = uuid.New(), 1
	if err := s.UpdateRoom(f.ctx, &missing); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("UpdateRoom of a missing room = %v, want ErrNotFound", err)
	}
	if err := s.DeleteRoom(f.ctx, missing.ID, 1); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("DeleteRoom of a missing room = %v, want ErrNotFound", err)
	}

	t.Run("trigger", func(t *testing.T) {
		p := adminPool(t)
		if _, err := p.Exec(f.ctx, `UPDATE rooms SET name = 'x' WHERE id = $1`, r.ID); pgCode(err) != "OM002" {
			t.Errorf("update without a version bump = %v, want OM002", err)
		}
		if _, err := p.Exec(f.ctx, `UPDATE rooms SET name = 'x', version = version + 2 WHERE id = $1`, r.ID); pgCode(err) != "OM002" {
			t.Errorf("update bumping by two = %v, want OM002", err)
		}
		if _, err := p.Exec(f.ctx, `UPDATE rooms SET name = 'x', version = version + 1 WHERE id = $1`, r.ID); err != nil {
			t.Errorf("update bumping by one = %v", err)
		}
	})

	t.Run("assignments", func(t *testing.T) {
		p := f.person(t, "王伟", floorplan.RankStaff)
		a := floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Kind: floorplan.AssignMain, Start: floorplan.Day(2024, 1, 1)}
		must(t, s.CreateAssignment(f.ctx, &a))
		stale := a
		a.End = floorplan.Day(2024, 6, 1)
		must(t, s.UpdateAssignment(f.ctx, &a))
		if a.Version != 2 {
			t.Errorf("assignment version %d, want 2", a.Version)
		}
		stale.ApprovalRef = "x"
		if err := s.UpdateAssignment(f.ctx, &stale); !errors.Is(err, floorplan.ErrConflict) {
			t.Errorf("stale UpdateAssignment = %v, want ErrConflict", err)
		}
		if err := s.DeleteAssignment(f.ctx, a.ID, 1); !errors.Is(err, floorplan.ErrConflict) {
			t.Errorf("stale DeleteAssignment = %v, want ErrConflict", err)
		}
		if _, err := adminPool(t).Exec(f.ctx, `UPDATE assignments SET approval_ref = 'x' WHERE id = $1`, a.ID); pgCode(err) != "OM002" {
			t.Errorf("raw assignment update without a bump = %v, want OM002", err)
		}
		must(t, s.DeleteAssignment(f.ctx, a.ID, 2))
		if _, err := s.Assignment(f.ctx, a.ID); !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("deleted assignment: %v, want ErrNotFound", err)
		}
	})
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func historyCount(t *testing.T, s floorplan.Store, f *fixture, e floorplan.Entity, id uuid.UUID) int {
	t.Helper()
	h, err := s.History(f.ctx, e, id)
	must(t, err)
	return len(h)
}

func TestHistory(t *testing.T) {
	s, f := openFixture(t)
	alice := floorplan.WithActor(context.Background(), "alice")
	bob := floorplan.WithActor(context.Background(), "bob")

	r := f.newRoom(0, "401", rect(0, 0, 4, 6))
	must(t, s.CreateRoom(alice, &r))
	r.AgencyID = f.agencies[1].ID
	must(t, s.UpdateRoom(bob, &r))
	must(t, s.DeleteRoom(context.Background(), r.ID, r.Version))

	h, err := s.History(f.ctx, floorplan.EntityRoom, r.ID)
	must(t, err)
	want := []struct{ op, actor string }{{"insert", "alice"}, {"update", "bob"}, {"delete", "system"}}
	if len(h) != len(want) {
		t.Fatalf("history has %d changes, want %d: %+v", len(h), len(want), h)
	}
	for i, w := range want {
		if h[i].Op != w.op || h[i].Actor != w.actor || h[i].Entity != floorplan.EntityRoom || h[i].EntityID != r.ID {
			t.Errorf("change %d = %s by %s, want %s by %s", i, h[i].Op, h[i].Actor, w.op, w.actor)
		}
	}
	if h[0].Old != nil || !strings.Contains(string(h[0].New), `"number": "401"`) {
		t.Errorf("insert images: old %s new %s", h[0].Old, h[0].New)
	}
	if !strings.Contains(string(h[1].Old), f.agencies[0].ID.String()) || !strings.Contains(string(h[1].New), f.agencies[1].ID.String()) {
		t.Errorf("update images do not show the agency change: %s → %s", h[1].Old, h[1].New)
	}
	if strings.Contains(string(h[1].New), "geom_ll") {
		t.Errorf("history keeps derived geometry: %s", h[1].New)
	}

	t.Run("append-only", func(t *testing.T) {
		p := adminPool(t)
		for _, sql := range []string{
			`UPDATE history SET actor = 'mallory' WHERE entity_id = $1`,
			`DELETE FROM history WHERE entity_id = $1`,
		} {
			if _, err := p.Exec(f.ctx, sql, r.ID); pgCode(err) != "OM003" {
				t.Errorf("%s = %v, want OM003", sql, err)
			}
		}
		if _, err := p.Exec(f.ctx, `TRUNCATE history`); pgCode(err) != "OM003" {
			t.Errorf("TRUNCATE history = %v, want OM003", err)
		}
		var public int
		must(t, p.QueryRow(f.ctx, `SELECT count(*) FROM information_schema.role_table_grants
			WHERE table_name = 'history' AND grantee = 'PUBLIC' AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')`).Scan(&public))
		if public != 0 {
			t.Errorf("PUBLIC may rewrite history")
		}
		if n := historyCount(t, s, f, floorplan.EntityRoom, r.ID); n != 3 {
			t.Errorf("history changed: %d changes", n)
		}
	})

	t.Run("every table", func(t *testing.T) {
		p := f.person(t, "李娜", floorplan.RankSection)
		p.Posts = []floorplan.Post{{Title: "领导小组成员", AgencyID: f.agencies[1].ID, Start: floorplan.Day(2023, 1, 1)}}
		must(t, s.UpdatePerson(f.ctx, &p))
		for _, c := range []struct {
			e  floorplan.Entity
			id uuid.UUID
			n  int
		}{
			{floorplan.EntitySite, f.site.ID, 1},
			{floorplan.EntityBuilding, f.building.ID, 1},
			{floorplan.EntityFloor, f.floors[0].ID, 1},
			{floorplan.EntityAgency, f.agencies[0].ID, 1},
			{floorplan.EntityPerson, p.ID, 3}, // insert, update, and the post's insert
		} {
			if got := historyCount(t, s, f, c.e, c.id); got != c.n {
				t.Errorf("History(%s) has %d changes, want %d", c.e, got, c.n)
			}
		}
	})
}

// TestOverlapTolerance checks that the database uses the same tolerance as geo.Overlaps (and so the
// GeoPackage store): an overlap under geo.MinOverlapArea is a shared wall drawn imprecisely, one above
// it is an overlap.
func TestOverlapTolerance(t *testing.T) {
	s, f := openFixture(t)
	f.room(t, 0, "T1", rect(300, 0, 304, 5))
	// 0.00001 m into the neighbour along a 5 m wall: 0.5 cm² — accepted.
	f.room(t, 0, "T2", rect(303.99999, 0, 308, 5))
	// 0.001 m into it: 50 cm² — refused, however thin.
	r := f.newRoom(0, "T3", rect(300, 4.999, 304, 9))
	err := s.CreateRoom(f.ctx, &r)
	var oe *floorplan.OverlapError
	if !errors.As(err, &oe) || oe.OtherNumber != "T1" {
		t.Fatalf("CreateRoom(T3) = %v, want an overlap with T1", err)
	}
	if over, area, _ := geo.Overlaps(rect(300, 0, 304, 5), rect(303.99999, 0, 308, 5)); over || area <= 0 {
		t.Errorf("geo.Overlaps disagrees with the database on the 0.5 cm² case: %v %v", over, area)
	}
}
