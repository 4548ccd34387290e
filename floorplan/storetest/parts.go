package storetest

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
)

// RunParts runs the tests of the register evaluated in parts (floorplan.Register.EvaluateParts), each on a
// store of its own from newStore, as Run does: on random registers written through the store, the parts
// read through the store's floorplan.PartReader are a whole evaluation split by agency.
func RunParts(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprintf("Random%d", seed), func(t *testing.T) {
			t.Parallel()
			testPartsRandom(t, newFixture(t, newStore(t)), seed)
		})
	}
	t.Run("CheckStates", func(t *testing.T) {
		t.Parallel()
		testPartsCheckStates(t, newFixture(t, newStore(t)))
	})
	t.Run("KeepStatesFresh", func(t *testing.T) {
		t.Parallel()
		testKeepStatesFresh(t, newFixture(t, newStore(t)))
	})
}

// testKeepStatesFresh: KeepStatesFresh recomputes states marked stale at once, and returns when its context
// ends.
func testKeepStatesFresh(t *testing.T, f *fixture) {
	f.room(t, 0, "101", rect(0, 0, 5, 6))
	ss := storeAs[floorplan.StateStore](t, f.s)
	must(t, ss.MarkStatesStale(f.ctx))
	g := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(f.clock.Now))
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		g.KeepStatesFresh(ctx)
	}()
	today := floorplan.DayOf(f.clock.Now())
	deadline := time.Now().Add(10 * time.Second)
	for {
		day, err := ss.StatesDay(f.ctx)
		must(t, err)
		if day.Equal(today) {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("KeepStatesFresh left the states stale for 10 s (day %v)", day)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if states, err := ss.RoomStates(f.ctx, nil); err != nil || len(states) != 1 {
		t.Errorf("states after KeepStatesFresh: %d, %v; want the one room's", len(states), err)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("KeepStatesFresh did not return within 10 s of its context's end")
	}
}

// testPartsCheckStates: RefreshStates computes the states of a register written around the Register (marked
// stale), after which CheckStates, part by part, finds every room agreeing; then it finds a changed
// status, a live room without a state and a state of a deleted room, and nothing else.
func testPartsCheckStates(t *testing.T, f *fixture) {
	w := &partsRegister{t: t, f: f, rnd: rand.New(rand.NewPCG(7, 15)), today: floorplan.DayOf(f.clock.Now())}
	w.write()
	ss := storeAs[floorplan.StateStore](t, f.s)
	must(t, ss.MarkStatesStale(f.ctx))
	g := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(f.clock.Now))
	must(t, g.RefreshStates(f.ctx))
	if day, err := ss.StatesDay(f.ctx); err != nil || !day.Equal(w.today) {
		t.Fatalf("StatesDay after RefreshStates = %v, %v; want %v", day, err, w.today)
	}
	diffs, n, err := g.CheckStates(f.ctx)
	must(t, err)
	if len(diffs) != 0 || n != len(w.rooms) {
		t.Fatalf("CheckStates after RefreshStates: %d differences over %d rooms; want none over %d", len(diffs), n, len(w.rooms))
	}
	dead := f.newRoom(1, "dead", rect(0, 17, 3, 20))
	must(t, f.s.CreateRoom(f.ctx, &dead))
	must(t, f.s.DeleteRoom(f.ctx, dead.ID, dead.Version))
	states, err := ss.RoomStates(f.ctx, []uuid.UUID{w.rooms[0].ID, w.rooms[1].ID})
	must(t, err)
	if len(states) != 2 {
		t.Fatalf("%d stored states of two rooms; want 2", len(states))
	}
	if states[0].RoomID != w.rooms[0].ID { // in no particular order
		states[0], states[1] = states[1], states[0]
	}
	changed, missing := states[0], states[1]
	changed.Status = floorplan.StatusNonOffice
	if states[0].Status == floorplan.StatusNonOffice {
		changed.Status = floorplan.StatusVacant
	}
	ghost := floorplan.StoredStatus{RoomID: dead.ID, Status: floorplan.StatusVacant, AsOf: w.today}
	must(t, ss.PutRoomStates(f.ctx, []floorplan.StoredStatus{changed, ghost}))
	must(t, ss.DeleteRoomStates(f.ctx, []uuid.UUID{missing.RoomID}))
	diffs, n, err = g.CheckStates(f.ctx)
	must(t, err)
	got := map[uuid.UUID]floorplan.StateDiff{}
	for _, d := range diffs {
		got[d.RoomID] = d
	}
	if len(diffs) != 3 || n != len(w.rooms) ||
		got[changed.RoomID].Stored.Status != changed.Status || got[changed.RoomID].Computed.Status != states[0].Status ||
		got[changed.RoomID].Number != w.rooms[0].Number ||
		got[missing.RoomID].Stored.RoomID != uuid.Nil || got[missing.RoomID].Computed.Status != missing.Status ||
		got[dead.ID].Stored.RoomID != dead.ID || got[dead.ID].Computed.RoomID != uuid.Nil {
		t.Errorf("CheckStates after three changes around the register: %d rooms, differences %+v; want room %s "+
			"changed, %s without a state and the deleted %s with one", n, diffs, changed.RoomID, missing.RoomID, dead.ID)
	}
}

