package geo

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestArea(t *testing.T) {
	lshape := orb.Polygon{{{0, 0}, {6, 0}, {6, 2}, {2, 2}, {2, 6}, {0, 6}, {0, 0}}}
	tests := []struct {
		name string
		p    orb.Polygon
		want float64
	}{
		{"unit square", orb.Polygon{box(0, 0, 1, 1)}, 1},
		{"L-shaped room", lshape, 6*2 + 2*4},
		{"L-shaped room, clockwise", orb.Polygon{reversed(lshape[0])}, 20},
		{"square with hole", orb.Polygon{box(0, 0, 10, 10), reversed(box(2, 2, 4, 4))}, 96},
		{"hole in the same orientation as the outer ring", orb.Polygon{box(0, 0, 10, 10), box(2, 2, 4, 4)}, 96},
		{"two holes", orb.Polygon{box(0, 0, 10, 10), box(2, 2, 4, 4), box(5, 5, 8, 6)}, 93},
		{"unclosed ring taken as closed", orb.Polygon{{{0, 0}, {3, 0}, {3, 2}, {0, 2}}}, 6},
		{"triangle", orb.Polygon{{{0, 0}, {4, 0}, {0, 3}, {0, 0}}}, 6},
		{"odd number of points", orb.Polygon{{{0, 0}, {2, 0}, {2, 1}, {1, 2}, {0, 1}, {0, 0}}}, 3},
		// A 4.2 × 3.6 m room drawn in millimetres far from the CAD origin: exact, because coordinates
		// are taken relative to the first point.
		{"CAD millimetres offset by 1e6", orb.Polygon{box(1234567.5, 2345678.25, 1234567.5+4200, 2345678.25+3600)}, 4200 * 3600},
		{"1 mm² at 1e8", orb.Polygon{box(1e8, 1e8, 1e8+1, 1e8+1)}, 1},
		{"empty", orb.Polygon{}, 0},
		{"degenerate ring", orb.Polygon{{{0, 0}, {1, 0}}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Area(tt.p); got != tt.want {
				t.Errorf("Area = %.17g, want %.17g", got, tt.want)
			}
		})
	}
}

func TestRingAndMultiPolygonArea(t *testing.T) {
	if got := RingArea(reversed(box(0, 0, 3, 2))); got != 6 {
		t.Errorf("RingArea of a clockwise ring = %v, want 6", got)
	}
	mp := orb.MultiPolygon{{box(0, 0, 4, 5)}, {box(4, 0, 8, 5), box(5, 1, 6, 2)}}
	if got := MultiPolygonArea(mp); got != 39 {
		t.Errorf("MultiPolygonArea = %v, want 39", got)
	}
}

// TestAreaMatchesOrb compares Area with orb's planar.Area on random polygons.
func TestAreaMatchesOrb(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for k := 0; k < 1000; k++ {
		n := 3 + rng.IntN(30)
		cx, cy := rng.Float64()*1000, rng.Float64()*1000
		ring := circle(cx, cy, 1+rng.Float64()*50, n)
		hole := reversed(circle(cx, cy, 0.5, 3+rng.IntN(10)))
		p := orb.Polygon{ring, hole}
		got, want := Area(p), planar.Area(p)
		if math.Abs(got-want) > 1e-9*want {
			t.Fatalf("Area = %.12g, planar.Area = %.12g", got, want)
		}
	}
}

// zoneArea is the closed-form area on the WGS84 ellipsoid of the region between two meridians dLon
// degrees apart and the parallels lat1 < lat2: the textbook zone formula
// S(φ) = b²/2·(sin φ/(1 − e² sin² φ) + ln((1 + e sin φ)/(1 − e sin φ))/(2e)) per radian of longitude.
func zoneArea(lat1, lat2, dLon float64) float64 {
	const a, f = 6378137.0, 1 / 298.257223563
	b := a * (1 - f)
	e := math.Sqrt(f * (2 - f))
	s := func(lat float64) float64 {
		x := math.Sin(lat * math.Pi / 180)
		return x/(1-e*e*x*x) + math.Log((1+e*x)/(1-e*x))/(2*e)
	}
	return dLon * math.Pi / 180 * b * b / 2 * (s(lat2) - s(lat1))
}

// latLonRect is the polygon bounded by two meridians and two parallels, with each side divided into
// n edges (so that its edges follow the parallels closely for big rectangles).
func latLonRect(lon, lat, dLon, dLat float64, n int) orb.Polygon {
	var r orb.Ring
	for i := 0; i < n; i++ {
		r = append(r, orb.Point{lon + dLon*float64(i)/float64(n), lat})
	}
	for i := 0; i < n; i++ {
		r = append(r, orb.Point{lon + dLon, lat + dLat*float64(i)/float64(n)})
	}
	for i := 0; i < n; i++ {
		r = append(r, orb.Point{lon + dLon - dLon*float64(i)/float64(n), lat + dLat})
	}
	for i := 0; i < n; i++ {
		r = append(r, orb.Point{lon, lat + dLat - dLat*float64(i)/float64(n)})
	}
	return orb.Polygon{append(r, r[0])}
}

