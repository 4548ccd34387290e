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

// RunLeads runs the conformance tests of the leads (floorplan.LeadStore) and drives leads through the
// register: recorded with their links, triaged into an inspection item, closed; on a store of its own from
// newStore for each test.
func RunLeads(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"CreateReadUpdate", testLeadsCRUD},
		{"Register", testLeadsRegister},
		{"Triage", testLeadsTriage},
	})
}

func testLeadsCRUD(t *testing.T, f *fixture) {
	ctx := f.ctx
	l := floorplan.Lead{Source: floorplan.LeadHotline, ReceivedOn: floorplan.Day(2026, 3, 2), Text: "反映某局超标准配备办公用房",
		Contact: floorplan.LeadContact{Name: "王先生", Phone: "138 0000 0000"}, AgencyIDs: []uuid.UUID{f.agencies[0].ID},
		Places: []floorplan.LeadPlace{{AgencyID: f.agencies[0].ID}}, State: floorplan.LeadOpen, CreatedBy: "inspector1"}
	must(t, f.s.CreateLead(ctx, &l))
	if l.ID == uuid.Nil || l.Version != 1 || l.CreatedAt.IsZero() {
		t.Fatalf("created %+v: want an id, version 1 and a time", l)
	}
	got, err := f.s.Lead(ctx, l.ID)
	must(t, err)
	if got.Source != floorplan.LeadHotline || !got.ReceivedOn.Equal(l.ReceivedOn) || got.Text != l.Text || got.Contact != l.Contact ||
		len(got.AgencyIDs) != 1 || got.RoomIDs == nil || got.PersonIDs == nil || len(got.Places) != 1 ||
		got.Places[0].AgencyID != f.agencies[0].ID || got.State != floorplan.LeadOpen || got.CreatedBy != "inspector1" || got.ItemID != uuid.Nil {
		t.Errorf("read %+v, want what was written", got)
	}
	got.State, got.Reason = floorplan.LeadClosed, "重复线索"
	must(t, f.s.UpdateLead(ctx, &got))
	if got.Version != 2 {
		t.Errorf("version %d after update, want 2", got.Version)
	}
	stale := got
	stale.Version = 1
	if err := f.s.UpdateLead(ctx, &stale); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("stale lead update: %v, want ErrConflict", err)
	}
	if _, err := f.s.Lead(ctx, uuid.New()); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("unknown lead: %v, want ErrNotFound", err)
	}
	unknown := floorplan.Lead{ID: uuid.New(), Source: floorplan.LeadMedia, ReceivedOn: floorplan.Day(2026, 3, 1), Text: "x", State: floorplan.LeadOpen, Version: 1}
	if err := f.s.UpdateLead(ctx, &unknown); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("updating an unknown lead: %v, want ErrNotFound", err)
	}
	// A triaged lead names an item that exists.
	other := floorplan.Lead{Source: floorplan.LeadMedia, ReceivedOn: floorplan.Day(2026, 2, 20), Text: "媒体报道", State: floorplan.LeadOpen}
	must(t, f.s.CreateLead(ctx, &other))
	other.State, other.ItemID = floorplan.LeadTriaged, uuid.New()
	if err := f.s.UpdateLead(ctx, &other); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("triaged into an unknown item: %v, want ErrNotFound", err)
	}
	p := newPlan(floorplan.InspectSpecial, floorplan.Day(2026, 3, 1), f.agencies[0].ID)
	p.State = floorplan.PlanStarted
	must(t, f.s.CreateInspection(ctx, &p))
	it := floorplan.InspectionItem{InspectionID: p.ID, PointCode: "A2", AgencyID: f.agencies[0].ID, State: floorplan.ItemOpen}
	must(t, f.s.CreateInspectionItem(ctx, &it))
	other.ItemID, other.InspectionID = it.ID, p.ID
	must(t, f.s.UpdateLead(ctx, &other))
	if again, _ := f.s.Lead(ctx, other.ID); again.ItemID != it.ID || again.InspectionID != p.ID || again.State != floorplan.LeadTriaged {
		t.Errorf("triaged lead read %+v", again)
	}
	for _, tc := range []struct {
		name string
		f    floorplan.LeadFilter
		want []uuid.UUID
	}{
		{"all, oldest received first", floorplan.LeadFilter{}, []uuid.UUID{other.ID, l.ID}},
		{"state", floorplan.LeadFilter{State: floorplan.LeadClosed}, []uuid.UUID{l.ID}},
		{"source", floorplan.LeadFilter{Source: floorplan.LeadMedia}, []uuid.UUID{other.ID}},
		{"both", floorplan.LeadFilter{State: floorplan.LeadOpen, Source: floorplan.LeadMedia}, nil},
	} {
		list, err := f.s.Leads(ctx, tc.f)
		must(t, err)
		var ids []uuid.UUID
		for _, x := range list {
			ids = append(ids, x.ID)
		}
		if !slices.Equal(ids, tc.want) || list == nil {
			t.Errorf("%s: %v, want %v", tc.name, ids, tc.want)
		}
	}
}

