package mvt

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"officemap/geo"
)

// benchRooms returns a floor of rows × cols rooms of 4.2 × 5.4 m along 2.4 m corridors, in lon/lat
// around origin, the shape of a floor the rooms tiles carry.
func benchRooms(origin orb.Point, rows, cols int) []orb.Polygon {
	const lonPerM, latPerM = 1.0 / 94600, 1.0 / 110900 // at 31.8°N
	out := make([]orb.Polygon, 0, rows*cols)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			x, y := origin[0]+float64(c)*4.2*lonPerM, origin[1]+float64(r)*7.8*latPerM
			w, h := 4.2*lonPerM, 5.4*latPerM
			out = append(out, orb.Polygon{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}})
		}
	}
	return out
}

// BenchmarkLayer encodes a rooms tile of a floor of 24 × 30 rooms (126 × 187 m), each with three
// properties: at z16 the whole floor lies on the tile, at z18 and z20 the tile cuts through it and
// rooms across its edges are clipped. Like a store, the benchmark passes only the rooms whose bound
// meets the tile and its buffer. It reports the features encoded.
func BenchmarkLayer(b *testing.B) {
	for _, z := range []maptile.Zoom{16, 18, 20} {
		b.Run(fmt.Sprintf("z%d", z), func(b *testing.B) {
			origin := orb.Point{119.9735, 31.8105}
			t := maptile.At(orb.Point{origin[0] + 0.0006, origin[1] + 0.0008}, z)
			var rooms []orb.Polygon
			for _, g := range benchRooms(origin, 24, 30) {
				if g.Bound().Intersects(geo.BufferedTileBound(t, Buffer, Extent)) {
					rooms = append(rooms, g)
				}
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				l := NewLayer("rooms", t, len(rooms))
				for i, g := range rooms {
					if f := l.Add(g); f != nil {
						f.Properties = geojson.Properties{"number": "301", "level": int64(i % 5), "area_m2": 22.68}
					}
				}
				if _, err := l.Marshal(); err != nil {
					b.Fatal(err)
				}
				n = l.Len()
			}
			b.ReportMetric(float64(n), "features")
		})
	}
}

// BenchmarkEncoder is BenchmarkLayer through the Encoder, from the rooms' polygons and from their WKB
// (as the PostGIS tile path reads them), with an encoder reused from tile to tile as the tiles' handler
// does: compare it with BenchmarkLayer in one run.
func BenchmarkEncoder(b *testing.B) {
	for _, z := range []maptile.Zoom{16, 18, 20} {
		origin := orb.Point{119.9735, 31.8105}
		t := maptile.At(orb.Point{origin[0] + 0.0006, origin[1] + 0.0008}, z)
		var rooms []orb.Polygon
		var wkbs [][]byte
		for _, g := range benchRooms(origin, 24, 30) {
			if g.Bound().Intersects(geo.BufferedTileBound(t, Buffer, Extent)) {
				rooms = append(rooms, g)
				w, err := wkb.Marshal(g, binary.LittleEndian)
				if err != nil {
					b.Fatal(err)
				}
				wkbs = append(wkbs, w)
			}
		}
		for _, from := range []string{"polygon", "wkb"} {
			b.Run(fmt.Sprintf("z%d/%s", z, from), func(b *testing.B) {
				b.ReportAllocs()
				e := NewEncoder("rooms", t)
				n := 0
				for b.Loop() {
					e.Reset("rooms", t)
					for i := range rooms {
						ok := false
						if from == "wkb" {
							var err error
							if ok, err = e.AddWKB(wkbs[i]); err != nil {
								b.Fatal(err)
							}
						} else {
							ok = e.AddPolygon(rooms[i])
						}
						if ok {
							e.Double("area_m2", 22.68)
							e.Int("level", int64(i%5))
							e.String("number", "301")
						}
					}
					n = e.Len()
					_ = e.Marshal()
				}
				b.ReportMetric(float64(n), "features")
			})
		}
	}
}

// BenchmarkEncoderRoomTags is BenchmarkEncoder's z18 tile from WKB with the eight tags of a rooms tile
// (api/tiles' tagRoom): three ids of 36 characters (the room's own, unique in the tile; its floor's and
// agency's, shared), the area, level, number, status and usage.
func BenchmarkEncoderRoomTags(b *testing.B) {
	origin := orb.Point{119.9735, 31.8105}
	t := maptile.At(orb.Point{origin[0] + 0.0006, origin[1] + 0.0008}, 18)
	var wkbs [][]byte
	for _, g := range benchRooms(origin, 24, 30) {
		if g.Bound().Intersects(geo.BufferedTileBound(t, Buffer, Extent)) {
			w, err := wkb.Marshal(g, binary.LittleEndian)
			if err != nil {
				b.Fatal(err)
			}
			wkbs = append(wkbs, w)
		}
	}
	ids := make([][]byte, len(wkbs))
	for i := range ids {
		ids[i] = fmt.Appendf(nil, "00000000-0000-8%03x-aa52-2d24b4607fe7", i)
	}
	floor, agency := []byte("00000000-0021-8af1-b7d5-1db3313a9158"), []byte("00000000-0000-81d7-aa52-2d24b4607fe7")
	number, usage, status := []byte("301"), []byte("office"), []byte("ok")
	b.ReportAllocs()
	e := NewEncoder("rooms", t)
	for b.Loop() {
		e.Reset("rooms", t)
		for i := range wkbs {
			ok, err := e.AddWKB(wkbs[i])
			if err != nil {
				b.Fatal(err)
			}
			if ok {
				e.Bytes("agency_id", agency)
				e.Double("area_m2", float64(20+i%7))
				e.Bytes("floor_id", floor)
				e.UniqueBytes("id", ids[i])
				e.Int("level", int64(i%5))
				e.Bytes("number", number)
				e.Bytes("status", status)
				e.Bytes("usage", usage)
			}
		}
		_ = e.Marshal()
	}
	b.ReportMetric(float64(e.Len()), "features")
}
