package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb/maptile"

	"officemap/api/loadtest"
)

// pair is one A/B pair of rounds: officemap's (a) and the reference's (b) on the same tiles.
type pair struct{ a, b loadtest.Report }

func (p pair) ratio() float64 {
	if p.b.Throughput == 0 {
		return 0
	}
	return p.a.Throughput / p.b.Throughput
}

// loadConfig is a loadtest run of one route on a target.
func loadConfig(cfg config, tg target, d time.Duration, request func(*rand.Rand) (*http.Request, error)) loadtest.Config {
	return loadtest.Config{Base: tg.base, Header: tg.header, Clients: cfg.clients, Duration: d, Seed: cfg.seed,
		Routes: []loadtest.Route{{Name: "tiles", Weight: 1, Request: request}}}
}

// uncached drives both targets with the tiles, alternating officemap and the reference round by round:
// pair i gives both the same i-th slice of the list, so that officemap, whose cache cannot be turned off
// from the command line, never sees a tile twice. The side that goes first alternates too (officemap in
// the even pairs, the reference in the odd): the second to draw a slice finds its pages in PostgreSQL's
// shared buffers, where the first read them from the OS.
func uncached(ctx context.Context, cfg config, om, ref target, tiles []maptile.Tile) ([]pair, error) {
	n := cfg.roundTiles
	if n <= 0 || n*cfg.pairs > len(tiles) {
		n = len(tiles) / cfg.pairs
	}
	if n == 0 {
		return nil, fmt.Errorf("%d tiles are too few for %d pairs of rounds", len(tiles), cfg.pairs)
	}
	var out []pair
	for i := range cfg.pairs {
		chunk := tiles[i*n : (i+1)*n]
		var p pair
		sides := []struct {
			tg  target
			rep *loadtest.Report
		}{{om, &p.a}, {ref, &p.b}}
		if i%2 == 1 {
			sides[0], sides[1] = sides[1], sides[0]
		}
		for _, side := range sides {
			rep, err := loadtest.Run(ctx, loadConfig(cfg, side.tg, cfg.roundMax, loadtest.Sequence(side.tg.paths(chunk))))
			if err != nil {
				return nil, err
			}
			*side.rep = rep
		}
		out = append(out, p)
	}
	return out, nil
}

// calibrationTiles is how many tiles of a list calibrate draws: the rounds of uncached leave them out.
const calibrationTiles = 200

// calibrate returns the faster of the reference variants (parallel query off and on) on tiles (the first
// calibrationTiles of a list; the reference keeps no cache, so the rounds may repeat them), with a
// sentence saying why; with one variant it returns it.
func calibrate(ctx context.Context, cfg config, refs map[bool]target, tiles []maptile.Tile) (target, string, error) {
	if len(refs) == 1 {
		for par, tg := range refs {
			return tg, fmt.Sprintf("parallel query %v (--ref-parallel %s)", par, cfg.refParallel), nil
		}
	}
	rate := map[bool]float64{}
	for _, par := range []bool{false, true, false, true} {
		tg := refs[par]
		rep, err := loadtest.Run(ctx, loadConfig(cfg, tg, cfg.roundMax, loadtest.Sequence(tg.paths(tiles))))
		if err != nil {
			return target{}, "", err
		}
		rate[par] = max(rate[par], rep.Throughput)
	}
	best := rate[true] > rate[false]
	return refs[best], fmt.Sprintf("parallel query %v, the faster (off %.0f req/s, on %.0f req/s over %d tiles, best of 2)",
		best, rate[false], rate[true], len(tiles)), nil
}

// pick is a Route.Request choosing one of paths at random.
func pick(paths []string) func(*rand.Rand) (*http.Request, error) {
	return func(rng *rand.Rand) (*http.Request, error) {
		return http.NewRequest(http.MethodGet, paths[rng.IntN(len(paths))], nil)
	}
}

// hot drives both targets with a small set of tiles repeated for cfg.hotDuration each, alternating, after
// one pass that fills officemap's cache.
func hot(ctx context.Context, cfg config, om, ref target, tiles []maptile.Tile) ([]pair, error) {
	if err := warmUp(ctx, cfg, tiles, om, ref); err != nil {
		return nil, err
	}
	var out []pair
	for range cfg.pairs {
		a, err := loadtest.Run(ctx, loadConfig(cfg, om, cfg.hotDuration, pick(om.paths(tiles))))
		if err != nil {
			return nil, err
		}
		b, err := loadtest.Run(ctx, loadConfig(cfg, ref, cfg.hotDuration, pick(ref.paths(tiles))))
		if err != nil {
			return nil, err
		}
		out = append(out, pair{a, b})
	}
	return out, nil
}

