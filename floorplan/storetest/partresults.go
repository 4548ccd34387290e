package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// RunPartResults runs the conformance tests of the stored parts (floorplan.PartStore, floorplan/partresults.go),
// each on a store of its own from newStore: the store's own methods, the property test (after random
// writes of every kind through the Register, StoredParts equals a whole evaluation split by agency, under
// both split policies), and a write that lands between the evaluation and the storing of its parts.
func RunPartResults(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"Store", testPartsStore},
		{"RandomWrites", func(t *testing.T, f *fixture) { testPartsRandomWrites(t, f, floorplan.SplitEqual) }},
		{"RandomWritesByStandard", func(t *testing.T, f *fixture) { testPartsRandomWrites(t, f, floorplan.SplitByStandard) }},
		{"WriteBeforeStore", testPartsWriteBeforeStore},
		{"CoOccupants", testPartsCoOccupants},
		{"Refresh", testPartsRefresh},
		{"Posts", testPartsPosts},
	})
}

// testPartsPosts: a post moves the part of its own agency, not only its person's: added (with its person),
// moved to no agency (the old agency's part and the part of no agency), and in bulk.
func testPartsPosts(t *testing.T, f *fixture) {
	a, b := f.agencies[0].ID, f.agencies[1].ID
	moved := func(what string, id uuid.UUID, before floorplan.PartHead) floorplan.PartHead {
		t.Helper()
		after := headOf(t, f, id)
		if after.Current.Agency <= before.Current.Agency {
			t.Errorf("%s: the counter of %s went from %d to %d", what, id, before.Current.Agency, after.Current.Agency)
		}
		return after
	}
	hb := headOf(t, f, b)
	p := floorplan.Person{Name: "兼职者", AgencyID: a, Rank: floorplan.RankDivision, Status: floorplan.PersonActive,
		Posts: []floorplan.Post{{Title: "兼任处长", AgencyID: b, Start: floorplan.Day(2024, 1, 1)}}}
	must(t, f.s.CreatePerson(f.ctx, &p))
	hb = moved("a person of a with a post in b created", b, hb)
	hNil := headOf(t, f, uuid.Nil)
	p.Posts[0].AgencyID = uuid.Nil
	must(t, f.s.UpdatePerson(f.ctx, &p))
	hb = moved("the post moved out of b", b, hb)
	moved("the post moved to no agency", uuid.Nil, hNil)
	bulk := []floorplan.Person{{Name: "批量", AgencyID: a, Rank: floorplan.RankStaff, Status: floorplan.PersonActive,
		Posts: []floorplan.Post{{Title: "兼职", AgencyID: b, Start: floorplan.Day(2024, 1, 1)}}}}
	must(t, storeAs[floorplan.BulkLoader](t, f.s).BulkInsertPeople(f.ctx, bulk))
	moved("a person with a post in b loaded in bulk", b, hb)
}

// headOf returns the head of agency id's part.
func headOf(t *testing.T, f *fixture, id uuid.UUID) floorplan.PartHead {
	t.Helper()
	hs, err := storeAs[floorplan.PartStore](t, f.s).PartHeads(f.ctx, []uuid.UUID{id})
	must(t, err)
	if len(hs) != 1 || hs[0].AgencyID != id {
		t.Fatalf("PartHeads(%s) = %+v; want the one head", id, hs)
	}
	return hs[0]
}

