// Package pgtest gives tests a fresh, migrated PostGIS database of their own, on the server named by
// OFFICEMAP_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable).
//
// Either one database per test package:
//
//	var dbURL string
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &dbURL)) }
//
// or one per test with NewDB / NewStore. Databases are named officemap_test_<random> and dropped when the
// package's tests or the test end. They are copies of a template database that pgtest keeps on the
// server for the current schema (officemap_tmpl_<hash of the migrations>), which makes a fresh database
// take well under a second.
//
// Tests never skip for want of a database: when the server cannot be reached or PostGIS is not
// installed, they fail with a message that says how to fix it.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"officemap/floorplan/postgis"
	"officemap/migrations"
)

// EnvURL is the environment variable naming the test server; the user needs the right to create
// databases.
const EnvURL = "OFFICEMAP_TEST_DATABASE_URL"

// DefaultURL is the server used when EnvURL is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// setupTimeout bounds creating and migrating a database.
const setupTimeout = 2 * time.Minute

// ServerURL returns the URL of the test server: EnvURL's value, or DefaultURL.
func ServerURL() string {
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	return DefaultURL
}

// NewDB creates a fresh database with the officemap schema, drops it when t ends, and returns its URL.
// It fails t, saying how to fix it, when the server cannot be reached or PostGIS is missing.
func NewDB(t testing.TB) string {
	t.Helper()
	return newDB(t, true)
}

// NewEmptyDB creates a fresh database without the officemap schema (for tests of migrations), drops it
// when t ends, and returns its URL.
func NewEmptyDB(t testing.TB) string {
	t.Helper()
	return newDB(t, false)
}

// newDB creates a fresh database, migrated or not, dropped when t ends, and returns its URL.
func newDB(t testing.TB, migrate bool) string {
	t.Helper()
	dbURL, drop, err := create(context.Background(), migrate)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return dbURL
}

