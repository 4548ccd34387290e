package floorplan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The inspections through the Register (inspections.go): plans made, started and closed and items added
// by an inspector; items notified, verified and referred by an inspector where the item's agency is, and
// answered by that agency's manager. The permission hook sees the role each change needs (Request.Role),
// and so the audit log records every change.

// Roles of the inspections, for the permission hook.
const (
	RoleInspector     = "inspector"
	RoleAgencyManager = "agency_manager"
)

// The actions on an item.
const (
	ItemNotify = "notify"
	ItemAnswer = "answer"
	ItemVerify = "verify"
	ItemRefer  = "refer"
)

// ItemActions lists the actions on an item.
var ItemActions = []string{ItemNotify, ItemAnswer, ItemVerify, ItemRefer}

// ItemStateError is an action that the item's state does not allow. It wraps ErrConflict.
type ItemStateError struct {
	State   string
	Action  string
	Allowed []string
}

func (e *ItemStateError) Error() string {
	allowed := strings.Join(e.Allowed, ", ")
	if allowed == "" {
		allowed = "none"
	}
	return fmt.Sprintf("action %s is not allowed on an item that is %s (allowed: %s)", e.Action, e.State, allowed)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ItemStateError) Is(target error) bool { return target == ErrConflict }

// FindingHoldsError refuses to mark a rule-based item fixed while its finding still holds in the live
// register. It wraps ErrConflict.
type FindingHoldsError struct {
	ItemID  uuid.UUID
	Finding Finding // the finding of today
}

func (e *FindingHoldsError) Error() string {
	return fmt.Sprintf("item %s cannot be marked fixed: the finding still holds in the register today: %s: %s",
		e.ItemID, e.Finding.RuleID, e.Finding.Message)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *FindingHoldsError) Is(target error) bool { return target == ErrConflict }

// ItemActionInput is an action asked for on an item.
type ItemActionInput struct {
	Action      string
	Deadline    time.Time // notify: the rectification deadline
	Fixed       *bool     // verify: fixed or not
	Comment     string    // answer: the answer; refer: the reason
	DocumentIDs []uuid.UUID
}

// CreateInspection makes plan p, a draft, with the checklist in force (only the points of codes when
// given): checks its fields and what they name (agencies, the district, the followed plan), warns on an
// annual plan due later than a month before the annual assessment, and stores it.
func (g *Register) CreateInspection(ctx context.Context, p *Inspection, codes []string) (Changes, error) {
	today := DayOf(g.now())
	if p.Kind == InspectFollowUp && p.AsOf.IsZero() {
		p.AsOf = today
	}
	p.AsOf, p.PeriodFrom, p.PeriodTo, p.Due = dayOrZero(p.AsOf), dayOrZero(p.PeriodFrom), dayOrZero(p.PeriodTo), dayOrZero(p.Due)
	cl, err := checklistOf(g.Checklist(), codes)
	if err != nil {
		return Changes{}, err
	}
	p.Checklist = cl
	if err := p.Validate(); err != nil {
		return Changes{}, err
	}
	if p.AsOf.After(today) {
		return Changes{}, fieldError("inspection", "as_of", FieldOutOfRange, "is %s, after today", p.AsOf.Format(DateLayout))
	}
	if err := g.checkInspectionRefs(ctx, p); err != nil {
		return Changes{}, err
	}
	if err := g.allowPlan(ctx, OpCreate, *p); err != nil {
		return Changes{}, err
	}
	p.State, p.Warnings, p.Items, p.StartedAt = PlanDraft, g.planWarnings(*p), 0, time.Time{}
	if err := g.store.CreateInspection(ctx, p); err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{Entity: EntityInspection})
}

// dayOrZero is DayOf, keeping the zero time zero.
func dayOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return DayOf(t)
}

