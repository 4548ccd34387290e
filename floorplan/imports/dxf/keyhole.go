package dxf

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"officemap/geo"
)

// Keyholes. A CAD polyline cannot have holes, so drafters draw a room around a column as one outline
// that runs in to the column along a cut, around it, and back out along the same cut: a "keyhole". As
// a polygon that ring touches itself (invalid in the OGC sense), but it means a room with a hole, and
// its shoelace area is the room's area with the column taken out. Unkeyhole turns such a ring into that
// polygon; it gives up (and the ring is reported as invalid) on anything else, such as a ring that
// really crosses itself or two rooms joined at a corner.

// Unkeyhole returns the polygon a keyhole ring stands for: the cuts (edges run both ways) removed, the
// loops left split at the vertices they share, the largest loop the outer ring and the others its
// holes. ok is false unless the result is a valid polygon with the ring's own shoelace area.
func Unkeyhole(ring orb.Ring) (p orb.Polygon, ok bool) {
	pts := []orb.Point(ring)
	if n := len(pts); n > 1 && pts[0] == pts[n-1] {
		pts = pts[:n-1]
	}
	n := len(pts)
	if n < 3 || n > geo.MaxVertices {
		return nil, false
	}
	type edge struct{ a, b orb.Point }
	edges := make([]edge, 0, n)
	for i := range pts {
		a, b := pts[i], pts[(i+1)%n]
		if a != b {
			edges = append(edges, edge{a, b})
		}
	}
	// Cancel each edge against a later edge that runs back along it.
	dead := make([]bool, len(edges))
	open := map[edge][]int{}
	for i, e := range edges {
		back := edge{e.b, e.a}
		if js := open[back]; len(js) > 0 {
			dead[js[len(js)-1]], dead[i] = true, true
			open[back] = js[:len(js)-1]
			continue
		}
		open[e] = append(open[e], i)
	}
	// Walk what is left into closed loops, in the ring's order.
	out := map[orb.Point][]int{}
	for i, e := range edges {
		if !dead[i] {
			out[e.a] = append(out[e.a], i)
		}
	}
	used := make([]bool, len(edges))
	var loops [][]orb.Point
	for i := range edges {
		if dead[i] || used[i] {
			continue
		}
		start := edges[i].a
		var loop []orb.Point
		for j := i; ; {
			used[j] = true
			loop = append(loop, edges[j].a)
			next := -1
			for _, k := range out[edges[j].b] {
				if !used[k] {
					next = k
					break
				}
			}
			if next < 0 {
				if edges[j].b != start {
					return nil, false
				}
				break
			}
			j = next
		}
		loops = append(loops, splitLoops(loop)...)
	}
	var rings []orb.Ring
	for _, l := range loops {
		r := orb.Ring(append(l, l[0]))
		if len(r) >= 4 && geo.RingArea(r) > 0 {
			rings = append(rings, r)
		}
	}
	if len(rings) < 2 {
		return nil, false
	}
	shell := 0
	for i, r := range rings {
		if geo.RingArea(r) > geo.RingArea(rings[shell]) {
			shell = i
		}
	}
	p = orb.Polygon{rings[shell]}
	for i, r := range rings {
		if i == shell {
			continue
		}
		for _, q := range r {
			if !planar.RingContains(rings[shell], q) && !onRing(rings[shell], q) {
				return nil, false
			}
		}
		p = append(p, r)
	}
	p = geo.Normalize(p)
	if geo.Validate(p) != nil {
		return nil, false
	}
	want := geo.RingArea(ring)
	if math.Abs(geo.Area(p)-want) > 1e-9*math.Max(1, want) {
		return nil, false
	}
	return p, true
}

// splitLoops splits a closed walk at every vertex it visits twice into simple loops.
func splitLoops(walk []orb.Point) [][]orb.Point {
	var out [][]orb.Point
	var stack []orb.Point
	at := map[orb.Point]int{}
	for _, q := range walk {
		if i, seen := at[q]; seen {
			loop := append([]orb.Point(nil), stack[i:]...)
			out = append(out, loop)
			for _, r := range stack[i+1:] {
				delete(at, r)
			}
			stack = stack[:i+1]
			continue
		}
		at[q] = len(stack)
		stack = append(stack, q)
	}
	return append(out, stack)
}

// onRing reports whether q lies on one of the ring's edges.
func onRing(r orb.Ring, q orb.Point) bool {
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		cross := (b[0]-a[0])*(q[1]-a[1]) - (b[1]-a[1])*(q[0]-a[0])
		if math.Abs(cross) > 1e-12*math.Max(1, math.Hypot(b[0]-a[0], b[1]-a[1])) {
			continue
		}
		if q[0] >= math.Min(a[0], b[0]) && q[0] <= math.Max(a[0], b[0]) && q[1] >= math.Min(a[1], b[1]) && q[1] <= math.Max(a[1], b[1]) {
			return true
		}
	}
	return false
}
