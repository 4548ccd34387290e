package dxf

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"officemap/geo"
)

func TestParse(t *testing.T) {
	d := newDrawing(4, "ROOMS", "LABELS")
	d.rect("ROOMS", 0, 0, 4000, 3000)
	d.text("LABELS", "101", 2000, 1500)
	d.raw("  0\nCIRCLE\n  5\nC1\n  8\nROOMS\n 10\n0\n 20\n0\n 40\n5\n") // unknown to Parse: counted only
	d.raw("  0\nPOLYLINE\n  5\nP1\n  8\nROOMS\n 70\n1\n" +
		"  0\nVERTEX\n  8\nROOMS\n 10\n0\n 20\n0\n" +
		"  0\nVERTEX\n  8\nROOMS\n 10\n10\n 20\n0\n 42\n1\n" +
		"  0\nVERTEX\n  8\nROOMS\n 70\n16\n 10\n99\n 20\n99\n" + // a spline frame point: not a vertex
		"  0\nVERTEX\n  8\nROOMS\n 10\n10\n 20\n10\n" +
		"  0\nSEQEND\n  8\nROOMS\n")
	d.raw("  0\nMTEXT\n  5\nM1\n  8\nLABELS\n 10\n5\n 20\n6\n  3\n{\\fArial|b1;Room }\n  1\n\\P102\n")
	d.raw("  0\nTEXT\n  5\nT2\n  8\nLABELS\n 10\n0\n 20\n0\n 11\n7\n 21\n8\n 72\n1\n  1\n103\n")
	src := d.String()

	variants := map[string]string{
		"LF":             src,
		"CRLF":           strings.ReplaceAll(src, "\n", "\r\n"),
		"padded codes":   strings.ReplaceAll(src, "\n  0\n", "\n     0   \n"),
		"trailing blank": src + "\n\n\n",
	}
	for name, text := range variants {
		t.Run(name, func(t *testing.T) {
			dr, err := Parse(strings.NewReader(text), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if dr.InsUnits != 4 || dr.Version != "AC1032" {
				t.Errorf("header: units %d version %q", dr.InsUnits, dr.Version)
			}
			if got := strings.Join(dr.Layers, ","); got != "ROOMS,LABELS" {
				t.Errorf("layers %q", got)
			}
			types := []string{}
			for _, e := range dr.Entities {
				types = append(types, e.Type)
			}
			if got := strings.Join(types, ","); got != "LWPOLYLINE,TEXT,CIRCLE,POLYLINE,MTEXT,TEXT" {
				t.Fatalf("entities %s", got)
			}
			lw := dr.Entities[0]
			if !lw.Closed || len(lw.Points) != 4 || lw.Points[2] != (Vertex{X: 4000, Y: 3000}) || lw.Handle == "" || lw.Index != 1 {
				t.Errorf("LWPOLYLINE %+v", lw)
			}
			pl := dr.Entities[3]
			if !pl.Closed || len(pl.Points) != 3 || pl.Points[1].Bulge != 1 || pl.Handle != "P1" || pl.Index != 4 {
				t.Errorf("POLYLINE %+v", pl)
			}
			if mt := dr.Entities[4]; CleanText(mt.Text) != "Room\n102" || mt.At != (orb.Point{5, 6}) {
				t.Errorf("MTEXT %q at %v", CleanText(mt.Text), mt.At)
			}
			if jt := dr.Entities[5]; jt.At != (orb.Point{7, 8}) {
				t.Errorf("a justified TEXT is placed at its alignment point, got %v", jt.At)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	small := Limits{MaxEntities: 3, MaxVertices: 5, MaxTotalVertices: 100, MaxLineBytes: 64, MaxRecordPairs: 100, MaxDepth: 2, MaxExpanded: 10}
	many := newDrawing(6, "A")
	for i := 0; i < 4; i++ {
		many.rect("A", 0, 0, 1, 1)
	}
	long := newDrawing(6, "A")
	long.poly("A", true, [3]float64{0, 0}, [3]float64{1, 0}, [3]float64{2, 0}, [3]float64{2, 1}, [3]float64{1, 1}, [3]float64{0, 1})
	tests := []struct {
		name  string
		in    string
		lim   Limits
		want  string
		limit bool
	}{
		{"group code not a number", "  0\nSECTION\nabc\nHEADER\n", Limits{}, `line 3: group code "abc" is not a number`, false},
		{"no value at the end", "  0\nSECTION\n  2\n", Limits{}, "line 3: the file is cut short: group code 2 has no value", false},
		{"binary", "AutoCAD Binary DXF\r\n\x1a\x00", Limits{}, "binary DXF is not supported", false},
		{"line too long", "  0\n" + strings.Repeat("X", 100) + "\n", small, "longer than 64 bytes", true},
		{"too many entities", many.String(), small, "more than 3 entities", true},
		{"too many vertices", long.String(), small, "more than 5 vertices", true},
		{"too many vertices in all", many.String(), Limits{MaxEntities: 100, MaxVertices: 100, MaxTotalVertices: 10,
			MaxLineBytes: 100, MaxRecordPairs: 100}, "more than 10 polyline vertices", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in), tt.lim)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if errors.Is(err, ErrLimit) != tt.limit {
				t.Errorf("errors.Is(err, ErrLimit) = %v", !tt.limit)
			}
		})
	}
}

func TestParseTolerates(t *testing.T) {
	tests := map[string]string{
		"no sections":           "  0\nEOF\n",
		"stray pairs":           "999\ncomment\n  0\nSECTION\n  2\nENTITIES\n  0\nENDSEC\n  0\nEOF\n",
		"unknown section":       "  0\nSECTION\n  2\nOBJECTS\n  0\nDICTIONARY\n  0\nENDSEC\n  0\nEOF\n",
		"EOF closes a section":  "  0\nSECTION\n  2\nENTITIES\n  0\nLWPOLYLINE\n 10\n1\n  0\nEOF\n",
		"POLYLINE no SEQEND":    "  0\nSECTION\n  2\nENTITIES\n  0\nPOLYLINE\n  0\nVERTEX\n 10\n1\n  0\nTEXT\n  1\nx\n  0\nENDSEC\n  0\nEOF\n",
		"malformed numbers":     "  0\nSECTION\n  2\nENTITIES\n  0\nLWPOLYLINE\n 10\nnope\n 20\n1e999\n 70\nx\n  0\nENDSEC\n  0\nEOF\n",
		"value before vertex":   "  0\nSECTION\n  2\nENTITIES\n  0\nLWPOLYLINE\n 20\n1\n 42\n1\n  0\nENDSEC\n  0\nEOF\n",
		"pairs after EOF":       "  0\nEOF\n  0\nSECTION\n",
		"blank lines after EOF": "  0\nSECTION\n  2\nENTITIES\n  0\nENDSEC\n  0\nEOF\n\n\n",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse(strings.NewReader(in), Limits{}); err != nil {
				t.Errorf("Parse: %v", err)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"101", "101"},
		{`\A1;{\fSimSun|b0|i0|c134|p2;会议室}\P201`, "会议室\n201"},
		{`{\H2.5x;\C1;Office}`, "Office"},
		{`Phone\PBooth`, "Phone\nBooth"},
		{`A\~B`, "A B"},
		{`\LUnder\l \OOver\o`, "Under Over"},
		{`1\S1^2;`, "11/2"},
		{`\U+4F1A\U+8BAE`, "会议"},
		{`%%c50 %%d %%p1 100%%%`, "Ø50 ° ±1 100%"},
		{`C:\path`, `C:\path`},
		{`a\\b \{x\}`, `a\b {x}`},
		{"  \\P  \\P ", ""},
		{`\fArial`, `\fArial`}, // an unterminated code is text
	}
	for _, tt := range tests {
		if got := CleanText(tt.in); got != tt.want {
			t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDecodeGBK(t *testing.T) {
	// 会议室 in GBK, as an AutoCAD 2004 drawing made on a Chinese system writes it.
	gbk := "\xbb\xe1\xd2\xe9\xca\xd2"
	in := "  0\nSECTION\n  2\nHEADER\n  9\n$ACADVER\n  1\nAC1018\n  9\n$DWGCODEPAGE\n  3\nANSI_936\n  0\nENDSEC\n" +
		"  0\nSECTION\n  2\nENTITIES\n  0\nTEXT\n  8\n房间\n  1\n" + gbk + "\n  0\nENDSEC\n  0\nEOF\n"
	d, err := Parse(strings.NewReader(in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Entities[0].Text; got != "会议室" {
		t.Errorf("text %q, want 会议室", got)
	}
	if got := d.Entities[0].Layer; got != "房间" {
		t.Errorf("a UTF-8 layer name stays as it is: %q", got)
	}
}

func TestArcPoints(t *testing.T) {
	tests := []struct {
		name    string
		p, q    orb.Point
		bulge   float64
		centre  orb.Point
		radius  float64
		through orb.Point // a point the arc passes through (its middle)
	}{
		{"semicircle ccw", orb.Point{1, 0}, orb.Point{-1, 0}, 1, orb.Point{0, 0}, 1, orb.Point{0, 1}},
		{"semicircle cw", orb.Point{1, 0}, orb.Point{-1, 0}, -1, orb.Point{0, 0}, 1, orb.Point{0, -1}},
		{"quarter", orb.Point{10, 0}, orb.Point{0, 10}, math.Tan(math.Pi / 8), orb.Point{0, 0}, 10, orb.Point{10 / math.Sqrt2, 10 / math.Sqrt2}},
	}
	const tol = 0.01
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pts := arcPoints(nil, tt.p, tt.q, tt.bulge, tol)
			if pts[len(pts)-1] != tt.q {
				t.Fatalf("the arc ends at %v, not %v", pts[len(pts)-1], tt.q)
			}
			all := append([]orb.Point{tt.p}, pts...)
			for i, p := range all {
				if d := math.Hypot(p[0]-tt.centre[0], p[1]-tt.centre[1]); math.Abs(d-tt.radius) > 1e-9 {
					t.Errorf("point %d at %v is %v from the centre, want %v", i, p, d, tt.radius)
				}
				if i > 0 { // the chord's middle strays from the arc by at most tol
					m := orb.Point{(p[0] + all[i-1][0]) / 2, (p[1] + all[i-1][1]) / 2}
					if s := tt.radius - math.Hypot(m[0]-tt.centre[0], m[1]-tt.centre[1]); s > tol+1e-12 {
						t.Errorf("chord %d strays %v from the arc (tolerance %v)", i, s, tol)
					}
				}
			}
			near := math.Inf(1)
			for _, p := range all {
				near = math.Min(near, math.Hypot(p[0]-tt.through[0], p[1]-tt.through[1]))
			}
			if near > 2*math.Sqrt(2*tt.radius*tol) {
				t.Errorf("the arc does not pass by %v (nearest point %v away): wrong side?", tt.through, near)
			}
		})
	}
	if got := arcPoints(nil, orb.Point{0, 0}, orb.Point{1, 0}, 0, tol); len(got) != 1 {
		t.Errorf("a straight segment gives %d points", len(got))
	}
	if got := arcPoints(nil, orb.Point{0, 0}, orb.Point{1, 0}, math.NaN(), tol); len(got) != 1 {
		t.Errorf("a NaN bulge is straight, got %d points", len(got))
	}
	if got := arcPoints(nil, orb.Point{0, 0}, orb.Point{1e6, 0}, 1, 1e-12); len(got) > maxArcSegments {
		t.Errorf("%d segments, more than the cap %d", len(got), maxArcSegments)
	}
}

// A round room: a closed polyline of two semicircles of radius 5 m (in mm) has the circle's area to within
// the chord tolerance.
func TestBulgeArea(t *testing.T) {
	e := &Entity{Type: "LWPOLYLINE", Closed: true, Points: []Vertex{{X: 5000, Y: 0, Bulge: 1}, {X: -5000, Y: 0, Bulge: 1}}}
	ring := flatten(e, 10) // 1 cm in mm
	r := make(orb.Ring, len(ring))
	for i, p := range ring {
		r[i] = orb.Point{p[0] / 1000, p[1] / 1000}
	}
	want := math.Pi * 25
	got := geo.RingArea(r)
	if got > want || want-got > 2*math.Pi*5*0.01 {
		t.Errorf("area %v m², want just under %v (within perimeter × tolerance)", got, want)
	}
}

func TestPlaceBlocks(t *testing.T) {
	d := newDrawing(6, "ROOMS")
	// A 2×1 room on layer 0 in a block whose base point is (1, 1).
	d.block("ROOM", 1, 1, func(b *strings.Builder) {
		d.polyTo(b, "0", true, [3]float64{1, 1}, [3]float64{3, 1}, [3]float64{3, 2}, [3]float64{1, 2})
	})
	d.block("PAIR", 0, 0, func(b *strings.Builder) {
		insert(b, "I1", "0", "ROOM", 0, 0, 1, 1, 0)
		insert(b, "I2", "0", "ROOM", 10, 0, 1, 1, 0)
	})
	d.block("LOOP", 0, 0, func(b *strings.Builder) { insert(b, "L1", "0", "LOOP", 0, 0, 1, 1, 0) })
	insert(&d.ents, "A", "ROOMS", "ROOM", 100, 100, 2, 3, 90) // scaled ×2, ×3 then turned 90° ccw
	insert(&d.ents, "B", "ROOMS", "PAIR", 0, 50, 1, 1, 0)
	insert(&d.ents, "C", "ROOMS", "LOOP", 0, 0, 1, 1, 0)
	insert(&d.ents, "D", "ROOMS", "MISSING", 0, 0, 1, 1, 0)
	d.raw("  0\nLWPOLYLINE\n  5\nM\n  8\nROOMS\n 70\n1\n 10\n1\n 20\n0\n 10\n2\n 20\n0\n 10\n2\n 20\n1\n230\n-1\n")
	dr, err := Parse(strings.NewReader(d.String()), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	placed, counts, notes, err := dr.Place(0.001, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]Placed{}
	for _, p := range placed {
		byKey[p.Key] = p
	}
	near := func(a, b orb.Point) bool { return math.Abs(a[0]-b[0]) < 1e-9 && math.Abs(a[1]-b[1]) < 1e-9 }
	a := byKey["A/"+firstPolyHandle(dr, "ROOM")]
	// Block point (3, 2) is (2, 1) from the base; scaled (4, 3); turned 90° ccw (−3, 4); at (100, 100).
	if len(a.Ring) < 3 || !near(a.Ring[2], orb.Point{97, 104}) || a.Layer != "ROOMS" {
		t.Errorf("INSERT A placed %v on layer %q", a.Ring, a.Layer)
	}
	if len(a.Ring) > 0 && !strings.Contains(a.Ref, `entity 1 (INSERT, handle A) › block "ROOM"`) {
		t.Errorf("ref %q", a.Ref)
	}
	b2 := byKey["B/I2/"+firstPolyHandle(dr, "ROOM")]
	if len(b2.Ring) < 1 || !near(b2.Ring[0], orb.Point{10, 50}) {
		t.Errorf("nested INSERT B/I2 placed %v", b2.Ring)
	}
	m := byKey["M"]
	if len(m.Ring) < 3 || !near(m.Ring[1], orb.Point{-2, 0}) {
		t.Errorf("a polyline with extrusion −Z is mirrored in X: %v", m.Ring)
	}
	if counts["ROOMS"]["LWPOLYLINE"] != 4 { // A, B/I1, B/I2 and M
		t.Errorf("counts %v", counts)
	}
	joined := fmt.Sprint(notes)
	for _, want := range []string{`block "LOOP" inserts itself`, `block "MISSING" is not defined`} {
		if !strings.Contains(joined, want) {
			t.Errorf("notes lack %q:\n%s", want, joined)
		}
	}
	if _, _, _, err := dr.Place(0.001, Limits{MaxEntities: 10, MaxVertices: 10, MaxTotalVertices: 10, MaxLineBytes: 10,
		MaxRecordPairs: 10, MaxDepth: 8, MaxExpanded: 3, MaxPoints: 100}); !errors.Is(err, ErrLimit) {
		t.Errorf("expansion beyond MaxExpanded: %v", err)
	}
	if _, _, notes, _ := dr.Place(0.001, Limits{MaxEntities: 100, MaxVertices: 100, MaxTotalVertices: 100, MaxLineBytes: 100,
		MaxRecordPairs: 100, MaxDepth: 1, MaxExpanded: 100, MaxPoints: 1000}); !strings.Contains(fmt.Sprint(notes), "nested more than 1 levels") {
		t.Errorf("depth limit not noted: %v", notes)
	}
}

func firstPolyHandle(d *Drawing, block string) string {
	for _, e := range d.Blocks[block].Entities {
		if e.Type == "LWPOLYLINE" {
			return e.Handle
		}
	}
	return ""
}
