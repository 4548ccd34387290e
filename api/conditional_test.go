package api_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/identity"
	"officemap/floorplan/sample"
)

// weakTag is the shape of the ETag the server computes for JSON: W/"<22 base64url characters>".
var weakTag = regexp.MustCompile(`^W/"[A-Za-z0-9_-]{22}"$`)

// gunzip decodes a gzipped body, failing the test when it is not gzip.
func gunzip(t *testing.T, body []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the body is not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("the gzip body is broken: %v", err)
	}
	return out
}

// varies reports whether a response's Vary lists Accept-Encoding.
func varies(h http.Header) bool {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), "Accept-Encoding") {
				return true
			}
		}
	}
	return false
}

// conditionalFloor is a floor of four rooms (its JSON well over the 1 KiB below which nothing is
// gzipped), and the path of its rooms.
func conditionalFloor(t *testing.T, e *env) (fixture, []roomFeature, string) {
	t.Helper()
	f := e.fixture()
	var rooms []roomFeature
	for i := range 4 {
		r, _ := e.createRoom(f, fmt.Sprintf("20%d", i+1), rect(float64(i)*5, 0, float64(i)*5+4, 4))
		rooms = append(rooms, r)
	}
	return f, rooms, "/api/v1/floors/" + f.floor.String() + "/rooms"
}

