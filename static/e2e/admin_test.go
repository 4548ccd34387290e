package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"officemap/floorplan/identity"
)

// TestBrowserAdmin: the system administrator adds a user on the administrators' page (系统管理) and sees
// its one-time password once; the security administrator grants it the viewer role.
func TestBrowserAdmin(t *testing.T) {
	chromium(t)
	s, svc, store := serveAccounts(t, identity.Options{SignInPerMinute: 100, MaxHashing: 2})
	ctx := context.Background()
	secrets := map[string]string{}
	for name, role := range map[string]identity.Role{"sys": identity.RoleSysAdmin, "sec": identity.RoleSecAdmin} {
		u, _, err := svc.AddUser(ctx, name, []identity.Grant{{Role: role}}, "Admin-2026!x")
		if err != nil {
			t.Fatal(err)
		}
		secret, _, err := svc.EnrolTOTP(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		code, _ := identity.TOTPCode(secret, time.Now())
		if err := svc.ConfirmTOTP(ctx, u.ID, code); err != nil {
			t.Fatal(err)
		}
		secrets[name] = secret
	}
	b := openBrowser(t, s.URL)
	b.do(chromedp.Navigate(s.URL + "/"))
	signInWithCode := func(name string) {
		b.signIn(name, "Admin-2026!x")
		b.wait("the one-time code field", `!document.querySelector('#signin-otp-row').hidden && !officemap.state().busy`)
		code, _ := identity.TOTPCode(secrets[name], time.Now().Add(30*time.Second)) // the next code: the confirming one is used up
		b.typeText("#signin-otp", code)
		b.clickSel("#signin-submit")
		b.inApp()
		b.wait("the administrators' page", `officemap.state().tab === 'admin' && document.querySelectorAll('#admin-users tbody tr').length >= 2`)
	}

	var password string
	if !t.Run("sysadmin adds a user and sees its one-time password once", func(t *testing.T) {
		b.t = t
		signInWithCode("sys")
		if got := b.text(`[data-tab="admin"]`); got != "系统管理" {
			t.Errorf("tab = %q", got)
		}
		if b.visible(".admin-grants") {
			t.Error("the system administrator is offered the grants")
		}
		b.typeText("#admin-new-username", "zhangsan")
		b.clickSel("#admin-add-submit")
		b.wait("the one-time password", `!!document.querySelector('#admin-onetime-password') && !!document.querySelector('#admin-users tr[data-username="zhangsan"]')`)
		password = b.text("#admin-onetime-password")
		if len(password) < 8 || !strings.Contains(b.text("#admin-onetime"), "仅显示这一次") {
			t.Errorf("one-time password %q, box %q", password, b.text("#admin-onetime"))
		}
		b.clickSel("#admin-onetime-done")
		b.wait("the password gone", `!document.querySelector('#admin-onetime-password')`)
		b.signOut()
	}) {
		return
	}
	t.Run("secadmin grants it the viewer role", func(t *testing.T) {
		b.t = t
		signInWithCode("sec")
		if b.visible("#admin-add") || b.visible(".admin-reset") {
			t.Error("the security administrator is offered accounts")
		}
		b.clickSel(`#admin-users tr[data-username="zhangsan"] .admin-grants`)
		b.wait("the grants editor", `!!document.querySelector('#admin-grants')`)
		b.clickSel("#grant-add")
		b.wait("a grant row", `document.querySelectorAll('#admin-grants .grant-row').length === 1`)
		b.clickSel("#grant-save")
		b.wait("the grant saved", `!document.querySelector('#admin-grants') &&
			(document.querySelector('#admin-users tr[data-username="zhangsan"] td:nth-child(2)')?.textContent || '') === '查看人员'`)
		u, err := store.UserByName(ctx, "zhangsan")
		if err != nil {
			t.Fatal(err)
		}
		if len(u.Grants) != 1 || u.Grants[0].Role != identity.RoleViewer {
			t.Errorf("grants = %+v", u.Grants)
		}
		recs, err := svc.AuditLog(ctx, identity.AuditFilter{Action: "user.role"})
		if err != nil || len(recs) != 1 || recs[0].Username != "sec" {
			t.Errorf("audit: %v %+v", err, recs)
		}
	})
	// The one-time password works once: the new user signs in and must change it.
	status, _, body := s.do("POST", "/api/v1/session", map[string]string{"username": "zhangsan", "password": password}, nil)
	if status != 200 || !strings.Contains(string(body), `"must_change_password":true`) {
		t.Errorf("sign-in with the one-time password: %d %s", status, body)
	}
}
