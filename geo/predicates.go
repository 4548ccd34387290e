package geo

// Exact geometric predicates. Validation decides "does this vertex touch that edge" with exact
// arithmetic, so that a room drawn with a vertex exactly on a wall is judged on the numbers it has, not
// on rounding. The orientation test is Shewchuk's: a floating-point filter with a proven error bound,
// and an exact fallback (error-free transformations into a floating-point expansion) when the filter
// cannot decide. The fallback allocates nothing.

import (
	"math"

	"github.com/paulmach/orb"
)

// ccwErrBound is Shewchuk's error bound for the floating-point orientation determinant:
// (3 + 16ε)ε with ε = 2⁻⁵³.
const ccwErrBound = (3 + 16*0x1p-53) * 0x1p-53

// orient returns +1 when c lies to the left of the directed line a→b (a, b, c counter-clockwise),
// -1 when it lies to the right and 0 when the three points are collinear. It is exact for finite
// coordinates (barring overflow and underflow far outside any drawing's range).
func orient(a, b, c orb.Point) int {
	// The conversions keep each product rounded on its own (no fused multiply-add), as the error
	// bound assumes.
	l := float64((b[0] - a[0]) * (c[1] - a[1]))
	r := float64((b[1] - a[1]) * (c[0] - a[0]))
	det := l - r
	bound := ccwErrBound * (math.Abs(l) + math.Abs(r))
	if det > bound {
		return 1
	}
	if -det > bound {
		return -1
	}
	return orientExact(a, b, c)
}

// orientExact computes the sign of the orientation determinant exactly. The four differences are
// split into exact two-term sums, their products into exact two-term products, and the sixteen terms
// summed into a non-overlapping expansion whose largest component carries the sign.
func orientExact(a, b, c orb.Point) int {
	// Axis-aligned collinear points are common in drawings; answer them without the expansion.
	bx, by := b[0]-a[0], b[1]-a[1]
	cx, cy := c[0]-a[0], c[1]-a[1]
	if (bx == 0 || cy == 0) && (by == 0 || cx == 0) {
		return 0
	}
	bxh, bxl := twoSum(b[0], -a[0])
	byh, byl := twoSum(b[1], -a[1])
	cxh, cxl := twoSum(c[0], -a[0])
	cyh, cyl := twoSum(c[1], -a[1])
	var terms [16]float64
	n := 0
	add := func(x, y float64) {
		h, l := twoProduct(x, y)
		terms[n], terms[n+1] = h, l
		n += 2
	}
	add(bxh, cyh)
	add(bxh, cyl)
	add(bxl, cyh)
	add(bxl, cyl)
	add(-byh, cxh)
	add(-byh, cxl)
	add(-byl, cxh)
	add(-byl, cxl)
	return expansionSign(terms[:])
}

// twoSum returns s and e with s = fl(a+b) and s + e = a + b exactly (Knuth).
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bv := float64(s - a)
	av := float64(s - bv)
	e = float64(a-av) + float64(b-bv)
	return s, e
}

// twoProduct returns p and e with p = fl(a·b) and p + e = a·b exactly.
func twoProduct(a, b float64) (p, e float64) {
	p = float64(a * b)
	return p, math.FMA(a, b, -p)
}

// expansionSign returns the sign of the exact sum of terms. It grows a non-overlapping expansion
// (Shewchuk's GROW-EXPANSION) in place; the sign of the sum is that of its largest non-zero component.
func expansionSign(terms []float64) int {
	var e [16]float64
	m := 0
	for _, t := range terms {
		if t == 0 {
			continue
		}
		q := t
		k := 0
		for i := 0; i < m; i++ {
			var h float64
			q, h = twoSum(q, e[i])
			if h != 0 {
				e[k] = h
				k++
			}
		}
		e[k] = q
		m = k + 1
	}
	for i := m - 1; i >= 0; i-- {
		switch {
		case e[i] > 0:
			return 1
		case e[i] < 0:
			return -1
		}
	}
	return 0
}

// inBox reports whether p lies in the closed bounding box of a and b. For a point collinear with a and
// b that is the same as lying on the segment a–b.
func inBox(a, b, p orb.Point) bool {
	return min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) &&
		min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
}

// onSegment reports whether p lies on the closed segment a–b.
func onSegment(a, b, p orb.Point) bool {
	return inBox(a, b, p) && orient(a, b, p) == 0
}

