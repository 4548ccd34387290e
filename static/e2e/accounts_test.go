package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"officemap/floorplan/identity"
)

// The app with accounts on: the sign-in page, the forced password change, the enrolment of a second
// factor, the user menu, what each role is shown, and the auditor's page.

const (
	plannerPassword = "Planner-2026!"
	auditorPassword = "Auditor-2026!"
	viewerPassword  = "Viewer-2026!" // the viewer's own, set at the first sign-in
)

// getAs decodes the JSON of a GET that must succeed, sent with an API token.
func (s *server) getAs(token, path string, out any) {
	s.t.Helper()
	s.read(token, path, out)
}

// signIn fills the sign-in page and submits it.
func (b *browser) signIn(user, password string) {
	b.t.Helper()
	b.wait("the sign-in page", `window.officemap && officemap.state().page === 'signin' && officemap.state().ready`)
	b.typeText("#signin-username", user)
	b.typeText("#signin-password", password)
	b.clickSel("#signin-submit")
}

// signInAt opens url, signs user in and waits for the app to be shown and idle.
func (b *browser) signInAt(url, user, password string) {
	b.t.Helper()
	b.do(chromedp.Navigate(url))
	b.signIn(user, password)
	b.inApp()
}

// inApp waits for the app to be shown and idle.
func (b *browser) inApp() {
	b.t.Helper()
	b.wait("the app", `officemap.state().page === 'app'`)
	b.settle()
}

// signOut signs out through the user menu and waits for the sign-in page of the reloaded page.
func (b *browser) signOut() {
	b.t.Helper()
	b.eval(`window.__before_sign_out = true`, nil)
	b.clickSel("#user-button")
	b.clickSel("#menu-signout")
	b.waitReload("the sign-in page after signing out",
		`!window.__before_sign_out && !!window.officemap && officemap.state().page === 'signin' && officemap.state().ready`)
}

// waitReload polls a JavaScript condition through a reload of the page (which wait's polling does not
// survive): errors while the page is replaced are ignored.
func (b *browser) waitReload(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("waiting for %s (%s)\nstate: %s", what, cond, b.stateJSON())
}

// visible says whether the element sel is in the page and shown.
func (b *browser) visible(sel string) bool {
	b.t.Helper()
	var ok bool
	b.eval(fmt.Sprintf(`(() => { const el = document.querySelector(%q); return !!el && !!el.offsetParent; })()`, sel), &ok)
	return ok
}

// showRoom picks a building on the map, one of its floors and a room, as a user does.
func (b *browser) showRoom(bl building, floorID string, r room, floorRooms []room) {
	b.t.Helper()
	b.openFloor(bl, floorID)
	var want []string
	for _, fr := range floorRooms {
		want = append(want, fr.ID)
	}
	slices.Sort(want)
	b.wait("the floor's rooms in the tiles", fmt.Sprintf(`JSON.stringify(officemap.renderedRoomIds()) === %q`, mustJSON(want)))
	b.wait("the floor card", `!!document.querySelector('#card-floor')`)
	b.click(b.pixel(fmt.Sprintf(`officemap.roomPixel(%q)`, r.ID)))
	b.wait("the room card", fmt.Sprintf(`document.querySelector('#card-room')?.dataset.roomId === %q`, r.ID))
	b.settle()
}

