package floorplan

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestWritesSettle: the background evaluation of dirty parts waits until partsQuiet after this Register's
// last committed change.
func TestWritesSettle(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	now := t0
	g := &Register{now: func() time.Time { return now }}
	if g.writing(t0) {
		t.Error("a Register that never wrote is writing")
	}
	if _, err := g.done(context.Background(), Changes{Revision: 1}); err != nil {
		t.Fatal(err)
	}
	if !g.writing(t0.Add(partsQuiet - time.Second)) {
		t.Errorf("%v after a write: not writing", partsQuiet-time.Second)
	}
	if g.writing(t0.Add(partsQuiet)) {
		t.Errorf("%v after a write: still writing", partsQuiet)
	}
}

// TestWriteBehind: the writes run in the order given, one at a time; after one fails the later ones do not
// run, put returns the failure once it is known, and wait returns it (again on a second call).
func TestWriteBehind(t *testing.T) {
	w := startWriteBehind()
	var ran []int
	for i := range 3 {
		if err := w.put(func() error { ran = append(ran, i); return nil }); err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
	}
	if err := w.wait(); err != nil || len(ran) != 3 || ran[0] != 0 || ran[1] != 1 || ran[2] != 2 {
		t.Fatalf("three writes: ran %v, wait %v; want 0 1 2 and no error", ran, err)
	}

	w = startWriteBehind()
	boom := errors.New("boom")
	ran = nil
	must := func(err error) {
		if err != nil {
			t.Fatalf("put before the failure is known: %v", err)
		}
	}
	must(w.put(func() error { ran = append(ran, 0); return nil }))
	must(w.put(func() error { ran = append(ran, 1); return boom }))
	<-w.failed
	if err := w.put(func() error { ran = append(ran, 2); return nil }); !errors.Is(err, boom) {
		t.Errorf("put after the failure: %v, want it", err)
	}
	for range 2 {
		if err := w.wait(); !errors.Is(err, boom) {
			t.Errorf("wait: %v, want the failure", err)
		}
	}
	if len(ran) != 2 {
		t.Errorf("ran %v, want 0 1 (nothing after the failure)", ran)
	}
}

// TestWriteBehindPanic: a write that panics stops the later writes, put returns errWritePanicked, and wait
// panics again with the write's value on the caller's goroutine.
func TestWriteBehindPanic(t *testing.T) {
	w := startWriteBehind()
	ran := false
	if err := w.put(func() error { panic("torn") }); err != nil {
		t.Fatalf("put: %v", err)
	}
	<-w.failed
	if err := w.put(func() error { ran = true; return nil }); !errors.Is(err, errWritePanicked) {
		t.Errorf("put after the panic: %v, want errWritePanicked", err)
	}
	defer func() {
		if r := recover(); r != "torn" || ran {
			t.Errorf("wait after a write panicked: recovered %v (a later write ran: %v), want torn and none", r, ran)
		}
	}()
	w.wait()
	t.Error("wait returned after a write panicked")
}