// boxesApart reports whether the bounding boxes of segments a–b and c–d are disjoint.
func boxesApart(a, b, c, d orb.Point) bool {
	return max(a[0], b[0]) < min(c[0], d[0]) || max(c[0], d[0]) < min(a[0], b[0]) ||
		max(a[1], b[1]) < min(c[1], d[1]) || max(c[1], d[1]) < min(a[1], b[1])
}

// segHit says how two segments meet.
type segHit uint8

const (
	hitNone    segHit = iota
	hitCross          // the interiors cross at one point
	hitTouch          // they meet at one point that is an endpoint of at least one of them
	hitOverlap        // they are collinear and share a piece of positive length
)

// segIntersect classifies how segments p1–p2 and q1–q2 (each of positive length) meet, and returns a
// point where they do: the crossing (rounded), the touching endpoint, or one end of the shared piece.
func segIntersect(p1, p2, q1, q2 orb.Point) (segHit, orb.Point) {
	if boxesApart(p1, p2, q1, q2) {
		return hitNone, orb.Point{}
	}
	return segIntersectBoxed(p1, p2, q1, q2)
}

// segIntersectBoxed is segIntersect for segments whose bounding boxes are known to intersect.
func segIntersectBoxed(p1, p2, q1, q2 orb.Point) (segHit, orb.Point) {
	// Most pairs whose boxes meet still lie apart: one segment wholly on one side of the other's line.
	// Decide those with the filter alone, written out here because the calls would cost more than the
	// arithmetic.
	if apartFast(p1, p2, q1, q2) || apartFast(q1, q2, p1, p2) {
		return hitNone, orb.Point{}
	}
	o1, o2 := orient(p1, p2, q1), orient(p1, p2, q2)
	if o1 == o2 && o1 != 0 {
		return hitNone, orb.Point{}
	}
	o3, o4 := orient(q1, q2, p1), orient(q1, q2, p2)
	if o3 == o4 && o3 != 0 {
		return hitNone, orb.Point{}
	}
	if o1 == 0 && o2 == 0 {
		// Collinear: compare the pieces along the line.
		var on [4]orb.Point
		n := 0
		for _, c := range [...]struct {
			a, b, p orb.Point
		}{{p1, p2, q1}, {p1, p2, q2}, {q1, q2, p1}, {q1, q2, p2}} {
			if inBox(c.a, c.b, c.p) {
				on[n] = c.p
				n++
			}
		}
		if n == 0 {
			return hitNone, orb.Point{}
		}
		for i := 1; i < n; i++ {
			if on[i] != on[0] {
				return hitOverlap, on[0]
			}
		}
		return hitTouch, on[0]
	}
	if o1*o2 < 0 && o3*o4 < 0 {
		return hitCross, crossing(p1, p2, q1, q2)
	}
	switch {
	case o1 == 0 && inBox(p1, p2, q1):
		return hitTouch, q1
	case o2 == 0 && inBox(p1, p2, q2):
		return hitTouch, q2
	case o3 == 0 && inBox(q1, q2, p1):
		return hitTouch, p1
	case o4 == 0 && inBox(q1, q2, p2):
		return hitTouch, p2
	}
	return hitNone, orb.Point{}
}

// apartFast reports whether c and d lie certainly strictly on the same side of the line a→b, by the
// orientation filter alone; false means "not certain".
func apartFast(a, b, c, d orb.Point) bool {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l1, r1 := float64(dx*(c[1]-a[1])), float64(dy*(c[0]-a[0]))
	l2, r2 := float64(dx*(d[1]-a[1])), float64(dy*(d[0]-a[0]))
	d1, e1 := l1-r1, ccwErrBound*(math.Abs(l1)+math.Abs(r1))
	d2, e2 := l2-r2, ccwErrBound*(math.Abs(l2)+math.Abs(r2))
	return (d1 > e1 && d2 > e2) || (d1 < -e1 && d2 < -e2)
}

// crossing returns the (rounded) point where the lines through p1–p2 and q1–q2 meet, computed relative
// to p1 to keep precision at large coordinates.
func crossing(p1, p2, q1, q2 orb.Point) orb.Point {
	rx, ry := p2[0]-p1[0], p2[1]-p1[1]
	sx, sy := q2[0]-q1[0], q2[1]-q1[1]
	den := rx*sy - ry*sx
	if den == 0 {
		return p1
	}
	t := ((q1[0]-p1[0])*sy - (q1[1]-p1[1])*sx) / den
	t = math.Max(0, math.Min(1, t))
	return orb.Point{p1[0] + t*rx, p1[1] + t*ry}
}

// Where a point lies with respect to a ring or polygon.
const (
	outside = iota
	onBoundary
	inside
)
