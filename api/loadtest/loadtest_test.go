package loadtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/maptile"

	"officemap/api"
	"officemap/api/loadtest"
	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/identity"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/sample"
)

// The load test runs briefly in every test run; for the figures in README run it longer, e.g.
// go test ./api/loadtest -run Load -v -load.duration=30s
var (
	duration = flag.Duration("load.duration", 3*time.Second, "how long each load run lasts")
	clients  = flag.Int("load.clients", 32, "concurrent clients")
)

// store is what a load test serves.
type store interface {
	floorplan.Store
	identity.Store
}

// register is the sample compound served with accounts on, a token of a bureau administrator, and the
// ids the mix draws from.
type register struct {
	srv      *httptest.Server
	header   http.Header
	floors   []uuid.UUID
	rooms    []floorplan.Room
	people   []uuid.UUID
	numbers  []string
	tiles    []maptile.Tile
	dbURL    string // PostGIS only
	pgStore  *postgis.Store
	lockPID  uint32       // the session holding the agencies lock (lockAgencies), never killed
	kills    atomic.Int64 // backends killed by killBackends so far
	gpkgPath string
}

// serveSample loads the sample compound into s and serves it with accounts on.
func serveSample(t *testing.T, s store) *register {
	t.Helper()
	ctx := floorplan.WithActor(context.Background(), "loadtest")
	d := sample.Build(floorplan.DayOf(time.Now()))
	svc := identity.NewService(s, identity.Options{})
	if err := d.Load(ctx, api.NewRegister(s, svc)); err != nil {
		t.Fatalf("loading the sample: %v", err)
	}
	u, _, err := svc.AddUser(ctx, "load", []identity.Grant{{Role: identity.RoleBureauAdmin}}, "")
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := svc.NewToken(ctx, u.ID, "load", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.NewServer(api.Config{}, api.Deps{Store: s, Register: api.NewRegister(s, svc), Identity: svc,
		Assessor: floorplan.NewAssessor(s, nil, floorplan.DefaultPolicy()), Logger: slog.New(slog.DiscardHandler)}))
	t.Cleanup(srv.Close)
	reg := &register{srv: srv, header: http.Header{"Authorization": {"Bearer " + secret}}}
	for _, f := range d.Floors {
		reg.floors = append(reg.floors, f.ID)
	}
	rooms, err := s.Rooms(ctx, floorplan.RoomFilter{})
	if err != nil {
		t.Fatal(err)
	}
	reg.rooms = rooms
	for _, r := range rooms {
		if len(r.Number) >= 2 {
			reg.numbers = append(reg.numbers, r.Number[:2])
		}
	}
	for _, p := range d.People {
		reg.people = append(reg.people, p.ID)
	}
	for _, b := range d.Buildings {
		c := b.Georef.Frame().ToLonLat(b.Footprint.Bound().Center())
		reg.tiles = append(reg.tiles, maptile.At(c, 18), maptile.At(c, 17), maptile.At(c, 19))
	}
	return reg
}

// get is a route of GET requests to the paths path draws.
func get(name string, weight int, path func(rng *rand.Rand) string) loadtest.Route {
	return loadtest.Route{Name: name, Weight: weight, Request: func(rng *rand.Rand) (*http.Request, error) {
		return http.NewRequest(http.MethodGet, path(rng), nil)
	}}
}

func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

// reads is the read half of the mix: what people in a browser do most.
func (g *register) reads() []loadtest.Route {
	return []loadtest.Route{
		get("GET buildings", 2, func(*rand.Rand) string { return "/api/v1/buildings" }),
		get("GET floor rooms", 4, func(rng *rand.Rand) string { return "/api/v1/floors/" + pick(rng, g.floors).String() + "/rooms" }),
		get("GET room", 4, func(rng *rand.Rand) string { return "/api/v1/rooms/" + pick(rng, g.rooms).ID.String() }),
		get("GET search", 2, func(rng *rand.Rand) string { return "/api/v1/search?q=" + pick(rng, g.numbers) }),
		get("GET tile", 4, func(rng *rand.Rand) string {
			tl := pick(rng, g.tiles)
			return fmt.Sprintf("/tiles/rooms/%d/%d/%d.mvt", tl.Z, tl.X, tl.Y)
		}),
		get("GET plan.svg", 1, func(rng *rand.Rand) string { return "/api/v1/floors/" + pick(rng, g.floors).String() + "/plan.svg" }),
		get("GET agencies", 1, func(*rand.Rand) string { return "/api/v1/agencies" }),
	}
}

