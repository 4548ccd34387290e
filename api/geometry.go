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

// Geometry on the wire is GeoJSON in lon/lat (RFC 7946), or, when the request says crs=local, in the
// building's local frame in the building's exchange unit: georef.scale metres per unit (0.001 for a
// client drawing in millimetres; 0 or absent means metres). The stored local geometry is the source of
// truth and is always in metres: crs=local input is multiplied by the scale and lon/lat input converted
// with the building's georeference before validation and storage; crs=local output is divided by the
// scale, and lon/lat output is derived from the stored metres. Every area (area_m2), overlap tolerance,
// tile and render works on the stored metres, so it is in m² whatever unit the client uses.
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

// crsLocal reads the crs query parameter: "local" for the building's local frame in its exchange unit
// (georef.scale); absent, "wgs84", "EPSG:4326" or CRS84 for lon/lat.
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
// coordinates of the request: lon/lat, or (crs=local) local coordinates in the building's exchange unit.
type projector struct {
	local bool
	frame *geo.Frame
	unit  float64 // metres per crs=local unit: the building's georef.scale, 1 when 0
}

func newProjector(local bool, b floorplan.Building) projector {
	return projectorOf(local, b.Georef)
}

func projectorOf(local bool, g geo.Georef) projector {
	return projector{local: local, frame: g.Frame(), unit: g.Unit()}
}

// out converts a stored polygon (local metres) to the wire.
func (p projector) out(poly orb.Polygon) *geojson.Geometry {
	if len(poly) == 0 {
		return nil
	}
	if !p.local {
		return geojson.NewGeometry(p.frame.PolygonToLonLat(poly))
	}
	if p.unit == 1 {
		return geojson.NewGeometry(poly)
	}
	inv := func(pt orb.Point) orb.Point { return orb.Point{pt[0] / p.unit, pt[1] / p.unit} }
	return geojson.NewGeometry(mapPolygon(poly, inv))
}

// shapeIn checks a polygon from the wire (lon/lat positions in range) and hands it on in the request's
// frame: the Register converts it to the building's local metres, once, and validates it there.
func (p projector) shapeIn(poly orb.Polygon) (floorplan.Shape, error) {
	if !p.local {
		for _, ring := range poly {
			for _, pt := range ring {
				if err := checkLonLat(pt); err != nil {
					return floorplan.Shape{}, err
				}
			}
		}
	}
	return floorplan.Shape{Polygon: poly, CRS: p.crs()}, nil
}

// lineIn checks a line from the wire and hands it on in the request's frame (see shapeIn).
func (p projector) lineIn(ls orb.LineString) (floorplan.Line, error) {
	if !p.local {
		for _, pt := range ls {
			if err := checkLonLat(pt); err != nil {
				return floorplan.Line{}, err
			}
		}
	}
	return floorplan.Line{LineString: ls, CRS: p.crs()}, nil
}

// crs is the request's frame.
func (p projector) crs() floorplan.CRS {
	if p.local {
		return floorplan.CRSLocal
	}
	return floorplan.CRSLonLat
}

// mapPolygon returns a copy of poly with fn applied to every position (nil for nil).
func mapPolygon(poly orb.Polygon, fn func(orb.Point) orb.Point) orb.Polygon {
	if poly == nil {
		return nil
	}
	out := make(orb.Polygon, len(poly))
	for i, r := range poly {
		ring := make(orb.Ring, len(r))
		for j, pt := range r {
			ring[j] = fn(pt)
		}
		out[i] = ring
	}
	return out
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
			Message:   fmt.Sprintf("invalid geometry: position [%g, %g] is not a longitude and latitude (use crs=local for local coordinates)", lon, lat),
			MessageZH: fmt.Sprintf("几何图形无效：坐标 [%g, %g] 不是经纬度（本地坐标请使用 crs=local）", lon, lat),
			Extra:     map[string]any{"reason": "out_of_range"}}
	}
	return nil
}
