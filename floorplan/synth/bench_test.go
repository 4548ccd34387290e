package synth_test

import (
	"context"
	"path/filepath"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/synth"
)

// BenchmarkBulkLoad generates and loads whole registers of 10 000, 30 000 and 100 000 rooms (30 000: more
// than one batch, where a cost that grows faster than the batch shows), with their people and
// assignments, the way officemap gen does (synth.LoadStream: parents, then batches of rooms, people and
// assignments through the BulkLoader), into a fresh GeoPackage and a fresh PostGIS database. Creating and
// dropping the store is outside the timer; generating is inside, as in gen.
func BenchmarkBulkLoad(b *testing.B) {
	sizes := []struct {
		name string
		cfg  synth.Config
	}{
		{"10k", synth.Config{Seed: 2024, Buildings: 25, Floors: 10, RoomsPerFloor: 40}},
		{"30k", synth.Config{Seed: 2024, Buildings: 75, Floors: 10, RoomsPerFloor: 40}},
		{"100k", synth.Config{Seed: 2024, Buildings: 250, Floors: 10, RoomsPerFloor: 40}},
	}
	stores := []struct {
		name string
		open func(b *testing.B) (floorplan.Store, func())
	}{
		{"gpkg", func(b *testing.B) (floorplan.Store, func()) {
			s, err := gpkg.Open(context.Background(), filepath.Join(b.TempDir(), "load.gpkg"))
			if err != nil {
				b.Fatal(err)
			}
			return s, func() { s.Close() }
		}},
		{"postgis", func(b *testing.B) (floorplan.Store, func()) {
			url, drop, err := pgtest.Create(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			s, err := postgis.Open(context.Background(), url)
			if err != nil {
				b.Fatal(err)
			}
			return s, func() {
				s.Close()
				if err := drop(); err != nil {
					b.Error(err)
				}
			}
		}},
	}
	for _, size := range sizes {
		for _, st := range stores {
			b.Run(st.name+"/"+size.name, func(b *testing.B) {
				b.ReportAllocs()
				rooms := 0
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					s, closeStore := st.open(b)
					b.StartTimer()
					n, err := synth.LoadStream(context.Background(), floorplan.NewRegister(s), size.cfg)
					if err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					rooms += n.Rooms
					closeStore()
					b.StartTimer()
				}
				b.ReportMetric(float64(rooms)/b.Elapsed().Seconds(), "rooms/s")
			})
		}
	}
}
