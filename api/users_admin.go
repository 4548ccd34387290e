package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// The administrators' routes (with Deps.Identity): the system administrator lists, adds, resets,
// disables and enables accounts and revokes their API tokens; the security administrator lists them and
// sets their roles and scopes (三员分立). identity.Service checks the caller again, audits every action
// and refuses a change of one's own grants; the route rules (auth_rules.go) keep the others out first.

// usersRoutes adds the administrators' routes and the user's own token list through route.
func (s *Server) usersRoutes(route func(method, path string, h handlerFunc)) {
	const v1 = "/api/v1"
	route(http.MethodGet, v1+"/users", s.listUsers)
	route(http.MethodPost, v1+"/users", s.addUser)
	route(http.MethodPost, v1+"/users/{id}/password", s.resetPassword)
	route(http.MethodPost, v1+"/users/{id}/disable", s.disableUser)
	route(http.MethodPost, v1+"/users/{id}/enable", s.enableUser)
	route(http.MethodPut, v1+"/users/{id}/grants", s.setGrants)
	route(http.MethodGet, v1+"/users/{id}/tokens", s.userTokens)
	route(http.MethodPost, v1+"/users/{id}/tokens/{tid}/revoke", s.revokeUserToken)
	route(http.MethodGet, v1+"/users/agencies", s.grantAgencies)
	route(http.MethodGet, v1+"/me/tokens", s.myTokens)
	route(http.MethodPost, v1+"/me/tokens/{tid}/revoke", s.revokeMyToken)
}

// grantJSON is one grant as the administrators' routes read and write it.
type grantJSON struct {
	Role  string       `json:"role" enum:"sysadmin,secadmin,auditor,bureau_admin,planner,agency_manager,inspector,viewer"`
	Scope scopeRefJSON `json:"scope"`
}

// scopeRefJSON is a grant's scope: a jurisdiction and an agency subtree (null: all).
type scopeRefJSON struct {
	Agency       optID `json:"agency"`
	Jurisdiction optID `json:"jurisdiction"`
}

// adminUserJSON is an account as the administrators see it: never its password hashes nor its second
// factor's secret.
type adminUserJSON struct {
	ID                 uuid.UUID   `json:"id" readonly:"true"`
	Username           string      `json:"username"`
	DisplayName        string      `json:"display_name"`
	Roles              []string    `json:"roles"`
	Scopes             []grantJSON `json:"scopes"`
	Disabled           bool        `json:"disabled"`
	Locked             bool        `json:"locked"`
	MustChangePassword bool        `json:"must_change_password"`
	TOTPEnabled        bool        `json:"totp_enabled"`
	SSO                bool        `json:"sso"` // provisioned by single sign-on
	CreatedAt          time.Time   `json:"created_at"`
}

func (s *Server) adminUserJSON(u identity.User) adminUserJSON {
	out := adminUserJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Roles: []string{},
		Scopes: []grantJSON{}, Disabled: u.Disabled, Locked: u.LockedUntil.After(s.now()),
		MustChangePassword: u.MustChangePassword, TOTPEnabled: u.TOTPEnabled, SSO: u.ExternalSubject != "",
		CreatedAt: u.CreatedAt}
	seen := map[identity.Role]bool{}
	for _, g := range u.Grants {
		if !seen[g.Role] {
			seen[g.Role] = true
			out.Roles = append(out.Roles, string(g.Role))
		}
		out.Scopes = append(out.Scopes, grantJSON{Role: string(g.Role),
			Scope: scopeRefJSON{Agency: optID(g.Scope.Agency), Jurisdiction: optID(g.Scope.Jurisdiction)}})
	}
	return out
}

// newUserJSON is the body of POST /api/v1/users.
type newUserJSON struct {
	Username string   `json:"username"`
	Roles    []string `json:"roles"` // unscoped grants; only a caller who may grant roles gives them
}

// oneTimeJSON answers an account's creation or password reset: the one-time password, shown this once.
type oneTimeJSON struct {
	User     adminUserJSON `json:"user"`
	Password string        `json:"password"`
}

// tokenInfoJSON is an API token as listed: never its secret.
type tokenInfoJSON struct {
	ID        uuid.UUID  `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	LastUsed  *time.Time `json:"last_used"`
	RevokedAt *time.Time `json:"revoked_at"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := s.identity.Users(r.Context())
	if err != nil {
		return err
	}
	out := make([]adminUserJSON, len(us))
	for i, u := range us {
		out[i] = s.adminUserJSON(u)
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request) error {
	var body newUserJSON
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	var grants []identity.Grant
	for _, role := range body.Roles {
		grants = append(grants, identity.Grant{Role: identity.Role(role)})
	}
	u, pw, err := s.identity.AddUser(r.Context(), body.Username, grants, "")
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, oneTimeJSON{User: s.adminUserJSON(u), Password: pw})
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pw, err := s.identity.ResetPassword(r.Context(), id)
	if err != nil {
		return err
	}
	u, err := s.identity.User(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, oneTimeJSON{User: s.adminUserJSON(u), Password: pw})
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) error {
	return s.setDisabled(w, r, true)
}

func (s *Server) enableUser(w http.ResponseWriter, r *http.Request) error {
	return s.setDisabled(w, r, false)
}

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if disabled {
		err = s.identity.Disable(r.Context(), id)
	} else {
		err = s.identity.Enable(r.Context(), id)
	}
	if err != nil {
		return err
	}
	u, err := s.identity.User(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.adminUserJSON(u))
}

