package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

// RunInspections runs the conformance tests of the inspections (floorplan.InspectionStore) and drives a
// plan end to end through the register, on a store of its own from newStore for each test.
func RunInspections(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"CreateReadUpdate", testInspectionsCRUD},
		{"EndToEnd", testInspectionsEndToEnd},
		{"AsOfAndScope", testInspectionsAsOfAndScope},
		{"Team", testInspectionsTeam},
	})
}

// newPlan is a plan of kind over agencies (scope all for none), as of asOf, not yet created.
func newPlan(kind floorplan.InspectionKind, asOf time.Time, agencies ...uuid.UUID) floorplan.Inspection {
	scope := floorplan.InspectionScope{Kind: floorplan.ScopeAll}
	if len(agencies) > 0 {
		scope = floorplan.InspectionScope{Kind: floorplan.ScopeAgencies, AgencyIDs: agencies}
	}
	from := floorplan.DayOf(asOf)
	return floorplan.Inspection{Kind: kind, Title: "2026年度办公用房督查", AsOf: asOf, Scope: scope, PeriodFrom: from,
		PeriodTo: from.AddDate(0, 2, 0), Team: []string{"inspector1", "inspector2"}, Due: from.AddDate(0, 1, 0)}
}

func testInspectionsCRUD(t *testing.T, f *fixture) {
	ctx := f.ctx
	p := newPlan(floorplan.InspectSpecial, floorplan.Day(2026, 3, 1), f.agencies[0].ID)
	p.State, p.Checklist, p.Warnings = floorplan.PlanDraft, *floorplan.DefaultChecklist(), []string{"注意 note"}
	must(t, f.s.CreateInspection(ctx, &p))
	if p.ID == uuid.Nil || p.Version != 1 || p.CreatedAt.IsZero() {
		t.Fatalf("created %+v: want an id, version 1 and a time", p)
	}
	got, err := f.s.Inspection(ctx, p.ID)
	must(t, err)
	if got.Kind != p.Kind || got.Title != p.Title || !got.AsOf.Equal(p.AsOf) || got.Scope.Kind != floorplan.ScopeAgencies ||
		len(got.Scope.AgencyIDs) != 1 || len(got.Team) != 2 || len(got.Checklist.Points) != len(p.Checklist.Points) ||
		got.State != floorplan.PlanDraft || got.Warnings[0] != "注意 note" || got.Follows != uuid.Nil {
		t.Errorf("read %+v, want what was written", got)
	}
	got.State = floorplan.PlanStarted
	must(t, f.s.UpdateInspection(ctx, &got))
	stale := got
	stale.Version = 1
	if err := f.s.UpdateInspection(ctx, &stale); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("stale plan update: %v, want ErrConflict", err)
	}
	if _, err := f.s.Inspection(ctx, uuid.New()); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("unknown plan: %v, want ErrNotFound", err)
	}
	follow := newPlan(floorplan.InspectFollowUp, floorplan.Day(2026, 6, 1))
	follow.State, follow.Follows = floorplan.PlanDraft, uuid.New()
	if err := f.s.CreateInspection(ctx, &follow); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("following an unknown plan: %v, want ErrNotFound", err)
	}
	follow.Follows = p.ID
	must(t, f.s.CreateInspection(ctx, &follow))
	if again, _ := f.s.Inspection(ctx, follow.ID); again.Follows != p.ID {
		t.Errorf("follows read %s, want %s", again.Follows, p.ID)
	}

	items := []floorplan.InspectionItem{
		{InspectionID: p.ID, PointCode: "A2", Layer: floorplan.LayerAgency, AgencyID: f.agencies[0].ID, State: floorplan.ItemOpen,
			Notes: "原址已交他单位使用", Position: []float64{3.5, 2}, Measurements: []floorplan.Measurement{{Name: "面积", Value: 18.5, Unit: "m²"}}},
		{InspectionID: p.ID, PointCode: "A7", Layer: floorplan.LayerAgency, RuleID: "room.idle", State: floorplan.ItemNotified,
			Finding: &floorplan.Finding{RuleID: "room.idle", Message: "闲置", AreaM2: 30}},
		{InspectionID: follow.ID, PointCode: "L1", AgencyID: f.agencies[1].ID, State: floorplan.ItemOpen},
	}
	for i := range items {
		must(t, f.s.CreateInspectionItem(ctx, &items[i]))
	}
	one, err := f.s.InspectionItem(ctx, items[0].ID)
	must(t, err)
	if one.PointCode != "A2" || one.AgencyID != f.agencies[0].ID || one.Notes != items[0].Notes || len(one.Position) != 2 ||
		one.Measurements[0].Value != 18.5 || one.Version != 1 || one.InspectionID != p.ID || one.Trail == nil {
		t.Errorf("item read %+v", one)
	}
	two, err := f.s.InspectionItem(ctx, items[1].ID)
	must(t, err)
	if two.AgencyID != uuid.Nil || two.RuleID != "room.idle" || two.Finding == nil || two.Finding.AreaM2 != 30 {
		t.Errorf("item of no agency read %+v", two)
	}
	two.State = floorplan.ItemAnswered
	two.Trail = append(two.Trail, floorplan.ItemAction{Action: "answer", From: "notified", To: "answered", Comment: "已整改"})
	must(t, f.s.UpdateInspectionItem(ctx, &two))
	if two.Version != 2 {
		t.Errorf("item version %d after update, want 2", two.Version)
	}
	two.Version = 1
	if err := f.s.UpdateInspectionItem(ctx, &two); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("stale item update: %v, want ErrConflict", err)
	}
	bad := floorplan.InspectionItem{InspectionID: uuid.New(), PointCode: "A1", State: floorplan.ItemOpen}
	if err := f.s.CreateInspectionItem(ctx, &bad); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("item of an unknown plan: %v, want ErrNotFound", err)
	}
	for _, tc := range []struct {
		name string
		f    floorplan.ItemFilter
		want int
	}{
		{"all", floorplan.ItemFilter{}, 3},
		{"plan", floorplan.ItemFilter{InspectionID: p.ID}, 2},
		{"agency", floorplan.ItemFilter{AgencyID: f.agencies[0].ID}, 1},
		{"state", floorplan.ItemFilter{State: floorplan.ItemAnswered}, 1},
		{"plan and state", floorplan.ItemFilter{InspectionID: follow.ID, State: floorplan.ItemAnswered}, 0},
	} {
		got, err := f.s.InspectionItems(ctx, tc.f)
		must(t, err)
		if len(got) != tc.want {
			t.Errorf("%s: %d items, want %d", tc.name, len(got), tc.want)
		}
	}
	list, err := f.s.Inspections(ctx, floorplan.InspectionFilter{Kind: floorplan.InspectFollowUp})
	must(t, err)
	if len(list) != 1 || list[0].ID != follow.ID {
		t.Errorf("follow-ups: %+v", list)
	}
}

