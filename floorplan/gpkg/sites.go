package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

// siteRow is a site with the columns the domain type does not carry.
type siteRow struct {
	floorplan.Site
	created, deleted time.Time
}

func (r siteRow) image() siteImage {
	return siteImage{ID: jsonID(r.ID), Name: r.Name, Address: r.Address, Category: r.Category,
		Ownership: r.Ownership, Records: recordsOf(r.Records), Note: r.Note, CreatedAt: jsonInstant(r.created),
		DeletedAt: jsonInstant(r.deleted)}
}

func recordsOf(rs []floorplan.OwnershipRecord) []floorplan.OwnershipRecord {
	if rs == nil {
		return []floorplan.OwnershipRecord{}
	}
	return rs
}

const siteColumns = `s.id, s.name, s.address, s.category, s.ownership, s.records, s.note, CAST(s.created_at AS TEXT), CAST(s.deleted_at AS TEXT)`

func (s *Store) scanSite(row scanner) (siteRow, error) {
	var (
		r       siteRow
		records string
	)
	err := row.Scan(idCol{&r.ID}, &r.Name, &r.Address, &r.Category, &r.Ownership, &records, &r.Note,
		instantCol{&r.created, s.loc}, instantCol{&r.deleted, s.loc})
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(records), &r.Records); err != nil {
		return r, err
	}
	r.Records = recordsOf(r.Records)
	return r, nil
}

const sqlInsertSite = `
INSERT INTO sites (id, name, address, category, ownership, records, note, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// CreateSite adds a site.
func (s *Store) CreateSite(ctx context.Context, site *floorplan.Site) error {
	if err := site.Validate(s.classification); err != nil {
		return err
	}
	records, err := json.Marshal(recordsOf(site.Records))
	if err != nil {
		return floorplan.Invalidf("ownership records: %v", err)
	}
	id := newID(site.ID)
	now := s.now()
	err = s.write(ctx, func(q querier) error {
		created, createdText := instant(now)
		_, err := q.ExecContext(ctx, sqlInsertSite, id.String(), site.Name, site.Address, site.Category,
			site.Ownership, string(records), site.Note, createdText)
		if err != nil {
			return err
		}
		row := siteRow{Site: *site, created: created}
		row.ID = id
		return record(ctx, q, now, change{floorplan.EntitySite, id, opInsert, nil, row.image()})
	})
	if err != nil {
		return err
	}
	site.ID = id
	return nil
}

const sqlSite = `SELECT ` + siteColumns + ` FROM sites s WHERE s.id = ? AND s.deleted_at IS NULL`

// liveSite reads a live site's row.
func (s *Store) liveSite(ctx context.Context, q querier, id uuid.UUID) (siteRow, error) {
	r, err := s.scanSite(q.QueryRowContext(ctx, sqlSite, id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("site", id)
	}
	return r, err
}

// Site returns a site.
func (s *Store) Site(ctx context.Context, id uuid.UUID) (floorplan.Site, error) {
	r, err := s.liveSite(ctx, s.reader(), id)
	return r.Site, wrapErr(err)
}

const sqlSites = `SELECT ` + siteColumns + ` FROM sites s WHERE s.deleted_at IS NULL ORDER BY s.name, s.id`

// Sites lists the sites by name.
func (s *Store) Sites(ctx context.Context) ([]floorplan.Site, error) {
	rows, err := collect(ctx, s.reader(), s.scanSite, sqlSites)
	out := make([]floorplan.Site, len(rows))
	for i, r := range rows {
		out[i] = r.Site
	}
	return out, err
}

const sqlUpdateSite = `
UPDATE sites SET name = ?, address = ?, category = ?, ownership = ?, records = ?, note = ? WHERE id = ?`

// UpdateSite replaces a site's fields.
func (s *Store) UpdateSite(ctx context.Context, site *floorplan.Site) error {
	if err := site.Validate(s.classification); err != nil {
		return err
	}
	records, err := json.Marshal(recordsOf(site.Records))
	if err != nil {
		return floorplan.Invalidf("ownership records: %v", err)
	}
	now := s.now()
	return s.write(ctx, func(q querier) error {
		old, err := s.liveSite(ctx, q, site.ID)
		if err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, sqlUpdateSite, site.Name, site.Address, site.Category, site.Ownership,
			string(records), site.Note, site.ID.String())
		if err != nil {
			return err
		}
		nw := siteRow{Site: *site, created: old.created}
		return record(ctx, q, now, change{floorplan.EntitySite, site.ID, opUpdate, old.image(), nw.image()})
	})
}

const (
	sqlSiteInUse  = `SELECT count(*) FROM buildings WHERE site_id = ? AND deleted_at IS NULL`
	sqlDeleteSite = `UPDATE sites SET deleted_at = ?, geom = NULL WHERE id = ?`
)

// DeleteSite deletes a site that has no buildings left.
func (s *Store) DeleteSite(ctx context.Context, id uuid.UUID) error {
	now := s.now()
	return s.write(ctx, func(q querier) error {
		old, err := s.liveSite(ctx, q, id)
		if err != nil {
			return err
		}
		if n, err := count(ctx, q, sqlSiteInUse, id.String()); err != nil {
			return err
		} else if n > 0 {
			return inUse("the site still has %d building(s)", n)
		}
		deleted, deletedText := instant(now)
		if _, err := q.ExecContext(ctx, sqlDeleteSite, deletedText, id.String()); err != nil {
			return err
		}
		nw := old
		nw.deleted = deleted
		return record(ctx, q, now, change{floorplan.EntitySite, id, opDelete, old.image(), nw.image()})
	})
}

const (
	sqlSiteBuildingGeoms = `SELECT geom FROM buildings WHERE site_id = ? AND deleted_at IS NULL AND geom IS NOT NULL`
	sqlSetSiteGeom       = `UPDATE sites SET geom = ? WHERE id = ? AND deleted_at IS NULL`
)

// refreshSiteGeom sets a site's map geometry to the extent of its live buildings' lon/lat footprints
// (NULL when none has one). Sites have no geometry of their own in the register; this one is derived, for
// GIS users who open the file, and is not part of the history.
func refreshSiteGeom(ctx context.Context, q querier, siteID uuid.UUID) error {
	rows, err := q.QueryContext(ctx, sqlSiteBuildingGeoms, siteID.String())
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		ext   orb.Bound
		found bool
	)
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return err
		}
		bd, empty, err := blobBound(b)
		if err != nil {
			return err
		}
		if empty {
			continue
		}
		if !found {
			ext, found = bd, true
		} else {
			ext = ext.Union(bd)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var blob any // NULL when no building has a footprint
	if found {
		if blob, err = encodeGeom(ext.ToPolygon(), srsLonLat); err != nil {
			return err
		}
	}
	_, err = q.ExecContext(ctx, sqlSetSiteGeom, blob, siteID.String())
	return err
}
