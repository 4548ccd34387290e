package floorplan

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"officemap/geo"
)

// geoRefForTests is a georeference in Changzhou.
func geoRefForTests() geo.Georef { return geo.Georef{Origin: orb.Point{119.97, 31.81}} }

// box is the rectangle with corners (x0, y0) and (x1, y1).
func box(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

// wantGeo fails unless err is a *geo.ValidationError for reason whose message says mention.
func wantGeo(t *testing.T, what string, err error, reason geo.Reason, mention string) {
	t.Helper()
	var ve *geo.ValidationError
	if !errors.As(err, &ve) || ve.Reason != reason {
		t.Errorf("%s: error %v, want a geometry error %q", what, err, reason)
		return
	}
	if !strings.Contains(err.Error(), mention) {
		t.Errorf("%s: %q does not say %q", what, err, mention)
	}
}

// TestRoomInOutline: a room inside its floor's outline, on its edge or a hair (less than
// OutlineToleranceM) out of it passes; one farther out is refused with how far and how much.
func TestRoomInOutline(t *testing.T) {
	// An L-shaped floor (a notch 10 × 10 cut from the north-east corner of 30 × 20) with an atrium.
	lShape := orb.Polygon{{{0, 0}, {30, 0}, {30, 10}, {20, 10}, {20, 20}, {0, 20}, {0, 0}},
		{{2, 2}, {2, 6}, {6, 6}, {6, 2}, {2, 2}}}
	floor := Floor{Name: "1F", Outline: lShape}
	for _, tc := range []struct {
		name  string
		room  orb.Polygon
		depth float64 // 0: accepted
		area  float64
	}{
		{"inside", box(8, 8, 12, 12), 0, 0},
		{"along the outline's walls", box(20, 0, 30, 10), 0, 0},
		{"3 cm out", box(26, 0, 30.03, 4), 0, 0},
		{"1 m out to the east", box(26, 0, 31, 4), 1, 4},
		{"into the notch, vertices inside", box(18, 8, 28, 9.5), 0, 0},
		{"across the notch", box(18, 8, 28, 12), 2, 16},
		{"across the atrium", box(1, 1, 7, 7), 2, 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := RoomInOutline(floor, Room{Number: "101", Geometry: tc.room})
			if tc.depth == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Reason != FieldOutsideOutline || fe.Field != "geometry" {
				t.Fatalf("error %v, want a FieldError outside_outline", err)
			}
			out, _ := reachOut(floor, Room{Geometry: tc.room})
			if math.Abs(out.Area-tc.area) > 1e-9 || out.Depth < tc.depth/2 || out.Depth > tc.depth+1e-9 {
				t.Errorf("depth %v, area %v; want a depth of at most %v (at least half) and %v m²", out.Depth, out.Area, tc.depth, tc.area)
			}
			if !strings.Contains(err.Error(), `room "101"`) || !strings.Contains(err.Error(), `floor "1F"`) ||
				!strings.Contains(err.Error(), "m² of the room lies outside") {
				t.Errorf("the message %q does not say which room, which floor and how much", err)
			}
		})
	}
	if err := RoomInOutline(Floor{Name: "2F"}, Room{Geometry: box(100, 100, 104, 104)}); err != nil {
		t.Errorf("a floor without an outline refused a room: %v", err)
	}
}

// TestShapeLonLatChecked: lon/lat positions that are not a longitude and a latitude, or lie farther than
// MaxFromOriginM from the building's origin, are refused before they are converted, with the reason and
// the distance (they used to land at −180° or far away, refused elsewhere without a reason).
func TestShapeLonLatChecked(t *testing.T) {
	g := geoRefForTests()
	near := g.Frame().PolygonToLonLat(box(0, 0, 4, 4))
	east := func(deg float64) orb.Polygon {
		out := orb.Polygon{append(orb.Ring{}, near[0]...)}
		for i := range out[0] {
			out[0][i][0] += deg
		}
		return out
	}
	if _, err := (Shape{Polygon: near, CRS: CRSLonLat}).local(g); err != nil {
		t.Fatalf("a room near the origin: %v", err)
	}
	_, err := Shape{Polygon: east(0.1), CRS: CRSLonLat}.local(g)
	wantGeo(t, "10 km east", err, geo.ReasonFarFromOrigin, "9.5 km from the building's origin")
	_, err = Shape{Polygon: east(-180), CRS: CRSLonLat}.local(g) // the far side of the earth: near (0, 0) once converted
	wantGeo(t, "the antipode", err, geo.ReasonFarFromOrigin, "km from the building's origin")
	_, err = Shape{Polygon: box(200, 31, 201, 32), CRS: CRSLonLat}.local(g)
	wantGeo(t, "longitude 200", err, geo.ReasonOutOfRange, "not a longitude")
	_, err = Line{LineString: orb.LineString{near[0][0], {math.NaN(), 31}}, CRS: CRSLonLat}.local(g)
	wantGeo(t, "a cut with NaN", err, geo.ReasonNonFinite, "the line position 1")
	if _, err := (Shape{Polygon: box(6000, 0, 6001, 1), CRS: CRSMetres}).local(g); err != nil {
		t.Errorf("local metres are checked by the record's validation, not the conversion: %v", err)
	}
}

// TestCheckWriteContext: the reason and the actor of a write are checked like text fields.
func TestCheckWriteContext(t *testing.T) {
	ctx := WithActor(WithReason(t.Context(), "测绘更正\n2026-11"), "张三")
	if err := CheckWriteContext(ctx); err != nil {
		t.Fatalf("a reason on two lines: %v", err)
	}
	wantField(t, "a reason of 501 characters", CheckWriteContext(WithReason(ctx, strings.Repeat("因", 501))),
		"reason", FieldTooLong)
	wantField(t, "an actor with ESC", CheckWriteContext(WithActor(ctx, "a\x1bb")), "actor", FieldControl)
}
