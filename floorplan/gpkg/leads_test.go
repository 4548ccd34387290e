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

// TestLeads runs the conformance tests of the leads (schema version 22, leads.go).
func TestLeads(t *testing.T) {
	storetest.RunLeads(t, func(t *testing.T) floorplan.Store { return openClocked(t) })
}

// TestLeadsNeverDeleted: the file itself refuses to delete a lead, to move its version on by anything but
// one, and to mark it triaged without an item.
func TestLeadsNeverDeleted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leads.gpkg")
	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := gpkg.Open(ctx, path, gpkg.WithLocation(cst))
	must(t, err)
	defer s.Close()
	l := floorplan.Lead{Source: floorplan.LeadHotline, ReceivedOn: floorplan.Day(2026, 3, 2), Text: "12345 来电", State: floorplan.LeadOpen}
	must(t, s.CreateLead(ctx, &l))
	for _, q := range []string{`DELETE FROM leads`, `UPDATE leads SET version = 5`,
		`UPDATE leads SET state = 'triaged', version = version + 1`, `UPDATE leads SET source = 'letter', version = version + 1`} {
		if _, err := rawDB(t, path).Exec(q); err == nil {
			t.Errorf("%s: the file allowed it", q)
		}
	}
}

// downgradeV22 turns a register of version 22 back into one of version 21: no leads. The downgrade of
// version 21 runs it first.
func downgradeV22(t *testing.T, path string) {
	t.Helper()
	downgrade(t, path, `DROP TRIGGER leads_version`, `DROP TRIGGER leads_no_delete`, `DROP TABLE leads`,
		`DELETE FROM gpkg_contents WHERE table_name = 'leads'`, `UPDATE officemap_schema SET version = 21`)
}

// leadsSchema is the definition of the table leads, its index and triggers.
func leadsSchema(t *testing.T, path string) string {
	t.Helper()
	return strings.Join(queryStrings(t, rawDB(t, path), `SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master
 WHERE tbl_name = 'leads' ORDER BY type, name`), "\n")
}

// TestMigrateV21: Open brings a register of version 21 to version 22 — the leads, empty, as in a new file —
// and a lead can then be written.
func TestMigrateV21(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v21.gpkg")
	filledFile(t, path)
	want := leadsSchema(t, path)
	if !strings.Contains(want, "CREATE TABLE leads") {
		t.Fatalf("a new file has no leads:\n%s", want)
	}
	downgradeV22(t, path)
	if got := leadsSchema(t, path); got != "" {
		t.Fatalf("the downgraded file still has leads:\n%s", got)
	}
	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := gpkg.Open(ctx, path, gpkg.WithLocation(cst))
	must(t, err)
	defer s.Close()
	if got := leadsSchema(t, path); got != want {
		t.Errorf("migrated leads differ from a new file's:\n%s\nwant\n%s", got, want)
	}
	l := floorplan.Lead{Source: floorplan.LeadMedia, ReceivedOn: floorplan.Day(2026, 3, 1), Text: "媒体报道", State: floorplan.LeadOpen}
	must(t, s.CreateLead(ctx, &l))
	if got, err := s.Lead(ctx, l.ID); err != nil || got.Text != l.Text || !got.ReceivedOn.Equal(l.ReceivedOn) {
		t.Errorf("read back %+v, %v", got, err)
	}
}
