package loadtest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"officemap/api/loadtest"
)

// TestSequence: a run over a Sequence sends every path exactly once, from every client, and ends when the
// list is exhausted, long before its Duration.
func TestSequence(t *testing.T) {
	var (
		mu   sync.Mutex
		seen = map[string]int{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path]++
		mu.Unlock()
		time.Sleep(time.Millisecond)
	}))
	defer srv.Close()
	paths := make([]string, 200)
	for i := range paths {
		paths[i] = fmt.Sprintf("/tile/%d", i)
	}
	start := time.Now()
	rep, err := loadtest.Run(context.Background(), loadtest.Config{Base: srv.URL, Clients: 8, Duration: time.Minute,
		Routes: []loadtest.Route{{Name: "seq", Weight: 1, Request: loadtest.Sequence(paths)}}})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("the run took %v: it did not end when the sequence was exhausted", took)
	}
	if got := rep.Route("seq"); got.N != len(paths) || got.Failed != 0 || rep.Total != len(paths) {
		t.Errorf("route stats %+v, total %d; want %d requests, none failed", got, rep.Total, len(paths))
	}
	for _, p := range paths {
		if seen[p] != 1 {
			t.Errorf("%s was requested %d times, want once", p, seen[p])
		}
	}
	if len(seen) != len(paths) {
		t.Errorf("%d distinct paths requested, want %d", len(seen), len(paths))
	}
}

// TestSequenceDone: a Sequence's request function returns ErrDone once its paths are handed out.
func TestSequenceDone(t *testing.T) {
	next := loadtest.Sequence([]string{"/a"})
	rng := rand.New(rand.NewPCG(1, 2))
	req, err := next(rng)
	if err != nil || req.URL.Path != "/a" || req.Method != http.MethodGet {
		t.Fatalf("first request %v, %v; want GET /a", req, err)
	}
	if _, err := next(rng); err != loadtest.ErrDone {
		t.Errorf("after the last path: %v, want ErrDone", err)
	}
}
