package gpkg

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

// siteImageOf is the history image of a site's row.
func siteImageOf(r siteRow) siteImage {
	s := r.rec
	return siteImage{ID: jsonID(s.ID), Name: s.Name, Address: s.Address, Category: s.Category,
		Ownership: s.Ownership, Records: recordsOf(s.Records), Note: s.Note, CreatedAt: jsonInstant(r.created),
		DeletedAt: jsonInstant(r.deleted), JurisdictionID: jsonID(s.JurisdictionID), Version: s.Version}
}

func recordsOf(rs []floorplan.OwnershipRecord) []floorplan.OwnershipRecord {
	if rs == nil {
		return []floorplan.OwnershipRecord{}
	}
	return rs
}

const siteColumns = `s.id, s.name, s.address, s.category, s.ownership, s.records, s.note, CAST(s.created_at AS TEXT), CAST(s.deleted_at AS TEXT),
       s.jurisdiction_id, s.version`

func (s *Store) scanSite(row scanner) (siteRow, error) {
	var (
		r       siteRow
		site    = &r.rec
		records string
	)
	err := row.Scan(idCol{&site.ID}, &site.Name, &site.Address, &site.Category, &site.Ownership, &records, &site.Note,
		instantCol{&r.created, s.loc}, instantCol{&r.deleted, s.loc}, idCol{&site.JurisdictionID}, &site.Version)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(records), &site.Records); err != nil {
		return r, err
	}
	site.Records = recordsOf(site.Records)
	return r, nil
}

// checkSite validates a site and returns its ownership records as JSON text.
func (s *Store) checkSite(site *floorplan.Site) (string, error) {
	if err := site.Validate(s.classification); err != nil {
		return "", err
	}
	records, err := json.Marshal(recordsOf(site.Records))
	if err != nil {
		return "", floorplan.Invalidf("ownership records: %v", err)
	}
	return string(records), nil
}

const sqlInsertSite = `
INSERT INTO sites_all (id, name, address, category, ownership, records, note, created_at, jurisdiction_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

// CreateSite adds a site at version 1.
func (s *Store) CreateSite(ctx context.Context, site *floorplan.Site) error {
	records, err := s.checkSite(site)
	if err != nil {
		return err
	}
	site.Version = 0
	return movedOn(s.create(ctx, &site.ID, func(q querier, id uuid.UUID, now time.Time) error {
		if err := liveIfGiven(ctx, q, sqlLiveJurisdiction, site.JurisdictionID, "jurisdiction"); err != nil {
			return err
		}
		created, createdText := instant(now)
		row := siteRow{rec: *site, created: created}
		row.rec.ID, row.rec.Version = id, 1
		return s.sites().insert(ctx, q, now, id, row, sqlInsertSite, id.String(), site.Name, site.Address,
			site.Category, site.Ownership, records, site.Note, createdText, nullID(site.JurisdictionID))
	}), &site.Version)
}

// Site returns a site.
func (s *Store) Site(ctx context.Context, id uuid.UUID) (floorplan.Site, error) {
	return get(ctx, s.sites(), id)
}

const sqlSites = `SELECT ` + siteColumns + ` FROM sites_all s WHERE s.deleted_at IS NULL ORDER BY s.name, s.id`

// Sites lists the sites by name.
func (s *Store) Sites(ctx context.Context) ([]floorplan.Site, error) {
	return list(ctx, s.sites(), sqlSites)
}

const sqlUpdateSite = `
UPDATE sites_all SET name = ?, address = ?, category = ?, ownership = ?, records = ?, note = ?, jurisdiction_id = ?,
       version = version + 1 WHERE id = ?`

// UpdateSite replaces a site's fields if site.Version is still its version, and moves site.Version on.
func (s *Store) UpdateSite(ctx context.Context, site *floorplan.Site) error {
	records, err := s.checkSite(site)
	if err != nil {
		return err
	}
	now := s.now()
	return movedOn(s.write(ctx, func(q querier) error {
		if err := liveIfGiven(ctx, q, sqlLiveJurisdiction, site.JurisdictionID, "jurisdiction"); err != nil {
			return err
		}
		_, err := s.sites().update(ctx, q, now, site.ID, func(old siteRow) (siteRow, error) {
			if err := stale("site", old.rec.Version, site.Version); err != nil {
				return old, err
			}
			if old.rec.Ownership != site.Ownership {
				if _, err := q.ExecContext(ctx, sqlSiteLeasedParts, site.ID.String()); err != nil {
					return old, err
				}
			}
			_, err := q.ExecContext(ctx, sqlUpdateSite, site.Name, site.Address, site.Category, site.Ownership,
				records, site.Note, nullID(site.JurisdictionID), site.ID.String())
			nw := siteRow{rec: *site, created: old.created}
			nw.rec.Version++
			return nw, err
		})
		return err
	}), &site.Version)
}

// sqlSiteLeasedParts moves on the stored parts of the agencies of the leased rooms of site ?1, whose
// ownership changes: rule room.filed_property_leased reads a room's site's ownership, and the triggers of
// schema version 11 see rooms, people and agencies only. sqlBuildingLeasedParts does the same for the
// leased rooms of building ?1, which moves to another site.
var (
	sqlSiteLeasedParts = bump(`SELECT r.agency_id AS a FROM rooms_all r JOIN floors_all f ON f.id = r.floor_id
      JOIN buildings_all b ON b.id = f.building_id
     WHERE b.site_id = ?1 AND r.deleted_at IS NULL AND r.state = 'leased'`)
	sqlBuildingLeasedParts = bump(`SELECT r.agency_id AS a FROM rooms_all r JOIN floors_all f ON f.id = r.floor_id
     WHERE f.building_id = ?1 AND r.deleted_at IS NULL AND r.state = 'leased'`)
)

const sqlSiteInUse = `SELECT count(*) FROM buildings_all WHERE site_id = ? AND deleted_at IS NULL`

// DeleteSite deletes a site that has no buildings left.
func (s *Store) DeleteSite(ctx context.Context, id uuid.UUID) error {
	return s.sites().delete(ctx, id, nil, inUseCheck{sqlSiteInUse, "the site still has %d building(s)"})
}

const (
	sqlSiteBuildingGeoms = `SELECT geom FROM buildings_all WHERE site_id = ? AND deleted_at IS NULL AND geom IS NOT NULL`
	sqlSetSiteGeom       = `UPDATE sites_all SET geom = ? WHERE id = ? AND deleted_at IS NULL`
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