// TestBrowserAccounts signs in as a planner, a viewer and an auditor and checks what each is shown.
func TestBrowserAccounts(t *testing.T) {
	chromium(t)
	s, svc, token := serveUser(t, "planner", identity.RolePlanner, plannerPassword)
	ctx := context.Background()
	_, viewerOnce, err := svc.AddUser(ctx, "viewer", []identity.Grant{{Role: identity.RoleViewer}}, "") // a one-time password
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AddUser(ctx, "auditor", []identity.Grant{{Role: identity.RoleAuditor}}, auditorPassword); err != nil {
		t.Fatal(err)
	}

	// The sample as the planner reads it (with their token): an occupied over-standard room to look at.
	var (
		target     room
		targetBl   building
		floorRooms []room
		names      []string // every occupant's name on the target's floor
	)
	for _, sf := range s.floors(token, crsLonLat) {
		i := slices.IndexFunc(sf.rooms, func(r room) bool {
			return r.Properties.Status == "over_standard" && len(r.Properties.Occupants) > 0
		})
		if i >= 0 {
			target, targetBl, floorRooms = sf.rooms[i], sf.building, sf.rooms
			break
		}
	}
	if target.ID == "" {
		t.Fatal("the sample has no occupied over-standard room")
	}
	for _, r := range floorRooms {
		for _, o := range r.Properties.Occupants {
			names = append(names, o.Name)
		}
	}
	targetFloor := target.Properties.FloorID

	b := openBrowser(t, s.URL)
	var auditorSecret string

	if !t.Run("sign-in page, generic refusal", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate(s.URL + "/"))
		b.wait("the sign-in page", `window.officemap && officemap.state().page === 'signin' && officemap.state().ready`)
		if got := b.text("#signin-form h2"); got != "登录" {
			t.Errorf("sign-in title = %q, want 登录 (zh-CN first)", got)
		}
		form := b.text("#signin-form")
		for _, w := range []string{"用户名", "密码"} {
			if !strings.Contains(form, w) {
				t.Errorf("the sign-in form %q lacks %s", form, w)
			}
		}
		if b.visible("#signin-otp") || b.visible("#map") || b.visible("#search") || b.visible("#user-button") {
			t.Error("before signing in the page shows the one-time code, the map, the search or a user menu")
		}
		b.extraShot("signin.png")
		b.signIn("planner", "Wrong-password-1")
		b.wait("the refusal", `!document.querySelector('#signin-error').hidden && !officemap.state().busy`)
		wrong := b.text("#signin-error")
		b.signIn("nobody", "Wrong-password-1")
		b.wait("the second refusal", `!officemap.state().busy && document.querySelector('#signin-password').value === ''`)
		unknown := b.text("#signin-error")
		if !strings.Contains(wrong, "登录失败") || wrong != unknown {
			t.Errorf("refusals %q (wrong password) and %q (unknown user): want one generic message", wrong, unknown)
		}
	}) {
		return
	}

	if !t.Run("planner: the edit button and occupants; an API token", func(t *testing.T) {
		b.t = t
		b.signIn("planner", plannerPassword)
		b.inApp()
		if got := b.text("#user-button"); !strings.Contains(got, "planner") {
			t.Errorf("user button = %q", got)
		}
		b.clickSel("#user-button")
		b.wait("the user menu", `!document.querySelector('#user-menu').hidden`)
		menu := b.text("#user-menu")
		for _, w := range []string{"规划员", "修改密码", "双因素认证", "API 令牌", "退出"} {
			if !strings.Contains(menu, w) {
				t.Errorf("the user menu %q lacks %s", menu, w)
			}
		}
		b.extraShot("user-menu.png")
		b.clickSel("#user-button")

		b.showRoom(targetBl, targetFloor, target, floorRooms)
		if !b.visible("#edit-room") {
			t.Error("the planner's room card has no 编辑此房间 button")
		}
		occ := b.text("#room-occupants")
		for _, o := range target.Properties.Occupants {
			if !strings.Contains(occ, o.Name) {
				t.Errorf("the planner's room card lacks the occupant %s (%q)", o.Name, occ)
			}
		}
		b.clickSel("#card-room .card-head button")
		b.wait("the floor card", `!!document.querySelector('#card-floor')`)
		if got := b.text("#edit-floor"); got != "编辑本层" {
			t.Errorf("the planner's floor card: edit button %q, want 编辑本层", got)
		}

		// An API token, shown once, that works as a bearer token.
		b.clickSel("#user-button")
		b.clickSel("#menu-tokens")
		b.wait("the token dialog", `!!document.querySelector('#tokens-form')`)
		b.typeText("#token-name", "导入脚本")
		b.clickSel("#token-create")
		b.wait("the new token", `!!document.querySelector('#token-value')?.value`)
		var secret string
		b.eval(`document.querySelector('#token-value').value`, &secret)
		var me struct{ User struct{ Username string } }
		s.getAs(secret, "/api/v1/me", &me)
		if me.User.Username != "planner" {
			t.Errorf("the token is %q's, want planner's", me.User.Username)
		}
		b.clickSel("#tokens-form .dialog-close")
		b.wait("the dialog closed", `!document.querySelector('#modal')`)
		b.signOut()
	}) {
		return
	}

	if !t.Run("viewer: password change at first sign-in, no edit button, no names", func(t *testing.T) {
		b.t = t
		b.signIn("viewer", viewerOnce)
		b.wait("the password page", `officemap.state().page === 'password' && !!document.querySelector('#password-form')`)
		if got := b.text("#password-form h2"); got != "请先修改密码" {
			t.Errorf("password page title = %q", got)
		}
		b.typeText("#pw-old", viewerOnce)
		b.typeText("#pw-new", viewerPassword)
		b.typeText("#pw-confirm", viewerPassword+"x")
		b.clickSel("#pw-submit")
		b.wait("the mismatch", `!document.querySelector('#pw-error').hidden`)
		if got := b.text("#pw-error"); !strings.Contains(got, "不一致") {
			t.Errorf("mismatch message = %q", got)
		}
		b.extraShot("password.png")
		b.typeText("#pw-confirm", viewerPassword)
		b.clickSel("#pw-submit")
		b.inApp()
		if b.visible(`[data-tab="dashboard"]`) {
			t.Error("the viewer is offered the over-standard dashboard (no report action)")
		}
		b.showRoom(targetBl, targetFloor, target, floorRooms)
		if b.visible("#edit-room") || b.visible("#room-findings") {
			t.Error("the viewer's room card offers editing or shows findings")
		}
		if got := b.text("#room-occupants"); !strings.Contains(got, fmt.Sprint(len(target.Properties.Occupants))) {
			t.Errorf("the viewer's occupants line = %q, want the number of occupants", got)
		}
		var page string
		b.eval(`document.body.innerText`, &page)
		for _, n := range names {
			if strings.Contains(page, n) {
				t.Errorf("the viewer's page shows the occupant %s", n)
			}
		}
		b.clickSel("#card-room .card-head button")
		b.wait("the floor card", `!!document.querySelector('#card-floor')`)
		if b.visible("#edit-floor") || strings.Contains(b.text("#panel"), "编辑本层") {
			t.Error("the viewer's floor card has the 编辑本层 button")
		}
		// People are not found by name either.
		b.typeText("#search", target.Properties.Occupants[0].Name)
		b.wait("the search answer", `!document.querySelector('#search-results').hidden && !officemap.state().busy`)
		var people int
		b.eval(`document.querySelectorAll('#search-results [data-kind="person"]').length`, &people)
		if people > 0 {
			t.Errorf("the viewer's search lists %d people", people)
		}
		b.key("Escape", 27)
		b.screenshot("viewer-accounts.png")
		b.signOut()
	}) {
		return
	}

	if !t.Run("auditor: second factor enrolment, the audit log and its CSV", func(t *testing.T) {
		b.t = t
		b.signIn("auditor", auditorPassword)
		b.wait("the enrolment page", `officemap.state().page === 'totp' && !!document.querySelector('#totp-qr svg path') &&
			document.querySelector('#totp-secret').textContent.length > 0`)
		var modules int
		b.eval(`Number(document.querySelector('#totp-qr svg').dataset.modules)`, &modules)
		if modules < 21 || (modules-17)%4 != 0 {
			t.Errorf("the QR code has %d modules a side", modules)
		}
		auditorSecret = strings.ReplaceAll(b.text("#totp-secret"), " ", "")
		b.extraShot("totp.png")
		code, err := identity.TOTPCode(auditorSecret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		b.typeText("#totp-code", code)
		b.clickSel("#totp-submit")
		b.inApp()
		st := b.state()
		if st.Tab != "audit" {
			t.Errorf("the auditor's tab = %q, want audit", st.Tab)
		}
		if b.visible("#map") || b.visible(`[data-tab="map"]`) || b.visible("#search") {
			t.Error("the auditor is shown the map or the search")
		}
		b.wait("the audit records", `document.querySelectorAll('#audit-table tbody tr').length > 0 && !officemap.state().busy`)
		b.screenshot("audit.png")
		type row struct{ Seq, Action, User, Text string }
		rows := func() []row {
			var rs []row
			b.eval(`[...document.querySelectorAll('#audit-table tbody tr')].map((tr) => ({seq: tr.dataset.seq,
				action: tr.dataset.action, user: tr.dataset.user, text: tr.textContent}))`, &rs)
			return rs
		}
		has := func(rs []row, action, user string) bool {
			return slices.ContainsFunc(rs, func(r row) bool { return r.Action == action && r.User == user })
		}
		all := rows()
		for _, u := range []string{"planner", "viewer", "auditor"} {
			if !has(all, "session.sign_in", u) {
				t.Errorf("the audit page lacks %s's sign-in", u)
			}
		}
		for _, u := range []string{"planner", "viewer"} {
			if !has(all, "session.sign_out", u) {
				t.Errorf("the audit page lacks %s's sign-out", u)
			}
		}
		if !has(all, "session.sign_in_failed", "planner") || !has(all, "session.sign_in_failed", "nobody") {
			t.Error("the audit page lacks the failed sign-ins")
		}

		b.typeText("#audit-user", "viewer")
		b.clickSel("#audit-search")
		b.wait("the viewer's records", `[...document.querySelectorAll('#audit-table tbody tr')].every((tr) => tr.dataset.user === 'viewer') &&
			!officemap.state().busy`)
		if rs := rows(); len(rs) == 0 || !has(rs, "session.sign_in", "viewer") || !has(rs, "user.passwd", "viewer") {
			t.Errorf("filtered by user viewer: %v", rs)
		}
		b.eval(`document.querySelector('#audit-user').value = ''`, nil)
		b.typeText("#audit-action", "session.sign_in_failed")
		b.clickSel("#audit-search")
		b.wait("the failures", `[...document.querySelectorAll('#audit-table tbody tr')].every((tr) => tr.dataset.action === 'session.sign_in_failed') &&
			!officemap.state().busy`)
		failures := rows()
		if len(failures) != 2 {
			t.Errorf("filtered by action: %d records, want the 2 failed sign-ins", len(failures))
		}

		// The CSV, built in the browser, downloaded.
		dir := t.TempDir()
		b.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
			return err
		}))
		b.clickSel("#audit-csv")
		var csv []byte
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) && csv == nil {
			files, _ := filepath.Glob(filepath.Join(dir, "officemap-audit-*.csv"))
			if len(files) == 1 {
				csv, _ = os.ReadFile(files[0])
			}
			time.Sleep(100 * time.Millisecond)
		}
		if csv == nil {
			t.Fatal("no CSV was downloaded")
		}
		text := strings.TrimPrefix(string(csv), "\ufeff")
		lines := strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n")
		if len(lines) != 1+len(failures) || !strings.HasPrefix(lines[0], "序号,时间（UTC）,用户") {
			t.Errorf("the CSV has %d lines (want %d) and header %q", len(lines), 1+len(failures), lines[0])
		}
		for _, l := range lines[1:] {
			if !strings.Contains(l, ",session.sign_in_failed,") {
				t.Errorf("CSV line %q is not a failed sign-in", l)
			}
		}
		b.signOut()
	}) {
		return
	}

	if !t.Run("auditor signs in again with the one-time code", func(t *testing.T) {
		b.t = t
		b.signIn("auditor", auditorPassword)
		b.wait("the one-time code field", `!document.querySelector('#signin-otp-row').hidden && !officemap.state().busy`)
		if got := b.text("#signin-otp-row"); !strings.Contains(got, "动态口令") {
			t.Errorf("one-time code label = %q", got)
		}
		code, err := identity.TOTPCode(auditorSecret, time.Now().Add(30*time.Second)) // the next code: a used one is refused
		if err != nil {
			t.Fatal(err)
		}
		b.typeText("#signin-otp", code)
		b.clickSel("#signin-submit")
		b.inApp()
		b.wait("the audit records", `document.querySelectorAll('#audit-table tbody tr').length > 0`)
	}) {
		return
	}

	t.Run("no external request, no console error, only the expected refusals", func(t *testing.T) {
		// Signed out, /api/v1/me is 401; the refused sign-ins and the one asking for the code, 401.
		b.checkClean(t, s.URL, func(st string) bool { return st == "401 GET /api/v1/me" || st == "401 POST /api/v1/session" })
	})
}

