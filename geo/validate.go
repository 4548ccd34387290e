package geo

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// MaxCoordinate bounds the absolute value of every coordinate Validate accepts: 10,000 km in a
// building's local frame (metres), where every polygon of officemap is validated. No building's frame
// reaches it (the register keeps a building's geometry within a few kilometres of its origin: see
// floorplan.MaxFromOriginM), and within it the products the checks form stay far from overflow: a
// coordinate of 1e308 would otherwise make every ring look collinear (zero area) instead of out of range.
const MaxCoordinate = 1e7

// MaxVertices is the most points a polygon may have, counting every ring's points including the closing
// ones. It bounds the work that validating, storing and drawing one room can take.
const MaxVertices = 10000

// ZeroAreaTolerance decides when a ring has no area: when its points all lie on one line, to within
// a band so thin that the triangle formed by the ring's first point, the point farthest from it and any
// other point has an area of at most ZeroAreaTolerance·D², D being that farthest distance. For a ring
// about 1 unit across that is an absolute area of 1e-9; for a 10 m room, 1e-7 m² (0.1 mm²), a band
// 20 nm wide. The threshold is relative so that it means the same in metres, millimetres or degrees;
// it is far above rounding noise (about 1e-16·D²) and far below any real room.
//
// The test is on collinearity rather than on the shoelace sum, which is also zero for a symmetric
// bow-tie: that ring has area, and is reported as self-intersecting with the crossing's location.
const ZeroAreaTolerance = 1e-9

// ErrInvalid is matched by every *ValidationError (errors.Is(err, ErrInvalid)).
var ErrInvalid = errors.New("geo: invalid geometry")

// Reason is a stable, machine-readable word for why a geometry is invalid.
type Reason string

// The reasons Validate, ValidateMultiPolygon and Georef.Validate give.
const (
	ReasonEmpty     Reason = "empty"
	ReasonNonFinite Reason = "non_finite_coordinate"
	// ReasonOutOfRange: a finite coordinate beyond MaxCoordinate, or a lon/lat outside −180…180, −90…90.
	ReasonOutOfRange Reason = "coordinate_out_of_range"
	// ReasonFarFromOrigin: a position farther from the frame's origin than allowed (CheckNear,
	// CheckLonLatNear).
	ReasonFarFromOrigin    Reason = "far_from_origin"
	ReasonTooManyVertices  Reason = "too_many_vertices"
	ReasonNotClosed        Reason = "ring_not_closed"
	ReasonTooFewPoints     Reason = "too_few_points"
	ReasonZeroArea         Reason = "zero_area"
	ReasonSelfIntersection Reason = "self_intersection"
	ReasonHoleOutside      Reason = "hole_outside_shell"
	ReasonHolesIntersect   Reason = "holes_intersect"
	// ReasonInteriorDisconnected: rings touch each other at points in a way that cuts the polygon's
	// interior into separate pieces (a hole touching the outer ring twice, or holes touching in a loop).
	ReasonInteriorDisconnected Reason = "interior_disconnected"
	ReasonPolygonsOverlap      Reason = "polygons_overlap"
	// ReasonBadGeoref is given by Georef.Validate.
	ReasonBadGeoref Reason = "bad_georeference"
)

// ValidationError says why a geometry is invalid and where.
//
// Indices are those of the data, from 0. Ring 0 is the outer ring and ring k is hole k, so "hole 1" is
// the first hole. Ring and Vertex are -1 when the error is not about one ring or one vertex.
type ValidationError struct {
	Reason Reason
	// Polygon is the index of the part in a multipolygon (0 for Validate).
	Polygon int
	Ring    int
	Vertex  int
	// Location is where the problem is, when HasLocation is set.
	Location    orb.Point
	HasLocation bool
	// Message is the English sentence Error returns, for a facility planner.
	Message string

	messageZH string
}

// Error returns the English sentence, e.g. "outer ring self-intersects at (12.500, 3.000): edge 2–3
// crosses edge 5–6".
func (e *ValidationError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return "invalid geometry: " + string(e.Reason)
}

