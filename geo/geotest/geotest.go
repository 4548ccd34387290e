// Package geotest holds what tests of geometry share, in geo and in the stores and importers that
// carry geometry: rectangles to build test geometry from, and comparing polygons to a tolerance.
package geotest

import (
	"math"

	"github.com/paulmach/orb"
)

// Rect is the closed counter-clockwise rectangle with corners (x0, y0) and (x1, y1).
func Rect(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

// EqualWithin reports whether a and b have the same rings with the same number of points, each
// coordinate of each point within tol of the other's.
func EqualWithin(a, b orb.Polygon, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if math.Abs(a[i][j][0]-b[i][j][0]) > tol || math.Abs(a[i][j][1]-b[i][j][1]) > tol {
				return false
			}
		}
	}
	return true
}
