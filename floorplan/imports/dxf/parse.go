// Package dxf reads the rooms of a floor plan from an ASCII DXF drawing (AutoCAD's Drawing Exchange
// Format): closed polylines on a rooms layer, and room numbers (and optionally room names) as text
// placed inside them.
//
// Parse reads what a floor plan needs — the HEADER's $INSUNITS, $ACADVER and $DWGCODEPAGE, the LAYER
// table, BLOCKS, and the entities LWPOLYLINE, POLYLINE/VERTEX/SEQEND, TEXT, MTEXT, ATTRIB and INSERT —
// and counts every other entity by layer. It tolerates CRLF line ends, padded group codes and unknown
// entities and sections; it never panics on malformed input and stops with an error naming the line
// when it cannot go on — as it does when the file ends before its EOF record (a drawing cut short is
// refused, never read in part); Limits bound the memory and time a huge or hostile file can take.
//
// Read turns a drawing into an imports.Dataset: the rooms layer's closed polylines (bulges approximated
// by arcs within a chord tolerance), in metres, each numbered by the label inside it, of the usage its
// name, number prefix or layer tells (imports.UsageMap), and the building's footprint from the outline
// layer.
package dxf

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"officemap/floorplan/imports"
)

// Limits bound what Parse and Read accept, so that a huge or hostile file cannot take unbounded memory
// or time.
type Limits struct {
	MaxEntities      int // entities in all sections and blocks
	MaxVertices      int // vertices of one polyline
	MaxTotalVertices int // vertices of all polylines
	MaxLineBytes     int // bytes of one line
	MaxRecordPairs   int // group-code pairs of one record (the HEADER section is one record)
	MaxDepth         int // levels of blocks inserted in blocks
	MaxExpanded      int // entities after block references are expanded
	MaxPoints        int // polyline points once blocks are expanded and arcs approximated
}

// DefaultLimits are generous for real floor plans (a large floor has a few hundred thousand entities).
var DefaultLimits = Limits{
	MaxEntities:      5_000_000,
	MaxVertices:      1_000_000,
	MaxTotalVertices: 50_000_000,
	MaxLineBytes:     1 << 20,
	MaxRecordPairs:   2_000_000,
	MaxDepth:         8,
	MaxExpanded:      5_000_000,
	MaxPoints:        20_000_000,
}

// orDefaults fills the zero fields of l with DefaultLimits'.
func (l Limits) orDefaults() Limits {
	d := DefaultLimits
	pick := func(v, def int) int {
		if v > 0 {
			return v
		}
		return def
	}
	return Limits{
		MaxEntities: pick(l.MaxEntities, d.MaxEntities), MaxVertices: pick(l.MaxVertices, d.MaxVertices),
		MaxTotalVertices: pick(l.MaxTotalVertices, d.MaxTotalVertices), MaxLineBytes: pick(l.MaxLineBytes, d.MaxLineBytes),
		MaxRecordPairs: pick(l.MaxRecordPairs, d.MaxRecordPairs), MaxDepth: pick(l.MaxDepth, d.MaxDepth),
		MaxExpanded: pick(l.MaxExpanded, d.MaxExpanded), MaxPoints: pick(l.MaxPoints, d.MaxPoints),
	}
}

// ErrLimit is wrapped by the errors of inputs beyond Limits.
var ErrLimit = errors.New("dxf: limit exceeded")

// Vertex is a polyline vertex; Bulge is the tangent of a quarter of the arc's included angle to the next
// vertex (0 for a straight segment, positive counter-clockwise).
type Vertex struct {
	X, Y, Bulge float64
}

// Entity is one drawing entity. Only the fields of its type are set.
type Entity struct {
	Type   string // LWPOLYLINE, POLYLINE, TEXT, MTEXT, ATTRIB, INSERT, or any other type (counted only)
	Handle string
	Layer  string
	Index  int // 1-based position in its section or block (VERTEX and SEQEND belong to their POLYLINE)
	Line   int // the line of the file where the entity starts

	// LWPOLYLINE, POLYLINE
	Points []Vertex
	Closed bool

	// TEXT, MTEXT, ATTRIB: the text as written (formatting codes included) and its insertion point.
	Text string
	At   orb.Point

	// INSERT: the block, where (At), its scale, rotation (degrees, counter-clockwise) and, for MINSERT
	// arrays, columns and rows.
	Block                  string
	ScaleX, ScaleY         float64
	Rotation               float64
	Cols, Rows             int
	ColSpacing, RowSpacing float64

	// Mirrored is set when the entity's extrusion direction is −Z: its object coordinates are mirrored in
	// X (as CAD programs write entities of a mirrored block or a view from below).
	Mirrored bool
}

