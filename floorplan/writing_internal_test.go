package floorplan

import (
	"context"
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
