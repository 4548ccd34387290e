package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
	kgzip "github.com/klauspost/compress/gzip"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/synth"
	"officemap/geo"
	"officemap/geo/mvt"
)

// The benchmarks run on a PostGIS register of 200,000 synthetic rooms (400 buildings × 10 floors × 50
// rooms), built once per process outside the timers. Loading it takes a minute or two; to reuse one
// across runs, set OFFICEMAP_BENCH_DATABASE_URL to a database that already holds it (the first run with
// OFFICEMAP_BENCH_KEEP=1 keeps its database and prints the URL).
//
//	go test ./api/tiles -run '^$' -bench . -benchmem -count 5
const (
	envBenchDB   = "OFFICEMAP_BENCH_DATABASE_URL"
	envBenchKeep = "OFFICEMAP_BENCH_KEEP"
)

// benchConfig is the synthetic register of the benchmarks.
var benchConfig = synth.Config{Seed: 2024, Buildings: 400, Floors: 10, RoomsPerFloor: 50}

// bench holds the register shared by the benchmarks of this process.
var bench struct {
	once    sync.Once
	err     error
	store   *postgis.Store
	data    *synth.Dataset
	report  *floorplan.Report
	tiles   []benchTile // random z17–z19 tiles over the buildings, with a level
	cleanup func()
}

type benchTile struct {
	tile  maptile.Tile
	level int
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.cleanup != nil {
		bench.cleanup()
	}
	os.Exit(code)
}

// benchSetup returns the shared register, building it on first use.
func benchSetup(b *testing.B) {
	b.Helper()
	bench.once.Do(func() { bench.err = loadBench() })
	if bench.err != nil {
		b.Fatal(bench.err)
	}
}

func loadBench() error {
	ctx := context.Background()
	start := time.Now()
	data := synth.Generate(benchConfig)
	url := os.Getenv(envBenchDB)
	fresh := url == ""
	if fresh {
		u, drop, err := pgtest.Create(ctx)
		if err != nil {
			return err
		}
		url = u
		if os.Getenv(envBenchKeep) != "" {
			fmt.Fprintf(os.Stderr, "bench: keeping %s=%s\n", envBenchDB, url)
		} else {
			bench.cleanup = func() { _ = drop() }
		}
	}
	store, err := postgis.Open(ctx, url)
	if err != nil {
		return err
	}
	bench.store = store
	var rooms int
	if err := store.Pool().QueryRow(ctx, `SELECT count(*) FROM rooms`).Scan(&rooms); err != nil {
		return err
	}
	switch {
	case rooms == 0:
		// Loading checks every room against its floor's rooms (the overlap trigger): minutes, not
		// seconds, so without a statement timeout.
		loader, err := postgis.Open(ctx, url, postgis.WithStatementTimeout(0))
		if err != nil {
			return err
		}
		err = data.Load(ctx, floorplan.NewRegister(loader))
		if err == nil {
			_, err = loader.Pool().Exec(ctx, `ANALYZE`)
		}
		loader.Close()
		if err != nil {
			return fmt.Errorf("bench: load: %w", err)
		}
		fmt.Fprintf(os.Stderr, "bench: %d rooms generated and loaded in %s\n", len(data.Rooms), time.Since(start).Round(time.Second))
	case rooms != len(data.Rooms):
		return fmt.Errorf("bench: %s has %d rooms, not the %d of the benchmark register", envBenchDB, rooms, len(data.Rooms))
	}
	bench.data = data

	// The statuses come from one evaluation of the same register, as the api's Assessor keeps it.
	snap := &floorplan.Snapshot{AsOf: floorplan.Day(2025, time.June, 30), Buildings: data.Buildings, Floors: data.Floors,
		Rooms: data.Rooms, Agencies: data.Agencies, People: data.People, Assignments: data.Assignments}
	if bench.report, err = floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy()); err != nil {
		return err
	}

	// Random tiles where the buildings are: the tile of a random point of a random building, at a
	// random zoom 17–19, with a random level (a map shows one floor at a time).
	rng := rand.New(rand.NewPCG(7, 11))
	for len(bench.tiles) < 512 {
		bld := data.Buildings[rng.IntN(len(data.Buildings))]
		fp := bld.Footprint.Bound()
		local := orb.Point{fp.Min[0] + rng.Float64()*(fp.Max[0]-fp.Min[0]), fp.Min[1] + rng.Float64()*(fp.Max[1]-fp.Min[1])}
		ll := bld.Georef.Frame().ToLonLat(local)
		z := maptile.Zoom(17 + rng.IntN(3))
		bench.tiles = append(bench.tiles, benchTile{tile: geo.TileAt(ll, z), level: rng.IntN(benchConfig.Floors)})
	}
	return nil
}

