package storetest

import (
	"slices"
	"testing"
	"time"

	"officemap/floorplan"
)

// testBitemporal checks the two times of every fact (floorplan/effective.go): a report as of a day reads
// the register as now known, from each change's effective day; SnapshotRecorded reads what was known at
// a moment; the history keeps both days and the reason.
func testBitemporal(t *testing.T, s floorplan.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	c := clockOf(t, s)
	today := day(c, 0)
	lastYear := day(c, -365)

	// A room surveyed in an old building: it exists from its known start, not from the day it was entered.
	old := f.newRoom(0, "101", rect(0, 0, 4, 6))
	old.ValidFrom = lastYear
	must(t, s.CreateRoom(ctx, &old))
	if !old.ValidFrom.Equal(lastYear) {
		t.Errorf("CreateRoom: ValidFrom = %v, want %v", old.ValidFrom, lastYear)
	}
	plain := f.room(t, 0, "102", rect(4, 0, 8, 6))
	if !plain.ValidFrom.Equal(today) {
		t.Errorf("CreateRoom without a start: ValidFrom = %v, want today %v", plain.ValidFrom, today)
	}
	lastMonth, err := s.Snapshot(ctx, day(c, -30))
	must(t, err)
	if roomIn(lastMonth, old.ID).ID != old.ID || roomIn(lastMonth, plain.ID).ID == plain.ID {
		t.Errorf("last month: the room known from last year must be there, the one entered today not")
	}
	if !lastMonth.FirstKnown.Equal(lastYear) {
		t.Errorf("FirstKnown = %v, want %v", lastMonth.FirstKnown, lastYear)
	}
	tooEarly, err := s.Snapshot(ctx, day(c, -400))
	must(t, err)
	if len(tooEarly.Rooms) != 0 || !tooEarly.FirstKnown.Equal(lastYear) {
		t.Errorf("before the first room: %d rooms, first known %v", len(tooEarly.Rooms), tooEarly.FirstKnown)
	}

	// A retirement dated 50 days ago, entered today: as now known the person had retired 40 days ago.
	p := f.person(t, "钱进", floorplan.RankDivision)
	a := f.assign(t, p, old, day(c, -300))
	p.Status, p.StatusDate = floorplan.PersonRetired, day(c, -50)
	must(t, s.UpdatePerson(ctx, &p))
	mid, err := s.Snapshot(ctx, day(c, -40))
	must(t, err)
	if i := slices.IndexFunc(mid.People, func(x floorplan.Person) bool { return x.ID == p.ID }); i < 0 ||
		mid.People[i].Status != floorplan.PersonRetired {
		t.Errorf("40 days ago, as now known: the retirement dated 50 days ago is missing")
	}
	before, err := s.Snapshot(ctx, day(c, -60))
	must(t, err)
	if i := slices.IndexFunc(before.People, func(x floorplan.Person) bool { return x.ID == p.ID }); i < 0 ||
		before.People[i].Status != floorplan.PersonActive {
		t.Errorf("60 days ago the person was active")
	}
	if !slices.ContainsFunc(mid.Assignments, func(x floorplan.Assignment) bool { return x.ID == a.ID }) {
		t.Errorf("40 days ago: the assignment (from 300 days ago) is missing")
	}

	// What officemap said before the retirement was entered.
	c.Pass(t, aged)
	entered := c.Now().Add(-aged - time.Minute) // before everything above was written
	p, err = s.Person(ctx, p.ID)
	must(t, err)
	old, err = s.Room(ctx, old.ID)
	must(t, err)

	// A survey correction of room 101 effective 100 days ago, with its reason.
	fixCtx := floorplan.WithReason(floorplan.WithEffective(ctx, day(c, -100)), "复测更正")
	old.Geometry = rect(0, 0, 4, 5.5)
	must(t, s.UpdateRoom(fixCtx, &old))
	for _, tc := range []struct {
		name string
		on   int
		area float64
	}{{"before the correction's day", -101, 24}, {"on the correction's day", -100, 22}, {"today", 0, 22}} {
		snap, err := s.Snapshot(ctx, day(c, tc.on))
		must(t, err)
		if got := roomIn(snap, old.ID).Area(); got != tc.area {
			t.Errorf("%s: room 101 has %v m², want %v", tc.name, got, tc.area)
		}
	}
	then, err := s.SnapshotRecorded(ctx, day(c, -50), entered)
	must(t, err)
	if got := roomIn(then, old.ID).Area(); got != 0 {
		t.Errorf("as recorded before anything was entered: room 101 is there (%v m²)", got)
	}
	now := c.Now()
	recorded, err := s.SnapshotRecorded(ctx, day(c, -50), now.Add(-aged/2))
	must(t, err)
	if got := roomIn(recorded, old.ID).Area(); got != 24 {
		t.Errorf("as recorded before the correction: room 101 has %v m², want 24", got)
	}
	h, err := s.History(ctx, floorplan.EntityRoom, old.ID)
	must(t, err)
	if n := len(h); n < 2 || h[n-1].Reason != "复测更正" || !h[n-1].Effective.Equal(day(c, -100)) ||
		!h[0].Effective.Equal(lastYear) {
		t.Errorf("history: %+v, want the insert effective %v and the correction effective %v with its reason",
			h, lastYear, day(c, -100))
	}
	ph, err := s.History(ctx, floorplan.EntityPerson, p.ID)
	must(t, err)
	if i := slices.IndexFunc(ph, func(x floorplan.Change) bool { return x.Op == "update" }); i < 0 ||
		!ph[i].Effective.Equal(p.StatusDate) {
		t.Errorf("person history: the retirement's change must be effective from its status date %v: %+v", p.StatusDate, ph)
	}

	// A delete holds from today: the room stays in the past.
	must(t, s.DeleteAssignment(ctx, a.ID, mustVersion(t, s, a)))
	snap, err := s.Snapshot(ctx, day(c, -1))
	must(t, err)
	if !slices.ContainsFunc(snap.Assignments, func(x floorplan.Assignment) bool { return x.ID == a.ID }) {
		t.Errorf("yesterday: the assignment deleted today is missing")
	}
}

func mustVersion(t *testing.T, s floorplan.Store, a floorplan.Assignment) int64 {
	t.Helper()
	got, err := s.Assignment(ctxFor(t), a.ID)
	must(t, err)
	return got.Version
}
