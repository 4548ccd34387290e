// Package mvt encodes lon/lat polygons as Mapbox Vector Tiles (MVT 2.1) on the XYZ grid of Web
// Mercator. Each polygon is projected onto its tile's grid, clipped to the tile plus a buffer,
// simplified below what the grid can show and snapped to whole units with MVT's winding. [Encoder]
// writes the protobuf itself, straight from each feature's WKB (or polygon) with interned keys and values;
// [Layer] builds orb's geojson features and lets orb write it (the same bytes, at several times the cost).
// [Project] gives the same geometry unsnapped, on a grid of any size, for raster tiles that must draw what
// the vector tiles show.
//
// The package is pure: no I/O and no package-level state. It knows nothing of officemap's register:
// the caller gives each feature its properties.
package mvt

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"

	"officemap/geo"
)

// The grid of every vector tile this package writes.
const (
	Extent = 4096 // tile coordinates per side
	Buffer = 64   // tile coordinates kept beyond each edge, so that strokes join across tiles
)

// simplifyTolerance is the Douglas–Peucker tolerance in grid units: half a unit, below what the
// integer grid itself can show, so simplification never changes what is drawn.
const simplifyTolerance = 0.5

// Layer collects the features of one layer of one tile. Build it with NewLayer, add features with Add
// and encode it with Marshal. A Layer is not safe for concurrent use.
type Layer struct {
	name    string
	tile    maptile.Tile
	feats   []*geojson.Feature
	backing []geojson.Feature // one allocation for every feature
}

// NewLayer returns an empty layer named name for tile t, with room for n features.
func NewLayer(name string, t maptile.Tile, n int) *Layer {
	return &Layer{name: name, tile: t, feats: make([]*geojson.Feature, 0, n), backing: make([]geojson.Feature, 0, n)}
}

// Add adds the lon/lat polygon g as it lies on the layer's tile: projected onto the 4096 grid,
// clipped to the tile plus Buffer, simplified and snapped to whole units, the outer ring clockwise on
// the grid (y down) and holes the other way. It returns the new feature, for the caller to set its
// properties, or nil when nothing of g remains on the tile (g is off the tile, or smaller than a
// unit). g itself is not changed.
func (l *Layer) Add(g orb.Polygon) *geojson.Feature {
	px, ok := tileGeometry(g, l.tile, Extent, Buffer, true)
	if !ok {
		return nil
	}
	if len(l.backing) == cap(l.backing) { // more than NewLayer's n: a new array, earlier features stay
		l.backing = make([]geojson.Feature, 0, 2*cap(l.backing)+1)
	}
	l.backing = append(l.backing, geojson.Feature{Type: "Feature", Geometry: px})
	f := &l.backing[len(l.backing)-1]
	l.feats = append(l.feats, f)
	return f
}

// Len returns the number of features added.
func (l *Layer) Len() int { return len(l.feats) }

// Marshal encodes the layer as a vector tile of one layer (version 2, extent 4096). It returns nil for
// a layer without features: an empty tile.
func (l *Layer) Marshal() ([]byte, error) {
	if len(l.feats) == 0 {
		return nil, nil
	}
	data, err := mvt.Marshal(mvt.Layers{{Name: l.name, Version: 2, Extent: Extent, Features: l.feats}})
	if err != nil {
		return nil, fmt.Errorf("mvt: encoding layer %s: %w", l.name, err)
	}
	return data, nil
}

// Project returns the lon/lat polygon g on the grid of tile t drawn extent units a side (x east, y
// down from the tile's north-west corner), clipped to the tile plus buffer units and simplified below
// half a unit, with the winding of Add, but not snapped: the geometry of a vector tile for a raster
// tile extent pixels wide. ok is false when nothing of g remains. g itself is not changed.
func Project(g orb.Polygon, t maptile.Tile, extent, buffer int) (px orb.Polygon, ok bool) {
	return tileGeometry(g, t, float64(extent), float64(buffer), false)
}

// tileGeometry projects a lon/lat polygon onto a tile's grid, clips it to the grid plus buffer,
// simplifies it and, when snap is set, snaps it to whole units; then it gives it MVT's winding
// (outer ring positive area in grid coordinates, y down; holes negative). ok is false when nothing
// of it remains.
func tileGeometry(g orb.Polygon, t maptile.Tile, extent, buffer float64, snap bool) (orb.Polygon, bool) {
	if len(g) == 0 || len(g[0]) < 3 {
		return nil, false
	}
	return shape(project(g, t, int(extent)), extent, buffer, snap)
}

// shape clips a polygon on a tile's grid (px, which it may change) to the grid plus buffer, simplifies it
// and, when snap is set, snaps it to whole units; then it gives it MVT's winding. ok is false when nothing
// of it remains.
func shape(px orb.Polygon, extent, buffer float64, snap bool) (orb.Polygon, bool) {
	box := orb.Bound{Min: orb.Point{-buffer, -buffer}, Max: orb.Point{extent + buffer, extent + buffer}}
	pb := px.Bound()
	if !pb.Intersects(box) {
		return nil, false
	}
	if !box.Contains(pb.Min) || !box.Contains(pb.Max) {
		px = clip.Polygon(box, px)
		if len(px) == 0 {
			return nil, false
		}
	}
	out := px[:0]
	for i, r := range px {
		if len(r) > 5 {
			r = simplify.DouglasPeucker(simplifyTolerance).Ring(r)
		}
		if snap {
			r = snapRing(r)
		}
		if len(r) < 4 || ringArea(r) == 0 {
			if i == 0 {
				return nil, false
			}
			continue
		}
		if (ringArea(r) > 0) != (i == 0) {
			r.Reverse()
		}
		out = append(out, r)
	}
	return out, len(out) > 0
}

// project maps a lon/lat polygon onto the grid of tile t, extent units a side, in floating point.
func project(g orb.Polygon, t maptile.Tile, extent int) orb.Polygon {
	out := make(orb.Polygon, len(g))
	n := 0
	for _, r := range g {
		n += len(r)
	}
	pts := make([]orb.Point, n) // one backing array for every ring
	for i, r := range g {
		ring := pts[:len(r):len(r)]
		pts = pts[len(r):]
		for j, ll := range r {
			ring[j][0], ring[j][1] = geo.TilePixel(t, ll, extent)
		}
		out[i] = ring
	}
	return out
}

// snapRing rounds a ring to whole grid units, dropping repeated points, and closes it.
func snapRing(r orb.Ring) orb.Ring {
	out := r[:0]
	for _, pt := range r {
		q := orb.Point{math.Round(pt[0]), math.Round(pt[1])}
		if len(out) > 0 && out[len(out)-1] == q {
			continue
		}
		out = append(out, q)
	}
	if len(out) > 1 && out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	return out
}

// ringArea is the signed area by the surveyor's formula: positive for a ring that turns clockwise
// on a y-down grid, which is what MVT asks of an outer ring.
func ringArea(r orb.Ring) float64 {
	a := 0.0
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a / 2
}
