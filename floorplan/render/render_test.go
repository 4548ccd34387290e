package render

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan"
	"officemap/geo"
	"officemap/geo/geotest"
)

// square is geotest.Rect: the closed counter-clockwise rectangle with corners (x0, y0) and (x1, y1).
func square(x0, y0, x1, y1 float64) orb.Polygon { return geotest.Rect(x0, y0, x1, y1) }

// gridPlan makes a floor of rows × cols rooms of 4 × 5 m along corridors, with statuses, agencies and
// occupants cycling deterministically.
func gridPlan(rows, cols int) Plan {
	statuses := Statuses()
	agencies := []uuid.UUID{uuid.NewSHA1(uuid.NameSpaceOID, []byte("a1")), uuid.NewSHA1(uuid.NameSpaceOID, []byte("a2")),
		uuid.NewSHA1(uuid.NameSpaceOID, []byte("a3"))}
	p := Plan{
		Floor:    floorplan.Floor{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte("floor")), Name: "3F", Ordinal: 2},
		Building: floorplan.Building{Name: "市政府1号楼"},
		Outline:  square(-1, -1, float64(cols)*4+1, float64(rows)*7+1),
	}
	k := 0
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			x, y := float64(c)*4, float64(r)*7
			occ := k % 3
			pr := PlanRoom{
				ID:         uuid.NewSHA1(uuid.NameSpaceOID, []byte(fmt.Sprint("room", k))),
				Number:     fmt.Sprintf("%d%02d", r+3, c+1),
				Usage:      floorplan.Usages[k%len(floorplan.Usages)],
				AgencyID:   agencies[k%len(agencies)],
				AgencyName: fmt.Sprintf("单位%d", k%len(agencies)+1),
				Status:     statuses[k%len(statuses)],
				AreaM2:     20,
				Occupants:  occ,
				Geometry:   square(x, y, x+4, y+5),
			}
			if occ > 0 {
				pr.PerPersonM2 = 20 / float64(occ)
			}
			p.Rooms = append(p.Rooms, pr)
			k++
		}
	}
	return p
}

func decodePNG(t *testing.T, data []byte) image.Image {
	t.Helper()
	im, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	return im
}

func sameColor(a color.Color, b color.NRGBA) bool {
	r, g, bl, _ := a.RGBA()
	return uint8(r>>8) == b.R && uint8(g>>8) == b.G && uint8(bl>>8) == b.B
}

// labelFreePoint finds a point of room i, in pixels, at least 3 px from its outline, outside every
// label box and 2 px clear of a void's hatching, scanning a fine grid.
func labelFreePoint(L *layout, i int) (int, int, bool) {
	r := L.rooms[i]
	b := r.px.Bound()
	for y := math.Ceil(b.Min[1]); y < b.Max[1]; y++ {
		for x := math.Ceil(b.Min[0]); x < b.Max[0]; x++ {
			pt := orb.Point{x + 0.5, y + 0.5}
			if signedDistance(pt, r.px) < 3 || nearLines(pt, r.hatch, 2) {
				continue
			}
			free := true
			for _, o := range L.rooms {
				if o.label != nil && o.label.box.grow(2).overlaps(rect{pt[0], pt[1], pt[0] + 0.01, pt[1] + 0.01}) {
					free = false
					break
				}
			}
			if free {
				return int(x), int(y), true
			}
		}
	}
	return 0, 0, false
}

// nearLines reports whether pt is within d pixels of one of the lines.
func nearLines(pt orb.Point, ls []orb.LineString, d float64) bool {
	for _, l := range ls {
		if planar.DistanceFrom(l, pt) < d {
			return true
		}
	}
	return false
}

