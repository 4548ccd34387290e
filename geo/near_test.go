package geo

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// wantReason fails unless err is a *ValidationError for reason at ring ri, vertex vi, whose message says
// mention.
func wantReason(t *testing.T, what string, err error, reason Reason, ri, vi int, mention string) {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("%s: error %v, want a *ValidationError", what, err)
	}
	if ve.Reason != reason || ve.Ring != ri || ve.Vertex != vi || !strings.Contains(ve.Message, mention) ||
		ve.MessageZH() == "" {
		t.Errorf("%s: %q ring %d vertex %d %q, want %q ring %d vertex %d saying %q",
			what, ve.Reason, ve.Ring, ve.Vertex, ve.Message, reason, ri, vi, mention)
	}
}

func TestCheckNear(t *testing.T) {
	if err := CheckNear(orb.Polygon{{{0, 0}, {3000, 4000}, {0, 4000}, {0, 0}}}, 5000); err != nil {
		t.Errorf("a vertex exactly 5 km away: %v", err)
	}
	err := CheckNear(orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}, {{0, 0}, {3000, 4001}, {0, 1}, {0, 0}}}, 5000)
	wantReason(t, "a hole vertex 5.0008 km away", err, ReasonFarFromOrigin, 1, 1, "hole 1 position 1 (3000, 4001) is 5.0 km from")
}

func TestCheckLonLatNear(t *testing.T) {
	origin := orb.Point{119.974, 31.811}
	f := Georef{Origin: origin}.Frame()
	near := f.PolygonToLonLat(orb.Polygon{{{0, 0}, {100, 0}, {100, 100}, {0, 0}}})
	if err := CheckLonLatNear(near, origin, 5000); err != nil {
		t.Fatalf("a room 141 m from the origin: %v", err)
	}
	for _, tc := range []struct {
		name    string
		pt      orb.Point
		reason  Reason
		mention string
	}{
		{"NaN", orb.Point{math.NaN(), 31}, ReasonNonFinite, "not a finite number"},
		{"longitude 181", orb.Point{181, 31}, ReasonOutOfRange, "not a longitude"},
		{"latitude -91", orb.Point{120, -91}, ReasonOutOfRange, "not a longitude"},
		{"6 km north", f.ToLonLat(orb.Point{0, 6000}), ReasonFarFromOrigin, "is 6.0 km from the building's origin"},
		{"the antipode", orb.Point{origin[0] - 180, -origin[1]}, ReasonFarFromOrigin, "km from the building's origin"},
	} {
		p := orb.Polygon{append(orb.Ring{}, near[0]...)}
		p[0][2] = tc.pt
		wantReason(t, tc.name, CheckLonLatNear(p, origin, 5000), tc.reason, 0, 2, tc.mention)
	}
	err := CheckLonLatLineNear(orb.LineString{origin, f.ToLonLat(orb.Point{0, 800})}, origin, 500)
	wantReason(t, "a cut 800 m long", err, ReasonFarFromOrigin, -1, 1, "the line position 1")
}
