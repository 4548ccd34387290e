// Package postgis is officemap's production store: floorplan.Store on PostgreSQL with PostGIS.
//
// All of its SQL lives here, as named constants beside the methods that run them (the snapshot's
// queries of the past are put together from them once, at start), with $n parameters only. The schema
// is in the migrations package and is applied by Migrate.
//
// Geometry is kept in each building's local frame in metres (SRID 0, the source of truth for area) and,
// derived from it in Go with the building's geo.Frame on every write, in lon/lat (SRID 4326) for maps:
// the tile path (Features) reads the derived copy through GiST indexes and never transforms per row.
//
// The database guarantees what must never be wrong (see migrations/0001_init.sql): valid geometry, no
// overlapping rooms on a floor, versions that move by one, and an append-only history of every write;
// the store checks first so that users get readable reasons, and maps what the database refuses to the
// floorplan sentinels, with messages that never carry SQL.
//
// Deletes are soft for every entity (deleted_at); reads leave deleted rows out.
//
// # Timeouts
//
// A request waits for a pooled connection at most the acquire timeout (DefaultAcquireTimeout, 5 s), and
// each statement runs under the statement_timeout and lock_timeout of its class of work (Class):
//
//	class   statements                                           statement_timeout  lock_timeout
//	read    reads, and single statements outside transactions    30 s               1 s
//	write   write transactions (Create…, Update…, Delete…, InTx)  30 s               3 s
//	job     snapshots, bulk inserts, migrations, AsJob's work    5 min              30 s
//
// Reads never wait for row locks, so a read that waits for a lock at all waits behind DDL or a LOCK
// TABLE, and gives up soon rather than hold a connection; writes queue behind each other on the
// register's revision row, so they wait longer. A table locked for a minute thus fails the requests that
// need it within their lock timeout, and leaves the pool to the others: once a read's SQL has timed out
// on a lock, only one read of it at a time waits to see whether the lock is still held, and the others
// fail at once; and only a quarter of the pool may hold write transactions, which the server runs one
// at a time anyway (gate.go). Read limits are the sessions'
// defaults (runtime parameters: no round trip); the others are SET LOCAL in the statement that begins
// the transaction, and a job inside InTx (a bulk insert, a snapshot) raises the transaction's limits to
// the job's for the rest of it.
//
// Options set them (WithAcquireTimeout, WithLimits, WithStatementTimeout), as does the connection URL:
// statement_timeout and lock_timeout (PostgreSQL's, in its syntax: 5000, 5s, 1min) set reads and writes;
// officemap_acquire_timeout and officemap_<class>_statement_timeout / officemap_<class>_lock_timeout
// set one class (e.g. ?officemap_read_lock_timeout=500ms). Options override the URL. Zero turns a limit
// off.
//
// # Failures
//
// What the database cannot do now wraps floorplan.ErrUnavailable, with a RetryAfter() hint: no
// connection within the acquire timeout, a lock timeout ("the record is locked by another change; try
// again", 55P03), a statement timeout (57014), a server that cannot be reached or refuses connections
// (connection exceptions 08…, 55000 for a database closed to connections, 57P01-57P03 for shutdowns,
// insufficient resources 53…). A read whose connection turns out to be broken (the server ended the
// session: a restart, pg_terminate_backend) runs once more on another connection, as does a write that
// broke on BEGIN; Ping replaces such connections instead of reporting them. A write transaction of the
// store's own that the server aborts for a serialization failure (40001) or a deadlock (40P01) runs
// again up to four times before it fails with floorplan.ErrConflict; InTx's function is not run again.
package postgis

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"officemap/floorplan"
	"officemap/migrations"
)

var _ floorplan.Store = (*Store)(nil)

// Store is floorplan.Store on PostGIS. A Store from Open owns its pool; the Store that InTx passes to its
// function is bound to the transaction.
type Store struct {
	pool           *pgxpool.Pool
	conns          *connState // shared with the Stores of InTx
	tx             pgx.Tx     // nil outside InTx
	top            *topWrite  // InTx's: what its transaction's start set; nil outside InTx
	loc            *time.Location
	classification floorplan.Classification // sites' categories
	owned          bool                     // Close closes the pool
}

