package storetest

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// RunAllocation runs the conformance tests of an allocation's scenario on its application
// (floorplan/application_scenario.go): proposed at review, applied at approval in the approval's
// transaction, the usage certificate issued at hand-over; on a store of its own from newStore per test.
func RunAllocation(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"Procedure", testAllocationProcedure},
		{"NoScenario", testAllocationNoScenario},
		{"Rejected", testAllocationRejected},
		{"Conflict", testAllocationConflict},
		{"Race", testAllocationRace},
	})
}

// allocation is an allocation's test bench: the register over the fixture and the acts on one application.
type allocation struct {
	t   *testing.T
	f   *fixture
	g   *floorplan.Register
	app floorplan.Application
	doc uuid.UUID // a filing document, for the approval
}

// newAllocation files an allocation of the fixture's first agency (municipal) with a filing document ready.
func newAllocation(t *testing.T, f *fixture) *allocation {
	t.Helper()
	al := &allocation{t: t, f: f, g: f.register()}
	al.app = floorplan.Application{Kind: floorplan.KindAllocation, AgencyID: f.agencies[0].ID, Title: "申请调配办公用房",
		Fields: floorplan.ApplicationFields{AreaM2: 30, Reason: "处长办公室调整"}}
	if _, err := al.g.FileApplication(f.ctx, &al.app); err != nil {
		t.Fatal(err)
	}
	d, err := fileDoc(t, f, floorplan.SubjectAgency, f.agencies[0].ID, "filing_document", []byte("%PDF-1.7 批复 "+uuid.NewString()), uuid.Nil)
	must(t, err)
	al.doc = d.ID
	return al
}

// act takes action on the application (with the filing document and override reason given) and keeps
// what the register returns when it succeeds.
func (al *allocation) act(action floorplan.AppAction, override string) (floorplan.Changes, error) {
	in := floorplan.ActionInput{Action: action, Comment: string(action), OverrideReason: override}
	if action == floorplan.ActApprove {
		in.DocumentIDs = []uuid.UUID{al.doc}
	}
	a, c, err := al.g.ActOnApplication(al.f.ctx, al.app.ID, in)
	if err == nil {
		al.app = a
	}
	return c, err
}

// mustAct takes actions that must succeed, checking the step each leads to.
func (al *allocation) mustAct(steps ...any) {
	al.t.Helper()
	for i := 0; i < len(steps); i += 2 {
		action, want := steps[i].(floorplan.AppAction), steps[i+1].(string)
		if _, err := al.act(action, "理由"); err != nil {
			al.t.Fatalf("%s at %s: %v", action, al.app.State, err)
		}
		if al.app.State != want {
			al.t.Fatalf("after %s: at %s, want %s", action, al.app.State, want)
		}
	}
}

// toApproval submits the application for review, proposes sc on it and submits it for approval.
func (al *allocation) toApproval(sc floorplan.Scenario) {
	al.t.Helper()
	al.mustAct(floorplan.ActSubmit, "review")
	if _, _, err := al.g.ProposeScenario(al.f.ctx, al.app.ID, sc, ""); err != nil {
		al.t.Fatal(err)
	}
	al.mustAct(floorplan.ActSubmit, "approval")
}

// stored reads the application back from the store.
func (al *allocation) stored() floorplan.Application {
	al.t.Helper()
	a, err := al.f.s.Application(al.f.ctx, al.app.ID)
	must(al.t, err)
	return a
}

// certificates returns the certificates issued for the application.
func (al *allocation) certificates() []floorplan.Certificate {
	al.t.Helper()
	list, err := al.f.s.Certificates(al.f.ctx, floorplan.CertificateFilter{})
	must(al.t, err)
	var out []floorplan.Certificate
	for _, c := range list {
		if c.ApplicationID == al.app.ID {
			out = append(out, c)
		}
	}
	return out
}

