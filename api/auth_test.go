package api_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/api"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/identity"
	"officemap/floorplan/identity/identitytest"
	"officemap/floorplan/identity/oidc"
)

// The account tests: a server with Deps.Identity on the package's PostGIS register and an in-memory
// identity store, driven by a clock the test moves.

const testPassword = "Officemap-2026"

// authEnv is a server with accounts on.
type authEnv struct {
	t     *testing.T
	ids   *identitytest.Store // nil on the PostGIS identity store
	svc   *identity.Service
	srv   *api.Server
	ts    *httptest.Server
	clock *identitytest.Clock
}

func newAuthEnv(t *testing.T) *authEnv {
	t.Helper()
	return startAuthEnv(t, nil)
}

// startAuthEnv starts a server with accounts on the package's PostGIS register and an in-memory identity
// store, driven by a clock the test moves. sso, when not nil, turns single sign-on on with the
// configuration it makes for the server's URL.
func startAuthEnv(t *testing.T, sso func(url string) *oidc.Config) *authEnv {
	t.Helper()
	store := openStore(t)
	id := newTestIdentity()
	e := serveEnv(t, api.Config{}, func(url string) api.Deps {
		d := api.Deps{
			Store:            store,
			Register:         api.NewRegister(store, id.svc),
			Identity:         id.svc,
			Now:              id.clock.Now,
			ExportGeoPackage: gpkg.Export,
			Static:           appPage("Content-Security-Policy", "default-src 'self'; frame-ancestors 'self'"),
		}
		if sso != nil {
			d.OIDC = sso(url)
			d.OIDC.Now = id.clock.Now
		}
		return d
	})
	return id.on(e)
}

// testIdentity is an in-memory identity store and its service on a test clock that starts now (to the
// second).
type testIdentity struct {
	ids   *identitytest.Store
	svc   *identity.Service
	clock *identitytest.Clock
}

func newTestIdentity() testIdentity {
	clock := identitytest.NewClock(time.Now().UTC().Truncate(time.Second))
	ids := identitytest.New()
	ids.Now = clock.Now
	svc := identity.NewService(ids, identity.Options{Now: clock.Now, SignInPerMinute: 1000, MaxHashing: 4})
	return testIdentity{ids: ids, svc: svc, clock: clock}
}

// on is the authEnv of these accounts on the server of e.
func (i testIdentity) on(e *env) *authEnv {
	return &authEnv{t: e.t, ids: i.ids, svc: i.svc, srv: e.srv, ts: e.ts, clock: i.clock}
}

// signedIn makes a user with the test password and grants, and signs them in.
func (e *authEnv) signedIn(name string, grants ...identity.Grant) *client {
	e.t.Helper()
	e.addUser(name, grants...)
	return e.signIn(name)
}

// addUser makes a user with the test password and grants, at the console (no caller).
func (e *authEnv) addUser(name string, grants ...identity.Grant) identity.User {
	e.t.Helper()
	u, _, err := e.svc.AddUser(context.Background(), name, grants, testPassword)
	if err != nil {
		e.t.Fatalf("add user %s: %v", name, err)
	}
	return u
}

// client is one browser: a cookie jar, or a bearer token.
type client struct {
	e      *authEnv
	http   *http.Client
	bearer string
}

func (e *authEnv) anonymous() *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &client{e: e, http: &http.Client{Jar: jar}}
}

// signIn signs name in (with otp when given) and returns its browser.
func (e *authEnv) signIn(name string, otp ...string) *client {
	e.t.Helper()
	c := e.anonymous()
	body := map[string]any{"username": name, "password": testPassword}
	if len(otp) > 0 {
		body["otp"] = otp[0]
	}
	c.do("POST", "/api/v1/session", body).expect(e.t, 200)
	return c
}