// TestBrowserSignInLimit: past the sign-in rate limit of an address, the page says to wait.
func TestBrowserSignInLimit(t *testing.T) {
	chromium(t)
	s, _, _ := serveAccounts(t, identity.Options{SignInPerMinute: 1, SignInBurst: 2, MaxHashing: 2})
	b := openBrowser(t, s.URL)
	b.do(chromedp.Navigate(s.URL + "/"))
	for range 2 {
		b.signIn("planner", "Wrong-password-1")
		b.wait("the refusal", `!officemap.state().busy && document.querySelector('#signin-password').value === ''`)
	}
	b.typeText("#signin-password", "Wrong-password-1")
	b.clickSel("#signin-submit")
	b.wait("the rate limit", `!officemap.state().busy && document.querySelector('#signin-error').textContent.includes('登录尝试次数过多')`)
	b.mu.Lock()
	defer b.mu.Unlock()
	if !slices.Contains(b.statuses, "429 POST /api/v1/session") {
		t.Errorf("no 429 among the answers: %q", b.statuses)
	}
	for _, p := range b.problems {
		t.Errorf("browser problem: %s", p)
	}
}

// TestBrowserSingleUser: with accounts off the app starts as it always did: no sign-in page, no user
// menu, no audit tab, every business tab and the editing button.
func TestBrowserSingleUser(t *testing.T) {
	chromium(t)
	s := startServer(t)
	b := openBrowser(t, s.URL)
	b.do(chromedp.Navigate(s.URL + "/"))
	b.settle()
	var st struct {
		Page     string `json:"page"`
		Tab      string `json:"tab"`
		Accounts *bool  `json:"accounts"`
		User     any    `json:"user"`
	}
	b.eval(`officemap.state()`, &st)
	if st.Page != "app" || st.Tab != "map" || st.Accounts == nil || *st.Accounts || st.User != nil {
		t.Errorf("single-user state: %+v", st)
	}
	if b.visible("#auth-view") || b.visible("#user") || b.visible(`[data-tab="audit"]`) || !b.visible(`[data-tab="dashboard"]`) ||
		!b.visible("#search") {
		t.Error("single-user mode shows account controls or lacks the business tabs")
	}
	b.clickSel("#card-overview li a")
	b.wait("the editing button", `!!document.querySelector('#edit-floor')`)
}
