package floorplan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/geo"
)

// Allocation scenarios: what-if before approval.
//
// A Scenario is a draft set of changes (move a person, assign a person to a room, end an assignment, set a
// room's agency, split a room along a line, merge two adjacent rooms of one floor), each naming the
// records it touches by id with the version it was drafted at. EvaluateScenario reads the part of the
// register the changes touch and its neighbourhood (the rings a write's states are computed on, see
// register_status.go), applies the changes in memory to a copy and runs the rules engine on both: it
// writes nothing. ApplyScenario makes the same changes through the store in one transaction, or none of
// them: when any record drafted changed since (a *ScenarioConflictError, ErrConflict), or when the
// scenario creates an over-standard finding and no override reason is given. A scenario is stored only on
// the allocation application it answers (application_scenario.go), which applies it when approved.

// ScenarioOp names a kind of change of a scenario.
type ScenarioOp string

// Kinds of change of a scenario.
const (
	// ScenarioMove ends assignment AssignmentID and puts its person in RoomID, with the same kind.
	ScenarioMove ScenarioOp = "move"
	// ScenarioAssign puts person PersonID in room RoomID (Kind, default the main office).
	ScenarioAssign ScenarioOp = "assign"
	// ScenarioEnd ends assignment AssignmentID today.
	ScenarioEnd ScenarioOp = "end"
	// ScenarioSetAgency allocates room RoomID to AgencyID (uuid.Nil: to none).
	ScenarioSetAgency ScenarioOp = "set_agency"
	// ScenarioSplit cuts vacant room RoomID along Cut, as SplitRoom does.
	ScenarioSplit ScenarioOp = "split"
	// ScenarioMerge joins vacant room OtherRoomID into RoomID, its neighbour on the same floor: RoomID keeps
	// its number and fields and takes both shapes; OtherRoomID is deleted.
	ScenarioMerge ScenarioOp = "merge"
)

// MaxScenarioChanges is the most changes one scenario takes.
const MaxScenarioChanges = 200

// ScenarioChange is one change of a Scenario. The versions are those the records had when the change
// was drafted; each must be given (≥ 1) for the records the change names.
type ScenarioChange struct {
	Op                ScenarioOp
	AssignmentID      uuid.UUID
	AssignmentVersion int64
	PersonID          uuid.UUID
	PersonVersion     int64
	RoomID            uuid.UUID
	RoomVersion       int64
	OtherRoomID       uuid.UUID
	OtherRoomVersion  int64
	AgencyID          uuid.UUID
	Kind              AssignmentKind
	Cut               Line
}

// Scenario is a draft set of changes, evaluated and applied in order.
type Scenario struct {
	Changes []ScenarioChange
	// ApplicationID names the application the scenario answers, when any; it is only echoed.
	ApplicationID string
}

// ScenarioError is the refusal of a scenario because of one of its changes: which (Index, from 0), the
// field at fault (its JSON name: "room_id", "cut"…) and why (Err, wrapping ErrInvalid, ErrNotFound…).
type ScenarioError struct {
	Index int
	Field string
	Err   error
}

