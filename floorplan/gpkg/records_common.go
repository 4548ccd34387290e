package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// The helpers that the versioned documents share: the inspections' plans and items, the leads and the
// applications, each a row of indexed columns and a JSON body whose version the store moves on.

// versionedDoc is what those helpers need of one such record: the record (its body) and its id and
// bookkeeping fields, which they set.
type versionedDoc struct {
	rec interface {
		Body() ([]byte, error)
		SetBody(b []byte) error
	}
	id               *uuid.UUID
	version          *int64
	created, updated *time.Time
}

// fileTime is an instant as the file keeps it.
func fileTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// parseAppTime reads a time as the file keeps it.
func parseAppTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("gpkg: unreadable time %q", s)
}

// createDoc stores d, a new record, as s.create does: insert writes its row, given the id, d's body and
// the time of the write. Once the write commits d is at version 1, created and updated at that time.
func (s *Store) createDoc(ctx context.Context, d versionedDoc,
	insert func(q querier, id uuid.UUID, body []byte, now time.Time) error) error {
	body, err := d.rec.Body()
	if err != nil {
		return err
	}
	var at time.Time
	err = s.create(ctx, d.id, func(q querier, id uuid.UUID, now time.Time) error {
		at = now
		return insert(q, id, body, now)
	})
	if err != nil {
		return wrapErr(err)
	}
	*d.version, *d.created, *d.updated = 1, at, at
	return nil
}

// updateDoc writes d at its version: update runs in the write, given d's body and the time of the write.
// Once the write commits d's version moves on by one, and d is updated at that time.
func (s *Store) updateDoc(ctx context.Context, d versionedDoc, update func(q querier, body []byte, now time.Time) error) error {
	body, err := d.rec.Body()
	if err != nil {
		return err
	}
	now := s.now()
	if err := s.write(ctx, func(q querier) error { return update(q, body, now) }); err != nil {
		return wrapErr(err)
	}
	*d.version++
	*d.updated = now
	return nil
}

// updateState is updateDoc by update (?1 id, ?2 state, ?3 body, ?4 the time, ?5 the version given) of
// the record what, run as execVersioned does with exists.
func (s *Store) updateState(ctx context.Context, what string, d versionedDoc, state, update, exists string) error {
	id, version := *d.id, *d.version
	return s.updateDoc(ctx, d, func(q querier, body []byte, now time.Time) error {
		return execVersioned(ctx, q, what, id, version, exists, update, id.String(), state, string(body), fileTime(now), version)
	})
}

// scanned fills d's times and body from the columns of its row, as the file keeps them.
func (d versionedDoc) scanned(body, created, updated string) error {
	var err error
	if *d.created, err = parseAppTime(created); err != nil {
		return err
	}
	if *d.updated, err = parseAppTime(updated); err != nil {
		return err
	}
	return d.rec.SetBody([]byte(body))
}

// readDoc scans the one row of query (?1 the id) with scan; none is floorplan.ErrNotFound for what.
func readDoc[T any](ctx context.Context, s *Store, scan func(scanner) (T, error), query, what string, id uuid.UUID) (T, error) {
	v, err := scan(s.reader().QueryRowContext(ctx, query, id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return v, notFound(what, id)
	}
	return v, wrapErr(err)
}

// mustExist is floorplan.ErrNotFound for what unless exists (?1 id) counts a row of id.
func mustExist(ctx context.Context, q querier, exists, what string, id uuid.UUID) error {
	var n int
	if err := q.QueryRowContext(ctx, exists, id.String()).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return notFound(what, id)
	}
	return nil
}

// idText is id as the file keeps it in a column that is never NULL: "" for uuid.Nil.
func idText(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return id.String()
}