// testPartsStore: heads of every live agency and uuid.Nil; a part put is read back whole or as totals;
// a write through the store moves its agency's counter; a standard row moves every agency's; a put with an
// earlier mark does not replace a later one.
func testPartsStore(t *testing.T, f *fixture) {
	ps := storeAs[floorplan.PartStore](t, f.s)
	ctx := f.ctx
	a, b := f.agencies[0].ID, f.agencies[1].ID
	hs, err := ps.PartHeads(ctx, nil)
	must(t, err)
	want := []uuid.UUID{uuid.Nil, a, b}
	if a.String() > b.String() {
		want = []uuid.UUID{uuid.Nil, b, a}
	}
	if len(hs) != 3 || hs[0].AgencyID != want[0] || hs[1].AgencyID != want[1] || hs[2].AgencyID != want[2] {
		t.Fatalf("PartHeads(nil) = %+v; want the heads of %v", hs, want)
	}
	for _, h := range hs {
		if h.Stored {
			t.Errorf("PartHeads of a new store: %s has a stored part", h.AgencyID)
		}
	}
	f.room(t, 0, "100", rect(10, 0, 15, 6)) // the register has a room: the next ones move no other agency
	before, beforeB := headOf(t, f, a), headOf(t, f, b)
	f.room(t, 0, "101", rect(0, 0, 5, 6)) // an office of a, used by no one
	after := headOf(t, f, a)
	if after.Current.Agency <= before.Current.Agency {
		t.Errorf("a room of agency a created: its counter went from %d to %d", before.Current.Agency, after.Current.Agency)
	}
	if hb := headOf(t, f, b); hb.Current != beforeB.Current {
		t.Errorf("a room of agency a created: agency b's counters moved from %+v to %+v", beforeB.Current, hb.Current)
	}
	every := after.Current.Every
	_, err = floorplan.NewRegister(f.s).PutStandardRow(ctx, floorplan.StandardRow{Scale: floorplan.LevelMunicipal,
		Rank: floorplan.RankStaff, Title: "本地标准", AreaM2: 8, Effective: day(f.clock, -1), Jurisdiction: "常州市",
		Source: "常州市机关办公用房标准（试行）"})
	must(t, err)
	if h := headOf(t, f, b); h.Current.Every <= every {
		t.Errorf("a standard row put: every agency's counter went from %d to %d", every, h.Current.Every)
	}

	today := floorplan.DayOf(f.clock.Now())
	cur := headOf(t, f, a).Current
	named := floorplan.RoomResult{RoomID: uuid.New(), Number: "301", FloorID: uuid.New(), AgencyID: a}
	part := floorplan.StoredPart{AgencyID: a, AsOf: today, Mark: cur, Policy: "p1",
		Notes:    []floorplan.Note{{Code: floorplan.NoteBeforeRegister, Message: "无", MessageEN: "none"}},
		Findings: []floorplan.Finding{{RuleID: floorplan.RuleOverStandard, AgencyID: a, RoomIDs: []uuid.UUID{named.RoomID}, AreaM2: 30.5}},
		Rooms:    []floorplan.RoomResult{named},
		People: []floorplan.PersonResult{{PersonID: uuid.New(), Name: "张三", AgencyID: a, OfficeAreaM2: 30.5,
			RoomIDs: []uuid.UUID{uuid.New()}}},
		Totals: []floorplan.AgencyTotals{{AgencyID: a, Name: "甲", People: 1, Rooms: 1, OfficeAreaM2: 30.5}}}
	nilPart := floorplan.StoredPart{AgencyID: uuid.Nil, AsOf: today, Mark: headOf(t, f, uuid.Nil).Current, Policy: "p1"}
	must(t, ps.PutParts(ctx, []floorplan.StoredPart{part, nilPart}))
	if h := headOf(t, f, a); !h.Stored || h.Mark != cur || !h.AsOf.Equal(today) || h.Policy != "p1" {
		t.Errorf("head after PutParts = %+v; want stored, mark %+v, day %v, policy p1", h, cur, today)
	}
	var got []floorplan.StoredPart
	must(t, ps.PartResults(ctx, []uuid.UUID{a, uuid.Nil, uuid.New()}, false, func(p floorplan.StoredPart) error {
		got = append(got, p)
		return nil
	}))
	if len(got) != 2 || got[0].AgencyID != uuid.Nil || got[1].AgencyID != a {
		t.Fatalf("PartResults gave %d parts (%+v); want uuid.Nil's then a's", len(got), got)
	}
	sameJSON(t, "the part read back", got[1], part)
	if len(got[0].Totals) != 0 || len(got[0].Findings) != 0 {
		t.Errorf("the part of uuid.Nil read back = %+v; want it empty", got[0])
	}
	got = nil
	must(t, ps.PartResults(ctx, []uuid.UUID{a}, true, func(p floorplan.StoredPart) error {
		got = append(got, p)
		return nil
	}))
	if len(got) != 1 || len(got[0].Findings) != 0 || len(got[0].People) != 0 || len(got[0].Totals) != 1 ||
		got[0].Totals[0] != part.Totals[0] {
		t.Errorf("PartResults(totals only) = %+v; want a's totals alone", got)
	}
	older := part
	older.Mark.Agency--
	older.Totals = nil
	must(t, ps.PutParts(ctx, []floorplan.StoredPart{older}))
	if h := headOf(t, f, a); h.Mark != cur {
		t.Errorf("a put with an earlier mark replaced the part: mark %+v, want %+v", h.Mark, cur)
	}
	if err := ps.PutParts(ctx, []floorplan.StoredPart{{AgencyID: b, Policy: "p1"}}); err == nil {
		t.Errorf("PutParts of a part without a day: no error")
	}
	testPartsBulk(t, f)
}

