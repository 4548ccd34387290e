package tiles

import (
	"bytes"
	"context"
	"math"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/synth"
	"officemap/geo"
)

// TestPostGISTiles serves tiles from a real PostGIS store: a room's feature carries its attributes and
// sits where its georeferenced polygon is, and after a write and Invalidate the tile shows the change.
func TestPostGISTiles(t *testing.T) {
	ctx := context.Background()
	store := &countingStore{Store: pgtest.NewStore(t)}
	d := synth.Generate(synth.Config{Seed: 5, Buildings: 2, Floors: 2, RoomsPerFloor: 12})
	if err := d.Load(ctx, floorplan.NewRegister(store)); err != nil {
		t.Fatal(err)
	}
	snap, err := store.Snapshot(ctx, floorplan.Day(2030, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	current := rep
	h := newHandler(store, FromReport(func(context.Context) (*floorplan.Report, error) { return current, nil }), Options{})
	r := server(h)

	// An office on the second floor of the first building.
	var room floorplan.Room
	var floor floorplan.Floor
	for _, fl := range d.Floors {
		if fl.BuildingID == d.Buildings[0].ID && fl.Ordinal == 1 {
			floor = fl
		}
	}
	for _, rm := range d.Rooms {
		if rm.FloorID == floor.ID && rm.Usage == floorplan.UsageOffice {
			room = rm
			break
		}
	}
	frame := d.Buildings[0].Georef.Frame()
	ll := frame.PolygonToLonLat(room.Geometry)
	c, _ := planar.CentroidArea(ll)
	tile := geo.TileAt(c, 20)

	find := func(data []byte) (orb.Polygon, map[string]any) {
		t.Helper()
		layers, err := mvt.Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range layers[0].Features {
			if f.Properties["id"] == room.ID.String() {
				return f.Geometry.(orb.Polygon), f.Properties
			}
		}
		t.Fatalf("room %s not in the tile", room.Number)
		return nil, nil
	}

	w := get(t, r, tilePath("rooms", tile, "mvt")+"?level=1")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	geom, props := find(w.Body.Bytes())
	rr, _ := rep.Room(room.ID)
	want := map[string]any{"number": room.Number, "floor_id": floor.ID.String(), "level": float64(1), "usage": "office",
		"agency_id": room.AgencyID.String(), "status": string(rr.Status), "area_m2": math.Round(geo.Area(room.Geometry)*100) / 100}
	for k, v := range want {
		if props[k] != v {
			t.Errorf("%s = %#v, want %#v", k, props[k], v)
		}
	}
	for _, corner := range ll[0][:4] {
		var wp orb.Point
		wp[0], wp[1] = geo.TilePixel(tile, corner, Extent)
		if wp[0] < -Buffer || wp[0] > Extent+Buffer || wp[1] < -Buffer || wp[1] > Extent+Buffer {
			continue // clipped away
		}
		found := false
		for _, got := range geom[0] {
			found = found || math.Abs(got[0]-wp[0]) <= 1.5 && math.Abs(got[1]-wp[1]) <= 1.5
		}
		if !found {
			t.Errorf("corner %v (grid %v) not in %v", corner, wp, geom[0])
		}
	}

	// Another level's filter leaves the room out.
	if w := get(t, r, tilePath("rooms", tile, "mvt")+"?level=0"); w.Code == http.StatusOK {
		layers, _ := mvt.Unmarshal(w.Body.Bytes())
		for _, f := range layers[0].Features {
			if f.Properties["id"] == room.ID.String() {
				t.Error("level 0 tile has a level 1 room")
			}
		}
	}

	// Nothing changed: the same tile comes from the cache, without a query.
	before := store.featureCalls.Load()
	again := get(t, r, tilePath("rooms", tile, "mvt")+"?level=1")
	if store.featureCalls.Load() != before || !bytes.Equal(again.Body.Bytes(), w.Body.Bytes()) {
		t.Fatal("a repeated tile request was not served from the cache")
	}

	// A write through the store, as another server on the same database would make it (this handler's
	// Invalidate is not called): the cache keys on the store's revision, read again once RevisionTTL has
	// passed, so the next tile after it shows it.
	cur, err := store.Room(ctx, room.ID)
	if err != nil {
		t.Fatal(err)
	}
	cur.Number = "R-" + cur.Number
	if err := store.UpdateRoom(ctx, &cur); err != nil {
		t.Fatal(err)
	}
	time.Sleep(DefaultRevisionTTL)
	w = get(t, r, tilePath("rooms", tile, "mvt")+"?level=1")
	if _, props := find(w.Body.Bytes()); props["number"] != cur.Number {
		t.Errorf("after another server's write the tile says number %v, want %s", props["number"], cur.Number)
	}

	// Invalidate (this process's own writes) also forces a fresh tile.
	before = store.featureCalls.Load()
	h.Invalidate(floorplan.LayerRooms)
	get(t, r, tilePath("rooms", tile, "mvt")+"?level=1")
	if store.featureCalls.Load() == before {
		t.Error("after Invalidate the tile came from the cache")
	}

	// The buildings layer and the TileJSON bounds come from the same store.
	bt := geo.TileAt(c, 16)
	if w := get(t, r, tilePath("buildings", bt, "mvt")); w.Code != http.StatusOK {
		t.Errorf("buildings tile: %d", w.Code)
	}
}

// countingStore is the PostGIS store, counting the tile path's queries.
type countingStore struct {
	*postgis.Store
	featureCalls atomic.Int64
}

func (c *countingStore) Features(ctx context.Context, layer floorplan.Layer, b orb.Bound, f floorplan.FeatureFilter) ([]floorplan.Feature, error) {
	c.featureCalls.Add(1)
	return c.Store.Features(ctx, layer, b, f)
}

func (c *countingStore) TileRows(ctx context.Context, layer floorplan.Layer, b orb.Bound, f floorplan.FeatureFilter,
	day time.Time, fn func(*floorplan.TileRow) error) error {
	c.featureCalls.Add(1)
	return c.Store.TileRows(ctx, layer, b, f, day, fn)
}
