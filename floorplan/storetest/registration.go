package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// RunRegistration runs the conformance tests of the registration (floorplan.RegistrationStore through the
// Register: the state's history, the filing steps, the timeline) on a store of its own from newStore for
// each test.
func RunRegistration(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"History", testRegistrationHistory},
		{"Steps", testRegistrationSteps},
		{"Timeline", testRegistrationTimeline},
		{"AppendOnly", testRegistrationAppendOnly},
	})
}

// register is the Register over the fixture's store and clock.
func (f *fixture) register() *floorplan.Register {
	return floorplan.NewRegister(f.s, floorplan.WithRegisterClock(f.clock.Now))
}

// wantField checks that err is an ErrInvalid *FieldError naming field.
func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	var fe *floorplan.FieldError
	if !errors.As(err, &fe) || !errors.Is(err, floorplan.ErrInvalid) || fe.Field != field {
		t.Errorf("%s: %v; want an invalid-input error naming %s", what, err, field)
	}
}

// registrationOf reads the fixture site's registration.
func registrationOf(t *testing.T, f *fixture) floorplan.Registration {
	t.Helper()
	site, err := f.s.Site(f.ctx, f.site.ID)
	must(t, err)
	reg, err := floorplan.ReadRegistration(f.ctx, f.s, site)
	must(t, err)
	return reg
}

func testRegistrationHistory(t *testing.T, f *fixture) {
	g, ctx := f.register(), floorplan.WithActor(f.ctx, "bureau")
	set := func(state floorplan.OwnershipStatus, day, reason string) error {
		c := floorplan.RegistrationChange{SiteID: f.site.ID, State: state, Reason: reason}
		if day != "" {
			c.Effective = mustDay(t, day)
		}
		_, err := g.SetRegistration(ctx, &c)
		return err
	}
	must(t, set(floorplan.OwnershipUnclear, "2024-03-01", "原产权证遗失"))
	must(t, set(floorplan.OwnershipFiling, "2024-06-01", "启动备案"))
	wantField(t, "the same state again", set(floorplan.OwnershipFiling, "2024-07-01", "再次"), "state")
	wantField(t, "a day before the last change", set(floorplan.OwnershipDisputed, "2024-05-01", "倒签"), "effective")
	wantField(t, "no reason", set(floorplan.OwnershipDisputed, "2024-07-01", "  "), "reason")
	wantField(t, "an unknown state", set("lost", "2024-07-01", "x"), "state")
	wantField(t, "a day after today", set(floorplan.OwnershipDisputed, f.clock.Now().AddDate(0, 0, 3).Format(floorplan.DateLayout), "x"), "effective")
	err := set(floorplan.OwnershipFiled, "2024-07-01", "备案完成")
	wantField(t, "filed without steps", err, "steps")
	if err == nil || !strings.Contains(err.Error(), "confirmation, notice, filing_document") {
		t.Errorf("filed without steps: %v; want the missing steps named", err)
	}
	if _, err := g.SetRegistration(ctx, &floorplan.RegistrationChange{SiteID: uuid.New(), State: floorplan.OwnershipUnclear,
		Effective: mustDay(t, "2024-01-01"), Reason: "x"}); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("an unknown site: %v; want ErrNotFound", err)
	}

	reg := registrationOf(t, f)
	var got []string
	for _, c := range reg.History {
		got = append(got, string(c.State)+" "+c.Effective.Format(floorplan.DateLayout)+" "+c.Reason+" "+c.RecordedBy)
		if c.ID == uuid.Nil || c.RecordedAt.IsZero() {
			t.Errorf("change %+v: want an id and when it was recorded", c)
		}
	}
	want := []string{"unclear 2024-03-01 原产权证遗失 bureau", "filing 2024-06-01 启动备案 bureau"}
	if !slices.Equal(got, want) || reg.State != floorplan.OwnershipFiling {
		t.Errorf("history %q, state %s; want %q, filing (nothing of the refused changes)", got, reg.State, want)
	}
	if !reg.History[0].RecordedAt.Before(reg.History[1].RecordedAt) && !reg.History[0].RecordedAt.Equal(reg.History[1].RecordedAt) {
		t.Errorf("history not oldest first: %v, %v", reg.History[0].RecordedAt, reg.History[1].RecordedAt)
	}
	site, err := f.s.Site(f.ctx, f.site.ID)
	must(t, err)
	if site.Ownership != floorplan.OwnershipFiling || site.Version != f.site.Version+2 {
		t.Errorf("site after two changes: ownership %s, version %d; want filing, %d", site.Ownership, site.Version, f.site.Version+2)
	}
	h, err := f.s.History(f.ctx, floorplan.EntitySite, f.site.ID)
	must(t, err)
	if last := h[len(h)-1]; last.Op != "update" || last.Reason != "启动备案" || !last.Effective.Equal(mustDay(t, "2024-06-01")) {
		t.Errorf("the site's history of the last change: %s %q effective %v; want an update for 启动备案 effective 2024-06-01",
			last.Op, last.Reason, last.Effective)
	}
}

