package floorplan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// The register evaluated agency by agency, so that a full evaluation holds one part of the register at a
// time instead of the whole (a province's million rooms).
//
// Evaluate's findings, people and agency totals each belong to one agency (Finding.AgencyID,
// PersonResult.AgencyID, AgencyTotals.AgencyID), and so does each room (Room.AgencyID, uuid.Nil for none).
// What an agency's part needs to come out exactly as in a whole evaluation is a closure of the register
// around it, as affected (register_status.go) gathers one around a write:
//
//	rooms0  = the rooms allocated to the agency;   people0 = its people
//	        + every assignment of rooms0 and people0 (ended ones date a room's last use for the idle rule;
//	          an active one of a person no longer in the register keeps the room in use)
//	people1 = the occupants of rooms0 today (any agency's: they colour rooms0)
//	rooms1  = every room people0 ∪ people1 hold today (their office areas, shares and findings)
//	        + every assignment of rooms1
//	people2 = the occupants of rooms1 today (they only count in, and set the split of, those rooms' shares)
//
// with every agency (for the people's standards), the local standard rows in force, and every site,
// building and floor (which place the rooms in their property, for room.filed_property_leased). The evaluation of
// that small register gives the agency's findings, people, totals and rooms exactly: the property test
// (storetest's parts) compares them with a whole evaluation on random registers. Several small agencies
// are loaded together (up to partBudget rooms and people), so that the number of queries stays small;
// memory is then proportional to the largest part loaded, not to the register.

// PartPlan is what the parts of one day's register are (PartReader.PartPlan).
type PartPlan struct {
	// Whole is set when the store cannot read the day in parts (a past day whose records must be rebuilt
	// from the history): EvaluateParts then reads the whole snapshot. The other fields are unset.
	Whole bool
	// FirstKnown and LiveRooms are the whole register's: Snapshot.FirstKnown, and its number of live rooms
	// on the day (for the report's notes).
	FirstKnown time.Time
	LiveRooms  int
	// Sizes are the live rooms and people of each agency id that has some (uuid.Nil: of no agency), in no
	// particular order.
	Sizes []PartSize
	// Agencies are every agency (Snapshot.Agencies); StandardRows the local rows in force on the day.
	Agencies     []Agency
	StandardRows []StandardRow
	// Sites are every live site (Snapshot's); Buildings and Floors every live building and floor with
	// their ids and places only (Building.SiteID, Floor.BuildingID; a store may leave the rest unset): what
	// places a part's rooms in their property, for the rules that read it (rule_filed_property_leased.go).
	Sites     []Site
	Buildings []Building
	Floors    []Floor
}

// PartSize counts the live rooms allocated to an agency and its live people on a day.
type PartSize struct {
	AgencyID      uuid.UUID
	Rooms, People int
}

// PartReader reads the records of one day's register that a part needs, all from one state of the
// register, with the day semantics of Store.Snapshot (records deleted or not yet in force are left out as
// Snapshot leaves them out; the engine filters the rest). Each method is a query or a few, whatever the
// number of ids.
type PartReader interface {
	// PartPlan returns the parts of the day's register.
	PartPlan(ctx context.Context) (PartPlan, error)
	// RoomsOfAgencies returns the rooms allocated to the agencies (uuid.Nil: the rooms of no agency).
	RoomsOfAgencies(ctx context.Context, agencies []uuid.UUID) ([]Room, error)
	// PeopleOfAgencies returns the people of the agencies, with their posts.
	PeopleOfAgencies(ctx context.Context, agencies []uuid.UUID) ([]Person, error)
	// RoomsByID returns the rooms ids (those that are in the register on the day).
	RoomsByID(ctx context.Context, ids []uuid.UUID) ([]Room, error)
	// PeopleByID returns the people ids (those in the register on the day), with their posts.
	PeopleByID(ctx context.Context, ids []uuid.UUID) ([]Person, error)
	// AssignmentsOfAgencies returns every assignment of the rooms allocated to the agencies and of their
	// people, ended ones too (uuid.Nil: of the rooms and people of no agency), each at least once.
	AssignmentsOfAgencies(ctx context.Context, agencies []uuid.UUID) ([]Assignment, error)
	// StreamAll announces that every part will be read, in ascending agency order, each agency's
	// records once: the reader may then stream the register instead of looking each part up.
	StreamAll(ctx context.Context) error
	// AssignmentsOfRooms returns every assignment of the rooms ids, ended ones too.
	AssignmentsOfRooms(ctx context.Context, ids []uuid.UUID) ([]Assignment, error)
	// AssignmentsOfPeople returns every assignment of the people ids, ended ones too.
	AssignmentsOfPeople(ctx context.Context, ids []uuid.UUID) ([]Assignment, error)
}

