package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Compressed, revalidatable JSON. A floor's rooms are tens of kilobytes of GeoJSON that gzip to a sixth
// of that, and the app asks for the same floor again and again: so the JSON that GET and HEAD answer under
// /api/v1 and /ogc is gzipped when the client accepts it, and tagged with a weak ETag of its body, so that a
// revisit costs a 304 with no body. The tiles (/tiles/…) have their own cache, ETags and gzip and are not
// touched; nor is anything that is not JSON (plans, spreadsheets, the app's files).

// Limits of withConditionalJSON.
const (
	// gzipMinBytes: a smaller body gains less from gzip than its header and trailer cost.
	gzipMinBytes = 1 << 10
	// conditionalMaxBuffer is the most of a body held in memory to hash it; a larger one is streamed
	// through without an ETag.
	conditionalMaxBuffer = 8 << 20
)

// revalidatedCacheControl lets the browser keep a response (private: never a shared cache, since it
// shows what one user may see) and makes it ask again each time (no-cache): the answer is then often a
// 304 that costs no body.
const revalidatedCacheControl = "private, no-cache"

// withConditionalJSON gzips and tags the JSON of GET and HEAD requests under /api/v1 and /ogc:
//
//   - a HEAD is answered as its GET, without the body (the routes themselves answer GET only);
//   - Vary: Accept-Encoding on every such response;
//   - a body of at least 1 KiB is gzipped when Accept-Encoding allows gzip (q=0 refuses), unless the
//     handler encoded it already, the request asks for a range or the status is 204 or 304;
//   - a 200 whose handler set no ETag gets a weak one of its uncompressed body, W/"<base64url of the first
//     16 bytes of its SHA-256>", and a request whose If-None-Match matches it (weak comparison) gets 304
//     with no body. A handler's own ETag (a record's version) is left alone and never answered with a 304
//     here: the record's JSON carries its status today, which changes without a new version;
//   - a success without any Cache-Control gets "private, no-cache" (revalidatedCacheControl). With
//     accounts on, withSecurityHeaders' "no-store" stays (see setCacheControl);
//   - errors (status ≥ 400) are gzipped like the rest but get no ETag.
//
// The body is held in memory to hash it, up to conditionalMaxBuffer: past that, or when the handler
// flushes, the response is streamed (gzipped when accepted) without an ETag.
func (s *Server) withConditionalJSON(next http.Handler) http.Handler {
	return newConditional(conditionalMaxBuffer).wrap(next)
}

// conditional is withConditionalJSON with its limit and its pool of gzip writers.
type conditional struct {
	maxBuffer int
	gzips     sync.Pool // of *gzip.Writer
}

func newConditional(maxBuffer int) *conditional { return &conditional{maxBuffer: maxBuffer} }

func (c *conditional) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || !revalidatedPath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		served := r
		if r.Method == http.MethodHead {
			// The routes answer GET: a HEAD is served as its GET, whose body is dropped (RFC 9110 §9.3.2),
			// so that its headers (ETag, Content-Encoding, Content-Length) are exactly the GET's.
			served = r.WithContext(r.Context())
			served.Method = http.MethodGet
		}
		h := w.Header()
		addVary(h, "Accept-Encoding")
		if r.Header.Get("Range") != "" {
			next.ServeHTTP(w, served) // a range is a slice of the identity body: neither gzipped nor tagged
			return
		}
		cw := &conditionalWriter{c: c, w: w, r: r, gzip: acceptsGzip(r.Header.Values("Accept-Encoding"))}
		next.ServeHTTP(cw, served)
		cw.finish()
	})
}

// revalidatedPath reports whether withConditionalJSON handles a path: the REST API and OGC API – Features.
func revalidatedPath(p string) bool {
	return strings.HasPrefix(p, "/api/v1/") || p == "/ogc" || strings.HasPrefix(p, "/ogc/")
}

// writerMode is what a conditionalWriter does with what the handler writes.
type writerMode int

const (
	buffering   writerMode = iota // held, to be hashed and maybe gzipped at the end
	passThrough                   // not JSON, or not to be touched: written as is
	streaming                     // too large or flushed: written as it comes, gzipped when accepted
)

