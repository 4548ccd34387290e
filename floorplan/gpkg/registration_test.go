package gpkg_test

import (
	"path/filepath"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/storetest"
)

// TestRegistration runs the conformance tests of the registration (schema version 14, registration.go).
func TestRegistration(t *testing.T) {
	storetest.RunRegistration(t, newClocked)
}

// The states sites_all.ownership accepts before and from schema version 14.
const (
	ownershipV13 = `ownership IN ('registered', 'filed', 'unclear')`
	ownershipV14 = `ownership IN ('registered', 'filed', 'unclear', 'to_register', 'filing', 'disputed')`
)

// downgradeV14 turns a register of version 14 back into one of version 13: three ownership states, no
// registration tables.
func downgradeV14(t *testing.T, path string) {
	t.Helper()
	downgradeV15(t, path)
	qs := []string{`PRAGMA writable_schema = ON`,
		`UPDATE sqlite_master SET sql = replace(sql, '` + strings.ReplaceAll(ownershipV14, "'", "''") + `', '` +
			strings.ReplaceAll(ownershipV13, "'", "''") + `') WHERE type = 'table' AND name = 'sites_all'`,
		`PRAGMA writable_schema = RESET`}
	for _, table := range []string{"registration_changes", "filing_steps", "timeline_events"} {
		qs = append(qs, `DROP TABLE `+table)
	}
	qs = append(qs, `DELETE FROM gpkg_contents WHERE table_name IN ('registration_changes', 'filing_steps', 'timeline_events')`,
		`UPDATE officemap_schema SET version = 13`)
	downgrade(t, path, qs...)
}

// TestMigrateV13: Open brings a register of version 13 to version 14 — the new states accepted by
// sites_all, the registration's tables empty, as in a new file, without a history record — and the new
// states and rows can then be written, never changed.
func TestMigrateV13(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v13.gpkg")
	ctx, s, reg := schemaStep{tables: []string{"sites_all", "registration_changes", "filing_steps", "timeline_events"},
		marks: []string{ownershipV14, "CREATE TABLE registration_changes", "CREATE TABLE filing_steps", "CREATE TABLE timeline_events"},
		down: func(t *testing.T, path string) {
			downgradeV14(t, path)
			if def := tableSQL(t, path, "sites_all"); !strings.Contains(def, ownershipV13) {
				t.Fatalf("the downgraded sites_all: %s", def)
			}
			if _, err := rawDB(t, path).Exec(`UPDATE sites_all SET ownership = 'disputed', version = version + 1`); err == nil {
				t.Fatal("the downgraded file accepted the state disputed")
			}
		}}.migrate(t, path)
	site, err := s.Site(ctx, reg.site.ID)
	must(t, err)
	site.Ownership = floorplan.OwnershipDisputed
	must(t, s.UpdateSite(ctx, &site))
	c := floorplan.RegistrationChange{SiteID: site.ID, State: floorplan.OwnershipDisputed, Effective: floorplan.Day(2026, 1, 5), Reason: "争议"}
	must(t, s.AddRegistrationChange(ctx, &c))
	fileRefuses(t, path, `UPDATE registration_changes SET reason = 'x'`, `DELETE FROM registration_changes`)
}
