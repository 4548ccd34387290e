package imports

import (
	"fmt"
	"math"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// gridCell is the side, in metres, of the cells of the index used to find rooms that may overlap.
// Rooms are a few metres across, so a room's bound covers a handful of cells.
const gridCell = 8.0

// maxCells is the most cells one bound is put in; a bound larger than that (a hall of a few thousand
// square metres, or a bogus polygon kilometres across) goes on a list that every query scans, so that
// no source makes the grid large.
const maxCells = 256

// obstacle is a room already placed on a floor: an existing room the import leaves alone, or an
// imported room accepted earlier (rp).
type obstacle struct {
	id       uuid.UUID
	desc     string // how to name it in a message
	label    string // how to name it in a repair
	ref      string // its feature in the source (imported rooms)
	floor    string // its floor's name (existing rooms)
	number   string
	geom     orb.Polygon
	bound    orb.Bound
	existing bool
	rp       *roomPlan
}

// grid is a uniform grid over one floor's local metres, of items with a bound.
type grid[T any] struct {
	cells map[[2]int][]int
	big   []int
	items []T
	stamp []int // last query that visited an item, so that each item is visited once per query
	query int
}

func newGrid[T any]() *grid[T] { return &grid[T]{cells: map[[2]int][]int{}} }

func cellRange(b orb.Bound) (x0, y0, x1, y1 int, ok bool) {
	fx0, fy0 := math.Floor(b.Min[0]/gridCell), math.Floor(b.Min[1]/gridCell)
	fx1, fy1 := math.Floor(b.Max[0]/gridCell), math.Floor(b.Max[1]/gridCell)
	if !(fx0 >= -1e9 && fx1 <= 1e9 && fy0 >= -1e9 && fy1 <= 1e9) || (fx1-fx0+1)*(fy1-fy0+1) > maxCells {
		return 0, 0, 0, 0, false
	}
	return int(fx0), int(fy0), int(fx1), int(fy1), true
}

// add puts an item in the cells its bound meets.
func (g *grid[T]) add(b orb.Bound, item T) {
	i := len(g.items)
	g.items = append(g.items, item)
	g.stamp = append(g.stamp, 0)
	x0, y0, x1, y1, ok := cellRange(b)
	if !ok {
		g.big = append(g.big, i)
		return
	}
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			k := [2]int{x, y}
			g.cells[k] = append(g.cells[k], i)
		}
	}
}

// each calls fn with every item whose cells meet the bound's, once, until fn returns false.
func (g *grid[T]) each(b orb.Bound, fn func(it *T) bool) {
	g.query++
	visit := func(i int) bool {
		if g.stamp[i] == g.query {
			return true
		}
		g.stamp[i] = g.query
		return fn(&g.items[i])
	}
	for _, i := range g.big {
		if !visit(i) {
			return
		}
	}
	x0, y0, x1, y1, ok := cellRange(b)
	if !ok {
		for i := range g.items {
			if !visit(i) {
				return
			}
		}
		return
	}
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			for _, i := range g.cells[[2]int{x, y}] {
				if !visit(i) {
					return
				}
			}
		}
	}
}

// mayOverlap reports whether polygons with these bounds can overlap by geo.MinOverlapArea or more:
// neighbours that share a wall have bounds that meet in a line and skip the costly overlay.
func mayOverlap(a, b orb.Bound) bool {
	w := min(a.Max[0], b.Max[0]) - max(a.Min[0], b.Min[0])
	h := min(a.Max[1], b.Max[1]) - max(a.Min[1], b.Min[1])
	return w > 0 && h > 0 && w*h >= geo.MinOverlapArea
}

// floorGrids are the grids of a building's floors, made on first use.
type floorGrids map[uuid.UUID]*grid[obstacle]

func (fg floorGrids) of(floorID uuid.UUID) *grid[obstacle] {
	g, ok := fg[floorID]
	if !ok {
		g = newGrid[obstacle]()
		fg[floorID] = g
	}
	return g
}

// floorNames are the names of a building's floors, by id.
func floorNames(bp *buildingPlan) map[uuid.UUID]string {
	out := map[uuid.UUID]string{}
	for _, fp := range bp.floors {
		out[fp.f.ID] = fp.f.Name
	}
	return out
}

// fixedRooms are the building's rooms that the import leaves as they are (those it updates are not).
func fixedRooms(bp *buildingPlan) []floorplan.Room {
	updated := map[uuid.UUID]bool{}
	for _, rp := range bp.rooms {
		if !rp.rejected && rp.old != nil {
			updated[rp.old.ID] = true
		}
	}
	var out []floorplan.Room
	for _, e := range bp.existing {
		if !updated[e.ID] {
			out = append(out, e)
		}
	}
	return out
}

