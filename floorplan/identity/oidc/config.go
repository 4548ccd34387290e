// Package oidc signs users in with an external identity provider — the province's unified identity
// platform — through OpenID Connect: the authorisation code flow with state, nonce and PKCE, and the
// ID token verified for its signature, issuer, audience, expiry and nonce. It turns the verified
// claims into the identity.User that identity.Service.SignInExternal matches or provisions: its
// subject "iss|sub", its user name from a configured claim, and its roles from a claim through a map,
// or none (assigned locally by the administrators).
//
// The package speaks to the provider but knows nothing of officemap's HTTP server: the api package
// keeps the pending sign-in (Begin's sealed value) in a cookie and hands it back to Finish.
package oidc

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"officemap/floorplan/identity"
)

// The environment variables of Config (FromEnv).
const (
	EnvIssuer       = "OFFICEMAP_OIDC_ISSUER"        // e.g. https://idp.example.gov.cn/realms/province; unset: single sign-on off
	EnvClientID     = "OFFICEMAP_OIDC_CLIENT_ID"     // required
	EnvClientSecret = "OFFICEMAP_OIDC_CLIENT_SECRET" // confidential clients; empty for a public client (PKCE only)
	EnvRedirectURL  = "OFFICEMAP_OIDC_REDIRECT_URL"  // required: https://officemap.example.gov.cn/api/v1/session/oidc/callback
	EnvScopes       = "OFFICEMAP_OIDC_SCOPES"        // space or comma separated; default "openid profile"
	EnvUserClaim    = "OFFICEMAP_OIDC_USER_CLAIM"    // default preferred_username
	EnvRolesClaim   = "OFFICEMAP_OIDC_ROLES_CLAIM"   // unset: roles are assigned locally
	EnvRoleMap      = "OFFICEMAP_OIDC_ROLE_MAP"      // gov-planner=planner,gov-viewer=viewer
	EnvClockSkew    = "OFFICEMAP_OIDC_CLOCK_SKEW"    // a Go duration; default 1m
)

// Defaults of Config.
const (
	DefaultUserClaim = "preferred_username"
	DefaultClockSkew = time.Minute
	// PendingLifetime is how long a browser has to come back from the provider.
	PendingLifetime = 10 * time.Minute
)

// ErrConfig is the error of an unusable configuration.
var ErrConfig = errors.New("oidc: configuration")

// Config is how officemap reaches the identity provider and reads its claims. The zero value (no
// Issuer) means single sign-on is off.
type Config struct {
	Issuer       string // the provider's issuer URL, exactly as its discovery document says
	ClientID     string
	ClientSecret string   // "" for a public client
	RedirectURL  string   // officemap's …/api/v1/session/oidc/callback, as registered at the provider
	Scopes       []string // "openid" is always asked for; nil: openid profile
	// UserClaim is the claim whose value is the officemap user name: an account of that name not yet
	// linked to a subject is matched, else one is provisioned ("" : preferred_username; "sub" works too
	// when subjects are valid user names).
	UserClaim string
	// RolesClaim is the claim that carries the user's roles at the provider (a string array, or one
	// string of names separated by spaces or commas; a dotted path such as realm_access.roles reaches
	// into objects). "" assigns roles locally: new users have none until an administrator grants them.
	RolesClaim string
	// RoleMap maps a value of RolesClaim to the officemap roles it gives, city-wide. Roles that need a
	// scope (agency_manager) or a second factor (the administrators) cannot be mapped.
	RoleMap map[string][]identity.Role
	// ClockSkew is how far the provider's clock may be ahead of ours when checking a token's expiry
	// (0: DefaultClockSkew; negative: none).
	ClockSkew time.Duration
	// HTTPClient makes the requests to the provider; nil: one with a 10 s timeout.
	HTTPClient *http.Client
	// Now is the clock of expiry checks; nil: time.Now.
	Now func() time.Time
}

// Enabled reports whether single sign-on is configured.
func (c Config) Enabled() bool { return c.Issuer != "" }

