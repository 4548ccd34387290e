package geo

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// ErrSplit is returned (wrapped in a *SplitError) when a line cannot split a polygon.
var ErrSplit = errors.New("geo: cannot split")

// wallTolerance is how far inside a room (in local metres) an end of a cut line may lie and still count
// as on the wall: 5 cm, a click's worth at plan scale, far below any room's size.
const wallTolerance = 0.05

// SplitError says why a line cannot split a polygon; Reason is a stable snake_case code (too_short,
// non_finite, misses, ends_inside, sliver, invalid_piece), Message an English sentence and ZH a Chinese one.
type SplitError struct {
	Reason  string
	Message string
	ZH      string
}

func (e *SplitError) Error() string { return "split: " + e.Message }

// Is makes errors.Is(err, ErrSplit) true.
func (e *SplitError) Is(target error) bool { return target == ErrSplit }

// Split cuts a room's local polygon along a line into two or more pieces, largest first. The
// line must cross the room from wall to wall: each end outside the room or on its boundary. An end up to
// wallTolerance inside counts as on the wall, and its segment is prolonged to the wall; nothing else is
// prolonged, so a line cuts only where it is drawn (cutPolygon).
func Split(room orb.Polygon, cut orb.LineString) ([]orb.Polygon, error) {
	if len(cut) < 2 {
		return nil, &SplitError{"too_short", "the line needs at least 2 points", "切割线至少需要 2 个点"}
	}
	for _, pt := range cut {
		if math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || math.IsInf(pt[0], 0) || math.IsInf(pt[1], 0) {
			return nil, &SplitError{"non_finite", "the line has a coordinate that is not a finite number", "切割线含有非有限数值的坐标"}
		}
	}
	cut = slices.CompactFunc(slices.Clone(cut), func(a, b orb.Point) bool { return a == b })
	if len(cut) < 2 {
		return nil, &SplitError{"too_short", "the line has no length", "切割线长度为零"}
	}
	if !cut.Bound().Intersects(room.Bound()) {
		return nil, &SplitError{"misses", "the line does not cross the room", "切割线未穿过房间"}
	}
	n := len(cut)
	for i, end := range []struct{ at, from int }{{0, 1}, {n - 1, n - 2}} {
		pt := cut[end.at]
		if !planar.PolygonContains(room, pt) {
			continue
		}
		if distanceToBoundary(room, pt) > wallTolerance {
			which, whichZH := "start", "起点"
			if i == 1 {
				which, whichZH = "end", "终点"
			}
			return nil, &SplitError{"ends_inside",
				fmt.Sprintf("the line must cross the room from wall to wall, but its %s lies inside the room", which),
				fmt.Sprintf("切割线须从墙到墙穿过房间，但其%s位于房间内部", whichZH)}
		}
		if hit, ok := rayToBoundary(room, cut[end.from], pt); ok {
			cut[end.at] = hit
		}
	}
	pieces, err := cutPolygon(room, cut)
	if err != nil {
		return nil, err
	}
	if len(pieces) < 2 {
		return nil, &SplitError{"misses", "the line does not divide the room (it must cross it from wall to wall)",
			"切割线未将房间分开（须从墙到墙穿过房间）"}
	}
	for _, piece := range pieces {
		if Area(piece) < MinOverlapArea {
			return nil, &SplitError{"sliver", "the line would cut off a sliver smaller than 1 cm²", "切割线会切出小于 1 平方厘米的碎片"}
		}
		if err := Validate(piece); err != nil {
			return nil, &SplitError{"invalid_piece", "a piece would be invalid: " + err.Error(), "切割后的房间无效"}
		}
	}
	return pieces, nil
}

// rayToBoundary returns where the ray from `from` through `through` first meets the polygon's boundary
// beyond `through`.
func rayToBoundary(p orb.Polygon, from, through orb.Point) (orb.Point, bool) {
	dx, dy := through[0]-from[0], through[1]-from[1]
	best, found := math.Inf(1), false
	for _, ring := range p {
		for i := 1; i < len(ring); i++ {
			a, b := ring[i-1], ring[i]
			ex, ey := b[0]-a[0], b[1]-a[1]
			d := cross(dx, dy, ex, ey)
			if d == 0 {
				continue
			}
			wx, wy := a[0]-through[0], a[1]-through[1]
			t := cross(wx, wy, ex, ey) / d // along the ray, in units of (dx, dy), from `through`
			u := cross(wx, wy, dx, dy) / d // along the edge
			if t >= 0 && u >= 0 && u <= 1 && t < best {
				best, found = t, true
			}
		}
	}
	if !found {
		return orb.Point{}, false
	}
	return orb.Point{through[0] + best*dx, through[1] + best*dy}, true
}

