package tiles

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// TestYieldToWrites: a miss waits for a write under way (at most the yield), not for one that has ended or
// one older than the yield (an import), nor at all with the yield turned off; a write that ends lets it go
// at once; a cancelled request stops waiting.
func TestYieldToWrites(t *testing.T) {
	const yield = 200 * time.Millisecond
	h := New(nil, nil, Options{WriteYield: yield, Errors: func(http.ResponseWriter, *http.Request, error) {}})
	ctx := context.Background()
	waited := func() time.Duration {
		t.Helper()
		start := time.Now()
		if err := h.yieldToWrites(ctx); err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	}
	if d := waited(); d > yield/4 {
		t.Errorf("no write under way: waited %v", d)
	}
	done := h.Writing()
	if d := waited(); d < yield*9/10 {
		t.Errorf("a write under way: waited %v, want the yield %v", d, yield)
	}
	done()
	done() // a second call changes nothing
	if d := waited(); d > yield/4 {
		t.Errorf("the write ended: waited %v", d)
	}
	if n := h.writes.n.Load(); n != 0 {
		t.Errorf("%d writes under way after the only one ended", n)
	}

	done = h.Writing()
	go func() { time.Sleep(yield / 10); done() }()
	if d := waited(); d > yield*3/4 {
		t.Errorf("a write that ends after %v: waited %v", yield/10, d)
	}

	done = h.Writing()
	h.writes.latest.Store(time.Now().Add(-2 * yield).UnixNano()) // begun long ago: an import
	if d := waited(); d > yield/4 {
		t.Errorf("a long write: waited %v", d)
	}
	h.writes.latest.Store(time.Now().UnixNano())
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := h.yieldToWrites(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled request: %v", err)
	}
	done()

	off := New(nil, nil, Options{WriteYield: -1, Errors: func(http.ResponseWriter, *http.Request, error) {}})
	defer off.Writing()()
	start := time.Now()
	if err := off.yieldToWrites(ctx); err != nil || time.Since(start) > yield/4 {
		t.Errorf("the yield off: %v after %v", err, time.Since(start))
	}
}
