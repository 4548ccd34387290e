package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/synth"
)

// benchServer serves, until the benchmark ends, an api.Server on a fresh PostGIS database holding the
// synthetic register of cfg. It loads the register through the store's own methods only, so that the
// benchmarks run on earlier versions of the code for a side-by-side comparison.
func benchServer(b *testing.B, cfg synth.Config) (*postgis.Store, *synth.Dataset, *httptest.Server) {
	b.Helper()
	ctx := context.Background()
	s := pgtest.NewStore(b)
	d := synth.Generate(cfg)
	load := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	for i := range d.Sites {
		load(s.CreateSite(ctx, &d.Sites[i]))
	}
	for i := range d.Agencies {
		load(s.CreateAgency(ctx, &d.Agencies[i]))
	}
	for i := range d.Buildings {
		load(s.CreateBuilding(ctx, &d.Buildings[i]))
	}
	for i := range d.Floors {
		load(s.CreateFloor(ctx, &d.Floors[i]))
	}
	load(s.BulkInsertRooms(ctx, d.Rooms))
	load(s.BulkInsertPeople(ctx, d.People))
	load(s.BulkInsertAssignments(ctx, d.Assignments))
	srv := api.NewServer(api.Config{}, api.Deps{Store: s, Assessor: floorplan.NewAssessor(s, nil, floorplan.DefaultPolicy()),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	return s, d, ts
}