// checklistOf returns a copy of c with only the points of codes (all for none); an unknown code is an error
// naming it.
func checklistOf(c *Checklist, codes []string) (Checklist, error) {
	out := Checklist{ID: c.ID, Name: c.Name, Points: slices.Clone(c.Points)}
	if len(codes) == 0 {
		return out, nil
	}
	out.Points = nil
	for i, code := range codes {
		pt, ok := c.Point(code)
		if !ok {
			return out, fieldError("inspection", "points["+strconv.Itoa(i)+"]", FieldOutOfRange, "is %q, not a point of checklist %s", code, c.ID)
		}
		if !slices.ContainsFunc(out.Points, func(p ChecklistPoint) bool { return p.Code == code }) {
			out.Points = append(out.Points, pt)
		}
	}
	return out, nil
}

// checkInspectionRefs checks that the agencies, the district and the followed plan of p exist, and that
// the followed plan has started.
func (g *Register) checkInspectionRefs(ctx context.Context, p *Inspection) error {
	for i, id := range p.Scope.AgencyIDs {
		if _, err := g.store.Agency(ctx, id); errors.Is(err, ErrNotFound) {
			return fieldError("inspection", fmt.Sprintf("scope.agency_ids[%d]", i), FieldOutOfRange, "is %s, not an agency of the register", id)
		} else if err != nil {
			return err
		}
	}
	if p.Scope.JurisdictionID != uuid.Nil {
		if _, err := g.store.Jurisdiction(ctx, p.Scope.JurisdictionID); errors.Is(err, ErrNotFound) {
			return fieldError("inspection", "scope.jurisdiction_id", FieldOutOfRange, "is %s, not a jurisdiction", p.Scope.JurisdictionID)
		} else if err != nil {
			return err
		}
	}
	if p.Follows != uuid.Nil {
		orig, err := g.store.Inspection(ctx, p.Follows)
		if errors.Is(err, ErrNotFound) {
			return fieldError("inspection", "follows", FieldOutOfRange, "is %s, not an inspection", p.Follows)
		} else if err != nil {
			return err
		}
		if orig.State == PlanDraft {
			return fieldError("inspection", "follows", FieldOutOfRange, "is inspection %s, which has not started", p.Follows)
		}
	}
	return nil
}

// planWarnings are the warnings of p: an annual plan due later than one month before the first annual
// assessment on or after its period's start.
func (g *Register) planWarnings(p Inspection) []string {
	out := []string{}
	if p.Kind != InspectAnnual {
		return out
	}
	assess := g.AssessmentDate().next(p.PeriodFrom)
	y, m, _ := assess.Date()
	cutoff := Day(y, m-1, min(assess.Day(), Day(y, m, 0).Day()))
	if p.Due.After(cutoff) {
		out = append(out, fmt.Sprintf("年度督查截止日期 %s 晚于年度考核（%s）前一个月（%s）; the annual inspection is due %s, later than %s, one month before the annual assessment on %s",
			p.Due.Format(DateLayout), assess.Format(DateLayout), cutoff.Format(DateLayout),
			p.Due.Format(DateLayout), cutoff.Format(DateLayout), assess.Format(DateLayout)))
	}
	return out
}

// PlanStateError is a change that the plan's state does not allow. It wraps ErrConflict.
type PlanStateError struct {
	ID    uuid.UUID
	State string // the plan's
	Want  string // the state the change needs
}

func (e *PlanStateError) Error() string {
	return fmt.Sprintf("inspection %s is %s, not %s", e.ID, e.State, e.Want)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *PlanStateError) Is(target error) bool { return target == ErrConflict }

// planStateError is a plan not in the state a change needs.
func planStateError(p Inspection, want string) error {
	return &PlanStateError{ID: p.ID, State: p.State, Want: want}
}

