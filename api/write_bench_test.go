package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb/maptile"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/postgis"
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

// BenchmarkPatchRoomHTTP changes one room's name per iteration over HTTP (a JSON merge patch, If-Match: *),
// side by side: the Register reading the neighbourhood of the write step by step (rings: the store's
// floorplan.NeighbourhoodReader, one round trip per step) and one record at a time (per-record: the same
// store with that interface hidden, as the Register read it before). The two take turns in rounds of
// patchRound PATCHes per writer within one run, so that both see the same machine load; each reports
// the p50 and p99 latency of its PATCHes (rings-p50-ms, per-record-p99-ms…). Cases: one writer or four
// at once; any occupied room or shared ones (four people or more); and four writers while four clients
// fetch rooms tiles around the rooms written from the same server (tiles=4, which also reports the
// tiles' p99 and slowest, tile-max-ms, over both variants). It runs on a synthetic register of 20 000
// rooms, or, when OFFICEMAP_WRITE_BENCH_DB names one, on that PostGIS database (say a copy of a
// 1M-room `officemap gen` register: the benchmark writes to it).
//
//	OFFICEMAP_WRITE_BENCH_DB=postgres://postgres@127.0.0.1:5432/w6_1m go test ./api -run '^$' \
//	    -bench PatchRoomHTTP -benchtime 400x
func BenchmarkPatchRoomHTTP(b *testing.B) {
	s, rooms, tiles := patchBenchStore(b)
	variants := []string{"rings", "per-record"}
	servers := map[string]*httptest.Server{}
	for name, reg := range map[string]*floorplan.Register{
		"rings":      floorplan.NewRegister(s),
		"per-record": floorplan.NewRegister(perRecord{s, s}),
	} {
		srv := api.NewServer(api.Config{}, api.Deps{Store: s, Register: reg,
			Assessor: floorplan.NewAssessor(s, nil, floorplan.DefaultPolicy()),
			Logger:   slog.New(slog.NewTextHandler(io.Discard, nil))})
		servers[name] = httptest.NewServer(srv)
		b.Cleanup(servers[name].Close)
	}
	for _, c := range []struct {
		writers int
		rooms   string
		tilers  int
	}{{1, "any", 0}, {1, "shared", 0}, {4, "any", 0}, {4, "shared", 0}, {4, "any", 4}} {
		name := fmt.Sprintf("writers=%d/rooms=%s", c.writers, c.rooms)
		if c.tilers > 0 {
			name += fmt.Sprintf("/tiles=%d", c.tilers)
		}
		b.Run(name, func(b *testing.B) {
			list := rooms[c.rooms]
			next := rand.IntN(len(list)) // rooms are patched in turn, from anywhere in the list
			lat := map[string][]time.Duration{}
			var tileLat []time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for round, done := 0, 0; done < b.N; round++ {
				v := variants[round%2]
				n := min(b.N-done, patchRound*c.writers)
				stop := fetchTiles(b, servers[v], tiles, c.tilers)
				lat[v] = append(lat[v], patchConcurrently(b, servers[v], list, next, n, c.writers)...)
				tileLat = append(tileLat, stop()...)
				next += n
				done += n
			}
			b.StopTimer()
			for _, v := range variants {
				reportLatencies(b, v, lat[v])
			}
			if len(tileLat) > 0 {
				reportLatencies(b, "tile", tileLat)
				b.ReportMetric(float64(slices.Max(tileLat))/float64(time.Millisecond), "tile-max-ms")
			}
		})
	}
}

// fetchTiles starts clients that fetch rooms tiles (from tiles, at random) from ts until the function it
// returns is called, which returns their latencies.
func fetchTiles(b *testing.B, ts *httptest.Server, tiles []maptile.Tile, clients int) (stop func() []time.Duration) {
	done := make(chan struct{})
	lat := make(chan time.Duration, 1024)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				t := tiles[rand.IntN(len(tiles))]
				start := time.Now()
				res, err := ts.Client().Get(fmt.Sprintf("%s/tiles/rooms/%d/%d/%d.mvt", ts.URL, t.Z, t.X, t.Y))
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent {
					b.Errorf("tile %v: status %d", t, res.StatusCode)
				}
				lat <- time.Since(start)
			}
		}()
	}
	var out []time.Duration
	collected := make(chan struct{})
	go func() {
		for d := range lat {
			out = append(out, d)
		}
		close(collected)
	}()
	return func() []time.Duration {
		close(done)
		wg.Wait()
		close(lat)
		<-collected
		return out
	}
}

// patchRound is how many PATCHes each writer sends before the variants of BenchmarkPatchRoomHTTP
// take turns.
const patchRound = 10

// patchConcurrently sends n PATCHes to ts from writers clients at once, to the rooms from rooms[from]
// on, and returns their latencies.
func patchConcurrently(b *testing.B, ts *httptest.Server, rooms []uuid.UUID, from, n, writers int) []time.Duration {
	work := make(chan int)
	lat := make(chan time.Duration, n)
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				lat <- patchRoom(b, ts, rooms[i%len(rooms)], i)
			}
		}()
	}
	for i := range n {
		work <- from + i
	}
	close(work)
	wg.Wait()
	close(lat)
	out := make([]time.Duration, 0, n)
	for d := range lat {
		out = append(out, d)
	}
	return out
}

