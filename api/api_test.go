package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/geo"
)

// The handler tests run against a real PostGIS: one fresh migrated database for the package (pgtest).
// Each test builds its own site, building and floor at its own place on the map, so tests do not see
// each other's rooms.

var dbURL string

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &dbURL)) }

// env is a server on a real store, reached over real HTTP.
type env struct {
	t     *testing.T
	store *postgis.Store
	srv   *api.Server
	ts    *httptest.Server
	logs  *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newEnv(t *testing.T, cfg api.Config, wrap ...func(floorplan.Store) floorplan.Store) *env {
	t.Helper()
	store := openStore(t)
	var s floorplan.Store = store
	for _, w := range wrap {
		s = w(s)
	}
	e := serveEnv(t, cfg, func(string) api.Deps {
		return api.Deps{Store: s, ExportGeoPackage: gpkg.Export, Static: appPage()}
	})
	e.store = store
	return e
}

// openStore opens the package's PostGIS database until the test ends.
func openStore(t *testing.T) *postgis.Store {
	t.Helper()
	store, err := postgis.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// serveEnv serves an api.Server of cfg over real HTTP until the test ends. deps is given the server's URL
// first (single sign-on needs it before the server); the server gets an Assessor of its Store, and logs
// into the env's logs.
func serveEnv(t *testing.T, cfg api.Config, deps func(url string) api.Deps) *env {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	t.Cleanup(ts.Close)
	d := deps("http://" + ts.Listener.Addr().String())
	d.Assessor = floorplan.NewAssessor(d.Store, nil, floorplan.DefaultPolicy())
	logs := &syncBuffer{}
	d.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	srv := api.NewServer(cfg, d)
	ts.Config.Handler = srv
	ts.Start()
	return &env{t: t, srv: srv, ts: ts, logs: logs}
}

// appPage stands for the app's files: an HTML page, with the given header name, value pairs.
func appPage(headers ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		io.WriteString(w, "<!doctype html><title>officemap</title>")
	})
}

// response is what a request got.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, r.body)
	}
}

// errorBody checks that the response is the contract's error JSON and returns its "error" object.
func (r response) errorBody(t *testing.T) map[string]any {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type = %q, want application/json", ct)
	}
	var body struct {
		Error map[string]any `json:"error"`
	}
	r.decode(t, &body)
	if len(body.Error) == 0 {
		t.Fatalf("no error object in %s", r.body)
	}
	if _, ok := body.Error["message"].(string); !ok {
		t.Errorf("error without a message: %s", r.body)
	}
	return body.Error
}

// expectError checks status and code.
func (r response) expectError(t *testing.T, status int, code string) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	e := r.errorBody(t)
	if e["code"] != code {
		t.Fatalf("code = %v, want %s; body %s", e["code"], code, r.body)
	}
	if msg := e["message"].(string); strings.Contains(msg, "SQL") || strings.Contains(msg, "goroutine") {
		t.Errorf("message leaks internals: %q", msg)
	}
	return e
}

func (r response) expect(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

// created checks that the response is a 201 and returns the id of what was made.
func (r response) created(t *testing.T) uuid.UUID {
	t.Helper()
	var v struct{ ID uuid.UUID }
	r.expect(t, 201).decode(t, &v)
	return v.ID
}

// do sends a request, like send.
func (e *env) do(method, path string, body any, headers ...string) response {
	e.t.Helper()
	return send(e.t, e.ts.Client(), method, e.ts.URL+path, body, headers...)
}

// send sends a request with hc. body may be nil, a string or []byte (sent as is) or a value (sent as
// JSON); headers are name, value pairs.
func send(t *testing.T, hc *http.Client, method, url string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: data}
}

// requester sends requests: an env in single-user mode, or a client with accounts.
type requester interface {
	do(method, path string, body any, headers ...string) response
}

// place gives each fixture its own spot on the map, so that bbox queries see only its features.
var place atomic.Int64

// fixture is a site, a building and a floor made over HTTP.
type fixture struct {
	site, building, floor uuid.UUID
	georef                geo.Georef
}

func (e *env) fixture() fixture {
	e.t.Helper()
	return newFixture(e.t, e, map[string]any{"name": "市级机关集中办公区", "category": "office.party_government", "ownership": "registered",
		"records": []map[string]any{{"kind": "不动产权证", "number": "苏(2020)常州市不动产权第0001号", "issued_on": "2020-05-01"}},
	}, map[string]any{"ordinal": 2, "name": "3F", "elevation": 7.2})
}

// newFixture makes through r a site of the fields of site (its name numbered), a building whose
// footprint is rect(-1, -1, 40, 20) in its local frame, and a floor of the fields of floor.
func newFixture(t *testing.T, r requester, site, floor map[string]any) fixture {
	t.Helper()
	n, g := nextPlace(1)
	site["name"] = fmt.Sprintf("%s %d", site["name"], n)
	siteID := r.do("POST", "/api/v1/sites", site).created(t)
	building := r.do("POST", "/api/v1/buildings", map[string]any{"site_id": siteID, "name": fmt.Sprintf("1号楼 %d", n),
		"footprint": polygonJSON(g.Frame().PolygonToLonLat(rect(-1, -1, 40, 20))),
		"georef":    georefJSON(g),
	}).created(t)
	floorID := r.do("POST", "/api/v1/buildings/"+building.String()+"/floors", floor).created(t)
	return fixture{site: siteID, building: building, floor: floorID, georef: g}
}

