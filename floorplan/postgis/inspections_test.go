package postgis_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
)

// TestInspections runs the conformance tests of the inspections (migrations/0027_inspections.sql).
func TestInspections(t *testing.T) {
	storetest.RunInspections(t, func(t *testing.T) floorplan.Store {
		return &agedStore{Store: pgtest.NewStore(t, postgis.WithLocation(conformanceZone))}
	})
}

// TestInspectionsNeverDeleted: the database itself refuses to delete a plan or an item.
func TestInspectionsNeverDeleted(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	dbURL := pgtest.NewDB(t)
	s, err := postgis.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := floorplan.Inspection{Kind: floorplan.InspectSpecial, Title: "专项督查", State: floorplan.PlanDraft}
	if err := s.CreateInspection(ctx, &p); err != nil {
		t.Fatal(err)
	}
	it := floorplan.InspectionItem{InspectionID: p.ID, PointCode: "A1", State: floorplan.ItemOpen}
	if err := s.CreateInspectionItem(ctx, &it); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{`DELETE FROM inspection_items`, `DELETE FROM inspections`,
		`UPDATE inspection_items SET state = 'lost'`} {
		if _, err := conn.Exec(ctx, q); err == nil {
			t.Errorf("%s: the database allowed it", q)
		}
	}
}
