package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// agencyRow is an agency with the columns the domain type does not carry.
type agencyRow struct {
	floorplan.Agency
	created, deleted time.Time
}

func (r agencyRow) image() agencyImage {
	return agencyImage{ID: jsonID(r.ID), Name: r.Name, ShortName: r.ShortName, Level: string(r.Level),
		Scale: string(r.Scale), ParentID: jsonID(r.ParentID), Headcount: r.Headcount,
		ApprovedAreaM2: r.ApprovedAreaM2, Status: string(r.Status), StatusDate: jsonDate(r.StatusDate),
		SuccessorID: jsonID(r.SuccessorID), CreatedAt: jsonInstant(r.created), DeletedAt: jsonInstant(r.deleted)}
}

const agencyColumns = `a.id, a.name, a.short_name, a.level, a.scale, a.parent_id, a.headcount, a.approved_area_m2,
       a.status, CAST(a.status_date AS TEXT), a.successor_id, CAST(a.created_at AS TEXT), CAST(a.deleted_at AS TEXT)`

func (s *Store) scanAgency(row scanner) (agencyRow, error) {
	var r agencyRow
	err := row.Scan(idCol{&r.ID}, &r.Name, &r.ShortName, &r.Level, &r.Scale, idCol{&r.ParentID}, &r.Headcount,
		&r.ApprovedAreaM2, &r.Status, dateCol{&r.StatusDate}, idCol{&r.SuccessorID}, instantCol{&r.created, s.loc},
		instantCol{&r.deleted, s.loc})
	return r, err
}

func agenciesOf(rows []agencyRow) []floorplan.Agency {
	out := make([]floorplan.Agency, len(rows))
	for i, r := range rows {
		out[i] = r.Agency
	}
	return out
}

// checkAgencyRefs makes sure an agency's parent and successor are live.
func checkAgencyRefs(ctx context.Context, q querier, a *floorplan.Agency) error {
	if a.ParentID != uuid.Nil {
		if err := live(ctx, q, sqlLiveAgency, a.ParentID, "parent agency"); err != nil {
			return err
		}
	}
	if a.SuccessorID != uuid.Nil {
		if err := live(ctx, q, sqlLiveAgency, a.SuccessorID, "successor agency"); err != nil {
			return err
		}
	}
	return nil
}

const sqlInsertAgency = `
INSERT INTO agencies (id, name, short_name, level, scale, parent_id, headcount, approved_area_m2, status,
                      status_date, successor_id, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// CreateAgency adds an agency.
func (s *Store) CreateAgency(ctx context.Context, a *floorplan.Agency) error {
	if err := floorplan.CheckAgency(ctx, a); err != nil {
		return err
	}
	id := newID(a.ID)
	now := s.now()
	err := s.write(ctx, func(q querier) error {
		if err := checkAgencyRefs(ctx, q, a); err != nil {
			return err
		}
		created, createdText := instant(now)
		_, err := q.ExecContext(ctx, sqlInsertAgency, id.String(), a.Name, a.ShortName, a.Level, a.Scale,
			nullID(a.ParentID), a.Headcount, a.ApprovedAreaM2, a.Status, nullDate(a.StatusDate),
			nullID(a.SuccessorID), createdText)
		if err != nil {
			return err
		}
		row := agencyRow{Agency: *a, created: created}
		row.ID = id
		return record(ctx, q, now, change{floorplan.EntityAgency, id, opInsert, nil, row.image()})
	})
	if err != nil {
		return err
	}
	a.ID = id
	return nil
}

const sqlAgency = `SELECT ` + agencyColumns + ` FROM agencies a WHERE a.id = ? AND a.deleted_at IS NULL`

func (s *Store) liveAgency(ctx context.Context, q querier, id uuid.UUID) (agencyRow, error) {
	r, err := s.scanAgency(q.QueryRowContext(ctx, sqlAgency, id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("agency", id)
	}
	return r, err
}

// Agency returns an agency.
func (s *Store) Agency(ctx context.Context, id uuid.UUID) (floorplan.Agency, error) {
	r, err := s.liveAgency(ctx, s.reader(), id)
	return r.Agency, wrapErr(err)
}

const sqlAgencies = `SELECT ` + agencyColumns + ` FROM agencies a WHERE a.deleted_at IS NULL ORDER BY a.name, a.id`

// Agencies lists the agencies by name.
func (s *Store) Agencies(ctx context.Context) ([]floorplan.Agency, error) {
	rows, err := collect(ctx, s.reader(), s.scanAgency, sqlAgencies)
	return agenciesOf(rows), err
}

const sqlUpdateAgency = `
UPDATE agencies SET name = ?, short_name = ?, level = ?, scale = ?, parent_id = ?, headcount = ?,
       approved_area_m2 = ?, status = ?, status_date = ?, successor_id = ?
 WHERE id = ?`

// UpdateAgency replaces an agency's fields.
func (s *Store) UpdateAgency(ctx context.Context, a *floorplan.Agency) error {
	if err := floorplan.CheckAgency(ctx, a); err != nil {
		return err
	}
	now := s.now()
	return s.write(ctx, func(q querier) error {
		if err := checkAgencyRefs(ctx, q, a); err != nil {
			return err
		}
		old, err := s.liveAgency(ctx, q, a.ID)
		if err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, sqlUpdateAgency, a.Name, a.ShortName, a.Level, a.Scale, nullID(a.ParentID),
			a.Headcount, a.ApprovedAreaM2, a.Status, nullDate(a.StatusDate), nullID(a.SuccessorID), a.ID.String())
		if err != nil {
			return err
		}
		nw := agencyRow{Agency: *a, created: old.created}
		return record(ctx, q, now, change{floorplan.EntityAgency, a.ID, opUpdate, old.image(), nw.image()})
	})
}

const (
	sqlAgencyRooms      = `SELECT count(*) FROM rooms WHERE agency_id = ? AND deleted_at IS NULL`
	sqlAgencyPeople     = `SELECT count(*) FROM people WHERE agency_id = ? AND deleted_at IS NULL`
	sqlAgencyPosts      = `SELECT count(*) FROM posts WHERE agency_id = ? AND deleted_at IS NULL`
	sqlAgencyDependents = `
SELECT count(*) FROM agencies WHERE (parent_id = ?1 OR successor_id = ?1) AND deleted_at IS NULL`
	sqlDeleteAgency = `UPDATE agencies SET deleted_at = ? WHERE id = ?`
)

// DeleteAgency deletes an agency that no live room, person, post or agency refers to.
func (s *Store) DeleteAgency(ctx context.Context, id uuid.UUID) error {
	now := s.now()
	return s.write(ctx, func(q querier) error {
		old, err := s.liveAgency(ctx, q, id)
		if err != nil {
			return err
		}
		for _, c := range []struct{ query, msg string }{
			{sqlAgencyRooms, "the agency still holds %d room(s)"},
			{sqlAgencyPeople, "the agency still has %d person(s)"},
			{sqlAgencyPosts, "%d post(s) still belong to the agency"},
			{sqlAgencyDependents, "%d agency(ies) still name it as parent or successor"},
		} {
			if n, err := count(ctx, q, c.query, id.String()); err != nil {
				return err
			} else if n > 0 {
				return inUse(c.msg, n)
			}
		}
		deleted, deletedText := instant(now)
		if _, err := q.ExecContext(ctx, sqlDeleteAgency, deletedText, id.String()); err != nil {
			return err
		}
		nw := old
		nw.deleted = deleted
		return record(ctx, q, now, change{floorplan.EntityAgency, id, opDelete, old.image(), nw.image()})
	})
}
