package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// The online handling's applications (floorplan/applications.go) as an attribute table: one row per
// application, its fields, actions and due dates kept as JSON, its version moved on by the store.

// sqlMigrateV17 creates the applications, empty (the GeoPackage counterpart of migrations/0023_applications.sql).
const sqlMigrateV17 = `
CREATE TABLE applications (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('allocation', 'second_office', 'maintenance', 'disposal', 'recovery')),
  agency_id TEXT NOT NULL REFERENCES agencies (id),
  title TEXT NOT NULL,
  state TEXT NOT NULL,
  finding_key TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX applications_agency_idx ON applications (agency_id, kind, state);
CREATE INDEX applications_finding_idx ON applications (finding_key) WHERE finding_key <> '';
` + `CREATE TRIGGER applications_version BEFORE UPDATE ON applications
  WHEN NEW.version IS NOT OLD.version + 1
BEGIN
  SELECT RAISE(ABORT, 'officemap: applications.version must rise by exactly one');
END;
CREATE TRIGGER applications_no_delete BEFORE DELETE ON applications
BEGIN SELECT RAISE(ABORT, 'applications are never deleted (close or reject them)'); END;
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('applications', 'attributes', 'applications', 'the online handling''s applications (floorplan/applications.go)', NULL);
`

const (
	sqlInsertApplication = `INSERT INTO applications (id, kind, agency_id, title, state, finding_key, body, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)`
	sqlUpdateApplication = `UPDATE applications SET state = ?2, body = ?3, updated_at = ?4, version = version + 1
 WHERE id = ?1 AND version = ?5`
	sqlApplicationColumns = `SELECT id, kind, agency_id, title, state, finding_key, body, CAST(created_at AS TEXT), CAST(updated_at AS TEXT), version FROM applications`
	sqlApplication        = sqlApplicationColumns + ` WHERE id = ?1`
	sqlApplications       = sqlApplicationColumns + ` WHERE (?1 = '' OR kind = ?1) AND (?2 = '' OR state = ?2) AND (?3 = '' OR agency_id = ?3)
 ORDER BY created_at, fid`
)

// applicationDoc is a as the helpers of versioned documents see it.
func applicationDoc(a *floorplan.Application) versionedDoc {
	return versionedDoc{a, &a.ID, &a.Version, &a.CreatedAt, &a.UpdatedAt}
}

// CreateApplication stores a new application (see floorplan.ApplicationStore).
func (s *Store) CreateApplication(ctx context.Context, a *floorplan.Application) error {
	return s.createDoc(ctx, applicationDoc(a), func(q querier, id uuid.UUID, body []byte, now time.Time) error {
		if err := mustExist(ctx, q, sqlLedgerAgency, "agency", a.AgencyID); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, sqlInsertApplication, id.String(), string(a.Kind), a.AgencyID.String(), a.Title, a.State,
			a.FindingKey, string(body), fileTime(now))
		if err != nil {
			return err
		}
		return recordApplication(ctx, q, now, id, nil, imageOfApplication(a, id, body, now, now, 1)) // apphistory.go
	})
}

// UpdateApplication writes a's state, actions and due dates at the version given.
func (s *Store) UpdateApplication(ctx context.Context, a *floorplan.Application) error {
	return s.updateDoc(ctx, applicationDoc(a), func(q querier, body []byte, now time.Time) error {
		before, err := scanApplication(q.QueryRowContext(ctx, sqlApplication, a.ID.String())) // for the history (apphistory.go)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		err = execVersioned(ctx, q, "application", a.ID, a.Version, `SELECT count(*) FROM applications WHERE id = ?1`, sqlUpdateApplication,
			a.ID.String(), a.State, string(body), fileTime(now), a.Version)
		if err != nil {
			return err
		}
		oldBody, err := before.Body()
		if err != nil {
			return err
		}
		old := imageOfApplication(&before, a.ID, oldBody, before.CreatedAt, before.UpdatedAt, before.Version)
		after := before // the row keeps its other columns
		after.State = a.State
		return recordApplication(ctx, q, now, a.ID, &old, imageOfApplication(&after, a.ID, body, before.CreatedAt, now, a.Version+1))
	})
}

// scanApplication reads one row of sqlApplicationColumns.
func scanApplication(row scanner) (floorplan.Application, error) {
	var a floorplan.Application
	var kind, body, created, updated string
	if err := row.Scan(idCol{&a.ID}, &kind, idCol{&a.AgencyID}, &a.Title, &a.State, &a.FindingKey, &body, &created, &updated, &a.Version); err != nil {
		return a, err
	}
	a.Kind = floorplan.ApplicationKind(kind)
	err := applicationDoc(&a).scanned(body, created, updated)
	return a, err
}

// Application reads one application.
func (s *Store) Application(ctx context.Context, id uuid.UUID) (floorplan.Application, error) {
	return readDoc(ctx, s, scanApplication, sqlApplication, "application", id)
}

// Applications lists the applications f selects, oldest first.
func (s *Store) Applications(ctx context.Context, f floorplan.ApplicationFilter) ([]floorplan.Application, error) {
	return collect(ctx, s.reader(), scanApplication, sqlApplications, string(f.Kind), f.State, idText(f.AgencyID))
}
