package identity_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"officemap/floorplan/identity"
)

const idp = "https://idp.example.gov.cn"

// lastAction returns the newest audit record of action.
func (f *fixture) lastAction(t *testing.T, action string) identity.AuditRecord {
	t.Helper()
	recs, err := f.store.Audit(f.ctx, identity.AuditFilter{Action: action})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no %s record (%v)", action, err)
	}
	return recs[len(recs)-1]
}

func TestSignInExternalProvisionsAndMatches(t *testing.T) {
	f := newFixture(t, identity.Options{})
	claimed := identity.User{ExternalSubject: idp + "|s-1", Username: "ZhangSan", DisplayName: "张三"}
	u, sess, secret, err := f.SignInExternal(f.ctx, claimed, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "zhangsan" || u.DisplayName != "张三" || u.ExternalSubject != claimed.ExternalSubject ||
		u.PasswordHash != "" || len(u.Grants) != 0 || sess.MFA || secret == "" {
		t.Fatalf("provisioned %+v, session %+v", u, sess)
	}
	if got, _, err := f.Authenticate(f.ctx, secret, f.clock.Now()); err != nil || got.ID != u.ID {
		t.Fatalf("Authenticate = %v, %v", got.ID, err)
	}
	if r := f.lastAction(t, "session.sign_in_sso"); r.UserID != u.ID || r.Addr != "10.0.0.1" || !strings.Contains(r.Detail, "provisioned") {
		t.Errorf("audit %+v", r)
	}

	// The provider now gives roles: they replace the stored ones, and the change is audited. The
	// name at the provider changed too: the subject decides.
	claimed.Username = "zhangsan2"
	claimed.Grants = []identity.Grant{{Role: identity.RolePlanner}}
	again, _, _, err := f.SignInExternal(f.ctx, claimed, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != u.ID || again.Username != "zhangsan" || len(again.Grants) != 1 || again.Grants[0].Role != identity.RolePlanner {
		t.Fatalf("second sign-in %+v", again)
	}
	if r := f.lastAction(t, "user.role"); !strings.Contains(r.Detail, "planner") {
		t.Errorf("user.role audit %+v", r)
	}
	// Nil grants leave them alone (assigned locally).
	claimed.Grants = nil
	if third, _, _, err := f.SignInExternal(f.ctx, claimed, ""); err != nil || len(third.Grants) != 1 {
		t.Fatalf("third sign-in %+v, %v", third, err)
	}
	// The account has no password: it signs in only through the provider.
	if _, _, _, err := f.SignIn(f.ctx, "zhangsan", "", "", ""); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("password sign-in of an SSO account: %v", err)
	}
}

func TestSignInExternalLinksAccountMadeBeforehand(t *testing.T) {
	f := newFixture(t, identity.Options{})
	made, oneTime, err := f.AddUser(f.ctx, "lisi", []identity.Grant{{Role: identity.RoleInspector}}, "")
	if err != nil || oneTime == "" {
		t.Fatal(err)
	}
	u, _, _, err := f.SignInExternal(f.ctx, identity.User{ExternalSubject: idp + "|s-2", Username: "lisi"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != made.ID || u.ExternalSubject != idp+"|s-2" || u.MustChangePassword || u.PasswordHash != "" ||
		len(u.Grants) != 1 || u.Grants[0].Role != identity.RoleInspector {
		t.Fatalf("linked %+v", u)
	}
	if _, _, _, err := f.SignIn(f.ctx, "lisi", oneTime, "", ""); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("the unused one-time password still signs in: %v", err)
	}
}

func TestSignInExternalRefusals(t *testing.T) {
	f := newFixture(t, identity.Options{})
	linked, _, _, err := f.SignInExternal(f.ctx, identity.User{ExternalSubject: idp + "|taken", Username: "wangwu"}, "")
	if err != nil {
		t.Fatal(err)
	}
	f.add(t, "root", "Officemap-2026x", identity.RoleSysAdmin)
	off := f.add(t, "zhaoliu", "Officemap-2026x", identity.RoleViewer)
	if err := f.Disable(f.ctx, off.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		claimed identity.User
		why     string
	}{
		{"name linked to another subject", identity.User{ExternalSubject: idp + "|other", Username: linked.Username}, "another subject"},
		{"administrator", identity.User{ExternalSubject: idp + "|root", Username: "root"}, "administrator"},
		{"administrator role from the claim", identity.User{ExternalSubject: idp + "|new", Username: "newbie",
			Grants: []identity.Grant{{Role: identity.RoleSecAdmin}}}, "administrator"},
		{"disabled", identity.User{ExternalSubject: idp + "|off", Username: "zhaoliu"}, "disabled"},
		{"unusable name", identity.User{ExternalSubject: idp + "|bad", Username: "a|b"}, "user name"},
		{"no subject", identity.User{Username: "nobody"}, "no subject"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, secret, err := f.SignInExternal(f.ctx, tc.claimed, "10.0.0.9")
			if !errors.Is(err, identity.ErrUnauthenticated) || secret != "" {
				t.Fatalf("err %v, secret %q", err, secret)
			}
			r := f.lastAction(t, "session.sign_in_failed")
			if r.Outcome != identity.OutcomeFailed || !strings.Contains(r.Detail, tc.why) || r.Addr != "10.0.0.9" {
				t.Errorf("audit %+v", r)
			}
		})
	}
	if _, err := f.store.UserByName(f.ctx, "newbie"); err == nil {
		t.Error("an account was provisioned with an administrator role")
	}
	f.clock.Pass(time.Minute)
	if u, _, _, err := f.SignInExternal(f.ctx, identity.User{ExternalSubject: idp + "|taken", Username: "wangwu"}, ""); err != nil || u.ID != linked.ID {
		t.Errorf("the linked subject itself: %v", err)
	}
}
