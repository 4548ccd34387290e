package gpkg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// GeoPackage geometry blobs (OGC 12-128r19 §2.1.3): a header ("GP", version 0, flags, srs_id and an
// optional envelope) followed by standard WKB. orb writes and reads the WKB; this file only adds and
// strips the header.

// ErrGeometry is returned for a blob that is not a GeoPackage geometry this store can read.
var ErrGeometry = errors.New("gpkg: bad geometry blob")

// Header flag bits.
const (
	flagLittleEndian = 1 << 0 // header values (srs_id, envelope) are little-endian
	flagEmpty        = 1 << 4 // the geometry is empty
	flagExtended     = 1 << 5 // an extension geometry type (not used here)
	envelopeShift    = 1      // bits 1-3: envelope contents indicator
	envelopeMask     = 0x7 << envelopeShift
	envelopeXY       = 1 // [minx, maxx, miny, maxy]
	headerSize       = 8
)

// envelopeSizes maps an envelope contents indicator to its size in bytes.
var envelopeSizes = [...]int{0, 32, 48, 48, 64}

// encodeGeom returns the GeoPackage binary of g with srs_id srs: little-endian header with an XY envelope
// (none for an empty geometry), then little-endian WKB. A nil geometry encodes as SQL NULL (nil).
func encodeGeom(g orb.Geometry, srs int32) ([]byte, error) {
	if g == nil {
		return nil, nil
	}
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("gpkg: encode geometry: %w", err)
	}
	empty := isEmpty(g)
	n := headerSize
	flags := byte(flagLittleEndian)
	if empty {
		flags |= flagEmpty
	} else {
		flags |= envelopeXY << envelopeShift
		n += envelopeSizes[envelopeXY]
	}
	out := make([]byte, n, n+len(body))
	out[0], out[1], out[2], out[3] = 'G', 'P', 0, flags
	binary.LittleEndian.PutUint32(out[4:], uint32(srs))
	if !empty {
		b := g.Bound()
		for i, v := range [4]float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
			binary.LittleEndian.PutUint64(out[headerSize+8*i:], math.Float64bits(v))
		}
	}
	return append(out, body...), nil
}

// isEmpty reports whether g has no coordinates.
func isEmpty(g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return len(g) == 0 || len(g[0]) == 0
	case orb.MultiPolygon:
		for _, p := range g {
			if !isEmpty(p) {
				return false
			}
		}
		return true
	case orb.Ring:
		return len(g) == 0
	case orb.LineString:
		return len(g) == 0
	case orb.MultiPoint:
		return len(g) == 0
	case orb.MultiLineString:
		for _, l := range g {
			if len(l) > 0 {
				return false
			}
		}
		return true
	case orb.Collection:
		for _, c := range g {
			if !isEmpty(c) {
				return false
			}
		}
		return true
	}
	return false
}

// header is the parsed fixed part of a GeoPackage geometry blob.
type header struct {
	srs      int32
	empty    bool
	envelope []float64 // minx, maxx, miny, maxy[, …] or nil
	body     []byte    // the WKB
}

func parseHeader(b []byte) (header, error) {
	if len(b) < headerSize || b[0] != 'G' || b[1] != 'P' {
		return header{}, fmt.Errorf("%w: no GP magic", ErrGeometry)
	}
	if b[2] != 0 {
		return header{}, fmt.Errorf("%w: version %d", ErrGeometry, b[2])
	}
	flags := b[3]
	if flags&flagExtended != 0 {
		return header{}, fmt.Errorf("%w: extended geometry type", ErrGeometry)
	}
	var order binary.ByteOrder = binary.BigEndian
	if flags&flagLittleEndian != 0 {
		order = binary.LittleEndian
	}
	code := int(flags&envelopeMask) >> envelopeShift
	if code >= len(envelopeSizes) {
		return header{}, fmt.Errorf("%w: envelope indicator %d", ErrGeometry, code)
	}
	size := envelopeSizes[code]
	if len(b) < headerSize+size {
		return header{}, fmt.Errorf("%w: truncated header", ErrGeometry)
	}
	h := header{
		srs:   int32(order.Uint32(b[4:])),
		empty: flags&flagEmpty != 0,
		body:  b[headerSize+size:],
	}
	if size > 0 {
		h.envelope = make([]float64, size/8)
		for i := range h.envelope {
			h.envelope[i] = math.Float64frombits(order.Uint64(b[headerSize+8*i:]))
		}
	}
	return h, nil
}

// decodeGeom parses a GeoPackage geometry blob.
func decodeGeom(b []byte) (orb.Geometry, int32, error) {
	h, err := parseHeader(b)
	if err != nil {
		return nil, 0, err
	}
	g, err := wkb.Unmarshal(h.body)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %v", ErrGeometry, err)
	}
	return g, h.srs, nil
}

// decodePolygon parses a GeoPackage polygon blob; a NULL (nil) blob gives a nil polygon.
func decodePolygon(b []byte) (orb.Polygon, error) { return decodeAs[orb.Polygon](b) }

// decodeLines parses a GeoPackage MULTILINESTRING blob (a floor's openings); a NULL (nil) blob gives nil.
func decodeLines(b []byte) (orb.MultiLineString, error) { return decodeAs[orb.MultiLineString](b) }

// decodeAs parses a GeoPackage blob of a geometry of type G; a NULL (nil) blob and an empty geometry give
// G's zero value (nil).
func decodeAs[G orb.Geometry](b []byte) (G, error) {
	var zero G
	if b == nil {
		return zero, nil
	}
	g, _, err := decodeGeom(b)
	if err != nil {
		return zero, err
	}
	t, ok := g.(G)
	if !ok {
		return zero, fmt.Errorf("%w: %s, want %s", ErrGeometry, g.GeoJSONType(), zero.GeoJSONType())
	}
	if isEmpty(t) {
		return zero, nil
	}
	return t, nil
}

// blobBound returns the envelope of a geometry blob and whether it is empty, reading the header's
// envelope when there is one and the WKB otherwise. It backs the ST_* functions of the R-tree triggers.
func blobBound(b []byte) (orb.Bound, bool, error) {
	h, err := parseHeader(b)
	if err != nil {
		return orb.Bound{}, false, err
	}
	if h.empty {
		return orb.Bound{}, true, nil
	}
	if len(h.envelope) >= 4 {
		e := h.envelope
		return orb.Bound{Min: orb.Point{e[0], e[2]}, Max: orb.Point{e[1], e[3]}}, false, nil
	}
	g, err := wkb.Unmarshal(h.body)
	if err != nil {
		return orb.Bound{}, false, fmt.Errorf("%w: %v", ErrGeometry, err)
	}
	if isEmpty(g) {
		return orb.Bound{}, true, nil
	}
	return g.Bound(), false, nil
}
