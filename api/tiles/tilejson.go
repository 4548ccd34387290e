package tiles

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

// tileJSON is a TileJSON 3.0.0 document (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0).
type tileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description"`
	Version      string        `json:"version"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	VectorLayers []vectorLayer `json:"vector_layers,omitempty"`
}

type vectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// worldBound returns the Web Mercator world in lon/lat.
func worldBound() orb.Bound {
	return orb.Bound{Min: orb.Point{-180, -85.0511287798066}, Max: orb.Point{180, 85.0511287798066}}
}

// TileJSON serves GET /tiles/{layer}.json: the layer's TileJSON 3.0.0 with its tile URL template, zoom
// range, fields and the bounds of all buildings. ?format=png describes the raster tiles instead;
// ?level= and ?floor_id= are checked and carried into the tile URLs.
func (h *Handler) TileJSON(w http.ResponseWriter, r *http.Request) error {
	spec, err := layerOf(mux.Vars(r)["layer"])
	if err != nil {
		return err
	}
	ext := "mvt"
	switch f := r.URL.Query().Get("format"); f {
	case "", "mvt", "pbf":
	case "png":
		ext = "png"
	default:
		return fmt.Errorf("%w: format %q is not mvt or png", ErrBadQuery, f)
	}
	filter, err := parseFilter(r, spec)
	if err != nil {
		return err
	}
	b, err := h.extent(r)
	if err != nil {
		return err
	}
	base := LinkBase(r, h.opts.BaseURL, h.opts.TrustForwarded)
	tmpl := base + "/tiles/" + string(spec.name) + "/{z}/{x}/{y}." + ext
	qs := url.Values{}
	if filter.HasLevel {
		qs.Set("level", fmt.Sprint(filter.Level))
	}
	if filter.FloorID != [16]byte{} {
		qs.Set("floor_id", filter.FloorID.String())
	}
	if len(qs) > 0 {
		tmpl += "?" + qs.Encode()
	}
	doc := tileJSON{
		TileJSON:    "3.0.0",
		Name:        "officemap " + string(spec.name),
		Description: spec.description,
		Version:     "1.0.0",
		Scheme:      "xyz",
		Tiles:       []string{tmpl},
		MinZoom:     spec.minZ,
		MaxZoom:     spec.maxZ,
		Bounds:      [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]},
		Center:      [3]float64{(b.Min[0] + b.Max[0]) / 2, (b.Min[1] + b.Max[1]) / 2, float64(spec.minZ + 1)},
	}
	if ext == "mvt" {
		doc.VectorLayers = []vectorLayer{{ID: string(spec.name), Description: spec.description,
			MinZoom: spec.minZ, MaxZoom: spec.maxZ, Fields: spec.fields}}
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", h.cacheControl())
	hd.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	return json.NewEncoder(w).Encode(doc)
}

// extent returns the lon/lat bound of every building, kept per generation of the buildings layer.
// With no building it is the whole Web Mercator world.
func (h *Handler) extent(r *http.Request) (orb.Bound, error) {
	gen := h.gens[floorplan.LayerBuildings].Load()
	h.boundsMu.Lock()
	b, ok := h.bounds[gen]
	h.boundsMu.Unlock()
	if ok {
		return b, nil
	}
	feats, err := h.store.Features(r.Context(), floorplan.LayerBuildings, worldBound(), floorplan.FeatureFilter{})
	if err != nil {
		return orb.Bound{}, fmt.Errorf("tiles: extent of buildings: %w", err)
	}
	b = worldBound()
	if len(feats) > 0 {
		b = feats[0].Geometry.Bound()
		for _, f := range feats[1:] {
			b = b.Union(f.Geometry.Bound())
		}
		// Round outwards to 1e-7° so the numbers stay short and still contain every building.
		b.Min[0], b.Min[1] = math.Floor(b.Min[0]*1e7)/1e7, math.Floor(b.Min[1]*1e7)/1e7
		b.Max[0], b.Max[1] = math.Ceil(b.Max[0]*1e7)/1e7, math.Ceil(b.Max[1]*1e7)/1e7
	}
	h.boundsMu.Lock()
	clear(h.bounds) // only the current generation is worth keeping
	h.bounds[gen] = b
	h.boundsMu.Unlock()
	return b, nil
}

// LinkBase is what the server's links start with: public (the configured public URL) when set; else,
// behind a trusted proxy (trustForwarded), the scheme and host of X-Forwarded-Proto and X-Forwarded-Host;
// else "", for root-relative links. The Host header a client sent is never echoed into a link.
func LinkBase(r *http.Request, public string, trustForwarded bool) string {
	if public != "" {
		return strings.TrimRight(public, "/")
	}
	if !trustForwarded {
		return ""
	}
	host := firstValue(r.Header.Get("X-Forwarded-Host"))
	if !validHost(host) {
		return ""
	}
	scheme := "http"
	if p := firstValue(r.Header.Get("X-Forwarded-Proto")); p == "https" || (p == "" && r.TLS != nil) {
		scheme = "https"
	}
	return scheme + "://" + host
}

func firstValue(h string) string {
	v, _, _ := strings.Cut(h, ",")
	return strings.ToLower(strings.TrimSpace(v))
}

// ValidHost reports whether h is a well-formed host[:port] (validHost).
func ValidHost(h string) bool { return validHost(h) }

// validHost accepts host[:port] made of the characters a host name, an IPv4 or a bracketed IPv6
// address can have.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for _, c := range h {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.ContainsRune(".-:[]_", c):
		default:
			return false
		}
	}
	return true
}