func (bt benchTile) path(ext string) string {
	return fmt.Sprintf("/tiles/rooms/%d/%d/%d.%s?level=%d", bt.tile.Z, bt.tile.X, bt.tile.Y, ext, bt.level)
}

func benchStatuses() StatusSource {
	return FromReport(func(context.Context) (*floorplan.Report, error) { return bench.report, nil })
}

// benchEachTile runs one on the benchmark's tiles in turn and reports the mean of what it counts per op,
// as unit.
func benchEachTile(b *testing.B, unit string, one func(ctx context.Context, bt benchTile) int) {
	benchSetup(b)
	ctx := context.Background()
	b.ReportAllocs()
	n, count := 0, 0
	for b.Loop() {
		bt := bench.tiles[n%len(bench.tiles)]
		n++
		count += one(ctx, bt)
	}
	b.ReportMetric(float64(count)/float64(n), unit)
}

// BenchmarkBareQuery is the floor: Store.Features for the buffered bound of a random z17–z19 tile.
func BenchmarkBareQuery(b *testing.B) {
	benchEachTile(b, "features/op", func(ctx context.Context, bt benchTile) int {
		fs, err := bench.store.Features(ctx, floorplan.LayerRooms, geo.BufferedTileBound(bt.tile, Buffer, Extent),
			floorplan.FeatureFilter{Level: bt.level, HasLevel: true})
		if err != nil {
			b.Fatal(err)
		}
		return len(fs)
	})
}

func benchHTTP(b *testing.B, opts Options, ext string, hdr ...string) {
	benchSetup(b)
	r := mux.NewRouter()
	h := newHandler(bench.store, benchStatuses(), opts)
	h.Register(r)
	reqs := make([]*http.Request, len(bench.tiles))
	for i, bt := range bench.tiles {
		reqs[i] = httptest.NewRequest(http.MethodGet, bt.path(ext), nil)
		for k := 0; k+1 < len(hdr); k += 2 {
			reqs[i].Header.Set(hdr[k], hdr[k+1])
		}
	}
	if opts.CacheBytes >= 0 { // warm the cache: the hot tiles
		for _, req := range reqs {
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
		}
	}
	b.ReportAllocs()
	n, bytes := 0, 0
	for b.Loop() {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, reqs[n%len(reqs)])
		n++
		if w.Code != http.StatusOK && w.Code != http.StatusNoContent {
			b.Fatalf("%s: status %d: %s", reqs[n%len(reqs)].URL, w.Code, w.Body)
		}
		bytes += w.Body.Len()
	}
	b.ReportMetric(float64(bytes)/float64(n), "bytes/op")
}

// BenchmarkTileUncached is the whole HTTP path of an MVT tile with the cache off: routing, parsing,
// the query, the statuses, projection, clipping, encoding and the response.
func BenchmarkTileUncached(b *testing.B) { benchHTTP(b, Options{CacheBytes: -1}, "mvt") }

// BenchmarkTileUncachedGzip adds gzip, as browsers ask for it.
func BenchmarkTileUncachedGzip(b *testing.B) {
	benchHTTP(b, Options{CacheBytes: -1}, "mvt", "Accept-Encoding", "gzip")
}

