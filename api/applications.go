package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// The online handling (网上申请、审核、审批、办理, floorplan/procedures.go, floorplan/applications.go):
// GET /api/v1/procedures, GET/POST /api/v1/applications, GET /api/v1/applications/{id},
// POST /api/v1/applications/{id}/actions and POST /api/v1/applications/recoveries. Every write goes
// through the register, whose permission hook checks that the caller holds the role of the step
// (api/auth_permit.go) and records it in the audit log. Reads are scoped: an application is visible
// where its agency is (an agency manager: its own agency's; 404 outside).

// applicationJSON is an application on the wire: the record, whether it is overdue, and what its current
// step allows.
type applicationJSON struct {
	floorplan.Application
	Overdue bool     `json:"overdue"`
	Role    string   `json:"role,omitempty"`    // who acts at the current step
	Allowed []string `json:"allowed,omitempty"` // the actions the current step allows
	// Scenario says whether an allocation carries a scenario (GET …/scenario, application_scenario.go).
	Scenario bool `json:"scenario"`
}

// applicationIn is the body of POST /api/v1/applications.
type applicationIn struct {
	Kind     floorplan.ApplicationKind   `json:"kind" enum:"allocation,second_office,maintenance,disposal,recovery"`
	AgencyID uuid.UUID                   `json:"agency_id"`
	Title    string                      `json:"title"`
	Fields   floorplan.ApplicationFields `json:"fields"`
}

// actionIn is the body of POST /api/v1/applications/{id}/actions.
type actionIn struct {
	Action      floorplan.AppAction `json:"action" enum:"submit,return,reject,approve,hand_over,close"`
	Comment     string              `json:"comment"`
	DocumentIDs []uuid.UUID         `json:"document_ids"`
	// OverrideReason is why an allocation's scenario may create an over-standard finding (approve).
	OverrideReason string `json:"override_reason"`
	// Cost closes a maintenance (yuan), Result hands over a disposal (floorplan/application_results.go).
	Cost   *float64                  `json:"cost"`
	Result *floorplan.DisposalResult `json:"result"`
}

type applicationsJSON struct {
	Applications []applicationJSON `json:"applications"`
}

// applicationOut is a on the wire as of now.
func (s *Server) applicationOut(a floorplan.Application, now time.Time) applicationJSON {
	out := applicationJSON{Application: a, Overdue: a.Overdue(now), Scenario: a.Scenario != nil}
	if p, ok := s.register.Procedures().Of(a.Kind); ok {
		if st, ok := p.Step(a.State); ok {
			out.Role, out.Allowed = st.Role, st.Allowed()
		}
	}
	return out
}

// procedures serves GET /api/v1/procedures: the procedures in force, for the flowcharts.
func (s *Server) procedures(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, s.register.Procedures())
}

// listApplications serves GET /api/v1/applications?kind=&state=&agency_id=&overdue=: those in the
// caller's scope, oldest first.
func (s *Server) listApplications(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	f := floorplan.ApplicationFilter{AgencyID: q.uuid("agency_id")}
	overdue := q.bool("overdue")
	if q.err != nil {
		return q.err
	}
	f.Kind = floorplan.ApplicationKind(r.URL.Query().Get("kind"))
	if f.Kind != "" && !kindKnown(f.Kind) {
		return badParam("kind", "is not one of allocation, second_office, maintenance, disposal, recovery")
	}
	f.State = r.URL.Query().Get("state")
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return err
	}
	list, err := s.store.Applications(r.Context(), f)
	if err != nil {
		return err
	}
	now := time.Now()
	out := applicationsJSON{Applications: []applicationJSON{}}
	for _, a := range list {
		if !sc.agency(a.AgencyID) {
			continue
		}
		j := s.applicationOut(a, now)
		if r.URL.Query().Has("overdue") && j.Overdue != overdue {
			continue
		}
		out.Applications = append(out.Applications, j)
	}
	return writeJSON(w, http.StatusOK, out)
}

