package tiles

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"officemap/floorplan"
	"officemap/floorplan/render"
	"officemap/geo"
)

// fakeStore serves a fixed set of features, filtered by bound and filter as a store would.
type fakeStore struct {
	mu    sync.Mutex
	feats []floorplan.Feature
	calls int
	fail  func() // called on every Features call when set (tests that must not reach the store)
	after func() // called after the features are read, before they are returned
	err   error
}

func (s *fakeStore) Features(_ context.Context, layer floorplan.Layer, b orb.Bound, f floorplan.FeatureFilter) ([]floorplan.Feature, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.fail != nil {
		s.fail()
	}
	if s.err != nil {
		return nil, s.err
	}
	var out []floorplan.Feature
	for _, ft := range s.feats {
		if ft.Layer != layer || !ft.Geometry.Bound().Intersects(b) {
			continue
		}
		if f.FloorID != uuid.Nil && ft.FloorID != f.FloorID || f.HasLevel && ft.Level != f.Level {
			continue
		}
		g := make(orb.Polygon, len(ft.Geometry)) // callers own what they get, as from a database
		for i, r := range ft.Geometry {
			g[i] = append(orb.Ring(nil), r...)
		}
		ft.Geometry = g
		out = append(out, ft)
	}
	if s.after != nil {
		s.after()
	}
	return out, nil
}

func (s *fakeStore) set(feats []floorplan.Feature) {
	s.mu.Lock()
	s.feats = feats
	s.mu.Unlock()
}

