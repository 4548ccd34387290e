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

func TestDifferenceAndUnion(t *testing.T) {
	parts, err := Difference(rect(0, 0, 4, 5), rect(3, -1, 5, 6))
	if err != nil || len(parts) != 1 || math.Abs(Area(parts[0])-15) > 1e-9 {
		t.Errorf("Difference = %v, %v; want one 3×5 part", parts, err)
	}
	if parts, err := Difference(rect(1, 1, 2, 2), rect(0, 0, 4, 5)); err != nil || len(parts) != 0 {
		t.Errorf("Difference of a covered polygon = %v, %v", parts, err)
	}
	if parts, err := Difference(rect(0, 0, 4, 1), rect(1, -1, 2, 2)); err != nil || len(parts) != 2 {
		t.Errorf("Difference cutting a strip in two = %v, %v", parts, err)
	}
	u, err := Union([]orb.Polygon{rect(0, 0, 4, 5), rect(4, 0, 8, 5), rect(20, 0, 21, 1)})
	if err != nil || len(u) != 2 || math.Abs(Area(u[0])+Area(u[1])-41) > 1e-9 {
		t.Errorf("Union = %v, %v; want a 40 m² part and a 1 m² part", u, err)
	}
	// 15 × 15 squares of 1 m, each overlapping its neighbours by 10 cm, and a hole where one is missing:
	// more than one chunk and several rounds of pairs.
	var squares []orb.Polygon
	for i := 0; i < 15; i++ {
		for j := 0; j < 15; j++ {
			if i != 7 || j != 7 {
				squares = append(squares, rect(float64(i), float64(j), float64(i)+1.1, float64(j)+1.1))
			}
		}
	}
	u, err = Union(squares)
	if err != nil || len(u) != 1 || len(u[0]) != 2 || math.Abs(Area(u[0])-(15.1*15.1-0.9*0.9)) > 1e-9 {
		t.Errorf("Union of the squares: %d parts (%d rings, %.6f m²), %v; want one of %.2f m² with a hole", len(u), len(u[0]), Area(u[0]), err, 15.1*15.1-0.9*0.9)
	}
}