// testLeadsRegister: a lead is recorded open with the places of its links; bad input is refused naming the
// field, with nothing written; closing needs a reason, and a handled lead is not handled again.
func testLeadsRegister(t *testing.T, f *fixture) {
	ctx := floorplan.WithActor(f.ctx, "inspector1")
	g, _, people, rooms := inspectionSetup(t, f)
	today := floorplan.DayOf(f.clock.Now())
	l := floorplan.Lead{Source: floorplan.LeadHotline, ReceivedOn: today, Text: "12345 来电：某局领导办公室面积超标",
		Contact: floorplan.LeadContact{Name: "匿名", Phone: "12345"}, RoomIDs: []uuid.UUID{rooms[0].ID}, PersonIDs: []uuid.UUID{people[0].ID},
		AgencyIDs: []uuid.UUID{f.agencies[1].ID}}
	_, err := g.CreateLead(ctx, &l, floorplan.RoleInspector)
	must(t, err)
	floor, err := f.s.Floor(f.ctx, rooms[0].FloorID)
	must(t, err)
	wantPlaces := []floorplan.LeadPlace{{AgencyID: f.agencies[0].ID, BuildingID: floor.BuildingID, FloorID: rooms[0].FloorID},
		{AgencyID: f.agencies[0].ID}, {AgencyID: f.agencies[1].ID}}
	if l.State != floorplan.LeadOpen || l.CreatedBy != "inspector1" || !slices.Equal(l.Places, wantPlaces) ||
		!slices.Equal(l.Agencies(), []uuid.UUID{f.agencies[0].ID, f.agencies[1].ID}) {
		t.Fatalf("recorded %+v: want open, by the actor, placed at the room, the person's and the linked agency", l)
	}
	for _, tc := range []struct {
		name  string
		mod   func(l *floorplan.Lead)
		field string
	}{
		{"source", func(l *floorplan.Lead) { l.Source = "letter" }, "source"},
		{"no day", func(l *floorplan.Lead) { l.ReceivedOn = time.Time{} }, "received_on"},
		{"future", func(l *floorplan.Lead) { l.ReceivedOn = today.AddDate(0, 0, 2) }, "received_on"},
		{"no text", func(l *floorplan.Lead) { l.Text = "  " }, "text"},
		{"long text", func(l *floorplan.Lead) { l.Text = strings.Repeat("长", 3001) }, "text"},
		{"phone", func(l *floorplan.Lead) { l.Contact.Phone = "call me" }, "contact.phone"},
		{"unknown room", func(l *floorplan.Lead) { l.RoomIDs = []uuid.UUID{uuid.New()} }, "room_ids[0]"},
		{"unknown person", func(l *floorplan.Lead) { l.PersonIDs = []uuid.UUID{people[1].ID, uuid.New()} }, "person_ids[1]"},
		{"unknown agency", func(l *floorplan.Lead) { l.AgencyIDs = []uuid.UUID{uuid.New()} }, "agency_ids[0]"},
		{"twice", func(l *floorplan.Lead) { l.AgencyIDs = []uuid.UUID{f.agencies[0].ID, f.agencies[0].ID} }, "agency_ids[1]"},
	} {
		bad := floorplan.Lead{Source: floorplan.LeadPublic, ReceivedOn: today, Text: "来信", AgencyIDs: []uuid.UUID{f.agencies[0].ID}}
		tc.mod(&bad)
		_, err := g.CreateLead(ctx, &bad, floorplan.RoleBureauAdmin)
		var fe *floorplan.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: %v, want a FieldError on %s", tc.name, err, tc.field)
		}
	}
	if _, err := g.CreateLead(ctx, &floorplan.Lead{Source: floorplan.LeadPublic, ReceivedOn: today, Text: "x"}, "planner"); !errors.Is(err, floorplan.ErrForbidden) {
		t.Errorf("recorded as a planner: %v, want ErrForbidden", err)
	}
	if list, _ := f.s.Leads(f.ctx, floorplan.LeadFilter{}); len(list) != 1 {
		t.Fatalf("%d leads stored, want 1 (nothing of the refused ones)", len(list))
	}

	if _, _, err := g.CloseLead(ctx, l.ID, " ", floorplan.RoleInspector); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("closing without a reason: %v, want ErrInvalid", err)
	}
	closed, _, err := g.CloseLead(floorplan.WithActor(f.ctx, "bureau1"), l.ID, "经核查，该办公室已按标准调整", floorplan.RoleBureauAdmin)
	must(t, err)
	stored, err := f.s.Lead(f.ctx, l.ID)
	must(t, err)
	if closed.State != floorplan.LeadClosed || stored.State != floorplan.LeadClosed || stored.Reason != "经核查，该办公室已按标准调整" ||
		stored.HandledBy != "bureau1" || stored.HandledAt.IsZero() || stored.Version != 2 {
		t.Errorf("closed %+v, stored %+v", closed, stored)
	}
	var se *floorplan.LeadStateError
	if _, _, err := g.CloseLead(ctx, l.ID, "again", floorplan.RoleInspector); !errors.As(err, &se) || !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("closing a closed lead: %v, want a LeadStateError", err)
	}
	if _, _, err := g.CloseLead(ctx, uuid.New(), "x", floorplan.RoleInspector); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("closing an unknown lead: %v, want ErrNotFound", err)
	}
}

