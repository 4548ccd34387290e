package dxf

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"officemap/floorplan/imports"
	"officemap/geo"
)

// maxArcSegments bounds the segments one bulge is approximated with, whatever the tolerance.
const maxArcSegments = 1024

// arcPoints appends to out the points after p (excluded) up to q (included) of the arc from p to q with
// the given bulge, approximated by chords that stray from the arc by at most tol. A bulge of 0 (or not
// finite) is a straight segment.
func arcPoints(out []orb.Point, p, q orb.Point, bulge, tol float64) []orb.Point {
	c := math.Hypot(q[0]-p[0], q[1]-p[1])
	if bulge == 0 || math.IsNaN(bulge) || math.IsInf(bulge, 0) || c == 0 || !(tol > 0) {
		return append(out, q)
	}
	theta := 4 * math.Atan(bulge) // included angle, positive counter-clockwise
	r := c / (2 * math.Abs(math.Sin(theta/2)))
	// The centre lies on the chord's left normal (for a positive bulge) at h from its midpoint.
	h := c / 2 * (1 - bulge*bulge) / (2 * bulge)
	mx, my := (p[0]+q[0])/2, (p[1]+q[1])/2
	nx, ny := -(q[1]-p[1])/c, (q[0]-p[0])/c
	cx, cy := mx+h*nx, my+h*ny
	step := math.Pi // the largest angle a chord may span: sagitta r·(1−cos(φ/2)) ≤ tol
	if tol < r {
		step = 2 * math.Acos(1-tol/r)
	}
	n := int(math.Ceil(math.Abs(theta) / step))
	n = max(1, min(n, maxArcSegments))
	a0 := math.Atan2(p[1]-cy, p[0]-cx)
	for k := 1; k < n; k++ {
		a := a0 + theta*float64(k)/float64(n)
		out = append(out, orb.Point{cx + r*math.Cos(a), cy + r*math.Sin(a)})
	}
	return append(out, q)
}

// maxRingPoints is the most points flatten makes of one polyline: one more than a room may have
// (geo.MaxVertices), so that a polyline beyond it is still reported as having too many vertices.
const maxRingPoints = geo.MaxVertices + 1

// flatten returns a polyline's points with its bulges approximated by arcs within tol, in the entity's
// own coordinates. A closed polyline's closing segment (with the last vertex's bulge) is included, and
// its last point is its first. It stops after maxRingPoints points.
func flatten(e *Entity, tol float64) []orb.Point {
	if len(e.Points) == 0 {
		return nil
	}
	out := make([]orb.Point, 0, min(len(e.Points)+1, maxRingPoints))
	first := orb.Point{e.Points[0].X, e.Points[0].Y}
	out = append(out, first)
	for i := 1; i < len(e.Points); i++ {
		if len(out) >= maxRingPoints {
			return out[:maxRingPoints]
		}
		prev := e.Points[i-1]
		out = arcPoints(out, orb.Point{prev.X, prev.Y}, orb.Point{e.Points[i].X, e.Points[i].Y}, prev.Bulge, tol)
	}
	if len(out) >= maxRingPoints {
		return out[:maxRingPoints]
	}
	if e.Closed {
		last := e.Points[len(e.Points)-1]
		lp := orb.Point{last.X, last.Y}
		if lp != first || last.Bulge != 0 {
			out = arcPoints(out, lp, first, last.Bulge, tol)
		}
	}
	return out
}

// affine maps (x, y) to (a·x + b·y + c, d·x + e·y + f).
type affine struct{ a, b, c, d, e, f float64 }

var identity = affine{a: 1, e: 1}

func (m affine) apply(p orb.Point) orb.Point {
	return orb.Point{m.a*p[0] + m.b*p[1] + m.c, m.d*p[0] + m.e*p[1] + m.f}
}

// then returns the map that applies m and then n.
func (m affine) then(n affine) affine {
	return affine{
		a: n.a*m.a + n.b*m.d, b: n.a*m.b + n.b*m.e, c: n.a*m.c + n.b*m.f + n.c,
		d: n.d*m.a + n.e*m.d, e: n.d*m.b + n.e*m.e, f: n.d*m.c + n.e*m.f + n.f,
	}
}

// scale is the map's mean linear scale factor (the square root of its determinant's magnitude).
func (m affine) scale() float64 { return math.Sqrt(math.Abs(m.a*m.e - m.b*m.d)) }

func translate(x, y float64) affine { return affine{a: 1, c: x, e: 1, f: y} }

func rotate(deg float64) affine {
	s, c := math.Sincos(deg * math.Pi / 180)
	return affine{a: c, b: -s, d: s, e: c}
}

func scaleXY(sx, sy float64) affine { return affine{a: sx, e: sy} }

var mirrorX = affine{a: -1, e: 1}

// Placed is an entity placed in the drawing's coordinates (block references expanded).
type Placed struct {
	Entity *Entity
	// Ref names the entity for messages: "entity 57 (LWPOLYLINE, handle 3A)", and for an entity of an
	// inserted block the insert's ref followed by "› block "ROOM" entity 2 (…)".
	Ref string
	// Key identifies the entity in the drawing for re-imports: its handle, and for an entity of an
	// inserted block the insert's key, "/", and its handle.
	Key string
	// Layer is the entity's layer; an entity of a block on layer "0" takes the layer of its INSERT.
	Layer string
	// Ring is a polyline's points (bulges approximated) in drawing units; At is a text's position.
	Ring []orb.Point
	At   orb.Point
	// Text is a text's plain text (see CleanText).
	Text string
}

