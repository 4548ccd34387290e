package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The tile grid: officemap's (api/tiles Extent and Buffer; a test checks they agree).
const (
	extent = 4096
	buffer = 64
)

// roomsTileSQL is the rooms layer: officemap's attributes (id, floor_id, level, number, usage, status,
// agency_id, area_m2 to the cm²) and filter (live rooms whose lon/lat box meets the tile's envelope grown by
// the buffer), status read with the rooms from the stored room states. $1–$3 z, x, y; $4 the buffer in
// tile coordinates, $5 the same as a fraction of the tile.
const roomsTileSQL = `
SELECT ST_AsMVT(q, 'rooms', 4096, 'geom') FROM (
  SELECT ST_AsMVTGeom(ST_Transform(r.geom_ll, 3857), ST_TileEnvelope($1, $2, $3), 4096, $4, true) AS geom,
         r.id::text AS id, r.floor_id::text AS floor_id, f.ordinal AS level, r.number, r.usage, s.status,
         r.agency_id::text AS agency_id, round(r.area_m2::numeric, 2)::float8 AS area_m2
    FROM rooms r
    JOIN floors f ON f.id = r.floor_id
    LEFT JOIN room_states s ON s.room_id = r.id
   WHERE r.deleted_at IS NULL
     AND r.geom_ll && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => $5), 4326)
) q`

// buildingsTileSQL is the buildings layer (id, name, area_m2), parameters as roomsTileSQL's.
const buildingsTileSQL = `
SELECT ST_AsMVT(q, 'buildings', 4096, 'geom') FROM (
  SELECT ST_AsMVTGeom(ST_Transform(b.footprint_ll, 3857), ST_TileEnvelope($1, $2, $3), 4096, $4, true) AS geom,
         b.id::text AS id, b.name, round(ST_Area(b.footprint)::numeric, 2)::float8 AS area_m2
    FROM buildings b
   WHERE b.deleted_at IS NULL
     AND b.footprint_ll && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => $5), 4326)
) q`

// layer is a tile layer: its prepared statement's name and SQL, and its zoom range (officemap's).
type layer struct {
	name       string
	sql        string
	minZ, maxZ int
}

var layers = []layer{
	{name: "rooms", sql: roomsTileSQL, minZ: 16, maxZ: 22},
	{name: "buildings", sql: buildingsTileSQL, minZ: 12, maxZ: 22},
}

// errBadTile is a tile address that is not on the grid or a layer that does not exist.
var errBadTile = errors.New("tileref: no such tile")

// tileOf parses a tile address: layer, z, x and y ending in ".mvt".
func tileOf(name, zs, xs, ys string) (l layer, z, x, y int, err error) {
	ys, ok := strings.CutSuffix(ys, ".mvt")
	if !ok {
		return l, 0, 0, 0, errBadTile
	}
	found := false
	for _, c := range layers {
		if c.name == name {
			l, found = c, true
		}
	}
	z, ez := strconv.Atoi(zs)
	x, ex := strconv.Atoi(xs)
	y, ey := strconv.Atoi(ys)
	if !found || ez != nil || ex != nil || ey != nil || z < l.minZ || z > l.maxZ || x < 0 || y < 0 || x >= 1<<z || y >= 1<<z {
		return l, 0, 0, 0, errBadTile
	}
	return l, z, x, y, nil
}

// handler serves the tiles from a pool whose connections have the layers' statements prepared (Connect).
type handler struct {
	pool   *pgxpool.Pool
	gzip   bool
	log    *slog.Logger
	gzPool sync.Pool
}

// NewHandler returns the tile server's routes over pool (see Connect); gz turns gzip on for clients that
// accept it.
func NewHandler(pool *pgxpool.Pool, gz bool, log *slog.Logger) http.Handler {
	h := &handler{pool: pool, gzip: gz, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{layer}/{z}/{x}/{y}", h.tile)
	mux.HandleFunc("GET /healthz", h.health)
	return mux
}

func (h *handler) health(w http.ResponseWriter, r *http.Request) {
	if err := h.pool.Ping(r.Context()); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (h *handler) tile(w http.ResponseWriter, r *http.Request) {
	l, z, x, y, err := tileOf(r.PathValue("layer"), r.PathValue("z"), r.PathValue("x"), r.PathValue("y"))
	if err != nil {
		http.Error(w, "no such tile", http.StatusNotFound)
		return
	}
	var mvt []byte
	if err := h.pool.QueryRow(r.Context(), l.name, z, x, y, buffer, float64(buffer)/extent).Scan(&mvt); err != nil {
		if r.Context().Err() == nil {
			h.log.Error("tile query", "layer", l.name, "z", z, "x", x, "y", y, "err", err)
			http.Error(w, "tile query failed", http.StatusInternalServerError)
		}
		return
	}
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("Vary", "Accept-Encoding")
	if len(mvt) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	hd.Set("Content-Type", "application/vnd.mapbox-vector-tile")
	if h.gzip && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		if mvt, err = h.compress(mvt); err != nil {
			h.log.Error("gzip", "err", err)
			http.Error(w, "gzip failed", http.StatusInternalServerError)
			return
		}
		hd.Set("Content-Encoding", "gzip")
	}
	hd.Set("Content-Length", strconv.Itoa(len(mvt)))
	_, _ = w.Write(mvt) // a client that hung up is not an error to report
}

// compress gzips data at BestSpeed with a pooled writer.
func (h *handler) compress(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(data) / 2)
	zw, _ := h.gzPool.Get().(*gzip.Writer)
	if zw == nil {
		zw, _ = gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	} else {
		zw.Reset(&buf)
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	h.gzPool.Put(zw)
	return buf.Bytes(), nil
}

// acceptsGzip reports whether an Accept-Encoding header names gzip (or *) without q=0.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		if v, err := strconv.ParseFloat(q, 64); ok && err == nil && v <= 0 {
			return false
		}
		return true
	}
	return false
}

// hasPoolMax reports whether a database URL sets pool_max_conns.
func hasPoolMax(dbURL string) bool {
	u, err := url.Parse(dbURL)
	return err == nil && u.Query().Has("pool_max_conns")
}

// defaultMaxConns is officemap's default pool size: max(8, 2 × CPUs).
func defaultMaxConns() int32 { return int32(max(8, 2*runtime.NumCPU())) }

// redact hides a database URL's password for logging.
func redact(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "(database)"
	}
	return u.Redacted()
}
