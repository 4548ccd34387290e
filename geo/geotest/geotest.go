// Package geotest holds what tests of geometry share in the stores and importers that carry geometry:
// rectangles to build test geometry from, and comparing polygons to a tolerance. It imports geo, so geo's
// own tests do not use it.
package geotest

import (
	"github.com/paulmach/orb"

	"officemap/geo"
)

// Rect is the closed counter-clockwise rectangle with corners (x0, y0) and (x1, y1).
func Rect(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

// EqualWithin is geo.EqualWithin: whether a and b have the same rings with the same number of points,
// each coordinate of each point within tol of the other's.
func EqualWithin(a, b orb.Polygon, tol float64) bool { return geo.EqualWithin(a, b, tol) }
