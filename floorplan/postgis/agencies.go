package postgis

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

const agencyColumns = `a.id, a.name, a.short_name, a.level, a.scale, a.parent_id, a.headcount, a.approved_area_m2,
       a.status, a.status_date, a.successor_id, a.jurisdiction_id, a.version, a.code`

func scanAgency(row pgx.Row) (floorplan.Agency, error) {
	var a floorplan.Agency
	err := row.Scan(uuidDst(&a.ID), &a.Name, &a.ShortName, &a.Level, &a.Scale, optionalIDDst(&a.ParentID), &a.Headcount,
		&a.ApprovedAreaM2, &a.Status, dateDst(&a.StatusDate), optionalIDDst(&a.SuccessorID),
		optionalIDDst(&a.JurisdictionID), &a.Version, &a.Code)
	return a, err
}

// lockAgencyRefs makes sure an agency's parent and successor are live, and keeps them so.
func lockAgencyRefs(ctx context.Context, tx pgx.Tx, a *floorplan.Agency) error {
	if err := lockLiveIfGiven(ctx, tx, lockAgencyShareSQL, a.ParentID, "parent agency"); err != nil {
		return err
	}
	if err := lockLiveIfGiven(ctx, tx, lockJurisdictionShareSQL, a.JurisdictionID, "jurisdiction"); err != nil {
		return err
	}
	return lockLiveIfGiven(ctx, tx, lockAgencyShareSQL, a.SuccessorID, "successor agency")
}

const insertAgencySQL = `
INSERT INTO agencies (id, name, short_name, level, scale, parent_id, headcount, approved_area_m2, status,
                      status_date, successor_id, jurisdiction_id, code)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`

// CreateAgency adds an agency at version 1.
func (s *Store) CreateAgency(ctx context.Context, a *floorplan.Agency) error {
	if err := floorplan.CheckAgency(ctx, a); err != nil {
		return err
	}
	return setVersion(s.create(ctx, &a.ID, func(tx pgx.Tx, id uuid.UUID) error {
		if err := lockAgencyRefs(ctx, tx, a); err != nil {
			return err
		}
		if err := checkAgencyCode(ctx, tx, a.Code, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, insertAgencySQL, id, a.Name, a.ShortName, a.Level, a.Scale, nullID(a.ParentID),
			a.Headcount, a.ApprovedAreaM2, a.Status, nullDate(a.StatusDate), nullID(a.SuccessorID),
			nullID(a.JurisdictionID), a.Code)
		return err
	}), &a.Version, 1)
}

const agencySQL = `SELECT ` + agencyColumns + ` FROM agencies a WHERE a.id = $1 AND a.deleted_at IS NULL`

// Agency returns an agency.
func (s *Store) Agency(ctx context.Context, id uuid.UUID) (floorplan.Agency, error) {
	return readOne(ctx, s, scanAgency, agencySQL, "agency", id)
}

const agenciesSQL = `SELECT ` + agencyColumns + ` FROM agencies a WHERE a.deleted_at IS NULL ORDER BY a.name, a.id`

// agenciesByIDSQL lists the live agencies among ids ($1) in agenciesSQL's order.
const agenciesByIDSQL = `SELECT ` + agencyColumns + ` FROM agencies a WHERE a.id = ANY($1) AND a.deleted_at IS NULL
 ORDER BY a.name, a.id`

// Agencies lists the agencies by name.
func (s *Store) Agencies(ctx context.Context) ([]floorplan.Agency, error) {
	return readAll(ctx, s, scanAgency, agenciesSQL)
}

const updateAgencySQL = `
UPDATE agencies SET name = $2, short_name = $3, level = $4, scale = $5, parent_id = $6, headcount = $7,
       approved_area_m2 = $8, status = $9, status_date = $10, successor_id = $11,
       jurisdiction_id = $12, code = $14, version = version + 1
 WHERE id = $1 AND version = $13 AND deleted_at IS NULL
RETURNING version`

const agencyVersionSQL = `SELECT version FROM agencies WHERE id = $1 AND deleted_at IS NULL`

// UpdateAgency replaces an agency's fields if a.Version is still its version, and moves a.Version on.
func (s *Store) UpdateAgency(ctx context.Context, a *floorplan.Agency) error {
	if err := floorplan.CheckAgency(ctx, a); err != nil {
		return err
	}
	var next int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		if err := lockAgencyRefs(ctx, tx, a); err != nil {
			return err
		}
		if err := checkAgencyCode(ctx, tx, a.Code, a.ID); err != nil {
			return err
		}
		return updateVersioned(ctx, tx, "agency", a.ID, a.Version, &next, agencyVersionSQL, updateAgencySQL, a.ID,
			a.Name, a.ShortName, a.Level, a.Scale, nullID(a.ParentID), a.Headcount, a.ApprovedAreaM2, a.Status,
			nullDate(a.StatusDate), nullID(a.SuccessorID), nullID(a.JurisdictionID), a.Version, a.Code)
	})
	return setVersion(err, &a.Version, next)
}

const (
	lockAgencySQL       = `SELECT id FROM agencies WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`
	agencyRoomsSQL      = `SELECT count(*) FROM rooms WHERE agency_id = $1 AND deleted_at IS NULL`
	agencyPeopleSQL     = `SELECT count(*) FROM people WHERE agency_id = $1 AND deleted_at IS NULL`
	agencyPostsSQL      = `SELECT count(*) FROM posts WHERE agency_id = $1 AND deleted_at IS NULL`
	agencyDependentsSQL = `
SELECT count(*) FROM agencies WHERE (parent_id = $1 OR successor_id = $1) AND deleted_at IS NULL`
	deleteAgencySQL = `UPDATE agencies SET deleted_at = now(), version = version + 1 WHERE id = $1`
)

// DeleteAgency deletes an agency that no live room, person, post or agency refers to.
func (s *Store) DeleteAgency(ctx context.Context, id uuid.UUID) error {
	return s.softDelete(ctx, id, "agency", lockAgencySQL, deleteAgencySQL, []any{id},
		inUse{agencyRoomsSQL, "the agency still holds %d room(s)"},
		inUse{agencyPeopleSQL, "the agency still has %d person(s)"},
		inUse{agencyPostsSQL, "%d post(s) still belong to the agency"},
		inUse{agencyDependentsSQL, "%d agency(ies) still name it as parent or successor"})
}