// PartSnapshotter is a store that reads a day's register in parts (both stores are; a store that is not
// is evaluated whole by EvaluateParts).
type PartSnapshotter interface {
	// ReadParts calls fn with a PartReader of the register as of day, inside one read transaction (or the
	// transaction the store is bound to), so that every part fn reads comes from one state of the register.
	ReadParts(ctx context.Context, day time.Time, fn func(PartReader) error) error
}

// partBudget is how many rooms and people one part-load gathers at most from several small agencies (an
// agency larger than that is loaded alone).
const partBudget = 40_000

// partBudgetKey carries a part budget other than partBudget (WithPartBudget).
type partBudgetKey struct{}

// WithPartBudget returns a context under which EvaluateParts gathers at most n rooms and people of several
// small agencies in one load (default 40 000; 1 loads every agency alone): for tests and measurements.
func WithPartBudget(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, partBudgetKey{}, n)
}

// budgetOf is the part budget of ctx.
func budgetOf(ctx context.Context) int {
	if n, ok := ctx.Value(partBudgetKey{}).(int); ok && n > 0 {
		return n
	}
	return partBudget
}

// errPartsReread: a store ran ReadParts' function again (a retried transaction) after parts were emitted.
var errPartsReread = errors.New("floorplan: evaluate parts: the store read the register again after parts were emitted")

// EvaluateParts evaluates the register as of day one agency at a time (agencies nil: every agency, then
// the rooms of no agency) and calls fn with each part, in ascending agency id order (uuid.Nil, the part of
// the rooms and people of no agency, first). Each part is a Report as Evaluate makes it (AsOf, Policy and
// Notes those of the whole evaluation) holding exactly the findings of the agency, its people, its totals
// (none for uuid.Nil) and the live rooms allocated to it; the concatenation of the parts' findings and
// people is the whole evaluation's, in its order. An agency id that is not in the register gives an empty
// part. Each part's slices are its own (fn may keep the part). fn's error stops the evaluation and is
// returned.
//
// Memory is proportional to the largest agency (plus partBudget), not to the register, when the store is
// a PartSnapshotter and the day can be read in parts (today's register); otherwise the whole snapshot is
// evaluated and split.
func (g *Register) EvaluateParts(ctx context.Context, day time.Time, agencies []uuid.UUID, fn func(part *Report) error) error {
	return g.evaluateParts(ctx, g.store, DayOf(day), agencies, false, fn)
}

// evaluateParts is EvaluateParts reading through s (a transaction, or the store, for recomputeStates). With
// prefetch, the next group of parts is read while one is evaluated and emitted (runParts), which is right
// only when fn writes through another connection than s reads through.
func (g *Register) evaluateParts(ctx context.Context, s Snapshotter, day time.Time, agencies []uuid.UUID,
	prefetch bool, fn func(part *Report) error) error {
	if err := g.pol.Validate(); err != nil {
		return err
	}
	if ps, ok := s.(PartSnapshotter); ok {
		whole, runs, emitted := false, 0, 0
		count := func(p *Report) error { emitted++; return fn(p) }
		err := ps.ReadParts(ctx, day, func(r PartReader) error {
			if runs++; runs > 1 && emitted > 0 {
				return errPartsReread
			}
			plan, err := r.PartPlan(ctx)
			if err != nil || plan.Whole {
				whole = plan.Whole
				return err
			}
			return g.runParts(ctx, r, day, &plan, agencies, prefetch, count)
		})
		if err != nil || !whole {
			return err
		}
	}
	snap, err := s.Snapshot(ctx, day)
	if err != nil {
		return err
	}
	return g.splitWhole(snap, agencies, fn)
}

