package tiles

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

	"github.com/fogleman/gg"
	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"

	"officemap/floorplan"
	"officemap/floorplan/render"
	"officemap/geo"
)

// simplifyTolerance is the Douglas–Peucker tolerance in tile coordinates: half a unit of the 4096
// grid, below what the integer grid itself can show, so simplification never changes what is drawn.
const simplifyTolerance = 0.5

// pixelProjector maps lon/lat to a tile's pixel grid of side extent (y down), in floating point.
type pixelProjector struct {
	tile   maptile.Tile
	extent int
}

func newPixelProjector(t maptile.Tile, extent int) pixelProjector {
	return pixelProjector{tile: t, extent: extent}
}

func (p pixelProjector) point(ll orb.Point) orb.Point {
	x, y := geo.TilePixel(p.tile, ll, p.extent)
	return orb.Point{x, y}
}

func (p pixelProjector) polygon(g orb.Polygon) orb.Polygon {
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
			ring[j] = p.point(ll)
		}
		out[i] = ring
	}
	return out
}

// tileGeometry projects a lon/lat polygon onto a tile's grid, clips it to the grid plus buffer,
// simplifies it below the grid's resolution, and snaps it to whole units with MVT's winding (outer
// ring positive area in tile coordinates, y down; holes negative). ok is false when nothing of it
// remains.
func tileGeometry(g orb.Polygon, p pixelProjector, extent, buffer float64, snap bool) (orb.Polygon, bool) {
	if len(g) == 0 || len(g[0]) < 3 {
		return nil, false
	}
	box := orb.Bound{Min: orb.Point{-buffer, -buffer}, Max: orb.Point{extent + buffer, extent + buffer}}
	px := p.polygon(g)
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
		outer := i == 0
		if (ringArea(r) > 0) != outer {
			reverse(r)
		}
		out = append(out, r)
	}
	return out, len(out) > 0
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

func reverse(r orb.Ring) {
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
}

// round2 keeps areas to the centimetre².
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// interner keeps one boxed value per distinct floor id, agency id, usage, status and level of a tile:
// rooms of a tile share a few of each, and a property map holds its values as interfaces.
type interner struct {
	ids    map[uuid.UUID]any
	strs   map[string]any
	levels map[int]any
}

func newInterner() *interner {
	return &interner{ids: map[uuid.UUID]any{}, strs: map[string]any{}, levels: map[int]any{}}
}

func (in *interner) id(id uuid.UUID) any {
	v, ok := in.ids[id]
	if !ok {
		v = id.String()
		in.ids[id] = v
	}
	return v
}

func (in *interner) str(s string) any {
	v, ok := in.strs[s]
	if !ok {
		v = s
		in.strs[s] = v
	}
	return v
}

func (in *interner) level(l int) any {
	v, ok := in.levels[l]
	if !ok {
		v = int64(l)
		in.levels[l] = v
	}
	return v
}

// encodeMVT encodes the features as one MVT layer named after the layer, version 2, extent 4096.
// It returns nil for a tile with nothing in it.
func encodeMVT(layer floorplan.Layer, t maptile.Tile, feats []floorplan.Feature, status func(uuid.UUID) floorplan.RoomStatus) ([]byte, error) {
	p := newPixelProjector(t, Extent)
	in := newInterner()
	out := make([]*geojson.Feature, 0, len(feats))
	backing := make([]geojson.Feature, len(feats)) // one allocation for every feature
	for i := range feats {
		f := &feats[i]
		g, ok := tileGeometry(f.Geometry, p, Extent, Buffer, true)
		if !ok {
			continue
		}
		gf := &backing[i]
		gf.Type, gf.Geometry = "Feature", g
		if layer == floorplan.LayerRooms {
			gf.Properties = make(geojson.Properties, 8)
			gf.Properties["id"] = f.ID.String()
			gf.Properties["floor_id"] = in.id(f.FloorID)
			gf.Properties["level"] = in.level(f.Level)
			gf.Properties["number"] = f.Number
			gf.Properties["usage"] = in.str(string(f.Usage))
			gf.Properties["area_m2"] = round2(f.AreaM2)
			if f.AgencyID != uuid.Nil {
				gf.Properties["agency_id"] = in.id(f.AgencyID)
			}
			if s := status(f.ID); s != "" {
				gf.Properties["status"] = in.str(string(s))
			}
		} else {
			name := f.Name
			if name == "" {
				name = f.Number
			}
			gf.Properties = geojson.Properties{"id": f.ID.String(), "name": name, "area_m2": round2(f.AreaM2)}
		}
		out = append(out, gf)
	}
	if len(out) == 0 {
		return nil, nil
	}
	data, err := mvt.Marshal(mvt.Layers{{Name: string(layer), Version: 2, Extent: Extent, Features: out}})
	if err != nil {
		return nil, fmt.Errorf("tiles: encoding MVT: %w", err)
	}
	return data, nil
}

// Raster colours of the buildings layer, as 0xRRGGBB.
const (
	buildingFillHex = 0xe0d8cc
	buildingLineHex = 0x8c8072
	roomLineHex     = 0x404040
)

func rgba(hex uint32, a uint8) color.NRGBA {
	return color.NRGBA{uint8(hex >> 16), uint8(hex >> 8), uint8(hex), a}
}

// drawPNG draws a 256-pixel raster tile: rooms filled by status with the palette of floorplan/render,
// buildings in a neutral tone, everything outlined. It returns nil for a tile with nothing in it.
func drawPNG(layer floorplan.Layer, t maptile.Tile, feats []floorplan.Feature, status func(uuid.UUID) floorplan.RoomStatus) ([]byte, error) {
	p := newPixelProjector(t, PNGSize)
	type shape struct {
		g    orb.Polygon
		fill color.NRGBA
	}
	shapes := make([]shape, 0, len(feats))
	for i := range feats {
		f := &feats[i]
		g, ok := tileGeometry(f.Geometry, p, PNGSize, 4, false)
		if !ok {
			continue
		}
		fill := rgba(buildingFillHex, 0xff)
		if layer == floorplan.LayerRooms {
			fill = render.StatusColor(status(f.ID))
		}
		shapes = append(shapes, shape{g, fill})
	}
	if len(shapes) == 0 {
		return nil, nil
	}
	im := image.NewRGBA(image.Rect(0, 0, PNGSize, PNGSize))
	dc := gg.NewContextForRGBA(im)
	dc.SetFillRuleEvenOdd()
	dc.SetLineJoinRound()
	line := rgba(roomLineHex, 0xff)
	width := 1.0
	if layer == floorplan.LayerBuildings {
		line = rgba(buildingLineHex, 0xff)
	}
	for _, s := range shapes {
		path(dc, s.g)
		dc.SetColor(s.fill)
		dc.Fill()
	}
	// Outlines only where they do not swallow the fill: a room under 3 pixels across stays a dot of
	// colour.
	dc.SetColor(line)
	dc.SetLineWidth(width)
	for _, s := range shapes {
		b := s.g.Bound()
		if b.Max[0]-b.Min[0] < 3 || b.Max[1]-b.Min[1] < 3 {
			continue
		}
		path(dc, s.g)
		dc.Stroke()
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, im); err != nil {
		return nil, fmt.Errorf("tiles: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

func path(dc *gg.Context, g orb.Polygon) {
	for _, r := range g {
		if len(r) == 0 {
			continue
		}
		dc.MoveTo(r[0][0], r[0][1])
		for _, pt := range r[1:] {
			dc.LineTo(pt[0], pt[1])
		}
		dc.ClosePath()
	}
}