// defaultConnectTimeout bounds the making of a connection when the URL does not say (connect_timeout).
const defaultConnectTimeout = 5 * time.Second

type options struct {
	maxConns       int32
	tune           []func(*tuning) // in order, after the URL's parameters
	loc            *time.Location
	classification *floorplan.Classification
}

func newOptions(opts []Option) options {
	o := options{loc: time.Local}
	for _, opt := range opts {
		opt(&o)
	}
	if o.classification == nil {
		c := floorplan.BuiltinClassification()
		o.classification = &c
	}
	return o
}

// newConnState returns the connection state of a store on a pool of maxConns connections, with tuning t
// and the options' adjustments.
func (o *options) newConnState(t tuning, maxConns int32) *connState {
	for _, fn := range o.tune {
		fn(&t)
	}
	return newConnState(t, maxConns)
}

// Option configures Open.
type Option func(*options)

// WithMaxConns sets the pool's maximum number of connections (default: the URL's pool_max_conns, or
// the larger of 8 and twice the number of CPUs).
func WithMaxConns(n int) Option {
	return func(o *options) { o.maxConns = int32(n) }
}

// WithClassification sets the deployment's property classification, against which sites' categories
// are checked (default floorplan.BuiltinClassification).
func WithClassification(c floorplan.Classification) Option {
	return func(o *options) { o.classification = &c }
}

// WithLocation sets the time zone whose calendar days Snapshot and the history use (default time.Local):
// the day of a change is its date in this zone.
func WithLocation(loc *time.Location) Option {
	return func(o *options) { o.loc = loc }
}

// Open connects to the PostgreSQL database at url (postgres://…) and checks that it answers. It does
// not migrate: call Migrate (or Store.Migrate) first on a new database. The URL may carry the timeouts
// of the package documentation; options override them.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	o := newOptions(opts)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, newError(floorplan.ErrInvalid, err, "the database URL cannot be parsed")
	}
	t := defaultTuning()
	rp := cfg.ConnConfig.RuntimeParams
	if err := t.tuneFromParams(rp); err != nil {
		return nil, err
	}
	switch {
	case o.maxConns > 0:
		cfg.MaxConns = o.maxConns
	case !hasParam(url, "pool_max_conns"):
		cfg.MaxConns = int32(max(8, 2*runtime.NumCPU()))
	}
	cs := o.newConnState(t, cfg.MaxConns)
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	maps.Copy(rp, cs.limits[ClassRead].sessionParams()) // statements outside transactions are reads
	if rp["application_name"] == "" {
		rp["application_name"] = "officemap"
	}
	cfg.ShouldPing = cs.shouldPing
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, newError(floorplan.ErrUnavailable, err, "the database cannot be reached")
	}
	s := &Store{pool: pool, conns: cs, loc: o.loc, classification: *o.classification, owned: true}
	if err := s.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// New returns a Store on an existing pool, which the caller keeps and closes. WithMaxConns does not
// apply, and statements outside transactions run with the pool's session settings; the acquire timeout
// and the limits of transactions do apply.
func New(pool *pgxpool.Pool, opts ...Option) *Store {
	o := newOptions(opts)
	return &Store{pool: pool, conns: o.newConnState(defaultTuning(), pool.Config().MaxConns), loc: o.loc,
		classification: *o.classification}
}

func hasParam(url, name string) bool {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		return false
	}
	_, ok := cfg.RuntimeParams[name]
	return ok
}

// unavailable maps a failure to reach the database to ErrUnavailable, keeping context cancellation and
// errors already mapped.
func unavailable(err error) error {
	var se *storeError
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("postgis: %w", context.Canceled)
	case errors.As(err, &se):
		return err
	}
	return unavailableError(err, retryOffline, "the database cannot be reached")
}