// NewStore opens a postgis.Store on a fresh database (NewDB) and closes it when t ends.
func NewStore(t testing.TB, opts ...postgis.Option) *postgis.Store {
	t.Helper()
	dbURL := NewDB(t)
	s, err := postgis.Open(context.Background(), dbURL, opts...)
	if err != nil {
		t.Fatalf("pgtest: open the test database: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Main creates one fresh migrated database for a test package, stores its URL in *dbURL, runs the tests
// and drops the database. It returns the exit code for os.Exit: 1, with a message on stderr saying how to
// fix it, when the database cannot be set up.
func Main(m *testing.M, dbURL *string) int {
	u, drop, err := Create(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	*dbURL = u
	code := m.Run()
	if err := drop(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

const (
	postgisAvailableSQL = `SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'`
	serverMajorSQL      = `SELECT current_setting('server_version_num')::int / 10000`
	databaseExistsSQL   = `SELECT count(*) FROM pg_database WHERE datname = $1`
	oldTemplatesSQL     = `SELECT datname FROM pg_database WHERE datname LIKE 'officemap\_tmpl\_%' AND datname <> $1`
	lockTemplateSQL     = `SELECT pg_advisory_lock($1)`
	unlockTemplateSQL   = `SELECT pg_advisory_unlock($1)`
)

// templateLockKey serialises the making of template databases across test processes.
const templateLockKey int64 = 0x6f6d5f746d706c // "om_tmpl"

// Create makes a fresh database with the officemap schema on the test server and returns its URL and a
// function that drops it. Errors say how to fix the machine.
//
// To be quick, it copies a template database that holds the schema: officemap_tmpl_<hash of the
// migration files>, made by the first test process that needs it (and kept on the server, closed to
// connections; a new schema's template replaces the old ones).
func Create(ctx context.Context) (dbURL string, drop func() error, err error) {
	return create(ctx, true)
}

func create(ctx context.Context, migrate bool) (dbURL string, drop func() error, err error) {
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	server := ServerURL()
	admin, err := connectAdmin(ctx, server)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close(context.WithoutCancel(ctx))

	name, err := randomName("officemap_test_")
	if err != nil {
		return "", nil, err
	}
	template := "template0"
	if migrate {
		if template, err = ensureTemplate(ctx, admin, server); err != nil {
			return "", nil, err
		}
	}
	if err := createDatabase(ctx, admin, name, template); err != nil {
		return "", nil, err
	}
	drop = func() error { return dropDatabase(server, name) }
	dbURL, err = withDatabase(server, name)
	if err != nil {
		_ = drop()
		return "", nil, err
	}
	return dbURL, drop, nil
}

// connectAdmin connects to the test server and checks that it has PostGIS.
func connectAdmin(ctx context.Context, server string) (*pgx.Conn, error) {
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		return nil, fmt.Errorf("pgtest: cannot reach the test PostgreSQL server at %s: %v\n"+
			"To fix: start PostgreSQL (Debian: pg_ctlcluster <version> main start; the server must accept user postgres "+
			"on 127.0.0.1:5432), or set %s to a postgres:// URL of a server where the user may create databases. "+
			"On a fresh Debian machine, sudo bash .ci/run installs and starts what is missing.", redact(server), err, EnvURL)
	}
	var n, major int
	if err := admin.QueryRow(ctx, postgisAvailableSQL).Scan(&n); err != nil {
		admin.Close(ctx)
		return nil, fmt.Errorf("pgtest: query the test server: %w", err)
	}
	if n == 0 {
		_ = admin.QueryRow(ctx, serverMajorSQL).Scan(&major)
		admin.Close(ctx)
		return nil, fmt.Errorf("pgtest: PostGIS is not installed for the PostgreSQL %d server at %s.\n"+
			"To fix: apt-get install -y postgresql-%d-postgis-3 (as root; run apt-get update first), or set %s to a "+
			"server that has PostGIS.", major, redact(server), major, EnvURL)
	}
	return admin, nil
}

// Database names cannot be query parameters: the names here are made by this package of [a-z0-9_] only,
// and quoted.

func createDatabase(ctx context.Context, admin *pgx.Conn, name, template string) error {
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	if template == "template0" {
		sql += " ENCODING 'UTF8'"
	}
	if _, err := admin.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgtest: create database %s: %w (the user of %s needs CREATEDB)", name, err, EnvURL)
	}
	return nil
}

func dropDatabase(server, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// ensureTemplate returns the name of the template database of the current schema, making it if need be:
// it is migrated under a temporary name, closed to connections, then renamed, so that a template under
// its final name is always complete.
func ensureTemplate(ctx context.Context, admin *pgx.Conn, server string) (string, error) {
	name, err := templateName()
	if err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, lockTemplateSQL, templateLockKey); err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	defer admin.Exec(context.WithoutCancel(ctx), unlockTemplateSQL, templateLockKey) //nolint:errcheck // the session ends soon

	var n int
	if err := admin.QueryRow(ctx, databaseExistsSQL, name).Scan(&n); err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	if n > 0 {
		return name, nil
	}
	build, err := randomName("officemap_tmplbuild_")
	if err != nil {
		return "", err
	}
	if err := createDatabase(ctx, admin, build, "template0"); err != nil {
		return "", err
	}
	buildURL, err := withDatabase(server, build)
	if err == nil {
		err = migrateDatabase(ctx, buildURL)
	}
	if err == nil {
		err = closeAndRename(ctx, admin, build, name)
	}
	if err != nil {
		_ = dropDatabase(server, build)
		return "", err
	}
	// Templates of older schemas are of no more use.
	rows, err := admin.Query(ctx, oldTemplatesSQL, name)
	if err == nil {
		old, _ := pgx.CollectRows(rows, pgx.RowTo[string])
		for _, o := range old {
			_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{o}.Sanitize())
		}
	}
	return name, nil
}

func migrateDatabase(ctx context.Context, dbURL string) error {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("pgtest: connect to a new database: %w", err)
	}
	defer pool.Close()
	if err := postgis.Migrate(ctx, pool); err != nil {
		return fmt.Errorf("pgtest: migrate a new database: %w", err)
	}
	return nil
}

// closeAndRename closes a database to connections and renames it, waiting for the server to see the
// last connection go.
func closeAndRename(ctx context.Context, admin *pgx.Conn, from, to string) error {
	f, t := pgx.Identifier{from}.Sanitize(), pgx.Identifier{to}.Sanitize()
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+f+" ALLOW_CONNECTIONS false"); err != nil {
		return fmt.Errorf("pgtest: close the template: %w", err)
	}
	var err error
	for range 50 {
		if _, err = admin.Exec(ctx, "ALTER DATABASE "+f+" RENAME TO "+t); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("pgtest: rename the template: %w", err)
}

// templateName names the template of the schema of the embedded migrations.
func templateName() (string, error) {
	h := sha256.New()
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(migrations.FS, e.Name())
		if err != nil {
			return "", fmt.Errorf("pgtest: %w", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", e.Name(), len(b))
		h.Write(b)
	}
	return "officemap_tmpl_" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

func randomName(prefix string) (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	return prefix + hex.EncodeToString(b), nil
}

// withDatabase returns server URL u with its database replaced by name.
func withDatabase(u, name string) (string, error) {
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "postgres" && pu.Scheme != "postgresql") {
		return "", fmt.Errorf("pgtest: %s must be a postgres:// URL", EnvURL)
	}
	pu.Path = "/" + name
	return pu.String(), nil
}

// redact hides the password of a URL for messages.
func redact(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return "(the URL in " + EnvURL + ")"
	}
	if _, ok := pu.User.Password(); ok {
		pu.User = url.UserPassword(pu.User.Username(), "xxxxx")
	}
	return strings.ReplaceAll(pu.String(), "xxxxx", "***")
}