// BenchmarkTileCached serves the same tiles from a warm cache.
func BenchmarkTileCached(b *testing.B) { benchHTTP(b, Options{}, "mvt", "Accept-Encoding", "gzip") }

// BenchmarkPNGTileUncached draws raster tiles with the cache off.
func BenchmarkPNGTileUncached(b *testing.B) { benchHTTP(b, Options{CacheBytes: -1}, "png") }

// stAsMVTSQL is the alternative this package does not take: PostGIS encodes the tile itself
// (ST_AsMVTGeom + ST_AsMVT). It cannot add the status attribute, which comes from the Go rules engine,
// without shipping every room's status into the query; it is here to measure what the Go encoder costs
// against it.
const stAsMVTSQL = `
WITH b AS (SELECT ST_TileEnvelope($1, $2, $3) AS env,
                  ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326) AS env_ll)
SELECT ST_AsMVT(t, 'rooms', 4096, 'geom') FROM (
  SELECT r.id::text AS id, r.floor_id::text AS floor_id, f.ordinal AS level, r.number, r.usage,
         r.agency_id::text AS agency_id, round(r.area_m2::numeric, 2)::float8 AS area_m2,
         ST_AsMVTGeom(ST_Transform(r.geom_ll, 3857), b.env, 4096, 64, true) AS geom
    FROM rooms r JOIN floors f ON f.id = r.floor_id, b
   WHERE r.deleted_at IS NULL AND r.geom_ll && b.env_ll AND f.ordinal = $4) t`

// BenchmarkPostGISAsMVT is the same tiles encoded by PostGIS (without the status attribute).
func BenchmarkPostGISAsMVT(b *testing.B) {
	benchEachTile(b, "bytes/op", func(ctx context.Context, bt benchTile) int {
		var tile []byte
		if err := bench.store.Pool().QueryRow(ctx, stAsMVTSQL, int(bt.tile.Z), int(bt.tile.X), int(bt.tile.Y), bt.level).Scan(&tile); err != nil {
			b.Fatal(err)
		}
		return len(tile)
	})
}