// distanceToBoundary is the distance from pt to the nearest edge of any ring of p.
func distanceToBoundary(p orb.Polygon, pt orb.Point) float64 {
	d := math.Inf(1)
	for _, ring := range p {
		for i := 1; i < len(ring); i++ {
			d = math.Min(d, distanceToSegment(pt, ring[i-1], ring[i]))
		}
	}
	return d
}

func distanceToSegment(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	}
	return math.Hypot(p[0]-(a[0]+t*dx), p[1]-(a[1]+t*dy))
}

// cutPolygon splits a valid polygon along a polyline, exactly where the line is drawn: no part of the
// line is prolonged, and parts of it outside the polygon or along its boundary cut nothing. It returns
// the pieces (outer rings counter-clockwise, holes clockwise), largest first; one piece means the line
// does not divide the polygon.
//
// The method is the face walk of a planar arrangement. Every boundary edge and every line segment is
// split where it meets another; boundary edges become half-edges with the polygon's interior on their
// left, and the pieces of the line that lie inside the polygon become pairs of half-edges. Walking each
// half-edge's face (at every node, turn to the next edge clockwise from the way back) traces the
// pieces' outer rings counter-clockwise; holes that the line does not touch come out clockwise and are
// given to the piece that contains them. Line pieces that dangle, or that join two parts of the boundary
// without separating anything (a cut from a wall into a hole), are dropped first. Nodes closer than a
// billionth of the polygon's size are merged, so that a line through a vertex or along a wall is handled
// like the exact case.
func cutPolygon(p orb.Polygon, cut orb.LineString) ([]orb.Polygon, error) {
	p = Normalize(p)
	b := p.Bound().Union(cut.Bound())
	eps := 1e-9 * math.Max(1, math.Hypot(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]))

	a := newArrangement(eps)
	var segs []segment
	for _, ring := range p {
		for i := 1; i < len(ring); i++ {
			if ring[i-1] != ring[i] {
				segs = append(segs, segment{a: ring[i-1], b: ring[i], boundary: true})
			}
		}
	}
	for i := 1; i < len(cut); i++ {
		if cut[i-1] != cut[i] {
			segs = append(segs, segment{a: cut[i-1], b: cut[i]})
		}
	}
	splitSegments(segs, eps)

	// Boundary vertices become nodes first, so that the pieces keep the room's exact coordinates.
	for _, s := range segs {
		if s.boundary {
			a.node(s.a)
		}
	}
	for _, s := range segs {
		pts := s.points()
		for i := 1; i < len(pts); i++ {
			u, v := a.node(pts[i-1]), a.node(pts[i])
			if u == v {
				continue
			}
			if s.boundary {
				a.addBoundary(u, v)
				continue
			}
			mid := orb.Point{(pts[i-1][0] + pts[i][0]) / 2, (pts[i-1][1] + pts[i][1]) / 2}
			if planar.PolygonContains(p, mid) && distanceToBoundary(p, mid) > eps {
				a.addCut(u, v)
			}
		}
	}

	var faces [][]int
	for {
		a.pruneDangling()
		faces = a.faces()
		if !a.dropBridges(faces) {
			break
		}
	}

	var shells, holes []orb.Ring
	for _, f := range faces {
		r := make(orb.Ring, 0, len(f)+1)
		for _, n := range f {
			r = append(r, a.pts[n])
		}
		r = append(r, r[0])
		switch area := ringSignedArea(r); {
		case area > 0:
			shells = append(shells, r)
		case area < 0:
			holes = append(holes, r)
		}
	}
	pieces := make([]orb.Polygon, len(shells))
	for i, s := range shells {
		pieces[i] = orb.Polygon{s}
	}
	for _, h := range holes {
		placed := false
		for i, s := range shells {
			if ringInside(h, s, eps) {
				pieces[i] = append(pieces[i], h)
				placed = true
				break
			}
		}
		if !placed {
			return nil, errors.New("api: cut: a hole lies in no piece")
		}
	}
	var sum float64
	for _, piece := range pieces {
		sum += Area(piece)
	}
	if whole := Area(p); math.Abs(sum-whole) > 1e-9*math.Max(whole, 1) {
		return nil, errors.New("geo: split: the pieces do not add up to the polygon")
	}
	slices.SortStableFunc(pieces, func(x, y orb.Polygon) int { return cmp.Compare(Area(y), Area(x)) })
	return pieces, nil
}

