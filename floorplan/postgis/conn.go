package postgis

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// How the store uses its pool's connections.
//
// Every method takes a connection with acquire, which waits at most the acquire timeout: a pool whose
// connections all wait on a lock makes the next requests fail fast instead of queueing behind them.
//
// A connection can break between two uses: the server ends the session (a restart, a failover,
// pg_terminate_backend) and pgx only notices at the next statement. onConn then runs a read once more on
// another connection, and a write too when it broke on BEGIN (nothing was done yet); it also notes the
// time, and the pool's ShouldPing (set by Open) pings every connection idle since before then when it is
// next acquired, so that one kill of all backends costs each request at most the one retry.
//
// Writes that the server aborts for a serialization failure or a deadlock run again (retrying), a few
// times, before they fail with floorplan.ErrConflict.

// connState is what a Store and the Stores bound to its transactions share about the pool.
type connState struct {
	tuning
	brokenAt atomic.Int64 // when a connection was last found broken (Unix ns; 0: never)
	gate     lockGate
	writes   writeSlots
}

// newConnState returns the state of a pool of maxConns connections used with tuning t.
func newConnState(t tuning, maxConns int32) *connState {
	return &connState{tuning: t, gate: lockGate{locked: map[string]bool{}}, writes: newWriteSlots(maxConns)}
}

// acquireContext is ctx bounded by the acquire timeout.
func (cs *connState) acquireContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if cs.acquire > 0 {
		return context.WithTimeout(ctx, cs.acquire)
	}
	return context.WithCancel(ctx)
}

// idlePingAfter is pgxpool's own rule for pinging a connection before handing it out.
const idlePingAfter = time.Second

// shouldPing is the pool's ShouldPing: pgxpool's rule, and every connection that has been idle since a
// connection was last found broken (its session may have ended at the same time).
func (cs *connState) shouldPing(_ context.Context, p pgxpool.ShouldPingParams) bool {
	if p.IdleDuration >= idlePingAfter {
		return true
	}
	broken := cs.brokenAt.Load()
	return broken != 0 && time.Now().Add(-p.IdleDuration).UnixNano() <= broken
}

// noteBroken records that a connection was found broken now.
func (cs *connState) noteBroken() { cs.brokenAt.Store(time.Now().UnixNano()) }

// acquire takes a connection from the pool, waiting for one at most the acquire timeout. A wait that
// runs out is floorplan.ErrUnavailable; other failures are mapped as mapError does.
func (s *Store) acquire(ctx context.Context) (*pgxpool.Conn, error) {
	actx, cancel := s.conns.acquireContext(ctx)
	defer cancel()
	c, err := s.pool.Acquire(actx)
	if err == nil {
		return c, nil
	}
	var ce *pgconn.ConnectError
	if ctx.Err() != nil || actx.Err() == nil || errors.As(err, &ce) {
		return nil, mapError(err)
	}
	if st := s.pool.Stat(); st.TotalConns() < st.MaxConns() {
		return nil, unavailableError(err, retryOffline, "the database cannot be reached: no connection in %v",
			s.conns.acquire)
	}
	return nil, unavailableError(err, retryBusy, "all %d database connections are busy; try again",
		s.pool.Stat().MaxConns())
}

// startFailed is an error of BEGIN: the transaction never started, so its work may run again.
type startFailed struct{ error }

func (e startFailed) Unwrap() error { return e.error }

// connUse says how onConn may use connections for a piece of work.
type connUse struct {
	idempotent bool   // the work may run again on another connection when its own broke
	gate       string // the SQL that identifies a read for the lock gate ("": not gated)
}

// onConn runs fn on a connection from acquire, then releases it, and returns fn's error as it is. When
// fn fails because the connection broke (the server ended its session), it runs fn once more on another
// connection if fn is idempotent or failed on BEGIN (startFailed).
func (s *Store) onConn(ctx context.Context, use connUse, fn func(c *pgxpool.Conn) error) error {
	broken, err := s.attempt(ctx, use.gate, fn)
	if broken && (use.idempotent || errors.As(err, new(startFailed))) {
		_, err = s.attempt(ctx, use.gate, fn)
	}
	return err
}

// attempt runs fn on a connection from acquire and releases it (a closed one leaves the pool), also when
// fn panics; a read named by gate goes through the lock gate (before it takes a connection, and again
// once it has it: it may have waited for it while the gate closed). broken says
// that fn failed because the connection broke; attempt then notes it.
func (s *Store) attempt(ctx context.Context, gate string, fn func(c *pgxpool.Conn) error) (broken bool, err error) {
	if gate != "" && s.conns.gate.closed(gate) { // not worth a connection
		return false, errGateLocked()
	}
	c, err := s.acquire(ctx)
	if err != nil {
		return false, err
	}
	defer c.Release()
	if gate != "" {
		ok, probe := s.conns.gate.enter(gate)
		if !ok {
			return false, errGateLocked()
		}
		defer func() { s.conns.gate.leave(gate, probe, err) }()
	}
	err = fn(c)
	if err != nil && c.Conn().IsClosed() && ctx.Err() == nil {
		s.conns.noteBroken()
		return true, err
	}
	return false, err
}

// query runs fn, a read identified by sql (for the lock gate), on the transaction inside InTx, else on
// a pooled connection (once more on another when it broke; see onConn). Under AsJob it runs in a
// read-only transaction with the job's limits. fn's error comes back as it is.
func (s *Store) query(ctx context.Context, sql string, fn func(q querier) error) error {
	switch {
	case s.tx != nil:
		return fn(s.tx)
	case classOf(ctx, ClassRead) == ClassJob:
		return s.transact(ctx, readOnly, sql, func(tx pgx.Tx) error { return fn(tx) })
	}
	return s.onConn(ctx, connUse{idempotent: true, gate: sql}, func(c *pgxpool.Conn) error { return fn(c) })
}

