package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// adminUser is an account as GET /api/v1/users answers it.
type adminUser struct {
	ID       uuid.UUID `json:"id"`
	Username string    `json:"username"`
	Roles    []string  `json:"roles"`
	Scopes   []struct {
		Role  string `json:"role"`
		Scope struct {
			Agency       *uuid.UUID `json:"agency"`
			Jurisdiction *uuid.UUID `json:"jurisdiction"`
		} `json:"scope"`
	} `json:"scopes"`
	Disabled           bool `json:"disabled"`
	Locked             bool `json:"locked"`
	MustChangePassword bool `json:"must_change_password"`
	TOTPEnabled        bool `json:"totp_enabled"`
}

// adminClients signs in a system administrator, a security administrator (both with their second
// factor) and a planner.
func adminClients(e *authEnv) (sys, sec, planner *client, sysU, secU identity.User) {
	sysU = e.addUser("ua_sys", identity.Grant{Role: identity.RoleSysAdmin})
	secU = e.addUser("ua_sec", identity.Grant{Role: identity.RoleSecAdmin})
	e.addUser("ua_planner", identity.Grant{Role: identity.RolePlanner})
	sys = e.signIn("ua_sys", e.nextCode(e.withTOTP(sysU)))
	sec = e.signIn("ua_sec", e.nextCode(e.withTOTP(secU)))
	planner = e.signIn("ua_planner")
	return
}

func findUser(t *testing.T, c *client, name string) adminUser {
	t.Helper()
	var list []adminUser
	c.do("GET", "/api/v1/users", nil).expect(t, 200).decode(t, &list)
	for _, u := range list {
		if u.Username == name {
			return u
		}
	}
	t.Fatalf("user %s not listed", name)
	return adminUser{}
}

func TestUsersAdminWhoMayCall(t *testing.T) {
	e := newAuthEnv(t)
	sys, sec, planner, _, _ := adminClients(e)
	target := e.addUser("ua_target", identity.Grant{Role: identity.RoleViewer})
	id := target.ID.String()

	// Both administrators list the accounts, without hashes; the planner may not.
	res := sys.do("GET", "/api/v1/users", nil).expect(t, 200)
	if s := string(res.body); strings.Contains(s, "argon2") || strings.Contains(s, "password_hash") || strings.Contains(s, "totp_secret") {
		t.Errorf("the list shows secrets: %s", s)
	}
	u := findUser(t, sec, "ua_target")
	if u.ID != target.ID || len(u.Roles) != 1 || u.Roles[0] != "viewer" || u.Disabled || u.Locked {
		t.Errorf("listed %+v", u)
	}
	planner.do("GET", "/api/v1/users", nil).expectError(t, 403, "forbidden")

	// Accounts are the system administrator's: the security administrator and the planner get 403.
	for _, c := range []*client{sec, planner} {
		c.do("POST", "/api/v1/users", map[string]any{"username": "ua_nope"}).expectError(t, 403, "forbidden")
		c.do("POST", "/api/v1/users/"+id+"/password", nil).expectError(t, 403, "forbidden")
		c.do("POST", "/api/v1/users/"+id+"/disable", nil).expectError(t, 403, "forbidden")
		c.do("POST", "/api/v1/users/"+id+"/enable", nil).expectError(t, 403, "forbidden")
		c.do("GET", "/api/v1/users/"+id+"/tokens", nil).expectError(t, 403, "forbidden")
		c.do("POST", "/api/v1/users/"+id+"/tokens/"+uuid.NewString()+"/revoke", nil).expectError(t, 403, "forbidden")
	}
	// Grants are the security administrator's: the system administrator and the planner get 403.
	grants := []map[string]any{{"role": "planner", "scope": map[string]any{"agency": nil, "jurisdiction": nil}}}
	sec.do("GET", "/api/v1/users/agencies", nil).expect(t, 200)
	for _, c := range []*client{sys, planner} {
		c.do("GET", "/api/v1/users/agencies", nil).expectError(t, 403, "forbidden")
		c.do("PUT", "/api/v1/users/"+id+"/grants", grants).expectError(t, 403, "forbidden")
	}
	if !e.hasAudit("ua_sec", "permission.denied", "POST /api/v1/users", "denied") {
		t.Error("the refusal is not audited")
	}

	// Unknown accounts are 404.
	sys.do("POST", "/api/v1/users/"+uuid.NewString()+"/password", nil).expectError(t, 404, "not_found")
	sec.do("PUT", "/api/v1/users/"+uuid.NewString()+"/grants", grants).expectError(t, 404, "not_found")
}

