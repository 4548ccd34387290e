// Command tilebench is officemap's reproducible side-by-side benchmark (issue 15): it builds a register
// with `officemap gen` (or reuses one, --db), starts `officemap serve` and the reference tile server
// cmd/tileref on the same tables, drives both with the same tile list through api/loadtest, alternating
// them round by round, and measures the targets of a province-sized register: tile throughput uncached
// and cached, PATCH latency and tiles during writes, an edit seen by a second server, first tile after
// start-up, server memory, and the CLI's reports and render. It prints a table "what | measured |
// target | ok". See README.md beside it.
//
//	go run ./cmd/tilebench                        # 1M rooms: --buildings 2500 --floors 10 --rooms-per-floor 40
//	go run ./cmd/tilebench --buildings 50         # a small register, to try it
//	go run ./cmd/tilebench --db postgres://…/copy # reuse a register (it is written to: PATCHes, a user)
//
// It uses officemap only through its command line and HTTP API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// config is a benchmark run (the flags).
type config struct {
	db, pg, bin                          string
	keep                                 bool
	buildings, floors, roomsPerFloor     int
	seed                                 uint64
	clients, pairs, roundTiles, hotTiles int
	roundMax, hotDuration, writeDuration time.Duration
	patchRate                            float64
	trials                               int
	refParallel                          string
	refGzip, skipCLI, analyze            bool
}

func main() {
	if len(os.Args) > 2 && os.Args[1] == measureRSS {
		os.Exit(measuredRun(os.Args[2:]))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tilebench:", err)
		os.Exit(1)
	}
}

// parseFlags reads the command line.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("tilebench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.db, "db", "", "reuse this officemap database (postgres://…) instead of generating one; it is written to")
	fs.StringVar(&c.pg, "pg", envOr("OFFICEMAP_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"),
		"PostgreSQL server (a database URL) on which to create the generated database")
	fs.BoolVar(&c.keep, "keep", false, "keep the generated database (its URL is printed)")
	fs.StringVar(&c.bin, "bin", "", "directory holding officemap and tileref binaries (default: go build them)")
	fs.IntVar(&c.buildings, "buildings", 2500, "gen: buildings")
	fs.IntVar(&c.floors, "floors", 10, "gen: floors per building")
	fs.IntVar(&c.roomsPerFloor, "rooms-per-floor", 40, "gen: rooms per floor")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of gen and of the tile list's order")
	fs.IntVar(&c.clients, "clients", 8, "concurrent clients of the load generator")
	fs.IntVar(&c.pairs, "pairs", 2, "A/B pairs of rounds per measurement")
	fs.IntVar(&c.roundTiles, "round-tiles", 0, "distinct tiles per uncached round (0: the list divided by --pairs)")
	fs.DurationVar(&c.roundMax, "round-max", 60*time.Second, "longest uncached round")
	fs.IntVar(&c.hotTiles, "hot-tiles", 20, "tiles of the cached hot set")
	fs.DurationVar(&c.hotDuration, "hot-duration", 5*time.Second, "length of a cached hot round")
	fs.DurationVar(&c.writeDuration, "write-duration", 30*time.Second, "length of the phase of PATCHes under tile load (30 s at 5/s: 150 PATCHes, so that the p99 is not their maximum)")
	fs.Float64Var(&c.patchRate, "patch-rate", 5, "PATCHes per second during the write phase")
	fs.IntVar(&c.trials, "trials", 5, "edits timed until a second server's tile shows them")
	fs.StringVar(&c.refParallel, "ref-parallel", "best", "the reference's parallel query: on, off (max_parallel_workers_per_gather = 0), or best: the faster of the two in a calibration round per zoom")
	fs.BoolVar(&c.refGzip, "ref-gzip", true, "let the reference gzip its tiles, as officemap does")
	fs.BoolVar(&c.analyze, "analyze", true, "run ANALYZE on the database before the servers start (gen does not)")
	fs.BoolVar(&c.skipCLI, "skip-cli", false, "do not time the CLI's reports and render")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	case c.buildings < 1 || c.floors < 1 || c.roomsPerFloor < 1:
		return c, errors.New("--buildings, --floors and --rooms-per-floor must be at least 1")
	case c.clients < 1 || c.pairs < 1 || c.hotTiles < 1 || c.trials < 1:
		return c, errors.New("--clients, --pairs, --hot-tiles and --trials must be at least 1")
	case c.refParallel != "best" && c.refParallel != "on" && c.refParallel != "off":
		return c, fmt.Errorf("--ref-parallel is on, off or best, not %q", c.refParallel)
	case c.patchRate <= 0 || c.writeDuration <= 0 || c.hotDuration <= 0 || c.roundMax <= 0:
		return c, errors.New("--patch-rate and the durations must be positive")
	}
	return c, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// run is the benchmark: it prints progress and the final table to out.
func run(ctx context.Context, args []string, out io.Writer) error {
	cfg, err := parseFlags(args, out)
	if err != nil {
		return err
	}
	t0 := time.Now()
	officemap, tileref, cleanup, err := binaries(ctx, cfg)
	if err != nil {
		return err
	}
	defer cleanup()
	say := progress{w: out, t0: t0}
	say.say("binaries ready\n")
	res := &results{cfg: cfg, cpus: runtime.NumCPU(), loadBefore: loadavg()}
	db := &database{url: cfg.db}
	if cfg.db == "" {
		say.say("generating %d buildings × %d floors × %d rooms…\n", cfg.buildings, cfg.floors, cfg.roomsPerFloor)
		if db, err = makeDatabase(ctx, cfg, officemap); err != nil {
			return err
		}
		if cfg.keep {
			fmt.Fprintf(out, "database kept: %s\n", redact(db.url))
		} else {
			defer func() {
				if err := db.drop(context.Background()); err != nil {
					fmt.Fprintf(out, "dropping the generated database: %v\n", err)
				}
			}()
		}
	}
	res.db = db
	if cfg.analyze {
		t0 := time.Now()
		if err := analyze(ctx, db.url); err != nil {
			return err
		}
		say.say("ANALYZE took %v\n", time.Since(t0).Round(time.Millisecond))
	}
	say.say("database ready\n")
	if err := bench(ctx, cfg, officemap, tileref, db.url, res, say); err != nil {
		return err
	}
	res.loadAfter = loadavg()
	res.print(out)
	return nil
}

// binaries returns the officemap and tileref binaries: cfg.bin's, or built into a temporary directory
// that cleanup removes.
func binaries(ctx context.Context, cfg config) (officemap, tileref string, cleanup func(), err error) {
	if cfg.bin != "" {
		return filepath.Join(cfg.bin, "officemap"), filepath.Join(cfg.bin, "tileref"), func() {}, nil
	}
	dir, err := os.MkdirTemp("", "tilebench")
	if err != nil {
		return "", "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	if officemap, tileref, err = buildBinaries(ctx, dir); err != nil {
		cleanup()
		return "", "", nil, err
	}
	return officemap, tileref, cleanup, nil
}

// loadavg is the machine's load average (/proc/loadavg's first three fields).
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
