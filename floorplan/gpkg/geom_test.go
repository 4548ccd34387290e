package gpkg

import (
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

func TestGeomRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    orb.Polygon
		srs  int32
	}{
		{"square in lon/lat", orb.Polygon{{{119.97, 31.81}, {119.98, 31.81}, {119.98, 31.82}, {119.97, 31.81}}}, 4326},
		{"room with a hole, local metres", orb.Polygon{
			{{0, 0}, {10, 0}, {10, 8}, {0, 8}, {0, 0}},
			{{2, 2}, {2, 3}, {3, 3}, {3, 2}, {2, 2}},
		}, 99999},
		{"negative coordinates", orb.Polygon{{{-5.5, -1e-7}, {3, -1e-7}, {3, 1e9}, {-5.5, -1e-7}}}, 99999},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := encodeGeom(tc.g, tc.srs)
			if err != nil {
				t.Fatal(err)
			}
			if string(b[:2]) != "GP" || b[2] != 0 {
				t.Errorf("header % x, want GP and version 0", b[:4])
			}
			if flags := b[3]; flags != 0b0000_0011 {
				t.Errorf("flags %08b, want little-endian with an XY envelope", flags)
			}
			if srs := int32(binary.LittleEndian.Uint32(b[4:])); srs != tc.srs {
				t.Errorf("srs_id %d, want %d", srs, tc.srs)
			}
			bd := tc.g.Bound()
			for i, want := range []float64{bd.Min[0], bd.Max[0], bd.Min[1], bd.Max[1]} {
				if got := math.Float64frombits(binary.LittleEndian.Uint64(b[8+8*i:])); got != want {
					t.Errorf("envelope[%d] = %v, want %v", i, got, want)
				}
			}
			if b[40] != 1 {
				t.Errorf("WKB byte order %d, want 1 (little-endian)", b[40])
			}
			g, srs, err := decodeGeom(b)
			if err != nil {
				t.Fatal(err)
			}
			if srs != tc.srs || !reflect.DeepEqual(g, tc.g) {
				t.Errorf("decoded %v (srs %d), want %v (srs %d)", g, srs, tc.g, tc.srs)
			}
			got, empty, err := blobBound(b)
			if err != nil || empty || got != bd {
				t.Errorf("blobBound = %v, %v, %v; want %v", got, empty, err, bd)
			}
		})
	}
}

func TestGeomEmpty(t *testing.T) {
	b, err := encodeGeom(orb.Polygon{}, 4326)
	if err != nil {
		t.Fatal(err)
	}
	if b[3] != 0b0001_0001 {
		t.Errorf("flags of an empty polygon %08b, want empty, no envelope, little-endian", b[3])
	}
	if _, empty, err := blobBound(b); err != nil || !empty {
		t.Errorf("blobBound of an empty polygon: empty %v, err %v", empty, err)
	}
	p, err := decodePolygon(b)
	if err != nil || p != nil {
		t.Errorf("decodePolygon of an empty polygon = %v, %v; want nil", p, err)
	}
	if b, err := encodeGeom(nil, 4326); b != nil || err != nil {
		t.Errorf("encodeGeom(nil) = %v, %v; want nil (SQL NULL)", b, err)
	}
}

// TestGeomBigEndianHeader reads a blob written by another tool with a big-endian header and no
// envelope.
func TestGeomBigEndianHeader(t *testing.T) {
	want := orb.Polygon{{{0, 0}, {4, 0}, {4, 3}, {0, 0}}}
	le, err := encodeGeom(want, 4326)
	if err != nil {
		t.Fatal(err)
	}
	b := []byte{'G', 'P', 0, 0, 0, 0, 0x10, 0xE6} // flags 0: big-endian header, no envelope; srs 4326
	b = append(b, le[40:]...)
	g, srs, err := decodeGeom(b)
	if err != nil || srs != 4326 || !reflect.DeepEqual(g, want) {
		t.Errorf("decodeGeom = %v, %d, %v", g, srs, err)
	}
	bd, empty, err := blobBound(b)
	if err != nil || empty || bd != want.Bound() {
		t.Errorf("blobBound without an envelope = %v, %v, %v", bd, empty, err)
	}
}

func TestGeomRejects(t *testing.T) {
	good, _ := encodeGeom(orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, 4326)
	ext := append([]byte(nil), good...)
	ext[3] |= flagExtended
	version := append([]byte(nil), good...)
	version[2] = 1
	badEnvelope := append([]byte(nil), good...)
	badEnvelope[3] = 0b0000_1011
	line := []byte{'G', 'P', 0, 1, 0xE6, 0x10, 0, 0, 1, 2, 0, 0, 0, 2, 0, 0, 0}
	line = append(line, make([]byte, 32)...)
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"too short", []byte("GP")},
		{"not GP", append([]byte("XX"), good[2:]...)},
		{"version 1", version},
		{"extended type", ext},
		{"envelope indicator 5", badEnvelope},
		{"truncated envelope", good[:20]},
		{"truncated WKB", good[:50]},
		{"a linestring", line},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := decodePolygon(tc.b); !errors.Is(err, ErrGeometry) {
				t.Errorf("decodePolygon: %v, want ErrGeometry", err)
			}
		})
	}
}
