package postgis

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

var _ floorplan.ApplicationStore = (*Store)(nil)

// The online handling's applications (migrations/0023_applications.sql, floorplan/applications.go).

const (
	insertApplicationSQL = `
INSERT INTO applications (id, kind, agency_id, title, state, finding_key, body)
SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM agencies WHERE id = $3 AND deleted_at IS NULL)
RETURNING created_at`
	updateApplicationSQL = `
UPDATE applications SET state = $2, body = $3, updated_at = now(), version = version + 1
 WHERE id = $1 AND version = $4 RETURNING updated_at`
	applicationExistsSQL = `SELECT EXISTS (SELECT 1 FROM applications WHERE id = $1)`
	applicationColumns   = `SELECT id, kind, agency_id, title, state, finding_key, body, created_at, updated_at, version FROM applications`
	applicationSQL       = applicationColumns + ` WHERE id = $1`
	applicationsSQL      = applicationColumns + ` WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR state = $2) AND ($3::uuid IS NULL OR agency_id = $3)
 ORDER BY created_at, id`
)

// applicationDoc is a as the helpers of versioned documents see it.
func applicationDoc(a *floorplan.Application) versionedDoc {
	return versionedDoc{a, &a.ID, &a.Version, &a.CreatedAt, &a.UpdatedAt}
}

// CreateApplication stores a new application (see floorplan.ApplicationStore).
func (s *Store) CreateApplication(ctx context.Context, a *floorplan.Application) error {
	return s.createDoc(ctx, applicationDoc(a), insertApplicationSQL, notFound("agency", a.AgencyID), string(a.Kind), a.AgencyID,
		a.Title, a.State, a.FindingKey)
}

// UpdateApplication writes a's state, actions and due dates at the version given.
func (s *Store) UpdateApplication(ctx context.Context, a *floorplan.Application) error {
	return s.updateDoc(ctx, "application", applicationDoc(a), a.State, updateApplicationSQL, applicationExistsSQL)
}

// scanApplication reads one row of applicationColumns.
func scanApplication(row pgx.Row) (floorplan.Application, error) {
	var a floorplan.Application
	var kind string
	var body []byte
	if err := row.Scan(uuidDst(&a.ID), &kind, uuidDst(&a.AgencyID), &a.Title, &a.State, &a.FindingKey, &body,
		&a.CreatedAt, &a.UpdatedAt, &a.Version); err != nil {
		return a, err
	}
	a.Kind = floorplan.ApplicationKind(kind)
	return a, a.SetBody(body)
}

// Application reads one application.
func (s *Store) Application(ctx context.Context, id uuid.UUID) (floorplan.Application, error) {
	return readOne(ctx, s, scanApplication, applicationSQL, "application", id)
}

// Applications lists the applications f selects, oldest first.
func (s *Store) Applications(ctx context.Context, f floorplan.ApplicationFilter) ([]floorplan.Application, error) {
	return readList(ctx, s, scanApplication, applicationsSQL, string(f.Kind), f.State, nullID(f.AgencyID))
}
