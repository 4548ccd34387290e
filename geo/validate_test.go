package geo

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// box returns the closed counter-clockwise ring of an axis-aligned rectangle.
func box(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

// reversed returns a reversed copy of r.
func reversed(r orb.Ring) orb.Ring {
	out := append(orb.Ring(nil), r...)
	out.Reverse()
	return out
}

// circle returns a closed counter-clockwise ring of n distinct points on a circle.
func circle(cx, cy, radius float64, n int) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		r = append(r, orb.Point{cx + radius*math.Cos(a), cy + radius*math.Sin(a)})
	}
	return append(r, r[0])
}

func TestValidate(t *testing.T) {
	square := box(0, 0, 10, 10)
	tests := []struct {
		name   string
		p      orb.Polygon
		reason Reason // "" for valid
		ring   int
		vertex int
		at     *orb.Point // expected location, when checked
	}{
		{name: "square", p: orb.Polygon{square}},
		{name: "square with hole", p: orb.Polygon{square, reversed(box(2, 2, 4, 4))}},
		{name: "clockwise outer ring", p: orb.Polygon{reversed(square)}},
		{name: "hole in either orientation", p: orb.Polygon{square, box(2, 2, 4, 4)}},
		{name: "L-shaped room", p: orb.Polygon{{{0, 0}, {6, 0}, {6, 2}, {2, 2}, {2, 6}, {0, 6}, {0, 0}}}},
		{name: "collinear point on a wall", p: orb.Polygon{{{0, 0}, {5, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}},
		{name: "collinear point on a diagonal wall", p: orb.Polygon{{{0, 0}, {0.1, 0.1}, {0.3, 0.3}, {0, 1}, {0, 0}}}},
		{name: "repeated consecutive points are ignored", p: orb.Polygon{{{0, 0}, {10, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}, {0, 0}}}},
		{name: "hole touching the outer ring at one point", p: orb.Polygon{square, {{0, 5}, {4, 2}, {4, 8}, {0, 5}}}},
		{name: "holes touching at one point", p: orb.Polygon{square, box(2, 2, 4, 4), box(4, 4, 6, 6)}},
		{name: "three holes meeting at one point", p: orb.Polygon{square, box(2, 2, 4, 4), box(4, 4, 6, 6), {{4, 4}, {6, 2}, {6, 3}, {4, 4}}}},
		{name: "large CAD coordinates", p: orb.Polygon{box(1e6+0.25, 2e6+0.5, 1e6+4.25, 2e6+3.5)}},

		{name: "empty polygon", p: orb.Polygon{}, reason: ReasonEmpty, ring: -1, vertex: -1},
		{name: "empty outer ring", p: orb.Polygon{{}}, reason: ReasonEmpty, ring: -1, vertex: -1},
		{name: "NaN", p: orb.Polygon{{{0, 0}, {10, 0}, {10, math.NaN()}, {0, 10}, {0, 0}}}, reason: ReasonNonFinite, ring: 0, vertex: 2},
		{name: "1e308 (out of range, not zero area)", p: orb.Polygon{{{0, 0}, {1e308, 0}, {1e308, 1e308}, {0, 1e308}, {0, 0}}}, reason: ReasonOutOfRange, ring: 0, vertex: 1},
		{name: "-2e7 in a hole", p: orb.Polygon{square, {{2, 2}, {4, 2}, {4, -2e7}, {2, 2}}}, reason: ReasonOutOfRange, ring: 1, vertex: 2},
		{name: "+Inf", p: orb.Polygon{{{0, 0}, {math.Inf(1), 0}, {10, 10}, {0, 10}, {0, 0}}}, reason: ReasonNonFinite, ring: 0, vertex: 1},
		{name: "-Inf in a hole", p: orb.Polygon{square, {{2, 2}, {4, 2}, {4, math.Inf(-1)}, {2, 2}}}, reason: ReasonNonFinite, ring: 1, vertex: 2},
		{name: "vertex cap exceeded", p: orb.Polygon{circle(0, 0, 100, MaxVertices)}, reason: ReasonTooManyVertices, ring: -1, vertex: -1},
		{name: "unclosed ring", p: orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}}}, reason: ReasonNotClosed, ring: 0, vertex: 3, at: &orb.Point{0, 10}},
		{name: "unclosed hole", p: orb.Polygon{square, {{2, 2}, {4, 2}, {4, 4}}}, reason: ReasonNotClosed, ring: 1, vertex: 2},
		{name: "3-point ring", p: orb.Polygon{{{0, 0}, {10, 0}, {0, 0}}}, reason: ReasonTooFewPoints, ring: 0, vertex: -1},
		{name: "empty hole", p: orb.Polygon{square, {}}, reason: ReasonTooFewPoints, ring: 1, vertex: -1},
		{name: "zero-area collinear ring", p: orb.Polygon{{{0, 0}, {1, 0}, {2, 0}, {0, 0}}}, reason: ReasonZeroArea, ring: 0, vertex: -1},
		{name: "zero-area repeated point", p: orb.Polygon{{{3, 3}, {3, 3}, {3, 3}, {3, 3}}}, reason: ReasonZeroArea, ring: 0, vertex: -1},
		{name: "bow-tie", p: orb.Polygon{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}, reason: ReasonSelfIntersection, ring: 0, vertex: 0, at: &orb.Point{1, 1}},
		{name: "spike", p: orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {5, 10}, {5, 15}, {5, 10}, {0, 10}, {0, 0}}}, reason: ReasonSelfIntersection, ring: 0, vertex: 4, at: &orb.Point{5, 15}},
		{name: "spike folding back part way", p: orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {5, 10}, {5, 15}, {5, 12}, {0, 10}, {0, 0}}}, reason: ReasonSelfIntersection, ring: 0, vertex: 4, at: &orb.Point{5, 15}},
		{name: "spike along an edge", p: orb.Polygon{{{0, 0}, {10, 0}, {4, 0}, {10, 10}, {0, 10}, {0, 0}}}, reason: ReasonSelfIntersection, ring: 0, vertex: 1, at: &orb.Point{10, 0}},
		{name: "vertex touching an edge", p: orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {5, 0}, {0, 10}, {0, 0}}}, reason: ReasonSelfIntersection, ring: 0, vertex: 3, at: &orb.Point{5, 0}},
		{name: "figure eight through a vertex", p: orb.Polygon{{{0, 0}, {4, 0}, {2, 2}, {4, 4}, {0, 4}, {2, 2}, {0, 0}}}, reason: ReasonSelfIntersection, ring: 0, at: &orb.Point{2, 2}},
		{name: "edge running along another", p: orb.Polygon{{{0, 0}, {10, 0}, {10, 5}, {2, 5}, {2, 2}, {8, 2}, {8, 5}, {9, 5}, {9, 10}, {0, 10}, {0, 0}}}, reason: ReasonSelfIntersection, ring: 0},
		{name: "self-intersecting hole", p: orb.Polygon{square, {{2, 2}, {4, 4}, {4, 2}, {2, 4}, {2, 2}}}, reason: ReasonSelfIntersection, ring: 1, vertex: 0, at: &orb.Point{3, 3}},
		{name: "hole outside", p: orb.Polygon{square, box(20, 20, 22, 22)}, reason: ReasonHoleOutside, ring: 1, vertex: 0, at: &orb.Point{20, 20}},
		{name: "hole crossing the outer ring", p: orb.Polygon{square, box(8, 2, 12, 4)}, reason: ReasonHoleOutside, ring: 1, vertex: 1, at: &orb.Point{12, 2}},
		{name: "hole crossing with all vertices inside", p: orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {5, 4}, {0, 10}, {0, 0}}, box(2, 5, 8, 6)}, reason: ReasonHoleOutside, ring: 1},
		{name: "hole sharing an edge with the outer ring", p: orb.Polygon{square, box(0, 2, 4, 4)}, reason: ReasonHoleOutside, ring: 1},
		{name: "hole equal to the outer ring", p: orb.Polygon{square, reversed(square)}, reason: ReasonHoleOutside, ring: 1},
		{name: "holes overlapping", p: orb.Polygon{square, box(2, 2, 5, 5), box(4, 4, 7, 7)}, reason: ReasonHolesIntersect, ring: 1},
		{name: "hole inside a hole", p: orb.Polygon{square, box(2, 2, 8, 8), box(4, 4, 5, 5)}, reason: ReasonHolesIntersect, ring: 1, at: &orb.Point{4.5, 4}},
		{name: "holes sharing an edge", p: orb.Polygon{square, box(2, 2, 4, 4), box(4, 2, 6, 4)}, reason: ReasonHolesIntersect, ring: 1, at: &orb.Point{4, 3}},
		{name: "identical holes", p: orb.Polygon{square, box(2, 2, 4, 4), box(2, 2, 4, 4)}, reason: ReasonHolesIntersect, ring: 1},
		{name: "hole touching the outer ring twice", p: orb.Polygon{square, {{0, 5}, {5, 2}, {10, 5}, {5, 8}, {0, 5}}}, reason: ReasonInteriorDisconnected},
		{name: "hole sharing a whole edge with another", p: orb.Polygon{square, {{2, 2}, {6, 2}, {6, 3}, {2, 3}, {2, 2}}, {{2, 3}, {4, 6}, {6, 3}, {2, 3}}}, reason: ReasonHolesIntersect, at: &orb.Point{4, 3}},
		{name: "two holes touching at two points", p: orb.Polygon{square, {{2, 2}, {8, 2}, {5, 4}, {2, 2}}, {{2, 2}, {5, 1}, {8, 2}, {5, 1.5}, {2, 2}}}, reason: ReasonInteriorDisconnected, ring: 2},
		{name: "loop of three holes", p: orb.Polygon{square, {{2, 2}, {5, 2}, {3, 1}, {2, 2}}, {{5, 2}, {4, 5}, {6, 4}, {5, 2}}, {{4, 5}, {2, 2}, {1, 5}, {4, 5}}}, reason: ReasonInteriorDisconnected, ring: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.p)
			ve := wantValidationError(t, "Validate", err, tt.reason)
			if ve == nil {
				return
			}
			if ve.Reason != tt.reason {
				t.Fatalf("reason = %s (%v), want %s", ve.Reason, err, tt.reason)
			}
			if tt.ring != 0 || tt.reason == ReasonEmpty || tt.reason == ReasonTooManyVertices {
				if ve.Ring != tt.ring {
					t.Errorf("ring = %d, want %d (%v)", ve.Ring, tt.ring, err)
				}
			}
			if tt.vertex != 0 && ve.Vertex != tt.vertex {
				t.Errorf("vertex = %d, want %d (%v)", ve.Vertex, tt.vertex, err)
			}
			if tt.at != nil && (!ve.HasLocation || ve.Location != *tt.at) {
				t.Errorf("location = %v (set %v), want %v (%v)", ve.Location, ve.HasLocation, *tt.at, err)
			}
			if ve.Message == "" || ve.MessageZH() == "" || strings.Contains(err.Error(), "%!") || strings.Contains(ve.MessageZH(), "%!") {
				t.Errorf("bad messages: %q / %q", err.Error(), ve.MessageZH())
			}
		})
	}
}

