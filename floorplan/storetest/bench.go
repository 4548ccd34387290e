package storetest

// The benchmarks every store runs on the same synthetic register, so that their figures compare.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"officemap/floorplan"
	"officemap/floorplan/synth"
)

// BenchConfig is the register every store benchmarks on: 100 000 rooms in 250 buildings × 10 floors × 40
// rooms, with about 130 000 people and as many assignments.
func BenchConfig() synth.Config {
	return synth.Config{Seed: 2024, Buildings: 250, Floors: 10, RoomsPerFloor: 40}
}

// LoadBench generates the benchmark register (BenchConfig) and loads it into s through the register
// service.
func LoadBench(ctx context.Context, s floorplan.Store) (*synth.Dataset, error) {
	d := synth.Generate(BenchConfig())
	return d, d.Load(ctx, floorplan.NewRegister(s))
}

// ChangeOnePercent renames every hundredth room of d, the register loaded into s, so that a snapshot
// of an earlier day has something to rebuild from history.
func ChangeOnePercent(ctx context.Context, s floorplan.Writer, d *synth.Dataset) error {
	for i := 0; i < len(d.Rooms); i += 100 {
		r := &d.Rooms[i]
		r.Name = "改造后"
		if err := s.UpdateRoom(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// BenchOnce makes a store's benchmark register once for the benchmarks of a test binary that read it.
type BenchOnce struct {
	once sync.Once
	data *synth.Dataset
	err  error
}

// Get makes the register with build the first time it is called (build loads it, typically with LoadBench
// and ChangeOnePercent, and returns the data set) and says how large it is and how long it took; it
// fails b if making it failed, then and on every later call, and returns the data set.
func (o *BenchOnce) Get(b *testing.B, build func(ctx context.Context) (*synth.Dataset, error)) *synth.Dataset {
	b.Helper()
	o.once.Do(func() {
		start := time.Now()
		if o.data, o.err = build(context.Background()); o.err == nil {
			fmt.Printf("benchmark data set: %d rooms, %d people, %d assignments, loaded in %v\n",
				len(o.data.Rooms), len(o.data.People), len(o.data.Assignments), time.Since(start).Round(time.Second))
		}
	})
	if o.err != nil {
		b.Fatal(o.err)
	}
	return o.data
}

// BenchBulkLoad bulk-inserts the 100 000 rooms of a benchmark register (a new seed for each iteration
// i), in chunks of 20 000 as synth.Dataset.Load does, into a fresh store from open that holds their
// sites, buildings and floors. Opening the store, loading those and closing the store are outside the
// timer.
func BenchBulkLoad(b *testing.B, open func(i int) (s floorplan.Store, close func() error)) {
	ctx := context.Background()
	b.ReportAllocs()
	rooms := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, closeStore := open(i)
		cfg := BenchConfig()
		cfg.Seed += uint64(i)
		d := synth.Generate(cfg)
		parents := *d
		parents.Rooms, parents.People, parents.Assignments = nil, nil, nil
		if err := parents.Load(ctx, floorplan.NewRegister(s)); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for start := 0; start < len(d.Rooms); start += 20000 {
			if err := s.BulkInsertRooms(ctx, d.Rooms[start:min(start+20000, len(d.Rooms))]); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		rooms += len(d.Rooms)
		if err := closeStore(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(rooms)/b.Elapsed().Seconds(), "rooms/s")
}

// BenchLoader returns a store holding the benchmark register and the register's data set (made once for
// the test binary, with BenchOnce).
type BenchLoader func(b *testing.B) (floorplan.Store, *synth.Dataset)

// BenchFeaturesZ18 asks the store from load for the rooms in z18 tiles (about 130 m across) centred on
// random rooms of its register: all levels, and one level as a floor plan map does.
func BenchFeaturesZ18(b *testing.B, load BenchLoader) {
	s, d := load(b)
	ctx := context.Background()
	floors := map[[16]byte]floorplan.Floor{}
	for _, f := range d.Floors {
		floors[f.ID] = f
	}
	buildings := map[[16]byte]floorplan.Building{}
	for _, bd := range d.Buildings {
		buildings[bd.ID] = bd
	}
	rng := rand.New(rand.NewPCG(1, 2))
	tiles := make([]orb.Bound, 1024)
	levels := make([]int, len(tiles))
	for i := range tiles {
		r := d.Rooms[rng.IntN(len(d.Rooms))]
		f := floors[r.FloorID]
		c := buildings[f.BuildingID].Georef.Frame().ToLonLat(r.Geometry.Bound().Center())
		tiles[i] = maptile.At(c, 18).Bound()
		levels[i] = f.Ordinal
	}
	for _, tc := range []struct {
		name     string
		hasLevel bool
	}{{"all levels", false}, {"one level", true}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			features := 0
			for i := 0; b.Loop(); i++ {
				k := i % len(tiles)
				fs, err := s.Features(ctx, floorplan.LayerRooms, tiles[k],
					floorplan.FeatureFilter{Level: levels[k], HasLevel: tc.hasLevel})
				if err != nil {
					b.Fatal(err)
				}
				features += len(fs)
			}
			b.ReportMetric(float64(features)/float64(b.N), "features/op")
		})
	}
}

// BenchSnapshot reads the whole register of the store from load as of today (live tables) and as of
// yesterday (rebuilt from history).
func BenchSnapshot(b *testing.B, load BenchLoader) {
	s, _ := load(b)
	ctx := context.Background()
	today := floorplan.DayOf(time.Now())
	for _, tc := range []struct {
		name string
		day  time.Time
	}{{"today", today}, {"yesterday", today.AddDate(0, 0, -1)}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			rooms := 0
			for b.Loop() {
				snap, err := s.Snapshot(ctx, tc.day)
				if err != nil {
					b.Fatal(err)
				}
				rooms = len(snap.Rooms)
			}
			b.ReportMetric(float64(rooms), "rooms")
		})
	}
}
