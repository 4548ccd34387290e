package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb/maptile"
)

// bench runs every phase against the database at dbURL and fills res.
func bench(ctx context.Context, cfg config, officemap, tileref, dbURL string, res *results, out progress) error {
	token, err := plannerToken(ctx, officemap, dbURL)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: time.Minute}
	om1, err := startProcess("officemap serve", officemap, "serve", "--accounts=true", "--db", dbURL)
	if err != nil {
		return err
	}
	defer om1.stop()
	refs, refTargets, err := startRefs(ctx, cfg, client, tileref, dbURL)
	defer func() {
		for _, p := range refs {
			p.stop()
		}
	}()
	if err != nil {
		return err
	}
	omHeader := http.Header{"Authorization": {"Bearer " + token}, "Accept-Encoding": {"gzip"}}
	om := target{name: "officemap", base: om1.base, header: omHeader, path: officemapPath}
	if res.ready1, err = om1.waitOK(ctx, client, om.base+"/readyz", nil, 10*time.Minute); err != nil {
		return err
	}
	mem := sample(om1.cmd.Process.Pid, 100*time.Millisecond)
	memEnded := false
	defer func() {
		if !memEnded {
			mem.end()
		}
	}()
	z18, z17, err := tileLists(ctx, cfg, client, om1, om, refTargets[cfg.refParallel == "on"], res, out)
	if err != nil {
		return err
	}
	already, err := waitStatesFresh(ctx, dbURL, 20*time.Minute)
	if err != nil {
		return err
	}
	res.statesFresh, res.statesRecomputed = time.Since(om1.started), !already
	if !already {
		out.say("stored room states of today %v after start (officemap recomputed them: they were for an earlier day)\n",
			res.statesFresh.Round(time.Millisecond))
	}
	if err := throughput(ctx, cfg, om, refTargets, z18, z17, res, out); err != nil {
		return err
	}
	rooms, err := roomsIn(ctx, client, om, z18, 2*cfg.trials+20)
	if err != nil {
		return err
	}
	om2, err := startProcess("officemap serve (2)", officemap, "serve", "--accounts=true", "--db", dbURL)
	if err != nil {
		return err
	}
	defer om2.stop()
	om2t := target{name: "officemap 2", base: om2.base, header: omHeader, path: officemapPath}
	slow := &http.Client{Timeout: 20 * time.Minute}
	if res.firstTile2, err = om2.waitOK(ctx, slow, om2t.base+om2t.path("rooms", rooms[0].tile), omHeader, 20*time.Minute); err != nil {
		return err
	}
	out.say("second server: first tile %v after start\n", res.firstTile2.Round(time.Millisecond))
	if res.writes, err = writes(ctx, cfg, client, om, rooms, append(z18[:len(z18):len(z18)], z17...)); err != nil {
		return err
	}
	out.say("writes: %d PATCHes, %d tiles\n", len(res.writes.patches)+res.writes.failed, res.writes.tiles.Total)
	res.maxRSS, memEnded = mem.end(), true
	if m, err := memoryOf(om1.cmd.Process.Pid); err == nil {
		res.hwm = m.hwm
	}
	for k := range cfg.trials {
		room := rooms[len(rooms)-1-k%len(rooms)]
		d, err := visible(ctx, client, om, om2t, room, fmt.Sprintf("V%d-%s", k, randomHex(2)), 30*time.Second)
		if err != nil {
			return err
		}
		res.visible = append(res.visible, d)
	}
	out.say("edits seen on the second server: %v\n", res.visible)
	om2.stop()
	om1.stop()
	for _, p := range refs {
		p.stop()
	}
	if !cfg.skipCLI {
		return clis(ctx, officemap, dbURL, rooms[0].floorID, res, out)
	}
	return nil
}

// startRefs starts the reference servers that cfg.refParallel asks for (parallel query off, on or
// both) and waits until they answer; the processes are returned even with an error, to be stopped.
func startRefs(ctx context.Context, cfg config, client *http.Client, tileref, dbURL string) ([]*process, map[bool]target, error) {
	var procs []*process
	targets := map[bool]target{}
	for _, par := range []bool{false, true} {
		if (par && cfg.refParallel == "off") || (!par && cfg.refParallel == "on") {
			continue
		}
		p, err := startProcess(fmt.Sprintf("tileref (parallel %v)", par), tileref, "--db", dbURL,
			"--gzip="+strconv.FormatBool(cfg.refGzip), "--parallel="+strconv.FormatBool(par))
		if err != nil {
			return procs, nil, err
		}
		procs = append(procs, p)
		if _, err = p.waitOK(ctx, client, p.base+"/healthz", nil, time.Minute); err != nil {
			return procs, nil, err
		}
		targets[par] = target{name: fmt.Sprintf("tileref (parallel query %v)", par), base: p.base,
			header: http.Header{"Accept-Encoding": {"gzip"}}, path: refPath}
	}
	return procs, targets, nil
}