// partsRegister writes a random register into the fixture's store: agencies of every level (merged and
// abolished ones, approved areas), rooms of several usages allocated to them or to none (idle ones too),
// people of every rank (retired and transferred ones, concurrent posts, a deleted one), main offices in
// their agency's rooms or another's, shared rooms, second offices (approved or not) in another agency's
// building, ended assignments.
type partsRegister struct {
	t        *testing.T
	f        *fixture
	rnd      *rand.Rand
	today    time.Time
	agencies []uuid.UUID
	rooms    []floorplan.Room
	people   []floorplan.Person
}

func (w *partsRegister) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *partsRegister) agency() uuid.UUID { return w.agencies[w.rnd.IntN(len(w.agencies))] }

func (w *partsRegister) write() {
	f := w.f
	for _, a := range f.agencies {
		w.agencies = append(w.agencies, a.ID)
	}
	for i := range 4 {
		a := floorplan.Agency{Name: fmt.Sprintf("随机单位%d", i), Level: floorplan.AdminLevels[w.rnd.IntN(5)],
			Status: floorplan.AgencyActive, Headcount: 10}
		switch w.rnd.IntN(4) {
		case 0:
			a.Status, a.StatusDate = floorplan.AgencyMerged, w.today.AddDate(0, -2, 0)
			a.SuccessorID = f.agencies[0].ID
		case 1:
			a.Status, a.StatusDate = floorplan.AgencyAbolished, w.today.AddDate(-1, 0, 0)
		case 2:
			a.ApprovedAreaM2 = float64(20 + w.rnd.IntN(60))
		}
		w.must(f.s.CreateAgency(f.ctx, &a))
		w.agencies = append(w.agencies, a.ID)
	}
	usages := []floorplan.Usage{floorplan.UsageOffice, floorplan.UsageOffice, floorplan.UsageOffice,
		floorplan.UsageRestRoom, floorplan.UsageToilet, floorplan.UsageService}
	for _, ord := range []int{-1, 0, 1} {
		for x := 0.0; x < 60; x += 5 {
			for _, y := range []float64{0, 10} {
				if w.rnd.IntN(4) == 0 {
					continue
				}
				r := f.newRoom(ord, fmt.Sprintf("%d-%02.0f%02.0f", ord, x, y), rect(x, y, x+2+float64(w.rnd.IntN(30))/10, y+7))
				r.Usage, r.AgencyID = usages[w.rnd.IntN(len(usages))], w.agency()
				if w.rnd.IntN(6) == 0 {
					r.AgencyID = uuid.Nil
				}
				if w.rnd.IntN(8) == 0 {
					r.State, r.IdleSince = floorplan.RoomIdle, w.today.AddDate(0, -7, 0)
				} else if len(w.rooms)%7 == 3 { // lent out, on a filed property (below): room.filed_property_leased
					r.State = floorplan.RoomLeased
				}
				w.must(f.s.CreateRoom(f.ctx, &r))
				w.rooms = append(w.rooms, r)
			}
		}
	}
	for i := range 30 {
		w.person(i)
	}
	f.site.Ownership = floorplan.OwnershipFiled
	w.must(f.s.UpdateSite(f.ctx, &f.site))
}