// inspectionSetup is a register over f's store on its clock, and two people over the standard (a staff
// member's 9 m²) in rooms of 20 m² of agency 0 since 2021.
func inspectionSetup(t *testing.T, f *fixture) (*floorplan.Register, *verdictFixture, []floorplan.Person, []floorplan.Room) {
	v := &verdictFixture{fixture: f}
	g := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(f.clock.Now))
	var people []floorplan.Person
	var rooms []floorplan.Room
	for range 2 {
		r := v.surveyedRoom(t, f.agencies[0].ID, floorplan.UsageOffice, 20)
		p := v.personOf(t, f.agencies[0].ID, floorplan.RankStaff)
		v.hold(t, p, r, floorplan.AssignMain)
		people, rooms = append(people, p), append(rooms, r)
	}
	return g, v, people, rooms
}

// itemOf returns the item of plan about person p's over-standard finding.
func itemOf(t *testing.T, f *fixture, plan uuid.UUID, p floorplan.Person) floorplan.InspectionItem {
	t.Helper()
	items, err := f.s.InspectionItems(f.ctx, floorplan.ItemFilter{InspectionID: plan})
	must(t, err)
	i := slices.IndexFunc(items, func(it floorplan.InspectionItem) bool {
		return it.Finding != nil && it.Finding.PersonID == p.ID && it.RuleID == floorplan.RuleOverStandard
	})
	if i < 0 {
		t.Fatalf("plan %s has no over-standard item of %s: %+v", plan, p.Name, items)
	}
	return items[i]
}