func (e *ScenarioError) Error() string {
	return fmt.Sprintf("change %d: %s: %v", e.Index, e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *ScenarioError) Unwrap() error { return e.Err }

// StaleRecord is a record that changed since a scenario was drafted.
type StaleRecord struct {
	Entity  Entity    `json:"entity"`
	ID      uuid.UUID `json:"id"`
	Drafted int64     `json:"drafted_version"`
	// Current is the record's version now, 0 when it is gone.
	Current int64 `json:"current_version"`
}

// ScenarioConflictError refuses to apply a scenario whose records changed since it was drafted; it names
// them. errors.Is(err, ErrConflict) is true.
type ScenarioConflictError struct{ Records []StaleRecord }

func (e *ScenarioConflictError) Error() string {
	names := make([]string, len(e.Records))
	for i, r := range e.Records {
		names[i] = fmt.Sprintf("%s %s (drafted at version %d, now %d)", r.Entity, r.ID, r.Drafted, r.Current)
	}
	return "the register changed since the scenario was drafted: " + strings.Join(names, ", ")
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ScenarioConflictError) Is(target error) bool { return target == ErrConflict }

// ScenarioRoom is a room before and after a scenario (nil: it does not exist then).
type ScenarioRoom struct {
	RoomID uuid.UUID   `json:"room_id"`
	Before *RoomResult `json:"before"`
	After  *RoomResult `json:"after"`
}

// ScenarioPerson is a person's office area against their standard before and after a scenario.
type ScenarioPerson struct {
	PersonID uuid.UUID     `json:"person_id"`
	Before   *PersonResult `json:"before"`
	After    *PersonResult `json:"after"`
}

// ScenarioResult is what EvaluateScenario found.
type ScenarioResult struct {
	AsOf          time.Time        `json:"as_of"`
	ApplicationID string           `json:"application_id,omitempty"`
	Rooms         []ScenarioRoom   `json:"rooms"`
	People        []ScenarioPerson `json:"people"`
	// Appeared and Disappeared are the findings about the rooms and people above that the scenario
	// creates and removes (agency-level findings need the whole register and are left out).
	Appeared    []Finding `json:"appeared"`
	Disappeared []Finding `json:"disappeared"`
	// NewOverStandard is set when the scenario creates an over-standard finding (person.over_standard) or
	// makes a room over standard: applying it then needs an override reason.
	NewOverStandard bool `json:"new_over_standard"`
	// Stale are the records that changed since the scenario was drafted (applying it is then refused).
	Stale []StaleRecord `json:"stale"`

	steps []scenarioStep
	seeds []uuid.UUID // rooms and people whose states an apply recomputes
	folk  []uuid.UUID
}

// scenarioStep is one write an applied scenario makes, in order, with the requests the permission hook
// must allow.
type scenarioStep struct {
	reqs []Request
	op   Op
	asg  *Assignment
	room *Room
}

// draft is a scenario being applied in memory to a copy of the neighbourhood it touches.
type draft struct {
	g       *Register
	ctx     context.Context
	day     time.Time
	work    *Snapshot
	written map[uuid.UUID]int // record → the change that writes it
	steps   []scenarioStep
}

// EvaluateScenario evaluates sc on the part of the register it touches, before and after, writing
// nothing. A change that cannot be made is a *ScenarioError.
func (g *Register) EvaluateScenario(ctx context.Context, sc Scenario) (*ScenarioResult, error) {
	return g.evaluateScenario(ctx, sc, false)
}

// evaluateScenario is EvaluateScenario; for an apply, records changed since drafted are a
// *ScenarioConflictError before the changes are tried.
func (g *Register) evaluateScenario(ctx context.Context, sc Scenario, apply bool) (*ScenarioResult, error) {
	if n := len(sc.Changes); n == 0 || n > MaxScenarioChanges {
		return nil, Invalidf("a scenario takes 1 to %d changes, not %d", MaxScenarioChanges, n)
	}
	day := DayOf(g.now())
	res := &ScenarioResult{AsOf: day, ApplicationID: sc.ApplicationID, Stale: []StaleRecord{}}
	rooms, people := []uuid.UUID{}, []uuid.UUID{}
	for i, ch := range sc.Changes {
		r, p, stale, err := g.readChange(ctx, g.store, i, ch)
		if err != nil {
			return nil, err
		}
		rooms, people = append(rooms, r...), append(people, p...)
		res.Stale = append(res.Stale, stale...)
	}
	if apply && len(res.Stale) > 0 {
		return nil, &ScenarioConflictError{Records: res.Stale}
	}
	snap, _, err := neighbourhoodOf(ctx, g.store, day, rooms, people, false)
	if err != nil {
		return nil, err
	}
	d := &draft{g: g, ctx: ctx, day: day, work: cloneSnapshot(snap), written: map[uuid.UUID]int{}}
	for i, ch := range sc.Changes {
		if err := d.apply(i, ch); err != nil {
			return nil, err
		}
	}
	before, err := Evaluate(snap, g.std, g.pol)
	if err != nil {
		return nil, err
	}
	after, err := Evaluate(d.work, g.std, g.pol)
	if err != nil {
		return nil, err
	}
	res.compare(before, after, rooms, people)
	res.steps, res.seeds, res.folk = d.steps, rooms, people
	return res, nil
}

// cloneSnapshot copies the parts of snap a draft changes.
func cloneSnapshot(snap *Snapshot) *Snapshot {
	c := *snap
	c.Rooms = slices.Clone(snap.Rooms)
	c.Assignments = slices.Clone(snap.Assignments)
	return &c
}

// readChange reads, through r, the records change i names: it checks they exist and returns the rooms
// and people whose neighbourhood the change touches, and the records whose version differs from the
// drafted one.
func (g *Register) readChange(ctx context.Context, r Reader, i int, ch ScenarioChange) (rooms, people []uuid.UUID, stale []StaleRecord, err error) {
	bad := func(field string, err error) error { return &ScenarioError{Index: i, Field: field, Err: err} }
	need := func(field string, id uuid.UUID, version int64) error {
		if id == uuid.Nil {
			return bad(field, Invalidf("%s is required for a %s", field, ch.Op))
		}
		if version < 1 {
			return bad(strings.TrimSuffix(field, "_id")+"_version", Invalidf("the version drafted is required for a %s", ch.Op))
		}
		return nil
	}
	room := func(field string, id uuid.UUID, version int64) error {
		if err := need(field, id, version); err != nil {
			return err
		}
		rm, err := r.Room(ctx, id)
		if err != nil {
			return bad(field, err)
		}
		if _, err := r.Floor(ctx, rm.FloorID); err != nil {
			return bad(field, Invalidf("room %s is on no floor", rm.Number))
		}
		rooms = append(rooms, id)
		if rm.Version != version {
			stale = append(stale, StaleRecord{EntityRoom, id, version, rm.Version})
		}
		return nil
	}
	assignment := func() error {
		if err := need("assignment_id", ch.AssignmentID, ch.AssignmentVersion); err != nil {
			return err
		}
		a, err := r.Assignment(ctx, ch.AssignmentID)
		if err != nil {
			return bad("assignment_id", err)
		}
		rooms, people = append(rooms, a.RoomID), append(people, a.PersonID)
		if a.Version != ch.AssignmentVersion {
			stale = append(stale, StaleRecord{EntityAssignment, a.ID, ch.AssignmentVersion, a.Version})
		}
		return nil
	}
	switch ch.Op {
	case ScenarioMove:
		if err = assignment(); err == nil {
			err = room("room_id", ch.RoomID, ch.RoomVersion)
		}
	case ScenarioAssign:
		if err = need("person_id", ch.PersonID, ch.PersonVersion); err != nil {
			break
		}
		p, perr := r.Person(ctx, ch.PersonID)
		if perr != nil {
			return nil, nil, nil, bad("person_id", perr)
		}
		people = append(people, p.ID)
		if p.Version != ch.PersonVersion {
			stale = append(stale, StaleRecord{EntityPerson, p.ID, ch.PersonVersion, p.Version})
		}
		err = room("room_id", ch.RoomID, ch.RoomVersion)
	case ScenarioEnd:
		err = assignment()
	case ScenarioSetAgency:
		if err = room("room_id", ch.RoomID, ch.RoomVersion); err == nil && ch.AgencyID != uuid.Nil {
			if _, aerr := r.Agency(ctx, ch.AgencyID); aerr != nil {
				err = bad("agency_id", aerr)
			}
		}
	case ScenarioSplit:
		err = room("room_id", ch.RoomID, ch.RoomVersion)
	case ScenarioMerge:
		if err = room("room_id", ch.RoomID, ch.RoomVersion); err == nil {
			err = room("other_room_id", ch.OtherRoomID, ch.OtherRoomVersion)
		}
	default:
		err = bad("op", Invalidf("unknown change %q: move, assign, end, set_agency, split or merge", ch.Op))
	}
	return rooms, people, stale, err
}

// errStep is the error of change i's field.
func errStep(i int, field string, err error) error {
	return &ScenarioError{Index: i, Field: field, Err: err}
}

// apply makes change i in memory and records the writes it makes.
func (d *draft) apply(i int, ch ScenarioChange) error {
	switch ch.Op {
	case ScenarioMove:
		a, err := d.end(i, ch.AssignmentID)
		if err != nil {
			return err
		}
		kind := ch.Kind
		if kind == "" {
			kind = a.Kind
		}
		return d.assign(i, a.PersonID, ch.RoomID, kind)
	case ScenarioAssign:
		return d.assign(i, ch.PersonID, ch.RoomID, ch.Kind)
	case ScenarioEnd:
		_, err := d.end(i, ch.AssignmentID)
		return err
	case ScenarioSetAgency:
		k, err := d.writeRoom(i, "room_id", ch.RoomID)
		if err != nil {
			return err
		}
		r := &d.work.Rooms[k]
		old := r.AgencyID
		r.AgencyID = ch.AgencyID
		b, err := d.building(r.FloorID)
		if err != nil {
			return errStep(i, "room_id", err)
		}
		reqs := []Request{{Op: OpUpdate, Entity: EntityRoom, ID: r.ID, AgencyID: r.AgencyID, BuildingID: b.ID}}
		if old != r.AgencyID {
			reqs = append(reqs, Request{Op: OpUpdate, Entity: EntityRoom, ID: r.ID, AgencyID: old, BuildingID: b.ID})
		}
		rc := *r
		d.steps = append(d.steps, scenarioStep{reqs: reqs, op: OpUpdate, room: &rc})
		return nil
	case ScenarioSplit:
		return d.split(i, ch)
	case ScenarioMerge:
		return d.merge(i, ch)
	}
	return errStep(i, "op", Invalidf("unknown change %q", ch.Op))
}

// building returns the building of floor floorID.
func (d *draft) building(floorID uuid.UUID) (Building, error) {
	_, b, err := d.g.placeOf(d.ctx, floorID)
	return b, err
}

// roomAt returns the index of live room id in the working copy.
func (d *draft) roomAt(i int, field string, id uuid.UUID) (int, error) {
	k := slices.IndexFunc(d.work.Rooms, func(r Room) bool { return r.ID == id })
	if k < 0 {
		return -1, errStep(i, field, Invalidf("room %s is gone by an earlier change of the scenario", id))
	}
	return k, nil
}

// writeRoom returns the index of room id, which change i writes: a record is written by one change only.
func (d *draft) writeRoom(i int, field string, id uuid.UUID) (int, error) {
	if j, ok := d.written[id]; ok {
		return -1, errStep(i, field, Invalidf("room %s is changed by change %d already", id, j))
	}
	k, err := d.roomAt(i, field, id)
	if err == nil {
		d.written[id] = i
	}
	return k, err
}

// occupied reports whether anybody holds room id today in the working copy.
func (d *draft) occupied(id uuid.UUID) bool {
	return slices.ContainsFunc(d.work.Assignments, func(a Assignment) bool { return a.RoomID == id && a.Active(d.day) })
}

// end ends assignment id today in memory (deleting one that starts today) and returns it as it was.
func (d *draft) end(i int, id uuid.UUID) (Assignment, error) {
	if j, ok := d.written[id]; ok {
		return Assignment{}, errStep(i, "assignment_id", Invalidf("assignment %s is changed by change %d already", id, j))
	}
	k := slices.IndexFunc(d.work.Assignments, func(a Assignment) bool { return a.ID == id })
	if k < 0 || !d.work.Assignments[k].Active(d.day) {
		return Assignment{}, errStep(i, "assignment_id", Invalidf("assignment %s is not in force today", id))
	}
	d.written[id] = i
	a := d.work.Assignments[k]
	req := Request{Op: OpUpdate, Entity: EntityAssignment, ID: a.ID, AgencyID: d.agencyOf(a.PersonID)}
	if !d.day.After(a.Start) {
		d.work.Assignments = slices.Delete(d.work.Assignments, k, k+1)
		req.Op = OpDelete
		d.steps = append(d.steps, scenarioStep{reqs: []Request{req}, op: OpDelete, asg: &a})
		return a, nil
	}
	ended := a
	ended.End = d.day
	d.work.Assignments[k] = ended
	d.steps = append(d.steps, scenarioStep{reqs: []Request{req}, op: OpUpdate, asg: &ended})
	return a, nil
}

// agencyOf returns the agency of person id in the working copy.
func (d *draft) agencyOf(id uuid.UUID) uuid.UUID {
	for _, p := range d.work.People {
		if p.ID == id {
			return p.AgencyID
		}
	}
	return uuid.Nil
}

// assign puts person in room today in memory.
func (d *draft) assign(i int, person, room uuid.UUID, kind AssignmentKind) error {
	if !slices.ContainsFunc(d.work.People, func(p Person) bool { return p.ID == person }) {
		return errStep(i, "person_id", fmt.Errorf("person %s: %w", person, ErrNotFound))
	}
	if _, err := d.roomAt(i, "room_id", room); err != nil {
		return err
	}
	if slices.ContainsFunc(d.work.Assignments, func(a Assignment) bool {
		return a.PersonID == person && a.RoomID == room && a.Active(d.day)
	}) {
		return errStep(i, "room_id", Invalidf("the person holds room %s already", room))
	}
	if kind == "" {
		kind = AssignMain
	}
	a := Assignment{PersonID: person, RoomID: room, Kind: kind, Start: d.day}
	if err := CheckAssignment(d.ctx, &a); err != nil {
		return errStep(i, "kind", err)
	}
	mem := a
	mem.ID = uuid.New() // in memory only: the store gives the real one
	d.work.Assignments = append(d.work.Assignments, mem)
	req := Request{Op: OpCreate, Entity: EntityAssignment, AgencyID: d.agencyOf(person)}
	d.steps = append(d.steps, scenarioStep{reqs: []Request{req}, op: OpCreate, asg: &a})
	return nil
}

// split cuts a vacant room along ch.Cut in memory, as SplitRoom does.
func (d *draft) split(i int, ch ScenarioChange) error {
	k, err := d.writeRoom(i, "room_id", ch.RoomID)
	if err != nil {
		return err
	}
	room := d.work.Rooms[k]
	if d.occupied(room.ID) {
		return errStep(i, "room_id", Invalidf("room %s is occupied: end or move its assignments first", room.Number))
	}
	b, err := d.building(room.FloorID)
	if err != nil {
		return errStep(i, "room_id", err)
	}
	line, err := ch.Cut.local(b.Georef)
	if err != nil {
		return errStep(i, "cut", err)
	}
	pieces, err := geo.Split(room.Geometry, line)
	if err != nil {
		return errStep(i, "cut", err)
	}
	del := room
	d.steps = append(d.steps, scenarioStep{op: OpDelete, room: &del,
		reqs: []Request{{Op: OpSplit, Entity: EntityRoom, ID: room.ID, AgencyID: room.AgencyID, BuildingID: b.ID}}})
	d.work.Rooms = slices.Delete(d.work.Rooms, k, k+1)
	for n, piece := range pieces {
		nr := Room{FloorID: room.FloorID, Number: fmt.Sprintf("%s-%d", room.Number, n+1), Name: room.Name,
			Usage: room.Usage, AgencyID: room.AgencyID, State: room.State, IdleSince: room.IdleSince, Geometry: piece}
		if err := nr.Validate(); err != nil {
			return errStep(i, "cut", err)
		}
		d.steps = append(d.steps, scenarioStep{op: OpCreate, room: &nr})
		mem := nr
		mem.ID, mem.CreatedAt = uuid.New(), room.CreatedAt
		d.work.Rooms = append(d.work.Rooms, mem)
	}
	return nil
}

// merge joins vacant room ch.OtherRoomID into its neighbour ch.RoomID in memory.
func (d *draft) merge(i int, ch ScenarioChange) error {
	if ch.RoomID == ch.OtherRoomID {
		return errStep(i, "other_room_id", Invalidf("a room is not merged with itself"))
	}
	k, err := d.writeRoom(i, "room_id", ch.RoomID)
	if err != nil {
		return err
	}
	o, err := d.writeRoom(i, "other_room_id", ch.OtherRoomID)
	if err != nil {
		return err
	}
	keep, other := d.work.Rooms[k], d.work.Rooms[o]
	if keep.FloorID != other.FloorID {
		return errStep(i, "other_room_id", Invalidf("room %s is on another floor than room %s", other.Number, keep.Number))
	}
	if d.occupied(other.ID) {
		return errStep(i, "other_room_id", Invalidf("room %s is occupied: end or move its assignments first", other.Number))
	}
	union, err := geo.Union([]orb.Polygon{keep.Geometry, other.Geometry})
	if err != nil {
		return errStep(i, "other_room_id", err)
	}
	if len(union) != 1 || !touchAlongWall(keep, other, union[0]) {
		return errStep(i, "other_room_id", Invalidf("room %s is not adjacent to room %s (they share no wall)", other.Number, keep.Number))
	}
	b, err := d.building(keep.FloorID)
	if err != nil {
		return errStep(i, "room_id", err)
	}
	merged := keep
	merged.Geometry = geo.Normalize(union[0])
	if err := merged.Validate(); err != nil {
		return errStep(i, "other_room_id", err)
	}
	del := other
	d.steps = append(d.steps,
		scenarioStep{op: OpDelete, room: &del, reqs: []Request{{Op: OpDelete, Entity: EntityRoom, ID: other.ID, AgencyID: other.AgencyID, BuildingID: b.ID}}},
		scenarioStep{op: OpUpdate, room: &merged, reqs: []Request{{Op: OpUpdate, Entity: EntityRoom, ID: keep.ID, AgencyID: keep.AgencyID, BuildingID: b.ID}}})
	d.work.Rooms[k] = merged
	d.work.Rooms = slices.Delete(d.work.Rooms, o, o+1)
	return nil
}

// touchAlongWall reports whether two rooms whose union is the one polygon u share a wall: the union is one
// polygon and has no more area than both (they do not overlap).
func touchAlongWall(a, b Room, u orb.Polygon) bool {
	sum := geo.Area(a.Geometry) + geo.Area(b.Geometry)
	return geo.Area(u) <= sum+1e-6 && geo.Area(u) >= sum-1e-6
}

// compare fills r with the rooms, people and findings that differ between before and after, among the
// rooms and people the scenario touches and those that share rooms with them.
func (r *ScenarioResult) compare(before, after *Report, seedRooms, seedPeople []uuid.UUID) {
	rooms := map[uuid.UUID]bool{}
	people := map[uuid.UUID]bool{}
	for _, id := range seedRooms {
		rooms[id] = true
	}
	for _, id := range seedPeople {
		people[id] = true
	}
	for _, rep := range []*Report{before, after} {
		for _, rr := range rep.Rooms {
			if rooms[rr.RoomID] || before.roomMissing(rr.RoomID) {
				rooms[rr.RoomID] = true
				for _, o := range rr.Occupants {
					people[o.PersonID] = true
				}
			}
		}
	}
	for _, rep := range []*Report{before, after} {
		for _, p := range rep.People {
			if people[p.PersonID] {
				for _, id := range p.RoomIDs {
					rooms[id] = true
				}
			}
		}
	}
	for _, id := range sortedIDs(rooms) {
		sr := ScenarioRoom{RoomID: id}
		if x, ok := before.Room(id); ok {
			sr.Before = &x
		}
		if x, ok := after.Room(id); ok {
			sr.After = &x
		}
		if sr.After != nil && sr.After.Status == StatusOverStandard && (sr.Before == nil || sr.Before.Status != StatusOverStandard) {
			r.NewOverStandard = true
		}
		r.Rooms = append(r.Rooms, sr)
	}
	for _, id := range sortedIDs(people) {
		sp := ScenarioPerson{PersonID: id}
		if x, ok := before.Person(id); ok {
			sp.Before = &x
		}
		if x, ok := after.Person(id); ok {
			sp.After = &x
		}
		r.People = append(r.People, sp)
	}
	concerns := func(f Finding) bool {
		if f.Subject == EntityAgency {
			return false
		}
		return people[f.PersonID] || slices.ContainsFunc(f.RoomIDs, func(id uuid.UUID) bool { return rooms[id] })
	}
	r.Appeared = findingsOnlyIn(after.Findings, before.Findings, concerns)
	r.Disappeared = findingsOnlyIn(before.Findings, after.Findings, concerns)
	for _, f := range r.Appeared {
		if f.RuleID == RuleOverStandard {
			r.NewOverStandard = true
		}
	}
}

// roomMissing reports whether id is not a room of rep (a room the scenario creates).
func (rep *Report) roomMissing(id uuid.UUID) bool { _, ok := rep.Room(id); return !ok }

// sortedIDs returns the keys of set by id.
func sortedIDs(set map[uuid.UUID]bool) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	slices.SortFunc(out, compareID)
	return out
}

