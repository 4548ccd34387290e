// Package gpkg is the embedded store of officemap: the whole register in one GeoPackage file (OGC
// 12-128r19, version 1.3) that QGIS and GDAL open as they are, with no database server.
//
// Layout. Sites, buildings, floors and rooms are kept in the tables sites_all, buildings_all, floors_all and
// rooms_all, live and soft-deleted rows alike (deleted_at), whose geom column is the derived lon/lat
// polygon (EPSG:4326) with a gpkg_rtree_index spatial index kept in step by the triggers the specification
// gives; the local-metre polygons (the source of truth for usable area) are GeoPackage geometry blobs in an
// ordinary column beside it, tagged with the engineering SRS 99999 ("local building metres"), as are a
// floor's openings (doors, as lines). A
// soft-deleted row keeps its local geometry but loses its lon/lat copy, so the R-trees hold only live
// features. Agencies, people, posts, assignments, local standard rows and the history are attribute
// tables. The accounts, sessions, API tokens and audit log of package identity are attribute tables too
// (identity.go), outside the register and its history.
//
// Layers. What QGIS and GDAL list as the layers sites, buildings, floors and rooms are views of the live
// rows of those tables (layers.go), registered as feature tables in gpkg_contents and
// gpkg_geometry_columns; the tables themselves are not registered. A deleted room is therefore not drawn
// under its replacement: it is in the history (and in rooms_all, for the store's as-of reads). The rooms
// layer carries each room's recorded state (Room.State); the over-standard status is not in the file,
// because the rules engine computes it in Go for a day, from standards, ranks and assignments that change
// on their own dates, and no column could hold it truthfully at every moment (the export's rooms_export
// carries it as of the export's day). Views rather than moving deleted rows out of the tables: the
// store's soft delete, history, as-of snapshots and foreign keys (assignments of deleted rooms, say) stay
// as they were, only the tables' names changed; the views keep the layers' names, so QGIS projects that
// use them go on working, and the R-tree named for each layer still indexes exactly its rows, which GDAL
// uses for spatial filters on a view as on a table. Views are read-only, so GIS tools cannot write to the
// register around the store's rules either.
//
// The file is a GeoPackage 1.3 (application_id 'GPKG', user_version 10300) at every moment, on disk too
// (header.go); officemap's own schema version is in the table officemap_schema (schema.go).
//
// Concurrency. SQLite in WAL mode, synchronous=FULL (an acknowledged write survives a power cut): one
// writer connection, on which every write runs in a BEGIN IMMEDIATE transaction, and a pool of read-only
// connections that see the last committed state. Checks that must not race (no overlapping rooms on a
// floor, versions) run inside the writer's transaction, so they are serialised with every other write.
package gpkg

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"modernc.org/sqlite"

	"officemap/floorplan"
)

var _ floorplan.Store = (*Store)(nil)

// ErrNotOfficemap is returned by Open for a file that is an SQLite database (a GeoPackage, say) that
// officemap did not create.
var ErrNotOfficemap = errors.New("gpkg: not an officemap GeoPackage")

// Store is the GeoPackage store. It is safe for concurrent use by many goroutines of one process.
type Store struct {
	path  string
	w     *sql.DB // exactly one connection: every write is serialised on it
	r     *sql.DB // read-only connections
	tx    *sql.Tx // set on the Store that InTx hands to its function
	loc   *time.Location
	clock func() time.Time
	// classification is the deployment's property classification, against which sites' categories are
	// checked.
	classification floorplan.Classification
	// deferred, on the Store of InTx, notes the rooms written while the transaction defers its overlap
	// check (overlaps.go); nil: each write is checked at once.
	deferred *deferredOverlaps
}

// Option configures Open.
type Option func(*Store)

// WithLocation sets the time zone whose calendar days Snapshot, the in-use checks and the history use
// (default time.Local), as the PostGIS store's option of the same name does.
func WithLocation(loc *time.Location) Option {
	return func(s *Store) { s.loc = loc }
}

// WithClassification sets the deployment's property classification, against which sites' categories
// are checked (default floorplan.BuiltinClassification), as the PostGIS store's option of the same name.
func WithClassification(c floorplan.Classification) Option {
	return func(s *Store) { s.classification = c }
}