// kindKnown reports whether k is a kind of application.
func kindKnown(k floorplan.ApplicationKind) bool {
	for _, c := range floorplan.ApplicationKinds {
		if c == k {
			return true
		}
	}
	return false
}

// visibleApplication reads the application of the path's id, or 404 when it is outside the caller's scope.
func (s *Server) visibleApplication(r *http.Request) (floorplan.Application, error) {
	return visibleRecord(s, r, "application", s.store.Application,
		func(sc scope, a floorplan.Application) bool { return sc.agency(a.AgencyID) })
}

// getApplication serves GET /api/v1/applications/{id}: the application and its trail.
func (s *Server) getApplication(w http.ResponseWriter, r *http.Request) error {
	a, err := s.visibleApplication(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.applicationOut(a, time.Now()))
}

// createApplication serves POST /api/v1/applications: files an application at its procedure's first step.
func (s *Server) createApplication(w http.ResponseWriter, r *http.Request) error {
	var in applicationIn
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	a := floorplan.Application{Kind: in.Kind, AgencyID: in.AgencyID, Title: in.Title, Fields: in.Fields}
	if _, err := s.register.FileApplication(r.Context(), &a); err != nil {
		return about("application", err)
	}
	w.Header().Set("Location", "/api/v1/applications/"+a.ID.String())
	return writeJSON(w, http.StatusCreated, s.applicationOut(a, time.Now()))
}

// actOnApplication serves POST /api/v1/applications/{id}/actions: the caller, holding the role of the
// current step, takes one of its actions. A record outside the caller's scope is 404; a role not at this
// step 403; an action the step does not allow 409 naming the step and the allowed actions; a missing
// document 422 naming its type.
func (s *Server) actOnApplication(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.visibleApplication(r); err != nil {
		return err
	}
	var in actionIn
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	id, _ := pathID(r, "id")
	a, _, err := s.register.ActOnApplication(r.Context(), id, floorplan.ActionInput{Action: in.Action, Comment: in.Comment,
		DocumentIDs: in.DocumentIDs, OverrideReason: in.OverrideReason, Cost: in.Cost, Result: in.Result})
	if err != nil {
		return stepError(about("application", scenarioActionError(err)))
	}
	return writeJSON(w, http.StatusOK, s.applicationOut(a, time.Now()))
}

// stepError answers an action the step does not allow as a 409 naming the step and what it allows.
func stepError(err error) error {
	var se *floorplan.StepError
	if !errors.As(err, &se) {
		return err
	}
	allowed := strings.Join(se.Allowed, ", ")
	if allowed == "" {
		allowed = "none: the application is " + se.Step
	}
	return &apiError{Status: http.StatusConflict, Code: "conflict",
		Message:   fmt.Sprintf("action %s is not allowed at step %s; allowed: %s", se.Action, se.Step, allowed),
		MessageZH: fmt.Sprintf("当前环节 %s 不允许操作 %s；允许：%s", se.Step, se.Action, allowed),
		Extra:     map[string]any{"step": se.Step, "allowed": se.Allowed}, Err: err}
}

// openRecoveries serves POST /api/v1/applications/recoveries: opens a recovery for each current finding
// that calls for one and has none open (floorplan.Register.OpenRecoveries).
func (s *Server) openRecoveries(w http.ResponseWriter, r *http.Request) error {
	opened, err := s.register.OpenRecoveries(r.Context())
	if err != nil {
		return err
	}
	now := time.Now()
	out := applicationsJSON{Applications: make([]applicationJSON, 0, len(opened))}
	for _, a := range opened {
		out.Applications = append(out.Applications, s.applicationOut(a, now))
	}
	return writeJSON(w, http.StatusOK, out)
}

// proceduresJSON is the procedures on the wire (GET /api/v1/procedures).
type proceduresJSON = floorplan.Procedures
