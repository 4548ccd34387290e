package imports

import (
	"math"

	"github.com/paulmach/orb"

	"officemap/geo"
)

// samePrecise reports whether stored geometry (local metres) is the source's lon/lat geometry at the
// source's precision: taken to lon/lat with the building's frame and rounded to Dataset.CoordPrecision,
// every ring has the points of the source's ring rounded so (repeated points dropped). A re-import then
// keeps the stored geometry as it is, rather than writing it back a rounding off. False for a source in
// local metres or without a precision.
func (p *plan) samePrecise(stored, src orb.Polygon, f *geo.Frame) bool {
	if !p.d.LonLat || p.d.CoordPrecision <= 0 || len(stored) == 0 || len(stored) != len(src) {
		return false
	}
	src = geo.Normalize(src)
	for i := range stored {
		if !p.sameRounded(stored[i], src[i], f) {
			return false
		}
	}
	return true
}

// sameLines is samePrecise for lines (a floor's openings).
func (p *plan) sameLines(stored, src orb.MultiLineString, f *geo.Frame) bool {
	if !p.d.LonLat || p.d.CoordPrecision <= 0 || len(stored) == 0 || len(stored) != len(src) {
		return false
	}
	for i := range stored {
		if !p.sameRounded(stored[i], src[i], f) {
			return false
		}
	}
	return true
}

// sameRounded compares local points, taken to lon/lat, with lon/lat points, both rounded to the
// dataset's precision.
func (p *plan) sameRounded(local, lonLat []orb.Point, f *geo.Frame) bool {
	a := p.rounded(local, f.ToLonLat)
	b := p.rounded(lonLat, nil)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// rounded maps points (through to, when set) to multiples of the dataset's precision, dropping repeats.
func (p *plan) rounded(pts []orb.Point, to func(orb.Point) orb.Point) []orb.Point {
	step := p.d.CoordPrecision
	out := make([]orb.Point, 0, len(pts))
	for _, q := range pts {
		if to != nil {
			q = to(q)
		}
		r := orb.Point{math.Round(q[0] / step), math.Round(q[1] / step)}
		if len(out) > 0 && out[len(out)-1] == r {
			continue
		}
		out = append(out, r)
	}
	return out
}
