package floorplan

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
)

// An allocation's scenario on its application (issue 17): the bureau proposes a scenario at the
// allocation's review (ProposeScenario), which the application keeps; approving the application applies
// it through the register in the transaction that moves the application on — or nothing, with a
// *ScenarioConflictError naming the records changed since it was proposed; handing over the handling then
// issues the usage certificate for the rooms the scenario gave the agency, in the hand-over's transaction.

// ProposalStep is the step of the allocation procedure at which a scenario is proposed.
const ProposalStep = "review"

// AppScenario is the scenario an allocation application carries.
type AppScenario struct {
	// Changes are the scenario's changes as proposed; a split's cut is kept in local metres (CRSMetres).
	Changes    []ScenarioChange
	ProposedAt time.Time
	ProposedBy string
	// AppliedAt is when the approval applied it (zero before).
	AppliedAt time.Time
	// OverrideReason is the reason recorded at approval for the over-standard findings it creates.
	OverrideReason string
	// Evaluation is the evaluation at approval (nil before).
	Evaluation *ScenarioResult
	// Granted are the rooms the applied scenario gives the application's agency: the rooms set to it and
	// the rooms of the agency its people were assigned or moved into. The usage certificate lists them.
	Granted []uuid.UUID
}

// Applied reports whether the scenario has been applied.
func (s *AppScenario) Applied() bool { return s != nil && !s.AppliedAt.IsZero() }

// Scenario returns the scenario to evaluate or apply for application id.
func (s *AppScenario) Scenario(id uuid.UUID) Scenario {
	return Scenario{Changes: slices.Clone(s.Changes), ApplicationID: id.String()}
}

// appScenarioJSON is an AppScenario as the application's body keeps it.
type appScenarioJSON struct {
	Changes        []scenarioChangeJSON `json:"changes"`
	ProposedAt     time.Time            `json:"proposed_at"`
	ProposedBy     string               `json:"proposed_by"`
	AppliedAt      time.Time            `json:"applied_at,omitzero"`
	OverrideReason string               `json:"override_reason,omitempty"`
	Evaluation     *ScenarioResult      `json:"evaluation,omitempty"`
	Granted        []uuid.UUID          `json:"granted_room_ids,omitempty"`
}

// scenarioChangeJSON is a ScenarioChange as the application's body keeps it.
type scenarioChangeJSON struct {
	Op                ScenarioOp     `json:"op"`
	AssignmentID      uuid.UUID      `json:"assignment_id,omitzero"`
	AssignmentVersion int64          `json:"assignment_version,omitempty"`
	PersonID          uuid.UUID      `json:"person_id,omitzero"`
	PersonVersion     int64          `json:"person_version,omitempty"`
	RoomID            uuid.UUID      `json:"room_id,omitzero"`
	RoomVersion       int64          `json:"room_version,omitempty"`
	OtherRoomID       uuid.UUID      `json:"other_room_id,omitzero"`
	OtherRoomVersion  int64          `json:"other_room_version,omitempty"`
	AgencyID          uuid.UUID      `json:"agency_id,omitzero"`
	Kind              AssignmentKind `json:"kind,omitempty"`
	CutM              orb.LineString `json:"cut_m,omitempty"` // local metres
}

