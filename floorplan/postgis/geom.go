package postgis

import (
	"encoding/binary"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/ewkb"
)

// This file is the one place where geometry crosses the PostGIS boundary: orb polygons become EWKB
// (through go-geom) on the way in, and EWKB becomes orb polygons on the way out. SQL sends geometry as
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
	n := 0
	for _, r := range p {
		n += len(r) + 1
	}
	flat := make([]float64, 0, 2*n)
	ends := make([]int, 0, len(p))
	for _, r := range p {
		for _, pt := range r {
			flat = append(flat, pt[0], pt[1])
		}
		if len(r) > 0 && r[0] != r[len(r)-1] {
			flat = append(flat, r[0][0], r[0][1])
		}
		ends = append(ends, len(flat))
	}
	g := geom.NewPolygonFlat(geom.XY, flat, ends).SetSRID(srid)
	b, err := ewkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("postgis: encode polygon: %w", err)
	}
	return b, nil
}

// decodePolygon returns the polygon in EWKB b; nil b (SQL NULL) gives a nil polygon.
func decodePolygon(b []byte) (orb.Polygon, error) {
	if b == nil {
		return nil, nil
	}
	g, err := ewkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("postgis: decode polygon: %w", err)
	}
	pg, ok := g.(*geom.Polygon)
	if !ok {
		return nil, fmt.Errorf("postgis: decode polygon: got %T", g)
	}
	flat, stride := pg.FlatCoords(), pg.Stride()
	p := make(orb.Polygon, 0, pg.NumLinearRings())
	start := 0
	for _, end := range pg.Ends() {
		r := make(orb.Ring, 0, (end-start)/stride)
		for i := start; i < end; i += stride {
			r = append(r, orb.Point{flat[i], flat[i+1]})
		}
		p = append(p, r)
		start = end
	}
	return p, nil
}