// findingsOnlyIn returns the findings of a that keep selects and that b has not (the same rule about the
// same subject).
func findingsOnlyIn(a, b []Finding, keep func(Finding) bool) []Finding {
	type key struct {
		rule string
		subj uuid.UUID
	}
	in := map[key]bool{}
	for _, f := range b {
		in[key{f.RuleID, f.SubjectID}] = true
	}
	out := []Finding{}
	for _, f := range a {
		if keep(f) && !in[key{f.RuleID, f.SubjectID}] {
			out = append(out, f)
		}
	}
	return out
}

// ErrOverrideRequired is wrapped by the refusal to apply a scenario that creates an over-standard
// finding without an override reason.
var ErrOverrideRequired = errors.New("floorplan: override reason required")

// ApplyScenario makes sc's changes through the store in one transaction, or none of them. It refuses
// with a *ScenarioConflictError (ErrConflict) when a record changed since it was drafted, and with a
// *FieldError on override_reason when the scenario creates an over-standard finding and override is
// blank; the override reason goes into the history with the context's reason (WithReason). It returns
// the evaluation and the Changes: the state today of the rooms the scenario moves.
func (g *Register) ApplyScenario(ctx context.Context, sc Scenario, override string) (*ScenarioResult, Changes, error) {
	res, reason, err := g.prepareApply(ctx, sc, override, "")
	if err != nil {
		return res, Changes{}, err
	}
	ctx = WithReason(ctx, reason)
	var c Changes
	err = g.store.InTx(ctx, func(tx Store) error {
		var err error
		c, err = g.applyScenarioTx(ctx, tx, sc, res)
		return err
	})
	if err != nil {
		return res, Changes{}, err
	}
	c, err = g.done(ctx, c)
	return res, c, err
}

