package floorplan_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

// TestRegisterApplyRooms saves occupied offices of the demo as a whole: the room states it returns are
// those of a whole evaluation, geometry sent in lon/lat is converted once, subscribers hear of the save
// once, and a refused save is heard of by nobody and writes nothing. (The stores' part, on both stores:
// floorplan/storetest/roombatch.go.)
func TestRegisterApplyRooms(t *testing.T) {
	reg, rs, d := openRegister(t)
	var heard []floorplan.Changes
	reg.Subscribe(func(c floorplan.Changes) { heard = append(heard, c) })
	ctx := context.Background()
	today := floorplan.DayOf(time.Now())
	held := map[uuid.UUID]bool{}
	for _, a := range d.Assignments {
		if a.Active(today) {
			held[a.RoomID] = true
		}
	}
	// Two occupied offices of one floor.
	var rooms []floorplan.Room
	for _, r := range d.Rooms {
		if held[r.ID] && r.Usage == floorplan.UsageOffice && (len(rooms) == 0 || r.FloorID == rooms[0].FloorID) {
			cur, err := rs.Room(ctx, r.ID)
			must(t, err)
			rooms = append(rooms, cur)
			if len(rooms) == 2 {
				break
			}
		}
	}
	if len(rooms) != 2 {
		t.Fatal("the demo has no floor with two occupied offices")
	}
	_, b, err := placeOf(ctx, rs, rooms[0].FloorID)
	must(t, err)
	shrunk := func(r floorplan.Room) orb.Polygon {
		bd := r.Geometry.Bound()
		return orb.Polygon{{bd.Min, {bd.Max[0] - 0.5, bd.Min[1]}, {bd.Max[0] - 0.5, bd.Max[1]}, {bd.Min[0], bd.Max[1]}, bd.Min}}
	}
	first, second := rooms[0], rooms[1]
	second.Name = "合署办公室"
	wantFirst := shrunk(first)
	changes := []floorplan.RoomChange{
		{Op: floorplan.OpUpdate, Room: first,
			Shape: floorplan.Shape{Polygon: b.Georef.Frame().PolygonToLonLat(wantFirst), CRS: floorplan.CRSLonLat}},
		{Op: floorplan.OpUpdate, Room: second},
	}

	// Refused: the second room at a version it no longer has.
	stale := changes[1]
	stale.Room.Version--
	if _, _, err := reg.ApplyRooms(ctx, first.FloorID, []floorplan.RoomChange{changes[0], stale}); !errors.Is(err, floorplan.ErrConflict) {
		t.Fatalf("a save with a stale version: %v, want ErrConflict", err)
	}
	if got, _ := rs.Room(ctx, first.ID); got.Version != first.Version || len(heard) != 0 {
		t.Fatalf("a refused save wrote the first room (version %d → %d) or was heard of (%d)", first.Version, got.Version, len(heard))
	}

	saved, c, err := reg.ApplyRooms(ctx, first.FloorID, changes)
	must(t, err)
	sameAsWhole(t, rs, c)
	for _, r := range saved {
		if _, ok := c.Room(r.ID); !ok {
			t.Errorf("room %s written is not among the room states", r.Number)
		}
	}
	got, err := rs.Room(ctx, first.ID)
	must(t, err)
	gb, wb := got.Geometry.Bound(), wantFirst.Bound()
	if math.Abs(gb.Max[0]-wb.Max[0]) > 1e-6 || math.Abs(gb.Min[1]-wb.Min[1]) > 1e-6 || got.Version != first.Version+1 {
		t.Errorf("the first room after a lon/lat save: %v v%d, want %v v%d", gb, got.Version, wb, first.Version+1)
	}
	if len(heard) != 1 || heard[0].Revision != c.Revision || c.Revision == 0 {
		t.Errorf("subscribers heard %d changes (%+v); the save's revision %d", len(heard), heard, c.Revision)
	}
}

// placeOf returns a floor and its building, read from s.
func placeOf(ctx context.Context, s floorplan.Reader, floorID uuid.UUID) (floorplan.Floor, floorplan.Building, error) {
	f, err := s.Floor(ctx, floorID)
	if err != nil {
		return f, floorplan.Building{}, err
	}
	b, err := s.Building(ctx, f.BuildingID)
	return f, b, err
}
