package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// The row helpers that the entities' methods share: reading and writing one entity's table (table), the
// checks of references and of records still in use, the store's errors, and reading rows.

// table is what the row helpers below need to know of one entity's table: R is its row type (the
// domain type, or the domain type with the columns it does not carry) and I the row's history image.
// The helpers hold the control flow that every entity shares: read the live row, write, record the
// change; the entity's own SQL and checks stay beside its methods.
type table[R, I any] struct {
	s         *Store
	entity    floorplan.Entity
	byID      string                    // SQL: the live row of id ?
	scan      func(scanner) (R, error)  // scans a row of byID
	image     func(R) I                 // the row's history image
	gone      func(r R, at time.Time) R // r as deleted at the instant at
	deleteSQL string                    // marks a row deleted: ?1 deleted_at, ?2 id
}

// rowOf is a record of the domain type T with the bookkeeping columns of its row that T does not carry:
// when the row was created and when it was deleted (zero while it is live).
type rowOf[T any] struct {
	rec              T
	created, deleted time.Time
}

// The rows of the entities whose domain types carry no bookkeeping columns (and of the posts, which
// carry their person).
type (
	siteRow         = rowOf[floorplan.Site]
	buildingRow     = rowOf[floorplan.Building]
	floorRow        = rowOf[floorplan.Floor]
	agencyRow       = rowOf[floorplan.Agency]
	jurisdictionRow = rowOf[floorplan.Jurisdiction]
	postRow         = rowOf[floorplan.PersonPost]
)

// deletedAt is the row deleted at the instant at.
func (r rowOf[T]) deletedAt(at time.Time) rowOf[T] { r.deleted = at; return r }

// recs returns the domain records of rows, in order.
func recs[T any](rows []rowOf[T]) []T {
	return values(rows, func(r rowOf[T]) T { return r.rec })
}

// The live row of an id, and the soft delete, of each entity's table.
const (
	sqlSite             = `SELECT ` + siteColumns + ` FROM sites_all s WHERE s.id = ? AND s.deleted_at IS NULL`
	sqlDeleteSite       = `UPDATE sites_all SET deleted_at = ?, geom = NULL, version = version + 1 WHERE id = ?`
	sqlBuilding         = `SELECT ` + buildingColumns + ` FROM buildings_all b WHERE b.id = ? AND b.deleted_at IS NULL`
	sqlDeleteBuilding   = `UPDATE buildings_all SET deleted_at = ?, geom = NULL, version = version + 1 WHERE id = ?`
	sqlFloor            = `SELECT ` + floorColumns + ` FROM floors_all f WHERE f.id = ? AND f.deleted_at IS NULL`
	sqlDeleteFloor      = `UPDATE floors_all SET deleted_at = ?, geom = NULL, version = version + 1 WHERE id = ?`
	sqlRoom             = `SELECT ` + roomColumns + ` FROM rooms_all r WHERE r.id = ? AND r.deleted_at IS NULL`
	sqlDeleteRoom       = `UPDATE rooms_all SET deleted_at = ?, geom = NULL, version = version + 1 WHERE id = ?`
	sqlAgency           = `SELECT ` + agencyColumns + ` FROM agencies a WHERE a.id = ? AND a.deleted_at IS NULL`
	sqlDeleteAgency     = `UPDATE agencies SET deleted_at = ?, version = version + 1 WHERE id = ?`
	sqlPerson           = `SELECT ` + personColumns + ` FROM people p WHERE p.id = ? AND p.deleted_at IS NULL`
	sqlDeletePerson     = `UPDATE people SET deleted_at = ?, version = version + 1 WHERE id = ?`
	sqlAssignment       = `SELECT ` + assignmentColumns + ` FROM assignments a WHERE a.id = ? AND a.deleted_at IS NULL`
	sqlDeleteAssignment = `UPDATE assignments SET deleted_at = ?, version = version + 1 WHERE id = ?`
)

func (s *Store) sites() table[siteRow, siteImage] {
	return table[siteRow, siteImage]{s, floorplan.EntitySite, sqlSite, s.scanSite, siteImageOf, siteRow.deletedAt,
		sqlDeleteSite}
}

func (s *Store) buildings() table[buildingRow, buildingImage] {
	return table[buildingRow, buildingImage]{s, floorplan.EntityBuilding, sqlBuilding, s.scanBuilding,
		buildingImageOf, buildingRow.deletedAt, sqlDeleteBuilding}
}

func (s *Store) floors() table[floorRow, floorImage] {
	return table[floorRow, floorImage]{s, floorplan.EntityFloor, sqlFloor, s.scanFloor, floorImageOf,
		floorRow.deletedAt, sqlDeleteFloor}
}

