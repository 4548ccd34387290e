package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/synth"
)

// BenchmarkCreateRoomHTTP creates one room per iteration over HTTP (lon/lat GeoJSON in, the room with its
// state today out) on PostGIS holding a synthetic register of 20 000 rooms: the path a planner's editor
// takes. It loads the register through the store's own methods only, so that the same file runs on
// earlier versions of the code for a side-by-side comparison.
func BenchmarkCreateRoomHTTP(b *testing.B) {
	ctx := context.Background()
	s := pgtest.NewStore(b)
	d := synth.Generate(synth.Config{Seed: 7, Buildings: 10, Floors: 10, RoomsPerFloor: 200})
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
	// An empty floor of its own for the new rooms.
	fl := floorplan.Floor{BuildingID: d.Buildings[0].ID, Ordinal: 50, Name: "51F"}
	load(s.CreateFloor(ctx, &fl))
	frame := d.Buildings[0].Georef.Frame()

	srv := api.NewServer(api.Config{}, api.Deps{Store: s, Assessor: floorplan.NewAssessor(s, nil, floorplan.DefaultPolicy()),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := ts.Client()
	// Warm the caches as a running server has them.
	if res, err := client.Get(ts.URL + "/api/v1/floors/" + fl.ID.String() + "/rooms"); err == nil {
		res.Body.Close()
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		x, y := float64(i%100)*5, float64(i/100)*5
		i++
		geom, err := json.Marshal(polygonJSON(frame.PolygonToLonLat(rect(x, y, x+4, y+4))))
		if err != nil {
			b.Fatal(err)
		}
		body := fmt.Sprintf(`{"type":"Feature","properties":{"number":"N%d","usage":"office"},"geometry":%s}`, i, geom)
		res, err := client.Post(ts.URL+"/api/v1/floors/"+fl.ID.String()+"/rooms", "application/geo+json", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 201 {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
}
