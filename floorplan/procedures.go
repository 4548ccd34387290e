package floorplan

import (
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Procedures as data (网上办理): each kind of application is a state machine of steps, the role that acts
// at each step, the actions allowed there and the step each leads to, a deadline per step and the
// document types a step needs before it may be left forward. The built-in procedures are
// procedures.json; the operator may replace them with a file of the same layout (OFFICEMAP_PROCEDURES).

// ApplicationKind is a kind of application.
type ApplicationKind string

// The kinds of application.
const (
	KindAllocation   ApplicationKind = "allocation"    // 调配调剂
	KindSecondOffice ApplicationKind = "second_office" // 兼职办公室
	KindMaintenance  ApplicationKind = "maintenance"   // 维修
	KindDisposal     ApplicationKind = "disposal"      // 处置利用
	KindRecovery     ApplicationKind = "recovery"      // 腾退
)

// ApplicationKinds lists every kind, in display order.
var ApplicationKinds = []ApplicationKind{KindAllocation, KindSecondOffice, KindMaintenance, KindDisposal, KindRecovery}

// AppAction is what a step's actor does with an application.
type AppAction string

// The actions.
const (
	ActSubmit   AppAction = "submit"
	ActReturn   AppAction = "return"
	ActReject   AppAction = "reject"
	ActApprove  AppAction = "approve"
	ActHandOver AppAction = "hand_over"
	ActClose    AppAction = "close"
	// ActPropose records an allocation's scenario proposed at review (Register.ProposeScenario); it does
	// not move the application on.
	ActPropose AppAction = "propose"
)

// AppActions lists every action.
var AppActions = []AppAction{ActSubmit, ActReturn, ActReject, ActApprove, ActHandOver, ActClose, ActPropose}

// The end states of an application.
const (
	StateClosed   = "closed"
	StateRejected = "rejected"
)

// ProcedureRoles are the role codes (floorplan/identity) a step may name.
var ProcedureRoles = []string{"bureau_admin", "planner", "agency_manager", "approver"}

// Step is one step of a procedure.
type Step struct {
	Code      string               `json:"code"`
	Name      string               `json:"name"`
	Role      string               `json:"role"`
	DueDays   int                  `json:"due_days"`
	Documents []string             `json:"documents,omitempty"` // doc types needed to leave the step forward
	Actions   map[AppAction]string `json:"actions"`             // action → next step code, closed or rejected
	// EscalateTo is the role told when an application is overdue at the step (register_notices.go):
	// a role of ProcedureRoles or "none"; "" for the default of the step's role (DefaultEscalation).
	EscalateTo string `json:"escalate_to,omitempty"`
}

// DefaultEscalation returns the role an overdue step of role escalates to by default: an agency manager's
// and a planner's to the bureau, the bureau's to the approver, the approver's to none ("none").
func DefaultEscalation(role string) string {
	switch role {
	case "agency_manager", "planner":
		return "bureau_admin"
	case "bureau_admin":
		return "approver"
	}
	return "none"
}

// Escalation returns the role told when an application is overdue at s, "" for none.
func (s Step) Escalation() string {
	e := s.EscalateTo
	if e == "" {
		e = DefaultEscalation(s.Role)
	}
	if e == "none" {
		return ""
	}
	return e
}

// Allowed returns the step's actions, sorted.
func (s Step) Allowed() []string {
	out := make([]string, 0, len(s.Actions))
	for a := range s.Actions {
		out = append(out, string(a))
	}
	slices.Sort(out)
	return out
}

// Procedure is the steps of one kind of application, the first the one an application is filed at.
type Procedure struct {
	Kind  ApplicationKind `json:"kind"`
	Name  string          `json:"name"`
	Steps []Step          `json:"steps"`
}

// Step returns the step code of p.
func (p Procedure) Step(code string) (Step, bool) {
	for _, s := range p.Steps {
		if s.Code == code {
			return s, true
		}
	}
	return Step{}, false
}

// Procedures is the procedure of every kind.
type Procedures struct {
	List []Procedure `json:"procedures"`
}

// Of returns the procedure of kind.
func (ps *Procedures) Of(kind ApplicationKind) (Procedure, bool) {
	for _, p := range ps.List {
		if p.Kind == kind {
			return p, true
		}
	}
	return Procedure{}, false
}

//go:embed procedures.json
var defaultProcedures []byte

// DefaultProcedures returns the built-in procedures (procedures.json).
func DefaultProcedures() *Procedures {
	return builtIn(defaultProcedures, "procedures.json", LoadProcedures)
}

// LoadProcedures reads and validates procedures in the layout of procedures.json.
func LoadProcedures(r io.Reader) (*Procedures, error) {
	ps, err := decodeStrict[Procedures](r, "procedures")
	if err != nil {
		return nil, err
	}
	if err := ps.Validate(); err != nil {
		return ps, err
	}
	for _, p := range ps.List { // the default escalations, shown as data (GET /api/v1/procedures)
		for i, s := range p.Steps {
			if s.EscalateTo == "" {
				p.Steps[i].EscalateTo = DefaultEscalation(s.Role)
			}
		}
	}
	return ps, nil
}

// Validate checks that every kind has one procedure whose steps are named once, name a known role,
// have a positive deadline, allow known actions only and lead to a step of the procedure or an end.
func (ps *Procedures) Validate() error {
	for _, k := range ApplicationKinds {
		if _, ok := ps.Of(k); !ok {
			return Invalidf("procedures: no procedure for kind %s", k)
		}
	}
	seen := map[ApplicationKind]bool{}
	for _, p := range ps.List {
		if !slices.Contains(ApplicationKinds, p.Kind) || seen[p.Kind] {
			return Invalidf("procedures: kind %q is unknown or given twice", p.Kind)
		}
		seen[p.Kind] = true
		if err := p.validate(); err != nil {
			return err
		}
	}
	return nil
}

// validate checks one procedure (see Validate).
func (p Procedure) validate() error {
	if len(p.Steps) == 0 {
		return Invalidf("procedures: %s has no steps", p.Kind)
	}
	codes := map[string]bool{StateClosed: true, StateRejected: true}
	for _, s := range p.Steps {
		if s.Code == "" || codes[s.Code] {
			return Invalidf("procedures: %s: step code %q is empty, reserved or given twice", p.Kind, s.Code)
		}
		codes[s.Code] = true
	}
	for _, s := range p.Steps {
		at := fmt.Sprintf("procedures: %s step %s", p.Kind, s.Code)
		if !slices.Contains(ProcedureRoles, s.Role) {
			return Invalidf("%s: role %q is not one of %s", at, s.Role, strings.Join(ProcedureRoles, ", "))
		}
		if s.DueDays <= 0 || s.DueDays > 3650 {
			return Invalidf("%s: due_days %d is not between 1 and 3650", at, s.DueDays)
		}
		if len(s.Actions) == 0 {
			return Invalidf("%s: no actions", at)
		}
		if e := s.EscalateTo; e != "" && e != "none" && (!slices.Contains(ProcedureRoles, e) || e == s.Role) {
			return Invalidf("%s: escalate_to %q is not none or one of %s other than the step's own role", at, e, strings.Join(ProcedureRoles, ", "))
		}
		for a, next := range s.Actions {
			if !slices.Contains(AppActions, a) {
				return Invalidf("%s: action %q is not one of submit, return, reject, approve, hand_over, close, propose", at, a)
			}
			if !codes[next] {
				return Invalidf("%s: action %s leads to %q, not a step of the procedure, closed or rejected", at, a, next)
			}
		}
	}
	return nil
}
