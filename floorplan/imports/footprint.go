package imports

import (
	"errors"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"

	"officemap/geo"
)

// WallThickness is how far, in metres, each room is grown to make a building's footprint from its
// rooms (roomsFootprint): 0.3 m, about an outer wall. Grown so, rooms on either side of an inner wall
// up to 0.6 m thick meet, and the rooms along the outside reach the outer walls' outer face.
const WallThickness = 0.3

// footprintSimplify is the tolerance, in metres, within which roomsFootprint drops vertices of the
// footprint's rings: 1 cm.
const footprintSimplify = 0.01

// errNoFootprint is roomsFootprint's error for rooms that make no footprint.
var errNoFootprint = errors.New("imports: the rooms make no footprint")

// roomsFootprint makes a building's footprint from its rooms (of all floors, in local metres): the
// outer ring of each room grown by WallThickness (each edge pushed out, mitred at the corners), all of
// them unioned; of several parts (wings that meet on no floor) the largest; its outer ring only, with
// vertices within footprintSimplify of a straight line dropped. parts is the number of parts there were.
//
// Holes are filled, however large: a hole among the rooms is far more often space that nobody drew as a
// room (a hall, a corridor, walls thicker than 0.6 m, a shaft) than a courtyard. In the Andreas-
// Pfitzmann-Bau's OSM data the rooms leave 29 holes of 5 to 140 m² in a building whose mapped outline has
// none; the outer ring comes within 2 % of that outline's area. A building with a courtyard takes its
// footprint from its source (or a planner draws it).
func roomsFootprint(rooms []orb.Polygon) (fp orb.Polygon, parts int, err error) {
	var pieces []orb.Polygon
	for _, r := range rooms {
		if len(r) > 0 && len(r[0]) >= 4 {
			pieces = grow(pieces, geo.Normalize(orb.Polygon{r[0]})[0], WallThickness)
		}
	}
	if len(pieces) == 0 {
		return nil, 0, errNoFootprint
	}
	union, err := geo.Union(pieces)
	if err != nil {
		return nil, 0, err
	}
	if len(union) == 0 {
		return nil, 0, errNoFootprint
	}
	largest := slices.MaxFunc(union, func(a, b orb.Polygon) int {
		return cmpFloat(geo.Area(a), geo.Area(b))
	})
	fp = geo.Normalize(orb.Polygon{largest[0]})
	if s := geo.Normalize(simplify.DouglasPeucker(footprintSimplify).Polygon(fp.Clone())); geo.Validate(s) == nil {
		fp = s
	}
	if err := geo.Validate(fp); err != nil {
		return nil, 0, err
	}
	return fp, len(union), nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// minEdge is the shortest edge, in metres, that grow pushes out: a shorter one is dropped first (its
// strip would be a sliver that overlays handle badly, and its neighbours' strips cover it).
const minEdge = 0.001

// grow appends to pieces the polygons whose union is the counter-clockwise ring r grown by d, its
// corners mitred (bevelled where a corner is sharper than 60°, so that no miter reaches out more than
// 2d). The ring is first rid of vertices within minEdge of a straight line. A convex ring (most rooms)
// grows into one polygon: each vertex moved out along its miter. Another ring gives r itself, each edge
// pushed out by d (a strip), and at each convex corner the wedge between the strips.
func grow(pieces []orb.Polygon, r orb.Ring, d float64) []orb.Polygon {
	r = simplify.DouglasPeucker(minEdge).Ring(r.Clone())
	n := len(r) - 1 // r is closed
	if n < 3 {
		return pieces
	}
	normals := make([]orb.Point, n) // of the edge from vertex i to i+1, outwards (to its right)
	convex := true
	for i := 0; i < n; i++ {
		dx, dy := r[i+1][0]-r[i][0], r[i+1][1]-r[i][1]
		l := math.Hypot(dx, dy)
		if !(l > 0) {
			return pieces
		}
		normals[i] = orb.Point{dy / l, -dx / l}
	}
	turns := make([]float64, n) // at vertex i: the sine of the turn from edge i-1 to edge i, left > 0
	for i := range n {
		n1, n2 := normals[(i+n-1)%n], normals[i]
		turns[i] = n1[0]*n2[1] - n1[1]*n2[0]
		convex = convex && turns[i] >= 0
	}
	corner := func(i int) []orb.Point { // the grown corner at vertex i: its miter, or its bevel's ends
		v, n1, n2 := r[i], normals[(i+n-1)%n], normals[i]
		if cos := n1[0]*n2[0] + n1[1]*n2[1]; 1+cos >= 0.5 {
			k := d / (1 + cos)
			return []orb.Point{{v[0] + k*(n1[0]+n2[0]), v[1] + k*(n1[1]+n2[1])}}
		}
		return []orb.Point{{v[0] + d*n1[0], v[1] + d*n1[1]}, {v[0] + d*n2[0], v[1] + d*n2[1]}}
	}
	if convex {
		var out orb.Ring
		for i := range n {
			out = append(out, corner(i)...)
		}
		return append(pieces, orb.Polygon{append(out, out[0])})
	}
	pieces = append(pieces, orb.Polygon{r})
	for i := range n {
		a, b, nv := r[i], r[i+1], normals[i]
		pieces = append(pieces, orb.Polygon{{a, {a[0] + d*nv[0], a[1] + d*nv[1]}, {b[0] + d*nv[0], b[1] + d*nv[1]}, b, a}})
		if turns[i] > 1e-6 {
			n1 := normals[(i+n-1)%n]
			v := r[i]
			w := orb.Ring{v, {v[0] + d*n1[0], v[1] + d*n1[1]}}
			w = append(w, corner(i)...)
			pieces = append(pieces, orb.Polygon{append(w, orb.Point{v[0] + d*nv[0], v[1] + d*nv[1]}, v)})
		}
	}
	return pieces
}
