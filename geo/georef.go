package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Georef places a building's local frame (the CAD drawing's plane, in metres) on the earth. The local
// frame is the plane tangent to the WGS84 ellipsoid at Origin; a local point is mapped to the earth
// along the ellipsoid's normal (geodetic ↔ ECEF ↔ local east-north-up). Within a few hundred metres of
// the origin the plane and the ellipsoid differ in scale by less than 1e-8, so local areas are true
// areas, in m².
//
// The local frame is always in metres: geometry is stored, validated, compared and measured in metres
// whatever unit it arrived in. Scale is not part of the mapping (see Scale).
//
// WGS84 and CGCS2000 (China Geodetic Coordinate System 2000) differ by well under a millimetre at
// building scale; officemap treats them as the same.
type Georef struct {
	// Origin is the lon, lat (degrees) of the local point (0, 0).
	Origin orb.Point `json:"origin"`
	// RotationDeg is the clockwise angle, in degrees, from true north to the drawing's +Y axis, as IMDF,
	// Azure Maps and CAD georeference manifests give it. 0 means +Y points north and +X east.
	RotationDeg float64 `json:"rotation_deg"`
	// Scale is the unit, in metres, of the local coordinates a client exchanges with officemap (the
	// API's crs=local): 0.001 for a client that draws in millimetres; 0 means 1. Such coordinates are
	// multiplied by Scale on the way in and divided by it on the way out. Stored geometry is always in
	// metres, so Scale plays no part in Frame, areas or tolerances, and changing it rescales nothing.
	Scale float64 `json:"scale"`
}

// Validate checks the georeference: longitude in [-180, 180], latitude in (-90, 90) (the poles have no
// east-north frame), a rotation within ±MaxRotationDeg and a scale of 0 (metres) or from MinScale to
// MaxScale. Its error is a *ValidationError with ReasonBadGeoref (errors.Is(err, ErrInvalid)).
func (g Georef) Validate() error {
	lon, lat := g.Origin[0], g.Origin[1]
	bad := func(en, zh string) error {
		return invalid(ReasonBadGeoref, -1, -1, nil, "the georeference "+en, "地理配准"+zh)
	}
	switch {
	case !(lon >= -180 && lon <= 180): // also false for NaN
		return bad(fmt.Sprintf("origin longitude %v is outside −180…180", lon),
			fmt.Sprintf("原点经度 %v 超出 −180…180 范围", lon))
	case !(lat > -90 && lat < 90):
		return bad(fmt.Sprintf("origin latitude %v is outside −90…90 (the poles excluded)", lat),
			fmt.Sprintf("原点纬度 %v 超出 −90…90 范围（不含两极）", lat))
	case !(math.Abs(g.RotationDeg) <= MaxRotationDeg): // also true for NaN
		return bad(fmt.Sprintf("rotation %v° is not a number from −%v to %v", g.RotationDeg, MaxRotationDeg, MaxRotationDeg),
			fmt.Sprintf("旋转角 %v° 不是 −%v 至 %v 之间的数值", g.RotationDeg, MaxRotationDeg, MaxRotationDeg))
	case g.Scale != 0 && !(g.Scale >= MinScale && g.Scale <= MaxScale):
		return bad(fmt.Sprintf("scale %v is not 0 (metres) or a number from %g to %g metres per unit", g.Scale, MinScale, MaxScale),
			fmt.Sprintf("比例 %v 不是 0（米）或 %g 至 %g 米/单位之间的数值", g.Scale, MinScale, MaxScale))
	}
	return nil
}

// MaxRotationDeg bounds a Georef's rotation either way: two turns, which takes any angle however it is
// written (−400° is −40°) and refuses what can only be a slip (1e308).
const MaxRotationDeg = 720.0

// Bounds of a Georef's Scale that officemap accepts from clients (metres per exchanged unit): from
// 0.1 mm to 10 km per unit, which covers every drawing unit in use (mm 0.001, cm 0.01, in 0.0254,
// ft 0.3048, m 1, km 1000) and refuses values that can only be mistakes (1e-9, 1e9).
const (
	MinScale = 1e-4
	MaxScale = 1e4
)

// Unit returns the metres per exchanged local unit: Scale, or 1 when Scale is 0 (or is not a positive
// finite number, which Validate refuses).
func (g Georef) Unit() float64 {
	if s := g.Scale; s > 0 && !math.IsInf(s, 0) {
		return s
	}
	return 1
}

// Frame is a Georef prepared for transforming points: the origin's position and the trigonometry
// needed are computed once. A Frame is immutable and safe for concurrent use.
type Frame struct {
	lon0             float64 // origin longitude, degrees
	sinLat0, cosLat0 float64
	// The origin in ECEF coordinates rotated by -lon0 about the polar axis (so its y is 0).
	ox, oz float64
	// Local metres → east/north metres: east = x·cosR + y·sinR, north = −x·sinR + y·cosR.
	cosR, sinR float64
}

// Frame prepares g for transforming points between local metres and lon/lat. Scale is ignored: the
// local frame is in metres. Call Validate first: an invalid Georef gives a Frame whose results are
// meaningless (NaN or wrong), never a panic.
func (g Georef) Frame() *Frame {
	lat0 := g.Origin[1] * (math.Pi / 180)
	sinLat, cosLat := math.Sincos(lat0)
	n0 := wgs84A / math.Sqrt(1-wgs84E2*sinLat*sinLat)
	rot := g.RotationDeg * (math.Pi / 180)
	sinR, cosR := math.Sincos(rot)
	return &Frame{
		lon0:    g.Origin[0],
		sinLat0: sinLat, cosLat0: cosLat,
		ox: n0 * cosLat, oz: n0 * (1 - wgs84E2) * sinLat,
		cosR: cosR, sinR: sinR,
	}
}