// person writes a random person with their posts and rooms.
func (w *partsRegister) person(i int) {
	f := w.f
	p := floorplan.Person{Name: fmt.Sprintf("人员%02d", i), AgencyID: w.agency(), Rank: floorplan.Ranks[w.rnd.IntN(len(floorplan.Ranks))],
		Status: floorplan.PersonActive}
	if w.rnd.IntN(6) == 0 {
		p.Status = []floorplan.PersonStatus{floorplan.PersonRetired, floorplan.PersonTransferred}[w.rnd.IntN(2)]
		p.StatusDate = w.today.AddDate(0, -w.rnd.IntN(4), 0)
	}
	if w.rnd.IntN(3) == 0 {
		post := floorplan.Post{Title: "兼职", AgencyID: w.agency(), Start: w.today.AddDate(-2, 0, 0)}
		if w.rnd.IntN(2) == 0 {
			post.End = w.today.AddDate(0, -w.rnd.IntN(6), 0)
		}
		p.Posts = []floorplan.Post{post}
	}
	w.must(f.s.CreatePerson(f.ctx, &p))
	w.people = append(w.people, p)
	start := w.today.AddDate(-1, 0, 0)
	// A main office: one of their agency's rooms more often than not.
	if own := w.roomsOf(p.AgencyID); len(own) > 0 && w.rnd.IntN(4) > 0 {
		w.assign(p, own[w.rnd.IntN(len(own))], floorplan.AssignMain, start, time.Time{}, "")
	} else {
		w.assign(p, w.rooms[w.rnd.IntN(len(w.rooms))], floorplan.AssignMain, start, time.Time{}, "")
	}
	switch w.rnd.IntN(4) {
	case 0: // a second office in any room (another agency's building), approved or not
		ref := ""
		if len(p.Posts) > 0 && w.rnd.IntN(3) > 0 { // an approved one names the post it serves
			ref = "审批〔2024〕1号"
		}
		w.assign(p, w.rooms[w.rnd.IntN(len(w.rooms))], floorplan.AssignSecond, start, time.Time{}, ref)
	case 1: // a room held once
		w.assign(p, w.rooms[w.rnd.IntN(len(w.rooms))], floorplan.AssignMain, start.AddDate(-1, 0, 0), start, "")
	}
	if i%11 == 10 { // someone who left: their assignments ended, then they were deleted
		gone := floorplan.Person{Name: fmt.Sprintf("离开%02d", i), AgencyID: w.agency(), Rank: floorplan.RankStaff,
			Status: floorplan.PersonActive}
		w.must(f.s.CreatePerson(f.ctx, &gone))
		w.assign(gone, w.rooms[w.rnd.IntN(len(w.rooms))], floorplan.AssignMain, start.AddDate(-1, 0, 0), start.AddDate(0, 3, 0), "")
		w.must(f.s.DeletePerson(f.ctx, gone.ID))
	}
}

func (w *partsRegister) roomsOf(agency uuid.UUID) []floorplan.Room {
	var out []floorplan.Room
	for _, r := range w.rooms {
		if r.AgencyID == agency {
			out = append(out, r)
		}
	}
	return out
}

