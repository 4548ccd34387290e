package e2e

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// wallPair is two rooms of one floor that share a wall [P, Q] (consecutive corners of both rings, on
// which no other room has a corner), and a third room of that floor.
type wallPair struct {
	floor        floor
	building     string
	a, b, x      room // a and b share the wall; x is another room
	wallP, wallQ [2]float64
}

// findWall finds, on any floor of the sample, two numbered rooms sharing a plain wall and a third one.
func findWall(t *testing.T, s *server) wallPair {
	t.Helper()
	for _, sf := range s.floors(singleUser, crsLocal) {
		if len(sf.rooms) < 3 {
			continue
		}
		for i, a := range sf.rooms {
			for j, b := range sf.rooms {
				if i == j || a.Properties.Number == "" || b.Properties.Number == "" {
					continue
				}
				if p, q, ok := sharedWall(a, b, sf.rooms); ok {
					for _, x := range sf.rooms {
						if x.ID != a.ID && x.ID != b.ID && x.Properties.Number != "" {
							return wallPair{floor: sf.floor, building: sf.building.ID, a: a, b: b, x: x, wallP: p, wallQ: q}
						}
					}
				}
			}
		}
	}
	t.Fatal("no floor of the sample has two rooms sharing a plain wall and a third room")
	return wallPair{}
}

// sharedWall finds an edge of a that is an edge of b, at least 2 m long, with no corner of any room
// strictly inside it (a T-junction there would be noded by the editor and move with the wall).
func sharedWall(a, b room, all []room) (p, q [2]float64, ok bool) {
	ra, rb := a.Geometry.Coordinates[0], b.Geometry.Coordinates[0]
	for i := 0; i+1 < len(ra); i++ {
		p, q = ra[i], ra[i+1]
		if math.Hypot(q[0]-p[0], q[1]-p[1]) < 2 {
			continue
		}
		shared := false
		for k := 0; k+1 < len(rb); k++ {
			if (rb[k] == p && rb[k+1] == q) || (rb[k] == q && rb[k+1] == p) {
				shared = true
			}
		}
		if !shared {
			continue
		}
		clear := true
		for _, r := range all {
			for _, v := range r.Geometry.Coordinates[0] {
				if onSegment(v, p, q) {
					clear = false
				}
			}
		}
		if clear {
			return p, q, true
		}
	}
	return p, q, false
}

// editorState is what the tests read of officemap.state().editor.
type editorState struct {
	Unsaved  int       `json:"unsaved"`
	DirtyIDs []*string `json:"dirtyIds"`
	Undo     int       `json:"undo"`
	Asking   bool      `json:"asking"`
	Selected *struct {
		ID string `json:"id"`
	} `json:"selected"`
	Conflict *struct {
		ID      string `json:"id"`
		Loading bool   `json:"loading"`
		Theirs  *struct {
			Version int64 `json:"version"`
		} `json:"theirs"`
		Outlines int `json:"outlines"`
	} `json:"conflict"`
}

func (b *browser) editor() editorState {
	b.t.Helper()
	var e editorState
	b.eval(`officemap.state().editor`, &e)
	return e
}

// requestsSince returns the requests the page made after the first n.
func (b *browser) requestsSince(n int) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.requests[n:])
}

func (b *browser) requestCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.requests)
}

// drag presses the left button at from, moves to to in steps and releases it there.
func (b *browser) drag(from, to [2]float64) {
	b.t.Helper()
	held := func(p *input.DispatchMouseEventParams) { p.Button, p.Buttons = input.MouseButtonLeft, 1 }
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, from[0], from[1]),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, from[0], from[1], held, chromedp.ClickCount(1))}
	for i := 1; i <= 8; i++ {
		f := float64(i) / 8
		steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved,
			from[0]+(to[0]-from[0])*f, from[1]+(to[1]-from[1])*f, held), chromedp.Sleep(30*time.Millisecond))
	}
	steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, to[0], to[1], held, chromedp.ClickCount(1)))
	b.do(steps...)
}