// FromEnv reads the configuration from the environment through getenv (os.Getenv). Without
// OFFICEMAP_OIDC_ISSUER it returns the zero Config, single sign-on off; otherwise it returns the
// configuration checked (Validate).
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{Issuer: strings.TrimSpace(getenv(EnvIssuer))}
	if c.Issuer == "" {
		return Config{}, nil
	}
	c.ClientID = strings.TrimSpace(getenv(EnvClientID))
	c.ClientSecret = getenv(EnvClientSecret)
	c.RedirectURL = strings.TrimSpace(getenv(EnvRedirectURL))
	c.Scopes = splitList(getenv(EnvScopes))
	c.UserClaim = strings.TrimSpace(getenv(EnvUserClaim))
	c.RolesClaim = strings.TrimSpace(getenv(EnvRolesClaim))
	var err error
	if c.RoleMap, err = ParseRoleMap(getenv(EnvRoleMap)); err != nil {
		return Config{}, err
	}
	if raw := strings.TrimSpace(getenv(EnvClockSkew)); raw != "" {
		if c.ClockSkew, err = time.ParseDuration(raw); err != nil {
			return Config{}, fmt.Errorf("%w: %s: %v", ErrConfig, EnvClockSkew, err)
		}
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// ParseRoleMap parses "claim-value=role,claim-value=role": a value may appear more than once to give
// several roles. An empty string is an empty map.
func ParseRoleMap(s string) (map[string][]identity.Role, error) {
	m := map[string][]identity.Role{}
	for _, pair := range strings.Split(s, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		value, role, ok := strings.Cut(pair, "=")
		value, role = strings.TrimSpace(value), strings.TrimSpace(role)
		if !ok || value == "" || role == "" {
			return nil, fmt.Errorf("%w: %s: %q is not claim-value=role", ErrConfig, EnvRoleMap, pair)
		}
		m[value] = append(m[value], identity.Role(role))
	}
	return m, nil
}

// Validate checks that c names what the code flow needs, and that its role map gives only roles that
// a claim may give.
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))
	}
	for _, f := range []struct{ env, val string }{{EnvIssuer, c.Issuer}, {EnvRedirectURL, c.RedirectURL}} {
		u, err := url.Parse(f.val)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return bad("%s must be an absolute http(s) URL, not %q", f.env, f.val)
		}
	}
	if c.ClientID == "" {
		return bad("%s is required", EnvClientID)
	}
	if c.RolesClaim == "" && len(c.RoleMap) > 0 {
		return bad("%s needs %s", EnvRoleMap, EnvRolesClaim)
	}
	if c.RolesClaim != "" && len(c.RoleMap) == 0 {
		return bad("%s needs %s (claim-value=role,…)", EnvRolesClaim, EnvRoleMap)
	}
	for value, roles := range c.RoleMap {
		for _, r := range roles {
			switch {
			case !r.Valid():
				return bad("%s: %s=%s: unknown role", EnvRoleMap, value, r)
			case r.Admin():
				return bad("%s: %s=%s: administrator roles are granted locally (they sign in with a second factor)", EnvRoleMap, value, r)
			case r == identity.RoleAgencyManager:
				return bad("%s: %s=%s: an agency manager needs an agency; grant it locally", EnvRoleMap, value, r)
			}
		}
	}
	return nil
}

// withDefaults fills in the defaults.
func (c Config) withDefaults() Config {
	if c.UserClaim == "" {
		c.UserClaim = DefaultUserClaim
	}
	if c.ClockSkew == 0 {
		c.ClockSkew = DefaultClockSkew
	}
	c.ClockSkew = max(c.ClockSkew, 0)
	scopes := []string{"openid"}
	if c.Scopes == nil {
		scopes = append(scopes, "profile")
	}
	for _, s := range c.Scopes {
		if s != "openid" {
			scopes = append(scopes, s)
		}
	}
	c.Scopes = scopes
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// splitList splits a list separated by spaces or commas.
func splitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	if len(f) == 0 {
		return nil
	}
	return f
}
