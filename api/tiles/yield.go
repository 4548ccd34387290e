package tiles

import (
	"context"
	"sync/atomic"
	"time"
)

// Writes first. On a server whose cores a map's tile misses keep busy, a write of the register (a room's
// PATCH: some twenty round trips to the database) waits behind every draw at each step. While a write has
// been under way for less than the yield (Options.WriteYield), a miss waits before it starts drawing — at
// most the yield — so that the write has the cores; a long write (an import) stops holding the draws back
// once it is older than that. Cached tiles never wait.

// DefaultWriteYield is the default Options.WriteYield.
const DefaultWriteYield = 100 * time.Millisecond

// writeYieldPoll is how often a waiting miss looks whether the writes are done.
const writeYieldPoll = 2 * time.Millisecond

// writes counts the writes in flight and when the latest began.
type writes struct {
	n      atomic.Int64
	latest atomic.Int64 // UnixNano of the latest write's start
}

// Writing tells the handler that a write of the register has begun; the function it returns tells it that
// the write has ended (call it once). The HTTP layer calls it for every request that may write.
func (h *Handler) Writing() (done func()) {
	h.writes.latest.Store(time.Now().UnixNano())
	h.writes.n.Add(1)
	var once atomic.Bool
	return func() {
		if once.CompareAndSwap(false, true) {
			h.writes.n.Add(-1)
		}
	}
}

// yieldToWrites waits, at most the yield, while a write younger than the yield is in flight; it fails only
// when ctx ends.
func (h *Handler) yieldToWrites(ctx context.Context) error {
	yield := h.opts.WriteYield
	if yield == 0 {
		yield = DefaultWriteYield
	}
	if yield < 0 {
		return nil
	}
	var deadline time.Time
	for h.writes.n.Load() > 0 {
		now := time.Now()
		if now.Sub(time.Unix(0, h.writes.latest.Load())) > yield {
			return nil // a long write: draws go on
		}
		if deadline.IsZero() {
			deadline = now.Add(yield)
		} else if now.After(deadline) {
			return nil
		}
		t := time.NewTimer(writeYieldPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}
