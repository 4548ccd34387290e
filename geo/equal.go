package geo

import (
	"math"

	"github.com/paulmach/orb"
)

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