// WithClock sets where the store takes the current time from (default time.Now): the time of every
// history row, created_at and deleted_at, and what "today" is. Tests use it to build a past.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.clock = now }
}

// now is the current time by the store's clock, in the store's time zone (so that the history's
// default effective day, the calendar day of the write, is the store's).
func (s *Store) now() time.Time { return s.clock().In(s.loc) }

// today is the current calendar day in the store's time zone.
func (s *Store) today() time.Time { return floorplan.DayOf(s.now().In(s.loc)) }

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// connector opens connections of one DSN with a driver that carries the store's SQL functions.
type connector struct {
	drv *sqlite.Driver
	dsn string
}

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.drv.Open(c.dsn)
}

func (c connector) Driver() driver.Driver { return c.drv }

// Connection settings. busy_timeout only matters for other processes (QGIS, ogr2ogr) that open the file
// while officemap runs: inside the process, writes queue on the one writer connection. Statement journals (a statement that fires triggers inside a transaction needs one) stay in memory
// (temp_store); the writer keeps 64 MiB of pages in its cache and each reader 16 MiB.
const (
	pragmasCommon = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=temp_store(MEMORY)"
	pragmasWriter = pragmasCommon + "&_pragma=cache_size(-65536)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		"&_txlock=immediate"
	pragmasReader = pragmasCommon + "&_pragma=cache_size(-16384)&_pragma=query_only(1)"
)

// Open opens the GeoPackage at path, creating it (and the register's tables) on first use.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("gpkg: %s: %w", path, err)
	}
	s := &Store{path: abs, loc: time.Local, clock: time.Now, classification: floorplan.BuiltinClassification()}
	for _, opt := range opts {
		opt(s)
	}
	drv := &sqlite.Driver{}
	if err := registerFunctions(drv, s.loc); err != nil {
		return nil, err
	}
	uri := (&url.URL{Scheme: "file", Path: abs}).String()
	if err := stampNewFile(ctx, drv, uri); err != nil {
		return nil, fmt.Errorf("gpkg: %s: %w", path, err)
	}
	w := sql.OpenDB(connector{drv: drv, dsn: uri + "?" + pragmasWriter})
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s.w = w
	err = s.migrate(ctx)
	if err == nil {
		err = s.syncHeader(ctx)
	}
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("gpkg: %s: %w", path, err)
	}
	r := sql.OpenDB(connector{drv: drv, dsn: uri + "?" + pragmasReader})
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s.r = r
	return s, nil
}

// Path returns the absolute path of the GeoPackage file.
func (s *Store) Path() string { return s.path }

// Close closes the store's connections. A Store handed to InTx's function must not be closed.
func (s *Store) Close() error {
	if s.tx != nil {
		return fmt.Errorf("gpkg: Close inside InTx")
	}
	return errors.Join(s.r.Close(), s.w.Close())
}

const sqlPing = `SELECT count(*) FROM gpkg_contents`

// Ping reports whether the file can be read.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	if err := s.reader().QueryRowContext(ctx, sqlPing).Scan(&n); err != nil {
		return wrapErr(err)
	}
	return nil
}

// InTx runs fn with a Store whose writes all commit together on the writer connection, or none do when fn
// returns an error (or panics). Inside fn, the Store reads its own uncommitted writes; a nested InTx joins
// the outer transaction, in a savepoint (as in the PostGIS store), so that a nested function that fails
// takes back only its own writes. fn must write through the Store it is given: a write through the outer
// Store would wait for the writer connection that fn holds.
func (s *Store) InTx(ctx context.Context, fn func(tx floorplan.Store) error) error {
	return s.inTx(ctx, func(tx *Store) error { return fn(tx) })
}

// inTx is InTx with the package's own Store bound to the transaction.
func (s *Store) inTx(ctx context.Context, fn func(tx *Store) error) error {
	if s.tx != nil {
		return s.write(ctx, func(querier) error { return fn(s) })
	}
	return s.writerTx(ctx, func(tx *sql.Tx) error {
		inner := *s
		inner.tx, inner.deferred = tx, nil
		if err := fn(&inner); err != nil {
			return err
		}
		// A check still deferred runs before the commit, as PostgreSQL runs a deferred constraint.
		return inner.CheckOverlaps(ctx)
	})
}