// conditionalWriter is the ResponseWriter of one request under withConditionalJSON.
type conditionalWriter struct {
	c    *conditional
	w    http.ResponseWriter
	r    *http.Request
	gzip bool // the client accepts gzip

	mode   writerMode
	status int // 0 until the handler writes its status
	buf    bytes.Buffer
	zw     *gzip.Writer // streaming gzipped
}

func (cw *conditionalWriter) Header() http.Header { return cw.w.Header() }

// Unwrap lets http.ResponseController reach the connection's writer (deadlines).
func (cw *conditionalWriter) Unwrap() http.ResponseWriter { return cw.w }

func (cw *conditionalWriter) WriteHeader(code int) {
	switch {
	case cw.mode != buffering:
		if cw.mode == passThrough {
			cw.w.WriteHeader(code)
		}
	case code < 200:
		cw.w.WriteHeader(code) // informational (103 Early Hints): sent at once, the real status follows
	case cw.status == 0:
		cw.status = code
		if !cw.handles() {
			cw.mode = passThrough
			cw.w.WriteHeader(code)
		}
	case code >= 400:
		// An error after the handler began its body: the adapter's answer to a handler that failed half
		// way. Nothing has left yet, so the client gets the whole error instead of a truncated body.
		cw.status = code
		cw.buf.Reset()
		if !cw.handles() {
			cw.mode = passThrough
			cw.w.WriteHeader(code)
		}
	}
	// Otherwise a second status while buffering, which net/http would ignore as superfluous: so do we.
}

// handles reports whether the response, as its status and headers stand, is one to buffer: JSON that
// is not already encoded, not a range and not bodiless.
func (cw *conditionalWriter) handles() bool {
	h := cw.w.Header()
	switch {
	case cw.status == http.StatusNoContent, cw.status == http.StatusNotModified,
		cw.status == http.StatusPartialContent:
		return false
	case h.Get("Content-Encoding") != "", h.Get("Content-Range") != "":
		return false
	}
	return isJSON(h.Get("Content-Type"))
}

// isJSON reports whether a Content-Type is JSON: application/json or any application/…+json
// (geo+json, problem+json, schema+json…).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

func (cw *conditionalWriter) Write(p []byte) (int, error) {
	if cw.status == 0 {
		cw.WriteHeader(http.StatusOK)
	}
	switch cw.mode {
	case passThrough:
		return cw.w.Write(p)
	case streaming:
		return cw.stream(p)
	}
	if cw.buf.Len()+len(p) > cw.c.maxBuffer {
		if err := cw.startStreaming(); err != nil {
			return 0, err
		}
		return cw.stream(p)
	}
	return cw.buf.Write(p)
}

// Flush sends what was written so far: a handler that flushes streams its response, so the response
// is no longer held (no ETag) and goes out as it comes.
func (cw *conditionalWriter) Flush() {
	if cw.status == 0 {
		cw.WriteHeader(http.StatusOK)
	}
	if cw.mode == buffering {
		if err := cw.startStreaming(); err != nil {
			return // the client has gone; the handler's next write fails
		}
	}
	if cw.zw != nil {
		_ = cw.zw.Flush() // an error is the client's hang-up, which the next write reports
	}
	_ = http.NewResponseController(cw.w).Flush() // a writer that cannot flush still gets everything
}

// startStreaming turns a buffered response into a streamed one: it sends the status and headers (no
// ETag: the body is not known whole) and what was buffered.
func (cw *conditionalWriter) startStreaming() error {
	cw.mode = streaming
	h := cw.w.Header()
	cw.setCacheControl()
	if cw.gzip {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		cw.zw = cw.c.gzipWriter(cw.w)
	}
	cw.w.WriteHeader(cw.status)
	held := cw.buf.Bytes()
	cw.buf = bytes.Buffer{}
	_, err := cw.stream(held)
	return err
}

func (cw *conditionalWriter) stream(p []byte) (int, error) {
	if cw.r.Method == http.MethodHead {
		return len(p), nil
	}
	if cw.zw != nil {
		return cw.zw.Write(p)
	}
	return cw.w.Write(p)
}

