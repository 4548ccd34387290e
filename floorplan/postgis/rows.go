package postgis

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

// Helpers for the control flow that every entity's methods share: read one live record, create one,
// update one, soft-delete one. The SQL stays with each entity's methods.

// one reads the live record of id with query ($1 the id) and scan; none is floorplan.ErrNotFound.
func one[T any](ctx context.Context, q querier, scan func(pgx.Row) (T, error), query, what string,
	id uuid.UUID) (T, error) {
	v, err := scan(q.QueryRow(ctx, query, id))
	if err == pgx.ErrNoRows {
		return v, notFound(what, id)
	}
	return v, mapError(err)
}

// create runs the write of a Create method for a new record whose id is *id, or a new one for uuid.Nil:
// fn gets that id, and *id is set once the write commits.
func (s *Store) create(ctx context.Context, id *uuid.UUID, fn func(tx pgx.Tx, id uuid.UUID) error) error {
	nid := newID(*id)
	if err := s.write(ctx, func(tx pgx.Tx) error { return fn(tx, nid) }); err != nil {
		return err
	}
	*id = nid
	return nil
}

// updateLive runs the UPDATE of the live record of id (query with args); none matched is
// floorplan.ErrNotFound.
func updateLive(ctx context.Context, tx pgx.Tx, what string, id uuid.UUID, query string, args ...any) error {
	tag, err := tx.Exec(ctx, query, args...)
	if err == nil && tag.RowsAffected() == 0 {
		return notFound(what, id)
	}
	return err
}

// updateVersioned runs the UPDATE of the live record of id at version given (query with args; it matches
// the version and returns the new one) and scans the new version into next; the caller moves its
// record's version on once the write commits (a write may be retried). None matched is
// floorplan.ErrNotFound when the record is gone, and floorplan.ErrConflict when its version moved on
// (versionSQL, $1 the id).
func updateVersioned(ctx context.Context, tx pgx.Tx, what string, id uuid.UUID, given int64, next *int64,
	versionSQL, query string, args ...any) error {
	err := tx.QueryRow(ctx, query, args...).Scan(next)
	if err == pgx.ErrNoRows {
		return staleOrMissing(ctx, tx, versionSQL, what, id, given)
	}
	return err
}

// setVersion moves *version on to next when a write succeeded (err nil), and returns err.
func setVersion(err error, version *int64, next int64) error {
	if err == nil {
		*version = next
	}
	return err
}

// scanRef runs a query ($1 id) for the live row of an entity that a write refers to (locking it) and
// scans the row into dst; no id given, or no row, is an invalid reference.
func scanRef(ctx context.Context, tx pgx.Tx, query string, id uuid.UUID, what string, dst ...any) error {
	if id == uuid.Nil {
		return newError(floorplan.ErrInvalid, nil, "no %s given", what)
	}
	err := tx.QueryRow(ctx, query, id).Scan(dst...)
	if err == pgx.ErrNoRows {
		return newError(floorplan.ErrInvalid, nil, "unknown %s %s", what, id)
	}
	return err
}

// lockLive locks a referenced entity with lockSQL ($1 id; it returns the id); no row means the reference
// is unknown.
func lockLive(ctx context.Context, tx pgx.Tx, lockSQL string, id uuid.UUID, what string) error {
	var got uuid.UUID
	return scanRef(ctx, tx, lockSQL, id, what, &got)
}

// lockLiveIfGiven is lockLive for an optional reference: uuid.Nil (none) passes.
func lockLiveIfGiven(ctx context.Context, tx pgx.Tx, lockSQL string, id uuid.UUID, what string) error {
	if id == uuid.Nil {
		return nil
	}
	return lockLive(ctx, tx, lockSQL, id, what)
}

// inUse is a query counting live records that still refer to an entity, and what to tell the user (%d
// the count).
type inUse struct {
	countSQL string
	msg      string
}

// softDelete deletes the entity id in a write of its own: it locks the entity's row FOR UPDATE with lockSQL
// ($1 id; it returns the id) — which waits for writers that reference it, whose foreign key checks hold
// KEY SHARE locks, and makes later ones wait —, checks that nothing live refers to it (each check counts
// with checkArgs), then marks it deleted.
func (s *Store) softDelete(ctx context.Context, id uuid.UUID, what, lockSQL, deleteSQL string, checkArgs []any,
	checks ...inUse) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		var got uuid.UUID
		if err := scanLive(ctx, tx, lockSQL, what, id, &got); err != nil {
			return err
		}
		return markDeleted(ctx, tx, deleteSQL, id, checkArgs, checks...)
	})
}

// deleteVersioned soft-deletes a versioned record: it locks the row with lockSQL ($1 id; it returns the
// version), checks the version, then that nothing live refers to it (each check counts with $1 id and
// $2 today), then marks it deleted.
func deleteVersioned(ctx context.Context, tx pgx.Tx, id uuid.UUID, version int64, what, lockSQL, deleteSQL string,
	today time.Time, checks ...inUse) error {
	var current int64
	if err := scanLive(ctx, tx, lockSQL, what, id, &current); err != nil {
		return err
	}
	if current != version {
		return conflict(what, current, version)
	}
	return markDeleted(ctx, tx, deleteSQL, id, []any{id, nullDate(today)}, checks...)
}

// scanLive runs a query ($1 id) for the live row of id (locking it, or not) and scans its columns into
// dst; no row is floorplan.ErrNotFound.
func scanLive(ctx context.Context, tx pgx.Tx, query, what string, id uuid.UUID, dst ...any) error {
	err := tx.QueryRow(ctx, query, id).Scan(dst...)
	if err == pgx.ErrNoRows {
		return notFound(what, id)
	}
	return err
}

// markDeleted refuses with floorplan.ErrInUse at the first check that counts a record (each runs with
// args), else runs deleteSQL ($1 id).
func markDeleted(ctx context.Context, tx pgx.Tx, deleteSQL string, id uuid.UUID, args []any, checks ...inUse) error {
	for _, c := range checks {
		var n int64
		if err := tx.QueryRow(ctx, c.countSQL, args...).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return newError(floorplan.ErrInUse, nil, c.msg, n)
		}
	}
	_, err := tx.Exec(ctx, deleteSQL, id)
	return err
}

// staleOrMissing explains an update that matched no row: the record is gone (ErrNotFound) or its
// version moved on (ErrConflict).
func staleOrMissing(ctx context.Context, tx pgx.Tx, versionSQL, what string, id uuid.UUID, version int64) error {
	var current int64
	if err := scanLive(ctx, tx, versionSQL, what, id, &current); err != nil {
		return err
	}
	return conflict(what, current, version)
}

// conflict is the error for a write at version given of a record now at version current.
func conflict(what string, current, given int64) error {
	return newError(floorplan.ErrConflict, nil,
		"the %s was changed by someone else (version %d, not %d); reload it and try again", what, current, given)
}
