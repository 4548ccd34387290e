package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

// RunStates runs the conformance tests of the stored room states (floorplan.StateStore, floorplan/states.go),
// each on a store of its own from newStore, as Run does: the store's own methods, the states that every
// write of the Register keeps equal to a whole evaluation (a property test over random writes), and the
// recomputation of a new day, once however many readers ask.
func RunStates(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"Store", testStatesStore},
		{"RandomWrites", testStatesRandomWrites},
		{"NewDay", testStatesNewDay},
		{"NewDayOnce", testStatesNewDayOnce},
		{"NewDayMeanwhile", testStatesNewDayMeanwhile},
		{"AroundTheRegister", testStatesAroundTheRegister},
	})
}

// roomAndStaff creates through g room 101 of 30 m² and 张三, a staff member of the first agency.
func roomAndStaff(t *testing.T, f *fixture, g *floorplan.Register) (floorplan.Room, floorplan.Person) {
	t.Helper()
	r := f.newRoom(0, "101", rect(0, 0, 5, 6))
	_, err := g.CreateRoom(f.ctx, &r, floorplan.Shape{})
	must(t, err)
	p := floorplan.Person{Name: "张三", AgencyID: f.agencies[0].ID, Rank: floorplan.RankStaff, Status: floorplan.PersonActive}
	_, err = g.CreatePerson(f.ctx, &p)
	must(t, err)
	return r, p
}

// storeAs returns s as a T (one of the stores' optional interfaces), failing the test when it is none.
func storeAs[T any](t *testing.T, s floorplan.Store) T {
	t.Helper()
	x, ok := s.(T)
	if !ok {
		t.Fatalf("the store (%T) does not implement %s", s, reflect.TypeFor[T]())
	}
	return x
}

// testStatesStore: states are added, replaced, read by room or all, deleted, and replaced as a whole with
// the day they are for (AddRoomStates refusing a room that has one); a state of a room that does not exist is refused; LockStates needs a transaction.
func testStatesStore(t *testing.T, f *fixture) {
	ss := storeAs[floorplan.StateStore](t, f.s)
	ctx := f.ctx
	if day, err := ss.StatesDay(ctx); err != nil || !day.IsZero() {
		t.Fatalf("StatesDay of a new store = %v, %v; want the zero time", day, err)
	}
	a := f.room(t, 0, "101", rect(0, 0, 5, 6))
	b := f.room(t, 0, "102", rect(5, 0, 10, 6))
	today := floorplan.DayOf(f.clock.Now())
	zhang := floorplan.OccupantInfo{PersonID: uuid.New(), Name: "张三", Rank: floorplan.RankDivision, RankTitle: "正处级",
		Kind: floorplan.AssignMain, ShareM2: 30}
	li := floorplan.OccupantInfo{PersonID: uuid.New(), Name: "李四", Rank: floorplan.RankStaff, RankTitle: "科员",
		Kind: floorplan.AssignSecond, ShareM2: 10.0 / 3}
	sa := floorplan.StoredStatus{RoomID: a.ID, Status: floorplan.StatusOverStandard, PerPersonM2: 30, StandardM2: 18,
		Occupants: []floorplan.OccupantInfo{zhang}, AsOf: today}
	sb := floorplan.StoredStatus{RoomID: b.ID, Status: floorplan.StatusVacant, AsOf: today}
	must(t, ss.PutRoomStates(ctx, []floorplan.StoredStatus{sa, sb}))
	wantStates(t, ss, "after Put", nil, sa, sb)
	zhang.ShareM2 = 15
	sa.Status, sa.PerPersonM2, sa.StandardM2 = floorplan.StatusCompliant, 15, 36
	sa.Occupants = []floorplan.OccupantInfo{zhang, li}
	must(t, ss.PutRoomStates(ctx, []floorplan.StoredStatus{sa}))
	wantStates(t, ss, "after a second Put of 101", []uuid.UUID{a.ID, uuid.New()}, sa)

	ghost := floorplan.StoredStatus{RoomID: uuid.New(), Status: floorplan.StatusVacant, AsOf: today}
	if err := ss.PutRoomStates(ctx, []floorplan.StoredStatus{sb, ghost}); err == nil {
		t.Errorf("PutRoomStates of a room that does not exist: no error")
	}
	wantStates(t, ss, "after a refused Put", nil, sa, sb)

	must(t, ss.DeleteRoomStates(ctx, []uuid.UUID{b.ID, uuid.New()}))
	wantStates(t, ss, "after Delete of 102", nil, sa)

	tomorrow := today.AddDate(0, 0, 1)
	sb.AsOf = tomorrow
	// A recomputation: cleared, put part by part, its day set.
	must(t, ss.ClearRoomStates(ctx))
	wantStates(t, ss, "after Clear", nil)
	if day, err := ss.StatesDay(ctx); err != nil || !day.IsZero() {
		t.Errorf("StatesDay after Clear = %v, %v; want none", day, err)
	}
	must(t, ss.AddRoomStates(ctx, []floorplan.StoredStatus{sb}))
	// Add refuses a room that has a state, and adds none of the call's states; a ghost room is refused too.
	sa.AsOf = tomorrow
	for _, bad := range []struct {
		what   string
		states []floorplan.StoredStatus
	}{
		{"a room that has a state", []floorplan.StoredStatus{sa, sb}},
		{"a room that does not exist", []floorplan.StoredStatus{sa, ghost}},
	} {
		if err := ss.AddRoomStates(ctx, bad.states); err == nil {
			t.Errorf("AddRoomStates with %s: no error", bad.what)
		}
		wantStates(t, ss, "after AddRoomStates with "+bad.what, nil, sb)
	}
	must(t, ss.SetStatesDay(ctx, tomorrow))
	wantStates(t, ss, "after a recomputation", nil, sb)
	if ids, err := ss.RoomStateIDs(ctx); err != nil || len(ids) != 1 || ids[0] != b.ID {
		t.Errorf("RoomStateIDs = %v, %v; want [%s]", ids, err, b.ID)
	}
	if day, err := ss.StatesDay(ctx); err != nil || !day.Equal(tomorrow) {
		t.Errorf("StatesDay after SetStatesDay = %v, %v; want %v", day, err, tomorrow)
	}
	must(t, ss.MarkStatesStale(ctx))
	if day, err := ss.StatesDay(ctx); err != nil || !day.IsZero() {
		t.Errorf("StatesDay after MarkStatesStale = %v, %v; want the zero time", day, err)
	}
	wantStates(t, ss, "after MarkStatesStale", nil, sb)
	if err := ss.LockStates(ctx); err == nil {
		t.Errorf("LockStates outside a transaction: no error")
	}
	must(t, f.s.InTx(ctx, func(tx floorplan.Store) error { return storeAs[floorplan.StateStore](t, tx).LockStates(ctx) }))
}

