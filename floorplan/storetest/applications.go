package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// RunApplications runs the conformance tests of the online handling's applications
// (floorplan.ApplicationStore) on a store of its own from newStore for each test.
func RunApplications(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"CreateReadUpdate", testApplicationsCRUD},
		{"Filter", testApplicationsFilter},
		{"Register", testApplicationsRegister},
	})
}

func testApplicationsCRUD(t *testing.T, f *fixture) {
	ctx := floorplan.WithActor(f.ctx, "agency")
	due := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	a := floorplan.Application{Kind: floorplan.KindAllocation, AgencyID: f.agencies[0].ID, Title: "申请办公用房",
		Fields: floorplan.ApplicationFields{AreaM2: 42.5, Reason: "新增编制"}, State: "draft",
		Due: map[string]time.Time{"draft": due}}
	if err := f.s.CreateApplication(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if a.ID == uuid.Nil || a.Version != 1 || a.CreatedAt.IsZero() {
		t.Fatalf("created %+v: want an id, version 1 and a time", a)
	}
	got, err := f.s.Application(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != a.Kind || got.AgencyID != a.AgencyID || got.Title != a.Title || got.State != "draft" ||
		got.Fields.AreaM2 != 42.5 || got.Fields.Reason != "新增编制" || !got.Due["draft"].Equal(due) || got.Version != 1 {
		t.Errorf("read %+v, want what was written %+v", got, a)
	}
	got.State = "review"
	got.Actions = append(got.Actions, floorplan.ApplicationAction{Action: floorplan.ActSubmit, Step: "draft", Actor: "agency",
		Role: "agency_manager", Comment: "请审核", At: due})
	if err := f.s.UpdateApplication(ctx, &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 {
		t.Errorf("version after update %d, want 2", got.Version)
	}
	stale := got
	stale.Version = 1
	if err := f.s.UpdateApplication(ctx, &stale); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("stale update: %v, want ErrConflict", err)
	}
	again, err := f.s.Application(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.State != "review" || len(again.Actions) != 1 || again.Actions[0].Comment != "请审核" || again.Version != 2 {
		t.Errorf("after update %+v", again)
	}
	if _, err := f.s.Application(ctx, uuid.New()); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("unknown id: %v, want ErrNotFound", err)
	}
	bad := floorplan.Application{Kind: floorplan.KindAllocation, AgencyID: uuid.New(), Title: "x", State: "draft"}
	if err := f.s.CreateApplication(ctx, &bad); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("unknown agency: %v, want ErrNotFound", err)
	}
}

func testApplicationsFilter(t *testing.T, f *fixture) {
	ctx := floorplan.WithActor(f.ctx, "bureau")
	mk := func(kind floorplan.ApplicationKind, agency uuid.UUID, state string) {
		a := floorplan.Application{Kind: kind, AgencyID: agency, Title: string(kind), State: state}
		if err := f.s.CreateApplication(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	a0, a1 := f.agencies[0].ID, f.agencies[1].ID
	mk(floorplan.KindAllocation, a0, "draft")
	mk(floorplan.KindMaintenance, a0, "closed")
	mk(floorplan.KindAllocation, a1, "review")
	for _, tc := range []struct {
		f    floorplan.ApplicationFilter
		want int
	}{
		{floorplan.ApplicationFilter{}, 3},
		{floorplan.ApplicationFilter{Kind: floorplan.KindAllocation}, 2},
		{floorplan.ApplicationFilter{AgencyID: a0}, 2},
		{floorplan.ApplicationFilter{State: "review"}, 1},
		{floorplan.ApplicationFilter{Kind: floorplan.KindAllocation, AgencyID: a1}, 1},
		{floorplan.ApplicationFilter{Kind: floorplan.KindRecovery}, 0},
	} {
		got, err := f.s.Applications(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want {
			t.Errorf("filter %+v: %d applications, want %d", tc.f, len(got), tc.want)
		}
	}
}

// testApplicationsRegister drives a maintenance application through the register on the store: forward,
// returned, an action its step does not allow (a *StepError, ErrConflict, nothing written), a step left
// without the document it needs (ErrInvalid), and another application rejected.
func testApplicationsRegister(t *testing.T, f *fixture) {
	ctx := floorplan.WithActor(f.ctx, "clerk")
	g := floorplan.NewRegister(f.s)
	file := func() floorplan.Application {
		a := floorplan.Application{Kind: floorplan.KindMaintenance, AgencyID: f.agencies[0].ID, Title: "屋面渗漏维修",
			Fields: floorplan.ApplicationFields{SiteID: f.site.ID, Budget: 120000}}
		if _, err := g.FileApplication(ctx, &a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := file()
	act := func(action floorplan.AppAction) (floorplan.Application, error) {
		got, _, err := g.ActOnApplication(ctx, a.ID, floorplan.ActionInput{Action: action, Comment: string(action)})
		return got, err
	}
	steps := []struct {
		action floorplan.AppAction
		want   string
	}{{floorplan.ActSubmit, "assessment"}, {floorplan.ActReturn, "draft"}, {floorplan.ActSubmit, "assessment"},
		{floorplan.ActSubmit, "approval"}, {floorplan.ActApprove, "works"}, {floorplan.ActHandOver, "acceptance"}}
	for i, st := range steps {
		got, err := act(st.action)
		if err != nil {
			t.Fatalf("action %d %s: %v", i, st.action, err)
		}
		if got.State != st.want || len(got.Actions) != i+1 || got.Actions[i].Actor != "clerk" {
			t.Fatalf("after %s: state %s, %d actions; want %s, %d", st.action, got.State, len(got.Actions), st.want, i+1)
		}
	}
	var se *floorplan.StepError
	if _, err := act(floorplan.ActApprove); !errors.As(err, &se) || !errors.Is(err, floorplan.ErrConflict) || se.Step != "acceptance" {
		t.Errorf("approve at acceptance: %v, want a StepError at acceptance", err)
	}
	if _, err := act(floorplan.ActClose); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("close without the acceptance document: %v, want ErrInvalid", err)
	}
	stored, err := f.s.Application(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.State != "acceptance" || len(stored.Actions) != len(steps) || stored.Version != int64(len(steps))+1 {
		t.Errorf("stored after the refusals: %s, %d actions, version %d", stored.State, len(stored.Actions), stored.Version)
	}
	b := file()
	a = b
	if _, err := act(floorplan.ActSubmit); err != nil {
		t.Fatal(err)
	}
	got, err := act(floorplan.ActReject)
	if err != nil || got.State != floorplan.StateRejected || got.Open() {
		t.Errorf("reject: %v, %s", err, got.State)
	}
	if _, err := act(floorplan.ActSubmit); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("acting on a rejected application: %v, want ErrConflict", err)
	}
}
