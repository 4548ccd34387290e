package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan"
	"officemap/floorplan/identity"
	"officemap/floorplan/imports/importtest"
	"officemap/floorplan/render"
)

// The import page: a planner imports a real CAD drawing (Microsoft's Contoso ground floor) through the
// page — the origin picked on its map, a dry run, the import — and the app lands on the new building
// with its rooms drawn in their statuses' colours.

// contosoGround is the real drawing the test imports (../shared/data, as the importers' tests read it).
const contosoGround = "cad/contoso/dxf/contoso_v1_Ground.dxf"

// grenoble is a real OSM file with problems: a room drawn as an unclosed way, one without a level.
const grenoble = "osm/grenoble-caserne-de-bonne/caserne.osm"

// gdalCount counts the features of a DXF layer with GDAL's ogrinfo, an independent reader: the rooms
// the import must bring in. Without GDAL it fails in CI and returns -1 elsewhere.
func gdalCount(t *testing.T, path, layer string) int {
	t.Helper()
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogrinfo (gdal-bin) is needed as the oracle of the DXF's rooms")
		}
		return -1
	}
	out, err := exec.Command("ogrinfo", "-ro", "-q", "-sql",
		fmt.Sprintf("SELECT COUNT(*) AS n FROM entities WHERE Layer = '%s'", layer), path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`n \(Integer\) = (\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("ogrinfo gave no count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// postFile posts a file as the body of an API request with a token, asking for Chinese, and returns the
// status and the body of the answer.
func (s *server) postFile(token, path, file string) (int, []byte) {
	s.t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		s.t.Fatal(err)
	}
	status, _, body := s.do(http.MethodPost, path, data, map[string]string{"Authorization": "Bearer " + token,
		"Accept-Language": "zh-CN", "Content-Type": "application/octet-stream"})
	return status, body
}

// footprintOf decodes a building's lon/lat footprint (nil when it has none).
func footprintOf(t *testing.T, bl building) orb.Polygon {
	t.Helper()
	if len(bl.Footprint) == 0 || string(bl.Footprint) == "null" {
		return nil
	}
	var fp struct{ Coordinates [][][2]float64 }
	if err := json.Unmarshal(bl.Footprint, &fp); err != nil {
		t.Fatal(err)
	}
	var poly orb.Polygon
	for _, r := range fp.Coordinates {
		ring := orb.Ring{}
		for _, p := range r {
			ring = append(ring, orb.Point{p[0], p[1]})
		}
		poly = append(poly, ring)
	}
	return poly
}

// freeSpot finds a position on the import page's map at least minDist metres from every vertex of the
// buildings, and at least 40 px inside the map: where a new building may land without covering one.
func (b *browser) freeSpot(buildings []orb.Polygon, minDist float64) (orb.Point, [2]float64) {
	b.t.Helper()
	var size []float64
	b.eval(`(() => { const r = document.getElementById('import-map').getBoundingClientRect(); return [r.width, r.height]; })()`, &size)
	bound := orb.Bound{Min: orb.Point{180, 90}, Max: orb.Point{-180, -90}}
	for _, p := range buildings {
		bound = bound.Union(p.Bound())
	}
	for i := 0; i <= 8; i++ {
		for j := 0; j <= 8; j++ {
			pt := orb.Point{bound.Min[0] - 0.01 + (bound.Max[0]-bound.Min[0]+0.02)*float64(i)/8,
				bound.Min[1] - 0.01 + (bound.Max[1]-bound.Min[1]+0.02)*float64(j)/8}
			near := false
			for _, p := range buildings {
				for _, v := range p[0] {
					near = near || geo.Distance(pt, v) < minDist
				}
			}
			if near {
				continue
			}
			var px []float64
			b.eval(fmt.Sprintf(`officemap.importPixelOf([%v, %v])`, pt[0], pt[1]), &px)
			if len(px) == 2 && px[0] > 40 && px[1] > 40 && px[0] < size[0]-40 && px[1] < size[1]-40 {
				return pt, [2]float64{px[0], px[1]}
			}
		}
	}
	b.t.Fatalf("no spot on the import map %.0f m from every building", minDist)
	return orb.Point{}, [2]float64{}
}

// screen captures the page as an image (one pixel per CSS pixel: the viewport is not scaled).
func (b *browser) screen() image.Image {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	im, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		b.t.Fatal(err)
	}
	if im.Bounds().Dx() != 1400 {
		b.t.Fatalf("the screenshot is %d px wide, want 1400 (one pixel per CSS pixel)", im.Bounds().Dx())
	}
	return im
}

// blend is colour c drawn with opacity a over white, as the map's canvas composites a room's fill.
func blend(c color.NRGBA, a float64) color.NRGBA {
	mix := func(v uint8) uint8 { return uint8(math.Round(float64(v)*a + 255*(1-a))) }
	return color.NRGBA{mix(c.R), mix(c.G), mix(c.B), 0xff}
}

// close reports whether two colours differ by at most tol in each channel.
func closeTo(a, b color.NRGBA, tol int) bool {
	d := func(x, y uint8) bool { return int(x)-int(y) <= tol && int(y)-int(x) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}

// colourCounts counts the colours of the screen pixels inside poly (page pixels) at least 3 px from
// its edges; n is how many pixels were looked at.
func colourCounts(im image.Image, poly orb.Polygon) (counts map[color.NRGBA]int, n int) {
	counts = map[color.NRGBA]int{}
	bd := poly.Bound()
	for y := math.Floor(bd.Min[1]); y <= bd.Max[1]; y++ {
		for x := math.Floor(bd.Min[0]); x <= bd.Max[0]; x++ {
			pt := orb.Point{x + 0.5, y + 0.5}
			if !planar.PolygonContains(poly, pt) || planar.DistanceFrom(poly[0], pt) < 3 {
				continue
			}
			r, g, b, _ := im.At(int(x), int(y)).RGBA()
			counts[color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}]++
			n++
		}
	}
	return counts, n
}

// dominantColor is the most frequent colour of the screen pixels inside poly (see colourCounts), and
// how many pixels were looked at.
func dominantColor(im image.Image, poly orb.Polygon) (color.NRGBA, int) {
	counts, n := colourCounts(im, poly)
	var best color.NRGBA
	for c, k := range counts {
		if k > counts[best] {
			best = c
		}
	}
	return best, n
}

// TestBrowserImport signs in as a planner, imports the Contoso ground floor through the import page
// and checks that the app lands on the new building with its rooms coloured; a viewer has no import page.
func TestBrowserImport(t *testing.T) {
	chromium(t)
	dxf := importtest.SharedData(t, contosoGround)
	wantRooms := gdalCount(t, dxf, "UNITS")
	s, svc, token := serveUser(t, "planner", identity.RolePlanner, plannerPassword)
	if _, _, err := svc.AddUser(context.Background(), "viewer", []identity.Grant{{Role: identity.RoleViewer}}, viewerPassword); err != nil {
		t.Fatal(err)
	}
	var before []building
	s.getAs(token, "/api/v1/buildings", &before)
	var demo []orb.Polygon
	for _, bl := range before {
		if fp := footprintOf(t, bl); fp != nil {
			demo = append(demo, fp)
		}
	}

	b := openBrowser(t, s.URL)
	var origin orb.Point

	if !t.Run("the planner picks the origin on the map and runs a dry run", func(t *testing.T) {
		b.t = t
		b.signInAt(s.URL+"/", "planner", plannerPassword)
		if !b.visible(`[data-tab="import"]`) || b.text(`[data-tab="import"]`) != "导入" {
			t.Fatalf("the planner has no 导入 tab")
		}
		b.clickSel(`[data-tab="import"]`)
		b.wait("the import page", `officemap.state().tab === 'import' && !!document.querySelector('#import-form') && !!officemap.importPixelOf([0, 0])`)
		b.settle()
		if got := b.text("#import-dry-run"); got != "试导入（不写入）" {
			t.Errorf("dry-run button %q (zh-CN first)", got)
		}
		// The origin: a click on the page's map, well away from the demo's buildings.
		spot, px := b.freeSpot(demo, 800)
		var off []float64
		b.eval(`(() => { const r = document.getElementById('import-map').getBoundingClientRect(); return [r.left, r.top]; })()`, &off)
		b.click(px[0]+off[0], px[1]+off[1])
		b.wait("the origin from the click", `document.querySelector('#import-lon').value !== '' && document.querySelector('#import-lat').value !== ''`)
		var ll []string
		b.eval(`[document.querySelector('#import-lon').value, document.querySelector('#import-lat').value]`, &ll)
		lon, _ := strconv.ParseFloat(ll[0], 64)
		lat, _ := strconv.ParseFloat(ll[1], 64)
		origin = orb.Point{lon, lat}
		if d := geo.Distance(origin, spot); d > 30 {
			t.Errorf("the click set the origin %v, %.0f m from where it was clicked (%v)", origin, d, spot)
		}
		// The import button waits for a dry run; the file chooses the format.
		var disabled bool
		b.eval(`document.querySelector('#import-run').disabled`, &disabled)
		if !disabled {
			t.Error("the import button is offered before a dry run")
		}
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{dxf}))
		b.wait("the format from the file's name", `document.querySelector('#import-format').value === 'dxf'`)
		b.typeText("#import-level", "0")
		b.clickSel("#import-dry-run")
		b.wait("the dry run's summary", `document.querySelector('#import-summary')?.dataset.dryRun === 'true' && !officemap.state().busy`)
		b.extraShot("import-dry-run.png")
		var after []building
		s.getAs(token, "/api/v1/buildings", &after)
		if len(after) != len(before) {
			t.Fatalf("the dry run wrote buildings: %d, then %d", len(before), len(after))
		}
		// The page shows what the server answers to the same dry run.
		var sum struct {
			Rooms struct{ Created int } `json:"rooms"`
			Notes []string              `json:"notes"`
		}
		status, body := s.postFile(token, fmt.Sprintf("/api/v1/imports/dxf?dry_run=true&level=0&origin=%s,%s&filename=contoso_v1_Ground.dxf", ll[0], ll[1]), dxf)
		if status != http.StatusOK {
			t.Fatalf("the API's dry run: %d %s", status, body)
		}
		_ = json.Unmarshal(body, &sum)
		if wantRooms >= 0 && sum.Rooms.Created != wantRooms {
			t.Errorf("the dry run would create %d rooms; GDAL reads %d on layer UNITS", sum.Rooms.Created, wantRooms)
		}
		if got := b.text("#import-counts tbody tr:nth-child(3) td:nth-child(2)"); got != strconv.Itoa(sum.Rooms.Created) {
			t.Errorf("the page says %q rooms would be created, the API %d", got, sum.Rooms.Created)
		}
		notes := b.text("#import-summary")
		for _, n := range sum.Notes {
			if !strings.Contains(notes, n) {
				t.Errorf("the page lacks the note %q", n)
			}
		}
		b.eval(`document.querySelector('#import-run').disabled`, &disabled)
		if disabled {
			t.Fatal("the import button stays disabled after a dry run")
		}
	}) {
		return
	}

	if !t.Run("the import lands on the new building with its rooms coloured", func(t *testing.T) {
		b.t = t
		b.clickSel("#import-run")
		b.wait("the map on the new building", `officemap.state().tab === 'map' && !!officemap.state().building && !!officemap.state().floor`)
		b.settle()
		var after []building
		s.getAs(token, "/api/v1/buildings", &after)
		var added []building
		for _, bl := range after {
			if !slices.ContainsFunc(before, func(o building) bool { return o.ID == bl.ID }) {
				added = append(added, bl)
			}
		}
		if len(added) != 1 {
			t.Fatalf("the import added %d buildings, want 1", len(added))
		}
		nb := added[0]
		st := b.state()
		if st.Building != nb.ID {
			t.Fatalf("the selected building is %s, want the new one %s (%s)", st.Building, nb.ID, nb.Name)
		}
		fp := footprintOf(t, nb)
		if fp == nil {
			t.Fatalf("the new building %s has no footprint: it cannot be seen on the map", nb.Name)
		}
		// The view contains the whole footprint.
		var size []float64
		b.eval(`(() => { const r = document.getElementById('map').getBoundingClientRect(); return [r.width, r.height]; })()`, &size)
		for _, v := range fp[0] {
			var px []float64
			b.eval(fmt.Sprintf(`officemap.pixelOf([%v, %v])`, v[0], v[1]), &px)
			if px[0] < 0 || px[1] < 0 || px[0] > size[0] || px[1] > size[1] {
				t.Errorf("footprint vertex %v is at %v, outside the map's %v", v, px, size)
			}
		}
		if d := geo.Distance(origin, fp.Bound().Center()); d > 500 {
			t.Errorf("the building's centre is %.0f m from the origin picked", d)
		}

		// Every room of the floor shown is drawn, each in its status's colour.
		var fc struct {
			Features []room `json:"features"`
			Openings *struct {
				Coordinates [][][2]float64 `json:"coordinates"`
			} `json:"openings"`
		}
		s.getAs(token, "/api/v1/floors/"+st.Floor.ID+"/rooms", &fc)
		if wantRooms >= 0 && len(fc.Features) != wantRooms {
			t.Errorf("the floor has %d rooms, GDAL reads %d", len(fc.Features), wantRooms)
		}
		var ids []string
		for _, r := range fc.Features {
			ids = append(ids, r.ID)
		}
		slices.Sort(ids)
		b.wait("every room drawn", fmt.Sprintf(`JSON.stringify(officemap.renderedRoomIds()) === %q`, mustJSON(ids)))
		if fc.Openings != nil {
			var drawn int
			b.eval(`officemap.state().openings`, &drawn)
			if drawn != len(fc.Openings.Coordinates) {
				t.Errorf("%d doors drawn, the floor has %d", drawn, len(fc.Openings.Coordinates))
			}
		}
		b.settle()
		b.screenshot("import-landed.png")
		checkRoomColours(t, b, fc.Features)
	}) {
		return
	}

	if !t.Run("a file with problems: refused with them, then a dry run that skips them", func(t *testing.T) {
		b.t = t
		osm := importtest.SharedData(t, grenoble)
		b.clickSel(`[data-tab="import"]`)
		b.wait("the import page", `officemap.state().tab === 'import'`)
		b.eval(`(() => { for (const id of ['import-lon', 'import-lat', 'import-level']) {
			const el = document.getElementById(id); el.value = ''; el.dispatchEvent(new Event('input', {bubbles: true})); } return true; })()`, nil)
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{osm}))
		b.wait("the format from the file's name", `document.querySelector('#import-format').value === 'osm'`)
		var api struct {
			Error struct {
				Problems []struct{ Reason string } `json:"problems"`
			} `json:"error"`
			Skipped []struct{ Reason string } `json:"skipped"`
			Notes   []string                  `json:"notes"`
		}
		status, body := s.postFile(token, "/api/v1/imports/osm?dry_run=true&filename=caserne.osm", osm)
		_ = json.Unmarshal(body, &api)
		b.clickSel("#import-dry-run")
		b.wait("the answer", `!!document.querySelector('#import-error, #import-summary') && !officemap.state().busy`)
		rows := func(sel string) int {
			var n int
			b.eval(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n)
			return n
		}
		page := b.text("#import-result")
		if status == http.StatusUnprocessableEntity {
			if n := rows("#import-problems tbody tr"); n != len(api.Error.Problems) || n == 0 {
				t.Errorf("the page lists %d problems, the API %d", n, len(api.Error.Problems))
			}
			for _, p := range api.Error.Problems {
				if !strings.Contains(page, p.Reason) {
					t.Errorf("the page lacks the problem %q", p.Reason)
				}
			}
		} else if status != http.StatusOK {
			t.Fatalf("the API's dry run of %s: %d %s", grenoble, status, body)
		}
		b.clickSel("#import-skip-invalid")
		b.clickSel("#import-dry-run")
		b.wait("the dry run's summary", `document.querySelector('#import-summary')?.dataset.dryRun === 'true' && !officemap.state().busy`)
		status, body = s.postFile(token, "/api/v1/imports/osm?dry_run=true&skip_invalid=true&filename=caserne.osm", osm)
		if status != http.StatusOK {
			t.Fatalf("the API's dry run with skip_invalid: %d %s", status, body)
		}
		_ = json.Unmarshal(body, &api)
		if len(api.Skipped)+len(api.Notes) == 0 {
			t.Fatalf("%s has an unclosed way and a room without a level, yet nothing is skipped or noted", grenoble)
		}
		if n := rows("#import-skipped tbody tr"); n != len(api.Skipped) {
			t.Errorf("the page lists %d skipped rooms, the API %d", n, len(api.Skipped))
		}
		page = b.text("#import-result")
		for _, p := range api.Skipped {
			if !strings.Contains(page, p.Reason) {
				t.Errorf("the page lacks the reason %q", p.Reason)
			}
		}
		for _, n := range api.Notes {
			if !strings.Contains(page, n) {
				t.Errorf("the page lacks the note %q", n)
			}
		}
		b.extraShot("import-skipped.png")
	}) {
		return
	}

	t.Run("English, and no import page for a viewer", func(t *testing.T) {
		b.t = t
		b.clickSel("#lang")
		b.wait("English", `document.querySelector('#import-dry-run').textContent === 'Dry run (writes nothing)'`)
		if got := b.text("#import-summary h3"); got != "Dry run (nothing written)" {
			t.Errorf("the summary's heading %q after switching to English", got)
		}
		b.clickSel("#lang")
		b.signOut()
		b.signIn("viewer", viewerPassword)
		b.inApp()
		b.noTab(s.URL, "import")
	})
	b.checkClean(t, s.URL, func(st string) bool {
		return st == "401 GET /api/v1/me" || strings.HasPrefix(st, "422 POST /api/v1/imports/osm?")
	})
}

// checkRoomColours compares, on a screenshot, the colour of each room of the floor shown with its
// status's colour in the server's palette (render.StatusColor) as the map draws it, at 85 % over the
// floor's white; a void is hatched instead. Rooms too small to sample on screen are left out.
func checkRoomColours(t *testing.T, b *browser, rooms []room) {
	t.Helper()
	var rings [][][2]float64
	for _, r := range rooms {
		rings = append(rings, r.Geometry.Coordinates[0])
	}
	var off []float64
	b.eval(`(() => { const r = document.getElementById('map').getBoundingClientRect(); return [r.left, r.top]; })()`, &off)
	var px [][][]float64
	b.eval(fmt.Sprintf(`%s.map((ring) => ring.map((p) => officemap.pixelOf(p)))`, mustJSON(rings)), &px)
	im := b.screen()
	checked := 0
	for i, r := range rooms {
		ring := orb.Ring{}
		for _, p := range px[i] {
			ring = append(ring, orb.Point{p[0] + off[0], p[1] + off[1]})
		}
		got, n := dominantColor(im, orb.Polygon{ring})
		if n < 40 {
			continue
		}
		checked++
		want := blend(render.StatusColor(floorplan.RoomStatus(r.Properties.Status)), 0.85)
		if r.Properties.Usage == string(floorplan.UsageVoid) {
			if closeTo(got, want, 4) {
				t.Errorf("void %s is filled like a room", r.Properties.Number)
			}
			continue
		}
		if !closeTo(got, want, 4) {
			t.Errorf("room %s (%s): drawn %v, want %s at 85%% = %v", r.Properties.Number, r.Properties.Status, got,
				render.Hex(render.StatusColor(floorplan.RoomStatus(r.Properties.Status))), want)
		}
	}
	if checked < len(rooms)/2 {
		t.Errorf("only %d of %d rooms were large enough on screen to check their colour", checked, len(rooms))
	}
	t.Logf("room colours checked on screen: %d of %d rooms", checked, len(rooms))
}
