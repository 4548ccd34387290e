package geo

// How rings of one polygon, or parts of a multipolygon, relate to each other.
//
// Once no edge of ring a properly crosses an edge of region b, every edge of a meets b's boundary only
// at b's vertices lying on it, at its own endpoints, or along collinear pieces whose ends are such
// points. Split at b's vertices, each piece of a's edge therefore lies wholly inside b, wholly outside
// b, or wholly along one edge of b. The last is decided exactly (both ends on that edge); the first two
// by the piece's midpoint. This classification is complete: two valid regions whose boundaries do not
// cross share interior exactly when a piece of one lies inside the other, or a shared piece has both
// interiors on the same side.

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// bandIndex lists the edges of a ring by horizontal bands of its y range, so that the edges whose y
// range meets a given one are found without scanning the whole ring: rings of thousands of vertices
// (tessellated arcs) are then related in close to linear time. Banding only prunes candidates, with
// monotone arithmetic, so every decision stays exact. Edges of zero length are left out.
type bandIndex struct {
	r     orb.Ring
	bound orb.Bound
	minY  float64
	scale float64   // bands per unit of y
	bands [][]int32 // start indices of the edges whose y range meets each band
}

func newBandIndex(r orb.Ring) *bandIndex {
	x := &bandIndex{r: r, bound: r.Bound()}
	x.minY = x.bound.Min[1]
	nb := 1
	if n := len(r) - 1; n > 32 {
		nb = min(256, int(2*math.Sqrt(float64(n))))
	}
	if h := x.bound.Max[1] - x.minY; h > 0 {
		x.scale = float64(nb) / h
	} else {
		nb = 1
	}
	x.bands = make([][]int32, nb)
	for j := 0; j+1 < len(r); j++ {
		if r[j] == r[j+1] {
			continue
		}
		b0, b1 := x.band(min(r[j][1], r[j+1][1])), x.band(max(r[j][1], r[j+1][1]))
		for k := b0; k <= b1; k++ {
			x.bands[k] = append(x.bands[k], int32(j))
		}
	}
	return x
}

// band returns the band of y, clamped to the index.
func (x *bandIndex) band(y float64) int {
	f := (y - x.minY) * x.scale
	switch {
	case f <= 0:
		return 0
	case f >= float64(len(x.bands)-1):
		return len(x.bands) - 1
	}
	return int(f)
}

// locate says where p lies with respect to the closed ring (either orientation), exactly, by the
// winding number of the edges crossing p's horizontal.
func (x *bandIndex) locate(p orb.Point) int {
	wn := 0
	for _, j := range x.bands[x.band(p[1])] {
		a, b := x.r[j], x.r[j+1]
		if a[1] <= p[1] {
			if b[1] > p[1] {
				switch orient(a, b, p) {
				case 1:
					wn++
				case 0:
					return onBoundary
				}
			} else if b[1] == p[1] && inBox(a, b, p) && orient(a, b, p) == 0 {
				return onBoundary
			}
		} else if b[1] <= p[1] {
			switch orient(a, b, p) {
			case -1:
				wn--
			case 0:
				return onBoundary
			}
		}
	}
	if wn != 0 {
		return inside
	}
	return outside
}

// region is a polygon (or a single ring taken as a polygon) with its rings indexed.
type region struct {
	p     orb.Polygon
	rings []*bandIndex
}

func newRegion(p orb.Polygon) *region {
	g := &region{p: p, rings: make([]*bandIndex, len(p))}
	for i, r := range p {
		g.rings[i] = newBandIndex(r)
	}
	return g
}

func (g *region) bound() orb.Bound { return g.rings[0].bound }

// locate says where p lies: inside the outer ring and outside every hole is inside; on any ring is on
// the boundary.
func (g *region) locate(p orb.Point) int {
	s := g.rings[0].locate(p)
	if s != inside {
		return s
	}
	for _, h := range g.rings[1:] {
		switch h.locate(p) {
		case inside:
			return outside
		case onBoundary:
			return onBoundary
		}
	}
	return inside
}

