// Package static holds officemap's browser app. Its built files live in dist/ and are embedded in the
// binary, so serving the app needs no Node and makes no external request.
//
// The sources are in src/ (plain JavaScript modules on OpenLayers) and are built with esbuild by
// `npm run build` in this directory; dist/ is committed, and TestDistIsFresh fails when it differs from
// what the sources build. README.md here describes the app, its build and its configuration.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
)

//go:embed dist
var dist embed.FS

// FS returns the built app's files, rooted at dist/.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at build time: it is always there
	}
	return sub
}

// Options configure the app as served.
type Options struct {
	// BasemapURL is an XYZ tile URL template of a background map that the browsers can reach (on a
	// government intranet: the local tile server), e.g. "https://tiles.example.gov.cn/{z}/{x}/{y}.png";
	// {a-c} picks a subdomain. Empty (the default) means a plain background with site and building
	// outlines and no request outside this server.
	BasemapURL string
	// BasemapAttribution is the credit shown with the basemap.
	BasemapAttribution string
}

// Handler serves the built app with the default options: no basemap.
func Handler() http.Handler { return New(Options{}) }

// New serves the built app. index.html is never cached by browsers (it names the current build's
// files) and carries a Content-Security-Policy that allows requests to this server only, plus the
// basemap's host when one is configured; the content-hashed scripts and styles are cached for a year.
// Text files are sent gzipped to clients that accept it.
func New(opt Options) http.Handler {
	h := &handler{files: map[string]*file{}}
	err := fs.WalkDir(FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(FS(), p)
		if err != nil {
			return err
		}
		f := &file{name: p, ctype: contentType(p)}
		switch {
		case p == "index.html":
			body = fillIndex(body, opt)
			f.cache = "no-cache"
			f.csp = csp(opt.BasemapURL)
		case hashed.MatchString(path.Base(p)):
			f.cache = "public, max-age=31536000, immutable"
		default:
			f.cache = "no-cache"
		}
		f.body = body
		sum := sha256.Sum256(body)
		f.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
		if compressible(f.ctype) && len(body) > 512 {
			f.gz = gzipped(body)
		}
		h.files[p] = f
		return nil
	})
	if err != nil {
		panic(err) // the embedded tree is readable by construction
	}
	return h
}

// hashed matches the names of the build's content-hashed files (esbuild's [name]-[hash]).
var hashed = regexp.MustCompile(`^[a-z]+-[A-Z0-9]{8}\.(js|css)$`)

type file struct {
	name  string
	ctype string
	body  []byte
	gz    []byte // nil when not worth compressing
	etag  string
	cache string
	csp   string
}

type handler struct {
	files map[string]*file
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if p == "" {
		p = "index.html"
	}
	f, ok := h.files[p]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", f.ctype)
	hd.Set("Cache-Control", f.cache)
	hd.Set("X-Content-Type-Options", "nosniff")
	if f.csp != "" {
		hd.Set("Content-Security-Policy", f.csp)
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "SAMEORIGIN")
	}
	body := f.body
	etag := f.etag
	if f.gz != nil {
		hd.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body = f.gz
			etag = strings.TrimSuffix(f.etag, `"`) + `-gz"`
			hd.Set("Content-Encoding", "gzip")
		}
	}
	hd.Set("ETag", etag)
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

// fillIndex writes the options into index.html's <meta> elements.
func fillIndex(body []byte, opt Options) []byte {
	set := func(b []byte, name, value string) []byte {
		empty := []byte(`<meta name="` + name + `" content="">`)
		return bytes.Replace(b, empty, []byte(`<meta name="`+name+`" content="`+html.EscapeString(value)+`">`), 1)
	}
	body = set(body, "officemap-basemap", opt.BasemapURL)
	return set(body, "officemap-basemap-attribution", opt.BasemapAttribution)
}

// csp is the Content-Security-Policy of the page: scripts, styles, data and images from this server only,
// and images also from the basemap's host when there is one.
func csp(basemap string) string {
	img := "'self' data: blob:"
	if src := basemapSource(basemap); src != "" {
		img += " " + src
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src " + img +
		"; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
}

// basemapSource is the CSP source expression of a tile URL template's host ("https://*.example.org"
// for "https://{a-c}.example.org/{z}/{x}/{y}.png"), or "" when it names no usable host. A placeholder
// elsewhere than the first label cannot be expressed in CSP: the scheme alone is allowed then.
func basemapSource(tmpl string) string {
	scheme, rest, ok := strings.Cut(tmpl, "://")
	if !ok || (scheme != "http" && scheme != "https") {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	host = placeholder.ReplaceAllString(host, "*")
	switch {
	case !hostChars.MatchString(host):
		return ""
	case strings.Count(host, "*") == 0, strings.Count(host, "*") == 1 && strings.HasPrefix(host, "*."):
		return scheme + "://" + host
	}
	return scheme + ":"
}

var (
	placeholder = regexp.MustCompile(`\{[^}/]*\}`)
	hostChars   = regexp.MustCompile(`^[A-Za-z0-9.*-]+(:[0-9]+)?$`)
)

func contentType(p string) string {
	if t := mime.TypeByExtension(path.Ext(p)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") || strings.Contains(ctype, "json") ||
		strings.Contains(ctype, "svg")
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (not refused with q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.TrimSpace(coding) != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

func etagMatches(header, etag string) bool {
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == etag || tag == "*" {
			return true
		}
	}
	return false
}
