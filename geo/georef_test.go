package geo

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// changzhou is a georeference at Changzhou's administrative centre.
var changzhou = orb.Point{119.97, 31.81}

func TestGeorefValidate(t *testing.T) {
	tests := []struct {
		name string
		g    Georef
		ok   bool
	}{
		{"Changzhou", Georef{Origin: changzhou, RotationDeg: 23.5}, true},
		{"scale for millimetres", Georef{Origin: changzhou, Scale: 0.001}, true},
		{"antimeridian", Georef{Origin: orb.Point{180, 0}}, true},
		{"near the pole", Georef{Origin: orb.Point{0, 89.9}}, true},
		{"negative rotation", Georef{Origin: changzhou, RotationDeg: -400}, true},
		{"longitude too big", Georef{Origin: orb.Point{180.5, 30}}, false},
		{"latitude too big", Georef{Origin: orb.Point{120, 91}}, false},
		{"north pole", Georef{Origin: orb.Point{120, 90}}, false},
		{"south pole", Georef{Origin: orb.Point{120, -90}}, false},
		{"NaN longitude", Georef{Origin: orb.Point{math.NaN(), 30}}, false},
		{"NaN latitude", Georef{Origin: orb.Point{120, math.NaN()}}, false},
		{"infinite rotation", Georef{Origin: changzhou, RotationDeg: math.Inf(1)}, false},
		{"NaN rotation", Georef{Origin: changzhou, RotationDeg: math.NaN()}, false},
		{"negative scale", Georef{Origin: changzhou, Scale: -1}, false},
		{"infinite scale", Georef{Origin: changzhou, Scale: math.Inf(1)}, false},
		{"NaN scale", Georef{Origin: changzhou, Scale: math.NaN()}, false},
		{"rotation 1e308", Georef{Origin: changzhou, RotationDeg: 1e308}, false},
		{"rotation of two turns back", Georef{Origin: changzhou, RotationDeg: -MaxRotationDeg}, true},
		{"scale 1e-9", Georef{Origin: changzhou, Scale: 1e-9}, false},
		{"scale 1e9", Georef{Origin: changzhou, Scale: 1e9}, false},
		{"scale for kilometres", Georef{Origin: changzhou, Scale: 1000}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.g.Validate()
			if tt.ok != (err == nil) {
				t.Fatalf("Validate = %v, want ok %v", err, tt.ok)
			}
			if err != nil {
				var ve *ValidationError
				if !errors.Is(err, ErrInvalid) || !errors.As(err, &ve) || ve.Reason != ReasonBadGeoref || ve.MessageZH() == "" {
					t.Errorf("error %v is not a bad_georeference *ValidationError", err)
				}
			}
		})
	}
}

// TestFrameKnownOffsets checks small offsets against the ellipsoid's radii of curvature, an oracle
// independent of the ECEF route: 1 m north is 1/M radians of latitude and 1 m east 1/(N·cos φ)
// radians of longitude, with M = a(1−e²)/(1−e² sin² φ)^(3/2) and N = a/√(1−e² sin² φ).
func TestFrameKnownOffsets(t *testing.T) {
	const a, f = 6378137.0, 1 / 298.257223563
	e2 := f * (2 - f)
	for _, lat := range []float64{0, 31.81, 45, 60, -33.9, 70} {
		for _, rot := range []float64{0, 30, 90, 180, -45} {
			t.Run(fmt.Sprintf("lat %g rotation %g", lat, rot), func(t *testing.T) {
				fr := Georef{Origin: orb.Point{119.97, lat}, RotationDeg: rot}.Frame()
				if o := fr.ToLonLat(orb.Point{0, 0}); math.Abs(o[0]-119.97) > 1e-12 || math.Abs(o[1]-lat) > 1e-12 {
					t.Fatalf("origin maps to %v", o)
				}
				s := math.Sin(lat * math.Pi / 180)
				m := a * (1 - e2) / math.Pow(1-e2*s*s, 1.5)
				n := a / math.Sqrt(1-e2*s*s)
				// 1 m along the drawing's +Y is 1 m at azimuth rot; +X is at azimuth rot + 90°.
				const d = 1.0
				for _, c := range []struct {
					local   orb.Point
					azimuth float64
				}{{orb.Point{0, d}, rot}, {orb.Point{d, 0}, rot + 90}} {
					az := c.azimuth * math.Pi / 180
					wantDLat := d * math.Cos(az) / m * 180 / math.Pi
					wantDLon := d * math.Sin(az) / (n * math.Cos(lat*math.Pi/180)) * 180 / math.Pi
					got := fr.ToLonLat(c.local)
					// Second-order terms at 1 m are about 1e-7 of the offset.
					if math.Abs(got[1]-lat-wantDLat) > 1e-6*d/m*180/math.Pi ||
						math.Abs(got[0]-119.97-wantDLon) > 1e-6*d/(n*math.Cos(lat*math.Pi/180))*180/math.Pi {
						t.Errorf("local %v → Δ(%.12g, %.12g)°, want Δ(%.12g, %.12g)°", c.local, got[0]-119.97, got[1]-lat, wantDLon, wantDLat)
					}
				}
			})
		}
	}
}

