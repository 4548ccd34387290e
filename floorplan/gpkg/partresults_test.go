package gpkg_test

import (
	"context"
	"path/filepath"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
)

// partTriggers are the triggers of schema version 11 (sqlMigrateV11).
var partTriggers = []string{"rooms_parts_insert", "rooms_parts_update", "rooms_parts_delete", "people_parts_insert",
	"people_parts_update", "people_parts_delete", "posts_parts_insert", "posts_parts_update", "posts_parts_delete",
	"assignments_parts_insert", "assignments_parts_update", "assignments_parts_delete", "agencies_parts_insert",
	"agencies_parts_update", "agencies_parts_delete", "standard_rows_parts_insert", "standard_rows_parts_update",
	"standard_rows_parts_delete"}

// downgradeV11 makes the register at path one of schema version 10: no stored parts, no counters.
func downgradeV11(t *testing.T, path string) {
	t.Helper()
	downgradeV12(t, path)
	qs := []string{`DROP TABLE part_results`, `DROP TABLE part_counters`,
		`DELETE FROM gpkg_contents WHERE table_name IN ('part_results', 'part_counters')`}
	for _, name := range partTriggers {
		qs = append(qs, `DROP TRIGGER `+name)
	}
	downgrade(t, path, append(qs, `UPDATE officemap_schema SET version = 10`)...)
}

// TestMigrateV10: Open brings a register of version 10 with rooms and people in it to version 11 — no part
// stored, every counter at 0, the tables and triggers as in a new file — and StoredParts then evaluates and
// stores every part, which the next call reads back.
func TestMigrateV10(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v10.gpkg")
	history := takenBack(t, path, downgradeV11, func(ctx context.Context, s *gpkg.Store) { storetestDemo(t, ctx, s) })

	ctx, s := openCST(t, path)
	heads, err := s.PartHeads(ctx, nil)
	must(t, err)
	if len(heads) < 2 {
		t.Fatalf("after the migration: %d heads; want uuid.Nil's and the sample's agencies'", len(heads))
	}
	for _, h := range heads {
		if h.Stored || h.Current != (floorplan.PartMark{}) {
			t.Errorf("after the migration: head %+v; want no part and counters at 0", h)
		}
	}
	must(t, s.Close())
	migratedAsNew(t, path, history, "part_results", "part_counters", "officemap_schema")

	_, s = openCST(t, path)
	defer s.Close()
	g := floorplan.NewRegister(s)
	var first, second []*floorplan.Report
	must(t, g.StoredParts(ctx, nil, func(p *floorplan.Report) error { first = append(first, p); return nil }))
	heads, err = s.PartHeads(ctx, nil)
	must(t, err)
	for _, h := range heads {
		if !h.Stored {
			t.Errorf("after StoredParts: agency %s has no stored part", h.AgencyID)
		}
	}
	must(t, g.StoredParts(ctx, nil, func(p *floorplan.Report) error { second = append(second, p); return nil }))
	if len(first) != len(heads) || len(second) != len(first) {
		t.Fatalf("StoredParts gave %d parts, then %d, for %d heads", len(first), len(second), len(heads))
	}
	findings := 0
	for i := range first {
		findings += len(first[i].Findings)
		if len(first[i].Findings) != len(second[i].Findings) || len(first[i].People) != len(second[i].People) {
			t.Errorf("part %d read back differs from the one evaluated", i)
		}
	}
	if findings == 0 {
		t.Errorf("the sample's parts have no findings: the test proves little")
	}
}