// MessageZH returns the same sentence in Chinese, e.g. "外环在 (12.500, 3.000) 处自相交：边 2–3 与边 5–6 相交".
func (e *ValidationError) MessageZH() string {
	if e.messageZH != "" {
		return e.messageZH
	}
	return "几何图形无效：" + string(e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true for every *ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// invalid builds a ValidationError. The English and Chinese sentences are built only here, on the
// error path.
func invalid(reason Reason, ring, vertex int, loc *orb.Point, en, zh string) *ValidationError {
	e := &ValidationError{Reason: reason, Ring: ring, Vertex: vertex, Message: en, messageZH: zh}
	if loc != nil {
		e.Location, e.HasLocation = *loc, true
	}
	return e
}

// ringName names ring i for a planner. The Chinese name of a hole ends with a space, so that it reads
// well before the Chinese text that follows it ("内环 1 在……").
func ringName(i int) (en, zh string) {
	if i == 0 {
		return "outer ring", "外环"
	}
	return fmt.Sprintf("hole %d", i), fmt.Sprintf("内环 %d ", i)
}

// xy formats a location with coordinates to 3 decimals.
func xy(p orb.Point) string { return fmt.Sprintf("(%.3f, %.3f)", p[0], p[1]) }

// Validate checks that p is a valid polygon and returns nil or a *ValidationError. Both ring
// orientations are accepted (see Normalize). The checks, in this order, are:
//
//   - not empty (at least an outer ring with points);
//   - every coordinate finite (no NaN or ±Inf) and within ±MaxCoordinate;
//   - at most MaxVertices points in all;
//   - every ring closed (first point == last point; rings are never closed for the caller);
//   - every ring at least 4 points (a closed triangle);
//   - every ring with an area (see ZeroAreaTolerance);
//   - no ring crossing or touching itself: two non-adjacent edges may not meet, not even at a single
//     point, and adjacent edges may not double back along each other (a spike). Repeated consecutive
//     points are ignored, not rejected;
//   - every hole inside the outer ring: no hole vertex outside it, no hole edge crossing it or running
//     along it (a hole may touch it at a point);
//   - no two holes crossing, overlapping, nested or sharing an edge (they may touch at a point);
//   - the interior connected: rings may not touch at points in a way that cuts it into pieces.
//
// Point and edge decisions are exact (see predicates.go); they match PostGIS ST_IsValid for rings that
// touch, cross or overlap.
func Validate(p orb.Polygon) error {
	if e := validatePolygon(p); e != nil {
		return e
	}
	return nil
}

// ValidateMultiPolygon checks that every part is a valid polygon (the error's Polygon field names the
// part) and that no two parts overlap with a positive area. Parts may touch at points or along edges,
// as rooms sharing a wall do.
//
// Note that PostGIS's ST_IsValid is stricter: it rejects multipolygon parts that share an edge.
func ValidateMultiPolygon(mp orb.MultiPolygon) error {
	if len(mp) == 0 {
		return invalid(ReasonEmpty, -1, -1, nil, "the multipolygon is empty", "多面为空")
	}
	for i, p := range mp {
		if e := validatePolygon(p); e != nil {
			e.Polygon = i
			e.Message = fmt.Sprintf("part %d: %s", i, e.Message)
			e.messageZH = fmt.Sprintf("第 %d 部分：%s", i, e.messageZH)
			return e
		}
	}
	bounds := make([]orb.Bound, len(mp))
	for i, p := range mp {
		bounds[i] = p[0].Bound()
	}
	for i := range mp {
		for j := i + 1; j < len(mp); j++ {
			if !bounds[i].Intersects(bounds[j]) {
				continue
			}
			if at, ok := partsOverlap(mp[i], mp[j]); ok {
				e := invalid(ReasonPolygonsOverlap, -1, -1, &at,
					fmt.Sprintf("part %d and part %d overlap at %s", i, j, xy(at)),
					fmt.Sprintf("第 %d 部分与第 %d 部分在 %s 处重叠", i, j, xy(at)))
				e.Polygon = i
				return e
			}
		}
	}
	return nil
}

func validatePolygon(p orb.Polygon) *ValidationError {
	if len(p) == 0 || len(p[0]) == 0 {
		return invalid(ReasonEmpty, -1, -1, nil, "the polygon is empty", "多边形为空")
	}
	total := 0
	for ri, r := range p {
		total += len(r)
		for vi, pt := range r {
			// x-x is 0 for every finite x, and NaN for NaN and ±Inf.
			if e := coordinateRange(pt, ri, vi); e != nil {
				return e
			}
		}
	}
	if total > MaxVertices {
		return invalid(ReasonTooManyVertices, -1, -1, nil,
			fmt.Sprintf("the polygon has %d vertices, more than the %d allowed", total, MaxVertices),
			fmt.Sprintf("多边形有 %d 个顶点，超过上限 %d", total, MaxVertices))
	}
	for ri, r := range p {
		if n := len(r); n > 0 && r[0] != r[n-1] {
			en, zh := ringName(ri)
			last := r[n-1]
			return invalid(ReasonNotClosed, ri, n-1, &last,
				fmt.Sprintf("%s is not closed: its last point %s differs from its first point %s", en, xy(last), xy(r[0])),
				fmt.Sprintf("%s未闭合：最后一点 %s 与第一点 %s 不同", zh, xy(last), xy(r[0])))
		}
	}
	for ri, r := range p {
		if len(r) < 4 {
			en, zh := ringName(ri)
			return invalid(ReasonTooFewPoints, ri, -1, nil,
				fmt.Sprintf("%s has %d points; a ring needs at least 4 (a closed triangle)", en, len(r)),
				fmt.Sprintf("%s只有 %d 个点，至少需要 4 个（闭合的三角形）", zh, len(r)))
		}
	}
	for ri, r := range p {
		if zeroArea(r) {
			en, zh := ringName(ri)
			at := r[0]
			return invalid(ReasonZeroArea, ri, -1, &at,
				fmt.Sprintf("%s has no area: its points are collinear or coincide", en),
				fmt.Sprintf("%s面积为零：各点共线或重合", zh))
		}
	}
	for ri, r := range p {
		if e := selfIntersection(r, ri); e != nil {
			return e
		}
	}
	if len(p) == 1 {
		return nil
	}
	return validateHoles(p)
}

// coordinateRange refuses a vertex (vertex vi of ring ri) with a coordinate that is not finite or lies
// beyond ±MaxCoordinate.
func coordinateRange(pt orb.Point, ri, vi int) *ValidationError {
	// x-x is 0 for every finite x, and NaN for NaN and ±Inf.
	if pt[0]-pt[0] != 0 || pt[1]-pt[1] != 0 {
		en, zh := ringName(ri)
		return invalid(ReasonNonFinite, ri, vi, nil,
			fmt.Sprintf("%s vertex %d has a coordinate that is not a finite number %s", en, vi, xy(pt)),
			fmt.Sprintf("%s第 %d 个顶点的坐标不是有限数值 %s", zh, vi, xy(pt)))
	}
	if math.Abs(pt[0]) > MaxCoordinate || math.Abs(pt[1]) > MaxCoordinate {
		en, zh := ringName(ri)
		return invalid(ReasonOutOfRange, ri, vi, nil,
			fmt.Sprintf("%s vertex %d (%g, %g) has a coordinate beyond ±%g m", en, vi, pt[0], pt[1], MaxCoordinate),
			fmt.Sprintf("%s第 %d 个顶点 (%g, %g) 的坐标超出 ±%g 米", zh, vi, pt[0], pt[1], MaxCoordinate))
	}
	return nil
}

// zeroArea reports whether the ring's points are collinear within ZeroAreaTolerance.
func zeroArea(r orb.Ring) bool {
	p0 := r[0]
	far, d2 := p0, 0.0
	for _, q := range r[1:] {
		if d := (q[0]-p0[0])*(q[0]-p0[0]) + (q[1]-p0[1])*(q[1]-p0[1]); d > d2 {
			far, d2 = q, d
		}
	}
	limit := 2 * ZeroAreaTolerance * d2 // twice the triangle area, as the cross product gives it
	fx, fy := far[0]-p0[0], far[1]-p0[1]
	for _, q := range r[1:] {
		if math.Abs(fx*(q[1]-p0[1])-fy*(q[0]-p0[0])) > limit {
			return false
		}
	}
	return true
}

// bruteForceMax is the largest ring (in distinct vertices) tested pair by pair; bigger rings are swept.
const bruteForceMax = 48

// selfIntersection checks that a closed ring neither crosses nor touches itself. Repeated consecutive
// points are dropped first. Small rings are tested pair by pair; big ones by a sweep over the edges
// sorted by their smallest x, which tests only the pairs whose x ranges overlap.
func selfIntersection(r orb.Ring, ri int) *ValidationError {
	// Usually there is no repeated point and the ring is used as it is.
	v, idx := []orb.Point(r[:len(r)-1]), []int32(nil)
	for i := 1; i < len(r); i++ {
		if r[i] == r[i-1] {
			v, idx = distinct(r, nil, nil)
			break
		}
	}
	n := len(v)
	if n < 3 {
		return nil // zero area, reported before
	}
	// Spikes: adjacent edges that double back along each other.
	a := v[n-1]
	for k, b := range v {
		c := v[0]
		if k+1 < n {
			c = v[k+1]
		}
		if (a[0]-b[0])*(c[0]-b[0])+(a[1]-b[1])*(c[1]-b[1]) > 0 && orient(a, b, c) == 0 {
			return selfHit(r, ri, idx, (k+n-1)%n, k, hitOverlap, b, true)
		}
		a = b
	}
	if n <= bruteForceMax {
		// Each edge's bounding box once; then every pair of non-adjacent edges.
		var boxes [bruteForceMax]segBox
		for i := 0; i < n-1; i++ {
			boxes[i] = boxOf(v[i], v[i+1])
		}
		boxes[n-1] = boxOf(v[n-1], v[0])
		for i := 0; i < n-2; i++ {
			bi := boxes[i]
			last := n
			if i == 0 {
				last = n - 1 // edge n-1 shares vertex 0 with edge 0
			}
			for j := i + 2; j < last; j++ {
				bj := &boxes[j]
				if bj.minX > bi.maxX || bi.minX > bj.maxX || bj.minY > bi.maxY || bi.minY > bj.maxY {
					continue
				}
				q2 := v[0]
				if j+1 < n {
					q2 = v[j+1]
				}
				if hit, at := segIntersectBoxed(v[i], v[i+1], v[j], q2); hit != hitNone {
					return selfHit(r, ri, idx, i, j, hit, at, false)
				}
			}
		}
		return nil
	}
	return sweepSelfIntersection(r, ri, v, idx)
}

// segBox is the bounding box of an edge.
type segBox struct{ minX, maxX, minY, maxY float64 }

func boxOf(a, b orb.Point) segBox {
	return segBox{min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1])}
}

// sweepSelfIntersection tests the edges of a big ring (distinct vertices v) pairwise only where their
// x ranges overlap.
func sweepSelfIntersection(r orb.Ring, ri int, v []orb.Point, idx []int32) *ValidationError {
	n := len(v)
	end := func(i int) orb.Point {
		if i+1 == n {
			return v[0]
		}
		return v[i+1]
	}
	order := make([]int32, n)
	minX := make([]float64, n)
	for i := range order {
		order[i] = int32(i)
		minX[i] = min(v[i][0], end(i)[0])
	}
	slices.SortFunc(order, func(a, b int32) int {
		switch {
		case minX[a] < minX[b]:
			return -1
		case minX[a] > minX[b]:
			return 1
		}
		return int(a - b)
	})
	for oi, a32 := range order {
		a := int(a32)
		p1, p2 := v[a], end(a)
		maxX := max(p1[0], p2[0])
		for _, b32 := range order[oi+1:] {
			b := int(b32)
			if minX[b] > maxX {
				break
			}
			if d := a - b; d == 1 || d == -1 || d == n-1 || d == 1-n {
				continue // adjacent: spikes were tested before
			}
			if hit, at := segIntersect(p1, p2, v[b], end(b)); hit != hitNone {
				i, j := min(a, b), max(a, b)
				return selfHit(r, ri, idx, i, j, hit, at, false)
			}
		}
	}
	return nil
}

