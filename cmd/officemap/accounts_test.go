package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"officemap/floorplan/identity"
)

// servingEnv starts a command that serves with the environment vars and returns the URL it printed,
// everything it printed to stdout up to the URL, and a function that stops it.
func servingEnv(t *testing.T, vars map[string]string, args ...string) (url, printed string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, strings.NewReader(""), syncWriter{pw}, io.Discard, func(k string) string { return vars[k] })
		pw.Close()
	}()
	var out strings.Builder
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		out.WriteString(lines.Text() + "\n")
		if i := strings.Index(lines.Text(), "://"); i >= 0 && strings.Contains(lines.Text(), "serving") {
			url = strings.TrimSpace(lines.Text()[strings.LastIndex(lines.Text()[:i], " ")+1:])
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if url == "" {
		cancel()
		t.Fatalf("%v printed no URL (it ended with %v); printed:\n%s", args, <-done, out.String())
	}
	var once sync.Once
	stop = func() error {
		var err error
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(40 * time.Second):
				t.Errorf("%v did not shut down", args)
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return url, out.String(), stop
}

type signedIn struct {
	User struct {
		Username           string   `json:"username"`
		Roles              []string `json:"roles"`
		Scopes             []struct{ Role, Jurisdiction, Agency string }
		MustChangePassword bool `json:"must_change_password"`
		NeedsTOTP          bool `json:"needs_totp"`
	} `json:"user"`
}

// signIn posts the credentials with a client of its own (with a cookie jar) and returns the client,
// the status and the answer.
func signIn(t *testing.T, url, user, pw string) (*http.Client, int, signedIn) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	code, data := postJSON(t, c, url+"api/v1/session", map[string]string{"username": user, "password": pw})
	var s signedIn
	if code == http.StatusOK {
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatalf("sign in %s: %v in %s", user, err, data)
		}
	}
	return c, code, s
}

// postJSON posts v as JSON to url with c and returns the status and the answer.
func postJSON(t *testing.T, c *http.Client, url string, v any) (int, []byte) {
	t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// oneTimePassword returns the password printed on the line after the one saying it is shown once.
func oneTimePassword(t *testing.T, printed string) string {
	t.Helper()
	lines := strings.Split(printed, "\n")
	i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "shown once") })
	if i < 0 || i+1 >= len(lines) || lines[i+1] == "" {
		t.Fatalf("no one-time password printed:\n%s", printed)
	}
	return lines[i+1]
}

