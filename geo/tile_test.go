package geo

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

func TestParseTile(t *testing.T) {
	good := []struct {
		name    string
		z, x, y string
		want    maptile.Tile
	}{
		{"world", "0", "0", "0", maptile.New(0, 0, 0)},
		{"z1 south-east", "1", "1", "1", maptile.New(1, 1, 1)},
		{"Changzhou z14", "14", "13652", "6707", maptile.New(13652, 6707, 14)},
		{"deepest corner", "24", "16777215", "16777215", maptile.New(1<<24-1, 1<<24-1, 24)},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTile(tt.z, tt.x, tt.y)
			if err != nil || got != tt.want {
				t.Errorf("ParseTile = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	bad := []struct {
		name    string
		z, x, y string
		part    string // the word the error must name
	}{
		{"zoom 25", "25", "0", "0", "zoom"},
		{"x = 2^z", "1", "2", "0", "x"},
		{"y = 2^z", "3", "0", "8", "y"},
		{"x at 2^24", "24", "16777216", "0", "x"},
		{"negative", "1", "-1", "0", "x"},
		{"decimal", "1", "1.5", "0", "x"},
		{"letters", "abc", "0", "0", "zoom"},
		{"leading space", "1", " 1", "0", "x"},
		{"trailing space", "1", "0", "1 ", "y"},
		{"plus sign", "+1", "0", "0", "zoom"},
		{"empty zoom", "", "0", "0", "zoom"},
		{"empty y", "1", "0", "", "y"},
		{"leading zero", "1", "01", "0", "x"},
		{"too long", "1", "000000000000000000001", "0", "x"},
		{"Arabic-Indic digit", "١", "0", "0", "zoom"},
		{"hex", "1", "0x1", "0", "x"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTile(tt.z, tt.x, tt.y)
			if !errors.Is(err, ErrBadTile) {
				t.Fatalf("ParseTile = %v, %v; want ErrBadTile", got, err)
			}
			if !strings.HasPrefix(err.Error(), "geo: bad tile address: "+tt.part+" ") {
				t.Errorf("error %q does not name the %s", err, tt.part)
			}
		})
	}
}

func TestTileBound(t *testing.T) {
	const top = 85.0511287798066
	tests := []struct {
		name string
		tile maptile.Tile
		want orb.Bound
	}{
		{"z0 covers the world", maptile.New(0, 0, 0), orb.Bound{Min: orb.Point{-180, -top}, Max: orb.Point{180, top}}},
		{"z1 north-west", maptile.New(0, 0, 1), orb.Bound{Min: orb.Point{-180, 0}, Max: orb.Point{0, top}}},
		{"z1 north-east", maptile.New(1, 0, 1), orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{180, top}}},
		{"z1 south-west", maptile.New(0, 1, 1), orb.Bound{Min: orb.Point{-180, -top}, Max: orb.Point{0, 0}}},
		{"z1 south-east", maptile.New(1, 1, 1), orb.Bound{Min: orb.Point{0, -top}, Max: orb.Point{180, 0}}},
		// z2 row 1 ends at the latitude whose Mercator y is a quarter of the world: atan(sinh(π/2)).
		{"z2 (1, 1)", maptile.New(1, 1, 2), orb.Bound{Min: orb.Point{-90, 0}, Max: orb.Point{0, math.Atan(math.Sinh(math.Pi/2)) * 180 / math.Pi}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TileBound(tt.tile)
			if !boundsNear(got, tt.want, 1e-9) {
				t.Errorf("TileBound = %v, want %v", got, tt.want)
			}
		})
	}
}

func boundsNear(a, b orb.Bound, tol float64) bool {
	return math.Abs(a.Min[0]-b.Min[0]) <= tol && math.Abs(a.Min[1]-b.Min[1]) <= tol &&
		math.Abs(a.Max[0]-b.Max[0]) <= tol && math.Abs(a.Max[1]-b.Max[1]) <= tol
}

