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

	"officemap/floorplan"
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

// TestMigrate0036: after 0036_floor_outline_statistics, ANALYZE gathers no statistics of floors.outline (the
// local outlines, stacked over one another around each building's origin, made it the slowest column of a
// bulk load's ANALYZE) and still gathers those of outline_ll, which the spatial index serves; no row changes.
func TestMigrate0036(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	p, rows, history := roomBeforeMigration(t, ctx, 36)
	_, err := p.Exec(ctx, `UPDATE floors SET outline = 'POLYGON((0 0,40 0,40 20,0 20,0 0))',
		outline_ll = 'SRID=4326;POLYGON((119.974 31.811,119.9744 31.811,119.9744 31.8112,119.974 31.8112,119.974 31.811))',
		version = version + 1
		WHERE id = $1`, rows.floor)
	must(t, err)
	_, err = p.Exec(ctx, `ANALYZE floors`)
	must(t, err)
	var stats []string
	must(t, p.QueryRow(ctx, `SELECT coalesce(array_agg(attname::text ORDER BY attname), '{}') FROM pg_stats
		WHERE schemaname = current_schema() AND tablename = 'floors' AND attname IN ('outline', 'outline_ll')`).Scan(&stats))
	if !slices.Equal(stats, []string{"outline_ll"}) {
		t.Errorf("statistics of floors' outlines after ANALYZE: %v, want [outline_ll] only", stats)
	}
	var after int
	must(t, p.QueryRow(ctx, `SELECT count(*) FROM history`).Scan(&after))
	if after != history+1 { // the UPDATE above, recorded by its trigger
		t.Errorf("history: %d records, want %d (the migration's none and the test's update)", after, history+1)
	}
}