func get(t *testing.T, c *http.Client, url string) int {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestDemoAccounts(t *testing.T) {
	const pw = "Demo-passw0rd!"
	url, printed, stop := servingEnv(t, map[string]string{envDemoPassword: pw},
		"demo", "--db", filepath.Join(t.TempDir(), "demo.gpkg"), "--addr", "127.0.0.1:0")
	if strings.Contains(printed, pw) {
		t.Errorf("demo printed the password from the environment:\n%s", printed)
	}
	if code := get(t, http.DefaultClient, url+"api/v1/buildings"); code != http.StatusUnauthorized {
		t.Errorf("anonymous GET /api/v1/buildings = %d, want 401", code)
	}
	// One user per role, the approver (领导审批) of the online handling among them; each signs in below.
	named := map[string]bool{}
	for _, u := range demoUsers([16]byte{1}) {
		named[u.name] = true
	}
	for _, r := range identity.Roles {
		if !named[string(r)] {
			t.Errorf("the demo has no user %s", r)
		}
	}
	for _, u := range demoUsers([16]byte{1}) {
		c, code, s := signIn(t, url, u.name, pw)
		if code != http.StatusOK {
			t.Errorf("sign in %s: %d", u.name, code)
			continue
		}
		if !slices.Equal(s.User.Roles, []string{string(u.grant.Role)}) {
			t.Errorf("%s has roles %q, want %s", u.name, s.User.Roles, u.grant.Role)
		}
		if s.User.NeedsTOTP || s.User.MustChangePassword {
			t.Errorf("%s: needs_totp %v, must_change_password %v; demo users need neither", u.name, s.User.NeedsTOTP, s.User.MustChangePassword)
		}
		if code := get(t, c, url+"api/v1/me"); code != http.StatusOK {
			t.Errorf("%s: GET /api/v1/me = %d", u.name, code)
		}
		switch u.name {
		case "agency_manager":
			if len(s.User.Scopes) != 1 || s.User.Scopes[0].Agency == "" {
				t.Errorf("agency_manager scopes %+v, want one agency", s.User.Scopes)
			}
		case "district_admin":
			if len(s.User.Scopes) != 1 || s.User.Scopes[0].Jurisdiction == "" {
				t.Errorf("district_admin scopes %+v, want one jurisdiction", s.User.Scopes)
			}
		case "planner":
			if code := get(t, c, url+"api/v1/buildings"); code != http.StatusOK {
				t.Errorf("planner: GET /api/v1/buildings = %d", code)
			}
		}
	}
	// One user per role spends the sign-in burst of one address (10): wait for the bucket to refill.
	_, code, _ := signIn(t, url, "viewer", "wrong-Passw0rd")
	for end := time.Now().Add(15 * time.Second); code == http.StatusTooManyRequests && time.Now().Before(end); {
		time.Sleep(time.Second)
		_, code, _ = signIn(t, url, "viewer", "wrong-Passw0rd")
	}
	if code != http.StatusUnauthorized {
		t.Errorf("a wrong password: %d, want 401", code)
	}
	if err := stop(); err != nil {
		t.Errorf("demo ended with %v", err)
	}
}

func TestDemoRandomPassword(t *testing.T) {
	url, printed, _ := servingEnv(t, nil, "demo", "--accounts", "--db", filepath.Join(t.TempDir(), "demo.gpkg"), "--addr", "127.0.0.1:0")
	if _, code, _ := signIn(t, url, "viewer", oneTimePassword(t, printed)); code != http.StatusOK {
		t.Errorf("viewer with the printed password: %d", code)
	}
}

// TestAccountsOnByDefault: without any setting a server asks who is calling; single-user mode must be
// asked for, and then serves a loopback address only.
func TestAccountsOnByDefault(t *testing.T) {
	url, _, _ := servingEnv(t, nil, "demo", "--db", filepath.Join(t.TempDir(), "demo.gpkg"), "--addr", "127.0.0.1:0")
	if code := get(t, http.DefaultClient, url+"api/v1/buildings"); code != http.StatusUnauthorized {
		t.Errorf("anonymous GET /api/v1/buildings = %d, want 401", code)
	}
	for _, off := range []struct {
		env  map[string]string
		args []string
	}{
		{nil, []string{"--accounts=false"}},
		{map[string]string{envAccounts: "off"}, nil},
	} {
		args := append([]string{"demo", "--db", filepath.Join(t.TempDir(), "demo.gpkg"), "--addr", "127.0.0.1:0"}, off.args...)
		url, _, stop := servingEnv(t, off.env, args...)
		if code := get(t, http.DefaultClient, url+"api/v1/me"); code != http.StatusNotFound {
			t.Errorf("%v %v: single-user GET /api/v1/me = %d, want 404", off.env, off.args, code)
		}
		if code := get(t, http.DefaultClient, url+"api/v1/buildings"); code != http.StatusOK {
			t.Errorf("%v %v: single-user GET /api/v1/buildings = %d, want 200", off.env, off.args, code)
		}
		stop()
		for _, addr := range []string{"0.0.0.0:0", "[::]:0", ":0", "192.0.2.1:0"} {
			wide := append([]string{"serve", "--db", filepath.Join(t.TempDir(), "wide.gpkg"), "--addr", addr}, off.args...)
			_, _, err := runCommand(t, "", off.env, wide...)
			if err == nil || !strings.Contains(err.Error(), "loopback") {
				t.Errorf("%v %v: err = %v, want a refusal naming loopback", off.env, wide, err)
			}
		}
	}
	// --accounts on the command line wins over the environment.
	url, _, _ = servingEnv(t, map[string]string{envAccounts: "off"}, "demo", "--accounts", "--db", filepath.Join(t.TempDir(), "demo.gpkg"), "--addr", "127.0.0.1:0")
	if code := get(t, http.DefaultClient, url+"api/v1/buildings"); code != http.StatusUnauthorized {
		t.Errorf("--accounts with %s=off: anonymous GET /api/v1/buildings = %d, want 401", envAccounts, code)
	}
}

func TestServeAccountsBootstrap(t *testing.T) {
	db := filepath.Join(t.TempDir(), "serve.gpkg")
	url, printed, stop := servingEnv(t, nil, "serve", "--db", db, "--addr", "127.0.0.1:0")
	pw := oneTimePassword(t, printed)
	if n := strings.Count(printed, pw); n != 1 {
		t.Errorf("the one-time password is printed %d times", n)
	}
	c, code, s := signIn(t, url, "admin", pw)
	if code != http.StatusOK || !slices.Equal(s.User.Roles, []string{"sysadmin"}) || !s.User.MustChangePassword {
		t.Fatalf("admin signs in: %d %+v, want sysadmin who must change the password", code, s.User)
	}
	if code, _ := postJSON(t, c, url+"api/v1/me/password", map[string]string{"old": pw, "new": "N3w-admin-password"}); code != http.StatusNoContent {
		t.Errorf("change password: %d", code)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve ended with %v", err)
	}
	// A second start finds the administrator there and prints no password.
	_, printed, _ = servingEnv(t, map[string]string{envAccounts: "on"}, "serve", "--db", db, "--addr", "127.0.0.1:0")
	if strings.Contains(printed, "shown once") || strings.Contains(printed, pw) {
		t.Errorf("the second start printed a password:\n%s", printed)
	}
}

func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	url, _, stop := servingEnv(t, nil, "serve", "--db", filepath.Join(dir, "tls.gpkg"), "--addr", "127.0.0.1:0",
		"--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("serve printed %q, want an https:// URL", url)
	}
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get(url + "healthz")
	if err != nil {
		t.Fatalf("GET /healthz over TLS: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz: %d", resp.StatusCode)
	}
	if h := resp.Header.Get("Strict-Transport-Security"); h == "" {
		t.Errorf("no HSTS over TLS")
	}
	if err := stop(); err != nil {
		t.Errorf("serve ended with %v", err)
	}
	if _, _, err := officemap(t, "serve", "--db", filepath.Join(dir, "tls.gpkg"), "--tls-cert", certFile); err == nil {
		t.Errorf("--tls-cert without --tls-key was accepted")
	}
}

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key, and returns their files and a
// pool that trusts it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "officemap test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, pool
}

