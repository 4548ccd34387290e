package floorplan

import (
	"context"
	"errors"
	"slices"
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
// is then exactly what a whole evaluation gives. A store that reads many records at once
// (NeighbourhoodReader: both stores and their transactions) is read step by step: one round trip for a
// ring's rooms with their assignments (the agencies and standard rows come with the first), one for their
// occupants with their posts and assignments, whatever the number of rooms and people in the ring; any
// other Reader is read one record at a time, and both ways gather the same records (register_status_test.go).

// NeighbourhoodReader reads many records by id at once: what the state of the rooms around a write needs
// (affected), step by step, one round trip per step whatever the number of rooms and people in it. Both
// stores and the Stores of their transactions implement it; the Register reads a Reader without it one
// record at a time.
type NeighbourhoodReader interface {
	// Neighbours returns what q asks for, read at once (in one round trip where the store can).
	Neighbours(ctx context.Context, q NeighbourQuery) (Neighbours, error)
}

// NeighbourQuery asks NeighbourhoodReader.Neighbours for records by id.
type NeighbourQuery struct {
	// Day is the day on which the assignments asked for are in force.
	Day time.Time
	// Rooms asks for the live rooms among these ids, and for their assignments in force on Day.
	Rooms []uuid.UUID
	// People asks for the live people among these ids, with their posts (as Reader.Person has them).
	People []uuid.UUID
	// Holders asks for the assignments in force on Day of these people.
	Holders []uuid.UUID
	// Agencies asks for the live agencies among these ids, in Reader.Agencies's order (name, then id).
	Agencies []uuid.UUID
	// StandardRows asks for every local standard row as well (Reader.StandardRows).
	StandardRows bool
}

// Neighbours is what NeighbourhoodReader.Neighbours found, in no particular order: an id that is not a
// live room or person is left out, and an assignment found both by its room and by its person comes once.
type Neighbours struct {
	Rooms        []Room
	People       []Person
	Assignments  []Assignment
	Agencies     []Agency
	StandardRows []StandardRow
}

// affected returns the state on day of the rooms seedRooms and of every room of the people seedPeople and
// of the people in those rooms, reading the register through s (a write's transaction, so that it sees
// what the write changed) and evaluating it with std and pol.
func affected(ctx context.Context, s Reader, std *Standards, pol Policy, day time.Time, seedRooms, seedPeople []uuid.UUID) ([]RoomResult, error) {
	snap, report, err := neighbourhoodOf(ctx, s, day, seedRooms, seedPeople, false)
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

// neighbourhoodOf gathers, through s, the small register around the rooms seedRooms and the people
// seedPeople (see above) as of day, and returns it with the rooms to report (rooms0 ∪ rooms1): step by
// step when s is a NeighbourhoodReader, unless perID, else one record at a time.
func neighbourhoodOf(ctx context.Context, s Reader, day time.Time, seedRooms, seedPeople []uuid.UUID,
	perID bool) (*Snapshot, map[uuid.UUID]bool, error) {
	g := &gathered{rooms: map[uuid.UUID]*Room{}, people: map[uuid.UUID]*Person{}, asg: map[uuid.UUID]Assignment{}}
	var (
		report map[uuid.UUID]bool
		err    error
	)
	if nr, ok := s.(NeighbourhoodReader); ok && !perID {
		rg := &rings{r: nr, ctx: ctx, day: day, gathered: g, roomAsg: map[uuid.UUID][]uuid.UUID{},
			personAsg: map[uuid.UUID][]uuid.UUID{}, peopleDone: map[uuid.UUID]bool{}}
		report, err = rg.gather(seedRooms, seedPeople)
	} else {
		n := &neighbourhood{s: s, ctx: ctx, day: day, gathered: g, byRoom: map[uuid.UUID]bool{},
			byPerson: map[uuid.UUID]bool{}}
		report, err = n.gather(seedRooms, seedPeople)
	}
	if err != nil {
		return nil, nil, err
	}
	snap, err := g.snapshot(ctx, s, day)
	return snap, report, err
}

// gathered is the small register gathered around a write.
type gathered struct {
	rooms  map[uuid.UUID]*Room // nil: not live
	people map[uuid.UUID]*Person
	asg    map[uuid.UUID]Assignment
	// agencies are those the rooms and people name (agencyIDs), once read (agenciesRead); rows every local
	// standard row, once read (rowsRead).
	agencies     []Agency
	rows         []StandardRow
	agenciesRead bool
	rowsRead     bool
}

// agencyIDs are the agencies the gathered rooms and people name (their own, and their posts'): the only
// agencies an evaluation of them looks up. Each comes once.
func (g *gathered) agencyIDs() []uuid.UUID {
	seen := map[uuid.UUID]bool{uuid.Nil: true}
	var out []uuid.UUID
	add := func(id uuid.UUID) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, r := range g.rooms {
		if r != nil {
			add(r.AgencyID)
		}
	}
	for _, p := range g.people {
		if p != nil {
			add(p.AgencyID)
			for _, post := range p.Posts {
				add(post.AgencyID)
			}
		}
	}
	return out
}

// snapshot is the small register gathered, as of day, with the agencies it names (agencyIDs: at a
// province's thousands of agencies, reading them all took a write 3 ms) and the standard rows (read through
// s unless read already).
func (g *gathered) snapshot(ctx context.Context, s Reader, day time.Time) (*Snapshot, error) {
	snap := &Snapshot{AsOf: day}
	for _, r := range g.rooms {
		if r != nil {
			snap.Rooms = append(snap.Rooms, *r)
		}
	}
	for _, p := range g.people {
		if p != nil {
			snap.People = append(snap.People, *p)
		}
	}
	for _, a := range g.asg {
		if _, ok := g.rooms[a.RoomID]; ok { // assignments of rooms not gathered would count nobody
			snap.Assignments = append(snap.Assignments, a)
		}
	}
	if !g.agenciesRead { // every agency, of which the named ones, in Reader.Agencies's order
		all, err := s.Agencies(ctx)
		if err != nil {
			return nil, err
		}
		named := make(map[uuid.UUID]bool)
		for _, id := range g.agencyIDs() {
			named[id] = true
		}
		for _, a := range all {
			if named[a.ID] {
				g.agencies = append(g.agencies, a)
			}
		}
		g.agenciesRead = true
	}
	if !g.rowsRead {
		var err error
		if g.rows, err = s.StandardRows(ctx); err != nil {
			return nil, err
		}
	}
	snap.Agencies = g.agencies
	snap.StandardRows = StandardRowsInForce(g.rows, day)
	return snap, nil
}

// rings gathers the neighbourhood through a NeighbourhoodReader, one step (one round trip) for each
// ring's rooms with their assignments, and one for their occupants with their posts and assignments;
// the standard rows come with the first step, the agencies named in one step at the end.
type rings struct {
	r   NeighbourhoodReader
	ctx context.Context
	day time.Time
	*gathered
	// roomAsg and personAsg index the assignments loaded by their room and their person. A room's list is
	// complete once the room is loaded (its assignments are loaded with it), a person's once peopleDone.
	roomAsg, personAsg map[uuid.UUID][]uuid.UUID
	peopleDone         map[uuid.UUID]bool
}

// gather loads the rings around seedRooms and seedPeople and returns the rooms to report.
func (g *rings) gather(seedRooms, seedPeople []uuid.UUID) (map[uuid.UUID]bool, error) {
	if err := g.loadPeople(seedPeople, true); err != nil {
		return nil, err
	}
	ring := append(slices.Clone(seedRooms), g.roomsOf(seedPeople)...) // rooms0
	report := make(map[uuid.UUID]bool)
	for _, id := range ring {
		report[id] = true
	}
	for depth := 0; depth < 3; depth++ {
		if err := g.loadRooms(ring); err != nil {
			return nil, err
		}
		people := g.occupantsOf(ring)
		// people3 only count the occupants of rooms2: their other rooms are not needed.
		if err := g.loadPeople(people, depth < 2); err != nil {
			return nil, err
		}
		if depth == 2 {
			break
		}
		ring = g.roomsOf(people)
		if depth == 0 {
			for _, id := range ring { // rooms1
				report[id] = true
			}
		}
	}
	found, err := g.fetch(NeighbourQuery{Agencies: g.agencyIDs()})
	g.agencies, g.agenciesRead = found.Agencies, true
	return report, err
}

// loadRooms loads the rooms ids not loaded yet, with their assignments in force.
func (g *rings) loadRooms(ids []uuid.UUID) error {
	ids = missing(ids, func(id uuid.UUID) bool { _, ok := g.rooms[id]; return ok })
	if len(ids) == 0 {
		return nil
	}
	found, err := g.fetch(NeighbourQuery{Rooms: ids})
	if err != nil {
		return err
	}
	for _, id := range ids {
		g.rooms[id] = nil // not live, unless found
	}
	for i := range found.Rooms {
		g.rooms[found.Rooms[i].ID] = &found.Rooms[i]
	}
	return nil
}

// loadPeople loads the people ids not loaded yet and, with theirRooms, the assignments in force of those
// whose assignments are not loaded yet.
func (g *rings) loadPeople(ids []uuid.UUID, theirRooms bool) error {
	q := NeighbourQuery{People: missing(ids, func(id uuid.UUID) bool { _, ok := g.people[id]; return ok })}
	if theirRooms {
		q.Holders = missing(ids, func(id uuid.UUID) bool { return g.peopleDone[id] })
	}
	if len(q.People)+len(q.Holders) == 0 {
		return nil
	}
	found, err := g.fetch(q)
	if err != nil {
		return err
	}
	for _, id := range q.People {
		g.people[id] = nil // not live, unless found
	}
	for i := range found.People {
		g.people[found.People[i].ID] = &found.People[i]
	}
	for _, id := range q.Holders {
		g.peopleDone[id] = true
	}
	return nil
}

// fetch reads what q asks for on the day (and the standard rows, the first time), and indexes the
// assignments found that were not loaded yet.
func (g *rings) fetch(q NeighbourQuery) (Neighbours, error) {
	q.Day, q.StandardRows = g.day, !g.rowsRead
	found, err := g.r.Neighbours(g.ctx, q)
	if err != nil {
		return found, err
	}
	if q.StandardRows {
		g.rows, g.rowsRead = found.StandardRows, true
	}
	for _, a := range found.Assignments {
		if _, ok := g.asg[a.ID]; ok {
			continue
		}
		g.asg[a.ID] = a
		g.roomAsg[a.RoomID] = append(g.roomAsg[a.RoomID], a.ID)
		g.personAsg[a.PersonID] = append(g.personAsg[a.PersonID], a.ID)
	}
	return found, nil
}

// occupantsOf returns the people assigned today to the rooms ids (loaded), each once.
func (g *rings) occupantsOf(ids []uuid.UUID) []uuid.UUID {
	return g.ends(ids, g.roomAsg, func(a Assignment) uuid.UUID { return a.PersonID })
}

// roomsOf returns the rooms the people ids (whose assignments are loaded) hold today, each once.
func (g *rings) roomsOf(ids []uuid.UUID) []uuid.UUID {
	return g.ends(ids, g.personAsg, func(a Assignment) uuid.UUID { return a.RoomID })
}

// ends returns, each once, the far end (far) of the assignments index lists for the ids.
func (g *rings) ends(ids []uuid.UUID, index map[uuid.UUID][]uuid.UUID, far func(Assignment) uuid.UUID) []uuid.UUID {
	seen := make(map[uuid.UUID]bool)
	var out []uuid.UUID
	for _, id := range ids {
		for _, aid := range index[id] {
			if f := far(g.asg[aid]); !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// missing returns the ids, each once, that have does not report as had already.
func missing(ids []uuid.UUID, have func(uuid.UUID) bool) []uuid.UUID {
	seen := make(map[uuid.UUID]bool, len(ids))
	var out []uuid.UUID
	for _, id := range ids {
		if !seen[id] && !have(id) {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// neighbourhood gathers the neighbourhood through a plain Reader, one record at a time (see above).
type neighbourhood struct {
	s   Reader
	ctx context.Context
	day time.Time
	*gathered
	byRoom   map[uuid.UUID]bool // assignments of the room loaded
	byPerson map[uuid.UUID]bool // assignments of the person loaded
}

// gather loads the rings around seedRooms and seedPeople and returns the rooms to report.
func (n *neighbourhood) gather(seedRooms, seedPeople []uuid.UUID) (map[uuid.UUID]bool, error) {
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
	return report, nil
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