// writes is the write half: a person's title changed (If-Match: *), and a room renamed against its version (a 412
// when another client renamed it first is the expected answer).
func (g *register) writes() []loadtest.Route {
	return []loadtest.Route{
		{Name: "PATCH person", Weight: 1, Request: func(rng *rand.Rand) (*http.Request, error) {
			body, _ := json.Marshal(map[string]string{"title": fmt.Sprintf("科员%d", rng.IntN(1000))})
			req, err := http.NewRequest(http.MethodPatch, "/api/v1/people/"+pick(rng, g.people).String(), bytes.NewReader(body))
			if err == nil {
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("If-Match", "*") // whatever the version: the title is simply set
			}
			return req, err
		}},
		{Name: "PATCH room", Weight: 1, Request: g.renameRoom, OK: func(status int) bool { return status < 400 || status == http.StatusPreconditionFailed }},
	}
}

// renameRoom reads a room's version (not timed) and returns the PATCH that renames it against it.
func (g *register) renameRoom(rng *rand.Rand) (*http.Request, error) {
	room := pick(rng, g.rooms)
	head, err := http.NewRequest(http.MethodGet, g.srv.URL+"/api/v1/rooms/"+room.ID.String(), nil)
	if err != nil {
		return nil, err
	}
	head.Header = g.header.Clone()
	resp, err := http.DefaultClient.Do(head)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	body, _ := json.Marshal(map[string]any{"properties": map[string]string{"name": fmt.Sprintf("办公室%d", rng.IntN(1000))}})
	req, err := http.NewRequest(http.MethodPatch, "/api/v1/rooms/"+room.ID.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/merge-patch+json")
	req.Header.Set("If-Match", resp.Header.Get("ETag"))
	return req, nil
}

// run runs routes against g and logs the report.
func (g *register) run(t *testing.T, routes []loadtest.Route) loadtest.Report {
	t.Helper()
	rep, err := loadtest.Run(context.Background(), loadtest.Config{Base: g.srv.URL, Header: g.header, Clients: *clients,
		Duration: *duration, Routes: routes, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep)
	return rep
}

func openPostGIS(t *testing.T) *register {
	dbURL := pgtest.NewDB(t)
	s, err := postgis.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	g := serveSample(t, s)
	g.dbURL, g.pgStore = dbURL, s
	return g
}

func openGeoPackage(t *testing.T) *register {
	path := filepath.Join(t.TempDir(), "load.gpkg")
	s, err := gpkg.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	g := serveSample(t, s)
	g.gpkgPath = path
	return g
}

// TestLoad: 32 clients, mixed reads and writes, on both stores: every request answered as expected.
func TestLoad(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(t *testing.T) *register
	}{{"PostGIS", openPostGIS}, {"GeoPackage", openGeoPackage}} {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.open(t)
			rep := g.run(t, append(g.reads(), g.writes()...))
			for _, s := range rep.Routes {
				if s.N == 0 {
					t.Errorf("%s: never sent", s.Name)
				}
				if s.Failed > 0 {
					t.Errorf("%s: %d of %d failed (%s)", s.Name, s.Failed, s.N, strings.TrimSpace(fmt.Sprint(s.Statuses)))
				}
			}
		})
	}
}

