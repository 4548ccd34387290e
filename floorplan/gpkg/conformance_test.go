package gpkg_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/storetest"
)

// cst is China Standard Time, the zone whose calendar days the tests' stores use.
var cst = time.FixedZone("CST", 8*60*60)

// testClock is a clock that tests can move on.
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// clockedStore is a Store on a testClock: it implements storetest.Clock.
type clockedStore struct {
	*gpkg.Store
	clock *testClock
}

func (s *clockedStore) Now() time.Time { return s.clock.now().In(cst) }

func (s *clockedStore) Pass(t *testing.T, d time.Duration) {
	s.clock.mu.Lock()
	defer s.clock.mu.Unlock()
	s.clock.offset += d
}

// openClocked opens a fresh store in a temporary directory, closed when t ends.
func openClocked(t *testing.T) *clockedStore {
	t.Helper()
	clock := &testClock{}
	s, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "register.gpkg"),
		gpkg.WithClock(clock.now), gpkg.WithLocation(cst))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return &clockedStore{Store: s, clock: clock}
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) floorplan.Store { return openClocked(t) })
}
