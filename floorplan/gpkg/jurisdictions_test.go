package gpkg_test

import (
	"context"
	"path/filepath"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
)

// downgradeV4 makes the register at path one of schema version 3: no jurisdictions table, no
// jurisdiction_id columns.
func downgradeV4(t *testing.T, path string) {
	t.Helper()
	downgradeV5(t, path)
	downgrade(t, path,
		`DROP TABLE jurisdictions`,
		`DELETE FROM gpkg_contents WHERE table_name = 'jurisdictions'`,
		`ALTER TABLE sites DROP COLUMN jurisdiction_id`,
		`ALTER TABLE agencies DROP COLUMN jurisdiction_id`,
		`UPDATE officemap_schema SET version = 3`)
}

// TestMigrateV3: Open brings a register of version 3 to version 4 — the jurisdiction tree, empty, and
// the jurisdiction columns of sites and agencies, as in a new file — without touching the register.
func TestMigrateV3(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v3.gpkg")
	reg := filledFile(t, path)
	downgradeV4(t, path)
	history := historyRecords(t, path)

	s, err := gpkg.Open(context.Background(), path, gpkg.WithLocation(cst))
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

	sameTablesAsNew(t, path, "jurisdictions", "sites", "sites_all", "agencies", "officemap_schema")
	db := rawDB(t, path)
	var version int
	must(t, db.QueryRow(`SELECT version FROM officemap_schema`).Scan(&version))
	after := historyRecords(t, path)
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
	filledFile(t, path)
	downgradeV4(t, path)
	db := rawDB(t, path)
	_, err := db.Exec(`CREATE TABLE jurisdictions (x TEXT)`)
	must(t, err)
	must(t, db.Close())
	migrationFails(t, path, 3)
	db = rawDB(t, path)
	var n int
	must(t, db.QueryRow(`SELECT count(*) FROM pragma_table_info('sites') WHERE name = 'jurisdiction_id'`).Scan(&n))
	if n != 0 {
		t.Error("the failed migration left sites.jurisdiction_id")
	}
}
