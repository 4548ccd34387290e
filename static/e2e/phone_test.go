package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"officemap/floorplan/identity"
)

// A phone as the inspectors carry one: 390×844 CSS pixels, touch, a mobile browser's user agent.
const (
	phoneWidth  = 390
	phoneHeight = 844
	phoneUA     = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)

// emulatePhone makes the tab a phone (mobile viewport, touch, user agent); emulateDesktop a 1440×900 desktop.
func (b *browser) emulatePhone() {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: phoneWidth, Height: phoneHeight, DeviceScaleFactor: 2, Mobile: true}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 5}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: phoneUA})
		return err
	}))
}

func (b *browser) emulateDesktop() {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: 1440, Height: 900, DeviceScaleFactor: 1}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: false})
		return err
	}))
}

// rect is an element's box on screen, in CSS pixels.
type rect struct {
	Left, Top, Right, Bottom, Width, Height float64
}

func (r rect) overlaps(o rect) bool {
	return r.Left < o.Right && o.Left < r.Right && r.Top < o.Bottom && o.Top < r.Bottom && r.Width > 0 && o.Width > 0
}

// rectOf is the box of the element sel (zero when it is missing or not shown).
func (b *browser) rectOf(sel string) rect {
	b.t.Helper()
	var r rect
	b.eval(fmt.Sprintf(`(() => { const el = document.querySelector(%q); if (!el || !el.getClientRects().length) return {};
		const r = el.getBoundingClientRect(); return {Left: r.left, Top: r.top, Right: r.right, Bottom: r.bottom, Width: r.width, Height: r.height}; })()`, sel), &r)
	return r
}

// touchPoint sends one touch gesture through the points given (a tap when it is one point).
func (b *browser) touchPoints(points ...[2]float64) {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		at := func(p [2]float64) []*input.TouchPoint { return []*input.TouchPoint{{X: p[0], Y: p[1]}} }
		if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: at(points[0])}); err != nil {
			return err
		}
		for _, p := range points[1:] {
			time.Sleep(16 * time.Millisecond)
			if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchMove, TouchPoints: at(p)}); err != nil {
				return err
			}
		}
		_, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}})
		return err
	}))
}

// tap touches the middle of the element sel, as a finger does.
func (b *browser) tap(sel string) {
	b.t.Helper()
	r := b.rectOf(sel)
	if r.Width == 0 {
		b.t.Fatalf("cannot tap %s: it is not shown; state: %s", sel, b.stateJSON())
	}
	b.touchPoints([2]float64{(r.Left + r.Right) / 2, (r.Top + r.Bottom) / 2})
}

// pageOverflow lists what makes the page wider than the screen: the document's width against the
// viewport's, a page's box that scrolls sideways, and the elements that reach past the screen's right edge
// (none when the page fits).
func (b *browser) pageOverflow() []string {
	b.t.Helper()
	var out []string
	b.eval(`(() => { const w = innerWidth, out = [];
		if (document.documentElement.scrollWidth > w) out.push('document.scrollWidth ' + document.documentElement.scrollWidth + ' > ' + w);
		// A page's own box scrolling sideways is a page wider than the screen too (a table may scroll in a box of its own).
		for (const v of document.querySelectorAll('main > section, #auth-view')) {
			if (v.getClientRects().length && v.scrollWidth > v.clientWidth + 1) out.push('#' + v.id + ' scrolls sideways: ' + v.scrollWidth + ' > ' + v.clientWidth);
		}
		for (const el of document.querySelectorAll('body *')) {
			if (!el.getClientRects().length) continue;
			const r = el.getBoundingClientRect();
			// What a scrolling box clips is not wider than the page: only boxes the page itself lays out count.
			let clipped = false;
			for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
				const s = getComputedStyle(p);
				if (s.overflowX !== 'visible' || s.position === 'fixed') { clipped = true; break; }
			}
			if (!clipped && r.right > w + 1) out.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className) + ' ends at ' + Math.round(r.right));
		}
		return out.slice(0, 10); })()`, &out)
	return out
}