// testPartsBulk: a bulk load of many people of agency b, all assigned to a room of agency a, moves both
// agencies' counters on (or every agency's: a store may mark a large load so).
func testPartsBulk(t *testing.T, f *fixture) {
	a, b := f.agencies[0].ID, f.agencies[1].ID
	r := f.room(t, 1, "B1", rect(0, 0, 8, 8))
	ha, hb := headOf(t, f, a), headOf(t, f, b)
	people := make([]floorplan.Person, 1001)
	for i := range people {
		people[i] = floorplan.Person{ID: uuid.New(), Name: fmt.Sprintf("批量%d", i), AgencyID: b, Rank: floorplan.RankStaff,
			Status: floorplan.PersonActive}
	}
	must(t, f.s.BulkInsertPeople(f.ctx, people))
	if h := headOf(t, f, b); h.Current == hb.Current {
		t.Errorf("1,001 people of agency b bulk loaded: its counters stayed at %+v", h.Current)
	}
	ha, hb = headOf(t, f, a), headOf(t, f, b)
	as := make([]floorplan.Assignment, len(people))
	for i, p := range people {
		as[i] = floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Kind: floorplan.AssignSecond, Start: day(f.clock, -1)}
	}
	must(t, f.s.BulkInsertAssignments(f.ctx, as))
	for _, h := range []floorplan.PartHead{ha, hb} {
		if now := headOf(t, f, h.AgencyID); now.Current == h.Current {
			t.Errorf("1,001 assignments bulk loaded: the counters of agency %s stayed at %+v", h.AgencyID, h.Current)
		}
	}
}

// partsCounter is a Store whose PartStore counts the parts stored and read, and may run a write just
// before its first put (beforePut).
type partsCounter struct {
	floorplan.Store
	put, read *atomic.Int64
	beforePut func()
}

func (s *partsCounter) ps() floorplan.PartStore { return s.Store.(floorplan.PartStore) }

func (s *partsCounter) PartHeads(ctx context.Context, agencies []uuid.UUID) ([]floorplan.PartHead, error) {
	return s.ps().PartHeads(ctx, agencies)
}

func (s *partsCounter) PartResults(ctx context.Context, agencies []uuid.UUID, totalsOnly bool,
	fn func(floorplan.StoredPart) error) error {
	return s.ps().PartResults(ctx, agencies, totalsOnly, func(p floorplan.StoredPart) error {
		s.read.Add(1)
		return fn(p)
	})
}

func (s *partsCounter) PutParts(ctx context.Context, parts []floorplan.StoredPart) error {
	if s.beforePut != nil {
		w := s.beforePut
		s.beforePut = nil
		w()
	}
	s.put.Add(int64(len(parts)))
	return s.ps().PutParts(ctx, parts)
}

