package mvt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
)

// encoderCases are floors of rooms on and across the edges of tiles at three zooms, with a room with a
// hole and rooms off the tile: what the Encoder writes must be what Layer writes.
func encoderCases() map[string]struct {
	tile  maptile.Tile
	rooms []orb.Polygon
} {
	origin := orb.Point{119.9735, 31.8105}
	out := map[string]struct {
		tile  maptile.Tile
		rooms []orb.Polygon
	}{}
	for _, z := range []maptile.Zoom{16, 18, 20, 22} {
		rooms := benchRooms(origin, 24, 30)
		ring := rooms[7][0]
		c := ring.Bound().Center()
		hole := orb.Ring{{c[0] - 1e-6, c[1] - 1e-6}, {c[0] - 1e-6, c[1] + 1e-6}, {c[0] + 1e-6, c[1] + 1e-6},
			{c[0] + 1e-6, c[1] - 1e-6}, {c[0] - 1e-6, c[1] - 1e-6}}
		rooms[7] = orb.Polygon{ring, hole}
		t := maptile.At(orb.Point{origin[0] + 0.0006, origin[1] + 0.0008}, z)
		out[fmt.Sprintf("z%d", z)] = struct {
			tile  maptile.Tile
			rooms []orb.Polygon
		}{t, rooms}
	}
	return out
}

// props are the tags of room i, in the types the tiles give them.
func props(i int) geojson.Properties {
	p := geojson.Properties{"area_m2": 22.68 + float64(i%3), "id": fmt.Sprintf("room-%d", i), "level": int64(i%5 - 1),
		"number": fmt.Sprint(300 + i%40), "usage": []string{"office", "meeting"}[i%2]}
	if i%3 == 0 { // a key some features have: the keys' order differs from feature to feature
		p["status"] = "over"
	}
	return p
}

// tagAll gives the encoder's current feature the tags of props(i), in ascending key order; the id, unique
// to the feature, through UniqueBytes.
func tagAll(e *Encoder, i int) {
	p := props(i)
	e.Double("area_m2", p["area_m2"].(float64))
	e.UniqueBytes("id", []byte(p["id"].(string)))
	e.Int("level", p["level"].(int64))
	e.String("number", p["number"].(string))
	if s, ok := p["status"].(string); ok {
		e.Bytes("status", []byte(s))
	}
	e.String("usage", p["usage"].(string))
}

// TestEncoderMatchesLayer: the Encoder, from polygons and from their WKB in both byte orders and as
// EWKB, writes the very bytes that Layer.Marshal (orb) writes for the same features, and an encoder
// Reset for another tile writes that tile's bytes.
func TestEncoderMatchesLayer(t *testing.T) {
	reused := NewEncoder("rooms", maptile.New(0, 0, 1))
	for name, c := range encoderCases() {
		t.Run(name, func(t *testing.T) {
			l := NewLayer("rooms", c.tile, len(c.rooms))
			for i, g := range c.rooms {
				if f := l.Add(g); f != nil {
					f.Properties = props(i)
				}
			}
			want, err := l.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if l.Len() == 0 || (c.tile.Z > 16 && l.Len() == len(c.rooms)) {
				t.Fatalf("the case keeps %d of %d rooms: it must keep some and, above z16, cut some off", l.Len(), len(c.rooms))
			}
			encoders := map[string]func(e *Encoder, g orb.Polygon) (bool, error){
				"polygon":    func(e *Encoder, g orb.Polygon) (bool, error) { return e.AddPolygon(g), nil },
				"wkb little": wkbAdder(binary.LittleEndian, false),
				"wkb big":    wkbAdder(binary.BigEndian, false),
				"ewkb srid":  wkbAdder(binary.LittleEndian, true),
			}
			for how, add := range encoders {
				e := NewEncoder("rooms", c.tile)
				if how == "polygon" {
					e = reused
					e.Reset("rooms", c.tile)
				}
				for i, g := range c.rooms {
					ok, err := add(e, g)
					if err != nil {
						t.Fatalf("%s: %v", how, err)
					}
					if ok {
						tagAll(e, i)
					}
				}
				if e.Len() != l.Len() {
					t.Errorf("%s: %d features, want %d", how, e.Len(), l.Len())
				}
				if got := e.Marshal(); !bytes.Equal(got, want) {
					t.Errorf("%s: %d bytes differ from Layer's %d", how, len(got), len(want))
				}
			}
		})
	}
}

