package render

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan"
)

// The layout is computed once and drawn twice over: by gg for PNG and as text for SVG. Everything is
// in pixels, y down.

// measurer measures text for the layout.
type measurer interface {
	// measure returns the advance width of s at size px, and its line height.
	measure(s string, px float64) (w, h float64)
	// canDraw reports whether the typeface has every glyph of s.
	canDraw(s string) bool
}

// svgMeasurer estimates widths: an SVG viewer chooses its own font from the family list.
type svgMeasurer struct{}

func (svgMeasurer) measure(s string, px float64) (float64, float64) {
	return estimateWidth(s, px), px * 1.2
}
func (svgMeasurer) canDraw(string) bool { return true }

// text is one line of text: centred on x when centre is set (else starting at x), baseline at y.
type text struct {
	s      string
	x, y   float64
	size   float64
	centre bool
	bold   bool
}

type drawnRoom struct {
	room  *PlanRoom
	px    orb.Polygon // pixels
	fill  color.NRGBA
	hatch []orb.LineString // a void's hatching, in pixels
	label *label
}

type label struct {
	box   rect
	lines []text
}

type swatch struct {
	box   rect
	fill  color.NRGBA
	hatch []orb.LineString // a void's swatch is hatched as the voids are
	text  text
}

type scaleBar struct {
	x, y, h float64 // left, top, height of the bar
	segs    []rect
	texts   []text
}

type layout struct {
	w, h        int
	lang        string
	stroke      float64 // room outline width
	outline     orb.Polygon
	rooms       []drawnRoom
	openings    []orb.LineString // pixels
	openingW    float64          // their width
	hatchW      float64          // the width of a void's hatching
	title       text
	north       [4]orb.Point // arrow: tip, left barb, notch, right barb
	northText   text
	scale       scaleBar
	legend      []swatch
	legendExtra *text
}

