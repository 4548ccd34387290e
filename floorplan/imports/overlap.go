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
// imported room accepted earlier.
type obstacle struct {
	id       uuid.UUID
	desc     string // how to name it in a message
	number   string
	geom     orb.Polygon
	bound    orb.Bound
	existing bool
}

// grid is a uniform grid over one floor's local metres.
type grid struct {
	cells map[[2]int][]int
	big   []int
	items []obstacle
	stamp []int // last query that visited an item, so that each item is visited once per query
	query int
}

func newGrid() *grid { return &grid{cells: map[[2]int][]int{}} }

func cellRange(b orb.Bound) (x0, y0, x1, y1 int, ok bool) {
	fx0, fy0 := math.Floor(b.Min[0]/gridCell), math.Floor(b.Min[1]/gridCell)
	fx1, fy1 := math.Floor(b.Max[0]/gridCell), math.Floor(b.Max[1]/gridCell)
	if !(fx0 >= -1e9 && fx1 <= 1e9 && fy0 >= -1e9 && fy1 <= 1e9) || (fx1-fx0+1)*(fy1-fy0+1) > maxCells {
		return 0, 0, 0, 0, false
	}
	return int(fx0), int(fy0), int(fx1), int(fy1), true
}

func (g *grid) add(o obstacle) {
	i := len(g.items)
	g.items = append(g.items, o)
	g.stamp = append(g.stamp, 0)
	x0, y0, x1, y1, ok := cellRange(o.bound)
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
func (g *grid) each(b orb.Bound, fn func(o *obstacle) bool) {
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

// checkOverlaps rejects every imported room that would overlap, with a positive area, a room of its
// floor that the import leaves alone or an imported room earlier in the source. Of two overlapping
// imported rooms the later one is rejected (and, with SkipInvalid, skipped), and the message names both.
func (p *plan) checkOverlaps(bp *buildingPlan) {
	floorName := map[uuid.UUID]string{}
	for _, fp := range bp.floors {
		floorName[fp.f.ID] = fp.f.Name
	}
	grids := map[uuid.UUID]*grid{}
	gridOf := func(floorID uuid.UUID) *grid {
		g, ok := grids[floorID]
		if !ok {
			g = newGrid()
			grids[floorID] = g
		}
		return g
	}
	updated := map[uuid.UUID]bool{}
	for _, rp := range bp.rooms {
		if !rp.rejected && rp.old != nil {
			updated[rp.old.ID] = true
		}
	}
	for _, e := range bp.existing {
		if updated[e.ID] {
			continue
		}
		gridOf(e.FloorID).add(obstacle{id: e.ID, number: e.Number, geom: e.Geometry, bound: e.Geometry.Bound(),
			existing: true, desc: fmt.Sprintf("room %s already on floor %s (%s)", e.Number, floorName[e.FloorID], e.ID)})
	}
	for _, rp := range bp.rooms {
		if rp.rejected {
			continue
		}
		g := gridOf(rp.r.FloorID)
		var hit *obstacle
		var area float64
		var failed error
		g.each(rp.bound, func(o *obstacle) bool {
			if !mayOverlap(rp.bound, o.bound) {
				return true
			}
			ok, a, err := geo.Overlaps(rp.r.Geometry, o.geom)
			if err != nil {
				failed, hit = err, o
				return false
			}
			if ok {
				hit, area = o, a
				return false
			}
			return true
		})
		switch {
		case failed != nil:
			p.reject(rp, fmt.Sprintf("cannot check the overlap with %s: %v", hit.desc, failed), failed)
		case hit != nil:
			p.reject(rp, fmt.Sprintf("overlaps %s by %s", hit.desc, formatArea(area)),
				&floorplan.OverlapError{RoomID: rp.r.ID, OtherID: hit.id, OtherNumber: hit.number, AreaM2: area})
		default:
			desc := rp.src.Ref
			if rp.r.Number != "" {
				desc += " (room " + rp.r.Number + ")"
			}
			g.add(obstacle{id: rp.r.ID, number: rp.r.Number, geom: rp.r.Geometry, bound: rp.bound, desc: desc})
		}
	}
}

// formatArea writes an area in m² with two decimals, or with the digits a sliver needs.
func formatArea(a float64) string {
	if a < 0.01 {
		return fmt.Sprintf("%.4f m²", a)
	}
	return fmt.Sprintf("%.2f m²", a)
}
