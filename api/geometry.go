package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan"
	"officemap/geo"
)

// Geometry on the wire is GeoJSON in lon/lat (RFC 7946), or the building's local metres when the request
// says crs=local. The local geometry is the source of truth: lon/lat input is converted with the
// building's georeference before it is stored, and lon/lat output is derived from the local geometry.
// Coordinates are written with Go's shortest exact float formatting, so every digit of precision survives
// (well beyond the 7 decimals CONTRACT.md asks for).

// geometryIn is a GeoJSON geometry as it arrives; coordinates are parsed by type.
type geometryIn struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// isNull reports whether a raw JSON member is absent or null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// parsePolygon reads a GeoJSON Polygon. Numbers too large for float64 become ±Inf, so that geometry
// validation (not the JSON parser) refuses them with its reason. Shape is not checked here: rings that are
// unclosed, too short or self-crossing are geo.Validate's to report.
func parsePolygon(raw json.RawMessage, field string) (orb.Polygon, error) {
	var g geometryIn
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, badRequest("field %s must be a GeoJSON geometry object", field)
	}
	if g.Type != "Polygon" {
		return nil, badRequest("field %s must be a GeoJSON Polygon, not %q", field, g.Type)
	}
	var rings [][][]json.RawMessage
	if err := json.Unmarshal(g.Coordinates, &rings); err != nil {
		return nil, badRequest("field %s.coordinates must be an array of linear rings, each an array of [x, y] positions", field)
	}
	p := make(orb.Polygon, 0, len(rings))
	for i, ring := range rings {
		r := make(orb.Ring, 0, len(ring))
		for j, pos := range ring {
			pt, err := parsePosition(pos, fmt.Sprintf("%s.coordinates[%d][%d]", field, i, j))
			if err != nil {
				return nil, err
			}
			r = append(r, pt)
		}
		p = append(p, r)
	}
	return p, nil
}