// BenchmarkEncodeMVT is the Go encoder alone (projection, clipping, simplification, attributes and
// protobuf) on features read once: the part of the tile path this package adds to the query.
func BenchmarkEncodeMVT(b *testing.B) {
	benchSetup(b)
	ctx := context.Background()
	type input struct {
		tile  maptile.Tile
		feats []floorplan.Feature
	}
	inputs := make([]input, 64)
	for i := range inputs {
		bt := bench.tiles[i]
		fs, err := bench.store.Features(ctx, floorplan.LayerRooms, geo.BufferedTileBound(bt.tile, Buffer, Extent),
			floorplan.FeatureFilter{Level: bt.level, HasLevel: true})
		if err != nil {
			b.Fatal(err)
		}
		inputs[i] = input{bt.tile, fs}
	}
	status, err := benchStatuses().RoomStatus(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("orb", func(b *testing.B) { // the encoder before issue 15: geojson features, orb's Marshal
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			in := inputs[n%len(inputs)]
			n++
			if _, err := orbEncodeMVT(in.tile, in.feats, status); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoder", func(b *testing.B) {
		b.ReportAllocs()
		e := mvt.NewEncoder("rooms", maptile.Tile{})
		n := 0
		for b.Loop() {
			in := inputs[n%len(inputs)]
			n++
			encodeMVT(e, floorplan.LayerRooms, in.tile, in.feats, status)
		}
	})
}

// orbEncodeMVT is the rooms tile encoder before issue 15 (geo/mvt's Layer and orb's Marshal), for
// BenchmarkEncodeMVT and TestEncoderAsBefore.
func orbEncodeMVT(t maptile.Tile, feats []floorplan.Feature, status func(uuid.UUID) floorplan.RoomStatus) ([]byte, error) {
	l := mvt.NewLayer(string(floorplan.LayerRooms), t, len(feats))
	for i := range feats {
		f := &feats[i]
		gf := l.Add(f.Geometry)
		if gf == nil {
			continue
		}
		gf.Properties = geojson.Properties{"id": f.ID.String(), "floor_id": f.FloorID.String(), "level": int64(f.Level),
			"number": f.Number, "usage": string(f.Usage), "area_m2": round2(f.AreaM2)}
		if f.AgencyID != uuid.Nil {
			gf.Properties["agency_id"] = f.AgencyID.String()
		}
		if s := status(f.ID); s != "" {
			gf.Properties["status"] = string(s)
		}
	}
	return l.Marshal()
}

// BenchmarkTileVsQuery interleaves the two measurements the target compares, tile by tile, so that a
// shared machine's changing load weighs on both alike: the bare Store.Features call and the full
// uncached HTTP tile path for the same tile. It reports each one's time per tile and their throughput
// ratio (bare time ÷ HTTP time; the target is ≥ 0.8).
func BenchmarkTileVsQuery(b *testing.B) {
	benchSetup(b)
	ctx := context.Background()
	r := mux.NewRouter()
	newHandler(bench.store, benchStatuses(), Options{CacheBytes: -1}).Register(r)
	var bare, full time.Duration
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		bt := bench.tiles[n%len(bench.tiles)]
		n++
		t0 := time.Now()
		if _, err := bench.store.Features(ctx, floorplan.LayerRooms, geo.BufferedTileBound(bt.tile, Buffer, Extent),
			floorplan.FeatureFilter{Level: bt.level, HasLevel: true}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, bt.path("mvt"), nil))
		if w.Code != http.StatusOK && w.Code != http.StatusNoContent {
			b.Fatalf("status %d", w.Code)
		}
		t2 := time.Now()
		bare += t1.Sub(t0)
		full += t2.Sub(t1)
	}
	b.ReportMetric(float64(bare.Nanoseconds())/float64(n), "bare-ns/tile")
	b.ReportMetric(float64(full.Nanoseconds())/float64(n), "http-ns/tile")
	b.ReportMetric(float64(bare)/float64(full), "throughput-ratio")
}

// The 1M benchmarks run on a register made by `officemap gen --buildings 2500 --floors 10
// --rooms-per-floor 40` (1,000,000 rooms) whose stored states are for today (after `officemap check
// --full`, say), named by OFFICEMAP_BENCH_1M_URL; without it they are skipped. Tiles are those of 256
// rooms picked by a hash of their ids, at z18 and z17, with the room's level, served uncached through the
// handler as officemap wires it (stored states, tiles.FromStates(Register.States)). Besides ns/op they
// report the CPU of this process and of the database's backends per tile.
//
//	OFFICEMAP_BENCH_1M_URL=postgres://…/t1_1m go test ./api/tiles -run '^$' -bench Tiles1M -benchtime 300x
const envBench1M = "OFFICEMAP_BENCH_1M_URL"

// at is where a benchmark tile is: a point of a room, and its level.
type at struct {
	ll    orb.Point
	level int
}

// referenceSQL is the reference of issue 15: the query pg_tileserv and martin send (ST_AsMVT over
// ST_AsMVTGeom in ST_TileEnvelope, buffer 64), with the rooms tile's attributes (the status from the
// stored states) and its level filter, prepared and run through pgx.
const referenceSQL = `
WITH b AS (SELECT ST_TileEnvelope($1, $2, $3) AS env,
                  ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326) AS env_ll)
SELECT ST_AsMVT(t, 'rooms', 4096, 'geom') FROM (
  SELECT r.id::text AS id, r.floor_id::text AS floor_id, f.ordinal AS level, r.number, r.usage, s.status,
         r.agency_id::text AS agency_id, round(r.area_m2::numeric, 2)::float8 AS area_m2,
         ST_AsMVTGeom(ST_Transform(r.geom_ll, 3857), b.env, 4096, 64, true) AS geom
    FROM rooms r JOIN floors f ON f.id = r.floor_id LEFT JOIN room_states s ON s.room_id = r.id, b
   WHERE r.deleted_at IS NULL AND r.geom_ll && b.env_ll AND f.ordinal = $4) t`