// wholeParts is a whole evaluation of the store's register as of day, split by agency.
func wholeParts(t *testing.T, f *fixture, day time.Time, pol floorplan.Policy) []*floorplan.Report {
	t.Helper()
	snap, err := f.s.Snapshot(f.ctx, day)
	must(t, err)
	rep, err := floorplan.Evaluate(snap, nil, pol)
	must(t, err)
	return floorplan.SplitByAgency(rep, nil)
}

// wantStoredParts checks that g's StoredParts equals a whole evaluation split by agency.
func wantStoredParts(t *testing.T, f *fixture, g *floorplan.Register, day time.Time, step string) {
	t.Helper()
	var got []*floorplan.Report
	must(t, g.StoredParts(f.ctx, nil, func(p *floorplan.Report) error {
		got = append(got, p)
		return nil
	}))
	want := wholeParts(t, f, day, g.Policy())
	if !sameJSON(t, "StoredParts after "+step, got, want) {
		t.FailNow()
	}
	var tot []*floorplan.Report
	must(t, g.StoredPartTotals(f.ctx, nil, func(p *floorplan.Report) error {
		tot = append(tot, p)
		return nil
	}))
	for _, p := range want {
		p.Findings, p.People, p.Rooms = []floorplan.Finding{}, []floorplan.PersonResult{}, []floorplan.RoomResult{}
	}
	if !sameJSON(t, "StoredPartTotals after "+step, tot, want) {
		t.FailNow()
	}
	totals, err := g.StoredTotals(f.ctx, nil)
	must(t, err)
	snap, err := f.s.Snapshot(f.ctx, day)
	must(t, err)
	rep, err := floorplan.Evaluate(snap, nil, g.Policy())
	must(t, err)
	if !sameJSON(t, "StoredTotals after "+step, totals, rep.Agencies) {
		t.FailNow()
	}
}

// testPartsRandomWrites is the property test: the random writes of the states' property test (rooms,
// people, assignments, agencies, standard rows, batches), plus rooms of no agency, agencies'
// approved areas and mergers, and bulk loads; after each, StoredParts equals a whole evaluation split by
// agency. The parts are read after every write, so that each write finds them clean: a trigger that
// misses a change leaves a stale part that reads as clean, and the comparison fails.
func testPartsRandomWrites(t *testing.T, f *fixture, split floorplan.SplitPolicy) {
	now := f.clock.Now()
	pol := floorplan.DefaultPolicy()
	pol.Split = split
	var put, read atomic.Int64
	counted := &partsCounter{Store: f.s, put: &put, read: &read}
	g := floorplan.NewRegister(counted, floorplan.WithRegisterClock(func() time.Time { return now }),
		floorplan.WithStandards(nil, pol))
	m := newStatesModel(t, f, g, rand.New(rand.NewPCG(16, uint64(len(split)))), floorplan.DayOf(now))
	pm := partsModel{m}
	ops := append(m.writeOps(), writeOp{"room of no agency", 1, pm.roomOfNoAgency}, writeOp{"approved area", 2, pm.approvedArea},
		writeOp{"merger", 2, pm.merger}, writeOp{"bulk load", 1, pm.bulkLoad})
	bag := opBag(ops)
	wantStoredParts(t, f, g, m.day, "nothing")
	ran := make([]int, len(ops))
	for steps, tries := 1, 0; steps <= 120; tries++ {
		k := bag[m.rnd.IntN(len(bag))]
		if tries%3 == 0 { // every kind of write is made, whatever the draw
			if i := slices.Index(ran, 0); i >= 0 {
				k = (i + tries/3) % len(ops)
			}
		}
		if !ops[k].fn() {
			continue
		}
		ran[k]++
		putBefore := put.Load()
		wantStoredParts(t, f, g, m.day, fmt.Sprintf("step %d (%s)", steps, ops[k].name))
		// A standard row recomputes every stored state, and the parts with them (in the write's
		// transaction, not counted here): those are clean.
		if put.Load() == putBefore && ops[k].name != "put standard row" {
			t.Fatalf("step %d (%s): StoredParts evaluated no part after a write", steps, ops[k].name)
		}
		steps++
	}
	wantEveryOp(t, ops, ran)
	if read.Load() == 0 {
		t.Errorf("StoredParts never read a clean part: the property test proved nothing of the counters")
	}
	putBefore := put.Load()
	wantStoredParts(t, f, g, m.day, "no write")
	if put.Load() != putBefore {
		t.Errorf("StoredParts with no write since the last: %d parts evaluated again; want none", put.Load()-putBefore)
	}
	tomorrow := now.AddDate(0, 0, 1)
	g2 := floorplan.NewRegister(counted, floorplan.WithRegisterClock(func() time.Time { return tomorrow }),
		floorplan.WithStandards(nil, pol))
	wantStoredParts(t, f, g2, floorplan.DayOf(tomorrow), "a new day")
	if put.Load() == putBefore {
		t.Errorf("StoredParts on a new day evaluated no part")
	}
	// The day after, the states' recomputation (gen, each midnight) stores the parts as it goes: the
	// first report after it evaluates nothing.
	later := now.AddDate(0, 0, 2)
	g3 := floorplan.NewRegister(counted, floorplan.WithRegisterClock(func() time.Time { return later }),
		floorplan.WithStandards(nil, pol))
	refresher := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(func() time.Time { return later }),
		floorplan.WithStandards(nil, pol)) // the counter keeps no states
	must(t, refresher.RefreshStates(f.ctx))
	putBefore = put.Load()
	wantStoredParts(t, f, g3, floorplan.DayOf(later), "the states' recomputation")
	if n := put.Load() - putBefore; n != 0 {
		t.Errorf("StoredParts after RefreshStates evaluated %d parts again; want none: the recomputation stores them", n)
	}
}