// Pool returns the store's connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Migrate brings the schema up to date (see the package function Migrate), with the store's job limits.
func (s *Store) Migrate(ctx context.Context) error {
	return migrateFS(ctx, s.pool, migrations.FS, s.conns.limits[ClassJob])
}

// Close closes the pool of a Store from Open; it does nothing for other Stores.
func (s *Store) Close() error {
	if s.owned && s.tx == nil {
		s.pool.Close()
	}
	return nil
}

// Ping reports whether the database answers: on a pooled connection, waiting for one at most the
// acquire timeout; a connection whose session the server ended is replaced rather than reported, so
// Ping fails only when the pool cannot get a working connection (the server is down, refuses
// connections, or every connection is busy). The error wraps floorplan.ErrUnavailable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.ping(ctx); err != nil {
		return unavailable(err)
	}
	return nil
}

// querier is what the pool and a transaction have in common.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// setActorSQL records who is writing, why, from which day the change holds (empty: the default of
// migrations/0004_bitemporal.sql) and the store's calendar day, for the history triggers, until the end
// of the transaction.
const setActorSQL = `SELECT set_config('officemap.actor', $1, true), set_config('officemap.reason', $2, true),
       set_config('officemap.effective', $3, true), set_config('officemap.today', $4, true)`

// actorArgs are setActorSQL's arguments from ctx.
func (s *Store) actorArgs(ctx context.Context) []any {
	eff := ""
	if d, ok := floorplan.EffectiveFrom(ctx); ok {
		eff = d.Format(floorplan.DateLayout)
	}
	return []any{floorplan.ActorFrom(ctx), floorplan.ReasonFrom(ctx), eff, s.today().Format(floorplan.DateLayout)}
}

// setActor sets what setActorSQL says from ctx, unless the transaction's start set the same.
func (s *Store) setActor(ctx context.Context, tx pgx.Tx) error {
	args := s.actorArgs(ctx)
	if s.top != nil {
		if slices.Equal(args, s.top.actor) {
			return nil
		}
		// Another actor from here on (or, if its savepoint rolls back, the start's again): every later
		// write of the transaction sets its own.
		s.top.actor = nil
	}
	_, err := tx.Exec(ctx, setActorSQL, args...)
	return err
}

// topWrite is what the start of a top-level write transaction did: the revision its bump gave (the
// register's once it commits) and the actor it set (setActorSQL's arguments).
type topWrite struct {
	rev   int64
	actor []any
}

// startWrite bumps the revision and sets the actor of ctx in one round trip, at the start of a top-level
// write transaction.
func (s *Store) startWrite(ctx context.Context, tx pgx.Tx) (*topWrite, error) {
	w := &topWrite{actor: s.actorArgs(ctx)}
	b := &pgx.Batch{}
	b.Queue(bumpRevisionSQL).QueryRow(func(row pgx.Row) error { return row.Scan(&w.rev) })
	b.Queue(setActorSQL, w.actor...).Exec(func(pgconn.CommandTag) error { return nil })
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return w, nil
}

// bumpRevisionSQL starts every top-level write transaction (migrations/0003_revision.sql): the
// register's revision grows when the transaction commits, and the row lock orders writers.
const bumpRevisionSQL = `UPDATE register_revision SET n = n + 1 RETURNING n`

// revisionSQL reads the register's revision.
const revisionSQL = `SELECT n FROM register_revision`

// Revision returns the register's revision: it grows with every committed write, so an unchanged
// number means an unchanged register. Inside InTx it is the transaction's own (the revision it will have
// committed), known without a round trip.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	if s.top != nil {
		return s.top.rev, nil
	}
	n, err := readRow(ctx, s, scanInt64, revisionSQL)
	return n, mapError(err)
}

// scanInt64 scans a row of one bigint.
func scanInt64(row pgx.Row) (int64, error) {
	var n int64
	err := row.Scan(&n)
	return n, err
}

// write runs fn in a write transaction (writeTx) and maps its errors to floorplan's. Outside InTx, a
// transaction that the server aborts for a serialization failure or a deadlock runs again (retrying).
func (s *Store) write(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return s.retrying(ctx, func() error {
		return mapError(s.writeTx(ctx, func(tx pgx.Tx) error { return mapError(fn(tx)) }))
	})
}

