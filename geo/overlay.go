package geo

import (
	"fmt"

	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// Polygon overlay (intersection) is done by simplefeatures, a pure-Go library with a
// robust noding overlay; orb has none. This file is the only place that converts between the two, so
// the rest of officemap speaks orb.

// MinOverlapArea is the intersection area (in square units) below which two polygons are taken to touch
// rather than overlap: 1 cm² in local metres, far below drawing precision and far above floating-point
// noise at building coordinates.
const MinOverlapArea = 1e-4

func toSF(p orb.Polygon) sf.Polygon {
	rings := make([]sf.LineString, len(p))
	for i, r := range p {
		xy := make([]float64, 0, 2*len(r))
		for _, pt := range r {
			xy = append(xy, pt[0], pt[1])
		}
		rings[i] = sf.NewLineString(sf.NewSequence(xy, sf.DimXY))
	}
	return sf.NewPolygon(rings)
}

func fromSFPolygon(p sf.Polygon) orb.Polygon {
	out := make(orb.Polygon, 0, 1+p.NumInteriorRings())
	out = append(out, fromSFRing(p.ExteriorRing()))
	for i := 0; i < p.NumInteriorRings(); i++ {
		out = append(out, fromSFRing(p.InteriorRingN(i)))
	}
	return out
}

func fromSFRing(ls sf.LineString) orb.Ring {
	seq := ls.Coordinates()
	r := make(orb.Ring, seq.Length())
	for i := range r {
		xy := seq.GetXY(i)
		r[i] = orb.Point{xy.X, xy.Y}
	}
	return r
}

// polygonsOf returns the polygons of an overlay result, dropping lower-dimensional parts.
func polygonsOf(g sf.Geometry) []orb.Polygon {
	switch {
	case g.IsPolygon():
		p, _ := g.AsPolygon()
		if p.IsEmpty() {
			return nil
		}
		return []orb.Polygon{fromSFPolygon(p)}
	case g.IsMultiPolygon():
		mp, _ := g.AsMultiPolygon()
		out := make([]orb.Polygon, 0, mp.NumPolygons())
		for i := 0; i < mp.NumPolygons(); i++ {
			out = append(out, fromSFPolygon(mp.PolygonN(i)))
		}
		return out
	case g.IsGeometryCollection():
		gc, _ := g.AsGeometryCollection()
		var out []orb.Polygon
		for i := 0; i < gc.NumGeometries(); i++ {
			out = append(out, polygonsOf(gc.GeometryN(i))...)
		}
		return out
	}
	return nil
}

// OverlapArea returns the area of the intersection of two valid polygons.
func OverlapArea(a, b orb.Polygon) (float64, error) {
	if !a.Bound().Intersects(b.Bound()) {
		return 0, nil
	}
	g, err := sf.Intersection(toSF(a).AsGeometry(), toSF(b).AsGeometry())
	if err != nil {
		return 0, fmt.Errorf("geo: intersection: %w", err)
	}
	return g.Area(), nil
}

// Overlaps reports whether two valid polygons overlap with a positive area (at least MinOverlapArea),
// and returns that area. Polygons that share a wall or touch at a corner do not overlap.
func Overlaps(a, b orb.Polygon) (bool, float64, error) {
	area, err := OverlapArea(a, b)
	if err != nil {
		return false, 0, err
	}
	return area >= MinOverlapArea, area, nil
}