// A floor's rooms: gzipped when the client accepts gzip and not otherwise, tagged with a weak ETag of
// the JSON (the same whatever the encoding), kept privately and revalidated.
func TestConditionalGzip(t *testing.T) {
	e := newEnv(t, api.Config{})
	_, _, path := conditionalFloor(t, e)

	plain := e.do("GET", path, nil, "Accept-Encoding", "identity").expect(t, 200)
	if plain.header.Get("Content-Encoding") != "" || len(plain.body) < 1024 {
		t.Fatalf("identity answer: Content-Encoding %q, %d bytes", plain.header.Get("Content-Encoding"), len(plain.body))
	}
	if cl := plain.header.Get("Content-Length"); cl != fmt.Sprint(len(plain.body)) {
		t.Errorf("Content-Length %q for %d bytes", cl, len(plain.body))
	}
	tag := plain.header.Get("ETag")
	if !weakTag.MatchString(tag) {
		t.Fatalf("ETag %q, want a weak tag of the body", tag)
	}
	if cc := plain.header.Get("Cache-Control"); cc != "private, no-cache" {
		t.Errorf("Cache-Control %q", cc)
	}
	for _, c := range []struct {
		accept string
		zipped bool
	}{
		{"gzip", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.8", true},
		{"x-gzip", true},
		{"*", true},
		{"GZIP ; Q=0.5", true},
		{"identity", false},
		{"br", false},
		{"gzip;q=0", false},
		{"gzip;q=0.000", false},
		{"gzip;q=0, *", false}, // the explicit refusal wins over the wildcard
		{"*;q=0", false},
		{"gzip;q=high", false}, // a malformed weight makes no acceptance
	} {
		t.Run(c.accept, func(t *testing.T) {
			res := e.do("GET", path, nil, "Accept-Encoding", c.accept).expect(t, 200)
			if !varies(res.header) {
				t.Errorf("Vary %q lacks Accept-Encoding", res.header.Values("Vary"))
			}
			if res.header.Get("ETag") != tag {
				t.Errorf("ETag %q, want %q whatever the encoding", res.header.Get("ETag"), tag)
			}
			body := res.body
			if got := res.header.Get("Content-Encoding") == "gzip"; got != c.zipped {
				t.Fatalf("gzipped = %v, want %v", got, c.zipped)
			}
			if c.zipped {
				if len(body)*3 > len(plain.body) {
					t.Errorf("gzip sent %d bytes for %d", len(body), len(plain.body))
				}
				body = gunzip(t, body)
			}
			if !bytes.Equal(body, plain.body) {
				t.Errorf("the body differs from the identity one")
			}
		})
	}
	// Go's client asks for gzip by itself and decodes it: callers that never think of it still work.
	var fc roomCollection
	e.do("GET", path, nil).expect(t, 200).decode(t, &fc)
	if len(fc.Features) != 4 {
		t.Errorf("%d rooms through the transparent client", len(fc.Features))
	}
}

// If-None-Match: a match (weak comparison, in a list, or *) is 304 with no body and the validators; a
// write to a room of the floor changes the JSON, so the old tag then gets the new body; a record's own
// version ETag is never answered 304.
func TestConditionalRevalidation(t *testing.T) {
	e := newEnv(t, api.Config{})
	_, rooms, path := conditionalFloor(t, e)
	first := e.do("GET", path, nil, "Accept-Encoding", "gzip").expect(t, 200)
	tag := first.header.Get("ETag")
	opaque := strings.TrimPrefix(tag, "W/")

	for _, inm := range []string{tag, opaque, `"nope", ` + tag, `W/"nope",` + opaque, "*"} {
		t.Run(inm, func(t *testing.T) {
			res := e.do("GET", path, nil, "Accept-Encoding", "gzip", "If-None-Match", inm)
			if res.status != 304 || len(res.body) != 0 {
				t.Fatalf("If-None-Match %s: %d with %d bytes, want 304 and none", inm, res.status, len(res.body))
			}
			if res.header.Get("ETag") != tag || res.header.Get("Cache-Control") != "private, no-cache" || !varies(res.header) {
				t.Errorf("304 headers %v", res.header)
			}
			if res.header.Get("Content-Encoding") != "" {
				t.Errorf("a 304 with Content-Encoding %q", res.header.Get("Content-Encoding"))
			}
		})
	}
	e.do("GET", path, nil, "If-None-Match", `W/"AAAAAAAAAAAAAAAAAAAAAA"`).expect(t, 200)
	e.do("GET", path, nil, "If-None-Match", `garbage`).expect(t, 200)

	// A write to one of the floor's rooms: the same If-None-Match now gets the new JSON and a new tag.
	room := e.do("GET", "/api/v1/rooms/"+rooms[0].ID.String(), nil).expect(t, 200)
	e.do("PATCH", "/api/v1/rooms/"+rooms[0].ID.String(), map[string]any{"properties": map[string]any{"name": "会议准备室"}},
		"If-Match", room.header.Get("ETag")).expect(t, 200)
	after := e.do("GET", path, nil, "Accept-Encoding", "identity", "If-None-Match", tag).expect(t, 200)
	if nt := after.header.Get("ETag"); nt == tag || !weakTag.MatchString(nt) {
		t.Errorf("ETag after the write %q (before %q)", nt, tag)
	}
	if !bytes.Contains(after.body, []byte("会议准备室")) {
		t.Errorf("the new body lacks the write: %s", after.body)
	}

	// GET /api/v1/rooms/{id} carries the room's version: kept as is and never a 304, since its status
	// today can change while the version does not.
	version := room.header.Get("ETag")
	for _, inm := range []string{version, "*"} {
		res := e.do("GET", "/api/v1/rooms/"+rooms[1].ID.String(), nil, "If-None-Match", inm)
		if res.status != 200 || len(res.body) == 0 {
			t.Errorf("a versioned room with If-None-Match %s: %d, %d bytes", inm, res.status, len(res.body))
		}
		if res.header.Get("ETag") != version || strings.HasPrefix(res.header.Get("ETag"), "W/") {
			t.Errorf("the version ETag became %q", res.header.Get("ETag"))
		}
	}

	// Errors get no ETag, and If-None-Match does not turn them into a 304.
	miss := e.do("GET", "/api/v1/rooms/"+uuid.NewString(), nil, "If-None-Match", "*")
	miss.expectError(t, 404, "not_found")
	if miss.header.Get("ETag") != "" || miss.header.Get("Cache-Control") == "private, no-cache" {
		t.Errorf("an error with ETag %q, Cache-Control %q", miss.header.Get("ETag"), miss.header.Get("Cache-Control"))
	}
}

// HEAD of a JSON route answers as its GET: the same status, ETag, encoding and length, without the
// body; a matching If-None-Match is a 304 as for GET.
func TestConditionalHead(t *testing.T) {
	e := newEnv(t, api.Config{})
	_, _, path := conditionalFloor(t, e)
	for _, p := range []string{path, "/ogc/collections"} {
		t.Run(p, func(t *testing.T) {
			get := e.do("GET", p, nil, "Accept-Encoding", "gzip").expect(t, 200)
			head := e.do("HEAD", p, nil, "Accept-Encoding", "gzip").expect(t, 200)
			if len(head.body) != 0 {
				t.Errorf("HEAD sent %d bytes", len(head.body))
			}
			for _, k := range []string{"ETag", "Content-Encoding", "Content-Type", "Cache-Control", "Vary"} {
				if head.header.Get(k) != get.header.Get(k) {
					t.Errorf("HEAD %s %q, GET's %q", k, head.header.Get(k), get.header.Get(k))
				}
			}
			if cl := head.header.Get("Content-Length"); cl != fmt.Sprint(len(get.body)) {
				t.Errorf("HEAD Content-Length %q, GET sent %d bytes", cl, len(get.body))
			}
			if !weakTag.MatchString(head.header.Get("ETag")) {
				t.Errorf("HEAD ETag %q", head.header.Get("ETag"))
			}
			e.do("HEAD", p, nil, "If-None-Match", get.header.Get("ETag")).expect(t, 304)
		})
	}
	// A HEAD where GET has no route is still the JSON 405.
	res := e.do("HEAD", "/api/v1/imports/dxf", nil)
	if res.status != 405 || res.header.Get("Allow") == "" {
		t.Errorf("HEAD of a POST route: %d, Allow %q", res.status, res.header.Get("Allow"))
	}
}

// Neither the tiles (their own gzip and ETags) nor what is not JSON (a plan) is touched.
func TestConditionalLeavesOthers(t *testing.T) {
	e := newEnv(t, api.Config{})
	f, _, _ := conditionalFloor(t, e)

	tile := maptile.At(f.georef.Frame().ToLonLat(orb.Point{2, 2}), 19)
	res := e.do("GET", fmt.Sprintf("/tiles/rooms/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y), nil, "Accept-Encoding", "gzip").expect(t, 200)
	if res.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("the tile is not gzipped by the tile handler: %v", res.header)
	}
	if once := gunzip(t, res.body); bytes.HasPrefix(once, []byte{0x1f, 0x8b}) {
		t.Error("the tile was gzipped twice")
	}
	if et := res.header.Get("ETag"); et == "" || strings.HasPrefix(et, "W/") {
		t.Errorf("the tile's ETag %q is not its own", et)
	}
	tj := e.do("GET", "/tiles/rooms.json", nil, "Accept-Encoding", "gzip").expect(t, 200)
	if tj.header.Get("Content-Encoding") != "" || strings.HasPrefix(tj.header.Get("ETag"), "W/") {
		t.Errorf("TileJSON touched: %v", tj.header)
	}

	svg := e.do("GET", "/api/v1/floors/"+f.floor.String()+"/plan.svg", nil, "Accept-Encoding", "gzip").expect(t, 200)
	if svg.header.Get("Content-Encoding") != "" || svg.header.Get("ETag") != "" || !bytes.Contains(svg.body, []byte("<svg")) {
		t.Errorf("the SVG plan touched: %v", svg.header)
	}
}

// manyRooms is a store whose floor rooms are its own repeated copies times, under new ids: a room list
// larger than the 8 MiB the server holds in memory.
type manyRooms struct {
	floorplan.Store
	floor  uuid.UUID
	copies int
}

func (m manyRooms) Rooms(ctx context.Context, f floorplan.RoomFilter) ([]floorplan.Room, error) {
	rooms, err := m.Store.Rooms(ctx, f)
	if err != nil || f.FloorID != m.floor || len(rooms) == 0 {
		return rooms, err
	}
	out := make([]floorplan.Room, 0, m.copies)
	for i := range m.copies {
		r := rooms[i%len(rooms)]
		r.ID = uuid.New()
		r.Number = fmt.Sprintf("%s-%d", r.Number, i)
		out = append(out, r)
	}
	return out, nil
}

// A response larger than the server holds in memory streams through gzipped, without an ETag, whole.
func TestConditionalLargeStreams(t *testing.T) {
	wrapped := &manyRooms{copies: 24000}
	e := newEnv(t, api.Config{}, func(s floorplan.Store) floorplan.Store { wrapped.Store = s; return wrapped })
	f, _, path := conditionalFloor(t, e)
	wrapped.floor = f.floor

	res := e.do("GET", path, nil, "Accept-Encoding", "gzip").expect(t, 200)
	if res.header.Get("Content-Encoding") != "gzip" || res.header.Get("ETag") != "" {
		t.Fatalf("large answer: Content-Encoding %q, ETag %q", res.header.Get("Content-Encoding"), res.header.Get("ETag"))
	}
	body := gunzip(t, res.body)
	if len(body) <= 8<<20 {
		t.Fatalf("the body is %d bytes: not past the 8 MiB buffer, the test proves nothing", len(body))
	}
	var fc roomCollection
	if err := json.Unmarshal(body, &fc); err != nil || len(fc.Features) != wrapped.copies {
		t.Errorf("%d rooms (%v), want %d", len(fc.Features), err, wrapped.copies)
	}
	plain := e.do("GET", path, nil, "Accept-Encoding", "identity", "If-None-Match", "*").expect(t, 200)
	if plain.header.Get("Content-Encoding") != "" || len(plain.body) != len(body) {
		t.Errorf("identity large answer: %q, %d bytes, want %d", plain.header.Get("Content-Encoding"), len(plain.body), len(body))
	}
}

// A handler that flushes streams: what it flushed reaches the client, gzipped, before it writes the
// rest. The handler is a middleware in the place of Deps.Identify, which runs inside the server's chain.
func TestConditionalFlush(t *testing.T) {
	proceed := make(chan struct{})
	const first, rest = `{"part":"one",`, `"then":"two"}`
	streamer := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/api/v1/streamed" {
				next.ServeHTTP(w, r.WithContext(floorplan.WithActor(r.Context(), "admin")))
				return
			}
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, first)
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("Flush: %v", err)
			}
			select {
			case <-proceed:
			case <-time.After(10 * time.Second):
				t.Error("the client never read the flushed part")
			}
			io.WriteString(w, rest)
		})
	}
	e := serveEnv(t, api.Config{}, func(string) api.Deps {
		return api.Deps{Store: openStore(t), Identify: streamer}
	})
	req, err := http.NewRequest("GET", e.ts.URL+"/api/v1/streamed", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("ETag") != "" {
		t.Fatalf("streamed answer: Content-Encoding %q, ETag %q", res.Header.Get("Content-Encoding"), res.Header.Get("ETag"))
	}
	zr, err := gzip.NewReader(bufio.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(first))
	if _, err := io.ReadFull(zr, got); err != nil || string(got) != first {
		t.Fatalf("the flushed part: %q, %v", got, err)
	}
	close(proceed)
	tail, err := io.ReadAll(zr)
	if err != nil || string(tail) != rest {
		t.Errorf("the rest: %q, %v", tail, err)
	}
}

