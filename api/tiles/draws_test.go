package tiles

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"officemap/floorplan"
)

// slowStore is a fakeStore whose reads take a while and may overlap, recording how many ran at once.
type slowStore struct {
	*fakeStore
	cur, most atomic.Int64
}

func (s *slowStore) Features(ctx context.Context, layer floorplan.Layer, b orb.Bound, f floorplan.FeatureFilter) ([]floorplan.Feature, error) {
	n := s.cur.Add(1)
	for m := s.most.Load(); n > m && !s.most.CompareAndSwap(m, n); m = s.most.Load() {
	}
	time.Sleep(20 * time.Millisecond)
	s.cur.Add(-1)
	return s.fakeStore.Features(ctx, layer, b, f)
}

// TestMaxDraws: misses are drawn at most Options.MaxDraws at a time, however many requests come at once;
// without a bound they all run together (so that the test can tell).
func TestMaxDraws(t *testing.T) {
	for _, tc := range []struct {
		max        int
		atMost     int64
		atLeastAll bool
	}{{2, 2, false}, {-1, 8, true}} {
		fs, statuses, _ := fixture()
		store := &slowStore{fakeStore: fs}
		r := server(newHandler(store, statusSource(statuses), Options{MaxDraws: tc.max}))
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				get(t, r, tilePath("rooms", maptile.New(roomTile.X+uint32(i), roomTile.Y, roomTile.Z), "mvt"))
			}()
		}
		wg.Wait()
		most := store.most.Load()
		if most > tc.atMost || (tc.atLeastAll && most < 3) || (!tc.atLeastAll && most < 2) {
			t.Errorf("MaxDraws %d: %d draws at once at most; want %d", tc.max, most, tc.atMost)
		}
	}
}
