package floorplan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The leads through the Register (leads.go): recorded and closed by an inspector or the bureau (the role
// given, which the permission hook checks at every place of the lead's records), triaged by an inspector
// into a manual item of a started plan (AddInspectionItem) in one transaction with the lead's new state.

// LeadStateError is a change that the lead's state does not allow (it is no longer open). It wraps
// ErrConflict.
type LeadStateError struct {
	ID    uuid.UUID
	State string
}

func (e *LeadStateError) Error() string {
	return fmt.Sprintf("lead %s is %s, not open: it has been handled", e.ID, e.State)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *LeadStateError) Is(target error) bool { return target == ErrConflict }

// LeadTriage is how a lead becomes an inspection item: the started plan, the point of its checklist, and
// the item's agency and room (default: the lead's only agency, its only room).
type LeadTriage struct {
	InspectionID uuid.UUID
	PointCode    string
	AgencyID     uuid.UUID
	RoomID       uuid.UUID
}

// CreateLead records lead l, open, as role (one of LeadRoles): checks its fields, that it was not received
// after today and that the records it names are live, places it where they stand, and stores it.
func (g *Register) CreateLead(ctx context.Context, l *Lead, role string) (Changes, error) {
	if !slices.Contains(LeadRoles, role) {
		return Changes{}, fmt.Errorf("%w: leads are recorded by an inspector or the bureau, not %q", ErrForbidden, role)
	}
	l.ReceivedOn, l.State = dayOrZero(l.ReceivedOn), LeadOpen
	l.InspectionID, l.ItemID, l.Reason, l.HandledBy, l.HandledAt = uuid.Nil, uuid.Nil, "", "", time.Time{}
	if err := l.Validate(); err != nil {
		return Changes{}, err
	}
	if l.ReceivedOn.After(DayOf(g.now())) {
		return Changes{}, fieldError("lead", "received_on", FieldOutOfRange, "is %s, after today", l.ReceivedOn.Format(DateLayout))
	}
	places, err := g.leadPlaces(ctx, *l)
	if err != nil {
		return Changes{}, err
	}
	l.Places = places
	if err := g.allowLead(ctx, OpCreate, *l, role); err != nil {
		return Changes{}, err
	}
	l.CreatedBy = ActorFrom(ctx)
	if err := g.store.CreateLead(ctx, l); err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{Entity: EntityLead})
}

// leadPlaces checks that the records l names are live and returns where they stand, each place once.
func (g *Register) leadPlaces(ctx context.Context, l Lead) ([]LeadPlace, error) {
	places := []LeadPlace{}
	add := func(p LeadPlace) {
		if !slices.Contains(places, p) {
			places = append(places, p)
		}
	}
	missing := func(field string, i int, id uuid.UUID, what string) error {
		return fieldError("lead", fmt.Sprintf("%s[%d]", field, i), FieldOutOfRange, "is %s, not %s of the register", id, what)
	}
	for i, id := range l.RoomIDs {
		r, err := g.store.Room(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return nil, missing("room_ids", i, id, "a room")
		} else if err != nil {
			return nil, err
		}
		f, err := g.store.Floor(ctx, r.FloorID)
		if err != nil {
			return nil, err
		}
		add(LeadPlace{AgencyID: r.AgencyID, BuildingID: f.BuildingID, FloorID: r.FloorID})
	}
	for i, id := range l.PersonIDs {
		p, err := g.store.Person(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return nil, missing("person_ids", i, id, "a person")
		} else if err != nil {
			return nil, err
		}
		add(LeadPlace{AgencyID: p.AgencyID})
	}
	for i, id := range l.AgencyIDs {
		if _, err := g.store.Agency(ctx, id); errors.Is(err, ErrNotFound) {
			return nil, missing("agency_ids", i, id, "an agency")
		} else if err != nil {
			return nil, err
		}
		add(LeadPlace{AgencyID: id})
	}
	return places, nil
}

// allowLead asks the permission hook for op on lead l as role at each of its places (a lead of none: at
// the city level, where only unscoped grants reach).
func (g *Register) allowLead(ctx context.Context, op Op, l Lead, role string) error {
	places := l.Places
	if len(places) == 0 {
		places = []LeadPlace{{}}
	}
	for _, p := range places {
		req := Request{Op: op, Entity: EntityLead, ID: l.ID, AgencyID: p.AgencyID, BuildingID: p.BuildingID, Role: role}
		if err := g.allow(ctx, req); err != nil {
			return err
		}
	}
	return nil
}

// openLead reads lead id and checks that it is open.
func (g *Register) openLead(ctx context.Context, id uuid.UUID) (Lead, error) {
	l, err := g.store.Lead(ctx, id)
	if err != nil {
		return l, err
	}
	if l.State != LeadOpen {
		return l, &LeadStateError{ID: l.ID, State: l.State}
	}
	return l, nil
}

