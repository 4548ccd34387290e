package api

import (
	"net/http"
	"net/url"
	"strings"
)

// apiCSP is the Content-Security-Policy of every response outside the browser app (which sets its
// own): nothing may frame it, and a document opened directly (an SVG plan in a tab) runs no script and
// loads nothing but its inline styles and data: images.
const apiCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"

// hsts is the Strict-Transport-Security of a response served over TLS: one year.
const hsts = "max-age=31536000"

// withSecurityHeaders sets the headers every response carries: nosniff, a same-origin referrer, a
// CSP that forbids framing on everything but the browser app, HSTS over TLS, and — with accounts on
// (Deps.Identity) — Cache-Control: no-store on the API's responses, which carry what one user may see
// (personal data among it) and must not be kept by a shared browser or proxy. A handler that sets its
// own Cache-Control (the tiles) or CSP (the app) replaces these.
func (s *Server) withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if apiPath(r.URL.Path) || strings.HasPrefix(r.URL.Path, "/verify/") {
			h.Set("Content-Security-Policy", apiCSP)
			if s.identity != nil && !strings.HasPrefix(r.URL.Path, "/tiles/") {
				h.Set("Cache-Control", "no-store")
			}
		}
		if s.overTLS(r) {
			h.Set("Strict-Transport-Security", hsts)
		}
		next.ServeHTTP(w, r)
	})
}

// overTLS reports whether the client reached the server over TLS: directly, or through a reverse
// proxy that says so in X-Forwarded-Proto when Config.TrustForwarded is set.
func (s *Server) overTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.cfg.TrustForwarded && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// withCrossOriginProtection refuses the writes (any method but GET, HEAD and OPTIONS) that a browser
// sends from a page of another origin — cross-site request forgery, such as a text/plain form POST
// from a foreign page — with 403 forbidden, in single-user mode as with accounts. It uses
// http.CrossOriginProtection: Sec-Fetch-Site, else Origin against Host. Config.PublicURL's origin is
// trusted too, for a reverse proxy that rewrites Host. Scripts (no Origin, no Sec-Fetch-Site) pass.
func (s *Server) withCrossOriginProtection(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	if u, err := url.Parse(s.cfg.PublicURL); err == nil && u.Scheme != "" && u.Host != "" {
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			s.log.Warn("public URL not trusted as an origin", "public_url", s.cfg.PublicURL, "error", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errCrossOrigin())
	}))
	return cop.Handler(next)
}
