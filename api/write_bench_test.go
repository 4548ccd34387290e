package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/synth"
)

// BenchmarkCreateRoomHTTP creates one room per iteration over HTTP (lon/lat GeoJSON in, the room with its
// state today out) on PostGIS holding a synthetic register of 20 000 rooms: the path a planner's editor
// takes. It loads the register through the store's own methods only, so that the same file runs on
// earlier versions of the code for a side-by-side comparison.
func BenchmarkCreateRoomHTTP(b *testing.B) {
	ctx := context.Background()
	s, d, ts := benchServer(b, synth.Config{Seed: 7, Buildings: 10, Floors: 10, RoomsPerFloor: 200})
	// An empty floor of its own for the new rooms.
	fl := floorplan.Floor{BuildingID: d.Buildings[0].ID, Ordinal: 50, Name: "51F"}
	if err := s.CreateFloor(ctx, &fl); err != nil {
		b.Fatal(err)
	}
	frame := d.Buildings[0].Georef.Frame()

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
