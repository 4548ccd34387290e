package floorplan

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// EntityApplication is an application of the online handling, for the permission hook and the audit log.
const EntityApplication Entity = "application"

// DisposalModes are the ways idle property is disposed of (处置利用).
var DisposalModes = []string{"lease_tender", "sale", "reallocation", "demolition", "change_of_use"}

// ApplicationFields are the fields of an application; which are needed depends on its kind (Validate).
type ApplicationFields struct {
	RoomIDs        []uuid.UUID `json:"room_ids,omitempty"`        // allocation, disposal, recovery: the rooms
	AreaM2         float64     `json:"area_m2,omitempty"`         // allocation: the area asked
	Reason         string      `json:"reason,omitempty"`          // allocation: why
	PersonID       uuid.UUID   `json:"person_id,omitzero"`        // second_office: who holds the post
	PostID         uuid.UUID   `json:"post_id,omitzero"`          // second_office: the concurrent post
	RoomID         uuid.UUID   `json:"room_id,omitzero"`          // second_office: the room asked for
	DistanceReason string      `json:"distance_reason,omitempty"` // second_office: why the distance needs it
	SiteID         uuid.UUID   `json:"site_id,omitzero"`          // maintenance, disposal: the property
	Budget         float64     `json:"budget,omitempty"`          // maintenance: yuan
	Mode           string      `json:"mode,omitempty"`            // disposal: one of DisposalModes
	Finding        string      `json:"finding,omitempty"`         // disposal, recovery: the finding that started it
	Deadline       time.Time   `json:"deadline,omitzero"`         // recovery: the legal deadline
}

// ApplicationAction is one action taken on an application.
type ApplicationAction struct {
	Action      AppAction   `json:"action"`
	Step        string      `json:"step"` // the step it was taken at
	Actor       string      `json:"actor"`
	Role        string      `json:"role"`
	Comment     string      `json:"comment,omitempty"`
	DocumentIDs []uuid.UUID `json:"document_ids,omitempty"`
	At          time.Time   `json:"at"`
}

// Application is a filed application and its trail.
type Application struct {
	ID       uuid.UUID         `json:"id"`
	Kind     ApplicationKind   `json:"kind"`
	AgencyID uuid.UUID         `json:"agency_id"`
	Title    string            `json:"title"`
	Fields   ApplicationFields `json:"fields"`
	// State is the code of the current step, or StateClosed / StateRejected.
	State   string              `json:"state"`
	Actions []ApplicationAction `json:"actions"`
	// Due is each step's due date, set when the application reaches it.
	Due map[string]time.Time `json:"due"`
	// FindingKey names the finding a recovery was opened for ("" for one filed by hand).
	FindingKey string `json:"finding_key,omitempty"`
	// Scenario is an allocation's scenario, proposed at review and applied at approval
	// (application_scenario.go); nil when none was proposed.
	Scenario *AppScenario `json:"-"`
	// CertificateID is the usage certificate issued when an allocation was handed over (uuid.Nil: none).
	CertificateID uuid.UUID `json:"certificate_id,omitzero"`
	Version       int64     `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`

	// Cost is a maintenance's final cost in yuan, Result what a disposal came to (application_results.go);
	// nil until recorded.
	Cost   *float64        `json:"cost,omitempty"`
	Result *DisposalResult `json:"result,omitempty"`
}

// Open reports whether a is still being handled.
func (a Application) Open() bool { return a.State != StateClosed && a.State != StateRejected }

// Overdue reports whether a is open past the due date of its step or, for a recovery, its legal deadline.
func (a Application) Overdue(now time.Time) bool {
	if !a.Open() {
		return false
	}
	if d, ok := a.Due[a.State]; ok && now.After(d) {
		return true
	}
	return !a.Fields.Deadline.IsZero() && now.After(DayOf(a.Fields.Deadline).AddDate(0, 0, 1))
}

