package oidc

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"officemap/floorplan/identity"
)

// ErrRefused is the error of a sign-in that the provider or the verification of its answer refused.
// It wraps the reason, for the audit log only: the browser learns nothing of it.
var ErrRefused = errors.New("oidc: sign-in refused")

func refused(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
}

// RelyingParty is officemap as a client of the identity provider. It learns the provider's endpoints
// and keys from its discovery document on first use (and again after a failure), so that the server
// starts while the provider is down.
type RelyingParty struct {
	cfg Config
	key []byte // signs the pending sign-in

	mu       sync.Mutex
	provider *gooidc.Provider
	verifier *gooidc.IDTokenVerifier
	oauth    *oauth2.Config
}

// New returns the relying party of cfg, which must be valid (Validate).
func New(cfg Config) (*RelyingParty, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rp := &RelyingParty{cfg: cfg.withDefaults()}
	if cfg.ClientSecret != "" {
		// Derived from the client secret, so that every server of a deployment accepts the pending
		// sign-ins of the others.
		m := hmac.New(sha256.New, []byte(cfg.ClientSecret))
		m.Write([]byte("officemap oidc pending sign-in"))
		rp.key = m.Sum(nil)
	} else {
		rp.key = make([]byte, 32)
		rand.Read(rp.key)
	}
	return rp, nil
}

// discover returns the provider, its ID token verifier and the OAuth 2 configuration, reading the
// discovery document when it has not yet.
func (rp *RelyingParty) discover(ctx context.Context) (*gooidc.Provider, *gooidc.IDTokenVerifier, *oauth2.Config, error) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if rp.provider != nil {
		return rp.provider, rp.verifier, rp.oauth, nil
	}
	p, err := gooidc.NewProvider(gooidc.ClientContext(ctx, rp.cfg.HTTPClient), rp.cfg.Issuer)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("oidc: discovery of %s: %w", rp.cfg.Issuer, err)
	}
	// Expiry is checked by Finish, with the allowed clock skew; the rest (signature, issuer, audience,
	// not-before) by the verifier.
	rp.verifier = p.Verifier(&gooidc.Config{ClientID: rp.cfg.ClientID, SkipExpiryCheck: true, Now: rp.cfg.Now})
	rp.oauth = &oauth2.Config{ClientID: rp.cfg.ClientID, ClientSecret: rp.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: rp.cfg.RedirectURL, Scopes: rp.cfg.Scopes}
	rp.provider = p
	return p, rp.verifier, rp.oauth, nil
}

// pending is a sign-in between Begin and Finish.
type pending struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"` // PKCE code verifier
	Expires  int64  `json:"e"` // Unix seconds
}

// Begin starts a sign-in: it returns the provider's authorisation URL to send the browser to (with
// state, nonce and a PKCE challenge) and the pending sign-in, sealed, for the browser to keep (in a
// cookie) and Finish to get back.
func (rp *RelyingParty) Begin(ctx context.Context) (authURL, sealed string, err error) {
	_, _, oc, err := rp.discover(ctx)
	if err != nil {
		return "", "", err
	}
	state, _ := identity.NewSecret()
	nonce, _ := identity.NewSecret()
	p := pending{State: state, Nonce: nonce, Verifier: oauth2.GenerateVerifier(),
		Expires: rp.cfg.Now().Add(PendingLifetime).Unix()}
	authURL = oc.AuthCodeURL(p.State, gooidc.Nonce(p.Nonce), oauth2.S256ChallengeOption(p.Verifier))
	return authURL, rp.seal(p), nil
}

