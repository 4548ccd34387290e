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

// TestInspections runs the conformance tests of the inspections (schema version 21, inspections.go).
func TestInspections(t *testing.T) {
	storetest.RunInspections(t, newClocked)
}

// TestInspectionsNeverDeleted: the file itself refuses to delete a plan or an item, and to move a
// version on by anything but one.
func TestInspectionsNeverDeleted(t *testing.T) {
	newFileRefuses(t, func(ctx context.Context, s *gpkg.Store) {
		p := floorplan.Inspection{Kind: floorplan.InspectSpecial, Title: "专项督查", State: floorplan.PlanDraft}
		must(t, s.CreateInspection(ctx, &p))
		it := floorplan.InspectionItem{InspectionID: p.ID, PointCode: "A1", State: floorplan.ItemOpen}
		must(t, s.CreateInspectionItem(ctx, &it))
	}, `DELETE FROM inspection_items`, `DELETE FROM inspections`, `UPDATE inspections SET version = 5`,
		`UPDATE inspection_items SET state = 'fixed'`)
}

// downgradeV21 turns a register of version 21 back into one of version 20: no inspections. The downgrade
// of version 20 should run it first.
func downgradeV21(t *testing.T, path string) {
	t.Helper()
	downgradeV22(t, path)
	downgrade(t, path, `DROP TRIGGER inspections_version`, `DROP TRIGGER inspection_items_version`,
		`DROP TRIGGER inspections_no_delete`, `DROP TRIGGER inspection_items_no_delete`,
		`DROP TABLE inspection_items`, `DROP TABLE inspections`,
		`DELETE FROM gpkg_contents WHERE table_name IN ('inspections', 'inspection_items')`,
		`UPDATE officemap_schema SET version = 20`)
}

// TestMigrateV20: Open brings a register of version 20 to version 21 — the inspections, empty, as in a new
// file — and a plan and its item can then be written.
func TestMigrateV20(t *testing.T) {
	ctx, s, _ := schemaStep{tables: []string{"inspections", "inspection_items"}, down: downgradeV21}.
		migrate(t, filepath.Join(t.TempDir(), "v20.gpkg"))
	p := floorplan.Inspection{Kind: floorplan.InspectKey, Title: "重点督查", State: floorplan.PlanDraft}
	must(t, s.CreateInspection(ctx, &p))
	it := floorplan.InspectionItem{InspectionID: p.ID, PointCode: "A7", State: floorplan.ItemOpen}
	must(t, s.CreateInspectionItem(ctx, &it))
}

// TestBadIDInFileIsAnError: a file edited by hand with an id that is not a UUID makes the read fail with an
// error naming the column, not crash the server.
func TestBadIDInFileIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad-id.gpkg")
	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := gpkg.Open(ctx, path, gpkg.WithLocation(cst))
	must(t, err)
	p := floorplan.Inspection{Kind: floorplan.InspectSpecial, Title: "专项督查", State: floorplan.PlanDraft}
	must(t, s.CreateInspection(ctx, &p))
	must(t, s.Close())
	db := rawDB(t, path)
	if _, err := db.Exec(`DROP TRIGGER IF EXISTS inspections_version`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE inspections SET id = 'not-a-uuid'`); err != nil {
		t.Fatal(err)
	}
	must(t, db.Close())
	s, err = gpkg.Open(ctx, path, gpkg.WithLocation(cst))
	must(t, err)
	defer s.Close()
	if _, err := s.Inspections(ctx, floorplan.InspectionFilter{}); err == nil || !strings.Contains(err.Error(), "id column") {
		t.Errorf("reading a plan whose id is not a UUID: %v, want an error naming the id column", err)
	}
}
