package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"officemap/floorplan"
)

// TestGate: a gate lets n requests in at once; the next waits up to its queue time for a place, and is
// then refused 503 busy (with Retry-After); a place given back lets a waiting request in.
func TestGate(t *testing.T) {
	g := newGate("plan renders", 2, 50*time.Millisecond)
	ctx := context.Background()
	r1, err1 := g.enter(ctx)
	r2, err2 := g.enter(ctx)
	if err1 != nil || err2 != nil {
		t.Fatalf("two places of two: %v, %v", err1, err2)
	}
	start := time.Now()
	_, err := g.enter(ctx)
	var ae *apiError
	if !errors.As(err, &ae) || ae.Status != http.StatusServiceUnavailable || ae.Code != "busy" {
		t.Fatalf("a third: %v, want 503 busy", err)
	}
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Errorf("refused after %v, before the queue time", waited)
	}
	rec := httptest.NewRecorder()
	(&Server{}).writeError(rec, httptest.NewRequest(http.MethodGet, "/", nil), ae)
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
		t.Errorf("busy answered %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	go func() { time.Sleep(10 * time.Millisecond); r1() }()
	r3, err := g.enter(ctx)
	if err != nil {
		t.Fatalf("a place given back while waiting: %v", err)
	}
	r2()
	r3()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for range 2 {
		release, err := g.enter(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
	}
	if _, err := g.enter(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled request waiting: %v", err)
	}
}

// retryHint is a store error with a Retry-After hint (as floorplan/postgis's errors have).
type retryHint struct{ d time.Duration }

func (h retryHint) Error() string             { return "locked" }
func (h retryHint) Unwrap() error             { return floorplan.ErrUnavailable }
func (h retryHint) RetryAfter() time.Duration { return h.d }

// TestRetryAfterHint: a 503 carries the store's hint, rounded up to whole seconds, else 5 s.
func TestRetryAfterHint(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{{retryHint{1500 * time.Millisecond}, "2"}, {retryHint{time.Second}, "1"}, {floorplan.ErrUnavailable, "5"}} {
		rec := httptest.NewRecorder()
		(&Server{}).writeError(rec, httptest.NewRequest(http.MethodGet, "/", nil), tc.err)
		if rec.Code != 503 || rec.Header().Get("Retry-After") != tc.want {
			t.Errorf("%v: %d, Retry-After %q; want 503, %s", tc.err, rec.Code, rec.Header().Get("Retry-After"), tc.want)
		}
	}
}