func (w *partsRegister) assign(p floorplan.Person, r floorplan.Room, kind floorplan.AssignmentKind, start, end time.Time, ref string) {
	a := floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Kind: kind, Start: start, End: end, ApprovalRef: ref}
	if kind == floorplan.AssignSecond && len(p.Posts) > 0 && (ref != "" || w.rnd.IntN(2) == 0) {
		a.PostID = p.Posts[0].ID
	}
	w.must(w.f.s.CreateAssignment(w.f.ctx, &a))
}

// testPartsRandom: the parts of a random register, every agency alone and grouped, today (read in parts
// by the store) and yesterday (read whole), and a few agencies asked for, equal a whole evaluation split
// by agency.
func testPartsRandom(t *testing.T, f *fixture, seed uint64) {
	today := floorplan.DayOf(f.clock.Now())
	w := &partsRegister{t: t, f: f, rnd: rand.New(rand.NewPCG(seed, 15)), today: today}
	w.write()
	// Recorded two days ago, but for one room recorded today: yesterday's register is rebuilt (read whole).
	f.clock.Pass(t, 48*time.Hour)
	late := f.newRoom(1, "late", rect(0, 17, 3, 20))
	must(t, f.s.CreateRoom(f.ctx, &late))
	today = floorplan.DayOf(f.clock.Now())
	must(t, storeAs[floorplan.PartSnapshotter](t, f.s).ReadParts(f.ctx, today, func(r floorplan.PartReader) error {
		plan, err := r.PartPlan(f.ctx)
		if err == nil && plan.Whole {
			err = fmt.Errorf("the plan of today's register says Whole: the parts would not be read in parts")
		}
		return err
	}))
	g := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(f.clock.Now))
	for _, day := range []time.Time{today, today.AddDate(0, 0, -1)} {
		snap, err := f.s.Snapshot(f.ctx, day)
		must(t, err)
		whole, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
		must(t, err)
		if day.Equal(today) {
			wantTellingRegister(t, whole)
		}
		for _, budget := range []int{1, 0} {
			ctx := floorplan.WithPartBudget(f.ctx, budget)
			parts := collectParts(t, g, ctx, day, nil)
			if err := compareParts(whole, parts); err != nil {
				t.Fatalf("%s, budget %d: %v", day.Format(floorplan.DateLayout), budget, err)
			}
			some := []uuid.UUID{w.agencies[3], uuid.Nil, w.agencies[0]}
			var want []*floorplan.Report
			for _, p := range parts {
				if slices.Contains(some, PartAgency(p)) {
					want = append(want, p)
				}
			}
			if got := collectParts(t, g, ctx, day, some); !reflect.DeepEqual(got, want) {
				t.Errorf("%s, budget %d: the parts of three agencies asked for differ from theirs among all",
					day.Format(floorplan.DateLayout), budget)
			}
		}
	}
}

// wantTellingRegister fails the test when the random register is too plain to prove anything: findings of
// several rules (a leased room of the filed property among them), in several agencies' parts, and a room
// shared by people of two agencies.
func wantTellingRegister(t *testing.T, whole *floorplan.Report) {
	t.Helper()
	rules, agencies := map[string]bool{}, map[uuid.UUID]bool{}
	for _, fd := range whole.Findings {
		rules[fd.RuleID], agencies[fd.AgencyID] = true, true
	}
	agencyOf := map[uuid.UUID]uuid.UUID{}
	for _, p := range whole.People {
		agencyOf[p.PersonID] = p.AgencyID
	}
	mixed := 0
	for _, r := range whole.Rooms {
		for _, o := range r.Occupants {
			if agencyOf[o.PersonID] != r.AgencyID {
				mixed++
				break
			}
		}
	}
	if len(rules) < 4 || len(agencies) < 3 || mixed == 0 || !rules[floorplan.RuleFiledPropertyLeased] {
		t.Fatalf("the random register is too plain: rules %v, %d agencies with findings, %d rooms with another agency's occupants",
			rules, len(agencies), mixed)
	}
}