// partsModel adds to the states' random writes those that only the parts see.
type partsModel struct{ *statesModel }

func (m partsModel) roomOfNoAgency() bool {
	s, name, ok := m.takeSlot("N")
	if !ok {
		return false
	}
	r := m.f.newRoom(s.ord, name, s.rect(3))
	r.AgencyID = uuid.Nil
	_, err := m.g.CreateRoom(m.f.ctx, &r, floorplan.Shape{})
	m.must(err)
	m.rooms = append(m.rooms, r)
	m.slotOf[r.ID] = s
	return true
}

func (m partsModel) approvedArea() bool {
	i := m.rnd.IntN(2)
	a, err := m.f.s.Agency(m.f.ctx, m.f.agencies[i].ID)
	m.must(err)
	a.ApprovedAreaM2 = float64(20 * m.rnd.IntN(8))
	_, err = m.g.UpdateAgency(m.f.ctx, &a)
	m.must(err)
	m.f.agencies[i] = a
	return true
}

// merger merges one agency into the other (long enough ago for its rooms to be due), or undoes it.
func (m partsModel) merger() bool {
	i := m.rnd.IntN(2)
	a, err := m.f.s.Agency(m.f.ctx, m.f.agencies[i].ID)
	m.must(err)
	if a.Status == floorplan.AgencyActive {
		a.Status, a.StatusDate, a.SuccessorID = floorplan.AgencyMerged, m.day.AddDate(-1, 0, 0), m.f.agencies[1-i].ID
	} else {
		a.Status, a.StatusDate, a.SuccessorID = floorplan.AgencyActive, time.Time{}, uuid.Nil
	}
	_, err = m.g.UpdateAgency(m.f.ctx, &a)
	m.must(err)
	m.f.agencies[i] = a
	return true
}

