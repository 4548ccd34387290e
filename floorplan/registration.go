package floorplan

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Registration (权属登记/备案): a property's registration state (Site.Ownership: registered, to_register,
// filing, filed, unclear, disputed) with the history of its changes, and the filing path (备案) of a
// property whose title cannot be registered — lost papers, unclear title, disputes — as three steps:
//
//  1. confirmation (确权): the finance bureau and the real-estate registration centre confirm the title;
//  2. notice (公示): the confirmation is made public, from a start to an end day;
//  3. filing_document (备案文件): a normative document (规范性文件) or meeting minutes (会议纪要), with its
//     number and date.
//
// A property moves to filed only once all three are recorded. Changes, steps and the manual events of a
// property's timeline (timeline.go) are appended and never changed: a step recorded again replaces the
// earlier one in the registration's view, and both stay in the store.

// EntityRegistration is a property's registration (its state, steps and timeline events), for the
// permission hook and the audit log.
const EntityRegistration Entity = "registration"

// OwnershipStates lists the registration states in display order.
var OwnershipStates = []OwnershipStatus{OwnershipRegistered, OwnershipToRegister, OwnershipFiling, OwnershipFiled,
	OwnershipUnclear, OwnershipDisputed}

// RegistrationChange is one recorded change of a property's registration state.
type RegistrationChange struct {
	ID     uuid.UUID       `json:"id"`
	SiteID uuid.UUID       `json:"site_id"`
	State  OwnershipStatus `json:"state"`
	// Effective is the day the state took effect in the world.
	Effective  time.Time `json:"effective"`
	Reason     string    `json:"reason"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// FilingStepKind names a step of the filing path.
type FilingStepKind string

// The steps of the filing path, in order.
const (
	StepConfirmation   FilingStepKind = "confirmation"    // 确权
	StepNotice         FilingStepKind = "notice"          // 公示
	StepFilingDocument FilingStepKind = "filing_document" // 备案文件
)

// FilingSteps lists the steps in their order.
var FilingSteps = []FilingStepKind{StepConfirmation, StepNotice, StepFilingDocument}

// Filing document forms (FilingStep.Form).
const (
	FormNormative = "normative" // 规范性文件
	FormMinutes   = "minutes"   // 会议纪要
)

// FilingStep is one recorded step of a property's filing path.
type FilingStep struct {
	ID     uuid.UUID      `json:"id"`
	SiteID uuid.UUID      `json:"site_id"`
	Step   FilingStepKind `json:"step"`
	// Date is the day of a confirmation or a filing document; Start and End the days of a notice.
	Date  time.Time `json:"date,omitzero"`
	Start time.Time `json:"start,omitzero"`
	End   time.Time `json:"end,omitzero"`
	// Number is the filing document's number (文号); Form whether it is a normative document or minutes
	// (FormNormative, FormMinutes; empty when not said).
	Number string `json:"number,omitempty"`
	Form   string `json:"form,omitempty"`
	// DocumentIDs are live documents of the property's archive that support the step.
	DocumentIDs []uuid.UUID `json:"document_ids"`
	Note        string      `json:"note,omitempty"`
	RecordedBy  string      `json:"recorded_by"`
	RecordedAt  time.Time   `json:"recorded_at"`
}

// Registration is a property's registration as it is now: its state, the current step of each kind
// recorded, in path order, and the history of its state, oldest first.
type Registration struct {
	SiteID  uuid.UUID            `json:"site_id"`
	State   OwnershipStatus      `json:"state"`
	Steps   []FilingStep         `json:"steps"`
	History []RegistrationChange `json:"history"`
}

// Step returns the current step of kind k, if recorded.
func (r Registration) Step(k FilingStepKind) (FilingStep, bool) {
	for _, s := range r.Steps {
		if s.Step == k {
			return s, true
		}
	}
	return FilingStep{}, false
}

// RegistrationReader reads what the registration store keeps, per property, oldest first.
type RegistrationReader interface {
	RegistrationChanges(ctx context.Context, siteID uuid.UUID) ([]RegistrationChange, error)
	// FilingStepsOf returns every step recorded, those replaced by a later one of their kind included.
	FilingStepsOf(ctx context.Context, siteID uuid.UUID) ([]FilingStep, error)
	// TimelineEvents returns the manual events of the property's timeline.
	TimelineEvents(ctx context.Context, siteID uuid.UUID) ([]TimelineEvent, error)
}

// RegistrationStore keeps the registration changes, filing steps and manual timeline events, appended
// and never changed. Both stores implement it. Each Add sets ID (when uuid.Nil), RecordedBy (the actor
// of ctx) and RecordedAt, and refuses a site that is not live (ErrNotFound). Only the Register calls the
// Add methods; it has checked the values, the stores check them again.
type RegistrationStore interface {
	RegistrationReader
	AddRegistrationChange(ctx context.Context, c *RegistrationChange) error
	AddFilingStep(ctx context.Context, s *FilingStep) error
	AddTimelineEvent(ctx context.Context, e *TimelineEvent) error
}

// ReadRegistration returns the registration of site from r: its state, current steps and history.
func ReadRegistration(ctx context.Context, r RegistrationReader, site Site) (Registration, error) {
	out := Registration{SiteID: site.ID, State: site.Ownership, Steps: []FilingStep{}, History: []RegistrationChange{}}
	changes, err := r.RegistrationChanges(ctx, site.ID)
	if err != nil {
		return out, err
	}
	out.History = append(out.History, changes...)
	steps, err := r.FilingStepsOf(ctx, site.ID)
	if err != nil {
		return out, err
	}
	out.Steps = currentSteps(steps)
	return out, nil
}

// currentSteps keeps the last recorded step of each kind, in path order.
func currentSteps(all []FilingStep) []FilingStep {
	out := []FilingStep{}
	for _, k := range FilingSteps {
		for i := len(all) - 1; i >= 0; i-- {
			if all[i].Step == k {
				out = append(out, all[i])
				break
			}
		}
	}
	return out
}

// Validate checks a registration change on its own: a known state, an effective day, a reason.
func (c *RegistrationChange) Validate() error {
	const rec = "registration"
	switch {
	case c.SiteID == uuid.Nil:
		return fieldError(rec, "site_id", FieldOutOfRange, "is required")
	case !c.State.Valid():
		return fieldError(rec, "state", FieldOutOfRange, "is %q, not one of registered, to_register, filing, filed, unclear, disputed", c.State)
	case c.Effective.IsZero() || c.Effective.Year() < 1949 || c.Effective.Year() > 2200:
		return fieldError(rec, "effective", FieldOutOfRange, "is required: the day the state took effect (YYYY-MM-DD, 1949 to 2200)")
	case blank(c.Reason):
		return fieldError(rec, "reason", FieldOutOfRange, "is required: say why the state changes")
	}
	return checkText(recordLabel{kind: rec}, "reason", c.Reason, TextRule{MaxRunes: 500, Lines: true})
}

// Validate checks a filing step on its own: a known step, the dates it needs (a notice that ends before it
// starts is refused), a number for a filing document, and its texts. Its place in the path is checked
// against the others by CheckStepOrder.
func (s *FilingStep) Validate() error {
	const rec = "filing step"
	day := func(field string, d time.Time) error {
		if d.IsZero() || d.Year() < 1949 || d.Year() > 2200 {
			return fieldError(rec, field, FieldOutOfRange, "is required for step %s: a day YYYY-MM-DD from 1949 to 2200", s.Step)
		}
		return nil
	}
	switch s.Step {
	case StepConfirmation:
		if err := day("date", s.Date); err != nil {
			return err
		}
	case StepNotice:
		if err := day("start", s.Start); err != nil {
			return err
		}
		if err := day("end", s.End); err != nil {
			return err
		}
		if s.End.Before(s.Start) {
			return fieldError(rec, "end", FieldOutOfRange, "is %s, before the notice's start %s", s.End.Format(DateLayout), s.Start.Format(DateLayout))
		}
	case StepFilingDocument:
		if err := day("date", s.Date); err != nil {
			return err
		}
		if blank(s.Number) {
			return fieldError(rec, "number", FieldOutOfRange, "is required: the filing document's number (文号)")
		}
		if s.Form != "" && s.Form != FormNormative && s.Form != FormMinutes {
			return fieldError(rec, "form", FieldOutOfRange, "is %q, not one of normative (规范性文件), minutes (会议纪要)", s.Form)
		}
	default:
		return fieldError(rec, "step", FieldOutOfRange, "is %q, not one of confirmation, notice, filing_document", s.Step)
	}
	if s.Step != StepFilingDocument && (s.Number != "" || s.Form != "") {
		return fieldError(rec, "number", FieldOutOfRange, "is only for step filing_document")
	}
	if s.Step != StepNotice && (!s.Start.IsZero() || !s.End.IsZero()) {
		return fieldError(rec, "start", FieldOutOfRange, "and end are only for step notice")
	}
	if s.Step == StepNotice && !s.Date.IsZero() {
		return fieldError(rec, "date", FieldOutOfRange, "is not for step notice: give start and end")
	}
	if err := checkDocumentIDs(rec, s.DocumentIDs); err != nil {
		return err
	}
	if err := checkText(recordLabel{kind: rec}, "number", s.Number, TextRule{MaxRunes: codeRunes * 2}); err != nil {
		return err
	}
	return checkText(recordLabel{kind: rec}, "note", s.Note, TextRule{MaxRunes: noteRunes, Lines: true})
}

// maxDocumentIDs bounds the documents one step or event refers to.
const maxDocumentIDs = 50

// checkDocumentIDs refuses nil, repeated or too many ids.
func checkDocumentIDs(rec string, ids []uuid.UUID) error {
	if len(ids) > maxDocumentIDs {
		return fieldError(rec, "document_ids", FieldOutOfRange, "has %d ids, more than %d", len(ids), maxDocumentIDs)
	}
	for i, id := range ids {
		if id == uuid.Nil {
			return fieldError(rec, "document_ids", FieldOutOfRange, "[%d] is not a document id", i)
		}
		if slices.Index(ids, id) != i {
			return fieldError(rec, "document_ids", FieldOutOfRange, "names document %s twice", id)
		}
	}
	return nil
}

// first and last are the days a step starts and ends: a notice's start and end, another step's date.
func (s FilingStep) first() time.Time {
	if s.Step == StepNotice {
		return s.Start
	}
	return s.Date
}

func (s FilingStep) last() time.Time {
	if s.Step == StepNotice {
		return s.End
	}
	return s.Date
}

// CheckStepOrder checks that step s may be recorded after the current steps of reg: its predecessor is
// recorded and s does not begin before it ends (a notice starts on or after the confirmation, a filing
// document is dated on or after the notice's end), and a later step already recorded does not begin
// before s ends. The error names the field.
func CheckStepOrder(reg Registration, s FilingStep) error {
	const rec = "filing step"
	at := slices.Index(FilingSteps, s.Step)
	if at < 0 {
		return fieldError(rec, "step", FieldOutOfRange, "is %q, not one of confirmation, notice, filing_document", s.Step)
	}
	field := "date"
	if s.Step == StepNotice {
		field = "start"
	}
	if at > 0 {
		prev, ok := reg.Step(FilingSteps[at-1])
		if !ok {
			return fieldError(rec, "step", FieldOutOfRange, "is %s, but step %s before it is not recorded yet", s.Step, FilingSteps[at-1])
		}
		if s.first().Before(prev.last()) {
			return fieldError(rec, field, FieldOutOfRange, "is %s, before step %s ends on %s", s.first().Format(DateLayout),
				prev.Step, prev.last().Format(DateLayout))
		}
	}
	if at+1 < len(FilingSteps) {
		if next, ok := reg.Step(FilingSteps[at+1]); ok && next.first().Before(s.last()) {
			field = "date"
			if s.Step == StepNotice {
				field = "end"
			}
			return fieldError(rec, field, FieldOutOfRange, "is %s, after step %s recorded for %s", s.last().Format(DateLayout),
				next.Step, next.first().Format(DateLayout))
		}
	}
	return nil
}

// MissingSteps returns the steps of the filing path reg has not recorded, in order.
func MissingSteps(reg Registration) []FilingStepKind {
	var out []FilingStepKind
	for _, k := range FilingSteps {
		if _, ok := reg.Step(k); !ok {
			out = append(out, k)
		}
	}
	return out
}
