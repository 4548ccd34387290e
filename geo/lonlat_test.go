package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestParseLonLat(t *testing.T) {
	tests := []struct {
		in   string
		want orb.Point
		ok   bool
	}{
		{"119.974,31.811", orb.Point{119.974, 31.811}, true},
		{" 119.974 , 31.811 ", orb.Point{119.974, 31.811}, true},
		{"-180,-89.9", orb.Point{-180, -89.9}, true},
		{"119.974", orb.Point{}, false},
		{"east,north", orb.Point{}, false},
		{"181,0", orb.Point{}, false},
		{"0,90", orb.Point{}, false},
		{"NaN,0", orb.Point{}, false},
		{"0,Inf", orb.Point{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLonLat(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("ParseLonLat(%q) = %v, %v", tt.in, got, err)
			}
		})
	}
}
