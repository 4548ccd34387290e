package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// The account routes (with Deps.Identity): sign-in and sign-out, the signed-in user, their password,
// second factor and API tokens, and the audit log.

// accountRoute is one route of the accounts (with Deps.Identity): its handler, the rule of who may reach
// it (auth_rules.go) and its documentation, which gives its method and path.
type accountRoute struct {
	handle accountHandler
	rule   routeRule
	op     opDoc
}

// accountHandler is the handler of an account route, given the server (a method expression such as
// (*Server).signIn).
type accountHandler func(s *Server, w http.ResponseWriter, r *http.Request) error

// accountRoutes lists the account routes: the user's own account, the audit log and the administrators'
// routes (users_admin.go).
func accountRoutes() []accountRoute {
	const v1 = "/api/v1"
	anonymous := routeRule{access: accessAnonymous}
	setup := routeRule{access: accessSetup}
	signedIn := routeRule{access: accessSignedIn}
	// The administrators' page: accounts are the system administrator's, grants the security
	// administrator's (三员分立); both see the list. identity.Service audits every change.
	users, roles := may(identity.ActionAdminUsers), may(identity.ActionAdminRoles)
	usersOrRoles := routeRule{access: accessAction, action: identity.ActionAdminUsers, orAction: identity.ActionAdminRoles}
	return []accountRoute{
		{(*Server).signIn, anonymous, opDoc{method: "POST", path: v1 + "/session", tag: "accounts", summary: "Sign in: sets the session cookie " + SessionCookie + " (HttpOnly, SameSite=Lax). Any refusal is 401 unauthenticated with one message; 401 otp_required asks for the second factor's code; 429 rate_limited",
			body: "SignIn", result: "Session"}},
		// Signing out is open: it also clears a stale cookie.
		{(*Server).signOut, anonymous, opDoc{method: "DELETE", path: v1 + "/session", tag: "accounts", summary: "Sign out: ends the session on the server and clears the cookie", status: 204}},
		{(*Server).me, setup, opDoc{method: "GET", path: v1 + "/me", tag: "accounts", summary: "The signed-in user: roles, scopes, the actions they allow, and what must be done first (must_change_password, needs_totp)", result: "Session"}},
		{ofCaller((*Server).changePassword), setup, opDoc{method: "POST", path: v1 + "/me/password", tag: "accounts", summary: "Change your password (at least 8 characters of three classes, none of the last 5); ends your other sessions", body: "PasswordChange", status: 204}},
		{ofCaller((*Server).enrolTOTP), setup, opDoc{method: "POST", path: v1 + "/me/totp", tag: "accounts", summary: "Start enrolling a second factor: a TOTP secret and its otpauth:// URL for a QR code, shown once", result: "TOTPEnrolment"}},
		{ofCaller((*Server).confirmTOTP), setup, opDoc{method: "POST", path: v1 + "/me/totp/confirm", tag: "accounts", summary: "Confirm the second factor with a code of the authenticator app", body: "TOTPCode", status: 204}},
		{(*Server).newToken, signedIn, opDoc{method: "POST", path: v1 + "/me/tokens", tag: "accounts", summary: "Make an API token for scripts (Authorization: Bearer …); the token is shown once", body: "TokenRequest", status: 201, result: "Token"}},
		{(*Server).getAudit, audited(may(identity.ActionAuditRead), "audit.read"), opDoc{method: "GET", path: v1 + "/audit", tag: "audit", summary: "The audit log, oldest first, for the audit administrator only: each record chained to the previous one by its hash", query: []paramDoc{
			q("from", str("records at or after this instant (RFC 3339, or a day YYYY-MM-DD)")),
			q("to", str("records before this instant (RFC 3339, or a day YYYY-MM-DD)")),
			q("user", str("only this user's records")),
			q("action", str("only this action (session.sign_in, write.room.update, permission.denied, export.gpkg…)")),
			q("after", paramDoc{"", "records after this seq (paging)", map[string]any{"type": "integer", "minimum": 0}}),
			q("limit", paramDoc{"", "at most this many records", map[string]any{"type": "integer", "minimum": 1, "maximum": auditMaxLimit, "default": auditDefaultLimit}}),
		}, result: arrayOf("AuditRecord")}},

		{(*Server).listUsers, usersOrRoles, opDoc{method: "GET", path: v1 + "/users", tag: "administration", summary: "Every account (system and security administrators): roles, scopes, disabled, locked, must_change_password, totp_enabled; never password hashes", result: arrayOf("AdminUser")}},
		{(*Server).addUser, users, opDoc{method: "POST", path: v1 + "/users", tag: "administration", summary: "Add an account (system administrator): answers its one-time password, shown this once; roles only if the caller may grant them (the security administrator's job)", body: "NewUser", status: 201, result: "OneTimePassword"}},
		{ofPathUser((*Server).resetPassword), users, opDoc{method: "POST", path: v1 + "/users/{id}/password", tag: "administration", summary: "Reset an account's password (system administrator): a one-time password, shown this once, to change at the next sign-in; lifts a lock and ends the account's sessions", result: "OneTimePassword"}},
		{ofPathUser((*Server).disableUser), users, opDoc{method: "POST", path: v1 + "/users/{id}/disable", tag: "administration", summary: "Disable an account (system administrator; not one's own): ends its sessions, its tokens stop working", result: "AdminUser"}},
		{ofPathUser((*Server).enableUser), users, opDoc{method: "POST", path: v1 + "/users/{id}/enable", tag: "administration", summary: "Enable an account again and lift a lock (system administrator)", result: "AdminUser"}},
		{ofPathUser((*Server).setGrants), roles, opDoc{method: "PUT", path: v1 + "/users/{id}/grants", tag: "administration", summary: "Replace an account's roles and scopes (security administrator; never one's own)", body: "Grants", result: "AdminUser"}},
		{ofPathUser((*Server).tokensOf), users, opDoc{method: "GET", path: v1 + "/users/{id}/tokens", tag: "administration", summary: "An account's API tokens (system administrator): never their secrets", result: arrayOf("TokenInfo")}},
		{ofPathUser((*Server).revokeOf), users, opDoc{method: "POST", path: v1 + "/users/{id}/tokens/{tid}/revoke", tag: "administration", summary: "Revoke an account's API token (system administrator)", status: 204}},
		{(*Server).grantAgencies, roles, opDoc{method: "GET", path: v1 + "/users/agencies", tag: "administration", summary: "Every agency's id, name and parent, for the security administrator's scope picker (their role reads nothing else of the register)", result: arrayOf("AgencyRef")}},
		{ofCaller((*Server).tokensOf), signedIn, opDoc{method: "GET", path: v1 + "/me/tokens", tag: "accounts", summary: "Your API tokens: never their secrets", result: arrayOf("TokenInfo")}},
		{ofCaller((*Server).revokeOf), signedIn, opDoc{method: "POST", path: v1 + "/me/tokens/{tid}/revoke", tag: "accounts", summary: "Revoke one of your API tokens", status: 204}},
	}
}