// bulkLoad adds a room, a person and their assignment with the bulk loader, in a Register.Batch.
func (m partsModel) bulkLoad() bool {
	s, name, ok := m.takeSlot("K")
	if !ok {
		return false
	}
	r := m.f.newRoom(s.ord, name, s.rect(4))
	r.AgencyID = m.f.agencies[m.rnd.IntN(2)].ID
	p := floorplan.Person{ID: uuid.New(), Name: fmt.Sprintf("批量%d", m.n), AgencyID: m.f.agencies[m.rnd.IntN(2)].ID,
		Rank: floorplan.RankDivision, Status: floorplan.PersonActive}
	rooms, people := []floorplan.Room{r}, []floorplan.Person{p}
	var as []floorplan.Assignment
	_, err := m.g.Batch(m.f.ctx, floorplan.Request{What: "test"}, func(tx floorplan.Store) error {
		if err := tx.BulkInsertRooms(m.f.ctx, rooms); err != nil {
			return err
		}
		if err := tx.BulkInsertPeople(m.f.ctx, people); err != nil {
			return err
		}
		as = []floorplan.Assignment{{PersonID: people[0].ID, RoomID: rooms[0].ID, Kind: floorplan.AssignMain,
			Start: m.day.AddDate(0, 0, -3)}}
		return tx.BulkInsertAssignments(m.f.ctx, as)
	})
	m.must(err)
	m.rooms = append(m.rooms, rooms[0])
	m.slotOf[rooms[0].ID] = s
	m.people = append(m.people, people[0])
	m.asgs = append(m.asgs, as[0])
	return true
}

// testPartsWriteBeforeStore: a write that commits after StoredParts has read the counters and evaluated,
// but before it stores the parts (another transaction), leaves them dirty: the next StoredParts evaluates
// them again and gives what a whole evaluation gives after the write.
func testPartsWriteBeforeStore(t *testing.T, f *fixture) {
	now := f.clock.Now()
	today := floorplan.DayOf(now)
	clock := floorplan.WithRegisterClock(func() time.Time { return now })
	var put, read atomic.Int64
	counted := &partsCounter{Store: f.s, put: &put, read: &read}
	g := floorplan.NewRegister(counted, clock)
	other := floorplan.NewRegister(f.s, clock) // another server
	r, p := roomAndStaff(t, f, g)
	wantStoredParts(t, f, g, today, "the room and the person")

	// The person moves in: evaluated and stored as clean, but the other server moves them out in between.
	a := floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Kind: floorplan.AssignMain, Start: today.AddDate(0, 0, -5)}
	_, err := g.CreateAssignment(f.ctx, &a)
	must(t, err)
	counted.beforePut = func() {
		a.End = today
		_, err := other.UpdateAssignment(f.ctx, &a)
		must(t, err)
	}
	var got []*floorplan.Report
	must(t, g.StoredParts(f.ctx, nil, func(p *floorplan.Report) error { got = append(got, p); return nil }))
	if counted.beforePut != nil {
		t.Fatal("StoredParts stored no part after a write")
	}
	if !hasPerson(got, p.ID, r.ID) {
		t.Fatalf("StoredParts before the other write: %s does not hold 101; the test proves nothing", p.Name)
	}
	if h := headOf(t, f, f.agencies[0].ID); h.Stored && h.Mark == h.Current {
		t.Errorf("the part of agency 0 after a write between its evaluation and its storing reads clean: %+v", h)
	}
	wantStoredParts(t, f, g, today, "the other write")
}

// hasPerson reports whether the parts count room roomID in person id's office area.
func hasPerson(parts []*floorplan.Report, id, roomID uuid.UUID) bool {
	for _, p := range parts {
		if r, ok := p.Person(id); ok {
			for _, rid := range r.RoomIDs {
				if rid == roomID {
					return true
				}
			}
		}
	}
	return false
}

// ReadParts is the store's, when it reads in parts; otherwise a reader whose plan asks for a whole
// evaluation, as EvaluateParts makes of a store that does not.
func (s *partsCounter) ReadParts(ctx context.Context, day time.Time, fn func(floorplan.PartReader) error) error {
	if ps, ok := s.Store.(floorplan.PartSnapshotter); ok {
		return ps.ReadParts(ctx, day, fn)
	}
	return fn(wholeReader{})
}