// exec runs fn, a write of one statement, on the transaction inside InTx, else on a pooled connection
// (not again: the statement may have run). fn's error comes back as it is.
func (s *Store) exec(ctx context.Context, fn func(q querier) error) error {
	if s.tx != nil {
		return fn(s.tx)
	}
	return s.onConn(ctx, connUse{}, func(c *pgxpool.Conn) error { return fn(c) })
}

// execTag runs sql, a write of one statement, through exec and returns its command tag.
func (s *Store) execTag(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	var tag pgconn.CommandTag
	err := s.exec(ctx, func(q querier) error {
		var err error
		tag, err = q.Exec(ctx, sql, args...)
		return err
	})
	return tag, err
}

// readOne is one through query.
func readOne[T any](ctx context.Context, s *Store, scan func(pgx.Row) (T, error), sql, what string,
	id uuid.UUID) (T, error) {
	return get(ctx, s, sql, func(q querier) (T, error) { return one(ctx, q, scan, sql, what, id) })
}

// readAll is collect through query.
func readAll[T any](ctx context.Context, s *Store, scan func(pgx.Row) (T, error), sql string,
	args ...any) ([]T, error) {
	return get(ctx, s, sql, func(q querier) ([]T, error) { return collect(ctx, q, scan, sql, args...) })
}

// readRow scans the one row of sql with scan, through query; no row is pgx.ErrNoRows, as it is.
func readRow[T any](ctx context.Context, s *Store, scan func(pgx.Row) (T, error), sql string, args ...any) (T, error) {
	return get(ctx, s, sql, func(q querier) (T, error) { return scan(q.QueryRow(ctx, sql, args...)) })
}

// get returns what fn, a read identified by sql, reads through query.
func get[T any](ctx context.Context, s *Store, sql string, fn func(q querier) (T, error)) (T, error) {
	var v T
	err := s.query(ctx, sql, func(q querier) error {
		var err error
		v, err = fn(q)
		return err
	})
	return v, err
}

// transact runs fn in a transaction of mode on a pooled connection, with the limits of the class of ctx
// (reads for readOnly, writes for readWrite, unless AsJob): it commits when fn returns nil and rolls
// back when fn fails (or panics). A read runs once more on a broken connection, a write only when it
// broke on BEGIN (onConn); a read goes through the lock gate as gate (its main SQL). fn's error comes
// back as it is, others mapped.
func (s *Store) transact(ctx context.Context, mode txMode, gate string, fn func(tx pgx.Tx) error) error {
	class := ClassWrite
	if mode == readOnly {
		class = ClassRead
	}
	opts := pgx.TxOptions{BeginQuery: beginSQL(mode, s.conns.limits[classOf(ctx, class)])}
	use := connUse{idempotent: mode == readOnly, gate: gate}
	return s.onConn(ctx, use, func(c *pgxpool.Conn) error {
		tx, err := c.BeginTx(ctx, opts)
		if err != nil {
			return startFailed{mapError(err)}
		}
		// A no-op after Commit; with a cancelled ctx pgx closes the connection, which rolls back.
		defer tx.Rollback(ctx) //nolint:errcheck
		if err := fn(tx); err != nil {
			return err
		}
		return mapError(tx.Commit(ctx))
	})
}

// escalate gives the rest of the current transaction the job's limits when ctx is AsJob's: the work of
// a job inside InTx (a bulk insert, a snapshot) may run long.
func (s *Store) escalate(ctx context.Context, q querier) error {
	if classOf(ctx, ClassWrite) != ClassJob {
		return nil
	}
	_, err := q.Exec(ctx, setLimitsSQL, s.conns.limits[ClassJob].limitArgs(true)...)
	return err
}

// maxWriteAttempts bounds how often retrying runs a write that the server aborts for a serialization
// failure or a deadlock.
const maxWriteAttempts = 4

// retrying runs fn, a whole transaction of the store's own, until it does not fail with a serialization
// failure or a deadlock, at most maxWriteAttempts times, with a short random pause between attempts.
// Inside InTx it runs fn once: the transaction is the caller's.
func (s *Store) retrying(ctx context.Context, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if s.tx != nil || attempt == maxWriteAttempts || !aborted(err) {
			return err
		}
		pause := time.Duration(attempt)*10*time.Millisecond + rand.N(20*time.Millisecond)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

// aborted reports whether err is the server aborting a transaction for a serialization failure or a
// deadlock, after which the same transaction may well succeed.
func aborted(err error) bool {
	pe := pgError(err)
	return pe != nil && (pe.Code == codeSerializationFailure || pe.Code == codeDeadlock)
}

// ping checks that the database answers on a pooled connection (or the transaction inside InTx). A
// connection whose session the server ended is replaced, not reported: Ping fails when the database
// cannot give the pool a working connection within the acquire timeout.
func (s *Store) ping(ctx context.Context) error {
	if s.tx != nil {
		return s.tx.Conn().Ping(ctx)
	}
	return s.onConn(ctx, connUse{idempotent: true}, func(c *pgxpool.Conn) error { return c.Ping(ctx) })
}

// How long a client should wait before it tries again (storeError.RetryAfter), by what made the store
// unavailable.
const (
	retryBusy    = 1 * time.Second // no pooled connection free
	retryLocked  = 2 * time.Second // a lock timeout
	retrySlow    = 5 * time.Second // a statement timeout
	retryOffline = 5 * time.Second // the database cannot be reached or refuses work
)