// userHandler is a handler of one account's routes: the caller's own (ofCaller) or the account named by
// the path (ofPathUser).
type userHandler func(s *Server, w http.ResponseWriter, r *http.Request, userID uuid.UUID) error

// ofCaller serves the signed-in caller's account with h.
func ofCaller(h userHandler) accountHandler {
	return func(s *Server, w http.ResponseWriter, r *http.Request) error {
		c, err := caller(r)
		if err != nil {
			return err
		}
		return h(s, w, r, c.User.ID)
	}
}

// ofPathUser serves the account named by the path's {id} with h.
func ofPathUser(h userHandler) accountHandler {
	return func(s *Server, w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		return h(s, w, r, id)
	}
}

// authRoutes adds the account routes through route (the router's handle), and the single sign-on
// routes when it is on.
func (s *Server) authRoutes(route func(method, path string, h handlerFunc)) {
	s.addRoutes(accountRoutes(), route)
	if s.sso != nil {
		s.addRoutes(ssoRoutes(), route)
	}
}

// addRoutes adds routes, served by s, through route.
func (s *Server) addRoutes(routes []accountRoute, route func(method, path string, h handlerFunc)) {
	for _, a := range routes {
		handle := a.handle
		route(a.op.method, a.op.path, func(w http.ResponseWriter, r *http.Request) error { return handle(s, w, r) })
	}
}