// CloseLead closes open lead id as role (one of LeadRoles), for reason (required).
func (g *Register) CloseLead(ctx context.Context, id uuid.UUID, reason, role string) (Lead, Changes, error) {
	if !slices.Contains(LeadRoles, role) {
		return Lead{}, Changes{}, fmt.Errorf("%w: leads are closed by an inspector or the bureau, not %q", ErrForbidden, role)
	}
	l, err := g.openLead(ctx, id)
	if err != nil {
		return l, Changes{}, err
	}
	if strings.TrimSpace(reason) == "" {
		return l, Changes{}, fieldError("lead", "reason", FieldOutOfRange, "is required: why the lead is closed")
	}
	next := l
	next.State, next.Reason, next.HandledBy, next.HandledAt = LeadClosed, strings.TrimSpace(reason), ActorFrom(ctx), g.now()
	if err := next.Validate(); err != nil {
		return l, Changes{}, err
	}
	if err := g.allowLead(ctx, OpUpdate, l, role); err != nil {
		return l, Changes{}, err
	}
	if err := g.store.UpdateLead(ctx, &next); err != nil {
		return l, Changes{}, err
	}
	c, err := g.done(ctx, Changes{Entity: EntityLead})
	return next, c, err
}

// triageItem is the manual item open lead l becomes as in asks: its agency and room (defaults: the lead's
// only ones; given ones must be the lead's), and notes that carry the lead's id, source, day and text.
func triageItem(l Lead, in LeadTriage) (InspectionItem, error) {
	bad := func(field, format string, args ...any) error {
		return fieldError("lead triage", field, FieldOutOfRange, format, args...)
	}
	agencies := l.Agencies()
	agency := in.AgencyID
	switch {
	case agency == uuid.Nil && len(agencies) == 1:
		agency = agencies[0]
	case agency == uuid.Nil:
		return InspectionItem{}, bad("agency_id", "is required: the lead names %d agencies", len(agencies))
	case len(agencies) > 0 && !slices.Contains(agencies, agency):
		return InspectionItem{}, bad("agency_id", "is %s, not an agency the lead names", agency)
	}
	room := in.RoomID
	if room == uuid.Nil && len(l.RoomIDs) == 1 {
		room = l.RoomIDs[0]
	} else if room != uuid.Nil && !slices.Contains(l.RoomIDs, room) {
		return InspectionItem{}, bad("room_id", "is %s, not a room the lead names", room)
	}
	notes := fmt.Sprintf("线索 lead %s（%s，%s）：%s", l.ID, l.Source, l.ReceivedOn.Format(DateLayout), l.Text)
	return InspectionItem{PointCode: in.PointCode, AgencyID: agency, RoomID: room, Notes: notes}, nil
}

// TriageLead turns open lead id into a manual item of started plan in.InspectionID, by an inspector: the
// item (AddInspectionItem, with the lead's text and links) and the lead, triaged with the item's id, are
// written in one transaction. The permission hook is asked before it, for the lead at its places and the
// item at its agency, so that a refusal is audited outside the write.
func (g *Register) TriageLead(ctx context.Context, id uuid.UUID, in LeadTriage) (Lead, InspectionItem, Changes, error) {
	l, err := g.openLead(ctx, id)
	if err != nil {
		return l, InspectionItem{}, Changes{}, err
	}
	if in.InspectionID == uuid.Nil {
		return l, InspectionItem{}, Changes{}, fieldError("lead triage", "inspection_id", FieldOutOfRange, "is required: a started inspection")
	}
	it, err := triageItem(l, in)
	if err != nil {
		return l, it, Changes{}, err
	}
	if err := g.allowLead(ctx, OpUpdate, l, RoleInspector); err != nil {
		return l, it, Changes{}, err
	}
	// What AddInspectionItem asks; inside the transaction it is not asked again (allowed).
	if err := g.allow(ctx, Request{Op: OpCreate, Entity: EntityInspectionItem, AgencyID: it.AgencyID, Role: RoleInspector}); err != nil {
		return l, it, Changes{}, err
	}
	next := l
	err = g.store.InTx(ctx, func(tx Store) error {
		if _, err := g.over(tx).AddInspectionItem(ctx, in.InspectionID, &it); err != nil {
			return err
		}
		next.State, next.InspectionID, next.ItemID, next.HandledBy, next.HandledAt = LeadTriaged, in.InspectionID, it.ID, ActorFrom(ctx), g.now()
		return tx.UpdateLead(ctx, &next)
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) && !errors.As(err, new(*FieldError)) {
			if _, perr := g.store.Inspection(ctx, in.InspectionID); errors.Is(perr, ErrNotFound) {
				err = fieldError("lead triage", "inspection_id", FieldOutOfRange, "is %s, not an inspection", in.InspectionID)
			}
		}
		return l, it, Changes{}, err
	}
	c, err := g.done(ctx, Changes{Entity: EntityLead})
	return next, it, c, err
}

// over returns a Register that writes through tx with g's configuration and a hook that allows what g's
// hook allowed before the transaction: a refusal inside it would be audited on the store it holds.
func (g *Register) over(tx Store) *Register {
	return &Register{store: tx, permit: AllowAll, accounts: g.accounts, std: g.std, pol: g.pol, now: g.now, blobs: g.blobs, procs: g.procs,
		checklist: g.checklist, assessment: g.assessment, recomputing: make(chan struct{}, 1)}
}