// withTOTP enrols a second factor for name at the console and returns its secret.
func (e *authEnv) withTOTP(u identity.User) string {
	e.t.Helper()
	ctx := context.Background()
	secret, _, err := e.svc.EnrolTOTP(ctx, u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.ConfirmTOTP(ctx, u.ID, e.code(secret)); err != nil {
		e.t.Fatal(err)
	}
	return secret
}

func (e *authEnv) code(secret string) string {
	e.t.Helper()
	code, err := identity.TOTPCode(secret, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return code
}

// nextCode is the code of secret for the next time step: an authenticator's next code, which the
// server takes (one step of skew) after the current one was used (a code is good once only).
func (e *authEnv) nextCode(secret string) string {
	e.t.Helper()
	code, err := identity.TOTPCode(secret, e.clock.Now().Add(30*time.Second))
	if err != nil {
		e.t.Fatal(err)
	}
	return code
}

// do sends a request as c, like env.do.
func (c *client) do(method, path string, body any, headers ...string) response {
	c.e.t.Helper()
	if c.bearer != "" {
		headers = append([]string{"Authorization", "Bearer " + c.bearer}, headers...)
	}
	return send(c.e.t, c.http, method, c.e.ts.URL+path, body, headers...)
}

// fixture makes a site, a building and a floor as c (who must be allowed to).
func (c *client) fixture() fixture {
	c.e.t.Helper()
	return c.fixtureIn(uuid.Nil)
}

// fixtureIn makes a site in jurisdiction j (uuid.Nil: the city level) with a building and a floor as c.
func (c *client) fixtureIn(j uuid.UUID) fixture {
	c.e.t.Helper()
	site := map[string]any{"name": "集中办公区", "category": "office.party_government", "ownership": "registered"}
	if j != uuid.Nil {
		site["jurisdiction_id"] = j
	}
	return newFixture(c.e.t, c, site, map[string]any{"ordinal": 2, "name": "3F"})
}

// auditLog reads the audit log at the console.
func (e *authEnv) auditLog(f identity.AuditFilter) []identity.AuditRecord {
	e.t.Helper()
	recs, err := e.svc.AuditLog(context.Background(), f)
	if err != nil {
		e.t.Fatal(err)
	}
	return recs
}

// hasAudit reports whether the log holds a record of action by user whose target starts with target.
func (e *authEnv) hasAudit(user, action, target, outcome string) bool {
	for _, r := range e.auditLog(identity.AuditFilter{User: user, Action: action}) {
		if strings.HasPrefix(r.Target, target) && (outcome == "" || r.Outcome == outcome) {
			return true
		}
	}
	return false
}

func sessionCookie(t *testing.T, res response) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name == api.SessionCookie {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", api.SessionCookie, res.header.Values("Set-Cookie"))
	return nil
}

func TestSignInAndOut(t *testing.T) {
	e := newAuthEnv(t)
	e.addUser("planner1", identity.Grant{Role: identity.RolePlanner})

	c := e.anonymous()
	res := c.do("POST", "/api/v1/session", map[string]any{"username": "planner1", "password": testPassword}).expect(t, 200)
	cookie := sessionCookie(t, res)
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure {
		t.Errorf("cookie over plain HTTP = %+v, want HttpOnly, SameSite=Lax, Path=/, not Secure", cookie)
	}
	var body struct {
		User struct {
			ID                 uuid.UUID `json:"id"`
			Username           string    `json:"username"`
			Roles              []string  `json:"roles"`
			Scopes             []any     `json:"scopes"`
			Actions            []string  `json:"actions"`
			MustChangePassword bool      `json:"must_change_password"`
			NeedsTOTP          bool      `json:"needs_totp"`
		} `json:"user"`
	}
	res.decode(t, &body)
	if body.User.Username != "planner1" || len(body.User.Roles) != 1 || body.User.Roles[0] != "planner" ||
		len(body.User.Scopes) != 1 || body.User.MustChangePassword || body.User.NeedsTOTP {
		t.Errorf("sign-in body = %s", res.body)
	}
	if strings.Contains(string(res.body), "hash") || strings.Contains(string(res.body), "argon") {
		t.Errorf("sign-in leaks the password hash: %s", res.body)
	}
	c.do("GET", "/api/v1/me", nil).expect(t, 200)
	c.do("GET", "/api/v1/sites", nil).expect(t, 200)
	if !e.hasAudit("planner1", "session.sign_in", "user planner1", identity.OutcomeOK) {
		t.Error("no session.sign_in record")
	}

	out := c.do("DELETE", "/api/v1/session", nil).expect(t, 204)
	if cleared := sessionCookie(t, out); cleared.MaxAge >= 0 && cleared.Value != "" {
		t.Errorf("sign-out does not clear the cookie: %+v", cleared)
	}
	c.do("GET", "/api/v1/me", nil).expectError(t, 401, "unauthenticated")
	// The session ended on the server: the old cookie, replayed, is refused.
	replay := e.anonymous()
	replay.do("GET", "/api/v1/me", nil, "Cookie", api.SessionCookie+"="+cookie.Value).expectError(t, 401, "unauthenticated")
	if !e.hasAudit("planner1", "session.sign_out", "user planner1", identity.OutcomeOK) {
		t.Error("no session.sign_out record")
	}
	// Signing out without a session is no error.
	e.anonymous().do("DELETE", "/api/v1/session", nil).expect(t, 204)
}

func TestUnauthenticated(t *testing.T) {
	e := newAuthEnv(t)
	e.addUser("viewer1", identity.Grant{Role: identity.RoleViewer})
	c := e.anonymous()

	for _, p := range []string{"/api/v1/sites", "/api/v1/me", "/api/v1/audit", "/api/v1/openapi.json",
		"/ogc/collections", "/tiles/rooms.json", "/api/v1/no-such-route"} {
		res := c.do("GET", p, nil)
		res.expectError(t, 401, "unauthenticated")
		if !strings.HasPrefix(p, "/tiles/") && res.header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control = %q", p, res.header.Get("Cache-Control"))
		}
	}
	c.do("GET", "/healthz", nil).expect(t, 200)
	c.do("GET", "/readyz", nil).expect(t, 200)
	c.do("GET", "/", nil).expect(t, 200)
	c.do("GET", "/floors/anything", nil).expect(t, 200) // the app's client-side routes
	c.do("GET", "/verify/ABC123", nil).expect(t, 404)   // an unknown code's verification page, open to anyone

	// Wrong password, unknown user and garbage: one status, one code, one message.
	wrong := c.do("POST", "/api/v1/session", map[string]any{"username": "viewer1", "password": "Wrong-password-1"})
	unknown := c.do("POST", "/api/v1/session", map[string]any{"username": "nobody", "password": testPassword})
	m1 := wrong.expectError(t, 401, "unauthenticated")["message"]
	m2 := unknown.expectError(t, 401, "unauthenticated")["message"]
	if m1 != m2 {
		t.Errorf("messages differ: %q vs %q", m1, m2)
	}
	c.do("POST", "/api/v1/session", "{").expectError(t, 400, "bad_request")

	// A stale cookie is refused and cleared.
	res := c.do("GET", "/api/v1/sites", nil, "Cookie", api.SessionCookie+"=not-a-session")
	res.expectError(t, 401, "unauthenticated")
	if ck := sessionCookie(t, res); ck.MaxAge >= 0 && ck.Value != "" {
		t.Errorf("stale cookie not cleared: %+v", ck)
	}
	zh := c.do("GET", "/api/v1/sites", nil, "Accept-Language", "zh-CN")
	if msg := zh.expectError(t, 401, "unauthenticated")["message"].(string); !strings.Contains(msg, "登录") {
		t.Errorf("Chinese message = %q", msg)
	}
}

func TestBearerToken(t *testing.T) {
	e := newAuthEnv(t)
	c := e.signedIn("script", identity.Grant{Role: identity.RolePlanner})
	var tok struct {
		ID        uuid.UUID `json:"id"`
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	c.do("POST", "/api/v1/me/tokens", map[string]any{"name": "nightly import", "ttl_days": 7}).expect(t, 201).decode(t, &tok)
	if !strings.HasPrefix(tok.Token, identity.TokenPrefix) || !tok.ExpiresAt.Equal(e.clock.Now().Add(7*24*time.Hour)) {
		t.Fatalf("token = %+v", tok)
	}
	c.do("POST", "/api/v1/me/tokens", map[string]any{"name": "x", "ttl_days": 9999}).expectError(t, 400, "bad_request")

	script := &client{e: e, http: &http.Client{}, bearer: tok.Token}
	script.do("GET", "/api/v1/sites", nil).expect(t, 200)
	var me struct {
		User struct{ Username string } `json:"user"`
	}
	script.do("GET", "/api/v1/me", nil).expect(t, 200).decode(t, &me)
	if me.User.Username != "script" {
		t.Errorf("token acts as %q", me.User.Username)
	}
	// A token makes no tokens; a wrong or expired one is refused.
	script.do("POST", "/api/v1/me/tokens", map[string]any{"name": "again"}).expectError(t, 403, "forbidden")
	(&client{e: e, http: &http.Client{}, bearer: tok.Token + "x"}).do("GET", "/api/v1/sites", nil).expectError(t, 401, "unauthenticated")
	(&client{e: e, http: &http.Client{}}).do("GET", "/api/v1/sites", nil, "Authorization", "Basic c2NyaXB0Og==").expectError(t, 401, "unauthenticated")
	e.clock.Pass(8 * 24 * time.Hour)
	script.do("GET", "/api/v1/sites", nil).expectError(t, 401, "unauthenticated")
}

func TestLockout(t *testing.T) {
	e := newAuthEnv(t)
	e.addUser("target", identity.Grant{Role: identity.RoleViewer})
	c := e.anonymous()
	signIn := func(pw string) response {
		return c.do("POST", "/api/v1/session", map[string]any{"username": "target", "password": pw})
	}
	var first any
	for i := 1; i <= 6; i++ {
		msg := signIn(fmt.Sprintf("Wrong-password-%d", i)).expectError(t, 401, "unauthenticated")["message"]
		if i == 1 {
			first = msg
		} else if msg != first {
			t.Errorf("attempt %d says %q, attempt 1 %q: the lock shows", i, msg, first)
		}
	}
	// Locked: the right password is refused too, with the same message, until the lock ends.
	if msg := signIn(testPassword).expectError(t, 401, "unauthenticated")["message"]; msg != first {
		t.Errorf("locked sign-in says %q", msg)
	}
	e.clock.Pass(29 * time.Minute)
	signIn(testPassword).expectError(t, 401, "unauthenticated")
	e.clock.Pass(2 * time.Minute)
	signIn(testPassword).expect(t, 200)
	if !e.hasAudit("target", "session.sign_in_failed", "user target", identity.OutcomeFailed) {
		t.Error("failures not audited")
	}
}

func TestIdleTimeout(t *testing.T) {
	e := newAuthEnv(t)
	c := e.signedIn("idler", identity.Grant{Role: identity.RoleViewer})
	e.clock.Pass(29 * time.Minute)
	c.do("GET", "/api/v1/me", nil).expect(t, 200) // a use keeps the session alive
	e.clock.Pass(29 * time.Minute)
	c.do("GET", "/api/v1/me", nil).expect(t, 200)
	e.clock.Pass(31 * time.Minute)
	c.do("GET", "/api/v1/me", nil).expectError(t, 401, "unauthenticated")
}

func TestSetupFirst(t *testing.T) {
	e := newAuthEnv(t)
	// A user with a one-time password must change it before anything else.
	u, oneTime, err := e.svc.AddUser(context.Background(), "newcomer", []identity.Grant{{Role: identity.RoleViewer}}, "")
	if err != nil {
		t.Fatal(err)
	}
	c := e.anonymous()
	c.do("POST", "/api/v1/session", map[string]any{"username": u.Username, "password": oneTime}).expect(t, 200)
	e2 := c.do("GET", "/api/v1/sites", nil).expectError(t, 403, "forbidden")
	if e2["reason"] != "must_change_password" {
		t.Errorf("reason = %v", e2["reason"])
	}
	c.do("POST", "/api/v1/me/tokens", map[string]any{"name": "escape"}).expectError(t, 403, "forbidden")
	c.do("POST", "/api/v1/me/password", map[string]any{"old": "wrong", "new": testPassword}).expectError(t, 422, "invalid_input")
	c.do("POST", "/api/v1/me/password", map[string]any{"old": oneTime, "new": "short"}).expectError(t, 422, "invalid_input")
	c.do("POST", "/api/v1/me/password", map[string]any{"old": oneTime, "new": testPassword}).expect(t, 204)
	c.do("GET", "/api/v1/sites", nil).expect(t, 200)
}

// TestAuditorOnly: the audit log is the audit administrator's alone, who must enrol a second factor
// first and then sign in with it.
func TestAuditorOnly(t *testing.T) {
	e := newAuthEnv(t)
	e.addUser("auditor1", identity.Grant{Role: identity.RoleAuditor})
	e.addUser("boss", identity.Grant{Role: identity.RoleBureauAdmin})

	boss := e.signIn("boss")
	f := boss.fixture()
	room, _ := boss.createRoomAs(f, "101")
	boss.do("GET", "/api/v1/audit", nil).expectError(t, 403, "forbidden")
	if !e.hasAudit("boss", "permission.denied", "GET /api/v1/audit", identity.OutcomeDenied) {
		t.Error("the refused audit read is not audited")
	}
	if !e.hasAudit("boss", "write.room.create", "room "+room.ID.String(), identity.OutcomeOK) {
		t.Errorf("the room's creation is not audited: %+v", e.auditLog(identity.AuditFilter{User: "boss"}))
	}

	a := e.signIn("auditor1")
	var me struct {
		User struct {
			NeedsTOTP bool `json:"needs_totp"`
		} `json:"user"`
	}
	a.do("GET", "/api/v1/me", nil).expect(t, 200).decode(t, &me)
	if !me.User.NeedsTOTP {
		t.Error("an administrator without a second factor is not told to enrol")
	}
	if r := a.do("GET", "/api/v1/audit", nil).expectError(t, 403, "forbidden"); r["reason"] != "needs_totp" {
		t.Errorf("reason = %v", r["reason"])
	}
	var enrol struct {
		Secret     string `json:"secret"`
		OTPAuthURL string `json:"otpauth_url"`
	}
	a.do("POST", "/api/v1/me/totp", nil).expect(t, 200).decode(t, &enrol)
	if enrol.Secret == "" || !strings.HasPrefix(enrol.OTPAuthURL, "otpauth://totp/") {
		t.Fatalf("enrolment = %+v", enrol)
	}
	a.do("POST", "/api/v1/me/totp/confirm", map[string]any{"code": "000000"}).expectError(t, 422, "invalid_input")
	a.do("POST", "/api/v1/me/totp/confirm", map[string]any{"code": e.code(enrol.Secret)}).expect(t, 204)

	var recs []struct {
		Seq      int64  `json:"seq"`
		Username string `json:"username"`
		Action   string `json:"action"`
		Hash     string `json:"hash"`
		PrevHash string `json:"prev_hash"`
	}
	res := a.do("GET", "/api/v1/audit?user=boss&action=write.room.create", nil).expect(t, 200)
	res.decode(t, &recs)
	if len(recs) != 1 || recs[0].Hash == "" || recs[0].PrevHash == "" {
		t.Errorf("audit = %s", res.body)
	}
	if res.header.Get("Cache-Control") != "no-store" {
		t.Errorf("audit Cache-Control = %q", res.header.Get("Cache-Control"))
	}
	a.do("GET", "/api/v1/audit?from=yesterday", nil).expectError(t, 400, "bad_request")
	// The auditor reads no register data (三员分立).
	a.do("GET", "/api/v1/sites", nil).expectError(t, 403, "forbidden")

	// From now on the second factor is needed to sign in.
	c := e.anonymous()
	c.do("POST", "/api/v1/session", map[string]any{"username": "auditor1", "password": testPassword}).expectError(t, 401, "otp_required")
	e.clock.Pass(time.Minute) // a new code
	c.do("POST", "/api/v1/session", map[string]any{"username": "auditor1", "password": testPassword, "otp": e.nextCode(enrol.Secret)}).expect(t, 200)
	c.do("GET", "/api/v1/audit?action=session.sign_in", nil).expect(t, 200)
}

func (c *client) createRoomAs(f fixture, number string) (roomFeature, string) {
	c.e.t.Helper()
	return createRoom(c.e.t, c, f, number, rect(0, 0, 4, 4))
}

// TestWriteScope: the register's permission hook checks each change against the caller's grants and
// scope; a record outside the scope is not shown to exist.
func TestWriteScope(t *testing.T) {
	e := newAuthEnv(t)
	boss := e.signedIn("bureau", identity.Grant{Role: identity.RoleBureauAdmin})
	suffix := uuid.NewString()[:8]
	mine := newAgency(t, boss, "发改委 "+suffix, nil)
	sub := newAgency(t, boss, "发改委价格处 "+suffix, map[string]any{"parent_id": mine})
	other := newAgency(t, boss, "财政局 "+suffix, nil)
	inSub := newStaff(t, boss, "张三 "+suffix, sub)
	outside := newStaff(t, boss, "李四 "+suffix, other)

	m := e.signedIn("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: mine}})
	m.do("PATCH", "/api/v1/people/"+inSub.String(), map[string]any{"title": "副处长"}, "Content-Type", "application/merge-patch+json", "If-Match", "*").expect(t, 200)
	m.do("PATCH", "/api/v1/people/"+outside.String(), map[string]any{"title": "副处长"}, "Content-Type", "application/merge-patch+json", "If-Match", "*").
		expectError(t, 404, "not_found")
	m.do("POST", "/api/v1/people", map[string]any{"name": "王五", "agency_id": other, "rank": "staff"}).expectError(t, 403, "forbidden")
	m.do("POST", "/api/v1/agencies", map[string]any{"name": "x", "level": "municipal"}).expectError(t, 403, "forbidden")
	if !e.hasAudit("manager", "write.person.update", "person "+inSub.String(), identity.OutcomeOK) {
		t.Error("the allowed change is not audited")
	}
	if !e.hasAudit("manager", "permission.denied", "person "+outside.String(), identity.OutcomeDenied) {
		t.Error("the refused change is not audited")
	}
	// The history names the user who made the change.
	var hist []struct {
		Actor string `json:"actor"`
	}
	boss.do("GET", "/api/v1/people/"+inSub.String()+"/history", nil).expect(t, 200).decode(t, &hist)
	if len(hist) == 0 || hist[len(hist)-1].Actor != "manager" {
		t.Errorf("history = %+v, want the last change by manager", hist)
	}
}

// TestCrossOriginWrite is the attack of the issue: a page of another site posts text/plain to the
// API. It is refused with 403 and writes nothing — in single-user mode as with accounts.
func TestCrossOriginWrite(t *testing.T) {
	e := newEnv(t, api.Config{})
	count := func() int {
		var list []any
		e.do("GET", "/api/v1/agencies", nil).expect(t, 200).decode(t, &list)
		return len(list)
	}
	before := count()
	name := "跨站 " + uuid.NewString()[:8]
	body := fmt.Sprintf(`{"name":%q,"level":"municipal"}`, name)
	for _, h := range [][]string{
		{"Origin", "http://evil.example"},
		{"Sec-Fetch-Site", "cross-site"},
	} {
		res := e.do("POST", "/api/v1/agencies", body, "Content-Type", "text/plain", h[0], h[1])
		res.expectError(t, 403, "forbidden")
	}
	a := e.do("POST", "/api/v1/agencies", body, "Origin", e.ts.URL).created(t)
	e.do("DELETE", "/api/v1/agencies/"+a.String(), nil, "Origin", "http://evil.example", "If-Match", "*").expectError(t, 403, "forbidden")
	e.do("GET", "/api/v1/agencies/"+a.String(), nil, "Origin", "http://evil.example").expect(t, 200) // reads pass
	if got := count(); got != before+1 {
		t.Errorf("agencies %d → %d, want one more (the same-origin one)", before, got)
	}

	ae := newAuthEnv(t)
	v := ae.signedIn("victim", identity.Grant{Role: identity.RoleBureauAdmin})
	v.do("POST", "/api/v1/agencies", body, "Content-Type", "text/plain", "Origin", "http://evil.example").expectError(t, 403, "forbidden")
	v.do("POST", "/api/v1/session", map[string]any{"username": "victim", "password": testPassword}, "Origin", "http://evil.example").
		expectError(t, 403, "forbidden")
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, api.Config{})
	for _, p := range []string{"/api/v1/sites", "/api/v1/no-such-route", "/healthz"} {
		res := e.do("GET", p, nil)
		h := res.header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: headers %v", p, h)
		}
		if h.Get("Strict-Transport-Security") != "" || h.Get("Cache-Control") == "no-store" {
			t.Errorf("%s: HSTS or no-store in single-user mode over HTTP: %v", p, h)
		}
	}
	app := e.do("GET", "/", nil).expect(t, 200)
	if strings.Contains(app.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("the API's CSP on the app: %q", app.header.Get("Content-Security-Policy"))
	}

	// Over TLS: HSTS, and a Secure cookie.
	ae := newAuthEnv(t)
	ae.addUser("tls", identity.Grant{Role: identity.RoleViewer})
	req := httptest.NewRequest("POST", "https://officemap.example/api/v1/session",
		strings.NewReader(`{"username":"tls","password":"`+testPassword+`"}`))
	req.TLS = &tls.ConnectionState{}
	rec := httptest.NewRecorder()
	ae.srv.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("sign-in over TLS = %d %s", rec.Code, rec.Body)
	}
	if !strings.HasPrefix(rec.Header().Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("no HSTS over TLS: %v", rec.Header())
	}
	res := response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	if ck := sessionCookie(t, res); !ck.Secure || !ck.HttpOnly {
		t.Errorf("cookie over TLS = %+v", ck)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("sign-in Cache-Control = %q", rec.Header().Get("Cache-Control"))
	}
	c := ae.signIn("tls")
	if me := c.do("GET", "/api/v1/me", nil); me.header.Get("Cache-Control") != "no-store" {
		t.Errorf("/me Cache-Control = %q", me.header.Get("Cache-Control"))
	}
}