func TestPNG(t *testing.T) {
	fonts := LoadFonts()
	p := gridPlan(3, 8)
	tests := []struct {
		name  string
		opt   Options
		color func(PlanRoom) color.NRGBA
	}{
		{"status zh", Options{Width: 1024, Fonts: fonts}, func(r PlanRoom) color.NRGBA { return StatusColor(r.Status) }},
		{"status en", Options{Width: 800, Lang: "en", Fonts: fonts}, func(r PlanRoom) color.NRGBA { return StatusColor(r.Status) }},
		{"agency", Options{Width: 1200, Color: ByAgency, Fonts: fonts}, func(r PlanRoom) color.NRGBA { return AgencyColor(r.AgencyID) }},
		{"usage", Options{Width: 640, Color: ByUsage, Fonts: fonts}, func(r PlanRoom) color.NRGBA { return UsageColor(r.Usage) }},
		{"latin fallback", Options{Width: 1024, Fonts: LatinFonts()}, func(r PlanRoom) color.NRGBA { return StatusColor(r.Status) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := PNG(&buf, p, tc.opt); err != nil {
				t.Fatal(err)
			}
			im := decodePNG(t, buf.Bytes())
			if got := im.Bounds().Dx(); got != tc.opt.Width {
				t.Fatalf("width %d, want %d", got, tc.opt.Width)
			}
			o, _ := tc.opt.normalise()
			fs := newFaces(tc.opt.Fonts)
			L := computeLayout(p, o, fs, tc.opt.Fonts.CJK())
			fs.close()
			if L.h != im.Bounds().Dy() {
				t.Fatalf("height %d, layout says %d", im.Bounds().Dy(), L.h)
			}
			for i, r := range p.Rooms {
				x, y, ok := labelFreePoint(L, i)
				if !ok {
					t.Fatalf("room %s: no label-free interior point", r.Number)
				}
				want := tc.color(r)
				if r.Usage == floorplan.UsageVoid {
					want = voidColor // whatever the colouring
				}
				if c := im.At(x, y); !sameColor(c, want) {
					t.Errorf("room %s (%s, %s) at (%d,%d): colour %v, want %s", r.Number, r.Status, r.Usage, x, y, c, Hex(want))
				}
			}
		})
	}
}

// TestPNGOverStandardPixel checks one known over-standard room through the public API only: its
// bottom-left corner area (away from the centred label) is red.
func TestPNGOverStandardPixel(t *testing.T) {
	p := Plan{
		Floor:    floorplan.Floor{Name: "1F"},
		Building: floorplan.Building{Name: "B"},
		Rooms: []PlanRoom{
			{ID: uuid.New(), Number: "101", Status: floorplan.StatusOverStandard, Occupants: 1, PerPersonM2: 40, Geometry: square(0, 0, 10, 10)},
			{ID: uuid.New(), Number: "102", Status: floorplan.StatusCompliant, Occupants: 1, PerPersonM2: 9, Geometry: square(10, 0, 20, 10)},
		},
	}
	var buf bytes.Buffer
	if err := PNG(&buf, p, Options{Width: 400, Fonts: LoadFonts()}); err != nil {
		t.Fatal(err)
	}
	im := decodePNG(t, buf.Bytes())
	// Width 400: margin 10 px, so 20 m over 380 px → 19 px/m; the title is 12 px (the minimum), the
	// header 10 + 12×1.6 px tall.
	s := 380.0 / 20
	top := 10 + 12*1.6
	x, y := int(10+1.5*s), int(top+8.5*s) // 1.5 m from the left, 1.5 m above the bottom of room 101
	if c := im.At(x, y); !sameColor(c, StatusColor(floorplan.StatusOverStandard)) {
		t.Errorf("pixel (%d,%d) of room 101 is %v, want over-standard %s", x, y, c, Hex(StatusColor(floorplan.StatusOverStandard)))
	}
	x = int(10 + 18.5*s)
	if c := im.At(x, y); !sameColor(c, StatusColor(floorplan.StatusCompliant)) {
		t.Errorf("pixel (%d,%d) of room 102 is %v, want compliant", x, y, c)
	}
}

func TestOptionsRejected(t *testing.T) {
	p := gridPlan(1, 2)
	for _, tc := range []struct {
		name string
		opt  Options
	}{
		{"too narrow", Options{Width: 10}},
		{"too wide", Options{Width: 100000}},
		{"bad colour", Options{Color: "rainbow"}},
		{"bad lang", Options{Lang: "fr"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for name, fn := range map[string]func(io.Writer, Plan, Options) error{"PNG": PNG, "SVG": SVG} {
				if err := fn(io.Discard, p, tc.opt); err == nil || !strings.Contains(err.Error(), "invalid") {
					t.Errorf("%s: err = %v, want an invalid-input error", name, err)
				}
			}
		})
	}
}

