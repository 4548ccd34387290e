package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"officemap/api/tiles"
	"officemap/floorplan/postgis/pgtest"
)

// TestGrid: tileref clips and buffers as officemap's tiles do.
func TestGrid(t *testing.T) {
	if extent != tiles.Extent || buffer != tiles.Buffer {
		t.Errorf("tileref extent %d, buffer %d; officemap's api/tiles %d, %d", extent, buffer, tiles.Extent, tiles.Buffer)
	}
}

// TestTileOf: addresses off the grid, outside a layer's zooms or of no layer are refused.
func TestTileOf(t *testing.T) {
	for _, c := range []struct {
		name, layer, z, x, y string
		ok                   bool
	}{
		{"rooms z18", "rooms", "18", "218436", "106615.mvt", true},
		{"buildings z12", "buildings", "12", "3412", "1665.mvt", true},
		{"rooms below its zooms", "rooms", "15", "1", "1.mvt", false},
		{"beyond the grid", "rooms", "16", "65536", "1.mvt", false},
		{"negative", "rooms", "16", "-1", "1.mvt", false},
		{"not mvt", "rooms", "18", "1", "1.png", false},
		{"no such layer", "floors", "18", "1", "1.mvt", false},
		{"not a number", "rooms", "x", "1", "1.mvt", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, _, _, err := tileOf(c.layer, c.z, c.x, c.y)
			if (err == nil) != c.ok {
				t.Errorf("tileOf(%s/%s/%s/%s): %v, want ok %v", c.layer, c.z, c.x, c.y, err, c.ok)
			}
		})
	}
}

// TestAcceptsGzip reads Accept-Encoding as officemap does.
func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{"gzip": true, "br, gzip;q=0.5": true, "*": true, "gzip;q=0": false,
		"identity": false, "": false} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}

// TestSameRoomsAsOfficemap: on a small generated register, a rooms tile of tileref decodes and has the
// rooms of officemap's tile of the same address, with the same attributes.
func TestSameRoomsAsOfficemap(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dbURL := pgtest.NewDB(t)
	bin := filepath.Join(t.TempDir(), "officemap")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "officemap/cmd/officemap").CombinedOutput(); err != nil {
		t.Fatalf("go build officemap: %v\n%s", err, out)
	}
	if out, err := exec.CommandContext(ctx, bin, "gen", "--db", dbURL, "--buildings", "2", "--floors", "2",
		"--rooms-per-floor", "12").CombinedOutput(); err != nil {
		t.Fatalf("officemap gen: %v\n%s", err, out)
	}
	om := serveOfficemap(ctx, t, bin, dbURL)
	pool, err := Connect(ctx, dbURL, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	ref := httptest.NewServer(NewHandler(pool, true, slog.New(slog.DiscardHandler)))
	defer ref.Close()

	tile := roomsTile(t, om)
	want := decode(t, om+fmt.Sprintf("/tiles/rooms/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y)) // officemap's first: it stores the states
	got := decode(t, ref.URL+fmt.Sprintf("/rooms/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y))
	if len(want) == 0 {
		t.Fatalf("officemap's tile %v has no room", tile)
	}
	withStatus := 0
	for _, w := range want {
		if w["status"] != nil {
			withStatus++
		}
	}
	if withStatus == 0 {
		t.Errorf("no room of officemap's tile has a status: nothing to compare")
	}
	if len(got) != len(want) {
		t.Errorf("tileref's tile has %d rooms, officemap's %d", len(got), len(want))
	}
	for id, w := range want {
		g, ok := got[id]
		if !ok {
			t.Errorf("room %s of officemap's tile is not in tileref's", id)
			continue
		}
		for _, k := range []string{"floor_id", "level", "number", "usage", "status", "agency_id"} {
			if fmt.Sprint(g[k]) != fmt.Sprint(w[k]) {
				t.Errorf("room %s: %s %v, officemap %v", id, k, g[k], w[k])
			}
		}
		if a, b := g["area_m2"].(float64), w["area_m2"].(float64); math.Abs(a-b) > 0.006 {
			t.Errorf("room %s: area_m2 %v, officemap %v", id, a, b)
		}
	}
	if resp, err := http.Get(ref.URL + "/rooms/12/1/1.mvt"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("a rooms tile below z16: %v %v, want 404", resp.Status, err)
	}
}

// serveOfficemap starts `officemap serve` single-user on a free port and returns its base URL once ready.
func serveOfficemap(ctx context.Context, t *testing.T, bin, dbURL string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.CommandContext(ctx, bin, "serve", "--accounts=false", "--db", dbURL, "--addr", addr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := "http://" + addr
	for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
	}
	t.Fatal("officemap serve was not ready within a minute")
	return ""
}

// roomsTile is the z18 tile at the centre of the first building.
func roomsTile(t *testing.T, base string) maptile.Tile {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/buildings")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list []struct {
		Footprint geojson.Geometry `json:"footprint"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || len(list) == 0 {
		t.Fatalf("buildings: %v (%d)", err, len(list))
	}
	return maptile.At(list[0].Footprint.Geometry().Bound().Center(), 18)
}

// decode fetches a tile (accepting gzip) and returns its rooms' properties by id.
func decode(t *testing.T, url string) map[string]geojson.Properties {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", url, resp.Status, err)
	}
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("GET %s with Accept-Encoding: gzip was not gzipped", url)
	}
	layers, err := mvt.UnmarshalGzipped(body)
	if err != nil {
		t.Fatalf("decoding %s: %v", url, err)
	}
	out := map[string]geojson.Properties{}
	for _, l := range layers {
		if l.Name != "rooms" {
			t.Errorf("%s: layer %q, want rooms", url, l.Name)
		}
		for _, f := range l.Features {
			if _, ok := f.Geometry.(orb.Polygon); !ok {
				t.Errorf("%s: a %T, want polygons", url, f.Geometry)
			}
			out[fmt.Sprint(f.Properties["id"])] = f.Properties
		}
	}
	return out
}