func testRegistrationSteps(t *testing.T, f *fixture) {
	g, ctx := f.register(), floorplan.WithActor(f.ctx, "bureau")
	confirm, err := fileDoc(t, f, floorplan.SubjectSite, f.site.ID, "filing_confirmation", []byte("%PDF-1.4 确权"), uuid.Nil)
	must(t, err)
	notice, err := fileDoc(t, f, floorplan.SubjectBuilding, f.building.ID, "public_notice", []byte("%PDF-1.4 公示"), uuid.Nil)
	must(t, err)
	hidden, err := fileDoc(t, f, floorplan.SubjectSite, f.site.ID, "other", []byte("%PDF-1.4 作废"), uuid.Nil)
	must(t, err)
	must(t, f.s.HideDocument(ctx, hidden.ID, "bureau", "上传错误"))
	other := floorplan.Site{Name: "别处", Category: f.site.Category, Ownership: floorplan.OwnershipRegistered}
	must(t, f.s.CreateSite(f.ctx, &other))
	elsewhere, err := fileDoc(t, f, floorplan.SubjectSite, other.ID, "other", []byte("%PDF-1.4 别处"), uuid.Nil)
	must(t, err)

	day := func(s string) floorplan.FilingStep { return floorplan.FilingStep{Date: mustDay(t, s)} }
	step := func(s floorplan.FilingStep, k floorplan.FilingStepKind, ids ...uuid.UUID) error {
		s.SiteID, s.Step, s.DocumentIDs = f.site.ID, k, ids
		_, err := g.RecordFilingStep(ctx, &s)
		return err
	}
	notice0 := floorplan.FilingStep{Start: mustDay(t, "2024-07-05"), End: mustDay(t, "2024-07-20")}
	wantField(t, "a notice before any confirmation", step(notice0, floorplan.StepNotice), "step")
	wantField(t, "an unknown step", step(day("2024-07-01"), "survey"), "step")
	wantField(t, "a confirmation without a day", step(floorplan.FilingStep{}, floorplan.StepConfirmation), "date")
	wantField(t, "an unknown document", step(day("2024-07-01"), floorplan.StepConfirmation, uuid.New()), "document_ids[0]")
	wantField(t, "a hidden document", step(day("2024-07-01"), floorplan.StepConfirmation, confirm.ID, hidden.ID), "document_ids[1]")
	wantField(t, "another site's document", step(day("2024-07-01"), floorplan.StepConfirmation, elsewhere.ID), "document_ids[0]")
	must(t, step(day("2024-07-01"), floorplan.StepConfirmation, confirm.ID))

	wantField(t, "a notice starting before the confirmation",
		step(floorplan.FilingStep{Start: mustDay(t, "2024-06-30"), End: mustDay(t, "2024-07-20")}, floorplan.StepNotice), "start")
	wantField(t, "a notice ending before it starts",
		step(floorplan.FilingStep{Start: mustDay(t, "2024-07-20"), End: mustDay(t, "2024-07-05")}, floorplan.StepNotice), "end")
	must(t, step(notice0, floorplan.StepNotice, notice.ID))

	doc := floorplan.FilingStep{Date: mustDay(t, "2024-07-10"), Number: "常管办〔2024〕12号", Form: floorplan.FormMinutes}
	wantField(t, "a filing document dated before the notice ends", step(doc, floorplan.StepFilingDocument), "date")
	doc.Date, doc.Number = mustDay(t, "2024-08-01"), " "
	wantField(t, "a filing document without a number", step(doc, floorplan.StepFilingDocument), "number")
	doc.Number, doc.Form = "常管办〔2024〕12号", "letter"
	wantField(t, "an unknown form", step(doc, floorplan.StepFilingDocument), "form")
	doc.Form = floorplan.FormMinutes
	must(t, step(doc, floorplan.StepFilingDocument))
	wantField(t, "a confirmation again, after the notice started", step(day("2024-07-06"), floorplan.StepConfirmation), "date")

	all, err := f.s.FilingStepsOf(f.ctx, f.site.ID)
	must(t, err)
	if len(all) != 3 {
		t.Fatalf("%d steps stored; want the 3 accepted (nothing of the refused ones)", len(all))
	}
	reg := registrationOf(t, f)
	var got []string
	for _, s := range reg.Steps {
		got = append(got, string(s.Step))
	}
	if !slices.Equal(got, []string{"confirmation", "notice", "filing_document"}) {
		t.Errorf("steps %q; want confirmation, notice, filing_document", got)
	}
	if n, _ := reg.Step(floorplan.StepNotice); !n.Start.Equal(mustDay(t, "2024-07-05")) || !n.End.Equal(mustDay(t, "2024-07-20")) ||
		!slices.Equal(n.DocumentIDs, []uuid.UUID{notice.ID}) || n.RecordedBy != "bureau" {
		t.Errorf("notice as read: %+v", n)
	}
	if d, _ := reg.Step(floorplan.StepFilingDocument); d.Number != "常管办〔2024〕12号" || d.Form != floorplan.FormMinutes ||
		!d.Date.Equal(mustDay(t, "2024-08-01")) || len(d.DocumentIDs) != 0 {
		t.Errorf("filing document as read: %+v", d)
	}
	// A step recorded again replaces the earlier one in the view; both stay stored.
	must(t, step(day("2024-07-02"), floorplan.StepConfirmation, confirm.ID))
	reg = registrationOf(t, f)
	if c, _ := reg.Step(floorplan.StepConfirmation); !c.Date.Equal(mustDay(t, "2024-07-02")) || len(reg.Steps) != 3 {
		t.Errorf("after recording the confirmation again: %+v", reg.Steps)
	}
	_, err = g.SetRegistration(ctx, &floorplan.RegistrationChange{SiteID: f.site.ID, State: floorplan.OwnershipFiled,
		Effective: mustDay(t, "2024-08-02"), Reason: "备案完成"})
	must(t, err)
	if reg = registrationOf(t, f); reg.State != floorplan.OwnershipFiled {
		t.Errorf("state after the three steps: %s; want filed", reg.State)
	}
}