func TestBufferedTileBound(t *testing.T) {
	mercLat := func(yFrac float64) float64 { // latitude of a Mercator y given as a fraction of the world
		return math.Atan(math.Sinh(math.Pi*(1-2*yFrac))) * 180 / math.Pi
	}
	tests := []struct {
		name           string
		tile           maptile.Tile
		buffer, extent int
		want           orb.Bound
	}{
		{"no buffer", maptile.New(1, 1, 2), 0, 4096, TileBound(maptile.New(1, 1, 2))},
		{"64 of 4096 pixels", maptile.New(1, 1, 2), 64, 4096, orb.Bound{
			Min: orb.Point{-90 - 90.0/64, mercLat((2 + 1.0/64) / 4)},
			Max: orb.Point{90.0 / 64, mercLat((1 - 1.0/64) / 4)},
		}},
		{"clamped to the grid", maptile.New(0, 0, 1), 256, 4096, orb.Bound{
			Min: orb.Point{-180, mercLat((1 + 1.0/16) / 2)},
			Max: orb.Point{180.0 / 16, 85.0511287798066},
		}},
		{"bad extent", maptile.New(0, 0, 1), 64, 0, TileBound(maptile.New(0, 0, 1))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := BufferedTileBound(tt.tile, tt.buffer, tt.extent)
			if !boundsNear(got, tt.want, 1e-9) {
				t.Errorf("BufferedTileBound = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTileAt(t *testing.T) {
	tests := []struct {
		name string
		p    orb.Point
		z    maptile.Zoom
		want maptile.Tile
	}{
		{"origin z1", orb.Point{0, 0}, 1, maptile.New(1, 1, 1)},
		{"Changzhou z14", changzhou, 14, maptile.New(13651, 6663, 14)},
		{"lon 180 is the last column", orb.Point{180, 10}, 3, maptile.New(7, 3, 3)},
		{"lon -180 is the first column", orb.Point{-180, 10}, 3, maptile.New(0, 3, 3)},
		{"north of the grid", orb.Point{10, 89}, 4, maptile.New(8, 0, 4)},
		{"south of the grid", orb.Point{10, -89}, 4, maptile.New(8, 15, 4)},
		{"NaN", orb.Point{math.NaN(), math.NaN()}, 2, maptile.New(2, 2, 2)},
		{"zoom above MaxZoom", orb.Point{0, 0}, 30, maptile.New(1<<23, 1<<23, MaxZoom)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TileAt(tt.p, tt.z); got != tt.want {
				t.Errorf("TileAt = %v, want %v", got, tt.want)
			}
		})
	}
	// Round trip: the tile contains the point, and the tile's centre gives back the tile.
	rng := rand.New(rand.NewPCG(9, 10))
	for k := 0; k < 5000; k++ {
		p := orb.Point{rng.Float64()*360 - 180, rng.Float64()*170 - 85}
		z := maptile.Zoom(rng.IntN(MaxZoom + 1))
		tile := TileAt(p, z)
		if !tile.Valid() || !TileBound(tile).Contains(p) {
			t.Fatalf("TileAt(%v, %d) = %v, bound %v does not contain it", p, z, tile, TileBound(tile))
		}
		if back := TileAt(TileBound(tile).Center(), z); back != tile {
			t.Fatalf("tile %v: its centre is in %v", tile, back)
		}
	}
}

func TestTilesCovering(t *testing.T) {
	tests := []struct {
		name string
		b    orb.Bound
		z    maptile.Zoom
		want []maptile.Tile
	}{
		{"inside one tile", orb.Bound{Min: orb.Point{10, 10}, Max: orb.Point{11, 11}}, 2, []maptile.Tile{maptile.New(2, 1, 2)}},
		{"across the equator and meridian", orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{1, 1}}, 1,
			[]maptile.Tile{maptile.New(0, 0, 1), maptile.New(1, 0, 1), maptile.New(0, 1, 1), maptile.New(1, 1, 1)}},
		{"a point", orb.Bound{Min: changzhou, Max: changzhou}, 14, []maptile.Tile{maptile.New(13651, 6663, 14)}},
		{"too many tiles", orb.Bound{Min: orb.Point{-10, -10}, Max: orb.Point{10, 10}}, 20, nil},
		{"inverted bound", orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{0, 0}}, 3, nil},
		{"NaN bound", orb.Bound{Min: orb.Point{math.NaN(), 0}, Max: orb.Point{1, 1}}, 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TilesCovering(tt.b, tt.z)
			if len(got) != len(tt.want) || (tt.want == nil) != (got == nil) {
				t.Fatalf("TilesCovering = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("TilesCovering = %v, want %v", got, tt.want)
					break
				}
			}
		})
	}
	// A building's bound at z20: every tile touching it, and each of them intersecting it.
	b := orb.Bound{Min: orb.Point{119.9695, 31.8095}, Max: orb.Point{119.9712, 31.8106}}
	tiles := TilesCovering(b, 20)
	if len(tiles) == 0 {
		t.Fatal("no tiles for a building")
	}
	for _, tile := range tiles {
		if !TileBound(tile).Intersects(b) {
			t.Errorf("tile %v does not touch the bound", tile)
		}
	}
	for _, c := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}, b.Center()} {
		found := false
		for _, tile := range tiles {
			found = found || tile == TileAt(c, 20)
		}
		if !found {
			t.Errorf("no tile covers %v", c)
		}
	}
}

func TestTilePixel(t *testing.T) {
	tile := TileAt(changzhou, 16)
	b := TileBound(tile)
	tests := []struct {
		name string
		p    orb.Point
		x, y float64
	}{
		{"north-west corner", orb.Point{b.Min[0], b.Max[1]}, 0, 0},
		{"south-east corner", orb.Point{b.Max[0], b.Min[1]}, 4096, 4096},
		{"north-east corner", orb.Point{b.Max[0], b.Max[1]}, 4096, 0},
		{"one tile west", orb.Point{2*b.Min[0] - b.Max[0], b.Max[1]}, -4096, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := TilePixel(tile, tt.p, 4096)
			if math.Abs(x-tt.x) > 1e-6 || math.Abs(y-tt.y) > 1e-6 {
				t.Errorf("TilePixel = (%.9f, %.9f), want (%g, %g)", x, y, tt.x, tt.y)
			}
		})
	}
	// y grows southwards: a point north of the centre is above it.
	c := b.Center()
	_, yc := TilePixel(tile, c, 4096)
	_, yn := TilePixel(tile, orb.Point{c[0], c[1] + (b.Max[1]-b.Min[1])/4}, 4096)
	if !(yn < yc) {
		t.Errorf("north is not up: y %v (north) vs %v (centre)", yn, yc)
	}
}
