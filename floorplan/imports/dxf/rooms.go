package dxf

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan/imports"
	"officemap/geo"
)

// DefaultTolerance is the chord tolerance, in metres, with which arcs (polyline bulges) are
// approximated: no point of an arc is farther than 1 cm from its chords. The area error of a chord is
// under ⅔·tolerance·chord length, so a 5 m quarter-circle wall of a room changes its area by less than
// 0.05 m².
const DefaultTolerance = 0.01

// Options says how Read finds rooms in a drawing.
type Options struct {
	RoomsLayer  string // closed polylines on this layer are rooms; "" chooses (see Read)
	LabelsLayer string // texts on this layer are room numbers; "" chooses
	NamesLayer  string // texts on this layer are room names (and hint at the usage); "" chooses a known name, if any
	// OutlineLayer holds the building's outline: its largest closed polyline around the rooms becomes
	// the footprint. "" chooses a known name (OUTLINE, GROS$, A-AREA-GROS, 外轮廓…), if any.
	OutlineLayer string
	// Usages tells rooms' usages from their names, number prefixes and layers (nil: the default map).
	Usages *imports.UsageMap
	// Units overrides the header's $INSUNITS: mm, cm, m, in or ft.
	Units string
	// Level is the floor ordinal the rooms go on.
	Level int
	// Tolerance is the chord tolerance in metres (DefaultTolerance when 0).
	Tolerance float64
	Limits    Limits
}

// Units known to Read, in metres per drawing unit, by their flag names and $INSUNITS codes.
var (
	unitNames = map[string]float64{"mm": 0.001, "cm": 0.01, "m": 1, "in": 0.0254, "ft": 0.3048}
	insUnits  = map[int]string{1: "in", 2: "ft", 4: "mm", 5: "cm", 6: "m"}
	unitWords = map[int]string{0: "unitless", 3: "miles", 7: "kilometres", 8: "microinches", 9: "mils",
		10: "yards", 11: "ångströms", 12: "nanometres", 13: "microns", 14: "decimetres", 15: "decametres",
		16: "hectometres", 17: "gigametres", 18: "astronomical units", 19: "light years", 20: "parsecs"}
)

// UnitScale returns the metres per drawing unit: from the units flag when given, else from $INSUNITS.
func UnitScale(d *Drawing, units string) (scale float64, name string, err error) {
	if units != "" {
		s, ok := unitNames[strings.ToLower(units)]
		if !ok {
			return 0, "", imports.Reasonf("--units %q: unsupported unit (use mm, cm, m, in or ft)", units)
		}
		return s, strings.ToLower(units), nil
	}
	if n, ok := insUnits[d.InsUnits]; ok {
		return unitNames[n], n, nil
	}
	switch d.InsUnits {
	case -1:
		return 0, "", imports.Reasonf("the header has no $INSUNITS: give --units mm|cm|m|in|ft")
	case 0:
		return 0, "", imports.Reasonf("$INSUNITS is 0 (unitless): give --units mm|cm|m|in|ft")
	}
	w := unitWords[d.InsUnits]
	if w == "" {
		w = "unknown"
	}
	return 0, "", imports.Reasonf("unsupported unit $INSUNITS = %d (%s): give --units mm|cm|m|in|ft", d.InsUnits, w)
}

// Common layer names of rooms, room numbers and room names in CAD standards and in the drawing packages
// of Azure Maps Creator, tried (case-insensitively) before any guess.
var (
	roomLayerNames  = []string{"UNITS", "RM$", "A-AREA", "A-SPCE", "A-AREA-BDRY", "ROOMS", "ROOM", "SPACES", "房间", "房间轮廓"}
	labelLayerNames = []string{"UNITLABELS", "A-IDEN-NUMR-EXST", "RM$TXT", "A-AREA-IDEN", "A-ANNO-ROOM-NUMB", "ROOMNO", "ROOM_NUMBERS", "房间号", "房号"}
	nameLayerNames  = []string{"A-IDEN-NAME-EXST", "RM$NAME", "A-ANNO-ROOM-NAME", "ROOMNAMES", "ROOM_NAMES", "房间名称"}
)

// Layer is one layer of a drawing with what is on it (block contents counted where inserted).
type Layer struct {
	Name     string         `json:"name"`
	Entities int            `json:"entities"`
	Closed   int            `json:"closed_polylines"` // closed polylines (candidate rooms)
	Texts    int            `json:"texts"`            // TEXT, MTEXT and ATTRIB
	ByType   map[string]int `json:"by_type"`
}

// Layers lists the drawing's layers (table order, then layers used but not in the table) with counts.
func Layers(d *Drawing, lim Limits) ([]Layer, error) {
	placed, counts, _, err := d.Place(1, lim)
	if err != nil {
		return nil, err
	}
	return layersOf(d, placed, counts), nil
}

func layersOf(d *Drawing, placed []Placed, counts map[string]map[string]int) []Layer {
	byName := map[string]*Layer{}
	var out []*Layer
	add := func(name string) *Layer {
		l, ok := byName[name]
		if !ok {
			l = &Layer{Name: name, ByType: map[string]int{}}
			byName[name] = l
			out = append(out, l)
		}
		return l
	}
	for _, n := range d.Layers {
		add(n)
	}
	var used []string
	for n := range counts {
		if _, ok := byName[n]; !ok {
			used = append(used, n)
		}
	}
	sort.Strings(used)
	for _, n := range used {
		add(n)
	}
	for n, types := range counts {
		l := byName[n]
		for t, c := range types {
			l.ByType[t] += c
			l.Entities += c
		}
	}
	for _, p := range placed {
		l := byName[p.Layer]
		if isPolyline(p.Entity.Type) && closedRing(p) {
			l.Closed++
		}
		if isText(p.Entity.Type) {
			l.Texts++
		}
	}
	res := make([]Layer, len(out))
	for i, l := range out {
		res[i] = *l
	}
	return res
}

func isPolyline(t string) bool { return t == "LWPOLYLINE" || t == "POLYLINE" }
func isText(t string) bool     { return t == "TEXT" || t == "MTEXT" || t == "ATTRIB" }

// closedRing reports whether a placed polyline is closed: by its flag, or by ending where it starts.
func closedRing(p Placed) bool {
	if p.Entity.Closed {
		return len(p.Ring) >= 3
	}
	n := len(p.Ring)
	return n >= 4 && p.Ring[0] == p.Ring[n-1]
}

// Read parses a DXF drawing and returns its rooms as a dataset for imports.Import (see ReadDrawing).
func Read(file string, in io.Reader, opt Options) (*imports.Dataset, error) {
	d, err := Parse(in, opt.Limits)
	if err != nil {
		return nil, imports.Wrap(filepath.Base(file), "", err)
	}
	return ReadDrawing(file, d, opt)
}

// ReadDrawing returns the rooms of a parsed drawing:
//
//   - Rooms are the closed polylines of the rooms layer (Options.RoomsLayer, or several separated by
//     commas; else the first of the common names UNITS, RM$, A-AREA… that has closed polylines; else the
//     layer with the most closed polylines) and of its sub-layers whose names tell a usage
//     (A-AREA-CIRC under A-AREA), converted to metres by --units or $INSUNITS, with arcs approximated
//     within Options.Tolerance. An open polyline on a rooms layer is reported as a problem with the room.
//   - Each text of the labels layer (Options.LabelsLayer; else a common name such as UNITLABELS or
//     A-IDEN-NUMR-EXST; else the layer with the most texts inside rooms) numbers the room that contains
//     its insertion point — the smallest one, when rooms are nested. A label of several lines gives the
//     number (first line) and the name (the rest). A room without a label is numbered "DXF-<handle>"
//     and noted; a second label in a room, or a label in no room, is noted.
//   - Texts of the names layer (Options.NamesLayer, or a common name such as A-IDEN-NAME-EXST) name the
//     room they are in. The usage is told by the room's name, else its number's prefix (CIRC101,
//     WC-2), else its layer, through Options.Usages (see setUsage); other rooms are offices (assumed,
//     so a re-import keeps a usage set since). The name, prefix or layer is kept as the room's category.
//   - The building's footprint is the closed polyline of the outline layer (Options.OutlineLayer, else
//     OUTLINE, GROS$, A-AREA-GROS…) around the most rooms (see footprint).
//
// Rooms are identified for re-imports by "dxf:<file name>:<handle>" on their floor.
func ReadDrawing(file string, d *Drawing, opt Options) (*imports.Dataset, error) {
	base := filepath.Base(file)
	rr, err := newRoomReader(base, d, opt)
	if err != nil {
		return nil, imports.Wrap(base, "", err)
	}
	roomsLayers, err := rr.roomsLayers()
	if err != nil {
		return nil, imports.Wrap(base, "", err)
	}
	if len(roomsLayers) == 0 {
		return nil, imports.Errorf(base, "", "no closed polylines in the drawing: give the layer of the rooms with --rooms-layer (see --list-layers)")
	}
	rr.findRooms(roomsLayers)
	labelsLayer, namesLayer, err := rr.textLayers()
	if err != nil {
		return nil, imports.Wrap(base, "", err)
	}
	rr.label(labelsLayer, namesLayer)
	rr.note(imports.Notef("rooms from layer %q, numbers from layer %q, drawing unit: %s", roomsLayers[0], labelsLayer, rr.unit))
	if len(roomsLayers) > 1 {
		rr.note(imports.Notef("rooms also from layers %s, whose names tell the usage", strings.Join(quoteAll(roomsLayers[1:]), ", ")))
	}
	if namesLayer != "" {
		rr.note(imports.Notef("room names from layer %q", namesLayer))
	}
	b := rr.building()
	if len(b.Rooms) == 0 {
		return nil, imports.Errorf(base, "", "layer %q has no polylines", roomsLayers[0])
	}
	if b.Footprint, err = rr.footprint(roomsLayers); err != nil {
		return nil, imports.Wrap(base, "", err)
	}
	rr.ds.Buildings = []imports.Building{b}
	return rr.ds, nil
}

// roomReader is ReadDrawing's work on a drawing: its entities placed (in drawing units), the scale to
// metres, its layers, the rooms found, and the dataset taking shape.
type roomReader struct {
	base     string
	opt      Options
	usages   *imports.UsageMap
	scale    float64 // metres per drawing unit
	unit     string
	placed   []Placed
	layers   []Layer
	ds       *imports.Dataset
	rooms    []*candidate
	index    *roomIndex     // of rooms
	problems []imports.Room // the open polylines of the rooms layer
	keyholes []string       // the rooms read from outlines with cuts
}

// newRoomReader places the drawing's entities, with arcs approximated within the tolerance, and starts
// the dataset with the notes of placing and of the units.
func newRoomReader(base string, d *Drawing, opt Options) (*roomReader, error) {
	scale, unit, err := UnitScale(d, opt.Units)
	if err != nil {
		return nil, err
	}
	tol := opt.Tolerance
	if tol <= 0 {
		tol = DefaultTolerance
	}
	placed, counts, notes, err := d.Place(tol/scale, opt.Limits)
	if err != nil {
		return nil, err
	}
	usages := opt.Usages
	if usages == nil {
		usages = imports.DefaultUsageMap()
	}
	rr := &roomReader{base: base, opt: opt, usages: usages, scale: scale, unit: unit, placed: placed, layers: layersOf(d, placed, counts),
		ds: &imports.Dataset{Format: "dxf", File: base, SourcePrefix: "dxf:" + base + ":", MatchWithinFloor: true}}
	rr.ds.Notes = append(rr.ds.Notes, notes...)
	if opt.Units != "" && insUnits[d.InsUnits] != "" && insUnits[d.InsUnits] != unit {
		rr.note(imports.Notef("--units %s used instead of the header's $INSUNITS (%s)", unit, insUnits[d.InsUnits]))
	}
	return rr, nil
}

// findRooms takes the polylines of the rooms layers: the closed ones as rooms, the open ones as problems.
func (rr *roomReader) findRooms(layers []string) {
	for i := range rr.placed {
		p := &rr.placed[i]
		if !isPolyline(p.Entity.Type) || !slices.Contains(layers, p.Layer) {
			continue
		}
		layer := p.Layer
		sid := "dxf:" + rr.base + ":" + p.Key
		if !closedRing(*p) {
			rr.problems = append(rr.problems, imports.Room{Ref: p.Ref, SourceID: sid, Ordinal: rr.opt.Level,
				Err: imports.Reasonf("the polyline on the rooms layer %q is not closed", layer)})
			continue
		}
		c := rr.candidate(p, sid)
		if len(c.poly) > 1 {
			rr.keyholes = append(rr.keyholes, p.Ref)
		}
		rr.rooms = append(rr.rooms, c)
	}
	rr.index = newRoomIndex(rr.rooms)
}

// candidate makes a room of a closed polyline, in metres; an outline that runs in and out along a cut
// around columns (a keyhole) and is invalid as it is becomes a polygon with holes.
func (rr *roomReader) candidate(p *Placed, sid string) *candidate {
	ring := make(orb.Ring, 0, len(p.Ring)+1)
	for _, q := range p.Ring {
		ring = append(ring, scaled(q, rr.scale))
	}
	if ring[0] != ring[len(ring)-1] {
		ring = append(ring, ring[0])
	}
	c := &candidate{placed: p, sid: sid, ring: ring, poly: orb.Polygon{ring}, bound: ring.Bound(), area: geo.RingArea(ring)}
	if geo.Validate(c.poly) != nil {
		if fixed, ok := Unkeyhole(ring); ok {
			c.poly = fixed
		}
	}
	return c
}

// textLayers chooses the labels layer (else the layer with the most texts inside rooms) and the names
// layer (none when it is the labels layer).
func (rr *roomReader) textLayers() (labels, names string, err error) {
	inside := func(l Layer) int {
		n := 0
		for i := range rr.placed {
			p := &rr.placed[i]
			if p.Layer == l.Name && isText(p.Entity.Type) && rr.index.at(scaled(p.At, rr.scale)) != nil {
				n++
			}
		}
		return n
	}
	labels, err = chooseLayer(rr.layers, rr.opt.LabelsLayer, "--labels-layer", labelLayerNames, inside)
	if err != nil {
		return "", "", err
	}
	names, err = chooseLayer(rr.layers, rr.opt.NamesLayer, "--names-layer", nameLayerNames, nil)
	if err != nil {
		return "", "", err
	}
	if names == labels {
		names = ""
	}
	return labels, names, nil
}

// label gives each text of the labels and names layers to the room it is in, and notes the labels that
// are in no room.
func (rr *roomReader) label(labels, names string) {
	var stray []string
	for i := range rr.placed {
		p := &rr.placed[i]
		if !isText(p.Entity.Type) || p.Text == "" || (p.Layer != labels && p.Layer != names) {
			continue
		}
		c := rr.index.at(scaled(p.At, rr.scale))
		switch {
		case c != nil && p.Layer == labels:
			c.labels = append(c.labels, p.Text)
		case c != nil:
			c.names = append(c.names, p.Text)
		case p.Layer == labels:
			stray = append(stray, fmt.Sprintf("%q", oneLine(p.Text)))
		}
	}
	if labels == "" {
		rr.note(imports.Notef("no layer has texts inside the rooms: every room gets a generated number (give --labels-layer)"))
	}
	if len(stray) > 0 {
		rr.note(imports.Notef("%d labels on layer %q are in no room: %s", len(stray), labels, listed(stray, 10)))
	}
}

// building returns the one building of the drawing's floor with its rooms, then its problems, and notes
// the keyholes, the generated numbers, the rooms with several labels and how the usages were told.
func (rr *roomReader) building() imports.Building {
	b := imports.Building{SourceID: "dxf:" + rr.base, Floors: []imports.Floor{{Ordinal: rr.opt.Level}}}
	var generated, multi []string
	clues := map[usageClue]int{}
	for _, c := range rr.rooms {
		r, clue := rr.room(c)
		switch {
		case r.GeneratedNumber:
			generated = append(generated, fmt.Sprintf("%s → %s", c.placed.Ref, r.Number))
		case len(c.labels) > 1:
			multi = append(multi, fmt.Sprintf("%s: %s → %q", c.placed.Ref, strings.Join(quoteAll(c.labels), ", "), r.Number))
		}
		clues[clue]++
		b.Rooms = append(b.Rooms, r)
	}
	b.Rooms = append(b.Rooms, rr.problems...)
	if len(rr.keyholes) > 0 {
		rr.note(imports.Notef("%d outlines run in and out along a cut around columns (keyholes) and were read as rooms with holes, area unchanged: %s",
			len(rr.keyholes), listed(rr.keyholes, 10)))
	}
	if len(generated) > 0 {
		rr.note(imports.Notef("%d rooms have no label and got a generated number: %s", len(generated), listed(generated, 10)))
	}
	if len(multi) > 0 {
		rr.note(imports.Notef("%d rooms have more than one label, and the first numbers them: %s", len(multi), listed(multi, 5)))
	}
	rr.noteUsages(clues)
	return b
}

// room makes the room of a candidate: numbered by its first label, whose further lines name it, else
// "DXF-<handle>"; named by the texts of the names layer in it; of the usage its name, its number or
// its layer tells (setUsage).
func (rr *roomReader) room(c *candidate) (imports.Room, usageClue) {
	r := imports.Room{Ref: c.placed.Ref, SourceID: c.sid, Ordinal: rr.opt.Level, Geometry: c.poly}
	if len(c.labels) > 0 {
		lines := strings.Split(c.labels[0], "\n")
		r.Number = lines[0]
		if len(lines) > 1 {
			r.Name = strings.Join(lines[1:], " ")
		}
	} else {
		r.Number, r.GeneratedNumber = "DXF-"+c.placed.Entity.Handle, true
		if c.placed.Entity.Handle == "" {
			r.Number = fmt.Sprintf("DXF-%d", c.placed.Entity.Index)
		}
	}
	if len(c.names) > 0 {
		r.Name = strings.ReplaceAll(strings.Join(c.names, " "), "\n", " ")
	}
	clue := rr.setUsage(&r, c.placed.Layer)
	return r, clue
}

// note adds a note to the dataset.
func (rr *roomReader) note(n imports.Note) { rr.ds.Notes = append(rr.ds.Notes, n) }

func scaled(p orb.Point, s float64) orb.Point { return orb.Point{p[0] * s, p[1] * s} }

func quoteAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprintf("%q", oneLine(x))
	}
	return out
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// listed joins the first n items, and "… (+k)" for the k left out: words of no language, so that a
// note can be told in any.
func listed(xs []string, n int) string {
	if len(xs) <= n {
		return strings.Join(xs, ", ")
	}
	return strings.Join(xs[:n], ", ") + fmt.Sprintf(", … (+%d)", len(xs)-n)
}

// chooseLayer returns the layer given by a flag (which must exist), else the first of the common names
// that scores above 0, else (when score is not nil) the layer with the highest score above 0, the first
// in table order on a tie; "" when none scores.
func chooseLayer(layers []Layer, given, flag string, common []string, score func(Layer) int) (string, error) {
	if given != "" {
		for _, l := range layers {
			if l.Name == given {
				return l.Name, nil
			}
		}
		for _, l := range layers {
			if strings.EqualFold(l.Name, given) {
				return l.Name, nil
			}
		}
		names := make([]string, len(layers))
		for i, l := range layers {
			names[i] = fmt.Sprintf("%q", l.Name)
		}
		return "", imports.Reasonf("%s %q: the drawing has no such layer (it has %s)", flag, given, listed(names, 20))
	}
	for _, c := range common {
		for _, l := range layers {
			if strings.EqualFold(l.Name, c) && (l.Texts > 0 || l.Closed > 0) && (score == nil || score(l) > 0) {
				return l.Name, nil
			}
		}
	}
	if score == nil {
		return "", nil
	}
	best, bestScore := "", 0
	for _, l := range layers {
		if s := score(l); s > bestScore {
			best, bestScore = l.Name, s
		}
	}
	return best, nil
}

// candidate is a room polyline with the labels found in it.
type candidate struct {
	placed *Placed
	sid    string
	ring   orb.Ring    // metres, closed
	poly   orb.Polygon // the room: the ring, or the polygon with holes a keyhole ring stands for
	bound  orb.Bound
	area   float64
	labels []string
	names  []string
}

// roomIndex finds the smallest room containing a point, through a uniform grid of the rooms' bounds.
// The cells are about the size of a typical room; a room covering more than maxRoomCells cells is kept
// on a list every lookup scans, so that no drawing makes the grid large.
type roomIndex struct {
	cell  float64
	cells map[[2]int][]*candidate
	big   []*candidate
}

const maxRoomCells = 64

func newRoomIndex(rooms []*candidate) *roomIndex {
	sizes := make([]float64, 0, len(rooms))
	for _, c := range rooms {
		if s := math.Max(c.bound.Max[0]-c.bound.Min[0], c.bound.Max[1]-c.bound.Min[1]); s > 0 && !math.IsInf(s, 0) {
			sizes = append(sizes, s)
		}
	}
	cell := 5.0
	if len(sizes) > 0 {
		sort.Float64s(sizes)
		cell = math.Max(sizes[len(sizes)/2], 1e-3)
	}
	x := &roomIndex{cell: cell, cells: map[[2]int][]*candidate{}}
	for _, c := range rooms {
		x0, y0 := math.Floor(c.bound.Min[0]/x.cell), math.Floor(c.bound.Min[1]/x.cell)
		x1, y1 := math.Floor(c.bound.Max[0]/x.cell), math.Floor(c.bound.Max[1]/x.cell)
		if !(x0 >= -1e9 && x1 <= 1e9 && y0 >= -1e9 && y1 <= 1e9) || (x1-x0+1)*(y1-y0+1) > maxRoomCells {
			x.big = append(x.big, c)
			continue
		}
		for i := int(x0); i <= int(x1); i++ {
			for j := int(y0); j <= int(y1); j++ {
				k := [2]int{i, j}
				x.cells[k] = append(x.cells[k], c)
			}
		}
	}
	return x
}

// at returns the smallest room whose ring contains p (nil when none does).
func (x *roomIndex) at(p orb.Point) *candidate {
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
		return nil
	}
	var best *candidate
	try := func(cs []*candidate) {
		for _, c := range cs {
			if (best == nil || c.area < best.area) && c.bound.Contains(p) && planar.RingContains(c.ring, p) {
				best = c
			}
		}
	}
	try(x.big)
	if cx, cy := math.Floor(p[0]/x.cell), math.Floor(p[1]/x.cell); cx >= -1e9 && cx <= 1e9 && cy >= -1e9 && cy <= 1e9 {
		try(x.cells[[2]int{int(cx), int(cy)}])
	}
	return best
}
