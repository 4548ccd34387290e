package postgis

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"officemap/floorplan"
)

// Class is a kind of database work; each class has its own Limits (see the package documentation).
type Class int

const (
	// ClassRead is an interactive read: one statement, or a read-only transaction of a few.
	ClassRead Class = iota
	// ClassWrite is an interactive write: one transaction (InTx, or each Create/Update/Delete method).
	ClassWrite
	// ClassJob is long work over much of the register: imports, exports, snapshots, bulk inserts and
	// migrations. Store methods that are such work by nature use it themselves; AsJob marks other work.
	ClassJob
	nClasses
)

// String returns the class's name as the connection URL's parameters spell it (read, write, job).
func (c Class) String() string {
	switch c {
	case ClassRead:
		return "read"
	case ClassWrite:
		return "write"
	case ClassJob:
		return "job"
	}
	return "class(" + strconv.Itoa(int(c)) + ")"
}

// Limits bound the statements of a class of work on the server. Zero turns a limit off.
type Limits struct {
	// Statement is PostgreSQL's statement_timeout: how long one statement may run, lock waits included.
	Statement time.Duration
	// Lock is PostgreSQL's lock_timeout: how long one statement may wait for a lock on a table or a row.
	Lock time.Duration
}

// Defaults of Open. Reads never wait for row locks (each sees a snapshot), so a read that waits for a
// lock at all waits for DDL or an explicit LOCK TABLE: it gives up after a second rather than hold a
// pooled connection. Writes wait for each other (every write transaction takes the register's revision
// row first), so they get longer. Jobs run long statements and may wait behind interactive writes.
const (
	// DefaultAcquireTimeout is how long a request waits for a pooled connection.
	DefaultAcquireTimeout = 5 * time.Second
	// DefaultStatementTimeout is the statement_timeout of reads and writes.
	DefaultStatementTimeout = 30 * time.Second
	// DefaultReadLockTimeout is the lock_timeout of reads.
	DefaultReadLockTimeout = 1 * time.Second
	// DefaultWriteLockTimeout is the lock_timeout of writes.
	DefaultWriteLockTimeout = 3 * time.Second
	// DefaultJobStatementTimeout is the statement_timeout of jobs.
	DefaultJobStatementTimeout = 5 * time.Minute
	// DefaultJobLockTimeout is the lock_timeout of jobs.
	DefaultJobLockTimeout = 30 * time.Second
)

// tuning is how the store bounds its use of the database: the acquire timeout and each class's limits.
type tuning struct {
	acquire time.Duration
	limits  [nClasses]Limits
}

func defaultTuning() tuning {
	return tuning{acquire: DefaultAcquireTimeout, limits: [nClasses]Limits{
		ClassRead:  {Statement: DefaultStatementTimeout, Lock: DefaultReadLockTimeout},
		ClassWrite: {Statement: DefaultStatementTimeout, Lock: DefaultWriteLockTimeout},
		ClassJob:   {Statement: DefaultJobStatementTimeout, Lock: DefaultJobLockTimeout},
	}}
}

// WithAcquireTimeout sets how long a request waits for a pooled connection when all are in use (default
// DefaultAcquireTimeout; 0: as long as its context lets it). One that waits longer fails with an error
// wrapping floorplan.ErrUnavailable.
func WithAcquireTimeout(d time.Duration) Option {
	return tune(func(t *tuning) { t.acquire = max(d, 0) })
}

// WithLimits sets the limits of a class of work (defaults: see the package documentation).
func WithLimits(c Class, l Limits) Option {
	return tune(func(t *tuning) {
		if c >= 0 && c < nClasses {
			t.limits[c] = l
		}
	})
}

// WithStatementTimeout sets the statement_timeout of reads and writes (default DefaultStatementTimeout;
// 0 turns it off); jobs keep theirs. A statement that runs longer fails with an error wrapping
// floorplan.ErrUnavailable.
func WithStatementTimeout(d time.Duration) Option {
	return tune(func(t *tuning) { t.limits[ClassRead].Statement, t.limits[ClassWrite].Statement = d, d })
}

// tune is an Option that adjusts the tuning, after the connection URL's parameters.
func tune(fn func(*tuning)) Option {
	return func(o *options) { o.tune = append(o.tune, fn) }
}