// wantStates checks that the states stored for ids (all for nil) are want, in any order.
func wantStates(t *testing.T, ss floorplan.StateStore, when string, ids []uuid.UUID, want ...floorplan.StoredStatus) {
	t.Helper()
	got, err := ss.RoomStates(context.Background(), ids)
	must(t, err)
	byID := map[uuid.UUID]floorplan.StoredStatus{}
	for _, s := range want {
		byID[s.RoomID] = s
	}
	if diffs := floorplan.DiffStates(got, byID); len(diffs) > 0 || len(got) != len(want) {
		t.Errorf("%s: states %+v, want %+v", when, got, want)
	}
}

// wantWholeEvaluation checks that the states stored for the live rooms are what a whole evaluation of the
// register as of day gives (floorplan.NewOccupancy over a full snapshot), and that no room has a state
// it should not.
func wantWholeEvaluation(t *testing.T, f *fixture, day time.Time, step string) {
	t.Helper()
	snap, err := f.s.Snapshot(f.ctx, day)
	must(t, err)
	occ, err := floorplan.NewOccupancy(snap, nil, floorplan.DefaultPolicy())
	must(t, err)
	want := map[uuid.UUID]floorplan.StoredStatus{}
	for _, r := range occ.Rooms {
		want[r.RoomID] = floorplan.StoredStatusOf(r, day)
	}
	stored, err := storeAs[floorplan.StateStore](t, f.s).RoomStates(f.ctx, nil)
	must(t, err)
	for _, d := range floorplan.DiffStates(stored, want) {
		t.Errorf("after %s: room %s stored %+v, computed %+v", step, d.RoomID, d.Stored, d.Computed)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// statesModel is what the random writes know of the register they write: live rooms, people and
// assignments, and the free places for rooms.
type statesModel struct {
	t   *testing.T
	f   *fixture
	g   *floorplan.Register
	rnd *rand.Rand
	day time.Time

	rooms  []floorplan.Room
	people []floorplan.Person
	asgs   []floorplan.Assignment
	free   []slot // places where a room may go
	slotOf map[uuid.UUID]slot
	n      int // numbers rooms and people
}

// piece is the slot of a piece of a split room: it shares its slot with the other pieces, so it is
// never resized (nor split, nor its slot freed).
var piece = slot{ord: -99}

// slot is a place for a room: a 5 m × 10 m cell of a floor.
type slot struct {
	ord  int
	x, y float64
}

func (s slot) rect(width float64) orb.Polygon { return rect(s.x, s.y, s.x+width, s.y+10) }

// testStatesRandomWrites is the property test: random sequences of writes through the Register — rooms
// created, updated, deleted and split, rooms saved as a whole (ApplyRooms), people created and updated
// (ranks, agencies, retirements), assignments created, ended and deleted, agencies' levels changed, a
// local standard row put — and after each, the stored states equal a whole evaluation's for every live room.
func testStatesRandomWrites(t *testing.T, f *fixture) {
	now := f.clock.Now()
	m := newStatesModel(t, f, floorplan.NewRegister(f.s, floorplan.WithRegisterClock(func() time.Time { return now })),
		rand.New(rand.NewPCG(15, 1)), floorplan.DayOf(now))
	ops := m.writeOps()
	bag := opBag(ops)
	ran := make([]int, len(ops))
	for steps := 1; steps <= 120; {
		k := bag[m.rnd.IntN(len(bag))]
		if !ops[k].fn() {
			continue
		}
		ran[k]++
		wantWholeEvaluation(t, f, m.day, fmt.Sprintf("step %d (%s)", steps, ops[k].name))
		steps++
	}
	wantEveryOp(t, ops, ran)
	if len(m.rooms) == 0 || len(m.asgs) == 0 {
		t.Fatalf("the random writes left %d rooms and %d assignments: the test proved little", len(m.rooms), len(m.asgs))
	}
}

// newStatesModel is the model of f's register written through g, with the free slots of floors 0 and 1
// (two rows of twelve cells each) and rnd for the draws.
func newStatesModel(t *testing.T, f *fixture, g *floorplan.Register, rnd *rand.Rand, day time.Time) *statesModel {
	m := &statesModel{t: t, f: f, g: g, rnd: rnd, day: day, slotOf: map[uuid.UUID]slot{}}
	for _, ord := range []int{0, 1} {
		for x := 0.0; x < 60; x += 5 {
			for _, y := range []float64{0, 10} {
				m.free = append(m.free, slot{ord, x, y})
			}
		}
	}
	return m
}

// writeOp is a kind of random write: its name, its weight in the draw, and the write (false: not
// possible now, nothing to change).
type writeOp struct {
	name   string
	weight int
	fn     func() bool
}

// writeOps are the states' random writes, with their weights.
func (m *statesModel) writeOps() []writeOp {
	return []writeOp{
		{"create room", 4, m.createRoom},
		{"update room", 3, m.updateRoom},
		{"delete room", 1, m.deleteRoom},
		{"split room", 1, m.splitRoom},
		{"apply rooms", 2, m.applyRooms},
		{"create person", 4, m.createPerson},
		{"update person", 3, m.updatePerson},
		{"create assignment", 6, m.createAssignment},
		{"end assignment", 2, m.endAssignment},
		{"delete assignment", 2, m.deleteAssignment},
		{"update agency", 1, m.updateAgency},
		{"put standard row", 1, m.putStandardRow},
		{"batch", 1, m.batch},
	}
}

// opBag is the draw of ops: the index of each, as many times as its weight.
func opBag(ops []writeOp) []int {
	var bag []int
	for i, op := range ops {
		for range op.weight {
			bag = append(bag, i)
		}
	}
	return bag
}

// wantEveryOp checks that each of ops ran (ran counts the writes of each).
func wantEveryOp(t *testing.T, ops []writeOp, ran []int) {
	t.Helper()
	for k, n := range ran {
		if n == 0 {
			t.Errorf("the random writes never made a %s: the sequence proves nothing of it", ops[k].name)
		}
	}
}

func (m *statesModel) must(err error) {
	m.t.Helper()
	if err != nil {
		m.t.Fatal(err)
	}
}

// pick returns a random element of xs.
func pick[T any](rnd *rand.Rand, xs []T) (T, int) {
	i := rnd.IntN(len(xs))
	return xs[i], i
}

// takeSlot takes a random free slot for a new room, and numbers the room's name after prefix; false when
// no slot is free.
func (m *statesModel) takeSlot(prefix string) (slot, string, bool) {
	if len(m.free) == 0 {
		return slot{}, "", false
	}
	s, i := pick(m.rnd, m.free)
	m.free = slices.Delete(m.free, i, i+1)
	m.n++
	return s, fmt.Sprintf("%s%d", prefix, m.n), true
}

var statesUsages = []floorplan.Usage{floorplan.UsageOffice, floorplan.UsageOffice, floorplan.UsageOffice,
	floorplan.UsageRestRoom, floorplan.UsageService}

func (m *statesModel) createRoom() bool {
	s, name, ok := m.takeSlot("R")
	if !ok {
		return false
	}
	r := m.f.newRoom(s.ord, name, s.rect(2+float64(m.rnd.IntN(4))))
	r.Usage, _ = pick(m.rnd, statesUsages)
	r.AgencyID = m.f.agencies[m.rnd.IntN(2)].ID
	_, err := m.g.CreateRoom(m.f.ctx, &r, floorplan.Shape{})
	m.must(err)
	m.rooms = append(m.rooms, r)
	m.slotOf[r.ID] = s
	return true
}

func (m *statesModel) updateRoom() bool {
	if len(m.rooms) == 0 {
		return false
	}
	r, i := pick(m.rnd, m.rooms)
	if s := m.slotOf[r.ID]; s != piece {
		r.Geometry = s.rect(2 + float64(m.rnd.IntN(4)))
	}
	if m.rnd.IntN(3) == 0 {
		r.Usage, _ = pick(m.rnd, statesUsages)
	}
	_, err := m.g.UpdateRoom(m.f.ctx, &r, floorplan.Shape{})
	m.must(err)
	m.rooms[i] = r
	return true
}

// held reports whether a live assignment (ended or not) names room id: such a room is not deleted or split.
func (m *statesModel) held(id uuid.UUID) bool {
	return slices.ContainsFunc(m.asgs, func(a floorplan.Assignment) bool { return a.RoomID == id })
}

// freeRoom returns a random room that no assignment names (and that is not a piece, for whole).
func (m *statesModel) freeRoom(whole bool) (floorplan.Room, int, bool) {
	var ids []int
	for i, r := range m.rooms {
		if !m.held(r.ID) && (!whole || m.slotOf[r.ID] != piece) {
			ids = append(ids, i)
		}
	}
	if len(ids) == 0 {
		return floorplan.Room{}, 0, false
	}
	i, _ := pick(m.rnd, ids)
	return m.rooms[i], i, true
}

func (m *statesModel) deleteRoom() bool {
	r, i, ok := m.freeRoom(false)
	if !ok {
		return false
	}
	_, err := m.g.DeleteRoom(m.f.ctx, r.ID, r.Version)
	m.must(err)
	m.rooms = slices.Delete(m.rooms, i, i+1)
	if s := m.slotOf[r.ID]; s != piece {
		m.free = append(m.free, s)
	}
	return true
}

func (m *statesModel) splitRoom() bool {
	r, i, ok := m.freeRoom(true)
	if !ok {
		return false
	}
	s := m.slotOf[r.ID]
	cut := floorplan.Line{LineString: orb.LineString{{s.x - 1, s.y + 4}, {s.x + 7, s.y + 4}}}
	pieces, _, err := m.g.SplitRoom(m.f.ctx, r.ID, r.Version, cut)
	m.must(err)
	m.rooms = slices.Delete(m.rooms, i, i+1)
	for _, p := range pieces {
		m.rooms = append(m.rooms, p)
		m.slotOf[p.ID] = piece
	}
	return true
}

func (m *statesModel) applyRooms() bool {
	ord := m.rnd.IntN(2)
	var changes []floorplan.RoomChange
	for _, r := range m.rooms {
		if s := m.slotOf[r.ID]; s.ord == ord && len(changes) < 3 && m.rnd.IntN(2) == 0 {
			r.Geometry = s.rect(2 + float64(m.rnd.IntN(4)))
			r.AgencyID = m.f.agencies[m.rnd.IntN(2)].ID
			changes = append(changes, floorplan.RoomChange{Op: floorplan.OpUpdate, Room: r})
		}
	}
	var fresh slot
	if i := slices.IndexFunc(m.free, func(s slot) bool { return s.ord == ord }); i >= 0 {
		fresh = m.free[i]
		m.free = slices.Delete(m.free, i, i+1)
		m.n++
		changes = append(changes, floorplan.RoomChange{Op: floorplan.OpCreate,
			Room: m.f.newRoom(ord, fmt.Sprintf("A%d", m.n), fresh.rect(4))})
	}
	if len(changes) == 0 {
		return false
	}
	rooms, _, err := m.g.ApplyRooms(m.f.ctx, m.f.floor(ord).ID, changes)
	m.must(err)
	for k, r := range rooms {
		if changes[k].Op == floorplan.OpCreate {
			m.rooms = append(m.rooms, r)
			m.slotOf[r.ID] = fresh
			continue
		}
		m.rooms[slices.IndexFunc(m.rooms, func(o floorplan.Room) bool { return o.ID == r.ID })] = r
	}
	return true
}

var statesRanks = []floorplan.Rank{floorplan.RankBureau, floorplan.RankDivision, floorplan.RankViceDivision,
	floorplan.RankSection, floorplan.RankStaff, floorplan.RankStaff}

func (m *statesModel) createPerson() bool {
	rank, _ := pick(m.rnd, statesRanks)
	m.n++
	p := floorplan.Person{Name: fmt.Sprintf("职员%d", m.n), AgencyID: m.f.agencies[m.rnd.IntN(2)].ID,
		Rank: rank, Status: floorplan.PersonActive}
	if m.rnd.IntN(3) == 0 {
		p.Posts = []floorplan.Post{{Title: "工会主席（兼）"}}
	}
	_, err := m.g.CreatePerson(m.f.ctx, &p)
	m.must(err)
	m.people = append(m.people, p)
	return true
}

func (m *statesModel) updatePerson() bool {
	if len(m.people) == 0 {
		return false
	}
	p, i := pick(m.rnd, m.people)
	switch m.rnd.IntN(3) {
	case 0:
		p.Rank, _ = pick(m.rnd, statesRanks)
	case 1:
		p.AgencyID = m.f.agencies[m.rnd.IntN(2)].ID
	default:
		p.Status, p.StatusDate = floorplan.PersonRetired, m.day.AddDate(0, 0, -m.rnd.IntN(60))
	}
	_, err := m.g.UpdatePerson(m.f.ctx, &p)
	m.must(err)
	m.people[i] = p
	return true
}

func (m *statesModel) createAssignment() bool {
	if len(m.people) == 0 || len(m.rooms) == 0 {
		return false
	}
	p, _ := pick(m.rnd, m.people)
	r, _ := pick(m.rnd, m.rooms)
	if slices.ContainsFunc(m.asgs, func(a floorplan.Assignment) bool { return a.PersonID == p.ID && a.RoomID == r.ID }) {
		return false
	}
	a := floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Kind: floorplan.AssignMain,
		Start: m.day.AddDate(0, 0, -m.rnd.IntN(30))}
	if m.rnd.IntN(4) == 0 {
		a.Kind = floorplan.AssignSecond
		if len(p.Posts) > 0 && m.rnd.IntN(2) == 0 { // an approved second office serves a concurrent post
			a.ApprovalRef, a.PostID = "常编办〔2024〕12号", p.Posts[0].ID
		}
	}
	if m.rnd.IntN(5) == 0 {
		a.End = m.day.AddDate(0, 0, 1+m.rnd.IntN(3)) // still in force today
	}
	_, err := m.g.CreateAssignment(m.f.ctx, &a)
	m.must(err)
	m.asgs = append(m.asgs, a)
	return true
}

func (m *statesModel) endAssignment() bool {
	if len(m.asgs) == 0 {
		return false
	}
	a, i := pick(m.rnd, m.asgs)
	a.End = m.day // ends today: no longer in force today
	if a.End.Before(a.Start) || a.End.Equal(a.Start) {
		return false
	}
	_, err := m.g.UpdateAssignment(m.f.ctx, &a)
	m.must(err)
	m.asgs[i] = a
	return true
}

func (m *statesModel) deleteAssignment() bool {
	if len(m.asgs) == 0 {
		return false
	}
	a, i := pick(m.rnd, m.asgs)
	_, err := m.g.DeleteAssignment(m.f.ctx, a.ID, a.Version)
	m.must(err)
	m.asgs = slices.Delete(m.asgs, i, i+1)
	return true
}

func (m *statesModel) updateAgency() bool {
	i := m.rnd.IntN(2)
	a, err := m.f.s.Agency(m.f.ctx, m.f.agencies[i].ID)
	m.must(err)
	if a.Level == floorplan.LevelMunicipal {
		a.Level = floorplan.LevelCounty
	} else {
		a.Level = floorplan.LevelMunicipal
	}
	_, err = m.g.UpdateAgency(m.f.ctx, &a)
	m.must(err)
	m.f.agencies[i] = a
	return true
}

// batch creates a room in a Register.Batch, which marks the states stale, and reads them (States), which
// recomputes them all.
func (m *statesModel) batch() bool {
	s, name, ok := m.takeSlot("B")
	if !ok {
		return false
	}
	r := m.f.newRoom(s.ord, name, s.rect(3))
	_, err := m.g.Batch(m.f.ctx, floorplan.Request{What: "test"}, func(tx floorplan.Store) error {
		return tx.CreateRoom(m.f.ctx, &r)
	})
	m.must(err)
	m.rooms = append(m.rooms, r)
	m.slotOf[r.ID] = s
	if day, err := storeAs[floorplan.StateStore](m.t, m.f.s).StatesDay(m.f.ctx); err != nil || !day.IsZero() {
		m.t.Fatalf("StatesDay after a batch = %v, %v; want the zero time (stale)", day, err)
	}
	// One agency a part: the recomputation reads the next part while it evaluates and writes one
	// (recomputeStates), each on a connection of its own.
	states, err := m.g.States(floorplan.WithPartBudget(m.f.ctx, 1), nil)
	m.must(err)
	if len(states) != len(m.rooms) {
		m.t.Fatalf("States after a batch: %d states for %d rooms", len(states), len(m.rooms))
	}
	return true
}

func (m *statesModel) putStandardRow() bool {
	rank, _ := pick(m.rnd, statesRanks)
	_, err := m.g.PutStandardRow(m.f.ctx, floorplan.StandardRow{Scale: floorplan.LevelMunicipal, Rank: rank,
		Title: "本地标准", AreaM2: float64(6 + m.rnd.IntN(20)), Effective: m.day.AddDate(0, 0, -1),
		Jurisdiction: "常州市", Source: "常州市机关办公用房标准（试行）"})
	m.must(err)
	return true
}

// testStatesNewDay: an assignment that ends tomorrow keeps its room occupied today; tomorrow's first read
// recomputes every state (the day recorded moves on) and the room is vacant, as a whole evaluation of
// tomorrow says.
func testStatesNewDay(t *testing.T, f *fixture) {
	var mu sync.Mutex
	now := f.clock.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	g := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(clock))
	today := floorplan.DayOf(now)
	r, p := roomAndStaff(t, f, g)
	a := floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Kind: floorplan.AssignMain, Start: today.AddDate(0, 0, -10),
		End: today.AddDate(0, 0, 1)}
	c, err := g.CreateAssignment(f.ctx, &a)
	must(t, err)
	if got, ok := c.Room(r.ID); !ok || got.Status == floorplan.StatusVacant {
		t.Fatalf("today the room is %+v (found %v); want it occupied", got, ok)
	}
	states, err := g.States(f.ctx, []uuid.UUID{r.ID})
	must(t, err)
	if s := states[r.ID]; s.Status == floorplan.StatusVacant || len(s.Occupants) != 1 || s.Occupants[0].PersonID != p.ID ||
		!s.AsOf.Equal(today) {
		t.Fatalf("today's stored state of 101 = %+v; want it occupied by one, as of %v", s, today)
	}

	mu.Lock()
	now = now.AddDate(0, 0, 1)
	mu.Unlock()
	tomorrow := today.AddDate(0, 0, 1)
	states, err = g.States(f.ctx, []uuid.UUID{r.ID})
	must(t, err)
	if s := states[r.ID]; s.Status != floorplan.StatusVacant || len(s.Occupants) != 0 || !s.AsOf.Equal(tomorrow) {
		t.Errorf("tomorrow's first read of 101 = %+v; want vacant, as of %v", s, tomorrow)
	}
	if day, err := storeAs[floorplan.StateStore](t, f.s).StatesDay(f.ctx); err != nil || !day.Equal(tomorrow) {
		t.Errorf("StatesDay after tomorrow's first read = %v, %v; want %v", day, err, tomorrow)
	}
	wantWholeEvaluation(t, f, tomorrow, "tomorrow's first read")
	diffs, n, err := g.CheckStates(f.ctx)
	must(t, err)
	if len(diffs) != 0 || n != 1 {
		t.Errorf("CheckStates tomorrow: %d differences over %d rooms; want none over 1", len(diffs), n)
	}
}

