package floorplan_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/storetest"
)

// memParts is a PartSnapshotter over a snapshot held in memory: the closure of EvaluateParts, tested here
// on the verdict property tests' random registers without a database (storetest's parts test runs the
// stores' own readers).
type memParts struct {
	floorplan.Store // nil: only what EvaluateParts calls is implemented
	snap            *floorplan.Snapshot
	whole           bool // PartPlan answers Whole
	reads           *int // the queries made
}

func (m memParts) Snapshot(context.Context, time.Time) (*floorplan.Snapshot, error) {
	return m.snap, nil
}

func (m memParts) ReadParts(ctx context.Context, day time.Time, fn func(floorplan.PartReader) error) error {
	return fn(m)
}

func gone(t, day time.Time) bool { return !t.IsZero() && !floorplan.DayOf(t).After(day) }

func (m memParts) PartPlan(context.Context) (floorplan.PartPlan, error) {
	if m.whole {
		return floorplan.PartPlan{Whole: true}, nil
	}
	day := floorplan.DayOf(m.snap.AsOf)
	plan := floorplan.PartPlan{FirstKnown: m.snap.FirstKnown, Agencies: m.snap.Agencies, StandardRows: m.snap.StandardRows,
		Sites: m.snap.Sites, Buildings: m.snap.Buildings, Floors: m.snap.Floors}
	sizes := map[uuid.UUID]*floorplan.PartSize{}
	at := func(id uuid.UUID) *floorplan.PartSize {
		if sizes[id] == nil {
			sizes[id] = &floorplan.PartSize{AgencyID: id}
		}
		return sizes[id]
	}
	for _, r := range m.snap.Rooms {
		if !gone(r.DeletedAt, day) {
			plan.LiveRooms++
			at(r.AgencyID).Rooms++
		}
	}
	for _, p := range m.snap.People {
		if !gone(p.DeletedAt, day) {
			at(p.AgencyID).People++
		}
	}
	for _, s := range sizes {
		plan.Sizes = append(plan.Sizes, *s)
	}
	return plan, nil
}

// pick returns the items whose key is in ids, counting one query.
func pick[T any](m memParts, items []T, ids []uuid.UUID, key func(T) uuid.UUID) []T {
	*m.reads++
	var out []T
	for _, x := range items {
		if slices.Contains(ids, key(x)) {
			out = append(out, x)
		}
	}
	return out
}

func (m memParts) RoomsOfAgencies(_ context.Context, ids []uuid.UUID) ([]floorplan.Room, error) {
	return pick(m, m.snap.Rooms, ids, func(r floorplan.Room) uuid.UUID { return r.AgencyID }), nil
}

func (m memParts) PeopleOfAgencies(_ context.Context, ids []uuid.UUID) ([]floorplan.Person, error) {
	return pick(m, m.snap.People, ids, func(p floorplan.Person) uuid.UUID { return p.AgencyID }), nil
}

func (m memParts) RoomsByID(_ context.Context, ids []uuid.UUID) ([]floorplan.Room, error) {
	return pick(m, m.snap.Rooms, ids, func(r floorplan.Room) uuid.UUID { return r.ID }), nil
}

func (m memParts) PeopleByID(_ context.Context, ids []uuid.UUID) ([]floorplan.Person, error) {
	return pick(m, m.snap.People, ids, func(p floorplan.Person) uuid.UUID { return p.ID }), nil
}

func (m memParts) AssignmentsOfAgencies(_ context.Context, ids []uuid.UUID) ([]floorplan.Assignment, error) {
	*m.reads++
	agencyOf := map[uuid.UUID]uuid.UUID{}
	for _, r := range m.snap.Rooms {
		agencyOf[r.ID] = r.AgencyID
	}
	for _, p := range m.snap.People {
		agencyOf[p.ID] = p.AgencyID
	}
	var out []floorplan.Assignment
	for _, a := range m.snap.Assignments {
		r, rok := agencyOf[a.RoomID]
		p, pok := agencyOf[a.PersonID]
		if (rok && slices.Contains(ids, r)) || (pok && slices.Contains(ids, p)) {
			out = append(out, a, a) // twice: a reader may return an assignment more than once
		}
	}
	return out, nil
}

func (m memParts) StreamAll(context.Context) error { return nil }

func (m memParts) AssignmentsOfRooms(_ context.Context, ids []uuid.UUID) ([]floorplan.Assignment, error) {
	return pick(m, m.snap.Assignments, ids, func(a floorplan.Assignment) uuid.UUID { return a.RoomID }), nil
}

func (m memParts) AssignmentsOfPeople(_ context.Context, ids []uuid.UUID) ([]floorplan.Assignment, error) {
	return pick(m, m.snap.Assignments, ids, func(a floorplan.Assignment) uuid.UUID { return a.PersonID }), nil
}

// wholeOnly is a store that cannot read parts: EvaluateParts evaluates its snapshot whole.
type wholeOnly struct {
	floorplan.Store
	snap *floorplan.Snapshot
}