// localPixel is where a local coordinate (metres) is on the page, in the editor.
func (b *browser) localPixel(p [2]float64) [2]float64 {
	b.t.Helper()
	x, y := b.pixel(fmt.Sprintf(`officemap.pixelOf([%v, %v])`, p[0], p[1]))
	return [2]float64{x, y}
}

// roomNow reads a room as the server has it (local metres).
func roomNow(s *server, id string) room {
	var r room
	s.get("/api/v1/rooms/"+id+"?crs=local", &r)
	return r
}

// sameRoom reports whether two readings of a room have the same version, name and outline.
func sameRoom(x, y room) bool {
	return x.Properties.Version == y.Properties.Version && x.Properties.Name == y.Properties.Name &&
		slices.Equal(x.Geometry.Coordinates[0], y.Geometry.Coordinates[0])
}

// TestBrowserEditor: the floor editor's safety. A click near a wall selects and changes nothing (no
// vertex, no dirty room, no request), while dragging the wall still moves it in both rooms. Leaving with
// unsaved changes asks first — the editor's own button, a tab, an address change (the app's dialog) and a
// reload (the browser's prompt) —; staying keeps the changes, discarding drops them, and after a discard
// nothing asks. "Save all" is one request: with three changed rooms of which the third was changed
// meanwhile through the API, it writes nothing (versions and outlines read back unchanged) and shows the
// conflict with both versions; "keep mine" then saves my wall on their version; a wall moved between two
// rooms is saved in exactly one request.
func TestBrowserEditor(t *testing.T) {
	s, b := browseDemo(t)
	w := findWall(t, s)
	wallRooms := []string{w.a.ID, w.b.ID}
	slices.Sort(wallRooms)

	open := func(t *testing.T) {
		t.Helper()
		b.do(chromedp.Navigate(fmt.Sprintf("%s/#/map?b=%s&f=%s", s.URL, w.building, w.floor.ID)))
		b.wait("the floor", fmt.Sprintf(`officemap.state().floor?.id === %q && !!document.querySelector('#edit-floor')`, w.floor.ID))
		b.settle()
		b.clickSel("#edit-floor")
		b.wait("the editor", `officemap.state().editing && !!document.querySelector('#card-edit')`)
		b.settle()
	}
	// along is the point at fraction f of the wall; into shifts a pixel by px towards room a's side.
	along := func(f float64) [2]float64 {
		return [2]float64{w.wallP[0] + (w.wallQ[0]-w.wallP[0])*f, w.wallP[1] + (w.wallQ[1]-w.wallP[1])*f}
	}
	into := func(px [2]float64, by float64) [2]float64 {
		p, q := b.localPixel(w.wallP), b.localPixel(w.wallQ)
		n := [2]float64{-(q[1] - p[1]), q[0] - p[0]}
		l := math.Hypot(n[0], n[1])
		n = [2]float64{n[0] / l, n[1] / l}
		c := centroid(w.a.Geometry.Coordinates[0])
		ca := b.localPixel(c)
		if (ca[0]-px[0])*n[0]+(ca[1]-px[1])*n[1] < 0 {
			n = [2]float64{-n[0], -n[1]}
		}
		return [2]float64{px[0] + n[0]*by, px[1] + n[1]*by}
	}
	dirtyWall := func(t *testing.T, what string) {
		t.Helper()
		b.wait(what, `officemap.state().editor.unsaved === 2`)
		var ids []string
		for _, id := range b.editor().DirtyIDs {
			if id != nil {
				ids = append(ids, *id)
			}
		}
		slices.Sort(ids)
		if !slices.Equal(ids, wallRooms) {
			t.Fatalf("after dragging the wall the unsaved rooms are %v, want both rooms of the wall %v", ids, wallRooms)
		}
	}

	if !t.Run("a click near a wall selects and changes nothing", func(t *testing.T) {
		b.t = t
		open(t)
		before := b.requestCount()
		// 3 px from the wall, inside room a: within Modify's reach, so it inserts a vertex on the press.
		at := into(b.localPixel(along(0.3)), 3)
		b.click(at[0], at[1])
		b.wait("the selection", `!!officemap.state().editor.selected`)
		b.do(chromedp.Sleep(400 * time.Millisecond)) // past a double click's delay
		b.settle()
		if e := b.editor(); e.Unsaved != 0 || e.Undo != 0 {
			t.Errorf("a click near the wall left %d unsaved rooms and %d undo steps, want none", e.Unsaved, e.Undo)
		}
		if reqs := b.requestsSince(before); len(reqs) != 0 {
			t.Errorf("a click made requests: %q", reqs)
		}
		// Saving now has nothing to send.
		before = b.requestCount()
		b.clickSel("#tool-save")
		b.do(chromedp.Sleep(300 * time.Millisecond))
		if reqs := b.requestsSince(before); len(reqs) != 0 {
			t.Errorf("saving after a click sent %q", reqs)
		}

		// Dragging the wall's middle still inserts a vertex there and moves it in both rooms.
		mid := b.localPixel(along(0.5))
		b.drag(mid, into(mid, 14))
		dirtyWall(t, "the dragged wall")
		b.clickSel("#tool-undo")
		b.wait("the undo", `officemap.state().editor.unsaved === 0`)
	}) {
		return
	}

	// reloadPrompt reloads the page from script and reports whether the browser asked first (the prompt
	// is dismissed: the page stays).
	reloadPrompt := func(t *testing.T) bool {
		t.Helper()
		ctx, cancel := context.WithCancel(b.ctx)
		defer cancel()
		asked := make(chan page.DialogType, 1)
		if err := chromedp.Listen(ctx, func(ev any) {
			if e, ok := ev.(*page.EventJavascriptDialogOpening); ok {
				select {
				case asked <- e.Type:
				default:
				}
			}
		}); err != nil {
			t.Fatal(err)
		}
		b.eval(`window.__before_reload = true; setTimeout(() => location.reload(), 0); true`, nil)
		select {
		case typ := <-asked:
			if typ != page.DialogTypeBeforeunload {
				t.Errorf("the browser showed a %s dialog, want beforeunload", typ)
			}
			if _, err := chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false}); err != nil {
				t.Fatal(err)
			}
			return true
		case <-time.After(3 * time.Second):
			return false
		}
	}

	if !t.Run("leaving with unsaved changes asks first", func(t *testing.T) {
		b.t = t
		mid := b.localPixel(along(0.5))
		b.drag(mid, into(mid, 14))
		dirtyWall(t, "the dragged wall")
		hash := ""
		b.eval(`location.hash`, &hash)

		// The editor's own button: the app's dialog, focus inside; Escape stays.
		b.clickSel("#tool-exit")
		b.wait("the dialog", `!!document.querySelector('#edit-leave [role=alertdialog]')`)
		var focused string
		b.eval(`document.activeElement?.id || ''`, &focused)
		if focused != "leave-stay" {
			t.Errorf("focus in the dialog is on %q, want leave-stay", focused)
		}
		if msg := b.text("#edit-leave"); !strings.Contains(msg, "未保存") {
			t.Errorf("the dialog says %q", msg)
		}
		b.key("Escape", 27)
		b.wait("the dialog closed", `!document.querySelector('#edit-leave')`)
		if st := b.state(); !st.Editing || b.editor().Unsaved != 2 {
			t.Fatalf("after Escape: editing %v, %d unsaved; want the editor with both rooms", st.Editing, b.editor().Unsaved)
		}

		// A tab: asked before the address changes; staying keeps everything where it was.
		b.clickSel(`a[data-tab="dashboard"]`)
		b.wait("the dialog", `!!document.querySelector('#edit-leave')`)
		b.clickSel("#leave-stay")
		b.wait("the dialog closed", `!document.querySelector('#edit-leave')`)
		now := ""
		b.eval(`location.hash`, &now)
		if st := b.state(); !st.Editing || st.Tab != "map" || now != hash || b.editor().Unsaved != 2 {
			t.Fatalf("after staying: editing %v, tab %q, address %q (was %q), %d unsaved", st.Editing, st.Tab, now, hash, b.editor().Unsaved)
		}

		// An address changed under the page (Back, an edited address): the router does not follow it, the
		// address goes back while the dialog asks.
		b.eval(`location.hash = '#/dashboard'; true`, nil)
		b.wait("the dialog", `!!document.querySelector('#edit-leave')`)
		b.eval(`location.hash`, &now)
		if st := b.state(); now != hash || st.Tab != "map" {
			t.Errorf("while asking, the address is %q and the tab %q; want %q on the map", now, st.Tab, hash)
		}
		b.clickSel("#leave-stay")
		b.wait("the dialog closed", `!document.querySelector('#edit-leave')`)

		// A reload: the browser's own prompt; dismissed, the page and its changes stay.
		if !reloadPrompt(t) {
			t.Fatal("reloading with unsaved changes did not ask")
		}
		b.do(chromedp.Sleep(300 * time.Millisecond))
		var still bool
		b.eval(`window.__before_reload === true`, &still)
		if !still || b.editor().Unsaved != 2 {
			t.Fatalf("after dismissing the reload prompt: same page %v, %d unsaved", still, b.editor().Unsaved)
		}

		// Leaving for the dashboard and confirming: the changes are dropped, nothing is written, the
		// dashboard shows.
		b.clickSel(`a[data-tab="dashboard"]`)
		b.wait("the dialog", `!!document.querySelector('#edit-leave')`)
		b.clickSel("#leave-discard")
		b.wait("the dashboard", `!officemap.state().editing && officemap.state().tab === 'dashboard' && location.hash.startsWith('#/dashboard')`)
		for _, r := range []room{w.a, w.b} {
			if now := roomNow(s, r.ID); !sameRoom(now, r) {
				t.Errorf("room %s changed on the server after a discard: %+v", r.Properties.Number, now.Properties)
			}
		}

		// The editor's discard button: after it nothing asks, not even a reload.
		open(t)
		mid = b.localPixel(along(0.5))
		b.drag(mid, into(mid, 14))
		dirtyWall(t, "the dragged wall")
		b.clickSel("#tool-discard")
		b.wait("the dialog", `!!document.querySelector('#edit-leave')`)
		b.clickSel("#leave-discard")
		b.wait("the changes dropped", `officemap.state().editor.unsaved === 0 && !document.querySelector('#edit-leave')`)
		if reloadPrompt(t) {
			t.Error("reloading after a discard asked")
		}
		b.wait("the page reloaded", `!window.__before_reload && window.officemap && officemap.state().ready`)
		b.settle()
	}) {
		return
	}

	if !t.Run("save all writes every room or none, and a conflict shows both versions", func(t *testing.T) {
		b.t = t
		open(t)
		// Move the wall: a shrinks, b grows; and rename x.
		mid := b.localPixel(along(0.5))
		b.drag(mid, into(mid, 14))
		dirtyWall(t, "the dragged wall")
		b.click(b.pixel(fmt.Sprintf(`officemap.roomPixel(%q)`, w.x.ID)))
		b.wait("x in the form", fmt.Sprintf(`officemap.state().editor.selected?.id === %q`, w.x.ID))
		mineX := w.x.Properties.Name + "（规划调整）"
		b.typeText("#edit-name", mineX)
		b.wait("three changed rooms", `officemap.state().editor.unsaved === 3`)

		// Someone else renames b, the room that grows (saved last, after a and x).
		_, etag, _ := s.do(http.MethodGet, "/api/v1/rooms/"+w.b.ID, nil, nil)
		theirName := "他人改名" + w.b.Properties.Number
		status, _, body := s.do(http.MethodPatch, "/api/v1/rooms/"+w.b.ID, map[string]any{"properties": map[string]any{"name": theirName}},
			map[string]string{"If-Match": etag, "Content-Type": "application/merge-patch+json"})
		if status != http.StatusOK {
			t.Fatalf("PATCH behind the page's back = %d: %s", status, body)
		}
		before := map[string]room{}
		for _, id := range []string{w.a.ID, w.b.ID, w.x.ID} {
			before[id] = roomNow(s, id)
		}

		save := func() []string {
			t.Helper()
			n := b.requestCount()
			b.clickSel("#tool-save")
			b.wait("the conflict view", fmt.Sprintf(`officemap.state().editor.conflict?.id === %q && !officemap.state().editor.conflict.loading`, w.b.ID))
			b.settle()
			return b.requestsSince(n)
		}
		reqs := save()
		batches := 0
		for _, u := range reqs {
			if strings.Contains(u, "/rooms/batch") {
				batches++
			} else if !strings.Contains(u, "/api/v1/rooms/"+w.b.ID) { // the conflict view reads b and its history
				t.Errorf("saving requested %s", u)
			}
		}
		if batches != 1 {
			t.Errorf("saving three rooms made %d batch requests, want 1 (%q)", batches, reqs)
		}
		for id, r := range before {
			if now := roomNow(s, id); !sameRoom(now, r) {
				t.Errorf("room %s changed on the server although the save failed: version %d→%d, name %q→%q",
					r.Properties.Number, r.Properties.Version, now.Properties.Version, r.Properties.Name, now.Properties.Name)
			}
		}
		e := b.editor()
		if e.Unsaved != 3 {
			t.Errorf("after the refused save %d rooms are unsaved, want all 3 kept", e.Unsaved)
		}
		if e.Conflict.Outlines != 1 || e.Conflict.Theirs == nil || e.Conflict.Theirs.Version != before[w.b.ID].Properties.Version {
			t.Errorf("conflict state %+v: want their outline drawn and their version %d", e.Conflict, before[w.b.ID].Properties.Version)
		}
		b.extraShot("editor-conflict-both.png")
		msg := b.text("#edit-conflict")
		for _, want := range []string{"保存冲突", w.b.Properties.Number, "已被他人修改", "没有保存任何修改", "我的修改", "服务器上的版本"} {
			if !strings.Contains(msg, want) {
				t.Errorf("the conflict view lacks %q: %q", want, msg)
			}
		}
		cell := func(key, side string) string {
			return b.text(fmt.Sprintf(`#conflict-table tr[data-key=%q] td.%s`, key, side))
		}
		if cell("name", "mine") != w.b.Properties.Name || cell("name", "theirs") != theirName {
			t.Errorf("name row: mine %q, theirs %q; want %q, %q", cell("name", "mine"), cell("name", "theirs"), w.b.Properties.Name, theirName)
		}
		if cell("area", "theirs") != m2(before[w.b.ID].Properties.AreaM2) || cell("area", "mine") == cell("area", "theirs") {
			t.Errorf("area row: mine %q, theirs %q; want theirs %s and mine larger", cell("area", "mine"), cell("area", "theirs"),
				m2(before[w.b.ID].Properties.AreaM2))
		}
		if cell("changed", "theirs") == "" {
			t.Error("the conflict view does not say who changed the room and when")
		}
		var role, focused string
		b.eval(`document.querySelector('#edit-conflict').getAttribute('role')`, &role)
		b.eval(`document.activeElement?.id || ''`, &focused)
		if role != "dialog" || focused != "edit-conflict" {
			t.Errorf("conflict view: role %q, focus on %q; want dialog, focused", role, focused)
		}
		// Escape closes the view and keeps every change; saving again shows it again.
		b.key("Escape", 27)
		b.wait("the view closed", `!document.querySelector('#edit-conflict') && officemap.state().editor.unsaved === 3`)
		save()

		// Keep mine: my wall on their version (their name stays), saved with x and a in one request.
		n := b.requestCount()
		b.clickSel("#conflict-keep")
		b.wait("everything saved", `officemap.state().editor.unsaved === 0 && !officemap.state().editor.conflict && !officemap.state().busy`)
		if reqs := b.requestsSince(n); len(reqs) != 1 || !strings.Contains(reqs[0], "/rooms/batch") {
			t.Errorf("keep mine made the requests %q, want one batch", reqs)
		}
		a, bb, x := roomNow(s, w.a.ID), roomNow(s, w.b.ID), roomNow(s, w.x.ID)
		if bb.Properties.Name != theirName || bb.Properties.Version != before[w.b.ID].Properties.Version+1 {
			t.Errorf("b after keep mine: name %q version %d; want their name %q at version %d", bb.Properties.Name,
				bb.Properties.Version, theirName, before[w.b.ID].Properties.Version+1)
		}
		if x.Properties.Name != mineX {
			t.Errorf("x's name %q, want %q", x.Properties.Name, mineX)
		}
		if !(a.Properties.AreaM2 < w.a.Properties.AreaM2 && bb.Properties.AreaM2 > w.b.Properties.AreaM2) ||
			math.Abs(a.Properties.AreaM2+bb.Properties.AreaM2-w.a.Properties.AreaM2-w.b.Properties.AreaM2) > 0.01 {
			t.Errorf("areas after moving the wall: a %.2f→%.2f, b %.2f→%.2f; want a smaller, b larger, the sum kept",
				w.a.Properties.AreaM2, a.Properties.AreaM2, w.b.Properties.AreaM2, bb.Properties.AreaM2)
		}
	}) {
		return
	}

	t.Run("a wall moved between two rooms is saved in one request", func(t *testing.T) {
		b.t = t
		a0, b0 := roomNow(s, w.a.ID), roomNow(s, w.b.ID)
		// The wall's new corner (in a and b, not in the sample's a) goes back to the wall's middle.
		var moved [2]float64
		for _, p := range a0.Geometry.Coordinates[0] {
			if !slices.Contains(w.a.Geometry.Coordinates[0], p) && slices.Contains(b0.Geometry.Coordinates[0], p) {
				moved = p
			}
		}
		if moved == ([2]float64{}) {
			t.Fatalf("no moved corner shared by a and b: %v / %v", a0.Geometry.Coordinates[0], b0.Geometry.Coordinates[0])
		}
		b.drag(b.localPixel(moved), b.localPixel(along(0.5)))
		dirtyWall(t, "the dragged corner")
		n := b.requestCount()
		b.clickSel("#tool-save")
		b.wait("saved", `officemap.state().editor.unsaved === 0 && !officemap.state().busy`)
		b.settle()
		if reqs := b.requestsSince(n); len(reqs) != 1 || !strings.Contains(reqs[0], "/api/v1/floors/"+w.floor.ID+"/rooms/batch") {
			t.Errorf("saving the wall made the requests %q, want one batch", reqs)
		}
		a1, b1 := roomNow(s, w.a.ID), roomNow(s, w.b.ID)
		if a1.Properties.Version != a0.Properties.Version+1 || b1.Properties.Version != b0.Properties.Version+1 {
			t.Errorf("versions a %d→%d, b %d→%d; want both one more", a0.Properties.Version, a1.Properties.Version,
				b0.Properties.Version, b1.Properties.Version)
		}
		// The corner went back towards the wall's middle: a grows again, b shrinks, the pair keeps its area.
		if !(a1.Properties.AreaM2 > a0.Properties.AreaM2 && b1.Properties.AreaM2 < b0.Properties.AreaM2) ||
			math.Abs(a1.Properties.AreaM2+b1.Properties.AreaM2-a0.Properties.AreaM2-b0.Properties.AreaM2) > 0.01 {
			t.Errorf("areas a %.2f→%.2f, b %.2f→%.2f; want a larger, b smaller, the sum kept", a0.Properties.AreaM2,
				a1.Properties.AreaM2, b0.Properties.AreaM2, b1.Properties.AreaM2)
		}
		b.clickSel("#tool-exit")
		b.wait("the viewer", `!officemap.state().editing && !document.querySelector('#edit-leave')`)
	})

	t.Run("no external request and no console error", func(t *testing.T) {
		b.checkClean(t, s.URL, func(st string) bool {
			return st == "404 GET /api/v1/me" || strings.HasPrefix(st, "412 POST /api/v1/floors/"+w.floor.ID+"/rooms/batch")
		})
	})
}
