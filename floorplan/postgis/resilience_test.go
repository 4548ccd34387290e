package postgis_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
)

// Tests of how the store copes with a database that is slow, locked, restarted or refusing work (issue
// 13). Each test has a database of its own: they lock tables, kill sessions and change the schema.

// openOwn opens a store on a fresh database of the test's own, with a fixture in it, and returns them
// with a pool for checks in SQL on the same database.
func openOwn(t *testing.T, opts ...postgis.Option) (*postgis.Store, *fixture, *pgxpool.Pool) {
	t.Helper()
	url := pgtest.NewDB(t)
	s := openStoreOn(t, url, opts...)
	return s, newFixture(t, s), poolOn(t, url)
}

// errOf is the error of a (value, error) pair.
func errOf[T any](_ T, err error) error { return err }

// withParams adds query parameters ("k=v&…") to a postgres:// URL.
func withParams(t *testing.T, u, params string) string {
	t.Helper()
	pu, err := url.Parse(u)
	must(t, err)
	if pu.RawQuery != "" {
		params = pu.RawQuery + "&" + params
	}
	pu.RawQuery = params
	return pu.String()
}

// retryAfter is the RetryAfter hint of err, or 0.
func retryAfter(err error) time.Duration {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		return ra.RetryAfter()
	}
	return 0
}

// wantUnavailable fails t unless err wraps floorplan.ErrUnavailable with a RetryAfter hint, a message
// holding want and no SQL.
func wantUnavailable(t *testing.T, what string, err error, want string) {
	t.Helper()
	switch {
	case !errors.Is(err, floorplan.ErrUnavailable):
		t.Errorf("%s = %v, want ErrUnavailable", what, err)
	case !strings.Contains(err.Error(), want):
		t.Errorf("%s = %q, want a message with %q", what, err, want)
	case strings.Contains(err.Error(), "SQLSTATE") || strings.Contains(err.Error(), "SELECT"):
		t.Errorf("%s: the message leaks SQL: %q", what, err)
	case retryAfter(err) <= 0:
		t.Errorf("%s: no RetryAfter hint on %v", what, err)
	}
}

// lockTable takes an ACCESS EXCLUSIVE lock on table in a transaction of p's, held until t ends.
func lockTable(t *testing.T, p *pgxpool.Pool, table string) {
	t.Helper()
	hold, err := p.Begin(context.Background())
	must(t, err)
	t.Cleanup(func() { hold.Rollback(context.Background()) }) //nolint:errcheck
	_, err = hold.Exec(context.Background(), "LOCK TABLE "+pgx.Identifier{table}.Sanitize()+" IN ACCESS EXCLUSIVE MODE")
	must(t, err)
}

// timed is one request's outcome.
type timed struct {
	what string
	err  error
	took time.Duration
}