func TestValidationErrorMessages(t *testing.T) {
	tests := []struct {
		name   string
		p      orb.Polygon
		en, zh string
	}{
		{"bow-tie",
			orb.Polygon{{{10, 0}, {15, 6}, {15, 0}, {10, 6}, {10, 0}}},
			"outer ring self-intersects at (12.500, 3.000): edge 0–1 crosses edge 2–3",
			"外环在 (12.500, 3.000) 处自相交：边 0–1 与边 2–3 相交"},
		{"bow-tie in a hole, after a repeated point",
			orb.Polygon{box(0, 0, 20, 20), {{10, 1}, {10, 1}, {15, 7}, {15, 1}, {10, 7}, {10, 1}}},
			"hole 1 self-intersects at (12.500, 4.000): edge 1–2 crosses edge 3–4",
			"内环 1 在 (12.500, 4.000) 处自相交：边 1–2 与边 3–4 相交"},
		{"vertex on an edge",
			orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {5, 0}, {0, 10}, {0, 0}}},
			"outer ring touches itself at (5.000, 0.000): vertex 3 lies on edge 0–1",
			"外环在 (5.000, 0.000) 处自接触：顶点 3 位于边 0–1 上"},
		{"spike",
			orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {5, 10}, {5, 15}, {5, 10}, {0, 10}, {0, 0}}},
			"outer ring doubles back on itself at (5.000, 15.000) (vertex 4): edges 3–4 and 4–5 overlap",
			"外环在 (5.000, 15.000) 处（顶点 4）折返：边 3–4 与边 4–5 重叠"},
		{"hole outside",
			orb.Polygon{box(0, 0, 10, 10), box(2, 2, 4, 4), box(20, 2, 22, 4)},
			"hole 2 vertex 0 at (20.000, 2.000) is outside the outer ring",
			"内环 2 的顶点 0 (20.000, 2.000) 位于外环之外"},
		{"unclosed",
			orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10.5}}},
			"outer ring is not closed: its last point (0.000, 10.500) differs from its first point (0.000, 0.000)",
			"外环未闭合：最后一点 (0.000, 10.500) 与第一点 (0.000, 0.000) 不同"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ve *ValidationError
			if !errors.As(Validate(tt.p), &ve) {
				t.Fatal("Validate = nil, want an error")
			}
			if ve.Error() != tt.en {
				t.Errorf("Error() = %q\nwant      %q", ve.Error(), tt.en)
			}
			if ve.MessageZH() != tt.zh {
				t.Errorf("MessageZH() = %q\nwant         %q", ve.MessageZH(), tt.zh)
			}
		})
	}
}

