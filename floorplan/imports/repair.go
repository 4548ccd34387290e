package imports

import (
	"fmt"
	"math"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/geo"
)

// Bounds of the repair options: a tolerance or an area above them would change rooms, not repair
// digitising noise.
const (
	MaxSnap      = 0.1  // m
	MaxMaxRepair = 10.0 // m²
)

// Kinds of Repair.
const (
	RepairSnap = "snap" // vertices moved onto a neighbour's vertices or edges
	RepairCut  = "cut"  // an overlap cut from the room
)

// snap is the snapping tolerance in metres: DefaultSnap for 0, none (0) for a negative value.
func (o Options) snap() float64 { return orDefault(o.Snap, DefaultSnap) }

// maxRepair is the largest overlap cut, in m²: DefaultMaxRepair for 0, none (0) for a negative value.
func (o Options) maxRepair() float64 { return orDefault(o.MaxRepair, DefaultMaxRepair) }

// orDefault is v, or def for 0, or 0 for a negative v.
func orDefault(v, def float64) float64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// checkRepair refuses repair options that are not numbers or that are above MaxSnap and MaxMaxRepair.
func (o Options) checkRepair() error {
	if math.IsNaN(o.Snap) || o.Snap > MaxSnap {
		return fmt.Errorf("imports: --snap %g m: give a tolerance of at most %g m (0 for the default %g m, a negative value for none)",
			o.Snap, MaxSnap, DefaultSnap)
	}
	if math.IsNaN(o.MaxRepair) || o.MaxRepair > MaxMaxRepair {
		return fmt.Errorf("imports: --max-repair %g m²: give an area of at most %g m² (0 for the default %g m², a negative value for none)",
			o.MaxRepair, MaxMaxRepair, DefaultMaxRepair)
	}
	return nil
}

// repair is a repair made, for the summary (Repair, told in a language).
type repair struct {
	floor, room, other string
	area               float64
	kind               string
	moved              int     // vertices moved (snap)
	by                 float64 // farthest move, m (snap)
	others             int     // neighbours snapped onto, besides other (snap)
	existing           bool    // other is a room the import leaves alone (cut)
	fallback           bool    // cut from the smaller room: the larger one would have been split (cut)
}

// in tells the repair in a language.
func (r repair) in(lang string) Repair {
	var action Note
	switch {
	case r.kind == RepairCut && r.existing:
		action = Notef("overlap of %s with room %s, already on the floor, cut from room %s", formatArea(r.area), r.other, r.room)
	case r.kind == RepairCut && r.fallback:
		action = Notef("overlap of %s with room %s cut from room %s, the smaller of the two: the cut would have split the larger",
			formatArea(r.area), r.other, r.room)
	case r.kind == RepairCut:
		action = Notef("overlap of %s with room %s cut from room %s, the larger of the two", formatArea(r.area), r.other, r.room)
	case r.others > 0:
		action = Notef("%d vertices moved by up to %.2g mm onto room %s and %d more rooms; the area changed by %s",
			r.moved, r.by*1000, r.other, r.others, formatArea(r.area))
	default:
		action = Notef("%d vertices moved by up to %.2g mm onto room %s; the area changed by %s",
			r.moved, r.by*1000, r.other, formatArea(r.area))
	}
	return Repair{Floor: r.floor, Room: r.room, Other: r.other, AreaM2: r.area, Kind: r.kind, Action: action.In(lang)}
}

// repairSlivers snaps the rooms of each floor onto their neighbours (Options.Snap), then checks their
// overlaps, cutting the small ones (Options.MaxRepair).
func (p *plan) repairSlivers(bp *buildingPlan) {
	if tol := p.opt.snap(); tol > 0 {
		p.snapRooms(bp, tol)
	}
	p.checkOverlaps(bp)
}

// minMove is the least move, in metres, that snapping makes: 1 µm. A vertex nearer than that to a
// neighbour's vertex or edge is on it, but for the rounding of its coordinates.
const minMove = 1e-6

// shape is a room taking part in snapping: a fixed one (an existing room the import leaves alone, or a
// room kept as stored) whose vertices and edges others snap onto, or a movable one (rp).
type shape struct {
	geom  orb.Polygon
	label string
	rp    *roomPlan // nil for a fixed room
}

// vertex and edge are a shape's vertex and edge in a snapping index.
type vertex struct {
	at    orb.Point
	owner int
}

