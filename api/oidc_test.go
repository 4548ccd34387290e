package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"officemap/api"
	"officemap/floorplan/identity"
	"officemap/floorplan/identity/oidc"
	"officemap/floorplan/identity/oidc/oidctest"
)

// Single sign-on against a real OpenID provider (oidctest: zitadel's op on an httptest server): the
// browser is an http.Client with a cookie jar that follows redirects, and signs in on the provider's
// login page.

// ssoEnv is an authEnv whose server has single sign-on on, and its provider.
type ssoEnv struct {
	*authEnv
	op *oidctest.Provider
}

func newSSOEnv(t *testing.T) *ssoEnv {
	t.Helper()
	var op *oidctest.Provider
	e := startAuthEnv(t, func(base string) *oidc.Config {
		// The provider registers the server's callback.
		op = oidctest.Start(t, "officemap", "client-secret", base+"/api/v1/session/oidc/callback")
		cfg, err := oidc.FromEnv(func(k string) string {
			return map[string]string{
				oidc.EnvIssuer: op.URL, oidc.EnvClientID: "officemap", oidc.EnvClientSecret: "client-secret",
				oidc.EnvRedirectURL: base + "/api/v1/session/oidc/callback",
				oidc.EnvRolesClaim:  "roles", oidc.EnvRoleMap: "gov-planner=planner,gov-viewer=viewer",
			}[k]
		})
		if err != nil {
			t.Fatal(err)
		}
		return &cfg
	})
	return &ssoEnv{authEnv: e, op: op}
}