// mainRooms returns the rooms person holds today.
func mainRooms(t *testing.T, f *fixture, person uuid.UUID) []uuid.UUID {
	t.Helper()
	as, err := f.s.Assignments(f.ctx, floorplan.AssignmentFilter{PersonID: person, ActiveOn: floorplan.DayOf(f.clock.Now())})
	must(t, err)
	var out []uuid.UUID
	for _, a := range as {
		out = append(out, a.RoomID)
	}
	slices.SortFunc(out, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return out
}

// moveScenario is the issue's scenario: a 正处级 official (division rank: 24 m² in a 市级 agency) of the
// first agency moves from a 16 m² office into a vacant 30 m² one, and a vacant 12 m² room of the second
// agency is set to the first. It returns the scenario, the person and the rooms (16, 30, 12 m²).
func moveScenario(t *testing.T, f *fixture, x float64) (floorplan.Scenario, floorplan.Person, [3]floorplan.Room) {
	t.Helper()
	p := f.person(t, "张处长"+uuid.NewString()[:4], floorplan.RankDivision)
	from := f.room(t, 0, "A"+uuid.NewString()[:4], rect(x, 0, x+4, 4))
	to := f.room(t, 0, "B"+uuid.NewString()[:4], rect(x, 5, x+6, 10))
	other := f.newRoom(0, "C"+uuid.NewString()[:4], rect(x, 11, x+4, 14))
	other.AgencyID = f.agencies[1].ID
	must(t, f.s.CreateRoom(f.ctx, &other))
	asg := f.assign(t, p, from, floorplan.DayOf(f.clock.Now()).AddDate(0, -2, 0))
	sc := floorplan.Scenario{Changes: []floorplan.ScenarioChange{
		{Op: floorplan.ScenarioMove, AssignmentID: asg.ID, AssignmentVersion: asg.Version, RoomID: to.ID, RoomVersion: to.Version},
		{Op: floorplan.ScenarioSetAgency, RoomID: other.ID, RoomVersion: other.Version, AgencyID: f.agencies[0].ID}}}
	return sc, p, [3]floorplan.Room{from, to, other}
}

// testAllocationProcedure walks the issue's scenario through the whole procedure: proposing is refused
// before review; proposed at review it shows the new over-standard finding and leaves the application
// at review; returned at review and at approval it keeps its scenario; approving without a reason is
// refused with nothing written, with one applies it; handing over issues the certificate listing exactly
// the approved rooms; closing ends it.
func testAllocationProcedure(t *testing.T, f *fixture) {
	al := newAllocation(t, f)
	sc, person, rooms := moveScenario(t, f, 0)
	from, to, other := rooms[0], rooms[1], rooms[2]

	var se *floorplan.StepError
	if _, _, err := al.g.ProposeScenario(f.ctx, al.app.ID, sc, ""); !errors.As(err, &se) || se.Step != "draft" {
		t.Fatalf("proposing at draft: %v, want a StepError at draft", err)
	}
	al.mustAct(floorplan.ActSubmit, "review", floorplan.ActReturn, "draft", floorplan.ActSubmit, "review")
	a, res, err := al.g.ProposeScenario(f.ctx, al.app.ID, sc, "拟调整至30平方米办公室")
	if err != nil {
		t.Fatal(err)
	}
	al.app = a
	if !res.NewOverStandard || !slices.ContainsFunc(res.Appeared, func(x floorplan.Finding) bool {
		return x.RuleID == floorplan.RuleOverStandard && x.PersonID == person.ID
	}) {
		t.Fatalf("the proposal's evaluation: appeared %+v, new over-standard %v; want person.over_standard of %s",
			res.Appeared, res.NewOverStandard, person.Name)
	}
	got := al.stored()
	last := got.Actions[len(got.Actions)-1]
	if got.State != "review" || got.Scenario == nil || len(got.Scenario.Changes) != 2 || last.Action != floorplan.ActPropose ||
		last.Comment != "拟调整至30平方米办公室" || got.Scenario.Applied() {
		t.Fatalf("stored after proposing: state %s, scenario %+v, last action %+v", got.State, got.Scenario, last)
	}
	if !reflect.DeepEqual(got.Scenario.Changes, sc.Changes) {
		t.Errorf("stored changes %+v, want %+v", got.Scenario.Changes, sc.Changes)
	}

	al.mustAct(floorplan.ActSubmit, "approval", floorplan.ActReturn, "review", floorplan.ActSubmit, "approval")
	// The second agency holds a certificate for the room the scenario gives the first: approval revokes it.
	held, err := al.g.IssueCertificate(f.ctx, f.agencies[1].ID, []uuid.UUID{other.ID}, uuid.Nil)
	must(t, err)
	rev0, err := f.s.Revision(f.ctx)
	must(t, err)
	_, err = al.act(floorplan.ActApprove, "")
	var fe *floorplan.FieldError
	if !errors.As(err, &fe) || fe.Field != "override_reason" || !errors.Is(err, floorplan.ErrOverrideRequired) {
		t.Fatalf("approving without a reason: %v, want a refusal naming override_reason", err)
	}
	if got := al.stored(); got.State != "approval" || got.Scenario.Applied() {
		t.Fatalf("after the refusal: %s, applied %v", got.State, got.Scenario.Applied())
	}
	if rev, _ := f.s.Revision(f.ctx); rev != rev0 || !slices.Equal(mainRooms(t, f, person.ID), []uuid.UUID{from.ID}) {
		t.Fatalf("the refused approval wrote: revision %d → %d, rooms %v", rev0, rev, mainRooms(t, f, person.ID))
	}

	if _, err := al.act(floorplan.ActApprove, strings.Repeat("理", 301)); !errors.As(err, &fe) || fe.Field != "override_reason" ||
		fe.Reason != floorplan.FieldTooLong {
		t.Errorf("approving with an override reason of 301 characters: %v, want a refusal naming override_reason", err)
	}
	c, err := al.act(floorplan.ActApprove, "工作需要，经研究同意")
	if err != nil {
		t.Fatal(err)
	}
	if al.app.State != "handling" || !al.app.Scenario.Applied() || al.app.Scenario.Evaluation == nil ||
		al.app.Scenario.OverrideReason != "工作需要，经研究同意" {
		t.Fatalf("approved: %s, scenario %+v", al.app.State, al.app.Scenario)
	}
	if _, ok := c.Room(to.ID); !ok || !slices.Contains(c.Layers, floorplan.LayerRooms) || c.Revision <= rev0 {
		t.Errorf("the approval's changes %+v: want room %s's state, the rooms layer and a new revision", c, to.Number)
	}
	if rooms := mainRooms(t, f, person.ID); !slices.Equal(rooms, []uuid.UUID{to.ID}) {
		t.Errorf("%s holds %v after the approval, want room %s", person.Name, rooms, to.Number)
	}
	if r, err := f.s.Room(f.ctx, other.ID); err != nil || r.AgencyID != f.agencies[0].ID {
		t.Errorf("room %s after the approval: agency %s (%v), want the first agency", other.Number, r.AgencyID, err)
	}
	if held, err = f.s.Certificate(f.ctx, held.ID); err != nil || !held.Revoked() ||
		!strings.Contains(held.RevokeReason, "reallocation") || !strings.Contains(held.RevokeReason, al.app.ID.String()) {
		t.Errorf("the second agency's certificate of room %s after the approval: %+v (%v), want revoked naming the application",
			other.Number, held, err)
	}
	got = al.stored()
	wantGranted := []uuid.UUID{other.ID, to.ID}
	if !got.Scenario.Applied() || !slices.Equal(got.Scenario.Granted, wantGranted) || got.Scenario.Evaluation == nil ||
		!got.Scenario.Evaluation.NewOverStandard {
		t.Errorf("stored after approval: %+v, want applied, the evaluation kept and granted %v", got.Scenario, wantGranted)
	}
	if len(al.certificates()) != 0 {
		t.Errorf("a certificate before the hand-over")
	}

	al.mustAct(floorplan.ActHandOver, "acceptance")
	if al.app.CertificateID == uuid.Nil {
		t.Fatal("handed over without a certificate")
	}
	cert, err := f.s.Certificate(f.ctx, al.app.CertificateID)
	must(t, err)
	var ids []uuid.UUID
	for _, r := range cert.Rooms {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, wantGranted) || cert.ApplicationID != al.app.ID || cert.AgencyID != f.agencies[0].ID || cert.TotalAreaM2 != 42 {
		t.Errorf("certificate %+v: want rooms %s and %s (42 m²) of the first agency, for the application", cert, other.Number, to.Number)
	}
	if got := al.stored(); got.CertificateID != cert.ID {
		t.Errorf("stored certificate_id %s, want %s", got.CertificateID, cert.ID)
	}
	al.mustAct(floorplan.ActClose, floorplan.StateClosed)
	if n := len(al.certificates()); n != 1 {
		t.Errorf("%d certificates for the application, want 1", n)
	}
}

// testAllocationNoScenario: approving an allocation without a scenario is refused naming scenario;
// proposing a scenario that does not evaluate is refused naming its change, and stores nothing.
func testAllocationNoScenario(t *testing.T, f *fixture) {
	al := newAllocation(t, f)
	al.mustAct(floorplan.ActSubmit, "review")
	bad := floorplan.Scenario{Changes: []floorplan.ScenarioChange{{Op: floorplan.ScenarioSetAgency, RoomID: uuid.New(), RoomVersion: 1}}}
	var se *floorplan.ScenarioError
	if _, _, err := al.g.ProposeScenario(f.ctx, al.app.ID, bad, ""); !errors.As(err, &se) || se.Field != "room_id" {
		t.Errorf("proposing a scenario naming no room: %v, want a ScenarioError on room_id", err)
	}
	if got := al.stored(); got.Scenario != nil || len(got.Actions) != 1 {
		t.Errorf("the refused proposal was stored: %+v, %d actions", got.Scenario, len(got.Actions))
	}
	al.mustAct(floorplan.ActSubmit, "approval")
	_, err := al.act(floorplan.ActApprove, "理由")
	var fe *floorplan.FieldError
	if !errors.As(err, &fe) || fe.Field != "scenario" {
		t.Errorf("approving without a scenario: %v, want a refusal naming scenario", err)
	}
	if got := al.stored(); got.State != "approval" {
		t.Errorf("after the refusal: %s, want approval", got.State)
	}
}

// testAllocationRejected: an allocation rejected at approval after its scenario was proposed changes
// nothing in the register.
func testAllocationRejected(t *testing.T, f *fixture) {
	al := newAllocation(t, f)
	sc, person, rooms := moveScenario(t, f, 20)
	al.toApproval(sc)
	al.mustAct(floorplan.ActReject, floorplan.StateRejected)
	if got := mainRooms(t, f, person.ID); !slices.Equal(got, []uuid.UUID{rooms[0].ID}) {
		t.Errorf("rejected, yet %s holds %v", person.Name, got)
	}
	if r, _ := f.s.Room(f.ctx, rooms[2].ID); r.AgencyID != f.agencies[1].ID {
		t.Errorf("rejected, yet room %s went to agency %s", r.Number, r.AgencyID)
	}
	if got := al.stored(); got.Scenario.Applied() || got.CertificateID != uuid.Nil {
		t.Errorf("rejected, yet applied %v, certificate %s", got.Scenario.Applied(), got.CertificateID)
	}
	var se *floorplan.StepError
	if _, _, err := al.g.ProposeScenario(f.ctx, al.app.ID, sc, ""); !errors.As(err, &se) {
		t.Errorf("proposing on a rejected application: %v, want a StepError", err)
	}
}

// testAllocationConflict: after the proposal a planner edits a room of the scenario directly; the
// approval is then a conflict naming that room, and nothing changed: the application is still at
// approval, no assignment was written, no room moved, no certificate.
func testAllocationConflict(t *testing.T, f *fixture) {
	al := newAllocation(t, f)
	sc, person, rooms := moveScenario(t, f, 30)
	al.toApproval(sc)
	edited := rooms[1]
	edited.Name = "小会议室"
	if _, err := al.g.UpdateRoom(floorplan.WithActor(f.ctx, "planner"), &edited, floorplan.Shape{}); err != nil {
		t.Fatal(err)
	}
	_, err := al.act(floorplan.ActApprove, "工作需要")
	var ce *floorplan.ScenarioConflictError
	if !errors.As(err, &ce) || !errors.Is(err, floorplan.ErrConflict) {
		t.Fatalf("approving after the edit: %v, want a ScenarioConflictError", err)
	}
	if len(ce.Records) != 1 || ce.Records[0].ID != edited.ID || ce.Records[0].Entity != floorplan.EntityRoom ||
		ce.Records[0].Drafted != rooms[1].Version || ce.Records[0].Current != edited.Version {
		t.Errorf("the conflict names %+v, want room %s only (version %d → %d)", ce.Records, edited.Number, rooms[1].Version, edited.Version)
	}
	got := al.stored()
	if got.State != "approval" || got.Scenario.Applied() || got.CertificateID != uuid.Nil || got.Version != al.app.Version {
		t.Errorf("after the conflict: %s, applied %v, certificate %s, version %d (was %d)", got.State, got.Scenario.Applied(),
			got.CertificateID, got.Version, al.app.Version)
	}
	if held := mainRooms(t, f, person.ID); !slices.Equal(held, []uuid.UUID{rooms[0].ID}) {
		t.Errorf("after the conflict %s holds %v, want room %s only", person.Name, held, rooms[0].Number)
	}
	if r, _ := f.s.Room(f.ctx, rooms[2].ID); r.AgencyID != f.agencies[1].ID {
		t.Errorf("after the conflict room %s is of agency %s: half applied", r.Number, r.AgencyID)
	}
	if len(al.certificates()) != 0 {
		t.Errorf("a certificate after the conflict")
	}
}

// testAllocationRace races the approval against a planner's direct edit of a room the scenario sets to
// the agency: exactly one wins, the other is a conflict, and the register holds all of the scenario or
// none of it.
func testAllocationRace(t *testing.T, f *fixture) {
	al := newAllocation(t, f)
	sc, person, rooms := moveScenario(t, f, 40)
	al.toApproval(sc)
	errs := Race(func(k int) error {
		if k == 0 {
			_, err := al.act(floorplan.ActApprove, "工作需要")
			return err
		}
		edited := rooms[2]
		edited.Name = "档案室"
		_, err := al.g.UpdateRoom(floorplan.WithActor(f.ctx, "planner"), &edited, floorplan.Shape{})
		return err
	})
	WantOneWinner(t, "approval against a direct edit", errs, floorplan.ErrConflict)
	got := al.stored()
	held := mainRooms(t, f, person.ID)
	other, err := f.s.Room(f.ctx, rooms[2].ID)
	must(t, err)
	if errs[0] == nil {
		if got.State != "handling" || !slices.Equal(held, []uuid.UUID{rooms[1].ID}) || other.AgencyID != f.agencies[0].ID || other.Name == "档案室" {
			t.Errorf("the approval won, yet: %s, %s holds %v, room %s of %s named %q", got.State, person.Name, held,
				other.Number, other.AgencyID, other.Name)
		}
		return
	}
	if got.State != "approval" || !slices.Equal(held, []uuid.UUID{rooms[0].ID}) || other.AgencyID != f.agencies[1].ID || other.Name != "档案室" {
		t.Errorf("the edit won, yet: %s, %s holds %v, room %s of %s named %q", got.State, person.Name, held,
			other.Number, other.AgencyID, other.Name)
	}
}