// StartInspection starts draft plan id: one item per finding in its scope as of its day whose rule a
// point of its checklist names, frozen; a follow-up's items are its followed plan's items not verified
// fixed, re-checked against the live register. Items and the plan's new state are written together.
func (g *Register) StartInspection(ctx context.Context, id uuid.UUID) (Inspection, Changes, error) {
	p, err := g.store.Inspection(ctx, id)
	if err != nil {
		return p, Changes{}, err
	}
	if p.State != PlanDraft {
		return p, Changes{}, planStateError(p, PlanDraft)
	}
	if err := g.allowPlan(ctx, OpUpdate, p); err != nil {
		return p, Changes{}, err
	}
	var items []InspectionItem
	if p.Kind == InspectFollowUp {
		p.AsOf = DayOf(g.now())
		items, err = g.followUpItems(ctx, p)
	} else {
		items, err = g.findingItems(ctx, &p)
	}
	if err != nil {
		return p, Changes{}, err
	}
	p.State, p.StartedAt, p.Items = PlanStarted, g.now(), len(items)
	err = g.store.InTx(ctx, func(tx Store) error {
		for i := range items {
			items[i].InspectionID = p.ID
			if err := tx.CreateInspectionItem(ctx, &items[i]); err != nil {
				return err
			}
		}
		return tx.UpdateInspection(ctx, &p)
	})
	if err != nil {
		return p, Changes{}, err
	}
	c, err := g.done(ctx, Changes{Entity: EntityInspection})
	return p, c, err
}

// scopeAgencies returns the agencies of scope s (nil: every agency and the rooms of none).
func (g *Register) scopeAgencies(ctx context.Context, s InspectionScope) ([]uuid.UUID, error) {
	switch s.Kind {
	case ScopeAll:
		return nil, nil
	case ScopeAgencies, ScopeSystem:
		return slices.Clone(s.AgencyIDs), nil
	}
	agencies, err := g.store.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	js, err := g.store.Jurisdictions(ctx)
	if err != nil {
		return nil, err
	}
	return ScopeAgencyIDs(s, agencies, js), nil
}

// findingItems are the items of plan p's findings as of its day; the evaluation's notes (a day before
// the register) are added to its warnings.
func (g *Register) findingItems(ctx context.Context, p *Inspection) ([]InspectionItem, error) {
	agencies, err := g.scopeAgencies(ctx, p.Scope)
	if err != nil || (agencies != nil && len(agencies) == 0) {
		return nil, err
	}
	items := []InspectionItem{}
	noted := false
	err = g.EvaluateParts(ctx, p.AsOf, agencies, func(part *Report) error {
		if !noted {
			noted = true
			for _, n := range part.Notes {
				p.Warnings = append(p.Warnings, n.Message+"; "+n.MessageEN)
			}
		}
		for _, f := range part.Findings {
			if it, ok := findingItem(&p.Checklist, part, f); ok {
				items = append(items, it)
			}
		}
		return nil
	})
	return items, err
}

// findingItem is the item of finding f of part, frozen, when a point of c names its rule.
func findingItem(c *Checklist, part *Report, f Finding) (InspectionItem, bool) {
	pt, ok := c.PointOfRule(f.RuleID)
	if !ok {
		return InspectionItem{}, false
	}
	f.RoomIDs = slices.Clone(f.RoomIDs)
	it := InspectionItem{PointCode: pt.Code, Layer: pt.Layer, RuleID: f.RuleID, AgencyID: f.AgencyID, Finding: &f,
		State: ItemOpen, Trail: []ItemAction{}}
	if f.PersonID != uuid.Nil {
		if pr, ok := part.Person(f.PersonID); ok {
			it.PersonName = pr.Name
		}
	}
	return it, true
}

// findingKey names a finding across evaluations: its rule and subject.
func findingKey(f Finding) string { return f.RuleID + "|" + f.SubjectID.String() }

// liveFindings evaluates the register today for agencies and returns its findings by findingKey, with
// the report part each is of.
func (g *Register) liveFindings(ctx context.Context, agencies []uuid.UUID) (map[string]Finding, map[string]*Report, error) {
	slices.SortFunc(agencies, compareID)
	agencies = slices.Compact(agencies)
	found, parts := map[string]Finding{}, map[string]*Report{}
	err := g.EvaluateParts(ctx, DayOf(g.now()), agencies, func(part *Report) error {
		for _, f := range part.Findings {
			found[findingKey(f)], parts[findingKey(f)] = f, part
		}
		return nil
	})
	return found, parts, err
}