// A handler that fails after it began its body: nothing has left the server yet, so the client gets
// the whole error (a panic's 500, or the error that followed), not a truncated 200; an error is gzipped
// like any JSON but gets no ETag. The handlers stand in
// Deps.Identify's place, inside the server's chain.
func TestConditionalFailureMidway(t *testing.T) {
	failing := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/geo+json")
			switch r.URL.Path {
			case "/api/v1/panics":
				io.WriteString(w, `{"type":"FeatureCollection","features":[`)
				panic("the store went away")
			case "/api/v1/fails":
				io.WriteString(w, `{"type":"FeatureCollection","features":[`)
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintf(w, `{"error":{"code":"unavailable","message":"try again %s"}}`, strings.Repeat("later ", 200))
			}
		})
	}
	e := serveEnv(t, api.Config{}, func(string) api.Deps { return api.Deps{Store: openStore(t), Identify: failing} })
	e.do("GET", "/api/v1/panics", nil).expectError(t, 500, "internal")
	res := e.do("GET", "/api/v1/fails", nil)
	res.expectError(t, 503, "unavailable")
	if res.header.Get("ETag") != "" || res.header.Get("Cache-Control") != "" {
		t.Errorf("the error carries ETag %q, Cache-Control %q", res.header.Get("ETag"), res.header.Get("Cache-Control"))
	}
	// An error of more than 1 KiB is gzipped like any JSON.
	zipped := e.do("GET", "/api/v1/fails", nil, "Accept-Encoding", "gzip")
	if zipped.status != 503 || zipped.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("large error: %d, Content-Encoding %q", zipped.status, zipped.header.Get("Content-Encoding"))
	}
	zipped.body = gunzip(t, zipped.body)
	zipped.expectError(t, 503, "unavailable")
}