// smallTargets lists the shown controls under the map tab or the header's menu that are smaller than
// 44×44 CSS pixels to the touch (WCAG 2.5.5's size).
func (b *browser) smallTargets(scope string) []string {
	b.t.Helper()
	var out []string
	b.eval(fmt.Sprintf(`(() => { const out = [];
		for (const el of document.querySelectorAll(%q)) {
			if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
			const r = el.getBoundingClientRect();
			if (r.width < 43.5 || r.height < 43.5) out.push((el.id ? '#' + el.id : el.tagName.toLowerCase()) + ' «' + el.textContent.trim().slice(0, 20) + '» ' + Math.round(r.width) + '×' + Math.round(r.height));
		}
		return out; })()`, scope), &out)
	return out
}

// TestBrowserPhone uses the app on a 390×844 phone: the map takes most of the screen under a one-line
// header; a room found with the search (behind the header's menu) opens its card in the bottom sheet,
// readable within the screen; the level switcher and the legend fit beside the collapsed sheet; every
// control is at least 44×44 px; the sheet follows a finger; the dashboard and the other pages are no
// wider than the screen. Then, at 1440×900, the desktop layout with the side panel.
func TestBrowserPhone(t *testing.T) {
	s, b := browseDemo(t)
	b.emulatePhone()

	// The room to find: an occupied office of a floor with several rooms, looked up by its number.
	var target room
	var targetFloor floor
	for _, sf := range s.floors(singleUser, crsLonLat) {
		for _, r := range sf.rooms {
			if target.ID == "" && len(r.Properties.Occupants) > 0 && r.Properties.Number != "" && len(sf.rooms) > 3 {
				var found struct{ Hits []searchHit }
				s.get("/api/v1/search?q="+r.Properties.Number, &found)
				for _, hit := range found.Hits {
					if hit.Kind == "room" && hit.ID == r.ID {
						target, targetFloor = r, sf.floor
					}
				}
			}
		}
	}
	if target.ID == "" {
		t.Fatal("the sample has no occupied room that the search finds by its number")
	}

	b.do(chromedp.Navigate(s.URL + "/"))
	b.settle()
	var viewport struct{ W, H float64 }
	b.eval(`({W: innerWidth, H: innerHeight})`, &viewport)
	if viewport.W != phoneWidth || viewport.H != phoneHeight {
		t.Fatalf("the viewport is %v×%v, want %d×%d", viewport.W, viewport.H, phoneWidth, phoneHeight)
	}

	t.Run("the map fills the screen under a one-line header", func(t *testing.T) {
		b.t = t
		header := b.rectOf("#topbar")
		if header.Height > 56 {
			t.Errorf("the header is %.0f px high, want at most 56", header.Height)
		}
		for _, sel := range []string{".tabs", "#search", "#agency-filter", "#lang"} {
			if b.visible(sel) {
				t.Errorf("%s is shown in the collapsed header", sel)
			}
		}
		if !b.visible("#menu-toggle") || !b.visible(".brand h1") {
			t.Error("the collapsed header lacks the title or the menu button")
		}
		// The map's share of the screen is what the sheet leaves of it.
		m, sheet := b.rectOf("#map"), b.rectOf("#sheet")
		visible := m.Width * (min(m.Bottom, sheet.Top) - m.Top)
		share := visible / (viewport.W * viewport.H)
		t.Logf("the map takes %.0f%% of the phone's screen (%.0f×%.0f px, sheet collapsed %.0f px, header %.0f px)",
			share*100, m.Width, min(m.Bottom, sheet.Top)-m.Top, sheet.Height, header.Height)
		if share < 0.6 {
			t.Errorf("the map takes %.0f%% of the screen, want at least 60%%", share*100)
		}
		if sheet.Width != viewport.W || sheet.Bottom != viewport.H {
			t.Errorf("the sheet is at %+v, want the screen's full width at its bottom", sheet)
		}
		if l := b.layout(); l.Sheet != "collapsed" || !l.Phone {
			t.Errorf("layout = %+v, want the phone's, with the sheet collapsed", l)
		}
		if o := b.pageOverflow(); len(o) > 0 {
			t.Errorf("the map page is wider than the screen: %v", o)
		}
		b.extraShot("phone-overview.png")
	})

	t.Run("a room is found, opened and read", func(t *testing.T) {
		b.t = t
		b.tap("#menu-toggle")
		b.wait("the menu", `document.getElementById('topbar').classList.contains('open') && !!document.getElementById('search').offsetParent`)
		if got := b.attr("#menu-toggle", "aria-expanded"); got != "true" {
			t.Errorf("the menu button's aria-expanded = %q when open", got)
		}
		if small := b.smallTargets(`#topbar-menu a, #topbar-menu button, #topbar-menu select, #topbar-menu input`); len(small) > 0 {
			t.Errorf("controls of the menu under 44×44 px: %v", small)
		}
		if o := b.pageOverflow(); len(o) > 0 {
			t.Errorf("the open menu is wider than the screen: %v", o)
		}
		b.extraShot("phone-menu.png")
		b.tap("#search")
		b.typeText("#search", target.Properties.Number)
		b.wait("the search hits", fmt.Sprintf(`!!document.querySelector('#search-results li[data-id=%q]')`, target.ID))
		if small := b.smallTargets(`#search-results li`); len(small) > 0 {
			t.Errorf("search results under 44×44 px: %v", small)
		}
		b.tap(fmt.Sprintf(`#search-results li[data-id=%q]`, target.ID))
		b.wait("the room card", fmt.Sprintf(`document.querySelector('#card-room')?.dataset.roomId === %q`, target.ID))
		b.settle()
		if b.visible("#search") {
			t.Error("the menu stays open over the map after choosing a search hit")
		}
		if st, l := b.state(), b.layout(); l.Sheet != "half" || st.Floor == nil || st.Floor.ID != targetFloor.ID {
			t.Errorf("after the hit the sheet is %q on floor %+v, want half on %s", l.Sheet, st.Floor, targetFloor.ID)
		}
		// The card's number, status and area are on screen, inside the sheet's visible part, and not cut.
		sheet, panel := b.rectOf("#sheet"), b.rectOf("#panel")
		for _, sel := range []string{"#room-number", "#room-status", "#room-area"} {
			r := b.rectOf(sel)
			if r.Width == 0 || r.Top < panel.Top || r.Bottom > panel.Bottom || r.Left < 0 || r.Right > viewport.W || r.Top < sheet.Top {
				t.Errorf("%s is at %+v, outside the sheet's visible part %+v", sel, r, panel)
			}
		}
		if got := b.text("#room-number"); got != target.Properties.Number {
			t.Errorf("the card shows room %q, want %q", got, target.Properties.Number)
		}
		var clipped []string
		b.eval(`[...document.querySelectorAll('#card-room *')].filter((el) => el.children.length === 0 && el.textContent.trim() &&
			el.getClientRects().length && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
			.map((el) => el.textContent.trim().slice(0, 30))`, &clipped)
		if len(clipped) > 0 {
			t.Errorf("text cut off in the room card: %q", clipped)
		}
		var cardWidth struct{ Scroll, Client float64 }
		b.eval(`(() => { const p = document.getElementById('panel'); return {Scroll: p.scrollWidth, Client: p.clientWidth}; })()`, &cardWidth)
		if cardWidth.Scroll > cardWidth.Client {
			t.Errorf("the room card is %v px wide in a %v px sheet", cardWidth.Scroll, cardWidth.Client)
		}
		if title := b.text("#sheet-title"); !strings.Contains(title, target.Properties.Number) {
			t.Errorf("the sheet's handle reads %q, want the room's number %s", title, target.Properties.Number)
		}
		b.extraShot("phone-room.png")
	})

	t.Run("the sheet follows the handle and a finger", func(t *testing.T) {
		b.t = t
		// fullAndBack taps the handle to the full sheet and back to collapsed; taps are apart as a
		// person's are (two quick ones would be a double tap).
		fullAndBack := func() {
			t.Helper()
			b.tap("#sheet-handle")
			b.wait("the full sheet", `officemap.state().layout.sheet === 'full'`)
			b.do(chromedp.Sleep(400 * time.Millisecond))
			b.tap("#sheet-handle")
			b.wait("the collapsed sheet", `officemap.state().layout.sheet === 'collapsed'`)
			b.do(chromedp.Sleep(400 * time.Millisecond))
		}
		fullAndBack()
		// A finger drags the handle up to the middle of the screen: the sheet settles at half height.
		h := b.rectOf("#sheet-handle")
		x, y := (h.Left+h.Right)/2, (h.Top+h.Bottom)/2
		var path [][2]float64
		for i := 0; i <= 8; i++ {
			path = append(path, [2]float64{x, y - float64(i)*(y-viewport.H*0.5)/8})
		}
		b.touchPoints(path...)
		b.wait("the sheet dragged to half", `officemap.state().layout.sheet === 'half'`)
		b.do(chromedp.Sleep(300 * time.Millisecond)) // the height's transition
		if r := b.rectOf("#sheet"); r.Top < viewport.H*0.35 || r.Top > viewport.H*0.65 {
			t.Errorf("after the drag the sheet starts at %.0f px of %.0f", r.Top, viewport.H)
		}
		fullAndBack()
	})

	t.Run("the level switcher and the legend fit beside the collapsed sheet", func(t *testing.T) {
		b.t = t
		sheet, levels, toggle := b.rectOf("#sheet"), b.rectOf("#levels"), b.rectOf("#legend-toggle")
		if levels.Width == 0 || toggle.Width == 0 {
			t.Fatalf("the level switcher (%+v) or the legend's button (%+v) is not shown", levels, toggle)
		}
		for name, r := range map[string]rect{"level switcher": levels, "legend button": toggle} {
			if r.overlaps(sheet) || r.Left < 0 || r.Right > viewport.W || r.Top < b.rectOf("#topbar").Bottom {
				t.Errorf("the %s at %+v is not within the map beside the sheet %+v", name, r, sheet)
			}
		}
		if small := b.smallTargets(`#levels button, #legend-toggle, #sheet-handle, .ol-zoom button`); len(small) > 0 {
			t.Errorf("map controls under 44×44 px: %v", small)
		}
		if b.visible("#legend") {
			t.Error("the legend is open before its button is pressed")
		}
		b.tap("#legend-toggle")
		b.wait("the legend", `!!document.getElementById('legend').offsetParent`)
		legend := b.rectOf("#legend")
		if legend.overlaps(sheet) || legend.overlaps(levels) || legend.overlaps(b.rectOf("#legend-toggle")) {
			t.Errorf("the open legend %+v overlaps the sheet %+v, the level switcher %+v or its button", legend, sheet, levels)
		}
		// Horizontal text: each entry is one line, wider than high.
		var entries []rect
		b.eval(`[...document.querySelectorAll('#legend li')].map((li) => { const r = li.getBoundingClientRect(); return {Width: r.width, Height: r.height}; })`, &entries)
		if len(entries) == 0 {
			t.Error("the legend has no entries")
		}
		for _, e := range entries {
			if e.Width < 2*e.Height || e.Height > 30 {
				t.Errorf("a legend entry is %.0f×%.0f px: not one horizontal line", e.Width, e.Height)
			}
		}
		b.extraShot("phone-legend.png")
		b.tap("#legend-toggle")
	})

	// Every tab single-user mode offers, through the header's menu: no page wider than the screen (the
	// staff import page is a part of the import page there).
	for _, tab := range []string{"dashboard", "import", "staff", "map"} {
		t.Run("the "+tab+" page fits the screen", func(t *testing.T) {
			b.t = t
			if tab == "staff" {
				b.tap(`#import-view .subtabs a[href="#/staff"]`)
				b.wait("the staff page", `officemap.state().tab === 'staff'`)
				b.settle()
				if o := b.pageOverflow(); len(o) > 0 {
					t.Errorf("the staff page is wider than the screen: %v", o)
				}
				return
			}
			b.tap("#menu-toggle")
			b.wait("the menu", `document.getElementById('topbar').classList.contains('open')`)
			b.tap(fmt.Sprintf(`a[data-tab=%q]`, tab))
			b.wait("the tab", fmt.Sprintf(`officemap.state().tab === %q && !document.getElementById('topbar').classList.contains('open')`, tab))
			b.settle()
			if tab == "dashboard" {
				b.wait("the dashboard", `document.querySelectorAll('#dash-agencies tbody tr').length > 0`)
				// The table scrolls in its own box; its rows are tall enough to touch.
				var box struct{ Scroll, Client float64 }
				b.eval(`(() => { const el = document.querySelector('#dash-agencies').parentElement; return {Scroll: el.scrollWidth, Client: el.clientWidth}; })()`, &box)
				if box.Client > viewport.W {
					t.Errorf("the agencies table's box is %v px wide", box.Client)
				}
				if small := b.smallTargets(`#dash-agencies tbody tr, #dashboard-view button, #dashboard-view input, #dashboard-view select`); len(small) > 0 {
					t.Errorf("dashboard controls under 44 px: %v", small)
				}
				b.extraShot("phone-dashboard.png")
			}
			if o := b.pageOverflow(); len(o) > 0 {
				t.Errorf("the %s page is wider than the screen: %v", tab, o)
			}
		})
	}

	t.Run("large text fits the phone", func(t *testing.T) {
		b.t = t
		b.tap("#menu-toggle")
		b.wait("the menu", `document.getElementById('topbar').classList.contains('open')`)
		b.tap("#large-text")
		b.wait("large text", `document.documentElement.classList.contains('large-text')`)
		b.tap("#menu-toggle")
		b.wait("the menu closed", `!document.getElementById('topbar').classList.contains('open')`)
		b.settle()
		var body float64
		b.eval(`parseFloat(getComputedStyle(document.body).fontSize)`, &body)
		if h := b.rectOf("#topbar").Height; h > 56 || body < 18 {
			t.Errorf("in large text the header is %.0f px high and the text %vpx", h, body)
		}
		m, sheet := b.rectOf("#map"), b.rectOf("#sheet")
		if share := m.Width * (min(m.Bottom, sheet.Top) - m.Top) / (viewport.W * viewport.H); share < 0.6 {
			t.Errorf("in large text the map takes %.0f%% of the screen", share*100)
		}
		if o := b.pageOverflow(); len(o) > 0 {
			t.Errorf("in large text the map page is wider than the screen: %v", o)
		}
		b.extraShot("phone-large-text.png")
		b.tap("#menu-toggle")
		b.wait("the menu", `document.getElementById('topbar').classList.contains('open')`)
		b.tap("#large-text")
		b.wait("normal text", `!document.documentElement.classList.contains('large-text')`)
		b.tap("#menu-toggle")
	})

	t.Run("the desktop keeps its side panel", func(t *testing.T) {
		b.t = t
		b.emulateDesktop()
		b.do(chromedp.Navigate(s.URL + "/#/map"))
		b.settle()
		var w float64
		b.eval(`innerWidth`, &w)
		sheet, m, header := b.rectOf("#sheet"), b.rectOf("#map"), b.rectOf("#topbar")
		if header.Height > 48 {
			t.Errorf("the desktop's header is %.0f px high: not one line", header.Height)
		}
		if sheet.Width < 300 || sheet.Width > 480 || sheet.Right != w || sheet.Top != header.Bottom {
			t.Errorf("the panel is at %+v, want a column at the right under the header", sheet)
		}
		if m.Right > sheet.Left || m.Width < w-500 {
			t.Errorf("the map is at %+v beside the panel %+v", m, sheet)
		}
		if b.visible("#menu-toggle") || b.visible("#sheet-handle") || b.visible("#legend-toggle") || !b.visible("#search") || !b.visible(".tabs") || !b.visible("#legend") {
			t.Error("the desktop shows the phone's controls or hides the header's tabs, search or legend")
		}
		if b.layout().Phone {
			t.Error("the desktop is laid out as a phone")
		}
		b.extraShot("desktop.png")
	})

	b.checkClean(t, s.URL, func(status string) bool { return status == "404 GET /api/v1/me" })
}

