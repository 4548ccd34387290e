package tiles_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/maptile"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
)

// The tile handlers return their errors; the api package's one error adapter turns them into the
// response. These tests serve the tile routes through api.Server, as officemap does, and check what a
// client sees.

// featureStore is a PostGIS store whose Features calls features instead, and whose one-query tile path
// (TileRows) gives features' error, or else the rows of the features (their stored statuses unknown).
type featureStore struct {
	*postgis.Store
	features func() ([]floorplan.Feature, error)
}

func (s featureStore) Features(context.Context, floorplan.Layer, orb.Bound, floorplan.FeatureFilter) ([]floorplan.Feature, error) {
	return s.features()
}

func (s featureStore) TileRows(_ context.Context, _ floorplan.Layer, _ orb.Bound, _ floorplan.FeatureFilter, _ time.Time,
	fn func(*floorplan.TileRow) error) error {
	feats, err := s.features()
	if err != nil {
		return err
	}
	for _, f := range feats {
		b, err := wkb.Marshal(f.Geometry)
		if err != nil {
			return err
		}
		row := floorplan.TileRow{ID: f.ID, FloorID: f.FloorID, AgencyID: f.AgencyID, Level: f.Level, Number: []byte(f.Number),
			Name: []byte(f.Name), Usage: []byte(f.Usage), AreaM2: f.AreaM2, WKB: b}
		if err := fn(&row); err != nil {
			return err
		}
	}
	return nil
}

// apiServer returns the api server over a fresh PostGIS store whose Features calls features.
func apiServer(t *testing.T, features func() ([]floorplan.Feature, error)) http.Handler {
	t.Helper()
	s := featureStore{Store: pgtest.NewStore(t), features: features}
	return api.NewServer(api.Config{}, api.Deps{Store: s, Assessor: floorplan.NewAssessor(s, nil, floorplan.DefaultPolicy())})
}

func serve(h http.Handler, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

// TestBadAddresses: malformed addresses and unknown layers are refused before the store is asked.
func TestBadAddresses(t *testing.T) {
	var calls atomic.Int32
	h := apiServer(t, func() ([]floorplan.Feature, error) {
		calls.Add(1)
		t.Error("the store was called for a bad address")
		return nil, nil
	})
	tests := []struct {
		path   string
		status int
		code   string
	}{
		{"/tiles/rooms/abc/1/1.mvt", 400, "bad_tile"},
		{"/tiles/rooms/18/x/1.mvt", 400, "bad_tile"},
		{"/tiles/rooms/18/1/x.mvt", 400, "bad_tile"},
		{"/tiles/rooms/18/1/-1.mvt", 400, "bad_tile"},
		{"/tiles/rooms/18/262144/1.mvt", 400, "bad_tile"}, // x = 2^18 is off the grid
		{"/tiles/rooms/18/1/262144.png", 400, "bad_tile"}, // so is y
		{"/tiles/rooms/15/1/1.mvt", 400, "bad_tile"},      // below the rooms layer's minzoom
		{"/tiles/buildings/11/1/1.mvt", 400, "bad_tile"},  // below the buildings layer's
		{"/tiles/rooms/23/1/1.mvt", 400, "bad_tile"},      // above maxzoom
		{"/tiles/rooms/99999999999999999999/1/1.mvt", 400, "bad_tile"},
		{"/tiles/rooms/1.5/1/1.mvt", 400, "bad_tile"},
		{"/tiles/parking/18/1/1.mvt", 404, "unknown_layer"},
		{"/tiles/parking.json", 404, "unknown_layer"},
		{"/tiles/rooms/18/1/1.mvt?level=two", 400, "bad_request"},
		{"/tiles/rooms/18/1/1.png?floor_id=nope", 400, "bad_request"},
		{"/tiles/rooms.json?format=jpeg", 400, "bad_request"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			w := serve(h, tc.path)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			var body struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", w.Body, err)
			}
			if body.Error.Code != tc.code || body.Error.Message == "" {
				t.Errorf("error %+v, want code %s", body.Error, tc.code)
			}
		})
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("store called %d times", n)
	}
}

// TestStoreErrorsAnswered: a store's error is answered by its kind, never with its text.
func TestStoreErrorsAnswered(t *testing.T) {
	tile := maptile.At(orb.Point{119.9741, 31.8112}, 18)
	path := fmt.Sprintf("/tiles/rooms/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y)
	for _, tc := range []struct {
		err    error
		status int
		code   string
	}{
		{fmt.Errorf("db: %w", floorplan.ErrUnavailable), 503, "unavailable"},
		{errors.New("SQLSTATE 42P01: relation rooms does not exist"), 500, "internal"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			w := serve(apiServer(t, func() ([]floorplan.Feature, error) { return nil, tc.err }), path)
			if w.Code != tc.status || strings.Contains(w.Body.String(), "SQLSTATE") || !strings.Contains(w.Body.String(), tc.code) {
				t.Errorf("status %d body %s", w.Code, w.Body)
			}
		})
	}
}