// testInspectionsEndToEnd drives an annual plan: start (items match the findings and stay frozen when the
// register changes), notice, answer, verify against the live register (not fixed while the finding
// holds), overdue, referral, a manual item, closing, and a follow-up of what was not fixed.
func testInspectionsEndToEnd(t *testing.T, f *fixture) {
	ctx := floorplan.WithActor(f.ctx, "inspector1")
	g, _, people, rooms := inspectionSetup(t, f)
	today := floorplan.DayOf(f.clock.Now())
	p := newPlan(floorplan.InspectAnnual, today, f.agencies[0].ID)
	if _, err := g.CreateInspection(ctx, &p, []string{"L1", "A2", "A7"}); err != nil {
		t.Fatal(err)
	}
	if p.State != floorplan.PlanDraft || len(p.Checklist.Points) != 3 {
		t.Fatalf("created %+v: want a draft with the 3 points asked", p)
	}
	p, _, err := g.StartInspection(ctx, p.ID)
	must(t, err)
	if p.State != floorplan.PlanStarted || p.Items != 2 {
		t.Fatalf("started: %s with %d items, want started with the 2 over-standard findings", p.State, p.Items)
	}
	if _, _, err := g.StartInspection(ctx, p.ID); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("starting twice: %v, want ErrConflict", err)
	}
	first, second := itemOf(t, f, p.ID, people[0]), itemOf(t, f, p.ID, people[1])
	fr := first.Finding
	if first.PointCode != "L1" || first.Layer != floorplan.LayerLeader || first.PersonName != people[0].Name || fr.AreaM2 != 20 ||
		fr.StandardM2 != 9 || fr.ExcessM2 != 11 || fr.Source == "" || fr.Message == "" || first.AgencyID != f.agencies[0].ID ||
		!slices.Contains(fr.RoomIDs, rooms[0].ID) || first.State != floorplan.ItemOpen {
		t.Fatalf("item %+v, finding %+v: want the finding's numbers, source, rooms and person", first, fr)
	}

	// The rectification of the first: notified, answered, not fixed while the finding holds.
	act := func(id uuid.UUID, in floorplan.ItemActionInput) (floorplan.InspectionItem, error) {
		it, _, err := g.ActOnItem(ctx, id, in)
		return it, err
	}
	var se *floorplan.ItemStateError
	if _, err := act(first.ID, floorplan.ItemActionInput{Action: floorplan.ItemAnswer, Comment: "x"}); !errors.As(err, &se) ||
		!errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("answering an open item: %v, want an ItemStateError", err)
	}
	if _, err := act(first.ID, floorplan.ItemActionInput{Action: floorplan.ItemNotify}); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("notice without a deadline: %v, want ErrInvalid", err)
	}
	deadline := today.AddDate(0, 0, 30)
	it, err := act(first.ID, floorplan.ItemActionInput{Action: floorplan.ItemNotify, Deadline: deadline})
	must(t, err)
	if it.State != floorplan.ItemNotified || !it.Deadline.Equal(deadline) || it.Overdue(f.clock.Now()) {
		t.Fatalf("notified: %+v", it)
	}
	_, err = act(first.ID, floorplan.ItemActionInput{Action: floorplan.ItemAnswer, Comment: "已调整至标准面积以内"})
	must(t, err)
	yes := true
	var holds *floorplan.FindingHoldsError
	if _, err := act(first.ID, floorplan.ItemActionInput{Action: floorplan.ItemVerify, Fixed: &yes}); !errors.As(err, &holds) ||
		holds.Finding.RuleID != floorplan.RuleOverStandard {
		t.Fatalf("verified fixed while the finding holds: %v, want a FindingHoldsError", err)
	}
	if got, _ := f.s.InspectionItem(f.ctx, first.ID); got.State != floorplan.ItemAnswered {
		t.Errorf("after the refused verification: %s, want answered", got.State)
	}
	// The room is cut down to 8 m²: the finding is gone today, the item keeps what was found.
	small := rooms[0]
	small.Geometry = orb.Polygon{{{small.Geometry[0][0][0], small.Geometry[0][0][1]}, {small.Geometry[0][0][0] + 4, small.Geometry[0][0][1]},
		{small.Geometry[0][0][0] + 4, small.Geometry[0][0][1] + 2}, {small.Geometry[0][0][0], small.Geometry[0][0][1] + 2},
		{small.Geometry[0][0][0], small.Geometry[0][0][1]}}}
	must(t, f.s.UpdateRoom(f.ctx, &small))
	it, err = act(first.ID, floorplan.ItemActionInput{Action: floorplan.ItemVerify, Fixed: &yes})
	must(t, err)
	frozen := itemOf(t, f, p.ID, people[0])
	if it.State != floorplan.ItemFixed || len(it.Trail) != 3 || it.Trail[2].Actor != "inspector1" || frozen.Finding.AreaM2 != 20 ||
		frozen.Finding.ExcessM2 != 11 || frozen.Finding.Message != fr.Message {
		t.Fatalf("fixed: %+v; stored finding %+v, want the frozen numbers", it, frozen.Finding)
	}

	// The second: notified until today, not fixed, overdue two days later, referred.
	_, err = act(second.ID, floorplan.ItemActionInput{Action: floorplan.ItemNotify, Deadline: today})
	must(t, err)
	no := false
	_, err = act(second.ID, floorplan.ItemActionInput{Action: floorplan.ItemVerify, Fixed: &no})
	must(t, err)
	if _, err := act(second.ID, floorplan.ItemActionInput{Action: floorplan.ItemRefer}); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("referral without a reason: %v, want ErrInvalid", err)
	}
	_, err = act(second.ID, floorplan.ItemActionInput{Action: floorplan.ItemNotify, Deadline: today})
	must(t, err)
	later := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(func() time.Time { return f.clock.Now().AddDate(0, 0, 2) }))
	it, _, err = later.ActOnItem(ctx, second.ID, floorplan.ItemActionInput{Action: floorplan.ItemRefer, Comment: "逾期未整改，移交纪检监察"})
	must(t, err)
	if it.State != floorplan.ItemReferred || len(it.Trail) != 4 {
		t.Fatalf("referred: %+v", it)
	}

	inspectionsManualAndFollowUp(t, f, g, p, rooms, second.ID, deadline)
}