func TestValidateMultiPolygon(t *testing.T) {
	a := orb.Polygon{box(0, 0, 4, 5)}
	tests := []struct {
		name    string
		mp      orb.MultiPolygon
		reason  Reason
		polygon int
	}{
		{name: "rooms sharing a wall", mp: orb.MultiPolygon{a, {box(4, 0, 8, 5)}}},
		{name: "rooms sharing part of a wall", mp: orb.MultiPolygon{a, {box(4, 1, 8, 3)}}},
		{name: "rooms sharing a wall, opposite orientation", mp: orb.MultiPolygon{a, {reversed(box(4, -1, 8, 7))}}},
		{name: "rooms touching at a corner", mp: orb.MultiPolygon{a, {box(4, 5, 6, 7)}}},
		{name: "disjoint", mp: orb.MultiPolygon{a, {box(10, 10, 12, 12)}}},
		{name: "island in a hole", mp: orb.MultiPolygon{{box(0, 0, 10, 10), box(2, 2, 8, 8)}, {box(3, 3, 5, 5)}}},
		{name: "island filling a hole", mp: orb.MultiPolygon{{box(0, 0, 10, 10), box(2, 2, 8, 8)}, {box(2, 2, 8, 8)}}},
		{name: "diagonal shared wall", mp: orb.MultiPolygon{{{{0, 0}, {0.3, 0.1}, {0.1, 0.7}, {0, 0}}}, {{{0.3, 0.1}, {0.4, 0.9}, {0.1, 0.7}, {0.3, 0.1}}}}},

		{name: "empty", mp: orb.MultiPolygon{}, reason: ReasonEmpty},
		{name: "invalid part", mp: orb.MultiPolygon{a, {{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}}, reason: ReasonSelfIntersection, polygon: 1},
		{name: "overlapping parts", mp: orb.MultiPolygon{a, {box(3, 1, 6, 2)}}, reason: ReasonPolygonsOverlap},
		{name: "part inside another", mp: orb.MultiPolygon{a, {box(1, 1, 2, 2)}}, reason: ReasonPolygonsOverlap},
		{name: "identical parts", mp: orb.MultiPolygon{a, a}, reason: ReasonPolygonsOverlap},
		{name: "part inside another sharing walls", mp: orb.MultiPolygon{a, {box(0, 0, 2, 5)}}, reason: ReasonPolygonsOverlap},
		{name: "crossing at walls only", mp: orb.MultiPolygon{{box(0, 1, 10, 2)}, {box(1, 0, 2, 10)}}, reason: ReasonPolygonsOverlap},
		{name: "part over a hole's edge", mp: orb.MultiPolygon{{box(0, 0, 10, 10), box(2, 2, 8, 8)}, {box(1, 3, 3, 4)}}, reason: ReasonPolygonsOverlap},
		{name: "third part overlapping the first", mp: orb.MultiPolygon{a, {box(4, 0, 8, 5)}, {box(-1, -1, 1, 1)}}, reason: ReasonPolygonsOverlap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateMultiPolygon(tt.mp)
			if ve := wantValidationError(t, "ValidateMultiPolygon", err, tt.reason); ve != nil && (ve.Reason != tt.reason || ve.Polygon != tt.polygon) {
				t.Errorf("reason, polygon = %s, %d (%v); want %s, %d", ve.Reason, ve.Polygon, err, tt.reason, tt.polygon)
			}
		})
	}
}