func testRegistrationTimeline(t *testing.T, f *fixture) {
	g, ctx := f.register(), floorplan.WithActor(f.ctx, "bureau")
	room := floorplan.Room{FloorID: f.floors[1].ID, Number: "101", Usage: floorplan.UsageOffice, AgencyID: f.agencies[0].ID,
		State: floorplan.RoomInUse, Geometry: rect(0, 0, 5, 4)}
	must(t, f.s.CreateRoom(ctx, &room))
	shop := floorplan.Room{FloorID: f.floors[1].ID, Number: "102", Usage: floorplan.UsageOffice, State: floorplan.RoomInUse,
		Geometry: rect(5, 0, 10, 4)}
	must(t, f.s.CreateRoom(ctx, &shop))
	shop.State = floorplan.RoomLeased
	must(t, f.s.UpdateRoom(floorplan.WithEffective(ctx, mustDay(t, "2025-03-01")), &shop))
	_, err := g.SetRegistration(ctx, &floorplan.RegistrationChange{SiteID: f.site.ID, State: floorplan.OwnershipDisputed,
		Effective: mustDay(t, "2025-01-10"), Reason: "相邻单位主张权利"})
	must(t, err)
	photo, err := fileDoc(t, f, floorplan.SubjectSite, f.site.ID, "maintenance_record", []byte("%PDF-1.4 维修"), uuid.Nil)
	must(t, err)
	ev := floorplan.TimelineEvent{SiteID: f.site.ID, Date: mustDay(t, "2024-05-01"), Kind: floorplan.TimelineRenovated,
		Title: "外立面改造", Note: "竣工验收合格", DocumentIDs: []uuid.UUID{photo.ID}}
	_, err = g.AddTimelineEvent(ctx, &ev)
	must(t, err)
	for _, bad := range []struct {
		field string
		e     floorplan.TimelineEvent
	}{
		{"kind", floorplan.TimelineEvent{SiteID: f.site.ID, Date: mustDay(t, "2024-05-01"), Kind: "sold", Title: "x"}},
		{"date", floorplan.TimelineEvent{SiteID: f.site.ID, Kind: floorplan.TimelineOther, Title: "x"}},
		{"title", floorplan.TimelineEvent{SiteID: f.site.ID, Date: mustDay(t, "2024-05-01"), Kind: floorplan.TimelineOther}},
		{"document_ids[0]", floorplan.TimelineEvent{SiteID: f.site.ID, Date: mustDay(t, "2024-05-01"), Kind: floorplan.TimelineOther,
			Title: "x", DocumentIDs: []uuid.UUID{uuid.New()}}},
	} {
		_, err := g.AddTimelineEvent(ctx, &bad.e)
		wantField(t, "timeline event without a good "+bad.field, err, bad.field)
	}
	manual, err := f.s.TimelineEvents(f.ctx, f.site.ID)
	must(t, err)
	if len(manual) != 1 || manual[0].ID != ev.ID || manual[0].Title != "外立面改造" || manual[0].RecordedBy != "bureau" ||
		!slices.Equal(manual[0].DocumentIDs, []uuid.UUID{photo.ID}) || !manual[0].Date.Equal(mustDay(t, "2024-05-01")) {
		t.Fatalf("manual events stored: %+v; want the one accepted", manual)
	}

	// A change of the ownership made by editing the site (no registration change recorded) shows too.
	site, err := f.s.Site(f.ctx, f.site.ID)
	must(t, err)
	site.Ownership = floorplan.OwnershipToRegister
	must(t, f.s.UpdateSite(floorplan.WithEffective(ctx, mustDay(t, "2025-02-01")), &site))
	events, err := floorplan.BuildTimeline(f.ctx, f.s, site, floorplan.TimelineScope{Assignments: true})
	must(t, err)
	kinds := map[floorplan.TimelineKind][]floorplan.TimelineEvent{}
	for i, e := range events {
		kinds[e.Kind] = append(kinds[e.Kind], e)
		if i > 0 && e.Date.Before(events[i-1].Date) {
			t.Errorf("event %d (%s %s) before event %d (%s): not oldest first", i, e.Kind, e.Date.Format(floorplan.DateLayout), i-1,
				events[i-1].Date.Format(floorplan.DateLayout))
		}
	}
	if len(events) == 0 || events[0].Source != floorplan.TimelineManual || events[0].Kind != floorplan.TimelineRenovated {
		t.Errorf("the first event: %+v; want the manual renovation of 2024-05-01", events[:min(1, len(events))])
	}
	for kind, want := range map[floorplan.TimelineKind]string{
		floorplan.TimelineAcquired:  f.site.Name,
		floorplan.TimelineBuilt:     f.building.Name,
		floorplan.TimelineAllocated: "101",
		floorplan.TimelineLeased:    "102",
	} {
		es := kinds[kind]
		if len(es) != 1 || es[0].Source != floorplan.TimelineAuto || !strings.Contains(es[0].Title, want) || es[0].TitleEN == "" {
			t.Errorf("%s events: %+v; want one automatic event naming %s", kind, es, want)
		}
	}
	if l := kinds[floorplan.TimelineLeased]; len(l) == 1 && (!l[0].Date.Equal(mustDay(t, "2025-03-01")) || l[0].EntityID != f.building.ID) {
		t.Errorf("the lease: %+v; want 2025-03-01 on the building", l[0])
	}
	if o := kinds[floorplan.TimelineOther]; len(o) != 2 || !o[0].Date.Equal(mustDay(t, "2025-01-10")) || o[0].Note != "相邻单位主张权利" ||
		!strings.Contains(o[0].Title, "有争议") || !o[1].Date.Equal(mustDay(t, "2025-02-01")) || !strings.Contains(o[1].Title, "待登记") {
		t.Errorf("the state changes: %+v; want 有争议 on 2025-01-10 with its reason (once), then 待登记 on 2025-02-01", o)
	}
	again, err := floorplan.BuildTimeline(f.ctx, f.s, site, floorplan.TimelineScope{Assignments: true})
	must(t, err)
	for i := range again {
		if again[i].ID != events[i].ID {
			t.Errorf("event %d has id %s, then %s: automatic ids must be stable", i, events[i].ID, again[i].ID)
		}
	}
	// A reader who does not see the rooms gets no room events.
	hidden, err := floorplan.BuildTimeline(f.ctx, f.s, site, floorplan.TimelineScope{Room: func(floorplan.Room) bool { return false }})
	must(t, err)
	for _, e := range hidden {
		if e.Kind == floorplan.TimelineAllocated || e.Kind == floorplan.TimelineLeased {
			t.Errorf("a room event outside the scope: %+v", e)
		}
	}
}

