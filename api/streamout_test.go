package api

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestStreamOut: an error before the first byte is returned with no header set (the adapter answers it
// as JSON); after the first byte, the connection is aborted (http.ErrAbortHandler) and the error logged;
// a success sets the headers with its first byte.
func TestStreamOut(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	header := func(h http.Header) { h.Set("Content-Type", "text/csv") }
	boom := errors.New("boom")
	r := httptest.NewRequest("GET", "/api/v1/reports/over-standard", nil)

	w := httptest.NewRecorder()
	if err := s.streamOut(w, r, header, func(io.Writer) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("error before the first byte: %v, want boom", err)
	}
	if w.Header().Get("Content-Type") != "" || w.Body.Len() > 0 {
		t.Errorf("headers %v and %d bytes sent before the error", w.Header(), w.Body.Len())
	}

	w = httptest.NewRecorder()
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("error after the first byte: recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		s.streamOut(w, r, header, func(out io.Writer) error {
			out.Write([]byte("a,b\n"))
			return boom
		})
	}()
	if !bytes.Contains(logs.Bytes(), []byte("boom")) {
		t.Errorf("the abort is not logged: %s", logs.String())
	}

	w = httptest.NewRecorder()
	if err := s.streamOut(w, r, header, func(out io.Writer) error { _, err := out.Write([]byte("a,b\n")); return err }); err != nil {
		t.Fatal(err)
	}
	if w.Header().Get("Content-Type") != "text/csv" || w.Body.String() != "a,b\n" {
		t.Errorf("success: headers %v, body %q", w.Header(), w.Body.String())
	}
}
