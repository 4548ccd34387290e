package floorplan

import (
	"testing"

	"github.com/paulmach/orb"

	"officemap/geo"
)

// TestSnap: coordinates converted to local metres land on the grid of their frame, so that a wall drawn
// in lon/lat or in millimetres lands exactly on the same wall drawn in metres.
func TestSnap(t *testing.T) {
	tests := []struct {
		name string
		step float64
		in   float64
		want float64
	}{
		{"conversion noise below a wall", LonLatGridM, 3.9999999996, 4},
		{"conversion noise above a wall", LonLatGridM, 0.30000000049, 0.3},
		{"a micrometre is kept", LonLatGridM, 12.345678, 12.345678},
		{"negative", LonLatGridM, -7.0000000002, -7},
		{"millimetres × 0.001", UnitGridM, 4000 * 0.001, 4},
		{"inches × 0.0254", UnitGridM, 236.22047244094489 * 0.0254, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := snapTo(tt.in, tt.step); got != tt.want {
				t.Errorf("snap(%v) = %v, want exactly %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestShapeLocal: a square in millimetres (crs=local, scale 0.001), in metres and in lon/lat comes out as
// the same polygon in local metres.
func TestShapeLocal(t *testing.T) {
	g := geo.Georef{Origin: orb.Point{119.974, 31.811}, RotationDeg: 12, Scale: 0.001}
	want := orb.Polygon{{{0, 0}, {4, 0}, {4, 6}, {0, 6}, {0, 0}}}
	mm := orb.Polygon{{{0, 0}, {4000, 0}, {4000, 6000}, {0, 6000}, {0, 0}}}
	ll := g.Frame().PolygonToLonLat(want)
	for name, s := range map[string]Shape{
		"millimetres": {Polygon: mm, CRS: CRSLocal},
		"metres":      {Polygon: want, CRS: CRSMetres},
		"lon/lat":     {Polygon: ll, CRS: CRSLonLat},
	} {
		got, err := s.local(g)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, p := range got[0] {
			if p != want[0][i] {
				t.Errorf("%s: point %d = %v, want %v", name, i, p, want[0][i])
			}
		}
	}
}
