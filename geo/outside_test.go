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

// TestOutsideConvexShortcut checks the answer without the overlay (a convex region) against the overlay's
// for rooms in, on and just over the edges of convex regions of either orientation, and that regions the
// shortcut must not trust (concave, with a hole, self-crossing) still go through the overlay.
func TestOutsideConvexShortcut(t *testing.T) {
	reverse := func(r orb.Ring) orb.Ring {
		out := make(orb.Ring, len(r))
		for i, p := range r {
			out[len(r)-1-i] = p
		}
		return out
	}
	hexagon := orb.Ring{{0, 0}, {20, -5}, {40, 0}, {40, 20}, {20, 25}, {0, 20}, {0, 0}}
	rooms := []orb.Polygon{
		rect(10, 0, 14, 5),                       // inside, one edge on the hexagon's
		rect(0, 0, 4, 20),                        // on two edges
		rect(36, 10, 40.3, 14),                   // 0.3 m out
		rect(30, 20, 34, 24.5),                   // a corner past the slanted top
		rect(-1e-6, 5, 3, 8),                     // a micrometre out
		{{{20, -5}, {22, 0}, {18, 0}, {20, -5}}}, // a vertex on a corner of the region
	}
	for _, region := range []orb.Polygon{{hexagon}, {reverse(hexagon)}} {
		for _, room := range rooms {
			got, err := Outside(room, region, 0.01)
			if err != nil {
				t.Fatal(err)
			}
			want, err := outsideByOverlay(room, region, 0.01)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got.Depth-want.Depth) > 1e-9 || math.Abs(got.Area-want.Area) > 1e-9 {
				t.Errorf("room %v: depth %v area %v, the overlay says depth %v area %v", room, got.Depth, got.Area,
					want.Depth, want.Area)
			}
		}
	}
	for name, tc := range map[string]struct {
		ring orb.Ring
		p    orb.Ring
		want bool
	}{
		"convex, inside":    {hexagon, rect(10, 0, 14, 5)[0], true},
		"convex, clockwise": {reverse(hexagon), rect(10, 0, 14, 5)[0], true},
		"convex, one out":   {hexagon, rect(36, 10, 40.3, 14)[0], false},
		// An L: every vertex of the triangle lies in the L, yet its long edge crosses the notch.
		"concave": {orb.Ring{{0, 0}, {30, 0}, {30, 10}, {20, 10}, {20, 20}, {0, 20}, {0, 0}},
			orb.Ring{{15, 19}, {29, 9}, {15, 9}, {15, 19}}, false},
		"a star": {orb.Ring{{0, 10}, {6, -8}, {-10, 3}, {10, 3}, {-6, -8}, {0, 10}}, rect(-1, -1, 1, 1)[0], false},
		"flat":   {orb.Ring{{0, 0}, {10, 0}, {20, 0}, {0, 0}}, orb.Ring{{5, 0}, {6, 0}, {5, 0}}, false},
		"open":   {orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}}, rect(1, 1, 2, 2)[0], false},
	} {
		if got := convexHolds(tc.ring, tc.p); got != tc.want {
			t.Errorf("%s: convexHolds %v, want %v", name, got, tc.want)
		}
	}
	// A region with a hole is never taken as convex: a room over the hole reaches into it.
	withHole := orb.Polygon{hexagon, {{10, 5}, {10, 10}, {15, 10}, {15, 5}, {10, 5}}}
	if got, err := Outside(rect(9, 4, 16, 11), withHole, 0.01); err != nil || !(got.Area > 24) {
		t.Errorf("room over the hole: %+v, %v; want the hole's 25 m² outside", got, err)
	}
}
