package postgis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"officemap/floorplan"
	"officemap/migrations"
)

// migrationLockKey is the session advisory lock that serialises concurrent Migrate calls (the ASCII
// bytes of "officema").
const migrationLockKey int64 = 0x6f66666963656d61

const (
	lockMigrationsSQL   = `SELECT pg_advisory_lock($1)`
	unlockMigrationsSQL = `SELECT pg_advisory_unlock($1)`
	createPostGISSQL    = `CREATE EXTENSION IF NOT EXISTS postgis`
	migrationsExistSQL  = `SELECT to_regclass('schema_migrations') IS NOT NULL`
	createMigrationsSQL = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)`
	appliedMigrationsSQL = `SELECT version FROM schema_migrations`
	recordMigrationSQL   = `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`
)

// Migrate brings the database's schema up to date with the migrations embedded in the binary
// (package migrations). It holds a session advisory lock while it works, so concurrent calls (several
// servers starting at once) apply each migration once; it records applied versions in
// schema_migrations; it applies each pending file in its own transaction, so a failing file leaves the
// schema as the previous one left it and returns an error naming the file. It is a no-op when the schema
// is current, and fails when the database has a version this binary does not know. It also builds the
// indexes a bulk load dropped and did not live to build again (Store.WithIndexesDeferred). It runs with the
// default limits of a job (DefaultJobStatementTimeout, DefaultJobLockTimeout), whatever the pool's.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return migrateFS(ctx, pool, migrations.FS, defaultTuning().limits[ClassJob])
}

// migration is one file of the migrations FS.
type migration struct {
	version int
	name    string
}

var migrationName = regexp.MustCompile(`^(\d+)_[A-Za-z0-9_]+\.sql$`)

// listMigrations returns the migration files of fsys by version.
func listMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("postgis: read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if e.IsDir() || m == nil {
			continue
		}
		v, err := strconv.Atoi(m[1])
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("postgis: migration %s: bad version", e.Name())
		}
		ms = append(ms, migration{version: v, name: e.Name()})
	}
	slices.SortFunc(ms, func(a, b migration) int { return cmp.Compare(a.version, b.version) })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("postgis: migrations %s and %s have the same version", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// migrateFS applies the migrations of fsys with limits l (Migrate).
func migrateFS(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS, l Limits) (err error) {
	files, err := listMigrations(fsys)
	if err != nil {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return unavailable(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, setLimitsSQL, l.limitArgs(false)...); err != nil {
		return fmt.Errorf("postgis: set the migration's limits: %w", mapError(err))
	}
	defer func() {
		if _, rerr := conn.Exec(context.WithoutCancel(ctx), resetLimitsSQL); rerr != nil {
			_ = conn.Conn().Close(context.WithoutCancel(ctx)) // never hand back a session with other limits
		}
	}()
	if _, err := conn.Exec(ctx, lockMigrationsSQL, migrationLockKey); err != nil {
		return fmt.Errorf("postgis: take the migration lock: %w", mapError(err))
	}
	defer func() {
		if _, uerr := conn.Exec(context.WithoutCancel(ctx), unlockMigrationsSQL, migrationLockKey); uerr != nil {
			// Never hand a connection that may still hold the lock back to the pool.
			_ = conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()

	if _, err := conn.Exec(ctx, createPostGISSQL); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && (pe.Code == "58P01" || pe.Code == "0A000") {
			return newError(floorplan.ErrUnavailable, err,
				"PostGIS is not installed on the database server (on Debian: apt-get install postgresql-15-postgis-3, "+
					"with the server's major version)")
		}
		return fmt.Errorf("postgis: create extension postgis: %w", mapError(err))
	}
	// The server's app role may not create tables: only a database without schema_migrations needs it
	// (a current schema is then a no-op for the app role too).
	var exists bool
	if err := conn.QueryRow(ctx, migrationsExistSQL).Scan(&exists); err != nil {
		return fmt.Errorf("postgis: look for schema_migrations: %w", mapError(err))
	}
	if !exists {
		if _, err := conn.Exec(ctx, createMigrationsSQL); err != nil {
			return fmt.Errorf("postgis: create schema_migrations: %w", mapError(err))
		}
	}
	rows, err := conn.Query(ctx, appliedMigrationsSQL)
	if err != nil {
		return fmt.Errorf("postgis: read schema_migrations: %w", mapError(err))
	}
	applied, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return fmt.Errorf("postgis: read schema_migrations: %w", mapError(err))
	}
	latest := 0
	if len(files) > 0 {
		latest = files[len(files)-1].version
	}
	done := make(map[int]bool, len(applied))
	for _, v := range applied {
		if int(v) > latest {
			return fmt.Errorf("postgis: the database's schema version %d is newer than this program's (%d)", v, latest)
		}
		done[int(v)] = true
	}

	for _, m := range files {
		if done[m.version] {
			continue
		}
		sql, err := fs.ReadFile(fsys, m.name)
		if err != nil {
			return fmt.Errorf("postgis: migration %s: %w", m.name, err)
		}
		if err := applyMigration(ctx, conn.Conn(), m, string(sql)); err != nil {
			return err
		}
	}
	// A bulk load that died with its indexes dropped left notes of them (deferred.go).
	return buildLeftIndexes(ctx, l, conn)
}

// applyMigration runs one file and records it, in one transaction.
func applyMigration(ctx context.Context, conn *pgx.Conn, m migration, sql string) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgis: migration %s: %w", m.name, mapError(err))
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	// No arguments: pgx sends the file with the simple protocol, which runs several statements.
	if _, err := tx.Exec(ctx, sql); err != nil {
		return fmt.Errorf("postgis: migration %s failed (nothing of it was applied): %w", m.name, err)
	}
	if _, err := tx.Exec(ctx, recordMigrationSQL, m.version, m.name); err != nil {
		return fmt.Errorf("postgis: migration %s: record it: %w", m.name, mapError(err))
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgis: migration %s: commit: %w", m.name, mapError(err))
	}
	return nil
}