// segment is a boundary edge or a line segment, with the parameters (0…1) where it is to be split.
type segment struct {
	a, b     orb.Point
	boundary bool
	ts       []float64
}

func (s segment) at(t float64) orb.Point {
	switch t {
	case 0:
		return s.a
	case 1:
		return s.b
	}
	return orb.Point{s.a[0] + t*(s.b[0]-s.a[0]), s.a[1] + t*(s.b[1]-s.a[1])}
}

// points returns the segment's points in order: its ends and every split point.
func (s segment) points() []orb.Point {
	ts := append([]float64{0, 1}, s.ts...)
	slices.Sort(ts)
	ts = slices.Compact(ts)
	pts := make([]orb.Point, len(ts))
	for i, t := range ts {
		pts[i] = s.at(t)
	}
	return pts
}

// splitSegments records where each line segment meets any other segment (boundary edges of a valid
// polygon only meet line segments, never each other except at shared vertices).
func splitSegments(segs []segment, eps float64) {
	for i := range segs {
		if segs[i].boundary {
			continue
		}
		for j := range segs {
			if j == i || (!segs[j].boundary && j < i) {
				continue
			}
			ti, tj := intersect(segs[i], segs[j], eps)
			segs[i].ts = append(segs[i].ts, ti...)
			segs[j].ts = append(segs[j].ts, tj...)
		}
	}
}

func cross(ax, ay, bx, by float64) float64 { return ax*by - ay*bx }

// intersect returns the parameters along s and along q where they meet: one point for a crossing or a
// touch, the overlap's ends for collinear segments.
func intersect(s, q segment, eps float64) (ts, tq []float64) {
	rx, ry := s.b[0]-s.a[0], s.b[1]-s.a[1]
	sx, sy := q.b[0]-q.a[0], q.b[1]-q.a[1]
	lr, ls := math.Hypot(rx, ry), math.Hypot(sx, sy)
	qpx, qpy := q.a[0]-s.a[0], q.a[1]-s.a[1]
	d := cross(rx, ry, sx, sy)
	if math.Abs(d) > 1e-12*lr*ls {
		t := cross(qpx, qpy, sx, sy) / d
		u := cross(qpx, qpy, rx, ry) / d
		if t < -eps/lr || t > 1+eps/lr || u < -eps/ls || u > 1+eps/ls {
			return nil, nil
		}
		return []float64{clamp01(t)}, []float64{clamp01(u)}
	}
	// Parallel: only collinear segments meet, along their overlap.
	if math.Abs(cross(qpx, qpy, rx, ry))/lr > eps {
		return nil, nil
	}
	proj := func(pt orb.Point, on segment, l float64) (float64, bool) {
		dx, dy := on.b[0]-on.a[0], on.b[1]-on.a[1]
		t := ((pt[0]-on.a[0])*dx + (pt[1]-on.a[1])*dy) / (l * l)
		return clamp01(t), t >= -eps/l && t <= 1+eps/l
	}
	for _, pt := range []orb.Point{q.a, q.b} {
		if t, ok := proj(pt, s, lr); ok {
			ts = append(ts, t)
		}
	}
	for _, pt := range []orb.Point{s.a, s.b} {
		if t, ok := proj(pt, q, ls); ok {
			tq = append(tq, t)
		}
	}
	return ts, tq
}

func clamp01(t float64) float64 { return math.Max(0, math.Min(1, t)) }

// arrangement is the planar graph of the face walk.
type arrangement struct {
	eps   float64
	pts   []orb.Point
	cells map[[2]int64][]int // grid of cell size eps → nodes, for merging close points
	half  []halfEdge
	cuts  map[[2]int]bool // undirected line edges present, as (min, max) node pairs
}

type halfEdge struct {
	from, to int
	cut      bool // part of the line (its twin runs the other way)
	dead     bool
}

func newArrangement(eps float64) *arrangement {
	return &arrangement{eps: eps, cells: map[[2]int64][]int{}, cuts: map[[2]int]bool{}}
}

// node returns the node at pt, merging it with an existing node within eps.
func (a *arrangement) node(pt orb.Point) int {
	cx, cy := int64(math.Floor(pt[0]/a.eps)), int64(math.Floor(pt[1]/a.eps))
	for dx := int64(-1); dx <= 1; dx++ {
		for dy := int64(-1); dy <= 1; dy++ {
			for _, n := range a.cells[[2]int64{cx + dx, cy + dy}] {
				if math.Hypot(a.pts[n][0]-pt[0], a.pts[n][1]-pt[1]) <= a.eps {
					return n
				}
			}
		}
	}
	n := len(a.pts)
	a.pts = append(a.pts, pt)
	a.cells[[2]int64{cx, cy}] = append(a.cells[[2]int64{cx, cy}], n)
	return n
}

