package floorplan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// StepError is an action that the application's current step does not allow. It wraps ErrConflict.
type StepError struct {
	Step    string
	Action  AppAction
	Allowed []string
}

func (e *StepError) Error() string {
	return fmt.Sprintf("action %s is not allowed at step %s (allowed: %s)", e.Action, e.Step, strings.Join(e.Allowed, ", "))
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *StepError) Is(target error) bool { return target == ErrConflict }

// ActionInput is an action asked for on an application.
type ActionInput struct {
	Action      AppAction
	Comment     string
	DocumentIDs []uuid.UUID
	// OverrideReason is the reason recorded when approving an allocation whose scenario creates an
	// over-standard finding (application_scenario.go).
	OverrideReason string
	// Cost is the maintenance's final cost in yuan, given when closing its acceptance (application_results.go).
	Cost *float64
	// Result is what a disposal came to, given when its handling is handed over (application_results.go).
	Result *DisposalResult
}

// procedures returns the procedures in force (WithProcedures; default the built-in ones).
func (g *Register) procedures() *Procedures {
	if g.procs == nil {
		return DefaultProcedures()
	}
	return g.procs
}

// Procedures returns the procedures in force.
func (g *Register) Procedures() *Procedures { return g.procedures() }

// FileApplication files a: checks its fields, places it at its first step (whose role the caller must
// hold over a's agency) and stores it, in one write that the audit log records.
func (g *Register) FileApplication(ctx context.Context, a *Application) (Changes, error) {
	if err := a.Validate(); err != nil {
		return Changes{}, err
	}
	p, ok := g.procedures().Of(a.Kind)
	if !ok {
		return Changes{}, Invalidf("no procedure for kind %s", a.Kind)
	}
	if _, err := g.store.Agency(ctx, a.AgencyID); errors.Is(err, ErrNotFound) {
		return Changes{}, fieldError("application", "agency_id", FieldOutOfRange, "is %s, not an agency of the register", a.AgencyID)
	} else if err != nil {
		return Changes{}, err
	}
	if err := g.checkApplicationRefs(ctx, a); err != nil {
		return Changes{}, err
	}
	first := p.Steps[0]
	if err := g.allow(ctx, Request{Op: OpCreate, Entity: EntityApplication, AgencyID: a.AgencyID, Role: first.Role}); err != nil {
		return Changes{}, err
	}
	now := g.now()
	a.State, a.Actions = first.Code, []ApplicationAction{}
	a.Due = map[string]time.Time{first.Code: DayOf(now).AddDate(0, 0, first.DueDays)}
	if err := g.store.CreateApplication(ctx, a); err != nil {
		return Changes{}, err
	}
	g.notifyApplication(ctx, *a, "") // register_notices.go
	return g.done(ctx, Changes{Entity: EntityApplication})
}

// checkApplicationRefs checks that the records a's fields name exist: the rooms, the property, the post;
// for a second office, that the room is smaller than the person's standard (rule second_office_not_smaller).
func (g *Register) checkApplicationRefs(ctx context.Context, a *Application) error {
	f := a.Fields
	rooms := slices.Clone(f.RoomIDs)
	if f.RoomID != uuid.Nil {
		rooms = append(rooms, f.RoomID)
	}
	for i, id := range rooms {
		if _, err := g.store.Room(ctx, id); errors.Is(err, ErrNotFound) {
			return fieldError("application", fmt.Sprintf("fields.room_ids[%d]", i), FieldOutOfRange, "is %s, not a room of the register", id)
		} else if err != nil {
			return err
		}
	}
	if f.SiteID != uuid.Nil {
		if _, err := g.store.Site(ctx, f.SiteID); errors.Is(err, ErrNotFound) {
			return fieldError("application", "fields.site_id", FieldOutOfRange, "is %s, not a property of the register", f.SiteID)
		} else if err != nil {
			return err
		}
	}
	if a.Kind == KindSecondOffice {
		return g.checkSecondOffice(ctx, a)
	}
	return nil
}