// inspectionsManualAndFollowUp ends testInspectionsEndToEnd on plan p: a manual item from the field, the
// plan closed, then followed up, which checks again what was not fixed (the item second, referred, and the
// manual one).
func inspectionsManualAndFollowUp(t *testing.T, f *fixture, g *floorplan.Register, p floorplan.Inspection,
	rooms []floorplan.Room, second uuid.UUID, deadline time.Time) {
	ctx := floorplan.WithActor(f.ctx, "inspector1")
	today := floorplan.DayOf(f.clock.Now())
	manual := floorplan.InspectionItem{PointCode: "A2", AgencyID: f.agencies[0].ID, RoomID: rooms[1].ID, Position: []float64{2, 1},
		Measurements: []floorplan.Measurement{{Name: "实测面积", Value: 19.6, Unit: "m²"}}, Notes: "搬迁后原办公室交他单位使用"}
	_, err := g.AddInspectionItem(ctx, p.ID, &manual)
	must(t, err)
	if manual.FloorID != rooms[1].FloorID || manual.Layer != floorplan.LayerAgency || manual.State != floorplan.ItemOpen {
		t.Errorf("manual item %+v: want the room's floor, the point's layer, open", manual)
	}
	badPoint := floorplan.InspectionItem{PointCode: "L4", AgencyID: f.agencies[0].ID}
	if _, err := g.AddInspectionItem(ctx, p.ID, &badPoint); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("a point not in the plan's checklist: %v, want ErrInvalid", err)
	}

	// Closed, then followed up: what was not fixed is checked again.
	_, _, err = g.CloseInspection(ctx, p.ID)
	must(t, err)
	if _, _, err := g.ActOnItem(ctx, manual.ID, floorplan.ItemActionInput{Action: floorplan.ItemNotify, Deadline: deadline}); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("acting on an item of a closed plan: %v, want ErrConflict", err)
	}
	follow := newPlan(floorplan.InspectFollowUp, today)
	follow.Follows = p.ID
	_, err = g.CreateInspection(ctx, &follow, nil)
	must(t, err)
	follow, _, err = g.StartInspection(ctx, follow.ID)
	must(t, err)
	items, err := f.s.InspectionItems(f.ctx, floorplan.ItemFilter{InspectionID: follow.ID})
	must(t, err)
	if len(items) != 2 || follow.Items != 2 {
		t.Fatalf("follow-up items %d, want 2 (the referred and the manual)", len(items))
	}
	for _, it := range items {
		want := map[uuid.UUID]string{second: "holds", manual.ID: "manual"}[it.FollowsItem]
		if want == "" || it.Recheck != want || it.State != floorplan.ItemOpen {
			t.Errorf("follow-up item %+v: follows %s, recheck %q, want %q", it, it.FollowsItem, it.Recheck, want)
		}
	}
}