// nextPlace numbers a new fixture and gives it its spot on the map, in local units of scale metres.
func nextPlace(scale float64) (int64, geo.Georef) {
	n := place.Add(1)
	return n, geo.Georef{Origin: orb.Point{110 + float64(n)*0.05, 31.8}, RotationDeg: 15, Scale: scale}
}

func georefJSON(g geo.Georef) map[string]any {
	return map[string]any{"origin": []float64{g.Origin[0], g.Origin[1]}, "rotation_deg": g.RotationDeg, "scale": g.Scale}
}

func rect(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

func polygonJSON(p orb.Polygon) map[string]any {
	rings := [][][2]float64{}
	for _, r := range p {
		ring := [][2]float64{}
		for _, pt := range r {
			ring = append(ring, [2]float64{pt[0], pt[1]})
		}
		rings = append(rings, ring)
	}
	return map[string]any{"type": "Polygon", "coordinates": rings}
}

// roomFeature is a room as the API returns it.
type roomFeature struct {
	Type     string `json:"type"`
	ID       uuid.UUID
	Geometry struct {
		Type        string           `json:"type"`
		Coordinates [][][]float64    `json:"coordinates"`
		Raw         *json.RawMessage `json:"-"`
	} `json:"geometry"`
	Properties struct {
		ID        uuid.UUID  `json:"id"`
		Number    string     `json:"number"`
		Name      string     `json:"name"`
		Usage     string     `json:"usage"`
		AgencyID  *uuid.UUID `json:"agency_id"`
		AreaM2    float64    `json:"area_m2"`
		Version   int64      `json:"version"`
		Occupants []struct {
			ID        uuid.UUID `json:"id"`
			Name      string    `json:"name"`
			Rank      string    `json:"rank"`
			RankTitle string    `json:"rank_title"`
		} `json:"occupants"`
		PerPersonM2 float64 `json:"per_person_m2"`
		StandardM2  float64 `json:"standard_m2"`
		Status      *string `json:"status"`
	} `json:"properties"`
}

type roomCollection struct {
	Type     string        `json:"type"`
	Features []roomFeature `json:"features"`
}

// roomBody is a room Feature to send, with its polygon in local metres converted to lon/lat by g (or
// kept local when g is nil).
func roomBody(number, usage string, local orb.Polygon, g *geo.Georef) map[string]any {
	poly := local
	if g != nil {
		poly = g.Frame().PolygonToLonLat(local)
	}
	return map[string]any{"type": "Feature", "geometry": polygonJSON(poly),
		"properties": map[string]any{"number": number, "usage": usage}}
}

func (e *env) createRoom(f fixture, number string, local orb.Polygon) (roomFeature, string) {
	e.t.Helper()
	return createRoom(e.t, e, f, number, local)
}

// createRoom makes an office through r and returns it with its ETag.
func createRoom(t *testing.T, r requester, f fixture, number string, local orb.Polygon) (roomFeature, string) {
	t.Helper()
	res := r.do("POST", "/api/v1/floors/"+f.floor.String()+"/rooms", roomBody(number, "office", local, &f.georef)).expect(t, 201)
	var room roomFeature
	res.decode(t, &room)
	return room, res.header.Get("ETag")
}

// newAgency makes a municipal agency of ten through r, with the more fields when given (parent_id,
// jurisdiction_id).
func newAgency(t *testing.T, r requester, name string, more map[string]any) uuid.UUID {
	t.Helper()
	body := map[string]any{"name": name, "level": "municipal", "headcount": 10}
	maps.Copy(body, more)
	return r.do("POST", "/api/v1/agencies", body).created(t)
}

// newStaff makes a member of staff (科员) of agency through r.
func newStaff(t *testing.T, r requester, name string, agency uuid.UUID) uuid.UUID {
	t.Helper()
	return r.do("POST", "/api/v1/people", map[string]any{"name": name, "agency_id": agency, "rank": "staff", "title": "科员"}).created(t)
}

// assignMain assigns person to room as their main office from 2020-01-01 through r.
func assignMain(t *testing.T, r requester, person, room uuid.UUID) uuid.UUID {
	t.Helper()
	return r.do("POST", "/api/v1/assignments", map[string]any{"person_id": person, "room_id": room, "kind": "main", "start": "2020-01-01"}).
		created(t)
}

// agencyRoom makes an office on f's floor of agency (of none when uuid.Nil) through r.
func agencyRoom(t *testing.T, r requester, f fixture, number string, agency uuid.UUID, local orb.Polygon) uuid.UUID {
	t.Helper()
	body := roomBody(number, "office", local, &f.georef)
	if agency != uuid.Nil {
		body["properties"].(map[string]any)["agency_id"] = agency
	}
	return r.do("POST", "/api/v1/floors/"+f.floor.String()+"/rooms", body).created(t)
}

func (e *env) rooms(f fixture) roomCollection {
	e.t.Helper()
	var fc roomCollection
	e.do("GET", "/api/v1/floors/"+f.floor.String()+"/rooms", nil).expect(e.t, 200).decode(e.t, &fc)
	return fc
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }
