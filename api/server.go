package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"officemap/api/tiles"
	"officemap/floorplan"
	"officemap/floorplan/archive"
	"officemap/floorplan/exports"
	"officemap/floorplan/identity"
	"officemap/floorplan/identity/oidc"
	"officemap/floorplan/imports"
	"officemap/floorplan/render"
)

// Config holds the server's settings. The zero value of each field means its default.
type Config struct {
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout bound a connection's phases
	// (defaults 10 s, 30 s, 120 s, 120 s; the write timeout leaves room for large renders and reports).
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// ShutdownTimeout is how long Serve waits for in-flight requests after its context ends (default 30 s).
	ShutdownTimeout time.Duration
	// MaxBodyBytes caps request bodies (default 8 MiB); a larger body gets 413 body_too_large.
	MaxBodyBytes int64
	// MaxDocumentBytes caps a document uploaded to the archive (default archive.DefaultMaxSize, 64 MiB);
	// the upload route's body may be that plus its form fields.
	MaxDocumentBytes int64
	// Actor is the user every request acts as in single-user mode (default "admin"). It is recorded in
	// the history of every write. Deps.Identify or Deps.Identity replaces single-user mode.
	Actor string
	// ReadyTimeout bounds the store ping of /readyz (default 2 s).
	ReadyTimeout time.Duration
	// PublicURL (e.g. "https://fangchan.example.gov.cn") is where clients reach the server, for the
	// absolute links of OGC API and TileJSON documents. Empty means root-relative links (the request's
	// Host header is never echoed into a link).
	PublicURL string
	// TrustForwarded builds those links from X-Forwarded-Proto and X-Forwarded-Host: set it only behind
	// a reverse proxy that sets them, since a client could send them too.
	TrustForwarded bool
	// Heavy bounds how many imports, exports, rendered plans and reports run at once (HeavyLimits;
	// zero fields take the defaults).
	Heavy HeavyLimits
	// Tiles configures the tile handler's cache (CacheBytes). Its Errors field is ignored (tile errors
	// go through this server's error adapter); BaseURL and TrustForwarded default to the fields above.
	Tiles tiles.Options
	// UsageMap tells imported rooms' usages from their names, layers and tags (the serve command's
	// --usage-map); nil is officemap's own (imports.DefaultUsageMap).
	UsageMap *imports.UsageMap
	// Classification is the deployment's classification of properties (the serve command's
	// --classification, OFFICEMAP_CLASSIFICATION), served by GET /api/v1/classification and used by the
	// property register's import and export; nil is floorplan.BuiltinClassification. The stores check
	// categories against the same list (their WithClassification options).
	Classification *floorplan.Classification
}

// Defaults.
const (
	DefaultMaxBodyBytes = 8 << 20
	DefaultActor        = "admin"
)

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.ReadHeaderTimeout, 10*time.Second)
	def(&c.ReadTimeout, 30*time.Second)
	def(&c.WriteTimeout, 120*time.Second)
	def(&c.IdleTimeout, 120*time.Second)
	def(&c.ShutdownTimeout, 30*time.Second)
	def(&c.ReadyTimeout, 2*time.Second)
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxDocumentBytes <= 0 {
		c.MaxDocumentBytes = archive.DefaultMaxSize
	}
	c.Heavy = c.Heavy.withDefaults()
	if c.Actor == "" {
		c.Actor = DefaultActor
	}
	return c
}

