package storetest

// The benchmarks every store runs on the same synthetic register, so that their figures compare.

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"officemap/floorplan"
	"officemap/floorplan/synth"
)

// BenchFeaturesZ18 asks s for the rooms in z18 tiles (about 130 m across) centred on random rooms of
// d, the register loaded into s: all levels, and one level as a floor plan map does.
func BenchFeaturesZ18(b *testing.B, s floorplan.Store, d *synth.Dataset) {
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

// BenchSnapshot reads the whole register of s as of today (live tables) and as of yesterday (rebuilt
// from history).
func BenchSnapshot(b *testing.B, s floorplan.Store) {
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
