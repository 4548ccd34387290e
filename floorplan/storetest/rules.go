package storetest

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

func testValidation(t *testing.T, s floorplan.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	good := f.room(t, 0, "101", rect(0, 0, 6, 5))
	bowtie := orb.Polygon{{{0, 0}, {4, 4}, {4, 0}, {0, 4}, {0, 0}}}
	// createRoom creates an office numbered number with geometry p, changed by mods.
	createRoom := func(number string, p orb.Polygon, mods ...func(*floorplan.Room)) func() error {
		return func() error {
			r := f.newRoom(0, number, p)
			for _, m := range mods {
				m(&r)
			}
			return s.CreateRoom(ctx, &r)
		}
	}
	for _, tc := range []struct {
		name   string
		write  func() error
		reason geo.Reason // "" for a non-geometry error (floorplan.ErrInvalid)
	}{
		{"room that crosses itself", createRoom("102", bowtie), geo.ReasonSelfIntersection},
		{"room ring not closed", createRoom("103", orb.Polygon{{{10, 0}, {14, 0}, {14, 4}, {10, 4}}}), geo.ReasonNotClosed},
		{"room with a NaN", createRoom("104", orb.Polygon{{{10, 0}, {14, 0}, {14, math.NaN()}, {10, 4}, {10, 0}}}), geo.ReasonNonFinite},
		{"room with no area", createRoom("105", orb.Polygon{{{10, 0}, {12, 0}, {14, 0}, {10, 0}}}), geo.ReasonZeroArea},
		{"room with a hole outside it", createRoom("106", append(rect(10, 0, 14, 4), orb.Ring{{20, 1}, {20, 2}, {21, 2}, {21, 1}, {20, 1}})),
			geo.ReasonHoleOutside},
		{"room update that crosses itself", func() error {
			r := good
			r.Geometry = bowtie
			return s.UpdateRoom(ctx, &r)
		}, geo.ReasonSelfIntersection},
		{"building footprint that crosses itself", func() error {
			b := floorplan.Building{SiteID: f.site.ID, Name: "坏楼", Footprint: bowtie, Georef: f.building.Georef}
			return s.CreateBuilding(ctx, &b)
		}, geo.ReasonSelfIntersection},
		{"building at the pole", func() error {
			b := floorplan.Building{SiteID: f.site.ID, Name: "极地楼", Georef: geo.Georef{Origin: orb.Point{0, 95}, Scale: 1}}
			return s.CreateBuilding(ctx, &b)
		}, geo.ReasonBadGeoref},
		{"floor outline not closed", func() error {
			fl := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 7, Name: "8F", Outline: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}}}}
			return s.CreateFloor(ctx, &fl)
		}, geo.ReasonNotClosed},
		{"room without geometry", createRoom("107", nil), ""},
		{"room of an unknown usage", createRoom("108", rect(20, 0, 24, 4), func(r *floorplan.Room) { r.Usage = "ballroom" }), ""},
		{"room in an unknown state", createRoom("109", rect(20, 0, 24, 4), func(r *floorplan.Room) { r.State = "haunted" }), ""},
		{"building without a name", func() error {
			b := floorplan.Building{SiteID: f.site.ID, Name: "", Georef: f.building.Georef}
			return s.CreateBuilding(ctx, &b)
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.write()
			if tc.reason == "" {
				wantErr(t, tc.name, err, floorplan.ErrInvalid)
				if errors.Is(err, geo.ErrInvalid) {
					t.Errorf("%s: %v wraps geo.ErrInvalid, but the geometry is not at fault", tc.name, err)
				}
				return
			}
			wantErr(t, tc.name, err, geo.ErrInvalid)
			var ve *geo.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("%s: %v is not a *geo.ValidationError", tc.name, err)
			}
			if ve.Reason != tc.reason {
				t.Errorf("%s: reason %q, want %q", tc.name, ve.Reason, tc.reason)
			}
			if !strings.Contains(err.Error(), ve.Message) {
				t.Errorf("%s: the error %q does not say why (%q)", tc.name, err, ve.Message)
			}
		})
	}
	rooms, err := s.Rooms(ctx, floorplan.RoomFilter{FloorID: f.floor(0).ID})
	must(t, err)
	if len(rooms) != 1 || rooms[0].Version != 1 {
		t.Errorf("after the refused writes the floor has %d rooms (want only 101, unchanged)", len(rooms))
	} else {
		samePolygon(t, "room 101 after a refused update", rooms[0].Geometry, good.Geometry)
	}
	bs, err := s.Buildings(ctx, f.site.ID)
	must(t, err)
	if len(bs) != 1 {
		t.Errorf("after the refused writes the site has %d buildings, want 1", len(bs))
	}
}