// recomputeCounter is a Store whose transactions count the recomputations of every state
// (ClearRoomStates) made through them, calling onClear (when not nil) as each begins.
type recomputeCounter struct {
	floorplan.Store
	replaced *atomic.Int32
	onClear  func()
}

func (s recomputeCounter) InTx(ctx context.Context, fn func(tx floorplan.Store) error) error {
	return s.Store.InTx(ctx, func(tx floorplan.Store) error { return fn(recomputeCounter{tx, s.replaced, s.onClear}) })
}

func (s recomputeCounter) ss() floorplan.StateStore { return s.Store.(floorplan.StateStore) }

func (s recomputeCounter) PutRoomStates(ctx context.Context, states []floorplan.StoredStatus) error {
	return s.ss().PutRoomStates(ctx, states)
}

func (s recomputeCounter) AddRoomStates(ctx context.Context, states []floorplan.StoredStatus) error {
	return s.ss().AddRoomStates(ctx, states)
}

func (s recomputeCounter) DeleteRoomStates(ctx context.Context, ids []uuid.UUID) error {
	return s.ss().DeleteRoomStates(ctx, ids)
}

// ClearRoomStates starts a recomputation of every state: it counts as one.
func (s recomputeCounter) ClearRoomStates(ctx context.Context) error {
	s.replaced.Add(1)
	if s.onClear != nil {
		s.onClear()
	}
	return s.ss().ClearRoomStates(ctx)
}