// checkOverlaps finds every imported room that would overlap, with a positive area, a room of its
// floor that the import leaves alone or an imported room earlier in the source. An overlap of up to
// Options.MaxRepair is cut from one of the two rooms (see cut); a larger one, or one that cannot be cut,
// rejects the later room (and, with SkipInvalid, skips it), and the message names both.
func (p *plan) checkOverlaps(bp *buildingPlan) {
	floorName := floorNames(bp)
	grids := floorGrids{}
	for _, e := range fixedRooms(bp) {
		b := e.Geometry.Bound()
		grids.of(e.FloorID).add(b, obstacle{id: e.ID, number: e.Number, label: existingLabel(e), geom: e.Geometry, bound: b,
			existing: true, floor: floorName[e.FloorID], desc: fmt.Sprintf("room %s already on floor %s (%s)", e.Number, floorName[e.FloorID], e.ID)})
	}
	maxRepair := p.opt.maxRepair()
	for _, rp := range bp.rooms {
		if rp.rejected {
			continue
		}
		g := grids.of(rp.r.FloorID)
		for tries := 0; ; tries++ {
			hit, area, err := firstOverlap(g, rp)
			switch {
			case err != nil:
				p.reject(rp, &reasonErr{reason: Notef("cannot check the overlap with %s: %v", hit.desc, err), err: err})
			case hit == nil:
				g.add(rp.bound, obstacle{id: rp.r.ID, number: rp.r.Number, geom: rp.r.Geometry, bound: rp.bound,
					desc: roomDesc(rp), label: roomLabel(rp), ref: rp.src.Ref, rp: rp})
			case area <= maxRepair && tries < maxCuts && p.cut(rp, hit, area, floorName[rp.r.FloorID]):
				continue
			default:
				p.reject(rp, overlapReason(hit, area,
					&floorplan.OverlapError{RoomID: rp.r.ID, OtherID: hit.id, OtherNumber: hit.number, AreaM2: area}))
			}
			break
		}
	}
}

// overlapReason is the reason a room is rejected for overlapping o by area, around err.
func overlapReason(o *obstacle, area float64, err error) error {
	var n Note
	switch {
	case o.existing:
		n = Notef("overlaps room %s already on floor %s (%s) by %s", o.number, o.floor, o.id, formatArea(area))
	case o.number != "":
		n = Notef("overlaps %s (room %s) by %s", o.ref, o.number, formatArea(area))
	default:
		n = Notef("overlaps %s by %s", o.ref, formatArea(area))
	}
	return &reasonErr{reason: n, err: err}
}

// maxCuts bounds the slivers cut from one room's overlaps with its neighbours.
const maxCuts = 64

// firstOverlap finds a placed room that rp overlaps (by geo.MinOverlapArea or more), with the area.
func firstOverlap(g *grid[obstacle], rp *roomPlan) (hit *obstacle, area float64, err error) {
	g.each(rp.bound, func(o *obstacle) bool {
		if !mayOverlap(rp.bound, o.bound) {
			return true
		}
		ok, a, e := geo.Overlaps(rp.r.Geometry, o.geom)
		if e != nil || ok {
			hit, area, err = o, a, e
			return false
		}
		return true
	})
	return hit, area, err
}

// roomDesc names an imported room in a message: its feature and number.
func roomDesc(rp *roomPlan) string {
	if rp.r.Number != "" {
		return rp.src.Ref + " (room " + rp.r.Number + ")"
	}
	return rp.src.Ref
}

// existingLabel names a room the import leaves alone in a repair: its number, else its id.
func existingLabel(r floorplan.Room) string {
	if r.Number != "" {
		return r.Number
	}
	return r.ID.String()
}

// roomLabel names an imported room in a repair: its number and feature, "E023 (way/4711)".
func roomLabel(rp *roomPlan) string {
	switch {
	case rp.r.Number == "":
		return rp.src.Ref
	case rp.src.Ref == "":
		return rp.r.Number
	}
	return rp.r.Number + " (" + rp.src.Ref + ")"
}

// formatArea writes an area in m² with two decimals, or with the digits a sliver needs (to 0.0001 m²).
func formatArea(a float64) string {
	switch {
	case a < 0.00005:
		return "<0.0001 m²"
	case a < 0.01:
		return fmt.Sprintf("%.4f m²", a)
	}
	return fmt.Sprintf("%.2f m²", a)
}