func (s *Server) setGrants(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body []grantJSON
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	if body == nil {
		return badRequest("the body is a list of grants: [{\"role\", \"scope\": {\"agency\", \"jurisdiction\"}}]")
	}
	grants := make([]identity.Grant, len(body))
	for i, g := range body {
		grants[i] = identity.Grant{Role: identity.Role(g.Role),
			Scope: identity.Scope{Agency: g.Scope.Agency.UUID(), Jurisdiction: g.Scope.Jurisdiction.UUID()}}
	}
	if err := s.identity.Grant(r.Context(), id, grants); err != nil {
		return err
	}
	u, err := s.identity.User(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.adminUserJSON(u))
}

// agencyRefJSON is an agency as the security administrator's scope picker needs it: no more than its
// name and place in the agency tree.
type agencyRefJSON struct {
	ID       uuid.UUID `json:"id"`
	Name     string    `json:"name"`
	ParentID optID     `json:"parent_id"`
}

// grantAgencies lists every agency's name for the scope picker of the security administrator, whose
// role reads nothing of the register (GET /api/v1/agencies is empty to them).
func (s *Server) grantAgencies(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.Agencies(r.Context())
	if err != nil {
		return err
	}
	out := make([]agencyRefJSON, len(list))
	for i, a := range list {
		out[i] = agencyRefJSON{ID: a.ID, Name: a.Name, ParentID: optID(a.ParentID)}
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) tokensOf(w http.ResponseWriter, r *http.Request, userID uuid.UUID) error {
	ts, err := s.identity.Tokens(r.Context(), userID)
	if err != nil {
		return err
	}
	out := make([]tokenInfoJSON, len(ts))
	for i, t := range ts {
		out[i] = tokenInfoJSON{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt,
			LastUsed: optTime(t.LastUsed), RevokedAt: optTime(t.RevokedAt)}
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) revokeOf(w http.ResponseWriter, r *http.Request, userID uuid.UUID) error {
	tid, err := pathID(r, "tid")
	if err != nil {
		return err
	}
	if err := s.identity.RevokeToken(r.Context(), userID, tid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) userTokens(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.tokensOf(w, r, id)
}

func (s *Server) revokeUserToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.revokeOf(w, r, id)
}

func (s *Server) myTokens(w http.ResponseWriter, r *http.Request) error {
	c, err := caller(r)
	if err != nil {
		return err
	}
	return s.tokensOf(w, r, c.User.ID)
}

func (s *Server) revokeMyToken(w http.ResponseWriter, r *http.Request) error {
	c, err := caller(r)
	if err != nil {
		return err
	}
	return s.revokeOf(w, r, c.User.ID)
}

// usersOperations documents the administrators' routes (usersRoutes).
func usersOperations() []opDoc {
	const v1 = "/api/v1"
	return []opDoc{
		{method: "GET", path: v1 + "/users", tag: "administration", summary: "Every account (system and security administrators): roles, scopes, disabled, locked, must_change_password, totp_enabled; never password hashes", result: arrayOf("AdminUser")},
		{method: "POST", path: v1 + "/users", tag: "administration", summary: "Add an account (system administrator): answers its one-time password, shown this once; roles only if the caller may grant them (the security administrator's job)", body: "NewUser", status: 201, result: "OneTimePassword"},
		{method: "POST", path: v1 + "/users/{id}/password", tag: "administration", summary: "Reset an account's password (system administrator): a one-time password, shown this once, to change at the next sign-in; lifts a lock and ends the account's sessions", result: "OneTimePassword"},
		{method: "POST", path: v1 + "/users/{id}/disable", tag: "administration", summary: "Disable an account (system administrator; not one's own): ends its sessions, its tokens stop working", result: "AdminUser"},
		{method: "POST", path: v1 + "/users/{id}/enable", tag: "administration", summary: "Enable an account again and lift a lock (system administrator)", result: "AdminUser"},
		{method: "PUT", path: v1 + "/users/{id}/grants", tag: "administration", summary: "Replace an account's roles and scopes (security administrator; never one's own)", body: "Grants", result: "AdminUser"},
		{method: "GET", path: v1 + "/users/{id}/tokens", tag: "administration", summary: "An account's API tokens (system administrator): never their secrets", result: arrayOf("TokenInfo")},
		{method: "POST", path: v1 + "/users/{id}/tokens/{tid}/revoke", tag: "administration", summary: "Revoke an account's API token (system administrator)", status: 204},
		{method: "GET", path: v1 + "/users/agencies", tag: "administration", summary: "Every agency's id, name and parent, for the security administrator's scope picker (their role reads nothing else of the register)", result: arrayOf("AgencyRef")},
		{method: "GET", path: v1 + "/me/tokens", tag: "accounts", summary: "Your API tokens: never their secrets", result: arrayOf("TokenInfo")},
		{method: "POST", path: v1 + "/me/tokens/{tid}/revoke", tag: "accounts", summary: "Revoke one of your API tokens", status: 204},
	}
}

// usersSchemas defines the administrators' routes' schemas.
func usersSchemas(g *schemaGen) {
	g.define("AdminUser", adminUserJSON{})
	g.define("NewUser", newUserJSON{})
	g.define("OneTimePassword", oneTimeJSON{})
	g.define("Grants", []grantJSON{})
	g.define("TokenInfo", tokenInfoJSON{})
	g.define("AgencyRef", agencyRefJSON{})
}
