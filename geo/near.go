package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

// How far a geometry may reach from its frame's origin.
//
// A building's local frame is the plane tangent to the earth at its origin: it is true near the origin
// only, and a position far from it (a wrong unit, a drawing in projected coordinates, a lon/lat typed
// into the wrong building) gives areas and map positions that mean nothing. CheckNear bounds a polygon in
// local metres, CheckLonLatNear one in lon/lat (by the great-circle distance: the tangent plane sends the
// far side of the earth back near the origin, so lon/lat must be checked before they are converted).

// CheckNear checks that every vertex of p (local metres) lies within maxM metres of the origin (0, 0).
// The error is a *ValidationError with ReasonFarFromOrigin naming the first vertex too far, its
// distance and the limit. Non-finite coordinates are left to Validate.
func CheckNear(p orb.Polygon, maxM float64) error {
	return firstVertex(p, func(pt orb.Point, ri, vi int) *ValidationError {
		if d := math.Hypot(pt[0], pt[1]); d > maxM {
			return farFromOrigin(ri, vi, pt, d, maxM, "(0, 0)")
		}
		return nil
	})
}

// CheckLonLatNear checks that every position of p is a longitude in −180…180 and a latitude in −90…90
// (ReasonOutOfRange; NaN and ±Inf give ReasonNonFinite) within maxM metres, along the earth, of origin
// (ReasonFarFromOrigin, with the distance). The error is a *ValidationError naming the first position
// at fault.
func CheckLonLatNear(p orb.Polygon, origin orb.Point, maxM float64) error {
	return firstVertex(p, func(pt orb.Point, ri, vi int) *ValidationError {
		return lonLatNear(pt, ri, vi, origin, maxM)
	})
}

// CheckLonLatLineNear is CheckLonLatNear for a line (a cut); its positions are named "the line position k".
func CheckLonLatLineNear(l orb.LineString, origin orb.Point, maxM float64) error {
	for vi, pt := range l {
		if e := lonLatNear(pt, -1, vi, origin, maxM); e != nil {
			return e
		}
	}
	return nil
}

// lonLatNear checks one lon/lat position (vertex vi of ring ri; ri -1 for a line).
func lonLatNear(pt orb.Point, ri, vi int, origin orb.Point, maxM float64) *ValidationError {
	en, zh := partName(ri)
	lon, lat := pt[0], pt[1]
	switch {
	case lon-lon != 0 || lat-lat != 0: // NaN or ±Inf
		return invalid(ReasonNonFinite, ri, vi, nil,
			fmt.Sprintf("%s position %d has a coordinate that is not a finite number (%g, %g)", en, vi, lon, lat),
			fmt.Sprintf("%s第 %d 个位置的坐标不是有限数值 (%g, %g)", zh, vi, lon, lat))
	case lon < -180 || lon > 180 || lat < -90 || lat > 90:
		return invalid(ReasonOutOfRange, ri, vi, nil,
			fmt.Sprintf("%s position %d (%g, %g) is not a longitude in −180…180 and a latitude in −90…90", en, vi, lon, lat),
			fmt.Sprintf("%s第 %d 个位置 (%g, %g) 不是经度 −180…180、纬度 −90…90 范围内的经纬度", zh, vi, lon, lat))
	}
	if d := orbgeo.DistanceHaversine(origin, pt); d > maxM {
		return farFromOrigin(ri, vi, pt, d, maxM, fmt.Sprintf("%.6f, %.6f", origin[0], origin[1]))
	}
	return nil
}

// farFromOrigin reports that vertex vi of ring ri, at pt, lies d metres from the origin (named as
// origin), more than maxM.
func farFromOrigin(ri, vi int, pt orb.Point, d, maxM float64, origin string) *ValidationError {
	en, zh := partName(ri)
	return invalid(ReasonFarFromOrigin, ri, vi, &pt,
		fmt.Sprintf("%s position %d (%g, %g) is %s from the building's origin (%s); positions must lie within %s of it",
			en, vi, pt[0], pt[1], distance(d), origin, distance(maxM)),
		fmt.Sprintf("%s第 %d 个位置 (%g, %g) 距楼栋原点 (%s) %s，须在 %s 以内",
			zh, vi, pt[0], pt[1], origin, distance(d), distance(maxM)))
}

// distance formats metres for a planner: "850 m", "12.3 km".
func distance(m float64) string {
	if m < 1000 {
		return fmt.Sprintf("%.0f m", m)
	}
	return fmt.Sprintf("%.1f km", m/1000)
}

// partName names ring ri of a polygon, or the line for -1.
func partName(ri int) (en, zh string) {
	if ri < 0 {
		return "the line", "线的"
	}
	return ringName(ri)
}

// firstVertex returns the first error check gives for a vertex of p (vertex vi of ring ri), or nil.
func firstVertex(p orb.Polygon, check func(pt orb.Point, ri, vi int) *ValidationError) error {
	for ri, r := range p {
		for vi, pt := range r {
			if e := check(pt, ri, vi); e != nil {
				return e
			}
		}
	}
	return nil
}
