package floorplan

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Inspections (督查, issue 18): a plan names what is checked (its kind, scope, period, team, checklist
// and due date); starting it turns each finding in its scope as of its date into an item, frozen, and
// inspectors add manual items from the field; each item is then rectified (整改): notified to its agency
// with a deadline, answered by the agency with evidence, verified by an inspector (fixed or not, against
// the live register where a rule detects it) and, when not fixed or overdue, referred to the discipline
// inspectors (移交纪检监察). Plans and items are never deleted. Every change goes through the Register
// (register_inspections.go).

// The entities of inspections, for the permission hook and the audit log.
const (
	EntityInspection     Entity = "inspection"
	EntityInspectionItem Entity = "inspection_item"
)

// InspectionKind is a kind of inspection plan.
type InspectionKind string

// The kinds of inspection plan.
const (
	InspectAnnual   InspectionKind = "annual"    // 年度全面督查
	InspectSpecial  InspectionKind = "special"   // 专项督查
	InspectKey      InspectionKind = "key"       // 重点督查
	InspectFollowUp InspectionKind = "follow_up" // 回头看
)

// InspectionKinds lists every kind, in display order.
var InspectionKinds = []InspectionKind{InspectAnnual, InspectSpecial, InspectKey, InspectFollowUp}

// The states of a plan.
const (
	PlanDraft   = "draft"
	PlanStarted = "started"
	PlanClosed  = "closed"
)

// The states of an item.
const (
	ItemOpen     = "open"
	ItemNotified = "notified"  // 已下发整改通知
	ItemAnswered = "answered"  // 单位已反馈
	ItemFixed    = "fixed"     // 已整改
	ItemNotFixed = "not_fixed" // 未整改
	ItemReferred = "referred"  // 已移交纪检监察
)

// ItemStates lists every item state.
var ItemStates = []string{ItemOpen, ItemNotified, ItemAnswered, ItemFixed, ItemNotFixed, ItemReferred}

// The scopes of a plan.
const (
	ScopeAll          = "all"
	ScopeAgencies     = "agencies"
	ScopeJurisdiction = "jurisdiction"
	ScopeSystem       = "system"
)

// InspectionScope is what a plan covers: every agency, a list of agencies, a district (the agencies of
// a jurisdiction and its subtree), or a system (系统: a named list of agencies).
type InspectionScope struct {
	Kind           string      `json:"kind" enum:"all,agencies,jurisdiction,system"`
	AgencyIDs      []uuid.UUID `json:"agency_ids,omitempty"`
	JurisdictionID uuid.UUID   `json:"jurisdiction_id,omitzero"`
	System         string      `json:"system,omitempty"` // the system's name (公安系统…)
}

// UnmarshalJSON reads a scope as an object ({"kind",…}), or in short: "all"; the id of a district (a
// jurisdiction); or a list of agency ids.
func (s *InspectionScope) UnmarshalJSON(b []byte) error {
	var short any
	if err := json.Unmarshal(b, &short); err != nil {
		return err
	}
	switch v := short.(type) {
	case string:
		if v == ScopeAll {
			*s = InspectionScope{Kind: ScopeAll}
			return nil
		}
		id, err := uuid.Parse(v)
		if err != nil {
			return fmt.Errorf("scope %q is neither all nor the id of a district", v)
		}
		*s = InspectionScope{Kind: ScopeJurisdiction, JurisdictionID: id}
		return nil
	case []any:
		var ids []uuid.UUID
		if err := json.Unmarshal(b, &ids); err != nil {
			return fmt.Errorf("scope: a list of agency ids: %w", err)
		}
		*s = InspectionScope{Kind: ScopeAgencies, AgencyIDs: ids}
		return nil
	}
	type plain InspectionScope
	return json.Unmarshal(b, (*plain)(s))
}

// MonthDay is a day of the year, as MM-DD (the annual assessment's date).
type MonthDay struct {
	Month time.Month
	Day   int
}

// ParseMonthDay parses MM-DD.
func ParseMonthDay(s string) (MonthDay, error) {
	t, err := time.Parse("01-02", strings.TrimSpace(s))
	if err != nil {
		return MonthDay{}, Invalidf("%q is not a day of the year as MM-DD (e.g. 12-31)", s)
	}
	return MonthDay{t.Month(), t.Day()}, nil
}

func (d MonthDay) String() string { return fmt.Sprintf("%02d-%02d", int(d.Month), d.Day) }

// next returns the first day on or after day that falls on d (29 February: 28 February in other years).
func (d MonthDay) next(day time.Time) time.Time {
	for y := day.Year(); ; y++ {
		last := Day(y, d.Month+1, 0).Day()
		t := Day(y, d.Month, min(d.Day, last))
		if !t.Before(day) {
			return t
		}
	}
}

// WithAssessmentDate sets the day of the government's annual assessment (default 12-31): an annual
// inspection due later than a month before it carries a warning.
func WithAssessmentDate(d MonthDay) RegisterOption { return func(g *Register) { g.assessment = d } }

// AssessmentDate returns the day of the annual assessment in force.
func (g *Register) AssessmentDate() MonthDay {
	if g.assessment.Month == 0 {
		return MonthDay{time.December, 31}
	}
	return g.assessment
}

// Inspection is an inspection plan (督查计划).
type Inspection struct {
	ID    uuid.UUID      `json:"id"`
	Kind  InspectionKind `json:"kind"`
	Title string         `json:"title"`
	// AsOf is the day whose register the findings are taken from (a follow-up: the day it starts).
	AsOf       time.Time       `json:"as_of"`
	Scope      InspectionScope `json:"scope"`
	PeriodFrom time.Time       `json:"period_from"`
	PeriodTo   time.Time       `json:"period_to"`
	// Team are the usernames of the inspectors.
	Team []string `json:"team"`
	// Checklist is the checklist the plan was made with, and the points of it that are checked.
	Checklist Checklist `json:"checklist"`
	Due       time.Time `json:"due"`
	// Follows is the plan a follow-up (回头看) checks again; uuid.Nil for the others.
	Follows uuid.UUID `json:"follows,omitzero"`
	State   string    `json:"state"`
	// Warnings are what the plan should not be but may be (an annual plan due too late).
	Warnings  []string  `json:"warnings"`
	StartedAt time.Time `json:"started_at,omitzero"`
	Items     int       `json:"items"` // items created when it started
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the plan's own fields: a known kind and scope, a title, the period, the team, the
// due date, and the plan a follow-up follows (which only a follow-up has).
func (p *Inspection) Validate() error {
	if !slices.Contains(InspectionKinds, p.Kind) {
		return fieldError("inspection", "kind", FieldOutOfRange, "is %q, not one of annual, special, key, follow_up", p.Kind)
	}
	if strings.TrimSpace(p.Title) == "" || len([]rune(p.Title)) > 200 {
		return fieldError("inspection", "title", FieldOutOfRange, "is required, at most 200 characters")
	}
	if p.AsOf.IsZero() {
		return fieldError("inspection", "as_of", FieldOutOfRange, "is required: the day the findings are taken from")
	}
	if p.PeriodFrom.IsZero() || p.PeriodTo.IsZero() || p.PeriodTo.Before(p.PeriodFrom) {
		return fieldError("inspection", "period_to", FieldOutOfRange, "must be given with period_from, on or after it")
	}
	if p.Due.IsZero() || p.Due.Before(p.PeriodFrom) {
		return fieldError("inspection", "due", FieldOutOfRange, "is required, on or after period_from")
	}
	if len(p.Team) == 0 || len(p.Team) > 100 {
		return fieldError("inspection", "team", FieldOutOfRange, "is required: 1 to 100 inspectors' usernames")
	}
	for i, u := range p.Team {
		if strings.TrimSpace(u) == "" || len(u) > 100 || slices.Index(p.Team, u) != i {
			return fieldError("inspection", "team["+strconv.Itoa(i)+"]", FieldOutOfRange, "is %q: empty, too long or given twice", u)
		}
	}
	if (p.Kind == InspectFollowUp) != (p.Follows != uuid.Nil) {
		return fieldError("inspection", "follows", FieldOutOfRange, "is required for a follow_up, and only for it")
	}
	return p.Scope.validate()
}

// validate checks a scope: what its kind needs and nothing else.
func (s InspectionScope) validate() error {
	bad := func(field, format string, args ...any) error {
		return fieldError("inspection", "scope."+field, FieldOutOfRange, format, args...)
	}
	switch s.Kind {
	case ScopeAll:
		if len(s.AgencyIDs) > 0 || s.JurisdictionID != uuid.Nil {
			return bad("kind", "is all: give no agency_ids or jurisdiction_id")
		}
	case ScopeAgencies, ScopeSystem:
		if len(s.AgencyIDs) == 0 || len(s.AgencyIDs) > 10000 {
			return bad("agency_ids", "is required for scope %s: 1 to 10000 agencies", s.Kind)
		}
		if s.Kind == ScopeSystem && strings.TrimSpace(s.System) == "" {
			return bad("system", "is required: the name of the system")
		}
	case ScopeJurisdiction:
		if s.JurisdictionID == uuid.Nil {
			return bad("jurisdiction_id", "is required for scope jurisdiction")
		}
	default:
		return bad("kind", "is %q, not one of all, agencies, jurisdiction, system", s.Kind)
	}
	return nil
}

// Measurement is one figure an inspector measured in the field.
type Measurement struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// ItemAction is one change of an item's state, on its trail.
type ItemAction struct {
	Action      string      `json:"action"` // notify, answer, verify, refer
	From        string      `json:"from"`
	To          string      `json:"to"`
	Actor       string      `json:"actor"`
	Role        string      `json:"role"`
	Comment     string      `json:"comment,omitempty"`
	DocumentIDs []uuid.UUID `json:"document_ids,omitempty"`
	Deadline    time.Time   `json:"deadline,omitzero"`
	At          time.Time   `json:"at"`
}

// InspectionItem is one thing an inspection found: a finding of the rules engine as of the plan's day,
// frozen (Finding: its message, numbers, legal source, rule, agency, rooms and person, as they were), or
// a manual item entered in the field.
type InspectionItem struct {
	ID           uuid.UUID `json:"id"`
	InspectionID uuid.UUID `json:"inspection_id"`
	PointCode    string    `json:"point_code"`
	Layer        string    `json:"layer"`
	// RuleID is the rule of a rule-based item; "" for a manual one.
	RuleID   string    `json:"rule_id,omitempty"`
	AgencyID uuid.UUID `json:"agency_id"` // uuid.Nil: rooms of no agency
	// Finding is the frozen finding of a rule-based item.
	Finding *Finding `json:"finding,omitempty"`
	// PersonName is the name of the finding's person as of the plan's day: personal data, left out on
	// read for those who may not see it.
	PersonName string `json:"person_name,omitempty"`
	// FollowsItem is the item of the followed plan a follow-up's item checks again; Recheck what the
	// live register said when it started ("holds", "resolved", or "manual").
	FollowsItem uuid.UUID `json:"follows_item,omitzero"`
	Recheck     string    `json:"recheck,omitempty"`
	// The field entry of a manual item: the room or floor, a position on the floor plan (local metres),
	// measurements, notes and photos (documents of the archive).
	RoomID       uuid.UUID     `json:"room_id,omitzero"`
	FloorID      uuid.UUID     `json:"floor_id,omitzero"`
	Position     []float64     `json:"position,omitempty"`
	Measurements []Measurement `json:"measurements,omitempty"`
	Notes        string        `json:"notes,omitempty"`
	PhotoIDs     []uuid.UUID   `json:"photo_ids,omitempty"`
	State        string        `json:"state"`
	// Deadline is the rectification deadline the notice set (a calendar day, itself in time).
	Deadline  time.Time    `json:"deadline,omitzero"`
	Trail     []ItemAction `json:"trail"`
	Version   int64        `json:"version"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// Overdue reports whether it is notified, answered or found not fixed past its deadline as of now.
func (it InspectionItem) Overdue(now time.Time) bool {
	switch it.State {
	case ItemNotified, ItemAnswered, ItemNotFixed:
		return !it.Deadline.IsZero() && DayOf(now).After(it.Deadline)
	}
	return false
}

// InspectionFilter selects plans; zero fields select all.
type InspectionFilter struct {
	Kind  InspectionKind
	State string
}

// ItemFilter selects items; zero fields select all (InspectionID uuid.Nil: of every plan).
type ItemFilter struct {
	InspectionID uuid.UUID
	AgencyID     uuid.UUID
	State        string
}

// InspectionStore keeps the plans and their items. Create assigns the ID (when Nil), Version 1 and the
// times; Update writes the version given (stale: ErrConflict) and moves the version on. An item's plan
// must exist (else ErrNotFound). Nothing is ever deleted.
type InspectionStore interface {
	InspectionReader
	CreateInspection(ctx context.Context, p *Inspection) error
	UpdateInspection(ctx context.Context, p *Inspection) error
	CreateInspectionItem(ctx context.Context, it *InspectionItem) error
	UpdateInspectionItem(ctx context.Context, it *InspectionItem) error
}

// InspectionReader reads plans and items (for the HTTP handlers).
type InspectionReader interface {
	Inspection(ctx context.Context, id uuid.UUID) (Inspection, error)
	Inspections(ctx context.Context, f InspectionFilter) ([]Inspection, error)
	InspectionItem(ctx context.Context, id uuid.UUID) (InspectionItem, error)
	// InspectionItems lists the items f selects, oldest first.
	InspectionItems(ctx context.Context, f ItemFilter) ([]InspectionItem, error)
}

// inspectionBody is what the stores keep of a plan besides its indexed columns.
type inspectionBody struct {
	Title      string          `json:"title"`
	AsOf       time.Time       `json:"as_of"`
	Scope      InspectionScope `json:"scope"`
	PeriodFrom time.Time       `json:"period_from"`
	PeriodTo   time.Time       `json:"period_to"`
	Team       []string        `json:"team"`
	Checklist  Checklist       `json:"checklist"`
	Due        time.Time       `json:"due"`
	Warnings   []string        `json:"warnings"`
	StartedAt  time.Time       `json:"started_at,omitzero"`
	Items      int             `json:"items"`
}

// Body returns the part of p the stores keep as one JSON document.
func (p Inspection) Body() ([]byte, error) {
	return json.Marshal(inspectionBody{Title: p.Title, AsOf: p.AsOf, Scope: p.Scope, PeriodFrom: p.PeriodFrom,
		PeriodTo: p.PeriodTo, Team: p.Team, Checklist: p.Checklist, Due: p.Due, Warnings: p.Warnings,
		StartedAt: p.StartedAt, Items: p.Items})
}

// SetBody fills p from a document Body wrote.
func (p *Inspection) SetBody(b []byte) error {
	var x inspectionBody
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	p.Title, p.AsOf, p.Scope, p.PeriodFrom, p.PeriodTo = x.Title, x.AsOf, x.Scope, x.PeriodFrom, x.PeriodTo
	p.Team, p.Checklist, p.Due, p.Warnings, p.StartedAt, p.Items = x.Team, x.Checklist, x.Due, x.Warnings, x.StartedAt, x.Items
	if p.Warnings == nil {
		p.Warnings = []string{}
	}
	return nil
}

// Body returns the part of it the stores keep as one JSON document: all but the indexed columns (id,
// plan, agency, point, rule, state) and the times and version.
func (it InspectionItem) Body() ([]byte, error) {
	b := it
	b.ID, b.InspectionID, b.AgencyID, b.PointCode, b.RuleID, b.State = uuid.Nil, uuid.Nil, uuid.Nil, "", "", ""
	b.Version, b.CreatedAt, b.UpdatedAt = 0, time.Time{}, time.Time{}
	return json.Marshal(b)
}

// SetBody fills it from a document Body wrote, keeping the indexed columns already read.
func (it *InspectionItem) SetBody(b []byte) error {
	var x InspectionItem
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	x.ID, x.InspectionID, x.AgencyID, x.PointCode, x.RuleID, x.State = it.ID, it.InspectionID, it.AgencyID, it.PointCode, it.RuleID, it.State
	x.Version, x.CreatedAt, x.UpdatedAt = it.Version, it.CreatedAt, it.UpdatedAt
	if x.Trail == nil {
		x.Trail = []ItemAction{}
	}
	*it = x
	return nil
}