func TestDegeneratePlansDoNotPanic(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		p    Plan
	}{
		{"empty", Plan{}},
		{"empty ring", Plan{Rooms: []PlanRoom{{Number: "1", Geometry: orb.Polygon{{}}}}}},
		{"NaN", Plan{Rooms: []PlanRoom{{Number: "1", Geometry: orb.Polygon{{{nan, 0}, {1, nan}, {0, 0}}}}}}},
		{"a line", Plan{Rooms: []PlanRoom{{Number: "1", Geometry: orb.Polygon{{{0, 0}, {10, 0}, {0, 0}}}}}}},
		{"tall", Plan{Rooms: []PlanRoom{{Number: "1", Geometry: square(0, 0, 1, 1000)}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := PNG(&buf, tc.p, Options{Width: 300, Fonts: LatinFonts()}); err != nil {
				t.Fatal(err)
			}
			if im := decodePNG(t, buf.Bytes()); im.Bounds().Dx() != 300 {
				t.Fatalf("width %d", im.Bounds().Dx())
			}
			buf.Reset()
			if err := SVG(&buf, tc.p, Options{Width: 300}); err != nil {
				t.Fatal(err)
			}
			checkXML(t, buf.Bytes())
		})
	}
}

func checkXML(t *testing.T, data []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
	}
}

