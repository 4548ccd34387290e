package geo

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

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

func TestSplit(t *testing.T) {
	room := rect(0, 0, 6, 4) // 24 m²
	ushape := orb.Polygon{{{0, 0}, {6, 0}, {6, 4}, {4, 4}, {4, 1}, {2, 1}, {2, 4}, {0, 4}, {0, 0}}}
	tests := []struct {
		name  string
		poly  orb.Polygon
		cut   orb.LineString
		areas []float64 // largest first
	}{
		{"straight across", room, orb.LineString{{2, -1}, {2, 5}}, []float64{16, 8}},
		{"stops on the walls", room, orb.LineString{{3, 0}, {3, 4}}, []float64{12, 12}},
		{"inside only, prolonged", room, orb.LineString{{4.5, 1}, {4.5, 3}}, []float64{18, 6}},
		{"dog-leg", room, orb.LineString{{3, -1}, {3, 2}, {5, 2}, {5, 5}}, []float64{16, 8}},
		{"U-shape cut into three pieces", ushape, orb.LineString{{-1, 2}, {7, 2}}, []float64{10, 4, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pieces, err := Split(tt.poly, tt.cut)
			if err != nil {
				t.Fatal(err)
			}
			if len(pieces) != len(tt.areas) {
				t.Fatalf("got %d pieces, want %d", len(pieces), len(tt.areas))
			}
			for i, p := range pieces {
				if err := Validate(p); err != nil {
					t.Errorf("piece %d invalid: %v", i, err)
				}
				if a := Area(p); math.Abs(a-tt.areas[i]) > 1e-9 {
					t.Errorf("piece %d area %.9f, want %.9f", i, a, tt.areas[i])
				}
			}
			for i := range pieces {
				for j := i + 1; j < len(pieces); j++ {
					if over, a, _ := Overlaps(pieces[i], pieces[j]); over {
						t.Errorf("pieces %d and %d overlap by %.6f", i, j, a)
					}
				}
			}
		})
	}
}

func TestSplitRejects(t *testing.T) {
	room := rect(0, 0, 6, 4)
	tests := []struct {
		name string
		cut  orb.LineString
	}{
		{"one point", orb.LineString{{1, 1}}},
		{"misses the room", orb.LineString{{10, -1}, {10, 5}}},
		{"along a wall", orb.LineString{{0, -1}, {0, 5}}},
		{"zero-length end", orb.LineString{{2, 2}, {2, 2}}},
		{"NaN", orb.LineString{{2, math.NaN()}, {2, 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Split(room, tt.cut); !errors.Is(err, ErrSplit) {
				t.Errorf("Split error = %v, want ErrSplit", err)
			}
		})
	}
}