// Validate checks the record's own fields: a known kind, an agency, a title, and the fields its kind needs.
func (a *Application) Validate() error {
	if !slices.Contains(ApplicationKinds, a.Kind) {
		return fieldError("application", "kind", FieldOutOfRange, "is %q, not one of allocation, second_office, maintenance, disposal, recovery", a.Kind)
	}
	if a.AgencyID == uuid.Nil {
		return fieldError("application", "agency_id", FieldOutOfRange, "is required")
	}
	if strings.TrimSpace(a.Title) == "" || len([]rune(a.Title)) > 200 {
		return fieldError("application", "title", FieldOutOfRange, "is required, at most 200 characters")
	}
	f := a.Fields
	need := func(ok bool, field, what string) error {
		if ok {
			return nil
		}
		return fieldError(string(a.Kind)+" application", "fields."+field, FieldOutOfRange, "is required: %s", what)
	}
	var errs []error
	switch a.Kind {
	case KindAllocation:
		errs = append(errs, need(len(f.RoomIDs) > 0 || (f.AreaM2 > 0 && f.AreaM2 < 1e6), "area_m2", "the rooms or the area (m², positive) asked"),
			need(strings.TrimSpace(f.Reason) != "", "reason", "why the rooms are needed"))
	case KindSecondOffice:
		errs = append(errs, need(f.PostID != uuid.Nil, "post_id", "the concurrent post"), need(f.RoomID != uuid.Nil, "room_id", "the room asked for"),
			need(strings.TrimSpace(f.DistanceReason) != "", "distance_reason", "why the distance needs a second office"))
	case KindMaintenance:
		errs = append(errs, need(f.SiteID != uuid.Nil, "site_id", "the property"), need(f.Budget > 0, "budget", "the budget in yuan, positive"))
	case KindDisposal:
		errs = append(errs, need(f.SiteID != uuid.Nil || len(f.RoomIDs) > 0, "site_id", "the property or its rooms"),
			need(slices.Contains(DisposalModes, f.Mode), "mode", "one of "+strings.Join(DisposalModes, ", ")),
			need(strings.TrimSpace(f.Finding) != "", "finding", "the idle finding that started it"))
	case KindRecovery:
		errs = append(errs, need(strings.TrimSpace(f.Finding) != "", "finding", "the finding"),
			need(len(f.RoomIDs) > 0, "room_ids", "the rooms to vacate"), need(!f.Deadline.IsZero(), "deadline", "the legal deadline"))
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// ApplicationFilter selects applications; zero fields select all.
type ApplicationFilter struct {
	Kind     ApplicationKind
	State    string
	AgencyID uuid.UUID
}

// ApplicationStore keeps the applications. Create assigns the ID (when Nil), Version 1 and the times;
// Update writes the state, actions and due dates of the version given (stale: ErrConflict) and moves
// a.Version on. Applications are never deleted.
type ApplicationStore interface {
	ApplicationReader
	CreateApplication(ctx context.Context, a *Application) error
	UpdateApplication(ctx context.Context, a *Application) error
}

// ApplicationReader reads the applications (for the HTTP handlers).
type ApplicationReader interface {
	Application(ctx context.Context, id uuid.UUID) (Application, error)
	Applications(ctx context.Context, f ApplicationFilter) ([]Application, error)
}

// applicationBody is what the stores keep of an application besides its indexed columns.
type applicationBody struct {
	Fields  ApplicationFields    `json:"fields"`
	Actions []ApplicationAction  `json:"actions"`
	Due     map[string]time.Time `json:"due"`
	// Scenario and CertificateID: an allocation's (application_scenario.go).
	Scenario      *AppScenario `json:"scenario,omitempty"`
	CertificateID uuid.UUID    `json:"certificate_id,omitzero"`
	// Cost and Result: a maintenance's and a disposal's (application_results.go).
	Cost   *float64        `json:"cost,omitempty"`
	Result *DisposalResult `json:"result,omitempty"`
}

// Body returns the part of a that the stores keep as one JSON document (fields, actions, due dates).
func (a Application) Body() ([]byte, error) {
	return json.Marshal(applicationBody{Fields: a.Fields, Actions: a.Actions, Due: a.Due,
		Scenario: a.Scenario, CertificateID: a.CertificateID, Cost: a.Cost, Result: a.Result})
}

// SetBody fills a's fields, actions and due dates from a document Body wrote.
func (a *Application) SetBody(b []byte) error {
	var body applicationBody
	if err := json.Unmarshal(b, &body); err != nil {
		return err
	}
	a.Fields, a.Actions, a.Due = body.Fields, body.Actions, body.Due
	a.Scenario, a.CertificateID = body.Scenario, body.CertificateID
	a.Cost, a.Result = body.Cost, body.Result
	if a.Actions == nil {
		a.Actions = []ApplicationAction{}
	}
	return nil
}
