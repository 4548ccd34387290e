package gpkg_test

import (
	"context"
	"path/filepath"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/storetest"
)

// TestLeads runs the conformance tests of the leads (schema version 22, leads.go).
func TestLeads(t *testing.T) {
	storetest.RunLeads(t, newClocked)
}

// TestLeadsNeverDeleted: the file itself refuses to delete a lead, to move its version on by anything but
// one, and to mark it triaged without an item.
func TestLeadsNeverDeleted(t *testing.T) {
	newFileRefuses(t, func(ctx context.Context, s *gpkg.Store) {
		l := floorplan.Lead{Source: floorplan.LeadHotline, ReceivedOn: floorplan.Day(2026, 3, 2), Text: "12345 来电", State: floorplan.LeadOpen}
		must(t, s.CreateLead(ctx, &l))
	}, `DELETE FROM leads`, `UPDATE leads SET version = 5`, `UPDATE leads SET state = 'triaged', version = version + 1`,
		`UPDATE leads SET source = 'letter', version = version + 1`)
}

// downgradeV22 turns a register of version 22 back into one of version 21: no leads. The downgrade of
// version 21 runs it first.
func downgradeV22(t *testing.T, path string) {
	t.Helper()
	downgradeV23(t, path)
	downgrade(t, path, `DROP TRIGGER leads_version`, `DROP TRIGGER leads_no_delete`, `DROP TABLE leads`,
		`DELETE FROM gpkg_contents WHERE table_name = 'leads'`, `UPDATE officemap_schema SET version = 21`)
}

// TestMigrateV21: Open brings a register of version 21 to version 22 — the leads, empty, as in a new file —
// and a lead can then be written.
func TestMigrateV21(t *testing.T) {
	ctx, s, _ := schemaStep{tables: []string{"leads"}, down: downgradeV22}.migrate(t, filepath.Join(t.TempDir(), "v21.gpkg"))
	l := floorplan.Lead{Source: floorplan.LeadMedia, ReceivedOn: floorplan.Day(2026, 3, 1), Text: "媒体报道", State: floorplan.LeadOpen}
	must(t, s.CreateLead(ctx, &l))
	if got, err := s.Lead(ctx, l.ID); err != nil || got.Text != l.Text || !got.ReceivedOn.Equal(l.ReceivedOn) {
		t.Errorf("read back %+v, %v", got, err)
	}
}
