package floorplan

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/google/uuid"

	"officemap/geo"
)

// A room lies inside its floor's outline.
//
// A floor's outline (Floor.Outline, optional) is its gross outline in the building's local metres; every
// room of the floor must lie inside it, to within OutlineToleranceM. The Register checks it on every
// write that can break it, whoever writes: a room created or changed (CreateRoom, UpdateRoom), a floor's
// outline changed under its rooms (UpdateFloor), and a batch (an import, the sample, synthetic data),
// checked before it commits: every room of a floor it wrote or wrote a room of one by one, and the rooms it
// bulk-inserted elsewhere (outlineGuard). A floor without an outline takes any room.

// outlineStep is the spacing, in metres, of the points at which a room's reach out of its floor's outline
// is measured (geo.Outside): a fifth of the tolerance.
const outlineStep = OutlineToleranceM / 5

// RoomInOutline checks that room r lies inside floor f's outline, to within OutlineToleranceM; a floor
// without an outline, or a room without geometry, passes. The error is a *FieldError on the room's
// geometry (FieldOutsideOutline) that says how far out the room reaches, where, and how much of it lies
// outside. Importers can call it to refuse such a room on its own rather than the whole batch.
func RoomInOutline(f Floor, r Room) error {
	out, err := reachOut(f, r)
	if err != nil || out == nil {
		return err
	}
	return fieldError(label("room", roomName(r)), "geometry", FieldOutsideOutline,
		"reaches %.2f m out of the outline of floor %q at (%.3f, %.3f) (%.2f m² of the room lies outside it; "+
			"a room may reach at most %.2f m out)", out.Depth, f.Name, out.At[0], out.At[1], out.Area, OutlineToleranceM)
}

// reachOut returns how far room r reaches out of floor f's outline, or nil when it lies inside (to
// within OutlineToleranceM).
func reachOut(f Floor, r Room) (*geo.Beyond, error) {
	if len(f.Outline) == 0 || len(r.Geometry) == 0 {
		return nil, nil
	}
	out, err := geo.Outside(r.Geometry, f.Outline, outlineStep)
	if err != nil || out.Depth <= OutlineToleranceM {
		return nil, err
	}
	return &out, nil
}

// roomName is the name messages give a room: its number, else its name.
func roomName(r Room) string {
	if r.Number != "" {
		return r.Number
	}
	return r.Name
}

// roomsInOutline checks that every live room of floor f lies inside its outline (the error names the
// first that does not, as a refusal of the outline).
func roomsInOutline(ctx context.Context, s Reader, f Floor) error {
	if len(f.Outline) == 0 || f.ID == uuid.Nil {
		return nil
	}
	rooms, err := s.Rooms(ctx, RoomFilter{FloorID: f.ID})
	if err != nil {
		return err
	}
	for _, r := range rooms {
		out, err := reachOut(f, r)
		if err != nil {
			return err
		}
		if out != nil {
			return fieldError(label("floor", f.Name), "outline", FieldOutsideOutline,
				"does not hold room %q: it reaches %.2f m out at (%.3f, %.3f) (%.2f m² of it; a room may reach at most %.2f m out)",
				roomName(r), out.Depth, out.At[0], out.At[1], out.Area, OutlineToleranceM)
		}
	}
	return nil
}

// outlineGuard is the Store a batch writes through (Register.Batch): it notes the floors whose rooms or
// outline the batch writes, so that check can see, before the batch commits, that every room of those
// floors lies inside its floor's outline. Checking at the end rather than at each write lets a batch
// move an outline and its rooms in any order.
type outlineGuard struct {
	Store
	floors map[uuid.UUID]bool
}

// newOutlineGuard returns the guard of a batch writing through tx.
func newOutlineGuard(tx Store) *outlineGuard {
	return &outlineGuard{Store: tx, floors: map[uuid.UUID]bool{}}
}

// CreateFloor creates the floor and notes it.
func (s *outlineGuard) CreateFloor(ctx context.Context, f *Floor) error {
	return s.noted(s.Store.CreateFloor(ctx, f), f.ID)
}

// UpdateFloor updates the floor and notes it.
func (s *outlineGuard) UpdateFloor(ctx context.Context, f *Floor) error {
	return s.noted(s.Store.UpdateFloor(ctx, f), f.ID)
}

// CreateRoom creates the room and notes its floor.
func (s *outlineGuard) CreateRoom(ctx context.Context, r *Room) error {
	return s.noted(s.Store.CreateRoom(ctx, r), r.FloorID)
}

// UpdateRoom updates the room and notes its floor.
func (s *outlineGuard) UpdateRoom(ctx context.Context, r *Room) error {
	return s.noted(s.Store.UpdateRoom(ctx, r), r.FloorID)
}

// BulkInsertRooms inserts the rooms and checks them against their floors' outlines as they are now; a floor
// where one lies outside is noted, for check to see again at the end (the batch may still move the outline).
// The floor's other rooms are not read: an outline that did not move still holds them, and one the batch
// moves is noted by UpdateFloor. (Noting every floor had check read all the rooms of every floor of a bulk
// load again: 25 000 floors and 1M rooms at gen's largest.) The floors are read in one round trip
// (FloorsByID): one read a floor was 40 ms of each of gen's 20,000-room batches, 2 s of a 1M-room load.
func (s *outlineGuard) BulkInsertRooms(ctx context.Context, rooms []Room) error {
	if err := s.Store.BulkInsertRooms(ctx, rooms); err != nil {
		return err
	}
	floors, err := s.floorsOf(ctx, rooms)
	if err != nil {
		return err
	}
	for _, r := range rooms {
		if s.floors[r.FloorID] {
			continue
		}
		f, ok := floors[r.FloorID]
		if !ok { // the insert found it live and locked it: gone only if a store broke that
			return fmt.Errorf("%w: floor %s", ErrNotFound, r.FloorID)
		}
		out, err := reachOut(f, r)
		if err != nil {
			return err
		}
		if out != nil {
			s.floors[r.FloorID] = true
		}
	}
	return nil
}

// floorsOf reads the floors of rooms that are not noted yet, by id.
func (s *outlineGuard) floorsOf(ctx context.Context, rooms []Room) (map[uuid.UUID]Floor, error) {
	var ids []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for _, r := range rooms {
		if !s.floors[r.FloorID] && !seen[r.FloorID] {
			seen[r.FloorID] = true
			ids = append(ids, r.FloorID)
		}
	}
	list, err := s.Store.FloorsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	floors := make(map[uuid.UUID]Floor, len(list))
	for _, f := range list {
		floors[f.ID] = f
	}
	return floors, nil
}

// InTx runs fn in a nested transaction whose writes are noted too.
func (s *outlineGuard) InTx(ctx context.Context, fn func(tx Store) error) error {
	return s.Store.InTx(ctx, func(tx Store) error { return fn(&outlineGuard{Store: tx, floors: s.floors}) })
}

// noted notes floor id once a write (whose error is err) has succeeded.
func (s *outlineGuard) noted(err error, id uuid.UUID) error {
	if err == nil {
		s.floors[id] = true
	}
	return err
}

// check checks every room of the floors noted against its floor's outline, in a fixed order.
func (s *outlineGuard) check(ctx context.Context) error {
	for _, id := range slices.SortedFunc(maps.Keys(s.floors), func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) }) {
		f, err := s.Store.Floor(ctx, id)
		if err != nil {
			return err
		}
		if err := roomsInOutline(ctx, s.Store, f); err != nil {
			return err
		}
	}
	return nil
}
