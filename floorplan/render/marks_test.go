package render

import (
	"bytes"
	"context"
	"encoding/xml"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan"
)

// svgPath is a path of a rendered SVG, as the tests read it.
type svgPath struct {
	ID     string `xml:"data-id,attr"`
	Number string `xml:"data-number,attr"`
	Class  string `xml:"class,attr"`
	Stroke string `xml:"stroke,attr"`
	D      string `xml:"d,attr"`
}

// svgGroups decodes the top-level groups of an SVG plan by id.
func svgGroups(t *testing.T, data []byte) map[string][]svgPath {
	t.Helper()
	var doc struct {
		Groups []struct {
			ID    string    `xml:"id,attr"`
			Paths []svgPath `xml:"path"`
		} `xml:"g"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("SVG does not decode: %v", err)
	}
	out := map[string][]svgPath{}
	for _, g := range doc.Groups {
		out[g.ID] = g.Paths
	}
	return out
}

var pathNumber = regexp.MustCompile(`-?[0-9.]+`)

// pathPoints reads the positions of path data made of M and L commands ("M1 2L3 4…").
func pathPoints(t *testing.T, d string) []orb.Point {
	t.Helper()
	nums := pathNumber.FindAllString(d, -1)
	if len(nums)%2 != 0 {
		t.Fatalf("odd number of coordinates in %q", d)
	}
	var out []orb.Point
	for i := 0; i < len(nums); i += 2 {
		x, err1 := strconv.ParseFloat(nums[i], 64)
		y, err2 := strconv.ParseFloat(nums[i+1], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad coordinates in %q", d)
		}
		out = append(out, orb.Point{x, y})
	}
	return out
}

// doorPlan is two rooms of 5 × 4 m side by side, sharing the wall x = 5, with a door 0.9 m wide in that
// wall (y 1.0–1.9) and another in the left room's outer wall (y = 0, x 2–3).
func doorPlan() Plan {
	return Plan{
		Floor:    floorplan.Floor{Name: "1F"},
		Building: floorplan.Building{Name: "B"},
		Rooms: []PlanRoom{
			{ID: uuid.New(), Number: "101", Usage: floorplan.UsageOffice, Status: floorplan.StatusVacant, Geometry: square(0, 0, 5, 4)},
			{ID: uuid.New(), Number: "102", Usage: floorplan.UsageOffice, Status: floorplan.StatusVacant, Geometry: square(5, 0, 10, 4)},
		},
		Openings: orb.MultiLineString{{{5, 1}, {5, 1.9}}, {{2, 0}, {3, 0}}},
	}
}

// TestSVGDrawsOpenings: every opening is a path of the group "openings", lying on the wall it is in:
// its pixels are those of the local positions under the map that takes the rooms' corners, as the SVG
// draws them, back to their local metres.
func TestSVGDrawsOpenings(t *testing.T) {
	p := doorPlan()
	var buf bytes.Buffer
	if err := SVG(&buf, p, Options{Width: 800}); err != nil {
		t.Fatal(err)
	}
	checkXML(t, buf.Bytes())
	groups := svgGroups(t, buf.Bytes())
	var doors []svgPath
	for _, pth := range groups["openings"] {
		if pth.Class == "opening" {
			doors = append(doors, pth)
		}
	}
	if len(doors) != len(p.Openings) {
		t.Fatalf("%d door paths, want %d (groups: %v)", len(doors), len(p.Openings), groups)
	}
	// The page position of a local one, from room 101's drawn corners: (0,0)…(5,4) in metres.
	var corners []orb.Point
	for _, pth := range groups["rooms"] {
		if pth.Number == "101" {
			corners = pathPoints(t, pth.D)
		}
	}
	b := orb.MultiPoint(corners).Bound()
	sx, sy := (b.Max[0]-b.Min[0])/5, (b.Max[1]-b.Min[1])/4
	if math.Abs(sx-sy) > 0.02 {
		t.Fatalf("the plan is not drawn to one scale: %.3f × %.3f px/m", sx, sy)
	}
	page := func(pt orb.Point) orb.Point { return orb.Point{b.Min[0] + pt[0]*sx, b.Max[1] - pt[1]*sy} }
	for i, d := range doors {
		got := pathPoints(t, d.D)
		if len(got) != len(p.Openings[i]) {
			t.Fatalf("door %d: %d positions, want %d", i, len(got), len(p.Openings[i]))
		}
		for k, pt := range got {
			if want := page(p.Openings[i][k]); planar.Distance(pt, want) > 0.02 {
				t.Errorf("door %d position %d at %v, want %v", i, k, pt, want)
			}
		}
		if d.Stroke != Hex(openingColor) {
			t.Errorf("door %d stroke %s, want %s", i, d.Stroke, Hex(openingColor))
		}
	}

	// Without openings there is no group of them.
	p.Openings = nil
	buf.Reset()
	if err := SVG(&buf, p, Options{Width: 800}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `id="openings"`) {
		t.Error("a floor without openings has an openings group")
	}
}

// TestPNGDrawsOpenings: the middle of each door is the door's colour, and a point of the same wall away
// from the door is the outline's ink.
func TestPNGDrawsOpenings(t *testing.T) {
	p := doorPlan()
	fonts := LatinFonts()
	opt := Options{Width: 800, Fonts: fonts}
	var buf bytes.Buffer
	if err := PNG(&buf, p, opt); err != nil {
		t.Fatal(err)
	}
	im := decodePNG(t, buf.Bytes())
	o, _ := opt.normalise()
	fs := newFaces(fonts)
	L := computeLayout(p, o, fs, false)
	fs.close()
	if len(L.openings) != 2 {
		t.Fatalf("%d openings laid out, want 2", len(L.openings))
	}
	for i, ls := range L.openings {
		mid := orb.Point{(ls[0][0] + ls[1][0]) / 2, (ls[0][1] + ls[1][1]) / 2}
		if c := im.At(int(mid[0]), int(mid[1])); !sameColor(c, openingColor) {
			t.Errorf("door %d: the pixel at its middle %v is %v, want %s", i, mid, c, Hex(openingColor))
		}
	}
	// The shared wall x = 5 at y = 3 m (no door there) is drawn in ink: its darkest pixel across the
	// wall is a dark grey (antialiased), not the door's brown.
	wall := L.rooms[1].px.Bound().Min[0]
	y := L.rooms[1].px.Bound().Min[1] + (L.rooms[1].px.Bound().Max[1]-L.rooms[1].px.Bound().Min[1])/4
	darkest := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	for x := int(wall) - 1; x <= int(wall)+1; x++ {
		if c := nrgba(im.At(x, int(y))); int(c.R)+int(c.G)+int(c.B) < int(darkest.R)+int(darkest.G)+int(darkest.B) {
			darkest = c
		}
	}
	if !greyBelow(darkest, 0x80) {
		t.Errorf("the wall away from the door at (%.0f, %.0f) is %v at darkest, want a dark grey", wall, y, darkest)
	}
}

// TestVoidsHatched: a void is pale and hatched whatever the colouring, on SVG and PNG, and the legend
// says it is no floor area.
func TestVoidsHatched(t *testing.T) {
	void := PlanRoom{ID: uuid.New(), Number: "V1", Usage: floorplan.UsageVoid, Status: floorplan.StatusNonOffice,
		Geometry: square(0, 0, 8, 6)}
	p := Plan{Floor: floorplan.Floor{Name: "2F"}, Building: floorplan.Building{Name: "B"}, Rooms: []PlanRoom{
		void, {ID: uuid.New(), Number: "201", Usage: floorplan.UsageOffice, Status: floorplan.StatusVacant, Geometry: square(8, 0, 14, 6)},
	}}
	for _, by := range []ColorBy{ByStatus, ByAgency, ByUsage} {
		t.Run(string(by), func(t *testing.T) {
			var buf bytes.Buffer
			if err := SVG(&buf, p, Options{Width: 700, Color: by}); err != nil {
				t.Fatal(err)
			}
			groups := svgGroups(t, buf.Bytes())
			if len(groups["voids"]) != 1 || groups["voids"][0].ID != void.ID.String() {
				t.Fatalf("voids group %+v, want one path for %s", groups["voids"], void.ID)
			}
			if n := len(pathPoints(t, groups["voids"][0].D)); n < 2*8 {
				t.Errorf("the void has %d hatching positions, want at least 8 lines", n)
			}
			for _, pth := range groups["rooms"] {
				if pth.ID == void.ID.String() && !strings.Contains(buf.String(), `data-number="V1" fill="`+Hex(voidColor)+`"`) {
					t.Errorf("the void is not filled %s", Hex(voidColor))
				}
			}
			legend := "中庭上空（不计面积）"
			if by == ByUsage {
				legend = ">中庭上空<"
			}
			if !strings.Contains(buf.String(), legend) {
				t.Errorf("the legend lacks %q", legend)
			}

			fonts := LoadFonts()
			buf.Reset()
			if err := PNG(&buf, p, Options{Width: 700, Color: by, Fonts: fonts}); err != nil {
				t.Fatal(err)
			}
			im := decodePNG(t, buf.Bytes())
			fs := newFaces(fonts)
			o, _ := Options{Width: 700, Color: by, Fonts: fonts}.normalise()
			L := computeLayout(p, o, fs, fonts.CJK())
			fs.close()
			counts := map[color.NRGBA]int{}
			hatched, all := 0, 0
			bd := L.rooms[0].px.Bound()
			for y := bd.Min[1] + 4; y < bd.Max[1]-4; y++ {
				for x := bd.Min[0] + 4; x < bd.Max[0]-4; x++ {
					c := nrgba(im.At(int(x), int(y)))
					counts[c]++
					all++
					if greyBelow(c, 0xe0) {
						hatched++
					}
				}
			}
			// Lines about a pixel wide every 7 px: a good tenth of the pixels are inked.
			if counts[voidColor] == 0 || hatched < all/10 {
				t.Errorf("inside the void: %d pale and %d of %d hatching pixels; want both", counts[voidColor], hatched, all)
			}
			if counts[StatusColor(void.Status)] > 0 || counts[UsageColor(floorplan.UsageOffice)] > 0 {
				t.Error("the void is filled like a room")
			}
		})
	}
}

// nrgba is c as an opaque NRGBA.
func nrgba(c color.Color) color.NRGBA {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}
}

// greyBelow reports whether c is a grey (its channels within 8 of each other) darker than v.
func greyBelow(c color.NRGBA, v uint8) bool {
	lo, hi := min(c.R, c.G, c.B), max(c.R, c.G, c.B)
	return hi-lo <= 8 && hi < v
}

// TestHatchLines: the hatching covers a shape evenly: the lines' total length is the area over the
// spacing (Cavalieri), within one line's length, every segment lies inside the shape and none crosses a
// hole.
func TestHatchLines(t *testing.T) {
	withHole := orb.Polygon{square(0, 0, 100, 100)[0], orb.Ring{{30, 30}, {30, 70}, {70, 70}, {70, 30}, {30, 30}}}
	open := orb.Polygon{{{0, 0}, {60, 0}, {0, 60}}} // a ring not closed
	tests := []struct {
		name    string
		poly    orb.Polygon
		spacing float64
	}{
		{"square", square(0, 0, 100, 100), 10},
		{"square with hole", withHole, 7},
		{"open triangle", open, 5},
		{"tiny", square(0, 0, 3, 3), 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			closed := orb.Polygon{}
			for _, r := range tc.poly {
				if r[0] != r[len(r)-1] {
					r = append(r, r[0])
				}
				closed = append(closed, r)
			}
			area := math.Abs(planar.Area(closed))
			lines := hatchLines(tc.poly, tc.spacing)
			total := 0.0
			for _, l := range lines {
				total += planar.Distance(l[0], l[1])
				mid := orb.Point{(l[0][0] + l[1][0]) / 2, (l[0][1] + l[1][1]) / 2}
				if !planar.PolygonContains(closed, mid) {
					t.Errorf("segment %v is not inside the shape", l)
				}
				if d := (l[1][0] - l[0][0]) + (l[1][1] - l[0][1]); math.Abs(d) > 1e-9 {
					t.Errorf("segment %v is not on a diagonal x + y = c", l)
				}
			}
			b := closed.Bound()
			diag := math.Hypot(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])
			if want := area / tc.spacing; math.Abs(total-want) > diag {
				t.Errorf("total hatching %.1f, want %.1f ± %.1f", total, want, diag)
			}
		})
	}
	if hatchLines(nil, 5) != nil || hatchLines(square(0, 0, 1, 1), 0) != nil {
		t.Error("no shape or no spacing must give no lines")
	}
}

// TestUsagePaints: every usage has its own colour and a label in both languages; shafts and voids have
// the register's words.
func TestUsagePaints(t *testing.T) {
	seen := map[color.NRGBA]floorplan.Usage{}
	for _, u := range floorplan.Usages {
		p, ok := usagePaints[u]
		if !ok {
			t.Errorf("usage %s has no paint", u)
			continue
		}
		if p.zh == "" || p.en == "" || p.zh == string(u) {
			t.Errorf("usage %s: labels %q, %q", u, p.zh, p.en)
		}
		if other, dup := seen[p.color]; dup {
			t.Errorf("usages %s and %s share %s", u, other, Hex(p.color))
		}
		seen[p.color] = u
	}
	for u, want := range map[floorplan.Usage]string{floorplan.UsageShaft: "管井", floorplan.UsageVoid: "中庭上空"} {
		if got := UsageLabel(u, "zh"); got != want {
			t.Errorf("%s: %q, want %q", u, got, want)
		}
	}
}

// TestBuildPlanOpenings: a plan carries its floor's openings.
func TestBuildPlanOpenings(t *testing.T) {
	fl := floorplan.Floor{ID: uuid.New(), BuildingID: uuid.New(), Name: "1F",
		Openings: orb.MultiLineString{{{1, 0}, {2, 0}}}}
	st := &planStore{floor: fl, building: floorplan.Building{ID: fl.BuildingID, Footprint: square(0, 0, 5, 5)}}
	p, err := BuildPlan(context.Background(), st, nil, fl.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Openings) != 1 || !p.Openings[0].Equal(fl.Openings[0]) {
		t.Errorf("openings %v, want %v", p.Openings, fl.Openings)
	}
}
