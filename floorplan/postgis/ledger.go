package postgis

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

// The ledger's entries (migrations 0018, 0022: the agency of a sub-ledger's entry): appended, never changed.

const (
	insertLedgerEntrySQL = `
INSERT INTO ledger_entries (id, site_id, year, kind, amount, note, document_id, recorded_by, agency_id)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
 WHERE EXISTS (SELECT 1 FROM sites WHERE id = $2 AND deleted_at IS NULL)
   AND ($9::uuid IS NULL OR EXISTS (SELECT 1 FROM agencies WHERE id = $9 AND deleted_at IS NULL))
RETURNING recorded_at`
	ledgerSiteLiveSQL = `SELECT EXISTS (SELECT 1 FROM sites WHERE id = $1 AND deleted_at IS NULL)`
	ledgerEntriesSQL  = `
SELECT id, site_id, year, kind, amount::float8, note, document_id, recorded_by, recorded_at, agency_id
  FROM ledger_entries
 WHERE ($1::uuid IS NULL OR site_id = $1) AND ($2::integer IS NULL OR year = $2)
 ORDER BY site_id, year, recorded_at, id`
)

func scanLedgerEntry(row pgx.Row) (floorplan.LedgerEntry, error) {
	var e floorplan.LedgerEntry
	var kind string
	err := row.Scan(uuidDst(&e.ID), uuidDst(&e.SiteID), &e.Year, &kind, &e.Amount, &e.Note, optionalIDDst(&e.DocumentID),
		&e.RecordedBy, &e.RecordedAt, optionalIDDst(&e.AgencyID))
	e.Kind = floorplan.LedgerKind(kind)
	return e, err
}

// AddLedgerEntry records e against a live site (and a live agency, for a sub-ledger's entry).
func (s *Store) AddLedgerEntry(ctx context.Context, e *floorplan.LedgerEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	var at time.Time
	err := s.create(ctx, &e.ID, func(tx pgx.Tx, id uuid.UUID) error {
		err := tx.QueryRow(ctx, insertLedgerEntrySQL, id, e.SiteID, e.Year, string(e.Kind), e.Amount, e.Note,
			nullID(e.DocumentID), floorplan.ActorFrom(ctx), nullID(e.AgencyID)).Scan(&at)
		if err != pgx.ErrNoRows {
			return err
		}
		var site bool
		if err := tx.QueryRow(ctx, ledgerSiteLiveSQL, e.SiteID).Scan(&site); err != nil {
			return err
		}
		if !site {
			return notFound("site", e.SiteID)
		}
		return notFound("agency", e.AgencyID)
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
	return readAll(ctx, s, scanLedgerEntry, ledgerEntriesSQL, nullID(f.SiteID), year)
}

var _ floorplan.LedgerStore = (*Store)(nil)
