package tiles

import (
	"bytes"
	"image/color"
	"math"

	"github.com/google/uuid"
	"github.com/paulmach/orb/maptile"

	"officemap/floorplan"
	"officemap/floorplan/render"
	"officemap/geo/mvt"
)

// round2 keeps areas to the centimetre².
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// encodeMVT encodes the features as one MVT layer named after the layer (geo/mvt: version 2, extent
// 4096), with the layer's attributes, through e (reset for the tile). It returns nil for a tile with
// nothing in it.
func encodeMVT(e *mvt.Encoder, layer floorplan.Layer, t maptile.Tile, feats []floorplan.Feature, status func(uuid.UUID) floorplan.RoomStatus) []byte {
	e.Reset(string(layer), t)
	var buf [36]byte
	for i := range feats {
		f := &feats[i]
		if !e.AddPolygon(f.Geometry) {
			continue
		}
		if layer == floorplan.LayerRooms {
			tagRoom(e, &buf, f.ID, f.FloorID, f.AgencyID, f.Level, f.AreaM2, []byte(f.Number), []byte(f.Usage),
				[]byte(status(f.ID)))
		} else {
			name := f.Name
			if name == "" {
				name = f.Number
			}
			tagBuilding(e, &buf, f.ID, f.AreaM2, []byte(name))
		}
	}
	return e.Marshal()
}

// tagRoom gives the encoder's current feature a room's attributes, in the order of their keys (as orb
// writes them): agency_id (none without an agency), area_m2, floor_id, id, level, number, status (none
// when empty), usage. buf is scratch for the ids' text.
func tagRoom(e *mvt.Encoder, buf *[36]byte, id, floorID, agencyID uuid.UUID, level int, area float64,
	number, usage, status []byte) {
	if agencyID != uuid.Nil {
		e.Bytes("agency_id", uuidText(buf, agencyID))
	}
	e.Double("area_m2", round2(area))
	e.Bytes("floor_id", uuidText(buf, floorID))
	e.UniqueBytes("id", uuidText(buf, id)) // a room is once in a tile
	e.Int("level", int64(level))
	e.Bytes("number", number)
	if len(status) > 0 {
		e.Bytes("status", status)
	}
	e.Bytes("usage", usage)
}

// tagBuilding gives the encoder's current feature a building's attributes: area_m2, id, name.
func tagBuilding(e *mvt.Encoder, buf *[36]byte, id uuid.UUID, area float64, name []byte) {
	e.Double("area_m2", round2(area))
	e.UniqueBytes("id", uuidText(buf, id)) // a room is once in a tile
	e.Bytes("name", name)
}

// uuidText writes id's canonical text (uuid.UUID.String) into buf, without allocating.
func uuidText(buf *[36]byte, id uuid.UUID) []byte {
	const hexDigits = "0123456789abcdef"
	j := 0
	for i, b := range id {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			buf[j] = '-'
			j++
		}
		buf[j], buf[j+1] = hexDigits[b>>4], hexDigits[b&0x0f]
		j += 2
	}
	return buf[:]
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
