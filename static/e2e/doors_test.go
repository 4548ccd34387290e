package e2e

import (
	"context"
	"fmt"
	"image/color"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/render"
)

// openingInk is the colour the app and the plans draw doors in (src/colors.js OPENING_COLOR).
var openingInk = color.NRGBA{0x8c, 0x51, 0x0a, 0xff}

// middleThird is the middle third of the longest edge of a ring: a door in that wall.
func middleThird(ring [][2]float64) orb.LineString {
	var a, b orb.Point
	for i := 0; i+1 < len(ring); i++ {
		p, q := orb.Point(ring[i]), orb.Point(ring[i+1])
		if planar.Distance(p, q) > planar.Distance(a, b) {
			a, b = p, q
		}
	}
	at := func(f float64) orb.Point { return orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])} }
	return orb.LineString{at(1.0 / 3), at(2.0 / 3)}
}

// TestBrowserDoorsAndVoids: a floor's doors, stored with the floor as an import writes them, are drawn
// over its rooms in the viewer (in the doors' colour, where the API puts them) and in the editor; a
// room made a void is drawn pale and hatched, not in its status's colour.
func TestBrowserDoorsAndVoids(t *testing.T) {
	chromium(t)
	store := sampleStore(t)
	s := serve(t, api.Deps{Store: store})
	ctx := context.Background()

	// A floor of the sample with at least four rooms without occupants.
	var (
		bl    building
		fl    floor
		local []room
	)
	for _, sf := range s.floors(singleUser, crsLocal) {
		empty := 0
		for _, r := range sf.rooms {
			if len(r.Properties.Occupants) == 0 {
				empty++
			}
		}
		if empty >= 4 {
			bl, fl, local = sf.building, sf.floor, sf.rooms
			break
		}
	}
	if fl.ID == "" {
		t.Fatal("the sample has no floor with four empty rooms")
	}
	// Doors in three empty rooms' longest walls (the sample's local unit is the metre); a fourth room
	// becomes a void.
	var doors orb.MultiLineString
	var void room
	for _, r := range local {
		switch {
		case len(r.Properties.Occupants) > 0:
		case len(doors) < 3:
			doors = append(doors, middleThird(r.Geometry.Coordinates[0]))
		case void.ID == "":
			void = r
		}
	}
	f, err := store.Floor(ctx, uuid.MustParse(fl.ID))
	if err != nil {
		t.Fatal(err)
	}
	f.Openings = doors
	if err := store.UpdateFloor(ctx, &f); err != nil {
		t.Fatalf("storing the doors: %v", err)
	}
	_, etag, _ := s.do(http.MethodGet, "/api/v1/rooms/"+void.ID, nil, nil)
	if status, _, body := s.do(http.MethodPatch, "/api/v1/rooms/"+void.ID, map[string]any{"properties": map[string]any{"usage": "void"}},
		map[string]string{"If-Match": etag, "Content-Type": "application/merge-patch+json"}); status != http.StatusOK {
		t.Fatalf("making room %s a void: %d %s", void.Properties.Number, status, body)
	}

	var fc struct {
		Features []room `json:"features"`
		Openings *struct {
			Coordinates [][][2]float64 `json:"coordinates"`
		} `json:"openings"`
	}
	s.get("/api/v1/floors/"+fl.ID+"/rooms", &fc)
	if fc.Openings == nil || len(fc.Openings.Coordinates) != len(doors) {
		t.Fatalf("the floor's rooms carry openings %+v, want %d doors", fc.Openings, len(doors))
	}

	b := openBrowser(t, s.URL)
	b.do(chromedp.Navigate(s.URL + "/"))
	b.settle()
	b.openFloor(bl, fl.ID)
	b.wait("the doors drawn", fmt.Sprintf(`officemap.state().openings === %d`, len(doors)))
	b.settle()
	b.extraShot("doors-and-void.png")
	im := b.screen()
	var off []float64
	b.eval(`(() => { const r = document.getElementById('map').getBoundingClientRect(); return [r.left, r.top]; })()`, &off)
	for i, d := range fc.Openings.Coordinates {
		mid := [2]float64{(d[0][0] + d[1][0]) / 2, (d[0][1] + d[1][1]) / 2}
		var px []float64
		b.eval(fmt.Sprintf(`officemap.pixelOf([%v, %v])`, mid[0], mid[1]), &px)
		r, g, bl, _ := im.At(int(px[0]+off[0]), int(px[1]+off[1])).RGBA()
		if got := (color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 0xff}); !closeTo(got, openingInk, 24) {
			t.Errorf("door %d: the pixel at its middle is %v, want the doors' %s", i, got, render.Hex(openingInk))
		}
	}

	// The void: no pixel of it in its status's colour, and hatched (two inks, each a good part of it).
	var rings [][][2]float64
	for _, r := range fc.Features {
		if r.ID == void.ID {
			rings = append(rings, r.Geometry.Coordinates[0])
		}
	}
	var px [][][]float64
	b.eval(fmt.Sprintf(`%s.map((ring) => ring.map((p) => officemap.pixelOf(p)))`, mustJSON(rings)), &px)
	ring := orb.Ring{}
	for _, p := range px[0] {
		ring = append(ring, orb.Point{p[0] + off[0], p[1] + off[1]})
	}
	counts, n := colourCounts(im, orb.Polygon{ring})
	var status string
	for _, r := range fc.Features {
		if r.ID == void.ID {
			status = r.Properties.Status
		}
	}
	roomLike := blend(render.StatusColor(floorplan.RoomStatus(status)), 0.85)
	pale, ink := 0, 0
	for c, k := range counts {
		switch {
		case closeTo(c, roomLike, 4):
			t.Errorf("the void has %d pixels in its status's colour %v", k, roomLike)
		case closeTo(c, color.NRGBA{0xf7, 0xf7, 0xf7, 0xff}, 6):
			pale += k
		case c.R < 0xd0 && closeTo(c, color.NRGBA{c.R, c.R, c.R, 0xff}, 8):
			ink += k
		}
	}
	if n < 100 || pale < n/3 || ink < n/20 {
		t.Errorf("the void (%d px): %d pale and %d hatching pixels, want it pale and hatched", n, pale, ink)
	}

	// The editor draws the doors too.
	b.clickSel("#edit-floor")
	b.wait("the doors in the editor", fmt.Sprintf(`officemap.state().editing && officemap.state().openings === %d`, len(doors)))
	b.checkClean(t, s.URL, func(st string) bool { return st == "404 GET /api/v1/me" })
}
