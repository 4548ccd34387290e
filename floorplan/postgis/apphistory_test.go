package postgis_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
)

// TestMigrate0026: 0026_application_history on a database of the migration before, with an application in
// it, gives that application one history row — its filing as it stood, recorded by the migration — and from
// then on every write of an application appends one, with the actor and the reason of the write.
func TestMigrate0026(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	p := poolOn(t, pgtest.NewEmptyDB(t))
	must(t, postgis.MigrateFS(ctx, p, migrationsBefore(t, 26)))
	agency, id := uuid.New(), uuid.New()
	if _, err := p.Exec(ctx, `INSERT INTO agencies (id, name, level) VALUES ($1, '常州市统计局', 'municipal')`, agency); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Exec(ctx, `INSERT INTO applications (id, kind, agency_id, title, state, body)
VALUES ($1, 'maintenance', $2, '屋面维修', 'draft', '{"fields":{},"actions":[],"due":{}}')`, id, agency); err != nil {
		t.Fatal(err)
	}
	migrateAll(t, ctx, p)
	s := postgis.New(p)
	h, err := s.History(ctx, floorplan.EntityApplication, id)
	must(t, err)
	if len(h) != 1 || h[0].Op != "insert" || h[0].Actor != "officemap:migration" || len(h[0].Old) != 0 {
		t.Fatalf("history after the migration: %+v, want the application's filing recorded by the migration", h)
	}
	migrateAll(t, ctx, p) // again: nothing to do
	a, err := s.Application(ctx, id)
	must(t, err)
	a.State = "assessment"
	must(t, s.UpdateApplication(floorplan.WithReason(floorplan.WithActor(ctx, "clerk"), "请评估"), &a))
	h, err = s.History(ctx, floorplan.EntityApplication, id)
	must(t, err)
	if len(h) != 2 || h[1].Op != "update" || h[1].Actor != "clerk" || h[1].Reason != "请评估" {
		t.Fatalf("history after an update: %+v, want a second row by clerk because 请评估", h)
	}
	if string(h[0].New) == string(h[1].New) || len(h[1].Old) == 0 {
		t.Errorf("the update's images: %s → %s", h[1].Old, h[1].New)
	}
}