// Assessor evaluates the whole register against the standards, cached (floorplan.Assessor). Writes
// invalidate it.
type Assessor interface {
	Current(ctx context.Context) (*floorplan.Report, error)
	AsOf(ctx context.Context, day time.Time) (*floorplan.Report, error)
	AsRecorded(ctx context.Context, day, recordedAt time.Time) (*floorplan.Report, error)
	Invalidate()
}

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Deps are the server's collaborators. Store and Assessor are required.
type Deps struct {
	Store    floorplan.Store
	Assessor Assessor
	// Register is the one door for writes; nil makes one over Store that allows everything (single-user
	// mode). Handlers never write through Store.
	Register *floorplan.Register
	// Static serves the browser app at / (GET and HEAD outside /api, /ogc, /tiles); nil leaves it out.
	Static http.Handler
	// Logger receives one line per request; nil means slog.Default().
	Logger *slog.Logger
	// Identify puts the acting user into each request's context with floorplan.WithActor (or refuses
	// the request). Nil means single-user mode: SingleUser(Config.Actor). An authenticating middleware
	// replaces it here without any handler changing.
	Identify Middleware
	// Identity turns accounts on (nil: single-user mode, as without it): every request but the health
	// checks, the sign-in, the app's static files and /verify/… needs a session cookie or an API token;
	// each route is checked against the role matrix (routeRules); the account routes (/api/v1/session,
	// /api/v1/me…, /api/v1/audit) are added; requests are audited. It excludes Identify. Pass a Register
	// built by NewRegister with the same service, so that writes are checked against the caller's scope;
	// with Register nil the server builds one.
	Identity *identity.Service
	// OIDC turns on single sign-on with an OpenID Connect provider (oidc.FromEnv), with Identity only:
	// nil or not Enabled leaves it off. It adds GET /api/v1/session/oidc and its callback.
	OIDC *oidc.Config
	// Now is the clock of sessions and tokens (idle timeout, expiry); nil means time.Now. Give it the
	// identity.Service's clock.
	Now func() time.Time
	// Fonts draws PNG plans; nil loads the system's CJK font on the first PNG.
	Fonts *render.Fonts
	// ExportGeoPackage writes the gpkg export (gpkg.Export); nil answers that export with 501.
	ExportGeoPackage exports.GeoPackageWriter
}

// Server is officemap's HTTP handler.
type Server struct {
	cfg      Config
	store    storeReader
	register *floorplan.Register
	assessor Assessor
	tiles    *tiles.Handler
	log      *slog.Logger
	router   *mux.Router
	handler  http.Handler

	openapi []byte // the OpenAPI document, rendered once

	fontsOnce sync.Once
	fonts     *render.Fonts
	pdfFonts  pdfFontCache // the font PDFs embed (pdffont.go)

	exportGeoPackageTo exports.GeoPackageWriter // Deps.ExportGeoPackage

	identity *identity.Service    // Deps.Identity; nil in single-user mode
	clock    func() time.Time     // Deps.Now
	rules    map[string]routeRule // routeRules, with accounts on
	sso      *oidc.RelyingParty   // Deps.OIDC; nil without single sign-on
	scopes   scopeCache           // the callers' scopes at the register's revision

	imports, exports, renders, reports *gate // heavy work (Config.Heavy)

	verifyLimit *identity.RateLimiter // the public certificate verification, per client address
}

