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
func Outside(p, region orb.Polygon, step float64) (Beyond, error) {
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
