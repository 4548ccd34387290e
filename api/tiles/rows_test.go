package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/synth"
	"officemap/geo"
	gmvt "officemap/geo/mvt"
)

// featuresOnly is a PostGIS store without its one-query tile path: the tiles come from Features and the
// status source, as before issue 15.
type featuresOnly struct{ s *postgis.Store }

func (f featuresOnly) Features(ctx context.Context, layer floorplan.Layer, b orb.Bound, ff floorplan.FeatureFilter) ([]floorplan.Feature, error) {
	return f.s.Features(ctx, layer, b, ff)
}

func (f featuresOnly) Revision(ctx context.Context) (int64, error) { return f.s.Revision(ctx) }

// countedStates is Register.States, counting its calls.
type countedStates struct {
	reg   *floorplan.Register
	calls atomic.Int64
}

func (c *countedStates) states(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]floorplan.StoredStatus, error) {
	c.calls.Add(1)
	return c.reg.States(ctx, ids)
}

// rowsFixture is a small synthetic register in a fresh PostGIS database, its stored states computed, and
// the rooms tiles (z18, with ?level=) of every floor of its first building.
func rowsFixture(t *testing.T) (*postgis.Store, *floorplan.Register, *synth.Dataset, []string) {
	t.Helper()
	ctx := context.Background()
	store := pgtest.NewStore(t)
	d := synth.Generate(synth.Config{Seed: 9, Buildings: 2, Floors: 3, RoomsPerFloor: 16})
	reg := floorplan.NewRegister(store)
	if err := d.Load(ctx, reg); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.States(ctx, nil); err != nil { // computes every state, once
		t.Fatal(err)
	}
	var paths []string
	for _, fl := range d.Floors {
		if fl.BuildingID != d.Buildings[0].ID {
			continue
		}
		for _, rm := range d.Rooms {
			if rm.FloorID == fl.ID {
				c, _ := planar.CentroidArea(d.Buildings[0].Georef.Frame().PolygonToLonLat(rm.Geometry))
				for _, z := range []maptile.Zoom{17, 18} {
					paths = append(paths, tilePath("rooms", geo.TileAt(c, z), "mvt")+"?level="+strconv.Itoa(fl.Ordinal))
				}
				break
			}
		}
	}
	return store, reg, d, paths
}

// tileStatuses decodes a vector tile's rooms' statuses by id.
func tileStatuses(t *testing.T, data []byte) map[string]any {
	t.Helper()
	out := map[string]any{}
	if len(data) == 0 {
		return out
	}
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range layers[0].Features {
		out[f.Properties["id"].(string)] = f.Properties["status"]
	}
	return out
}

// tileFeatures decodes a vector tile's features, each as the text of its geometry and properties, by id:
// the same features in another order compare equal.
func tileFeatures(t *testing.T, data []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	if len(data) == 0 {
		return out
	}
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range layers[0].Features {
		out[fmt.Sprint(f.Properties["id"])] = fmt.Sprintf("%v %v", f.Geometry, f.Properties)
	}
	return out
}

