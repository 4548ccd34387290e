package geo

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// move rotates a point by 30° and moves it to (1000, 2000), the way a building's local frame may sit.
func move(p orb.Point) orb.Point {
	s, c := math.Sincos(math.Pi / 6)
	return orb.Point{1000 + c*p[0] - s*p[1], 2000 + s*p[0] + c*p[1]}
}

func moved(p orb.Polygon) orb.Polygon {
	out := orb.Polygon{}
	for _, r := range p {
		nr := orb.Ring{}
		for _, pt := range r {
			nr = append(nr, move(pt))
		}
		out = append(out, nr)
	}
	return out
}

func movedLine(l orb.LineString) orb.LineString {
	out := orb.LineString{}
	for _, pt := range l {
		out = append(out, move(pt))
	}
	return out
}

func TestSplit(t *testing.T) {
	room := rect(0, 0, 6, 4) // 24 m²
	lshape := orb.Polygon{{{0, 0}, {6, 0}, {6, 2}, {2, 2}, {2, 6}, {0, 6}, {0, 0}}}
	ushape := orb.Polygon{{{0, 0}, {6, 0}, {6, 4}, {4, 4}, {4, 2}, {2, 2}, {2, 4}, {0, 4}, {0, 0}}} // 20 m²
	withHole := orb.Polygon{rect(0, 0, 10, 10)[0], {{4, 4}, {4, 6}, {6, 6}, {6, 4}, {4, 4}}}        // 96 m²
	tests := []struct {
		name   string
		poly   orb.Polygon
		cut    orb.LineString
		areas  []float64 // largest first
		reason string    // when the split is refused
	}{
		{name: "straight across", poly: room, cut: orb.LineString{{2, -1}, {2, 5}}, areas: []float64{16, 8}},
		{name: "ends on the walls", poly: room, cut: orb.LineString{{3, 0}, {3, 4}}, areas: []float64{12, 12}},
		{name: "ends 2 cm inside the walls", poly: room, cut: orb.LineString{{3, 0.02}, {3, 3.98}}, areas: []float64{12, 12}},
		{name: "diagonal corner to corner", poly: room, cut: orb.LineString{{0, 0}, {6, 4}}, areas: []float64{12, 12}},
		{name: "dog-leg", poly: room, cut: orb.LineString{{3, -1}, {3, 2}, {5, 2}, {5, 5}}, areas: []float64{16, 8}},
		{name: "L-shape across its foot", poly: lshape, cut: orb.LineString{{-1, 1}, {7, 1}}, areas: []float64{14, 6}},
		{name: "U-shape into three pieces", poly: ushape, cut: orb.LineString{{-1, 3}, {7, 3}}, areas: []float64{16, 2, 2}},
		{name: "U-shape, one arm only, ending in the gap", poly: ushape, cut: orb.LineString{{-1, 3}, {3, 3}}, areas: []float64{18, 2}},
		{name: "through a vertex", poly: lshape, cut: orb.LineString{{2, -1}, {2, 7}}, areas: []float64{12, 8}},
		{name: "along a wall then across", poly: room, cut: orb.LineString{{-1, 0}, {2, 0}, {2, 5}}, areas: []float64{16, 8}},
		{name: "from a wall into the hole only", poly: withHole, cut: orb.LineString{{5, -1}, {5, 5}}, reason: "misses"},
		{name: "self-crossing X", poly: room, cut: orb.LineString{{-1, -1}, {7, 5}, {7, -1}, {-1, 5}}, areas: []float64{20.0 / 3, 20.0 / 3, 16.0 / 3, 16.0 / 3}},
		{name: "loop that pinches a piece", poly: room, cut: orb.LineString{{-1, 1}, {5, 1}, {5, 3}, {1, 3}, {1, -1}}, reason: "invalid_piece"},
		{name: "rotated, far from the origin", poly: moved(room), cut: movedLine(orb.LineString{{3, -1}, {3, 5}}), areas: []float64{12, 12}},
		{name: "cuts a sliver", poly: room, cut: orb.LineString{{-1, 0.00001}, {7, 0.00001}}, reason: "sliver"},
		{name: "across a hole", poly: withHole, cut: orb.LineString{{5, -1}, {5, 11}}, areas: []float64{48, 48}},
		{name: "misses the room", poly: room, cut: orb.LineString{{10, -1}, {10, 5}}, reason: "misses"},
		{name: "runs along a wall", poly: room, cut: orb.LineString{{-1, 0}, {7, 0}}, reason: "misses"},
		{name: "starts inside", poly: room, cut: orb.LineString{{3, 2}, {3, 5}}, reason: "ends_inside"},
		{name: "ends inside", poly: room, cut: orb.LineString{{3, -1}, {3, 2}}, reason: "ends_inside"},
		{name: "wholly inside", poly: room, cut: orb.LineString{{1, 1}, {5, 3}}, reason: "ends_inside"},
		{name: "one point", poly: room, cut: orb.LineString{{3, -1}}, reason: "too_short"},
		{name: "no length", poly: room, cut: orb.LineString{{3, -1}, {3, -1}}, reason: "too_short"},
		{name: "NaN", poly: room, cut: orb.LineString{{math.NaN(), -1}, {3, 5}}, reason: "non_finite"},
		{name: "enters and leaves by the same wall", poly: room, cut: orb.LineString{{2, -1}, {3, 1}, {4, -1}}, areas: []float64{23.5, 0.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pieces, err := Split(tt.poly, tt.cut)
			if tt.reason != "" {
				var se *SplitError
				if !errors.As(err, &se) {
					t.Fatalf("err = %v, want a split error with reason %s", err, tt.reason)
				}
				if se.Reason != tt.reason {
					t.Fatalf("reason = %s (%s), want %s", se.Reason, se.Message, tt.reason)
				}
				if pieces != nil {
					t.Errorf("pieces = %v, want none", pieces)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(pieces) != len(tt.areas) {
				t.Fatalf("got %d pieces, want %d", len(pieces), len(tt.areas))
			}
			var sum float64
			for i, p := range pieces {
				if err := Validate(p); err != nil {
					t.Errorf("piece %d invalid: %v", i, err)
				}
				a := Area(p)
				sum += a
				if math.Abs(a-tt.areas[i]) > 1e-6 {
					t.Errorf("piece %d area %.6f, want %.6f", i, a, tt.areas[i])
				}
			}
			if whole := Area(tt.poly); math.Abs(sum-whole) > 1e-6 {
				t.Errorf("pieces add up to %.9f, want %.9f", sum, whole)
			}
			for i := range pieces {
				for j := i + 1; j < len(pieces); j++ {
					if over, area, err := Overlaps(pieces[i], pieces[j]); err != nil || over {
						t.Errorf("pieces %d and %d overlap by %.6f (%v)", i, j, area, err)
					}
				}
			}
		})
	}
}

func TestDistanceToBoundary(t *testing.T) {
	room := rect(0, 0, 6, 4)
	tests := []struct {
		name string
		pt   orb.Point
		want float64
	}{
		{"centre", orb.Point{3, 2}, 2},
		{"on a wall", orb.Point{3, 0}, 0},
		{"outside beyond a corner", orb.Point{9, 8}, 5},
		{"near the right wall", orb.Point{5.5, 2}, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := distanceToBoundary(room, tt.pt); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("distance = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSplitGeometryProperties cuts random star-shaped rooms with random lines and checks what must hold
// whatever the line: either a refusal with a reason, or valid pieces that do not overlap (judged by
// Overlaps, an independent overlay) and add up to the room.
func TestSplitProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	refused := map[string]int{}
	split := 0
	for i := 0; i < 1500; i++ {
		room := starRoom(rng)
		cut := orb.LineString{}
		for k := 0; k < 2+rng.IntN(3); k++ {
			cut = append(cut, orb.Point{rng.Float64()*30 - 15, rng.Float64()*30 - 15})
		}
		pieces, err := Split(room, cut)
		if err != nil {
			var se *SplitError
			if !errors.As(err, &se) {
				t.Fatalf("case %d: %v (room %v, cut %v)", i, err, room, cut)
			}
			refused[se.Reason]++
			continue
		}
		split++
		var sum float64
		for j, p := range pieces {
			if err := Validate(p); err != nil {
				t.Fatalf("case %d: piece %d invalid: %v", i, j, err)
			}
			sum += Area(p)
			for k := j + 1; k < len(pieces); k++ {
				if over, area, err := Overlaps(p, pieces[k]); err != nil || over {
					t.Fatalf("case %d: pieces %d and %d overlap by %g (%v)", i, j, k, area, err)
				}
			}
		}
		if whole := Area(room); math.Abs(sum-whole) > 1e-6 {
			t.Fatalf("case %d: pieces add up to %v, room is %v", i, sum, whole)
		}
	}
	if split < 100 {
		t.Errorf("only %d of the random lines split their room (refusals %v); the test exercises too little", split, refused)
	}
	t.Logf("%d split, refused: %v", split, refused)
}

// starRoom returns a random star-shaped (often concave) polygon around the origin, about 20 m across.
func starRoom(rng *rand.Rand) orb.Polygon {
	n := 4 + rng.IntN(8)
	ring := orb.Ring{}
	for k := 0; k < n; k++ {
		a := 2 * math.Pi * (float64(k) + 0.8*rng.Float64()) / float64(n)
		r := 3 + 7*rng.Float64()
		ring = append(ring, orb.Point{math.Round(r*math.Cos(a)*100) / 100, math.Round(r*math.Sin(a)*100) / 100})
	}
	ring = append(ring, ring[0])
	return orb.Polygon{ring}
}