func (s *Store) rooms() table[floorplan.Room, roomImage] {
	return table[floorplan.Room, roomImage]{s, floorplan.EntityRoom, sqlRoom, s.scanRoom, roomImageOf, deletedRoom,
		sqlDeleteRoom}
}

func (s *Store) agencies() table[agencyRow, agencyImage] {
	return table[agencyRow, agencyImage]{s, floorplan.EntityAgency, sqlAgency, s.scanAgency, agencyImageOf,
		agencyRow.deletedAt, sqlDeleteAgency}
}

func (s *Store) people() table[floorplan.Person, personImage] {
	return table[floorplan.Person, personImage]{s, floorplan.EntityPerson, sqlPerson, s.scanPerson, personImageOf,
		deletedPerson, sqlDeletePerson}
}

func (s *Store) assignments() table[assignmentRow, assignmentImage] {
	return table[assignmentRow, assignmentImage]{s, floorplan.EntityAssignment, sqlAssignment, s.scanAssignment,
		assignmentImageOf, assignmentRow.deletedAt, sqlDeleteAssignment}
}

// create runs the write of a Create method for a new record whose id is *id, or a new one for uuid.Nil:
// fn gets that id and the time of the write, and *id is set once the write commits.
func (s *Store) create(ctx context.Context, id *uuid.UUID,
	fn func(q querier, id uuid.UUID, now time.Time) error) error {
	nid, now := newID(*id), s.now()
	if err := s.write(ctx, func(q querier) error { return fn(q, nid, now) }); err != nil {
		return err
	}
	*id = nid
	return nil
}

// live reads the live row of id; none is floorplan.ErrNotFound.
func (t table[R, I]) live(ctx context.Context, q querier, id uuid.UUID) (R, error) {
	r, err := t.scan(q.QueryRowContext(ctx, t.byID, id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound(string(t.entity), id)
	}
	return r, err
}

// get returns the domain record of the live row id of t, for a method that reads one record; none is
// floorplan.ErrNotFound.
func get[T, I any](ctx context.Context, t table[rowOf[T], I], id uuid.UUID) (T, error) {
	r, err := t.live(ctx, t.s.reader(), id)
	return r.rec, wrapErr(err)
}

// list returns the domain records of the rows of t that query reads (with args), for a method that lists
// records.
func list[T, I any](ctx context.Context, t table[rowOf[T], I], query string, args ...any) ([]T, error) {
	rows, err := collect(ctx, t.s.reader(), t.scan, query, args...)
	return recs(rows), err
}

// insert runs a write's INSERT of the new row r of id (query with args) and records it.
func (t table[R, I]) insert(ctx context.Context, q querier, now time.Time, id uuid.UUID, r R, query string,
	args ...any) error {
	if _, err := q.ExecContext(ctx, query, args...); err != nil {
		return err
	}
	return record(ctx, q, now, change{t.entity, id, opInsert, nil, t.image(r)})
}

// update replaces the live row of id inside a write: it reads the row, and write, given it, checks and
// runs the UPDATE and returns the row as updated; the change is recorded. It returns the row as it was.
func (t table[R, I]) update(ctx context.Context, q querier, now time.Time, id uuid.UUID,
	write func(old R) (R, error)) (R, error) {
	old, err := t.live(ctx, q, id)
	if err != nil {
		return old, err
	}
	nw, err := write(old)
	if err != nil {
		return old, err
	}
	return old, record(ctx, q, now, change{t.entity, id, opUpdate, t.image(old), t.image(nw)})
}

// delete soft-deletes the live row of id in a write of its own, as remove says.
func (t table[R, I]) delete(ctx context.Context, id uuid.UUID, check func(q querier, old R) error,
	inUse ...inUseCheck) error {
	now := t.s.now()
	return t.s.write(ctx, func(q querier) error {
		_, err := t.remove(ctx, q, now, id, check, inUse...)
		return err
	})
}

// remove soft-deletes the live row of id inside a write: it reads the row; check (nil for none) may
// refuse it (a stale version, say), and so does every inUse check that counts a live record referring
// to it (?1 the id); then deleteSQL marks it and the change is recorded. It returns the row as it was.
func (t table[R, I]) remove(ctx context.Context, q querier, now time.Time, id uuid.UUID,
	check func(q querier, old R) error, inUse ...inUseCheck) (R, error) {
	old, err := t.live(ctx, q, id)
	if err != nil {
		return old, err
	}
	if check != nil {
		if err := check(q, old); err != nil {
			return old, err
		}
	}
	if err := refuseInUse(ctx, q, []any{id.String()}, inUse...); err != nil {
		return old, err
	}
	at, atText := instant(now)
	if _, err := q.ExecContext(ctx, t.deleteSQL, atText, id.String()); err != nil {
		return old, err
	}
	return old, record(ctx, q, now, change{t.entity, id, opDelete, t.image(old), t.image(t.gone(old, at))})
}

// References and in-use checks.

// scanRef runs a query (?1 the id) for the live row of an entity that a write refers to and scans the
// row into dst; no id given, or no row, is an invalid reference.
func scanRef(ctx context.Context, q querier, query string, id uuid.UUID, what string, dst ...any) error {
	if id == uuid.Nil {
		return floorplan.Invalidf("no %s given", what)
	}
	err := q.QueryRowContext(ctx, query, id.String()).Scan(dst...)
	if errors.Is(err, sql.ErrNoRows) {
		return floorplan.Invalidf("unknown %s %s", what, id)
	}
	return err
}

// live checks that a query (?1 the id) finds the live entity a write refers to.
func live(ctx context.Context, q querier, query string, id uuid.UUID, what string) error {
	var one int
	return scanRef(ctx, q, query, id, what, &one)
}

// liveIfGiven is live for an optional reference: uuid.Nil (none) passes.
func liveIfGiven(ctx context.Context, q querier, query string, id uuid.UUID, what string) error {
	if id == uuid.Nil {
		return nil
	}
	return live(ctx, q, query, id, what)
}

// exists reports whether query (with args) finds a row.
func exists(ctx context.Context, q querier, query string, args ...any) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// count runs a count query.
func count(ctx context.Context, q querier, query string, args ...any) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}