// rulesOf returns the rules of routes, keyed by method and path template as routeRules is.
func rulesOf(routes []accountRoute) map[string]routeRule {
	rules := make(map[string]routeRule, len(routes))
	for _, a := range routes {
		rules[a.op.method+" "+a.op.path] = a.rule
	}
	return rules
}

// operationsOf returns the documentation of routes.
func operationsOf(routes []accountRoute) []opDoc {
	ops := make([]opDoc, len(routes))
	for i, a := range routes {
		ops[i] = a.op
	}
	return ops
}

// scopeJSON is one grant of a user: a role within a jurisdiction and an agency subtree (null: all).
type scopeJSON struct {
	Role         string `json:"role"`
	Jurisdiction optID  `json:"jurisdiction"`
	Agency       optID  `json:"agency"`
}

// accountJSON is who an account is and its roles: what the signed-in user (userJSON) and an account as
// the administrators see it (adminUserJSON) both start with.
type accountJSON struct {
	ID          uuid.UUID `json:"id" readonly:"true"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Roles       []string  `json:"roles"` // each role once, in the order of the grants
}

func accountOf(u identity.User) accountJSON {
	out := accountJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Roles: []string{}}
	seen := map[identity.Role]bool{}
	for _, g := range u.Grants {
		if !seen[g.Role] {
			seen[g.Role] = true
			out.Roles = append(out.Roles, string(g.Role))
		}
	}
	return out
}

// userJSON is the signed-in user, as the app needs it to show only what the user may do.
type userJSON struct {
	accountJSON
	Scopes []scopeJSON `json:"scopes"`
	// Actions are what the roles allow somewhere (identity.Can): read, write_geometry, …
	Actions            []string `json:"actions"`
	PersonalData       bool     `json:"personal_data"`
	MustChangePassword bool     `json:"must_change_password"`
	NeedsTOTP          bool     `json:"needs_totp"`
	TOTPEnabled        bool     `json:"totp_enabled"`
}

// sessionJSON is the answer of a sign-in and of GET /api/v1/me.
type sessionJSON struct {
	User userJSON `json:"user"`
}

func (s *Server) userJSON(u identity.User) userJSON {
	out := userJSON{accountJSON: accountOf(u), Scopes: wireList(u.Grants, func(g identity.Grant) scopeJSON {
		return scopeJSON{Role: string(g.Role), Jurisdiction: optID(g.Scope.Jurisdiction), Agency: optID(g.Scope.Agency)}
	}), Actions: []string{}, PersonalData: identity.SeesPersonalData(u.Grants), MustChangePassword: u.MustChangePassword,
		NeedsTOTP: s.identity.NeedsTOTPEnrolment(u), TOTPEnabled: u.TOTPEnabled}
	for _, a := range identity.Actions {
		if identity.Can(u.Grants, a) {
			out.Actions = append(out.Actions, string(a))
		}
	}
	return out
}

// signInJSON is the body of POST /api/v1/session.
type signInJSON struct {
	Username string `json:"username"`
	Password string `json:"password"`
	OTP      string `json:"otp"` // the authenticator's code, when a second factor is enrolled
}

// signIn checks the credentials and starts a session: 200 with the session cookie and the user. Any
// refusal is 401 unauthenticated with one message (the audit log says why); a right password without
// the enrolled second factor's code is 401 otp_required; too many attempts from the address, 429.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	var body signInJSON
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	u, _, secret, err := s.identity.SignIn(r.Context(), body.Username, body.Password, body.OTP, s.clientAddr(r))
	if errors.Is(err, identity.ErrRateLimited) {
		w.Header().Set("Retry-After", "60")
	}
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, secret)
	return writeJSON(w, http.StatusOK, sessionJSON{User: s.userJSON(u)})
}

// signOut ends the request's session on the server and clears the cookie: 204, with or without one.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if err := s.identity.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// caller returns the signed-in caller of r (authenticate has required one).
func caller(r *http.Request) (identity.Caller, error) {
	c, ok := identity.CallerFrom(r.Context())
	if !ok {
		return identity.Caller{}, identity.ErrUnauthenticated
	}
	return c, nil
}

// me answers the signed-in user.
func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	c, err := caller(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sessionJSON{User: s.userJSON(c.User)})
}

// passwordJSON is the body of POST /api/v1/me/password.
type passwordJSON struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// changePassword sets the caller's password (204) and ends their other sessions. A wrong current
// password is 422 (and counts as a failed sign-in); a new one the policy refuses, 422 saying why.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, userID uuid.UUID) error {
	var body passwordJSON
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	err := s.identity.ChangePassword(r.Context(), userID, body.Old, body.New)
	if errors.Is(err, identity.ErrUnauthenticated) {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
			Message: "the current password is wrong", MessageZH: "当前密码不正确", Err: err}
	}
	return noContent(w, err)
}

// totpJSON is the answer of POST /api/v1/me/totp: the new secret and its otpauth:// URL (for a QR
// code), shown this once.
type totpJSON struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
}

// enrolTOTP starts the caller's enrolment of a second factor.
func (s *Server) enrolTOTP(w http.ResponseWriter, r *http.Request, userID uuid.UUID) error {
	secret, url, err := s.identity.EnrolTOTP(r.Context(), userID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, totpJSON{Secret: secret, OTPAuthURL: url})
}

// codeJSON is the body of POST /api/v1/me/totp/confirm.
type codeJSON struct {
	Code string `json:"code"`
}

// confirmTOTP puts the enrolled second factor in use once its code is right (204; a wrong code is 422).
func (s *Server) confirmTOTP(w http.ResponseWriter, r *http.Request, userID uuid.UUID) error {
	var body codeJSON
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	return noContent(w, s.identity.ConfirmTOTP(r.Context(), userID, body.Code))
}

// tokenRequestJSON is the body of POST /api/v1/me/tokens.
type tokenRequestJSON struct {
	Name    string `json:"name"`
	TTLDays int    `json:"ttl_days"` // 1 to 366; 0: 90
}

// tokenJSON is a new API token; Token, the secret, is shown this once.
type tokenJSON struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	Token     string    `json:"token"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Lifetimes of API tokens, in days.
const (
	tokenDefaultDays = 90
	tokenMaxDays     = 366
)

// newToken makes an API token for the caller (201). A token cannot make tokens: that would let a
// leaked one outlive its expiry.
func (s *Server) newToken(w http.ResponseWriter, r *http.Request) error {
	c, err := caller(r)
	if err != nil {
		return err
	}
	if c.Session == "" {
		return errForbidden(floorplan.ErrForbidden)
	}
	var body tokenRequestJSON
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	if body.TTLDays == 0 {
		body.TTLDays = tokenDefaultDays
	}
	if body.TTLDays < 1 || body.TTLDays > tokenMaxDays {
		return badRequest("ttl_days must be from 1 to %d", tokenMaxDays)
	}
	plain, t, err := s.identity.NewToken(r.Context(), c.User.ID, body.Name, time.Duration(body.TTLDays)*24*time.Hour)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, tokenJSON{ID: t.ID, Name: t.Name, Token: plain, CreatedAt: t.CreatedAt,
		ExpiresAt: t.ExpiresAt})
}
