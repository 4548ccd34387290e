// Package oidctest runs a real OpenID provider for tests: github.com/zitadel/oidc's op package, with
// an in-memory storage, one confidential client and a username/password login page, on an httptest
// server. Its knobs make it misbehave the ways a relying party must catch: an ID token signed by a
// key it does not publish, one already expired, one for another audience.
package oidctest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// User is an account at the provider.
type User struct {
	Subject  string
	Username string // preferred_username
	Password string
	Name     string
	Roles    []string // the "roles" claim
}

// Provider is a running OpenID provider. Its issuer is URL.
type Provider struct {
	URL          string
	ClientID     string
	ClientSecret string

	t  *testing.T
	st *storage
}

// Start runs a provider for t with one client (clientID, clientSecret) that may redirect to
// redirectURL. It stops when the test ends.
func Start(t *testing.T, clientID, clientSecret, redirectURL string) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	st := &storage{clientID: clientID, clientSecret: clientSecret, redirectURL: redirectURL,
		key: key, signKey: key, keyID: "key-1", lifetime: time.Hour,
		users: map[string]User{}, requests: map[string]*authRequest{}, codes: map[string]string{},
		tokens: map[string]string{}}
	var handler http.Handler = http.NotFoundHandler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	var cryptoKey [32]byte
	if _, err := rand.Read(cryptoKey[:]); err != nil {
		t.Fatal(err)
	}
	provider, err := op.NewProvider(&op.Config{CryptoKey: cryptoKey, CodeMethodS256: true},
		st, op.StaticIssuer(ts.URL), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/login", loginHandler(st, ts.URL+"/authorize/callback"))
	mux.Handle("/", provider)
	handler = mux
	return &Provider{URL: ts.URL, ClientID: clientID, ClientSecret: clientSecret, t: t, st: st}
}

// AddUser adds an account.
func (p *Provider) AddUser(u User) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.users[u.Username] = u
}

// SignWithUnpublishedKey makes the provider sign ID tokens with a new key that it does not publish,
// under the kid of the one it does (a forged or corrupted signature).
func (p *Provider) SignWithUnpublishedKey() {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		p.t.Fatal(err)
	}
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.signKey = key
}

// SetIDTokenLifetime sets how long ID tokens last from their issue (negative: expired when issued).
func (p *Provider) SetIDTokenLifetime(d time.Duration) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.lifetime = d
}

// IssueTokensFor makes the provider treat the client as the registration clientID: its ID tokens
// name clientID as their audience and authorised party (a provider that mixes up its clients).
func (p *Provider) IssueTokensFor(clientID string) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.issuedTo = clientID
}

// ClaimsAtUserinfoOnly leaves the user's claims out of ID tokens: a relying party must ask the
// userinfo endpoint for them.
func (p *Provider) ClaimsAtUserinfoOnly() {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.sparse = true
}

