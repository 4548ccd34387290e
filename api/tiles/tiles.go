// Package tiles serves officemap's map layers as tiles on the EPSG:3857 XYZ grid: Mapbox Vector Tiles
// encoded by geo/mvt, raster PNG tiles drawn by floorplan/render, and a TileJSON 3.0.0 document per
// layer. It keeps the routes and the tile cache.
//
// Routes (Register):
//
//	GET /tiles/{layer}.json              TileJSON 3.0.0 (?format=png describes the raster tiles)
//	GET /tiles/{layer}/{z}/{x}/{y}.mvt   application/vnd.mapbox-vector-tile, gzipped when accepted
//	GET /tiles/{layer}/{z}/{x}/{y}.png   image/png, 256 × 256
//
// Layers: buildings (z 12–22; id, name, area_m2) and rooms (z 16–22; id, floor_id, level, number,
// usage, status, agency_id, area_m2, filled by status on the PNG). Rooms take ?level=N (a floor
// ordinal) and ?floor_id=UUID.
//
// A tile with no feature is answered 204 No Content (no body, still with an ETag), which MapLibre,
// OpenLayers and Leaflet all draw as empty. Errors are returned to the HTTP layer's error adapter
// (Options.Errors): a malformed address (ErrBadTile, 400 bad_tile) and an unknown layer
// (ErrUnknownLayer, 404 unknown_layer) are decided before the store is asked, as is a bad query
// parameter (ErrBadQuery, 400 bad_request).
//
// A store that has a one-query tile path (RowStore: the PostGIS store) gives a vector tile's features with
// the rooms' stored statuses in one round trip, encoded straight into the tile (geo/mvt's Encoder); when a
// room's stored status is not today's, that tile is drawn from Features and the status source instead,
// which recomputes it. Raster tiles, and stores without it (GeoPackage), take that path always.
//
// Tiles are cached in memory, bounded by bytes, least recently used out first; vector tiles are kept
// gzipped only. Every layer has a generation that is part of the cache key: Invalidate bumps it, so once a
// write has returned and called Invalidate no tile drawn from older data is served. The store's revision is
// part of the key too, read at most once per Options.RevisionTTL (200 ms) by one request at a time, so that
// a cache hit costs no round trip and a write through another server shows within the TTL. Responses
// carry a strong ETag (a hash of the bytes) and Cache-Control: no-cache, so browsers revalidate and get
// 304 while nothing changed.
package tiles

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
	"github.com/klauspost/compress/gzip"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"officemap/floorplan"
	"officemap/geo"
	"officemap/geo/mvt"
)

// FeatureStore is what the tiles need from a floorplan.Store: the features of a layer in a lon/lat
// bound. Every floorplan.Store has it.
type FeatureStore interface {
	Features(ctx context.Context, layer floorplan.Layer, b orb.Bound, f floorplan.FeatureFilter) ([]floorplan.Feature, error)
}

// revisioner is the part of floorplan.Store that tells whether the register changed (Store.Revision).
// A store that has it keys the cache on its revision too, so that a write made through another server on
// the same database is never answered with a cached tile; a FeatureStore without it (a test double)
// relies on Invalidate alone.
type revisioner interface {
	Revision(ctx context.Context) (int64, error)
}

// StatusSource gives the current status of every room, for the rooms layer's status attribute and the
// fill colour of its raster tiles.
//
// RoomStatus is called once for each rooms tile that is not cached, so it must be cheap: return a
// lookup over an evaluation that is already done (the api's Assessor keeps the current
// floorplan.Report and recomputes it after writes; FromReport adapts it). The lookup must be safe for
// concurrent use and return "" for a room it does not know. Writes that change a status (rooms,
// assignments, people, agencies) must invalidate the status source first and then call
// Invalidate(floorplan.LayerRooms).
type StatusSource interface {
	RoomStatus(ctx context.Context) (func(uuid.UUID) floorplan.RoomStatus, error)
}

// StatusFunc adapts a function to StatusSource.
type StatusFunc func(ctx context.Context) (func(uuid.UUID) floorplan.RoomStatus, error)

// RoomStatus calls f.
func (f StatusFunc) RoomStatus(ctx context.Context) (func(uuid.UUID) floorplan.RoomStatus, error) {
	return f(ctx)
}