// Layout sizes as fractions of the width, clamped.
func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func computeLayout(p Plan, o Options, m measurer, cjk bool) *layout {
	lang := o.Lang
	if !cjk {
		lang = "en"
	}
	W := float64(o.Width)
	margin := math.Max(8, W*0.025)
	titleSize := math.Round(clamp(W*0.02, 12, 48))
	textSize := math.Round(clamp(W*0.011, 9, 26))
	labelSize := math.Round(clamp(W*0.0095, 9, 22))
	L := &layout{w: o.Width, lang: lang, stroke: clamp(W/1400, 1, 4)}

	// The plan's extent in local metres.
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	grow := func(g orb.Polygon) {
		for _, r := range g {
			for _, pt := range r {
				if !finite(pt[0]) || !finite(pt[1]) {
					continue
				}
				b = b.Extend(pt)
			}
		}
	}
	grow(p.Outline)
	for i := range p.Rooms {
		grow(p.Rooms[i].Geometry)
	}
	if b.Min[0] > b.Max[0] {
		b = orb.Bound{Max: orb.Point{10, 10}}
	}
	bw, bh := math.Max(b.Max[0]-b.Min[0], 1), math.Max(b.Max[1]-b.Min[1], 1)

	// Header: title, north arrow on the right.
	headerH := margin + titleSize*1.6
	L.title = text{s: planTitle(p, lang, m), x: margin, y: margin + titleSize, size: titleSize, bold: true}

	// Drawing: fit the width; a very tall floor is fitted into 2.5 widths instead and centred.
	aw := W - 2*margin
	s := aw / bw
	if bh*s > 2.5*W {
		s = 2.5 * W / bh
	}
	dw, dh := bw*s, bh*s
	ox := margin + (aw-dw)/2
	oy := headerH
	toPx := func(pt orb.Point) orb.Point {
		return orb.Point{ox + (pt[0]-b.Min[0])*s, oy + (b.Max[1]-pt[1])*s}
	}
	project := func(g orb.Polygon) orb.Polygon {
		out := make(orb.Polygon, 0, len(g))
		for _, r := range g {
			if pr := projectPoints(r, toPx); len(pr) >= 3 {
				out = append(out, pr)
			}
		}
		return out
	}
	L.outline = project(p.Outline)
	L.rooms = make([]drawnRoom, len(p.Rooms))
	for i := range p.Rooms {
		r := &p.Rooms[i]
		L.rooms[i] = drawnRoom{room: r, px: project(r.Geometry), fill: roomColor(r, o.Color)}
		if r.Usage == floorplan.UsageVoid {
			L.rooms[i].hatch = hatchLines(L.rooms[i].px, hatchSpacing(L.stroke))
		}
	}
	L.openings = projectLines(p.Openings, toPx)
	L.openingW = 3 * L.stroke
	L.hatchW = math.Max(1, 0.75*L.stroke)
	placeLabels(L.rooms, labelSize, lang, m)

	// Footer: scale bar and north arrow, then the legend.
	y := oy + dh + margin
	// The local frame is always metres (Georef.Scale is only the unit of crs=local exchanges).
	L.scale = makeScaleBar(margin, y, aw, s, textSize, m)
	// The north arrow points to true north: the drawing's +Y is up, and Georef.RotationDeg is the
	// clockwise angle from north to +Y, so north is that angle anticlockwise from up.
	arrow := textSize * 2.2
	cx, cy := W-margin-arrow/2, y+arrow/2
	rot := p.Building.Georef.RotationDeg * math.Pi / 180
	if !finite(rot) {
		rot = 0
	}
	sin, cos := math.Sincos(-rot)
	turn := func(dx, dy float64) orb.Point { // rotate (dx, dy) on the y-down page by -rot
		return orb.Point{cx + dx*cos - dy*sin, cy + dx*sin + dy*cos}
	}
	L.north = [4]orb.Point{turn(0, -arrow/2), turn(-arrow*0.35, arrow/2), turn(0, arrow/5), turn(arrow*0.35, arrow/2)}
	L.northText = text{s: "N", x: cx, y: y + arrow + textSize*1.1, size: textSize, centre: true, bold: true}
	y += math.Max(textSize*3.2, arrow+textSize*1.6) + textSize*0.6
	y = layoutLegend(L, legendEntries(p, o.Color, lang, m), margin, y, aw, textSize, m)
	L.h = int(math.Ceil(y + margin))
	return L
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// roomColor is a room's fill: by status, agency or usage, but a void always has the void's pale fill
// (it is hatched over), so that it never passes for a room.
func roomColor(r *PlanRoom, by ColorBy) color.NRGBA {
	if r.Usage == floorplan.UsageVoid {
		return voidColor
	}
	switch by {
	case ByAgency:
		return AgencyColor(r.AgencyID)
	case ByUsage:
		return UsageColor(r.Usage)
	}
	return StatusColor(r.Status)
}

// planTitle is "building floor (as of day)", falling back to what the typeface can draw.
func planTitle(p Plan, lang string, m measurer) string {
	floor := p.Floor.Name
	if floor == "" || !m.canDraw(floor) {
		floor = fmt.Sprintf("L%d", p.Floor.Ordinal)
	}
	t := floor
	if name := strings.TrimSpace(p.Building.Name); name != "" && m.canDraw(name) {
		t = name + " · " + floor
	}
	if !p.AsOf.IsZero() {
		d := p.AsOf.Format(floorplan.DateLayout)
		if isEnglish(lang) {
			t += " (as of " + d + ")"
		} else {
			t += "（截至 " + d + "）"
		}
	}
	return t
}

// placeLabels gives each room a label where one fits: the room number and, for occupied rooms, the
// per-person area, centred on the room's pole of inaccessibility. Rooms are taken largest first (ties
// by number, then id), and each tries smaller variants before giving up, so the result is the same on
// every run. A label is placed only inside its own room (with a margin) and never over a label placed
// before it.
func placeLabels(rooms []drawnRoom, size float64, lang string, m measurer) {
	order := make([]int, len(rooms))
	area := make([]float64, len(rooms))
	for i := range rooms {
		order[i] = i
		area[i] = math.Abs(planar.Area(rooms[i].px))
	}
	sort.SliceStable(order, func(a, b int) bool {
		i, j := order[a], order[b]
		if area[i] != area[j] {
			return area[i] > area[j]
		}
		if rooms[i].room.Number != rooms[j].room.Number {
			return rooms[i].room.Number < rooms[j].room.Number
		}
		return bytesLess(rooms[i].room.ID, rooms[j].room.ID)
	})
	var placed []rect
	for _, i := range order {
		r := &rooms[i]
		num := strings.TrimSpace(r.room.Number)
		if num == "" || len(r.px) == 0 || !m.canDraw(num) {
			continue
		}
		var pp string
		if r.room.Occupants > 0 && r.room.PerPersonM2 > 0 {
			unit := "人"
			if isEnglish(lang) {
				unit = "p"
			}
			pp = strconv.FormatFloat(r.room.PerPersonM2, 'f', 1, 64) + " m²/" + unit
			if !m.canDraw(pp) {
				pp = ""
			}
		}
		type variant struct {
			lines []string
			size  float64
		}
		var vs []variant
		if pp != "" {
			vs = append(vs, variant{[]string{num, pp}, size}, variant{[]string{num, pp}, size * 0.8})
		}
		vs = append(vs, variant{[]string{num}, size}, variant{[]string{num}, size * 0.8}, variant{[]string{num}, size * 0.64})

		pole, dist := poleOfInaccessibility(r.px, 0.5) // pixels: finer than any label needs
		pad := 1.0
		for _, v := range vs {
			if v.size < 6 {
				continue
			}
			lh := v.size * 1.2
			w := 0.0
			for _, s := range v.lines {
				lw, _ := m.measure(s, v.size)
				w = math.Max(w, lw)
			}
			h := lh * float64(len(v.lines))
			if math.Min(w, h)/2+pad > dist {
				continue
			}
			box := rect{pole[0] - w/2, pole[1] - h/2, pole[0] + w/2, pole[1] + h/2}
			if !rectInPolygon(box.grow(pad), r.px) || overlapsAny(box, placed) {
				continue
			}
			lb := &label{box: box}
			for k, s := range v.lines {
				lb.lines = append(lb.lines, text{s: s, x: pole[0], y: box.y0 + lh*float64(k) + lh/2 + v.size*0.36,
					size: v.size, centre: true, bold: k == 0})
			}
			r.label = lb
			placed = append(placed, box)
			break
		}
	}
}

func overlapsAny(b rect, placed []rect) bool {
	for _, p := range placed {
		if b.overlaps(p) {
			return true
		}
	}
	return false
}

func bytesLess(a, b uuid.UUID) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// makeScaleBar draws a bar of a round length (1, 2 or 5 × 10ⁿ m) about a fifth of the drawing wide;
// s is pixels per metre.
func makeScaleBar(x, y, aw, s, size float64, m measurer) scaleBar {
	target := aw / 5 / s // metres
	nice := math.Pow(10, math.Floor(math.Log10(target)))
	for _, k := range []float64{5, 2, 1} {
		if k*nice <= target {
			nice *= k
			break
		}
	}
	sb := scaleBar{x: x, y: y, h: size * 0.5}
	segW := nice * s / 4
	for i := 0; i < 4; i++ {
		sb.segs = append(sb.segs, rect{x + float64(i)*segW, y, x + float64(i+1)*segW, y + sb.h})
	}
	ty := y + sb.h + size*1.2
	sb.texts = []text{
		{s: "0", x: x, y: ty, size: size, centre: true},
		{s: strconv.FormatFloat(nice/2, 'f', -1, 64), x: x + 2*segW, y: ty, size: size, centre: true},
		{s: strconv.FormatFloat(nice, 'f', -1, 64) + " m", x: x + 4*segW, y: ty, size: size, centre: true},
	}
	return sb
}

type legendEntry struct {
	fill  color.NRGBA
	label string
	hatch bool // the swatch is hatched (voids)
}

// legendEntries lists what the colours mean, in a fixed order: statuses as Statuses gives them (with
// their room counts), agencies by name, usages in floorplan.Usages order.
func legendEntries(p Plan, by ColorBy, lang string, m measurer) []legendEntry {
	en := isEnglish(lang)
	var out []legendEntry
	switch by {
	case ByAgency:
		type ag struct {
			id   uuid.UUID
			name string
		}
		seen := map[uuid.UUID]bool{}
		var ags []ag
		for _, r := range p.Rooms {
			if seen[r.AgencyID] {
				continue
			}
			seen[r.AgencyID] = true
			name := strings.TrimSpace(r.AgencyName)
			switch {
			case r.AgencyID == uuid.Nil && en:
				name = "Unallocated"
			case r.AgencyID == uuid.Nil:
				name = "未分配"
			case name == "" || !m.canDraw(name):
				name = "Agency " + r.AgencyID.String()[:8]
			}
			ags = append(ags, ag{r.AgencyID, name})
		}
		sort.Slice(ags, func(i, j int) bool {
			if (ags[i].id == uuid.Nil) != (ags[j].id == uuid.Nil) {
				return ags[j].id == uuid.Nil
			}
			if ags[i].name != ags[j].name {
				return ags[i].name < ags[j].name
			}
			return bytesLess(ags[i].id, ags[j].id)
		})
		for _, a := range ags {
			out = append(out, legendEntry{fill: AgencyColor(a.id), label: a.name})
		}
	case ByUsage:
		present := map[floorplan.Usage]bool{}
		for _, r := range p.Rooms {
			present[r.Usage] = true
		}
		for _, u := range floorplan.Usages {
			if present[u] {
				out = append(out, legendEntry{UsageColor(u), UsageLabel(u, lang), u == floorplan.UsageVoid})
				delete(present, u)
			}
		}
		var rest []string
		for u := range present {
			rest = append(rest, string(u))
		}
		sort.Strings(rest)
		for _, u := range rest {
			out = append(out, legendEntry{fill: UsageColor(floorplan.Usage(u)), label: u})
		}
	default:
		count := map[floorplan.RoomStatus]int{}
		for _, r := range p.Rooms {
			count[r.Status]++
		}
		for _, st := range Statuses() {
			out = append(out, legendEntry{fill: StatusColor(st), label: fmt.Sprintf("%s (%d)", StatusLabel(st, lang), count[st])})
			delete(count, st)
		}
		unknown := 0
		for _, n := range count {
			unknown += n
		}
		if unknown > 0 {
			l := "未评估"
			if en {
				l = "Not evaluated"
			}
			out = append(out, legendEntry{fill: StatusColor(""), label: fmt.Sprintf("%s (%d)", l, unknown)})
		}
	}
	if by != ByUsage && slices.ContainsFunc(p.Rooms, func(r PlanRoom) bool { return r.Usage == floorplan.UsageVoid }) {
		l := UsageLabel(floorplan.UsageVoid, lang) + "（不计面积）"
		if en {
			l = UsageLabel(floorplan.UsageVoid, lang) + " (not floor area)"
		}
		out = append(out, legendEntry{fill: voidColor, label: l, hatch: true})
	}
	return out
}

// maxLegend bounds the legend: a floor shared by more agencies than this lists the first ones and
// says how many more there are.
const maxLegend = 40

func layoutLegend(L *layout, entries []legendEntry, x0, y, aw, size float64, m measurer) float64 {
	more := 0
	if len(entries) > maxLegend {
		more = len(entries) - maxLegend
		entries = entries[:maxLegend]
	}
	sw := size * 1.1
	rowH := size * 1.9
	x := x0
	for _, e := range entries {
		tw, _ := m.measure(e.label, size)
		need := sw + size*0.4 + tw
		if x > x0 && x+need > x0+aw {
			x = x0
			y += rowH
		}
		s := swatch{
			box:  rect{x, y, x + sw, y + sw},
			fill: e.fill,
			text: text{s: e.label, x: x + sw + size*0.4, y: y + sw/2 + size*0.36, size: size},
		}
		if e.hatch {
			s.hatch = hatchLines(s.box.polygon(), math.Max(3, sw/4))
		}
		L.legend = append(L.legend, s)
		x += need + size*1.5
	}
	if more > 0 {
		s := fmt.Sprintf("… +%d", more)
		tw, _ := m.measure(s, size)
		if x > x0 && x+tw > x0+aw {
			x = x0
			y += rowH
		}
		L.legendExtra = &text{s: s, x: x, y: y + sw/2 + size*0.36, size: size}
	}
	if len(entries) > 0 || more > 0 {
		y += rowH
	}
	return y
}