// benchReference serves the tiles of places at zoom z with referenceSQL, gzipped as a tile server would
// send them to a browser, reporting the same measures as BenchmarkTiles1M.
func benchReference(b *testing.B, store *postgis.Store, places []at, z maptile.Zoom) {
	ctx := context.Background()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	one := func(i int) int {
		p := places[i%len(places)]
		t := geo.TileAt(p.ll, z)
		var tile []byte
		if err := store.Pool().QueryRow(ctx, referenceSQL, int(t.Z), int(t.X), int(t.Y), p.level).Scan(&tile); err != nil {
			b.Fatal(err)
		}
		buf.Reset()
		zw.Reset(&buf)
		_, _ = zw.Write(tile)
		_ = zw.Close()
		return buf.Len()
	}
	for i := range places {
		one(i)
	}
	goCPU, pgCPU := cpuNow(), pgBackendsCPU(ctx, store)
	b.ReportAllocs()
	n, size := 0, 0
	for b.Loop() {
		size += one(n)
		n++
	}
	b.ReportMetric(float64(size)/float64(n), "bytes/op")
	b.ReportMetric(float64(cpuNow()-goCPU)/float64(n)/1e3, "go-cpu-µs/op")
	b.ReportMetric(float64(pgBackendsCPU(ctx, store)-pgCPU)/float64(n)/1e3, "pg-cpu-µs/op")
}

func BenchmarkTiles1M(b *testing.B) {
	url := os.Getenv(envBench1M)
	if url == "" {
		b.Skip(envBench1M + " is not set")
	}
	ctx := context.Background()
	store, err := postgis.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	rows, err := store.Pool().Query(ctx, `
SELECT ST_X(ST_PointOnSurface(r.geom_ll)), ST_Y(ST_PointOnSurface(r.geom_ll)), f.ordinal
  FROM rooms r JOIN floors f ON f.id = r.floor_id
 WHERE r.deleted_at IS NULL ORDER BY md5(r.id::text) LIMIT 256`)
	if err != nil {
		b.Fatal(err)
	}
	var places []at
	for rows.Next() {
		var p at
		if err := rows.Scan(&p.ll[0], &p.ll[1], &p.level); err != nil {
			b.Fatal(err)
		}
		places = append(places, p)
	}
	rows.Close()
	reg := floorplan.NewRegister(store)
	errs := func(w http.ResponseWriter, _ *http.Request, err error) { http.Error(w, err.Error(), 500) }
	for _, z := range []maptile.Zoom{18, 17} {
		b.Run(fmt.Sprintf("z%d/reference", z), func(b *testing.B) { benchReference(b, store, places, z) })
		for _, mode := range []string{"uncached", "parallel", "cached"} {
			name := fmt.Sprintf("z%d/%s", z, mode)
			opts := Options{CacheBytes: -1, Errors: errs}
			if mode == "cached" {
				opts.CacheBytes = 0
			}
			b.Run(name, func(b *testing.B) {
				r := mux.NewRouter()
				New(store, FromStates(reg.States), opts).Register(r)
				paths := make([]string, len(places))
				for i, p := range places {
					t := geo.TileAt(p.ll, z)
					paths[i] = fmt.Sprintf("/tiles/rooms/%d/%d/%d.mvt?level=%d", t.Z, t.X, t.Y, p.level)
				}
				serve := func(i int) int {
					req := httptest.NewRequest(http.MethodGet, paths[i%len(paths)], nil)
					req.Header.Set("Accept-Encoding", "gzip")
					w := httptest.NewRecorder()
					r.ServeHTTP(w, req)
					if w.Code != http.StatusOK && w.Code != http.StatusNoContent {
						b.Errorf("%s: %d %s", paths[i%len(paths)], w.Code, w.Body) // from RunParallel's goroutines too
					}
					return w.Body.Len()
				}
				for i := range paths { // warm: connections, prepared statements, the cache when on
					serve(i)
				}
				goCPU, pgCPU := cpuNow(), pgBackendsCPU(ctx, store)
				b.ReportAllocs()
				n, size := 0, 0
				if mode == "parallel" { // four clients at once on the two cores: the throughput (req/s = 1e9 / ns/op)
					var next, total atomic.Int64
					b.SetParallelism(2)
					b.ResetTimer() // after the warm-up, as b.Loop does
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							total.Add(int64(serve(int(next.Add(1)))))
						}
					})
					n, size = int(next.Load()), int(total.Load())
				}
				for mode != "parallel" && b.Loop() {
					size += serve(n)
					n++
				}
				b.ReportMetric(float64(size)/float64(n), "bytes/op")
				b.ReportMetric(float64(cpuNow()-goCPU)/float64(n)/1e3, "go-cpu-µs/op")
				b.ReportMetric(float64(pgBackendsCPU(ctx, store)-pgCPU)/float64(n)/1e3, "pg-cpu-µs/op")
			})
		}
	}
}