// TileStatusSource is a StatusSource that can give the statuses of a few rooms only, from state kept per
// room (the stored room states, floorplan.Register.States): the handler asks it for the rooms of the tile
// it draws, so that no tile waits for, or holds, the status of every room of the register.
type TileStatusSource interface {
	StatusSource
	// RoomStatusOf is RoomStatus for the rooms ids; it may return "" for any other room.
	RoomStatusOf(ctx context.Context, ids []uuid.UUID) (func(uuid.UUID) floorplan.RoomStatus, error)
}

// FromStates adapts a reader of stored room states (such as the Register's States method) to
// TileStatusSource. Its RoomStatus reads every room's state.
func FromStates(states func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]floorplan.StoredStatus, error)) TileStatusSource {
	return stateSource(states)
}

type stateSource func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]floorplan.StoredStatus, error)

func (f stateSource) RoomStatus(ctx context.Context) (func(uuid.UUID) floorplan.RoomStatus, error) {
	return f.RoomStatusOf(ctx, nil)
}

func (f stateSource) RoomStatusOf(ctx context.Context, ids []uuid.UUID) (func(uuid.UUID) floorplan.RoomStatus, error) {
	states, err := f(ctx, ids)
	if err != nil {
		return nil, err
	}
	return func(id uuid.UUID) floorplan.RoomStatus { return states[id].Status }, nil
}

// FromReport adapts a source of evaluated reports (such as the Assessor's Current method) to
// StatusSource.
func FromReport(current func(ctx context.Context) (*floorplan.Report, error)) StatusSource {
	return StatusFunc(func(ctx context.Context) (func(uuid.UUID) floorplan.RoomStatus, error) {
		rep, err := current(ctx)
		if err != nil {
			return nil, err
		}
		return func(id uuid.UUID) floorplan.RoomStatus {
			if rr, ok := rep.Room(id); ok {
				return rr.Status
			}
			return ""
		}, nil
	})
}

// Options configure a Handler. Errors is required; the zero value of every other field is ready to use.
type Options struct {
	// CacheBytes bounds the tile cache; 0 means DefaultCacheBytes and a negative value turns the cache
	// off (every request draws its tile).
	CacheBytes int64
	// TrustForwarded makes TileJSON build its tile URLs from X-Forwarded-Proto and X-Forwarded-Host,
	// for a server behind a reverse proxy that sets them. Leave it off otherwise: a client could send
	// them.
	TrustForwarded bool
	// BaseURL, when set (e.g. "https://maps.example.gov.cn"), starts the tile URLs; without it (and
	// without trusted forwarding headers) they are root-relative (LinkBase).
	BaseURL string
	// Scope, when set, gives the part of the register a request may see (accounts on): it is asked once
	// per tile request, and its Key is part of the cache key, so that a tile drawn for one scope is never
	// served to another.
	Scope func(ctx context.Context) (Scope, error)
	// Now is the clock of the day the rooms' stored statuses must hold for, when the store reads them with
	// the features (RowStore); nil means time.Now. Give it the Register's clock.
	Now func() time.Time
	// RevisionTTL is how long a revision read from the store (Store.Revision, part of the cache key) is
	// used before it is read again, one read at a time: 0 means DefaultRevisionTTL, a negative value reads
	// it for every request. Invalidate forgets it at once.
	RevisionTTL time.Duration
	// Errors writes the response for an error a handler returned: the HTTP layer's one error adapter,
	// which maps this package's sentinels and the store's errors with errors.Is. It is required.
	Errors func(w http.ResponseWriter, r *http.Request, err error)
	// MaxDraws bounds the tiles drawn at once (a miss: the store's query and the encoding); the others
	// wait their turn, so that a map's burst of misses does not take every core and connection from the
	// writes and the cached tiles. 0 means twice GOMAXPROCS; a negative value sets no bound.
	MaxDraws int
	// WriteYield is the longest a miss waits for the writes under way (Handler.Writing) before it draws,
	// and the age past which a write no longer holds the draws back (yield.go): 0 means DefaultWriteYield,
	// a negative value never waits.
	WriteYield time.Duration
}

