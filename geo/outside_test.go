package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestOutside(t *testing.T) {
	// A 30 × 20 region with a 10 × 10 notch cut from its north-east corner and a 4 × 4 hole.
	region := orb.Polygon{{{0, 0}, {30, 0}, {30, 10}, {20, 10}, {20, 20}, {0, 20}, {0, 0}},
		{{2, 2}, {2, 6}, {6, 6}, {6, 2}, {2, 2}}}
	for _, tc := range []struct {
		name          string
		p             orb.Polygon
		depth, margin float64 // the true depth, and how much less Outside may say
		area          float64
	}{
		{"inside", rect(8, 8, 12, 12), 0, 0, 0},
		{"sharing the region's edges", rect(20, 0, 30, 10), 0, 0, 0},
		{"a corner 1 m out", rect(26, 6, 31, 11), 1.4142, 0.01, 9},
		{"1 m out along an edge", rect(26, 0, 31, 4), 1, 0, 4},
		{"across the notch", rect(18, 8, 28, 12), 2, 0.01, 16},
		// The deepest point is the hole's centre (2 m from its walls): area over perimeter gives 1.
		{"covering the hole", rect(1, 1, 7, 7), 2, 1, 16},
		{"far away", rect(100, 0, 104, 4), 74, 0, 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Outside(tc.p, region, 0.01)
			if err != nil {
				t.Fatal(err)
			}
			if got.Depth > tc.depth+1e-3 || got.Depth < tc.depth-tc.margin-1e-3 {
				t.Errorf("depth %v, want %v (less by at most %v)", got.Depth, tc.depth, tc.margin)
			}
			if math.Abs(got.Area-tc.area) > 1e-9 {
				t.Errorf("area %v, want %v", got.Area, tc.area)
			}
		})
	}
}

// BenchmarkOutsideInside is the check of a room inside its floor's outline (every room write on a
// floor with an outline): a 4 × 5 m room on a 60 × 20 m floor.
func BenchmarkOutsideInside(b *testing.B) {
	room, region := rect(10, 0, 14, 5), rect(0, 0, 60, 20)
	for b.Loop() {
		if out, err := Outside(room, region, 0.01); err != nil || out.Depth != 0 {
			b.Fatal(out, err)
		}
	}
}
