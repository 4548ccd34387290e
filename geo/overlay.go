package geo

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// Polygon overlay (intersection and splitting) is done by simplefeatures, a pure-Go library with a
// robust noding overlay; orb has none. This file is the only place that converts between the two, so
// the rest of officemap speaks orb.

// ErrSplit is returned when a line cannot split a polygon.
var ErrSplit = errors.New("geo: cannot split")

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

// Split cuts a valid polygon with a line (a polyline in the same coordinates) and returns the pieces,
// largest first. The line must divide the polygon; its end segments are prolonged straight to well
// beyond the polygon, so a planner may draw a cut that stops on the walls. The pieces share the cut
// exactly, never overlap each other, and their areas add up to the polygon's.
func Split(p orb.Polygon, cut orb.LineString) ([]orb.Polygon, error) {
	if len(cut) < 2 {
		return nil, fmt.Errorf("%w: the cut needs at least 2 points", ErrSplit)
	}
	for _, pt := range cut {
		if !finite(pt[0]) || !finite(pt[1]) {
			return nil, fmt.Errorf("%w: the cut has a non-finite coordinate", ErrSplit)
		}
	}
	b := p.Bound().Union(cut.Bound())
	reach := 4 * (b.Max[0] - b.Min[0] + b.Max[1] - b.Min[1] + 1)
	line := extend(cut, reach)
	if line == nil {
		return nil, fmt.Errorf("%w: the cut's end segments have no length", ErrSplit)
	}
	whole := Area(p)
	var pieces []orb.Polygon
	var sum float64
	for _, side := range halves(line, reach) {
		g, err := sf.Intersection(toSF(p).AsGeometry(), toSF(side).AsGeometry())
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrSplit, err)
		}
		for _, piece := range polygonsOf(g) {
			a := Area(piece)
			sum += a
			if a >= MinOverlapArea {
				pieces = append(pieces, Normalize(piece))
			}
		}
	}
	if math.Abs(sum-whole) > 1e-6*math.Max(whole, 1) {
		return nil, fmt.Errorf("%w: the cut crosses itself or doubles back", ErrSplit)
	}
	if len(pieces) < 2 {
		return nil, fmt.Errorf("%w: the line does not cross the room", ErrSplit)
	}
	sort.SliceStable(pieces, func(i, j int) bool { return Area(pieces[i]) > Area(pieces[j]) })
	return pieces, nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// extend returns a copy of the line with its first and last segments prolonged by reach, or nil when an
// end segment has no length.
func extend(l orb.LineString, reach float64) orb.LineString {
	out := append(orb.LineString(nil), l...)
	n := len(out)
	d0, ok0 := direction(out[1], out[0])
	d1, ok1 := direction(out[n-2], out[n-1])
	if !ok0 || !ok1 {
		return nil
	}
	out[0] = orb.Point{out[0][0] + d0[0]*reach, out[0][1] + d0[1]*reach}
	out[n-1] = orb.Point{out[n-1][0] + d1[0]*reach, out[n-1][1] + d1[1]*reach}
	return out
}

// direction returns the unit vector from a to b.
func direction(a, b orb.Point) (orb.Point, bool) {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := math.Hypot(dx, dy)
	if l == 0 {
		return orb.Point{}, false
	}
	return orb.Point{dx / l, dy / l}, true
}

// halves closes the prolonged line into two polygons, one on each side, going round far outside.
func halves(l orb.LineString, reach float64) [2]orb.Polygon {
	first, last := l[0], l[len(l)-1]
	d, _ := direction(first, last)
	n := orb.Point{-d[1], d[0]} // left normal of the overall direction
	far := 2 * reach
	side := func(sign float64) orb.Polygon {
		r := append(orb.Ring(nil), l...)
		r = append(r,
			orb.Point{last[0] + sign*n[0]*far, last[1] + sign*n[1]*far},
			orb.Point{first[0] + sign*n[0]*far, first[1] + sign*n[1]*far},
			first)
		return orb.Polygon{r}
	}
	return [2]orb.Polygon{side(1), side(-1)}
}
