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

// authRoutes adds the account routes through route (the router's handle).
func (s *Server) authRoutes(route func(method, path string, h handlerFunc)) {
	const v1 = "/api/v1"
	route(http.MethodPost, v1+"/session", s.signIn)
	route(http.MethodDelete, v1+"/session", s.signOut)
	route(http.MethodGet, v1+"/me", s.me)
	route(http.MethodPost, v1+"/me/password", s.changePassword)
	route(http.MethodPost, v1+"/me/totp", s.enrolTOTP)
	route(http.MethodPost, v1+"/me/totp/confirm", s.confirmTOTP)
	route(http.MethodPost, v1+"/me/tokens", s.newToken)
	route(http.MethodGet, v1+"/audit", s.getAudit)
	s.usersRoutes(route)
	if s.sso != nil {
		s.ssoRoutes(route)
	}
}

// scopeJSON is one grant of a user: a role within a jurisdiction and an agency subtree (null: all).
type scopeJSON struct {
	Role         string `json:"role"`
	Jurisdiction optID  `json:"jurisdiction"`
	Agency       optID  `json:"agency"`
}

// userJSON is the signed-in user, as the app needs it to show only what the user may do.
type userJSON struct {
	ID          uuid.UUID   `json:"id" readonly:"true"`
	Username    string      `json:"username"`
	DisplayName string      `json:"display_name"`
	Roles       []string    `json:"roles"`
	Scopes      []scopeJSON `json:"scopes"`
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
	out := userJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Roles: []string{},
		Scopes: []scopeJSON{}, Actions: []string{}, PersonalData: identity.SeesPersonalData(u.Grants),
		MustChangePassword: u.MustChangePassword, NeedsTOTP: s.identity.NeedsTOTPEnrolment(u), TOTPEnabled: u.TOTPEnabled}
	seen := map[identity.Role]bool{}
	for _, g := range u.Grants {
		if !seen[g.Role] {
			seen[g.Role] = true
			out.Roles = append(out.Roles, string(g.Role))
		}
		out.Scopes = append(out.Scopes, scopeJSON{Role: string(g.Role), Jurisdiction: optID(g.Scope.Jurisdiction),
			Agency: optID(g.Scope.Agency)})
	}
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
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	c, err := caller(r)
	if err != nil {
		return err
	}
	var body passwordJSON
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	err = s.identity.ChangePassword(r.Context(), c.User.ID, body.Old, body.New)
	if errors.Is(err, identity.ErrUnauthenticated) {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
			Message: "the current password is wrong", MessageZH: "当前密码不正确", Err: err}
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// totpJSON is the answer of POST /api/v1/me/totp: the new secret and its otpauth:// URL (for a QR
// code), shown this once.
type totpJSON struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
}

// enrolTOTP starts the caller's enrolment of a second factor.
func (s *Server) enrolTOTP(w http.ResponseWriter, r *http.Request) error {
	c, err := caller(r)
	if err != nil {
		return err
	}
	secret, url, err := s.identity.EnrolTOTP(r.Context(), c.User.ID)
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
func (s *Server) confirmTOTP(w http.ResponseWriter, r *http.Request) error {
	c, err := caller(r)
	if err != nil {
		return err
	}
	var body codeJSON
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	if err := s.identity.ConfirmTOTP(r.Context(), c.User.ID, body.Code); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
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
