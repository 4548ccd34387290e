package render_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/render"
	"officemap/floorplan/sample"
	"officemap/floorplan/synth"
)

// TestBuildPlanTodayMatchesWholeEvaluation draws every floor of the demo sample from the stored states of
// its rooms (BuildPlanToday) and from a whole evaluation of today (BuildPlan), in SVG and PNG and in each
// colouring, and requires the same bytes: the stored states must give the plan nothing less, and nothing
// else, than the evaluation did.
func TestBuildPlanTodayMatchesWholeEvaluation(t *testing.T) {
	ctx := context.Background()
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "sample.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	now := time.Now()
	d := sample.Build(floorplan.DayOf(now))
	reg := floorplan.NewRegister(s)
	if err := d.Load(ctx, reg); err != nil {
		t.Fatal(err)
	}
	// A write through the register after the sample's states are computed, so that some states are the
	// ones a write keeps up to date rather than a whole recomputation's: someone leaves their room.
	if _, err := reg.States(ctx, nil); err != nil {
		t.Fatal(err)
	}
	gone, err := s.Assignment(ctx, d.Assignments[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.DeleteAssignment(floorplan.WithActor(ctx, "test"), gone.ID, gone.Version); err != nil {
		t.Fatal(err)
	}
	rep, err := floorplan.NewAssessor(s, nil, floorplan.DefaultPolicy()).Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fonts := render.LoadFonts()
	statused := 0
	for _, fl := range d.Floors {
		whole, err := render.BuildPlan(ctx, s, rep, fl.ID)
		if err != nil {
			t.Fatal(err)
		}
		today, err := render.BuildPlanToday(ctx, s, reg.States, now, fl.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range today.Rooms {
			if r.Status != "" {
				statused++
			}
		}
		for _, color := range []render.ColorBy{render.ByStatus, render.ByAgency, render.ByUsage} {
			opt := render.Options{Width: 600, Color: color, Lang: "zh", Fonts: fonts}
			for _, f := range []struct {
				name string
				draw func(w *bytes.Buffer, p render.Plan) error
			}{
				{"svg", func(w *bytes.Buffer, p render.Plan) error { return render.SVG(w, p, opt) }},
				{"png", func(w *bytes.Buffer, p render.Plan) error { return render.PNG(w, p, opt) }},
			} {
				var a, b bytes.Buffer
				if err := f.draw(&a, whole); err != nil {
					t.Fatal(err)
				}
				if err := f.draw(&b, today); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Errorf("floor %s (%s), %s by %s: the plan from the stored states differs from the whole evaluation's",
						fl.Name, fl.ID, f.name, color)
				}
			}
		}
	}
	if statused == 0 {
		t.Fatal("no room of the sample has a status: the comparison proves nothing")
	}
}

// BenchmarkRenderFloor draws one 40-room floor as an SVG from a GeoPackage of 20 000 rooms and from one
// of 100 000: "whole" evaluates the whole register (what render did before, BuildPlan with
// Assessor.Current, uncached as the CLI runs it), "states" reads the floor's stored states
// (BuildPlanToday). The states' time and memory should not grow with the register; the whole
// evaluation's do.
func BenchmarkRenderFloor(b *testing.B) {
	for _, buildings := range []int{50, 250} {
		cfg := synth.Config{Seed: 2024, Buildings: buildings, Floors: 10, RoomsPerFloor: 40}
		rooms := buildings * 10 * 40
		b.Run(fmt.Sprintf("rooms=%d", rooms), func(b *testing.B) {
			ctx := context.Background()
			s, err := gpkg.Open(ctx, filepath.Join(b.TempDir(), "bench.gpkg"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			d := synth.Generate(cfg)
			reg := floorplan.NewRegister(s)
			if err := d.Load(ctx, reg); err != nil {
				b.Fatal(err)
			}
			// The states are recomputed once after a load (a batch marks them stale): done here, out of
			// the figures, as a server does it on its first read of the day.
			if _, err := reg.States(ctx, []uuid.UUID{d.Rooms[0].ID}); err != nil {
				b.Fatal(err)
			}
			floorID := d.Rooms[len(d.Rooms)/2].FloorID
			opt := render.Options{Width: 800}
			var buf bytes.Buffer
			b.Run("whole", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					rep, err := floorplan.NewAssessor(s, nil, floorplan.DefaultPolicy()).Current(ctx)
					if err != nil {
						b.Fatal(err)
					}
					p, err := render.BuildPlan(ctx, s, rep, floorID)
					if err != nil {
						b.Fatal(err)
					}
					buf.Reset()
					if err := render.SVG(&buf, p, opt); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("states", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					p, err := render.BuildPlanToday(ctx, s, reg.States, time.Now(), floorID)
					if err != nil {
						b.Fatal(err)
					}
					buf.Reset()
					if err := render.SVG(&buf, p, opt); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