// followUpItems are the items of follow-up p: each item of the followed plan not verified fixed, checked
// again. A rule-based one whose finding holds today is frozen anew with today's numbers (Recheck
// "holds"); one whose finding is gone keeps the old finding (Recheck "resolved") for the inspector to
// verify; a manual one is copied (Recheck "manual").
func (g *Register) followUpItems(ctx context.Context, p Inspection) ([]InspectionItem, error) {
	orig, err := g.store.InspectionItems(ctx, ItemFilter{InspectionID: p.Follows})
	if err != nil {
		return nil, err
	}
	orig = slices.DeleteFunc(orig, func(it InspectionItem) bool { return it.State == ItemFixed })
	var agencies []uuid.UUID
	for _, it := range orig {
		if it.RuleID != "" {
			agencies = append(agencies, it.AgencyID)
		}
	}
	live, parts := map[string]Finding{}, map[string]*Report{}
	if len(agencies) > 0 {
		if live, parts, err = g.liveFindings(ctx, agencies); err != nil {
			return nil, err
		}
	}
	items := make([]InspectionItem, 0, len(orig))
	for _, o := range orig {
		it := InspectionItem{PointCode: o.PointCode, Layer: o.Layer, RuleID: o.RuleID, AgencyID: o.AgencyID, Finding: o.Finding,
			PersonName: o.PersonName, FollowsItem: o.ID, RoomID: o.RoomID, FloorID: o.FloorID, Position: o.Position,
			Measurements: o.Measurements, Notes: o.Notes, PhotoIDs: o.PhotoIDs, State: ItemOpen, Trail: []ItemAction{}, Recheck: "manual"}
		if o.RuleID != "" && o.Finding != nil {
			it.Recheck = "resolved"
			if f, ok := live[findingKey(*o.Finding)]; ok {
				if fresh, ok := findingItem(&p.Checklist, parts[findingKey(f)], f); ok {
					fresh.FollowsItem, fresh.Recheck = o.ID, "holds"
					it = fresh
				}
			}
		}
		items = append(items, it)
	}
	return items, nil
}

// CloseInspection closes started plan id: no items are added to it nor acted on afterwards.
func (g *Register) CloseInspection(ctx context.Context, id uuid.UUID) (Inspection, Changes, error) {
	p, err := g.store.Inspection(ctx, id)
	if err != nil {
		return p, Changes{}, err
	}
	if p.State != PlanStarted {
		return p, Changes{}, planStateError(p, PlanStarted)
	}
	if err := g.allowPlan(ctx, OpUpdate, p); err != nil {
		return p, Changes{}, err
	}
	p.State = PlanClosed
	if err := g.store.UpdateInspection(ctx, &p); err != nil {
		return p, Changes{}, err
	}
	c, err := g.done(ctx, Changes{Entity: EntityInspection})
	return p, c, err
}

// AddInspectionItem adds manual item it, entered in the field, to started plan planID: a point of the
// plan's checklist, the agency, optionally the room or floor and a position on its plan (local metres),
// measurements, notes and photos (documents of the archive).
func (g *Register) AddInspectionItem(ctx context.Context, planID uuid.UUID, it *InspectionItem) (Changes, error) {
	p, err := g.store.Inspection(ctx, planID)
	if err != nil {
		return Changes{}, err
	}
	if p.State != PlanStarted {
		return Changes{}, planStateError(p, PlanStarted)
	}
	pt, ok := p.Checklist.Point(it.PointCode)
	if !ok {
		return Changes{}, fieldError("inspection item", "point_code", FieldOutOfRange, "is %q, not a point of the plan's checklist", it.PointCode)
	}
	if err := g.checkManualItem(ctx, it); err != nil {
		return Changes{}, err
	}
	if err := g.allow(ctx, Request{Op: OpCreate, Entity: EntityInspectionItem, AgencyID: it.AgencyID, Role: RoleInspector}); err != nil {
		return Changes{}, err
	}
	if err := g.onTeam(ctx, p); err != nil {
		return Changes{}, err
	}
	it.InspectionID, it.Layer, it.RuleID, it.Finding, it.PersonName = planID, pt.Layer, "", nil, ""
	it.State, it.Trail, it.Deadline, it.FollowsItem, it.Recheck = ItemOpen, []ItemAction{}, time.Time{}, uuid.Nil, ""
	if err := g.store.CreateInspectionItem(ctx, it); err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{Entity: EntityInspectionItem})
}

