package geotest

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestEqualWithin(t *testing.T) {
	square := Rect(0, 0, 4, 6)
	if want := (orb.Polygon{{{0, 0}, {4, 0}, {4, 6}, {0, 6}, {0, 0}}}); !square.Equal(want) {
		t.Fatalf("Rect(0, 0, 4, 6) = %v, want %v", square, want)
	}
	moved := orb.Polygon{{{0, 0}, {4, 0}, {4, 6 + 1e-10}, {0, 6}, {0, 0}}}
	tests := []struct {
		name string
		a, b orb.Polygon
		tol  float64
		want bool
	}{
		{"the same, exactly", square, square, 0, true},
		{"a point moved within the tolerance", square, moved, 1e-9, true},
		{"a point moved beyond it", square, moved, 1e-11, false},
		{"a ring fewer", square, orb.Polygon{}, 1, false},
		{"a point fewer", square, orb.Polygon{square[0][:4]}, 1, false},
		{"a hole more", square, append(orb.Polygon{square[0]}, square[0]), 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EqualWithin(tt.a, tt.b, tt.tol); got != tt.want {
				t.Errorf("EqualWithin = %v, want %v", got, tt.want)
			}
		})
	}
}
