package gpkg

import (
	"context"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

var _ floorplan.LeadStore = (*Store)(nil)

// The leads (floorplan/leads.go) as one attribute table, a row each: source, state, the day received and
// the item a triaged lead became as columns, the rest (text, contact, links, places, who) as JSON; the
// version moved on by the store. A lead is never deleted.

// sqlMigrateV22 creates the leads, empty (the GeoPackage counterpart of migrations/0028_leads.sql).
const sqlMigrateV22 = `
CREATE TABLE leads (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL CHECK (source IN ('hotline_12345', 'public', 'internet', 'media', 'higher_level', 'other')),
  state TEXT NOT NULL CHECK (state IN ('open', 'triaged', 'closed')),
  received_on DATE NOT NULL,
  item_id TEXT REFERENCES inspection_items (id),
  body TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  CHECK ((state = 'triaged') = (item_id IS NOT NULL))
);
CREATE INDEX leads_state_idx ON leads (state, source, received_on);
CREATE TRIGGER leads_version BEFORE UPDATE ON leads
  WHEN NEW.version IS NOT OLD.version + 1
BEGIN
  SELECT RAISE(ABORT, 'officemap: leads.version must rise by exactly one');
END;
CREATE TRIGGER leads_no_delete BEFORE DELETE ON leads
BEGIN SELECT RAISE(ABORT, 'leads are never deleted (close them)'); END;
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('leads', 'attributes', 'leads', 'the leads of the inspections (floorplan/leads.go)', NULL);
`

const (
	sqlInsertLead = `INSERT INTO leads (id, source, state, received_on, item_id, body, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)`
	sqlUpdateLead = `UPDATE leads SET state = ?2, body = ?3, updated_at = ?4, version = version + 1, item_id = ?6
 WHERE id = ?1 AND version = ?5`
	sqlLeadExists  = `SELECT count(*) FROM leads WHERE id = ?1`
	sqlLeadColumns = `SELECT id, source, state, CAST(received_on AS TEXT), item_id, body, CAST(created_at AS TEXT), CAST(updated_at AS TEXT), version FROM leads`
	sqlLead        = sqlLeadColumns + ` WHERE id = ?1`
	sqlLeads       = sqlLeadColumns + ` WHERE (?1 = '' OR state = ?1) AND (?2 = '' OR source = ?2) ORDER BY received_on, created_at, fid`
)

// leadDoc is l as the helpers of versioned documents see it.
func leadDoc(l *floorplan.Lead) versionedDoc {
	return versionedDoc{l, &l.ID, &l.Version, &l.CreatedAt, &l.UpdatedAt}
}

// leadItem is the item column of l: NULL unless it has one. An item that does not exist is
// floorplan.ErrNotFound.
func leadItem(ctx context.Context, q querier, l *floorplan.Lead) (any, error) {
	if l.ItemID == uuid.Nil {
		return nil, nil
	}
	return l.ItemID.String(), mustExist(ctx, q, sqlItemExists, "inspection item", l.ItemID)
}

// CreateLead stores a new lead (see floorplan.LeadStore).
func (s *Store) CreateLead(ctx context.Context, l *floorplan.Lead) error {
	return s.createDoc(ctx, leadDoc(l), func(q querier, id uuid.UUID, body []byte, now time.Time) error {
		item, err := leadItem(ctx, q, l)
		if err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, sqlInsertLead, id.String(), string(l.Source), l.State, l.ReceivedOn.Format(time.DateOnly), item,
			string(body), fileTime(now))
		return err
	})
}

// UpdateLead writes l's state, item and body at the version given.
func (s *Store) UpdateLead(ctx context.Context, l *floorplan.Lead) error {
	return s.updateDoc(ctx, leadDoc(l), func(q querier, body []byte, now time.Time) error {
		item, err := leadItem(ctx, q, l)
		if err != nil {
			return err
		}
		return execVersioned(ctx, q, "lead", l.ID, l.Version, sqlLeadExists, sqlUpdateLead,
			l.ID.String(), l.State, string(body), fileTime(now), l.Version, item)
	})
}

// scanLead reads one row of sqlLeadColumns.
func scanLead(row scanner) (floorplan.Lead, error) {
	var l floorplan.Lead
	var source, received, body, created, updated string
	if err := row.Scan(idCol{&l.ID}, &source, &l.State, &received, idCol{&l.ItemID}, &body, &created, &updated, &l.Version); err != nil {
		return l, err
	}
	l.Source = floorplan.LeadSource(source)
	var err error
	if l.ReceivedOn, err = floorplan.ParseDate(received[:min(len(received), len(time.DateOnly))]); err != nil {
		return l, err
	}
	err = leadDoc(&l).scanned(body, created, updated)
	return l, err
}

// Lead reads one lead.
func (s *Store) Lead(ctx context.Context, id uuid.UUID) (floorplan.Lead, error) {
	return readDoc(ctx, s, scanLead, sqlLead, "lead", id)
}

// Leads lists the leads f selects, oldest received first.
func (s *Store) Leads(ctx context.Context, f floorplan.LeadFilter) ([]floorplan.Lead, error) {
	return collect(ctx, s.reader(), scanLead, sqlLeads, f.State, string(f.Source))
}
