package gpkg

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

var _ floorplan.RegistrationStore = (*Store)(nil)

// A property's registration (floorplan/registration.go) as attribute tables, appended and never changed:
// the changes of its state, the steps of its filing path and the manual events of its timeline. Document
// ids are JSON arrays of ids (the register checks that they are the site's live documents).

// The registration states sites_all.ownership accepts before and from schema version 14.
const (
	ownershipV13 = `ownership IN ('registered', 'filed', 'unclear')`
	ownershipV14 = `ownership IN ('registered', 'filed', 'unclear', 'to_register', 'filing', 'disputed')`
)

// sqlMigrateV14 creates the registration's tables, empty.
const sqlMigrateV14 = `
CREATE TABLE registration_changes (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  site_id TEXT NOT NULL REFERENCES sites_all (id),
  state TEXT NOT NULL CHECK (state IN ('registered', 'filed', 'unclear', 'to_register', 'filing', 'disputed')),
  effective DATE NOT NULL,
  reason TEXT NOT NULL CHECK (trim(reason) <> ''),
  recorded_by TEXT NOT NULL,
  recorded_at DATETIME NOT NULL
);
CREATE INDEX registration_changes_site_idx ON registration_changes (site_id, fid);
CREATE TABLE filing_steps (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  site_id TEXT NOT NULL REFERENCES sites_all (id),
  step TEXT NOT NULL CHECK (step IN ('confirmation', 'notice', 'filing_document')),
  step_date DATE,
  start_date DATE,
  end_date DATE,
  number TEXT NOT NULL DEFAULT '',
  form TEXT NOT NULL DEFAULT '' CHECK (form IN ('', 'normative', 'minutes')),
  document_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_type(document_ids) = 'array'),
  note TEXT NOT NULL DEFAULT '',
  recorded_by TEXT NOT NULL,
  recorded_at DATETIME NOT NULL,
  CHECK ((step = 'notice') = (start_date IS NOT NULL AND end_date IS NOT NULL AND step_date IS NULL)),
  CHECK (step = 'notice' OR step_date IS NOT NULL),
  CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX filing_steps_site_idx ON filing_steps (site_id, fid);
CREATE TABLE timeline_events (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  site_id TEXT NOT NULL REFERENCES sites_all (id),
  event_date DATE NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('acquired', 'built', 'registered', 'filed', 'renovated', 'allocated', 'leased', 'disposed', 'other')),
  title TEXT NOT NULL CHECK (trim(title) <> ''),
  note TEXT NOT NULL DEFAULT '',
  document_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_type(document_ids) = 'array'),
  recorded_by TEXT NOT NULL,
  recorded_at DATETIME NOT NULL
);
CREATE INDEX timeline_events_site_idx ON timeline_events (site_id, event_date, fid);
CREATE TRIGGER registration_changes_no_update BEFORE UPDATE ON registration_changes
BEGIN SELECT RAISE(ABORT, 'registration changes are never changed (record another change)'); END;
CREATE TRIGGER registration_changes_no_delete BEFORE DELETE ON registration_changes
BEGIN SELECT RAISE(ABORT, 'registration changes are never deleted (record another change)'); END;
CREATE TRIGGER filing_steps_no_update BEFORE UPDATE ON filing_steps
BEGIN SELECT RAISE(ABORT, 'filing steps are never changed (record the step again)'); END;
CREATE TRIGGER filing_steps_no_delete BEFORE DELETE ON filing_steps
BEGIN SELECT RAISE(ABORT, 'filing steps are never deleted (record the step again)'); END;
CREATE TRIGGER timeline_events_no_update BEFORE UPDATE ON timeline_events
BEGIN SELECT RAISE(ABORT, 'timeline events are never changed'); END;
CREATE TRIGGER timeline_events_no_delete BEFORE DELETE ON timeline_events
BEGIN SELECT RAISE(ABORT, 'timeline events are never deleted'); END;
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('registration_changes', 'attributes', 'registration_changes', 'the changes of a property''s registration state (floorplan/registration.go)', NULL),
  ('filing_steps', 'attributes', 'filing_steps', 'the steps of a property''s filing path (floorplan/registration.go)', NULL),
  ('timeline_events', 'attributes', 'timeline_events', 'the manual events of a property''s timeline (floorplan/timeline.go)', NULL);
`

// sqlWidenOwnership replaces ?1 by ?2 in the definition of sites_all when it holds ?1.
const sqlWidenOwnership = `
UPDATE sqlite_master SET sql = replace(sql, ?1, ?2)
 WHERE type = 'table' AND name = 'sites_all' AND instr(sql, ?1) > 0`