// Place expands block references and returns every polyline and text placed in the drawing's
// coordinates, with arcs approximated within tol drawing units, and counts of every entity by layer and
// type (block contents counted where they are inserted). Blocks inserted deeper than lim.MaxDepth,
// inserted in themselves or not defined are left out with a note.
func (d *Drawing) Place(tol float64, lim Limits) (placed []Placed, counts map[string]map[string]int, notes []imports.Note, err error) {
	lim = lim.orDefaults()
	p := &placer{d: d, tol: tol, lim: lim, counts: map[string]map[string]int{}, noted: map[string]bool{}}
	if err := p.place(d.Entities, identity, 0, "", "", "", nil); err != nil {
		return nil, nil, nil, err
	}
	return p.out, p.counts, p.notes, nil
}

type placer struct {
	d      *Drawing
	tol    float64
	lim    Limits
	out    []Placed
	counts map[string]map[string]int
	notes  []imports.Note
	noted  map[string]bool
	n      int // entities placed
	points int // polyline points placed
}

func (p *placer) note(key string, msg imports.Note) {
	if !p.noted[key] {
		p.noted[key] = true
		p.notes = append(p.notes, msg)
	}
}

func (p *placer) count(layer, typ string) {
	m := p.counts[layer]
	if m == nil {
		m = map[string]int{}
		p.counts[layer] = m
	}
	m[typ]++
}

func (p *placer) place(es []Entity, m affine, depth int, refPrefix, keyPrefix, insertLayer string, stack []string) error {
	for i := range es {
		e := &es[i]
		p.n++
		if p.n > p.lim.MaxExpanded {
			return fmt.Errorf("more than %d entities once blocks are expanded: %w", p.lim.MaxExpanded, ErrLimit)
		}
		layer := e.Layer
		if layer == "0" && insertLayer != "" {
			layer = insertLayer
		}
		p.count(layer, e.Type)
		handle := e.Handle
		if handle == "" {
			handle = fmt.Sprintf("#%d", e.Index)
		}
		ref := fmt.Sprintf("entity %d (%s, handle %s)", e.Index, e.Type, handle)
		if refPrefix != "" {
			ref = refPrefix + " › " + ref
		}
		key := handle
		if keyPrefix != "" {
			key = keyPrefix + "/" + handle
		}
		em := m
		if e.Mirrored {
			em = mirrorX.then(m)
		}
		switch e.Type {
		case "LWPOLYLINE", "POLYLINE":
			tol := p.tol
			if s := em.scale(); s > 0 && !math.IsInf(s, 0) {
				tol = p.tol / s
			}
			ring := flatten(e, tol)
			p.points += len(ring)
			if p.points > p.lim.MaxPoints {
				return fmt.Errorf("more than %d polyline points once blocks are expanded and arcs approximated: %w", p.lim.MaxPoints, ErrLimit)
			}
			for j := range ring {
				ring[j] = em.apply(ring[j])
			}
			p.out = append(p.out, Placed{Entity: e, Ref: ref, Key: key, Layer: layer, Ring: ring})
		case "TEXT", "MTEXT", "ATTRIB":
			p.out = append(p.out, Placed{Entity: e, Ref: ref, Key: key, Layer: layer, At: em.apply(e.At), Text: CleanText(e.Text)})
		case "INSERT":
			if err := p.insert(e, em, depth, ref, key, layer, stack); err != nil {
				return err
			}
		}
	}
	return nil
}

// insert places the entities of a block reference (every copy of a MINSERT array).
func (p *placer) insert(e *Entity, m affine, depth int, ref, key, layer string, stack []string) error {
	b := p.d.Blocks[e.Block]
	switch {
	case b == nil:
		p.note("undefined:"+e.Block, imports.Notef("%s: block %q is not defined; left out", ref, e.Block))
		return nil
	case depth >= p.lim.MaxDepth:
		p.note("depth:"+e.Block, imports.Notef("%s: block %q is nested more than %d levels deep; left out", ref, e.Block, p.lim.MaxDepth))
		return nil
	}
	for _, s := range stack {
		if s == e.Block {
			p.note("cycle:"+e.Block, imports.Notef("%s: block %q inserts itself; left out", ref, e.Block))
			return nil
		}
	}
	if e.Cols*e.Rows > 10_000 {
		return fmt.Errorf("%s: an array of %d×%d block copies: %w", ref, e.Cols, e.Rows, ErrLimit)
	}
	stack = append(stack, e.Block)
	sx, sy := e.ScaleX, e.ScaleY
	if sx == 0 || math.IsNaN(sx) {
		sx = 1
	}
	if sy == 0 || math.IsNaN(sy) {
		sy = 1
	}
	for c := 0; c < e.Cols; c++ {
		for r := 0; r < e.Rows; r++ {
			bm := translate(-b.Base[0], -b.Base[1]).
				then(scaleXY(sx, sy)).
				then(translate(float64(c)*e.ColSpacing, float64(r)*e.RowSpacing)).
				then(rotate(e.Rotation)).
				then(translate(e.At[0], e.At[1])).
				then(m)
			k := key
			if e.Cols*e.Rows > 1 {
				k = fmt.Sprintf("%s[%d,%d]", key, c, r)
			}
			if err := p.place(b.Entities, bm, depth+1, fmt.Sprintf("%s › block %q", ref, e.Block), k, layer, stack); err != nil {
				return err
			}
		}
	}
	return nil
}
