package render

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// FontFamily is the font-family list of SVG text: CJK families first, so that any viewer with a
// Chinese font uses it, then the generic sans-serif.
const FontFamily = `'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', 'Hiragino Sans GB', 'Heiti SC', SimHei, sans-serif`

// SVG writes the plan as an SVG document o.Width user units wide, with the same layout as PNG. Text
// is written as text (escaped), with a font-family list that lets the viewer pick a Chinese font;
// each room is a path carrying its id, number and status as data attributes, with a tooltip.
func SVG(w io.Writer, p Plan, o Options) error {
	o, err := o.normalise()
	if err != nil {
		return err
	}
	L := computeLayout(p, o, svgMeasurer{}, true)
	sw := &svgWriter{w: bufio.NewWriterSize(w, 64<<10)}

	sw.printf(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s">`+"\n",
		L.w, L.h, L.w, L.h, FontFamily)
	sw.str("<title>")
	sw.esc(L.title.s)
	sw.str("</title>\n")
	sw.printf(`<rect width="%d" height="%d" fill="%s"/>`+"\n", L.w, L.h, Hex(rgb(paperHex)))

	if len(L.outline) > 0 {
		sw.printf(`<path id="outline" fill="%s" stroke="%s" stroke-width="%s" fill-rule="evenodd" d="`,
			Hex(rgb(outlineFillHex)), Hex(rgb(outlineInkHex)), num(L.stroke*1.5))
		sw.path(L.outline)
		sw.str("\"/>\n")
	}

	sw.printf(`<g id="rooms" stroke="%s" stroke-width="%s" stroke-linejoin="round" fill-rule="evenodd">`+"\n",
		Hex(rgb(inkHex)), num(L.stroke))
	for _, r := range L.rooms {
		if len(r.px) == 0 {
			continue
		}
		sw.printf(`<path data-id="%s" data-status="`, r.room.ID)
		sw.esc(string(r.room.Status))
		sw.str(`" data-number="`)
		sw.esc(r.room.Number)
		sw.printf(`" fill="%s" d="`, Hex(r.fill))
		sw.path(r.px)
		sw.str(`"><title>`)
		sw.esc(roomTooltip(r.room, L.lang))
		sw.str("</title></path>\n")
	}
	sw.str("</g>\n")
	sw.marks(L)

	sw.printf(`<g id="labels" fill="%s" text-anchor="middle">`+"\n", Hex(rgb(inkHex)))
	for _, r := range L.rooms {
		if r.label == nil {
			continue
		}
		for _, t := range r.label.lines {
			sw.text(t)
		}
	}
	sw.str("</g>\n")

	sw.printf(`<g id="title" fill="%s">`, Hex(rgb(inkHex)))
	sw.text(L.title)
	sw.str("</g>\n")

	n := L.north
	sw.printf(`<g id="north" fill="%s"><path d="M%s %sL%s %sL%s %sL%s %sZ"/>`, Hex(rgb(inkHex)),
		num(n[0][0]), num(n[0][1]), num(n[1][0]), num(n[1][1]), num(n[2][0]), num(n[2][1]), num(n[3][0]), num(n[3][1]))
	sw.text(L.northText)
	sw.str("</g>\n")

	sw.printf(`<g id="scale" stroke="%s" stroke-width="1">`, Hex(rgb(inkHex)))
	for i, s := range L.scale.segs {
		fill := Hex(rgb(inkHex))
		if i%2 == 1 {
			fill = Hex(rgb(paperHex))
		}
		sw.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
			num(s.x0), num(s.y0), num(s.x1-s.x0), num(s.y1-s.y0), fill)
	}
	sw.printf(`<g stroke="none" fill="%s">`, Hex(rgb(inkHex)))
	for _, t := range L.scale.texts {
		sw.text(t)
	}
	sw.str("</g></g>\n")

	sw.printf(`<g id="legend" stroke="%s" stroke-width="1">`+"\n", Hex(rgb(inkHex)))
	for _, s := range L.legend {
		sw.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
			num(s.box.x0), num(s.box.y0), num(s.box.x1-s.box.x0), num(s.box.y1-s.box.y0), Hex(s.fill))
		if len(s.hatch) > 0 {
			sw.printf(`<path stroke="%s" d="`, Hex(voidHatchColor))
			sw.lines(s.hatch)
			sw.str(`"/>`)
		}
		sw.printf(`<g stroke="none" fill="%s">`, Hex(rgb(inkHex)))
		sw.text(s.text)
		sw.str("</g>\n")
	}
	if L.legendExtra != nil {
		sw.printf(`<g stroke="none" fill="%s">`, Hex(rgb(inkHex)))
		sw.text(*L.legendExtra)
		sw.str("</g>\n")
	}
	sw.str("</g>\n</svg>\n")
	if sw.err != nil {
		return fmt.Errorf("render: writing SVG: %w", sw.err)
	}
	if err := sw.w.Flush(); err != nil {
		return fmt.Errorf("render: writing SVG: %w", err)
	}
	return nil
}