// sqlOwnershipDefined counts the definitions of sites_all that hold ?1.
const sqlOwnershipDefined = `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sites_all' AND instr(sql, ?1) > 0`

// migrateV14 brings a register of version 13 to version 14, inside migrate's transaction: the states of
// the registration path accepted in sites_all.ownership (widenOwnershipCheck), then the statements of
// sqlMigrateV14.
func migrateV14(ctx context.Context, q querier) error {
	if err := widenOwnershipCheck(ctx, q); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, sqlMigrateV14)
	return err
}

// widenOwnershipCheck adds to_register, filing and disputed to the states sites_ownership_known accepts,
// by editing the constraint's text in sqlite_master as widenUsageCheck does for the usages (a constraint
// that accepts every row the old one did needs no data to change). A definition that already lists them
// (a new file's) is left as it is; one that lists neither is not one officemap wrote, and the migration
// fails.
func widenOwnershipCheck(ctx context.Context, q querier) error {
	var done int
	if err := q.QueryRowContext(ctx, sqlOwnershipDefined, ownershipV14).Scan(&done); err != nil || done == 1 {
		return err
	}
	if _, err := q.ExecContext(ctx, sqlWritableSchema); err != nil {
		return err
	}
	res, err := q.ExecContext(ctx, sqlWidenOwnership, ownershipV13, ownershipV14)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n != 1 {
			err = fmt.Errorf("sites_ownership_known: the definition of sites_all does not list the states %s", ownershipV13)
		}
	}
	if _, rerr := q.ExecContext(ctx, sqlResetSchema); err == nil {
		err = rerr
	}
	return err
}

const (
	sqlRegistrationSite  = `SELECT count(*) FROM sites_all WHERE id = ?1 AND deleted_at IS NULL`
	sqlInsertStateChange = `INSERT INTO registration_changes (id, site_id, state, effective, reason, recorded_by, recorded_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`
	sqlStateChanges = `SELECT id, site_id, state, effective, reason, recorded_by, CAST(recorded_at AS TEXT)
  FROM registration_changes WHERE site_id = ?1 ORDER BY fid`
	sqlInsertFilingStep = `INSERT INTO filing_steps (id, site_id, step, step_date, start_date, end_date, number, form, document_ids, note, recorded_by, recorded_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)`
	sqlFilingSteps = `SELECT id, site_id, step, step_date, start_date, end_date, number, form, document_ids, note, recorded_by, CAST(recorded_at AS TEXT)
  FROM filing_steps WHERE site_id = ?1 ORDER BY fid`
	sqlInsertTimelineEvent = `INSERT INTO timeline_events (id, site_id, event_date, kind, title, note, document_ids, recorded_by, recorded_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`
	sqlTimelineEvents = `SELECT id, site_id, event_date, kind, title, note, document_ids, recorded_by, CAST(recorded_at AS TEXT)
  FROM timeline_events WHERE site_id = ?1 ORDER BY event_date, fid`
)

// addRegistrationRow inserts one row for a live site: insert runs with the new id and the recording
// instant's text, and the recording instant is returned.
func (s *Store) addRegistrationRow(ctx context.Context, id *uuid.UUID, site uuid.UUID,
	insert func(q querier, id uuid.UUID, at string) error) (time.Time, error) {
	var at time.Time
	err := s.create(ctx, id, func(q querier, nid uuid.UUID, now time.Time) error {
		var live int
		if err := q.QueryRowContext(ctx, sqlRegistrationSite, site.String()).Scan(&live); err != nil {
			return err
		}
		if live == 0 {
			return notFound("site", site)
		}
		var text string
		at, text = instant(now)
		return insert(q, nid, text)
	})
	return at, err
}

// AddRegistrationChange records c against a live site.
func (s *Store) AddRegistrationChange(ctx context.Context, c *floorplan.RegistrationChange) error {
	if err := c.Validate(); err != nil {
		return err
	}
	by := floorplan.ActorFrom(ctx)
	at, err := s.addRegistrationRow(ctx, &c.ID, c.SiteID, func(q querier, id uuid.UUID, at string) error {
		_, err := q.ExecContext(ctx, sqlInsertStateChange, id.String(), c.SiteID.String(), string(c.State),
			nullDate(c.Effective), c.Reason, by, at)
		return err
	})
	if err != nil {
		return err
	}
	c.RecordedAt, c.RecordedBy = at, by
	return nil
}

// RegistrationChanges lists the changes of a site's state, oldest first.
func (s *Store) RegistrationChanges(ctx context.Context, siteID uuid.UUID) ([]floorplan.RegistrationChange, error) {
	return collect(ctx, s.reader(), func(row scanner) (floorplan.RegistrationChange, error) {
		var c floorplan.RegistrationChange
		var state string
		err := row.Scan(idCol{&c.ID}, idCol{&c.SiteID}, &state, dateCol{&c.Effective}, &c.Reason, &c.RecordedBy,
			instantCol{&c.RecordedAt, s.loc})
		c.State = floorplan.OwnershipStatus(state)
		return c, err
	}, sqlStateChanges, siteID.String())
}

