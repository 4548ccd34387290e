package gpkg_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
)

// TestMigrateV19: Open brings a register of version 19 with an application in it to version 20, which gives
// that application one history row — its filing as it stood, recorded by the migration, its body as JSON —
// and once; from then on the store appends a row for every write of an application, with its actor and
// reason (apphistory.go).
func TestMigrateV19(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v19.gpkg")
	filledFile(t, path)
	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := gpkg.Open(ctx, path, gpkg.WithLocation(cst))
	must(t, err)
	agency := floorplan.Agency{Name: "常州市统计局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive, Headcount: 10}
	must(t, s.CreateAgency(ctx, &agency))
	must(t, s.Close())
	downgradeV21(t, path)
	id := uuid.New()
	created := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC).Format(time.RFC3339Nano)
	downgrade(t, path, `UPDATE officemap_schema SET version = 19`,
		`INSERT INTO applications (id, kind, agency_id, title, state, body, created_at, updated_at)
VALUES ('`+id.String()+`', 'maintenance', '`+agency.ID.String()+`', '屋面维修', 'draft', '{"fields":{},"actions":[],"due":{}}', '`+created+`', '`+created+`')`)
	for range 2 { // the second Open has nothing to migrate
		s, err := gpkg.Open(ctx, path, gpkg.WithLocation(cst))
		must(t, err)
		h, err := s.History(ctx, floorplan.EntityApplication, id)
		must(t, err)
		if len(h) != 1 || h[0].Op != "insert" || h[0].Actor != "officemap:migration" || !h[0].At.Equal(time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)) {
			t.Fatalf("history after the migration: %+v, want the filing recorded by the migration at its time", h)
		}
		if !bytes.Contains(h[0].New, []byte(`"body":{`)) {
			t.Errorf("the migration's image %s has no body object", h[0].New)
		}
		must(t, s.Close())
	}
	s, err = gpkg.Open(ctx, path, gpkg.WithLocation(cst))
	must(t, err)
	defer s.Close()
	a, err := s.Application(ctx, id)
	must(t, err)
	a.State = "assessment"
	must(t, s.UpdateApplication(floorplan.WithReason(floorplan.WithActor(ctx, "clerk"), "请评估"), &a))
	h, err := s.History(ctx, floorplan.EntityApplication, id)
	must(t, err)
	if len(h) != 2 || h[1].Op != "update" || h[1].Actor != "clerk" || h[1].Reason != "请评估" || len(h[1].Old) == 0 {
		t.Fatalf("history after an update: %+v, want a second row by clerk because 请评估", h)
	}
}
