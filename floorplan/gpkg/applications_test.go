package gpkg_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/storetest"
)

// TestApplications runs the conformance tests of the applications (schema version 17, applications.go).
func TestApplications(t *testing.T) {
	storetest.RunApplications(t, func(t *testing.T) floorplan.Store { return openClocked(t) })
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

// applicationsSchema is the definition of the table applications and its indexes and triggers.
func applicationsSchema(t *testing.T, path string) string {
	t.Helper()
	return strings.Join(queryStrings(t, rawDB(t, path), `SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master
 WHERE tbl_name = 'applications' ORDER BY type, name`), "\n")
}

// TestMigrateV16: Open brings a register of version 16 to version 17 — the applications, empty, as in a new
// file — and an application can then be filed, moved on and never deleted.
func TestMigrateV16(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v16.gpkg")
	filledFile(t, path)
	want := applicationsSchema(t, path)
	if !strings.Contains(want, "CREATE TABLE applications") {
		t.Fatalf("a new file has no applications:\n%s", want)
	}
	downgradeV17(t, path)
	if got := applicationsSchema(t, path); got != "" {
		t.Fatalf("the downgraded file still has applications:\n%s", got)
	}
	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := gpkg.Open(ctx, path, gpkg.WithLocation(cst))
	must(t, err)
	defer s.Close()
	if got := applicationsSchema(t, path); got != want {
		t.Errorf("migrated applications differ from a new file's:\n%s\nwant\n%s", got, want)
	}
	agency := floorplan.Agency{Name: "常州市统计局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive, Headcount: 10}
	must(t, s.CreateAgency(ctx, &agency))
	a := floorplan.Application{Kind: floorplan.KindMaintenance, AgencyID: agency.ID, Title: "屋面维修", State: "draft"}
	must(t, s.CreateApplication(ctx, &a))
	a.State = "assessment"
	must(t, s.UpdateApplication(ctx, &a))
	for _, q := range []string{`UPDATE applications SET state = 'closed'`, `DELETE FROM applications`} {
		if _, err := rawDB(t, path).Exec(q); err == nil {
			t.Errorf("%s: the file allowed it", q)
		}
	}
}