// TestFrameRoundTrip checks local → lon/lat → local on a grid reaching 500 m from the origin, at
// several latitudes, rotations and scales: the error must stay below 1 mm.
func TestFrameRoundTrip(t *testing.T) {
	for _, origin := range []orb.Point{changzhou, {0, 0}, {-73.98, 40.75}, {18.07, 59.33}, {151.21, -33.87}, {25.0, 70.0}, {179.999, -17.0}} {
		for _, rot := range []float64{0, 17.5, 90, 180, -123.4, 359} {
			for _, scale := range []float64{0, 1, 0.001} {
				name := fmt.Sprintf("%v rotation %g scale %g", origin, rot, scale)
				t.Run(name, func(t *testing.T) {
					g := Georef{Origin: origin, RotationDeg: rot, Scale: scale}
					if err := g.Validate(); err != nil {
						t.Fatal(err)
					}
					fr := g.Frame() // the local frame is in metres whatever the scale
					worst := 0.0
					for i := -10; i <= 10; i++ {
						for j := -10; j <= 10; j++ {
							local := orb.Point{float64(i) * 35.35, float64(j) * 35.35} // metres; corners at 500 m
							ll := fr.ToLonLat(local)
							if ll[0] < -180 || ll[0] > 180 {
								t.Fatalf("longitude %v out of range", ll[0])
							}
							back := fr.ToLocal(ll)
							errM := math.Hypot(back[0]-local[0], back[1]-local[1])
							worst = math.Max(worst, errM)
							// And lon/lat → local → lon/lat.
							again := fr.ToLonLat(back)
							if d := math.Hypot(again[0]-ll[0], again[1]-ll[1]); d > 1e-11 {
								t.Fatalf("lon/lat round trip moved %v by %g°", ll, d)
							}
						}
					}
					if worst > 1e-3 {
						t.Errorf("worst round-trip error %.3g m, want < 1 mm", worst)
					}
				})
			}
		}
	}
}

// TestFrameAreaAgreement checks that a local polygon's planar Area agrees with the geodesic area of
// its lon/lat image within 0.01 %.
func TestFrameAreaAgreement(t *testing.T) {
	rooms := []struct {
		name string
		p    orb.Polygon
	}{
		{"office 6 × 4 m", orb.Polygon{box(12, 30, 18, 34)}},
		{"1 m² store", orb.Polygon{box(-3, 2, -2, 3)}},
		{"L-shaped hall", orb.Polygon{{{0, 0}, {60, 0}, {60, 20}, {20, 20}, {20, 60}, {0, 60}, {0, 0}}}},
		{"floor 400 × 300 m with courtyard", orb.Polygon{box(-200, -150, 200, 150), reversed(box(-50, -50, 50, 50))}},
		{"long building far from the origin", orb.Polygon{box(300, 300, 480, 330)}},
	}
	for _, origin := range []orb.Point{changzhou, {0, 0}, {18.07, 59.33}, {151.21, -33.87}, {25.0, 70.0}} {
		for _, rot := range []float64{0, 33, -120} {
			for _, room := range rooms {
				t.Run(fmt.Sprintf("%s at %v rotation %g", room.name, origin, rot), func(t *testing.T) {
					fr := Georef{Origin: origin, RotationDeg: rot}.Frame()
					planarA := Area(room.p)
					geodesicA := GeodesicArea(fr.PolygonToLonLat(room.p))
					if rel := math.Abs(geodesicA/planarA - 1); rel > 1e-4 {
						t.Errorf("planar %.6f m², geodesic %.6f m² (relative difference %.2g)", planarA, geodesicA, rel)
					}
				})
			}
		}
	}
	// Scale is only the unit clients exchange: the local frame is in metres whatever it is, so a
	// 4.2 × 3.6 m room is 15.12 m² in a building whose clients draw in millimetres.
	fr := Georef{Origin: changzhou, Scale: 0.001}.Frame()
	room := orb.Polygon{box(0, 0, 4.2, 3.6)}
	if got, want := GeodesicArea(fr.PolygonToLonLat(room)), Area(room); math.Abs(got/want-1) > 1e-4 || math.Abs(want-15.12) > 1e-9 {
		t.Errorf("room in a millimetre building: geodesic %.6f m², planar %.6f m², want 15.12", got, want)
	}
}

