package imports

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"officemap/geo"
	"officemap/geo/geotest"
)

var box = geotest.Rect

// roomsFootprint on rooms whose grown union is known: areas are those of the rectangles and polygons
// worked out by hand (walls of 0.2 m between rooms, WallThickness 0.3 m outside).
func TestRoomsFootprint(t *testing.T) {
	w := WallThickness
	lShape := orb.Polygon{{{0, 0}, {6, 0}, {6, 2}, {2, 2}, {2, 6}, {0, 6}, {0, 0}}}
	tests := []struct {
		name  string
		rooms []orb.Polygon
		area  float64
		parts int
	}{
		{"one room", []orb.Polygon{box(0, 0, 4, 5)}, (4 + 2*w) * (5 + 2*w), 1},
		{"two rooms and an inner wall", []orb.Polygon{box(0, 0, 4, 5), box(4.2, 0, 8.2, 5)}, (8.2 + 2*w) * (5 + 2*w), 1},
		// The L grown by w: its 40 m² shell plus strips along its edges (perimeter 24 m) plus the five
		// outer corners' squares, less the inner corner's square that two strips both cover.
		{"an L-shaped room", []orb.Polygon{lShape}, 20 + 24*w + 5*w*w - w*w, 1},
		// Four rooms around a 2 m × 2 m light well: the well is filled.
		{"rooms around a well", []orb.Polygon{box(0, 0, 6, 2), box(0, 4, 6, 6), box(0, 2, 2, 4), box(4, 2, 6, 4)},
			(6 + 2*w) * (6 + 2*w), 1},
		{"the largest of two wings", []orb.Polygon{box(0, 0, 4, 5), box(20, 0, 22, 2)}, (4 + 2*w) * (5 + 2*w), 2},
		// A 45° diamond: its corners are mitred, so it grows into the diamond with a diagonal 2·√2·w longer.
		{"a diamond", []orb.Polygon{{{{0, -2}, {2, 0}, {0, 2}, {-2, 0}, {0, -2}}}}, math.Pow(4+2*math.Sqrt2*w, 2) / 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fp, parts, err := roomsFootprint(tt.rooms)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(geo.Area(fp)-tt.area) > 1e-6 || parts != tt.parts || len(fp) != 1 {
				t.Errorf("footprint of %.6f m² in %d rings, %d parts; want %.6f m², one ring, %d parts", geo.Area(fp), len(fp), parts, tt.area, tt.parts)
			}
			if err := geo.Validate(fp); err != nil {
				t.Error(err)
			}
			for _, r := range tt.rooms[:1] {
				if out, err := geo.Outside(r, fp, 0.1); err != nil || out.Area > 1e-9 {
					t.Errorf("a room reaches out of the footprint: %+v %v", out, err)
				}
			}
		})
	}
	if _, _, err := roomsFootprint(nil); err == nil {
		t.Error("a footprint from no rooms")
	}
}

// A sharp corner is bevelled, so that no corner reaches out more than 2·WallThickness.
func TestGrowSharpCorner(t *testing.T) {
	spike := orb.Ring{{0, 0}, {10, 0}, {0, 1}, {0, 0}} // a corner of about 5.7° at (10, 0)
	pieces := grow(nil, spike, WallThickness)
	u, err := geo.Union(pieces)
	if err != nil || len(u) != 1 {
		t.Fatalf("%v %v", u, err)
	}
	for _, q := range u[0][0] {
		if q[0] > 10+2*WallThickness {
			t.Errorf("vertex %v reaches %.2f m beyond the corner", q, q[0]-10)
		}
	}
}

func BenchmarkRoomsFootprint(b *testing.B) {
	var rooms []orb.Polygon
	for i := 0; i < 20; i++ {
		for j := 0; j < 20; j++ {
			x, y := float64(i)*4.2, float64(j)*5.2
			rooms = append(rooms, box(x, y, x+4, y+5))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := roomsFootprint(rooms); err != nil {
			b.Fatal(err)
		}
	}
}