// AddFilingStep records st against a live site.
func (s *Store) AddFilingStep(ctx context.Context, st *floorplan.FilingStep) error {
	if err := st.Validate(); err != nil {
		return err
	}
	ids, err := docIDsJSON(st.DocumentIDs)
	if err != nil {
		return err
	}
	by := floorplan.ActorFrom(ctx)
	at, err := s.addRegistrationRow(ctx, &st.ID, st.SiteID, func(q querier, id uuid.UUID, at string) error {
		_, err := q.ExecContext(ctx, sqlInsertFilingStep, id.String(), st.SiteID.String(), string(st.Step), nullDate(st.Date),
			nullDate(st.Start), nullDate(st.End), st.Number, st.Form, ids, st.Note, by, at)
		return err
	})
	if err != nil {
		return err
	}
	st.RecordedAt, st.RecordedBy = at, by
	return nil
}

// FilingStepsOf lists every step recorded for a site, oldest first.
func (s *Store) FilingStepsOf(ctx context.Context, siteID uuid.UUID) ([]floorplan.FilingStep, error) {
	return collect(ctx, s.reader(), func(row scanner) (floorplan.FilingStep, error) {
		var st floorplan.FilingStep
		var step, ids string
		err := row.Scan(idCol{&st.ID}, idCol{&st.SiteID}, &step, dateCol{&st.Date}, dateCol{&st.Start}, dateCol{&st.End},
			&st.Number, &st.Form, &ids, &st.Note, &st.RecordedBy, instantCol{&st.RecordedAt, s.loc})
		if err != nil {
			return st, err
		}
		st.Step = floorplan.FilingStepKind(step)
		st.DocumentIDs, err = parseDocIDs(ids)
		return st, err
	}, sqlFilingSteps, siteID.String())
}

// AddTimelineEvent records a manual event against a live site.
func (s *Store) AddTimelineEvent(ctx context.Context, e *floorplan.TimelineEvent) error {
	if err := e.Validate(); err != nil {
		return err
	}
	ids, err := docIDsJSON(e.DocumentIDs)
	if err != nil {
		return err
	}
	by := floorplan.ActorFrom(ctx)
	at, err := s.addRegistrationRow(ctx, &e.ID, e.SiteID, func(q querier, id uuid.UUID, at string) error {
		_, err := q.ExecContext(ctx, sqlInsertTimelineEvent, id.String(), e.SiteID.String(), nullDate(e.Date), string(e.Kind),
			e.Title, e.Note, ids, by, at)
		return err
	})
	if err != nil {
		return err
	}
	e.RecordedAt, e.RecordedBy = at, by
	e.Source, e.Entity, e.EntityID = floorplan.TimelineManual, floorplan.EntitySite, e.SiteID
	return nil
}

// TimelineEvents lists a site's manual timeline events by date and recording.
func (s *Store) TimelineEvents(ctx context.Context, siteID uuid.UUID) ([]floorplan.TimelineEvent, error) {
	return collect(ctx, s.reader(), func(row scanner) (floorplan.TimelineEvent, error) {
		var e floorplan.TimelineEvent
		var kind, ids string
		err := row.Scan(idCol{&e.ID}, idCol{&e.SiteID}, dateCol{&e.Date}, &kind, &e.Title, &e.Note, &ids, &e.RecordedBy,
			instantCol{&e.RecordedAt, s.loc})
		if err != nil {
			return e, err
		}
		e.Kind, e.Source, e.Entity, e.EntityID = floorplan.TimelineKind(kind), floorplan.TimelineManual, floorplan.EntitySite, e.SiteID
		e.DocumentIDs, err = parseDocIDs(ids)
		return e, err
	}, sqlTimelineEvents, siteID.String())
}

// docIDsJSON is a JSON array of ids.
func docIDsJSON(ids []uuid.UUID) (string, error) {
	if ids == nil {
		ids = []uuid.UUID{}
	}
	b, err := json.Marshal(ids)
	return string(b), err
}

// parseDocIDs reads a JSON array of ids (never nil).
func parseDocIDs(text string) ([]uuid.UUID, error) {
	out := []uuid.UUID{}
	if err := json.NewDecoder(strings.NewReader(text)).Decode(&out); err != nil {
		return nil, fmt.Errorf("gpkg: document ids: %w", err)
	}
	if out == nil {
		out = []uuid.UUID{}
	}
	return out, nil
}