// writeTx runs fn in a write transaction (inWriteTx) with the actor of ctx set for the history; a
// transaction of its own first takes a write slot (gate.go), then bumps the register's revision. fn's
// error comes back as it is, others mapped.
func (s *Store) writeTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return s.writeTop(ctx, func(tx pgx.Tx, _ *topWrite) error { return fn(tx) })
}

// writeTop is writeTx handing fn, in a transaction of its own, what its start did (nil inside InTx).
func (s *Store) writeTop(ctx context.Context, fn func(tx pgx.Tx, top *topWrite) error) error {
	if s.tx != nil {
		return s.inWriteTx(ctx, func(tx pgx.Tx) error {
			if err := s.setActor(ctx, tx); err != nil {
				return mapError(err)
			}
			return fn(tx, nil)
		})
	}
	release, err := s.conns.writes.take(ctx, s.conns)
	if err != nil {
		return err
	}
	defer release()
	return s.inWriteTx(ctx, func(tx pgx.Tx) error {
		top, err := s.startWrite(ctx, tx)
		if err != nil {
			return mapError(err)
		}
		return fn(tx, top)
	})
}

// inWriteTx runs fn in a savepoint inside InTx (so that a failed write leaves the outer transaction
// usable), otherwise in a write transaction of its own (transact). It commits when fn returns nil, and
// rolls back when fn returns an error (returned as it is) or panics; its own errors come back mapped.
func (s *Store) inWriteTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	if s.tx == nil {
		return s.transact(ctx, readWrite, "", fn)
	}
	tx, err := s.tx.Begin(ctx)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if err := s.escalate(ctx, tx); err != nil {
		return mapError(err)
	}
	if err := fn(tx); err != nil {
		return err
	}
	return mapError(tx.Commit(ctx))
}

// InTx runs fn with a Store bound to one transaction: every write fn makes commits together when fn
// returns nil, and none does when it returns an error (or panics). Inside InTx, InTx runs fn in a
// savepoint of the same transaction. The transaction has the write limits (the job's under AsJob, or
// from its first bulk insert or snapshot on). A serialization failure or a deadlock fails it with
// floorplan.ErrConflict: fn is not run again.
func (s *Store) InTx(ctx context.Context, fn func(tx floorplan.Store) error) error {
	return s.writeTop(ctx, func(tx pgx.Tx, top *topWrite) error {
		if top == nil { // InTx inside InTx: a savepoint of the same transaction
			top = s.top
		}
		return fn(&Store{pool: s.pool, conns: s.conns, tx: tx, top: top, loc: s.loc, classification: s.classification})
	})
}

// read runs fn in a read-only repeatable-read transaction (or in the current one inside InTx), so that
// several queries see one state of the register; outside InTx, once more on another connection when
// its connection broke, and through the lock gate as gate (its main SQL). Errors are mapped to
// floorplan's.
func (s *Store) read(ctx context.Context, gate string, fn func(q querier) error) error {
	if s.tx != nil {
		if err := s.escalate(ctx, s.tx); err != nil {
			return mapError(err)
		}
		return mapError(fn(s.tx))
	}
	return mapError(s.transact(ctx, readOnly, gate, func(tx pgx.Tx) error { return fn(tx) }))
}

// Analyze gathers the planner's statistics of the register's tables (ANALYZE), as a bulk load (gen, a
// large import) should before the first query: a database whose autovacuum has not run yet has none,
// and the planner then takes every table for a few rows.
func (s *Store) Analyze(ctx context.Context) error {
	if s.tx != nil {
		_, err := s.tx.Exec(ctx, `ANALYZE`)
		return mapError(err)
	}
	job := AsJob(ctx)
	return s.onConn(job, connUse{}, func(c *pgxpool.Conn) error {
		_, err := c.Exec(job, `ANALYZE`)
		return mapError(err)
	})
}
