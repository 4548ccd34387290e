package api

import (
	"context"
	"net/http"
	"time"
)

// Heavy work — imports, exports, PNG plans and the over-standard report — takes memory and CPU in
// proportion to what it reads or draws. Each kind runs at most a fixed number of requests at once (a
// semaphore per kind, Config.Heavy); a request that finds its kind full waits up to Heavy.QueueWait for
// a place and is then answered 503 busy with Retry-After, so a burst of large requests queues or is
// refused instead of taking the server's memory.

// HeavyLimits are how many requests of each heavy kind run at once, and how long one waits for a place.
type HeavyLimits struct {
	Imports, Exports, Renders, Reports int
	QueueWait                          time.Duration
}

// Default heavy limits: with render.MaxPixels a plan takes at most ~135 MB while it is drawn, so two
// renders, two imports (bounded by the readers' limits) and two exports stay well inside the server's
// stated peak (README, Limits).
const (
	DefaultHeavyImports = 2
	DefaultHeavyExports = 2
	DefaultHeavyRenders = 2
	DefaultHeavyReports = 4
	DefaultQueueWait    = 2 * time.Second
)

func (l HeavyLimits) withDefaults() HeavyLimits {
	def := func(n *int, v int) {
		if *n <= 0 {
			*n = v
		}
	}
	def(&l.Imports, DefaultHeavyImports)
	def(&l.Exports, DefaultHeavyExports)
	def(&l.Renders, DefaultHeavyRenders)
	def(&l.Reports, DefaultHeavyReports)
	if l.QueueWait <= 0 {
		l.QueueWait = DefaultQueueWait
	}
	return l
}

// gate is the semaphore of one kind of heavy work.
type gate struct {
	what  string // what errors name: "imports"
	slots chan struct{}
	wait  time.Duration
}

func newGate(what string, n int, wait time.Duration) *gate {
	return &gate{what: what, slots: make(chan struct{}, n), wait: wait}
}

// enter waits for a place (at most g.wait) and returns the function that gives it back; a full gate
// is 503 busy.
func (g *gate) enter(ctx context.Context) (func(), error) {
	release := func() { <-g.slots }
	select {
	case g.slots <- struct{}{}:
		return release, nil
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, errBusy(g.what, cap(g.slots))
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// gated runs h inside g.
func gated(g *gate, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		release, err := g.enter(r.Context())
		if err != nil {
			return err
		}
		defer release()
		return h(w, r)
	}
}