// testInspectionsAsOfAndScope: a plan's items are the findings as of its day (none before the people
// came) in its scope (an agency, a district, every agency); an annual plan due too late warns; bad input
// is refused, naming the field.
func testInspectionsAsOfAndScope(t *testing.T, f *fixture) {
	ctx := floorplan.WithActor(f.ctx, "inspector1")
	_, v, _, _ := inspectionSetup(t, f)
	// Agency 1, in a district, has one person over the standard too.
	district := floorplan.Jurisdiction{Name: "武进区", Code: "320412"}
	must(t, f.s.CreateJurisdiction(f.ctx, &district))
	a1, err := f.s.Agency(f.ctx, f.agencies[1].ID)
	must(t, err)
	a1.JurisdictionID = district.ID
	must(t, f.s.UpdateAgency(f.ctx, &a1))
	v.hold(t, v.personOf(t, a1.ID, floorplan.RankStaff), v.surveyedRoom(t, a1.ID, floorplan.UsageOffice, 20), floorplan.AssignMain)
	g := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(f.clock.Now), floorplan.WithAssessmentDate(floorplan.MonthDay{Month: time.March, Day: 31}))
	count := func(p floorplan.Inspection) int {
		t.Helper()
		if _, err := g.CreateInspection(ctx, &p, nil); err != nil {
			t.Fatal(err)
		}
		started, _, err := g.StartInspection(ctx, p.ID)
		must(t, err)
		return started.Items
	}
	if n := count(newPlan(floorplan.InspectSpecial, floorplan.Day(2020, 6, 1), f.agencies[0].ID)); n != 0 {
		t.Errorf("as of 2020-06-01 (before the assignments): %d items, want 0", n)
	}
	if n := count(newPlan(floorplan.InspectSpecial, floorplan.Day(2022, 6, 1), f.agencies[0].ID)); n != 2 {
		t.Errorf("as of 2022-06-01: %d items, want 2", n)
	}
	if n := count(newPlan(floorplan.InspectKey, floorplan.Day(2022, 6, 1), f.agencies[1].ID)); n != 1 {
		t.Errorf("agency 1: %d items, want its 1", n)
	}
	inDistrict := newPlan(floorplan.InspectKey, floorplan.Day(2022, 6, 1))
	inDistrict.Scope = floorplan.InspectionScope{Kind: floorplan.ScopeJurisdiction, JurisdictionID: district.ID}
	if n := count(inDistrict); n != 1 {
		t.Errorf("the district: %d items, want agency 1's 1", n)
	}
	if n := count(newPlan(floorplan.InspectSpecial, floorplan.Day(2022, 6, 1))); n != 3 {
		t.Errorf("every agency: %d items, want 3", n)
	}
	late := newPlan(floorplan.InspectAnnual, floorplan.Day(2026, 1, 10))
	late.Due = floorplan.Day(2026, 3, 20)
	_, err = g.CreateInspection(ctx, &late, nil)
	must(t, err)
	if len(late.Warnings) != 1 || !strings.Contains(late.Warnings[0], "2026-02-28") {
		t.Errorf("annual plan due 03-20, assessment 03-31: warnings %q, want one naming 2026-02-28", late.Warnings)
	}
	ok := newPlan(floorplan.InspectAnnual, floorplan.Day(2026, 1, 10))
	ok.Due = floorplan.Day(2026, 2, 20)
	_, err = g.CreateInspection(ctx, &ok, nil)
	must(t, err)
	if len(ok.Warnings) != 0 {
		t.Errorf("annual plan due in time: warnings %q", ok.Warnings)
	}
	for _, tc := range []struct {
		name  string
		mod   func(p *floorplan.Inspection)
		codes []string
		field string
	}{
		{"kind", func(p *floorplan.Inspection) { p.Kind = "weekly" }, nil, "kind"},
		{"future as_of", func(p *floorplan.Inspection) { p.AsOf = f.clock.Now().AddDate(0, 0, 3) }, nil, "as_of"},
		{"no team", func(p *floorplan.Inspection) { p.Team = nil }, nil, "team"},
		{"follows without follow_up", func(p *floorplan.Inspection) { p.Follows = uuid.New() }, nil, "follows"},
		{"unknown agency", func(p *floorplan.Inspection) { p.Scope.AgencyIDs = []uuid.UUID{uuid.New()} }, nil, "scope.agency_ids[0]"},
		{"system without name", func(p *floorplan.Inspection) { p.Scope.Kind = floorplan.ScopeSystem }, nil, "scope.system"},
		{"unknown district", func(p *floorplan.Inspection) {
			p.Scope = floorplan.InspectionScope{Kind: floorplan.ScopeJurisdiction, JurisdictionID: uuid.New()}
		}, nil, "scope.jurisdiction_id"},
		{"unknown point", func(*floorplan.Inspection) {}, []string{"L1", "Z9"}, "points[1]"},
	} {
		p := newPlan(floorplan.InspectSpecial, floorplan.Day(2022, 6, 1), f.agencies[0].ID)
		tc.mod(&p)
		_, err := g.CreateInspection(ctx, &p, tc.codes)
		var fe *floorplan.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: %v, want a FieldError on %s", tc.name, err, tc.field)
		}
	}
	plans, err := f.s.Inspections(f.ctx, floorplan.InspectionFilter{})
	must(t, err)
	if len(plans) != 7 {
		t.Errorf("%d plans stored, want 7 (nothing of the refused ones)", len(plans))
	}
}