// urlParams are the connection URL's parameters that set the tuning, in the order they apply: the
// server's own statement_timeout and lock_timeout set reads and writes, and the officemap_ ones then
// each class. Open takes them out of the parameters it sends to the server.
var urlParams = []struct {
	name string
	set  func(t *tuning, d time.Duration)
}{
	{"statement_timeout", func(t *tuning, d time.Duration) {
		t.limits[ClassRead].Statement, t.limits[ClassWrite].Statement = d, d
	}},
	{"lock_timeout", func(t *tuning, d time.Duration) { t.limits[ClassRead].Lock, t.limits[ClassWrite].Lock = d, d }},
	{"officemap_acquire_timeout", func(t *tuning, d time.Duration) { t.acquire = d }},
	{"officemap_read_statement_timeout", func(t *tuning, d time.Duration) { t.limits[ClassRead].Statement = d }},
	{"officemap_read_lock_timeout", func(t *tuning, d time.Duration) { t.limits[ClassRead].Lock = d }},
	{"officemap_write_statement_timeout", func(t *tuning, d time.Duration) { t.limits[ClassWrite].Statement = d }},
	{"officemap_write_lock_timeout", func(t *tuning, d time.Duration) { t.limits[ClassWrite].Lock = d }},
	{"officemap_job_statement_timeout", func(t *tuning, d time.Duration) { t.limits[ClassJob].Statement = d }},
	{"officemap_job_lock_timeout", func(t *tuning, d time.Duration) { t.limits[ClassJob].Lock = d }},
}

// tuneFromParams applies the tuning parameters among a connection's runtime parameters and deletes
// them there.
func (t *tuning) tuneFromParams(params map[string]string) error {
	for _, p := range urlParams {
		v, ok := params[p.name]
		if !ok {
			continue
		}
		d, err := parseTimeout(v)
		if err != nil {
			return newError(floorplan.ErrInvalid, err, "the database URL's %s is not a duration: %q", p.name, v)
		}
		p.set(t, d)
		delete(params, p.name)
	}
	return nil
}

// parseTimeout reads a timeout as PostgreSQL writes it (a number of milliseconds, or a number with one
// of the units us, ms, s, min, h, d) or as Go does (time.ParseDuration).
func parseTimeout(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return max(time.Duration(n)*time.Millisecond, 0), nil
	}
	for unit, d := range map[string]time.Duration{"min": time.Minute, "d": 24 * time.Hour} {
		if n, ok := strings.CutSuffix(v, unit); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
			if err != nil {
				return 0, err
			}
			return max(time.Duration(f*float64(d)), 0), nil
		}
	}
	d, err := time.ParseDuration(strings.ReplaceAll(v, " ", ""))
	return max(d, 0), err
}

// millis is d in whole milliseconds as PostgreSQL's settings take them, rounded up so that a positive
// limit never becomes 0 (off).
func millis(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}

// sessionParams returns the runtime parameters that make l the defaults of a session.
func (l Limits) sessionParams() map[string]string {
	return map[string]string{
		"statement_timeout": strconv.FormatInt(millis(l.Statement), 10),
		"lock_timeout":      strconv.FormatInt(millis(l.Lock), 10),
	}
}

// txMode is how a transaction accesses the register.
type txMode int

const (
	readOnly  txMode = iota // a consistent read: repeatable read, read only
	readWrite               // a write: read committed
)

// beginSQL starts a transaction of mode with limits l for its statements (SET LOCAL: they end with
// it). pgx sends it as one simple-protocol message, so the limits cost no round trip.
func beginSQL(mode txMode, l Limits) string {
	begin := "BEGIN"
	if mode == readOnly {
		begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
	}
	return fmt.Sprintf("%s; SET LOCAL statement_timeout = %d; SET LOCAL lock_timeout = %d", begin,
		millis(l.Statement), millis(l.Lock))
}

const (
	// setLimitsSQL sets $1 statement_timeout and $2 lock_timeout (limitArgs) until the end of the current
	// transaction, or of the session when $3 is false.
	setLimitsSQL = `SELECT set_config('statement_timeout', $1, $3), set_config('lock_timeout', $2, $3)`
	// resetLimitsSQL gives the session its own statement_timeout and lock_timeout back.
	resetLimitsSQL = `RESET statement_timeout; RESET lock_timeout`
)

// limitArgs are the arguments of setLimitsSQL for l, until the end of the transaction (local) or the
// session.
func (l Limits) limitArgs(local bool) []any {
	return []any{strconv.FormatInt(millis(l.Statement), 10), strconv.FormatInt(millis(l.Lock), 10), local}
}

// jobKey marks a context as AsJob's.
type jobKey struct{}

// AsJob returns a context under which the store does its work as a long job (ClassJob's limits), such
// as an import of a whole file in one InTx, or an export.
func AsJob(ctx context.Context) context.Context { return context.WithValue(ctx, jobKey{}, true) }

// classOf returns ClassJob for a context from AsJob, else c.
func classOf(ctx context.Context, c Class) Class {
	if ctx.Value(jobKey{}) != nil {
		return ClassJob
	}
	return c
}