func (s recomputeCounter) SetStatesDay(ctx context.Context, day time.Time) error {
	return s.ss().SetStatesDay(ctx, day)
}

func (s recomputeCounter) RoomStateIDs(ctx context.Context) ([]uuid.UUID, error) {
	return s.ss().RoomStateIDs(ctx)
}

func (s recomputeCounter) RoomStates(ctx context.Context, ids []uuid.UUID) ([]floorplan.StoredStatus, error) {
	return s.ss().RoomStates(ctx, ids)
}

func (s recomputeCounter) StatesDay(ctx context.Context) (time.Time, error) {
	return s.ss().StatesDay(ctx)
}

func (s recomputeCounter) LockStates(ctx context.Context) error { return s.ss().LockStates(ctx) }

func (s recomputeCounter) MarkStatesStale(ctx context.Context) error {
	return s.ss().MarkStatesStale(ctx)
}

// testStatesNewDayOnce: on a new day, many readers at once on two Registers (two servers on one store)
// recompute the states once.
func testStatesNewDayOnce(t *testing.T, f *fixture) {
	var replaced atomic.Int32
	s := recomputeCounter{f.s, &replaced, nil}
	now := f.clock.Now()
	tomorrow := func() time.Time { return now.AddDate(0, 0, 1) }
	g := floorplan.NewRegister(s, floorplan.WithRegisterClock(func() time.Time { return now }))
	var ids []uuid.UUID
	for i := range 4 {
		r := f.newRoom(0, fmt.Sprintf("10%d", i), rect(float64(5*i), 0, float64(5*i+5), 6))
		_, err := g.CreateRoom(f.ctx, &r, floorplan.Shape{})
		must(t, err)
		ids = append(ids, r.ID)
	}
	servers := []*floorplan.Register{floorplan.NewRegister(s, floorplan.WithRegisterClock(tomorrow)),
		floorplan.NewRegister(s, floorplan.WithRegisterClock(tomorrow))}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for k := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			states, err := servers[k%2].States(f.ctx, ids)
			if err == nil && len(states) != len(ids) {
				err = fmt.Errorf("%d states for %d rooms", len(states), len(ids))
			}
			errs[k] = err
		}()
	}
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			t.Errorf("reader %d: %v", k, err)
		}
	}
	if n := replaced.Load(); n != 1 {
		t.Errorf("8 readers of a new day on two servers recomputed the states %d times, want once", n)
	}
	wantWholeEvaluation(t, f, floorplan.DayOf(tomorrow()), "the new day's reads")
}

