package floorplan_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo/geotest"
)

func TestFloorRoomsCheck(t *testing.T) {
	a, b, c := uuid.New(), uuid.New(), uuid.New()
	floor := func() *floorplan.FloorRooms {
		var f floorplan.FloorRooms
		f.Add(b, "102", geotest.Rect(4, 0, 8, 6))
		f.Add(a, "101", geotest.Rect(0, 0, 4, 6))
		f.Add(c, "101", geotest.Rect(0, 6, 4, 12)) // a second 101, north of the first
		return &f
	}
	cases := []struct {
		name      string
		geom      orb.Polygon
		wantOther uuid.UUID // uuid.Nil: no overlap
		wantArea  float64
	}{
		{"shares walls and a corner", geotest.Rect(8, 0, 12, 6), uuid.Nil, 0},
		{"overlaps by a sliver under 1 cm²", geotest.Rect(7.99999, 0, 12, 6), uuid.Nil, 0},
		{"inside one room", geotest.Rect(5, 1, 6, 2), b, 1},
		{"over two rooms: the first by number", geotest.Rect(3, 1, 5, 2), a, 1},
		{"over two rooms of one number: the first by id", geotest.Rect(1, 5, 2, 7), firstID(a, c), 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			room := uuid.New()
			err := floor().Check(room, "201", tc.geom)
			if tc.wantOther == uuid.Nil {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			var oe *floorplan.OverlapError
			if !errors.As(err, &oe) || !errors.Is(err, floorplan.ErrOverlap) {
				t.Fatalf("Check = %v, want an *OverlapError", err)
			}
			if oe.RoomID != room || oe.OtherID != tc.wantOther || oe.AreaM2 < tc.wantArea-1e-9 || oe.AreaM2 > tc.wantArea+1e-9 {
				t.Errorf("Check = %+v, want room %s overlapping %s by %v m²", oe, room, tc.wantOther, tc.wantArea)
			}
		})
	}
}

// firstID is the smaller of two ids as the OverlapError orders them (by their text).
func firstID(a, b uuid.UUID) uuid.UUID {
	if a.String() < b.String() {
		return a
	}
	return b
}