// ssoSignIn drives a browser through single sign-on as the provider's user username and returns it
// with the last response: the app's page at / when officemap accepted the sign-in.
func (e *ssoEnv) ssoSignIn(username string) (*client, *http.Response, []byte) {
	t := e.t
	t.Helper()
	c := e.anonymous()
	res, err := c.http.Get(e.ts.URL + "/api/v1/session/oidc")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Request.URL.String(), e.op.URL+"/login") {
		t.Fatalf("sign-in start: %d at %s, want the provider's login page", res.StatusCode, res.Request.URL)
	}
	res, err = c.http.PostForm(e.op.URL+"/login", url.Values{"id": {res.Request.URL.Query().Get("id")},
		"username": {username}, "password": {"idp-password"}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return c, res, body
}

func TestSingleSignOn(t *testing.T) {
	e := newSSOEnv(t)
	e.op.AddUser(oidctest.User{Subject: "31c8f0a2", Username: "zhangsan", Password: "idp-password", Name: "张三",
		Roles: []string{"gov-planner", "gov-unrelated"}})

	// The redirect to the provider keeps state, nonce and verifier in a short-lived, HttpOnly,
	// SameSite=Lax cookie sent only to the single sign-on routes.
	c := e.anonymous()
	c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res := c.do("GET", "/api/v1/session/oidc", nil).expect(t, http.StatusFound)
	if loc := res.header.Get("Location"); !strings.HasPrefix(loc, e.op.URL+"/authorize?") || !strings.Contains(loc, "code_challenge_method=S256") {
		t.Errorf("Location %s", loc)
	}
	var pending *http.Cookie
	for _, ck := range (&http.Response{Header: res.header}).Cookies() {
		if ck.Name == api.SSOPendingCookie {
			pending = ck
		}
	}
	if pending == nil || !pending.HttpOnly || pending.SameSite != http.SameSiteLaxMode || pending.Path != "/api/v1/session/oidc" ||
		pending.MaxAge <= 0 || pending.MaxAge > 600 {
		t.Errorf("pending sign-in cookie %+v", pending)
	}

	// The whole code flow: provisioned with the roles the claim maps to.
	c, last, body := e.ssoSignIn("zhangsan")
	if last.StatusCode != 200 || last.Request.URL.String() != e.ts.URL+"/" {
		t.Fatalf("after sign-in: %d at %s: %s", last.StatusCode, last.Request.URL, body)
	}
	var me struct {
		User struct {
			ID          string   `json:"id"`
			Username    string   `json:"username"`
			DisplayName string   `json:"display_name"`
			Roles       []string `json:"roles"`
		} `json:"user"`
	}
	c.do("GET", "/api/v1/me", nil).expect(t, 200).decode(t, &me)
	if me.User.Username != "zhangsan" || me.User.DisplayName != "张三" || strings.Join(me.User.Roles, ",") != "planner" {
		t.Errorf("me = %+v", me.User)
	}
	u, err := e.ids.UserBySubject(context.Background(), e.op.URL+"|31c8f0a2")
	if err != nil || u.PasswordHash != "" || u.ID.String() != me.User.ID {
		t.Fatalf("provisioned user %+v, %v", u, err)
	}
	if !e.hasAudit("zhangsan", "session.sign_in_sso", "user zhangsan", identity.OutcomeOK) {
		t.Error("no session.sign_in_sso record")
	}

	// The second sign-in matches the same user; the provider's roles have changed, and so do its grants.
	e.op.AddUser(oidctest.User{Subject: "31c8f0a2", Username: "zhangsan", Password: "idp-password", Name: "张三",
		Roles: []string{"gov-viewer"}})
	c2, last, body := e.ssoSignIn("zhangsan")
	if last.StatusCode != 200 {
		t.Fatalf("second sign-in: %d %s", last.StatusCode, body)
	}
	var again struct {
		User struct {
			ID    string   `json:"id"`
			Roles []string `json:"roles"`
		} `json:"user"`
	}
	c2.do("GET", "/api/v1/me", nil).expect(t, 200).decode(t, &again)
	if again.User.ID != me.User.ID || strings.Join(again.User.Roles, ",") != "viewer" {
		t.Errorf("second sign-in: %+v, want user %s as viewer", again.User, me.User.ID)
	}
	if users, _ := e.ids.Users(context.Background()); len(users) != 1 {
		t.Errorf("%d users, want 1", len(users))
	}
	if !e.hasAudit("zhangsan", "user.role", "user zhangsan", identity.OutcomeOK) {
		t.Error("the change of roles is not audited")
	}
	// Both sessions stand, and the viewer may not draw.
	c.do("GET", "/api/v1/me", nil).expect(t, 200)
	c2.do("POST", "/api/v1/buildings", map[string]any{}).expectError(t, 403, "forbidden")
}

// TestSingleSignOnRefused: answers that must not become a session, each refused with a 401 that says
// nothing of why, and audited with the reason.
func TestSingleSignOnRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*ssoEnv)
		why   string
	}{
		{"bad signature", func(e *ssoEnv) { e.op.SignWithUnpublishedKey() }, "signature"},
		{"expired token", func(e *ssoEnv) { e.op.SetIDTokenLifetime(-time.Hour) }, "expired"},
		{"wrong audience", func(e *ssoEnv) { e.op.IssueTokensFor("another-client") }, "audience"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newSSOEnv(t)
			e.op.AddUser(oidctest.User{Subject: "s-1", Username: "lisi", Password: "idp-password", Roles: []string{"gov-planner"}})
			tc.setup(e)
			c, last, body := e.ssoSignIn("lisi")
			if last.StatusCode != 401 || last.Request.URL.Path != "/api/v1/session/oidc/callback" {
				t.Fatalf("%d at %s: %s", last.StatusCode, last.Request.URL, body)
			}
			var msg struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(body, &msg); err != nil || msg.Error.Code != "unauthenticated" {
				t.Errorf("body %s", body)
			}
			if strings.Contains(strings.ToLower(string(body)), tc.why) {
				t.Errorf("the reason leaks: %s", body)
			}
			for _, ck := range last.Header.Values("Set-Cookie") {
				if strings.HasPrefix(ck, api.SessionCookie+"=") {
					t.Errorf("a session cookie: %s", ck)
				}
			}
			c.do("GET", "/api/v1/me", nil).expectError(t, 401, "unauthenticated")
			if users, _ := e.ids.Users(context.Background()); len(users) != 0 {
				t.Errorf("%d users provisioned", len(users))
			}
			found := false
			for _, r := range e.auditLog(identity.AuditFilter{Action: "session.sign_in_failed"}) {
				found = found || (r.Outcome == identity.OutcomeFailed && strings.Contains(r.Detail, tc.why))
			}
			if !found {
				t.Errorf("no session.sign_in_failed record naming %q", tc.why)
			}
		})
	}

	t.Run("callback without a pending sign-in", func(t *testing.T) {
		e := newSSOEnv(t)
		e.anonymous().do("GET", "/api/v1/session/oidc/callback?code=x&state=y", nil).expectError(t, 401, "unauthenticated")
	})
}

// TestSingleSignOnRoutes: with single sign-on on, every route has a rule and is documented, and the
// single sign-on routes are open to anyone.
func TestSingleSignOnRoutes(t *testing.T) {
	e := newSSOEnv(t)
	rules := api.RouteRules()
	for k, r := range api.SSORouteRules() {
		if !r.Anonymous {
			t.Errorf("%s is not open to anyone", k)
		}
		rules[k] = r
	}
	_, routed := checkRules(t, e.srv, rules)
	for _, k := range []string{"GET /api/v1/session/oidc", "GET /api/v1/session/oidc/callback"} {
		if !routed[k] {
			t.Errorf("%s is not routed", k)
		}
	}
	e.addUser("sso_viewer", identity.Grant{Role: identity.RoleViewer})
	checkDocumented(t, e.signIn("sso_viewer").do("GET", "/api/v1/openapi.json", nil).expect(t, 200), routed)
}