func (w wholeOnly) Snapshot(context.Context, time.Time) (*floorplan.Snapshot, error) {
	return w.snap, nil
}

// mixAgencies adds to a random register what makes parts depend on each other: people holding a second
// office (unapproved: it counts) in another agency's room, rooms of no agency with occupants, and people
// whose agency is not in the register; and a property, filed more often than not, some of whose rooms are
// leased (room.filed_property_leased, which reads the property through the building and the floor).
func mixAgencies(snap *floorplan.Snapshot, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 15))
	if len(snap.Rooms) == 0 || len(snap.People) == 0 {
		return
	}
	site := floorplan.Site{ID: uuid.New(), Name: "周转办公楼", Ownership: floorplan.OwnershipFiled}
	if r.IntN(4) == 0 {
		site.Ownership = floorplan.OwnershipRegistered
	}
	snap.Sites = append(snap.Sites, site, floorplan.Site{ID: uuid.New(), Name: "另一房产", Ownership: floorplan.OwnershipFiled})
	for i := range snap.Buildings {
		snap.Buildings[i].SiteID = site.ID
	}
	for range 1 + r.IntN(3) {
		snap.Rooms[r.IntN(len(snap.Rooms))].State = floorplan.RoomLeased
	}
	for range 1 + r.IntN(4) {
		p, room := &snap.People[r.IntN(len(snap.People))], &snap.Rooms[r.IntN(len(snap.Rooms))]
		snap.Assignments = append(snap.Assignments, floorplan.Assignment{ID: uuid.New(), PersonID: p.ID,
			RoomID: room.ID, Kind: floorplan.AssignSecond, Start: snap.AsOf.AddDate(0, -3, 0), Version: 1})
	}
	if r.IntN(2) == 0 {
		snap.Rooms[r.IntN(len(snap.Rooms))].AgencyID = uuid.Nil
	}
	if r.IntN(3) == 0 {
		snap.People[r.IntN(len(snap.People))].AgencyID = uuid.New() // an agency the register lacks
	}
}

// partsOf collects the parts EvaluateParts emits.
func partsOf(t *testing.T, ctx context.Context, g *floorplan.Register, day time.Time, agencies []uuid.UUID) []*floorplan.Report {
	t.Helper()
	return partsVia(t, ctx, g.EvaluateParts, day, agencies)
}

// partsVia is partsOf through evaluate (a Register's EvaluateParts or EvaluatePartsPrefetched).
func partsVia(t *testing.T, ctx context.Context,
	evaluate func(context.Context, time.Time, []uuid.UUID, func(*floorplan.Report) error) error,
	day time.Time, agencies []uuid.UUID) []*floorplan.Report {
	t.Helper()
	var parts []*floorplan.Report
	err := evaluate(ctx, day, agencies, func(p *floorplan.Report) error {
		parts = append(parts, p)
		return nil
	})
	if err != nil {
		t.Fatalf("EvaluateParts: %v", err)
	}
	return parts
}

// CheckParts reports how parts differ from whole, the evaluation of the whole register: the concatenation
// of their findings and people must be whole's, their rooms and agency totals whole's as sets, and each
// part hold only what belongs to its agency, in ascending agency order.
func checkParts(whole *floorplan.Report, parts []*floorplan.Report) error {
	findings, people := []floorplan.Finding{}, []floorplan.PersonResult{}
	rooms := map[uuid.UUID]floorplan.RoomResult{}
	totals := map[uuid.UUID]floorplan.AgencyTotals{}
	for i, p := range parts {
		if !p.AsOf.Equal(whole.AsOf) || !reflect.DeepEqual(p.Policy, whole.Policy) || !reflect.DeepEqual(p.Notes, whole.Notes) {
			return fmt.Errorf("part %d: as of %v, notes %v; want %v, %v", i, p.AsOf, p.Notes, whole.AsOf, whole.Notes)
		}
		findings, people = append(findings, p.Findings...), append(people, p.People...)
		for _, r := range p.Rooms {
			rooms[r.RoomID] = r
		}
		for _, a := range p.Agencies {
			totals[a.AgencyID] = a
		}
	}
	if !reflect.DeepEqual(findings, whole.Findings) {
		return fmt.Errorf("findings of the parts (%d) differ from the whole's (%d):\n%+v\n%+v", len(findings),
			len(whole.Findings), findings, whole.Findings)
	}
	if !reflect.DeepEqual(people, whole.People) {
		return fmt.Errorf("people of the parts (%d) differ from the whole's (%d)", len(people), len(whole.People))
	}
	if len(rooms) != len(whole.Rooms) || len(totals) != len(whole.Agencies) {
		return fmt.Errorf("parts: %d rooms, %d agency totals; want %d, %d", len(rooms), len(totals), len(whole.Rooms), len(whole.Agencies))
	}
	for _, r := range whole.Rooms {
		if !reflect.DeepEqual(rooms[r.RoomID], r) {
			return fmt.Errorf("room %s of the parts = %+v; want %+v", r.Number, rooms[r.RoomID], r)
		}
	}
	for _, a := range whole.Agencies {
		if !reflect.DeepEqual(totals[a.AgencyID], a) {
			return fmt.Errorf("totals of %s of the parts = %+v; want %+v", a.Name, totals[a.AgencyID], a)
		}
	}
	return nil
}