// TestRowsAsFeatures: from the one-query path (TileRows, stored statuses read with the features) a tile is
// the tile of the Features path (the same features, in the query's order) with the statuses of Register.States, without asking the
// status source; with the states marked stale, or one room's state of another day, it falls back to the
// status source and still draws the same tile.
func TestRowsAsFeatures(t *testing.T) {
	ctx := context.Background()
	store, reg, _, paths := rowsFixture(t)
	src := &countedStates{reg: reg}
	rows := newHandler(store, FromStates(src.states), Options{})
	old := newHandler(featuresOnly{store}, FromStates(reg.States), Options{CacheBytes: -1})
	rr, ro := server(rows), server(old)

	compare := func(stage string) int {
		t.Helper()
		features := 0
		for _, p := range paths {
			got, want := get(t, rr, p), get(t, ro, p)
			if got.Code != want.Code || got.Body.Len() != want.Body.Len() ||
				!maps.Equal(tileFeatures(t, got.Body.Bytes()), tileFeatures(t, want.Body.Bytes())) {
				t.Fatalf("%s %s: %d, %d bytes; the Features path: %d, %d bytes", stage, p, got.Code, got.Body.Len(),
					want.Code, want.Body.Len())
			}
			statuses := tileStatuses(t, got.Body.Bytes())
			ids := make([]uuid.UUID, 0, len(statuses))
			for id := range statuses {
				ids = append(ids, uuid.MustParse(id))
			}
			states, err := reg.States(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				if want := string(states[id].Status); statuses[id.String()] != want || want == "" {
					t.Errorf("%s: room %s has status %v in the tile, %q in Register.States", stage, id, statuses[id.String()], want)
				}
			}
			features += len(statuses)
		}
		return features
	}
	if n := compare("fresh states"); n < 20 {
		t.Fatalf("the tiles hold %d rooms: the fixture must put rooms on them", n)
	}
	if n := src.calls.Load(); n != 0 {
		t.Errorf("with fresh states the status source was asked %d times, want none", n)
	}

	if err := store.MarkStatesStale(ctx); err != nil {
		t.Fatal(err)
	}
	rows.Invalidate(floorplan.LayerRooms)
	compare("states marked stale")
	if src.calls.Load() == 0 {
		t.Error("with stale states the tiles did not fall back to the status source")
	}

	// One room's state of another day (a write that committed after the day's recomputation).
	if _, err := reg.States(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Pool().Exec(ctx, `UPDATE room_states SET as_of = as_of - 1
		WHERE room_id = (SELECT room_id FROM room_states ORDER BY room_id LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	rows.Invalidate(floorplan.LayerRooms)
	before := src.calls.Load()
	compare("a state of another day")
	if src.calls.Load() == before {
		t.Log("no tile holds the room whose state is of another day") // the fixture's first room id is random
	}
}

// TestRowsScope: the read scope is applied in the query (Scope.In, without Room and Building functions
// that would filter afterwards): a limited scope shows its agency's rooms and its floors' rooms only, and
// a scope of places only its buildings.
func TestRowsScope(t *testing.T) {
	ctx := context.Background()
	store, reg, d, paths := rowsFixture(t)
	agency := d.Agencies[0].ID
	var floor floorplan.Floor
	for _, fl := range d.Floors {
		if fl.BuildingID == d.Buildings[0].ID && fl.Ordinal == 1 {
			floor = fl
		}
	}
	in := floorplan.ReadScope{Limited: true, Agencies: []uuid.UUID{agency}, Floors: []uuid.UUID{floor.ID},
		Places: true, Buildings: []uuid.UUID{d.Buildings[1].ID}}
	h := newHandler(store, FromStates(reg.States), Options{
		Scope: func(context.Context) (Scope, error) { return Scope{Key: "one agency", In: in}, nil }})
	all := newHandler(store, FromStates(reg.States), Options{})
	rooms := map[string]floorplan.Room{}
	for _, rm := range d.Rooms {
		rooms[rm.ID.String()] = rm
	}
	shown, hidden := 0, 0
	for _, p := range paths {
		seen := tileStatuses(t, get(t, server(h), p).Body.Bytes())
		for id := range tileStatuses(t, get(t, server(all), p).Body.Bytes()) {
			rm := rooms[id]
			_, ok := seen[id]
			if want := rm.AgencyID == agency || rm.FloorID == floor.ID; ok != want {
				t.Errorf("%s: room %s (agency %s) shown %v, want %v", p, rm.Number, rm.AgencyID, ok, want)
			}
			if ok {
				shown++
			} else {
				hidden++
			}
		}
	}
	if shown == 0 || hidden == 0 {
		t.Fatalf("%d rooms shown, %d hidden: the case must do both", shown, hidden)
	}

	// Buildings: only those of the scope's places.
	var n int
	err := store.TileRows(ctx, floorplan.LayerBuildings, orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}},
		floorplan.FeatureFilter{In: in}, time.Now(), func(r *floorplan.TileRow) error {
			n++
			if r.ID != d.Buildings[1].ID {
				t.Errorf("building %s outside the scope's places", r.ID)
			}
			return nil
		})
	if err != nil || n != 1 {
		t.Errorf("buildings in scope: %d, %v; want 1", n, err)
	}
}

// TestEditSeenBySecondServer: two servers on one database, each with its own register, handler and cache;
// a room edited through the first shows on the second server's next tile within a second (the revision's
// TTL), number and status both.
func TestEditSeenBySecondServer(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDB(t)
	stores := make([]*postgis.Store, 2)
	for i := range stores {
		s, err := postgis.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		stores[i] = s
	}
	d := synth.Generate(synth.Config{Seed: 3, Buildings: 1, Floors: 1, RoomsPerFloor: 12})
	regA, regB := floorplan.NewRegister(stores[0]), floorplan.NewRegister(stores[1])
	if err := d.Load(ctx, regA); err != nil {
		t.Fatal(err)
	}
	a := newHandler(stores[0], FromStates(regA.States), Options{})
	b := newHandler(stores[1], FromStates(regB.States), Options{})
	regA.Subscribe(func(c floorplan.Changes) {
		for _, l := range c.Layers {
			a.Invalidate(l)
		}
	})
	var room floorplan.Room
	for _, rm := range d.Rooms {
		if rm.Usage == floorplan.UsageOffice {
			room = rm
			break
		}
	}
	c, _ := planar.CentroidArea(d.Buildings[0].Georef.Frame().PolygonToLonLat(room.Geometry))
	path := tilePath("rooms", geo.TileAt(c, 19), "mvt")
	props := func(h *Handler) map[string]any {
		w := get(t, server(h), path)
		layers, err := mvt.Unmarshal(w.Body.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range layers[0].Features {
			if f.Properties["id"] == room.ID.String() {
				return f.Properties
			}
		}
		t.Fatalf("room %s not on its tile", room.Number)
		return nil
	}
	before := props(b)
	props(a)
	for range 3 { // B's tile is cached, its revision fresh
		props(b)
	}

	cur, err := stores[0].Room(ctx, room.ID)
	if err != nil {
		t.Fatal(err)
	}
	cur.Number, cur.Usage = "R-"+cur.Number, floorplan.UsageEquipment
	if _, err := regA.UpdateRoom(ctx, &cur, floorplan.Shape{}); err != nil {
		t.Fatal(err)
	}
	written := time.Now()
	if p := props(a); p["number"] != cur.Number || p["status"] == before["status"] {
		t.Fatalf("the writing server's next tile: %v (before: %v)", p, before)
	}
	for {
		p := props(b)
		if p["number"] == cur.Number {
			states, err := regA.States(ctx, []uuid.UUID{room.ID})
			if err != nil {
				t.Fatal(err)
			}
			if p["status"] != string(states[room.ID].Status) || p["usage"] != string(floorplan.UsageEquipment) {
				t.Errorf("the second server shows %v, want an equipment room, %s", p, states[room.ID].Status)
			}
			if d := time.Since(written); d > time.Second {
				t.Errorf("the second server showed the edit after %s, want within 1 s", d)
			}
			return
		}
		if time.Since(written) > 3*time.Second {
			t.Fatalf("the second server still shows %v 3 s after the edit", p)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// revStore is a fakeStore with a revision, counting its reads (which take a little while).
type revStore struct {
	*fakeStore
	rev   atomic.Int64
	reads atomic.Int64
}

func (s *revStore) Revision(context.Context) (int64, error) {
	s.reads.Add(1)
	time.Sleep(5 * time.Millisecond)
	return s.rev.Load(), nil
}

// TestRevisionTTL: the revision for the cache key is read once per RevisionTTL however many requests
// come (one read at a time: concurrent requests wait for it), at once after Invalidate, and for every
// request with a negative TTL; a change of revision is seen after the TTL.
func TestRevisionTTL(t *testing.T) {
	fs, statuses, _ := fixture()
	store := &revStore{fakeStore: fs}
	h := newHandler(store, statusSource(statuses), Options{RevisionTTL: 300 * time.Millisecond})
	r := server(h)
	path := tilePath("rooms", roomTile, "mvt")
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); get(t, r, path) }()
	}
	wg.Wait()
	if n := store.reads.Load(); n != 1 {
		t.Errorf("20 concurrent requests read the revision %d times, want 1", n)
	}
	for range 10 {
		get(t, r, path)
	}
	if n := store.reads.Load(); n != 1 {
		t.Errorf("requests within the TTL read the revision %d times in all, want 1", n)
	}
	h.Invalidate(floorplan.LayerRooms)
	get(t, r, path)
	if n := store.reads.Load(); n != 2 {
		t.Errorf("after Invalidate: %d reads, want 2", n)
	}

	calls := fs.count()
	store.rev.Add(1) // another server's write
	get(t, r, path)
	if fs.count() != calls {
		t.Error("a write of another server was seen before the TTL passed")
	}
	time.Sleep(300 * time.Millisecond)
	get(t, r, path)
	if fs.count() != calls+1 || store.reads.Load() != 3 {
		t.Errorf("after the TTL: %d draws, %d reads; want the tile drawn again after a third read", fs.count()-calls, store.reads.Load())
	}

	every := newHandler(store, statusSource(statuses), Options{RevisionTTL: -1})
	before := store.reads.Load()
	for range 3 {
		get(t, server(every), path)
	}
	if n := store.reads.Load() - before; n != 3 {
		t.Errorf("with a negative TTL 3 requests read the revision %d times", n)
	}
}

// TestCommittedRevision: after a local write, Committed keeps the revision the write committed at, so
// the next tile keys on it without reading the revision, draws the layer again, and an earlier revision
// committed late does not move it back.
func TestCommittedRevision(t *testing.T) {
	fs, statuses, _ := fixture()
	store := &revStore{fakeStore: fs}
	h := newHandler(store, statusSource(statuses), Options{RevisionTTL: time.Hour})
	r := server(h)
	path := tilePath("rooms", roomTile, "mvt")
	get(t, r, path)
	reads, draws := store.reads.Load(), fs.count()
	store.rev.Store(7)
	h.Committed(7, floorplan.LayerRooms)
	first := get(t, r, path)
	if store.reads.Load() != reads || fs.count() != draws+1 {
		t.Errorf("after Committed: %d revision reads, %d draws; want none and one", store.reads.Load()-reads, fs.count()-draws)
	}
	if rev, _ := h.Revision(t.Context(), store.Revision); rev != 7 {
		t.Errorf("revision kept %d, want 7", rev)
	}
	h.Committed(6) // a write that committed before the last, reported after it
	if rev, _ := h.Revision(t.Context(), store.Revision); rev != 7 {
		t.Errorf("after an earlier revision was committed: %d kept, want 7", rev)
	}
	if again := get(t, r, path); again.Header().Get("ETag") != first.Header().Get("ETag") || fs.count() != draws+1 {
		t.Errorf("a committed write of no layer drew the rooms again")
	}
}

// TestCompressedCache: a vector tile is kept gzipped only; a client that takes gzip gets those bytes, one
// that does not gets them decompressed (with its own ETag), and both revalidate to 304.
func TestCompressedCache(t *testing.T) {
	store, statuses, _ := fixture()
	h := newHandler(store, statusSource(statuses), Options{})
	r := server(h)
	path := tilePath("rooms", roomTile, "mvt")
	gz := get(t, r, path, "Accept-Encoding", "gzip")
	plain := get(t, r, path)
	if store.count() != 1 {
		t.Fatalf("%d draws, want 1", store.count())
	}
	if gz.Header().Get("Content-Encoding") != "gzip" || plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("encodings %q and %q", gz.Header().Get("Content-Encoding"), plain.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if !bytes.Equal(unzipped, plain.Body.Bytes()) || len(plain.Body.Bytes()) == 0 {
		t.Error("the plain tile is not the gzipped one decompressed")
	}
	if n, size := h.CacheStats(); n != 1 || size != int64(gz.Body.Len())+entryOverhead {
		t.Errorf("cache holds %d tiles, %d bytes; want 1 of %d (the gzipped bytes only)", n, size, gz.Body.Len()+entryOverhead)
	}
	if gz.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Error("gzipped and plain bytes share an ETag")
	}
	if w := get(t, r, path, "If-None-Match", plain.Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Errorf("plain revalidation: %d", w.Code)
	}
	if w := get(t, r, path, "Accept-Encoding", "gzip", "If-None-Match", gz.Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Errorf("gzip revalidation: %d", w.Code)
	}
}

// badRows is a RowStore whose one room has a broken polygon.
type badRows struct{ *fakeStore }

func (badRows) TileRows(_ context.Context, _ floorplan.Layer, _ orb.Bound, _ floorplan.FeatureFilter, _ time.Time,
	fn func(*floorplan.TileRow) error) error {
	good, _ := wkb.Marshal(lonlatRect(origin, 0.0001, 0.00007))
	return fn(&floorplan.TileRow{ID: uuid.New(), WKB: good[:len(good)-5], Status: []byte("vacant")})
}

// TestBadWKBIsAnError: a store's broken polygon fails the tile with an error (never a panic), wrapping
// mvt's ErrBadWKB, and nothing is cached.
func TestBadWKBIsAnError(t *testing.T) {
	store, statuses, _ := fixture()
	var got error
	h := New(badRows{store}, statusSource(statuses), Options{Errors: func(w http.ResponseWriter, _ *http.Request, err error) {
		got = err
		w.WriteHeader(500)
	}})
	if w := get(t, server(h), tilePath("rooms", roomTile, "mvt")); w.Code != 500 || !errors.Is(got, gmvt.ErrBadWKB) {
		t.Errorf("status %d, error %v", w.Code, got)
	}
	if n, _ := h.CacheStats(); n != 0 {
		t.Errorf("%d tiles cached after the error", n)
	}
}

// TestEncoderAsBefore: the rooms tile written by the Encoder is byte for byte the one geo/mvt's Layer and
// orb wrote before issue 15 (orbEncodeMVT), with and without statuses and agencies.
func TestEncoderAsBefore(t *testing.T) {
	store, statuses, _ := fixture()
	feats := store.feats[1:] // the rooms
	feats = append(feats, feats[0])
	feats[len(feats)-1].ID, feats[len(feats)-1].AgencyID = uuid.New(), uuid.Nil // no agency, no status
	status := func(id uuid.UUID) floorplan.RoomStatus { return statuses[id] }
	for _, tile := range []maptile.Tile{roomTile, maptile.At(origin, 21)} {
		want, err := orbEncodeMVT(tile, feats, status)
		if err != nil {
			t.Fatal(err)
		}
		got := encodeMVT(gmvt.NewEncoder("x", maptile.Tile{}), floorplan.LayerRooms, tile, feats, status)
		if len(want) == 0 || !bytes.Equal(got, want) {
			t.Errorf("z%d: %d bytes, orb wrote %d", tile.Z, len(got), len(want))
		}
	}
}
