package postgis_test

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
	"officemap/migrations"
)

// appliedVersions returns schema_migrations' versions in order.
func appliedVersions(t *testing.T, p *pgxpool.Pool) []int {
	t.Helper()
	rows, err := p.Query(context.Background(), `SELECT version FROM schema_migrations ORDER BY version`)
	must(t, err)
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	must(t, err)
	return vs
}

// shippedVersions are the versions of the embedded migration files.
func shippedVersions(t *testing.T) []int {
	t.Helper()
	entries, err := fs.ReadDir(migrations.FS, ".")
	must(t, err)
	var vs []int
	for _, e := range entries {
		var v int
		for _, c := range e.Name() {
			if c < '0' || c > '9' {
				break
			}
			v = v*10 + int(c-'0')
		}
		vs = append(vs, v)
	}
	return vs
}

func tableExists(t *testing.T, p *pgxpool.Pool, name string) bool {
	t.Helper()
	var ok bool
	must(t, p.QueryRow(context.Background(), `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&ok))
	return ok
}

func TestMigrateFromEmptyAndAgain(t *testing.T) {
	ctx := context.Background()
	p := poolOn(t, pgtest.NewEmptyDB(t))
	must(t, postgis.Migrate(ctx, p))
	for _, table := range []string{"sites", "buildings", "floors", "rooms", "agencies", "people", "posts",
		"assignments", "standard_rows", "history", "schema_migrations"} {
		if !tableExists(t, p, table) {
			t.Errorf("table %s missing after Migrate", table)
		}
	}
	want := shippedVersions(t)
	if got := appliedVersions(t, p); !slices.Equal(got, want) {
		t.Fatalf("applied %v, want %v", got, want)
	}
	var before string
	must(t, p.QueryRow(ctx, `SELECT string_agg(version || '@' || applied_at, ',') FROM schema_migrations`).Scan(&before))

	// Current: a no-op.
	must(t, postgis.Migrate(ctx, p))
	var after string
	must(t, p.QueryRow(ctx, `SELECT string_agg(version || '@' || applied_at, ',') FROM schema_migrations`).Scan(&after))
	if before != after {
		t.Errorf("second Migrate changed schema_migrations: %s → %s", before, after)
	}
}

func TestMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	p := poolOn(t, pgtest.NewEmptyDB(t))
	const n = 6
	errs := storetest.RaceN(n, func(int) error { return postgis.Migrate(ctx, p) })
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate %d: %v", i, err)
		}
	}
	if got, want := appliedVersions(t, p), shippedVersions(t); !slices.Equal(got, want) {
		t.Fatalf("applied %v, want %v", got, want)
	}
}

func TestMigrateFailureKeepsSchema(t *testing.T) {
	ctx := context.Background()
	p := poolOn(t, pgtest.NewEmptyDB(t))
	fsys := fstest.MapFS{}
	entries, err := fs.ReadDir(migrations.FS, ".")
	must(t, err)
	for _, e := range entries {
		b, err := fs.ReadFile(migrations.FS, e.Name())
		must(t, err)
		fsys[e.Name()] = &fstest.MapFile{Data: b}
	}
	fsys["9999_broken.sql"] = &fstest.MapFile{Data: []byte(`
CREATE TABLE must_not_exist (id integer);
ALTER TABLE rooms ADD COLUMN must_not_exist integer;
SELECT * FROM no_such_table;`)}

	err = postgis.MigrateFS(ctx, p, fsys)
	if err == nil || !strings.Contains(err.Error(), "9999_broken.sql") {
		t.Fatalf("MigrateFS with a broken file: %v, want an error naming 9999_broken.sql", err)
	}
	if tableExists(t, p, "must_not_exist") {
		t.Error("the broken migration's table exists")
	}
	var cols int
	must(t, p.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns
		WHERE table_name = 'rooms' AND column_name = 'must_not_exist'`).Scan(&cols))
	if cols != 0 {
		t.Error("the broken migration's column exists")
	}
	if got, want := appliedVersions(t, p), shippedVersions(t); !slices.Equal(got, want) {
		t.Fatalf("applied %v, want the good ones %v", got, want)
	}
	// The previous schema works, and the real migrations are current.
	must(t, postgis.Migrate(ctx, p))
	s := postgis.New(p)
	f := newFixture(t, s)
	f.room(t, 0, "101", rect(0, 0, 4, 6))
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	ctx := context.Background()
	p := poolOn(t, pgtest.NewEmptyDB(t))
	must(t, postgis.Migrate(ctx, p))
	_, err := p.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (99999, '99999_future.sql')`)
	must(t, err)
	if err := postgis.Migrate(ctx, p); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Migrate on a newer database: %v, want an error", err)
	}
}