// prepareApply does what an apply of sc checks before its transaction: it evaluates sc (records changed
// since drafted are a *ScenarioConflictError), refuses a new over-standard finding without an override
// reason, and asks the permission hook for every write, with role set on each request when the writes are
// made on the authority of an application's step (Request.Role; "" for none). It returns the evaluation
// and the reason the writes carry into the history: the context's, with the override reason added.
func (g *Register) prepareApply(ctx context.Context, sc Scenario, override, role string) (*ScenarioResult, string, error) {
	res, err := g.evaluateScenario(ctx, sc, true)
	if err != nil {
		return nil, "", err
	}
	if res.NewOverStandard && blank(override) {
		return res, "", fmt.Errorf("%w: %w", fieldError("scenario", "override_reason", FieldOverrideRequired,
			"is required: the scenario creates an over-standard finding (超标), which needs a recorded reason"), ErrOverrideRequired)
	}
	if err := checkText(recordLabel{kind: "scenario"}, "override_reason", override, TextRule{MaxRunes: maxOverrideRunes, Lines: true}); err != nil {
		return res, "", err
	}
	reason := ReasonFrom(ctx)
	if !blank(override) {
		// The override reason is kept whole; the context's reason gives way to it within the limit.
		note := []rune("超标审批理由（override）：" + override)
		if !blank(reason) {
			keep := []rune(reason + "；")
			if room := reasonRunes - len(note); len(keep) > room {
				keep = keep[:room]
			}
			note = append(keep, note...)
		}
		reason = string(note)
	}
	wctx := WithReason(ctx, reason)
	for _, st := range res.steps {
		for _, req := range st.reqs {
			req.Role = role
			if err := g.allow(wctx, req); err != nil {
				return res, "", err
			}
		}
	}
	return res, reason, nil
}