// inUseCheck is a query counting the live records that still refer to an entity, and the message (with
// %d for the count) that refuses its deletion.
type inUseCheck struct{ query, msg string }

// refuseInUse fails with floorplan.ErrInUse at the first check that counts a record; each runs with args.
func refuseInUse(ctx context.Context, q querier, args []any, checks ...inUseCheck) error {
	for _, c := range checks {
		if n, err := count(ctx, q, c.query, args...); err != nil {
			return err
		} else if n > 0 {
			return inUse(c.msg, n)
		}
	}
	return nil
}

// Errors.

// notFound is the error for a missing (or deleted) entity.
func notFound(what string, id uuid.UUID) error {
	return fmt.Errorf("%w: %s %s", floorplan.ErrNotFound, what, id)
}

// inUse is the error for an entity that live records still refer to.
func inUse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", floorplan.ErrInUse, fmt.Sprintf(format, args...))
}

// conflict is the error for a write based on a stale version.
func conflict(what string, current, given int64) error {
	return fmt.Errorf("%w: the %s was changed by someone else (version %d, not %d); reload it and try again",
		floorplan.ErrConflict, what, current, given)
}

// movedOn moves *version on by one when a write at that version succeeded (err nil), and returns err.
func movedOn(err error, version *int64) error {
	if err == nil {
		*version++
	}
	return err
}

// stale is the conflict error for a write at version given of a record now at version current (nil
// when they are the same).
func stale(what string, current, given int64) error {
	if current == given {
		return nil
	}
	return conflict(what, current, given)
}

// Reading rows.

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface {
	Scan(dest ...any) error
}

// execVersioned runs update (with args) on a record of id at version, as the stores write versioned records:
// when it changes no row, the record is floorplan.ErrNotFound if exists (?1: the id) counts no row of id,
// else floorplan.ErrConflict (it is no longer at that version).
func execVersioned(ctx context.Context, q querier, what string, id uuid.UUID, version int64, exists, update string, args ...any) error {
	res, err := q.ExecContext(ctx, update, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	var live int
	if err := q.QueryRowContext(ctx, exists, id.String()).Scan(&live); err != nil {
		return err
	}
	if live == 0 {
		return notFound(what, id)
	}
	return fmt.Errorf("%w: %s %s is no longer at version %d", floorplan.ErrConflict, what, id, version)
}

// collect runs a query and scans every row with scan.
func collect[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	return collectInto(ctx, q, []T{}, scan, query, args...)
}

// collectInto is collect appending to out, which may have room for the rows already.
func collectInto[T any](ctx context.Context, q querier, out []T, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, wrapErr(err)
		}
		out = append(out, v)
	}
	return out, wrapErr(rows.Err())
}

// values returns value(r) for every row r, in order (the domain values of rows, say).
func values[R, T any](rows []R, value func(R) T) []T {
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = value(r)
	}
	return out
}

// New records.

// newID returns id, or a new random UUID for uuid.Nil.
func newID(id uuid.UUID) uuid.UUID {
	if id == uuid.Nil {
		return uuid.New()
	}
	return id
}

// createdAt is the instant a new record is created at, and its DATETIME text: its own when not zero (an
// import's registration date), else now.
func createdAt(own, now time.Time) (time.Time, string) {
	if own.IsZero() {
		own = now
	}
	return instant(own)
}
