package static

import (
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// assets lists the files index.html refers to (scripts, style sheets, preloads).
func assets(t *testing.T, index string) []string {
	t.Helper()
	var out []string
	for _, m := range regexp.MustCompile(`(?:src|href)="\./([^"]+)"`).FindAllStringSubmatch(index, -1) {
		out = append(out, m[1])
	}
	if len(out) < 2 {
		t.Fatalf("index.html refers to %d files, want the script and the style sheet at least", len(out))
	}
	return out
}

func TestIndex(t *testing.T) {
	h := Handler()
	rec := get(t, h, http.MethodGet, "/", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / = %d", rec.Code)
	}
	hd := rec.Header()
	if got := hd.Get("Content-Type"); !strings.HasPrefix(got, "text/html") {
		t.Errorf("Content-Type = %q", got)
	}
	if got := hd.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("Cache-Control = %q, want no-cache: index.html names the current build", got)
	}
	policy := hd.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "connect-src 'self'", "img-src 'self' data: blob:;", "script-src 'self'"} {
		if !strings.Contains(policy, want) {
			t.Errorf("CSP %q lacks %q", policy, want)
		}
	}
	body := rec.Body.String()
	if !strings.Contains(body, `<meta name="officemap-basemap" content="">`) {
		t.Error("index.html has no empty basemap meta by default")
	}
	if regexp.MustCompile(`(?:src|href)="(https?:)?//`).MatchString(body) {
		t.Error("index.html refers to another host")
	}
	for _, a := range assets(t, body) {
		if _, err := fs.Stat(FS(), a); err != nil {
			t.Errorf("index.html refers to %s, which is not in dist: %v", a, err)
		}
	}
}

func TestAssets(t *testing.T) {
	h := Handler()
	index := get(t, h, http.MethodGet, "/", nil).Body.String()
	for _, a := range assets(t, index) {
		t.Run(a, func(t *testing.T) {
			plain := get(t, h, http.MethodGet, "/"+a, nil)
			if plain.Code != http.StatusOK {
				t.Fatalf("GET /%s = %d", a, plain.Code)
			}
			if got := plain.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control = %q: hashed files never change", got)
			}
			if plain.Header().Get("Content-Encoding") != "" {
				t.Error("gzip sent to a client that did not ask for it")
			}
			want, _ := fs.ReadFile(FS(), a)
			if plain.Body.String() != string(want) {
				t.Error("body differs from the embedded file")
			}

			zipped := get(t, h, http.MethodGet, "/"+a, map[string]string{"Accept-Encoding": "br, gzip"})
			if zipped.Header().Get("Content-Encoding") != "gzip" {
				t.Fatalf("Content-Encoding = %q, want gzip", zipped.Header().Get("Content-Encoding"))
			}
			zr, err := gzip.NewReader(zipped.Body)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			if err != nil || string(got) != string(want) {
				t.Errorf("gunzipped body differs from the file (err %v)", err)
			}
			if zipped.Header().Get("ETag") == plain.Header().Get("ETag") {
				t.Error("the gzipped and plain responses share an ETag")
			}

			notModified := get(t, h, http.MethodGet, "/"+a, map[string]string{"If-None-Match": plain.Header().Get("ETag")})
			if notModified.Code != http.StatusNotModified {
				t.Errorf("If-None-Match with the ETag = %d, want 304", notModified.Code)
			}
			head := get(t, h, http.MethodHead, "/"+a, nil)
			if head.Code != http.StatusOK || head.Body.Len() != 0 {
				t.Errorf("HEAD = %d with %d bytes", head.Code, head.Body.Len())
			}
		})
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	h := Handler()
	for _, p := range []string{"/nope.js", "/../embed.go", "/dist/index.html"} {
		if rec := get(t, h, http.MethodGet, p, nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, rec.Code)
		}
	}
	if rec := get(t, h, http.MethodPost, "/", nil); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", rec.Code)
	}
}

func TestBasemapOption(t *testing.T) {
	tests := []struct {
		name, url, wantMeta, wantImg string
	}{
		{"none", "", `content=""`, "img-src 'self' data: blob:;"},
		{"host", "https://tiles.example.gov.cn/{z}/{x}/{y}.png", `content="https://tiles.example.gov.cn/{z}/{x}/{y}.png"`,
			"img-src 'self' data: blob: https://tiles.example.gov.cn;"},
		{"subdomains", "http://{a-c}.tile.intranet:8081/{z}/{x}/{y}.png", `content="http://{a-c}.tile.intranet:8081/{z}/{x}/{y}.png"`,
			"img-src 'self' data: blob: http://*.tile.intranet:8081;"},
		{"placeholder inside a label", "https://t{s}.example.org/{z}/{x}/{y}.png", `content="https://t{s}.example.org/{z}/{x}/{y}.png"`,
			"img-src 'self' data: blob: https:;"},
		{"escaped", `https://x.example/"><script>/{z}/{x}/{y}.png`, `content="https://x.example/&#34;&gt;&lt;script&gt;/{z}/{x}/{y}.png"`,
			"img-src 'self' data: blob: https://x.example;"},
		{"not http", "javascript:alert(1)", `content="javascript:alert(1)"`, "img-src 'self' data: blob:;"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(t, New(Options{BasemapURL: tc.url, BasemapAttribution: "© 测绘院"}), http.MethodGet, "/", nil)
			body := rec.Body.String()
			if !strings.Contains(body, `<meta name="officemap-basemap" `+tc.wantMeta+`>`) {
				t.Errorf("basemap meta not filled as %s in\n%s", tc.wantMeta, body[:min(len(body), 600)])
			}
			if tc.url != "" && !strings.Contains(body, `<meta name="officemap-basemap-attribution" content="© 测绘院">`) {
				t.Error("attribution meta not filled")
			}
			if got := rec.Header().Get("Content-Security-Policy"); !strings.Contains(got, tc.wantImg) {
				t.Errorf("CSP %q lacks %q", got, tc.wantImg)
			}
		})
	}
}
