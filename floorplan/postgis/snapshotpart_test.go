package postgis_test

import (
	"context"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
)

// The whole register evaluated agency by agency (EvaluateParts) against the whole snapshot evaluated at
// once, side by side, on a large database made by gen (read only), named by $OFFICEMAP_BENCH_1M_URL:
//
//	OFFICEMAP_BENCH_1M_URL=postgres://postgres@127.0.0.1:5432/om1m?sslmode=disable \
//	  go test ./floorplan/postgis -run x -bench 'Whole1M' -benchtime 1x -count 3
//
// Each reports its peak heap (sampled every 10 ms) besides the time.

// open1M opens the large database, or skips the benchmark without one.
func open1M(b *testing.B) *postgis.Store {
	url := os.Getenv("OFFICEMAP_BENCH_1M_URL")
	if url == "" {
		b.Skip("OFFICEMAP_BENCH_1M_URL is not set")
	}
	s, err := postgis.Open(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// peakHeap samples the live heap until stop is called, which returns its peak in MB.
func peakHeap() (stop func() float64) {
	runtime.GC()
	var (
		mu   sync.Mutex
		peak uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		mu.Lock()
		peak = max(peak, m.HeapAlloc)
		mu.Unlock()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				sample()
			}
		}
	}()
	return func() float64 {
		close(done)
		wg.Wait()
		sample()
		return float64(peak) / (1 << 20)
	}
}

func BenchmarkWhole1MParts(b *testing.B) {
	s := open1M(b)
	g := floorplan.NewRegister(s)
	ctx := context.Background()
	day := floorplan.DayOf(time.Now())
	b.ReportAllocs()
	for b.Loop() {
		stop := peakHeap()
		findings, rooms := 0, 0
		err := g.EvaluateParts(ctx, day, nil, func(p *floorplan.Report) error {
			findings += len(p.Findings)
			rooms += len(p.Rooms)
			return nil
		})
		b.ReportMetric(stop(), "peak-MB")
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rooms), "rooms")
		b.ReportMetric(float64(findings), "findings")
	}
}

func BenchmarkWhole1MSnapshot(b *testing.B) {
	s := open1M(b)
	ctx := context.Background()
	day := floorplan.DayOf(time.Now())
	b.ReportAllocs()
	for b.Loop() {
		stop := peakHeap()
		snap, err := s.Snapshot(ctx, day)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
		b.ReportMetric(stop(), "peak-MB")
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(rep.Rooms)), "rooms")
		b.ReportMetric(float64(len(rep.Findings)), "findings")
	}
}

// timedStore times each PartReader method (BenchmarkWhole1MPartsTimed).
type timedStore struct {
	*postgis.Store
	spent map[string]time.Duration
}

func (s timedStore) ReadParts(ctx context.Context, day time.Time, fn func(floorplan.PartReader) error) error {
	return s.Store.ReadParts(ctx, day, func(r floorplan.PartReader) error { return fn(timedReader{r, s.spent}) })
}

type timedReader struct {
	floorplan.PartReader
	spent map[string]time.Duration
}

func timeRead[T any](spent map[string]time.Duration, name string, f func() (T, error)) (T, error) {
	start := time.Now()
	v, err := f()
	spent[name] += time.Since(start)
	return v, err
}

func (r timedReader) RoomsOfAgencies(ctx context.Context, ids []uuid.UUID) ([]floorplan.Room, error) {
	return timeRead(r.spent, "RoomsOfAgencies", func() ([]floorplan.Room, error) { return r.PartReader.RoomsOfAgencies(ctx, ids) })
}

func (r timedReader) PeopleOfAgencies(ctx context.Context, ids []uuid.UUID) ([]floorplan.Person, error) {
	return timeRead(r.spent, "PeopleOfAgencies", func() ([]floorplan.Person, error) { return r.PartReader.PeopleOfAgencies(ctx, ids) })
}

func (r timedReader) RoomsByID(ctx context.Context, ids []uuid.UUID) ([]floorplan.Room, error) {
	return timeRead(r.spent, "RoomsByID", func() ([]floorplan.Room, error) { return r.PartReader.RoomsByID(ctx, ids) })
}

func (r timedReader) PeopleByID(ctx context.Context, ids []uuid.UUID) ([]floorplan.Person, error) {
	return timeRead(r.spent, "PeopleByID", func() ([]floorplan.Person, error) { return r.PartReader.PeopleByID(ctx, ids) })
}

func (r timedReader) AssignmentsOfRooms(ctx context.Context, ids []uuid.UUID) ([]floorplan.Assignment, error) {
	return timeRead(r.spent, "AssignmentsOfRooms", func() ([]floorplan.Assignment, error) { return r.PartReader.AssignmentsOfRooms(ctx, ids) })
}

func (r timedReader) AssignmentsOfPeople(ctx context.Context, ids []uuid.UUID) ([]floorplan.Assignment, error) {
	return timeRead(r.spent, "AssignmentsOfPeople", func() ([]floorplan.Assignment, error) { return r.PartReader.AssignmentsOfPeople(ctx, ids) })
}

func (r timedReader) AssignmentsOfAgencies(ctx context.Context, ids []uuid.UUID) ([]floorplan.Assignment, error) {
	return timeRead(r.spent, "AssignmentsOfAgencies", func() ([]floorplan.Assignment, error) {
		return r.PartReader.AssignmentsOfAgencies(ctx, ids)
	})
}

func (r timedReader) StreamAll(ctx context.Context) error {
	_, err := timeRead(r.spent, "StreamAll", func() (bool, error) { return true, r.PartReader.StreamAll(ctx) })
	return err
}

func (r timedReader) PartPlan(ctx context.Context) (floorplan.PartPlan, error) {
	return timeRead(r.spent, "PartPlan", func() (floorplan.PartPlan, error) { return r.PartReader.PartPlan(ctx) })
}

// BenchmarkWhole1MPartsTimed is BenchmarkWhole1MParts with the time of each kind of read reported.
func BenchmarkWhole1MPartsTimed(b *testing.B) {
	s := timedStore{open1M(b), map[string]time.Duration{}}
	g := floorplan.NewRegister(s)
	ctx := context.Background()
	day := floorplan.DayOf(time.Now())
	for b.Loop() {
		start := time.Now()
		err := g.EvaluateParts(ctx, day, nil, func(p *floorplan.Report) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		total := time.Since(start)
		var reads time.Duration
		for name, d := range s.spent {
			b.ReportMetric(d.Seconds(), name+"-s")
			reads += d
		}
		b.ReportMetric((total - reads).Seconds(), "evaluate-s")
	}
}
