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
package postgis

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"officemap/floorplan"
)

var _ floorplan.Store = (*Store)(nil)

// Store is floorplan.Store on PostGIS. A Store from Open owns its pool; the Store that InTx passes to its
// function is bound to the transaction.
type Store struct {
	pool           *pgxpool.Pool
	tx             pgx.Tx // nil outside InTx
	loc            *time.Location
	classification floorplan.Classification // sites' categories
	owned          bool                     // Close closes the pool
}

// Defaults for Open.
const (
	DefaultStatementTimeout = 30 * time.Second
	defaultConnectTimeout   = 5 * time.Second
)

type options struct {
	maxConns         int32
	statementTimeout time.Duration
	loc              *time.Location
	classification   *floorplan.Classification
}

func newOptions(opts []Option) options {
	o := options{statementTimeout: DefaultStatementTimeout, loc: time.Local}
	for _, opt := range opts {
		opt(&o)
	}
	if o.classification == nil {
		c := floorplan.BuiltinClassification()
		o.classification = &c
	}
	return o
}

// Option configures Open.
type Option func(*options)

// WithMaxConns sets the pool's maximum number of connections (default: the URL's pool_max_conns, or
// the larger of 8 and twice the number of CPUs).
func WithMaxConns(n int) Option {
	return func(o *options) { o.maxConns = int32(n) }
}

// WithStatementTimeout sets the server-side statement_timeout of every connection (default 30 s; 0
// turns it off). A statement that runs longer fails with an error wrapping floorplan.ErrUnavailable.
func WithStatementTimeout(d time.Duration) Option {
	return func(o *options) { o.statementTimeout = d }
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
// not migrate: call Migrate (or Store.Migrate) first on a new database.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	o := newOptions(opts)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, newError(floorplan.ErrInvalid, err, "the database URL cannot be parsed")
	}
	switch {
	case o.maxConns > 0:
		cfg.MaxConns = o.maxConns
	case !hasParam(url, "pool_max_conns"):
		cfg.MaxConns = int32(max(8, 2*runtime.NumCPU()))
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	rp := cfg.ConnConfig.RuntimeParams
	rp["statement_timeout"] = strconv.FormatInt(o.statementTimeout.Milliseconds(), 10)
	if rp["application_name"] == "" {
		rp["application_name"] = "officemap"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, newError(floorplan.ErrUnavailable, err, "the database cannot be reached")
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, unavailable(err)
	}
	return &Store{pool: pool, loc: o.loc, classification: *o.classification, owned: true}, nil
}

// New returns a Store on an existing pool, which the caller keeps and closes. Options about the pool
// (WithMaxConns, WithStatementTimeout) do not apply.
func New(pool *pgxpool.Pool, opts ...Option) *Store {
	o := newOptions(opts)
	return &Store{pool: pool, loc: o.loc, classification: *o.classification}
}

func hasParam(url, name string) bool {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		return false
	}
	_, ok := cfg.RuntimeParams[name]
	return ok
}

// unavailable maps a failure to reach the database to ErrUnavailable, keeping context cancellation.
func unavailable(err error) error {
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("postgis: %w", context.Canceled)
	}
	return newError(floorplan.ErrUnavailable, err, "the database cannot be reached")
}

// Pool returns the store's connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Migrate brings the schema up to date (see the package function Migrate).
func (s *Store) Migrate(ctx context.Context) error { return Migrate(ctx, s.pool) }

// Close closes the pool of a Store from Open; it does nothing for other Stores.
func (s *Store) Close() error {
	if s.owned && s.tx == nil {
		s.pool.Close()
	}
	return nil
}

const pingSQL = `SELECT 1`

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.q().QueryRow(ctx, pingSQL).Scan(&one); err != nil {
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

// q returns the transaction inside InTx, the pool outside.
func (s *Store) q() querier {
	if s.tx != nil {
		return s.tx
	}
	return s.pool
}

// setActorSQL records who is writing, why, from which day the change holds (empty: the default of
// migrations/0004_bitemporal.sql) and the store's calendar day, for the history triggers, until the end
// of the transaction.
const setActorSQL = `SELECT set_config('officemap.actor', $1, true), set_config('officemap.reason', $2, true),
       set_config('officemap.effective', $3, true), set_config('officemap.today', $4, true)`

// setActor sets what setActorSQL says from ctx.
func (s *Store) setActor(ctx context.Context, tx pgx.Tx) error {
	eff := ""
	if d, ok := floorplan.EffectiveFrom(ctx); ok {
		eff = d.Format(floorplan.DateLayout)
	}
	_, err := tx.Exec(ctx, setActorSQL, floorplan.ActorFrom(ctx), floorplan.ReasonFrom(ctx), eff,
		s.today().Format(floorplan.DateLayout))
	return err
}

// bumpRevisionSQL starts every top-level write transaction (migrations/0003_revision.sql): the
// register's revision grows when the transaction commits, and the row lock orders writers.
const bumpRevisionSQL = `UPDATE register_revision SET n = n + 1`

// revisionSQL reads the register's revision.
const revisionSQL = `SELECT n FROM register_revision`

// Revision returns the register's revision: it grows with every committed write, so an unchanged
// number means an unchanged register.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	var n int64
	if err := s.q().QueryRow(ctx, revisionSQL).Scan(&n); err != nil {
		return 0, mapError(err)
	}
	return n, nil
}

// begin starts a write transaction: a savepoint inside InTx, otherwise a transaction that first bumps
// the revision; either way with the actor of ctx set for the history.
func (s *Store) begin(ctx context.Context) (pgx.Tx, error) {
	if s.tx != nil {
		return s.tx.Begin(ctx)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, bumpRevisionSQL); err != nil {
		tx.Rollback(ctx) //nolint:errcheck // the error above is the one to report
		return nil, err
	}
	return tx, nil
}

// write runs fn in a transaction (a savepoint inside InTx, so that a failed write leaves the outer
// transaction usable) with the actor of ctx set for the history. Errors are mapped to floorplan's.
func (s *Store) write(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return s.writeTx(ctx, func(tx pgx.Tx) error { return mapError(fn(tx)) })
}

// writeTx runs fn in a write transaction as begin starts it, with the actor of ctx set for the history:
// it commits when fn returns nil, and rolls back when fn returns an error (returned as it is) or panics.
func (s *Store) writeTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit; with a cancelled ctx pgx closes the connection, which rolls back
	if err := s.setActor(ctx, tx); err != nil {
		return mapError(err)
	}
	if err := fn(tx); err != nil {
		return err
	}
	return mapError(tx.Commit(ctx))
}

// InTx runs fn with a Store bound to one transaction: every write fn makes commits together when fn
// returns nil, and none does when it returns an error (or panics). Inside InTx, InTx runs fn in a
// savepoint of the same transaction.
func (s *Store) InTx(ctx context.Context, fn func(tx floorplan.Store) error) error {
	return s.writeTx(ctx, func(tx pgx.Tx) error {
		return fn(&Store{pool: s.pool, tx: tx, loc: s.loc, classification: s.classification})
	})
}

// read runs fn in a read-only repeatable-read transaction (or in the current one inside InTx), so that
// several queries see one state of the register.
func (s *Store) read(ctx context.Context, fn func(q querier) error) error {
	if s.tx != nil {
		return mapError(fn(s.tx))
	}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	if err := fn(tx); err != nil {
		return mapError(err)
	}
	return mapError(tx.Commit(ctx))
}