func TestSVG(t *testing.T) {
	p := gridPlan(2, 5)
	p.Building.Name = `Tom & Jerry's <"building">`
	p.Rooms[0].AgencyName = `R&D <lab>`
	p.Rooms[1].Number = `A<1>&`
	var buf bytes.Buffer
	if err := SVG(&buf, p, Options{Width: 900, Color: ByAgency}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	checkXML(t, buf.Bytes())

	// Every room number is in the document: as a path's data-number and, decoded, in the text.
	var doc struct {
		Width string `xml:"width,attr"`
		Paths []struct {
			Number string `xml:"data-number,attr"`
			Title  string `xml:"title"`
		} `xml:"g>path"`
		Texts []string `xml:"g>text"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Width != "900" {
		t.Errorf("width %q", doc.Width)
	}
	numbers := map[string]bool{}
	for _, pth := range doc.Paths {
		numbers[pth.Number] = true
	}
	for _, r := range p.Rooms {
		if !numbers[r.Number] {
			t.Errorf("room %q missing from the SVG", r.Number)
		}
	}
	for _, want := range []string{"A&lt;1&gt;&amp;", "R&amp;D &lt;lab&gt;", "Tom &amp; Jerry&#39;s &lt;&#34;building&#34;&gt;"} {
		if !strings.Contains(out, want) {
			t.Errorf("SVG lacks escaped %q", want)
		}
	}
	if strings.Contains(out, "<lab>") || strings.Contains(out, "A<1>") {
		t.Error("unescaped text in SVG")
	}
	if !strings.Contains(out, "WenQuanYi Micro Hei") || !strings.Contains(out, "Noto Sans CJK SC") {
		t.Error("SVG font-family lacks the CJK families")
	}
	// The legend lists the agencies by name, in Chinese by default.
	if !strings.Contains(out, "R&amp;D &lt;lab&gt;") || !strings.Contains(out, "单位2") {
		t.Error("agency legend missing")
	}
}

func TestSVGEnglishStatusLegend(t *testing.T) {
	var buf bytes.Buffer
	if err := SVG(&buf, gridPlan(2, 5), Options{Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Over standard (2)", "Compliant (2)", "Vacant (2)", "Non-office (2)", "No standard (2)"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if !regexp.MustCompile(`>[0-9.]+ m</text>`).MatchString(buf.String()) {
		t.Error("SVG lacks the scale bar's length in metres")
	}
}

// TestLabelsDoNotOverlap is a property test: on random floors (random rectangles, some overlapping,
// random numbers and occupants) every placed label lies inside its own room and no two labels
// overlap, for both measurers; and the layout is the same on a second run.
func TestLabelsDoNotOverlap(t *testing.T) {
	fonts := LoadFonts()
	for seed := uint64(1); seed <= 40; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		p := Plan{Floor: floorplan.Floor{Name: "F"}}
		n := 5 + rng.IntN(120)
		for i := 0; i < n; i++ {
			x, y := rng.Float64()*80, rng.Float64()*40
			w, h := 1+rng.Float64()*10, 1+rng.Float64()*8
			occ := rng.IntN(4)
			p.Rooms = append(p.Rooms, PlanRoom{
				ID: uuid.New(), Number: fmt.Sprint(100 + rng.IntN(900)), Occupants: occ, PerPersonM2: w * h / float64(max(occ, 1)),
				Geometry: square(x, y, x+w, y+h),
			})
		}
		width := 300 + rng.IntN(1800)
		for _, m := range []struct {
			name string
			m    measurer
			cjk  bool
		}{{"svg", svgMeasurer{}, true}, {"png", newFaces(fonts), fonts.CJK()}} {
			o, _ := Options{Width: width}.normalise()
			L := computeLayout(p, o, m.m, m.cjk)
			L2 := computeLayout(p, o, m.m, m.cjk)
			var boxes []rect
			for i, r := range L.rooms {
				if (r.label == nil) != (L2.rooms[i].label == nil) || r.label != nil && r.label.box != L2.rooms[i].label.box {
					t.Fatalf("seed %d %s: layout differs between runs for room %d", seed, m.name, i)
				}
				if r.label == nil {
					continue
				}
				if !rectInPolygon(r.label.box, r.px) {
					t.Errorf("seed %d %s: label of room %d leaves its room", seed, m.name, i)
				}
				boxes = append(boxes, r.label.box)
			}
			for i := range boxes {
				for j := i + 1; j < len(boxes); j++ {
					if boxes[i].overlaps(boxes[j]) {
						t.Errorf("seed %d %s: labels %v and %v overlap", seed, m.name, boxes[i], boxes[j])
					}
				}
			}
		}
	}
}

func TestLabelsShrinkThenDrop(t *testing.T) {
	p := Plan{Rooms: []PlanRoom{
		{ID: uuid.New(), Number: "101", Occupants: 2, PerPersonM2: 12.5, Geometry: square(0, 0, 12, 10)}, // roomy
		{ID: uuid.New(), Number: "102", Occupants: 1, PerPersonM2: 3, Geometry: square(12, 0, 12.1, 10)}, // a slit
	}}
	o, _ := Options{Width: 1000}.normalise()
	L := computeLayout(p, o, svgMeasurer{}, true)
	if l := L.rooms[0].label; l == nil || len(l.lines) != 2 || l.lines[1].s != "12.5 m²/人" {
		t.Errorf("room 101 label = %+v, want number and per-person area", l)
	}
	if L.rooms[1].label != nil {
		t.Errorf("room 102 (10 cm wide) got a label %+v", L.rooms[1].label)
	}
}

func TestPoleOfInaccessibility(t *testing.T) {
	l := orb.Polygon{{{0, 0}, {10, 0}, {10, 2}, {2, 2}, {2, 10}, {0, 10}, {0, 0}}} // an L of 2-wide arms
	tests := []struct {
		name     string
		p        orb.Polygon
		wantDist float64
	}{
		{"square", square(0, 0, 10, 10), 5},
		{"long room", square(0, 0, 20, 4), 2},
		// The circle in the L's corner touches both outer sides and the inner corner: r = (2−r)·√2.
		{"L shape", l, 2 * math.Sqrt2 / (1 + math.Sqrt2)},
		// Likewise between a corner of the room and the nearest corner of the hole: r = (4−r)·√2.
		{"with a hole", orb.Polygon{square(0, 0, 10, 10)[0], {{4, 4}, {4, 6}, {6, 6}, {6, 4}, {4, 4}}}, 4 * math.Sqrt2 / (1 + math.Sqrt2)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pt, d := poleOfInaccessibility(tc.p, 0.01)
			if math.Abs(d-tc.wantDist) > 0.05 {
				t.Errorf("distance %.3f, want %.3f", d, tc.wantDist)
			}
			if !planar.PolygonContains(tc.p, pt) {
				t.Errorf("pole %v is outside", pt)
			}
		})
	}
}

func TestFontsFallBack(t *testing.T) {
	f := LoadFonts("/nonexistent/font.ttc", "/etc/hostname")
	if f.CJK() || f.Path() != "" {
		t.Fatalf("fallback font claims CJK=%v path=%q", f.CJK(), f.Path())
	}
	p := gridPlan(2, 3)
	var buf bytes.Buffer
	if err := PNG(&buf, p, Options{Width: 500, Fonts: f}); err != nil {
		t.Fatal(err)
	}
	decodePNG(t, buf.Bytes())
	// The layout falls back to English and to what Latin glyphs can draw.
	o, _ := Options{Width: 500}.normalise()
	fs := newFaces(f)
	defer fs.close()
	L := computeLayout(p, o, fs, false)
	if L.lang != "en" || strings.ContainsAny(L.title.s, "市政府") {
		t.Errorf("fallback title %q lang %q", L.title.s, L.lang)
	}
	for _, sw := range L.legend {
		if !fs.canDraw(sw.text.s) {
			t.Errorf("legend %q cannot be drawn by the Latin font", sw.text.s)
		}
	}
	for _, r := range L.rooms {
		if r.label != nil {
			for _, ln := range r.label.lines {
				if !fs.canDraw(ln.s) {
					t.Errorf("label %q cannot be drawn by the Latin font", ln.s)
				}
			}
		}
	}
}

func TestCJKFontFound(t *testing.T) {
	f := LoadFonts()
	if !f.CJK() {
		msg := "no CJK font on this machine (apt-get install fonts-wqy-microhei); the Latin fallback is tested above"
		if os.Getenv("CI") != "" {
			t.Fatal(msg) // CI installs one: its absence there is a broken install step, not a skip
		}
		t.Skip(msg)
	}
	fs := newFaces(f)
	defer fs.close()
	if !fs.canDraw("超标合规空置非办公无标准") {
		t.Error("CJK font lacks the legend's glyphs")
	}
}

func TestAgencyColorStable(t *testing.T) {
	id := uuid.MustParse("5f0b6c1e-7a38-4d2e-9d7e-1f2a3b4c5d6e")
	if AgencyColor(id) != AgencyColor(id) {
		t.Fatal("unstable")
	}
	if AgencyColor(uuid.Nil) != (color.NRGBA{0xee, 0xee, 0xee, 0xff}) {
		t.Error("unallocated is not light grey")
	}
	seen := map[color.NRGBA]bool{}
	for i := 0; i < 200; i++ {
		seen[AgencyColor(uuid.NewSHA1(uuid.NameSpaceOID, []byte(fmt.Sprint(i))))] = true
	}
	if len(seen) < 10 {
		t.Errorf("only %d colours over 200 agencies", len(seen))
	}
}

func TestStatusPalette(t *testing.T) {
	want := map[floorplan.RoomStatus]string{
		floorplan.StatusOverStandard: "#d55e00", floorplan.StatusCompliant: "#0072b2", floorplan.StatusVacant: "#bdbdbd",
		floorplan.StatusNonOffice: "#9ecae1", floorplan.StatusNoStandard: "#f0e442",
	}
	for s, hex := range want {
		if got := Hex(StatusColor(s)); got != hex {
			t.Errorf("%s: %s, want %s", s, got, hex)
		}
	}
}

// benchRender draws a 500-room floor (20 × 25 rooms) with draw once per operation and returns the last
// drawing.
func benchRender(b *testing.B, draw func(io.Writer, Plan, Options) error, o Options) *bytes.Buffer {
	p := gridPlan(20, 25)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := draw(&buf, p, o); err != nil {
			b.Fatal(err)
		}
	}
	return &buf
}

// BenchmarkPNG500 renders a 500-room floor (20 × 25 rooms) to a 2048-pixel PNG.
func BenchmarkPNG500(b *testing.B) {
	buf := benchRender(b, PNG, Options{Width: 2048, Fonts: LoadFonts()})
	b.ReportMetric(float64(buf.Len()), "bytes/png")
}

// BenchmarkSVG500 writes the same floor as SVG.
func BenchmarkSVG500(b *testing.B) {
	benchRender(b, SVG, Options{Width: 2048})
}

func TestNorthArrowAndUnits(t *testing.T) {
	tests := []struct {
		name     string
		georef   geo.Georef
		geometry orb.Polygon
		tip      func(dx, dy float64) bool // tip relative to the arrow's centre, y down
		bar      string
	}{
		{"north up, metres", geo.Georef{}, square(0, 0, 40, 10), func(dx, dy float64) bool { return math.Abs(dx) < 1e-9 && dy < 0 }, "5 m"},
		{"+Y east: north to the left", geo.Georef{RotationDeg: 90}, square(0, 0, 40, 10), func(dx, dy float64) bool { return dx < 0 && math.Abs(dy) < 1e-9 }, "5 m"},
		{"+Y south-west", geo.Georef{RotationDeg: 225}, square(0, 0, 40, 10), func(dx, dy float64) bool { return dx > 0 && dy > 0 }, "5 m"},
		// The stored frame is metres whatever the exchange unit: a millimetre building draws the same bar.
		{"millimetre exchange unit", geo.Georef{Scale: 0.001}, square(0, 0, 40, 10), func(dx, dy float64) bool { return dy < 0 }, "5 m"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Plan{Building: floorplan.Building{Georef: tc.georef}, Rooms: []PlanRoom{{Number: "1", Geometry: tc.geometry}}}
			o, _ := Options{Width: 1000}.normalise()
			L := computeLayout(p, o, svgMeasurer{}, true)
			c := orb.Point{(L.north[1][0] + L.north[3][0] + L.north[0][0]*2) / 4, (L.north[1][1] + L.north[3][1] + L.north[0][1]*2) / 4}
			if dx, dy := L.north[0][0]-c[0], L.north[0][1]-c[1]; !tc.tip(dx, dy) {
				t.Errorf("arrow tip at (%.2f, %.2f) from its centre", dx, dy)
			}
			if got := L.scale.texts[len(L.scale.texts)-1].s; got != tc.bar {
				t.Errorf("scale bar %q, want %q", got, tc.bar)
			}
		})
	}
}

// planStore is a store double for BuildPlan.
type planStore struct {
	floor    floorplan.Floor
	building floorplan.Building
	rooms    []floorplan.Room
	agencies []floorplan.Agency
	calls    []string
}

func (s *planStore) Floor(_ context.Context, id uuid.UUID) (floorplan.Floor, error) {
	s.calls = append(s.calls, "floor")
	if id != s.floor.ID {
		return floorplan.Floor{}, fmt.Errorf("floor %s: %w", id, floorplan.ErrNotFound)
	}
	return s.floor, nil
}
func (s *planStore) Building(context.Context, uuid.UUID) (floorplan.Building, error) {
	s.calls = append(s.calls, "building")
	return s.building, nil
}
func (s *planStore) Rooms(_ context.Context, f floorplan.RoomFilter) ([]floorplan.Room, error) {
	s.calls = append(s.calls, "rooms")
	var out []floorplan.Room
	for _, r := range s.rooms {
		if r.FloorID == f.FloorID {
			out = append(out, r)
		}
	}
	return out, nil
}
func (s *planStore) Agencies(context.Context) ([]floorplan.Agency, error) {
	s.calls = append(s.calls, "agencies")
	return s.agencies, nil
}

func TestBuildPlan(t *testing.T) {
	ctx := context.Background()
	fl := floorplan.Floor{ID: uuid.New(), BuildingID: uuid.New(), Name: "2F", Ordinal: 1}
	ag := floorplan.Agency{ID: uuid.New(), Name: "市财政局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	st := &planStore{
		floor:    fl,
		building: floorplan.Building{ID: fl.BuildingID, Name: "1号楼", Footprint: square(-1, -1, 21, 11)},
		rooms: []floorplan.Room{
			{ID: uuid.New(), FloorID: fl.ID, Number: "202", Usage: floorplan.UsageOffice, AgencyID: ag.ID, Geometry: square(10, 0, 20, 10)},
			{ID: uuid.New(), FloorID: fl.ID, Number: "201", Usage: floorplan.UsageOffice, AgencyID: ag.ID, Geometry: square(0, 0, 10, 10)},
			{ID: uuid.New(), FloorID: uuid.New(), Number: "301", Geometry: square(0, 0, 1, 1)},
		},
		agencies: []floorplan.Agency{ag},
	}
	person := floorplan.Person{ID: uuid.New(), Name: "赵六", AgencyID: ag.ID, Rank: floorplan.RankDivision, Status: floorplan.PersonActive}
	snap := &floorplan.Snapshot{AsOf: floorplan.Day(2025, 1, 1), Agencies: st.agencies, Rooms: st.rooms, People: []floorplan.Person{person},
		Assignments: []floorplan.Assignment{{ID: uuid.New(), PersonID: person.ID, RoomID: st.rooms[1].ID, Kind: floorplan.AssignMain, Start: floorplan.Day(2020, 1, 1)}}}
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	p, err := BuildPlan(ctx, st, rep, fl.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rooms) != 2 || p.Rooms[0].Number != "201" || p.Rooms[1].Number != "202" {
		t.Fatalf("rooms %+v", p.Rooms)
	}
	r := p.Rooms[0]
	if r.Status != floorplan.StatusOverStandard || r.Occupants != 1 || r.PerPersonM2 != 100 || r.AgencyName != "市财政局" || r.AreaM2 != 100 {
		t.Errorf("room 201: %+v", r)
	}
	if p.Rooms[1].Status != floorplan.StatusVacant {
		t.Errorf("room 202 status %s", p.Rooms[1].Status)
	}
	if len(p.Outline) == 0 || !p.AsOf.Equal(floorplan.Day(2025, 1, 1)) {
		t.Errorf("outline %v, as of %v", p.Outline, p.AsOf)
	}
	if strings.Contains(strings.Join(st.calls, ","), "agencies") {
		t.Errorf("agency names were in the report, yet the store was asked: %v", st.calls)
	}
	if _, err := BuildPlan(ctx, st, rep, uuid.New()); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("missing floor: %v", err)
	}
	// Without a report: no statuses, names from the store.
	p, err = BuildPlan(ctx, st, nil, fl.ID)
	if err != nil || p.Rooms[0].Status != "" || p.Rooms[0].AgencyName != "市财政局" {
		t.Errorf("without a report: %+v, %v", p.Rooms[0], err)
	}
}

// TestPixelBudget: a tall floor at the widest width would need an image far over MaxPixels; it is
// refused before anything is allocated, naming a width that fits, and that width draws.
func TestPixelBudget(t *testing.T) {
	p := Plan{Rooms: []PlanRoom{{Number: "1", Geometry: square(0, 0, 10, 100)}}}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := PNG(io.Discard, p, Options{Width: MaxWidth})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, floorplan.ErrInvalid) || !strings.Contains(err.Error(), "smaller width") {
		t.Fatalf("a %d-px-wide tall plan: err = %v, want ErrInvalid asking for a smaller width", MaxWidth, err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > MaxPixels {
		t.Errorf("the refusal allocated %d MB", grown>>20)
	}
	var width int
	if _, err := fmt.Sscanf(err.Error()[strings.LastIndex(err.Error(), "at most ")+len("at most "):], "%d", &width); err != nil {
		t.Fatalf("no width in %q: %v", err, err)
	}
	if err := PNG(io.Discard, p, Options{Width: width}); err != nil {
		t.Errorf("at the width named (%d): %v", width, err)
	}
	if err := SVG(io.Discard, p, Options{Width: MaxWidth}); err != nil {
		t.Errorf("SVG (no raster) at %d: %v", MaxWidth, err)
	}
}
