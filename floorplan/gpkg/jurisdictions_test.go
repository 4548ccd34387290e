package gpkg_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
)

// downgradeV4 makes the register at path one of schema version 3: no jurisdictions table, no
// jurisdiction_id columns.
func downgradeV4(t *testing.T, path string) {
	t.Helper()
	downgradeV5(t, path)
	db := rawDB(t, path)
	tx, err := db.Begin()
	must(t, err)
	for _, q := range []string{ // test SQL on fixed names
		`DROP TABLE jurisdictions`,
		`DELETE FROM gpkg_contents WHERE table_name = 'jurisdictions'`,
		`ALTER TABLE sites DROP COLUMN jurisdiction_id`,
		`ALTER TABLE agencies DROP COLUMN jurisdiction_id`,
		`UPDATE officemap_schema SET version = 3`,
	} {
		if _, err := tx.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	must(t, tx.Commit())
	must(t, db.Close())
}

// TestMigrateV3: Open brings a register of version 3 to version 4 — the jurisdiction tree, empty, and
// the jurisdiction columns of sites and agencies, as in a new file — without touching the register.
func TestMigrateV3(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v3.gpkg")
	s, err := gpkg.Open(context.Background(), path, gpkg.WithLocation(cst))
	must(t, err)
	reg := fill(t, s)
	must(t, s.Close())
	downgradeV4(t, path)
	db := rawDB(t, path)
	var history int64
	must(t, db.QueryRow(`SELECT count(*) FROM history`).Scan(&history))
	must(t, db.Close())

	s, err = gpkg.Open(context.Background(), path, gpkg.WithLocation(cst))
	must(t, err)
	ctx := floorplan.WithActor(context.Background(), "test")
	site, err := s.Site(ctx, reg.site.ID)
	must(t, err)
	if site.JurisdictionID != [16]byte{} {
		t.Errorf("a migrated site has jurisdiction %v, want none", site.JurisdictionID)
	}
	j := floorplan.Jurisdiction{Name: "天宁区", Code: "320402"}
	must(t, s.CreateJurisdiction(ctx, &j))
	site.JurisdictionID = j.ID
	must(t, s.UpdateSite(ctx, &site))
	must(t, s.Close())

	fresh := filepath.Join(t.TempDir(), "fresh.gpkg")
	must(t, openFile(t, fresh).Close())
	db, fdb := rawDB(t, path), rawDB(t, fresh)
	for _, table := range []string{"jurisdictions", "sites", "agencies", "officemap_schema"} {
		if got, want := tableShape(t, db, table), tableShape(t, fdb, table); !slices.Equal(got, want) {
			t.Errorf("table %s of the migrated file:\n  %s\nof a new file:\n  %s", table, strings.Join(got, "\n  "),
				strings.Join(want, "\n  "))
		}
	}
	var version int
	var after int64
	must(t, db.QueryRow(`SELECT version FROM officemap_schema`).Scan(&version))
	must(t, db.QueryRow(`SELECT count(*) FROM history`).Scan(&after))
	if version != gpkg.SchemaVersion || gpkg.SchemaVersion < 4 {
		t.Errorf("migrated file: officemap schema %d, want %d (4)", version, gpkg.SchemaVersion)
	}
	if after != history+2 {
		t.Errorf("history after the migration and two writes: %d records, want %d", after, history+2)
	}
}

// TestMigrateV3AllOrNothing: a migration to version 4 that fails half-way (here on a table someone
// added with the name of the new one) leaves the file as it was, of version 3.
func TestMigrateV3AllOrNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v3.gpkg")
	s, err := gpkg.Open(context.Background(), path, gpkg.WithLocation(cst))
	must(t, err)
	fill(t, s)
	must(t, s.Close())
	downgradeV4(t, path)
	db := rawDB(t, path)
	_, err = db.Exec(`CREATE TABLE jurisdictions (x TEXT)`)
	must(t, err)
	must(t, db.Close())
	before := fileState(t, path)
	if _, err := gpkg.Open(context.Background(), path, gpkg.WithLocation(cst)); err == nil {
		t.Fatal("Open migrated a file whose migration must fail")
	}
	if after := fileState(t, path); after != before {
		t.Errorf("the failed migration changed the file:\n  before: %s\n  after:  %s", before, after)
	}
	db = rawDB(t, path)
	var n int
	must(t, db.QueryRow(`SELECT count(*) FROM pragma_table_info('sites') WHERE name = 'jurisdiction_id'`).Scan(&n))
	if n != 0 {
		t.Error("the failed migration left sites.jurisdiction_id")
	}
}
