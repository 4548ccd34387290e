package sample

// The floor-plan builder. A floor is a corridor with a row of bays on either side. A bay is a slice of a
// row, a width along the corridor, and holds one or more rooms drawn in the bay's own coordinates: u along
// the corridor from the bay's start, v away from the corridor towards the outer wall. The builder places
// the bays one after the other, so that neighbours share their walls exactly, and maps bay coordinates to
// the building's local frame.

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// bay is one slice of a row of rooms.
type bay struct {
	width float64
	parts []part
}

// part is one room of a bay: what it is and its outline.
type part struct {
	room
	// outline returns the room's ring, not closed, in bay coordinates, for a bay of width w in a row of
	// depth d.
	outline func(w, d float64) []orb.Point
}

// room is what a room is, wherever it is drawn.
type room struct {
	usage floorplan.Usage
	name  string
	// agency is the key of the agency the room is allocated to. Common rooms (corridors, stairs, public
	// toilets, plant rooms, shared halls) have none and stay unallocated.
	agency string
	common bool
	// seats are the people whose main office the room is.
	seats []seat
	// suite marks a leader's rest room or private toilet: it is held by the people of the bay's first
	// room.
	suite bool
	// tag names the room for story.go.
	tag string
}

// seat is one person's place in a room.
type seat struct {
	rank  floorplan.Rank
	title string // "" takes the agency's title for the rank: its head's or deputy's
	tag   string // names the person for story.go
}

// box is the rectangle [u0, u1] × [v0, v1] in bay coordinates.
func box(u0, u1, v0, v1 float64) []orb.Point {
	return []orb.Point{{u0, v0}, {u1, v0}, {u1, v1}, {u0, v1}}
}

// whole is the outline of a room that fills its bay.
func whole(w, d float64) []orb.Point { return box(0, w, 0, d) }

// single is a bay of width w holding one room.
func single(w float64, r room) []bay {
	return []bay{{width: w, parts: []part{{room: r, outline: whole}}}}
}

// office is an office of width w, with the people sitting in it.
func office(w float64, seats ...seat) []bay {
	return single(w, room{usage: floorplan.UsageOffice, seats: seats})
}

// service is a service room (会议室, 档案室, 接待室…) of the agency whose bays it is among.
func service(w float64, name string) []bay {
	return single(w, room{usage: floorplan.UsageService, name: name})
}

// ancillary is an ancillary room (警卫室, 人防物资库…) of the agency whose bays it is among.
func ancillary(w float64, name string) []bay {
	return single(w, room{usage: floorplan.UsageAncillary, name: name})
}

// shared is a common room of the given usage: no agency holds it.
func shared(w float64, usage floorplan.Usage, name string) []bay {
	return single(w, room{usage: usage, name: name, common: true})
}

// stairs is a common staircase.
func stairs(w float64, name string) []bay { return shared(w, floorplan.UsageCirculation, name) }

// lshape is a bay of width w holding an L-shaped room and, in its corner on the corridor side at the bay's
// end, a small room of nw × nd.
func lshape(w, nw, nd float64, big, small room) []bay {
	return []bay{{width: w, parts: []part{
		{room: big, outline: func(w, d float64) []orb.Point {
			return []orb.Point{{0, 0}, {w - nw, 0}, {w - nw, nd}, {w, nd}, {w, d}, {0, d}}
		}},
		{room: small, outline: func(w, _ float64) []orb.Point { return box(w-nw, w, 0, nd) }},
	}}}
}

// suite is a leader's suite of width w: an office ow wide, and beside it a private toilet td deep on the
// corridor side with the rest room behind it, both held by the leader.
func suite(w, ow, td float64, leader seat) []bay {
	return []bay{{width: w, parts: []part{
		{room: room{usage: floorplan.UsageOffice, seats: []seat{leader}}, outline: func(_, d float64) []orb.Point {
			return box(0, ow, 0, d)
		}},
		{room: room{usage: floorplan.UsageRestRoom, name: "休息室", suite: true}, outline: func(w, d float64) []orb.Point {
			return box(ow, w, td, d)
		}},
		{room: room{usage: floorplan.UsageToilet, name: "卫生间", suite: true}, outline: func(w, _ float64) []orb.Point {
			return box(ow, w, 0, td)
		}},
	}}}
}

