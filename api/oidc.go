package api

import (
	"errors"
	"net/http"
	"time"

	"officemap/floorplan/identity"
	"officemap/floorplan/identity/oidc"
)

// Single sign-on with the province's identity platform (Deps.OIDC, with Deps.Identity): the browser
// goes to GET /api/v1/session/oidc, which sends it to the provider; the provider sends it back to
// …/callback with a code, which becomes a session like a password sign-in's.

// Paths and the cookie of single sign-on.
const (
	ssoPath         = "/api/v1/session/oidc"
	ssoCallbackPath = ssoPath + "/callback"
	// SSOPendingCookie keeps a sign-in between the redirect to the provider and its callback: state,
	// nonce and PKCE verifier, signed (oidc.RelyingParty.Begin), for oidc.PendingLifetime, sent only to
	// the single sign-on routes.
	SSOPendingCookie = "officemap_oidc"
)

// ssoRoutes are the single sign-on routes: open to anyone, as the sign-in is.
func ssoRoutes() []accountRoute {
	anonymous := routeRule{access: accessAnonymous}
	return []accountRoute{
		{(*Server).ssoBegin, anonymous, opDoc{method: "GET", path: ssoPath, tag: "accounts", status: 302,
			summary: "Sign in with the province's identity platform (OpenID Connect): redirects to the provider with state, nonce and PKCE, keeping them in the short-lived cookie " + SSOPendingCookie + " (HttpOnly, SameSite=Lax, signed). Open it in the browser, not with fetch"}},
		{(*Server).ssoCallback, anonymous, opDoc{method: "GET", path: ssoCallbackPath, tag: "accounts", status: 302,
			query: []paramDoc{q("code", str("the provider's authorisation code")), q("state", str("the state sent to the provider")),
				q("error", str("the provider's error, if it refused"))},
			summary: "Where the provider sends the browser back: exchanges the code, verifies the ID token (signature, issuer, audience, expiry, nonce), matches or provisions the user, sets the session cookie " + SessionCookie + " and redirects to /. Any refusal is 401 unauthenticated with one message (the audit log says why)"}},
	}
}

// ssoRules are the authorisation rules of the single sign-on routes.
func ssoRules() map[string]routeRule { return rulesOf(ssoRoutes()) }

// ssoBegin sends the browser to the provider's sign-in page, keeping the pending sign-in in a
// short-lived cookie.
func (s *Server) ssoBegin(w http.ResponseWriter, r *http.Request) error {
	authURL, sealed, err := s.sso.Begin(r.Context())
	if err != nil {
		return s.ssoFailed(r, err)
	}
	http.SetCookie(w, &http.Cookie{Name: SSOPendingCookie, Value: sealed, Path: ssoPath,
		MaxAge: int(oidc.PendingLifetime / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.overTLS(r)})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authURL, http.StatusFound)
	return nil
}

// ssoCallback completes the sign-in when the provider sends the browser back: it verifies the answer,
// matches or provisions the user (identity.Service.SignInExternal), sets the session cookie and sends
// the browser to the app. Any refusal is 401 unauthenticated, and audited with its reason.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	sealed := ""
	if c, err := r.Cookie(SSOPendingCookie); err == nil {
		sealed = c.Value
	}
	// The pending sign-in is used once, whatever the outcome.
	http.SetCookie(w, &http.Cookie{Name: SSOPendingCookie, Value: "", Path: ssoPath, MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.overTLS(r)})
	w.Header().Set("Cache-Control", "no-store")
	claimed, err := s.sso.Finish(r.Context(), sealed, r.URL.Query())
	if err != nil {
		return s.ssoFailed(r, err)
	}
	_, _, secret, err := s.identity.SignInExternal(r.Context(), claimed, s.clientAddr(r))
	if errors.Is(err, identity.ErrUnauthenticated) { // audited by the service
		return errUnauthenticated(err)
	}
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, secret)
	http.Redirect(w, r, "/", http.StatusFound)
	return nil
}

// ssoFailed audits a refused single sign-on and returns the 401 that says nothing of why.
func (s *Server) ssoFailed(r *http.Request, err error) error {
	s.audit(r, identity.AuditRecord{Username: "anonymous", Action: "session.sign_in_failed", Target: "single sign-on",
		Outcome: identity.OutcomeFailed, Detail: identity.Clip("single sign-on: "+err.Error(), 1000)})
	return errUnauthenticated(err)
}