type edge struct {
	a, b  orb.Point
	owner int
}

// snapRooms moves, floor by floor, the vertices of imported rooms that lie within tol of a vertex of
// another room onto that vertex (rooms in the source's order: a vertex is moved onto a fixed room's, or
// onto one of a room earlier in the source), then those within tol of another room's edge onto the
// edge. A room that snapping would make invalid is left as it was (a note). Every room whose vertices
// moved is listed in the repairs, with its change of area.
func (p *plan) snapRooms(bp *buildingPlan, tol float64) {
	floors := map[uuid.UUID][]shape{}
	var order []uuid.UUID
	add := func(floor uuid.UUID, s shape) {
		if _, ok := floors[floor]; !ok {
			order = append(order, floor)
		}
		floors[floor] = append(floors[floor], s)
	}
	for _, e := range fixedRooms(bp) {
		add(e.FloorID, shape{geom: e.Geometry, label: existingLabel(e)})
	}
	for _, rp := range bp.rooms {
		switch {
		case rp.rejected:
		case rp.kept:
			add(rp.r.FloorID, shape{geom: rp.r.Geometry, label: roomLabel(rp)})
		default:
			add(rp.r.FloorID, shape{geom: rp.r.Geometry, label: roomLabel(rp), rp: rp})
		}
	}
	names := floorNames(bp)
	for _, f := range order {
		p.snapFloor(floors[f], tol, names[f])
	}
}

// snapFloor snaps the movable shapes of one floor (see snapRooms).
func (p *plan) snapFloor(shapes []shape, tol float64, floor string) {
	moved := make([]map[int]bool, len(shapes)) // per shape: the shapes it was snapped onto
	byVertex := snapVertices(shapes, tol, moved)
	edges := newGrid[edge]()
	for i := range shapes {
		for _, r := range byVertex[i] {
			for k := 1; k < len(r); k++ {
				edges.add(orb.Bound{Min: r[k-1], Max: r[k-1]}.Extend(r[k]).Pad(tol), edge{a: r[k-1], b: r[k], owner: i})
			}
		}
	}
	for i, s := range shapes {
		if s.rp == nil {
			continue
		}
		geom := snapToEdges(byVertex[i], i, edges, tol, moved)
		p.takeSnapped(s, geom, moved[i], shapes, floor)
	}
}

// snapVertices returns each shape's rings with the vertices of movable shapes moved onto a vertex of
// another shape within tol (fixed shapes' vertices first, then those of the shapes before), noting in
// moved which shapes each was snapped onto.
func snapVertices(shapes []shape, tol float64, moved []map[int]bool) []orb.Polygon {
	anchors := newGrid[vertex]()
	out := make([]orb.Polygon, len(shapes))
	for i, s := range shapes {
		if s.rp == nil {
			out[i] = s.geom
			for _, r := range s.geom {
				for _, q := range r {
					anchors.add(orb.Bound{Min: q, Max: q}, vertex{at: q, owner: i})
				}
			}
		}
	}
	for i, s := range shapes {
		if s.rp == nil {
			continue
		}
		out[i] = eachVertex(s.geom, func(q orb.Point) orb.Point {
			best, at := -1, q
			anchors.each(orb.Bound{Min: q, Max: q}.Pad(tol), func(v *vertex) bool {
				if d := dist(q, v.at); v.owner != i && d <= tol && (best < 0 || d < dist(q, at)) {
					best, at = v.owner, v.at
				}
				return true
			})
			switch {
			case best < 0:
				anchors.add(orb.Bound{Min: q, Max: q}, vertex{at: q, owner: i})
			case dist(q, at) <= minMove:
				return q
			default:
				mark(moved, i, best)
			}
			return at
		})
	}
	return out
}

// eachVertex copies a polygon with each vertex replaced by move's answer (the closing point of each
// ring by its first).
func eachVertex(p orb.Polygon, move func(q orb.Point) orb.Point) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for ri, r := range p {
		ring := make(orb.Ring, len(r))
		for k := 0; k < len(r)-1; k++ {
			ring[k] = move(r[k])
		}
		ring[len(r)-1] = ring[0]
		out[ri] = ring
	}
	return out
}