// ActOnApplication takes in on application id at its current step: the action must be allowed there
// (else a *StepError, 409), the caller must hold the step's role over the application's agency (the
// permission hook), a forward action must carry a document of each type the step needs (422), and the
// application moves to the next step in one write, the action appended to its trail.
func (g *Register) ActOnApplication(ctx context.Context, id uuid.UUID, in ActionInput) (Application, Changes, error) {
	a, err := g.store.Application(ctx, id)
	if err != nil {
		return a, Changes{}, err
	}
	if !a.Open() {
		return a, Changes{}, &StepError{Step: a.State, Action: in.Action}
	}
	p, _ := g.procedures().Of(a.Kind)
	step, ok := p.Step(a.State)
	if !ok {
		return a, Changes{}, fmt.Errorf("%w: application %s is at step %q, which its procedure no longer has", ErrConflict, id, a.State)
	}
	if err := g.allow(ctx, Request{Op: OpUpdate, Entity: EntityApplication, ID: id, AgencyID: a.AgencyID, Role: step.Role}); err != nil {
		return a, Changes{}, err
	}
	next, ok := step.Actions[in.Action]
	if !ok {
		return a, Changes{}, &StepError{Step: step.Code, Action: in.Action, Allowed: step.Allowed()}
	}
	if len([]rune(in.Comment)) > 2000 {
		return a, Changes{}, fieldError("action", "comment", FieldTooLong, "is longer than 2000 characters")
	}
	ctx = withActionReason(ctx, in.Comment) // the history's reason (application_results.go)
	if in.Action != ActReturn && in.Action != ActReject {
		if err := g.checkStepDocuments(ctx, step, in.DocumentIDs); err != nil {
			return a, Changes{}, err
		}
	}
	if a.Kind == KindRecovery && in.Action == ActClose {
		if err := g.checkVacated(ctx, a); err != nil {
			return a, Changes{}, err
		}
	}
	now := g.now()
	a.Actions = append(a.Actions, ApplicationAction{Action: in.Action, Step: step.Code, Actor: ActorFrom(ctx), Role: step.Role,
		Comment: in.Comment, DocumentIDs: in.DocumentIDs, At: now})
	a.State = next
	if ns, ok := p.Step(next); ok {
		if a.Due == nil {
			a.Due = map[string]time.Time{}
		}
		a.Due[next] = DayOf(now).AddDate(0, 0, ns.DueDays)
	}
	prep, err := g.prepareEffects(ctx, &a, step, in)
	if err != nil {
		return a, Changes{}, err
	}
	c := Changes{Entity: EntityApplication}
	err = g.store.InTx(ctx, func(tx Store) error {
		if err := prep.run(ctx, tx, &a, &c); err != nil {
			return err
		}
		if err := g.revokeOvertaken(ctx, tx, &a, prep, c); err != nil {
			return err
		}
		return tx.UpdateApplication(ctx, &a)
	})
	if err != nil {
		return a, Changes{}, err
	}
	c, err = g.done(ctx, c)
	g.notifyApplication(ctx, a, in.Action) // register_notices.go
	return a, c, err
}

// checkStepDocuments checks that ids name live documents of the archive holding every doc type step needs.
func (g *Register) checkStepDocuments(ctx context.Context, step Step, ids []uuid.UUID) error {
	have := map[string]bool{}
	for i, id := range ids {
		d, err := g.store.Document(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return fieldError("action", fmt.Sprintf("document_ids[%d]", i), FieldOutOfRange, "is %s, not a document of the archive", id)
		} else if err != nil {
			return err
		}
		have[d.DocType] = true
	}
	for _, t := range step.Documents {
		if !have[t] {
			return fieldError("action", "document_ids", FieldOutOfRange, "needs a document of type %s at step %s", t, step.Code)
		}
	}
	return nil
}

// checkSecondOffice checks a second office: the person holds the post today, and the room is smaller
// than the person's standard (art. 19; rule second_office_not_smaller).
func (g *Register) checkSecondOffice(ctx context.Context, a *Application) error {
	f := a.Fields
	if f.PersonID == uuid.Nil {
		return fieldError("second_office application", "fields.person_id", FieldOutOfRange, "is required: the person holding the post")
	}
	p, err := g.store.Person(ctx, f.PersonID)
	if errors.Is(err, ErrNotFound) {
		return fieldError("second_office application", "fields.person_id", FieldOutOfRange, "is %s, not a person of the register", f.PersonID)
	} else if err != nil {
		return err
	}
	today := DayOf(g.now())
	held := slices.ContainsFunc(p.Posts, func(post Post) bool { return post.ID == f.PostID && post.Held(today) })
	if !held {
		return fieldError("second_office application", "fields.post_id", FieldOutOfRange, "is %s, not a post %s holds today", f.PostID, p.Name)
	}
	post := p.Posts[slices.IndexFunc(p.Posts, func(post Post) bool { return post.ID == f.PostID })]
	agency, err := g.store.Agency(ctx, post.AgencyID)
	if err != nil {
		return err
	}
	std := g.std
	if std == nil {
		rows, err := g.store.StandardRows(ctx)
		if err != nil {
			return err
		}
		if std, err = NewStandards(rows); err != nil {
			return err
		}
	}
	row, ok := std.For(agency, p.Rank, today)
	if !ok {
		return fieldError("second_office application", "fields.person_id", FieldOutOfRange, "has rank %s, for which no standard is set", p.Rank)
	}
	room, err := g.store.Room(ctx, f.RoomID)
	if err != nil {
		return err
	}
	if area := room.Area(); area >= row.AreaM2 {
		return fieldError("second_office application", "fields.room_id", FieldOutOfRange,
			"is room %s of %.2f m², not smaller than the standard of %.2f m²; a second office must be smaller", room.Number, area, row.AreaM2)
	}
	return nil
}

// checkVacated checks that nobody is assigned any of a recovery's rooms today.
func (g *Register) checkVacated(ctx context.Context, a Application) error {
	for _, id := range a.Fields.RoomIDs {
		as, err := g.store.Assignments(ctx, AssignmentFilter{RoomID: id, ActiveOn: DayOf(g.now())})
		if err != nil {
			return err
		}
		if len(as) > 0 {
			return fieldError("recovery application", "fields.room_ids", FieldOutOfRange, "holds room %s, still occupied: vacate it before closing", id)
		}
	}
	return nil
}