// collectParts returns the parts EvaluateParts emits.
func collectParts(t *testing.T, g *floorplan.Register, ctx context.Context, day time.Time, agencies []uuid.UUID) []*floorplan.Report {
	t.Helper()
	var parts []*floorplan.Report
	must(t, g.EvaluateParts(ctx, day, agencies, func(p *floorplan.Report) error {
		parts = append(parts, p)
		return nil
	}))
	return parts
}

// PartAgency is the agency of a part of a report split by agency: of its totals, or of anything in it
// (uuid.Nil for none).
func PartAgency(p *floorplan.Report) uuid.UUID {
	switch {
	case len(p.Agencies) > 0:
		return p.Agencies[0].AgencyID
	case len(p.Findings) > 0:
		return p.Findings[0].AgencyID
	case len(p.People) > 0:
		return p.People[0].AgencyID
	case len(p.Rooms) > 0:
		return p.Rooms[0].AgencyID
	}
	return uuid.Nil
}

// compareParts reports how parts differ from whole, the evaluation of the whole register: the concatenation
// of their findings and people must be whole's, their rooms and agency totals whole's as sets, each part
// must hold only its agency's, and the parts must come in ascending agency order.
func compareParts(whole *floorplan.Report, parts []*floorplan.Report) error {
	var (
		findings = []floorplan.Finding{}
		people   = []floorplan.PersonResult{}
		rooms    = map[uuid.UUID]floorplan.RoomResult{}
		totals   = map[uuid.UUID]floorplan.AgencyTotals{}
	)
	for i, p := range parts {
		if !p.AsOf.Equal(whole.AsOf) || !reflect.DeepEqual(p.Policy, whole.Policy) || !reflect.DeepEqual(p.Notes, whole.Notes) {
			return fmt.Errorf("part %d: as of %v, notes %v; want %v, %v", i, p.AsOf, p.Notes, whole.AsOf, whole.Notes)
		}
		a := PartAgency(p)
		if i > 0 && PartAgency(parts[i-1]).String() >= a.String() {
			return fmt.Errorf("part %d (agency %s) does not come after part %d (%s)", i, a, i-1, PartAgency(parts[i-1]))
		}
		for _, fd := range p.Findings {
			if fd.AgencyID != a {
				return fmt.Errorf("part %d of agency %s holds a finding of %s", i, a, fd.AgencyID)
			}
		}
		for _, r := range p.Rooms {
			if r.AgencyID != a {
				return fmt.Errorf("part %d of agency %s holds room %s of %s", i, a, r.Number, r.AgencyID)
			}
			rooms[r.RoomID] = r
		}
		findings, people = append(findings, p.Findings...), append(people, p.People...)
		for _, t := range p.Agencies {
			totals[t.AgencyID] = t
		}
	}
	if !reflect.DeepEqual(findings, whole.Findings) {
		return fmt.Errorf("the findings of the parts (%d) differ from the whole's (%d)", len(findings), len(whole.Findings))
	}
	if !reflect.DeepEqual(people, whole.People) {
		return fmt.Errorf("the people of the parts (%d) differ from the whole's (%d)", len(people), len(whole.People))
	}
	if len(rooms) != len(whole.Rooms) || len(totals) != len(whole.Agencies) {
		return fmt.Errorf("the parts hold %d rooms and %d agency totals; want %d and %d", len(rooms), len(totals),
			len(whole.Rooms), len(whole.Agencies))
	}
	for _, r := range whole.Rooms {
		if !reflect.DeepEqual(rooms[r.RoomID], r) {
			return fmt.Errorf("room %s of the parts = %+v; want %+v", r.Number, rooms[r.RoomID], r)
		}
	}
	for _, a := range whole.Agencies {
		if totals[a.AgencyID] != a {
			return fmt.Errorf("the totals of %s of the parts = %+v; want %+v", a.Name, totals[a.AgencyID], a)
		}
	}
	return nil
}