// parseLineString reads a GeoJSON LineString, or a Feature whose geometry is one.
func parseLineString(raw json.RawMessage, field string) (orb.LineString, error) {
	var probe struct {
		Type     string          `json:"type"`
		Geometry json.RawMessage `json:"geometry"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, badRequest("%s must be a GeoJSON LineString or a Feature with one", field)
	}
	if probe.Type == "Feature" {
		if isNull(probe.Geometry) {
			return nil, badRequest("%s is a Feature without a geometry", field)
		}
		return parseLineString(probe.Geometry, field+".geometry")
	}
	var g geometryIn
	if err := json.Unmarshal(raw, &g); err != nil || g.Type != "LineString" {
		return nil, badRequest("%s must be a GeoJSON LineString, not %q", field, probe.Type)
	}
	var positions [][]json.RawMessage
	if err := json.Unmarshal(g.Coordinates, &positions); err != nil {
		return nil, badRequest("%s.coordinates must be an array of [x, y] positions", field)
	}
	ls := make(orb.LineString, 0, len(positions))
	for i, pos := range positions {
		pt, err := parsePosition(pos, fmt.Sprintf("%s.coordinates[%d]", field, i))
		if err != nil {
			return nil, err
		}
		ls = append(ls, pt)
	}
	if len(ls) < 2 {
		return nil, badRequest("%s needs at least 2 positions", field)
	}
	return ls, nil
}

func parsePosition(pos []json.RawMessage, field string) (orb.Point, error) {
	if len(pos) < 2 || len(pos) > 3 {
		return orb.Point{}, badRequest("%s must be a position [x, y] or [x, y, z]", field)
	}
	var pt orb.Point
	for k := 0; k < 2; k++ {
		raw := bytes.TrimSpace(pos[k])
		if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
			return orb.Point{}, badRequest("%s has a coordinate that is not a number", field)
		}
		v, err := strconv.ParseFloat(string(raw), 64)
		if err != nil && !math.IsInf(v, 0) { // ±Inf on overflow is kept for validation to refuse
			return orb.Point{}, badRequest("%s has a coordinate that is not a number", field)
		}
		pt[k] = v
	}
	return pt, nil
}

// crsLocal reads the crs query parameter: "local" for the building's local metres; absent, "wgs84",
// "EPSG:4326" or CRS84 for lon/lat.
func crsLocal(r *http.Request) (bool, error) {
	switch v := r.URL.Query().Get("crs"); strings.ToLower(v) {
	case "", "wgs84", "lonlat", "epsg:4326", "crs84", strings.ToLower(crs84):
		return false, nil
	case "local":
		return true, nil
	default:
		return false, badParam("crs", fmt.Sprintf("must be local or wgs84, not %q", v))
	}
}

// projector converts one building's geometry between its local metres, where it is stored, and the
// coordinates of the request.
type projector struct {
	local bool
	frame *geo.Frame
	scale float64 // metres per local unit
}

func newProjector(local bool, b floorplan.Building) projector {
	return projectorOf(local, b.Georef)
}

func projectorOf(local bool, g geo.Georef) projector {
	scale := g.Scale
	if !(scale > 0) || math.IsInf(scale, 0) {
		scale = 1
	}
	return projector{local: local, frame: g.Frame(), scale: scale}
}

// out converts a stored local polygon to the wire.
func (p projector) out(poly orb.Polygon) *geojson.Geometry {
	if len(poly) == 0 {
		return nil
	}
	if p.local {
		return geojson.NewGeometry(poly)
	}
	return geojson.NewGeometry(p.frame.PolygonToLonLat(poly))
}

// polygonIn converts a polygon from the wire to local metres and validates it there. A lon/lat position
// outside the valid range is refused before conversion.
func (p projector) polygonIn(poly orb.Polygon) (orb.Polygon, error) {
	if !p.local {
		for _, ring := range poly {
			for _, pt := range ring {
				if err := checkLonLat(pt); err != nil {
					return nil, err
				}
			}
		}
		poly = p.snap(p.frame.PolygonToLocal(poly))
	}
	if err := geo.Validate(poly); err != nil {
		return nil, err
	}
	return poly, nil
}

// lineIn converts a line from the wire to local metres.
func (p projector) lineIn(ls orb.LineString) (orb.LineString, error) {
	if p.local {
		return ls, nil
	}
	out := make(orb.LineString, len(ls))
	for i, pt := range ls {
		if err := checkLonLat(pt); err != nil {
			return nil, err
		}
		out[i] = p.frame.ToLocal(pt)
	}
	return p.snapLine(out), nil
}

// snapGridM is the grid, in metres, that coordinates converted from lon/lat are rounded to: a
// micrometre, far below drawing precision, and far above the 1e-10 m noise of the conversion. It makes a
// wall drawn in lon/lat land exactly on the same wall drawn in local metres (4 rather than
// 3.9999999996), so that neighbours share walls instead of overlapping by 1e-10 m².
const snapGridM = 1e-6

// snapValue rounds a local coordinate to the grid. It divides by the whole number of grid steps per unit
// (1e6 for metres), which gives the double nearest to the decimal value: 4, not 3.9999999999999996.
func (p projector) snapValue(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	steps := p.scale / snapGridM
	if steps >= 1 {
		steps = math.Round(steps) // 0.001 / 1e-6 is 999.9999999999999
	}
	return math.Round(v*steps) / steps
}

func (p projector) snap(poly orb.Polygon) orb.Polygon {
	for _, r := range poly {
		for i, pt := range r {
			r[i] = orb.Point{p.snapValue(pt[0]), p.snapValue(pt[1])}
		}
	}
	return poly
}

func (p projector) snapLine(ls orb.LineString) orb.LineString {
	for i, pt := range ls {
		ls[i] = orb.Point{p.snapValue(pt[0]), p.snapValue(pt[1])}
	}
	return ls
}

// checkLonLat refuses a position that is not a finite longitude and latitude.
func checkLonLat(pt orb.Point) error {
	lon, lat := pt[0], pt[1]
	if math.IsNaN(lon) || math.IsNaN(lat) || math.IsInf(lon, 0) || math.IsInf(lat, 0) {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_geometry",
			Message: "invalid geometry: a coordinate is not a finite number", MessageZH: "几何图形无效：坐标不是有限数值",
			Extra: map[string]any{"reason": "non_finite"}}
	}
	if lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_geometry",
			Message:   fmt.Sprintf("invalid geometry: position [%g, %g] is not a longitude and latitude (use crs=local for local metres)", lon, lat),
			MessageZH: fmt.Sprintf("几何图形无效：坐标 [%g, %g] 不是经纬度（本地坐标请使用 crs=local）", lon, lat),
			Extra:     map[string]any{"reason": "out_of_range"}}
	}
	return nil
}
