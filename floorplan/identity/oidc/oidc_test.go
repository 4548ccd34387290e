package oidc_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"officemap/floorplan/identity"
	"officemap/floorplan/identity/identitytest"
	"officemap/floorplan/identity/oidc"
	"officemap/floorplan/identity/oidc/oidctest"
)

// The relying party against a real OpenID provider (oidctest: zitadel's op) on an httptest server.

const redirectURL = "http://officemap.test/api/v1/session/oidc/callback"

type env struct {
	op    *oidctest.Provider
	cfg   oidc.Config
	clock *identitytest.Clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	op := oidctest.Start(t, "officemap", "s3cret", redirectURL)
	op.AddUser(oidctest.User{Subject: "u-100", Username: "zhangsan", Password: "pw", Name: "张三",
		Roles: []string{"gov-planner", "unrelated"}})
	c := identitytest.NewClock(time.Now())
	cfg := oidc.Config{Issuer: op.URL, ClientID: "officemap", ClientSecret: "s3cret", RedirectURL: redirectURL,
		RolesClaim: "roles", RoleMap: map[string][]identity.Role{"gov-planner": {identity.RolePlanner}, "gov-viewer": {identity.RoleViewer}},
		Now: c.Now}
	return &env{op: op, cfg: cfg, clock: c}
}

// authorize drives the browser's part: it opens the provider's authorisation URL, signs in on its
// login page and returns the query the provider sends back to the redirect URL.
func authorize(t *testing.T, authURL, username, password string) url.Values {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	var back *url.URL
	client := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), redirectURL) {
			back = req.URL
			return http.ErrUseLastResponse
		}
		return nil
	}}
	res, err := client.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Request.URL.Path != "/login" {
		t.Fatalf("authorize: %d at %s, want the login page", res.StatusCode, res.Request.URL)
	}
	id := res.Request.URL.Query().Get("id")
	login := *res.Request.URL
	login.RawQuery = ""
	res, err = client.PostForm(login.String(), url.Values{"id": {id}, "username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if back == nil {
		t.Fatalf("login: %d, not sent back to the redirect URL", res.StatusCode)
	}
	return back.Query()
}

// begin starts a sign-in with rp and signs in as zhangsan at the provider: it returns the sealed
// pending sign-in and the query the provider sends back to the redirect URL.
func begin(t *testing.T, rp *oidc.RelyingParty) (sealed string, back url.Values) {
	t.Helper()
	authURL, sealed, err := rp.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	q := u.Query()
	if q.Get("state") == "" || q.Get("nonce") == "" || q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" {
		t.Fatalf("authorisation URL without state, nonce or PKCE: %s", authURL)
	}
	return sealed, authorize(t, authURL, "zhangsan", "pw")
}

// signIn runs the whole flow with rp.
func (e *env) signIn(t *testing.T, rp *oidc.RelyingParty) (identity.User, error) {
	t.Helper()
	sealed, q := begin(t, rp)
	return rp.Finish(context.Background(), sealed, q)
}

func (e *env) rp(t *testing.T) *oidc.RelyingParty {
	t.Helper()
	rp, err := oidc.New(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rp
}

func TestCodeFlow(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sparse bool // claims at the userinfo endpoint only
		local  bool // roles assigned locally
	}{
		{name: "claims in the ID token"},
		{name: "claims at the userinfo endpoint", sparse: true},
		{name: "roles assigned locally", local: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if tc.sparse {
				e.op.ClaimsAtUserinfoOnly()
			}
			if tc.local {
				e.cfg.RolesClaim, e.cfg.RoleMap = "", nil
			}
			u, err := e.signIn(t, e.rp(t))
			if err != nil {
				t.Fatal(err)
			}
			if u.ExternalSubject != e.op.URL+"|u-100" || u.Username != "zhangsan" || u.DisplayName != "张三" {
				t.Errorf("user %+v", u)
			}
			switch {
			case tc.local && u.Grants != nil:
				t.Errorf("grants %v, want nil (assigned locally)", u.Grants)
			case !tc.local && (len(u.Grants) != 1 || u.Grants[0] != identity.Grant{Role: identity.RolePlanner}):
				t.Errorf("grants %v, want planner", u.Grants)
			}
		})
	}
}

// TestRefused: an answer the relying party must not accept, from a provider that misbehaves or a
// browser that replays or forges.
func TestRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(e *env)
		why   string
	}{
		{"bad signature", func(e *env) { e.op.SignWithUnpublishedKey() }, "signature"},
		{"expired token", func(e *env) { e.op.SetIDTokenLifetime(-time.Hour) }, "expired"},
		{"expired beyond the allowed skew", func(e *env) {
			e.op.SetIDTokenLifetime(-2 * time.Minute)
			e.cfg.ClockSkew = time.Minute
		}, "expired"},
		{"wrong audience", func(e *env) { e.op.IssueTokensFor("another-client") }, "audience"},
		{"relying party with another client id", func(e *env) { e.cfg.ClientID = "impostor" }, ""},
		{"wrong issuer configured", func(e *env) { e.cfg.Issuer += "/" }, "issuer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			tc.setup(e)
			rp := e.rp(t)
			authURL, sealed, err := rp.Begin(context.Background())
			if err != nil {
				if tc.why == "issuer" && strings.Contains(err.Error(), "issuer") {
					return // discovery refuses a provider that names another issuer
				}
				t.Fatal(err)
			}
			var q url.Values
			if tc.why == "" {
				// The provider knows no such client: it never even shows its login page.
				res, err := http.Get(authURL)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.Request.URL.Path == "/login" {
					t.Fatal("the provider let an unknown client sign in")
				}
				return
			}
			q = authorize(t, authURL, "zhangsan", "pw")
			u, err := rp.Finish(context.Background(), sealed, q)
			if !errors.Is(err, oidc.ErrRefused) || !strings.Contains(err.Error(), tc.why) {
				t.Fatalf("Finish = %+v, %v; want refused for %s", u, err, tc.why)
			}
			t.Log(err)
		})
	}
	t.Run("within the skew", func(t *testing.T) {
		e := newEnv(t)
		e.op.SetIDTokenLifetime(-30 * time.Second)
		e.cfg.ClockSkew = time.Minute
		if _, err := e.signIn(t, e.rp(t)); err != nil {
			t.Fatalf("a token 30 s past expiry with 1 min skew: %v", err)
		}
	})
}

