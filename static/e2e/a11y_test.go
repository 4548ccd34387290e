package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// axe-core (a devDependency in static/package.json, never bundled) is read from node_modules and
// evaluated in the page through the DevTools protocol, which the page's Content-Security-Policy does not
// govern: the app itself still loads nothing but its own files.
var (
	axeOnce sync.Once
	axeJS   string
	axeErr  error
)

// axeSource is axe-core's browser build. When node_modules is missing it runs `npm ci` first, as
// dist_test.go does; without npm the test fails in CI and is skipped elsewhere.
func axeSource(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		path := filepath.Join("..", "node_modules", "axe-core", "axe.min.js")
		if _, err := os.Stat(path); os.IsNotExist(err) {
			npm, err := exec.LookPath("npm")
			if err != nil {
				axeErr = fmt.Errorf("npm is needed to install axe-core (static/package.json): %w", err)
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
			cmd.Dir = ".."
			if out, err := cmd.CombinedOutput(); err != nil {
				axeErr = fmt.Errorf("npm ci: %v\n%s", err, out)
				return
			}
		}
		b, err := os.ReadFile(path)
		axeJS, axeErr = string(b), err
	})
	if axeErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(axeErr)
		}
		t.Skip(axeErr)
	}
	return axeJS
}

// axeViolation is one rule axe found broken, with the elements that break it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var nodes []string
	for i, n := range v.Nodes {
		if i == 5 {
			nodes = append(nodes, fmt.Sprintf("… %d more", len(v.Nodes)-5))
			break
		}
		nodes = append(nodes, fmt.Sprintf("%v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " ")))
	}
	return fmt.Sprintf("%s (%s) %s\n    %s", v.ID, v.Impact, v.Help, strings.Join(nodes, "\n    "))
}

// axe runs axe-core with the WCAG 2.1 A and AA rules on the page as it is shown, and fails t for every
// serious or critical violation (the lesser ones are logged).
func (b *browser) axe(t *testing.T, what string) {
	t.Helper()
	for _, v := range b.axeViolations(t) {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("axe, %s: %s", what, v)
		} else {
			t.Logf("axe, %s (not failing): %s", what, v)
		}
	}
}

// loadAxe puts axe-core in the page unless it is there already.
func (b *browser) loadAxe(t *testing.T) {
	t.Helper()
	var loaded bool
	b.eval(`typeof window.axe !== 'undefined'`, &loaded)
	if !loaded {
		b.eval(axeSource(t)+"\n;true", nil)
	}
}

// axeViolations are the WCAG 2.1 A and AA rules axe-core finds broken on the page as it is shown.
func (b *browser) axeViolations(t *testing.T) []axeViolation {
	t.Helper()
	b.loadAxe(t)
	var vs []axeViolation
	b.eval(`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
		.then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary || ''}))})))`, &vs)
	return vs
}

// pressKey sends one key press (down and up) as a keyboard does; text is what it types (empty for
// Tab, Enter, the arrows), shift holds Shift.
func (b *browser) pressKey(key string, code int64, text string, shift bool) {
	b.t.Helper()
	var mods int64
	if shift {
		mods = 8 // the protocol's bit for Shift
	}
	b.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: key, Code: key, Text: text,
			WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code, Modifiers: mods}
		if text == "" {
			down.Type = input.DispatchKeyEventTypeRawKeyDown
		}
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp,
			Key: key, Code: key, WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code, Modifiers: mods})
		return err
	}))
}

func (b *browser) tab(back bool) { b.pressKey("Tab", 9, "", back) }
func (b *browser) enter()        { b.pressKey("Enter", 13, "\r", false) }

// focused describes the element that has the focus: "body" when none has.
func (b *browser) focused() string {
	b.t.Helper()
	var s string
	b.eval(`(() => { const el = document.activeElement; if (!el || el === document.body) return 'body';
		return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ').join('.') : ''); })()`, &s)
	return s
}