func (s *fakeStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// A room of about 10 × 8 m in Changzhou, with the z18 tile it lies in.
var (
	origin   = orb.Point{119.9741, 31.8112}
	roomTile = maptile.At(origin, 18)
)

func lonlatRect(sw orb.Point, dLon, dLat float64) orb.Polygon {
	return orb.Polygon{{sw, {sw[0] + dLon, sw[1]}, {sw[0] + dLon, sw[1] + dLat}, {sw[0], sw[1] + dLat}, sw}}
}

func fixture() (*fakeStore, map[uuid.UUID]floorplan.RoomStatus, []floorplan.Feature) {
	floorA, floorB := uuid.MustParse("0193a0f0-0000-7000-8000-00000000000a"), uuid.MustParse("0193a0f0-0000-7000-8000-00000000000b")
	agency := uuid.MustParse("0193a0f0-0000-7000-8000-0000000000ac")
	b := floorplan.Feature{ID: uuid.MustParse("0193a0f0-0000-7000-8000-0000000000bb"), Layer: floorplan.LayerBuildings,
		Geometry: lonlatRect(orb.Point{origin[0] - 0.0001, origin[1] - 0.0001}, 0.0005, 0.0003), Name: "市政府1号楼", AreaM2: 1234.567}
	rooms := []floorplan.Feature{
		{ID: uuid.MustParse("0193a0f0-0000-7000-8000-000000000001"), Layer: floorplan.LayerRooms, FloorID: floorA, Level: 2,
			Number: "301", Usage: floorplan.UsageOffice, AgencyID: agency, AreaM2: 80.123,
			Geometry: lonlatRect(origin, 0.0001, 0.00007)},
		{ID: uuid.MustParse("0193a0f0-0000-7000-8000-000000000002"), Layer: floorplan.LayerRooms, FloorID: floorA, Level: 2,
			Number: "302", Usage: floorplan.UsageService, AreaM2: 40,
			Geometry: lonlatRect(orb.Point{origin[0] + 0.0001, origin[1]}, 0.00005, 0.00007)},
		{ID: uuid.MustParse("0193a0f0-0000-7000-8000-000000000003"), Layer: floorplan.LayerRooms, FloorID: floorB, Level: 3,
			Number: "401", Usage: floorplan.UsageOffice, AreaM2: 80.123,
			Geometry: lonlatRect(origin, 0.0001, 0.00007)},
	}
	statuses := map[uuid.UUID]floorplan.RoomStatus{
		rooms[0].ID: floorplan.StatusOverStandard, rooms[1].ID: floorplan.StatusNonOffice, rooms[2].ID: floorplan.StatusCompliant,
	}
	return &fakeStore{feats: append([]floorplan.Feature{b}, rooms...)}, statuses, rooms
}

func statusSource(m map[uuid.UUID]floorplan.RoomStatus) StatusSource {
	return StatusFunc(func(context.Context) (func(uuid.UUID) floorplan.RoomStatus, error) {
		return func(id uuid.UUID) floorplan.RoomStatus { return m[id] }, nil
	})
}

func server(h *Handler) *mux.Router {
	r := mux.NewRouter()
	h.Register(r)
	return r
}

func get(t testing.TB, r http.Handler, path string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

// newHandler is New with an error adapter for tests that expect none: it answers 599 with the error,
// which their status checks then show. api's adapter, the one that serves tile errors, is tested in
// adapter_test.go.
func newHandler(store FeatureStore, statuses StatusSource, o Options) *Handler {
	if o.Errors == nil {
		o.Errors = func(w http.ResponseWriter, _ *http.Request, err error) {
			w.WriteHeader(599)
			_, _ = io.WriteString(w, err.Error())
		}
	}
	return New(store, statuses, o)
}

func tilePath(layer string, t maptile.Tile, ext string) string {
	return fmt.Sprintf("/tiles/%s/%d/%d/%d.%s", layer, t.Z, t.X, t.Y, ext)
}

func TestMVTRooms(t *testing.T) {
	store, statuses, rooms := fixture()
	r := server(newHandler(store, statusSource(statuses), Options{}))
	w := get(t, r, tilePath("rooms", roomTile, "mvt")+"?level=2")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/vnd.mapbox-vector-tile" {
		t.Errorf("Content-Type %q", ct)
	}
	layers, err := mvt.Unmarshal(w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 || layers[0].Name != "rooms" || layers[0].Extent != Extent || layers[0].Version != 2 {
		t.Fatalf("layers %+v", layers)
	}
	feats := layers[0].Features
	if len(feats) != 2 {
		t.Fatalf("%d features, want the 2 rooms of level 2", len(feats))
	}
	byNumber := map[string]int{}
	for i, f := range feats {
		byNumber[f.Properties.MustString("number", "")] = i
	}
	f := feats[byNumber["301"]]
	want := map[string]any{"id": rooms[0].ID.String(), "floor_id": rooms[0].FloorID.String(), "level": float64(2),
		"number": "301", "usage": "office", "status": "over_standard", "agency_id": rooms[0].AgencyID.String(), "area_m2": 80.12}
	for k, v := range want {
		if got := f.Properties[k]; got != v {
			t.Errorf("301 %s = %#v, want %#v", k, got, v)
		}
	}
	if _, ok := feats[byNumber["302"]].Properties["agency_id"]; ok {
		t.Error("an unallocated room has an agency_id")
	}
	if s := feats[byNumber["302"]].Properties["status"]; s != "non_office" {
		t.Errorf("302 status %v", s)
	}

	// Positions: each corner of room 301 is where Web Mercator puts it on the 4096 grid.
	poly, ok := f.Geometry.(orb.Polygon)
	if !ok {
		t.Fatalf("geometry %T", f.Geometry)
	}
	for _, corner := range rooms[0].Geometry[0][:4] {
		var want orb.Point
		want[0], want[1] = geo.TilePixel(roomTile, corner, Extent)
		found := false
		for _, got := range poly[0] {
			if math.Abs(got[0]-want[0]) <= 1 && math.Abs(got[1]-want[1]) <= 1 {
				found = true
			}
		}
		if !found {
			t.Errorf("corner %v (grid %v) not in %v", corner, want, poly[0])
		}
	}
	// MVT winding: the outer ring has a positive area on the y-down grid (orb's CCW is a positive
	// surveyor's area).
	if o := poly[0].Orientation(); o != orb.CCW {
		t.Errorf("outer ring orientation %v, want a positive area", o)
	}
}

func TestMVTGzipAndFilters(t *testing.T) {
	store, statuses, rooms := fixture()
	r := server(newHandler(store, statusSource(statuses), Options{}))
	tests := []struct {
		name    string
		query   string
		numbers []string
	}{
		{"no filter", "", []string{"301", "302", "401"}},
		{"level 3", "?level=3", []string{"401"}},
		{"floor", "?floor_id=" + rooms[1].FloorID.String(), []string{"301", "302"}},
		{"floor and other level", "?level=3&floor_id=" + rooms[1].FloorID.String(), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := get(t, r, tilePath("rooms", roomTile, "mvt")+tc.query, "Accept-Encoding", "br, gzip")
			if tc.numbers == nil {
				if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
					t.Fatalf("empty tile: status %d, %d bytes", w.Code, w.Body.Len())
				}
				return
			}
			if w.Header().Get("Content-Encoding") != "gzip" {
				t.Fatalf("not gzipped: %v", w.Header())
			}
			layers, err := mvt.UnmarshalGzipped(w.Body.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range layers[0].Features {
				got = append(got, f.Properties.MustString("number", ""))
			}
			if strings.Join(sorted(got), ",") != strings.Join(tc.numbers, ",") {
				t.Errorf("numbers %v, want %v", got, tc.numbers)
			}
		})
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestMVTBuildings(t *testing.T) {
	store, _, _ := fixture()
	r := server(newHandler(store, nil, Options{}))
	w := get(t, r, tilePath("buildings", maptile.At(origin, 15), "mvt"))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	layers, err := mvt.Unmarshal(w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 || layers[0].Name != "buildings" || len(layers[0].Features) != 1 {
		t.Fatalf("layers %+v", layers)
	}
	props := layers[0].Features[0].Properties
	if props["name"] != "市政府1号楼" || props["area_m2"] != 1234.57 || props["id"] != "0193a0f0-0000-7000-8000-0000000000bb" {
		t.Errorf("properties %v", props)
	}
}

// TestMVTClipsToBuffer: a room far larger than the tile is clipped to the tile plus its buffer.
func TestMVTClipsToBuffer(t *testing.T) {
	big := floorplan.Feature{ID: uuid.New(), Layer: floorplan.LayerRooms, Number: "hall",
		Geometry: lonlatRect(orb.Point{origin[0] - 0.01, origin[1] - 0.01}, 0.02, 0.02)}
	r := server(newHandler(&fakeStore{feats: []floorplan.Feature{big}}, nil, Options{}))
	w := get(t, r, tilePath("rooms", roomTile, "mvt"))
	layers, err := mvt.Unmarshal(w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	b := layers[0].Features[0].Geometry.Bound()
	if b.Min[0] != -Buffer || b.Min[1] != -Buffer || b.Max[0] != Extent+Buffer || b.Max[1] != Extent+Buffer {
		t.Errorf("clipped bound %v, want the tile ± %d", b, Buffer)
	}
}

func TestPNGRoomStatusColour(t *testing.T) {
	store, statuses, rooms := fixture()
	r := server(newHandler(store, statusSource(statuses), Options{}))
	w := get(t, r, tilePath("rooms", roomTile, "png")+"?level=2")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("status %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	im, err := png.Decode(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b := im.Bounds(); b.Dx() != PNGSize || b.Dy() != PNGSize {
		t.Fatalf("size %v", b)
	}
	for i, want := range []floorplan.RoomStatus{floorplan.StatusOverStandard, floorplan.StatusNonOffice} {
		var c orb.Point
		c[0], c[1] = geo.TilePixel(roomTile, rooms[i].Geometry.Bound().Center(), PNGSize)
		got := im.At(int(c[0]), int(c[1]))
		r, g, bl, _ := got.RGBA()
		wc := render.StatusColor(want)
		if uint8(r>>8) != wc.R || uint8(g>>8) != wc.G || uint8(bl>>8) != wc.B {
			t.Errorf("room %s centre pixel %v: %v, want %s (%s)", rooms[i].Number, c, got, render.Hex(wc), want)
		}
	}
}

func TestErrorsMatchSentinels(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "/tiles/rooms/18/1/x.mvt", nil)
	req = mux.SetURLVars(req, map[string]string{"layer": "rooms", "z": "18", "x": "1", "y": "x"})
	err := newHandler(&fakeStore{}, nil, Options{}).MVT(httptest.NewRecorder(), req)
	if !errors.Is(err, ErrBadTile) || !errors.Is(err, geo.ErrBadTile) {
		t.Errorf("err %v does not wrap both ErrBadTile and geo.ErrBadTile", err)
	}
	// api's adapter answers it 400 bad_tile: TestBadAddresses (adapter_test.go).
}

// TestStoreErrors: a store's error reaches the error adapter unchanged (TestStoreErrorsAnswered in
// adapter_test.go checks what api's adapter makes of it).
func TestStoreErrors(t *testing.T) {
	var seen error
	h := New(&fakeStore{err: floorplan.ErrUnavailable}, nil, Options{Errors: func(w http.ResponseWriter, _ *http.Request, err error) {
		seen = err
		w.WriteHeader(599)
	}})
	if w := get(t, server(h), tilePath("rooms", roomTile, "mvt")); w.Code != 599 || !errors.Is(seen, floorplan.ErrUnavailable) {
		t.Errorf("custom adapter not used: %d %v", w.Code, seen)
	}
}

func TestCacheAndInvalidate(t *testing.T) {
	store, statuses, rooms := fixture()
	h := newHandler(store, statusSource(statuses), Options{})
	r := server(h)
	path := tilePath("rooms", roomTile, "mvt")

	first := get(t, r, path)
	if first.Code != 200 || store.count() != 1 {
		t.Fatalf("status %d, %d store calls", first.Code, store.count())
	}
	etag := first.Header().Get("ETag")
	if etag == "" || first.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("headers %v", first.Header())
	}
	second := get(t, r, path)
	if store.count() != 1 || !bytes.Equal(first.Body.Bytes(), second.Body.Bytes()) || second.Header().Get("ETag") != etag {
		t.Fatalf("second request was not served from the cache (%d store calls)", store.count())
	}
	if w := get(t, r, path, "If-None-Match", etag); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Fatalf("revalidation: status %d", w.Code)
	}

	// A write: room 301 grows and becomes compliant. Until Invalidate the cached tile stands; after it
	// the new tile is drawn and differs.
	moved := append([]floorplan.Feature(nil), store.feats...)
	for i := range moved {
		if moved[i].ID == rooms[0].ID {
			moved[i].Geometry = lonlatRect(origin, 0.0002, 0.0001)
		}
	}
	store.set(moved)
	statuses[rooms[0].ID] = floorplan.StatusCompliant
	if w := get(t, r, path); !bytes.Equal(w.Body.Bytes(), first.Body.Bytes()) {
		t.Fatal("cache missed before Invalidate")
	}
	h.Invalidate(floorplan.LayerBuildings) // another layer: no effect on rooms
	if w := get(t, r, path); !bytes.Equal(w.Body.Bytes(), first.Body.Bytes()) {
		t.Fatal("invalidating buildings dropped a rooms tile")
	}
	h.Invalidate(floorplan.LayerRooms)
	after := get(t, r, path)
	if bytes.Equal(after.Body.Bytes(), first.Body.Bytes()) || after.Header().Get("ETag") == etag {
		t.Fatal("tile unchanged after Invalidate")
	}
	if w := get(t, r, path, "If-None-Match", etag); w.Code != http.StatusOK {
		t.Errorf("stale ETag revalidated: %d", w.Code)
	}
	layers, _ := mvt.Unmarshal(after.Body.Bytes())
	for _, f := range layers[0].Features {
		if f.Properties["id"] == rooms[0].ID.String() && f.Properties["status"] != "compliant" {
			t.Errorf("status after the write %v", f.Properties["status"])
		}
	}
}

// TestInvalidateDuringDraw: a tile drawn from data read before a write, that finishes after
// Invalidate, is never served afterwards.
func TestInvalidateDuringDraw(t *testing.T) {
	store, statuses, _ := fixture()
	h := newHandler(store, statusSource(statuses), Options{})
	r := server(h)
	path := tilePath("rooms", roomTile, "mvt")
	stale := get(t, r, path).Body.Bytes() // what the old data draws
	h.Invalidate(floorplan.LayerRooms)

	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	store.after = func() { once.Do(func() { close(entered); <-release }) } // the slow reader has read, not returned
	done := make(chan []byte)
	go func() { done <- get(t, r, path).Body.Bytes() }()
	<-entered
	// The write lands while the slow request is reading: swap the data and invalidate.
	store.feats = store.feats[:1] // only the building is left: the rooms tile is empty (the reader holds the lock)
	h.Invalidate(floorplan.LayerRooms)
	close(release)
	if got := <-done; !bytes.Equal(got, stale) {
		t.Fatalf("the slow request should see the data it read")
	}
	if w := get(t, r, path); w.Code != http.StatusNoContent {
		t.Errorf("after the write: status %d, %d bytes; the slow request's tile was served", w.Code, w.Body.Len())
	}
}

func TestCacheDisabled(t *testing.T) {
	store, statuses, _ := fixture()
	h := newHandler(store, statusSource(statuses), Options{CacheBytes: -1})
	r := server(h)
	for i := 0; i < 3; i++ {
		get(t, r, tilePath("rooms", roomTile, "mvt"), "Accept-Encoding", "gzip")
	}
	if store.count() != 3 {
		t.Errorf("%d store calls with the cache off, want 3", store.count())
	}
	if n, _ := h.CacheStats(); n != 0 {
		t.Errorf("%d tiles cached with the cache off", n)
	}
}

func TestLRUBoundedByBytes(t *testing.T) {
	c := newLRU(3 * (1000 + entryOverhead))
	key := func(i int) cacheKey { return cacheKey{layer: floorplan.LayerRooms, x: uint32(i)} }
	for i := 0; i < 5; i++ {
		c.put(key(i), &tile{data: make([]byte, 1000)})
		if i == 2 {
			c.get(key(0)) // 0 is now more recent than 1
		}
	}
	n, b := c.stats()
	if n != 3 || b > 3*(1000+entryOverhead) {
		t.Fatalf("%d tiles, %d bytes", n, b)
	}
	// 0 was used after 1 and 2 were stored, so 3 and 4 pushed out 1 and 2.
	for i, want := range []bool{true, false, false, true, true} {
		if _, ok := c.get(key(i)); ok != want {
			t.Errorf("tile %d cached = %v, want %v", i, ok, want)
		}
	}
	c.put(key(9), &tile{data: make([]byte, 1<<20)}) // larger than the cache: not kept, nothing evicted
	if _, ok := c.get(key(9)); ok {
		t.Error("an oversized tile was cached")
	}
	c.dropLayer(floorplan.LayerRooms)
	if n, b := c.stats(); n != 0 || b != 0 {
		t.Errorf("after dropLayer: %d tiles, %d bytes", n, b)
	}
}

func TestTileJSON(t *testing.T) {
	store, _, _ := fixture()
	tests := []struct {
		name     string
		opts     Options
		path     string
		hdr      []string
		wantTile string
		vector   bool
	}{
		{"rooms: neither Host nor untrusted forwarding echoed", Options{}, "/tiles/rooms.json", []string{"X-Forwarded-Host", "evil.example"},
			"/tiles/rooms/{z}/{x}/{y}.mvt", true},
		{"forwarded, trusted", Options{TrustForwarded: true}, "/tiles/buildings.json",
			[]string{"X-Forwarded-Proto", "https", "X-Forwarded-Host", "gis.example.gov.cn"},
			"https://gis.example.gov.cn/tiles/buildings/{z}/{x}/{y}.mvt", true},
		{"png with a filter", Options{}, "/tiles/rooms.json?format=png&level=2", nil,
			"/tiles/rooms/{z}/{x}/{y}.png?level=2", false},
		{"base URL", Options{BaseURL: "https://x.example/"}, "/tiles/rooms.json", nil,
			"https://x.example/tiles/rooms/{z}/{x}/{y}.mvt", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := server(newHandler(store, nil, tc.opts))
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			req.Host = "maps.local:8080"
			for i := 0; i+1 < len(tc.hdr); i += 2 {
				req.Header.Set(tc.hdr[i], tc.hdr[i+1])
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code != 200 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			var doc map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			if doc["tilejson"] != "3.0.0" {
				t.Errorf("tilejson %v", doc["tilejson"])
			}
			if tiles := doc["tiles"].([]any); len(tiles) != 1 || tiles[0] != tc.wantTile {
				t.Errorf("tiles %v, want %s", tiles, tc.wantTile)
			}
			bounds := doc["bounds"].([]any)
			if len(bounds) != 4 || bounds[0].(float64) > origin[0]-0.0001 || bounds[2].(float64) < origin[0]+0.0004 ||
				bounds[1].(float64) > origin[1]-0.0001 || bounds[3].(float64) < origin[1]+0.0002 {
				t.Errorf("bounds %v do not contain the building", bounds)
			}
			vl, ok := doc["vector_layers"].([]any)
			if ok != tc.vector {
				t.Fatalf("vector_layers present = %v", ok)
			}
			if ok {
				l := vl[0].(map[string]any)
				fields := l["fields"].(map[string]any)
				if strings.Contains(tc.path, "rooms") {
					for _, f := range []string{"id", "floor_id", "level", "number", "usage", "status", "agency_id", "area_m2"} {
						if _, ok := fields[f]; !ok {
							t.Errorf("field %s missing", f)
						}
					}
					if l["minzoom"].(float64) != 16 || doc["maxzoom"].(float64) != 22 {
						t.Errorf("zooms %v %v", l["minzoom"], doc["maxzoom"])
					}
				} else if doc["minzoom"].(float64) != 12 {
					t.Errorf("buildings minzoom %v", doc["minzoom"])
				}
			}
		})
	}
}

func TestHeadAndAcceptEncoding(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   bool
	}{
		{"gzip", true}, {"gzip, deflate, br", true}, {"br;q=1.0, gzip;q=0.8", true}, {"gzip;q=0", false},
		{"identity", false}, {"", false}, {"*", true}, {"GZIP", true},
	} {
		if got := acceptsGzip(tc.header); got != tc.want {
			t.Errorf("acceptsGzip(%q) = %v", tc.header, got)
		}
	}
	store, statuses, _ := fixture()
	r := server(newHandler(store, statusSource(statuses), Options{}))
	req := httptest.NewRequest(http.MethodHead, tilePath("rooms", roomTile, "mvt"), nil)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: %d, %d bytes, %v", w.Code, w.Body.Len(), w.Header())
	}
	_, _ = io.Copy(io.Discard, w.Body)
}

func TestFromReport(t *testing.T) {
	id := uuid.New()
	rep := &floorplan.Report{Rooms: []floorplan.RoomResult{{RoomID: id, Status: floorplan.StatusVacant}}}
	src := FromReport(func(context.Context) (*floorplan.Report, error) { return rep, nil })
	status, err := src.RoomStatus(context.Background())
	if err != nil || status(id) != floorplan.StatusVacant || status(uuid.New()) != "" {
		t.Errorf("FromReport lookup wrong: %v", err)
	}
}