func (a *arrangement) addBoundary(u, v int) {
	a.half = append(a.half, halfEdge{from: u, to: v})
}

func (a *arrangement) addCut(u, v int) {
	key := [2]int{min(u, v), max(u, v)}
	if a.cuts[key] {
		return // the line runs over itself here
	}
	a.cuts[key] = true
	a.half = append(a.half, halfEdge{from: u, to: v, cut: true}, halfEdge{from: v, to: u, cut: true})
}

// removeCut drops both half-edges of the line edge u–v.
func (a *arrangement) removeCut(u, v int) {
	delete(a.cuts, [2]int{min(u, v), max(u, v)})
	for i := range a.half {
		h := &a.half[i]
		if h.cut && !h.dead && ((h.from == u && h.to == v) || (h.from == v && h.to == u)) {
			h.dead = true
		}
	}
}

// pruneDangling removes line edges with an end that nothing else reaches.
func (a *arrangement) pruneDangling() {
	for {
		degree := make([]int, len(a.pts))
		for _, h := range a.half {
			if !h.dead {
				degree[h.from]++
				degree[h.to]++
			}
		}
		removed := false
		for _, h := range a.half {
			if h.dead || !h.cut {
				continue
			}
			// A line edge contributes 2 to each end's degree (its two half-edges).
			if degree[h.from] == 2 || degree[h.to] == 2 {
				a.removeCut(h.from, h.to)
				removed = true
			}
		}
		if !removed {
			return
		}
	}
}

// faces walks every live half-edge's face and returns each face as its nodes in order.
func (a *arrangement) faces() [][]int {
	out := make([][]int, len(a.pts))
	for i, h := range a.half {
		if !h.dead {
			out[h.from] = append(out[h.from], i)
		}
	}
	angle := func(i int) float64 {
		h := a.half[i]
		return math.Atan2(a.pts[h.to][1]-a.pts[h.from][1], a.pts[h.to][0]-a.pts[h.from][0])
	}
	for n := range out {
		slices.SortFunc(out[n], func(x, y int) int { return cmp.Compare(angle(x), angle(y)) })
	}
	// next turns, at the end of half-edge i, to the first outgoing edge clockwise from the way back.
	next := func(i int) int {
		h := a.half[i]
		back := math.Atan2(a.pts[h.from][1]-a.pts[h.to][1], a.pts[h.from][0]-a.pts[h.to][0])
		cands := out[h.to]
		best := -1
		for k := len(cands) - 1; k >= 0; k-- { // largest angle below back
			if c := cands[k]; angle(c) < back && a.half[c].to != h.from {
				best = c
				break
			}
		}
		if best == -1 { // wrap round: the largest angle of all that is not the way back
			for k := len(cands) - 1; k >= 0; k-- {
				if c := cands[k]; a.half[c].to != h.from || len(cands) == 1 {
					best = c
					break
				}
			}
		}
		return best
	}
	seen := make([]bool, len(a.half))
	var faces [][]int
	for start, h := range a.half {
		if h.dead || seen[start] {
			continue
		}
		var face []int
		for i, steps := start, 0; i >= 0 && !seen[i] && steps <= len(a.half); i, steps = next(i), steps+1 {
			seen[i] = true
			face = append(face, a.half[i].from)
		}
		faces = append(faces, face)
	}
	return faces
}

// dropBridges removes the line edges that have the same face on both sides: they join parts of the
// boundary without separating anything. It reports whether it removed any.
func (a *arrangement) dropBridges(faces [][]int) bool {
	removed := false
	for _, f := range faces {
		used := map[[2]int]int{}
		for i := range f {
			u, v := f[i], f[(i+1)%len(f)]
			if a.cuts[[2]int{min(u, v), max(u, v)}] {
				used[[2]int{min(u, v), max(u, v)}]++
			}
		}
		for k, n := range used {
			if n >= 2 {
				a.removeCut(k[0], k[1])
				removed = true
			}
		}
	}
	return removed
}

// ringInside reports whether ring h lies inside ring s, judged at h's first vertex that is not on s.
func ringInside(h, s orb.Ring, eps float64) bool {
	for _, pt := range h {
		if distanceToBoundary(orb.Polygon{s}, pt) > eps {
			return planar.RingContains(s, pt)
		}
	}
	return false
}
