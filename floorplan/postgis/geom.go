package postgis

import (
	"encoding/binary"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/ewkb"
)

// This file is the one place where geometry crosses the PostGIS boundary: orb polygons (rooms,
// footprints, outlines) and multi-line strings (a floor's openings) become EWKB (through go-geom) on the
// way in, and EWKB becomes orb geometry on the way out. SQL sends geometry as
// bytea parameters (ST_GeomFromEWKB($n)) and reads it as ST_AsEWKB(column), so the store does not depend
// on pgx knowing PostGIS's types.

// SRIDs of the two geometry columns of every located table.
const (
	sridLocal  = 0    // the building's local frame, metres
	sridLonLat = 4326 // WGS84 lon/lat
)

// encodePolygon returns p as EWKB with the given SRID, or nil (SQL NULL) for an empty polygon. Rings are
// closed if their last point is not their first.
func encodePolygon(p orb.Polygon, srid int) ([]byte, error) {
	if len(p) == 0 {
		return nil, nil
	}
	flat, ends := flatten(len(p), func(i int) []orb.Point { return p[i] }, true)
	return marshal(geom.NewPolygonFlat(geom.XY, flat, ends).SetSRID(srid), "polygon")
}

// encodeLines returns ml as MultiLineString EWKB with the given SRID, or nil (SQL NULL) for none.
func encodeLines(ml orb.MultiLineString, srid int) ([]byte, error) {
	if len(ml) == 0 {
		return nil, nil
	}
	flat, ends := flatten(len(ml), func(i int) []orb.Point { return ml[i] }, false)
	return marshal(geom.NewMultiLineStringFlat(geom.XY, flat, ends).SetSRID(srid), "lines")
}

// flatten lays n point sequences (part(i)) end to end as go-geom's flat coordinates, with the end of each;
// closing repeats a sequence's first point after its last when they differ (a ring).
func flatten(n int, part func(i int) []orb.Point, closing bool) (flat []float64, ends []int) {
	size := 0
	for i := range n {
		size += len(part(i)) + 1
	}
	flat, ends = make([]float64, 0, 2*size), make([]int, 0, n)
	for i := range n {
		pts := part(i)
		for _, pt := range pts {
			flat = append(flat, pt[0], pt[1])
		}
		if closing && len(pts) > 0 && pts[0] != pts[len(pts)-1] {
			flat = append(flat, pts[0][0], pts[0][1])
		}
		ends = append(ends, len(flat))
	}
	return flat, ends
}

// marshal returns g as little-endian EWKB; what names g in an error.
func marshal(g geom.T, what string) ([]byte, error) {
	b, err := ewkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("postgis: encode %s: %w", what, err)
	}
	return b, nil
}

// encodeGeometry returns a polygon or lines (the types the store keeps) as EWKB with the given SRID, or
// nil (SQL NULL) for an empty one.
func encodeGeometry(g orb.Geometry, srid int) ([]byte, error) {
	switch g := g.(type) {
	case orb.Polygon:
		return encodePolygon(g, srid)
	case orb.MultiLineString:
		return encodeLines(g, srid)
	}
	return nil, fmt.Errorf("postgis: encode: %T is not a geometry the store keeps", g)
}

// decodeGeometry returns the polygon or lines in EWKB b; nil b (SQL NULL) gives nil.
func decodeGeometry(b []byte) (orb.Geometry, error) {
	if b == nil {
		return nil, nil
	}
	g, err := ewkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("postgis: decode geometry: %w", err)
	}
	switch g := g.(type) {
	case *geom.Polygon:
		return orb.Polygon(split[orb.Ring](g.FlatCoords(), g.Ends(), g.Stride())), nil
	case *geom.MultiLineString:
		return orb.MultiLineString(split[orb.LineString](g.FlatCoords(), g.Ends(), g.Stride())), nil
	}
	return nil, fmt.Errorf("postgis: decode geometry: got %T", g)
}

// decodePolygon returns the polygon in EWKB b; nil b (SQL NULL) gives a nil polygon.
func decodePolygon(b []byte) (orb.Polygon, error) { return decodeAs[orb.Polygon](b) }

// decodeLines returns the MultiLineString in EWKB b; nil b (SQL NULL) gives nil.
func decodeLines(b []byte) (orb.MultiLineString, error) { return decodeAs[orb.MultiLineString](b) }

// decodeAs returns the geometry of type G in EWKB b; nil b (SQL NULL) gives G's zero value (nil).
func decodeAs[G orb.Geometry](b []byte) (G, error) {
	var zero G
	g, err := decodeGeometry(b)
	if g == nil || err != nil {
		return zero, err
	}
	t, ok := g.(G)
	if !ok {
		return zero, fmt.Errorf("postgis: decode geometry: a %s, want a %s", g.GeoJSONType(), zero.GeoJSONType())
	}
	return t, nil
}

// split cuts go-geom's flat coordinates at ends into sequences of points (rings, lines).
func split[S ~[]orb.Point](flat []float64, ends []int, stride int) []S {
	out := make([]S, 0, len(ends))
	start := 0
	for _, end := range ends {
		seq := make(S, 0, (end-start)/stride)
		for i := start; i < end; i += stride {
			seq = append(seq, orb.Point{flat[i], flat[i+1]})
		}
		out = append(out, seq)
		start = end
	}
	return out
}