// applyScenarioTx makes the writes of res, sc's evaluation for an apply (prepareApply), through tx: it
// reads sc's records again and refuses it when any changed since drafted (a *ScenarioConflictError), then
// runs the steps and writes the states of the rooms and people they touch. It returns what changed: the
// revision in tx, the rooms layer, the states today of the rooms moved.
func (g *Register) applyScenarioTx(ctx context.Context, tx Store, sc Scenario, res *ScenarioResult) (Changes, error) {
	if err := g.recheck(ctx, tx, sc); err != nil {
		return Changes{}, err
	}
	rooms, err := g.runSteps(ctx, tx, res.steps)
	if err != nil {
		return Changes{}, err
	}
	rev, err := tx.Revision(ctx)
	if err != nil {
		return Changes{}, err
	}
	states, err := g.writeStates(ctx, tx, append(rooms, res.seeds...), res.folk)
	if err != nil {
		return Changes{}, err
	}
	return Changes{Revision: rev, Layers: []Layer{LayerRooms}, Rooms: states}, nil
}

// recheck reads the scenario's records again through tx and refuses it when any changed since drafted.
func (g *Register) recheck(ctx context.Context, tx Store, sc Scenario) error {
	var stale []StaleRecord
	for i, ch := range sc.Changes {
		_, _, s, err := g.readChange(ctx, tx, i, ch)
		if errors.Is(err, ErrNotFound) {
			return &ScenarioConflictError{Records: append(stale, StaleRecord{Entity: "record", ID: idOfChange(ch)})}
		}
		if err != nil {
			return err
		}
		stale = append(stale, s...)
	}
	if len(stale) > 0 {
		return &ScenarioConflictError{Records: stale}
	}
	return nil
}