// setCacheControl sets revalidatedCacheControl on a success that has no Cache-Control at all (single-user
// mode). With accounts on, withSecurityHeaders' no-store stays: what one user may see (names, ranks) must
// not outlive the page in the browser's disk cache on a shared computer. The app then revalidates from its
// own memory (If-None-Match set by hand, which a 304 answers without a body: static/src/api.js).
func (cw *conditionalWriter) setCacheControl() {
	if cw.status >= 400 {
		return
	}
	h := cw.w.Header()
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", revalidatedCacheControl)
	}
}

// finish completes the response once the handler has returned.
func (cw *conditionalWriter) finish() {
	switch cw.mode {
	case streaming:
		if cw.zw != nil {
			_ = cw.zw.Close() // an error is the client's hang-up: nothing to tell it
			cw.c.gzips.Put(cw.zw)
			cw.zw = nil
		}
		return
	case passThrough:
		return
	}
	if cw.status == 0 {
		return // the handler wrote nothing: net/http sends its empty 200
	}
	h := cw.w.Header()
	body := cw.buf.Bytes()
	cw.setCacheControl()
	if cw.status == http.StatusOK && h.Get("ETag") == "" {
		tag := weakETag(body)
		h.Set("ETag", tag)
		if noneMatch(cw.r.Header.Values("If-None-Match"), tag) {
			for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding"} {
				h.Del(k)
			}
			cw.w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if cw.gzip && len(body) >= gzipMinBytes {
		if zipped, err := cw.c.compress(body); err == nil {
			body = zipped
			h.Set("Content-Encoding", "gzip")
		}
		// gzip into memory cannot fail but for a bug; the body then goes out as it is.
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	cw.w.WriteHeader(cw.status)
	if cw.r.Method != http.MethodHead {
		_, _ = cw.w.Write(body) // a client that hung up is not an error to report
	}
}

// gzipWriter takes a gzip writer from the pool, writing to w.
func (c *conditional) gzipWriter(w io.Writer) *gzip.Writer {
	if zw, ok := c.gzips.Get().(*gzip.Writer); ok {
		zw.Reset(w)
		return zw
	}
	zw, _ := gzip.NewWriterLevel(w, gzip.DefaultCompression) // a valid level: no error
	return zw
}

// compress gzips a whole body.
func (c *conditional) compress(body []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(body)/4 + 64)
	zw := c.gzipWriter(&out)
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	c.gzips.Put(zw)
	return out.Bytes(), nil
}

// weakETag is the weak entity tag of a body: W/"…" around the base64url of the first 16 bytes of its
// SHA-256 (128 bits: no two versions of a response collide in practice).
func weakETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `W/"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// acceptsGzip reports whether Accept-Encoding header values allow gzip (RFC 9110 §12.5.3): gzip (or
// x-gzip) with q > 0, or else * with q > 0. An entry with a malformed q is ignored.
func acceptsGzip(values []string) bool {
	gzipQ, anyQ := -1.0, -1.0
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(part, ";")
			q, ok := qValue(params)
			if !ok {
				continue
			}
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "gzip", "x-gzip":
				gzipQ = max(gzipQ, q)
			case "*":
				anyQ = max(anyQ, q)
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return anyQ > 0
}

// qValue reads the weight of an Accept-Encoding entry from its parameters: 1 without one; ok is false
// for a q that is not a number from 0 to 1.
func qValue(params string) (float64, bool) {
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || q < 0 || q > 1 {
			return 0, false
		}
		return q, true
	}
	return 1, true
}

// noneMatch reports whether If-None-Match header values match etag by the weak comparison (RFC 9110
// §13.1.2): "*", or a listed entity tag with the same opaque tag, W/ or not.
func noneMatch(values []string, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for _, v := range values {
		for rest := strings.TrimSpace(v); rest != ""; {
			if rest[0] == ',' {
				rest = strings.TrimSpace(rest[1:])
				continue
			}
			if rest[0] == '*' {
				return true
			}
			rest = strings.TrimPrefix(rest, "W/")
			if rest == "" || rest[0] != '"' {
				break // malformed: no entity tag to read past this
			}
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				break
			}
			if rest[:end+2] == want {
				return true
			}
			rest = strings.TrimSpace(rest[end+2:])
		}
	}
	return false
}

// addVary adds a field name to the Vary header unless it is listed already.
func addVary(h http.Header, name string) {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, name) {
				return
			}
		}
	}
	h.Add("Vary", name)
}