// roomsIn decodes tiles from a target until it has found want rooms (or run out of tiles).
func roomsIn(ctx context.Context, client *http.Client, tg target, tiles []maptile.Tile, want int) ([]tileRoom, error) {
	var out []tileRoom
	for _, t := range tiles {
		if len(out) >= want {
			break
		}
		status, body, err := tg.get(ctx, client, tg.path("rooms", t))
		if err != nil {
			return nil, err
		}
		if status != http.StatusOK && status != http.StatusNoContent {
			return nil, fmt.Errorf("%s tile %d/%d/%d: status %d: %.200s", tg.name, t.Z, t.X, t.Y, status, body)
		}
		rooms, err := roomsOf(body, t)
		if err != nil {
			return nil, err
		}
		out = append(out, rooms...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no room in %d tiles of %s", len(tiles), tg.name)
	}
	return out, nil
}

// patchNumber reads a room (for its ETag) and PATCHes its number; it returns the PATCH's latency and
// status.
func patchNumber(ctx context.Context, client *http.Client, om target, roomID, number string) (time.Duration, int, error) {
	status, _, etag, err := om.do(ctx, client, http.MethodGet, "/api/v1/rooms/"+roomID, "", "")
	if err != nil {
		return 0, 0, err
	}
	if status != http.StatusOK {
		return 0, status, fmt.Errorf("GET room %s: status %d", roomID, status)
	}
	body := fmt.Sprintf(`{"properties":{"number":%q}}`, number)
	t0 := time.Now()
	status, resp, _, err := om.do(ctx, client, http.MethodPatch, "/api/v1/rooms/"+roomID, body, etag)
	d := time.Since(t0)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("PATCH room %s: status %d: %.200s", roomID, status, resp)
	}
	return d, status, err
}

// do sends one request with the target's header, a JSON merge patch body when body is set and If-Match
// when etag is, and returns the status, the body and the ETag.
func (tg target) do(ctx context.Context, client *http.Client, method, path, body, etag string) (int, string, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, tg.base+path, strings.NewReader(body))
	if err != nil {
		return 0, "", "", err
	}
	for k, v := range tg.header {
		req.Header[k] = v
	}
	req.Header.Del("Accept-Encoding")
	if body != "" {
		req.Header.Set("Content-Type", "application/merge-patch+json")
	}
	if etag != "" {
		req.Header.Set("If-Match", etag)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("ETag"), err
}

// writeResult is what the write phase saw.
type writeResult struct {
	patches  []time.Duration // latencies of the PATCHes answered 200
	failed   int
	errs     []string // the first few failures
	tiles    loadtest.Report
	maxRSS   int64
	duration time.Duration
}

// writes PATCHes rooms on om at cfg.patchRate per second (each PATCH in its own goroutine, so a slow
// one does not slow the rate) while the tile load runs on om, for cfg.writeDuration.
func writes(ctx context.Context, cfg config, client *http.Client, om target, rooms []tileRoom, tiles []maptile.Tile) (writeResult, error) {
	var (
		res writeResult
		mu  sync.Mutex
		wg  sync.WaitGroup
	)
	wctx, cancel := context.WithTimeout(ctx, cfg.writeDuration)
	defer cancel()
	wg.Go(func() {
		tick := time.NewTicker(time.Duration(float64(time.Second) / cfg.patchRate))
		defer tick.Stop()
		for k := 0; ; k++ {
			select {
			case <-wctx.Done():
				return
			case <-tick.C:
			}
			room := rooms[k%len(rooms)]
			wg.Go(func() {
				d, _, err := patchNumber(ctx, client, om, room.id, fmt.Sprintf("W%d-%s", k, randomHex(2)))
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					res.failed++
					if len(res.errs) < 3 {
						res.errs = append(res.errs, err.Error())
					}
					return
				}
				res.patches = append(res.patches, d)
			})
		}
	})
	t0 := time.Now()
	rep, err := loadtest.Run(ctx, loadConfig(cfg, om, cfg.writeDuration, pick(om.paths(tiles))))
	wg.Wait()
	res.tiles, res.duration = rep, time.Since(t0)
	slices.Sort(res.patches)
	return res, err
}

// visible PATCHes a room's number on server 1 and polls the room's tile on server 2 until it shows the
// new number; it returns the time from the PATCH's 200 to that tile.
func visible(ctx context.Context, client *http.Client, om1, om2 target, room tileRoom, number string, limit time.Duration) (time.Duration, error) {
	path := om2.path("rooms", room.tile)
	if _, _, err := om2.get(ctx, client, path); err != nil { // the tile is now in server 2's cache
		return 0, err
	}
	if _, _, err := patchNumber(ctx, client, om1, room.id, number); err != nil {
		return 0, err
	}
	t0 := time.Now()
	for time.Since(t0) < limit {
		status, body, err := om2.get(ctx, client, path)
		if err != nil {
			return 0, err
		}
		if status == http.StatusOK {
			rooms, err := roomsOf(body, room.tile)
			if err != nil {
				return 0, err
			}
			for _, r := range rooms {
				if r.id == room.id && r.number == number {
					return time.Since(t0), nil
				}
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return 0, fmt.Errorf("server 2 did not show room %s's new number within %v", room.id, limit)
}

// quantile is the q-quantile of sorted durations (nearest rank); 0 for none.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// warmUp has each target draw tiles once (each round at most --round-max).
func warmUp(ctx context.Context, cfg config, tiles []maptile.Tile, targets ...target) error {
	for _, tg := range targets {
		if _, err := loadtest.Run(ctx, loadConfig(cfg, tg, cfg.roundMax, loadtest.Sequence(tg.paths(tiles)))); err != nil {
			return err
		}
	}
	return nil
}
