package floorplan

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// The state of the rooms a write touched, computed for those rooms only.
//
// A room's status depends on its occupants today, and each occupant's on every room they hold (their
// office area) and on the number (or the standards) of the people sharing each of those rooms. So for the
// rooms written (and every room of the people written) the Register gathers, from the write's transaction
// (so that it sees the write), before it commits (states.go):
//
//	rooms0  = the rooms written ∪ the rooms of the people written
//	people1 = their occupants today;         rooms1 = every room of people1   (the rooms reported)
//	people2 = the occupants of rooms1;       rooms2 = every room of people2
//	people3 = the occupants of rooms2 (only to count how many share each room)
//
// and evaluates that small register with the findings engine: the status of every room of rooms0 ∪ rooms1
// is then exactly what a whole evaluation gives. That is a few queries per person involved, whatever the
// size of the register.

// affected returns the state on day of the rooms seedRooms and of every room of the people seedPeople and
// of the people in those rooms, reading the register through s (a write's transaction, so that it sees
// what the write changed) and evaluating it with std and pol.
func affected(ctx context.Context, s Reader, std *Standards, pol Policy, day time.Time, seedRooms, seedPeople []uuid.UUID) ([]RoomResult, error) {
	n := &neighbourhood{s: s, ctx: ctx, day: day, rooms: map[uuid.UUID]*Room{}, people: map[uuid.UUID]*Person{},
		asg: map[uuid.UUID]Assignment{}, byRoom: map[uuid.UUID]bool{}, byPerson: map[uuid.UUID]bool{}}
	rooms0, err := gather(append([]uuid.UUID{}, seedRooms...), seedPeople, n.roomsOf)
	if err != nil {
		return nil, err
	}
	report := map[uuid.UUID]bool{}
	for _, id := range rooms0 {
		report[id] = true
	}
	// Three rings out from the rooms written, as above.
	ring := rooms0
	for depth := 0; depth < 3; depth++ {
		people, err := gather(nil, ring, n.occupantsOf)
		if err != nil {
			return nil, err
		}
		if depth == 2 {
			break // people3 only count the occupants of rooms2
		}
		if ring, err = gather(nil, people, n.roomsOf); err != nil {
			return nil, err
		}
		if depth == 0 {
			for _, id := range ring {
				report[id] = true
			}
		}
	}
	snap, err := n.snapshot()
	if err != nil {
		return nil, err
	}
	occ, err := NewOccupancy(snap, std, pol)
	if err != nil {
		return nil, err
	}
	out := make([]RoomResult, 0, len(report))
	for _, r := range occ.Rooms { // in the engine's order
		if report[r.RoomID] {
			out = append(out, r)
		}
	}
	return out, nil
}

// neighbourhood gathers the rooms, people and assignments around a write (see above).
type neighbourhood struct {
	s   Reader
	ctx context.Context
	day time.Time

	rooms    map[uuid.UUID]*Room // nil: not live
	people   map[uuid.UUID]*Person
	asg      map[uuid.UUID]Assignment
	byRoom   map[uuid.UUID]bool // assignments of the room loaded
	byPerson map[uuid.UUID]bool // assignments of the person loaded
}

// occupantsOf returns the people assigned to room id today (and loads the room).
func (n *neighbourhood) occupantsOf(id uuid.UUID) ([]uuid.UUID, error) {
	if err := loadOnce(n.ctx, n.rooms, id, n.s.Room); err != nil {
		return nil, err
	}
	if err := n.loadAssignments(n.byRoom, id, AssignmentFilter{RoomID: id, ActiveOn: n.day}); err != nil {
		return nil, err
	}
	out := n.others(func(a Assignment) (uuid.UUID, uuid.UUID) { return a.RoomID, a.PersonID }, id)
	return out, n.loadPeople(out)
}

// roomsOf returns the rooms person id holds today (and loads the person).
func (n *neighbourhood) roomsOf(id uuid.UUID) ([]uuid.UUID, error) {
	if err := n.loadPeople([]uuid.UUID{id}); err != nil {
		return nil, err
	}
	if err := n.loadAssignments(n.byPerson, id, AssignmentFilter{PersonID: id, ActiveOn: n.day}); err != nil {
		return nil, err
	}
	return n.others(func(a Assignment) (uuid.UUID, uuid.UUID) { return a.PersonID, a.RoomID }, id), nil
}

// loadAssignments loads, once per id (done), the assignments f selects.
func (n *neighbourhood) loadAssignments(done map[uuid.UUID]bool, id uuid.UUID, f AssignmentFilter) error {
	if done[id] {
		return nil
	}
	done[id] = true
	as, err := n.s.Assignments(n.ctx, f)
	if err != nil {
		return err
	}
	for _, a := range as {
		n.asg[a.ID] = a
	}
	return nil
}

// others returns, for every loaded assignment whose near end is id, its far end (ends gives both).
func (n *neighbourhood) others(ends func(Assignment) (near, far uuid.UUID), id uuid.UUID) []uuid.UUID {
	var out []uuid.UUID
	for _, a := range n.asg {
		if near, far := ends(a); near == id {
			out = append(out, far)
		}
	}
	return out
}

// loadPeople loads the people ids that are not loaded yet.
func (n *neighbourhood) loadPeople(ids []uuid.UUID) error {
	for _, id := range ids {
		if err := loadOnce(n.ctx, n.people, id, n.s.Person); err != nil {
			return err
		}
	}
	return nil
}

// loadOnce loads record id into m with get unless m has it already; a record that is not found is kept
// as nil (not live).
func loadOnce[T any](ctx context.Context, m map[uuid.UUID]*T, id uuid.UUID,
	get func(context.Context, uuid.UUID) (T, error)) error {
	if _, ok := m[id]; ok {
		return nil
	}
	rec, err := get(ctx, id)
	switch {
	case err == nil:
		m[id] = &rec
	case errors.Is(err, ErrNotFound):
		m[id] = nil
	default:
		return err
	}
	return nil
}

// gather appends to out, for each id of from, the ids next finds for it (a room's occupants, a person's
// rooms).
func gather(out, from []uuid.UUID, next func(uuid.UUID) ([]uuid.UUID, error)) ([]uuid.UUID, error) {
	for _, id := range from {
		ids, err := next(id)
		if err != nil {
			return nil, err
		}
		out = append(out, ids...)
	}
	return out, nil
}

// snapshot is the small register gathered, as of today.
func (n *neighbourhood) snapshot() (*Snapshot, error) {
	snap := &Snapshot{AsOf: n.day}
	for _, r := range n.rooms {
		if r != nil {
			snap.Rooms = append(snap.Rooms, *r)
		}
	}
	for _, p := range n.people {
		if p != nil {
			snap.People = append(snap.People, *p)
		}
	}
	for _, a := range n.asg {
		if _, ok := n.rooms[a.RoomID]; ok { // assignments of rooms not gathered would count nobody
			snap.Assignments = append(snap.Assignments, a)
		}
	}
	var err error
	if snap.Agencies, err = n.s.Agencies(n.ctx); err != nil {
		return nil, err
	}
	rows, err := n.s.StandardRows(n.ctx)
	if err != nil {
		return nil, err
	}
	snap.StandardRows = StandardRowsInForce(rows, n.day)
	return snap, nil
}
