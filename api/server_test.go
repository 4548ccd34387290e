package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"officemap/api"
	"officemap/floorplan"
)

// TestOpenAPICompleteness walks the router and checks that every route is documented and every
// documented operation is routed, and that every schema reference resolves.
func TestOpenAPICompleteness(t *testing.T) {
	e := newEnv(t, api.Config{})
	res := e.do("GET", "/api/v1/openapi.json", nil).expect(t, 200)
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	res.decode(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}

	routed := map[string]bool{}
	for _, k := range routeKeys(t, e.srv) {
		routed[k] = true
	}
	for path, item := range doc.Paths {
		for method, op := range item {
			if op["responses"] == nil || op["summary"] == "" {
				t.Errorf("%s %s: no responses or summary", method, path)
			}
		}
	}
	checkDocumented(t, res, routed)
	if len(routed) < 50 {
		t.Errorf("only %d routes walked; the walk is broken", len(routed))
	}

	var refs []string
	var collect func(v any)
	collect = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, y := range x {
				if k == "$ref" {
					refs = append(refs, y.(string))
				}
				collect(y)
			}
		case []any:
			for _, y := range x {
				collect(y)
			}
		}
	}
	var raw any
	if err := json.Unmarshal(res.body, &raw); err != nil {
		t.Fatal(err)
	}
	collect(raw)
	for _, r := range refs {
		name := strings.TrimPrefix(r, "#/components/schemas/")
		if doc.Components.Schemas[name] == nil {
			t.Errorf("dangling $ref %s", r)
		}
	}
	room := doc.Components.Schemas["Room"].(map[string]any)["properties"].(map[string]any)["properties"].(map[string]any)["properties"].(map[string]any)
	for _, k := range []string{"id", "number", "usage", "agency_id", "area_m2", "occupants", "per_person_m2", "standard_m2", "status"} {
		if room[k] == nil {
			t.Errorf("Room schema lacks property %s", k)
		}
	}
}

// panicky is a store whose Sites panics.
type panicky struct{ floorplan.Store }

func (panicky) Sites(context.Context) ([]floorplan.Site, error) { panic("boom: secret internals") }

func TestPanicRecovered(t *testing.T) {
	e := newEnv(t, api.Config{}, func(s floorplan.Store) floorplan.Store { return panicky{s} })
	res := e.do("GET", "/api/v1/sites", nil)
	res.expectError(t, 500, "internal")
	if strings.Contains(string(res.body), "boom") || strings.Contains(string(res.body), "goroutine") {
		t.Errorf("panic leaked to the client: %s", res.body)
	}
	if !strings.Contains(e.logs.String(), "boom") {
		t.Errorf("panic not logged: %s", e.logs.String())
	}
	e.do("GET", "/healthz", nil).expect(t, 200)
}

// slowSites blocks Sites until release is closed.
type slowSites struct {
	floorplan.Store
	started chan struct{}
	release chan struct{}
}

func (s slowSites) Sites(ctx context.Context) ([]floorplan.Site, error) {
	close(s.started)
	<-s.release
	return s.Store.Sites(ctx)
}

func TestGracefulShutdown(t *testing.T) {
	slow := slowSites{started: make(chan struct{}), release: make(chan struct{})}
	e := newEnv(t, api.Config{ShutdownTimeout: 10 * time.Second}, func(s floorplan.Store) floorplan.Store {
		slow.Store = s
		return slow
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- e.srv.ServeListener(ctx, ln) }()

	base := "http://" + ln.Addr().String()
	got := make(chan int, 1)
	go func() {
		res, err := http.Get(base + "/api/v1/sites")
		if err != nil {
			got <- -1
			return
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		got <- res.StatusCode
	}()
	<-slow.started
	cancel() // shut down while the request is in flight
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-served:
		t.Fatalf("Serve returned before the in-flight request finished: %v", err)
	default:
	}
	close(slow.release)
	if status := <-got; status != 200 {
		t.Errorf("in-flight request got %d, want 200", status)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve = %v, want nil after a graceful shutdown", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the server still accepts connections")
	}
}

func TestServeBadAddress(t *testing.T) {
	e := newEnv(t, api.Config{})
	err := e.srv.Serve(context.Background(), "256.0.0.1:99999")
	if err == nil || errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve on a bad address = %v", err)
	}
}

func TestTilesThroughTheAdapter(t *testing.T) {
	e := newEnv(t, api.Config{})
	e.do("GET", "/tiles/rooms/99/0/0.mvt", nil).expectError(t, 400, "bad_tile")
	e.do("GET", "/tiles/parking.json", nil).expectError(t, 404, "unknown_layer")
	e.do("GET", "/tiles/buildings.json", nil).expect(t, 200)

	// A write drops the cached tiles of its layer: the same tile URL shows the new room at once.
	f := e.fixture()
	center := f.georef.Frame().ToLonLat(orb.Point{2, 2})
	tile := maptile.At(center, 19)
	path := fmt.Sprintf("/tiles/rooms/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y)
	before := e.do("GET", path, nil)
	if before.status != 204 && before.status != 200 {
		t.Fatalf("tile before: %d %s", before.status, before.body)
	}
	e.createRoom(f, "101", rect(0, 0, 4, 4))
	after := e.do("GET", path, nil).expect(t, 200)
	if len(after.body) == 0 || after.header.Get("ETag") == before.header.Get("ETag") {
		t.Errorf("tile not redrawn after the write: before %d %q, after %d bytes %q", before.status,
			before.header.Get("ETag"), len(after.body), after.header.Get("ETag"))
	}
}