// TestEvaluatePartsProperty: on random registers, the parts (each agency alone, grouped, read whole) are
// the whole evaluation split by agency.
func TestEvaluatePartsProperty(t *testing.T) {
	filed := 0 // registers with a finding of room.filed_property_leased
	defer func() {
		if filed == 0 && !t.Failed() {
			t.Errorf("no random register has a leased room of a filed property: the parts of that rule are untested")
		}
	}()
	for _, seed := range pvSeeds() {
		snap, _ := pvGenerate(seed)
		mixAgencies(snap, seed)
		whole, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(whole.Findings, func(f floorplan.Finding) bool { return f.RuleID == floorplan.RuleFiledPropertyLeased }) {
			filed++
		}
		reads := 0
		for _, tc := range []struct {
			name     string
			store    floorplan.Store
			budget   int
			prefetch bool // the next group read while one is evaluated (the states' recomputation)
		}{
			{"alone", memParts{snap: snap, reads: &reads}, 1, false},
			{"grouped", memParts{snap: snap, reads: &reads}, 0, false},
			{"alone, prefetched", memParts{snap: snap, reads: &reads}, 1, true},
			{"grouped, prefetched", memParts{snap: snap, reads: &reads}, 0, true},
			{"plan says whole", memParts{snap: snap, whole: true, reads: &reads}, 1, false},
			{"no part reader", wholeOnly{snap: snap}, 1, false},
		} {
			ctx := floorplan.WithPartBudget(context.Background(), tc.budget)
			g := floorplan.NewRegister(tc.store)
			evaluate := g.EvaluateParts
			if tc.prefetch {
				evaluate = g.EvaluatePartsPrefetched
			}
			parts := partsVia(t, ctx, evaluate, snap.AsOf, nil)
			if err := checkParts(whole, parts); err != nil {
				t.Fatalf("seed %d, %s: %v", seed, tc.name, err)
			}
			for i := 1; i < len(parts); i++ {
				if a, b := storetest.PartAgency(parts[i-1]), storetest.PartAgency(parts[i]); !(a.String() < b.String()) {
					t.Fatalf("seed %d, %s: part %d of agency %s after %s", seed, tc.name, i, b, a)
				}
			}
		}
	}
}

// TestEvaluatePartsSome: the agencies asked for, in ascending order whatever the order asked, each the
// same as in the evaluation of every part; an unknown agency gives an empty part; fn's error stops.
func TestEvaluatePartsSome(t *testing.T) {
	snap, _ := pvGenerate(7)
	mixAgencies(snap, 7)
	reads := 0
	g := floorplan.NewRegister(memParts{snap: snap, reads: &reads})
	ctx := context.Background()
	all := map[uuid.UUID]*floorplan.Report{}
	for _, p := range partsOf(t, ctx, g, snap.AsOf, nil) {
		all[storetest.PartAgency(p)] = p
	}
	a := snap.Agencies[0].ID
	unknown := uuid.New()
	parts := partsOf(t, ctx, g, snap.AsOf, []uuid.UUID{unknown, a, a})
	if len(parts) != 2 {
		t.Fatalf("%d parts for an agency (twice) and an unknown one; want 2", len(parts))
	}
	got := parts[0]
	if a.String() > unknown.String() {
		got = parts[1]
	}
	if !reflect.DeepEqual(got.Findings, all[a].Findings) || !reflect.DeepEqual(got.People, all[a].People) ||
		len(got.Agencies) != 1 || got.Agencies[0] != all[a].Agencies[0] {
		t.Errorf("the part of %s asked alone differs from its part among all", a)
	}
	for _, p := range parts {
		if p != got && (len(p.Findings)+len(p.People)+len(p.Rooms)+len(p.Agencies) != 0) {
			t.Errorf("the part of an unknown agency is not empty: %+v", p)
		}
	}
	stop := fmt.Errorf("stop")
	n := 0
	err := g.EvaluateParts(ctx, snap.AsOf, nil, func(*floorplan.Report) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("EvaluateParts with fn failing: %v after %d parts; want the error after 1", err, n)
	}

	// Prefetched, one agency a group: fn's error stops it too, and the reading of the next group is over
	// when it returns (the reader's transaction ends then): no read comes after.
	n = 0
	err = g.EvaluatePartsPrefetched(floorplan.WithPartBudget(ctx, 1), snap.AsOf, nil,
		func(*floorplan.Report) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("EvaluatePartsPrefetched with fn failing: %v after %d parts; want the error after 1", err, n)
	}
	after := reads
	time.Sleep(20 * time.Millisecond)
	if reads != after {
		t.Errorf("EvaluatePartsPrefetched read %d more times after it returned", reads-after)
	}
}
