package api_test

import (
	"io"
	"net/http"
	"runtime"
	"testing"

	"officemap/floorplan/synth"
)

// BenchmarkOGCItemsHTTP pages the rooms collection over HTTP (/ogc/collections/rooms/items, no bbox: the
// whole register) on PostGIS holding a synthetic register of 11 000 rooms, one client at a time and 16
// at once (issue 13: 16 clients got 7 requests/s when every page loaded the whole bbox). With
// bench_register_test.go, it runs on earlier versions of the code for a side-by-side comparison.
//
//	go test ./api -run '^$' -bench OGCItems -benchtime 3s
func BenchmarkOGCItemsHTTP(b *testing.B) {
	_, d, ts := benchServer(b, synth.Config{Seed: 13, Buildings: 11, Floors: 10, RoomsPerFloor: 100})
	client := ts.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	get := func(b *testing.B, query string) {
		res, err := client.Get(ts.URL + "/ogc/collections/rooms/items?" + query)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	get(b, "limit=1") // warm the evaluation cache, as a running server has it
	b.Logf("%d rooms", len(d.Rooms))
	for _, q := range []string{"limit=1", "limit=100&offset=5000"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				get(b, q)
			}
		})
	}
	b.Run("limit=1, 16 clients", func(b *testing.B) {
		procs := runtime.GOMAXPROCS(0)
		b.SetParallelism((16 + procs - 1) / procs) // RunParallel runs parallelism × GOMAXPROCS goroutines
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				get(b, "limit=1")
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}
