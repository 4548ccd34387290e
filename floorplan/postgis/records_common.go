package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

// The helpers that the versioned documents share: the inspections' plans and items, the leads and the
// applications, each a row of indexed columns and a JSON body whose version the store moves on.

// versionedDoc is what those helpers need of one such record: the record (its body) and its id and
// bookkeeping fields, which they set.
type versionedDoc struct {
	rec              interface{ Body() ([]byte, error) }
	id               *uuid.UUID
	version          *int64
	created, updated *time.Time
}

// docRef is a record that a document refers to: the row of id that exists ($1 id) finds, or none
// (uuid.Nil).
type docRef struct {
	what, exists string
	id           uuid.UUID
}

// createDoc stores d, a new record, by insert ($1 the id, then args, then d's body; it returns
// created_at, or no row when a record it refers to is missing, which is the error missing). Once the
// write commits d is at version 1, created and updated at that time.
func (s *Store) createDoc(ctx context.Context, d versionedDoc, insert string, missing error, args ...any) error {
	body, err := d.rec.Body()
	if err != nil {
		return err
	}
	var at time.Time
	err = s.create(ctx, d.id, func(tx pgx.Tx, id uuid.UUID) error {
		err := tx.QueryRow(ctx, insert, append(append([]any{id}, args...), body)...).Scan(&at)
		if err == pgx.ErrNoRows {
			return missing
		}
		return err
	})
	if err != nil {
		return err
	}
	*d.version, *d.created, *d.updated = 1, at, at
	return nil
}

// updateDoc writes the state and body of d, the record what, at its version by update ($1 id, $2 state,
// $3 body, $4 the version given, then the ids of refs, NULL for uuid.Nil; it returns updated_at). None
// matched is floorplan.ErrNotFound when exists ($1 id) finds no row of d's id or a ref is missing, else
// floorplan.ErrConflict. Once the write commits d's version moves on by one, and d is updated at that time.
func (s *Store) updateDoc(ctx context.Context, what string, d versionedDoc, state, update, exists string, refs ...docRef) error {
	body, err := d.rec.Body()
	if err != nil {
		return err
	}
	id, version := *d.id, *d.version
	args := []any{id, state, body, version}
	for _, r := range refs {
		args = append(args, nullID(r.id))
	}
	var at time.Time
	err = s.write(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, update, args...).Scan(&at)
		if err != pgx.ErrNoRows {
			return err
		}
		if err := mustExist(ctx, tx, exists, what, id); err != nil {
			return err
		}
		for _, r := range refs {
			if r.id == uuid.Nil {
				continue
			}
			if err := mustExist(ctx, tx, r.exists, r.what, r.id); err != nil {
				return err
			}
		}
		return fmt.Errorf("%w: %s %s is no longer at version %d", floorplan.ErrConflict, what, id, version)
	})
	if err != nil {
		return err
	}
	*d.version++
	*d.updated = at
	return nil
}

// mustExist is floorplan.ErrNotFound for what unless exists ($1 id) finds the row of id.
func mustExist(ctx context.Context, tx pgx.Tx, exists, what string, id uuid.UUID) error {
	var found bool
	if err := tx.QueryRow(ctx, exists, id).Scan(&found); err != nil {
		return err
	}
	if !found {
		return notFound(what, id)
	}
	return nil
}

// readList is readAll with an empty list, not nil, for no rows.
func readList[T any](ctx context.Context, s *Store, scan func(pgx.Row) (T, error), sql string, args ...any) ([]T, error) {
	out, err := readAll(ctx, s, scan, sql, args...)
	if out == nil && err == nil {
		out = []T{}
	}
	return out, err
}
