package api

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// Accounts over HTTP (Deps.Identity). Every request is authenticated by the session cookie or an API
// token, then checked against its route's rule (routeRules); the caller goes into the context
// (identity.WithCaller, and floorplan.WithActor for the history), where the register's permission
// hook (IdentityPermit) finds it. Without Deps.Identity none of this runs: single-user mode.

// SessionCookie is the name of the session cookie.
const SessionCookie = "officemap_session"

// how a request authenticated.
const (
	viaSession = "session"
	viaToken   = "token"
)

// authenticate is the Identify middleware of accounts mode: it learns the caller from the request's
// credentials, applies the route's rule (401 unauthenticated, 403 forbidden), and afterwards audits
// what the request did (auditRequest).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rule, key := s.ruleFor(r)
		trail := &auditTrail{}
		ctx := withTrail(r.Context(), trail)
		if rule.access == accessAnonymous {
			// Open to anyone: credentials are not even looked at (the app's files would each cost a
			// session lookup). Signing out reads its cookie itself.
			next.ServeHTTP(w, r.WithContext(ctx))
			s.auditRequest(r, rule, trail, w.Header())
			return
		}
		caller, via, err := s.credentials(r)
		if err != nil && !errors.Is(err, identity.ErrUnauthenticated) {
			s.writeError(w, r, err) // the store failed: 503 or 500, not a refusal
			return
		}
		if via != "" {
			ctx = identity.WithCaller(ctx, caller)
			ctx = floorplan.WithActor(ctx, caller.User.Username)
		}
		r = r.WithContext(ctx)
		if via == "" {
			if _, cerr := r.Cookie(SessionCookie); cerr == nil {
				s.clearSessionCookie(w, r) // a stale cookie: let the app show its sign-in page
			}
			e := errUnauthenticated(err)
			if s.sso != nil && key == "GET /api/v1/me" {
				e.Extra = map[string]any{"sso_url": ssoPath} // the sign-in page offers single sign-on
			}
			s.writeError(w, r, e)
			return
		}
		if reason := s.setupPending(caller, via); reason != "" && rule.access != accessSetup {
			s.writeError(w, r, errSetupFirst(reason))
			return
		}
		switch rule.access {
		case accessSetup, accessSignedIn:
		case accessAction:
			if !rule.allows(caller.User.Grants) {
				s.deny(w, r, key, rule)
				return
			}
		default: // a route without a rule: refused to everyone until it has one
			s.log.Error("route without an authorisation rule", "route", key)
			s.deny(w, r, key, rule)
			return
		}
		next.ServeHTTP(w, r)
		s.auditRequest(r, rule, trail, w.Header())
	})
}

// credentials returns the caller of r and how it authenticated (viaSession, viaToken), or "" without
// usable credentials. A bearer token is used when the request has one, else the session cookie. An
// unknown, expired or revoked credential is identity.ErrUnauthenticated; other errors are the store's.
func (s *Server) credentials(r *http.Request) (identity.Caller, string, error) {
	now := s.now()
	addr := s.clientAddr(r)
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, secret, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return identity.Caller{}, "", identity.ErrUnauthenticated
		}
		u, _, err := s.identity.AuthenticateToken(r.Context(), strings.TrimSpace(secret), now)
		if err != nil {
			return identity.Caller{}, "", err
		}
		return identity.Caller{User: u, Addr: addr}, viaToken, nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return identity.Caller{}, "", identity.ErrUnauthenticated
	}
	u, sess, err := s.identity.Authenticate(r.Context(), c.Value, now)
	if err != nil {
		return identity.Caller{}, "", err
	}
	return identity.Caller{User: u, Session: sess.IDHash, Addr: addr}, viaSession, nil
}

// setupPending says what a signed-in user must do before anything else: "must_change_password" after
// a reset or an expiry, "needs_totp" for an administrator without a second factor; "" for nothing.
// Tokens are exempt: their owner made them after signing in properly.
func (s *Server) setupPending(c identity.Caller, via string) string {
	if via != viaSession {
		return ""
	}
	switch {
	case c.User.MustChangePassword:
		return "must_change_password"
	case s.identity.NeedsTOTPEnrolment(c.User):
		return "needs_totp"
	}
	return ""
}

// deny answers 403 to a route the caller's roles do not allow, and audits it.
func (s *Server) deny(w http.ResponseWriter, r *http.Request, key string, rule routeRule) {
	detail := string(rule.action)
	if rule.personal {
		detail += " (personal data)"
	}
	s.audit(r, identity.AuditRecord{Action: "permission.denied", Target: key, Outcome: identity.OutcomeDenied, Detail: detail})
	s.writeError(w, r, errForbidden(floorplan.ErrForbidden))
}

// now is the clock of sessions and tokens (Deps.Now).
func (s *Server) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}

// clientAddr is the client's address without the port: the connection's peer, or — behind a reverse
// proxy trusted with Config.TrustForwarded — the last address X-Forwarded-For names (the one the
// proxy added).
func (s *Server) clientAddr(r *http.Request) string {
	if s.cfg.TrustForwarded {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if a := strings.TrimSpace(parts[len(parts)-1]); a != "" {
				return a
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// setSessionCookie gives the browser its session: HttpOnly (no script reads it), SameSite=Lax (no
// other site's form sends it), Secure over TLS, for the whole server. It lasts as long as the browser
// session; the server ends it earlier (idle timeout, lifetime, sign-out).
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.overTLS(r)})
}

// clearSessionCookie tells the browser to forget its session cookie.
func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.overTLS(r)})
}