// testStatesNewDayMeanwhile: on a new day, while the server recomputes every state (held in the middle
// here), a reader of a few rooms gets their states of the new day at once, computed on their own (a room
// that is not live has none), and writes nothing; once the recomputation ends the stored states are the new
// day's and agree with a whole evaluation.
func testStatesNewDayMeanwhile(t *testing.T, f *fixture) {
	now := f.clock.Now()
	today := floorplan.DayOf(now)
	g := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(func() time.Time { return now }))
	r, p := roomAndStaff(t, f, g)
	other := f.newRoom(0, "102", rect(5, 0, 10, 6))
	_, err := g.CreateRoom(f.ctx, &other, floorplan.Shape{})
	must(t, err)
	a := floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Kind: floorplan.AssignMain, Start: today.AddDate(0, 0, -10),
		End: today.AddDate(0, 0, 1)}
	_, err = g.CreateAssignment(f.ctx, &a)
	must(t, err)
	b := floorplan.Assignment{PersonID: p.ID, RoomID: other.ID, Kind: floorplan.AssignMain, Start: today.AddDate(0, 0, 1)}
	_, err = g.CreateAssignment(f.ctx, &b)
	must(t, err)
	if states, err := g.States(f.ctx, []uuid.UUID{r.ID, other.ID}); err != nil ||
		states[r.ID].Status == floorplan.StatusVacant || states[other.ID].Status != floorplan.StatusVacant {
		t.Fatalf("today's states = %+v, %v; want 101 occupied and 102 vacant", states, err)
	}

	entered, release := make(chan struct{}), make(chan struct{})
	var replaced atomic.Int32
	s := recomputeCounter{f.s, &replaced, func() { close(entered); <-release }}
	tomorrow := today.AddDate(0, 0, 1)
	server := floorplan.NewRegister(s, floorplan.WithRegisterClock(func() time.Time { return now.AddDate(0, 0, 1) }))
	refreshed := make(chan error, 1)
	go func() { refreshed <- server.RefreshStates(f.ctx) }()
	select {
	case <-entered:
	case err := <-refreshed:
		t.Fatalf("RefreshStates ended (%v) without recomputing the states", err)
	}
	ctx, cancel := context.WithTimeout(f.ctx, 20*time.Second)
	states, err := server.States(ctx, []uuid.UUID{r.ID, other.ID, uuid.New()})
	cancel()
	if err != nil {
		close(release)
		<-refreshed
		t.Fatalf("States while the states are recomputed: %v", err)
	}
	if s := states[r.ID]; len(states) != 2 || s.Status != floorplan.StatusVacant || !s.AsOf.Equal(tomorrow) ||
		states[other.ID].Status == floorplan.StatusVacant || len(states[other.ID].Occupants) != 1 {
		t.Errorf("tomorrow's states while they are recomputed = %+v; want 101 vacant and 102 occupied, as of %v, and no other", states, tomorrow)
	}
	if day, err := storeAs[floorplan.StateStore](t, f.s).StatesDay(f.ctx); err != nil || !day.Equal(today) {
		t.Errorf("StatesDay while they are recomputed = %v, %v; want still %v (the reader writes nothing)", day, err, today)
	}
	close(release)
	must(t, <-refreshed)
	if n := replaced.Load(); n != 1 {
		t.Errorf("the states were recomputed %d times, want once", n)
	}
	if day, err := storeAs[floorplan.StateStore](t, f.s).StatesDay(f.ctx); err != nil || !day.Equal(tomorrow) {
		t.Errorf("StatesDay after the recomputation = %v, %v; want %v", day, err, tomorrow)
	}
	wantWholeEvaluation(t, f, tomorrow, "the recomputation after the reads meanwhile")
}

