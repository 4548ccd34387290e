package floorplan

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/geo"
)

// FloorRooms holds the rooms of one floor in memory for an overlap check done in Go, as the stores' bulk
// loads do it: every new room is checked against the floor's live rooms and the batch's rooms before it,
// by the rule of CreateRoom and of the PostGIS trigger (geo.Overlaps: shared walls and corners pass). A
// caller that holds the floor's rooms this way checks a floor of n new rooms with n² comparisons of
// bounds, and runs the costly overlay only for the few pairs whose bounds overlap by an area.
type FloorRooms struct {
	rooms []placedRoom
}

// placedRoom is a room on a FloorRooms: its id, number, local polygon and the polygon's bounds.
type placedRoom struct {
	id     uuid.UUID
	number string
	geom   orb.Polygon
	bound  orb.Bound
}

// Add puts a room on the floor unchecked: a live room read from the store, or a new one that Check passed.
func (f *FloorRooms) Add(id uuid.UUID, number string, geom orb.Polygon) {
	f.rooms = append(f.rooms, placedRoom{id: id, number: number, geom: geom, bound: geom.Bound()})
}

// Len is the number of rooms on the floor.
func (f *FloorRooms) Len() int { return len(f.rooms) }

// Check returns nil if the local polygon geom overlaps none of the rooms on the floor, else an
// *OverlapError whose RoomID is roomID and whose other room is, of the rooms overlapped, the first by
// number (then by id), as the PostGIS trigger names it. number names the room in an error of the overlay.
func (f *FloorRooms) Check(roomID uuid.UUID, number string, geom orb.Polygon) error {
	b := geom.Bound()
	var found *OverlapError
	for _, o := range f.rooms {
		if !mayOverlap(o.bound, b) {
			continue
		}
		overlaps, area, err := geo.Overlaps(geom, o.geom)
		if err != nil {
			return fmt.Errorf("floorplan: overlap of room %s with room %s: %w", number, o.number, err)
		}
		if !overlaps {
			continue
		}
		if found == nil || o.number < found.OtherNumber ||
			(o.number == found.OtherNumber && o.id.String() < found.OtherID.String()) {
			found = &OverlapError{RoomID: roomID, OtherID: o.id, OtherNumber: o.number, AreaM2: area}
		}
	}
	if found != nil {
		return found
	}
	return nil
}

// mayOverlap reports whether polygons with these bounds can overlap by geo.MinOverlapArea or more: their
// overlap lies inside the intersection of the bounds. Neighbours that share a wall have bounds that meet
// in a line, and skip the overlay.
func mayOverlap(a, b orb.Bound) bool {
	w := min(a.Max[0], b.Max[0]) - max(a.Min[0], b.Min[0])
	h := min(a.Max[1], b.Max[1]) - max(a.Min[1], b.Min[1])
	return w > 0 && h > 0 && w*h >= geo.MinOverlapArea
}
