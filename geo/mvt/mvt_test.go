package mvt

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"officemap/geo"
)

// A z18 tile in Changzhou; at this zoom a grid unit of the 4096 grid is about 3.2 cm.
var tile18 = maptile.At(orb.Point{119.9741, 31.8112}, 18)

// onGrid returns the lon/lat polygon whose corners fall on the given grid points of tile18 (4096
// grid), so that a case can be written in grid units.
func onGrid(rings ...[]orb.Point) orb.Polygon {
	b := tile18.Bound()
	lonlat := func(p orb.Point) orb.Point {
		// Linear in lon; Web Mercator rows are close enough to linear in lat over one tile for the
		// whole units that snapping gives, which the cases check.
		return orb.Point{b.Min[0] + p[0]/Extent*(b.Max[0]-b.Min[0]), b.Max[1] - p[1]/Extent*(b.Max[1]-b.Min[1])}
	}
	out := make(orb.Polygon, len(rings))
	for i, r := range rings {
		for _, p := range r {
			out[i] = append(out[i], lonlat(p))
		}
	}
	return out
}

func square(x0, y0, x1, y1 float64) []orb.Point {
	return []orb.Point{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

func reversed(r []orb.Point) []orb.Point {
	out := make([]orb.Point, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

func TestLayerAdd(t *testing.T) {
	tests := []struct {
		name  string
		g     orb.Polygon
		rings int         // 0: nothing remains
		bound orb.Bound   // of the outer ring, on the grid
		holes []orb.Bound // of the holes
	}{
		{name: "inside", g: onGrid(square(100, 200, 900, 700)), rings: 1,
			bound: orb.Bound{Min: orb.Point{100, 200}, Max: orb.Point{900, 700}}},
		{name: "drawn the other way", g: onGrid(reversed(square(100, 200, 900, 700))), rings: 1,
			bound: orb.Bound{Min: orb.Point{100, 200}, Max: orb.Point{900, 700}}},
		{name: "with a hole", g: onGrid(square(100, 100, 1000, 1000), square(400, 400, 500, 500)), rings: 2,
			bound: orb.Bound{Min: orb.Point{100, 100}, Max: orb.Point{1000, 1000}},
			holes: []orb.Bound{{Min: orb.Point{400, 400}, Max: orb.Point{500, 500}}}},
		{name: "a hole under a unit is dropped", g: onGrid(square(100, 100, 1000, 1000), square(400, 400, 400.2, 400.2)),
			rings: 1, bound: orb.Bound{Min: orb.Point{100, 100}, Max: orb.Point{1000, 1000}}},
		{name: "larger than the tile is clipped to the buffer", g: onGrid(square(-9000, -9000, 9000, 9000)), rings: 1,
			bound: orb.Bound{Min: orb.Point{-Buffer, -Buffer}, Max: orb.Point{Extent + Buffer, Extent + Buffer}}},
		{name: "across an edge", g: onGrid(square(4000, 10, 5000, 20)), rings: 1,
			bound: orb.Bound{Min: orb.Point{4000, 10}, Max: orb.Point{Extent + Buffer, 20}}},
		{name: "in the buffer", g: onGrid(square(-50, 10, -10, 20)), rings: 1,
			bound: orb.Bound{Min: orb.Point{-50, 10}, Max: orb.Point{-10, 20}}},
		{name: "beyond the buffer", g: onGrid(square(-200, 10, -100, 20))},
		{name: "under a unit", g: onGrid(square(10, 10, 10.3, 10.3))},
		{name: "a line", g: onGrid([]orb.Point{{10, 10}, {500, 10}, {1000, 10}, {10, 10}})},
		{name: "too few points", g: onGrid([]orb.Point{{10, 10}, {500, 10}})},
		{name: "empty", g: orb.Polygon{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := clone(tc.g)
			l := NewLayer("rooms", tile18, 1)
			f := l.Add(tc.g)
			if !equal(tc.g, before) {
				t.Errorf("Add changed its input")
			}
			if tc.rings == 0 {
				if f != nil || l.Len() != 0 {
					t.Fatalf("got %v, want nothing", f.Geometry)
				}
				return
			}
			if f == nil || l.Len() != 1 {
				t.Fatalf("got nothing, want %d rings", tc.rings)
			}
			p := f.Geometry.(orb.Polygon)
			if len(p) != tc.rings {
				t.Fatalf("%d rings, want %d: %v", len(p), tc.rings, p)
			}
			for i, r := range p {
				if r[0] != r[len(r)-1] {
					t.Errorf("ring %d is not closed: %v", i, r)
				}
				for _, pt := range r {
					if pt[0] != float64(int(pt[0])) || pt[1] != float64(int(pt[1])) {
						t.Errorf("ring %d: %v is not on a whole unit", i, pt)
					}
				}
				// MVT winding on a y-down grid: the outer ring has a positive surveyor's area, holes negative.
				if a := ringArea(r); (a > 0) != (i == 0) {
					t.Errorf("ring %d has area %v", i, a)
				}
			}
			if b := p[0].Bound(); b != tc.bound {
				t.Errorf("outer ring bound %v, want %v", b, tc.bound)
			}
			for i, want := range tc.holes {
				if b := p[i+1].Bound(); b != want {
					t.Errorf("hole %d bound %v, want %v", i, b, want)
				}
			}
		})
	}
}

func TestProject(t *testing.T) {
	tests := []struct {
		name           string
		extent, buffer int
		g              orb.Polygon
		ok             bool
	}{
		{"PNG tile, inside", 256, 4, onGrid(square(100, 200, 900, 700)), true},
		{"PNG tile, clipped", 256, 4, onGrid(square(-9000, -9000, 9000, 9000)), true},
		{"PNG tile, beyond the buffer", 256, 4, onGrid(square(4200, 10, 4300, 20)), false},
		{"vector grid, under a unit is kept unsnapped", Extent, Buffer, onGrid(square(10, 10, 10.3, 10.3)), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := Project(tc.g, tile18, tc.extent, tc.buffer)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v (%v)", ok, tc.ok, p)
			}
			if !ok {
				return
			}
			e, buf := float64(tc.extent), float64(tc.buffer)
			b := p.Bound()
			if b.Min[0] < -buf || b.Min[1] < -buf || b.Max[0] > e+buf || b.Max[1] > e+buf {
				t.Errorf("bound %v is beyond the tile ± %v", b, buf)
			}
			if ringArea(p[0]) <= 0 {
				t.Errorf("outer ring area %v, want > 0", ringArea(p[0]))
			}
			// Unclipped corners are where Web Mercator puts them, unrounded.
			if b.Min[0] > 0 && b.Max[0] < e {
				x, y := geo.TilePixel(tile18, tc.g[0][0], tc.extent)
				if !containsPoint(p[0], orb.Point{x, y}) {
					t.Errorf("corner (%v, %v) not in %v", x, y, p[0])
				}
			}
		})
	}
}

func TestMarshal(t *testing.T) {
	t.Run("empty layer is an empty tile", func(t *testing.T) {
		l := NewLayer("rooms", tile18, 0)
		l.Add(onGrid(square(-200, 10, -100, 20)))
		if data, err := l.Marshal(); data != nil || err != nil {
			t.Errorf("Marshal = %d bytes, %v; want nil, nil", len(data), err)
		}
	})
	t.Run("round trip", func(t *testing.T) {
		l := NewLayer("rooms", tile18, 1) // three features: the backing array grows
		for i, n := range []string{"301", "302", "303"} {
			f := l.Add(onGrid(square(float64(100+1000*i), 100, float64(900+1000*i), 900)))
			f.Properties = geojson.Properties{"number": n, "area_m2": 20.5}
		}
		data, err := l.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		layers, err := mvt.Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		if len(layers) != 1 || layers[0].Name != "rooms" || layers[0].Version != 2 || layers[0].Extent != Extent {
			t.Fatalf("layers %+v", layers)
		}
		fs := layers[0].Features
		if len(fs) != 3 {
			t.Fatalf("%d features, want 3", len(fs))
		}
		for i, want := range []string{"301", "302", "303"} {
			if fs[i].Properties["number"] != want || fs[i].Properties["area_m2"] != 20.5 {
				t.Errorf("feature %d properties %v", i, fs[i].Properties)
			}
			wantBound := orb.Bound{Min: orb.Point{float64(100 + 1000*i), 100}, Max: orb.Point{float64(900 + 1000*i), 900}}
			if b := fs[i].Geometry.Bound(); b != wantBound {
				t.Errorf("feature %d bound %v, want %v", i, b, wantBound)
			}
		}
	})
}

func clone(g orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(g))
	for i, r := range g {
		out[i] = append(orb.Ring(nil), r...)
	}
	return out
}

func equal(a, b orb.Polygon) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

func containsPoint(r orb.Ring, p orb.Point) bool {
	for _, q := range r {
		if q == p {
			return true
		}
	}
	return false
}
