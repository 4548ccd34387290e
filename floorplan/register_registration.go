package floorplan

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// The Register's changes of a property's registration (registration.go): its state, the steps of its
// filing path, and the manual events of its timeline (timeline.go). Each is allowed by the permission hook
// as a change of the site's register, carries the acting user (and a state change its reason) from the
// context, and is written in one transaction that moves the register's revision on.

// SetRegistration changes the registration state of site c.SiteID to c.State from day c.Effective (today
// when zero) for c.Reason: the site's ownership moves on (a site update, in its history, effective that day
// with that reason) and the change is added to the registration's history. Refused, naming the field: the
// state the site already has, an effective day in the future or before the last change's, and filed
// before the three filing steps are recorded.
func (g *Register) SetRegistration(ctx context.Context, c *RegistrationChange) (Changes, error) {
	today := DayOf(g.now())
	if c.Effective.IsZero() {
		c.Effective = today
	}
	c.Reason = strings.TrimSpace(c.Reason)
	if err := c.Validate(); err != nil {
		return Changes{}, err
	}
	if c.Effective.After(today) {
		return Changes{}, fieldError("registration", "effective", FieldOutOfRange, "is %s, after today: record a change once it has taken effect", c.Effective.Format(DateLayout))
	}
	if err := g.allowRegistration(ctx, OpUpdate, c.SiteID); err != nil {
		return Changes{}, err
	}
	err := g.store.InTx(ctx, func(tx Store) error {
		site, err := tx.Site(ctx, c.SiteID)
		if err != nil {
			return err
		}
		next := site
		next.Ownership = c.State
		return changeState(ctx, tx, site, &next, c)
	})
	if err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{})
}

// changeState writes site (old as stored) with its registration state changed as c says, through tx: the
// change checked against the registration (checkStateChange), the site written effective c's day for c's
// reason, and c added to the state's history. SetRegistration and UpdateSite both change a state so.
func changeState(ctx context.Context, tx Store, old Site, site *Site, c *RegistrationChange) error {
	reg, err := ReadRegistration(ctx, tx, old)
	if err != nil {
		return err
	}
	if err := checkStateChange(reg, *c); err != nil {
		return err
	}
	if err := tx.UpdateSite(WithReason(WithEffective(ctx, c.Effective), c.Reason), site); err != nil {
		return err
	}
	return tx.AddRegistrationChange(ctx, c)
}

// checkStateChange checks c against the registration it changes.
func checkStateChange(reg Registration, c RegistrationChange) error {
	const rec = "registration"
	if c.State == reg.State {
		return fieldError(rec, "state", FieldOutOfRange, "is %s, the state the property already has", c.State)
	}
	if n := len(reg.History); n > 0 && c.Effective.Before(reg.History[n-1].Effective) {
		return fieldError(rec, "effective", FieldOutOfRange, "is %s, before the last change of the state (%s, effective %s)",
			c.Effective.Format(DateLayout), reg.History[n-1].State, reg.History[n-1].Effective.Format(DateLayout))
	}
	if c.State == OwnershipFiled {
		if missing := MissingSteps(reg); len(missing) > 0 {
			names := make([]string, len(missing))
			for i, m := range missing {
				names[i] = string(m)
			}
			return fieldError(rec, "steps", FieldOutOfRange, "lack %s: a property is filed once confirmation, notice and filing_document are recorded",
				strings.Join(names, ", "))
		}
	}
	return nil
}

// RecordFilingStep records a step of site s.SiteID's filing path: checked on its own (FilingStep.Validate),
// in its place in the path (CheckStepOrder) and its documents (live documents of the site's archive). A
// step recorded again replaces the earlier one of its kind in the registration.
func (g *Register) RecordFilingStep(ctx context.Context, s *FilingStep) (Changes, error) {
	s.Number, s.Note = strings.TrimSpace(s.Number), strings.TrimSpace(s.Note)
	if s.DocumentIDs == nil {
		s.DocumentIDs = []uuid.UUID{}
	}
	if err := s.Validate(); err != nil {
		return Changes{}, err
	}
	if err := g.allowRegistration(ctx, OpCreate, s.SiteID); err != nil {
		return Changes{}, err
	}
	err := g.store.InTx(ctx, func(tx Store) error {
		site, err := tx.Site(ctx, s.SiteID)
		if err != nil {
			return err
		}
		reg, err := ReadRegistration(ctx, tx, site)
		if err != nil {
			return err
		}
		if err := CheckStepOrder(reg, *s); err != nil {
			return err
		}
		if err := checkSiteDocuments(ctx, tx, "filing step", s.SiteID, s.DocumentIDs); err != nil {
			return err
		}
		return tx.AddFilingStep(ctx, s)
	})
	if err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{})
}

// AddTimelineEvent records a manual event of site e.SiteID's timeline, with live documents of its archive.
func (g *Register) AddTimelineEvent(ctx context.Context, e *TimelineEvent) (Changes, error) {
	e.Title, e.Note = strings.TrimSpace(e.Title), strings.TrimSpace(e.Note)
	e.Source, e.TitleEN, e.Entity, e.EntityID = TimelineManual, "", EntitySite, e.SiteID
	if e.DocumentIDs == nil {
		e.DocumentIDs = []uuid.UUID{}
	}
	if err := e.Validate(); err != nil {
		return Changes{}, err
	}
	if err := g.allowRegistration(ctx, OpCreate, e.SiteID); err != nil {
		return Changes{}, err
	}
	err := g.store.InTx(ctx, func(tx Store) error {
		if _, err := tx.Site(ctx, e.SiteID); err != nil {
			return err
		}
		if err := checkSiteDocuments(ctx, tx, "timeline event", e.SiteID, e.DocumentIDs); err != nil {
			return err
		}
		return tx.AddTimelineEvent(ctx, e)
	})
	if err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{})
}

// allowRegistration asks the permission hook for a change of site id's registration, once the site is
// known to exist.
func (g *Register) allowRegistration(ctx context.Context, op Op, id uuid.UUID) error {
	if id == uuid.Nil {
		return fieldError("registration", "site_id", FieldOutOfRange, "is required")
	}
	if _, err := g.store.Site(ctx, id); err != nil {
		return err
	}
	return g.allow(ctx, Request{Op: op, Entity: EntityRegistration, ID: id, SiteID: id})
}

// checkSiteDocuments refuses a document id that is not a live (not hidden) document of the site's archive:
// filed against the site or anything in it.
func checkSiteDocuments(ctx context.Context, r DocumentReader, rec string, site uuid.UUID, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	docs, err := r.Documents(ctx, DocumentFilter{SiteID: site})
	if err != nil {
		return err
	}
	live := make(map[uuid.UUID]bool, len(docs))
	for _, d := range docs {
		live[d.ID] = d.HiddenAt.IsZero()
	}
	for i, id := range ids {
		if !live[id] {
			return fieldError(rec, fmt.Sprintf("document_ids[%d]", i), FieldOutOfRange, "is %s, not a live document of this property's archive", id)
		}
	}
	return nil
}