func TestValidateMultiPolygonMessage(t *testing.T) {
	err := ValidateMultiPolygon(orb.MultiPolygon{{box(0, 0, 4, 5)}, {box(3, 1, 6, 2)}})
	const en = "part 0 and part 1 overlap at (4.000, 1.000)"
	const zh = "第 0 部分与第 1 部分在 (4.000, 1.000) 处重叠"
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Error() != en || ve.MessageZH() != zh {
		t.Errorf("got %v / %q, want %q / %q", err, ve.MessageZH(), en, zh)
	}
	err = ValidateMultiPolygon(orb.MultiPolygon{{box(0, 0, 4, 5)}, {{{0, 0}, {1, 0}}}})
	if err == nil || !strings.HasPrefix(err.Error(), "part 1: outer ring is not closed") {
		t.Errorf("got %v, want the part named", err)
	}
}

// TestValidateBigRings exercises the sweep used for rings with many vertices against pairwise
// testing.
func TestValidateBigRings(t *testing.T) {
	star := func(n int, rng *rand.Rand) orb.Ring {
		r := make(orb.Ring, 0, n+1)
		for i := 0; i < n; i++ {
			a := 2 * math.Pi * float64(i) / float64(n)
			rad := 50 + 40*rng.Float64()
			r = append(r, orb.Point{rad * math.Cos(a), rad * math.Sin(a)})
		}
		return append(r, r[0])
	}
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name   string
		ring   orb.Ring
		reason Reason
	}{
		{"star of 5000 vertices", star(5000, rng), ""},
		{"circle of 9999 points", circle(0, 0, 100, MaxVertices-1), ""},
	}
	crossed := star(3000, rng)
	crossed[1500], crossed[1502] = crossed[1502], crossed[1500]
	tests = append(tests, struct {
		name   string
		ring   orb.Ring
		reason Reason
	}{"star with two vertices swapped", crossed, ReasonSelfIntersection})
	touched := star(3000, rng)
	touched[2000] = touched[10]
	tests = append(tests, struct {
		name   string
		ring   orb.Ring
		reason Reason
	}{"star touching itself", touched, ReasonSelfIntersection})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(orb.Polygon{tt.ring})
			var got Reason
			var ve *ValidationError
			if errors.As(err, &ve) {
				got = ve.Reason
			}
			if got != tt.reason {
				t.Errorf("Validate = %v, want reason %q", err, tt.reason)
			}
		})
	}
}