// RecoveryRules are the rules whose findings open a recovery application (腾退) by themselves.
var RecoveryRules = []string{RuleNotVacatedAfterLeaving, RuleNotVacatedAfterMerger, RuleNotVacatedAfterConcurrentPost,
	RuleUnapprovedSecondOffice}

// recoveryKey names the finding a recovery is opened for: its rule, subject and rooms.
func recoveryKey(f Finding) string {
	ids := make([]string, len(f.RoomIDs))
	for i, id := range f.RoomIDs {
		ids[i] = id.String()
	}
	slices.Sort(ids)
	return f.RuleID + "|" + f.AgencyID.String() + "|" + f.PersonID.String() + "|" + strings.Join(ids, ",")
}

// OpenRecoveries opens a recovery application for each finding of today of RecoveryRules that no open
// recovery covers yet, with the finding's legal deadline, at the agency of the finding. A finding whose
// agency the caller may not file for is left for someone who may. It returns the applications opened.
// serve runs it daily (with no caller: the operator); POST /api/v1/applications/recoveries on demand.
func (g *Register) OpenRecoveries(ctx context.Context) ([]Application, error) {
	p, _ := g.procedures().Of(KindRecovery)
	first := p.Steps[0]
	open, err := g.store.Applications(ctx, ApplicationFilter{Kind: KindRecovery})
	if err != nil {
		return nil, err
	}
	covered := map[string]bool{}
	for _, a := range open {
		if a.Open() && a.FindingKey != "" {
			covered[a.FindingKey] = true
		}
	}
	var found []Finding
	today := DayOf(g.now())
	// Today's findings as stored (StoredParts: the parts evaluated again only where the register changed
	// since), not a new evaluation of the whole register, which at a million rooms took 20 s of a core
	// from the tiles each time a server started.
	err = g.StoredParts(ctx, nil, func(part *Report) error {
		for _, f := range part.Findings {
			if slices.Contains(RecoveryRules, f.RuleID) && len(f.RoomIDs) > 0 && f.AgencyID != uuid.Nil && !covered[recoveryKey(f)] {
				covered[recoveryKey(f)] = true
				found = append(found, f)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var opened []Application
	for _, f := range found {
		if err := g.allow(ctx, Request{Op: OpCreate, Entity: EntityApplication, AgencyID: f.AgencyID, Role: "bureau_admin"}); errors.Is(err, ErrForbidden) || errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return opened, err
		}
		deadline := f.Deadline
		if deadline.IsZero() {
			deadline = today
		}
		title := []rune("腾退 recovery: " + f.Message)
		if len(title) > 200 {
			title = append(title[:199], '…')
		}
		a := Application{Kind: KindRecovery, AgencyID: f.AgencyID, Title: string(title), FindingKey: recoveryKey(f),
			Fields: ApplicationFields{Finding: f.RuleID + ": " + f.Message, RoomIDs: f.RoomIDs, Deadline: deadline},
			State:  first.Code, Actions: []ApplicationAction{}, Due: map[string]time.Time{first.Code: today.AddDate(0, 0, first.DueDays)}}
		if err := a.Validate(); err != nil {
			return opened, err
		}
		if err := g.store.CreateApplication(ctx, &a); err != nil {
			return opened, err
		}
		opened = append(opened, a)
		g.notifyApplication(ctx, a, "") // register_notices.go
	}
	if len(opened) > 0 {
		if _, err := g.done(ctx, Changes{Entity: EntityApplication}); err != nil {
			return opened, err
		}
	}
	return opened, nil
}

// recoveriesHour is the local hour at which serve opens the day's recoveries: after the states' and parts'
// recomputation of midnight, before the working day.
const recoveriesHour = 1

// nextRecoveries is the next run of KeepRecoveriesOpen after now: recoveriesHour of today if it is still to
// come, else of tomorrow, in now's location.
func nextRecoveries(now time.Time) time.Time {
	y, m, d := now.Date()
	at := time.Date(y, m, d, recoveriesHour, 0, 0, 0, now.Location())
	if !at.After(now) {
		at = time.Date(y, m, d+1, recoveriesHour, 0, 0, 0, now.Location())
	}
	return at
}

// KeepRecoveriesOpen opens the recoveries of new findings (OpenRecoveries) every day at recoveriesHour,
// until ctx ends, logging what fails: a daily job at a quiet hour, not at each start (a server's start is
// when its users come; `POST /api/v1/applications/recoveries` opens them on demand). It is the body of a
// goroutine that serve starts.
func (g *Register) KeepRecoveriesOpen(ctx context.Context) {
	for {
		t := time.NewTimer(nextRecoveries(g.now()).Sub(g.now()))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if _, err := g.OpenRecoveries(ctx); err != nil && ctx.Err() == nil {
			slog.ErrorContext(ctx, "floorplan: open the recoveries of new findings", "err", err)
		}
	}
}
