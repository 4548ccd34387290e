package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserLinks: the map's view is in the address. A link copied with a room open reopens that room on
// its floor after a reload and in a fresh page; choosing another floor adds a history entry, and Back
// returns to the previous floor (restoring it adds none: Forward still works); the colouring and the agency
// filter travel in the link too; a link to a room that does not exist leaves a message in the app's
// language and the overview.
func TestBrowserLinks(t *testing.T) {
	s, b := browseDemo(t)

	// A building with two floors that have rooms; the room to link to is on the first of them.
	bl, withRooms := floorsWith(s.floors(singleUser, crsLonLat), func(room) bool { return true })
	if bl.ID == "" {
		t.Fatal("the sample has no building with two floors of rooms")
	}
	floorA, floorB, target := withRooms[0].floor, withRooms[1].floor, withRooms[0].rooms[0]

	// onRoom waits until the page shows target's card on floorA of bl.
	onRoom := func(what string) {
		t.Helper()
		b.wait(what, fmt.Sprintf(`officemap.state().building === %q && officemap.state().floor?.id === %q &&
			officemap.state().room === %q && document.querySelector('#card-room')?.dataset.roomId === %q`,
			bl.ID, floorA.ID, target.ID, target.ID))
		b.settle()
	}
	href := func() string {
		var h string
		b.eval(`location.href`, &h)
		return h
	}
	historyLength := func() int {
		var n int
		b.eval(`history.length`, &n)
		return n
	}

	b.do(chromedp.Navigate(s.URL + "/"))
	b.settle()
	b.openFloor(bl, floorA.ID)
	b.wait("the room in the tiles", fmt.Sprintf(`officemap.renderedRoomIds().includes(%q)`, target.ID))
	b.click(b.pixel(fmt.Sprintf(`officemap.roomPixel(%q)`, target.ID)))
	onRoom("the room card")

	link := href()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("/map?b=%s&f=%s&r=%s", bl.ID, floorA.ID, target.ID); u.Fragment != want {
		t.Errorf("the address is #%s, want #%s", u.Fragment, want)
	}

	t.Run("a reload reopens the room", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Reload())
		onRoom("the room after a reload")
		if got := b.text("#room-number"); got != target.Properties.Number {
			t.Errorf("room number = %q, want %q", got, target.Properties.Number)
		}
	})

	t.Run("the link in a fresh page reopens the room", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(link))
		onRoom("the room from the link")
		if got := href(); got != link {
			t.Errorf("opening the link changed the address to %s", got)
		}
	})

	t.Run("Back returns to the previous floor", func(t *testing.T) {
		b.t = t
		b.clickSel(fmt.Sprintf(`#levels button[data-floor-id=%q]`, floorB.ID))
		b.wait("the other floor", fmt.Sprintf(`officemap.state().floor?.id === %q && officemap.state().room === null`, floorB.ID))
		b.settle()
		if !strings.Contains(href(), "f="+floorB.ID) {
			t.Errorf("the address %s does not name the floor %s", href(), floorB.ID)
		}
		n := historyLength()
		b.eval(`history.back(), true`, nil)
		onRoom("the previous floor and its room after Back")
		if got := b.text("#levels button.active"); got != floorA.Name {
			t.Errorf("the level switcher shows %q active, want %q", got, floorA.Name)
		}
		if got := href(); got != link {
			t.Errorf("after Back the address is %s, want %s", got, link)
		}
		// Restoring pushed nothing: the history is as long, and Forward goes to the other floor again.
		if got := historyLength(); got != n {
			t.Errorf("history.length = %d after Back, want %d", got, n)
		}
		b.eval(`history.forward(), true`, nil)
		b.wait("the other floor after Forward", fmt.Sprintf(`officemap.state().floor?.id === %q && officemap.state().room === null`, floorB.ID))
		b.settle()
	})

	t.Run("the colouring and the agency filter are in the link", func(t *testing.T) {
		b.t = t
		b.eval(`(() => { const el = document.getElementById('color-by'); el.value = 'usage';
			el.dispatchEvent(new Event('change')); return true; })()`, nil)
		var agency string
		b.eval(`document.querySelector('#agency-filter option:nth-child(2)').value`, &agency)
		b.eval(`(() => { const el = document.getElementById('agency-filter'); el.selectedIndex = 1;
			el.dispatchEvent(new Event('change')); return true; })()`, nil)
		b.wait("the agency filter", fmt.Sprintf(`officemap.state().agency === %q`, agency))
		b.settle()
		view := href()
		if !strings.Contains(view, "color=usage") || !strings.Contains(view, "agency="+agency) {
			t.Errorf("the address %s lacks the colouring or the agency", view)
		}
		// The colouring and the filter are entries of their own: Back drops the filter, Forward brings it back.
		b.eval(`history.back(), true`, nil)
		b.wait("the filter gone after Back", `officemap.state().agency === null && officemap.state().colorBy === 'usage'`)
		b.settle()
		b.eval(`history.forward(), true`, nil)
		b.wait("the filter after Forward", fmt.Sprintf(`officemap.state().agency === %q`, agency))
		b.settle()
		b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(view))
		b.wait("the view from the link", fmt.Sprintf(`officemap.state().colorBy === 'usage' && officemap.state().agency === %q &&
			officemap.state().floor?.id === %q && document.getElementById('color-by').value === 'usage' &&
			document.getElementById('agency-filter').value === %q`, agency, floorB.ID, agency))
		b.settle()
	})

	t.Run("a link to an unknown room leaves a message and the overview", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate("about:blank"),
			chromedp.Navigate(fmt.Sprintf("%s/#/map?b=%s&f=%s&r=no-such-room", s.URL, bl.ID, floorA.ID)))
		b.wait("the message", `!!document.getElementById('link-notice')`)
		b.settle()
		if got, want := b.text("#link-notice"), "链接所指的位置不存在或您无权查看，已显示总览。"; got != want {
			t.Errorf("message = %q, want %q", got, want)
		}
		if st := b.state(); st.Building != "" || st.Floor != nil || st.Room != "" {
			t.Errorf("the page shows building %q floor %v room %q, want the overview", st.Building, st.Floor, st.Room)
		}
		if b.text("#card-overview h2") == "" {
			t.Error("the overview card is not shown under the message")
		}
		if u, _ := url.Parse(href()); u.Fragment != "/map" {
			t.Errorf("the address is #%s, want #/map (what is shown)", u.Fragment)
		}
		b.clickSel("#lang")
		b.wait("the message in English", `document.getElementById('link-notice')?.textContent.startsWith('The place this link points to')`)
		b.clickSel("#lang")
		b.wait("the message in Chinese", `document.getElementById('link-notice')?.textContent.startsWith('链接所指')`)
		b.settle()
		// The next navigation takes the message away.
		b.openFloor(bl, floorB.ID)
		if b.text("#link-notice") != "" {
			t.Error("the message stays after choosing a floor")
		}
	})

	b.checkClean(t, s.URL, func(status string) bool {
		// 404 /me: single-user mode; the unknown room answers 404 (or 400, an id of the wrong form).
		return status == "404 GET /api/v1/me" || status == "404 GET /api/v1/rooms/no-such-room" ||
			status == "400 GET /api/v1/rooms/no-such-room"
	})
}