// firstCrossing returns the first edge of a (by its start index) whose interior properly crosses the
// interior of an edge of b, and the crossing point.
func firstCrossing(a orb.Ring, b *region) (int, orb.Point, bool) {
	bb := b.bound()
	for i := 0; i+1 < len(a); i++ {
		a1, a2 := a[i], a[i+1]
		if a1 == a2 || boxesApart(a1, a2, bb.Min, bb.Max) {
			continue
		}
		lo, hi := min(a1[1], a2[1]), max(a1[1], a2[1])
		for _, x := range b.rings {
			for k := x.band(lo); k <= x.band(hi); k++ {
				for _, j := range x.bands[k] {
					if hit, at := segIntersect(a1, a2, x.r[j], x.r[j+1]); hit == hitCross {
						return i, at, true
					}
				}
			}
		}
	}
	return 0, orb.Point{}, false
}

// piece is a part of an edge of ring a between consecutive points where it meets b's boundary.
type piece struct {
	edge int       // start index of a's edge
	p, q orb.Point // the piece's ends, in the edge's direction
}

// pieceClass says where a piece lies with respect to region b.
type pieceClass struct {
	where       int // outside, onBoundary (along an edge of b) or inside
	ring, bEdge int // b's ring and edge start index, when onBoundary
}

// eachPiece calls fn for each piece of each edge of a, split at b's vertices; it stops when fn returns
// false and then returns false.
func eachPiece(a orb.Ring, b *region, fn func(piece) bool) bool {
	var buf [8]orb.Point
	bb := b.bound()
	for i := 0; i+1 < len(a); i++ {
		a1, a2 := a[i], a[i+1]
		if a1 == a2 {
			continue
		}
		splits := buf[:0]
		if !boxesApart(a1, a2, bb.Min, bb.Max) {
			// Every vertex of b starts an indexed edge whose y range holds the vertex.
			lo, hi := min(a1[1], a2[1]), max(a1[1], a2[1])
			for _, x := range b.rings {
				for k := x.band(lo); k <= x.band(hi); k++ {
					for _, j := range x.bands[k] {
						v := x.r[j]
						if v != a1 && v != a2 && onSegment(a1, a2, v) && !slices.Contains(splits, v) {
							splits = append(splits, v)
						}
					}
				}
			}
		}
		if len(splits) > 1 {
			// Points on the segment are ordered by their coordinate along its longer axis, exactly.
			k := 0
			if math.Abs(a2[1]-a1[1]) > math.Abs(a2[0]-a1[0]) {
				k = 1
			}
			up := a2[k] > a1[k]
			slices.SortFunc(splits, func(s, t orb.Point) int {
				c := 0
				switch {
				case s[k] < t[k]:
					c = -1
				case s[k] > t[k]:
					c = 1
				}
				if !up {
					c = -c
				}
				return c
			})
		}
		prev := a1
		for _, s := range splits {
			if !fn(piece{i, prev, s}) {
				return false
			}
			prev = s
		}
		if !fn(piece{i, prev, a2}) {
			return false
		}
	}
	return true
}

// classify says where a piece lies with respect to region b.
func classify(pc piece, b *region) pieceClass {
	for ri, x := range b.rings {
		for _, j := range x.bands[x.band(pc.p[1])] {
			e1, e2 := x.r[j], x.r[j+1]
			if inBox(e1, e2, pc.p) && inBox(e1, e2, pc.q) && orient(e1, e2, pc.p) == 0 && orient(e1, e2, pc.q) == 0 {
				return pieceClass{where: onBoundary, ring: ri, bEdge: int(j)}
			}
		}
	}
	w := b.locate(midpoint(pc.p, pc.q))
	if w == onBoundary {
		// The piece's interior does not meet b's boundary; only rounding of the midpoint can put it
		// there. Such a piece lies within a rounding error of b's boundary: call it outside.
		w = outside
	}
	return pieceClass{where: w}
}

func midpoint(p, q orb.Point) orb.Point {
	return orb.Point{p[0] + (q[0]-p[0])/2, p[1] + (q[1]-p[1])/2}
}

