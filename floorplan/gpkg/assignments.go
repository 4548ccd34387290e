package gpkg

import (
	"context"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// assignmentRow is an assignment with the column the domain type does not carry.
type assignmentRow struct {
	floorplan.Assignment
	created time.Time
}

// assignmentImageOf is the history image of an assignment's row.
func assignmentImageOf(r assignmentRow) assignmentImage {
	return assignmentImage{ID: jsonID(r.ID), PersonID: jsonID(r.PersonID), RoomID: jsonID(r.RoomID),
		Kind: string(r.Kind), PostID: jsonID(r.PostID), ApprovalRef: r.ApprovalRef, StartDate: jsonDate(r.Start),
		EndDate: jsonDate(r.End), Version: r.Version, CreatedAt: jsonInstant(r.created),
		DeletedAt: jsonInstant(r.DeletedAt)}
}

// deletedAt is the row deleted at the instant at: deleting moves the version on.
func (r assignmentRow) deletedAt(at time.Time) assignmentRow {
	r.Version, r.DeletedAt = r.Version+1, at
	return r
}

const assignmentColumns = `a.id, a.person_id, a.room_id, a.kind, a.post_id, a.approval_ref, CAST(a.start_date AS TEXT), CAST(a.end_date AS TEXT),
       a.version, CAST(a.created_at AS TEXT), CAST(a.deleted_at AS TEXT)`

func (s *Store) scanAssignment(row scanner) (assignmentRow, error) {
	var r assignmentRow
	err := row.Scan(idCol{&r.ID}, idCol{&r.PersonID}, idCol{&r.RoomID}, &r.Kind, idCol{&r.PostID}, &r.ApprovalRef,
		dateCol{&r.Start}, dateCol{&r.End}, &r.Version, instantCol{&r.created, s.loc}, instantCol{&r.DeletedAt, s.loc})
	return r, err
}

func assignmentsOf(rows []assignmentRow) []floorplan.Assignment {
	return values(rows, func(r assignmentRow) floorplan.Assignment { return r.Assignment })
}

const (
	sqlLivePerson   = `SELECT 1 FROM people WHERE id = ? AND deleted_at IS NULL`
	sqlLiveRoom     = `SELECT 1 FROM rooms_all WHERE id = ? AND deleted_at IS NULL`
	sqlLivePostOf   = `SELECT 1 FROM posts WHERE id = ? AND person_id = ? AND deleted_at IS NULL`
	sqlInsertAssign = `
INSERT INTO assignments (id, person_id, room_id, kind, post_id, approval_ref, start_date, end_date, version, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`
)

// checkAssignmentRefs makes sure the person, the room and the post of an assignment are live.
func checkAssignmentRefs(ctx context.Context, q querier, a *floorplan.Assignment) error {
	if err := live(ctx, q, sqlLivePerson, a.PersonID, "person"); err != nil {
		return err
	}
	if err := live(ctx, q, sqlLiveRoom, a.RoomID, "room"); err != nil {
		return err
	}
	if a.PostID == uuid.Nil {
		return nil
	}
	found, err := exists(ctx, q, sqlLivePostOf, a.PostID.String(), a.PersonID.String())
	if err == nil && !found {
		return floorplan.Invalidf("post %s is not a post of the person", a.PostID)
	}
	return err
}

// CreateAssignment puts a person in a room.
func (s *Store) CreateAssignment(ctx context.Context, a *floorplan.Assignment) error {
	if err := floorplan.CheckAssignment(ctx, a); err != nil {
		return err
	}
	err := s.create(ctx, &a.ID, func(q querier, id uuid.UUID, now time.Time) error {
		if err := checkAssignmentRefs(ctx, q, a); err != nil {
			return err
		}
		created, createdText := instant(now)
		row := assignmentRow{Assignment: *a, created: created}
		row.ID, row.Version, row.DeletedAt = id, 1, time.Time{}
		return s.assignments().insert(ctx, q, now, id, row, sqlInsertAssign, id.String(), a.PersonID.String(),
			a.RoomID.String(), a.Kind, nullID(a.PostID), a.ApprovalRef, nullDate(a.Start), nullDate(a.End), createdText)
	})
	if err != nil {
		return err
	}
	a.Version, a.DeletedAt = 1, time.Time{}
	return nil
}

// Assignment returns a live assignment.
func (s *Store) Assignment(ctx context.Context, id uuid.UUID) (floorplan.Assignment, error) {
	r, err := s.assignments().live(ctx, s.reader(), id)
	return r.Assignment, wrapErr(err)
}

// Assignments queries: ?1 person, ?2 room and ?3 day (in force that day) filter when not NULL.
const (
	sqlAssignmentsByPerson = `SELECT ` + assignmentColumns + ` FROM assignments a
 WHERE a.person_id = ?1 AND a.deleted_at IS NULL
   AND (?2 IS NULL OR a.room_id = ?2)
   AND (?3 IS NULL OR ((a.start_date IS NULL OR a.start_date <= ?3) AND (a.end_date IS NULL OR a.end_date > ?3)))
 ORDER BY a.start_date NULLS FIRST, a.id`
	sqlAssignmentsByRoom = `SELECT ` + assignmentColumns + ` FROM assignments a
 WHERE a.room_id = ?2 AND a.deleted_at IS NULL
   AND (?1 IS NULL OR a.person_id = ?1)
   AND (?3 IS NULL OR ((a.start_date IS NULL OR a.start_date <= ?3) AND (a.end_date IS NULL OR a.end_date > ?3)))
 ORDER BY a.start_date NULLS FIRST, a.id`
	sqlAssignmentsAll = `SELECT ` + assignmentColumns + ` FROM assignments a NOT INDEXED
 WHERE a.deleted_at IS NULL
   AND (?1 IS NULL OR a.person_id = ?1)
   AND (?2 IS NULL OR a.room_id = ?2)
   AND (?3 IS NULL OR ((a.start_date IS NULL OR a.start_date <= ?3) AND (a.end_date IS NULL OR a.end_date > ?3)))
 ORDER BY a.start_date NULLS FIRST, a.id`
)

// Assignments lists live assignments matching f by start date.
func (s *Store) Assignments(ctx context.Context, f floorplan.AssignmentFilter) ([]floorplan.Assignment, error) {
	query := sqlAssignmentsAll
	switch {
	case f.PersonID != uuid.Nil:
		query = sqlAssignmentsByPerson
	case f.RoomID != uuid.Nil:
		query = sqlAssignmentsByRoom
	}
	rows, err := collect(ctx, s.reader(), s.scanAssignment, query, nullID(f.PersonID), nullID(f.RoomID),
		nullDate(f.ActiveOn))
	return assignmentsOf(rows), err
}

const sqlUpdateAssignment = `
UPDATE assignments SET person_id = ?, room_id = ?, kind = ?, post_id = ?, approval_ref = ?, start_date = ?,
       end_date = ?, version = version + 1
 WHERE id = ? AND version = ? AND deleted_at IS NULL`

// UpdateAssignment replaces a live assignment's fields if a.Version is still its version, and moves
// a.Version on.
func (s *Store) UpdateAssignment(ctx context.Context, a *floorplan.Assignment) error {
	if err := floorplan.CheckAssignment(ctx, a); err != nil {
		return err
	}
	now := s.now()
	var version int64
	err := s.write(ctx, func(q querier) error {
		if err := checkAssignmentRefs(ctx, q, a); err != nil {
			return err
		}
		_, err := s.assignments().update(ctx, q, now, a.ID, func(old assignmentRow) (assignmentRow, error) {
			if err := stale("assignment", old.Version, a.Version); err != nil {
				return old, err
			}
			_, err := q.ExecContext(ctx, sqlUpdateAssignment, a.PersonID.String(), a.RoomID.String(), a.Kind,
				nullID(a.PostID), a.ApprovalRef, nullDate(a.Start), nullDate(a.End), a.ID.String(), a.Version)
			nw := assignmentRow{Assignment: *a, created: old.created}
			nw.Version, nw.DeletedAt = old.Version+1, time.Time{}
			version = nw.Version
			return nw, err
		})
		return err
	})
	if err != nil {
		return err
	}
	a.Version = version
	return nil
}

// DeleteAssignment deletes a live assignment at the given version.
func (s *Store) DeleteAssignment(ctx context.Context, id uuid.UUID, version int64) error {
	return s.assignments().delete(ctx, id, func(_ querier, old assignmentRow) error {
		return stale("assignment", old.Version, version)
	})
}