func testRegistrationAppendOnly(t *testing.T, f *fixture) {
	ctx := floorplan.WithActor(f.ctx, "bureau")
	c := floorplan.RegistrationChange{SiteID: f.site.ID, State: floorplan.OwnershipUnclear, Effective: mustDay(t, "2024-01-01"), Reason: "x"}
	must(t, f.s.AddRegistrationChange(ctx, &c))
	unknown := []error{
		f.s.AddRegistrationChange(ctx, &floorplan.RegistrationChange{SiteID: uuid.New(), State: floorplan.OwnershipUnclear,
			Effective: mustDay(t, "2024-01-01"), Reason: "x"}),
		f.s.AddFilingStep(ctx, &floorplan.FilingStep{SiteID: uuid.New(), Step: floorplan.StepConfirmation, Date: mustDay(t, "2024-01-01")}),
		f.s.AddTimelineEvent(ctx, &floorplan.TimelineEvent{SiteID: uuid.New(), Date: mustDay(t, "2024-01-01"), Kind: floorplan.TimelineOther, Title: "x"}),
	}
	for i, err := range unknown {
		if !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("add %d for an unknown site: %v; want ErrNotFound", i, err)
		}
	}
	if err := f.s.AddFilingStep(ctx, &floorplan.FilingStep{SiteID: f.site.ID, Step: floorplan.StepNotice,
		Start: mustDay(t, "2024-02-01"), End: mustDay(t, "2024-01-01")}); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("a notice ending before it starts, straight to the store: %v; want ErrInvalid", err)
	}
	steps, err := f.s.FilingStepsOf(f.ctx, f.site.ID)
	must(t, err)
	if len(steps) != 0 {
		t.Errorf("%d steps stored after refusals; want none", len(steps))
	}
}

// mustDay parses a YYYY-MM-DD day.
func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := floorplan.ParseDate(s)
	must(t, err)
	return d
}