// cpuNow is the CPU time (user + system) of this process so far, in ns.
func cpuNow() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// pgBackendsCPU is the CPU time, in ns, of the backends of the store's connections so far (from /proc, on
// a database server on this machine).
func pgBackendsCPU(ctx context.Context, store *postgis.Store) int64 {
	rows, err := store.Pool().Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()
		AND application_name = (SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid())`)
	if err != nil {
		return 0
	}
	defer rows.Close()
	var total int64
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) != nil {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(f) > 13 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			s, _ := strconv.ParseInt(f[12], 10, 64)
			total += (u + s) * 1e7 // clock ticks of 10 ms
		}
	}
	return total
}

// BenchmarkGzipLevels compresses a rooms tile of 24 × 30 rooms (z17, about 700 features) with the
// standard library's gzip and klauspost/compress's at the levels worth weighing, reporting the compressed
// size: gzipLevel is chosen from it.
func BenchmarkGzipLevels(b *testing.B) {
	t := maptile.At(orb.Point{119.9741, 31.8112}, 17)
	const lonPerM, latPerM = 1.0 / 94600, 1.0 / 110900
	var feats []floorplan.Feature
	for r := 0; r < 24; r++ {
		for c := 0; c < 30; c++ {
			x, y := 119.9735+float64(c)*4.2*lonPerM, 31.8105+float64(r)*7.8*latPerM
			feats = append(feats, floorplan.Feature{ID: uuid.New(), FloorID: uuid.New(), Level: 3, Number: strconv.Itoa(300 + c),
				Usage: floorplan.UsageOffice, AreaM2: 22.68, Layer: floorplan.LayerRooms,
				Geometry: lonlatRect(orb.Point{x, y}, 4.2*lonPerM, 5.4*latPerM)})
		}
	}
	data := encodeMVT(mvt.NewEncoder("rooms", t), floorplan.LayerRooms, t, feats,
		func(uuid.UUID) floorplan.RoomStatus { return floorplan.StatusCompliant })
	type writer interface {
		io.WriteCloser
		Reset(io.Writer)
	}
	impls := map[string]func(w io.Writer, level int) writer{
		"std":       func(w io.Writer, level int) writer { zw, _ := gzip.NewWriterLevel(w, level); return zw },
		"klauspost": func(w io.Writer, level int) writer { zw, _ := kgzip.NewWriterLevel(w, level); return zw },
	}
	for _, name := range []string{"std", "klauspost"} {
		for _, level := range []int{gzip.BestSpeed, 3, gzip.DefaultCompression, gzip.BestCompression} {
			b.Run(fmt.Sprintf("%s/level%d", name, level), func(b *testing.B) {
				var buf bytes.Buffer
				zw := impls[name](&buf, level)
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					buf.Reset()
					zw.Reset(&buf)
					_, _ = zw.Write(data)
					_ = zw.Close()
				}
				b.ReportMetric(float64(buf.Len())/float64(len(data))*100, "%size")
			})
		}
	}
}