// ToLonLat maps a local point, in metres, to lon/lat degrees.
func (f *Frame) ToLonLat(p orb.Point) orb.Point {
	x, y := p[0], p[1]
	e := x*f.cosR + y*f.sinR
	n := -x*f.sinR + y*f.cosR
	// East-north (up = 0) to ECEF rotated by -lon0: east is +Y, north is (−sinφ0, 0, cosφ0).
	X := f.ox - n*f.sinLat0
	Y := e
	Z := f.oz + n*f.cosLat0
	lon, lat := ecefToGeodetic(X, Y, Z)
	return orb.Point{wrapLon(f.lon0 + lon), lat}
}

// ecefToGeodetic returns the longitude (relative to the frame of X, Y) and geodetic latitude, in
// degrees, of an ECEF point near the ellipsoid's surface. The latitude is found by Bowring's iteration
// on the parametric latitude, carried out without trigonometry and run to convergence (two steps for
// points near the surface; the loop is capped).
func ecefToGeodetic(X, Y, Z float64) (lon, lat float64) {
	p := math.Sqrt(X*X + Y*Y)
	const ep2 = wgs84E2 / (1 - wgs84E2) // second eccentricity squared
	t := Z * wgs84A / (p * wgs84B)      // tan of the parametric latitude; exact for points on the surface
	var tanLat float64
	for i := 0; i < 8; i++ {
		cu := 1 / math.Sqrt(1+t*t)
		su := t * cu
		tanLat = (Z + ep2*wgs84B*su*su*su) / (p - wgs84E2*wgs84A*cu*cu*cu)
		next := (1 - wgs84F) * tanLat
		if math.Abs(next-t) <= 1e-15*math.Abs(t) {
			break
		}
		t = next
	}
	return math.Atan2(Y, X) * (180 / math.Pi), math.Atan(tanLat) * (180 / math.Pi)
}

// ToLocal maps a lon/lat point to the local frame, in metres. It is the exact inverse of ToLonLat: the
// local point is where the ellipsoid's normal through (lon, lat) meets the tangent plane.
func (f *Frame) ToLocal(ll orb.Point) orb.Point {
	lat := ll[1] * (math.Pi / 180)
	dl := math.Remainder(ll[0]-f.lon0, 360) * (math.Pi / 180)
	sinLat, cosLat := math.Sincos(lat)
	sinDL, cosDL := math.Sincos(dl)
	nr := wgs84A / math.Sqrt(1-wgs84E2*sinLat*sinLat)
	// The normal's direction and its foot on the ellipsoid, in ECEF rotated by -lon0.
	ux, uy, uz := cosLat*cosDL, cosLat*sinDL, sinLat
	dx, dy, dz := nr*ux-f.ox, nr*uy, nr*(1-wgs84E2)*sinLat-f.oz
	// Up, east and north of the foot relative to the origin; then slide along the normal to up = 0.
	up := dx*f.cosLat0 + dz*f.sinLat0
	h := -up / (ux*f.cosLat0 + uz*f.sinLat0)
	e := dy + h*uy
	n := -(dx+h*ux)*f.sinLat0 + (dz+h*uz)*f.cosLat0
	return orb.Point{
		e*f.cosR - n*f.sinR,
		e*f.sinR + n*f.cosR,
	}
}

// PolygonToLonLat returns a copy of a local polygon (metres) in lon/lat.
func (f *Frame) PolygonToLonLat(p orb.Polygon) orb.Polygon {
	return mapPolygon(p, f.ToLonLat)
}

// PolygonToLocal returns a copy of a lon/lat polygon in the local frame (metres).
func (f *Frame) PolygonToLocal(p orb.Polygon) orb.Polygon {
	return mapPolygon(p, f.ToLocal)
}

// BoundToLonLat returns the lon/lat bound of the four corners of a local bound.
func (f *Frame) BoundToLonLat(b orb.Bound) orb.Bound {
	c := f.ToLonLat(b.Min)
	out := orb.Bound{Min: c, Max: c}
	for _, q := range [...]orb.Point{{b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}} {
		out = out.Extend(f.ToLonLat(q))
	}
	return out
}

// mapPolygon copies p through fn, with all rings in one backing array.
func mapPolygon(p orb.Polygon, fn func(orb.Point) orb.Point) orb.Polygon {
	if p == nil {
		return nil
	}
	n := 0
	for _, r := range p {
		n += len(r)
	}
	pts := make([]orb.Point, n)
	out := make(orb.Polygon, len(p))
	i := 0
	for ri, r := range p {
		ring := orb.Ring(pts[i : i+len(r) : i+len(r)])
		for j, q := range r {
			ring[j] = fn(q)
		}
		out[ri] = ring
		i += len(r)
	}
	return out
}

// wrapLon brings a longitude into [-180, 180].
func wrapLon(lon float64) float64 {
	if lon > 180 || lon < -180 {
		lon = math.Remainder(lon, 360)
	}
	return lon
}