// distinct appends to v the ring's points without the closing point and without consecutive repeats
// (also across the closing point), and to idx the index in r of the last of each run of repeats, so
// that edge k of v runs from r[idx[k]] to r[idx[k]+1]. A nil idx elsewhere means v is r without its
// closing point, and idx[k] = k.
func distinct(r orb.Ring, v []orb.Point, idx []int32) ([]orb.Point, []int32) {
	for i, q := range r[:len(r)-1] {
		if len(v) > 0 && v[len(v)-1] == q {
			idx[len(idx)-1] = int32(i)
			continue
		}
		v = append(v, q)
		idx = append(idx, int32(i))
	}
	for len(v) > 1 && v[len(v)-1] == v[0] {
		v, idx = v[:len(v)-1], idx[:len(idx)-1]
	}
	return v, idx
}

// selfHit reports that edges i and j (indices into the distinct vertices) of ring ri meet at at.
func selfHit(r orb.Ring, ri int, idx []int32, i, j int, hit segHit, at orb.Point, spike bool) *ValidationError {
	edge := func(k int) (int, int) {
		if idx == nil {
			return k, k + 1
		}
		return int(idx[k]), int(idx[k]) + 1
	}
	ia, ib := edge(i)
	ja, jb := edge(j)
	en, zh := ringName(ri)
	switch {
	case spike:
		return invalid(ReasonSelfIntersection, ri, ib, &at,
			fmt.Sprintf("%s doubles back on itself at %s (vertex %d): edges %d–%d and %d–%d overlap", en, xy(at), ib, ia, ib, ja, jb),
			fmt.Sprintf("%s在 %s 处（顶点 %d）折返：边 %d–%d 与边 %d–%d 重叠", zh, xy(at), ib, ia, ib, ja, jb))
	case hit == hitCross:
		return invalid(ReasonSelfIntersection, ri, ia, &at,
			fmt.Sprintf("%s self-intersects at %s: edge %d–%d crosses edge %d–%d", en, xy(at), ia, ib, ja, jb),
			fmt.Sprintf("%s在 %s 处自相交：边 %d–%d 与边 %d–%d 相交", zh, xy(at), ia, ib, ja, jb))
	case hit == hitOverlap:
		return invalid(ReasonSelfIntersection, ri, ia, &at,
			fmt.Sprintf("%s overlaps itself at %s: edge %d–%d runs along edge %d–%d", en, xy(at), ia, ib, ja, jb),
			fmt.Sprintf("%s在 %s 处自重叠：边 %d–%d 与边 %d–%d 重叠", zh, xy(at), ia, ib, ja, jb))
	}
	// Touching: name the vertex that lies on the other edge, or the two vertices that coincide.
	endAt := func(a, b int) (int, bool) {
		switch at {
		case r[a]:
			return a, true
		case r[b]:
			return b, true
		}
		return -1, false
	}
	vi, iEnd := endAt(ia, ib)
	vj, jEnd := endAt(ja, jb)
	switch {
	case iEnd && jEnd:
		return invalid(ReasonSelfIntersection, ri, vi, &at,
			fmt.Sprintf("%s touches itself at %s: vertices %d and %d are the same point", en, xy(at), vi, vj),
			fmt.Sprintf("%s在 %s 处自接触：顶点 %d 与顶点 %d 重合", zh, xy(at), vi, vj))
	case iEnd:
		vj, ia, ib = vi, ja, jb // vertex vi lies on edge j
	}
	// Now vertex vj lies on edge ia–ib.
	return invalid(ReasonSelfIntersection, ri, vj, &at,
		fmt.Sprintf("%s touches itself at %s: vertex %d lies on edge %d–%d", en, xy(at), vj, ia, ib),
		fmt.Sprintf("%s在 %s 处自接触：顶点 %d 位于边 %d–%d 上", zh, xy(at), vj, ia, ib))
}

// Normalize returns a copy of p with consecutive repeated points removed, the outer ring
// counter-clockwise and the holes clockwise (RFC 7946). Orientation is normalised, never rejected.
// Rings are not closed or otherwise repaired; a ring without area keeps its orientation.
func Normalize(p orb.Polygon) orb.Polygon {
	if p == nil {
		return nil
	}
	n := 0
	for _, r := range p {
		n += len(r)
	}
	pts := make([]orb.Point, 0, n) // one backing array for all rings
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		start := len(pts)
		for j, q := range r {
			if j > 0 && q == r[j-1] {
				continue
			}
			pts = append(pts, q)
		}
		ring := orb.Ring(pts[start:len(pts):len(pts)])
		a := ringSignedArea(ring)
		if (i == 0 && a < 0) || (i > 0 && a > 0) {
			slices.Reverse(ring)
		}
		out[i] = ring
	}
	return out
}