// demoServer loads the demo register of today into a GeoPackage of the test's and serves it (no
// accounts); it skips in -short runs.
func demoServer(t *testing.T, today time.Time) (*sample.Dataset, *env) {
	t.Helper()
	if testing.Short() {
		t.Skip("loads the demo register")
	}
	store, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	d := sample.Build(today)
	if err := d.Load(context.Background(), floorplan.NewRegister(store)); err != nil {
		t.Fatal(err)
	}
	return d, serveEnv(t, api.Config{}, func(string) api.Deps { return api.Deps{Store: store} })
}

// The demo's largest floor (sample.Build, the floor with the most rooms): its room list gzipped and
// revalidated. The sizes are logged for the record (go test -v -run TestConditionalDemoFloor).
func TestConditionalDemoFloor(t *testing.T) {
	d, e := demoServer(t, floorplan.DayOf(time.Now()))

	count := map[uuid.UUID]int{}
	for _, r := range d.Rooms {
		count[r.FloorID]++
	}
	floors := slices.Collect(func(yield func(uuid.UUID) bool) {
		for id := range count {
			if !yield(id) {
				return
			}
		}
	})
	slices.SortFunc(floors, func(a, b uuid.UUID) int { return count[b] - count[a] })
	largest := floors[0]
	path := "/api/v1/floors/" + largest.String() + "/rooms"

	plain := e.do("GET", path, nil, "Accept-Encoding", "identity").expect(t, 200)
	zipped := e.do("GET", path, nil, "Accept-Encoding", "gzip, deflate, br").expect(t, 200)
	if zipped.header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(t, zipped.body), plain.body) {
		t.Fatalf("the demo floor is not gzipped to its JSON: %v", zipped.header)
	}
	t.Logf("demo's largest floor (%d rooms): %d bytes of JSON, %d gzipped (%.1f %%)", count[largest],
		len(plain.body), len(zipped.body), 100*float64(len(zipped.body))/float64(len(plain.body)))
	if len(zipped.body)*4 > len(plain.body) {
		t.Errorf("gzip only took %d bytes to %d", len(plain.body), len(zipped.body))
	}
	again := e.do("GET", path, nil, "Accept-Encoding", "gzip", "If-None-Match", zipped.header.Get("ETag"))
	if again.status != 304 || len(again.body) != 0 {
		t.Errorf("the revisit: %d with %d bytes", again.status, len(again.body))
	}
}

// TestConditionalWithAccounts: with accounts on, the register's JSON keeps withSecurityHeaders' no-store
// (nothing of what a user may see stays in a shared computer's disk cache), and the app's own
// revalidation still works: the ETag it kept in memory, sent back in If-None-Match, is answered 304.
func TestConditionalWithAccounts(t *testing.T) {
	e := newAuthEnv(t)
	c := e.signedIn("viewer1", identity.Grant{Role: identity.RoleViewer})
	first := c.do("GET", "/api/v1/sites", nil).expect(t, 200)
	tag := first.header.Get("ETag")
	if cc := first.header.Get("Cache-Control"); cc != "no-store" || tag == "" {
		t.Fatalf("with accounts: Cache-Control %q, ETag %q; want no-store and a tag", cc, tag)
	}
	again := c.do("GET", "/api/v1/sites", nil, "If-None-Match", tag)
	if again.status != http.StatusNotModified || len(again.body) != 0 || again.header.Get("Cache-Control") != "no-store" {
		t.Errorf("revalidation with accounts = %d, %d bytes, Cache-Control %q; want 304, none, no-store",
			again.status, len(again.body), again.header.Get("Cache-Control"))
	}
}
