package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/sample"
)

// TestPostGISStore runs the commands against a real PostGIS: migrate on an empty database (twice: the
// second is a no-op), then gen and the report, which must see what gen wrote.
func TestPostGISStore(t *testing.T) {
	db := pgtest.NewEmptyDB(t)
	for i := 0; i < 2; i++ {
		out, _, err := officemap(t, "migrate", "--db", db)
		if err != nil {
			t.Fatalf("migrate #%d: %v", i+1, err)
		}
		if !strings.Contains(out, "up to date") {
			t.Errorf("migrate printed %q", out)
		}
	}
	if _, _, err := officemap(t, "gen", "--db", db, "--buildings", "1", "--floors", "1", "--rooms-per-floor", "20"); err != nil {
		t.Fatalf("gen: %v", err)
	}
	out, _, err := officemap(t, "report", "over-standard", "--db", db, "--format", "json")
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	var rep struct {
		Agencies []struct{ Rooms int } `json:"agencies"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report JSON: %v", err)
	}
	if len(rep.Agencies) == 0 {
		t.Errorf("the report on PostGIS lists no agencies after gen")
	}
}

// TestSampleOnBothStores loads the demo sample into PostGIS (what `demo --db postgres://…` does) and into
// a GeoPackage and checks that both give the same findings.
func TestSampleOnBothStores(t *testing.T) {
	ctx := context.Background()
	today := floorplan.DayOf(time.Now())
	pg, err := postgis.Open(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	e := &env{getenv: func(string) string { return "" }, db: t.TempDir() + "/s.gpkg"}
	gp, _, err := e.openStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer gp.Close()
	count := map[string]map[string]int{}
	for name, s := range map[string]floorplan.Store{"postgis": pg, "gpkg": gp} {
		if err := sample.Build(today).Load(ctx, s); err != nil {
			t.Fatalf("%s: load: %v", name, err)
		}
		rep, err := floorplan.NewAssessor(s, nil, floorplan.DefaultPolicy()).AsOf(ctx, today)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		count[name] = map[string]int{}
		for _, f := range rep.Findings {
			count[name][f.RuleID]++
		}
	}
	for _, r := range floorplan.Rules() {
		if count["postgis"][r.ID] == 0 || count["postgis"][r.ID] != count["gpkg"][r.ID] {
			t.Errorf("%s: postgis %d findings, gpkg %d", r.ID, count["postgis"][r.ID], count["gpkg"][r.ID])
		}
	}
}
