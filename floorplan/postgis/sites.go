package postgis

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

const siteColumns = `s.id, s.name, s.address, s.category, s.ownership, s.records, s.note, s.jurisdiction_id, s.version`

func scanSite(row pgx.Row) (floorplan.Site, error) {
	var (
		s       floorplan.Site
		records []byte
	)
	err := row.Scan(uuidDst(&s.ID), &s.Name, &s.Address, &s.Category, &s.Ownership, &records, &s.Note,
		optionalIDDst(&s.JurisdictionID), &s.Version)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(records, &s.Records); err != nil {
		return s, err
	}
	if s.Records == nil {
		s.Records = []floorplan.OwnershipRecord{}
	}
	return s, nil
}

// checkSite validates a site and returns its ownership records as JSON.
func (s *Store) checkSite(site *floorplan.Site) ([]byte, error) {
	if err := site.Validate(s.classification); err != nil {
		return nil, err
	}
	if site.Records == nil {
		return []byte("[]"), nil
	}
	records, err := json.Marshal(site.Records)
	if err != nil {
		return nil, floorplan.Invalidf("ownership records: %v", err)
	}
	return records, nil
}

const insertSiteSQL = `
INSERT INTO sites (id, name, address, category, ownership, records, note, jurisdiction_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`

// CreateSite adds a site at version 1.
func (s *Store) CreateSite(ctx context.Context, site *floorplan.Site) error {
	records, err := s.checkSite(site)
	if err != nil {
		return err
	}
	err = s.create(ctx, &site.ID, func(tx pgx.Tx, id uuid.UUID) error {
		if err := lockLiveIfGiven(ctx, tx, lockJurisdictionShareSQL, site.JurisdictionID, "jurisdiction"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, insertSiteSQL, id, site.Name, site.Address, site.Category, site.Ownership,
			records, site.Note, nullID(site.JurisdictionID))
		return err
	})
	return setVersion(err, &site.Version, 1)
}

const siteSQL = `SELECT ` + siteColumns + ` FROM sites s WHERE s.id = $1 AND s.deleted_at IS NULL`

// Site returns a site.
func (s *Store) Site(ctx context.Context, id uuid.UUID) (floorplan.Site, error) {
	return readOne(ctx, s, scanSite, siteSQL, "site", id)
}

const sitesSQL = `SELECT ` + siteColumns + ` FROM sites s WHERE s.deleted_at IS NULL ORDER BY s.name, s.id`

// Sites lists the sites by name.
func (s *Store) Sites(ctx context.Context) ([]floorplan.Site, error) {
	return readAll(ctx, s, scanSite, sitesSQL)
}

const updateSiteSQL = `
UPDATE sites SET name = $2, address = $3, category = $4, ownership = $5, records = $6, note = $7,
       jurisdiction_id = $8, version = version + 1
 WHERE id = $1 AND version = $9 AND deleted_at IS NULL
RETURNING version`

const siteVersionSQL = `SELECT version FROM sites WHERE id = $1 AND deleted_at IS NULL`

// siteOwnershipPartsSQL moves on, when the site $1's ownership is about to change to $2, the stored parts
// of the agencies of its leased rooms (rule room.filed_property_leased reads a room's site's ownership; the
// triggers of 0015_part_results see rooms, people and agencies only). Run before the update, in its
// transaction.
const siteOwnershipPartsSQL = `
SELECT parts_bump(ARRAY(SELECT DISTINCT r.agency_id FROM rooms r JOIN floors f ON f.id = r.floor_id
                          JOIN buildings b ON b.id = f.building_id
                         WHERE b.site_id = $1 AND r.deleted_at IS NULL AND r.state = 'leased'))
 WHERE (SELECT s.ownership FROM sites s WHERE s.id = $1) IS DISTINCT FROM $2`

// UpdateSite replaces a site's fields if site.Version is still its version, and moves site.Version on.
func (s *Store) UpdateSite(ctx context.Context, site *floorplan.Site) error {
	records, err := s.checkSite(site)
	if err != nil {
		return err
	}
	var next int64
	err = s.write(ctx, func(tx pgx.Tx) error {
		if err := lockLiveIfGiven(ctx, tx, lockJurisdictionShareSQL, site.JurisdictionID, "jurisdiction"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, siteOwnershipPartsSQL, site.ID, site.Ownership); err != nil {
			return mapError(err)
		}
		return updateVersioned(ctx, tx, "site", site.ID, site.Version, &next, siteVersionSQL, updateSiteSQL, site.ID,
			site.Name, site.Address, site.Category, site.Ownership, records, site.Note, nullID(site.JurisdictionID),
			site.Version)
	})
	return setVersion(err, &site.Version, next)
}

const (
	lockSiteSQL   = `SELECT id FROM sites WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`
	siteInUseSQL  = `SELECT count(*) FROM buildings WHERE site_id = $1 AND deleted_at IS NULL`
	deleteSiteSQL = `UPDATE sites SET deleted_at = now(), version = version + 1 WHERE id = $1`
)

// DeleteSite deletes a site that has no buildings left.
func (s *Store) DeleteSite(ctx context.Context, id uuid.UUID) error {
	return s.softDelete(ctx, id, "site", lockSiteSQL, deleteSiteSQL, []any{id},
		inUse{siteInUseSQL, "the site still has %d building(s)"})
}

// newID returns id, or a new random UUID for uuid.Nil.
func newID(id uuid.UUID) uuid.UUID {
	if id == uuid.Nil {
		return uuid.New()
	}
	return id
}

// collect runs a query and scans every row with scan.
func collect[T any](ctx context.Context, q querier, scan func(pgx.Row) (T, error), sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	// Rows go into chunks, copied once into a slice of the right size at the end: the snapshot's slices
	// run to 100 000s of rows, which growing one slice would copy several times over.
	const chunk = 1024
	var (
		chunks [][]T
		cur    = make([]T, 0, 16)
	)
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, mapError(err)
		}
		if len(cur) == cap(cur) && cap(cur) >= chunk {
			chunks = append(chunks, cur)
			cur = make([]T, 0, chunk)
		}
		cur = append(cur, v)
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	if len(chunks) == 0 {
		return cur, nil
	}
	n := len(cur)
	for _, c := range chunks {
		n += len(c)
	}
	out := make([]T, 0, n)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, cur...), nil
}
