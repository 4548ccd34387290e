package e2e

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/identity"
	"officemap/floorplan/render"
)

// TestBrowserLean checks the viewer's data path on the demo: choosing a building and switching to its
// largest floor take at most 3 requests each, the floor's under 10 KB on the wire, none of them a tile;
// a revisit costs 304s or nothing; the first room click is one small request for its findings; a
// superseded floor load is aborted; and a floor that times out, or offline a floor, a building or a
// room that cannot be loaded, leaves the previous view whole (level switcher, panel, map, address) with
// a message.
func TestBrowserLean(t *testing.T) {
	s, b := browseDemo(t)

	// The demo's largest floor (its rooms' GeoJSON the largest; the first of equals) and its building.
	all := s.floors(singleUser, crsLonLat)
	var largest sampleFloor
	for _, sf := range all {
		if sf.size > largest.size {
			largest = sf
		}
	}
	big, bigBuilding, bigRooms := largest.floor, largest.building, largest.rooms
	t.Logf("the demo's largest floor: %s %s, %d rooms, %d bytes of GeoJSON uncompressed", bigBuilding.Name, big.Name, len(bigRooms), largest.size)
	var others []floor // the building's other floors, to switch between
	for _, sf := range all {
		if sf.building.ID == bigBuilding.ID && sf.floor.ID != big.ID {
			others = append(others, sf.floor)
		}
	}
	if len(others) < 3 {
		t.Fatalf("the largest floor's building has %d other floors; the test needs 3", len(others))
	}

	// mark is where the record of requests and finished loads stands; since returns what came after.
	mark := func() (int, int) {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.requests), len(b.loads)
	}
	since := func(r, l int) ([]string, []load) {
		b.mu.Lock()
		defer b.mu.Unlock()
		return slices.Clone(b.requests[r:]), slices.Clone(b.loads[l:])
	}
	path := func(u string) string { return strings.TrimPrefix(u, s.URL) }
	// network sets the conditions of every request: offline, or a latency in ms (0: none).
	conditions := func(offline bool, latency float64) {
		t.Helper()
		b.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
				MatchedNetworkConditions: []*network.Conditions{{Offline: offline, Latency: latency, DownloadThroughput: -1, UploadThroughput: -1}}})
			return err
		}))
	}
	floorRequest := func(f floor) string { return s.URL + "/api/v1/floors/" + f.ID + "/rooms" }
	switchTo := func(f floor) {
		t.Helper()
		b.clickSel(fmt.Sprintf(`#levels button[data-floor-id=%q]`, f.ID))
		b.wait("the floor "+f.Name, fmt.Sprintf(`officemap.state().floor?.id === %q`, f.ID))
		b.settle()
	}
	// visitBig switches to the largest floor, fails t if that took over 3 requests (what names the switch)
	// and returns its requests, its finished loads and their bytes on the wire.
	visitBig := func(t *testing.T, what string) ([]string, []load, float64) {
		t.Helper()
		r, l := mark()
		switchTo(big)
		reqs, loads := since(r, l)
		if len(reqs) > 3 {
			t.Errorf("the %s made %d requests, want ≤ 3: %q", what, len(reqs), reqs)
		}
		var bytes float64
		for _, ld := range loads {
			bytes += ld.Bytes
		}
		return reqs, loads, bytes
	}

	b.do(chromedp.Navigate(s.URL + "/"))
	b.settle()

	if !t.Run("choosing a building reads its floors and one floor, nothing else", func(t *testing.T) {
		b.t = t
		r, _ := mark()
		b.click(b.pixelOfBuilding(bigBuilding))
		b.wait("the building", fmt.Sprintf(`officemap.state().building === %q && !!officemap.state().floor`, bigBuilding.ID))
		b.settle()
		reqs, _ := since(r, 0)
		t.Logf("choosing %s: %d requests", bigBuilding.Name, len(reqs))
		if len(reqs) > 3 {
			t.Errorf("choosing a building made %d requests, want ≤ 3: %q", len(reqs), reqs)
		}
		// The map flies to the building meanwhile: no request but the building's floors and the
		// floor's rooms, and no tile.
		for _, u := range reqs {
			p := path(u)
			if p != "/api/v1/buildings/"+bigBuilding.ID+"/floors" && !(strings.HasPrefix(p, "/api/v1/floors/") && strings.HasSuffix(p, "/rooms")) {
				t.Errorf("choosing a building requested %s", p)
			}
		}
	}) {
		return
	}

	if !t.Run("a switch to the largest floor is at most 3 requests and under 10 KB", func(t *testing.T) {
		b.t = t
		if st := b.state(); st.Floor != nil && st.Floor.ID == big.ID {
			switchTo(others[0]) // so that the switch below is a first visit
		}
		reqs, _, bytes := visitBig(t, "floor switch")
		t.Logf("floor switch to %s: %d requests, %.0f bytes on the wire", big.Name, len(reqs), bytes)
		if bytes >= 10*1024 {
			t.Errorf("the floor switch transferred %.0f bytes, want < 10 KB (is the GeoJSON gzipped?)", bytes)
		}
		if !slices.Contains(reqs, floorRequest(big)) {
			t.Errorf("the floor's rooms were not requested: %q", reqs)
		}
		// Every room of the floor is drawn from that one answer.
		want := []string{}
		for _, rm := range bigRooms {
			want = append(want, rm.ID)
		}
		slices.Sort(want)
		b.wait("the floor's rooms on the map", fmt.Sprintf(`JSON.stringify(officemap.renderedRoomIds()) === %q`, mustJSON(want)))
	}) {
		return
	}

	if !t.Run("a revisit is revalidated: 304s or no request", func(t *testing.T) {
		b.t = t
		switchTo(others[0])
		reqs, loads, bytes := visitBig(t, "revisit")
		for _, ld := range loads {
			if ld.Status != http.StatusNotModified {
				t.Errorf("the revisit loaded %s with %d, want 304", path(ld.URL), ld.Status)
			}
		}
		t.Logf("revisit of %s: %d requests, %.0f bytes on the wire", big.Name, len(reqs), bytes)
	}) {
		return
	}

	// An over-standard room of the floor if there is one (it has findings), else any room with a number.
	var target room
	for _, rm := range bigRooms {
		switch {
		case rm.Properties.Number == "":
		case target.ID == "", rm.Properties.Status == "over_standard" && target.Properties.Status != "over_standard":
			target = rm
		}
	}

	if !t.Run("the first room click is one request, for its findings", func(t *testing.T) {
		b.t = t
		r, l := mark()
		b.click(b.pixel(fmt.Sprintf(`officemap.roomPixel(%q)`, target.ID)))
		b.wait("the room card", fmt.Sprintf(`document.querySelector('#card-room')?.dataset.roomId === %q`, target.ID))
		b.settle()
		reqs, loads := since(r, l)
		want := s.URL + "/api/v1/rooms/" + target.ID + "/findings?lang=zh"
		if len(reqs) != 1 || reqs[0] != want {
			t.Errorf("the room click requested %q, want only %s", reqs, want)
		}
		for _, ld := range loads {
			t.Logf("room click: %s %d, %.0f bytes on the wire", path(ld.URL), ld.Status, ld.Bytes)
		}
		// The card shows the findings the endpoint gives, and the room's figures from the floor's GeoJSON.
		var got struct {
			Findings []finding `json:"findings"`
		}
		s.get("/api/v1/rooms/"+target.ID+"/findings?lang=zh", &got)
		text := b.text("#card-room")
		for _, f := range got.Findings {
			if !strings.Contains(text, f.Message) {
				t.Errorf("the card lacks the finding %q", f.Message)
			}
		}
		if got := b.text("#room-area"); got != m2(target.Properties.AreaM2) {
			t.Errorf("area = %q, want %q", got, m2(target.Properties.AreaM2))
		}
		b.clickSel("#card-room .card-head button")
		b.wait("the room closed", `officemap.state().room === null`)
		b.settle()
	}) {
		return
	}

	t.Run("a superseded floor load is aborted", func(t *testing.T) {
		b.t = t
		// A slow network, so that the first load is still on its way when the second is asked for.
		conditions(false, 600)
		b.clickSel(fmt.Sprintf(`#levels button[data-floor-id=%q]`, others[1].ID))
		b.do(chromedp.Sleep(150 * time.Millisecond))
		b.clickSel(fmt.Sprintf(`#levels button[data-floor-id=%q]`, others[2].ID))
		b.wait("the second floor", fmt.Sprintf(`officemap.state().floor?.id === %q`, others[2].ID))
		b.settle()
		conditions(false, 0)
		b.mu.Lock()
		canceled := slices.Clone(b.canceled)
		b.mu.Unlock()
		if !slices.Contains(canceled, floorRequest(others[1])) {
			t.Errorf("the superseded load of %s was not aborted (aborted: %q)", others[1].Name, canceled)
		}
		if got := b.text("#levels button.active"); got != others[2].Name {
			t.Errorf("the level switcher shows %q, want %q", got, others[2].Name)
		}
	})

	// Offline from here: each load fails and must leave the view as it was.
	shown := b.state()
	if shown.Floor == nil {
		t.Fatal("no floor shown")
	}
	var shownRooms rooms
	s.get("/api/v1/floors/"+shown.Floor.ID+"/rooms", &shownRooms)
	var href string
	b.eval(`location.href`, &href)
	unchanged := func(t *testing.T, what string) {
		t.Helper()
		st := b.state()
		if st.Floor == nil || st.Floor.ID != shown.Floor.ID || st.Building != shown.Building || st.Room != "" {
			t.Errorf("after %s the state is %s, want floor %s and no room", what, b.stateJSON(), shown.Floor.Name)
		}
		if got := b.text("#levels button.active"); got != shown.Floor.Name {
			t.Errorf("after %s the level switcher shows %q, want %q", what, got, shown.Floor.Name)
		}
		var pressed []string
		b.eval(`[...document.querySelectorAll('#levels button[aria-pressed="true"]')].map((el) => el.dataset.floorId)`, &pressed)
		if len(pressed) != 1 || pressed[0] != shown.Floor.ID {
			t.Errorf("after %s the pressed levels are %q, want only %s", what, pressed, shown.Floor.ID)
		}
		if got := b.text("#card-floor h3"); !strings.HasPrefix(got, shown.Floor.Name+" ") {
			t.Errorf("after %s the panel shows %q, want floor %s", what, got, shown.Floor.Name)
		}
		var drawn []string
		b.eval(`officemap.renderedRoomIds()`, &drawn)
		ids := map[string]bool{}
		for _, rm := range shownRooms.Features {
			ids[rm.ID] = true
		}
		if len(drawn) == 0 {
			t.Errorf("after %s no room is drawn", what)
		}
		for _, id := range drawn {
			if !ids[id] {
				t.Errorf("after %s the map draws room %s of another floor", what, id)
			}
		}
		var now string
		b.eval(`location.href`, &now)
		if now != href {
			t.Errorf("after %s the address is %s, want %s", what, now, href)
		}
	}
	toastSeen := func(t *testing.T, want string) {
		t.Helper()
		b.wait("the error message", fmt.Sprintf(`[...document.querySelectorAll('#toasts .toast-error')].some((el) => el.textContent.includes(%q))`, want))
		b.eval(`(document.querySelectorAll('#toasts .toast').forEach((el) => el.remove()), true)`, nil)
	}

	t.Run("a floor that does not answer in 20 s times out and leaves the previous floor", func(t *testing.T) {
		b.t = t
		conditions(false, 25000) // the answer would come after the app's 20 s
		start := time.Now()
		b.clickSel(fmt.Sprintf(`#levels button[data-floor-id=%q]`, big.ID))
		toastSeen(t, "服务器 20 秒内没有答复")
		if d := time.Since(start); d < 19*time.Second {
			t.Errorf("the load gave up after %v, before its 20 s", d)
		}
		conditions(false, 0)
		b.settle()
		unchanged(t, "a floor switch that timed out")
	})

	conditions(true, 0)

	t.Run("offline, a floor switch leaves the previous floor with a message", func(t *testing.T) {
		b.t = t
		b.clickSel(fmt.Sprintf(`#levels button[data-floor-id=%q]`, big.ID))
		toastSeen(t, "未能打开楼层 "+big.Name)
		b.settle()
		unchanged(t, "an offline floor switch")
	})

	t.Run("offline, a room's findings that cannot be read leave no card", func(t *testing.T) {
		b.t = t
		var rm room
		for _, x := range shownRooms.Features {
			if x.Properties.Number != "" {
				rm = x
				break
			}
		}
		if rm.ID == "" {
			t.Skip("the floor shown has no numbered room")
		}
		b.clickSel(fmt.Sprintf(`#card-floor button.room-item[data-room-id=%q]`, rm.ID))
		toastSeen(t, "未能读取房间 "+rm.Properties.Number)
		b.settle()
		if b.text("#card-room") != "" {
			t.Error("a room card is shown without its findings")
		}
		unchanged(t, "an offline room click")
	})

	t.Run("offline, another building leaves the previous one with a message", func(t *testing.T) {
		b.t = t
		// The first other building the API lists (each of the sample's has floors, so all holds it).
		i := slices.IndexFunc(all, func(sf sampleFloor) bool { return sf.building.ID != shown.Building })
		if i < 0 {
			t.Fatal("the sample has one building")
		}
		other := all[i].building
		// A link to the other building, followed as an edited address is: the map flies there while
		// its floors load, and back when they cannot; the address is put back to the view shown.
		b.eval(fmt.Sprintf(`(location.hash = %q, true)`, "#/map?b="+other.ID), nil)
		toastSeen(t, "未能打开"+other.Name)
		b.settle()
		b.wait("the address of the view shown", fmt.Sprintf(`location.href === %q`, href))
		unchanged(t, "an offline building choice")
	})

	t.Run("online again, the floor opens", func(t *testing.T) {
		b.t = t
		conditions(false, 0)
		switchTo(big)
		if got := b.text("#levels button.active"); got != big.Name {
			t.Errorf("the level switcher shows %q, want %q", got, big.Name)
		}
	})

	t.Run("no tile request, no other problem", func(t *testing.T) {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, u := range b.requests {
			if strings.Contains(u, "/tiles/") {
				t.Errorf("the app requested a tile: %s", path(u))
			}
		}
		// Offline, loads fail on purpose; nothing else may go wrong.
		for _, p := range b.problems {
			if !strings.Contains(p, "ERR_INTERNET_DISCONNECTED") {
				t.Errorf("browser problem: %s", p)
			}
		}
	})
}