// NewServer returns the server for cfg and deps. It panics when a required dependency is missing, a
// wiring mistake that no request could recover from.
func NewServer(cfg Config, deps Deps) *Server {
	if deps.Store == nil || deps.Assessor == nil {
		panic("api: NewServer needs Deps.Store and Deps.Assessor")
	}
	if deps.Identity != nil && deps.Identify != nil {
		panic("api: Deps.Identity and Deps.Identify exclude each other")
	}
	cfg = cfg.withDefaults()
	reg := deps.Register
	if reg == nil {
		reg = NewRegister(deps.Store, deps.Identity)
	}
	s := &Server{cfg: cfg, store: deps.Store, register: reg, assessor: deps.Assessor, log: deps.Logger, fonts: deps.Fonts,
		exportGeoPackageTo: deps.ExportGeoPackage, identity: deps.Identity, clock: deps.Now,
		verifyLimit: identity.NewRateLimiter(verifyPerMinute, verifyBurst, 100_000)}
	h := cfg.Heavy
	s.imports, s.exports = newGate("imports", h.Imports, h.QueueWait), newGate("exports", h.Exports, h.QueueWait)
	s.renders, s.reports = newGate("plan renders", h.Renders, h.QueueWait), newGate("reports", h.Reports, h.QueueWait)
	if s.identity != nil {
		s.rules = routeRules()
	}
	if deps.OIDC != nil && deps.OIDC.Enabled() {
		if s.identity == nil {
			panic("api: Deps.OIDC needs Deps.Identity")
		}
		rp, err := oidc.New(*deps.OIDC)
		if err != nil {
			panic("api: " + err.Error())
		}
		s.sso = rp
		maps.Copy(s.rules, ssoRules())
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	topts := cfg.Tiles
	topts.Errors = s.writeError
	if topts.BaseURL == "" {
		topts.BaseURL = cfg.PublicURL
	}
	topts.TrustForwarded = topts.TrustForwarded || cfg.TrustForwarded
	if s.identity != nil {
		topts.Scope = s.tileScope
	}
	// Tiles read the stored state of their own rooms (floorplan.Register.States), not a whole evaluation.
	s.tiles = tiles.New(deps.Store, tiles.FromStates(reg.States), topts)
	// Caches follow the register's changes (and, across servers, its revision).
	reg.Subscribe(func(c floorplan.Changes) {
		s.assessor.Invalidate()
		// c.Revision is the one the write committed at (Register.done): the tiles and the read scopes key on
		// it without reading it again. A write that cannot change what a scope is made of keeps the scopes of the revision before it.
		if !c.Batch && scopeNeutral(c.Entity) {
			s.scopes.advance(c.Revision)
		}
		s.tiles.Committed(c.Revision, c.Layers...)
	})
	s.openapi = marshalOpenAPI(deps.Static != nil, s.identity != nil)
	if s.sso != nil {
		s.openapi = marshalOpenAPIWithSSO(deps.Static != nil)
	}
	s.router = s.routes(deps.Static)
	identify := deps.Identify
	switch {
	case s.identity != nil:
		identify = s.authenticate
	case identify == nil:
		identify = SingleUser(cfg.Actor)
	}
	// Outermost first: request id and the access log see everything, including recovered panics; every
	// response carries the security headers; cross-origin writes are refused before anything else looks
	// at them. The health checks bypass Identify, so that an authenticating middleware never hides them
	// from a load balancer.
	identified := identify(s.withWriteContext(s.router))
	routed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			s.router.ServeHTTP(w, r)
			return
		}
		identified.ServeHTTP(w, r)
	})
	// The API's JSON is gzipped and tagged inside recoverPanics, so that a panic discards what was held
	// and the client gets the whole error.
	s.handler = s.withRequestLog(s.withSecurityHeaders(s.recoverPanics(s.withConditionalJSON(
		s.withCrossOriginProtection(s.limitBody(routed))))))
	return s
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Router returns the router, for tests and documentation tools that walk the routes.
func (s *Server) Router() *mux.Router { return s.router }

// Serve listens on addr and serves until ctx ends, then shuts down gracefully: it stops accepting,
// lets in-flight requests finish (up to Config.ShutdownTimeout) and returns nil.
func (s *Server) Serve(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("api: listen on %s: %w", addr, err)
	}
	return s.ServeListener(ctx, ln)
}

// ServeListener is Serve on a listener the caller opened; it closes ln.
func (s *Server) ServeListener(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("api: serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "addr", ln.Addr().String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("api: shutdown: %w", err)
	}
	return nil
}

// SingleUser is the actor middleware of single-user mode: every request acts as name.
func SingleUser(name string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(floorplan.WithActor(r.Context(), name)))
		})
	}
}

// renderFonts returns the fonts for PNG plans, loading them on first use.
func (s *Server) renderFonts() *render.Fonts {
	s.fontsOnce.Do(func() {
		if s.fonts == nil {
			s.fonts = render.LoadFonts()
		}
	})
	return s.fonts
}

// storeReader is what the handlers read the register through; writes go through the Register.
type storeReader interface {
	floorplan.Reader
	floorplan.FeatureSource
	floorplan.Snapshotter
	floorplan.DocumentReader
	floorplan.LedgerEntryReader
	floorplan.RegistrationReader
	floorplan.CertificateReader
	floorplan.ApplicationReader
	floorplan.InspectionReader
	floorplan.LeadReader
	Ping(ctx context.Context) error
}