// TestAuditExportsAndReports: each export, report and import request is audited with its outcome.
func TestAuditExportsAndReports(t *testing.T) {
	e := newAuthEnv(t)
	c := e.signedIn("inspector1", identity.Grant{Role: identity.RoleInspector})
	c.do("GET", "/api/v1/reports/over-standard?format=csv", nil).expect(t, 200)
	c.do("GET", "/api/v1/exports/geojson", nil).expect(t, 200)
	c.do("POST", "/api/v1/imports/geojson", `{}`).expectError(t, 403, "forbidden") // inspectors do not import
	for _, want := range []struct{ action, outcome string }{
		{"report.over_standard", identity.OutcomeOK},
		{"export.geojson", identity.OutcomeOK},
		{"permission.denied", identity.OutcomeDenied},
	} {
		if !e.hasAudit("inspector1", want.action, "", want.outcome) {
			t.Errorf("no %s record (%s)", want.action, want.outcome)
		}
	}
}

// TestPostGISIdentity runs a sign-in round trip on the PostGIS identity store (the other tests use the
// in-memory one), and checks the audit chain it wrote.
func TestPostGISIdentity(t *testing.T) {
	store := openStore(t)
	svc := identity.NewService(store, identity.Options{MaxHashing: 2})
	se := serveEnv(t, api.Config{}, func(string) api.Deps {
		return api.Deps{Store: store, Identity: svc, Register: api.NewRegister(store, svc)}
	})
	e := &authEnv{t: t, svc: svc, srv: se.srv, ts: se.ts, clock: identitytest.NewClock(time.Now())}
	name := "pg_" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	e.addUser(name, identity.Grant{Role: identity.RoleBureauAdmin})
	c := e.signIn(name)
	f := c.fixture()
	room, _ := c.createRoomAs(f, "201")
	c.do("GET", "/api/v1/me", nil).expect(t, 200)
	c.do("DELETE", "/api/v1/session", nil).expect(t, 204)
	c.do("GET", "/api/v1/me", nil).expectError(t, 401, "unauthenticated")
	if !e.hasAudit(name, "write.room.create", "room "+room.ID.String(), identity.OutcomeOK) {
		t.Error("the room's creation is not audited")
	}
	if broken, err := svc.VerifyAudit(context.Background()); err != nil {
		t.Errorf("audit chain broken at %d: %v", broken, err)
	}
}