// tileLists times officemap's first tile and lists the z18 and z17 tiles with rooms (asking rt, which
// warms the database for both servers).
func tileLists(ctx context.Context, cfg config, client *http.Client, om1 *process, om, rt target, res *results, out progress) (z18, z17 []maptile.Tile, err error) {
	bounds, err := buildingBounds(ctx, client, om)
	if err != nil {
		return nil, nil, err
	}
	// The first tile: the one at the middle of the first building, which holds rooms. On a register never
	// served, officemap may compute what it stores on a first read (the room states) for minutes at 1M
	// rooms: it gets a long timeout, so that it is not asked again.
	first := maptile.At(bounds[0].Center(), 18)
	slow := &http.Client{Timeout: 20 * time.Minute}
	if res.firstTile1, err = om1.waitOK(ctx, slow, om.base+om.path("rooms", first), om.header, 20*time.Minute); err != nil {
		return nil, nil, err
	}
	out.say("officemap ready %v after start, first tile %v after start\n", res.ready1.Round(time.Millisecond),
		res.firstTile1.Round(time.Millisecond))
	z18, z17 = tilesAt(bounds, 18, cfg.seed), tilesAt(bounds, 17, cfg.seed)
	z18 = slices.DeleteFunc(z18, func(t maptile.Tile) bool { return t == first })
	if z18, err = withRooms(ctx, client, rt, z18, cfg.clients); err != nil {
		return nil, nil, err
	}
	if z17, err = withRooms(ctx, client, rt, z17, cfg.clients); err != nil {
		return nil, nil, err
	}
	if len(z18) < 1 || len(z17) < 1 {
		return nil, nil, fmt.Errorf("%d z18 and %d z17 tiles with rooms are too few", len(z18), len(z17))
	}
	out.say("%d z18 and %d z17 tiles with rooms (the reference's pass over them warmed the database)\n", len(z18), len(z17))
	return z18, z17, nil
}

// throughput measures uncached tiles per zoom against the reference at its best (calibrate), and
// cached hot tiles.
func throughput(ctx context.Context, cfg config, om target, refs map[bool]target, z18, z17 []maptile.Tile, res *results, out progress) error {
	res.uncached, res.calibration = map[int][]pair{}, map[int]string{}
	var best18 target
	for _, zl := range []struct {
		z     int
		tiles []maptile.Tile
	}{{18, z18}, {17, z17}} {
		// The calibration's tiles warm both servers and their database sessions: when enough tiles are left
		// for the measured rounds, these leave them out and each side draws them once more before the rounds
		// (the reference only through calibrate otherwise, and not at all with one variant), so that neither
		// side's first round is the first work of its server, nor draws what the other drew just before (a
		// list too short for that is measured whole, as it was).
		calib, measured := zl.tiles[:min(len(zl.tiles), calibrationTiles)], zl.tiles
		warm := len(zl.tiles)-len(calib) >= cfg.pairs
		if warm {
			measured = zl.tiles[len(calib):]
		}
		best, why, err := calibrate(ctx, cfg, refs, calib)
		if err != nil {
			return err
		}
		res.calibration[zl.z] = why
		if zl.z == 18 {
			best18 = best
		}
		out.say("reference at z%d: %s\n", zl.z, why)
		if warm {
			if err := warmUp(ctx, cfg, calib, om, best); err != nil {
				return err
			}
		}
		if res.uncached[zl.z], err = uncached(ctx, cfg, om, best, measured); err != nil {
			return err
		}
		out.say("uncached z%d: %s\n", zl.z, ratioText(res.uncached[zl.z]))
	}
	var err error
	if res.hot, err = hot(ctx, cfg, om, best18, z18[:min(cfg.hotTiles, len(z18))]); err != nil {
		return err
	}
	out.say("cached hot: %s\n", ratioText(res.hot))
	return nil
}

// clis times the CLI's over-standard report in each format, its totals and a render of one floor.
func clis(ctx context.Context, officemap, dbURL, floorID string, res *results, out progress) error {
	dir, err := os.MkdirTemp("", "tilebench-cli")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	report := []string{"report", "over-standard", "--db", dbURL}
	cmds := []struct {
		what string
		args []string
		out  string
	}{
		{"report over-standard --format json", append(report, "--format", "json"), "r.json"},
		{"report over-standard --format csv", append(report, "--format", "csv"), "r.csv"},
		{"report over-standard --format xlsx", append(report, "--format", "xlsx"), "r.xlsx"},
		{"report over-standard --totals --format csv", append(report, "--totals", "--format", "csv"), "t.csv"},
		{"render --floor (one floor, PNG)", []string{"render", "--db", dbURL, "--floor", floorID}, "floor.png"},
	}
	for _, c := range cmds {
		path := filepath.Join(dir, c.out)
		r, err := runCommand(ctx, officemap, append(c.args[:len(c.args):len(c.args)], "--out", path)...)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		run := cliRun{what: c.what, run: r, err: err}
		if err == nil {
			st, err := os.Stat(path)
			if err != nil {
				run.err = fmt.Errorf("%s wrote nothing: %w", c.what, err)
			} else {
				run.size = st.Size()
			}
		}
		res.cli = append(res.cli, run) // a failed command is a row of the table, not the end of the run
		out.say("%s: %v, %s, error %v\n", c.what, r.wall.Round(time.Millisecond), mb(r.maxRSS), run.err)
	}
	return nil
}

// progress prints lines stamped with the time since the run started.
type progress struct {
	w  io.Writer
	t0 time.Time
}

func (p progress) say(format string, args ...any) {
	fmt.Fprintf(p.w, "[%6.1fs] "+format, append([]any{time.Since(p.t0).Seconds()}, args...)...)
}