// writerTx runs fn in a transaction of its own on the writer connection (BEGIN IMMEDIATE): it commits
// when fn returns nil and rolls back when fn returns an error (returned as it is) or panics.
func (s *Store) writerTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return wrapErr(err)
	}
	committed = true
	return nil
}

// reader returns where reads go: the open transaction, or the read-only pool.
func (s *Store) reader() querier {
	if s.tx != nil {
		return s.tx
	}
	return s.r
}

const (
	sqlSavepoint  = `SAVEPOINT officemap_write`
	sqlRollbackTo = `ROLLBACK TO officemap_write`
	sqlRelease    = `RELEASE officemap_write`
)

// write runs fn in a write transaction: its own BEGIN IMMEDIATE … COMMIT on the writer connection, or a
// savepoint inside InTx's transaction, so that a failed write leaves nothing behind in either case.
func (s *Store) write(ctx context.Context, fn func(q querier) error) error {
	if s.tx != nil {
		if _, err := s.tx.ExecContext(ctx, sqlSavepoint); err != nil {
			return wrapErr(err)
		}
		if err := fn(s.tx); err != nil {
			bg := context.WithoutCancel(ctx)
			_, _ = s.tx.ExecContext(bg, sqlRollbackTo)
			_, _ = s.tx.ExecContext(bg, sqlRelease)
			return wrapErr(err)
		}
		if _, err := s.tx.ExecContext(ctx, sqlRelease); err != nil {
			return wrapErr(err)
		}
		return nil
	}
	return s.writerTx(ctx, func(tx *sql.Tx) error { return wrapErr(fn(tx)) })
}

// read runs fn on one consistent view of the register: InTx's transaction, or a read transaction on a
// reader connection (a WAL snapshot), so that several queries see the same state.
func (s *Store) read(ctx context.Context, fn func(q querier) error) error {
	if s.tx != nil {
		return wrapErr(fn(s.tx))
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return wrapErr(err)
	}
	defer tx.Rollback()
	return wrapErr(fn(tx))
}

// wrapErr maps driver errors onto the floorplan sentinels; domain errors pass through unchanged.
func wrapErr(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	switch {
	case errors.Is(err, floorplan.ErrNotFound), errors.Is(err, floorplan.ErrConflict),
		errors.Is(err, floorplan.ErrOverlap), errors.Is(err, floorplan.ErrInvalid),
		errors.Is(err, floorplan.ErrInUse), errors.Is(err, floorplan.ErrUnavailable):
		return err
	case errors.Is(err, sql.ErrConnDone), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", floorplan.ErrUnavailable, err)
	case errors.As(err, &se):
		switch se.Code() & 0xff {
		case sqliteBusy, sqliteLocked, sqliteIOErr, sqliteCantOpen, sqliteFull, sqliteReadOnly:
			return fmt.Errorf("%w: %w", floorplan.ErrUnavailable, err)
		case sqliteConstraint:
			return constraintErr(se, err)
		}
	case strings.Contains(err.Error(), "database is closed"):
		return fmt.Errorf("%w: %w", floorplan.ErrUnavailable, err)
	}
	return err
}

// SQLite primary result codes (https://sqlite.org/rescode.html).
const (
	sqliteBusy       = 5
	sqliteLocked     = 6
	sqliteReadOnly   = 8
	sqliteIOErr      = 10
	sqliteFull       = 13
	sqliteCantOpen   = 14
	sqliteConstraint = 19
)

// constraintErr turns a constraint failure the store's own checks did not catch first into a domain error.
func constraintErr(se *sqlite.Error, err error) error {
	switch se.Code() {
	case sqliteConstraint | 3<<8: // SQLITE_CONSTRAINT_FOREIGNKEY
		return fmt.Errorf("%w: a referenced record does not exist or is still referenced: %w", floorplan.ErrInvalid, err)
	case sqliteConstraint | 8<<8, sqliteConstraint | 6<<8: // UNIQUE, PRIMARYKEY
		return fmt.Errorf("%w: a record with the same key exists: %w", floorplan.ErrInvalid, err)
	}
	return fmt.Errorf("%w: %w", floorplan.ErrInvalid, err)
}
