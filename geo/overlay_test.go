package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// rect is the closed counter-clockwise rectangle with corners (x0, y0) and (x1, y1): geotest.Rect, which
// geo's own tests cannot import (geotest imports geo).
func rect(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

func TestOverlaps(t *testing.T) {
	room := rect(0, 0, 4, 5)
	tests := []struct {
		name     string
		other    orb.Polygon
		overlaps bool
		area     float64
	}{
		{"shared wall", rect(4, 0, 8, 5), false, 0},
		{"touching corner", rect(4, 5, 6, 7), false, 0},
		{"disjoint", rect(10, 10, 12, 12), false, 0},
		{"partial overlap", rect(3, 1, 6, 2), true, 1},
		{"inside", rect(1, 1, 2, 2), true, 1},
		{"identical", rect(0, 0, 4, 5), true, 20},
		{"sliver far below a square centimetre", rect(3.99999, 0, 8, 5), false, 0.00005},
		{"wall overlapping by 1 cm", rect(3.99, 0, 8, 5), true, 0.05},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, area, err := Overlaps(room, tt.other)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.overlaps || math.Abs(area-tt.area) > 1e-6 {
				t.Errorf("Overlaps = %v, %.6f; want %v, %.6f", got, area, tt.overlaps, tt.area)
			}
			// Symmetric.
			got2, area2, _ := Overlaps(tt.other, room)
			if got2 != got || math.Abs(area2-area) > 1e-6 {
				t.Errorf("not symmetric: %v %.6f vs %v %.6f", got, area, got2, area2)
			}
		})
	}
}
