package postgis

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

var _ floorplan.LeadStore = (*Store)(nil)

// The leads of the inspections (migrations/0028_leads.sql, floorplan/leads.go).

const (
	insertLeadSQL = `
INSERT INTO leads (id, source, state, received_on, item_id, body)
SELECT $1, $2, $3, $4, $5, $6 WHERE $5::uuid IS NULL OR EXISTS (SELECT 1 FROM inspection_items WHERE id = $5)
RETURNING created_at`
	updateLeadSQL = `
UPDATE leads SET state = $2, body = $3, item_id = $5, updated_at = now(), version = version + 1
 WHERE id = $1 AND version = $4 AND ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM inspection_items WHERE id = $5))
RETURNING updated_at`
	leadExistsSQL = `SELECT EXISTS (SELECT 1 FROM leads WHERE id = $1)`
	leadColumns   = `SELECT id, source, state, received_on, item_id, body, created_at, updated_at, version FROM leads`
	leadSQL       = leadColumns + ` WHERE id = $1`
	leadsSQL      = leadColumns + ` WHERE ($1 = '' OR state = $1) AND ($2 = '' OR source = $2) ORDER BY received_on, created_at, id`
)

// leadDoc is l as the helpers of versioned documents see it.
func leadDoc(l *floorplan.Lead) versionedDoc {
	return versionedDoc{l, &l.ID, &l.Version, &l.CreatedAt, &l.UpdatedAt}
}

// CreateLead stores a new lead (see floorplan.LeadStore).
func (s *Store) CreateLead(ctx context.Context, l *floorplan.Lead) error {
	return s.createDoc(ctx, leadDoc(l), insertLeadSQL, notFound("inspection item", l.ItemID), string(l.Source), l.State,
		l.ReceivedOn, nullID(l.ItemID))
}

// UpdateLead writes l's state, item and body at the version given.
func (s *Store) UpdateLead(ctx context.Context, l *floorplan.Lead) error {
	return s.updateDoc(ctx, "lead", leadDoc(l), l.State, updateLeadSQL, leadExistsSQL, docRef{"inspection item", itemExistsSQL, l.ItemID})
}

// scanLead reads one row of leadColumns.
func scanLead(row pgx.Row) (floorplan.Lead, error) {
	var l floorplan.Lead
	var source string
	var item optionalID
	var body []byte
	if err := row.Scan(uuidDst(&l.ID), &source, &l.State, &l.ReceivedOn, &item, &body, &l.CreatedAt, &l.UpdatedAt, &l.Version); err != nil {
		return l, err
	}
	l.Source, l.ItemID = floorplan.LeadSource(source), uuid.UUID(item)
	l.ReceivedOn = floorplan.DayOf(l.ReceivedOn)
	return l, l.SetBody(body)
}

// Lead reads one lead.
func (s *Store) Lead(ctx context.Context, id uuid.UUID) (floorplan.Lead, error) {
	return readOne(ctx, s, scanLead, leadSQL, "lead", id)
}

// Leads lists the leads f selects, oldest received first.
func (s *Store) Leads(ctx context.Context, f floorplan.LeadFilter) ([]floorplan.Lead, error) {
	return readList(ctx, s, scanLead, leadsSQL, f.State, string(f.Source))
}