// TestBrowserMapAccess checks the map and the panel for keyboard users and for people who do not tell
// colours apart: the floor's rooms as buttons that open their card with Enter or Space; the focus kept on
// the equivalent element when the panel or the level switcher is rebuilt (a room, a floor, a language,
// a closed card); the levels' labels; the map focusable, panned by the arrows and zoomed by + and -;
// over-standard rooms hatched and idle rooms marked on the map, both in the legend; the status badge's
// text contrast.
func TestBrowserMapAccess(t *testing.T) {
	s, b := browseDemo(t)

	// A floor with an idle room, an over-standard room and a compliant room (the last idle one, the
	// largest of the others), and the last other floor of its building.
	sample := s.floors(singleUser, crsLonLat)
	var bl building
	var fl floor
	var idle, over, ok room
	var all []room
	for _, sf := range sample {
		var i, o, c room
		for _, r := range sf.rooms {
			switch {
			case r.Properties.State == "idle":
				i = r
			case r.Properties.Status == "over_standard" && r.Properties.AreaM2 > o.Properties.AreaM2:
				o = r
			case r.Properties.Status == "compliant" && r.Properties.AreaM2 > c.Properties.AreaM2:
				c = r
			}
		}
		if i.ID != "" && o.ID != "" && c.ID != "" {
			bl, fl, idle, over, ok, all = sf.building, sf.floor, i, o, c, sf.rooms
			break
		}
	}
	if fl.ID == "" {
		t.Fatal("the demo has no floor with an idle, an over-standard and a compliant room")
	}
	var another floor
	for _, sf := range sample {
		if sf.building.ID == bl.ID && sf.floor.ID != fl.ID {
			another = sf.floor
		}
	}
	focused := func() string {
		var k string
		b.eval(`(() => { const a = document.activeElement; if (!a || a === document.body) return 'body';
			return a.dataset.focus || a.id || a.tagName; })()`, &k)
		return k
	}
	// focus puts the keyboard's focus on an element; keys then go to it as typed (chromedp.KeyEvent: a
	// button takes Enter and Space as a click, as it does from a keyboard).
	focus := func(sel string) {
		t.Helper()
		b.eval(fmt.Sprintf(`(document.querySelector(%q).focus(), true)`, sel), nil)
	}

	b.do(chromedp.Navigate(s.URL + "/"))
	b.settle()
	b.openFloor(bl, fl.ID)

	t.Run("levels are labelled and pressed", func(t *testing.T) {
		b.t = t
		var label, pressed string
		b.eval(`document.querySelector('#levels button.active').getAttribute('aria-label')`, &label)
		b.eval(`document.querySelector('#levels button.active').getAttribute('aria-pressed')`, &pressed)
		if label != fl.Name+"，当前楼层" || pressed != "true" {
			t.Errorf("the current level is labelled %q, pressed %q", label, pressed)
		}
	})

	t.Run("the floor's rooms are buttons; Enter and Space open their cards; the focus stays", func(t *testing.T) {
		b.t = t
		var n int
		b.eval(`document.querySelectorAll('#card-floor .room-list button.room-item').length`, &n)
		if n != len(all) {
			t.Errorf("the room list has %d buttons, the floor %d rooms", n, len(all))
		}
		if got := b.text("#room-list-title"); got != "本层房间" {
			t.Errorf("the room list's heading is %q", got)
		}
		btn := func(r room) string { return fmt.Sprintf(`#card-floor button.room-item[data-room-id=%q]`, r.ID) }
		if txt := b.text(btn(over)); !strings.Contains(txt, over.Properties.Number) || !strings.Contains(txt, "超标") {
			t.Errorf("the over-standard room's button reads %q: want its number and its status in words", txt)
		}
		focus(btn(over))
		b.do(chromedp.KeyEvent(kb.Enter))
		b.wait("the room card by Enter", fmt.Sprintf(`document.querySelector('#card-room')?.dataset.roomId === %q`, over.ID))
		b.settle()
		if got := focused(); got != "room:"+over.ID {
			t.Errorf("after the room card opened the focus is on %s, want the room's button", got)
		}
		var current string
		b.eval(fmt.Sprintf(`document.querySelector(%q).getAttribute('aria-current') ?? ''`, btn(over)), &current)
		if current != "true" {
			t.Errorf("the selected room's button has aria-current %q", current)
		}
		focus(btn(ok))
		b.do(chromedp.KeyEvent(" "))
		b.wait("the room card by Space", fmt.Sprintf(`document.querySelector('#card-room')?.dataset.roomId === %q`, ok.ID))
		b.settle()
		if got := focused(); got != "room:"+ok.ID {
			t.Errorf("after Space the focus is on %s, want the room's button", got)
		}
		// A language change rebuilds everything: the focus stays on the same room.
		b.eval(`(document.getElementById('lang').click(), true)`, nil)
		b.wait("English", `officemap.state().lang === 'en' && document.querySelector('#room-list-title')?.textContent === 'Rooms on this floor'`)
		b.settle()
		if got := focused(); got != "room:"+ok.ID {
			t.Errorf("after the language change the focus is on %s, want the room's button", got)
		}
		var mapLabel string
		b.eval(`document.getElementById('map').getAttribute('aria-label')`, &mapLabel)
		if !strings.HasPrefix(mapLabel, "Map") {
			t.Errorf("the map's label in English is %q", mapLabel)
		}
		b.eval(`(document.getElementById('lang').click(), true)`, nil)
		b.wait("Chinese", `officemap.state().lang === 'zh' && document.querySelector('#room-list-title')?.textContent === '本层房间'`)
		b.settle()
		// Closing the card from its button: the focus lands on the room's button in the list.
		focus("#card-room .card-head button")
		b.do(chromedp.KeyEvent(kb.Enter))
		b.wait("the card closed", `officemap.state().room === null && !document.querySelector('#card-room')`)
		b.settle()
		if got := focused(); got != "room:"+ok.ID {
			t.Errorf("after closing the card the focus is on %s, want the room's button", got)
		}
	})

	t.Run("a floor chosen by keyboard keeps the focus on its level", func(t *testing.T) {
		b.t = t
		focus(fmt.Sprintf(`#levels button[data-floor-id=%q]`, another.ID))
		b.do(chromedp.KeyEvent(kb.Enter))
		b.wait("the other floor", fmt.Sprintf(`officemap.state().floor?.id === %q`, another.ID))
		b.settle()
		if got := focused(); got != "level:"+another.ID {
			t.Errorf("after the floor change the focus is on %s, want its level button", got)
		}
		focus(fmt.Sprintf(`#levels button[data-floor-id=%q]`, fl.ID))
		b.do(chromedp.KeyEvent(kb.Enter))
		b.wait("the floor again", fmt.Sprintf(`officemap.state().floor?.id === %q`, fl.ID))
		b.settle()
	})

	t.Run("the map takes the focus, pans with the arrows and zooms with + and -", func(t *testing.T) {
		b.t = t
		var attrs []string
		b.eval(`['tabindex', 'role', 'aria-label'].map((a) => document.getElementById('map').getAttribute(a) ?? '')`, &attrs)
		if attrs[0] != "0" || attrs[1] != "application" || !strings.HasPrefix(attrs[2], "地图") {
			t.Errorf("#map has tabindex %q, role %q, label %q", attrs[0], attrs[1], attrs[2])
		}
		focus("#map")
		var outline string
		b.eval(`getComputedStyle(document.getElementById('map')).outlineStyle`, &outline)
		if outline == "none" {
			t.Error("the focused map shows no focus ring")
		}
		c := centroid(over.Geometry.Coordinates[0])
		at := fmt.Sprintf(`officemap.pixelOf([%v, %v])`, c[0], c[1])
		x0, y0 := b.pixel(at)
		b.key("ArrowRight", 39)
		b.settle()
		x1, y1 := b.pixel(at)
		if x0-x1 < 50 || y1 != y0 {
			t.Errorf("ArrowRight moved the room from (%.0f, %.0f) to (%.0f, %.0f): want it further left", x0, y0, x1, y1)
		}
		far := fmt.Sprintf(`officemap.pixelOf([%v, %v])`, c[0]+0.0005, c[1])
		span := func() float64 {
			a, _ := b.pixel(at)
			z, _ := b.pixel(far)
			return z - a
		}
		before := span()
		b.key("+", 187)
		b.settle()
		if after := span(); after < before*1.5 {
			t.Errorf("+ did not zoom in: %.0f px → %.0f px", before, after)
		}
		before = span()
		b.key("-", 189)
		b.settle()
		if after := span(); after > before/1.5 {
			t.Errorf("- did not zoom out: %.0f px → %.0f px", before, after)
		}
		b.key("ArrowLeft", 37)
		b.settle()
	})

	t.Run("over standard is hatched and idle rooms are marked, on the map and in the legend", func(t *testing.T) {
		b.t = t
		b.clickSel(fmt.Sprintf(`#levels button[data-floor-id=%q]`, another.ID))
		b.wait("the other floor", fmt.Sprintf(`officemap.state().floor?.id === %q`, another.ID))
		b.clickSel(fmt.Sprintf(`#levels button[data-floor-id=%q]`, fl.ID))
		b.wait("the floor", fmt.Sprintf(`officemap.state().floor?.id === %q`, fl.ID))
		b.settle()
		var kinds []string
		b.eval(`[...document.querySelectorAll('#legend li[data-kind]')].map((li) => li.dataset.kind + ':' + li.textContent)`, &kinds)
		if !slices.Contains(kinds, "over:超标（斜线）") || !slices.Contains(kinds, "idle:闲置房间（圆圈标记）") {
			t.Errorf("the legend's marked entries are %q, want the hatching and the idle marker", kinds)
		}
		var hatch string
		b.eval(`getComputedStyle(document.querySelector('#legend li[data-kind="over"] .swatch')).backgroundImage`, &hatch)
		if !strings.Contains(hatch, "repeating-linear-gradient") {
			t.Errorf("the legend's over-standard swatch is not hatched: %q", hatch)
		}
		var off []float64
		b.eval(`(() => { const r = document.getElementById('map').getBoundingClientRect(); return [r.left, r.top]; })()`, &off)
		polygon := func(r room) orb.Polygon {
			var px [][]float64
			b.eval(fmt.Sprintf(`%s.map((p) => officemap.pixelOf(p))`, mustJSON(r.Geometry.Coordinates[0])), &px)
			ring := orb.Ring{}
			for _, p := range px {
				ring = append(ring, orb.Point{p[0] + off[0], p[1] + off[1]})
			}
			return orb.Polygon{ring}
		}
		im := b.screen()
		// The share of a room's pixels that are much darker than its fill: the hatching's lines (and the
		// label, a few pixels).
		dark := func(r room) float64 {
			counts, n := colourCounts(im, polygon(r))
			fill := blend(render.StatusColor(floorplan.RoomStatus(r.Properties.Status)), 0.85)
			lum := func(c color.NRGBA) int { return int(c.R)*2126/10000 + int(c.G)*7152/10000 + int(c.B)*722/10000 }
			k := 0
			for c, m := range counts {
				if lum(c) < lum(fill)-40 {
					k += m
				}
			}
			if n == 0 {
				return 0
			}
			return float64(k) / float64(n)
		}
		o, c := dark(over), dark(ok)
		t.Logf("dark pixels: over standard %.0f %%, compliant %.0f %%", 100*o, 100*c)
		if o < 0.12 || o < 2*c {
			t.Errorf("the over-standard room is not hatched: %.0f %% dark pixels, the compliant room %.0f %%", 100*o, 100*c)
		}
		// The idle marker: a dark ring above the room's label point, which rooms in use do not have.
		ring := func(r room) int {
			x, y := b.pixel(fmt.Sprintf(`officemap.roomPixel(%q)`, r.ID))
			n := 0
			for dy := -19; dy <= -8; dy++ {
				for dx := -6; dx <= 6; dx++ {
					cr, cg, cb, _ := im.At(int(x)+dx, int(y)+dy).RGBA()
					if cr>>8 < 80 && cg>>8 < 80 && cb>>8 < 80 {
						n++
					}
				}
			}
			return n
		}
		x, y := b.pixel(fmt.Sprintf(`officemap.roomPixel(%q)`, idle.ID))
		cr, cg, cb, _ := im.At(int(x), int(y)-13).RGBA()
		if n := ring(idle); n < 6 || cr>>8 < 235 || cg>>8 < 235 || cb>>8 < 235 {
			t.Errorf("the idle room %s has no marker: %d dark pixels around, the centre %d,%d,%d", idle.Properties.Number, n, cr>>8, cg>>8, cb>>8)
		}
		b.extraShot("hatch-and-idle.png")
	})

	t.Run("the status badge's text contrasts at least 4.5:1", func(t *testing.T) {
		b.t = t
		for _, r := range []room{over, ok} {
			b.clickSel(fmt.Sprintf(`#card-floor button.room-item[data-room-id=%q]`, r.ID))
			b.wait("the room card", fmt.Sprintf(`document.querySelector('#card-room')?.dataset.roomId === %q`, r.ID))
			var cs []string
			b.eval(`(() => { const s = getComputedStyle(document.getElementById('room-status')); return [s.color, s.backgroundColor]; })()`, &cs)
			if got := contrastOf(t, cs[0], cs[1]); got < 4.5 {
				t.Errorf("%s: the badge's text %s on %s is %.2f:1", r.Properties.Status, cs[0], cs[1], got)
			}
		}
	})
}