// TestLoadUnderFaults: on PostGIS, the read mix runs three times more after a quiet run: with the agencies
// table locked by another session for the whole run, with the server's database backends killed every half
// second, and with both. With the lock, the routes that do not need the table keep their latency and those
// that do fail fast with 503 instead of holding the pool; with the kills, reads are retried (far fewer
// fail than backends are killed); with both, the unaffected routes keep answering: what fails is a read whose
// retry was killed too, at most one for four backends killed, as with the kills alone (a fixed 2 % a route was
// one request of a slow run's 76, and a loaded CI machine saw two); their latency is logged: a kill resets the
// lock gate, see floorplan/postgis.
func TestLoadUnderFaults(t *testing.T) {
	g := openPostGIS(t)
	reads := g.reads()
	quiet := g.run(t, reads)
	unaffected := []string{"GET buildings", "GET tile", "GET floor rooms", "GET room"}
	// check: no unaffected route fails, and none is slower at p99 than factor × before or slack.
	check := func(what string, rep loadtest.Report, slack time.Duration, factor time.Duration) {
		t.Helper()
		for _, name := range unaffected {
			before, during := quiet.Route(name), rep.Route(name)
			if during.Failed > 0 {
				t.Errorf("%s, %s: %d of %d failed (%v)", what, name, during.Failed, during.N, during.Statuses)
			}
			if limit := max(factor*before.P99, slack); slack > 0 && during.P99 > limit {
				t.Errorf("%s, %s: p99 %v, %v before (limit %v)", what, name, during.P99, before.P99, limit)
			}
		}
	}

	unlock := g.lockAgencies(t)
	// The first second under the lock is spent learning it: the requests that need the table wait one lock
	// timeout (1 s) before the store's lock gate closes. What is measured is the steady state after it.
	if _, err := loadtest.Run(context.Background(), loadtest.Config{Base: g.srv.URL, Header: g.header, Clients: *clients,
		Duration: 1500 * time.Millisecond, Routes: reads, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	locked := g.run(t, reads)
	check("agencies locked", locked, 750*time.Millisecond, 4)
	ag := locked.Route("GET agencies")
	if ag.Max > 5*time.Second || (ag.N > 0 && ag.Statuses[http.StatusServiceUnavailable] == 0) {
		t.Errorf("GET agencies with the table locked: %v, max %v; want 503s, fast", ag.Statuses, ag.Max)
	}
	stop := g.killBackends(t)
	both := g.run(t, reads)
	bothKills := g.killed()
	// The unaffected routes keep answering: what fails is a read whose retry was killed too, as below.
	bothFailed := 0
	for _, name := range unaffected {
		bothFailed += both.Route(name).Failed
	}
	t.Logf("agencies locked and backends killed: %d killed; unaffected reads failed: %d", bothKills, bothFailed)
	if bothKills == 0 || bothFailed*4 > bothKills {
		t.Errorf("agencies locked and backends killed: %d unaffected reads failed for %d backends killed", bothFailed, bothKills)
	}
	unlock()
	killed := g.run(t, reads)
	kills := stop()
	failed := 0
	for _, r := range killed.Routes {
		failed += r.Failed
		if before, during := quiet.Route(r.Name), r; during.P99 > max(10*before.P99, 2*time.Second) {
			t.Errorf("backends killed, %s: p99 %v, %v before", r.Name, during.P99, before.P99)
		}
	}
	// A read on a killed connection is retried once on another; only a read whose retry is killed too
	// (kills every half second) may fail. The probe saw more failures than kills (96 for 72).
	t.Logf("backends killed: %d; reads failed: %d of %d", kills, failed, killed.Total)
	if kills == 0 || failed*4 > kills {
		t.Errorf("%d reads failed for %d backends killed: a read on a broken connection must be retried", failed, kills)
	}
}

// lockAgencies holds ACCESS EXCLUSIVE on agencies in another session until the returned function runs.
func (g *register) lockAgencies(t *testing.T) func() {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), g.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := conn.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(context.Background(), "LOCK TABLE agencies IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	g.lockPID = conn.PgConn().PID()
	done := false
	unlock := func() {
		if !done {
			done = true
			tx.Rollback(context.Background())
			conn.Close(context.Background())
			g.lockPID = 0
		}
	}
	t.Cleanup(unlock)
	return unlock
}

// killBackends terminates the server's database sessions (not the lock's) every half second until the
// returned function runs; it returns how many it killed.
func (g *register) killBackends(t *testing.T) func() int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	killer, err := pgx.Connect(ctx, g.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	lockPID := g.lockPID
	done := make(chan struct{})
	g.kills.Store(0)
	go func() {
		defer close(done)
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				var k int
				_ = killer.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
					WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), $1)`, lockPID).Scan(&k)
				g.kills.Add(int64(k))
			}
		}
	}()
	stopped := false
	stop := func() int {
		if !stopped {
			stopped = true
			cancel()
			<-done
			killer.Close(context.Background())
		}
		return g.killed()
	}
	t.Cleanup(func() { stop() })
	return stop
}

// killed is how many backends killBackends has killed so far.
func (g *register) killed() int { return int(g.kills.Load()) }
