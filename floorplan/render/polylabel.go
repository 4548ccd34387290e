package render

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// poleOfInaccessibility returns the interior point of p farthest from its outline (within precision),
// and that distance: where a label has the most room. It is the polylabel algorithm (Garcia-Castellanos
// & Lombardo 2007, as Mapbox implemented it): a quadtree of cells searched best-first, each cell pruned
// when it cannot hold a better point. The distance is 0 for an empty or degenerate polygon.
func poleOfInaccessibility(p orb.Polygon, precision float64) (orb.Point, float64) {
	if len(p) == 0 || len(p[0]) < 3 {
		return orb.Point{}, 0
	}
	b := p.Bound()
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	size := math.Min(w, h)
	if !(size > 0) {
		return b.Center(), 0
	}
	// Most rooms are axis-aligned rectangles: their pole is the centre.
	if len(p) == 1 && math.Abs(planar.Area(p)-w*h) <= 1e-9*w*h {
		return b.Center(), size / 2
	}
	half := size / 2

	var q cellQueue
	for x := b.Min[0]; x < b.Max[0]; x += size {
		for y := b.Min[1]; y < b.Max[1]; y += size {
			q.push(newCell(orb.Point{x + half, y + half}, half, p))
		}
	}
	best := newCell(b.Center(), 0, p)
	if c, _ := planar.CentroidArea(p); !math.IsNaN(c[0]) {
		if cc := newCell(c, 0, p); cc.d > best.d {
			best = cc
		}
	}
	// Bounded: a few thousand cells are enough for any room; this keeps a pathological outline from
	// costing more than a millisecond.
	for n := 0; len(q) > 0 && n < 4000; n++ {
		c := q.pop()
		if c.d > best.d {
			best = c
		}
		if c.max-best.d <= precision {
			continue
		}
		hh := c.h / 2
		q.push(newCell(orb.Point{c.p[0] - hh, c.p[1] - hh}, hh, p))
		q.push(newCell(orb.Point{c.p[0] + hh, c.p[1] - hh}, hh, p))
		q.push(newCell(orb.Point{c.p[0] - hh, c.p[1] + hh}, hh, p))
		q.push(newCell(orb.Point{c.p[0] + hh, c.p[1] + hh}, hh, p))
	}
	return best.p, math.Max(best.d, 0)
}

type cell struct {
	p   orb.Point
	h   float64 // half the cell's side
	d   float64 // signed distance from p to the outline (positive inside)
	max float64 // the best distance any point of the cell can have
}

func newCell(p orb.Point, h float64, poly orb.Polygon) cell {
	d := signedDistance(p, poly)
	return cell{p: p, h: h, d: d, max: d + h*math.Sqrt2}
}

// signedDistance is the distance from pt to the nearest edge of poly, positive inside it.
func signedDistance(pt orb.Point, poly orb.Polygon) float64 {
	inside := false
	minSq := math.Inf(1)
	for _, r := range poly {
		n := len(r)
		for i, j := 0, n-1; i < n; j, i = i, i+1 {
			a, b := r[i], r[j]
			if (a[1] > pt[1]) != (b[1] > pt[1]) && pt[0] < (b[0]-a[0])*(pt[1]-a[1])/(b[1]-a[1])+a[0] {
				inside = !inside
			}
			if d := segDistSq(pt, a, b); d < minSq {
				minSq = d
			}
		}
	}
	d := math.Sqrt(minSq)
	if inside {
		return d
	}
	return -d
}

func segDistSq(p, a, b orb.Point) float64 {
	x, y := a[0], a[1]
	dx, dy := b[0]-x, b[1]-y
	if dx != 0 || dy != 0 {
		t := ((p[0]-x)*dx + (p[1]-y)*dy) / (dx*dx + dy*dy)
		if t > 1 {
			x, y = b[0], b[1]
		} else if t > 0 {
			x += dx * t
			y += dy * t
		}
	}
	dx, dy = p[0]-x, p[1]-y
	return dx*dx + dy*dy
}

// cellQueue is a max-heap of cells by their best possible distance (typed, so cells are not boxed).
type cellQueue []cell

func (q *cellQueue) push(c cell) {
	*q = append(*q, c)
	h := *q
	for i := len(h) - 1; i > 0; {
		parent := (i - 1) / 2
		if h[parent].max >= h[i].max {
			break
		}
		h[parent], h[i] = h[i], h[parent]
		i = parent
	}
}

func (q *cellQueue) pop() cell {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		l, r, big := 2*i+1, 2*i+2, i
		if l < len(h) && h[l].max > h[big].max {
			big = l
		}
		if r < len(h) && h[r].max > h[big].max {
			big = r
		}
		if big == i {
			break
		}
		h[i], h[big] = h[big], h[i]
		i = big
	}
	*q = h
	return top
}

// rect is an axis-aligned box in pixels.
type rect struct{ x0, y0, x1, y1 float64 }

func (a rect) overlaps(b rect) bool { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1 }

func (a rect) grow(d float64) rect { return rect{a.x0 - d, a.y0 - d, a.x1 + d, a.y1 + d} }

// rectInPolygon reports whether the box r lies inside poly: its corners are inside and no edge of
// poly (outer ring or hole) passes through it.
func rectInPolygon(r rect, poly orb.Polygon) bool {
	for _, c := range [4]orb.Point{{r.x0, r.y0}, {r.x1, r.y0}, {r.x1, r.y1}, {r.x0, r.y1}} {
		if !planar.PolygonContains(poly, c) {
			return false
		}
	}
	for _, ring := range poly {
		for i := 1; i < len(ring); i++ {
			if segmentCrossesRect(ring[i-1], ring[i], r) {
				return false
			}
		}
		if n := len(ring); n > 1 && ring[0] != ring[n-1] && segmentCrossesRect(ring[n-1], ring[0], r) {
			return false
		}
	}
	return true
}

// segmentCrossesRect reports whether segment ab has a part inside r (Liang–Barsky clipping).
func segmentCrossesRect(a, b orb.Point, r rect) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := b[0]-a[0], b[1]-a[1]
	clip := func(p, q float64) bool {
		if p == 0 {
			return q >= 0
		}
		t := q / p
		if p < 0 {
			if t > t1 {
				return false
			}
			if t > t0 {
				t0 = t
			}
		} else {
			if t < t0 {
				return false
			}
			if t < t1 {
				t1 = t
			}
		}
		return true
	}
	return clip(-dx, a[0]-r.x0) && clip(dx, r.x1-a[0]) && clip(-dy, a[1]-r.y0) && clip(dy, r.y1-a[1]) && t0 < t1
}