// validateHoles checks the holes of a polygon whose rings are each valid on their own.
func validateHoles(p orb.Polygon) *ValidationError {
	rings := make([]*region, len(p)) // each ring as a region of its own
	for i, r := range p {
		rings[i] = newRegion(orb.Polygon{r})
	}
	shell := rings[0]
	for hi := 1; hi < len(p); hi++ {
		h := p[hi]
		en, zh := ringName(hi)
		for vi, q := range h[:len(h)-1] {
			if shell.locate(q) == outside {
				return invalid(ReasonHoleOutside, hi, vi, &q,
					fmt.Sprintf("%s vertex %d at %s is outside the outer ring", en, vi, xy(q)),
					fmt.Sprintf("%s的顶点 %d %s 位于外环之外", zh, vi, xy(q)))
			}
		}
		if vi, at, ok := firstCrossing(h, shell); ok {
			return invalid(ReasonHoleOutside, hi, vi, &at,
				fmt.Sprintf("%s crosses the outer ring at %s (edge %d–%d of the hole)", en, xy(at), vi, vi+1),
				fmt.Sprintf("%s在 %s 处与外环相交（内环边 %d–%d）", zh, xy(at), vi, vi+1))
		}
		var bad *ValidationError
		eachPiece(h, shell, func(pc piece) bool {
			at := midpoint(pc.p, pc.q)
			switch classify(pc, shell).where {
			case onBoundary:
				bad = invalid(ReasonHoleOutside, hi, pc.edge, &at,
					fmt.Sprintf("%s runs along the outer ring at %s (edge %d–%d of the hole)", en, xy(at), pc.edge, pc.edge+1),
					fmt.Sprintf("%s在 %s 处与外环共边（内环边 %d–%d）", zh, xy(at), pc.edge, pc.edge+1))
			case outside:
				bad = invalid(ReasonHoleOutside, hi, pc.edge, &at,
					fmt.Sprintf("%s passes outside the outer ring at %s (edge %d–%d of the hole)", en, xy(at), pc.edge, pc.edge+1),
					fmt.Sprintf("%s在 %s 处越出外环（内环边 %d–%d）", zh, xy(at), pc.edge, pc.edge+1))
			}
			return bad == nil
		})
		if bad != nil {
			return bad
		}
	}
	for i := 1; i < len(p); i++ {
		for j := i + 1; j < len(p); j++ {
			if !rings[i].bound().Intersects(rings[j].bound()) {
				continue
			}
			if e := holesApart(p, rings, i, j); e != nil {
				return e
			}
		}
	}
	return interiorConnected(p, rings)
}

// holesApart checks that holes i and j neither cross, overlap, nest nor share an edge.
func holesApart(p orb.Polygon, rings []*region, i, j int) *ValidationError {
	fail := func(at orb.Point, vertex int, en, zh string) *ValidationError {
		return invalid(ReasonHolesIntersect, i, vertex, &at,
			fmt.Sprintf("hole %d and hole %d %s at %s", i, j, en, xy(at)),
			fmt.Sprintf("内环 %d 与内环 %d 在 %s 处%s", i, j, xy(at), zh))
	}
	if vi, at, ok := firstCrossing(p[i], rings[j]); ok {
		return fail(at, vi, "cross", "相交")
	}
	var bad *ValidationError
	eachPiece(p[i], rings[j], func(pc piece) bool {
		at := midpoint(pc.p, pc.q)
		switch classify(pc, rings[j]).where {
		case onBoundary:
			bad = fail(at, pc.edge, "share an edge", "共边")
		case inside:
			bad = fail(at, pc.edge, "overlap", "重叠")
		}
		return bad == nil
	})
	if bad != nil {
		return bad
	}
	eachPiece(p[j], rings[i], func(pc piece) bool {
		if classify(pc, rings[i]).where == inside {
			bad = fail(midpoint(pc.p, pc.q), -1, "overlap", "重叠")
		}
		return bad == nil
	})
	return bad
}

