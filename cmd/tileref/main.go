// Command tileref is the reference tile server of officemap's side-by-side benchmark (cmd/tilebench): a
// minimal Go server that answers each vector tile with the one query pg_tileserv and martin send for a
// table layer — ST_AsMVT over ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope(z, x, y), 4096,
// buffer) — over officemap's own tables, with the attributes and filter of officemap's tiles. No peer
// server can be installed on the benchmark machines, so this query served directly stands in for them
// (measured earlier on the same kind of machine: 1.26× pg_tileserv at z18).
//
//	tileref --db postgres://… [--addr 127.0.0.1:7800] [--gzip=true] [--parallel=true]
//
// Routes:
//
//	GET /{layer}/{z}/{x}/{y}.mvt   layer rooms (z 16–22) or buildings (z 12–22); 204 when empty
//	GET /healthz                   200 once the database answers
//
// The queries are prepared on every connection of the pool (pgx's extended protocol, as pg_tileserv and
// martin use it). pg_tileserv does not compress its tiles (it leaves that to a proxy in front of it);
// martin gzips when the client accepts it. tileref gzips (level BestSpeed, officemap's level) when the
// client accepts gzip, unless --gzip=false, so that both servers of the benchmark do the same work per
// tile. --parallel=false sets max_parallel_workers_per_gather = 0 on its connections.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tileref:", err)
		os.Exit(1)
	}
}

// run parses the flags, connects and serves until ctx ends.
func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("tileref", flag.ContinueOnError)
	dbURL := fs.String("db", os.Getenv("OFFICEMAP_DB"), "PostGIS database of officemap (postgres://…)")
	addr := fs.String("addr", "127.0.0.1:7800", "listen address")
	gz := fs.Bool("gzip", true, "gzip tiles for clients that accept it")
	parallel := fs.Bool("parallel", true, "allow parallel query (false: max_parallel_workers_per_gather = 0)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dbURL == "" {
		return errors.New("--db is required (a postgres:// URL of an officemap database)")
	}
	pool, err := Connect(ctx, *dbURL, *parallel)
	if err != nil {
		return err
	}
	defer pool.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: NewHandler(pool, *gz, slog.New(slog.NewTextHandler(os.Stderr, nil))),
		ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	fmt.Printf("tileref: serving %s at http://%s/\n", redact(*dbURL), ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Connect opens a pool on dbURL whose connections have the tile queries prepared. Its size is the URL's
// pool_max_conns or, as officemap's, max(8, 2 × CPUs).
func Connect(ctx context.Context, dbURL string, parallel bool) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	if !hasPoolMax(dbURL) {
		cfg.MaxConns = defaultMaxConns()
	}
	if !parallel {
		cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	}
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		for _, l := range layers {
			if _, err := c.Prepare(ctx, l.name, l.sql); err != nil {
				return fmt.Errorf("preparing the %s tile query: %w", l.name, err)
			}
		}
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database: %w", err)
	}
	return pool, nil
}