// TestGeodesicAreaZones checks GeodesicArea against the closed-form area of lat/lon rectangles from
// about 1 m² to about 400 km², at several latitudes. The rectangles' edges are geodesics in
// GeodesicArea and parallels in the formula; up to 500 m the two differ by far less than the
// tolerance, and bigger rectangles are given points along their parallels (the bulge of a geodesic
// between two points of a parallel grows as L³·tan φ).
func TestGeodesicAreaZones(t *testing.T) {
	const tol = 1e-6 // relative; the requirement is 1e-4 (0.01 %)
	for _, lat := range []float64{0, 0.5, 31.81, 45, 60, -33.9, 70, -80} {
		for _, size := range []struct {
			name string
			deg  float64
			n    int
		}{{"1 m", 1e-5, 1}, {"30 m", 3e-4, 1}, {"500 m", 5e-3, 1}, {"5 km", 0.05, 5}, {"20 km", 0.2, 20}} {
			t.Run(size.name+" at "+strconv.FormatFloat(lat, 'g', -1, 64)+"°", func(t *testing.T) {
				dLon := size.deg / math.Max(0.2, math.Cos(lat*math.Pi/180)) // about square on the ground
				p := latLonRect(119.97, lat, dLon, size.deg, size.n)
				got, want := GeodesicArea(p), zoneArea(lat, lat+size.deg, dLon)
				if rel := math.Abs(got/want - 1); rel > tol {
					t.Errorf("GeodesicArea = %.6f m², zone formula %.6f m² (relative error %.2g)", got, want, rel)
				}
				// Orientation does not matter.
				if back := GeodesicArea(orb.Polygon{reversed(p[0])}); math.Abs(back-got) > 1e-9*got {
					t.Errorf("reversed ring: %.9f, want %.9f", back, got)
				}
			})
		}
	}
}

// TestGeodesicAreaPostGIS compares with areas PostGIS computed for the same rings, recorded here:
// PostGIS 3.3.2 (GEOS 3.11.1, PROJ 9.1.1) on PostgreSQL 15, ST_Area(ST_GeogFromText(...)), which uses
// GeographicLib's geodesic polygon area on the WGS84 ellipsoid.
func TestGeodesicAreaPostGIS(t *testing.T) {
	tri := func(lon, lat, d float64) orb.Polygon {
		return orb.Polygon{{{lon, lat}, {lon + d, lat + 0.3*d}, {lon + 0.2*d, lat + d}, {lon, lat}}}
	}
	tests := []struct {
		name    string
		p       orb.Polygon
		postgis float64
	}{
		{"Changzhou 0.01° square", latLonRect(119.97, 31.81, 0.01, 0.01, 1), 1049872.0945138931},
		{"Changzhou 0.001° square", latLonRect(119.97, 31.81, 0.001, 0.001, 1), 10499.222564458847},
		{"Changzhou 0.0001° triangle", tri(119.97, 31.81, 0.0001), 49.346595261245966},
		{"Changzhou 0.01° triangle", tri(119.97, 31.81, 0.01), 493449.61278545856},
		{"0.1° triangle at 60°N", tri(119.97, 60, 0.1), 29194819.89410782},
		{"0.05° square at 70°N", latLonRect(119.97, 70, 0.05, 0.05, 1), 10637689.502166748},
		{"0.001° triangle at 33.9°S", tri(119.97, -33.9, 0.001), 4821.91954806447},
		{"across the antimeridian", orb.Polygon{{{179.99, 10}, {-179.99, 10}, {-179.99, 10.02}, {179.99, 10.02}, {179.99, 10}}}, 4850640.554876804},
		{"square with hole", orb.Polygon{
			{{120, 30}, {120.01, 30}, {120.01, 30.01}, {120, 30.01}, {120, 30}},
			{{120.002, 30.002}, {120.002, 30.004}, {120.004, 30.004}, {120.004, 30.002}, {120.002, 30.002}},
		}, 1026739.481995821},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := GeodesicArea(tt.p)
			if rel := math.Abs(got/tt.postgis - 1); rel > 1e-6 {
				t.Errorf("GeodesicArea = %.6f m², PostGIS %.6f m² (relative difference %.2g)", got, tt.postgis, rel)
			}
		})
	}
	mp := orb.MultiPolygon{tests[0].p, tests[1].p}
	if got, want := GeodesicMultiPolygonArea(mp), GeodesicArea(tests[0].p)+GeodesicArea(tests[1].p); got != want {
		t.Errorf("GeodesicMultiPolygonArea = %v, want %v", got, want)
	}
	if got := GeodesicArea(nil); got != 0 {
		t.Errorf("GeodesicArea(nil) = %v", got)
	}
}

// TestEllipsoidConstants checks the literal derived constants against their formulas.
func TestEllipsoidConstants(t *testing.T) {
	e := math.Sqrt(wgs84E2)
	qp := 1 - (1-wgs84E2)/(2*e)*math.Log((1-e)/(1+e))
	tests := []struct {
		name      string
		got, want float64
	}{
		{"e", wgs84E, e},
		{"qp", authQp, qp},
		{"authalic radius", authalR, wgs84A * math.Sqrt(qp/2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if math.Abs(tt.got-tt.want) > 4e-16*tt.want {
				t.Errorf("%s = %.17g, formula gives %.17g", tt.name, tt.got, tt.want)
			}
		})
	}
}
