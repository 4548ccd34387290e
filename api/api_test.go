package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
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
	store, err := postgis.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var s floorplan.Store = store
	for _, w := range wrap {
		s = w(s)
	}
	logs := &syncBuffer{}
	srv := api.NewServer(cfg, api.Deps{
		Store:            s,
		Assessor:         floorplan.NewAssessor(s, nil, floorplan.DefaultPolicy()),
		Logger:           slog.New(slog.NewJSONHandler(logs, nil)),
		ExportGeoPackage: gpkg.Export,
		Static: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, "<!doctype html><title>officemap</title>")
		}),
	})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{t: t, store: store, srv: srv, ts: ts, logs: logs}
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

// do sends a request. body may be nil, a string or []byte (sent as is) or a value (sent as JSON);
// headers are name, value pairs.
func (e *env) do(method, path string, body any, headers ...string) response {
	e.t.Helper()
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
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: data}
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
	n := place.Add(1)
	g := geo.Georef{Origin: orb.Point{110 + float64(n)*0.05, 31.8}, RotationDeg: 15, Scale: 1}
	var site struct{ ID uuid.UUID }
	e.do("POST", "/api/v1/sites", map[string]any{"name": fmt.Sprintf("市级机关集中办公区 %d", n),
		"category": "office.party_government", "ownership": "registered",
		"records": []map[string]any{{"kind": "不动产权证", "number": "苏(2020)常州市不动产权第0001号", "issued_on": "2020-05-01"}},
	}).expect(e.t, 201).decode(e.t, &site)
	footprint := g.Frame().PolygonToLonLat(rect(-1, -1, 40, 20))
	var b struct{ ID uuid.UUID }
	e.do("POST", "/api/v1/buildings", map[string]any{"site_id": site.ID, "name": fmt.Sprintf("1号楼 %d", n),
		"footprint": polygonJSON(footprint),
		"georef":    map[string]any{"origin": []float64{g.Origin[0], g.Origin[1]}, "rotation_deg": g.RotationDeg, "scale": 1},
	}).expect(e.t, 201).decode(e.t, &b)
	var f struct{ ID uuid.UUID }
	e.do("POST", "/api/v1/buildings/"+b.ID.String()+"/floors", map[string]any{"ordinal": 2, "name": "3F", "elevation": 7.2}).
		expect(e.t, 201).decode(e.t, &f)
	return fixture{site: site.ID, building: b.ID, floor: f.ID, georef: g}
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
	res := e.do("POST", "/api/v1/floors/"+f.floor.String()+"/rooms", roomBody(number, "office", local, &f.georef)).expect(e.t, 201)
	var room roomFeature
	res.decode(e.t, &room)
	return room, res.header.Get("ETag")
}

func (e *env) rooms(f fixture) roomCollection {
	e.t.Helper()
	var fc roomCollection
	e.do("GET", "/api/v1/floors/"+f.floor.String()+"/rooms", nil).expect(e.t, 200).decode(e.t, &fc)
	return fc
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }
