package dxf

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan"
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
			return 0, "", fmt.Errorf("--units %q: unsupported unit (use mm, cm, m, in or ft)", units)
		}
		return s, strings.ToLower(units), nil
	}
	if n, ok := insUnits[d.InsUnits]; ok {
		return unitNames[n], n, nil
	}
	switch d.InsUnits {
	case -1:
		return 0, "", errors.New("the header has no $INSUNITS: give --units mm|cm|m|in|ft")
	case 0:
		return 0, "", errors.New("$INSUNITS is 0 (unitless): give --units mm|cm|m|in|ft")
	}
	w := unitWords[d.InsUnits]
	if w == "" {
		w = "unknown"
	}
	return 0, "", fmt.Errorf("unsupported unit $INSUNITS = %d (%s): give --units mm|cm|m|in|ft", d.InsUnits, w)
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
//   - Rooms are the closed polylines of the rooms layer (Options.RoomsLayer; else the first of the
//     common names UNITS, RM$, A-AREA… that has closed polylines; else the layer with the most closed
//     polylines), converted to metres by --units or $INSUNITS, with arcs approximated within
//     Options.Tolerance. An open polyline on the rooms layer is reported as a problem with the room.
//   - Each text of the labels layer (Options.LabelsLayer; else a common name such as UNITLABELS or
//     A-IDEN-NUMR-EXST; else the layer with the most texts inside rooms) numbers the room that contains
//     its insertion point — the smallest one, when rooms are nested. A label of several lines gives the
//     number (first line) and the name (the rest). A room without a label is numbered "DXF-<handle>"
//     and noted; a second label in a room, or a label in no room, is noted.
//   - Texts of the names layer (Options.NamesLayer, or a common name such as A-IDEN-NAME-EXST) name the
//     room they are in, and the name gives the usage where it says one (UsageFromName); other rooms are
//     offices (assumed, so a re-import keeps a usage set since).
//
// Rooms are identified for re-imports by "dxf:<file name>:<handle>" on their floor.
func ReadDrawing(file string, d *Drawing, opt Options) (*imports.Dataset, error) {
	base := filepath.Base(file)
	fail := func(format string, args ...any) error { return imports.Errorf(base, "", format, args...) }
	scale, unit, err := UnitScale(d, opt.Units)
	if err != nil {
		return nil, imports.Wrap(base, "", err)
	}
	tol := opt.Tolerance
	if tol <= 0 {
		tol = DefaultTolerance
	}
	placed, counts, notes, err := d.Place(tol/scale, opt.Limits)
	if err != nil {
		return nil, imports.Wrap(base, "", err)
	}
	layers := layersOf(d, placed, counts)
	ds := &imports.Dataset{Format: "dxf", File: base, SourcePrefix: "dxf:" + base + ":", MatchWithinFloor: true}
	ds.Notes = append(ds.Notes, notes...)
	if opt.Units != "" && insUnits[d.InsUnits] != "" && insUnits[d.InsUnits] != unit {
		ds.Notes = append(ds.Notes, fmt.Sprintf("--units %s used instead of the header's $INSUNITS (%s)", unit, insUnits[d.InsUnits]))
	}

	roomsLayer, err := chooseLayer(layers, opt.RoomsLayer, "--rooms-layer", roomLayerNames, func(l Layer) int { return l.Closed })
	if err != nil {
		return nil, imports.Wrap(base, "", err)
	}
	if roomsLayer == "" {
		return nil, fail("no closed polylines in the drawing: give the layer of the rooms with --rooms-layer (see --list-layers)")
	}
	var rooms []*candidate
	var problems []imports.Room
	var keyholes []string
	for i := range placed {
		p := &placed[i]
		if p.Layer != roomsLayer || !isPolyline(p.Entity.Type) {
			continue
		}
		sid := "dxf:" + base + ":" + p.Key
		if !closedRing(*p) {
			problems = append(problems, imports.Room{Ref: p.Ref, SourceID: sid, Ordinal: opt.Level,
				Err: fmt.Errorf("the polyline on the rooms layer %q is not closed", roomsLayer)})
			continue
		}
		ring := make(orb.Ring, 0, len(p.Ring)+1)
		for _, q := range p.Ring {
			ring = append(ring, orb.Point{q[0] * scale, q[1] * scale})
		}
		if ring[0] != ring[len(ring)-1] {
			ring = append(ring, ring[0])
		}
		c := &candidate{placed: p, sid: sid, ring: ring, poly: orb.Polygon{ring}, bound: ring.Bound(), area: geo.RingArea(ring)}
		if geo.Validate(c.poly) != nil {
			if fixed, ok := Unkeyhole(ring); ok {
				c.poly = fixed
				keyholes = append(keyholes, fmt.Sprintf("%s (%d holes)", p.Ref, len(fixed)-1))
			}
		}
		rooms = append(rooms, c)
	}
	idx := newRoomIndex(rooms)

	inside := func(l Layer) int {
		n := 0
		for i := range placed {
			p := &placed[i]
			if p.Layer == l.Name && isText(p.Entity.Type) && idx.at(scaled(p.At, scale)) != nil {
				n++
			}
		}
		return n
	}
	labelsLayer, err := chooseLayer(layers, opt.LabelsLayer, "--labels-layer", labelLayerNames, inside)
	if err != nil {
		return nil, imports.Wrap(base, "", err)
	}
	namesLayer, err := chooseLayer(layers, opt.NamesLayer, "--names-layer", nameLayerNames, nil)
	if err != nil {
		return nil, imports.Wrap(base, "", err)
	}
	if namesLayer == labelsLayer {
		namesLayer = ""
	}
	var stray []string
	for i := range placed {
		p := &placed[i]
		if !isText(p.Entity.Type) || p.Text == "" || (p.Layer != labelsLayer && p.Layer != namesLayer) {
			continue
		}
		c := idx.at(scaled(p.At, scale))
		if c == nil {
			if p.Layer == labelsLayer {
				stray = append(stray, fmt.Sprintf("%q", oneLine(p.Text)))
			}
			continue
		}
		if p.Layer == labelsLayer {
			c.labels = append(c.labels, p.Text)
		} else {
			c.names = append(c.names, p.Text)
		}
	}
	if labelsLayer == "" {
		ds.Notes = append(ds.Notes, "no layer has texts inside the rooms: every room gets a generated number (give --labels-layer)")
	}
	if len(stray) > 0 {
		ds.Notes = append(ds.Notes, fmt.Sprintf("%d labels on layer %q are in no room: %s", len(stray), labelsLayer, listed(stray, 10)))
	}
	ds.Notes = append(ds.Notes, fmt.Sprintf("rooms from layer %q, numbers from layer %q%s, units %s", roomsLayer, labelsLayer,
		map[bool]string{true: fmt.Sprintf(", names from layer %q", namesLayer), false: ""}[namesLayer != ""], unit))

	b := imports.Building{SourceID: "dxf:" + base, Floors: []imports.Floor{{Ordinal: opt.Level}}}
	var generated, multi []string
	assumed := 0
	for _, c := range rooms {
		r := imports.Room{Ref: c.placed.Ref, SourceID: c.sid, Ordinal: opt.Level, Geometry: c.poly}
		if len(c.labels) > 0 {
			lines := strings.Split(c.labels[0], "\n")
			r.Number = lines[0]
			if len(lines) > 1 {
				r.Name = strings.Join(lines[1:], " ")
			}
			if len(c.labels) > 1 {
				multi = append(multi, fmt.Sprintf("%s has %d labels (%s), numbered %q", c.placed.Ref, len(c.labels),
					strings.Join(quoteAll(c.labels), ", "), r.Number))
			}
		} else {
			r.Number, r.GeneratedNumber = "DXF-"+c.placed.Entity.Handle, true
			if c.placed.Entity.Handle == "" {
				r.Number = fmt.Sprintf("DXF-%d", c.placed.Entity.Index)
			}
			generated = append(generated, fmt.Sprintf("%s → %s", c.placed.Ref, r.Number))
		}
		if len(c.names) > 0 {
			r.Name = strings.ReplaceAll(strings.Join(c.names, " "), "\n", " ")
		}
		if u, ok := imports.UsageFromName(r.Name); ok {
			r.Usage = u
		} else {
			r.Usage, r.UsageAssumed = floorplan.UsageOffice, true
			assumed++
		}
		b.Rooms = append(b.Rooms, r)
	}
	b.Rooms = append(b.Rooms, problems...)
	if len(keyholes) > 0 {
		ds.Notes = append(ds.Notes, fmt.Sprintf("%d outlines run in and out along a cut around columns (keyholes) and were read as rooms with holes, area unchanged: %s",
			len(keyholes), listed(keyholes, 10)))
	}
	if len(generated) > 0 {
		ds.Notes = append(ds.Notes, fmt.Sprintf("%d rooms have no label and got a generated number: %s", len(generated), listed(generated, 10)))
	}
	if len(multi) > 0 {
		ds.Notes = append(ds.Notes, fmt.Sprintf("%d rooms have more than one label: %s", len(multi), listed(multi, 5)))
	}
	if assumed > 0 {
		ds.Notes = append(ds.Notes, fmt.Sprintf("%d rooms have no name that says their use and were imported as office", assumed))
	}
	if len(b.Rooms) == 0 {
		return nil, fail("layer %q has no polylines", roomsLayer)
	}
	ds.Buildings = []imports.Building{b}
	return ds, nil
}

func scaled(p orb.Point, s float64) orb.Point { return orb.Point{p[0] * s, p[1] * s} }

func quoteAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprintf("%q", oneLine(x))
	}
	return out
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

func listed(xs []string, n int) string {
	if len(xs) <= n {
		return strings.Join(xs, ", ")
	}
	return strings.Join(xs[:n], ", ") + fmt.Sprintf(" and %d more", len(xs)-n)
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
		return "", fmt.Errorf("%s %q: the drawing has no such layer (it has %s)", flag, given, listed(names, 20))
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