// loginHandler is the provider's sign-in page: GET shows a form, POST checks the user's password,
// completes the authorisation request and sends the browser back to the authorisation endpoint.
func loginHandler(st *storage, callback string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.FormValue("id")
		switch r.Method {
		case http.MethodGet:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<form method="post" action="/login"><input type="hidden" name="id" value="%s">`+
				`<input name="username"><input name="password" type="password"><button>Sign in</button></form>`, html.EscapeString(id))
		case http.MethodPost:
			if err := st.checkPassword(id, r.FormValue("username"), r.FormValue("password")); err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			http.Redirect(w, r, callback+"?id="+url.QueryEscape(id), http.StatusFound)
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	})
}

// storage is a minimal op.Storage in memory: authorisation requests, codes and access tokens.
type storage struct {
	clientID, clientSecret, redirectURL string

	mu       sync.Mutex
	key      *rsa.PrivateKey // published
	signKey  *rsa.PrivateKey // signs
	keyID    string
	lifetime time.Duration
	issuedTo string                  // the client id that tokens are issued for, "" : the client's own
	sparse   bool                    // the ID token carries no claims of the user: the userinfo endpoint does
	users    map[string]User         // by username
	requests map[string]*authRequest // by id
	codes    map[string]string       // code → request id
	tokens   map[string]string       // access token id → subject
	n        int
}

var _ op.Storage = (*storage)(nil)

func (s *storage) next() string {
	s.n++
	return fmt.Sprintf("%d-%d", s.n, time.Now().UnixNano())
}

func (s *storage) checkPassword(id, username, password string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	req, ok := s.requests[id]
	if !ok {
		return errors.New("no such request")
	}
	u, ok := s.users[username]
	if !ok || u.Password != password {
		return errors.New("wrong user name or password")
	}
	req.subject, req.authTime, req.done = u.Subject, time.Now(), true
	return nil
}

func (s *storage) user(subject string) (User, bool) {
	for _, u := range s.users {
		if u.Subject == subject {
			return u, true
		}
	}
	return User{}, false
}

func (s *storage) CreateAuthRequest(_ context.Context, r *zoidc.AuthRequest, _ string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req := &authRequest{id: s.next(), clientID: r.ClientID, redirectURI: r.RedirectURI, scopes: r.Scopes,
		state: r.State, nonce: r.Nonce, responseType: r.ResponseType, responseMode: r.ResponseMode}
	if s.issuedTo != "" {
		req.clientID = s.issuedTo
	}
	if r.CodeChallenge != "" {
		req.challenge = &zoidc.CodeChallenge{Challenge: r.CodeChallenge, Method: r.CodeChallengeMethod}
	}
	s.requests[req.id] = req
	return req, nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if req, ok := s.requests[id]; ok {
		return req, nil
	}
	return nil, errors.New("no such request")
}

func (s *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	id, ok := s.codes[code]
	s.mu.Unlock()
	if !ok {
		return nil, errors.New("no such code")
	}
	return s.AuthRequestByID(ctx, id)
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = id
	return nil
}

func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.requests, id)
	for code, rid := range s.codes {
		if rid == id {
			delete(s.codes, code)
		}
	}
	return nil
}

func (s *storage) CreateAccessToken(_ context.Context, r op.TokenRequest) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.next()
	s.tokens[id] = r.GetSubject()
	return id, time.Now().Add(5 * time.Minute), nil
}

func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("no refresh tokens")
}

func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

func (s *storage) TerminateSession(context.Context, string, string) error { return nil }

func (s *storage) RevokeToken(context.Context, string, string, string) *zoidc.Error { return nil }

func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return signingKey{id: s.keyID, key: s.signKey}, nil
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return []op.Key{publicKey{id: s.keyID, key: &s.key.PublicKey}}, nil
}

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := client{id: s.clientID, redirect: s.redirectURL, lifetime: s.lifetime}
	if s.issuedTo != "" {
		c.id = s.issuedTo
	}
	if id != s.clientID && id != c.id {
		return nil, errors.New("no such client")
	}
	return c, nil
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	if id != s.clientID || secret != s.clientSecret {
		return errors.New("wrong client credentials")
	}
	return nil
}

func (s *storage) SetUserinfoFromScopes(context.Context, *zoidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest puts the user's claims into the ID token.
func (s *storage) SetUserinfoFromRequest(_ context.Context, info *zoidc.UserInfo, r op.IDTokenRequest, _ []string) error {
	s.mu.Lock()
	sparse := s.sparse
	s.mu.Unlock()
	if sparse {
		info.Subject = r.GetSubject()
		return nil
	}
	return s.setUserinfo(info, r.GetSubject())
}

// SetUserinfoFromToken answers the userinfo endpoint.
func (s *storage) SetUserinfoFromToken(_ context.Context, info *zoidc.UserInfo, tokenID, subject, _ string) error {
	s.mu.Lock()
	sub, ok := s.tokens[tokenID]
	s.mu.Unlock()
	if !ok || sub != subject {
		return errors.New("no such token")
	}
	return s.setUserinfo(info, subject)
}

func (s *storage) setUserinfo(info *zoidc.UserInfo, subject string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.user(subject)
	if !ok {
		return errors.New("no such user")
	}
	info.Subject = u.Subject
	info.PreferredUsername = u.Username
	info.Name = u.Name
	if u.Roles != nil {
		info.AppendClaims("roles", u.Roles)
	}
	return nil
}

func (s *storage) SetIntrospectionFromToken(context.Context, *zoidc.IntrospectionResponse, string, string, string) error {
	return errors.New("no introspection")
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("no JWT profile")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("no JWT profile")
}

func (s *storage) Health(context.Context) error { return nil }

// authRequest is an authorisation request, done once the user has signed in.
type authRequest struct {
	id, clientID, redirectURI, state, nonce string
	scopes                                  []string
	responseType                            zoidc.ResponseType
	responseMode                            zoidc.ResponseMode
	challenge                               *zoidc.CodeChallenge

	subject  string
	authTime time.Time
	done     bool
}

func (a *authRequest) GetID() string                          { return a.id }
func (a *authRequest) GetACR() string                         { return "" }
func (a *authRequest) GetAMR() []string                       { return []string{"pwd"} }
func (a *authRequest) GetAuthTime() time.Time                 { return a.authTime }
func (a *authRequest) GetClientID() string                    { return a.clientID }
func (a *authRequest) GetCodeChallenge() *zoidc.CodeChallenge { return a.challenge }
func (a *authRequest) GetNonce() string                       { return a.nonce }
func (a *authRequest) GetRedirectURI() string                 { return a.redirectURI }
func (a *authRequest) GetResponseType() zoidc.ResponseType    { return a.responseType }
func (a *authRequest) GetResponseMode() zoidc.ResponseMode    { return a.responseMode }
func (a *authRequest) GetScopes() []string                    { return a.scopes }
func (a *authRequest) GetState() string                       { return a.state }
func (a *authRequest) GetSubject() string                     { return a.subject }
func (a *authRequest) Done() bool                             { return a.done }

func (a *authRequest) GetAudience() []string { return []string{a.clientID} }

// client is the one confidential web client.
type client struct {
	id, redirect string
	lifetime     time.Duration
}

func (c client) GetID() string                    { return c.id }
func (c client) RedirectURIs() []string           { return []string{c.redirect} }
func (c client) PostLogoutRedirectURIs() []string { return nil }
func (c client) ApplicationType() op.ApplicationType {
	return op.ApplicationTypeWeb
}
func (c client) AuthMethod() zoidc.AuthMethod { return zoidc.AuthMethodBasic }
func (c client) ResponseTypes() []zoidc.ResponseType {
	return []zoidc.ResponseType{zoidc.ResponseTypeCode}
}
func (c client) GrantTypes() []zoidc.GrantType { return []zoidc.GrantType{zoidc.GrantTypeCode} }
func (c client) LoginURL(id string) string     { return "/login?id=" + url.QueryEscape(id) }
func (c client) AccessTokenType() op.AccessTokenType {
	return op.AccessTokenTypeBearer
}
func (c client) IDTokenLifetime() time.Duration { return c.lifetime }
func (c client) DevMode() bool                  { return true } // http:// redirect URIs
func (c client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c client) IsScopeAllowed(string) bool           { return false }
func (c client) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c client) ClockSkew() time.Duration             { return 0 }

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

type publicKey struct {
	id  string
	key *rsa.PublicKey
}

func (k publicKey) ID() string                         { return k.id }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return k.key }
