package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// Beyond is how far a polygon reaches out of a region (Outside).
type Beyond struct {
	// Depth is the greatest distance to the region of a point of the polygon, in the coordinates' unit; 0
	// when the polygon lies inside it. It never overstates (see Outside).
	Depth float64
	// Area is the area of the part of the polygon outside the region.
	Area float64
	// At is a point of the polygon about Depth from the region (meaningful when Depth > 0).
	At orb.Point
}

// maxOutsideSamples bounds the points Outside measures, whatever the size of the part outside.
const maxOutsideSamples = 1 << 14

// Outside measures how far the valid polygon p reaches out of the valid polygon region (a room out of
// its floor's outline). The part of p outside region is computed by overlay; its depth is the greatest
// distance to region of points taken along its boundary at most step apart (more apart for a part whose
// boundary is longer than step·16384), and at least its area over its perimeter (which every part
// reaches somewhere inside: that is how a hole of region covered by p counts). So Depth never overstates
// the true greatest distance, and understates it by at most half the spacing along a boundary (and by at
// most half for a part whose deepest point is inside it, a covered hole).
//
// A polygon whose vertices all lie in a convex region (one ring, no holes: a rectangular floor) lies in it,
// and is answered without the overlay.
func Outside(p, region orb.Polygon, step float64) (Beyond, error) {
	if len(p) > 0 && len(region) == 1 && convexHolds(region[0], p[0]) {
		return Beyond{}, nil
	}
	return outsideByOverlay(p, region, step)
}

// outsideByOverlay is Outside through the overlay, whatever the region.
func outsideByOverlay(p, region orb.Polygon, step float64) (Beyond, error) {
	g, err := sf.Difference(toSF(p).AsGeometry(), toSF(region).AsGeometry())
	if err != nil {
		return Beyond{}, fmt.Errorf("geo: difference: %w", err)
	}
	var out Beyond
	parts := polygonsOf(g)
	perimeter := 0.0
	for _, part := range parts {
		perimeter += polygonLength(part)
	}
	spacing := max(step, perimeter/maxOutsideSamples)
	for _, part := range parts {
		a := Area(part)
		if !(a > 0) {
			continue
		}
		out.Area += a
		if d := a / polygonLength(part); d > out.Depth {
			out.Depth, out.At = d, part[0][0]
		}
		for _, r := range part {
			eachSample(r, spacing, func(q orb.Point) {
				if d := distanceToBoundary(region, q); d > out.Depth {
					out.Depth, out.At = d, q
				}
			})
		}
	}
	return out, nil
}

// polygonLength is the length of every ring of p.
func polygonLength(p orb.Polygon) float64 {
	n := 0.0
	for _, r := range p {
		for i := 1; i < len(r); i++ {
			n += math.Hypot(r[i][0]-r[i-1][0], r[i][1]-r[i-1][1])
		}
	}
	return n
}

// eachSample calls fn with points along ring r at most spacing apart: every vertex and points between.
func eachSample(r orb.Ring, spacing float64, fn func(orb.Point)) {
	for i := 1; i < len(r); i++ {
		a, b := r[i-1], r[i]
		n := max(1, int(math.Ceil(math.Hypot(b[0]-a[0], b[1]-a[1])/spacing)))
		for k := 0; k < n; k++ {
			t := float64(k) / float64(n)
			fn(orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])})
		}
	}
}

// maxConvexVertices bounds the ring convexHolds tests (its cost grows with the square of the ring's size).
const maxConvexVertices = 64

// convexHolds reports whether ring is convex and every vertex of ring p lies in it or on its boundary, which
// puts the whole polygon of p inside ring (a convex set holds the hull of any points it holds). It
// answers false when it cannot tell: a ring that is not convex, degenerate or larger than
// maxConvexVertices, or a vertex on the outer side of an edge's line (as the floating-point cross product
// finds it: a vertex out by a rounding error of its coordinates may pass, and then reaches out that much).
func convexHolds(ring, p orb.Ring) bool {
	n := len(ring) - 1 // the ring is closed: its last point repeats the first
	if n < 3 || n > maxConvexVertices || ring[0] != ring[n] {
		return false
	}
	// side is the side of edge i's line (its left, when positive) that point q lies on, times the ring's
	// orientation, so that the inside is where side ≥ 0 for every edge.
	orient := 1.0
	switch a := ringSignedArea(ring); {
	case a < 0:
		orient = -1
	case !(a > 0):
		return false
	}
	side := func(i int, q orb.Point) float64 {
		a, b := ring[i], ring[i+1]
		return orient * ((b[0]-a[0])*(q[1]-a[1]) - (b[1]-a[1])*(q[0]-a[0]))
	}
	for i := 0; i < n; i++ {
		if ring[i] == ring[i+1] {
			return false
		}
		for j := 0; j < n; j++ {
			if side(i, ring[j]) < 0 { // a vertex beyond an edge: the ring is not convex
				return false
			}
		}
	}
	for _, q := range p {
		for i := 0; i < n; i++ {
			if side(i, q) < 0 {
				return false
			}
		}
	}
	return true
}