// Block is a block definition: entities relative to a base point, placed by INSERT.
type Block struct {
	Name     string
	Base     orb.Point
	Entities []Entity
}

// Drawing is what Parse reads.
type Drawing struct {
	Version  string // $ACADVER, e.g. "AC1032"
	CodePage string // $DWGCODEPAGE, e.g. "ANSI_1252", "ANSI_936"
	// InsUnits is $INSUNITS (1 inch, 2 foot, 4 mm, 5 cm, 6 m…), or -1 when the header does not say.
	InsUnits int
	Layers   []string // the LAYER table, in order
	Blocks   map[string]*Block
	Entities []Entity // the ENTITIES section
}

// pair is one group code and its value.
type pair struct {
	code  int
	value string
	line  int // the line of the value
}

// reader reads group-code pairs.
type reader struct {
	sc     *bufio.Scanner
	line   int
	peeked *pair
	decode func(string) string
	lim    Limits
}

// next reads the next pair; ok is false at the end of the input.
func (r *reader) next() (p pair, ok bool, err error) {
	if r.peeked != nil {
		p, r.peeked = *r.peeked, nil
		return p, true, nil
	}
	var codeLine string
	for {
		if !r.sc.Scan() {
			return p, false, r.scanErr()
		}
		r.line++
		codeLine = strings.TrimSpace(r.sc.Text())
		if codeLine != "" {
			break
		}
		// Blank lines between pairs are tolerated (some writers pad the end of the file).
	}
	code, err := strconv.Atoi(codeLine)
	if err != nil {
		return p, false, fmt.Errorf("line %d: group code %q is not a number", r.line, truncate(codeLine, 20))
	}
	if !r.sc.Scan() {
		if err := r.scanErr(); err != nil {
			return p, false, err
		}
		return p, false, fmt.Errorf("line %d: %w: group code %d has no value", r.line, imports.ErrTruncated, code)
	}
	r.line++
	v := strings.TrimRight(r.sc.Text(), "\r")
	if code == 0 || code == 2 || code == 5 || code == 8 || code == 9 {
		v = strings.TrimSpace(v)
	}
	return pair{code: code, value: v, line: r.line}, true, nil
}

func (r *reader) scanErr() error {
	err := r.sc.Err()
	if errors.Is(err, bufio.ErrTooLong) {
		return fmt.Errorf("line %d: longer than %d bytes: %w", r.line+1, r.lim.MaxLineBytes, ErrLimit)
	}
	return err
}

func (r *reader) unread(p pair) { r.peeked = &p }

// record reads one record: the value of a code-0 pair (its type) and the pairs up to the next code 0.
// Pairs before the first record (or after one the caller stopped reading) are skipped.
func (r *reader) record() (typ string, line int, pairs []pair, ok bool, err error) {
	p, ok, err := r.nextType()
	if err != nil || !ok {
		return "", 0, nil, false, err
	}
	typ, line = strings.ToUpper(p.value), p.line
	pairs, err = r.rest(func(pair) error {
		return fmt.Errorf("line %d: record %s has more than %d group codes: %w", line, typ, r.lim.MaxRecordPairs, ErrLimit)
	})
	if err != nil {
		return "", 0, nil, false, err
	}
	return typ, line, pairs, true, nil
}

// nextType reads up to the next code-0 pair, which starts a record; ok is false at the end of the input.
func (r *reader) nextType() (p pair, ok bool, err error) {
	for {
		p, ok, err = r.next()
		if err != nil || !ok || p.code == 0 {
			return p, ok, err
		}
	}
}