// tabTo presses Tab (Shift+Tab when back) until the element sel has the focus, at most max times.
func (b *browser) tabTo(sel string, back bool, max int) bool {
	b.t.Helper()
	for range max {
		var ok bool
		b.eval(fmt.Sprintf(`document.activeElement?.matches(%q) ?? false`, sel), &ok)
		if ok {
			return true
		}
		b.tab(back)
	}
	var ok bool
	b.eval(fmt.Sprintf(`document.activeElement?.matches(%q) ?? false`, sel), &ok)
	return ok
}

// TestBrowserAccessibility runs axe-core (WCAG 2.1 A and AA) on the overview, a floor, a room's card, the
// dashboard's two views and the editor, in Chinese and in English, at 1440×900 and on a 390×844 phone;
// checks the page's landmarks, its one h1 and its lang attribute; and the large-text mode.
func TestBrowserAccessibility(t *testing.T) {
	chromium(t)
	axeSource(t)
	s := startServer(t)
	b := openBrowser(t, s.URL)

	// A floor with rooms and a room on it, opened through links (links_test.go checks those).
	var bl building
	var fl floor
	var target room
	for _, sf := range s.floors(singleUser, crsLonLat) {
		if i := slices.IndexFunc(sf.rooms, func(r room) bool { return len(r.Properties.Occupants) > 0 }); i >= 0 {
			bl, fl, target = sf.building, sf.floor, sf.rooms[i]
			break
		}
	}
	if target.ID == "" {
		t.Fatal("the sample has no occupied room")
	}
	floorLink := fmt.Sprintf("%s/#/map?b=%s&f=%s", s.URL, bl.ID, fl.ID)

	for _, size := range []string{"desktop", "phone"} {
		for _, lang := range []string{"zh", "en"} {
			t.Run(size+" "+lang, func(t *testing.T) {
				b.t = t
				if size == "phone" {
					b.emulatePhone()
				} else {
					b.emulateDesktop()
				}
				b.do(chromedp.Navigate(s.URL + "/"))
				b.eval(fmt.Sprintf(`localStorage.setItem('officemap.lang', %q), true`, lang), nil)
				b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(s.URL+"/#/map"))
				b.settle()
				wantLang := map[string]string{"zh": "zh-CN", "en": "en"}[lang]
				var page struct {
					Lang                              string
					H1s                               int
					Banner, Nav, Main, Search, Aside  bool
					NavLabel, AsideLabel, SearchLabel string
					Combobox, Controls                string
				}
				b.eval(`(() => { const q = (s) => document.querySelector(s);
					const label = (el) => el?.getAttribute('aria-label') || (el?.labels?.[0]?.textContent ?? '');
					return {Lang: document.documentElement.lang, H1s: document.querySelectorAll('h1').length,
						Banner: !!q('body > header'), Nav: !!q('header nav'), Main: !!q('main'), Search: !!q('[role="search"]'),
						Aside: !!q('aside'), NavLabel: q('header nav')?.getAttribute('aria-label') || '',
						AsideLabel: q('aside')?.getAttribute('aria-label') || '', SearchLabel: label(q('#search')),
						Combobox: q('#search').getAttribute('role'), Controls: q('#search').getAttribute('aria-controls')}; })()`, &page)
				if page.Lang != wantLang {
					t.Errorf("<html lang=%q>, want %q", page.Lang, wantLang)
				}
				if page.H1s != 1 || !page.Banner || !page.Nav || !page.Main || !page.Search || !page.Aside ||
					page.NavLabel == "" || page.AsideLabel == "" || page.SearchLabel == "" {
					t.Errorf("the page's landmarks, labels or h1 are missing: %+v", page)
				}
				if page.Combobox != "combobox" || page.Controls != "search-results" {
					t.Errorf("the search box is role=%q controlling %q, want a combobox of #search-results", page.Combobox, page.Controls)
				}
				if lang == "en" && page.NavLabel != "Pages" || lang == "zh" && page.NavLabel != "页面" {
					t.Errorf("the navigation's label %q is not in the page's language", page.NavLabel)
				}
				b.axe(t, "the overview")
				if size == "desktop" && lang == "zh" {
					// The checker itself: an input without a label, and grey text on grey, are found.
					b.eval(`document.getElementById('panel').append(Object.assign(document.createElement('input'), {id: 'axe-probe'}),
						Object.assign(document.createElement('p'), {id: 'axe-probe-text', textContent: '对比度', style: 'color:#aaa;background:#ccc'})), true`, nil)
					found := map[string]bool{}
					for _, v := range b.axeViolations(t) {
						found[v.ID] = true
					}
					if !found["label"] || !found["color-contrast"] {
						t.Errorf("axe does not find an unlabelled input and poor contrast: %v", found)
					}
					b.eval(`document.getElementById('axe-probe').remove(), document.getElementById('axe-probe-text').remove(), true`, nil)
				}

				b.do(chromedp.Navigate(floorLink))
				b.wait("the floor", fmt.Sprintf(`officemap.state().floor?.id === %q && !!document.getElementById('card-floor')`, fl.ID))
				b.settle()
				b.axe(t, "a floor")

				b.do(chromedp.Navigate(floorLink + "&r=" + target.ID))
				b.wait("the room card", fmt.Sprintf(`document.querySelector('#card-room')?.dataset.roomId === %q`, target.ID))
				b.settle()
				b.axe(t, "a room's card")

				b.do(chromedp.Navigate(s.URL + "/#/dashboard"))
				b.wait("the dashboard", `document.querySelectorAll('#dash-agencies tbody tr').length > 0`)
				b.settle()
				b.axe(t, "the dashboard")
				b.do(chromedp.Navigate(s.URL + "/#/dashboard?view=findings"))
				b.wait("the findings", `!!document.getElementById('dash-findings')`)
				b.settle()
				b.axe(t, "the dashboard's findings")

				// The editor, as a planner opens it (single-user mode may edit).
				b.do(chromedp.Navigate(floorLink))
				b.wait("the floor", fmt.Sprintf(`officemap.state().floor?.id === %q && !!document.getElementById('edit-floor')`, fl.ID))
				b.settle()
				b.eval(`document.getElementById('edit-floor').click(), true`, nil)
				b.wait("the editor", `officemap.state().editing && officemap.state().editor && officemap.renderedRoomIds().length > 0`)
				b.settle()
				b.axe(t, "the editor")
				b.eval(`document.getElementById('tool-exit').click(), true`, nil)
				b.wait("the viewer again", `!officemap.state().editing`)
				b.settle()
			})
		}
	}

	t.Run("large text", func(t *testing.T) {
		b.t = t
		b.emulateDesktop()
		b.do(chromedp.Navigate(floorLink + "&r=" + target.ID))
		b.wait("the room card", `!!document.getElementById('card-room')`)
		b.settle()
		size := func(sel string) (px float64) {
			b.eval(fmt.Sprintf(`parseFloat(getComputedStyle(document.querySelector(%q)).fontSize)`, sel), &px)
			return px
		}
		before, hintBefore := size("body"), size("#card-room dt")
		b.clickSel("#large-text")
		b.wait("large text", `document.documentElement.classList.contains('large-text')`)
		if got := b.attr("#large-text", "aria-pressed"); got != "true" {
			t.Errorf("the large-text button's aria-pressed = %q when on", got)
		}
		if got := size("body"); got < 18 || got <= before {
			t.Errorf("in large text the body's text is %vpx (before %vpx), want at least 18", got, before)
		}
		if got := size("#card-room dt"); got < 18*hintBefore/before-0.5 {
			t.Errorf("in large text the card's labels are %vpx (before %vpx): not scaled", got, hintBefore)
		}
		var buttonHeight float64
		b.eval(`document.getElementById('lang').getBoundingClientRect().height`, &buttonHeight)
		if buttonHeight < 40 {
			t.Errorf("in large text the header's buttons are %.0f px high", buttonHeight)
		}
		b.axe(t, "large text")
		b.do(chromedp.Reload())
		b.wait("the room card after a reload", `!!document.getElementById('card-room')`)
		if !strings.Contains(b.attr("html", "class"), "large-text") {
			t.Error("large text is not remembered after a reload")
		}
		b.clickSel("#large-text")
		b.wait("normal text", `!document.documentElement.classList.contains('large-text')`)
		if got := size("body"); got != before {
			t.Errorf("large text off: the body's text is %vpx, want %vpx", got, before)
		}
	})

	b.checkClean(t, s.URL, func(status string) bool { return status == "404 GET /api/v1/me" })
}