// Finish completes a sign-in on the provider's callback: query is the callback's query, sealed what
// Begin returned. It exchanges the code (with the PKCE verifier), verifies the ID token — signature,
// issuer, audience, expiry and nonce — and returns the user the claims describe: ExternalSubject
// "iss|sub", Username from UserClaim, DisplayName from "name", and Grants from RolesClaim through the
// role map (not nil, perhaps empty) or nil when roles are assigned locally. A claim that the ID token
// lacks is looked up at the userinfo endpoint. Any refusal wraps ErrRefused.
func (rp *RelyingParty) Finish(ctx context.Context, sealed string, query url.Values) (identity.User, error) {
	now := rp.cfg.Now()
	p, ok := rp.open(sealed, now)
	if !ok {
		return identity.User{}, refused("no pending sign-in, or an expired or forged one")
	}
	if e := query.Get("error"); e != "" {
		return identity.User{}, refused("the provider answered %s: %s", identity.Clip(e, 100), identity.Clip(query.Get("error_description"), 300))
	}
	if subtle.ConstantTimeCompare([]byte(query.Get("state")), []byte(p.State)) != 1 {
		return identity.User{}, refused("state mismatch")
	}
	code := query.Get("code")
	if code == "" {
		return identity.User{}, refused("no code")
	}
	provider, verifier, oc, err := rp.discover(ctx)
	if err != nil {
		return identity.User{}, err
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, rp.cfg.HTTPClient)
	tok, err := oc.Exchange(ctx, code, oauth2.VerifierOption(p.Verifier))
	if err != nil {
		return identity.User{}, refused("code exchange: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return identity.User{}, refused("no ID token in the token response")
	}
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		return identity.User{}, refused("ID token: %v", err)
	}
	skew := rp.cfg.ClockSkew
	switch {
	case !now.Before(idt.Expiry.Add(skew)):
		return identity.User{}, refused("ID token expired at %s", idt.Expiry.UTC().Format(time.RFC3339))
	case idt.IssuedAt.After(now.Add(skew)):
		return identity.User{}, refused("ID token issued in the future (%s)", idt.IssuedAt.UTC().Format(time.RFC3339))
	case subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(p.Nonce)) != 1:
		return identity.User{}, refused("nonce mismatch")
	case idt.Subject == "":
		return identity.User{}, refused("ID token without a subject")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return identity.User{}, refused("ID token claims: %v", err)
	}
	if azp, _ := claims["azp"].(string); len(idt.Audience) > 1 && azp != rp.cfg.ClientID {
		return identity.User{}, refused("ID token for several audiences, authorised party %q", identity.Clip(azp, 100))
	}
	_, hasUser := lookup(claims, rp.cfg.UserClaim)
	_, hasRoles := lookup(claims, rp.cfg.RolesClaim)
	if (!hasUser || (rp.cfg.RolesClaim != "" && !hasRoles)) && provider.UserInfoEndpoint() != "" {
		if err := rp.userinfo(ctx, provider, tok, idt.Subject, claims); err != nil {
			return identity.User{}, err
		}
	}
	username, _ := lookup(claims, rp.cfg.UserClaim)
	name, _ := username.(string)
	if name == "" {
		return identity.User{}, refused("no %s claim", rp.cfg.UserClaim)
	}
	u := identity.User{ExternalSubject: idt.Issuer + "|" + idt.Subject, Username: name}
	if display, ok := claims["name"].(string); ok {
		u.DisplayName = identity.Clip(strings.TrimSpace(display), 200)
	}
	if rp.cfg.RolesClaim != "" {
		v, _ := lookup(claims, rp.cfg.RolesClaim)
		u.Grants = rp.grants(claimStrings(v))
	}
	return u, nil
}

// userinfo adds the claims of the userinfo endpoint that claims lacks, once the endpoint has
// confirmed the subject.
func (rp *RelyingParty) userinfo(ctx context.Context, p *gooidc.Provider, tok *oauth2.Token, sub string, claims map[string]any) error {
	ui, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return refused("userinfo: %v", err)
	}
	if ui.Subject != sub {
		return refused("userinfo for another subject")
	}
	var more map[string]any
	if err := ui.Claims(&more); err != nil {
		return refused("userinfo claims: %v", err)
	}
	for k, v := range more {
		if _, ok := claims[k]; !ok {
			claims[k] = v
		}
	}
	return nil
}

// grants maps the values of the roles claim to city-wide grants, in the order of identity.Roles.
func (rp *RelyingParty) grants(values []string) []identity.Grant {
	has := map[identity.Role]bool{}
	for _, v := range values {
		for _, r := range rp.cfg.RoleMap[v] {
			has[r] = true
		}
	}
	out := []identity.Grant{}
	for _, r := range identity.Roles {
		if has[r] {
			out = append(out, identity.Grant{Role: r})
		}
	}
	return out
}

// lookup finds a claim by its name, or else by a dotted path into nested objects
// ("realm_access.roles").
func lookup(claims map[string]any, name string) (any, bool) {
	if name == "" {
		return nil, false
	}
	if v, ok := claims[name]; ok {
		return v, true
	}
	var cur any = claims
	for part := range strings.SplitSeq(name, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// claimStrings reads a claim of role names: an array of strings, or one string separated by spaces or
// commas.
func claimStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return splitList(v)
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// seal encodes p with its HMAC: base64url(JSON) "." base64url(HMAC-SHA256).
func (rp *RelyingParty) seal(p pending) string {
	b, _ := json.Marshal(p)
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(rp.mac(payload))
}

// open checks a sealed pending sign-in and its expiry at now.
func (rp *RelyingParty) open(sealed string, now time.Time) (pending, bool) {
	payload, sig, ok := cutLast(sealed, ".")
	if !ok {
		return pending{}, false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, rp.mac(payload)) {
		return pending{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return pending{}, false
	}
	var p pending
	if err := json.Unmarshal(b, &p); err != nil || p.State == "" || p.Nonce == "" || p.Verifier == "" {
		return pending{}, false
	}
	if !now.Before(time.Unix(p.Expires, 0)) {
		return pending{}, false
	}
	return p, true
}

func (rp *RelyingParty) mac(payload string) []byte {
	m := hmac.New(sha256.New, rp.key)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

func cutLast(s, sep string) (before, after string, ok bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