func testOverlap(t *testing.T, s floorplan.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	a := f.room(t, 0, "101", rect(0, 0, 6, 5))
	c := f.room(t, 0, "103", rect(20, 0, 26, 5))
	d := f.room(t, 0, "102", rect(26, 0, 32, 5)) // shares a wall with 103

	overlapping := []struct {
		name   string
		p      orb.Polygon
		other  floorplan.Room
		areaM2 float64
	}{
		{"half over 101", rect(3, 0, 9, 5), a, 15},
		{"inside 101", rect(1, 1, 2, 2), a, 1},
		{"same as 101", rect(0, 0, 6, 5), a, 30},
		{"1 mm into 101", rect(5.999, 0, 9, 5), a, 0.005},
		{"around 101", rect(-1, -1, 7, 6), a, 30},
		{"over 103 and 102: names 102, first by number", rect(24, 0, 28, 5), d, 10},
	}
	for _, tc := range overlapping {
		t.Run(tc.name, func(t *testing.T) {
			r := f.newRoom(0, "199", tc.p)
			err := s.CreateRoom(ctx, &r)
			var oe *floorplan.OverlapError
			if !errors.As(err, &oe) {
				t.Fatalf("CreateRoom: %v, want an *OverlapError", err)
			}
			if !errors.Is(err, floorplan.ErrOverlap) {
				t.Error("the *OverlapError does not match floorplan.ErrOverlap")
			}
			if oe.OtherID != tc.other.ID || oe.OtherNumber != tc.other.Number || oe.RoomID != uuid.Nil {
				t.Errorf("OverlapError names room %s (%s) for new room %s, want %s (%s) and uuid.Nil",
					oe.OtherNumber, oe.OtherID, oe.RoomID, tc.other.Number, tc.other.ID)
			}
			if math.Abs(oe.AreaM2-tc.areaM2) > 1e-6*math.Max(1, tc.areaM2) {
				t.Errorf("overlap area %v m², want %v", oe.AreaM2, tc.areaM2)
			}
		})
	}
	for _, tc := range []struct {
		name string
		ord  int
		p    orb.Polygon
	}{
		{"sharing 101's east wall", 0, rect(6, 0, 10, 5)},
		{"sharing part of 101's north wall", 0, rect(2, 5, 4, 9)},
		{"touching 101 at a corner", 0, rect(-4, 5, 0, 9)},
		{"a diamond touching 101's corner", 0, orb.Polygon{{{0, 0}, {-1, -1}, {0, -2}, {1, -1}, {0, 0}}}},
		{"over 101, on another floor", 1, rect(0, 0, 6, 5)},
		{"in the gap between rooms", 0, rect(10, 0, 20, 5)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.newRoom(tc.ord, "2xx", tc.p)
			if err := s.CreateRoom(ctx, &r); err != nil {
				t.Errorf("CreateRoom: %v, want it accepted", err)
			}
		})
	}

	moved := c
	moved.Geometry = rect(4, 5, 8, 7) // on 101's north wall, beside the room at (2,5)-(4,9)
	if err := s.UpdateRoom(ctx, &moved); err != nil {
		t.Errorf("moving 103 next to others: %v", err)
	}
	moved.Geometry = rect(1, 1, 3, 3)
	err := s.UpdateRoom(ctx, &moved)
	var oe *floorplan.OverlapError
	if !errors.As(err, &oe) || oe.OtherID != a.ID || oe.RoomID != c.ID {
		t.Errorf("moving 103 into 101: %v, want an *OverlapError naming 101 for 103", err)
	}
	got, err := s.Room(ctx, c.ID)
	must(t, err)
	samePolygon(t, "103 after the refused move", got.Geometry, rect(4, 5, 8, 7))

	must(t, s.DeleteRoom(ctx, a.ID, a.Version))
	r := f.newRoom(0, "101A", rect(1, 0, 5, 5))
	if err := s.CreateRoom(ctx, &r); err != nil {
		t.Errorf("a room where a deleted room was: %v", err)
	}
}