// TestLinkSettings: OFFICEMAP_PUBLIC_URL starts the server's links; without it they are root-relative
// whatever Host or X-Forwarded-Host say, unless OFFICEMAP_TRUST_PROXY=on trusts the forwarded host.
func TestLinkSettings(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{nil, "/ogc"},
		{map[string]string{envPublicURL: "https://fangchan.example.gov.cn/"}, "https://fangchan.example.gov.cn/ogc"},
		{map[string]string{envTrustProxy: "on"}, "https://gis.example.gov.cn/ogc"},
	} {
		url, _, stop := servingEnv(t, tc.env, "serve", "--accounts=false", "--db", filepath.Join(t.TempDir(), "links.gpkg"), "--addr", "127.0.0.1:0")
		req, _ := http.NewRequest(http.MethodGet, url+"ogc", nil)
		req.Header.Set("X-Forwarded-Host", "gis.example.gov.cn")
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var landing struct{ Links []struct{ Href, Rel string } }
		err = json.NewDecoder(resp.Body).Decode(&landing)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		self := ""
		for _, l := range landing.Links {
			if l.Rel == "self" {
				self = l.Href
			}
		}
		if self != tc.want {
			t.Errorf("%v: self link %q, want %q", tc.env, self, tc.want)
		}
		stop()
	}
}
