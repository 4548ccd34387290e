package geo

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Tiles are addressed on the XYZ grid of Web Mercator (EPSG:3857) used by OpenLayers and every web
// map: zoom z has 2^z × 2^z tiles, x grows east from −180°, y grows south from the grid's north edge at
// 85.0511°N. The tile maths is orb's maptile; these functions add strict parsing and clamping.

// MaxZoom is the deepest zoom officemap serves: tiles of about 2.4 m at the equator, finer than any
// room drawing needs.
const MaxZoom = 24

// MaxCoverTiles is the most tiles TilesCovering returns.
const MaxCoverTiles = 1 << 16

// ErrBadTile is wrapped by ParseTile's errors.
var ErrBadTile = errors.New("geo: bad tile address")

// mercatorMaxLat is where the square Web Mercator world ends: atan(sinh π), in degrees.
const mercatorMaxLat = 85.05112877980659

// fractionMaxLat is the latitude beyond which maptile.Fraction snaps to the first or last row.
const fractionMaxLat = 85.0511

// ParseTile parses a tile address from its three URL path parts. Each must be a plain decimal number:
// digits only (no sign, space or "+"), no leading zero (so that a tile has one URL and one cache
// entry), and short (2 digits for z, 8 for x and y). z must be in [0, MaxZoom] and x, y in [0, 2^z).
// Errors wrap ErrBadTile and say which part was wrong.
func ParseTile(z, x, y string) (maptile.Tile, error) {
	zv, err := parseTileNumber("zoom", z, 2)
	if err != nil {
		return maptile.Tile{}, err
	}
	if zv > MaxZoom {
		return maptile.Tile{}, fmt.Errorf("%w: zoom %d is above the maximum %d", ErrBadTile, zv, MaxZoom)
	}
	n := uint64(1) << zv
	xv, err := parseTileNumber("x", x, 8)
	if err != nil {
		return maptile.Tile{}, err
	}
	if xv >= n {
		return maptile.Tile{}, fmt.Errorf("%w: x %d is outside 0–%d at zoom %d", ErrBadTile, xv, n-1, zv)
	}
	yv, err := parseTileNumber("y", y, 8)
	if err != nil {
		return maptile.Tile{}, err
	}
	if yv >= n {
		return maptile.Tile{}, fmt.Errorf("%w: y %d is outside 0–%d at zoom %d", ErrBadTile, yv, n-1, zv)
	}
	return maptile.New(uint32(xv), uint32(yv), maptile.Zoom(zv)), nil
}

// parseTileNumber parses a strict decimal number of at most maxDigits digits.
func parseTileNumber(part, s string, maxDigits int) (uint64, error) {
	if s == "" {
		return 0, fmt.Errorf("%w: %s is missing", ErrBadTile, part)
	}
	if len(s) > maxDigits {
		return 0, fmt.Errorf("%w: %s %.12q is longer than %d digits", ErrBadTile, part, s, maxDigits)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%w: %s %q is not a whole number (digits 0–9 only)", ErrBadTile, part, s)
		}
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("%w: %s %q has a leading zero", ErrBadTile, part, s)
	}
	return strconv.ParseUint(s, 10, 64) // cannot fail: at most 8 digits
}

// TileBound returns the lon/lat bound of a tile.
func TileBound(t maptile.Tile) orb.Bound {
	return t.Bound()
}

// BufferedTileBound returns the lon/lat bound of a tile grown on every side by buffer pixels of a tile
// drawn extent pixels wide (the MVT buffer and extent), clamped to the grid: longitudes to
// [-180, 180], latitudes to the Web Mercator limits (±85.0511°). A buffer ≤ 0 or extent ≤ 0 gives
// TileBound.
func BufferedTileBound(t maptile.Tile, buffer, extent int) orb.Bound {
	if buffer <= 0 || extent <= 0 {
		return t.Bound()
	}
	b := t.Bound(float64(buffer) / float64(extent)) // orb clamps the rows to the grid
	b.Min[0] = math.Max(b.Min[0], -180)
	b.Max[0] = math.Min(b.Max[0], 180)
	return b
}

// TileAt returns the tile of zoom z containing the lon/lat point. Points beyond the grid are clamped
// onto it (longitudes to ±180, latitudes to ±85.0511; a NaN coordinate counts as 0), and z above
// MaxZoom is taken as MaxZoom. A point on a tile edge belongs to the tile to its east or south, and
// lon 180 to the last column.
func TileAt(p orb.Point, z maptile.Zoom) maptile.Tile {
	if z > MaxZoom {
		z = MaxZoom
	}
	lon, lat := clampNaN(p[0], -180, 180), clampNaN(p[1], -mercatorMaxLat, mercatorMaxLat)
	f := maptile.Fraction(orb.Point{lon, lat}, z)
	n := float64(uint32(1) << z)
	return maptile.Tile{X: uint32(clampNaN(math.Floor(f[0]), 0, n-1)), Y: uint32(clampNaN(math.Floor(f[1]), 0, n-1)), Z: z}
}

// TilesCovering returns the tiles of zoom z that a lon/lat bound touches, row by row from the
// north-west, for invalidating cached tiles after an edit. Bounds beyond the grid are clamped onto it.
// It returns nil when more than MaxCoverTiles tiles would be needed (invalidate the whole zoom level
// instead) or when the bound is not a real bound (NaN or Min > Max). As in TileAt, z above MaxZoom is
// taken as MaxZoom.
func TilesCovering(b orb.Bound, z maptile.Zoom) []maptile.Tile {
	if !(b.Min[0] <= b.Max[0] && b.Min[1] <= b.Max[1]) {
		return nil
	}
	nw := TileAt(orb.Point{b.Min[0], b.Max[1]}, z)
	se := TileAt(orb.Point{b.Max[0], b.Min[1]}, z)
	count := uint64(se.X-nw.X+1) * uint64(se.Y-nw.Y+1)
	if count > MaxCoverTiles {
		return nil
	}
	out := make([]maptile.Tile, 0, count)
	for y := nw.Y; y <= se.Y; y++ {
		for x := nw.X; x <= se.X; x++ {
			out = append(out, maptile.Tile{X: x, Y: y, Z: nw.Z})
		}
	}
	return out
}

// TilePixel returns the position of a lon/lat point in tile t drawn extent pixels wide: x to the east
// and y down from the tile's north-west corner. Points outside the tile give coordinates outside
// [0, extent), as an MVT buffer needs.
func TilePixel(t maptile.Tile, p orb.Point, extent int) (x, y float64) {
	lat := math.Max(-fractionMaxLat, math.Min(fractionMaxLat, p[1]))
	f := maptile.Fraction(orb.Point{p[0], lat}, t.Z)
	e := float64(extent)
	return (f[0] - float64(t.X)) * e, (f[1] - float64(t.Y)) * e
}

// clampNaN clamps v to [lo, hi], and NaN to 0 (then clamped).
func clampNaN(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		v = 0
	}
	return math.Max(lo, math.Min(hi, v))
}
