package gpkg

import (
	"context"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// agencyImageOf is the history image of an agency's row.
func agencyImageOf(r agencyRow) agencyImage {
	a := r.rec
	return agencyImage{ID: jsonID(a.ID), Name: a.Name, ShortName: a.ShortName, Level: string(a.Level),
		Scale: string(a.Scale), ParentID: jsonID(a.ParentID), Headcount: a.Headcount,
		ApprovedAreaM2: a.ApprovedAreaM2, Status: string(a.Status), StatusDate: jsonDate(a.StatusDate),
		SuccessorID: jsonID(a.SuccessorID), CreatedAt: jsonInstant(r.created), DeletedAt: jsonInstant(r.deleted),
		JurisdictionID: jsonID(a.JurisdictionID), Version: a.Version, Code: a.Code}
}

const agencyColumns = `a.id, a.name, a.short_name, a.level, a.scale, a.parent_id, a.headcount, a.approved_area_m2,
       a.status, CAST(a.status_date AS TEXT), a.successor_id, CAST(a.created_at AS TEXT), CAST(a.deleted_at AS TEXT),
       a.jurisdiction_id, a.version, a.code`

func (s *Store) scanAgency(row scanner) (agencyRow, error) {
	var r agencyRow
	a := &r.rec
	err := row.Scan(idCol{&a.ID}, &a.Name, &a.ShortName, &a.Level, &a.Scale, idCol{&a.ParentID}, &a.Headcount,
		&a.ApprovedAreaM2, &a.Status, dateCol{&a.StatusDate}, idCol{&a.SuccessorID}, instantCol{&r.created, s.loc},
		instantCol{&r.deleted, s.loc}, idCol{&a.JurisdictionID}, &a.Version, &a.Code)
	return r, err
}

// checkAgencyRefs makes sure an agency's parent and successor are live, and that no other live agency
// has its code.
func checkAgencyRefs(ctx context.Context, q querier, a *floorplan.Agency, id uuid.UUID) error {
	if err := checkAgencyCode(ctx, q, a.Code, id); err != nil {
		return err
	}
	if err := liveIfGiven(ctx, q, sqlLiveAgency, a.ParentID, "parent agency"); err != nil {
		return err
	}
	if err := liveIfGiven(ctx, q, sqlLiveJurisdiction, a.JurisdictionID, "jurisdiction"); err != nil {
		return err
	}
	return liveIfGiven(ctx, q, sqlLiveAgency, a.SuccessorID, "successor agency")
}

const sqlInsertAgency = `
INSERT INTO agencies (id, name, short_name, level, scale, parent_id, headcount, approved_area_m2, status,
                      status_date, successor_id, created_at, jurisdiction_id, code)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// CreateAgency adds an agency at version 1.
func (s *Store) CreateAgency(ctx context.Context, a *floorplan.Agency) error {
	if err := floorplan.CheckAgency(ctx, a); err != nil {
		return err
	}
	a.Version = 0
	return movedOn(s.create(ctx, &a.ID, func(q querier, id uuid.UUID, now time.Time) error {
		if err := checkAgencyRefs(ctx, q, a, id); err != nil {
			return err
		}
		created, createdText := instant(now)
		row := agencyRow{rec: *a, created: created}
		row.rec.ID, row.rec.Version = id, 1
		return s.agencies().insert(ctx, q, now, id, row, sqlInsertAgency, id.String(), a.Name, a.ShortName, a.Level,
			a.Scale, nullID(a.ParentID), a.Headcount, a.ApprovedAreaM2, a.Status, nullDate(a.StatusDate),
			nullID(a.SuccessorID), createdText, nullID(a.JurisdictionID), a.Code)
	}), &a.Version)
}

// Agency returns an agency.
func (s *Store) Agency(ctx context.Context, id uuid.UUID) (floorplan.Agency, error) {
	return get(ctx, s.agencies(), id)
}

const sqlAgencies = `SELECT ` + agencyColumns + ` FROM agencies a WHERE a.deleted_at IS NULL ORDER BY a.name, a.id`

// Agencies lists the agencies by name.
func (s *Store) Agencies(ctx context.Context) ([]floorplan.Agency, error) {
	return list(ctx, s.agencies(), sqlAgencies)
}

const sqlUpdateAgency = `
UPDATE agencies SET name = ?, short_name = ?, level = ?, scale = ?, parent_id = ?, headcount = ?,
       approved_area_m2 = ?, status = ?, status_date = ?, successor_id = ?,
       jurisdiction_id = ?, code = ?, version = version + 1
 WHERE id = ?`

// UpdateAgency replaces an agency's fields if a.Version is still its version, and moves a.Version on.
func (s *Store) UpdateAgency(ctx context.Context, a *floorplan.Agency) error {
	if err := floorplan.CheckAgency(ctx, a); err != nil {
		return err
	}
	now := s.now()
	return movedOn(s.write(ctx, func(q querier) error {
		if err := checkAgencyRefs(ctx, q, a, a.ID); err != nil {
			return err
		}
		_, err := s.agencies().update(ctx, q, now, a.ID, func(old agencyRow) (agencyRow, error) {
			if err := stale("agency", old.rec.Version, a.Version); err != nil {
				return old, err
			}
			_, err := q.ExecContext(ctx, sqlUpdateAgency, a.Name, a.ShortName, a.Level, a.Scale, nullID(a.ParentID),
				a.Headcount, a.ApprovedAreaM2, a.Status, nullDate(a.StatusDate), nullID(a.SuccessorID), nullID(a.JurisdictionID), a.Code,
				a.ID.String())
			nw := agencyRow{rec: *a, created: old.created}
			nw.rec.Version++
			return nw, err
		})
		return err
	}), &a.Version)
}

const (
	sqlAgencyRooms      = `SELECT count(*) FROM rooms_all WHERE agency_id = ? AND deleted_at IS NULL`
	sqlAgencyPeople     = `SELECT count(*) FROM people WHERE agency_id = ? AND deleted_at IS NULL`
	sqlAgencyPosts      = `SELECT count(*) FROM posts WHERE agency_id = ? AND deleted_at IS NULL`
	sqlAgencyDependents = `
SELECT count(*) FROM agencies WHERE (parent_id = ?1 OR successor_id = ?1) AND deleted_at IS NULL`
)

// DeleteAgency deletes an agency that no live room, person, post or agency refers to.
func (s *Store) DeleteAgency(ctx context.Context, id uuid.UUID) error {
	return s.agencies().delete(ctx, id, nil,
		inUseCheck{sqlAgencyRooms, "the agency still holds %d room(s)"},
		inUseCheck{sqlAgencyPeople, "the agency still has %d person(s)"},
		inUseCheck{sqlAgencyPosts, "%d post(s) still belong to the agency"},
		inUseCheck{sqlAgencyDependents, "%d agency(ies) still name it as parent or successor"})
}