// TestSweepMatchesPairwise checks the sweep against the pairwise test on random rings.
func TestSweepMatchesPairwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for k := 0; k < 300; k++ {
		n := 4 + rng.IntN(40)
		r := make(orb.Ring, 0, n+1)
		for i := 0; i < n; i++ {
			// Coarse integer grid: many touches and collinear overlaps.
			r = append(r, orb.Point{float64(rng.IntN(8)), float64(rng.IntN(8))})
		}
		r = append(r, r[0])
		v, idx := distinct(r, nil, nil)
		if len(v) < 3 {
			continue
		}
		pair := selfIntersection(r, 0)
		sweep := sweepSelfIntersection(r, 0, v, idx)
		if pair == nil {
			// The spike test runs before either; the sweep alone must then also find nothing.
			if sweep != nil {
				t.Fatalf("ring %v: pairwise found nothing, sweep found %v", r, sweep)
			}
			continue
		}
		if sweep == nil && !strings.Contains(pair.Message, "doubles back") {
			t.Fatalf("ring %v: pairwise found %v, sweep found nothing", r, pair)
		}
	}
}

// TestOrient checks the exact orientation test against rational arithmetic on nearly collinear
// points, where the floating-point determinant is unreliable.
func TestOrient(t *testing.T) {
	exact := func(a, b, c orb.Point) int {
		r := func(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }
		bx := new(big.Rat).Sub(r(b[0]), r(a[0]))
		by := new(big.Rat).Sub(r(b[1]), r(a[1]))
		cx := new(big.Rat).Sub(r(c[0]), r(a[0]))
		cy := new(big.Rat).Sub(r(c[1]), r(a[1]))
		return new(big.Rat).Sub(new(big.Rat).Mul(bx, cy), new(big.Rat).Mul(by, cx)).Sign()
	}
	tests := []struct {
		name    string
		a, b, c orb.Point
		want    int
	}{
		{"left", orb.Point{0, 0}, orb.Point{1, 0}, orb.Point{0, 1}, 1},
		{"right", orb.Point{0, 0}, orb.Point{1, 0}, orb.Point{0, -1}, -1},
		{"collinear axis", orb.Point{0, 0}, orb.Point{5, 0}, orb.Point{10, 0}, 0},
		{"collinear diagonal", orb.Point{0, 0}, orb.Point{1, 1}, orb.Point{3, 3}, 0},
		{"0.1 steps are not collinear in binary", orb.Point{0, 0}, orb.Point{0.1, 0.1}, orb.Point{0.3, 0.3}, exact(orb.Point{0, 0}, orb.Point{0.1, 0.1}, orb.Point{0.3, 0.3})},
		{"large offset", orb.Point{1e6, 1e6}, orb.Point{1e6 + 1, 1e6 + 1}, orb.Point{1e6 + 2, 1e6 + 2}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := orient(tt.a, tt.b, tt.c); got != tt.want {
				t.Errorf("orient = %d, want %d", got, tt.want)
			}
		})
	}
	// Points a few ulps off a line through large coordinates.
	rng := rand.New(rand.NewPCG(5, 6))
	for k := 0; k < 20000; k++ {
		a := orb.Point{rng.Float64()*1e6 - 5e5, rng.Float64()*1e6 - 5e5}
		d := orb.Point{rng.Float64() - 0.5, rng.Float64() - 0.5}
		s, u := rng.Float64()*100, rng.Float64()*100
		b := orb.Point{a[0] + s*d[0], a[1] + s*d[1]}
		c := orb.Point{a[0] + u*d[0], a[1] + u*d[1]}
		c[0] = math.Nextafter(c[0], c[0]+float64(rng.IntN(3)-1))
		if got, want := orient(a, b, c), exact(a, b, c); got != want {
			t.Fatalf("orient(%v, %v, %v) = %d, want %d", a, b, c, got, want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   orb.Polygon
		want orb.Polygon
	}{
		{"already normal", orb.Polygon{box(0, 0, 2, 2), reversed(box(0.5, 0.5, 1, 1))}, orb.Polygon{box(0, 0, 2, 2), reversed(box(0.5, 0.5, 1, 1))}},
		{"clockwise outer, counter-clockwise hole", orb.Polygon{reversed(box(0, 0, 2, 2)), box(0.5, 0.5, 1, 1)}, orb.Polygon{box(0, 0, 2, 2), reversed(box(0.5, 0.5, 1, 1))}},
		{"repeated points removed", orb.Polygon{{{0, 0}, {0, 0}, {2, 0}, {2, 2}, {2, 2}, {0, 2}, {0, 0}}}, orb.Polygon{box(0, 0, 2, 2)}},
		{"nil", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := orb.Clone(tt.in)
			got := Normalize(tt.in)
			if !got.Equal(tt.want) {
				t.Errorf("Normalize = %v, want %v", got, tt.want)
			}
			if tt.in != nil && !tt.in.Equal(before.(orb.Polygon)) {
				t.Errorf("Normalize changed its input")
			}
			if len(got) > 0 {
				if got[0].Orientation() != orb.CCW {
					t.Errorf("outer ring not counter-clockwise")
				}
				for _, h := range got[1:] {
					if h.Orientation() != orb.CW {
						t.Errorf("hole not clockwise")
					}
				}
			}
		})
	}
}

// wantValidationError returns err, what fn returned, as a *ValidationError when a reason is wanted, and
// nil when none is. It fails the test when err is not nil though no reason is wanted, when it is not a
// *ValidationError, and when it does not wrap ErrInvalid.
func wantValidationError(t *testing.T, fn string, err error, reason Reason) *ValidationError {
	t.Helper()
	if reason == "" {
		if err != nil {
			t.Fatalf("%s = %v, want nil", fn, err)
		}
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("%s = %v, want a *ValidationError with reason %s", fn, err, reason)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("%s: errors.Is(err, ErrInvalid) = false", fn)
	}
	return ve
}