// MarshalJSON writes the scenario as the application's body keeps it.
func (s AppScenario) MarshalJSON() ([]byte, error) {
	out := appScenarioJSON{Changes: make([]scenarioChangeJSON, len(s.Changes)), ProposedAt: s.ProposedAt,
		ProposedBy: s.ProposedBy, AppliedAt: s.AppliedAt, OverrideReason: s.OverrideReason, Evaluation: s.Evaluation,
		Granted: s.Granted}
	for i, ch := range s.Changes {
		out.Changes[i] = scenarioChangeJSON{Op: ch.Op, AssignmentID: ch.AssignmentID, AssignmentVersion: ch.AssignmentVersion,
			PersonID: ch.PersonID, PersonVersion: ch.PersonVersion, RoomID: ch.RoomID, RoomVersion: ch.RoomVersion,
			OtherRoomID: ch.OtherRoomID, OtherRoomVersion: ch.OtherRoomVersion, AgencyID: ch.AgencyID, Kind: ch.Kind,
			CutM: ch.Cut.LineString}
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a scenario MarshalJSON wrote.
func (s *AppScenario) UnmarshalJSON(b []byte) error {
	var in appScenarioJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*s = AppScenario{Changes: make([]ScenarioChange, len(in.Changes)), ProposedAt: in.ProposedAt, ProposedBy: in.ProposedBy,
		AppliedAt: in.AppliedAt, OverrideReason: in.OverrideReason, Evaluation: in.Evaluation, Granted: in.Granted}
	for i, ch := range in.Changes {
		s.Changes[i] = ScenarioChange{Op: ch.Op, AssignmentID: ch.AssignmentID, AssignmentVersion: ch.AssignmentVersion,
			PersonID: ch.PersonID, PersonVersion: ch.PersonVersion, RoomID: ch.RoomID, RoomVersion: ch.RoomVersion,
			OtherRoomID: ch.OtherRoomID, OtherRoomVersion: ch.OtherRoomVersion, AgencyID: ch.AgencyID, Kind: ch.Kind,
			Cut: Line{LineString: ch.CutM, CRS: CRSMetres}}
	}
	return nil
}

// ProposeScenario stores sc on allocation application id at its proposal step (ProposalStep; elsewhere a
// *StepError, 409), replacing an earlier one, and appends the action propose (with comment) to its trail;
// the application stays at its step. The caller must hold the step's role over the application's agency.
// The scenario must evaluate (else the *ScenarioError of EvaluateScenario); its evaluation is returned.
func (g *Register) ProposeScenario(ctx context.Context, id uuid.UUID, sc Scenario, comment string) (Application, *ScenarioResult, error) {
	a, err := g.store.Application(ctx, id)
	if err != nil {
		return a, nil, err
	}
	step, err := g.proposalStep(a)
	if err != nil {
		return a, nil, err
	}
	if err := g.allow(ctx, Request{Op: OpUpdate, Entity: EntityApplication, ID: id, AgencyID: a.AgencyID, Role: step.Role}); err != nil {
		return a, nil, err
	}
	if len([]rune(comment)) > 2000 {
		return a, nil, fieldError("action", "comment", FieldTooLong, "is longer than 2000 characters")
	}
	sc.Changes, sc.ApplicationID = slices.Clone(sc.Changes), id.String()
	for i := range sc.Changes {
		if err := g.cutInMetres(ctx, i, &sc.Changes[i]); err != nil {
			return a, nil, err
		}
	}
	res, err := g.EvaluateScenario(ctx, sc)
	if err != nil {
		return a, nil, err
	}
	now, actor := g.now(), ActorFrom(ctx)
	a.Scenario = &AppScenario{Changes: sc.Changes, ProposedAt: now, ProposedBy: actor}
	a.Actions = append(a.Actions, ApplicationAction{Action: ActPropose, Step: step.Code, Actor: actor, Role: step.Role,
		Comment: comment, At: now})
	if err := g.store.InTx(ctx, func(tx Store) error { return tx.UpdateApplication(ctx, &a) }); err != nil {
		return a, nil, err
	}
	_, err = g.done(ctx, Changes{Entity: EntityApplication})
	return a, res, err
}

// proposalStep returns the step of a at which a scenario may be proposed: an open allocation at
// ProposalStep, else a *StepError.
func (g *Register) proposalStep(a Application) (Step, error) {
	refuse := &StepError{Step: a.State, Action: ActPropose}
	p, _ := g.procedures().Of(a.Kind)
	step, ok := p.Step(a.State)
	if ok {
		refuse.Allowed = step.Allowed()
	}
	if a.Kind != KindAllocation || !a.Open() || !ok || step.Code != ProposalStep {
		return Step{}, refuse
	}
	return step, nil
}

// cutInMetres converts the cut of change i, a split, to its building's local metres, so that the stored
// scenario does not depend on the frame it came in. A room that cannot be read is left for the
// evaluation to name.
func (g *Register) cutInMetres(ctx context.Context, i int, ch *ScenarioChange) error {
	if ch.Op != ScenarioSplit || ch.Cut.CRS == CRSMetres || len(ch.Cut.LineString) == 0 {
		return nil
	}
	room, err := g.store.Room(ctx, ch.RoomID)
	if err != nil {
		return nil
	}
	_, b, err := g.placeOf(ctx, room.FloorID)
	if err != nil {
		return nil
	}
	ls, err := ch.Cut.local(b.Georef)
	if err != nil {
		return errStep(i, "cut", err)
	}
	ch.Cut = Line{LineString: ls, CRS: CRSMetres}
	return nil
}

// allocationEffect returns the effect of in on allocation a at step: approving applies its scenario
// (scenarioEffect), handing over once it is applied issues the usage certificate (certificateEffect).
func (g *Register) allocationEffect(ctx context.Context, a *Application, step Step, in ActionInput) (effect, error) {
	switch in.Action {
	case ActApprove:
		if a.Scenario == nil {
			return nil, fieldError("allocation application", "scenario", FieldOutOfRange,
				"is required: the bureau proposes a scenario at %s before the allocation is approved", ProposalStep)
		}
		if a.Scenario.Applied() {
			return nil, fmt.Errorf("%w: the scenario of application %s was applied at %s already", ErrConflict, a.ID,
				a.Scenario.AppliedAt.Format(time.RFC3339))
		}
		sc := a.Scenario.Scenario(a.ID)
		res, reason, err := g.prepareApply(ctx, sc, in.OverrideReason, step.Role)
		if err != nil {
			return nil, err
		}
		return &scenarioEffect{g: g, sc: sc, res: res, reason: reason, override: in.OverrideReason,
			granted: grantedRooms(a.AgencyID, sc, res)}, nil
	case ActHandOver:
		if !a.Scenario.Applied() || a.CertificateID != uuid.Nil || len(a.Scenario.Granted) == 0 {
			return noEffect{}, nil
		}
		c, err := g.prepareCertificate(ctx, a.AgencyID, a.Scenario.Granted, a.ID, step.Role)
		if err != nil {
			return nil, err
		}
		return &certificateEffect{cert: c, rooms: slices.Clone(a.Scenario.Granted)}, nil
	}
	return noEffect{}, nil
}

// grantedRooms returns the rooms scenario sc (evaluated as res) gives agency: the rooms it sets to the
// agency, then the rooms of the agency that the agency's people are assigned or moved into, each once.
func grantedRooms(agency uuid.UUID, sc Scenario, res *ScenarioResult) []uuid.UUID {
	roomAgency, personAgency := map[uuid.UUID]uuid.UUID{}, map[uuid.UUID]uuid.UUID{}
	for _, r := range res.Rooms {
		if r.After != nil {
			roomAgency[r.RoomID] = r.After.AgencyID
		}
	}
	for _, p := range res.People {
		if p.After != nil {
			personAgency[p.PersonID] = p.After.AgencyID
		} else if p.Before != nil {
			personAgency[p.PersonID] = p.Before.AgencyID
		}
	}
	out := []uuid.UUID{}
	add := func(id uuid.UUID) {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	for _, ch := range sc.Changes {
		if ch.Op == ScenarioSetAgency && ch.AgencyID == agency {
			add(ch.RoomID)
		}
	}
	for _, st := range res.steps {
		if st.asg != nil && st.op == OpCreate && personAgency[st.asg.PersonID] == agency && roomAgency[st.asg.RoomID] == agency {
			add(st.asg.RoomID)
		}
	}
	return out
}

// scenarioEffect applies an allocation's scenario, prepared (prepareApply), in the approval's transaction.
type scenarioEffect struct {
	g        *Register
	sc       Scenario
	res      *ScenarioResult
	reason   string // what the writes carry into the history
	override string
	granted  []uuid.UUID
}

func (e *scenarioEffect) run(ctx context.Context, tx Store, a *Application, c *Changes) error {
	applied, err := e.g.applyScenarioTx(WithReason(ctx, e.reason), tx, e.sc, e.res)
	if err != nil {
		return err
	}
	// Rooms, people and assignments move with the application: the write is of several kinds.
	c.Revision, c.Layers, c.Rooms, c.Entity = applied.Revision, applied.Layers, applied.Rooms, ""
	s := *a.Scenario
	s.AppliedAt, s.OverrideReason, s.Evaluation, s.Granted = e.g.now(), e.override, e.res, e.granted
	a.Scenario = &s
	return nil
}

// certificateEffect issues an allocation's usage certificate, prepared (prepareCertificate), in the
// hand-over's transaction.
type certificateEffect struct {
	cert  Certificate
	rooms []uuid.UUID
}

func (e *certificateEffect) run(ctx context.Context, tx Store, a *Application, c *Changes) error {
	cert := e.cert
	if err := issueCertificateTx(ctx, tx, &cert, e.rooms); err != nil {
		return err
	}
	a.CertificateID = cert.ID
	return nil
}
