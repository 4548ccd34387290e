package tiles

import (
	"bytes"
	"image/color"
	"math"

	"github.com/google/uuid"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"officemap/floorplan"
	"officemap/floorplan/render"
	"officemap/geo/mvt"
)

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

// encodeMVT encodes the features as one MVT layer named after the layer (geo/mvt: version 2, extent
// 4096), with the layer's attributes. It returns nil for a tile with nothing in it.
func encodeMVT(layer floorplan.Layer, t maptile.Tile, feats []floorplan.Feature, status func(uuid.UUID) floorplan.RoomStatus) ([]byte, error) {
	in := newInterner()
	l := mvt.NewLayer(string(layer), t, len(feats))
	for i := range feats {
		f := &feats[i]
		gf := l.Add(f.Geometry)
		if gf == nil {
			continue
		}
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
	}
	return l.Marshal()
}

// pngBuffer is the margin, in pixels, drawn beyond each edge of a raster tile, so that outlines on an
// edge join the next tile's.
const pngBuffer = 4

// drawPNG draws a 256-pixel raster tile with floorplan/render: rooms filled by status with the
// palette of the plans, buildings in a neutral tone (#e0d8cc, outlined #8c8072), rooms outlined
// #404040. A room under 3 pixels across is not outlined, so that it stays a dot of colour. It
// returns nil for a tile with nothing in it.
func drawPNG(layer floorplan.Layer, t maptile.Tile, feats []floorplan.Feature, status func(uuid.UUID) floorplan.RoomStatus) ([]byte, error) {
	shapes := make([]render.Shape, 0, len(feats))
	for i := range feats {
		f := &feats[i]
		g, ok := mvt.Project(f.Geometry, t, PNGSize, pngBuffer)
		if !ok {
			continue
		}
		fill := color.NRGBA{0xe0, 0xd8, 0xcc, 0xff}
		if layer == floorplan.LayerRooms {
			fill = render.StatusColor(status(f.ID))
		}
		shapes = append(shapes, render.Shape{Polygon: g, Fill: fill})
	}
	if len(shapes) == 0 {
		return nil, nil
	}
	line := render.Outline{Color: color.NRGBA{0x40, 0x40, 0x40, 0xff}, Width: 1, MinSize: 3}
	if layer == floorplan.LayerBuildings {
		line.Color = color.NRGBA{0x8c, 0x80, 0x72, 0xff}
	}
	var buf bytes.Buffer
	if err := render.ShapesPNG(&buf, PNGSize, shapes, line); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