// idOfChange returns the first record a change names.
func idOfChange(ch ScenarioChange) uuid.UUID {
	for _, id := range []uuid.UUID{ch.AssignmentID, ch.PersonID, ch.RoomID, ch.OtherRoomID} {
		if id != uuid.Nil {
			return id
		}
	}
	return uuid.Nil
}

// runSteps makes the writes of an applied scenario through tx and returns the rooms they write.
func (g *Register) runSteps(ctx context.Context, tx Store, steps []scenarioStep) ([]uuid.UUID, error) {
	vctx := withValidated(ctx)
	var rooms []uuid.UUID
	for _, st := range steps {
		var err error
		switch {
		case st.asg != nil && st.op == OpCreate:
			err = tx.CreateAssignment(vctx, st.asg)
		case st.asg != nil && st.op == OpUpdate:
			if err = st.asg.Validate(); err == nil {
				err = tx.UpdateAssignment(vctx, st.asg)
			}
		case st.asg != nil:
			err = tx.DeleteAssignment(ctx, st.asg.ID, st.asg.Version)
		case st.op == OpCreate:
			err = tx.CreateRoom(vctx, st.room)
		case st.op == OpUpdate:
			var f Floor
			if f, err = tx.Floor(ctx, st.room.FloorID); err == nil {
				if err = RoomInOutline(f, *st.room); err == nil {
					err = tx.UpdateRoom(vctx, st.room)
				}
			}
		default:
			err = tx.DeleteRoom(ctx, st.room.ID, st.room.Version)
		}
		if err != nil {
			return nil, err
		}
		if st.room != nil {
			rooms = append(rooms, st.room.ID)
		}
	}
	return rooms, nil
}

// maxOverrideRunes bounds an override reason, so that it fits in the history's reason of a change.
const maxOverrideRunes = 300

// FieldOverrideRequired is the reason of the refusal to apply a scenario that creates an over-standard
// finding without an override reason.
const FieldOverrideRequired FieldReason = "override_required"