// Scope is the part of the register a request's tiles show.
type Scope struct {
	// Key names the scope in the cache: requests with the same Key see the same rooms. "" is the scope
	// that sees everything.
	Key string
	// Room reports whether a room of an agency (uuid.Nil: rooms without one) on a floor is shown; nil
	// shows every room.
	Room func(agencyID, floorID uuid.UUID) bool
	// Building reports whether a building is shown; nil shows every building.
	Building func(buildingID uuid.UUID) bool
	// In is the same scope as a store's read scope, for a RowStore to keep the rooms and buildings shown
	// in its query; Room and Building are checked as well.
	In floorplan.ReadScope
}

// DefaultCacheBytes is the default bound of the tile cache: 64 MiB.
const DefaultCacheBytes = 64 << 20

// Tile grids.
const (
	Extent = mvt.Extent // vector tile coordinates per side
	Buffer = mvt.Buffer // vector tile coordinates kept beyond each edge, so that strokes join across tiles
	// PNGSize is the side of a raster tile in pixels.
	PNGSize = 256
)

// Handler serves the tiles. Build it with New; it is safe for concurrent use.
type Handler struct {
	store    FeatureStore
	statuses StatusSource
	opts     Options
	cache    *lru // nil when off
	gens     map[floorplan.Layer]*atomic.Uint64
	gzPool   sync.Pool
	encoders sync.Pool // *mvt.Encoder
	revs     *revisions
	crc      *crc64.Table

	draws  chan struct{} // a slot per tile being drawn (Options.MaxDraws); nil: no bound
	writes writes        // the register's writes under way (Writing)

	boundsMu sync.Mutex
	bounds   map[uint64]orb.Bound // buildings generation → extent of all buildings
}

// New returns a tile handler over store. statuses may be nil: room tiles then have no status. It
// panics when opts.Errors is nil, a wiring mistake that no request could recover from.
func New(store FeatureStore, statuses StatusSource, opts Options) *Handler {
	if opts.Errors == nil {
		panic("tiles: New needs Options.Errors, the HTTP layer's error adapter")
	}
	h := &Handler{store: store, statuses: statuses, opts: opts, crc: crc64.MakeTable(crc64.ECMA),
		gens: map[floorplan.Layer]*atomic.Uint64{}, bounds: map[uint64]orb.Bound{}, revs: &revisions{ttl: opts.RevisionTTL}}
	if opts.RevisionTTL == 0 {
		h.revs.ttl = DefaultRevisionTTL
	}
	for _, l := range layers() {
		h.gens[l.name] = new(atomic.Uint64)
	}
	switch n := opts.MaxDraws; {
	case n == 0:
		h.draws = make(chan struct{}, 2*runtime.GOMAXPROCS(0))
	case n > 0:
		h.draws = make(chan struct{}, n)
	}
	switch {
	case opts.CacheBytes == 0:
		h.cache = newLRU(DefaultCacheBytes)
	case opts.CacheBytes > 0:
		h.cache = newLRU(opts.CacheBytes)
	}
	return h
}

// Register adds the tile routes to r.
func (h *Handler) Register(r *mux.Router) {
	r.Handle("/tiles/{layer}.json", h.adapt(h.TileJSON)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/tiles/{layer}/{z}/{x}/{y}.mvt", h.adapt(h.MVT)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/tiles/{layer}/{z}/{x}/{y}.png", h.adapt(h.PNG)).Methods(http.MethodGet, http.MethodHead)
}

func (h *Handler) adapt(fn func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.opts.Errors(w, r, err)
		}
	})
}

// Invalidate forgets every cached tile of a layer. Call it after a write to the layer has committed
// (and after the status source has been invalidated, for rooms): no tile drawn from older data is
// served afterwards. Unknown layers are ignored.
func (h *Handler) Invalidate(layer floorplan.Layer) {
	if h.drop(layer) {
		h.revs.expire()
	}
}

// drop forgets every cached tile of layer (a new generation); false for an unknown layer.
func (h *Handler) drop(layer floorplan.Layer) bool {
	g, ok := h.gens[layer]
	if ok {
		g.Add(1)
		h.cache.dropLayer(layer)
	}
	return ok
}

