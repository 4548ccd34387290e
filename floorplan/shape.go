package floorplan

import (
	"math"

	"github.com/paulmach/orb"

	"officemap/geo"
)

// CRS is the coordinate frame a client's geometry comes in. The register stores every polygon in its
// building's local frame in metres; the Register converts what comes in once, here.
type CRS uint8

// Coordinate frames of incoming geometry.
const (
	// CRSMetres is the building's local frame in metres, as stored (importers, the sample, the CLI).
	CRSMetres CRS = iota
	// CRSLocal is the building's local frame in its exchange unit: Georef.Scale metres per unit (the API's
	// crs=local).
	CRSLocal
	// CRSLonLat is WGS84 longitude, latitude in degrees (GeoJSON).
	CRSLonLat
)

// Shape is a polygon as a client sends it. A nil Polygon means "no new geometry": the record keeps the
// one it carries.
type Shape struct {
	Polygon orb.Polygon
	CRS     CRS
}

// Line is a line as a client sends it (a split).
type Line struct {
	LineString orb.LineString
	CRS        CRS
}

// LonLatGridM is the grid, in metres, that local coordinates converted from lon/lat are rounded to: a
// micrometre, far below drawing precision and far above the 1e-10 m noise of the conversion. A wall
// drawn in lon/lat then lands exactly on the same wall drawn in local metres (4 rather than
// 3.9999999996), so that neighbours share walls instead of overlapping by 1e-10 m².
const LonLatGridM = 1e-6

// UnitGridM is the grid, in metres, that local coordinates given in another unit than the metre are
// rounded to once multiplied by the scale: a nanometre, which keeps every digit a drawing has (a
// thousandth of a millimetre is 1000 nm) and removes the last-bit noise of the product (6000 mm and
// 236.22047244094489 in land on the metre values a wall drawn in metres has).
const UnitGridM = 1e-9

// local converts the shape to local metres in the frame of g. Lon/lat positions must be longitudes and
// latitudes within MaxFromOriginM of g's origin (along the earth: see geo.CheckLonLatNear); the rest of
// the validation is the record's.
func (s Shape) local(g geo.Georef) (orb.Polygon, error) {
	if s.Polygon == nil {
		return nil, nil
	}
	if s.CRS == CRSLonLat {
		if err := geo.CheckLonLatNear(s.Polygon, g.Origin, MaxFromOriginM); err != nil {
			return nil, err
		}
	}
	pt := pointIn(s.CRS, g)
	out := make(orb.Polygon, len(s.Polygon))
	for i, r := range s.Polygon {
		out[i] = orb.Ring(mapPoints(r, pt))
	}
	return out, nil
}

// local converts the line to local metres in the frame of g, lon/lat checked as Shape.local does.
func (l Line) local(g geo.Georef) (orb.LineString, error) {
	if l.CRS == CRSLonLat {
		if err := geo.CheckLonLatLineNear(l.LineString, g.Origin, MaxFromOriginM); err != nil {
			return nil, err
		}
	}
	return orb.LineString(mapPoints(l.LineString, pointIn(l.CRS, g))), nil
}

// mapPoints returns a copy of pts through fn.
func mapPoints[P ~[]orb.Point](pts P, fn func(orb.Point) orb.Point) []orb.Point {
	out := make([]orb.Point, len(pts))
	for i, p := range pts {
		out[i] = fn(p)
	}
	return out
}

// pointIn returns the conversion of one position of the given frame to local metres.
func pointIn(crs CRS, g geo.Georef) func(orb.Point) orb.Point {
	switch crs {
	case CRSLonLat:
		f := g.Frame()
		return func(p orb.Point) orb.Point {
			q := f.ToLocal(p)
			return orb.Point{snapTo(q[0], LonLatGridM), snapTo(q[1], LonLatGridM)}
		}
	case CRSLocal:
		if unit := g.Unit(); unit != 1 {
			return func(p orb.Point) orb.Point {
				return orb.Point{snapTo(p[0]*unit, UnitGridM), snapTo(p[1]*unit, UnitGridM)}
			}
		}
	}
	return func(p orb.Point) orb.Point { return p }
}

// snapTo rounds v (metres) to a grid of step metres. It divides by the whole number of steps per metre
// (1e6 for a micrometre), which gives the double nearest to the decimal value: 4, not
// 3.9999999999999996. Values too large for the grid to be exact in float64 (beyond 2⁵² steps: 4500 km
// at a nanometre), NaN and ±Inf are left alone; validation refuses the last two.
func snapTo(v, step float64) float64 {
	perM := math.Round(1 / step)
	x := v * perM
	if math.IsNaN(x) || math.Abs(x) >= 1<<52 {
		return v
	}
	return math.Round(x) / perM
}
