package geo

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

const million = 1_000_000

// makeRooms returns n rooms of 10 vertices (11 points with the closing one), each its own orb.Polygon
// with its own ring, as a store returns them: a rectangle with a notch and a vertex in the middle of
// two walls, 3–12 m across, laid out over a floor plan hundreds of metres wide, turned by a random
// angle and rounded to the millimetre as CAD coordinates are. Deterministic.
func makeRooms(n int) []orb.Polygon {
	rng := rand.New(rand.NewPCG(11, 12))
	rooms := make([]orb.Polygon, n)
	for i := range rooms {
		w, h := 3+9*rng.Float64(), 3+9*rng.Float64()
		d := w / 4
		shape := [...]orb.Point{{0, 0}, {w / 2, 0}, {w, 0}, {w, h / 3}, {w - d, h / 3}, {w - d, 2 * h / 3}, {w, 2 * h / 3}, {w, h}, {w / 2, h}, {0, h}}
		s, c := math.Sincos(rng.Float64() * 2 * math.Pi)
		ox, oy := float64(i%1000)*15, float64(i/1000%1000)*15
		ring := make(orb.Ring, 0, len(shape)+1)
		for _, p := range shape {
			x, y := ox+p[0]*c-p[1]*s, oy+p[0]*s+p[1]*c
			ring = append(ring, orb.Point{math.Round(x*1000) / 1000, math.Round(y*1000) / 1000})
		}
		rooms[i] = orb.Polygon{append(ring, ring[0])}
	}
	return rooms
}

// reportPer reports the time per item, with n items per benchmark operation.
func reportPer(b *testing.B, n int, unit string) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/"+unit)
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(time.Millisecond), "ms/1M-"+unit+"s")
}

// benchArea sums the area of the rooms per operation (and fails if the sum is not positive).
func benchArea(b *testing.B, rooms []orb.Polygon, area func(orb.Polygon) float64) {
	b.ReportAllocs()
	var sum float64
	for b.Loop() {
		sum = 0
		for _, r := range rooms {
			sum += area(r)
		}
	}
	if sum <= 0 {
		b.Fatal("no area")
	}
	reportPer(b, len(rooms), "room")
}

// BenchmarkArea1MRooms computes the area of 1M rooms per operation. Streaming their 176 MB of
// coordinates alone takes about 10 ms on one core.
func BenchmarkArea1MRooms(b *testing.B) {
	rooms := makeRooms(million)
	benchArea(b, rooms, Area)
}

// BenchmarkAreaOrbPlanar1MRooms is BenchmarkArea1MRooms with orb's planar.Area, for comparison.
func BenchmarkAreaOrbPlanar1MRooms(b *testing.B) {
	rooms := makeRooms(million)
	benchArea(b, rooms, func(r orb.Polygon) float64 { return planar.Area(r) })
}

// BenchmarkValidate1MRooms validates 1M rooms per operation.
func BenchmarkValidate1MRooms(b *testing.B) {
	rooms := makeRooms(million)
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range rooms {
			if err := Validate(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportPer(b, million, "room")
}

// BenchmarkGeoref1MPoints transforms 1M local points within 500 m of the origin per operation.
func BenchmarkGeoref1MPoints(b *testing.B) {
	rng := rand.New(rand.NewPCG(13, 14))
	local := make([]orb.Point, million)
	for i := range local {
		local[i] = orb.Point{rng.Float64()*1000 - 500, rng.Float64()*1000 - 500}
	}
	f := Georef{Origin: orb.Point{119.97, 31.81}, RotationDeg: 23.5}.Frame()
	lonlat := make([]orb.Point, million)
	for i, p := range local {
		lonlat[i] = f.ToLonLat(p)
	}
	out := make([]orb.Point, million)
	// Each conversion loop is written out, so that the calls in it are direct (and inlined) as in use.
	for _, tc := range []struct {
		name    string
		convert func()
	}{
		{"ToLonLat", func() {
			for i, p := range local {
				out[i] = f.ToLonLat(p)
			}
		}},
		{"ToLocal", func() {
			for i, p := range lonlat {
				out[i] = f.ToLocal(p)
			}
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tc.convert()
			}
			reportPer(b, million, "point")
		})
	}
}

// BenchmarkGeodesicArea1MRooms computes the geodesic area of 1M rooms given in lon/lat.
func BenchmarkGeodesicArea1MRooms(b *testing.B) {
	rooms := makeRooms(million)
	f := Georef{Origin: orb.Point{119.97, 31.81}}.Frame()
	for i, r := range rooms {
		rooms[i] = f.PolygonToLonLat(r)
	}
	benchArea(b, rooms, GeodesicArea)
}