// TestBrowserKeyboard reaches a room with the keyboard only (Tab, Shift+Tab, arrows, Enter) from the page's
// load: a building from the overview's list, another floor from the level switcher, then a room from the
// floor's list of rooms (or the search box when the card has none); the focus is never lost to <body>
// after a floor change. Then the dashboard's rows: Enter on a row shows its agency on the map.
func TestBrowserKeyboard(t *testing.T) {
	chromium(t)
	s := startServer(t)
	b := openBrowser(t, s.URL)

	// A building with two floors of rooms; the room to reach is on the second.
	numbered := func(r room) bool { return r.Properties.Number != "" }
	bl, withRooms := floorsWith(s.floors(singleUser, crsLonLat), numbered)
	if bl.ID == "" {
		t.Fatal("the sample has no building with two floors of numbered rooms")
	}
	// The last numbered room of the building's last floor with one.
	onB := withRooms[len(withRooms)-1]
	floorB := onB.floor
	var target room
	for _, r := range onB.rooms {
		if numbered(r) {
			target = r
		}
	}

	b.do(chromedp.Navigate(s.URL + "/"))
	b.settle()
	notLost := func(after string) {
		t.Helper()
		b.settle()
		if f := b.focused(); f == "body" {
			t.Errorf("after %s the focus is lost to <body>", after)
		}
	}

	t.Run("a room by keyboard", func(t *testing.T) {
		b.t = t
		// The first Tab reaches the skip link; Enter on it moves the focus to the main content and leaves
		// the address (the app's route) alone.
		var before string
		b.eval(`location.hash`, &before)
		b.tab(false)
		if f := b.focused(); !strings.HasPrefix(f, "a.skip") {
			t.Errorf("the first Tab reaches %s, want the skip link", f)
		}
		b.enter()
		var after string
		b.eval(`location.hash`, &after)
		if f := b.focused(); f != "main#main" || after != before {
			t.Errorf("after the skip link the focus is on %s and the address %q (was %q)", f, after, before)
		}
		// The overview lists the buildings as links.
		if !b.tabTo(fmt.Sprintf(`#card-overview a[data-building-id=%q], #card-overview li:has(> a) a`, bl.ID), false, 60) {
			t.Fatalf("Tab never reaches a building of the overview; the focus is on %s", b.focused())
		}
		for range 30 {
			var text string
			b.eval(`document.activeElement.textContent.trim()`, &text)
			if text == bl.Name {
				break
			}
			b.tab(false)
		}
		b.enter()
		b.wait("the building", fmt.Sprintf(`officemap.state().building === %q && !!officemap.state().floor`, bl.ID))
		notLost("choosing the building")

		level := fmt.Sprintf(`#levels button[data-floor-id=%q]`, floorB.ID)
		if st := b.state(); st.Floor == nil || st.Floor.ID != floorB.ID {
			if !b.tabTo(level, true, 80) && !b.tabTo(level, false, 80) {
				t.Fatalf("Tab never reaches the level %s; the focus is on %s", floorB.Name, b.focused())
			}
			b.enter()
			b.wait("the other floor", fmt.Sprintf(`officemap.state().floor?.id === %q && !!document.getElementById('card-floor')`, floorB.ID))
			notLost("the floor change")
		}

		item := fmt.Sprintf(`#panel button[data-room-id=%q]`, target.ID)
		var listed bool
		b.eval(fmt.Sprintf(`!!document.querySelector(%q)`, item), &listed)
		if listed {
			if !b.tabTo(item, false, 120) && !b.tabTo(item, true, 120) {
				t.Fatalf("Tab never reaches the room %s in the floor's list; the focus is on %s", target.Properties.Number, b.focused())
			}
			b.enter()
		} else {
			t.Log("the floor card lists no rooms: the room is reached through the search box")
			if !b.tabTo("#search", true, 120) {
				t.Fatalf("Shift+Tab never reaches the search box; the focus is on %s", b.focused())
			}
			for _, c := range target.Properties.Number {
				b.pressKey(string(c), int64(c), string(c), false)
			}
			b.wait("the search hits", fmt.Sprintf(`!!document.querySelector('#search-results li[data-id=%q]')`, target.ID))
			for range 20 {
				if b.attr("#search", "aria-activedescendant") != "" &&
					b.attr("#"+b.attr("#search", "aria-activedescendant"), "data-id") == target.ID {
					break
				}
				b.pressKey("ArrowDown", 40, "", false)
			}
			if got := b.attr("#search", "aria-expanded"); got != "true" {
				t.Errorf("the combobox's aria-expanded = %q with its list open", got)
			}
			b.enter()
		}
		b.wait("the room card", fmt.Sprintf(`document.querySelector('#card-room')?.dataset.roomId === %q`, target.ID))
		notLost("opening the room")
		if got := b.text("#room-number"); got != target.Properties.Number {
			t.Errorf("the card shows room %q, want %q", got, target.Properties.Number)
		}
	})

	t.Run("the search box is a combobox", func(t *testing.T) {
		b.t = t
		b.eval(`document.getElementById('search').focus(), true`, nil)
		for _, c := range target.Properties.Number {
			b.pressKey(string(c), int64(c), string(c), false)
		}
		b.wait("the hits", `document.querySelectorAll('#search-results [role="option"]').length > 0`)
		if got := b.attr("#search", "aria-expanded"); got != "true" {
			t.Errorf("aria-expanded = %q with the list open", got)
		}
		b.pressKey("ArrowDown", 40, "", false)
		active := b.attr("#search", "aria-activedescendant")
		if active == "" || b.attr("#"+active, "aria-selected") != "true" || b.attr("#"+active, "role") != "option" {
			t.Errorf("after ArrowDown aria-activedescendant = %q, not a selected option", active)
		}
		b.pressKey("Escape", 27, "", false)
		b.wait("the list closed", `document.getElementById('search-results').hidden`)
		if got := b.attr("#search", "aria-expanded"); got != "false" {
			t.Errorf("aria-expanded = %q after Escape", got)
		}
		if b.attr("#search", "aria-activedescendant") != "" {
			t.Error("aria-activedescendant stays after Escape")
		}
	})

	t.Run("a dashboard row by keyboard", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate(s.URL + "/#/dashboard"))
		b.wait("the dashboard", `document.querySelectorAll('#dash-agencies tbody tr').length > 0`)
		b.settle()
		var agency string
		b.eval(`[...document.querySelectorAll('#dash-agencies tbody tr')].find((tr) => tr.cells[2].textContent.trim() !== '0').dataset.agencyId`, &agency)
		if !b.tabTo(fmt.Sprintf(`#dash-agencies tr[data-agency-id=%q]`, agency), false, 80) {
			t.Fatalf("Tab never reaches the agency's row; the focus is on %s", b.focused())
		}
		b.enter()
		b.wait("the agency on the map", fmt.Sprintf(`officemap.state().tab === 'map' && officemap.state().agency === %q`, agency))
		b.settle()
		// One Back returns to the dashboard (the agency's map view is one history entry, not two); Space on a row
		// does what Enter does.
		b.eval(`history.back(), true`, nil)
		b.wait("the dashboard again after one Back", `officemap.state().tab === 'dashboard' && document.querySelectorAll('#dash-agencies tbody tr').length > 0`)
		b.settle()
		b.eval(fmt.Sprintf(`document.querySelector('#dash-agencies tr[data-agency-id=%q]').focus(), true`, agency), nil)
		b.pressKey(" ", 32, " ", false)
		b.wait("the agency on the map after Space", fmt.Sprintf(`officemap.state().tab === 'map' && officemap.state().agency === %q`, agency))
		b.settle()
	})

	b.checkClean(t, s.URL, func(status string) bool { return status == "404 GET /api/v1/me" })
}

