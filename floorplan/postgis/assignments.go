package postgis

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

const assignmentColumns = `a.id, a.person_id, a.room_id, a.kind, a.post_id, a.approval_ref, a.start_date, a.end_date,
       a.version, a.deleted_at`

func (s *Store) scanAssignment(row pgx.Row) (floorplan.Assignment, error) {
	var a floorplan.Assignment
	err := row.Scan(uuidDst(&a.ID), uuidDst(&a.PersonID), uuidDst(&a.RoomID), &a.Kind, optionalIDDst(&a.PostID),
		&a.ApprovalRef, dateDst(&a.Start), dateDst(&a.End), &a.Version, instantDst(&a.DeletedAt, s.loc))
	return a, err
}

const (
	lockPersonShareSQL = `SELECT id FROM people WHERE id = $1 AND deleted_at IS NULL FOR KEY SHARE`
	lockRoomShareSQL   = `SELECT id FROM rooms WHERE id = $1 AND deleted_at IS NULL FOR KEY SHARE`
	lockPostShareSQL   = `SELECT id FROM posts WHERE id = $1 AND person_id = $2 AND deleted_at IS NULL FOR KEY SHARE`
)

// lockAssignmentRefs makes sure the person, the room and the post of an assignment are live, and keeps
// them so until the transaction ends.
func lockAssignmentRefs(ctx context.Context, tx pgx.Tx, a *floorplan.Assignment) error {
	if err := lockLive(ctx, tx, lockPersonShareSQL, a.PersonID, "person"); err != nil {
		return err
	}
	if err := lockLive(ctx, tx, lockRoomShareSQL, a.RoomID, "room"); err != nil {
		return err
	}
	if a.PostID == uuid.Nil {
		return nil
	}
	var got uuid.UUID
	err := tx.QueryRow(ctx, lockPostShareSQL, a.PostID, a.PersonID).Scan(&got)
	if err == pgx.ErrNoRows {
		return floorplan.Invalidf("post %s is not a post of the person", a.PostID)
	}
	return err
}

const insertAssignmentSQL = `
INSERT INTO assignments (id, person_id, room_id, kind, post_id, approval_ref, start_date, end_date)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING version`

// CreateAssignment puts a person in a room.
func (s *Store) CreateAssignment(ctx context.Context, a *floorplan.Assignment) error {
	if err := floorplan.CheckAssignment(ctx, a); err != nil {
		return err
	}
	id := newID(a.ID)
	var version int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		if err := lockAssignmentRefs(ctx, tx, a); err != nil {
			return err
		}
		return tx.QueryRow(ctx, insertAssignmentSQL, id, a.PersonID, a.RoomID, a.Kind, nullID(a.PostID), a.ApprovalRef,
			nullDate(a.Start), nullDate(a.End)).Scan(&version)
	})
	if err != nil {
		return err
	}
	a.ID, a.Version, a.DeletedAt = id, version, time.Time{}
	return nil
}

const assignmentSQL = `SELECT ` + assignmentColumns + ` FROM assignments a WHERE a.id = $1 AND a.deleted_at IS NULL`

// Assignment returns a live assignment.
func (s *Store) Assignment(ctx context.Context, id uuid.UUID) (floorplan.Assignment, error) {
	return readOne(ctx, s, s.scanAssignment, assignmentSQL, "assignment", id)
}

// assignmentsSQL selects live assignments; $1 person, $2 room and $3 day (in force that day) filter when
// not NULL.
const assignmentsSQL = `
SELECT ` + assignmentColumns + ` FROM assignments a
 WHERE a.deleted_at IS NULL
   AND ($1::uuid IS NULL OR a.person_id = $1)
   AND ($2::uuid IS NULL OR a.room_id = $2)
   AND ($3::date IS NULL OR ((a.start_date IS NULL OR a.start_date <= $3) AND (a.end_date IS NULL OR a.end_date > $3)))
 ORDER BY a.start_date NULLS FIRST, a.id`

// Assignments lists live assignments matching f by start date.
func (s *Store) Assignments(ctx context.Context, f floorplan.AssignmentFilter) ([]floorplan.Assignment, error) {
	return readAll(ctx, s, s.scanAssignment, assignmentsSQL, nullID(f.PersonID), nullID(f.RoomID), nullDate(f.ActiveOn))
}

const (
	updateAssignmentSQL = `
UPDATE assignments SET person_id = $3, room_id = $4, kind = $5, post_id = $6, approval_ref = $7, start_date = $8,
       end_date = $9, version = version + 1
 WHERE id = $1 AND version = $2 AND deleted_at IS NULL
RETURNING version`
	assignmentVersionSQL = `SELECT version FROM assignments WHERE id = $1 AND deleted_at IS NULL`
)

// UpdateAssignment replaces a live assignment's fields if a.Version is still its version, and moves
// a.Version on.
func (s *Store) UpdateAssignment(ctx context.Context, a *floorplan.Assignment) error {
	if err := floorplan.CheckAssignment(ctx, a); err != nil {
		return err
	}
	var version int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		if err := lockAssignmentRefs(ctx, tx, a); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, updateAssignmentSQL, a.ID, a.Version, a.PersonID, a.RoomID, a.Kind, nullID(a.PostID),
			a.ApprovalRef, nullDate(a.Start), nullDate(a.End)).Scan(&version)
		if err == pgx.ErrNoRows {
			return staleOrMissing(ctx, tx, assignmentVersionSQL, "assignment", a.ID, a.Version)
		}
		return err
	})
	if err != nil {
		return err
	}
	a.Version = version
	return nil
}

const (
	lockAssignmentSQL   = `SELECT version FROM assignments WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`
	deleteAssignmentSQL = `UPDATE assignments SET deleted_at = now(), version = version + 1 WHERE id = $1`
)

// DeleteAssignment deletes a live assignment at the given version.
func (s *Store) DeleteAssignment(ctx context.Context, id uuid.UUID, version int64) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		return deleteVersioned(ctx, tx, id, version, "assignment", lockAssignmentSQL, deleteAssignmentSQL, time.Time{})
	})
}