// marks writes the voids' hatching (a group "voids", one path per void carrying the room's id) and the
// floor's openings (a group "openings", one path per opening), over the rooms and under the labels.
func (s *svgWriter) marks(L *layout) {
	hatched := false
	for _, r := range L.rooms {
		if len(r.hatch) == 0 {
			continue
		}
		if !hatched {
			s.printf(`<g id="voids" stroke="%s" stroke-width="%s" stroke-linecap="butt">`+"\n", Hex(voidHatchColor), num(L.hatchW))
			hatched = true
		}
		s.printf(`<path data-id="%s" d="`, r.room.ID)
		s.lines(r.hatch)
		s.str("\"/>\n")
	}
	if hatched {
		s.str("</g>\n")
	}
	if len(L.openings) == 0 {
		return
	}
	// A door is a gap in the wall: a paper-coloured casing cuts the outline, the door's line is drawn in it.
	s.printf(`<g id="openings" fill="none" stroke-linecap="butt" stroke-linejoin="round">`+"\n"+`<path stroke="%s" stroke-width="%s" d="`,
		Hex(rgb(paperHex)), num(L.openingW*1.6))
	s.lines(L.openings)
	s.str("\"/>\n")
	for _, o := range L.openings {
		s.printf(`<path class="opening" stroke="%s" stroke-width="%s" d="`, Hex(openingColor), num(L.openingW))
		s.lines([]orb.LineString{o})
		s.str("\"/>\n")
	}
	s.str("</g>\n")
}

// roomTooltip is the hover text of a room: number, usage, agency, area and per-person area.
func roomTooltip(r *PlanRoom, lang string) string {
	parts := []string{r.Number}
	if r.Name != "" {
		parts = append(parts, r.Name)
	}
	parts = append(parts, UsageLabel(r.Usage, lang))
	if r.AgencyName != "" {
		parts = append(parts, r.AgencyName)
	}
	if r.Status != "" {
		parts = append(parts, StatusLabel(r.Status, lang))
	}
	parts = append(parts, strconv.FormatFloat(r.AreaM2, 'f', 2, 64)+" m²")
	if r.Occupants > 0 && r.PerPersonM2 > 0 {
		unit := " m²/人"
		if isEnglish(lang) {
			unit = " m²/person"
		}
		parts = append(parts, strconv.FormatFloat(r.PerPersonM2, 'f', 2, 64)+unit)
	}
	return strings.Join(parts, " · ")
}

// svgWriter keeps the first write error, so the drawing code reads straight through.
type svgWriter struct {
	w   *bufio.Writer
	err error
	buf []byte
}

func (s *svgWriter) str(v string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(v)
	}
}

func (s *svgWriter) printf(format string, args ...any) {
	if s.err == nil {
		_, s.err = fmt.Fprintf(s.w, format, args...)
	}
}

// esc writes v escaped for XML text and attribute values.
func (s *svgWriter) esc(v string) {
	if s.err == nil {
		s.err = xml.EscapeText(s.w, []byte(v))
	}
}

func (s *svgWriter) path(p orb.Polygon) {
	for _, r := range p {
		s.points(r)
		s.str("Z")
	}
}

// lines writes open lines as path data.
func (s *svgWriter) lines(ls []orb.LineString) {
	for _, l := range ls {
		s.points(l)
	}
}

// points writes positions as path data: a move to the first, lines to the rest.
func (s *svgWriter) points(r []orb.Point) {
	for i, pt := range r {
		s.buf = s.buf[:0]
		if i == 0 {
			s.buf = append(s.buf, 'M')
		} else {
			s.buf = append(s.buf, 'L')
		}
		s.buf = strconv.AppendFloat(s.buf, round2(pt[0]), 'f', -1, 64)
		s.buf = append(s.buf, ' ')
		s.buf = strconv.AppendFloat(s.buf, round2(pt[1]), 'f', -1, 64)
		if s.err == nil {
			_, s.err = s.w.Write(s.buf)
		}
	}
}

func (s *svgWriter) text(t text) {
	if t.s == "" {
		return
	}
	anchor := ""
	if t.centre {
		anchor = ` text-anchor="middle"`
	} else {
		anchor = ` text-anchor="start"`
	}
	weight := ""
	if t.bold {
		weight = ` font-weight="bold"`
	}
	s.printf(`<text x="%s" y="%s" font-size="%s"%s%s>`, num(t.x), num(t.y), num(t.size), anchor, weight)
	s.esc(t.s)
	s.str("</text>")
}

func round2(v float64) float64 { return float64(int64(v*100+copysignHalf(v))) / 100 }

func copysignHalf(v float64) float64 {
	if v < 0 {
		return -0.5
	}
	return 0.5
}

func num(v float64) string { return strconv.FormatFloat(round2(v), 'f', -1, 64) }
