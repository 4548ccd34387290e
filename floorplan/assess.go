package floorplan

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Assessor evaluates the whole register against the standards and keeps today's evaluation, so that
// maps, tiles and room lists can show every room's status without re-running the rules per request.
// The evaluation is kept for the store's revision (Store.Revision, one cheap query per call), so a write
// made through any server on the same database is seen by every Current call that starts after it
// committed; writers in this process also call Invalidate. It is safe for concurrent use; concurrent
// callers share one evaluation.
type Assessor struct {
	store Store
	std   *Standards
	pol   Policy
	now   func() time.Time

	mu       sync.Mutex
	gen      uint64 // bumped by Invalidate
	cached   *Report
	cacheDay time.Time
	cacheGen uint64
	cacheRev int64
	inflight *assessment
}

// assessment is one evaluation in progress, shared by the callers that want it.
type assessment struct {
	gen  uint64
	rev  int64
	day  time.Time
	done chan struct{}
	rep  *Report
	err  error
}

// NewAssessor returns an Assessor over store. std may be nil: the national table plus the store's local
// rows in force on the day are used (see Evaluate).
func NewAssessor(store Store, std *Standards, pol Policy) *Assessor {
	return &Assessor{store: store, std: std, pol: pol, now: time.Now}
}

// Current returns the evaluation of the register as of today (the local calendar day), computing it
// when nothing has been cached since the last Invalidate or the day has changed.
func (a *Assessor) Current(ctx context.Context) (*Report, error) {
	day := DayOf(a.now())
	// The revision is read before the evaluation's snapshot, so what is cached under it is at least as new.
	rev, err := a.store.Revision(ctx)
	if err != nil {
		return nil, fmt.Errorf("floorplan: assess: %w", err)
	}
	a.mu.Lock()
	if a.cached != nil && a.cacheGen == a.gen && a.cacheRev == rev && a.cacheDay.Equal(day) {
		rep := a.cached
		a.mu.Unlock()
		return rep, nil
	}
	call := a.inflight
	if call == nil || call.gen != a.gen || call.rev != rev || !call.day.Equal(day) {
		call = &assessment{gen: a.gen, rev: rev, day: day, done: make(chan struct{})}
		a.inflight = call
		// The evaluation is shared: it must not die with the first caller's request.
		go a.run(context.WithoutCancel(ctx), call)
	}
	a.mu.Unlock()

	select {
	case <-call.done:
		return call.rep, call.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// assessTimeout bounds one shared evaluation.
const assessTimeout = 5 * time.Minute

func (a *Assessor) run(ctx context.Context, call *assessment) {
	ctx, cancel := context.WithTimeout(ctx, assessTimeout)
	defer cancel()
	call.rep, call.err = a.evaluate(ctx, call.day)
	a.mu.Lock()
	if call.err == nil && call.gen == a.gen {
		a.cached, a.cacheDay, a.cacheGen, a.cacheRev = call.rep, call.day, call.gen, call.rev
	}
	if a.inflight == call {
		a.inflight = nil
	}
	a.mu.Unlock()
	close(call.done)
}

// AsOf returns the evaluation of the register as it stood on day (taken as a calendar day). Today's is
// Current's; other days are computed on each call.
func (a *Assessor) AsOf(ctx context.Context, day time.Time) (*Report, error) {
	day = DayOf(day)
	if day.Equal(DayOf(a.now())) {
		return a.Current(ctx)
	}
	return a.evaluate(ctx, day)
}

// AsRecorded returns the evaluation of the register on day as officemap knew it at the instant
// recordedAt (Store.SnapshotRecorded): what a report run then said. It is computed on each call.
func (a *Assessor) AsRecorded(ctx context.Context, day, recordedAt time.Time) (*Report, error) {
	day = DayOf(day)
	snap, err := a.store.SnapshotRecorded(ctx, day, recordedAt)
	if err != nil {
		return nil, fmt.Errorf("floorplan: assess %s as recorded at %s: %w", day.Format(DateLayout),
			recordedAt.Format(time.RFC3339), err)
	}
	rep, err := Evaluate(snap, a.std, a.pol)
	if err != nil {
		return nil, fmt.Errorf("floorplan: assess %s: %w", day.Format(DateLayout), err)
	}
	return rep, nil
}

// Invalidate forgets the cached evaluation; call it after every committed write.
func (a *Assessor) Invalidate() {
	a.mu.Lock()
	a.gen++
	a.cached = nil
	a.mu.Unlock()
}

func (a *Assessor) evaluate(ctx context.Context, day time.Time) (*Report, error) {
	snap, err := a.store.Snapshot(ctx, day)
	if err != nil {
		return nil, fmt.Errorf("floorplan: assess %s: %w", day.Format(DateLayout), err)
	}
	rep, err := Evaluate(snap, a.std, a.pol)
	if err != nil {
		return nil, fmt.Errorf("floorplan: assess %s: %w", day.Format(DateLayout), err)
	}
	return rep, nil
}