// testLeadsTriage: a lead becomes a manual item of a started plan with its text, agency and room, in one
// write with its new state; a plan that has not started, a point not in its checklist or an agency the
// lead does not name is refused with nothing written; a triaged lead is not triaged again.
func testLeadsTriage(t *testing.T, f *fixture) {
	ctx := floorplan.WithActor(f.ctx, "inspector1")
	g, _, _, rooms := inspectionSetup(t, f)
	today := floorplan.DayOf(f.clock.Now())
	l := floorplan.Lead{Source: floorplan.LeadInternet, ReceivedOn: today, Text: "网民反映：某局一处办公室长期闲置",
		RoomIDs: []uuid.UUID{rooms[1].ID}}
	_, err := g.CreateLead(ctx, &l, floorplan.RoleInspector)
	must(t, err)
	draft := newPlan(floorplan.InspectSpecial, today, f.agencies[0].ID)
	_, err = g.CreateInspection(ctx, &draft, []string{"A2", "A7"})
	must(t, err)
	in := floorplan.LeadTriage{InspectionID: draft.ID, PointCode: "A7"}
	if _, _, _, err := g.TriageLead(ctx, l.ID, in); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("triage into a draft: %v, want ErrConflict", err)
	}
	started, _, err := g.StartInspection(ctx, draft.ID)
	must(t, err)
	for _, tc := range []struct {
		name  string
		in    floorplan.LeadTriage
		field string
	}{
		{"no plan", floorplan.LeadTriage{PointCode: "A7"}, "inspection_id"},
		{"unknown plan", floorplan.LeadTriage{InspectionID: uuid.New(), PointCode: "A7"}, "inspection_id"},
		{"point", floorplan.LeadTriage{InspectionID: started.ID, PointCode: "L1"}, "point_code"},
		{"agency", floorplan.LeadTriage{InspectionID: started.ID, PointCode: "A7", AgencyID: f.agencies[1].ID}, "agency_id"},
		{"room", floorplan.LeadTriage{InspectionID: started.ID, PointCode: "A7", RoomID: rooms[0].ID}, "room_id"},
	} {
		_, _, _, err := g.TriageLead(ctx, l.ID, tc.in)
		var fe *floorplan.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: %v, want a FieldError on %s", tc.name, err, tc.field)
		}
	}
	if items, _ := f.s.InspectionItems(f.ctx, floorplan.ItemFilter{InspectionID: started.ID}); slices.ContainsFunc(items, func(it floorplan.InspectionItem) bool {
		return it.RuleID == ""
	}) {
		t.Fatalf("a refused triage left a manual item: %+v", items)
	}
	if stored, _ := f.s.Lead(f.ctx, l.ID); stored.State != floorplan.LeadOpen || stored.Version != 1 {
		t.Fatalf("after the refused triages the lead is %s at version %d, want open at 1", stored.State, stored.Version)
	}

	in.InspectionID = started.ID
	lead, it, _, err := g.TriageLead(ctx, l.ID, in)
	must(t, err)
	item, err := f.s.InspectionItem(f.ctx, it.ID)
	must(t, err)
	if item.InspectionID != started.ID || item.PointCode != "A7" || item.AgencyID != f.agencies[0].ID || item.RoomID != rooms[1].ID ||
		item.FloorID != rooms[1].FloorID || !strings.Contains(item.Notes, l.Text) || !strings.Contains(item.Notes, l.ID.String()) ||
		item.State != floorplan.ItemOpen || item.RuleID != "" {
		t.Errorf("item %+v: want a manual A7 item of the room's agency, with the lead's text and id", item)
	}
	stored, err := f.s.Lead(f.ctx, l.ID)
	must(t, err)
	if lead.State != floorplan.LeadTriaged || stored.State != floorplan.LeadTriaged || stored.ItemID != it.ID ||
		stored.InspectionID != started.ID || stored.HandledBy != "inspector1" {
		t.Errorf("triaged lead %+v", stored)
	}
	var se *floorplan.LeadStateError
	if _, _, _, err := g.TriageLead(ctx, l.ID, in); !errors.As(err, &se) {
		t.Errorf("triaging twice: %v, want a LeadStateError", err)
	}
	if _, _, err := g.CloseLead(ctx, l.ID, "x", floorplan.RoleInspector); !errors.As(err, &se) {
		t.Errorf("closing a triaged lead: %v, want a LeadStateError", err)
	}
	// A lead of no agency needs one given.
	none := floorplan.Lead{Source: floorplan.LeadHigherLevel, ReceivedOn: today, Text: "上级交办"}
	_, err = g.CreateLead(ctx, &none, floorplan.RoleInspector)
	must(t, err)
	var fe *floorplan.FieldError
	if _, _, _, err := g.TriageLead(ctx, none.ID, floorplan.LeadTriage{InspectionID: started.ID, PointCode: "A2"}); !errors.As(err, &fe) || fe.Field != "agency_id" {
		t.Errorf("triage of a lead of no agency without one: %v, want a FieldError on agency_id", err)
	}
	_, it, _, err = g.TriageLead(ctx, none.ID, floorplan.LeadTriage{InspectionID: started.ID, PointCode: "A2", AgencyID: f.agencies[1].ID})
	must(t, err)
	if it.AgencyID != f.agencies[1].ID || it.RoomID != uuid.Nil {
		t.Errorf("item %+v: want agency 1's, with no room", it)
	}
}