// race runs the requests at once and returns their outcomes, in order.
func race(reqs map[string]func() error) []timed {
	out := make([]timed, 0, len(reqs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for what, fn := range reqs {
		wg.Go(func() {
			start := time.Now()
			err := fn()
			mu.Lock()
			out = append(out, timed{what, err, time.Since(start)})
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// TestLockedTable: with agencies locked in another session, the requests that need agencies fail
// within their lock timeout with ErrUnavailable, while reads of other tables succeed, although there are
// three times more requests than pooled connections (issue 13: 12 agency requests held the 8 connections
// and /buildings took 28 s). Once the first requests have found the lock, reads of other tables keep
// their usual latency: the requests that need agencies no longer take the pool.
func TestLockedTable(t *testing.T) {
	const lockTimeout, acquireTimeout = 2 * time.Second, 5 * time.Second
	limits := postgis.Limits{Statement: 20 * time.Second, Lock: lockTimeout}
	s, f, admin := openOwn(t, postgis.WithMaxConns(4), postgis.WithAcquireTimeout(acquireTimeout),
		postgis.WithLimits(postgis.ClassRead, limits), postgis.WithLimits(postgis.ClassWrite, limits))
	lockTable(t, admin, "agencies")

	agencyReqs, otherReqs := map[string]func() error{}, map[string]func() error{}
	for i := range 4 {
		agencyReqs[fmt.Sprint("Agencies ", i)] = func() error { return errOf(s.Agencies(f.ctx)) }
		agencyReqs[fmt.Sprint("Agency ", i)] = func() error { return errOf(s.Agency(f.ctx, f.agencies[0].ID)) }
		agencyReqs[fmt.Sprint("UpdateAgency ", i)] = func() error {
			a := f.agencies[1]
			a.Headcount = i
			return s.UpdateAgency(f.ctx, &a)
		}
		otherReqs[fmt.Sprint("Floors ", i)] = func() error { return errOf(s.Floors(f.ctx, f.building.ID)) }
		otherReqs[fmt.Sprint("Floor ", i)] = func() error { return errOf(s.Floor(f.ctx, f.floors[1].ID)) }
	}
	all := maps.Clone(agencyReqs)
	maps.Copy(all, otherReqs)
	// The first time, the agency requests may take every connection for a lock timeout until each of
	// their statements has timed out once (a wave for each of the three); the second time they take at
	// most one connection per statement.
	for round, otherLimit := range []time.Duration{3*lockTimeout + 2*time.Second, lockTimeout / 2} {
		var slowest [2]time.Duration // agency requests, others
		for _, r := range race(all) {
			if agencyReqs[r.what] != nil {
				slowest[0] = max(slowest[0], r.took)
				want := "locked"
				if round == 0 || strings.HasPrefix(r.what, "UpdateAgency") {
					want = "try again" // locked, or kept waiting for a connection or a write slot by the others
				}
				wantUnavailable(t, r.what+" with agencies locked", r.err, want)
				if r.took > acquireTimeout+lockTimeout+time.Second {
					t.Errorf("round %d: %s failed after %v", round, r.what, r.took)
				}
				continue
			}
			slowest[1] = max(slowest[1], r.took)
			if r.err != nil {
				t.Errorf("round %d: %s with agencies locked: %v", round, r.what, r.err)
			}
			if r.took > otherLimit {
				t.Errorf("round %d: %s took %v with agencies locked, want at most %v", round, r.what, r.took, otherLimit)
			}
		}
		t.Logf("round %d: slowest agency request %v, slowest other %v", round, slowest[0], slowest[1])
		if n := s.Pool().Stat().AcquiredConns(); n != 0 {
			t.Errorf("round %d: %d connections still acquired after the requests", round, n)
		}
	}
}

// TestLockedTableDefaults: the default limits apply to reads (DefaultReadLockTimeout) and writes
// (DefaultWriteLockTimeout), and statements never wait for the test's deadline.
func TestLockedTableDefaults(t *testing.T) {
	s, f, admin := openOwn(t)
	lockTable(t, admin, "agencies")
	out := race(map[string]func() error{
		"read": func() error { return errOf(s.Agencies(f.ctx)) },
		"write": func() error {
			a := floorplan.Agency{Name: "新机关", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
			return s.CreateAgency(f.ctx, &a)
		},
	})
	limit := map[string]time.Duration{"read": postgis.DefaultReadLockTimeout, "write": postgis.DefaultWriteLockTimeout}
	for _, r := range out {
		wantUnavailable(t, r.what+" with agencies locked", r.err, "locked")
		if l := limit[r.what]; r.took < l-100*time.Millisecond || r.took > l+3*time.Second {
			t.Errorf("the %s failed after %v, want about its lock timeout %v", r.what, r.took, l)
		}
	}
}

// TestAcquireTimeout: a request that finds every pooled connection busy for longer than the acquire
// timeout fails with ErrUnavailable (on a store from New: the option applies to a pool of the caller's).
func TestAcquireTimeout(t *testing.T) {
	pool := poolOn(t, withParams(t, dbURL, "pool_max_conns=2"))
	s := postgis.New(pool, postgis.WithAcquireTimeout(200*time.Millisecond))
	ctx := ctxFor(t)
	var held []*pgxpool.Conn
	for range 2 {
		c, err := pool.Acquire(ctx)
		must(t, err)
		held = append(held, c)
	}
	start := time.Now()
	_, err := s.Sites(ctx)
	wantUnavailable(t, "Sites with every connection busy", err, "busy")
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Sites waited %v for a connection, want about 200ms", took)
	}
	wantUnavailable(t, "Ping with every connection busy", s.Ping(ctx), "busy")
	held[0].Release()
	must(t, errOf(s.Sites(ctx)))
	held[1].Release()
}

// killSessions ends the store's sessions on the database of admin (application_name officemap) and
// waits until they are gone; it returns how many there were.
func killSessions(t *testing.T, admin *pgxpool.Pool) int {
	t.Helper()
	var n int
	err := admin.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
 WHERE datname = current_database() AND application_name = 'officemap' AND pid <> pg_backend_pid()`).Scan(&n)
	must(t, err)
	return n
}

// TestKilledSessions: after the server ends every session of the pool (pg_terminate_backend, as in a
// restart or a failover), the next reads and writes succeed on new connections, whether they come one
// by one or all at once, and Ping says the database is ready (issue 13: 96 failed reads for 72 kills).
func TestKilledSessions(t *testing.T) {
	s, f, admin := openOwn(t, postgis.WithMaxConns(4))
	reads := map[string]func() error{
		"Floors":   func() error { return errOf(s.Floors(f.ctx, f.building.ID)) },
		"Agencies": func() error { return errOf(s.Agencies(f.ctx)) },
		"Person":   func() error { return ignoreNotFound(errOf(s.Person(f.ctx, f.agencies[0].ID))) },
		"Snapshot": func() error { return errOf(s.Snapshot(f.ctx, s.Today())) },
	}
	write := func() error {
		a := f.agencies[0]
		a.Headcount++
		return s.UpdateAgency(f.ctx, &a)
	}
	warm := func() {
		for _, r := range race(reads) { // every pooled connection used a moment ago: no ping before reuse
			must(t, r.err)
		}
	}
	for round := range 3 {
		warm()
		if n := killSessions(t, admin); n == 0 {
			t.Fatal("no session of the store to kill")
		}
		switch round {
		case 0:
			for what, fn := range reads {
				if err := fn(); err != nil {
					t.Errorf("round %d: %s after the sessions were killed: %v", round, what, err)
				}
			}
		case 1:
			if err := write(); err != nil {
				t.Errorf("round %d: a write after the sessions were killed: %v", round, err)
			}
			if err := s.Ping(f.ctx); err != nil {
				t.Errorf("round %d: Ping after the sessions were killed: %v", round, err)
			}
		case 2:
			for _, r := range race(reads) {
				if r.err != nil {
					t.Errorf("round %d: %s at once after the sessions were killed: %v", round, r.what, r.err)
				}
			}
		}
	}
}

// ignoreNotFound is err unless it wraps floorplan.ErrNotFound.
func ignoreNotFound(err error) error {
	if errors.Is(err, floorplan.ErrNotFound) {
		return nil
	}
	return err
}

// TestRefusedConnections: a database that refuses connections (ALLOW_CONNECTIONS false: SQLSTATE 55000
// on connecting) after its sessions ended makes reads, writes and Ping fail with ErrUnavailable, not an
// internal error (issue 13), and the store recovers once the database accepts connections again.
func TestRefusedConnections(t *testing.T) {
	s, f, admin := openOwn(t, postgis.WithMaxConns(2))
	server := poolOn(t, pgtest.ServerURL())
	var db string
	must(t, admin.QueryRow(f.ctx, `SELECT current_database()`).Scan(&db))
	allow := func(on bool) {
		_, err := server.Exec(context.Background(), fmt.Sprintf("ALTER DATABASE %s ALLOW_CONNECTIONS %t",
			pgx.Identifier{db}.Sanitize(), on))
		must(t, err)
	}
	allow(false)
	t.Cleanup(func() { allow(true) })
	killSessions(t, admin)

	_, err := s.Floors(f.ctx, f.building.ID)
	wantUnavailable(t, "Floors on a database refusing connections", err, "cannot be reached")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "55000" {
		t.Errorf("the server's error is not kept for the logs: %v", err)
	}
	a := f.agencies[0]
	wantUnavailable(t, "UpdateAgency on a database refusing connections", s.UpdateAgency(f.ctx, &a), "cannot be reached")
	wantUnavailable(t, "Ping on a database refusing connections", s.Ping(f.ctx), "cannot be reached")

	allow(true)
	must(t, s.Ping(f.ctx))
	must(t, errOf(s.Floors(f.ctx, f.building.ID)))
}

// TestMapServerErrors: the SQLSTATEs of a database that cannot serve now map to ErrUnavailable with a
// RetryAfter hint, and those of an aborted transaction to ErrConflict.
func TestMapServerErrors(t *testing.T) {
	for code, want := range map[string]string{
		"08000": "unavailable", "08003": "unavailable", "08006": "unavailable", "08001": "unavailable",
		"57P01": "unavailable", "57P02": "unavailable", "57P03": "unavailable", "53300": "unavailable",
		"55000": "not accepting", "55P03": "locked", "57014": "in time",
	} {
		err := postgis.MapError(fmt.Errorf("query: %w", &pgconn.PgError{Code: code, Message: "SELECT boom"}))
		wantUnavailable(t, code, err, want)
	}
	for _, code := range []string{"40001", "40P01"} {
		err := postgis.MapError(&pgconn.PgError{Code: code})
		if !errors.Is(err, floorplan.ErrConflict) || retryAfter(err) != 0 {
			t.Errorf("%s = %v, want ErrConflict without RetryAfter", code, err)
		}
	}
}

// flakyAgencies makes the next n inserts into agencies fail with SQLSTATE code, and returns a function
// that counts the inserts tried since.
func flakyAgencies(t *testing.T, p *pgxpool.Pool, code string, n int) (tries func() int) {
	t.Helper()
	ctx := context.Background()
	for _, sql := range []string{
		`DROP TRIGGER IF EXISTS flaky ON agencies`,
		`DROP SEQUENCE IF EXISTS flaky_tries`,
		`CREATE SEQUENCE flaky_tries`,
		fmt.Sprintf(`CREATE OR REPLACE FUNCTION flaky() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF nextval('flaky_tries') <= %d THEN RAISE EXCEPTION 'injected' USING ERRCODE = '%s'; END IF;
  RETURN NEW;
END $$`, n, code),
		`CREATE TRIGGER flaky BEFORE INSERT ON agencies FOR EACH ROW EXECUTE FUNCTION flaky()`,
	} {
		_, err := p.Exec(ctx, sql)
		must(t, err)
	}
	return func() int {
		var v int
		must(t, p.QueryRow(ctx, `SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM flaky_tries`).Scan(&v))
		return v
	}
}

// TestAbortedWritesRetried: a write that the server aborts for a serialization failure or a deadlock
// runs again, up to MaxWriteAttempts times, then fails with ErrConflict; InTx's function is not run
// again.
func TestAbortedWritesRetried(t *testing.T) {
	s, f, admin := openOwn(t)
	newAgency := func(name string) *floorplan.Agency {
		return &floorplan.Agency{Name: name, Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	}
	for _, code := range []string{"40001", "40P01"} {
		tries := flakyAgencies(t, admin, code, postgis.MaxWriteAttempts-1)
		a := newAgency("重试机关 " + code)
		if err := s.CreateAgency(f.ctx, a); err != nil {
			t.Errorf("%s: CreateAgency after %d aborts = %v", code, postgis.MaxWriteAttempts-1, err)
		} else if got, err := s.Agency(f.ctx, a.ID); err != nil || got.Name != a.Name {
			t.Errorf("%s: the retried agency reads back as %+v, %v", code, got, err)
		}
		if n := tries(); n != postgis.MaxWriteAttempts {
			t.Errorf("%s: %d tries, want %d", code, n, postgis.MaxWriteAttempts)
		}

		tries = flakyAgencies(t, admin, code, 100)
		err := s.CreateAgency(f.ctx, newAgency("总失败 "+code))
		if !errors.Is(err, floorplan.ErrConflict) || tries() != postgis.MaxWriteAttempts {
			t.Errorf("%s: CreateAgency always aborted = %v after %d tries, want ErrConflict after %d", code, err,
				tries(), postgis.MaxWriteAttempts)
		}

		tries = flakyAgencies(t, admin, code, 1)
		err = s.InTx(f.ctx, func(tx floorplan.Store) error { return tx.CreateAgency(f.ctx, newAgency("事务内 "+code)) })
		if !errors.Is(err, floorplan.ErrConflict) || tries() != 1 {
			t.Errorf("%s: InTx aborted once = %v after %d tries, want ErrConflict after 1", code, err, tries())
		}
	}
}

// TestDeadlockRetried: a real deadlock between a store write and another session aborts the store's
// transaction (the other session detects deadlocks only after 10 s), which runs again and succeeds.
func TestDeadlockRetried(t *testing.T) {
	s, f, admin := openOwn(t)
	ctx := f.ctx
	other, err := admin.Begin(ctx)
	must(t, err)
	defer other.Rollback(context.Background()) //nolint:errcheck
	_, err = other.Exec(ctx, `SET LOCAL deadlock_timeout = '10s'`)
	must(t, err)
	_, err = other.Exec(ctx, `SELECT 1 FROM agencies WHERE id = $1 FOR UPDATE`, f.agencies[0].ID)
	must(t, err)

	done := make(chan error, 1)
	a := f.agencies[0]
	a.Name = "死锁后改名"
	go func() { done <- s.UpdateAgency(ctx, &a) }() // takes the revision row, then waits for the agency
	waitForLockWait(t, admin)
	_, err = other.Exec(ctx, `UPDATE register_revision SET n = n`) // waits for the store: a deadlock
	if err != nil {
		t.Fatalf("the other session lost the deadlock: %v", err)
	}
	must(t, other.Rollback(ctx))
	if err := <-done; err != nil {
		t.Fatalf("UpdateAgency after a deadlock = %v, want it run again", err)
	}
	got, err := s.Agency(ctx, a.ID)
	must(t, err)
	if got.Name != a.Name {
		t.Errorf("agency after the retried update: %q", got.Name)
	}
}

// waitForLockWait waits until a session of the store waits for a lock.
func waitForLockWait(t *testing.T, admin *pgxpool.Pool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var n int
		must(t, admin.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
 WHERE datname = current_database() AND application_name = 'officemap' AND wait_event_type = 'Lock'`).Scan(&n))
		if n > 0 {
			return
		}
	}
	t.Fatal("the store's write never waited for the lock")
}

// TestLimitsFromURL: the connection URL sets the limits (PostgreSQL's own parameters for reads and
// writes, officemap_ ones per class); options override it; a bad value is ErrInvalid.
func TestLimitsFromURL(t *testing.T) {
	ctx := ctxFor(t)
	s := openStoreOn(t, withParams(t, dbURL, "statement_timeout=4s&lock_timeout=700&officemap_read_lock_timeout=250ms"+
		"&officemap_job_statement_timeout=2min&officemap_acquire_timeout=1s"),
		postgis.WithLimits(postgis.ClassJob, postgis.Limits{Statement: 3 * time.Minute, Lock: 5 * time.Second}))
	setting := func(st *postgis.Store, ctx context.Context, name string) string {
		v, err := st.Setting(ctx, name)
		must(t, err)
		return v
	}
	if got := setting(s, ctx, "statement_timeout") + " " + setting(s, ctx, "lock_timeout"); got != "4s 250ms" {
		t.Errorf("a read's statement and lock timeouts = %s, want 4s 250ms", got)
	}
	inTx := func(ctx context.Context, fn func(tx *postgis.Store)) {
		must(t, s.InTx(ctx, func(tx floorplan.Store) error {
			fn(tx.(*postgis.Store))
			return nil
		}))
	}
	inTx(ctx, func(tx *postgis.Store) {
		if got := setting(tx, ctx, "statement_timeout") + " " + setting(tx, ctx, "lock_timeout"); got != "4s 700ms" {
			t.Errorf("a write's statement and lock timeouts = %s, want 4s 700ms", got)
		}
	})
	inTx(postgis.AsJob(ctx), func(tx *postgis.Store) {
		if got := setting(tx, ctx, "statement_timeout") + " " + setting(tx, ctx, "lock_timeout"); got != "3min 5s" {
			t.Errorf("a job's statement and lock timeouts = %s, want 3min 5s", got)
		}
	})
	if got := setting(s, ctx, "statement_timeout"); got != "4s" {
		t.Errorf("after the transactions a read's statement timeout is %s", got)
	}
	bad := withParams(t, dbURL, "officemap_write_lock_timeout=soon")
	if _, err := postgis.Open(ctx, bad); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("Open with a bad timeout = %v, want ErrInvalid", err)
	}
}

// TestJobLimitsInTx: a bulk insert inside InTx gives the rest of the transaction the job's limits.
func TestJobLimitsInTx(t *testing.T) {
	s, f := openFixture(t)
	must(t, s.InTx(f.ctx, func(tx floorplan.Store) error {
		st := tx.(*postgis.Store)
		before, err := st.Setting(f.ctx, "statement_timeout")
		must(t, err)
		must(t, tx.BulkInsertRooms(f.ctx, []floorplan.Room{f.newRoom(1, "J1", rect(0, 0, 3, 3))}))
		after, err := st.Setting(f.ctx, "statement_timeout")
		must(t, err)
		if before != "30s" || after != "5min" {
			t.Errorf("statement_timeout in InTx = %s, then %s after a bulk insert; want 30s, then 5min", before, after)
		}
		return nil
	}))
}