// snapToEdges moves the vertices of shape i that lie within tol of an edge of another shape (but on
// none) onto the nearest such edge.
func snapToEdges(rings orb.Polygon, i int, edges *grid[edge], tol float64, moved []map[int]bool) orb.Polygon {
	return eachVertex(rings, func(q orb.Point) orb.Point {
		best, bestD, at := -1, tol, q
		edges.each(orb.Bound{Min: q, Max: q}.Pad(tol), func(e *edge) bool {
			if e.owner == i {
				return true
			}
			on := nearestOnSegment(q, e.a, e.b)
			if d := dist(q, on); d <= bestD {
				best, bestD, at = e.owner, d, on
			}
			return true
		})
		// A vertex on another room's edge or vertex already (snapped onto it), or as near as floating
		// point puts it, stays there.
		if best < 0 || bestD <= minMove {
			return q
		}
		mark(moved, i, best)
		return at
	})
}

func mark(moved []map[int]bool, i, onto int) {
	if moved[i] == nil {
		moved[i] = map[int]bool{}
	}
	moved[i][onto] = true
}

func dist(a, b orb.Point) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

// takeSnapped makes a movable shape's snapped geometry its room's, when a vertex moved and the result
// is valid, and lists the repair.
func (p *plan) takeSnapped(s shape, geom orb.Polygon, onto map[int]bool, shapes []shape, floor string) {
	if len(onto) == 0 {
		return
	}
	n, by := 0, 0.0
	for ri, r := range s.geom {
		for k := 0; k < len(r)-1; k++ {
			if d := dist(r[k], geom[ri][k]); d > 0 {
				n, by = n+1, max(by, d)
			}
		}
	}
	if n == 0 {
		return
	}
	geom = geo.Normalize(geom)
	if err := geo.Validate(geom); err != nil {
		p.notes = append(p.notes, Notef("room %s on floor %s: not snapped onto its neighbours, which would make it invalid: %v",
			s.label, floor, err))
		return
	}
	rp := s.rp
	before := geo.Area(rp.r.Geometry)
	rp.r.Geometry, rp.bound = geom, geom.Bound()
	r := repair{floor: floor, room: s.label, kind: RepairSnap, moved: n, by: by,
		area: math.Abs(geo.Area(geom) - before), others: len(onto) - 1}
	first := len(shapes)
	for j := range onto {
		first = min(first, j)
	}
	r.other = shapes[first].label
	p.repairs = append(p.repairs, r)
}

// cut cuts the overlap between an imported room and a room placed before it on its floor from one of
// them: from the larger of two imported rooms (its relative change is the smaller), and always from
// the imported room when the other is a room the import leaves alone. When the cut would split the
// room or leave it invalid, the other imported room gives the overlap up instead. It reports whether a
// cut was made (and listed in the repairs).
func (p *plan) cut(rp *roomPlan, o *obstacle, overlap float64, floor string) bool {
	mine := &obstacle{geom: rp.r.Geometry, label: roomLabel(rp), rp: rp}
	givers := []*obstacle{mine}
	if !o.existing && o.rp != nil {
		if geo.Area(o.geom) > geo.Area(rp.r.Geometry) {
			givers = []*obstacle{o, mine}
		} else {
			givers = []*obstacle{mine, o}
		}
	}
	for i, g := range givers {
		keeper := o
		if g == o {
			keeper = mine
		}
		cut, ok := cutFrom(g.geom, keeper.geom)
		area := geo.Area(g.geom) - geo.Area(cut)
		if !ok || math.Abs(area-overlap) > 1e-6*(1+overlap) {
			continue // not the overlap that was cut: the overlay went wrong
		}
		g.rp.r.Geometry, g.rp.bound = cut, cut.Bound()
		if g == o {
			o.geom, o.bound = cut, cut.Bound()
		}
		p.repairs = append(p.repairs, repair{floor: floor, room: g.label, other: keeper.label, area: area, kind: RepairCut,
			existing: keeper.existing, fallback: i > 0})
		return true
	}
	return false
}

// cutFrom is room minus other when that is one valid polygon that no longer overlaps other.
func cutFrom(room, other orb.Polygon) (orb.Polygon, bool) {
	parts, err := geo.Difference(room, other)
	if err != nil || len(parts) != 1 {
		return nil, false
	}
	cut := geo.Normalize(parts[0])
	if geo.Validate(cut) != nil {
		return nil, false
	}
	if ok, _, err := geo.Overlaps(cut, other); err != nil || ok {
		return nil, false
	}
	return cut, true
}