// checkManualItem checks a manual item's field entry and that the records it names exist; the floor of
// its room is its floor.
func (g *Register) checkManualItem(ctx context.Context, it *InspectionItem) error {
	bad := func(field, format string, args ...any) error {
		return fieldError("inspection item", field, FieldOutOfRange, format, args...)
	}
	if it.AgencyID == uuid.Nil {
		return bad("agency_id", "is required")
	}
	if _, err := g.store.Agency(ctx, it.AgencyID); errors.Is(err, ErrNotFound) {
		return bad("agency_id", "is %s, not an agency of the register", it.AgencyID)
	} else if err != nil {
		return err
	}
	if it.RoomID != uuid.Nil {
		r, err := g.store.Room(ctx, it.RoomID)
		if errors.Is(err, ErrNotFound) {
			return bad("room_id", "is %s, not a room of the register", it.RoomID)
		} else if err != nil {
			return err
		}
		if it.FloorID != uuid.Nil && it.FloorID != r.FloorID {
			return bad("floor_id", "is %s, not the floor of room %s", it.FloorID, r.Number)
		}
		it.FloorID = r.FloorID
	} else if it.FloorID != uuid.Nil {
		if _, err := g.store.Floor(ctx, it.FloorID); errors.Is(err, ErrNotFound) {
			return bad("floor_id", "is %s, not a floor of the register", it.FloorID)
		} else if err != nil {
			return err
		}
	}
	if len(it.Position) > 0 {
		if len(it.Position) != 2 || it.FloorID == uuid.Nil || !finite(it.Position[0], 1e5) || !finite(it.Position[1], 1e5) {
			return bad("position", "must be [x, y] in metres on the floor's plan (within ±100 km), with a floor or room")
		}
	}
	if len(it.Measurements) > 50 {
		return bad("measurements", "has %d entries, more than 50", len(it.Measurements))
	}
	for i, m := range it.Measurements {
		if strings.TrimSpace(m.Name) == "" || len([]rune(m.Name)) > 100 || len([]rune(m.Unit)) > 20 || !finite(m.Value, 1e9) {
			return bad(fmt.Sprintf("measurements[%d]", i), "needs a name (at most 100 characters), a finite value and a unit of at most 20")
		}
	}
	if len([]rune(it.Notes)) > 4000 {
		return fieldError("inspection item", "notes", FieldTooLong, "is longer than 4000 characters")
	}
	if len(it.PhotoIDs) > 50 {
		return bad("photo_ids", "has %d photos, more than 50", len(it.PhotoIDs))
	}
	return g.checkDocuments(ctx, "inspection item", "photo_ids", it.PhotoIDs)
}

// finite reports whether v is a number within ±limit.
func finite(v, limit float64) bool { return !math.IsNaN(v) && math.Abs(v) <= limit }