// TestPendingSignIn: the state, the sealed pending sign-in and its lifetime.
func TestPendingSignIn(t *testing.T) {
	e := newEnv(t)
	rp := e.rp(t)
	sealed, q := begin(t, rp)
	payload, sig, _ := strings.Cut(sealed, ".")
	wrongState := url.Values{"state": {"x"}, "code": {q.Get("code")}}
	for _, tc := range []struct {
		name   string
		sealed string
		query  url.Values
		why    string
	}{
		{"no pending sign-in", "", q, "no pending"},
		{"forged pending sign-in", payload + "x." + sig, q, "no pending"},
		{"pending of another relying party", func() string { _, s, _ := e.rp(t).Begin(context.Background()); return s }(), q, "state"},
		{"state mismatch", sealed, wrongState, "state"},
		{"the provider's error", sealed, url.Values{"error": {"access_denied"}, "state": q["state"]}, "access_denied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := rp.Finish(context.Background(), tc.sealed, tc.query); !errors.Is(err, oidc.ErrRefused) || !strings.Contains(err.Error(), tc.why) {
				t.Fatalf("Finish: %v, want refused for %s", err, tc.why)
			}
		})
	}
	e.clock.Pass(oidc.PendingLifetime)
	if _, err := rp.Finish(context.Background(), sealed, q); !errors.Is(err, oidc.ErrRefused) || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("Finish after the pending lifetime: %v", err)
	}
}

// TestCodeUsedOnce: a replayed callback is refused by the provider.
func TestCodeUsedOnce(t *testing.T) {
	e := newEnv(t)
	rp := e.rp(t)
	sealed, q := begin(t, rp)
	if _, err := rp.Finish(context.Background(), sealed, q); err != nil {
		t.Fatal(err)
	}
	if _, err := rp.Finish(context.Background(), sealed, q); !errors.Is(err, oidc.ErrRefused) {
		t.Fatalf("replay: %v", err)
	}
}

func TestFromEnv(t *testing.T) {
	base := map[string]string{
		oidc.EnvIssuer: "https://idp.example.gov.cn/realms/js", oidc.EnvClientID: "officemap",
		oidc.EnvClientSecret: "s", oidc.EnvRedirectURL: "https://officemap.example.gov.cn/api/v1/session/oidc/callback",
		oidc.EnvRolesClaim: "realm_access.roles", oidc.EnvRoleMap: "gov-planner=planner, gov-viewer=viewer,gov-all=viewer,gov-all=inspector",
		oidc.EnvScopes: "openid profile,email", oidc.EnvClockSkew: "30s",
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for kk, vv := range base {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	get := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	c, err := oidc.FromEnv(get(base))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Enabled() || c.ClockSkew != 30*time.Second || len(c.Scopes) != 3 || c.UserClaim != "" ||
		len(c.RoleMap["gov-all"]) != 2 || c.RoleMap["gov-planner"][0] != identity.RolePlanner {
		t.Errorf("config %+v", c)
	}
	if c, err := oidc.FromEnv(get(nil)); err != nil || c.Enabled() {
		t.Errorf("without an issuer: %+v, %v", c, err)
	}
	for _, tc := range []struct {
		name, key, value, why string
	}{
		{"no client id", oidc.EnvClientID, "", oidc.EnvClientID},
		{"relative redirect", oidc.EnvRedirectURL, "/api/v1/session/oidc/callback", oidc.EnvRedirectURL},
		{"unknown role", oidc.EnvRoleMap, "gov-x=king", "unknown role"},
		{"administrator role", oidc.EnvRoleMap, "gov-x=sysadmin", "administrator"},
		{"agency manager", oidc.EnvRoleMap, "gov-x=agency_manager", "agency"},
		{"malformed map", oidc.EnvRoleMap, "gov-x", "claim-value=role"},
		{"roles claim without map", oidc.EnvRoleMap, "", oidc.EnvRoleMap},
		{"map without roles claim", oidc.EnvRolesClaim, "", oidc.EnvRolesClaim},
		{"bad skew", oidc.EnvClockSkew, "a minute", oidc.EnvClockSkew},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := oidc.FromEnv(get(with(tc.key, tc.value)))
			if !errors.Is(err, oidc.ErrConfig) || !strings.Contains(err.Error(), tc.why) {
				t.Fatalf("err %v, want one naming %s", err, tc.why)
			}
		})
	}
}