// contrastOf is the WCAG 2.1 contrast ratio of two CSS rgb() colours.
func contrastOf(t *testing.T, a, b string) float64 {
	t.Helper()
	lum := func(css string) float64 {
		var r, g, bl float64
		if _, err := fmt.Sscanf(css, "rgb(%g, %g, %g)", &r, &g, &bl); err != nil {
			t.Fatalf("colour %q: %v", css, err)
		}
		lin := func(v float64) float64 {
			v /= 255
			if v <= 0.03928 {
				return v / 12.92
			}
			return math.Pow((v+0.055)/1.055, 2.4)
		}
		return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(bl)
	}
	x, y := lum(a), lum(b)
	if x < y {
		x, y = y, x
	}
	return (x + 0.05) / (y + 0.05)
}

// TestBrowserLeanAccounts: with accounts on the API says no-store, so the browser's disk cache keeps nothing
// of the register; the app's own memory still makes a floor's revisit a 304 (If-None-Match set by the page),
// and the floor drawn from that memory is the floor's rooms.
func TestBrowserLeanAccounts(t *testing.T) {
	chromium(t)
	s, _, token := serveUser(t, "planner", identity.RolePlanner, plannerPassword)
	// A building with two floors of rooms, as the planner sees it: its first two.
	bl, withRooms := floorsWith(s.floors(token, crsLonLat), func(room) bool { return true })
	if bl.ID == "" {
		t.Fatal("the sample has no building with two floors of rooms")
	}
	a, other := withRooms[0].floor, withRooms[1].floor

	b := openBrowser(t, s.URL)
	b.do(chromedp.Navigate(s.URL + "/"))
	b.wait("the sign-in page", `window.officemap && officemap.state().page === 'signin' && officemap.state().ready`)
	b.signIn("planner", plannerPassword)
	b.inApp()
	b.do(chromedp.Navigate(fmt.Sprintf("%s/#/map?b=%s&f=%s", s.URL, bl.ID, a.ID)))
	b.wait("the first floor", fmt.Sprintf(`officemap.state().floor?.id === %q`, a.ID))
	b.settle()
	b.clickSel(fmt.Sprintf(`#levels button[data-floor-id=%q]`, other.ID))
	b.wait("the other floor", fmt.Sprintf(`officemap.state().floor?.id === %q`, other.ID))
	b.settle()

	b.mu.Lock()
	from := len(b.loads)
	b.mu.Unlock()
	b.clickSel(fmt.Sprintf(`#levels button[data-floor-id=%q]`, a.ID))
	b.wait("the first floor again", fmt.Sprintf(`officemap.state().floor?.id === %q`, a.ID))
	b.settle()
	b.mu.Lock()
	loads := slices.Clone(b.loads[from:])
	b.mu.Unlock()
	want := s.URL + "/api/v1/floors/" + a.ID + "/rooms"
	found := false
	for _, ld := range loads {
		if ld.URL == want {
			found = true
			if ld.Status != http.StatusNotModified {
				t.Errorf("the revisit of the floor answered %d, want 304 (from the page's memory)", ld.Status)
			}
		}
	}
	if !found {
		t.Errorf("the revisit did not ask the server again (no-store: it must revalidate): %v", loads)
	}
	var ids []string
	for _, r := range withRooms[0].rooms {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	b.wait("the floor's rooms drawn from memory", fmt.Sprintf(`JSON.stringify(officemap.renderedRoomIds()) === %q`, mustJSON(ids)))
}
