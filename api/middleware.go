package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// handlerFunc is the shape of every handler: it writes a response, or returns an error for the adapter
// to turn into one.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// requestInfo is what one request's log line reports. The request-log middleware puts it in the context;
// the adapter fills in the error, so that the error is logged once, on the access line.
type requestInfo struct {
	id     string
	status int
	wrote  bool // the status line has been written
	bytes  int64
	err    error
	code   string
}

type requestInfoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	ri, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return ri
}

// requestID returns the id of the request being served, or "".
func requestID(ctx context.Context) string {
	if ri := infoFrom(ctx); ri != nil {
		return ri.id
	}
	return ""
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	info *requestInfo
}

func (rec *recorder) WriteHeader(code int) {
	if !rec.info.wrote && code >= 200 {
		rec.info.wrote = true
		rec.info.status = code
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *recorder) Write(p []byte) (int, error) {
	if !rec.info.wrote {
		rec.WriteHeader(http.StatusOK)
	}
	n, err := rec.ResponseWriter.Write(p)
	rec.info.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer (flush, deadlines).
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// validRequestID accepts a client's X-Request-Id when it is short printable ASCII without spaces.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// withRequestLog gives each request an id (the client's X-Request-Id when usable, else a new UUID),
// echoes it in the response and writes one structured log line when the request ends.
func (s *Server) withRequestLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = uuid.NewString()
		}
		w.Header().Set("X-Request-Id", id)
		info := &requestInfo{id: id, status: http.StatusOK}
		rec := &recorder{ResponseWriter: w, info: info}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info)))

		attrs := []slog.Attr{
			slog.String("request_id", id),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", info.status),
			slog.Int64("bytes", info.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote", r.RemoteAddr),
		}
		level := slog.LevelInfo
		if info.err != nil {
			attrs = append(attrs, slog.String("code", info.code), slog.String("error", info.err.Error()))
			if info.status >= 500 && !errors.Is(info.err, context.Canceled) {
				level = slog.LevelError
			}
		}
		s.log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// recoverPanics turns a panic into a 500 with the fixed internal message; the stack goes to the log
// only.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "panic", slog.String("request_id", requestID(r.Context())),
				slog.Any("value", v), slog.String("stack", string(debug.Stack())))
			s.writeError(w, r, errInternal(panicError{v}))
		}()
		next.ServeHTTP(w, r)
	})
}

type panicError struct{ v any }

func (p panicError) Error() string { return "panic recovered" }

// limitBody caps every request body at Config.MaxBodyBytes; reading past it fails with
// *http.MaxBytesError, which the adapter maps to 413.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.cfg.MaxBodyBytes
		if r.Method == http.MethodPost && r.URL.Path == "/api/v1/documents" {
			limit = max(limit, s.cfg.MaxDocumentBytes+documentFormSlack) // the file is checked against its own limit
		}
		if r.ContentLength > limit {
			s.writeError(w, r, &http.MaxBytesError{Limit: limit})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// adapt is the one error adapter: it runs h and turns a returned error into the response.
func (s *Server) adapt(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Error map[string]any `json:"error"`
}

// writeError maps err, records it for the request's log line and writes the error response.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	ae := toAPIError(err)
	ri := infoFrom(r.Context())
	if ri != nil {
		ri.err, ri.code = err, ae.Code
		if ri.wrote {
			return // too late for an error response: the client sees a truncated body; the log has it
		}
	}
	msg := ae.Message
	if ae.MessageZH != "" && prefersChinese(r.Header.Get("Accept-Language")) {
		msg = ae.MessageZH
	}
	body := map[string]any{"code": ae.Code, "message": msg}
	for k, v := range ae.Extra {
		body[k] = v
	}
	if id := requestID(r.Context()); id != "" {
		body["request_id"] = id
	}
	h := w.Header()
	h.Del("ETag")
	h.Del("Content-Disposition")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	if ae.Status == http.StatusServiceUnavailable {
		h.Set("Retry-After", retryAfter(ae.Err))
	}
	w.WriteHeader(ae.Status)
	_ = json.NewEncoder(w).Encode(errorBody{Error: body})
}

// retryAfter is the Retry-After of a 503: the store's hint when its error has one (a busy pool, a locked
// record, a database that does not answer), in whole seconds rounded up; else 5 seconds.
func retryAfter(err error) string {
	var hint interface{ RetryAfter() time.Duration }
	if errors.As(err, &hint) && hint.RetryAfter() > 0 {
		return strconv.Itoa(int(math.Ceil(hint.RetryAfter().Seconds())))
	}
	return "5"
}

// prefersChinese reports whether an Accept-Language header ranks Chinese above English (and any other
// language), e.g. "zh-CN,zh;q=0.9,en;q=0.8".
func prefersChinese(header string) bool {
	bestQ, best := -1.0, ""
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		if tag == "" {
			continue
		}
		q := 1.0
		if p, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if v, err := parseQ(p); err == nil {
				q = v
			}
		}
		if q > bestQ {
			bestQ, best = q, tag
		}
	}
	return best == "zh" || strings.HasPrefix(best, "zh-")
}

func parseQ(s string) (float64, error) { return strconv.ParseFloat(strings.TrimSpace(s), 64) }