// partIDs are the parts to emit, in order: the agencies asked for, or else every agency id of the plan
// (uuid.Nil always; an id that is no live agency's only when it has rooms or people).
func partIDs(plan *PartPlan, agencies []uuid.UUID) []uuid.UUID {
	ids := slices.Clone(agencies)
	if agencies == nil {
		ids = append(ids, uuid.Nil)
		for _, a := range plan.Agencies {
			ids = append(ids, a.ID)
		}
		for _, s := range plan.Sizes {
			if s.Rooms+s.People > 0 {
				ids = append(ids, s.AgencyID)
			}
		}
	}
	slices.SortFunc(ids, compareID)
	return slices.Compact(ids)
}

// runParts loads the parts of plan in groups of up to partBudget rooms and people, evaluates each group
// and emits its parts in order. With prefetch, a goroutine reads the next group while this one evaluates
// and emits one (at most two groups in memory): r is then used by that goroutine alone, and fn must not use
// r's connection.
func (g *Register) runParts(ctx context.Context, r PartReader, day time.Time, plan *PartPlan, agencies []uuid.UUID,
	prefetch bool, fn func(part *Report) error) error {
	std := g.std
	if std == nil {
		var err error
		if std, err = NewStandards(plan.StandardRows); err != nil {
			return err
		}
	}
	size := make(map[uuid.UUID]int, len(plan.Sizes))
	for _, s := range plan.Sizes {
		size[s.AgencyID] += s.Rooms + s.People
	}
	if agencies == nil {
		if err := r.StreamAll(ctx); err != nil {
			return fmt.Errorf("floorplan: evaluate parts: %w", err)
		}
	}
	notes := registerNotes(&Snapshot{FirstKnown: plan.FirstKnown}, day, plan.LiveRooms)
	ids, budget := partIDs(plan, agencies), budgetOf(ctx)
	var groups [][]uuid.UUID
	for lo := 0; lo < len(ids); {
		hi, n := lo+1, size[ids[lo]]
		for hi < len(ids) && n+size[ids[hi]] <= budget {
			n += size[ids[hi]]
			hi++
		}
		groups = append(groups, ids[lo:hi])
		lo = hi
	}
	load := func(ctx context.Context, group []uuid.UUID) (*Snapshot, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		snap, err := loadPart(ctx, r, day, plan, group)
		if err != nil {
			return nil, fmt.Errorf("floorplan: evaluate parts: %w", err)
		}
		return snap, nil
	}
	run := func(snap *Snapshot, group []uuid.UUID) error {
		rep, err := Evaluate(snap, std, g.pol)
		if err != nil {
			return err
		}
		rep.Notes = notes
		return emitParts(rep, group, fn)
	}
	if !prefetch {
		for _, group := range groups {
			snap, err := load(ctx, group)
			if err != nil {
				return err
			}
			if err := run(snap, group); err != nil {
				return err
			}
		}
		return nil
	}
	type loaded struct {
		snap *Snapshot
		err  error
	}
	next := make(chan loaded) // unbuffered: the group being evaluated, and the next one read
	loadCtx, stop := context.WithCancel(ctx)
	go func() {
		defer close(next)
		for _, group := range groups {
			snap, err := load(loadCtx, group)
			select {
			case next <- loaded{snap, err}:
			case <-loadCtx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	// However this ends, the reader is done with r before runParts returns (r's transaction ends then).
	defer func() {
		stop()
		for range next {
		}
	}()
	for _, group := range groups {
		l, ok := <-next
		if !ok {
			return ctx.Err()
		}
		if l.err != nil {
			return l.err
		}
		if err := run(l.snap, group); err != nil {
			return err
		}
	}
	return nil
}

// loadPart reads the closure of the agencies ids (see the top of this file) as a snapshot of day.
func loadPart(ctx context.Context, r PartReader, day time.Time, plan *PartPlan, ids []uuid.UUID) (*Snapshot, error) {
	snap := &Snapshot{AsOf: day, FirstKnown: plan.FirstKnown, Agencies: plan.Agencies, StandardRows: plan.StandardRows,
		Sites: plan.Sites, Buildings: plan.Buildings, Floors: plan.Floors}
	var err error
	if snap.Rooms, err = r.RoomsOfAgencies(ctx, ids); err != nil {
		return nil, err
	}
	if snap.People, err = r.PeopleOfAgencies(ctx, ids); err != nil {
		return nil, err
	}
	rooms, people := idSet(snap.Rooms, roomID), idSet(snap.People, personID)
	// Every assignment of rooms0 and of people0: their other occupants are people1.
	a0, err := r.AssignmentsOfAgencies(ctx, ids)
	if err != nil {
		return nil, err
	}
	p1 := activeEnds(a0, day, people, asgPerson)
	if err := addPeople(ctx, r, snap, people, p1); err != nil {
		return nil, err
	}
	// rooms1: every room people0 ∪ people1 hold.
	a1, err := r.AssignmentsOfPeople(ctx, p1)
	if err != nil {
		return nil, err
	}
	more := activeEnds(slices.Concat(a0, a1), day, rooms, asgRoom)
	extra, err := r.RoomsByID(ctx, more)
	if err != nil {
		return nil, err
	}
	snap.Rooms = append(snap.Rooms, extra...)
	// rooms1's assignments and occupants (people2).
	a2, err := r.AssignmentsOfRooms(ctx, idsOf(extra, roomID))
	if err != nil {
		return nil, err
	}
	if err := addPeople(ctx, r, snap, people, activeEnds(a2, day, people, asgPerson)); err != nil {
		return nil, err
	}
	snap.Assignments = uniqueAssignments(slices.Concat(a0, a1, a2))
	return snap, nil
}

// uniqueAssignments keeps the first of the assignments of each id.
func uniqueAssignments(as []Assignment) []Assignment {
	seen := make(map[uuid.UUID]bool, len(as))
	return slices.DeleteFunc(as, func(a Assignment) bool {
		dup := seen[a.ID]
		seen[a.ID] = true
		return dup
	})
}

// addPeople reads the people ids into snap and the set seen.
func addPeople(ctx context.Context, r PartReader, snap *Snapshot, seen map[uuid.UUID]bool, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	more, err := r.PeopleByID(ctx, ids)
	if err != nil {
		return err
	}
	for _, p := range more {
		seen[p.ID] = true
	}
	snap.People = append(snap.People, more...)
	return nil
}

func roomID(r *Room) uuid.UUID          { return r.ID }
func personID(p *Person) uuid.UUID      { return p.ID }
func asgPerson(a *Assignment) uuid.UUID { return a.PersonID }
func asgRoom(a *Assignment) uuid.UUID   { return a.RoomID }

// activeEnds returns the far ends (end) of the assignments of as active on day, that are not in seen,
// each once; it marks them in seen.
func activeEnds(as []Assignment, day time.Time, seen map[uuid.UUID]bool, end func(*Assignment) uuid.UUID) []uuid.UUID {
	var out []uuid.UUID
	for i := range as {
		a := &as[i]
		if deletedBy(a.DeletedAt, day) || !a.Active(day) {
			continue
		}
		if id := end(a); !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func idSet[T any](items []T, id func(*T) uuid.UUID) map[uuid.UUID]bool {
	out := make(map[uuid.UUID]bool, len(items))
	for i := range items {
		out[id(&items[i])] = true
	}
	return out
}

func idsOf[T any](items []T, id func(*T) uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, len(items))
	for i := range items {
		out[i] = id(&items[i])
	}
	return out
}

func keys(set map[uuid.UUID]bool) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	return out
}

// emitParts splits rep into the parts of the agencies ids (ascending) and calls fn with each.
func emitParts(rep *Report, ids []uuid.UUID, fn func(part *Report) error) error {
	rooms := make(map[uuid.UUID][]RoomResult)
	want := idSet(ids, func(id *uuid.UUID) uuid.UUID { return *id })
	for _, r := range rep.Rooms {
		if want[r.AgencyID] {
			rooms[r.AgencyID] = append(rooms[r.AgencyID], r)
		}
	}
	totals := make(map[uuid.UUID]AgencyTotals, len(ids))
	for _, t := range rep.Agencies {
		if want[t.AgencyID] {
			totals[t.AgencyID] = t
		}
	}
	for _, id := range ids {
		part := &Report{AsOf: rep.AsOf, Policy: rep.Policy, Notes: rep.Notes,
			Findings: run(rep.Findings, id, func(f *Finding) uuid.UUID { return f.AgencyID }),
			People:   run(rep.People, id, func(p *PersonResult) uuid.UUID { return p.AgencyID }),
			Rooms:    rooms[id], Agencies: []AgencyTotals{},
		}
		if part.Rooms == nil {
			part.Rooms = []RoomResult{}
		}
		if t, ok := totals[id]; ok {
			part.Agencies = append(part.Agencies, t)
		}
		part.roomIndex = make(map[uuid.UUID]int, len(part.Rooms))
		for i, r := range part.Rooms {
			part.roomIndex[r.RoomID] = i
		}
		part.personIndex = make(map[uuid.UUID]int, len(part.People))
		for i, p := range part.People {
			part.personIndex[p.PersonID] = i
		}
		if err := fn(part); err != nil {
			return err
		}
	}
	return nil
}

// run returns a copy of the items of sorted (ordered by agency id first) whose agency is id, never nil.
func run[T any](sorted []T, id uuid.UUID, agency func(*T) uuid.UUID) []T {
	lo, _ := slices.BinarySearchFunc(sorted, id, func(x T, id uuid.UUID) int { return compareID(agency(&x), id) })
	hi := lo
	for hi < len(sorted) && agency(&sorted[hi]) == id {
		hi++
	}
	return append(make([]T, 0, hi-lo), sorted[lo:hi]...)
}

// splitWhole evaluates a whole snapshot and emits its parts (the fallback of EvaluateParts).
func (g *Register) splitWhole(snap *Snapshot, agencies []uuid.UUID, fn func(part *Report) error) error {
	rep, err := Evaluate(snap, g.std, g.pol)
	if err != nil {
		return err
	}
	plan := PartPlan{Agencies: snap.Agencies, Sizes: sizesOf(snap)}
	return emitParts(rep, partIDs(&plan, agencies), fn)
}

// sizesOf counts the live rooms and people of each agency id of snap on its day.
func sizesOf(snap *Snapshot) []PartSize {
	day := DayOf(snap.AsOf)
	count := map[uuid.UUID]*PartSize{}
	at := func(id uuid.UUID) *PartSize {
		if count[id] == nil {
			count[id] = &PartSize{AgencyID: id}
		}
		return count[id]
	}
	for i := range snap.Rooms {
		if r := &snap.Rooms[i]; !deletedBy(r.DeletedAt, day) {
			at(r.AgencyID).Rooms++
		}
	}
	for i := range snap.People {
		if p := &snap.People[i]; !deletedBy(p.DeletedAt, day) {
			at(p.AgencyID).People++
		}
	}
	out := make([]PartSize, 0, len(count))
	for _, s := range count {
		out = append(out, *s)
	}
	return out
}