// testStatesAroundTheRegister: a room written around the Register (straight through the store) has no
// state; the first read of it computes and stores it (with the room of its occupant), while asking for a
// room that does not exist returns nothing and writes nothing.
func testStatesAroundTheRegister(t *testing.T, f *fixture) {
	now := f.clock.Now()
	g := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(func() time.Time { return now }))
	today := floorplan.DayOf(now)
	if _, err := g.States(f.ctx, nil); err != nil { // today's states, of no room yet
		t.Fatal(err)
	}
	r := f.room(t, 0, "101", rect(0, 0, 5, 6))
	p := f.person(t, "张三", floorplan.RankStaff)
	f.assign(t, p, r, today.AddDate(0, 0, -3))
	ss := storeAs[floorplan.StateStore](t, f.s)
	wantStates(t, ss, "after writes around the Register", nil)

	states, err := g.States(f.ctx, []uuid.UUID{r.ID})
	must(t, err)
	if s, ok := states[r.ID]; !ok || s.Status == floorplan.StatusVacant || len(s.Occupants) != 1 || !s.AsOf.Equal(today) {
		t.Errorf("the first read of a room written around the Register = %+v (found %v); want it occupied today", s, ok)
	}
	wantWholeEvaluation(t, f, today, "the first read of a room written around the Register")

	before, err := f.s.Revision(f.ctx)
	must(t, err)
	states, err = g.States(f.ctx, []uuid.UUID{uuid.New(), r.ID})
	must(t, err)
	after, err := f.s.Revision(f.ctx)
	must(t, err)
	if len(states) != 1 || after != before {
		t.Errorf("a read of a room that does not exist and of 101: %d states, revision %d → %d; want 101's only and no write",
			len(states), before, after)
	}
}