// interiorConnected checks that rings touching at points do not cut the interior into pieces. Rings
// and touch points form a graph (a ring is joined to each point where it touches another ring); the
// interior is disconnected exactly when that graph has a cycle: a hole touching the outer ring twice,
// two holes touching twice, or a loop of holes.
func interiorConnected(p orb.Polygon, rings []*region) *ValidationError {
	type link struct {
		at   orb.Point
		ring int
	}
	var nodes map[orb.Point]int // touch point → node id (rings are nodes 0…len(p)-1)
	var linked map[link]bool
	var parent []int
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	join := func(at orb.Point, ring int) bool { // false when it closes a cycle
		if nodes == nil {
			nodes, linked = map[orb.Point]int{}, map[link]bool{}
			parent = make([]int, len(p))
			for i := range parent {
				parent[i] = i
			}
		}
		if linked[link{at, ring}] {
			return true
		}
		linked[link{at, ring}] = true
		id, ok := nodes[at]
		if !ok {
			id = len(parent)
			nodes[at] = id
			parent = append(parent, id)
		}
		a, b := find(id), find(ring)
		if a == b {
			return false
		}
		parent[a] = b
		return true
	}
	for i := range p {
		for j := range p {
			if i == j || !rings[i].bound().Intersects(rings[j].bound()) {
				continue
			}
			// Vertices of ring i on ring j are the touch points (each is found from one side or both).
			bj := rings[j].bound()
			for _, q := range p[i][:len(p[i])-1] {
				if !bj.Contains(q) || rings[j].locate(q) != onBoundary {
					continue
				}
				if !join(q, i) || !join(q, j) {
					a, b := min(i, j), max(i, j)
					en := fmt.Sprintf("hole %d and hole %d", a, b)
					zh := fmt.Sprintf("内环 %d 与内环 %d", a, b)
					if a == 0 {
						en, zh = fmt.Sprintf("the outer ring and hole %d", b), fmt.Sprintf("外环与内环 %d", b)
					}
					return invalid(ReasonInteriorDisconnected, b, -1, &q,
						fmt.Sprintf("the rings touch at %s in a way that cuts the polygon's interior into separate pieces (%s meet there)", xy(q), en),
						fmt.Sprintf("各环在 %s 处相接，把多边形内部分割成互不相连的部分（%s 在此相接）", xy(q), zh))
				}
			}
		}
	}
	return nil
}

// partsOverlap reports whether two valid polygons share interior, and a point of the shared interior
// or of its boundary.
func partsOverlap(a, b orb.Polygon) (orb.Point, bool) {
	ga, gb := newRegion(a), newRegion(b)
	for _, r := range a {
		if _, at, ok := firstCrossing(r, gb); ok {
			return at, true
		}
	}
	// interiorLeft reports whether the polygon's interior lies to the left of ring ri's edges.
	interiorLeft := func(p orb.Polygon, ri int) bool { return (ri == 0) == (ringSignedArea(p[ri]) > 0) }
	var at orb.Point
	found := false
	for ri, r := range a {
		left := interiorLeft(a, ri)
		eachPiece(r, gb, func(pc piece) bool {
			c := classify(pc, gb)
			switch c.where {
			case inside:
				found = true
			case onBoundary:
				e1, e2 := b[c.ring][c.bEdge], b[c.ring][c.bEdge+1]
				a1, a2 := r[pc.edge], r[pc.edge+1]
				same := (a2[0]-a1[0])*(e2[0]-e1[0])+(a2[1]-a1[1])*(e2[1]-e1[1]) > 0
				found = same == (left == interiorLeft(b, c.ring))
			}
			if found {
				at = midpoint(pc.p, pc.q)
			}
			return !found
		})
		if found {
			return at, true
		}
	}
	for _, r := range b {
		eachPiece(r, ga, func(pc piece) bool {
			if classify(pc, ga).where == inside {
				found, at = true, midpoint(pc.p, pc.q)
			}
			return !found
		})
		if found {
			return at, true
		}
	}
	return orb.Point{}, false
}