// patchRoom sends a PATCH of room id's name (n makes it new) and returns how long the answer took.
func patchRoom(b *testing.B, ts *httptest.Server, id uuid.UUID, n int) time.Duration {
	body := fmt.Sprintf(`{"properties":{"name":"bench %d"}}`, n)
	req, err := http.NewRequest(http.MethodPatch, ts.URL+"/api/v1/rooms/"+id.String(), strings.NewReader(body))
	if err != nil {
		b.Error(err)
		return 0
	}
	req.Header.Set("Content-Type", "application/merge-patch+json")
	req.Header.Set("If-Match", "*")
	start := time.Now()
	res, err := ts.Client().Do(req)
	if err != nil {
		b.Error(err)
		return 0
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	took := time.Since(start)
	if res.StatusCode != http.StatusOK {
		b.Errorf("PATCH room %s: status %d", id, res.StatusCode)
	}
	return took
}

// reportLatencies reports the 50th and 99th percentiles of the latencies ds of variant name, in ms.
func reportLatencies(b *testing.B, name string, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	at := func(q float64) float64 {
		return float64(ds[min(len(ds)-1, int(q*float64(len(ds))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), name+"-p50-ms")
	b.ReportMetric(at(0.99), name+"-p99-ms")
}

// perRecord is a store whose Stores of InTx are not floorplan.NeighbourhoodReaders: the Register reads the
// neighbourhood of a write one record at a time through it.
type perRecord struct {
	floorplan.Store
	floorplan.StateStore
}

// InTx runs fn with the transaction's Store as perRecord.
func (p perRecord) InTx(ctx context.Context, fn func(tx floorplan.Store) error) error {
	return p.Store.InTx(ctx, func(tx floorplan.Store) error {
		return fn(perRecordTx{tx, tx.(floorplan.StateStore)})
	})
}

// perRecordTx is the Store of a transaction of perRecord: a floorplan.StateStore, not a
// floorplan.NeighbourhoodReader.
type perRecordTx struct {
	floorplan.Store
	floorplan.StateStore
}

// patchBenchStore returns the store of BenchmarkPatchRoomHTTP, rooms of it to patch ("any" occupied
// rooms, and "shared" rooms of four people or more) and the z18 tiles of the rooms.
func patchBenchStore(b *testing.B) (*postgis.Store, map[string][]uuid.UUID, []maptile.Tile) {
	ctx := context.Background()
	if url := os.Getenv("OFFICEMAP_WRITE_BENCH_DB"); url != "" {
		s, err := postgis.Open(ctx, url)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		rooms, tiles := occupiedRooms(b, s, 1000)
		return s, rooms, tiles
	}
	s, _, ts := benchServer(b, synth.Config{Seed: 7, Buildings: 10, Floors: 10, RoomsPerFloor: 200})
	ts.Close()
	rooms, tiles := occupiedRooms(b, s, 1000)
	return s, rooms, tiles
}

// occupiedRooms returns up to n occupied rooms of s ("any") and up to n rooms of four people or more
// ("shared"), from floors spread over the register, and the z18 tiles of their centres.
func occupiedRooms(b *testing.B, s floorplan.Store, n int) (map[string][]uuid.UUID, []maptile.Tile) {
	ctx := context.Background()
	buildings, err := s.Buildings(ctx, uuid.Nil)
	if err != nil {
		b.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	out := map[string][]uuid.UUID{}
	var tiles []maptile.Tile
	for tries := 0; (len(out["any"]) < n || len(out["shared"]) < n) && tries < 4*n; tries++ {
		building := buildings[rnd.IntN(len(buildings))]
		floors, err := s.Floors(ctx, building.ID)
		if err != nil || len(floors) == 0 {
			b.Fatal("floors:", err)
		}
		rooms, err := s.Rooms(ctx, floorplan.RoomFilter{FloorID: floors[rnd.IntN(len(floors))].ID})
		if err != nil {
			b.Fatal("rooms:", err)
		}
		anyDone := false
		for _, i := range rnd.Perm(len(rooms)) {
			as, err := s.Assignments(ctx, floorplan.AssignmentFilter{RoomID: rooms[i].ID})
			if err != nil {
				b.Fatal("assignments:", err)
			}
			if len(as) > 0 && !anyDone && len(out["any"]) < n {
				out["any"], anyDone = append(out["any"], rooms[i].ID), true
				centre := building.Georef.Frame().ToLonLat(rooms[i].Geometry.Bound().Center())
				tiles = append(tiles, maptile.At(centre, 18))
			}
			if len(as) >= 4 && len(out["shared"]) < n {
				out["shared"] = append(out["shared"], rooms[i].ID)
				break
			}
		}
	}
	if len(out["any"]) == 0 || len(out["shared"]) == 0 {
		b.Fatalf("%d occupied rooms, %d shared ones: too few to patch", len(out["any"]), len(out["shared"]))
	}
	return out, tiles
}
