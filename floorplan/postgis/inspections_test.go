package postgis_test

import (
	"context"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
)

// TestInspections runs the conformance tests of the inspections (migrations/0027_inspections.sql).
func TestInspections(t *testing.T) {
	storetest.RunInspections(t, newAgedStore)
}

// TestInspectionsNeverDeleted: the database itself refuses to delete a plan or an item.
func TestInspectionsNeverDeleted(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	url := pgtest.NewDB(t)
	s := openStoreOn(t, url)
	p := floorplan.Inspection{Kind: floorplan.InspectSpecial, Title: "专项督查", State: floorplan.PlanDraft}
	must(t, s.CreateInspection(ctx, &p))
	it := floorplan.InspectionItem{InspectionID: p.ID, PointCode: "A1", State: floorplan.ItemOpen}
	must(t, s.CreateInspectionItem(ctx, &it))
	refusedByDatabase(t, ctx, url, `DELETE FROM inspection_items`, `DELETE FROM inspections`, `UPDATE inspection_items SET state = 'lost'`)
}