// TestBrowserPhoneAccounts: with accounts on, the sign-in page, the auditor's audit log and the system
// administrator's page fit a 390×844 phone (no page wider than the screen, controls of touch size), and the
// user menu is reached through the header's menu.
func TestBrowserPhoneAccounts(t *testing.T) {
	chromium(t)
	// The second factor is not what is tested here: these users need none.
	s, svc, _ := serveAccounts(t, identity.Options{SignInPerMinute: 100, MaxHashing: 2, ExemptTOTP: func(identity.User) bool { return true }})
	const password = "Phone-2026!x"
	for name, role := range map[string]identity.Role{"aud": identity.RoleAuditor, "sys": identity.RoleSysAdmin} {
		if _, _, err := svc.AddUser(context.Background(), name, []identity.Grant{{Role: role}}, password); err != nil {
			t.Fatal(err)
		}
	}
	b := openBrowser(t, s.URL)
	b.emulatePhone()
	b.do(chromedp.Navigate(s.URL + "/"))

	for _, u := range []struct{ name, tab, ready string }{
		{"aud", "audit", `document.querySelectorAll('#audit-view tbody tr').length > 0`},
		{"sys", "admin", `document.querySelectorAll('#admin-users tbody tr').length >= 2`},
	} {
		t.Run(u.name, func(t *testing.T) {
			b.t = t
			b.wait("the sign-in page", `window.officemap && officemap.state().page === 'signin' && officemap.state().ready`)
			if o := b.pageOverflow(); len(o) > 0 {
				t.Errorf("the sign-in page is wider than the screen: %v", o)
			}
			if small := b.smallTargets(`#auth-view button, #auth-view input, #menu-toggle`); len(small) > 0 {
				t.Errorf("sign-in controls under 44×44 px: %v", small)
			}
			b.signIn(u.name, password)
			b.inApp()
			b.wait("the "+u.tab+" page", fmt.Sprintf(`officemap.state().tab === %q && %s`, u.tab, u.ready))
			b.settle()
			if h := b.rectOf("#topbar").Height; h > 56 {
				t.Errorf("the header is %.0f px high", h)
			}
			if o := b.pageOverflow(); len(o) > 0 {
				t.Errorf("the %s page is wider than the screen: %v", u.tab, o)
			}
			b.extraShot("phone-" + u.tab + ".png")
			b.tap("#menu-toggle")
			b.wait("the menu", `!!document.getElementById('user-button')?.offsetParent`)
			b.tap("#user-button")
			b.wait("the user menu", `!!document.getElementById('menu-signout')?.offsetParent`)
			if o := b.pageOverflow(); len(o) > 0 {
				t.Errorf("the open user menu is wider than the screen: %v", o)
			}
			b.eval(`window.__before_sign_out = true`, nil)
			b.tap("#menu-signout")
			b.waitReload("the sign-in page after signing out",
				`!window.__before_sign_out && !!window.officemap && officemap.state().page === 'signin' && officemap.state().ready`)
		})
	}
	b.checkClean(t, s.URL, func(status string) bool { return status == "401 GET /api/v1/me" })
}

// layout is the page's layout as officemap.state() tells it: the phone's or not, and the sheet's state.
func (b *browser) layout() (l struct {
	Phone bool
	Sheet string
}) {
	b.t.Helper()
	b.eval(`officemap.state().layout`, &l)
	return l
}

// attr reads an attribute of the element sel.
func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	var v string
	b.eval(fmt.Sprintf(`document.querySelector(%q)?.getAttribute(%q) ?? ''`, sel, name), &v)
	return v
}
