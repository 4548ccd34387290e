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

// testClock is a clock that tests can set to an instant, where it then stands still, or move on.
// Until it is set it runs with the real time.
type testClock struct {
	mu     sync.Mutex
	at     time.Time     // where the clock stands, once set
	offset time.Duration // how much time has been made to pass
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now().Add(c.offset)
	}
	return c.at.Add(c.offset)
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = t
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

// openOnClock opens a fresh store in a temporary directory, on clock and in CST, closed when t ends.
func openOnClock(t *testing.T, clock *testClock) *gpkg.Store {
	t.Helper()
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
	return s
}

// openClocked opens a fresh store on a testClock that runs with the real time.
func openClocked(t *testing.T) *clockedStore {
	t.Helper()
	clock := &testClock{}
	return &clockedStore{Store: openOnClock(t, clock), clock: clock}
}

// newClocked is openClocked as the conformance suites take it.
func newClocked(t *testing.T) floorplan.Store { return openClocked(t) }

func TestConformance(t *testing.T) {
	storetest.Run(t, newClocked)
}

// TestPartResults runs the conformance tests of the stored parts (schema version 11).
func TestPartResults(t *testing.T) {
	storetest.RunPartResults(t, newClocked)
}

// TestParts runs the tests of the register read in parts (storetest.RunParts).
func TestParts(t *testing.T) {
	storetest.RunParts(t, newClocked)
	storetest.RunFiledPropertyLeased(t, newClocked)
}