// Revision returns the register's revision as the tiles' cache keys read it, at most once per
// Options.RevisionTTL (read is the store's Revision), so that other caches of the server keyed on it (the
// read scopes) cost no round trip on a hit either.
func (h *Handler) Revision(ctx context.Context, read func(context.Context) (int64, error)) (int64, error) {
	return h.revs.get(ctx, read)
}

// Committed follows a write through this server that committed at revision rev: the cached tiles of
// layers are forgotten (as Invalidate does) and rev becomes the revision kept (or a later one stays), so
// that the next tile keys on it without reading it again.
func (h *Handler) Committed(rev int64, layers ...floorplan.Layer) {
	for _, l := range layers {
		h.drop(l)
	}
	h.revs.saw(rev)
}

// CacheStats reports how many tiles and bytes the cache holds.
func (h *Handler) CacheStats() (tiles int, bytes int64) { return h.cache.stats() }

// layerSpec describes a layer.
type layerSpec struct {
	name        floorplan.Layer
	minZ, maxZ  int
	description string
	fields      map[string]string
}

func layers() []layerSpec {
	return []layerSpec{
		{name: floorplan.LayerBuildings, minZ: 12, maxZ: 22, description: "Building footprints (楼栋)",
			fields: map[string]string{"id": "String", "name": "String", "area_m2": "Number"}},
		{name: floorplan.LayerRooms, minZ: 16, maxZ: 22, description: "Rooms (房间) with their status against the space standard",
			fields: map[string]string{"id": "String", "floor_id": "String", "level": "Number", "number": "String",
				"usage": "String", "status": "String", "agency_id": "String", "area_m2": "Number"}},
	}
}

func layerOf(name string) (layerSpec, error) {
	for _, l := range layers() {
		if string(l.name) == name {
			return l, nil
		}
	}
	return layerSpec{}, fmt.Errorf("%w: %q", ErrUnknownLayer, name)
}

type format uint8

const (
	formatMVT format = iota + 1
	formatPNG
)

// request is a parsed tile address.
type request struct {
	layer  layerSpec
	tile   maptile.Tile
	filter floorplan.FeatureFilter
	format format
	scope  Scope
}

// parse checks everything about a tile request that can be checked without the store.
func parse(r *http.Request, f format) (request, error) {
	v := mux.Vars(r)
	spec, err := layerOf(v["layer"])
	if err != nil {
		return request{}, err
	}
	t, err := geo.ParseTile(v["z"], v["x"], v["y"])
	if err != nil {
		return request{}, fmt.Errorf("%w: %w", ErrBadTile, err)
	}
	if int(t.Z) < spec.minZ || int(t.Z) > spec.maxZ {
		return request{}, fmt.Errorf("%w: zoom %d is outside %d–%d for layer %s", ErrBadTile, t.Z, spec.minZ, spec.maxZ, spec.name)
	}
	filter, err := parseFilter(r, spec)
	if err != nil {
		return request{}, err
	}
	return request{layer: spec, tile: t, filter: filter, format: f}, nil
}

// parseFilter reads ?level= and ?floor_id= (rooms only; the buildings layer ignores them).
func parseFilter(r *http.Request, spec layerSpec) (floorplan.FeatureFilter, error) {
	var f floorplan.FeatureFilter
	if spec.name != floorplan.LayerRooms {
		return f, nil
	}
	q := r.URL.Query()
	if s := q.Get("level"); s != "" {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < -1000 || n > 1000 {
			return f, fmt.Errorf("%w: level %q is not a floor ordinal", ErrBadQuery, s)
		}
		f.Level, f.HasLevel = n, true
	}
	if s := q.Get("floor_id"); s != "" {
		id, err := uuid.Parse(strings.TrimSpace(s))
		if err != nil {
			return f, fmt.Errorf("%w: floor_id %q is not a UUID", ErrBadQuery, s)
		}
		f.FloorID = id
	}
	return f, nil
}

func (h *Handler) key(ctx context.Context, q request) (cacheKey, error) {
	k := cacheKey{layer: q.layer.name, format: q.format, z: uint32(q.tile.Z), x: q.tile.X, y: q.tile.Y,
		floorID: q.filter.FloorID, level: q.filter.Level, hasLevel: q.filter.HasLevel,
		gen: h.gens[q.layer.name].Load(), scope: q.scope.Key}
	if r, ok := h.store.(revisioner); ok {
		rev, err := h.revs.get(ctx, r.Revision)
		if err != nil {
			return cacheKey{}, err
		}
		k.rev = rev
	}
	return k, nil
}