func testOverlapConcurrent(t *testing.T, s floorplan.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	const rounds = 25
	for i := 0; i < rounds; i++ {
		x := float64(i) * 2.4
		rooms := [2]floorplan.Room{
			f.newRoom(1, "A", rect(x, 0, x+1.5, 5)),
			f.newRoom(1, "B", rect(x+0.8, 0, x+2.3, 5)),
		}
		errs := Race(func(k int) error { return s.CreateRoom(ctx, &rooms[k]) })
		won := 0
		for k, err := range errs {
			if err == nil {
				won++
				continue
			}
			var oe *floorplan.OverlapError
			if !errors.As(err, &oe) {
				t.Fatalf("round %d: room %s: %v, want success or an *OverlapError", i, rooms[k].Number, err)
			}
			if winner := rooms[1-k]; oe.OtherID != winner.ID {
				t.Errorf("round %d: the loser's error names %s, not the winner %s", i, oe.OtherID, winner.ID)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d of two overlapping rooms were created, want exactly 1", i, won)
		}
	}
	rooms, err := s.Rooms(ctx, floorplan.RoomFilter{FloorID: f.floor(1).ID})
	must(t, err)
	if len(rooms) != rounds {
		t.Errorf("the floor has %d rooms after %d rounds, want %d", len(rooms), rounds, rounds)
	}
}

func testConflict(t *testing.T, s floorplan.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	r := f.room(t, 0, "101", rect(0, 0, 6, 5))
	stale := r
	r.Name = "局长办公室"
	must(t, s.UpdateRoom(ctx, &r))
	stale.Name, stale.Geometry = "抢先的修改", rect(0, 0, 5, 5)
	wantErr(t, "UpdateRoom at a stale version", s.UpdateRoom(ctx, &stale), floorplan.ErrConflict)
	if stale.Version != 1 {
		t.Errorf("a refused update changed the argument's version to %d", stale.Version)
	}
	wantErr(t, "DeleteRoom at a stale version", s.DeleteRoom(ctx, r.ID, 1), floorplan.ErrConflict)
	got, err := s.Room(ctx, r.ID)
	must(t, err)
	sameJSON(t, "room after refused writes", got, r)
	samePolygon(t, "room geometry after refused writes", got.Geometry, r.Geometry)

	p := f.person(t, "吴刚", floorplan.RankStaff)
	a := f.assign(t, p, r, floorplan.Day(2024, 1, 1))
	staleA := a
	a.ApprovalRef = "常管〔2024〕9号"
	must(t, s.UpdateAssignment(ctx, &a))
	staleA.End = floorplan.Day(2024, 6, 1)
	wantErr(t, "UpdateAssignment at a stale version", s.UpdateAssignment(ctx, &staleA), floorplan.ErrConflict)
	wantErr(t, "DeleteAssignment at a stale version", s.DeleteAssignment(ctx, a.ID, 1), floorplan.ErrConflict)
	gotA, err := s.Assignment(ctx, a.ID)
	must(t, err)
	sameJSON(t, "assignment after refused writes", gotA, a)

	// Two writers from the same version at once: one wins, the other conflicts.
	for i := 0; i < 10; i++ {
		cur, err := s.Room(ctx, r.ID)
		must(t, err)
		errs := Race(func(k int) error {
			mine := cur
			mine.Name = []string{"甲", "乙"}[k]
			return s.UpdateRoom(ctx, &mine)
		})
		WantOneWinner(t, fmt.Sprintf("concurrent updates, round %d", i), errs, floorplan.ErrConflict)
	}
}