// TestFrameIgnoresScale: the local frame is in metres, so Scale (the unit of exchanged coordinates)
// changes nothing in the mapping.
func TestFrameIgnoresScale(t *testing.T) {
	base := Georef{Origin: changzhou, RotationDeg: 23.5}
	want := base.Frame()
	for _, scale := range []float64{0, 1, 0.001, 0.01, 0.0254, 0.3048, 1000} {
		g := base
		g.Scale = scale
		fr := g.Frame()
		for _, p := range []orb.Point{{0, 0}, {4, 6}, {-120.5, 333.25}} {
			if got, w := fr.ToLonLat(p), want.ToLonLat(p); got != w {
				t.Errorf("scale %g: %v → %v, want %v (as scale 1)", scale, p, got, w)
			}
			ll := want.ToLonLat(p)
			if got, w := fr.ToLocal(ll), want.ToLocal(ll); got != w {
				t.Errorf("scale %g: ToLocal(%v) = %v, want %v", scale, ll, got, w)
			}
		}
	}
}

func TestGeorefUnit(t *testing.T) {
	for _, tt := range []struct{ scale, want float64 }{
		{0, 1}, {1, 1}, {0.001, 0.001}, {0.0254, 0.0254}, {-1, 1}, {math.NaN(), 1}, {math.Inf(1), 1},
	} {
		if got := (Georef{Scale: tt.scale}).Unit(); got != tt.want {
			t.Errorf("Georef{Scale: %v}.Unit() = %v, want %v", tt.scale, got, tt.want)
		}
	}
}

func TestFramePolygonsAndBounds(t *testing.T) {
	fr := Georef{Origin: changzhou, RotationDeg: 30}.Frame()
	p := orb.Polygon{box(0, 0, 20, 10), reversed(box(2, 2, 4, 4))}
	ll := fr.PolygonToLonLat(p)
	if len(ll) != 2 || len(ll[0]) != 5 || len(ll[1]) != 5 {
		t.Fatalf("PolygonToLonLat changed the shape: %v", ll)
	}
	if ll[0][0] != ll[0][4] {
		t.Errorf("ring no longer closed")
	}
	b := fr.BoundToLonLat(p.Bound())
	for _, r := range ll {
		for _, q := range r {
			if !b.Contains(q) {
				t.Errorf("bound %v does not contain %v", b, q)
			}
		}
	}
	back := fr.PolygonToLocal(ll)
	for i, r := range back {
		for j, q := range r {
			if d := math.Hypot(q[0]-p[i][j][0], q[1]-p[i][j][1]); d > 1e-6 {
				t.Errorf("PolygonToLocal moved %v by %g", p[i][j], d)
			}
		}
	}
	// ll[0][1] is the local (20, 0): with the drawing's +Y at 30° east of north, +X points 120°.
	if !(ll[0][1][0] > changzhou[0] && ll[0][1][1] < changzhou[1]) {
		t.Errorf("local +X at rotation 30° should point east-south-east, got %v", ll[0][1])
	}
	if fr.PolygonToLonLat(nil) != nil {
		t.Errorf("PolygonToLonLat(nil) != nil")
	}
}