// wholeReader is a PartReader whose plan is Whole.
type wholeReader struct{ floorplan.PartReader }

func (wholeReader) PartPlan(context.Context) (floorplan.PartPlan, error) {
	return floorplan.PartPlan{Whole: true}, nil
}

// testPartsCoOccupants: two people of two agencies share a room split by their standards; a change of the
// first one's rank, or of the room, or of the first one's assignment, moves the second one's share, hence
// the part of the second agency, which no record of it names.
func testPartsCoOccupants(t *testing.T, f *fixture) {
	now := f.clock.Now()
	today := floorplan.DayOf(now)
	pol := floorplan.DefaultPolicy()
	pol.Split = floorplan.SplitByStandard
	g := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(func() time.Time { return now }), floorplan.WithStandards(nil, pol))
	r := f.newRoom(0, "101", rect(0, 0, 6, 6))
	_, err := g.CreateRoom(f.ctx, &r, floorplan.Shape{})
	must(t, err)
	p := floorplan.Person{Name: "张三", AgencyID: f.agencies[0].ID, Rank: floorplan.RankStaff, Status: floorplan.PersonActive}
	q := floorplan.Person{Name: "李四", AgencyID: f.agencies[1].ID, Rank: floorplan.RankStaff, Status: floorplan.PersonActive}
	for _, x := range []*floorplan.Person{&p, &q} {
		_, err := g.CreatePerson(f.ctx, x)
		must(t, err)
		a := floorplan.Assignment{PersonID: x.ID, RoomID: r.ID, Kind: floorplan.AssignMain, Start: today.AddDate(0, 0, -5)}
		_, err = g.CreateAssignment(f.ctx, &a)
		must(t, err)
	}
	wantStoredParts(t, f, g, today, "two people of two agencies in one room")
	share := func() float64 {
		var area float64
		must(t, g.StoredParts(f.ctx, []uuid.UUID{f.agencies[1].ID}, func(part *floorplan.Report) error {
			if r, ok := part.Person(q.ID); ok {
				area = r.OfficeAreaM2
			}
			return nil
		}))
		return area
	}
	before := share()
	p.Rank = floorplan.RankBureau
	_, err = g.UpdatePerson(f.ctx, &p)
	must(t, err)
	wantStoredParts(t, f, g, today, "the first one's rank raised")
	if after := share(); after >= before {
		t.Errorf("李四's office area went from %v to %v when 张三's standard rose; want it smaller", before, after)
	}
}

// testPartsRefresh: RefreshParts evaluates and stores the parts a write left dirty, and only those, so that
// the next StoredParts evaluates nothing.
func testPartsRefresh(t *testing.T, f *fixture) {
	now := f.clock.Now()
	today := floorplan.DayOf(now)
	var put, read atomic.Int64
	counted := &partsCounter{Store: f.s, put: &put, read: &read}
	g := floorplan.NewRegister(counted, floorplan.WithRegisterClock(func() time.Time { return now }))
	r, p := roomAndStaff(t, f, g)
	must(t, g.RefreshParts(f.ctx))
	before := put.Load()
	must(t, g.RefreshParts(f.ctx))
	if n := put.Load() - before; n != 0 {
		t.Errorf("RefreshParts with every part clean stored %d parts; want none", n)
	}
	a := floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Kind: floorplan.AssignMain, Start: today.AddDate(0, 0, -5)}
	_, err := g.CreateAssignment(f.ctx, &a)
	must(t, err)
	before = put.Load()
	must(t, g.RefreshParts(f.ctx))
	if put.Load() == before {
		t.Fatal("RefreshParts after a write stored no part")
	}
	before = put.Load()
	wantStoredParts(t, f, g, today, "RefreshParts after a write")
	if n := put.Load() - before; n != 0 {
		t.Errorf("StoredParts after RefreshParts evaluated %d parts again; want none", n)
	}
}