// rest reads the pairs of a record whose code-0 pair has been read, up to the next code-0 pair (left
// unread) or the end of the input. tooMany makes the error for the pair beyond Limits.MaxRecordPairs.
func (r *reader) rest(tooMany func(pair) error) ([]pair, error) {
	var pairs []pair
	for {
		p, ok, err := r.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return pairs, nil
		}
		if p.code == 0 {
			r.unread(p)
			return pairs, nil
		}
		if len(pairs) >= r.lim.MaxRecordPairs {
			return nil, tooMany(p)
		}
		pairs = append(pairs, p)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// binarySentinel starts a binary DXF file.
var binarySentinel = []byte("AutoCAD Binary DXF")

// Parse reads an ASCII DXF drawing. Errors name the line; inputs beyond lim wrap ErrLimit. Zero
// fields of lim take DefaultLimits' values.
//
// A drawing is read whole or not at all: a file that ends before its EOF record (inside a section, or
// between sections) is an error wrapping imports.ErrTruncated that names the line where it ends and
// what was still expected, never the part of a floor read so far. An EOF record inside a section
// closes the section too (a writer that forgot the last ENDSEC did finish the file).
func Parse(in io.Reader, lim Limits) (*Drawing, error) {
	lim = lim.orDefaults()
	br := bufio.NewReaderSize(in, 64<<10)
	if head, _ := br.Peek(len(binarySentinel)); bytes.Equal(head, binarySentinel) {
		return nil, errors.New("binary DXF is not supported: save the drawing as ASCII DXF")
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, min(4096, lim.MaxLineBytes)), lim.MaxLineBytes)
	r := &reader{sc: sc, lim: lim, decode: decoder("", "")}
	d := &Drawing{InsUnits: -1, Blocks: map[string]*Block{}}
	st := &state{d: d, r: r, lim: lim}
	for {
		typ, line, pairs, ok, err := r.record()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, st.truncated()
		}
		if typ == "EOF" {
			break
		}
		if typ != "SECTION" {
			continue // stray record between sections
		}
		if err := st.section(sectionName(pairs), line, pairs); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// sectionName is the name of a section (code 2 of its SECTION record), in capitals.
func sectionName(pairs []pair) string {
	for _, p := range pairs {
		if p.code == 2 {
			return strings.ToUpper(strings.TrimSpace(p.value))
		}
	}
	return ""
}

// section reads the section that the SECTION record at line, of pairs, begins, up to its ENDSEC.
func (st *state) section(name string, line int, pairs []pair) error {
	st.open, st.openLine = name, line
	if name == "" {
		st.open = "unnamed"
	}
	var err error
	d, r := st.d, st.r
	switch name {
	case "HEADER":
		st.header(pairs)
		r.decode = decoder(d.Version, d.CodePage)
		err = st.skipSection()
	case "TABLES":
		err = st.tables()
	case "BLOCKS":
		err = st.blocks()
	case "ENTITIES":
		err = st.entities()
	default:
		err = st.skipSection()
	}
	st.closed, st.open = st.open, ""
	return err
}

// state is Parse's working state.
type state struct {
	d         *Drawing
	r         *reader
	lim       Limits
	nEntities int      // entities read so far, blocks included
	nVertices int      // polyline vertices read so far
	pending   []Entity // the ATTRIB entities of the INSERT just read
	open      string   // the section being read ("" between sections)
	openLine  int      // the line of its SECTION record
	closed    string   // the last section read to its ENDSEC
}

// truncated is the error of a file that ends before its EOF record: where it ends, and what was
// still expected there.
func (st *state) truncated() error {
	line := st.r.line
	switch {
	case line == 0:
		return fmt.Errorf("%w: it is empty, not a DXF drawing", imports.ErrTruncated)
	case st.open != "":
		return fmt.Errorf("line %d: %w: it ends inside the %s section begun at line %d, before the section's ENDSEC and the EOF record",
			line, imports.ErrTruncated, st.open, st.openLine)
	case st.closed != "":
		return fmt.Errorf("line %d: %w: it ends after the %s section, before the EOF record", line, imports.ErrTruncated, st.closed)
	}
	return fmt.Errorf("line %d: %w: it ends before any section and the EOF record", line, imports.ErrTruncated)
}

// take returns the entity just read followed by its attributes, numbered from index+1.
func (st *state) take(e *Entity, index *int) []Entity {
	*index++
	e.Index = *index
	out := append([]Entity{*e}, st.pending...)
	for i := 1; i < len(out); i++ {
		*index++
		out[i].Index = *index
	}
	st.pending = st.pending[:0]
	return out
}

// header reads the variables a floor plan needs from the HEADER section's pairs.
func (st *state) header(pairs []pair) {
	for i := 0; i < len(pairs); i++ {
		if pairs[i].code != 9 || i+1 >= len(pairs) {
			continue
		}
		v := pairs[i+1]
		switch strings.ToUpper(pairs[i].value) {
		case "$ACADVER":
			st.d.Version = strings.TrimSpace(v.value)
		case "$DWGCODEPAGE":
			st.d.CodePage = strings.ToUpper(strings.TrimSpace(v.value))
		case "$INSUNITS":
			if n, err := strconv.Atoi(strings.TrimSpace(v.value)); err == nil {
				st.d.InsUnits = n
			}
		}
	}
}

// sectionRecord reads the next record of a section; done is true at the section's ENDSEC and at an EOF
// record (left to be read again). The end of the input is an error: the section is cut short.
func (st *state) sectionRecord() (typ string, line int, pairs []pair, done bool, err error) {
	typ, line, pairs, ok, err := st.r.record()
	if err != nil {
		return "", 0, nil, true, err
	}
	if !ok {
		return "", 0, nil, true, st.truncated()
	}
	if typ == "ENDSEC" {
		return "", 0, nil, true, nil
	}
	if typ == "EOF" {
		st.r.unread(pair{code: 0, value: "EOF"})
		return "", 0, nil, true, nil
	}
	return typ, line, pairs, false, nil
}

// skipSection reads records up to ENDSEC.
func (st *state) skipSection() error {
	for {
		if _, _, _, done, err := st.sectionRecord(); done {
			return err
		}
	}
}

// tables reads the LAYER table's names; other tables are skipped.
func (st *state) tables() error {
	seen := map[string]bool{}
	for {
		typ, _, pairs, done, err := st.sectionRecord()
		if done {
			return err
		}
		if typ != "LAYER" {
			continue
		}
		for _, p := range pairs {
			if p.code == 2 {
				name := st.r.decode(p.value)
				if !seen[name] {
					seen[name] = true
					st.d.Layers = append(st.d.Layers, name)
				}
				break
			}
		}
	}
}

// blocks reads block definitions with their entities.
func (st *state) blocks() error {
	var cur *Block
	index := 0
	for {
		typ, line, pairs, done, err := st.sectionRecord()
		if done {
			return err
		}
		switch typ {
		case "BLOCK":
			cur, index = st.block(pairs), 0
		case "ENDBLK":
			cur = nil
		default:
			e, err := st.entity(typ, line, pairs)
			if err != nil {
				return err
			}
			if e == nil || cur == nil {
				st.pending = st.pending[:0]
				continue
			}
			cur.Entities = append(cur.Entities, st.take(e, &index)...)
		}
	}
}

// block starts the definition of a block: its name and base point. A block with a name is kept.
func (st *state) block(pairs []pair) *Block {
	b := &Block{Base: pointOf(pairs, 10)}
	for _, p := range pairs {
		if p.code == 2 {
			b.Name = st.r.decode(p.value)
		}
	}
	if b.Name != "" {
		st.d.Blocks[b.Name] = b
	}
	return b
}

// entities reads the ENTITIES section.
func (st *state) entities() error {
	index := 0
	for {
		typ, line, pairs, done, err := st.sectionRecord()
		if done {
			return err
		}
		e, err := st.entity(typ, line, pairs)
		if err != nil {
			return err
		}
		if e == nil {
			continue
		}
		st.d.Entities = append(st.d.Entities, st.take(e, &index)...)
	}
}

// entity interprets one entity record (reading the VERTEX records of a POLYLINE and the ATTRIB records
// of an INSERT that follow it). It returns nil for records that are not entities of their own
// (a stray VERTEX or SEQEND).
func (st *state) entity(typ string, line int, pairs []pair) (*Entity, error) {
	if typ == "VERTEX" || typ == "SEQEND" || typ == "" {
		return nil, nil
	}
	st.nEntities++
	if st.nEntities > st.lim.MaxEntities {
		return nil, fmt.Errorf("line %d: more than %d entities: %w", line, st.lim.MaxEntities, ErrLimit)
	}
	e := &Entity{Type: typ, Line: line}
	var err error
	switch typ {
	case "LWPOLYLINE":
		err = st.lwpolyline(e, pairs)
	case "POLYLINE":
		err = st.polyline(e, pairs)
	case "TEXT", "ATTRIB", "MTEXT":
		st.text(e, pairs)
	case "INSERT":
		err = st.insert(e, pairs)
	}
	if err != nil {
		return nil, err
	}
	st.common(e, pairs)
	return e, nil
}

// common reads what every entity may have: its handle, its layer and its extrusion direction.
func (st *state) common(e *Entity, pairs []pair) {
	extrusionZ := 1.0
	for _, p := range pairs {
		switch p.code {
		case 5:
			e.Handle = p.value
		case 8:
			e.Layer = st.r.decode(p.value)
		case 230:
			extrusionZ = num(p.value)
		}
	}
	e.Mirrored = extrusionZ < 0
}

// lwpolyline reads an LWPOLYLINE's vertices and closed flag.
func (st *state) lwpolyline(e *Entity, pairs []pair) error {
	for _, p := range pairs {
		switch p.code {
		case 10:
			if err := st.addVertex(e, Vertex{X: num(p.value)}, p.line); err != nil {
				return err
			}
		case 20:
			if n := len(e.Points); n > 0 {
				e.Points[n-1].Y = num(p.value)
			}
		case 42:
			if n := len(e.Points); n > 0 {
				e.Points[n-1].Bulge = num(p.value)
			}
		case 70:
			e.Closed = intNum(p.value)&1 != 0
		}
	}
	return nil
}

// polyline reads a POLYLINE's closed flag and the VERTEX records that follow it.
func (st *state) polyline(e *Entity, pairs []pair) error {
	for _, p := range pairs {
		if p.code == 70 {
			e.Closed = intNum(p.value)&1 != 0
		}
	}
	return st.polylineVertices(e)
}

// text reads a TEXT, ATTRIB or MTEXT: the text (an MTEXT's chunks before its last part), decoded, and
// the insertion point, which is the second alignment point of a justified TEXT or ATTRIB.
func (st *state) text(e *Entity, pairs []pair) {
	mtext := e.Type == "MTEXT"
	var align orb.Point
	hasAlign, justified := false, false
	var chunks []string
	e.At = pointOf(pairs, 10)
	for _, p := range pairs {
		switch p.code {
		case 1:
			e.Text = p.value
		case 3:
			if mtext {
				chunks = append(chunks, p.value)
			}
		case 11:
			if !mtext {
				align[0], hasAlign = num(p.value), true
			}
		case 21:
			if !mtext {
				align[1] = num(p.value)
			}
		case 72:
			justified = justified || intNum(p.value) != 0
		case 73, 74:
			if !mtext {
				justified = justified || intNum(p.value) != 0
			}
		}
	}
	if len(chunks) > 0 {
		e.Text = strings.Join(chunks, "") + e.Text
	}
	e.Text = st.r.decode(e.Text)
	if hasAlign && justified {
		e.At = align
	}
}

// insert reads an INSERT: the block, where, its scale, rotation and MINSERT array, and the ATTRIB
// records that follow it when it says it has attributes.
func (st *state) insert(e *Entity, pairs []pair) error {
	e.ScaleX, e.ScaleY, e.Cols, e.Rows = 1, 1, 1, 1
	attribs := false
	e.At = pointOf(pairs, 10)
	for _, p := range pairs {
		switch p.code {
		case 2:
			e.Block = st.r.decode(p.value)
		case 41:
			e.ScaleX = num(p.value)
		case 42:
			e.ScaleY = num(p.value)
		case 50:
			e.Rotation = num(p.value)
		case 66:
			attribs = intNum(p.value) != 0
		case 70:
			e.Cols = max(1, intNum(p.value))
		case 71:
			e.Rows = max(1, intNum(p.value))
		case 44:
			e.ColSpacing = num(p.value)
		case 45:
			e.RowSpacing = num(p.value)
		}
	}
	if !attribs {
		return nil
	}
	return st.attribs()
}

// addVertex appends a vertex to a polyline, within the limits of one polyline's and all polylines'
// vertices.
func (st *state) addVertex(e *Entity, v Vertex, line int) error {
	if len(e.Points) >= st.lim.MaxVertices {
		return fmt.Errorf("line %d: polyline has more than %d vertices: %w", line, st.lim.MaxVertices, ErrLimit)
	}
	st.nVertices++
	if st.nVertices > st.lim.MaxTotalVertices {
		return fmt.Errorf("line %d: more than %d polyline vertices: %w", line, st.lim.MaxTotalVertices, ErrLimit)
	}
	e.Points = append(e.Points, v)
	return nil
}

// polylineVertices reads the VERTEX records of a POLYLINE up to its SEQEND. Spline frame control points
// (flag 16) and polyface mesh faces (flag 128 without 64) are not outline vertices and are skipped.
func (st *state) polylineVertices(e *Entity) error {
	return st.subRecords("VERTEX", func(line int, pairs []pair) error {
		v, flags := vertex(pairs)
		if flags&16 != 0 || (flags&128 != 0 && flags&64 == 0) {
			return nil
		}
		return st.addVertex(e, v, line)
	})
}

// subRecords reads the records that follow a POLYLINE (VERTEX) or an INSERT (ATTRIB) up to their SEQEND,
// giving each record of type typ to fn. Another record ends them too, and is left to be read again.
func (st *state) subRecords(typ string, fn func(line int, pairs []pair) error) error {
	for {
		p, ok, err := st.r.nextType()
		if err != nil || !ok {
			return err
		}
		switch strings.ToUpper(p.value) {
		case typ:
		case "SEQEND":
			// SEQEND's own pairs are skipped by the next record() call.
			return nil
		default:
			st.r.unread(p) // no SEQEND
			return nil
		}
		pairs, err := st.recordAfterType()
		if err != nil {
			return err
		}
		if err := fn(p.line, pairs); err != nil {
			return err
		}
	}
}

// vertex reads a VERTEX record: the vertex and its flags.
func vertex(pairs []pair) (v Vertex, flags int) {
	at := pointOf(pairs, 10)
	v.X, v.Y = at[0], at[1]
	for _, q := range pairs {
		switch q.code {
		case 42:
			v.Bulge = num(q.value)
		case 70:
			flags = intNum(q.value)
		}
	}
	return v, flags
}

// recordAfterType reads the pairs of a record whose code-0 pair has just been read.
func (st *state) recordAfterType() ([]pair, error) {
	return st.r.rest(func(p pair) error {
		return fmt.Errorf("line %d: more than %d group codes in one record: %w", p.line, st.lim.MaxRecordPairs, ErrLimit)
	})
}

// attribs reads the ATTRIB records that follow an INSERT, up to its SEQEND. Attribute values stand in
// the drawing's coordinates (not the block's) and are often the room numbers of a room-tag block: they
// are kept as entities of their own, after the INSERT.
func (st *state) attribs() error {
	return st.subRecords("ATTRIB", func(line int, pairs []pair) error {
		a, err := st.entity("ATTRIB", line, pairs)
		if err != nil {
			return err
		}
		st.pending = append(st.pending, *a)
		return nil
	})
}

// pointOf reads the point whose x and y stand under group codes x and x+10 (10 and 20 for an entity's
// first point); a coordinate a record does not give is 0.
func pointOf(pairs []pair, x int) orb.Point {
	var pt orb.Point
	for _, p := range pairs {
		switch p.code {
		case x:
			pt[0] = num(p.value)
		case x + 10:
			pt[1] = num(p.value)
		}
	}
	return pt
}

// num parses a real value; a malformed one is NaN (and makes the geometry using it invalid, which is
// reported with the entity), never an error that stops the whole file.
func num(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// intNum parses an integer value; a malformed one is 0.
func intNum(s string) int {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil {
		if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f >= math.MinInt32 && f <= math.MaxInt32 {
			return int(f)
		}
		return 0
	}
	return n
}