func wkbAdder(order binary.ByteOrder, srid bool) func(e *Encoder, g orb.Polygon) (bool, error) {
	return func(e *Encoder, g orb.Polygon) (bool, error) {
		var b []byte
		var err error
		if srid {
			b, err = ewkb.Marshal(g, 4326, order)
		} else {
			b, err = wkb.Marshal(g, order)
		}
		if err != nil {
			return false, err
		}
		return e.AddWKB(b)
	}
}

// TestEncoderEmpty: no feature is no tile; tags without a feature (one off the tile) are dropped.
func TestEncoderEmpty(t *testing.T) {
	e := NewEncoder("rooms", tile18)
	far := onGrid(square(-9000, -9000, -8000, -8000))
	if e.AddPolygon(far) {
		t.Fatal("a room far off the tile was added")
	}
	e.String("number", "101")
	if got := e.Marshal(); got != nil {
		t.Errorf("an empty layer gave %d bytes, want none", len(got))
	}
	if e.AddPolygon(nil) || e.AddPolygon(orb.Polygon{{{1, 1}, {2, 2}}}) {
		t.Error("a polygon without a ring of three points was added")
	}
}

// TestEncoderBadWKB: bytes that are not a 2D WKB polygon are an error (never a panic), and leave the
// features already added as they were.
func TestEncoderBadWKB(t *testing.T) {
	good, err := wkb.Marshal(onGrid(square(100, 100, 200, 200)), binary.LittleEndian)
	if err != nil {
		t.Fatal(err)
	}
	point, _ := wkb.Marshal(orb.Point{1, 2}, binary.LittleEndian)
	hugeRings := append(append([]byte{}, good[:5]...), 0xff, 0xff, 0xff, 0x7f)
	hugePoints := append(append([]byte{}, good[:9]...), 0xff, 0xff, 0xff, 0x7f)
	z := append([]byte{}, good...)
	binary.LittleEndian.PutUint32(z[1:], wkbPolygon|0x80000000)
	rnd := rand.New(rand.NewPCG(1, 2))
	tests := map[string][]byte{
		"empty":               nil,
		"short":               {1, 3, 0},
		"byte order 2":        append([]byte{2}, good[1:]...),
		"a point":             point,
		"with Z":              z,
		"truncated":           good[:len(good)-3],
		"trailing bytes":      append(append([]byte{}, good...), 0),
		"rings past the end":  hugeRings,
		"points past the end": hugePoints,
	}
	for i := 0; i < 200; i++ { // random damage to a good polygon
		b := append([]byte{}, good...)
		b[rnd.IntN(len(b))] = byte(rnd.IntN(256))
		tests[fmt.Sprintf("damaged %d", i)] = b[:rnd.IntN(len(b)+1)]
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			e := NewEncoder("rooms", tile18)
			if ok, err := e.AddWKB(good); !ok || err != nil {
				t.Fatalf("the good polygon: %v %v", ok, err)
			}
			e.String("number", "101")
			before := e.Len()
			ok, err := e.AddWKB(b)
			if bytes.Equal(b, good) || (len(b) == len(good) && err == nil) {
				return // damage that left a polygon
			}
			if err == nil || !errors.Is(err, ErrBadWKB) {
				t.Fatalf("AddWKB = %v, %v; want ErrBadWKB", ok, err)
			}
			if ok || e.Len() != before {
				t.Errorf("a bad polygon was added (%v, %d features)", ok, e.Len())
			}
			layers, err := mvt.Unmarshal(e.Marshal())
			if err != nil || len(layers[0].Features) != 1 || layers[0].Features[0].Properties["number"] != "101" {
				t.Errorf("the tile after the bad polygon: %v %v", layers, err)
			}
		})
	}
}
