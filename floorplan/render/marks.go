package render

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Marks drawn over the rooms' fills: the hatching of voids and the floor's openings. Both are computed
// in pixels by the layout, so that PNG and SVG draw the same segments.

// hatchSpacing is the distance between two hatching lines, in pixels, for a plan whose room outlines are
// stroke pixels wide.
func hatchSpacing(stroke float64) float64 { return math.Max(6, 7*stroke) }

// hatchLines returns the segments of diagonal lines (bottom left to top right on the page, y down)
// spacing pixels apart that lie inside poly (pixels, even-odd rule: holes stay clear). The lines are
// those of one grid over the whole page, so the hatching of neighbouring voids lines up.
func hatchLines(poly orb.Polygon, spacing float64) []orb.LineString {
	if len(poly) == 0 || !(spacing > 0) {
		return nil
	}
	// A line of the grid is x + y = c with c a multiple of step (spacing measured across the lines).
	step := spacing * math.Sqrt2
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range poly {
		for _, pt := range r {
			lo, hi = math.Min(lo, pt[0]+pt[1]), math.Max(hi, pt[0]+pt[1])
		}
	}
	if !finite(lo) || !finite(hi) {
		return nil
	}
	var out []orb.LineString
	var xs []float64
	for k := math.Ceil(lo / step); k*step <= hi; k++ {
		c := k * step
		xs = xs[:0]
		for _, r := range poly {
			for i := range r {
				p, q := r[i], r[(i+1)%len(r)] // the closing edge too, when the ring is not closed
				fp, fq := p[0]+p[1]-c, q[0]+q[1]-c
				if (fp > 0) == (fq > 0) {
					continue // the edge does not cross the line (half-open: a vertex on it counts once)
				}
				t := fp / (fp - fq)
				xs = append(xs, p[0]+t*(q[0]-p[0]))
			}
		}
		slices.Sort(xs)
		for i := 0; i+1 < len(xs); i += 2 {
			if xs[i+1]-xs[i] > 0.5 {
				out = append(out, orb.LineString{{xs[i], c - xs[i]}, {xs[i+1], c - xs[i+1]}})
			}
		}
	}
	return out
}

// projectLines maps lines through toPx, leaving out positions that are not finite and lines left with
// fewer than two positions.
func projectLines(mls orb.MultiLineString, toPx func(orb.Point) orb.Point) []orb.LineString {
	out := make([]orb.LineString, 0, len(mls))
	for _, ls := range mls {
		if px := projectPoints(ls, toPx); len(px) >= 2 {
			out = append(out, px)
		}
	}
	return out
}

// projectPoints maps the finite positions of pts through toPx and leaves out the others.
func projectPoints(pts []orb.Point, toPx func(orb.Point) orb.Point) []orb.Point {
	out := make([]orb.Point, 0, len(pts))
	for _, pt := range pts {
		if finite(pt[0]) && finite(pt[1]) {
			out = append(out, toPx(pt))
		}
	}
	return out
}

// polygon is the box as a closed ring, in page order.
func (a rect) polygon() orb.Polygon {
	return orb.Polygon{{{a.x0, a.y0}, {a.x1, a.y0}, {a.x1, a.y1}, {a.x0, a.y1}, {a.x0, a.y0}}}
}