// TestBrowserDashboardLinks: the dashboard's view is in the address (#/dashboard?as_of=…&view=…&agency=…&sort=…).
// The views, the agency of the findings, the as-of day and the agencies' order each add a history entry,
// Back and Forward restore them, a reload and the view's own link reopen the same view, the tab's link keeps it for the
// way back from the map, the downloads are of the same day, and a date that is not a day falls back to
// today with a message.
func TestBrowserDashboardLinks(t *testing.T) {
	chromium(t)
	s := startServer(t)
	b := openBrowser(t, s.URL)

	type report struct {
		AsOf     string `json:"as_of"`
		Findings []struct {
			AgencyID string `json:"agency_id"`
		} `json:"findings"`
		Agencies []struct {
			AgencyID string `json:"agency_id"`
			Findings int    `json:"findings"`
		} `json:"agencies"`
	}
	var today report
	s.get("/api/v1/reports/over-standard?format=json", &today)
	agency := ""
	for _, a := range today.Agencies {
		if a.Findings > 0 {
			agency = a.AgencyID
			break
		}
	}
	if agency == "" {
		t.Fatal("the sample's report has no agency with findings")
	}
	// A day before the sample's people arrived: the report of that day differs from today's.
	day := "2020-01-15"
	var past report
	s.get("/api/v1/reports/over-standard?format=json&as_of="+day, &past)

	fragment := func() string {
		var h string
		b.eval(`location.hash`, &h)
		return h
	}
	shows := func(what, view, asOf string, rows int) {
		t.Helper()
		b.wait(what, fmt.Sprintf(`document.querySelector('#dashboard-view .dash')?.dataset.view === %q &&
			document.querySelector('#dashboard-view .dash')?.dataset.asOf === %q &&
			document.querySelectorAll(%q).length === %d && !document.getElementById('dashboard-view').hasAttribute('aria-busy')`,
			view, asOf, map[string]string{"agencies": "#dash-agencies tbody tr", "findings": "#dash-findings tbody tr"}[view], rows))
		b.settle()
	}
	findingsOf := func(r report, agency string) (n int) {
		for _, f := range r.Findings {
			if agency == "" || f.AgencyID == agency {
				n++
			}
		}
		return n
	}

	b.do(chromedp.Navigate(s.URL + "/#/dashboard"))
	shows("the agencies view", "agencies", today.AsOf, len(today.Agencies))

	b.clickSel("#dash-view-findings")
	shows("the findings view", "findings", today.AsOf, findingsOf(today, ""))
	if got := fragment(); got != "#/dashboard?view=findings" {
		t.Errorf("the address is %s, want #/dashboard?view=findings", got)
	}
	b.eval(fmt.Sprintf(`(() => { const el = document.getElementById('dash-agency'); el.value = %q;
		el.dispatchEvent(new Event('change')); return true; })()`, agency), nil)
	shows("the agency's findings", "findings", today.AsOf, findingsOf(today, agency))
	var others int
	b.eval(fmt.Sprintf(`[...document.querySelectorAll('#dash-findings tbody tr')].filter((tr) => tr.dataset.agencyId !== %q).length`, agency), &others)
	if others > 0 {
		t.Errorf("%d findings of other agencies are listed under the agency's filter", others)
	}
	b.eval(fmt.Sprintf(`(() => { const el = document.getElementById('dash-as-of'); el.value = %q;
		el.dispatchEvent(new Event('change')); return true; })()`, day), nil)
	shows("the past day", "findings", day, findingsOf(past, agency))
	want := fmt.Sprintf("#/dashboard?as_of=%s&view=findings&agency=%s", day, agency)
	if got := fragment(); got != want {
		t.Errorf("the address is %s, want %s", got, want)
	}
	if got := b.attr("#dl-csv", "href"); !strings.Contains(got, "as_of="+day) {
		t.Errorf("the CSV download %s is not of the day shown", got)
	}
	if got := b.attr("#dash-link", "href"); got != want {
		t.Errorf("the view's link is %s, want %s", got, want)
	}

	t.Run("Back and Forward", func(t *testing.T) {
		b.t = t
		b.eval(`history.back(), true`, nil)
		shows("today's findings of the agency after Back", "findings", today.AsOf, findingsOf(today, agency))
		b.eval(`history.back(), true`, nil)
		shows("all findings after Back", "findings", today.AsOf, findingsOf(today, ""))
		b.eval(`history.back(), true`, nil)
		shows("the agencies after Back", "agencies", today.AsOf, len(today.Agencies))
		b.eval(`history.forward(), true`, nil)
		shows("the findings after Forward", "findings", today.AsOf, findingsOf(today, ""))
		b.eval(`history.forward(), history.forward(), true`, nil)
		shows("the past day after Forward", "findings", day, findingsOf(past, agency))
	})

	t.Run("a reload and the link reopen the view", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Reload())
		shows("the view after a reload", "findings", day, findingsOf(past, agency))
		var got string
		b.eval(`document.getElementById('dash-as-of').value`, &got)
		if got != day {
			t.Errorf("the date input shows %q, want %s", got, day)
		}
		b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(s.URL+"/"+want))
		shows("the view from the link", "findings", day, findingsOf(past, agency))
		var selected string
		b.eval(`document.getElementById('dash-agency').value`, &selected)
		if selected != agency {
			t.Errorf("the agency select shows %q, want %s", selected, agency)
		}
	})

	t.Run("the tab keeps the view", func(t *testing.T) {
		b.t = t
		b.clickSel(`a[data-tab="map"]`)
		b.wait("the map", `officemap.state().tab === 'map'`)
		b.settle()
		b.clickSel(`a[data-tab="dashboard"]`)
		shows("the view again", "findings", day, findingsOf(past, agency))
		if got := fragment(); got != want {
			t.Errorf("the address is %s, want %s", got, want)
		}
	})

	t.Run("the agencies sort by a column", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate(s.URL + "/#/dashboard"))
		shows("the agencies", "agencies", today.AsOf, len(today.Agencies))
		people := func() (n []int) {
			b.eval(`[...document.querySelectorAll('#dash-agencies tbody tr')].map((tr) => Number(tr.cells[1].textContent))`, &n)
			return n
		}
		sorted := func(n []int, desc bool) bool {
			for i := 1; i < len(n); i++ {
				if desc && n[i] > n[i-1] || !desc && n[i] < n[i-1] {
					return false
				}
			}
			return true
		}
		b.clickSel("#dash-sort-people")
		b.wait("ascending", `document.querySelector('#dash-sort-people').parentElement.getAttribute('aria-sort') === 'ascending'`)
		if n := people(); !sorted(n, false) || len(n) != len(today.Agencies) {
			t.Errorf("sorted ascending by people: %v", n)
		}
		if f := b.focused(); f != "button#dash-sort-people.sort" {
			t.Errorf("after sorting the focus is on %s, want the heading's button", f)
		}
		b.clickSel("#dash-sort-people")
		b.wait("descending", `document.querySelector('#dash-sort-people').parentElement.getAttribute('aria-sort') === 'descending'`)
		if n := people(); !sorted(n, true) {
			t.Errorf("sorted descending by people: %v", n)
		}
		var others int
		b.eval(`document.querySelectorAll('#dash-agencies th[aria-sort]').length`, &others)
		if others != 1 {
			t.Errorf("%d headings carry aria-sort, want the sorted one only", others)
		}
		if got := fragment(); got != "#/dashboard?sort=-people" {
			t.Errorf("the address is %s, want #/dashboard?sort=-people", got)
		}
		b.eval(`history.back(), true`, nil)
		b.wait("ascending after Back", `document.querySelector('#dash-sort-people')?.parentElement.getAttribute('aria-sort') === 'ascending'`)
		b.settle()
	})

	t.Run("a date that is not a day", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(s.URL+"/#/dashboard?as_of=2026-02-30"), chromedp.Sleep(300*time.Millisecond))
		b.wait("the message", `!!document.getElementById('dash-notice')`)
		shows("today's figures", "agencies", today.AsOf, len(today.Agencies))
		if got := b.text("#dash-notice"); !strings.Contains(got, "2026-02-30") || !strings.Contains(got, "无效") {
			t.Errorf("the message is %q", got)
		}
		if got := fragment(); got != "#/dashboard" {
			t.Errorf("the address is %s, want #/dashboard (what is shown)", got)
		}
	})

	b.checkClean(t, s.URL, func(status string) bool { return status == "404 GET /api/v1/me" })
}
