package floorplan

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// revisionStore is a Store whose register never changes content but whose revision the test moves, as
// another server's write would. Only the two methods the Assessor uses are implemented.
type revisionStore struct {
	Store
	rev       atomic.Int64
	snapshots atomic.Int64
}

func (s *revisionStore) Revision(context.Context) (int64, error) { return s.rev.Load(), nil }

func (s *revisionStore) Snapshot(_ context.Context, asOf time.Time) (*Snapshot, error) {
	s.snapshots.Add(1)
	return &Snapshot{AsOf: asOf}, nil
}

func TestAssessorFollowsTheRevision(t *testing.T) {
	ctx := context.Background()
	s := &revisionStore{}
	a := NewAssessor(s, nil, DefaultPolicy())
	evaluations := func() int64 { return s.snapshots.Load() }

	if _, err := a.Current(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Current(ctx); err != nil {
		t.Fatal(err)
	}
	if n := evaluations(); n != 1 {
		t.Fatalf("two calls with nothing changed evaluated %d times, want 1 (the cache)", n)
	}
	s.rev.Add(1) // a write through another server on the same database
	if _, err := a.Current(ctx); err != nil {
		t.Fatal(err)
	}
	if n := evaluations(); n != 2 {
		t.Fatalf("after the revision moved: %d evaluations, want 2", n)
	}
	a.Invalidate() // a write through this server
	if _, err := a.Current(ctx); err != nil {
		t.Fatal(err)
	}
	if n := evaluations(); n != 3 {
		t.Fatalf("after Invalidate: %d evaluations, want 3", n)
	}
}
