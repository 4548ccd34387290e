package gpkg_test

import (
	"path/filepath"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/storetest"
)

// TestApplications runs the conformance tests of the applications (schema version 17, applications.go).
func TestApplications(t *testing.T) {
	storetest.RunApplications(t, newClocked)
}

// downgradeV17 turns a register of version 17 (or later) back into one of version 16: no applications.
// The downgrade of version 16 runs it first.
func downgradeV17(t *testing.T, path string) {
	t.Helper()
	downgradeV18(t, path)
	downgrade(t, path, `DROP TRIGGER applications_version`, `DROP TRIGGER applications_no_delete`,
		`DROP TABLE applications`, `DELETE FROM gpkg_contents WHERE table_name = 'applications'`,
		`UPDATE officemap_schema SET version = 16`)
}

// TestMigrateV16: Open brings a register of version 16 to version 17 — the applications, empty, as in a new
// file — and an application can then be filed, moved on and never deleted.
func TestMigrateV16(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v16.gpkg")
	ctx, s, _ := schemaStep{tables: []string{"applications"}, down: downgradeV17}.migrate(t, path)
	agency := floorplan.Agency{Name: "常州市统计局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive, Headcount: 10}
	must(t, s.CreateAgency(ctx, &agency))
	a := floorplan.Application{Kind: floorplan.KindMaintenance, AgencyID: agency.ID, Title: "屋面维修", State: "draft"}
	must(t, s.CreateApplication(ctx, &a))
	a.State = "assessment"
	must(t, s.UpdateApplication(ctx, &a))
	fileRefuses(t, path, `UPDATE applications SET state = 'closed'`, `DELETE FROM applications`)
}
