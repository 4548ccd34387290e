package postgis

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

var _ floorplan.RegistrationStore = (*Store)(nil)

// A property's registration (migration 0020): the changes of its state, the steps of its filing path and
// the manual events of its timeline, appended and never changed. Each insert checks, in its statement,
// that the site is live; document ids travel as text arrays.

const (
	insertStateChangeSQL = `
INSERT INTO registration_changes (id, site_id, state, effective, reason, recorded_by)
SELECT $1, $2, $3, $4, $5, $6
 WHERE EXISTS (SELECT 1 FROM sites WHERE id = $2 AND deleted_at IS NULL)
RETURNING recorded_at`
	stateChangesSQL = `
SELECT id, site_id, state, effective, reason, recorded_by, recorded_at
  FROM registration_changes WHERE site_id = $1 ORDER BY seq`
	insertFilingStepSQL = `
INSERT INTO filing_steps (id, site_id, step, step_date, start_date, end_date, number, form, document_ids, note, recorded_by)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9::text[]::uuid[], $10, $11
 WHERE EXISTS (SELECT 1 FROM sites WHERE id = $2 AND deleted_at IS NULL)
RETURNING recorded_at`
	filingStepsSQL = `
SELECT id, site_id, step, step_date, start_date, end_date, number, form, document_ids::text[], note, recorded_by, recorded_at
  FROM filing_steps WHERE site_id = $1 ORDER BY seq`
	insertTimelineEventSQL = `
INSERT INTO timeline_events (id, site_id, event_date, kind, title, note, document_ids, recorded_by)
SELECT $1, $2, $3, $4, $5, $6, $7::text[]::uuid[], $8
 WHERE EXISTS (SELECT 1 FROM sites WHERE id = $2 AND deleted_at IS NULL)
RETURNING recorded_at`
	timelineEventsSQL = `
SELECT id, site_id, event_date, kind, title, note, document_ids::text[], recorded_by, recorded_at
  FROM timeline_events WHERE site_id = $1 ORDER BY event_date, seq`
)

// addRegistrationRow runs insert (its first two parameters the new id and the site) and reads the
// recording instant it returns; no row means the site is not live.
func (s *Store) addRegistrationRow(ctx context.Context, id *uuid.UUID, site uuid.UUID, sql string, args ...any) (time.Time, error) {
	var at time.Time
	err := s.create(ctx, id, func(tx pgx.Tx, nid uuid.UUID) error {
		err := tx.QueryRow(ctx, sql, append([]any{nid, site}, args...)...).Scan(&at)
		if err == pgx.ErrNoRows {
			return notFound("site", site)
		}
		return err
	})
	return at.In(s.loc), err
}

// AddRegistrationChange records c against a live site.
func (s *Store) AddRegistrationChange(ctx context.Context, c *floorplan.RegistrationChange) error {
	if err := c.Validate(); err != nil {
		return err
	}
	by := floorplan.ActorFrom(ctx)
	at, err := s.addRegistrationRow(ctx, &c.ID, c.SiteID, insertStateChangeSQL, string(c.State), nullDate(c.Effective), c.Reason, by)
	if err != nil {
		return err
	}
	c.RecordedAt, c.RecordedBy = at, by
	return nil
}

// RegistrationChanges lists the changes of a site's state, oldest first.
func (s *Store) RegistrationChanges(ctx context.Context, siteID uuid.UUID) ([]floorplan.RegistrationChange, error) {
	return readAll(ctx, s, func(row pgx.Row) (floorplan.RegistrationChange, error) {
		var c floorplan.RegistrationChange
		var state string
		err := row.Scan(uuidDst(&c.ID), uuidDst(&c.SiteID), &state, dateDst(&c.Effective), &c.Reason, &c.RecordedBy, &c.RecordedAt)
		c.State, c.RecordedAt = floorplan.OwnershipStatus(state), c.RecordedAt.In(s.loc)
		return c, err
	}, stateChangesSQL, siteID)
}

// AddFilingStep records st against a live site.
func (s *Store) AddFilingStep(ctx context.Context, st *floorplan.FilingStep) error {
	if err := st.Validate(); err != nil {
		return err
	}
	by := floorplan.ActorFrom(ctx)
	at, err := s.addRegistrationRow(ctx, &st.ID, st.SiteID, insertFilingStepSQL, string(st.Step), nullDate(st.Date),
		nullDate(st.Start), nullDate(st.End), st.Number, st.Form, idTexts(st.DocumentIDs), st.Note, by)
	if err != nil {
		return err
	}
	st.RecordedAt, st.RecordedBy = at, by
	return nil
}

// FilingStepsOf lists every step recorded for a site, oldest first.
func (s *Store) FilingStepsOf(ctx context.Context, siteID uuid.UUID) ([]floorplan.FilingStep, error) {
	return readAll(ctx, s, func(row pgx.Row) (floorplan.FilingStep, error) {
		var st floorplan.FilingStep
		var step string
		var ids []string
		err := row.Scan(uuidDst(&st.ID), uuidDst(&st.SiteID), &step, dateDst(&st.Date), dateDst(&st.Start), dateDst(&st.End),
			&st.Number, &st.Form, &ids, &st.Note, &st.RecordedBy, &st.RecordedAt)
		if err != nil {
			return st, err
		}
		st.Step, st.RecordedAt = floorplan.FilingStepKind(step), st.RecordedAt.In(s.loc)
		st.DocumentIDs, err = parseIDTexts(ids)
		return st, err
	}, filingStepsSQL, siteID)
}

// AddTimelineEvent records a manual event against a live site.
func (s *Store) AddTimelineEvent(ctx context.Context, e *floorplan.TimelineEvent) error {
	if err := e.Validate(); err != nil {
		return err
	}
	by := floorplan.ActorFrom(ctx)
	at, err := s.addRegistrationRow(ctx, &e.ID, e.SiteID, insertTimelineEventSQL, nullDate(e.Date), string(e.Kind), e.Title,
		e.Note, idTexts(e.DocumentIDs), by)
	if err != nil {
		return err
	}
	e.RecordedAt, e.RecordedBy = at, by
	e.Source, e.Entity, e.EntityID = floorplan.TimelineManual, floorplan.EntitySite, e.SiteID
	return nil
}

// TimelineEvents lists a site's manual timeline events by date and recording.
func (s *Store) TimelineEvents(ctx context.Context, siteID uuid.UUID) ([]floorplan.TimelineEvent, error) {
	return readAll(ctx, s, func(row pgx.Row) (floorplan.TimelineEvent, error) {
		var e floorplan.TimelineEvent
		var kind string
		var ids []string
		err := row.Scan(uuidDst(&e.ID), uuidDst(&e.SiteID), dateDst(&e.Date), &kind, &e.Title, &e.Note, &ids, &e.RecordedBy, &e.RecordedAt)
		if err != nil {
			return e, err
		}
		e.Kind, e.RecordedAt = floorplan.TimelineKind(kind), e.RecordedAt.In(s.loc)
		e.Source, e.Entity, e.EntityID = floorplan.TimelineManual, floorplan.EntitySite, e.SiteID
		e.DocumentIDs, err = parseIDTexts(ids)
		return e, err
	}, timelineEventsSQL, siteID)
}

// idTexts is ids as text, for a text[] parameter.
func idTexts(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// parseIDTexts reads a text[] of ids (never nil).
func parseIDTexts(texts []string) ([]uuid.UUID, error) {
	out := make([]uuid.UUID, len(texts))
	for i, t := range texts {
		id, err := uuid.Parse(t)
		if err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, nil
}