// MVT serves GET /tiles/{layer}/{z}/{x}/{y}.mvt.
func (h *Handler) MVT(w http.ResponseWriter, r *http.Request) error {
	q, err := parse(r, formatMVT)
	if err != nil {
		return err
	}
	return h.serve(w, r, q)
}

// PNG serves GET /tiles/{layer}/{z}/{x}/{y}.png.
func (h *Handler) PNG(w http.ResponseWriter, r *http.Request) error {
	q, err := parse(r, formatPNG)
	if err != nil {
		return err
	}
	return h.serve(w, r, q)
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, q request) error {
	if h.opts.Scope != nil {
		sc, err := h.opts.Scope(r.Context())
		if err != nil {
			return err
		}
		q.scope = sc
	}
	k, err := h.key(r.Context(), q) // the generation and revision are read before the store: see Invalidate
	if err != nil {
		return err
	}
	t, ok := h.cache.get(k)
	if !ok {
		if t, err = h.drawInTurn(r.Context(), q); err != nil {
			return err
		}
		h.cache.put(k, t)
	}

	hd := w.Header()
	hd.Set("Cache-Control", h.cacheControl())
	hd.Set("Access-Control-Allow-Origin", "*")
	body, etag, gzipped := t.data, t.etag, false
	if q.format == formatMVT {
		hd.Set("Vary", "Accept-Encoding")
		body = t.gz
		if gzipped = len(body) > 0 && acceptsGzip(r.Header.Get("Accept-Encoding")); gzipped {
			etag = t.etag[:len(t.etag)-1] + `-gz"`
			hd.Set("Content-Encoding", "gzip")
		}
	}
	hd.Set("ETag", etag)
	if noneMatch(r.Header.Get("If-None-Match"), etag) {
		hd.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	if len(body) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if q.format == formatMVT && !gzipped {
		if body, err = gunzip(body); err != nil {
			return err
		}
	}
	if q.format == formatMVT {
		hd.Set("Content-Type", "application/vnd.mapbox-vector-tile")
	} else {
		hd.Set("Content-Type", "image/png")
	}
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body) // a client that hung up is not an error to report
	}
	return nil
}

