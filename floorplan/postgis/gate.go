package postgis

import (
	"context"
	"errors"
	"sync"

	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

// Two guards keep requests that wait for locks from taking the whole pool, so that a locked table
// slows only the requests that need it.
//
// Reads wait for locks only behind table-level locks (DDL, LOCK TABLE), which depend on the tables a
// statement names and not on its arguments: once a read's SQL has timed out on a lock, lockGate lets
// one read of that SQL at a time find out whether the lock is still held, and fails the others at once
// as the lock timeout would have. The first success opens the gate again.
//
// Writes wait for each other: every write transaction of the store takes the register's revision row
// first, so the server runs them one at a time anyway. writeSlots lets only a few of them hold a
// connection at once; the others wait for a slot (at most the acquire timeout) without one.

// lockGate is the reads' guard: the SQL of reads whose last run timed out on a lock, and whether a read
// of it is now finding out if the lock is still held.
type lockGate struct {
	mu     sync.Mutex
	locked map[string]bool // SQL → a probe of it is running
}

// enter reports whether a read of sql may run now, and whether it runs as the probe of a locked SQL.
func (g *lockGate) enter(sql string) (ok, probe bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	probing, locked := g.locked[sql]
	switch {
	case !locked:
		return true, false
	case probing:
		return false, false
	}
	g.locked[sql] = true
	return true, true
}

// closed reports whether a read of sql would not enter now.
func (g *lockGate) closed(sql string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.locked[sql]
}

// leave records how a read of sql that entered ended: a lock timeout locks the gate, a read that ran
// (a success, or no row) opens it, and a probe that failed otherwise (its connection broke…) leaves it
// locked for the next probe.
func (g *lockGate) leave(sql string, probe bool, err error) {
	timedOut := lockTimedOut(err)
	ran := err == nil || errors.Is(err, pgx.ErrNoRows) || errors.Is(err, floorplan.ErrNotFound)
	if !timedOut && !ran && !probe {
		return // a failure that says nothing about locks
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if ran {
		delete(g.locked, sql)
	} else if _, locked := g.locked[sql]; locked || timedOut {
		g.locked[sql] = false
	}
}

// lockTimedOut reports whether err is a statement that gave up waiting for a lock.
func lockTimedOut(err error) bool {
	pe := pgError(err)
	return pe != nil && pe.Code == codeLockNotAvailable
}

// errGateLocked is what a read kept off by the lock gate fails with.
func errGateLocked() error {
	return unavailableError(nil, retryLocked, "the record is locked by another change; try again")
}

// writeSlots is the writes' guard: a semaphore of the write transactions that may hold a connection.
type writeSlots chan struct{}

// newWriteSlots lets a quarter of a pool of maxConns connections (at least one) hold write transactions.
func newWriteSlots(maxConns int32) writeSlots { return make(writeSlots, max(1, maxConns/4)) }

// take waits for a slot at most the acquire timeout (as long as ctx lets it); release gives it back.
func (w writeSlots) take(ctx context.Context, cs *connState) (release func(), err error) {
	select {
	case w <- struct{}{}:
		return func() { <-w }, nil
	default:
	}
	actx, cancel := cs.acquireContext(ctx)
	defer cancel()
	select {
	case w <- struct{}{}:
		return func() { <-w }, nil
	case <-actx.Done():
		if ctx.Err() != nil {
			return nil, mapError(ctx.Err())
		}
		return nil, unavailableError(actx.Err(), retryBusy, "other changes are being saved; try again")
	}
}
