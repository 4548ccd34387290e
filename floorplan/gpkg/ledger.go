package gpkg

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

var _ floorplan.LedgerStore = (*Store)(nil)

// The ledger's entries (floorplan/ledger.go) as an attribute table, appended and never changed.

// sqlMigrateV13 creates the ledger's entries, empty.
const sqlMigrateV13 = `
CREATE TABLE ledger_entries (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  site_id TEXT NOT NULL REFERENCES sites_all (id),
  year INTEGER NOT NULL CHECK (year BETWEEN 1949 AND 2200),
  kind TEXT NOT NULL CHECK (kind IN ('book_value', 'book_area', 'maintenance', 'property_services', 'utilities', 'rent_received')),
  amount_cents INTEGER NOT NULL CHECK (amount_cents <> 0),
  note TEXT NOT NULL DEFAULT '',
  document_id TEXT REFERENCES documents (id),
  recorded_by TEXT NOT NULL,
  recorded_at DATETIME NOT NULL
);
CREATE INDEX ledger_entries_site_year_idx ON ledger_entries (site_id, year, recorded_at);
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are never changed (enter a correcting entry)'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are never deleted (enter a correcting entry)'); END;
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('ledger_entries', 'attributes', 'ledger_entries', 'the property ledger''s entries (floorplan/ledger.go)', NULL);
`

// sqlMigrateV16 adds the agency of a sub-ledger's entry (NULL: the general ledger's; every entry recorded
// before stays the general ledger's), as the PostGIS migration 0022_ledger_agency.
const sqlMigrateV16 = `
ALTER TABLE ledger_entries ADD COLUMN agency_id TEXT REFERENCES agencies (id);
CREATE INDEX ledger_entries_agency_idx ON ledger_entries (agency_id, year) WHERE agency_id IS NOT NULL;
`

const (
	sqlLedgerSite        = `SELECT count(*) FROM sites_all WHERE id = ?1 AND deleted_at IS NULL`
	sqlLedgerAgency      = `SELECT count(*) FROM agencies WHERE id = ?1 AND deleted_at IS NULL`
	sqlInsertLedgerEntry = `INSERT INTO ledger_entries (id, site_id, year, kind, amount_cents, note, document_id, recorded_by, recorded_at, agency_id)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`
	sqlLedgerEntries = `SELECT id, site_id, year, kind, amount_cents, note, document_id, recorded_by, CAST(recorded_at AS TEXT), agency_id
  FROM ledger_entries WHERE (?1 IS NULL OR site_id = ?1) AND (?2 IS NULL OR year = ?2)
 ORDER BY site_id, year, recorded_at, fid`
)

// AddLedgerEntry records e against a live site (and a live agency, for a sub-ledger's entry).
func (s *Store) AddLedgerEntry(ctx context.Context, e *floorplan.LedgerEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	var at time.Time
	err := s.create(ctx, &e.ID, func(q querier, id uuid.UUID, now time.Time) error {
		var live int
		if err := q.QueryRowContext(ctx, sqlLedgerSite, e.SiteID.String()).Scan(&live); err != nil {
			return err
		}
		if live == 0 {
			return notFound("site", e.SiteID)
		}
		if e.AgencyID != uuid.Nil {
			if err := q.QueryRowContext(ctx, sqlLedgerAgency, e.AgencyID.String()).Scan(&live); err != nil {
				return err
			}
			if live == 0 {
				return notFound("agency", e.AgencyID)
			}
		}
		var text string
		at, text = instant(now)
		cents := int64(math.Round(e.Amount * 100))
		_, err := q.ExecContext(ctx, sqlInsertLedgerEntry, id.String(), e.SiteID.String(), e.Year, string(e.Kind), cents,
			e.Note, nullID(e.DocumentID), floorplan.ActorFrom(ctx), text, nullID(e.AgencyID))
		return err
	})
	if err != nil {
		return err
	}
	e.RecordedAt, e.RecordedBy = at, floorplan.ActorFrom(ctx)
	return nil
}

// LedgerEntries lists the entries f keeps.
func (s *Store) LedgerEntries(ctx context.Context, f floorplan.LedgerFilter) ([]floorplan.LedgerEntry, error) {
	var year any
	if f.Year != 0 {
		year = f.Year
	}
	var out []floorplan.LedgerEntry
	err := s.read(ctx, func(q querier) error {
		rows, err := q.QueryContext(ctx, sqlLedgerEntries, nullID(f.SiteID), year)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e floorplan.LedgerEntry
			var kind string
			var cents int64
			if err := rows.Scan(idCol{&e.ID}, idCol{&e.SiteID}, &e.Year, &kind, &cents, &e.Note, idCol{&e.DocumentID},
				&e.RecordedBy, instantCol{&e.RecordedAt, s.loc}, idCol{&e.AgencyID}); err != nil {
				return fmt.Errorf("ledger entry: %w", err)
			}
			e.Kind, e.Amount = floorplan.LedgerKind(kind), float64(cents)/100
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}