// checkDocuments checks that ids name documents of the archive.
func (g *Register) checkDocuments(ctx context.Context, record, field string, ids []uuid.UUID) error {
	for i, id := range ids {
		if _, err := g.store.Document(ctx, id); errors.Is(err, ErrNotFound) {
			return fieldError(record, fmt.Sprintf("%s[%d]", field, i), FieldOutOfRange, "is %s, not a document of the archive", id)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// itemAllowed returns the actions item it allows as of now, and the role each needs.
func itemAllowed(it InspectionItem, now time.Time) map[string]string {
	out := map[string]string{}
	switch it.State {
	case ItemOpen:
		out[ItemNotify] = RoleInspector
	case ItemNotified:
		out[ItemAnswer], out[ItemVerify] = RoleAgencyManager, RoleInspector
	case ItemAnswered:
		out[ItemVerify] = RoleInspector
	case ItemNotFixed:
		out[ItemNotify], out[ItemRefer] = RoleInspector, RoleInspector
	}
	if it.Overdue(now) {
		out[ItemRefer] = RoleInspector
	}
	return out
}

// ItemAllowed returns the actions item it allows as of now, sorted.
func ItemAllowed(it InspectionItem, now time.Time) []string {
	out := []string{}
	for a := range itemAllowed(it, now) {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// ActOnItem takes in on item id: the item's state must allow the action (else an *ItemStateError, 409),
// the caller must hold its role where the item's agency is (the permission hook: an inspector notifies,
// verifies and refers; the agency's manager answers), and the item moves on in one write, the action on
// its trail. A rule-based item is verified fixed only when its finding no longer holds in the live
// register (else a *FindingHoldsError, 409).
func (g *Register) ActOnItem(ctx context.Context, id uuid.UUID, in ItemActionInput) (InspectionItem, Changes, error) {
	it, err := g.store.InspectionItem(ctx, id)
	if err != nil {
		return it, Changes{}, err
	}
	p, err := g.store.Inspection(ctx, it.InspectionID)
	if err != nil {
		return it, Changes{}, err
	}
	if p.State != PlanStarted {
		return it, Changes{}, planStateError(p, PlanStarted)
	}
	now := g.now()
	role, ok := itemAllowed(it, now)[in.Action]
	if !ok {
		if !slices.Contains(ItemActions, in.Action) {
			return it, Changes{}, fieldError("action", "action", FieldOutOfRange, "is %q, not one of notify, answer, verify, refer", in.Action)
		}
		return it, Changes{}, &ItemStateError{State: it.State, Action: in.Action, Allowed: ItemAllowed(it, now)}
	}
	if err := g.allow(ctx, Request{Op: OpUpdate, Entity: EntityInspectionItem, ID: id, AgencyID: it.AgencyID, Role: role}); err != nil {
		return it, Changes{}, err
	}
	if role == RoleInspector {
		if err := g.onTeam(ctx, p); err != nil {
			return it, Changes{}, err
		}
	}
	next, err := g.itemNext(ctx, it, in, now)
	if err != nil {
		return it, Changes{}, err
	}
	step := ItemAction{Action: in.Action, From: it.State, To: next, Actor: ActorFrom(ctx), Role: role, Comment: in.Comment,
		DocumentIDs: in.DocumentIDs, At: now}
	if in.Action == ItemNotify {
		step.Deadline, it.Deadline = DayOf(in.Deadline), DayOf(in.Deadline)
	}
	it.State, it.Trail = next, append(it.Trail, step)
	if err := g.store.UpdateInspectionItem(ctx, &it); err != nil {
		return it, Changes{}, err
	}
	c, err := g.done(ctx, Changes{Entity: EntityInspectionItem})
	return it, c, err
}

// itemNext checks what action in needs and returns the state it leads to.
func (g *Register) itemNext(ctx context.Context, it InspectionItem, in ItemActionInput, now time.Time) (string, error) {
	bad := func(field, format string, args ...any) error {
		return fieldError(in.Action+" action", field, FieldOutOfRange, format, args...)
	}
	if len([]rune(in.Comment)) > 4000 {
		return "", fieldError(in.Action+" action", "comment", FieldTooLong, "is longer than 4000 characters")
	}
	if len(in.DocumentIDs) > 50 {
		return "", bad("document_ids", "has %d documents, more than 50", len(in.DocumentIDs))
	}
	if err := g.checkDocuments(ctx, in.Action+" action", "document_ids", in.DocumentIDs); err != nil {
		return "", err
	}
	switch in.Action {
	case ItemNotify:
		if in.Deadline.IsZero() || DayOf(in.Deadline).Before(DayOf(now)) {
			return "", bad("deadline", "is required: the rectification deadline, today or later")
		}
		return ItemNotified, nil
	case ItemAnswer:
		if strings.TrimSpace(in.Comment) == "" {
			return "", bad("comment", "is required: the agency's answer")
		}
		return ItemAnswered, nil
	case ItemVerify:
		if in.Fixed == nil {
			return "", bad("fixed", "is required: true (fixed) or false (not fixed)")
		}
		if !*in.Fixed {
			return ItemNotFixed, nil
		}
		return ItemFixed, g.checkGone(ctx, it)
	default: // refer
		if strings.TrimSpace(in.Comment) == "" {
			return "", bad("comment", "is required: the reason for the referral")
		}
		return ItemReferred, nil
	}
}

// checkGone checks that a rule-based item's finding no longer holds in the live register: evaluated for
// its agency and the person's agency today.
func (g *Register) checkGone(ctx context.Context, it InspectionItem) error {
	if it.RuleID == "" || it.Finding == nil {
		return nil
	}
	agencies := []uuid.UUID{it.AgencyID}
	if it.Finding.PersonID != uuid.Nil {
		if person, err := g.store.Person(ctx, it.Finding.PersonID); err == nil {
			agencies = append(agencies, person.AgencyID)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	live, _, err := g.liveFindings(ctx, agencies)
	if err != nil {
		return err
	}
	if f, ok := live[findingKey(*it.Finding)]; ok {
		return &FindingHoldsError{ItemID: it.ID, Finding: f}
	}
	return nil
}

// NotOnTeamError refuses an inspector's action on the items of a plan with a team (notify, verify, refer,
// a manual item, a lead triaged into it) to an actor not on it. It wraps ErrForbidden.
type NotOnTeamError struct {
	InspectionID uuid.UUID
	Actor        string
	Team         []string
}

func (e *NotOnTeamError) Error() string {
	return fmt.Sprintf("%s is not on the team of inspection %s (%s): only its inspectors act on its items",
		e.Actor, e.InspectionID, strings.Join(e.Team, ", "))
}

// Is makes errors.Is(err, ErrForbidden) true.
func (e *NotOnTeamError) Is(target error) bool { return target == ErrForbidden }

// onTeam checks that the actor of ctx is on plan p's team: a plan with a team is worked by its inspectors
// only (the permission hook has checked the role where the item is); a plan with no team is open to every
// inspector the hook allows, and so is a write that carries no actor (the register's own processes).
// Without accounts (single-user mode, no permission hook) there are no users to form teams: no check.
func (g *Register) onTeam(ctx context.Context, p Inspection) error {
	actor := ActorFrom(ctx)
	if !g.accounts || len(p.Team) == 0 || actor == "system" || slices.Contains(p.Team, actor) {
		return nil
	}
	return &NotOnTeamError{InspectionID: p.ID, Actor: actor, Team: slices.Clone(p.Team)}
}

// allowPlan asks the permission hook for a change of plan p, as an inspector where the plan looks: in its
// district (a scope of a jurisdiction), at each of its agencies (a scope of agencies), or everywhere (all
// agencies, or a system). A district's inspector may thus plan the district's inspections.
func (g *Register) allowPlan(ctx context.Context, op Op, p Inspection) error {
	req := Request{Op: op, Entity: EntityInspection, ID: p.ID, Role: RoleInspector}
	if op == OpCreate {
		req.ID = uuid.Nil // not created yet: a refusal is 403, not 404
	}
	switch p.Scope.Kind {
	case ScopeJurisdiction:
		req.JurisdictionID = p.Scope.JurisdictionID
	case ScopeAgencies:
		for _, a := range p.Scope.AgencyIDs {
			req.AgencyID = a
			if err := g.allow(ctx, req); err != nil {
				return err
			}
		}
		return nil
	}
	return g.allow(ctx, req)
}