func TestUsersAdminSeparationOfDuties(t *testing.T) {
	e := newAuthEnv(t)
	sys, sec, _, sysU, secU := adminClients(e)

	// The system administrator adds an account without roles; with roles, 403 (granting is not theirs).
	sys.do("POST", "/api/v1/users", map[string]any{"username": "ua_rolesbysys", "roles": []string{"viewer"}}).
		expectError(t, 403, "forbidden")
	var made struct {
		User     adminUser `json:"user"`
		Password string    `json:"password"`
	}
	res := sys.do("POST", "/api/v1/users", map[string]any{"username": "ua_new"}).expect(t, 201)
	res.decode(t, &made)
	if made.Password == "" || !made.User.MustChangePassword || len(made.User.Roles) != 0 {
		t.Fatalf("made %+v", made)
	}
	if cc := res.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	// The one-time password is shown once: the list never shows it again.
	list := sys.do("GET", "/api/v1/users", nil).expect(t, 200)
	if strings.Contains(string(list.body), made.Password) || strings.Contains(string(list.body), `"password"`) {
		t.Error("the list shows the one-time password")
	}
	sys.do("POST", "/api/v1/users", map[string]any{"username": "ua_new"}).expectError(t, 409, "conflict")
	if !e.hasAudit("ua_sys", "user.add", "user ua_new", "ok") {
		t.Error("user.add not audited")
	}

	// The security administrator grants it the viewer role within an agency; nobody changes their own.
	agency := uuid.New()
	var got adminUser
	sec.do("PUT", "/api/v1/users/"+made.User.ID.String()+"/grants", []map[string]any{
		{"role": "viewer", "scope": map[string]any{"agency": agency, "jurisdiction": nil}}}).expect(t, 200).decode(t, &got)
	if len(got.Scopes) != 1 || got.Scopes[0].Role != "viewer" || got.Scopes[0].Scope.Agency == nil || *got.Scopes[0].Scope.Agency != agency {
		t.Errorf("granted %+v", got)
	}
	if !e.hasAudit("ua_sec", "user.role", "user ua_new", "ok") {
		t.Error("user.role not audited")
	}
	sec.do("PUT", "/api/v1/users/"+secU.ID.String()+"/grants", []map[string]any{{"role": "bureau_admin"}}).
		expectError(t, 403, "forbidden")
	sec.do("PUT", "/api/v1/users/"+made.User.ID.String()+"/grants", []map[string]any{{"role": "emperor"}}).
		expectError(t, 422, "invalid_input")
	// The system administrator cannot disable themselves.
	sys.do("POST", "/api/v1/users/"+sysU.ID.String()+"/disable", nil).expectError(t, 403, "forbidden")

	// The new user signs in with the one-time password, must change it; a reset gives another, once.
	c := e.anonymous()
	c.do("POST", "/api/v1/session", map[string]any{"username": "ua_new", "password": made.Password}).expect(t, 200)
	var reset struct {
		User     adminUser `json:"user"`
		Password string    `json:"password"`
	}
	sys.do("POST", "/api/v1/users/"+made.User.ID.String()+"/password", nil).expect(t, 200).decode(t, &reset)
	if reset.Password == "" || reset.Password == made.Password || !reset.User.MustChangePassword {
		t.Errorf("reset %+v", reset)
	}
	c.do("GET", "/api/v1/me", nil).expectError(t, 401, "unauthenticated") // the reset ended its sessions

	// Disable and enable.
	var dis adminUser
	sys.do("POST", "/api/v1/users/"+made.User.ID.String()+"/disable", nil).expect(t, 200).decode(t, &dis)
	if !dis.Disabled {
		t.Error("not disabled")
	}
	e.anonymous().do("POST", "/api/v1/session", map[string]any{"username": "ua_new", "password": reset.Password}).
		expectError(t, 401, "unauthenticated")
	sys.do("POST", "/api/v1/users/"+made.User.ID.String()+"/enable", nil).expect(t, 200).decode(t, &dis)
	if dis.Disabled {
		t.Error("still disabled")
	}
	if !e.hasAudit("ua_sys", "user.disable", "user ua_new", "ok") || !e.hasAudit("ua_sys", "user.enable", "user ua_new", "ok") {
		t.Error("disable/enable not audited")
	}
}