// cell is one room of a core, a rectangle in bay coordinates that may reach beyond the row's depth.
type cell struct {
	u0, u1, v0, v1 float64
	room
}

// core is a bay of width w laid out cell by cell: a building's core of stairs, lifts and toilets.
func core(w float64, cells ...cell) []bay {
	b := bay{width: w}
	for _, c := range cells {
		b.parts = append(b.parts, part{room: c.room, outline: func(_, _ float64) []orb.Point {
			return box(c.u0, c.u1, c.v0, c.v1)
		}})
	}
	return []bay{b}
}

// tenant allocates the rooms of the bays to an agency, except the common ones and those already
// allocated.
func tenant(agency string, runs ...[]bay) []bay {
	out := join(runs...)
	for i := range out {
		for j := range out[i].parts {
			if r := &out[i].parts[j].room; !r.common && r.agency == "" {
				r.agency = agency
			}
		}
	}
	return out
}

// tagged names the first room of the bays for story.go.
func tagged(tag string, b []bay) []bay {
	b[0].parts[0].tag = tag
	return b
}

// join puts runs of bays one after the other.
func join(runs ...[]bay) []bay {
	var out []bay
	for _, r := range runs {
		for _, b := range r {
			// Copy the parts so that tenant and tagged never change a bay shared by two runs.
			b.parts = append([]part(nil), b.parts...)
			out = append(out, b)
		}
	}
	return out
}

// frame is the shape of one building's floors: the corridor runs along local x between x0 and x1; the
// south row lies between southOuter and southCorridor, the corridor between southCorridor and
// northCorridor, the north row between northCorridor and northOuter.
type frame struct {
	x0, x1                    float64
	southOuter, southCorridor float64
	northCorridor, northOuter float64
}

// placed is one room of a floor with its local outline, ready to become a floorplan.Room.
type placed struct {
	room
	geometry orb.Polygon
	bay      int // index of its bay over the floor: suite rooms follow the bay's first room
}

// lay places the bays of a row from x0 to x1. A row along the south side grows towards lower y. It
// panics when the bays do not fill the row: the plans in compound.go are fixed, and the tests build them.
func (f frame) lay(bays []bay, south bool, where string, firstBay int) []placed {
	yc, depth, dir := f.northCorridor, f.northOuter-f.northCorridor, 1.0
	if south {
		yc, depth, dir = f.southCorridor, f.southCorridor-f.southOuter, -1.0
	}
	var out []placed
	x := f.x0
	for i, b := range bays {
		for _, p := range b.parts {
			pts := p.outline(b.width, depth)
			ring := make(orb.Ring, 0, len(pts)+1)
			for _, q := range pts {
				ring = append(ring, orb.Point{mm(x + q[0]), mm(yc + dir*q[1])})
			}
			ring = append(ring, ring[0])
			out = append(out, placed{room: p.room, geometry: geo.Normalize(orb.Polygon{ring}), bay: firstBay + i})
		}
		x = mm(x + b.width)
	}
	if math.Abs(x-f.x1) > 1e-6 {
		panic(fmt.Sprintf("sample: the bays of %s end at %.3f m, not at the row's end %.3f m", where, x, f.x1))
	}
	return out
}

// corridor is the floor's corridor, from one end of the rows to the other.
func (f frame) corridor() orb.Polygon {
	return orb.Polygon{{{f.x0, f.southCorridor}, {f.x1, f.southCorridor}, {f.x1, f.northCorridor},
		{f.x0, f.northCorridor}, {f.x0, f.southCorridor}}}
}

// mm rounds a coordinate to the millimetre, so that sums of widths give clean walls.
func mm(v float64) float64 { return math.Round(v*1000) / 1000 }