// drawInTurn draws the tile once the young writes are done (yieldToWrites) and a draw slot is free
// (Options.MaxDraws), or fails when ctx ends first.
func (h *Handler) drawInTurn(ctx context.Context, q request) (*tile, error) {
	if err := h.yieldToWrites(ctx); err != nil {
		return nil, err
	}
	if h.draws != nil {
		select {
		case h.draws <- struct{}{}:
			defer func() { <-h.draws }()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return h.draw(ctx, q)
}

// draw reads the tile's features and encodes them: a vector tile from a RowStore's rows when the store has
// them and the rooms' stored statuses hold for today, otherwise from the features and the status source.
func (h *Handler) draw(ctx context.Context, q request) (*tile, error) {
	if rs, ok := h.store.(RowStore); ok && q.format == formatMVT {
		data, fresh, err := h.drawRows(ctx, q, rs)
		if err != nil {
			return nil, err
		}
		if fresh {
			return h.mvtTile(data)
		}
	}
	b := geo.BufferedTileBound(q.tile, Buffer, Extent)
	feats, err := h.store.Features(ctx, q.layer.name, b, q.filter)
	if err != nil {
		return nil, fmt.Errorf("tiles: features of %s %d/%d/%d: %w", q.layer.name, q.tile.Z, q.tile.X, q.tile.Y, err)
	}
	feats = q.scope.keep(q.layer.name, feats)
	status, err := h.statusOf(ctx, q, feats)
	if err != nil {
		return nil, err
	}
	if q.format == formatMVT {
		e := h.encoder(q)
		data := encodeMVT(e, q.layer.name, q.tile, feats, status)
		h.encoders.Put(e)
		return h.mvtTile(data)
	}
	data, err := drawPNG(q.layer.name, q.tile, feats, status)
	if err != nil {
		return nil, err
	}
	return &tile{data: data, etag: h.etag(data)}, nil
}

// keep returns the features of layer that the scope shows.
func (sc Scope) keep(layer floorplan.Layer, feats []floorplan.Feature) []floorplan.Feature {
	var shown func(f *floorplan.Feature) bool
	switch {
	case layer == floorplan.LayerRooms && sc.Room != nil:
		shown = func(f *floorplan.Feature) bool { return sc.Room(f.AgencyID, f.FloorID) }
	case layer == floorplan.LayerBuildings && sc.Building != nil:
		shown = func(f *floorplan.Feature) bool { return sc.Building(f.BuildingID) }
	default:
		return feats
	}
	kept := feats[:0:0]
	for i := range feats {
		if shown(&feats[i]) {
			kept = append(kept, feats[i])
		}
	}
	return kept
}

// statusOf returns the statuses of a rooms tile's features from the status source (none without one).
func (h *Handler) statusOf(ctx context.Context, q request, feats []floorplan.Feature) (func(uuid.UUID) floorplan.RoomStatus, error) {
	none := func(uuid.UUID) floorplan.RoomStatus { return "" }
	if q.layer.name != floorplan.LayerRooms || h.statuses == nil || len(feats) == 0 {
		return none, nil
	}
	var status func(uuid.UUID) floorplan.RoomStatus
	var err error
	if ts, ok := h.statuses.(TileStatusSource); ok {
		ids := make([]uuid.UUID, len(feats))
		for i, f := range feats {
			ids[i] = f.ID
		}
		status, err = ts.RoomStatusOf(ctx, ids)
	} else {
		status, err = h.statuses.RoomStatus(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("tiles: room statuses: %w", err)
	}
	return status, nil
}

// mvtTile is the tile kept for an encoded vector tile: its ETag, and its bytes gzipped.
func (h *Handler) mvtTile(data []byte) (*tile, error) {
	t := &tile{etag: h.etag(data)}
	if len(data) > 0 {
		var err error
		if t.gz, err = h.gzip(data); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (h *Handler) etag(data []byte) string {
	var b [20]byte
	out := append(b[:0], '"')
	out = strconv.AppendUint(out, crc64.Checksum(data, h.crc), 36)
	out = append(out, '-')
	out = strconv.AppendInt(out, int64(len(data)), 36)
	out = append(out, '"')
	return string(out)
}

func (h *Handler) gzip(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(data) / 2)
	zw, _ := h.gzPool.Get().(*gzip.Writer)
	if zw == nil {
		zw, _ = gzip.NewWriterLevel(&buf, gzipLevel)
	} else {
		zw.Reset(&buf)
	}
	if _, err := zw.Write(data); err != nil {
		return nil, fmt.Errorf("tiles: gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("tiles: gzip: %w", err)
	}
	h.gzPool.Put(zw)
	return buf.Bytes(), nil
}

// gzipLevel is the level tiles are compressed at, once per tile drawn, with klauspost/compress's gzip
// (bench_test.go, BenchmarkGzipLevels, side by side with the standard library's): its level 1 takes a half
// to a third of the time of the standard library's level 1 (which was 37 % of the Go CPU of an uncached
// z17 tile at 1M rooms), for a size within 3 % of it either way; higher levels cost 1.2–9 times more for
// at most 5 % less.
const gzipLevel = gzip.BestSpeed

// gunzip decompresses a kept tile for a client that does not take gzip.
func gunzip(gz []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("tiles: gunzip: %w", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("tiles: gunzip: %w", err)
	}
	return data, nil
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (q > 0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		if qs, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(qs, 64); err == nil && v <= 0 {
				return false
			}
		}
		return true
	}
	return false
}

// noneMatch reports whether an If-None-Match header matches etag (weak comparison, as RFC 9110 asks
// for If-None-Match).
func noneMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, part := range strings.Split(header, ",") {
		p := strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if p == "*" || p == etag {
			return true
		}
	}
	return false
}

// cacheControl is the tiles' Cache-Control: revalidate every time (no-cache), and with scopes (accounts on)
// never in a shared cache, since what a tile holds depends on who asked (private).
func (h *Handler) cacheControl() string {
	if h.opts.Scope != nil {
		return "private, no-cache"
	}
	return "no-cache"
}
