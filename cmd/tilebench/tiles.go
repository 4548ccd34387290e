package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// target is a tile server under test.
type target struct {
	name   string
	base   string
	header http.Header // sent with every request (officemap: the token; both: Accept-Encoding: gzip)
	path   func(layer string, t maptile.Tile) string
}

// officemapPath is officemap's tile route; refPath tileref's.
func officemapPath(layer string, t maptile.Tile) string {
	return fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", layer, t.Z, t.X, t.Y)
}

func refPath(layer string, t maptile.Tile) string {
	return fmt.Sprintf("/%s/%d/%d/%d.mvt", layer, t.Z, t.X, t.Y)
}

// paths are the rooms tiles' paths on a target.
func (tg target) paths(ts []maptile.Tile) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = tg.path("rooms", t)
	}
	return out
}

// get sends a GET of path to the target and returns the status and the body.
func (tg target) get(ctx context.Context, client *http.Client, path string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, tg.base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	for k, v := range tg.header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.Header.Get("Content-Encoding") == "gzip" {
		body, err = gunzip(body)
	}
	return resp.StatusCode, body, err
}

// buildingBounds lists the live buildings' footprint bounds (GET /api/v1/buildings).
func buildingBounds(ctx context.Context, client *http.Client, om target) ([]orb.Bound, error) {
	status, body, err := om.get(ctx, client, "/api/v1/buildings")
	if err != nil {
		return nil, fmt.Errorf("listing buildings: %w", err)
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("listing buildings: status %d: %.300s", status, body)
	}
	var list []struct {
		Footprint struct {
			Coordinates [][][2]float64 `json:"coordinates"`
		} `json:"footprint"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("listing buildings: %w", err)
	}
	var out []orb.Bound
	for _, b := range list {
		if len(b.Footprint.Coordinates) == 0 || len(b.Footprint.Coordinates[0]) == 0 {
			continue
		}
		var ring orb.Ring
		for _, p := range b.Footprint.Coordinates[0] {
			ring = append(ring, orb.Point(p))
		}
		out = append(out, ring.Bound())
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the database has no building with a footprint")
	}
	return out, nil
}

// tilesAt lists the tiles at zoom z that the bounds touch, each once, in a random order fixed by seed.
func tilesAt(bounds []orb.Bound, z maptile.Zoom, seed uint64) []maptile.Tile {
	seen := map[maptile.Tile]bool{}
	var out []maptile.Tile
	for _, b := range bounds {
		lo, hi := maptile.At(orb.Point{b.Min[0], b.Max[1]}, z), maptile.At(orb.Point{b.Max[0], b.Min[1]}, z)
		for x := lo.X; x <= hi.X; x++ {
			for y := lo.Y; y <= hi.Y; y++ {
				t := maptile.New(x, y, z)
				if !seen[t] {
					seen[t] = true
					out = append(out, t)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b maptile.Tile) int {
		if a.X != b.X {
			return int(a.X) - int(b.X)
		}
		return int(a.Y) - int(b.Y)
	})
	rng := rand.New(rand.NewPCG(seed, uint64(z)))
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// withRooms keeps the tiles for which tg answers 200 (a tile with a room), in their order. It asks tg
// for each once, from clients goroutines: run against the reference, it is also the pass that brings
// the register's pages into memory before either server is measured.
func withRooms(ctx context.Context, client *http.Client, tg target, tiles []maptile.Tile, clients int) ([]maptile.Tile, error) {
	keep := make([]bool, len(tiles))
	errs := make([]error, clients)
	next := make(chan int)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for i := range next {
				status, body, err := tg.get(ctx, client, tg.path("rooms", tiles[i]))
				switch {
				case err != nil:
					errs[c] = err
				case status == http.StatusOK:
					keep[i] = true
				case status != http.StatusNoContent:
					errs[c] = fmt.Errorf("%s tile %v: status %d: %.200s", tg.name, tiles[i], status, body)
				}
			}
		})
	}
	for i := range tiles {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out []maptile.Tile
	for i, t := range tiles {
		if keep[i] {
			out = append(out, t)
		}
	}
	return out, nil
}

// tileRoom is a room seen in a tile.
type tileRoom struct {
	id, number, floorID string
	tile                maptile.Tile
}

// roomsOf decodes an MVT (already gunzipped) and returns its rooms layer's rooms.
func roomsOf(data []byte, t maptile.Tile) ([]tileRoom, error) {
	if len(data) == 0 {
		return nil, nil
	}
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("decoding tile %d/%d/%d: %w", t.Z, t.X, t.Y, err)
	}
	var out []tileRoom
	for _, l := range layers {
		if l.Name != "rooms" {
			continue
		}
		for _, f := range l.Features {
			id, _ := f.Properties["id"].(string)
			number, _ := f.Properties["number"].(string)
			floor, _ := f.Properties["floor_id"].(string)
			if id != "" {
				out = append(out, tileRoom{id: id, number: number, floorID: floor, tile: t})
			}
		}
	}
	return out, nil
}

// gunzip decompresses a gzip body.
func gunzip(data []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	defer zr.Close()
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	return out, nil
}