// testInspectionsTeam: the items of a plan with a team are notified, verified and referred, and manual
// items added, by its inspectors only; an agency answers whoever is on the team; a plan with no team is
// open to every inspector.
func testInspectionsTeam(t *testing.T, f *fixture) {
	member, outsider := floorplan.WithActor(f.ctx, "inspector2"), floorplan.WithActor(f.ctx, "inspector9")
	_, _, people, rooms := inspectionSetup(t, f)
	// Teams are kept with accounts (a permission hook): here one that allows all, the team alone refusing.
	g := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(f.clock.Now), floorplan.WithPermit(floorplan.AllowAll))
	today := floorplan.DayOf(f.clock.Now())
	p := newPlan(floorplan.InspectAnnual, today, f.agencies[0].ID)
	_, err := g.CreateInspection(member, &p, []string{"L1", "A2"})
	must(t, err)
	p, _, err = g.StartInspection(member, p.ID)
	must(t, err)
	first := itemOf(t, f, p.ID, people[0])
	notify := floorplan.ItemActionInput{Action: floorplan.ItemNotify, Deadline: today.AddDate(0, 0, 30)}

	var nt *floorplan.NotOnTeamError
	if _, _, err := g.ActOnItem(outsider, first.ID, notify); !errors.As(err, &nt) || !errors.Is(err, floorplan.ErrForbidden) ||
		nt.Actor != "inspector9" || nt.InspectionID != p.ID || !strings.Contains(err.Error(), "not on the team") {
		t.Fatalf("notice by an inspector not on the team: %v, want a NotOnTeamError naming inspector9", err)
	}
	if got, _ := f.s.InspectionItem(f.ctx, first.ID); got.State != floorplan.ItemOpen || len(got.Trail) != 0 {
		t.Fatalf("after the refused notice: %s with %d actions, want open and untouched", got.State, len(got.Trail))
	}
	manual := floorplan.InspectionItem{PointCode: "A2", AgencyID: f.agencies[0].ID, RoomID: rooms[1].ID, Notes: "现场发现"}
	if _, err := g.AddInspectionItem(outsider, p.ID, &manual); !errors.As(err, &nt) {
		t.Fatalf("manual item by an inspector not on the team: %v, want a NotOnTeamError", err)
	}
	if items, _ := f.s.InspectionItems(f.ctx, floorplan.ItemFilter{InspectionID: p.ID}); len(items) != p.Items {
		t.Fatalf("after the refused manual item: %d items, want %d", len(items), p.Items)
	}

	// The team works the plan; the agency answers without being on it.
	_, _, err = g.ActOnItem(member, first.ID, notify)
	must(t, err)
	_, _, err = g.ActOnItem(floorplan.WithActor(f.ctx, "agency-manager"), first.ID, floorplan.ItemActionInput{Action: floorplan.ItemAnswer, Comment: "已整改"})
	must(t, err)
	no := false
	if _, _, err := g.ActOnItem(outsider, first.ID, floorplan.ItemActionInput{Action: floorplan.ItemVerify, Fixed: &no}); !errors.As(err, &nt) {
		t.Fatalf("verification by an inspector not on the team: %v, want a NotOnTeamError", err)
	}
	_, err = g.AddInspectionItem(member, p.ID, &manual)
	must(t, err)

	// A plan with no team (as stored before teams were checked) is open to every inspector.
	p, err = f.s.Inspection(f.ctx, p.ID)
	must(t, err)
	p.Team = nil
	must(t, f.s.UpdateInspection(f.ctx, &p))
	it, _, err := g.ActOnItem(outsider, first.ID, floorplan.ItemActionInput{Action: floorplan.ItemVerify, Fixed: &no})
	must(t, err)
	if it.State != floorplan.ItemNotFixed || it.Trail[len(it.Trail)-1].Actor != "inspector9" {
		t.Fatalf("verified on a plan with no team: %+v, want not fixed by inspector9", it)
	}
}