func TestUsersAdminTokens(t *testing.T) {
	e := newAuthEnv(t)
	sys, _, _, _, _ := adminClients(e)
	owner := e.addUser("ua_owner", identity.Grant{Role: identity.RolePlanner})
	other := e.addUser("ua_other", identity.Grant{Role: identity.RolePlanner})
	c := e.signIn("ua_owner")
	var tok struct {
		ID    uuid.UUID `json:"id"`
		Token string    `json:"token"`
	}
	c.do("POST", "/api/v1/me/tokens", map[string]any{"name": "nightly"}).expect(t, 201).decode(t, &tok)
	c.do("POST", "/api/v1/me/tokens", map[string]any{"name": "weekly"}).expect(t, 201)
	type info struct {
		ID        uuid.UUID `json:"id"`
		Name      string    `json:"name"`
		RevokedAt *string   `json:"revoked_at"`
	}
	var mine, theirs []info
	res := c.do("GET", "/api/v1/me/tokens", nil).expect(t, 200)
	res.decode(t, &mine)
	if len(mine) != 2 || strings.Contains(string(res.body), tok.Token) || strings.Contains(string(res.body), "hash") {
		t.Fatalf("my tokens: %s", res.body)
	}
	sys.do("GET", "/api/v1/users/"+owner.ID.String()+"/tokens", nil).expect(t, 200).decode(t, &theirs)
	if len(theirs) != 2 {
		t.Fatalf("listed %d tokens", len(theirs))
	}
	// A user revokes only their own; another's token id is 404 (it is not theirs).
	e.signIn("ua_other").do("POST", "/api/v1/me/tokens/"+tok.ID.String()+"/revoke", nil).expectError(t, 404, "not_found")
	sys.do("GET", "/api/v1/users/"+other.ID.String()+"/tokens", nil).expect(t, 200)
	// The system administrator revokes it; the token stops working.
	sys.do("POST", "/api/v1/users/"+owner.ID.String()+"/tokens/"+tok.ID.String()+"/revoke", nil).expect(t, 204)
	(&client{e: e, http: &http.Client{}, bearer: tok.Token}).do("GET", "/api/v1/sites", nil).expectError(t, 401, "unauthenticated")
	if !e.hasAudit("ua_sys", "token.revoke", "user "+owner.ID.String(), "ok") {
		t.Error("token.revoke not audited")
	}
	// The owner revokes their other one.
	c.do("GET", "/api/v1/me/tokens", nil).expect(t, 200).decode(t, &mine)
	for _, m := range mine {
		if m.ID != tok.ID {
			c.do("POST", "/api/v1/me/tokens/"+m.ID.String()+"/revoke", nil).expect(t, 204)
		}
	}
	c.do("GET", "/api/v1/me/tokens", nil).expect(t, 200).decode(t, &mine)
	for _, m := range mine {
		if m.RevokedAt == nil {
			t.Errorf("token %s not revoked", m.Name)
		}
	}
	sys.do("GET", "/api/v1/users/"+uuid.NewString()+"/tokens", nil).expectError(t, 404, "not_found")
}
