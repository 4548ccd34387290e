package mvt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"officemap/geo"
)

// ErrBadWKB is returned by Encoder.AddWKB for bytes that are not a well-formed WKB polygon.
var ErrBadWKB = errors.New("mvt: bad WKB polygon")

// Encoder writes one layer of one vector tile straight into the tile's protobuf: each feature's geometry
// is decoded (AddWKB) or taken (AddPolygon) in lon/lat, projected, clipped, simplified and snapped as
// Layer.Add does it, and written as MVT commands; its tags come from the String, Int and Double calls that
// follow, keys and values interned per layer. Give the tags of a feature in ascending key order: the bytes
// are then those that Layer.Marshal writes for the same features (orb sorts the keys).
//
// An Encoder keeps its buffers between features and, after Reset, between tiles. It is not safe for
// concurrent use.
type Encoder struct {
	name  string
	tile  maptile.Tile
	ready bool // a feature was added and its tags may follow

	feats []byte   // the features, each a complete field 2 of the layer
	geom  []uint32 // the current feature's commands
	tags  []uint32 // the current feature's tags
	n     int      // features written

	keys    []string
	keyIdx  map[string]uint32
	keyNext uint32 // the index of the key after the current feature's last tag
	values  []byte // the values, each a complete field 4 of the layer
	nVals   uint32
	strIdx  map[string]uint32
	intIdx  map[int64]uint32
	dblIdx  map[float64]uint32

	pts   []orb.Point // scratch for the projected points of a feature
	rings orb.Polygon // scratch for its rings
}

// NewEncoder returns an encoder of a layer named name for tile t.
func NewEncoder(name string, t maptile.Tile) *Encoder {
	e := &Encoder{keyIdx: map[string]uint32{}, strIdx: map[string]uint32{}, intIdx: map[int64]uint32{},
		dblIdx: map[float64]uint32{}}
	e.Reset(name, t)
	return e
}

// Reset empties the encoder for a layer named name of tile t, keeping its buffers.
func (e *Encoder) Reset(name string, t maptile.Tile) {
	e.name, e.tile, e.ready, e.n, e.nVals = name, t, false, 0, 0
	e.feats, e.geom, e.tags, e.keys, e.values = e.feats[:0], e.geom[:0], e.tags[:0], e.keys[:0], e.values[:0]
	clear(e.keyIdx)
	clear(e.strIdx)
	clear(e.intIdx)
	clear(e.dblIdx)
}

// Len returns the number of features added so far.
func (e *Encoder) Len() int {
	if e.ready {
		return e.n + 1
	}
	return e.n
}

// AddPolygon adds the lon/lat polygon g as Layer.Add does. It reports whether anything of g remains on the
// tile; when it does, the tags that follow are the new feature's. g itself is not changed.
func (e *Encoder) AddPolygon(g orb.Polygon) bool {
	e.flush()
	if len(g) == 0 || len(g[0]) < 3 {
		return false
	}
	e.rings, e.pts = e.rings[:0], e.pts[:0]
	for _, r := range g {
		start := len(e.pts)
		for _, ll := range r {
			e.pts = append(e.pts, e.pixel(ll[0], ll[1]))
		}
		e.rings = append(e.rings, e.pts[start:len(e.pts):len(e.pts)])
	}
	return e.addProjected()
}

// AddWKB adds the polygon in b — WKB (either byte order), or EWKB with an SRID, of a 2D Polygon in
// lon/lat — as AddPolygon does. Bytes that are not such a polygon are an error wrapping ErrBadWKB, and
// add nothing.
func (e *Encoder) AddWKB(b []byte) (bool, error) {
	e.flush()
	if err := e.decodeWKB(b); err != nil {
		return false, err
	}
	if len(e.rings) == 0 || len(e.rings[0]) < 3 {
		return false, nil
	}
	return e.addProjected(), nil
}

// wkbReader reads WKB numbers in one byte order, failing once past the end.
type wkbReader struct {
	b     []byte
	order binary.ByteOrder
	err   error
}

func (r *wkbReader) uint32() uint32 {
	if r.err != nil || len(r.b) < 4 {
		r.fail("truncated")
		return 0
	}
	v := r.order.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *wkbReader) float64() float64 {
	if r.err != nil || len(r.b) < 8 {
		r.fail("truncated")
		return 0
	}
	v := math.Float64frombits(r.order.Uint64(r.b))
	r.b = r.b[8:]
	return v
}

func (r *wkbReader) fail(why string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrBadWKB, why)
	}
}

// WKB geometry type flags and codes (EWKB's SRID flag, and ISO's 2D polygon).
const (
	wkbPolygon = 3
	ewkbSRID   = 0x20000000
)

// decodeWKB decodes a 2D WKB polygon into e.rings, projected onto the tile's grid.
func (e *Encoder) decodeWKB(b []byte) error {
	e.rings, e.pts = e.rings[:0], e.pts[:0]
	if len(b) < 5 {
		return fmt.Errorf("%w: %d bytes", ErrBadWKB, len(b))
	}
	r := wkbReader{b: b[1:]}
	switch b[0] {
	case 0:
		r.order = binary.BigEndian
	case 1:
		r.order = binary.LittleEndian
	default:
		return fmt.Errorf("%w: byte order %d", ErrBadWKB, b[0])
	}
	typ := r.uint32()
	if typ&ewkbSRID != 0 {
		r.uint32()
		typ &^= ewkbSRID
	}
	if typ != wkbPolygon {
		return fmt.Errorf("%w: geometry type %#x, want a 2D polygon", ErrBadWKB, typ)
	}
	nRings := r.uint32()
	if r.err == nil && uint64(nRings)*4 > uint64(len(r.b)) {
		r.fail("more rings than bytes")
	}
	for i := uint32(0); i < nRings && r.err == nil; i++ {
		n := r.uint32()
		if r.err == nil && uint64(n)*16 > uint64(len(r.b)) {
			r.fail("more points than bytes")
			break
		}
		start := len(e.pts)
		for j := uint32(0); j < n; j++ {
			x := r.float64()
			y := r.float64()
			e.pts = append(e.pts, e.pixel(x, y))
		}
		e.rings = append(e.rings, e.pts[start:len(e.pts):len(e.pts)])
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail(fmt.Sprintf("%d bytes after the polygon", len(r.b)))
	}
	if r.err != nil {
		e.rings, e.pts = e.rings[:0], e.pts[:0]
	}
	return r.err
}

// pixel projects a lon/lat point onto the tile's grid (geo.TilePixel).
func (e *Encoder) pixel(lon, lat float64) orb.Point {
	var p orb.Point
	p[0], p[1] = geo.TilePixel(e.tile, orb.Point{lon, lat}, Extent)
	return p
}

// addProjected clips, simplifies and snaps e.rings and starts a feature with them.
func (e *Encoder) addProjected() bool {
	px, ok := shape(e.rings, Extent, Buffer, true)
	if !ok {
		return false
	}
	e.geom = appendCommands(e.geom[:0], px)
	e.tags = e.tags[:0]
	e.ready, e.keyNext = true, 0
	return true
}

// appendCommands appends the MVT commands of a polygon with closed rings: for each ring a MoveTo, a LineTo
// of its other points but the closing one, and a ClosePath, with zigzag deltas from the cursor.
func appendCommands(dst []uint32, p orb.Polygon) []uint32 {
	var cx, cy int32
	point := func(pt orb.Point) {
		x, y := int32(pt[0]), int32(pt[1])
		dx, dy := x-cx, y-cy
		cx, cy = x, y
		dst = append(dst, uint32((dx<<1)^(dx>>31)), uint32((dy<<1)^(dy>>31)))
	}
	for _, r := range p {
		if len(r) == 0 {
			continue
		}
		dst = append(dst, 1<<3|moveTo)
		point(r[0])
		rest := r[1:]
		if r.Closed() {
			rest = r[1 : len(r)-1]
		}
		dst = append(dst, uint32(len(rest))<<3|lineTo)
		for _, pt := range rest {
			point(pt)
		}
		dst = append(dst, 1<<3|closePath)
	}
	return dst
}

// MVT geometry commands.
const (
	moveTo    = 1
	lineTo    = 2
	closePath = 7
)

// String tags the current feature with key = v (a string value).
func (e *Encoder) String(key, v string) {
	if !e.ready {
		return
	}
	i, ok := e.strIdx[v]
	if !ok {
		i = addStringTo(e, v)
		e.strIdx[v] = i
	}
	e.tags = append(e.tags, e.key(key), i)
}

// Bytes is String with a value given as bytes, which are not kept.
func (e *Encoder) Bytes(key string, v []byte) {
	if !e.ready {
		return
	}
	i, ok := e.strIdx[string(v)] // no allocation for the lookup
	if !ok {
		i = addStringTo(e, v)
		e.strIdx[string(v)] = i
	}
	e.tags = append(e.tags, e.key(key), i)
}

// UniqueBytes is Bytes for a value that no other tag of the layer has (a feature's own id): it is written
// without being looked up or remembered. The tile is the same as with Bytes when the value is indeed
// unique; when it is not, the value is written twice, which readers decode alike.
func (e *Encoder) UniqueBytes(key string, v []byte) {
	if !e.ready {
		return
	}
	e.tags = append(e.tags, e.key(key), addStringTo(e, v))
}

// Int tags the current feature with key = v (a sint value, as orb writes Go integers).
func (e *Encoder) Int(key string, v int64) {
	if !e.ready {
		return
	}
	i, ok := e.intIdx[v]
	if !ok {
		zz := uint64((v << 1) ^ (v >> 63))
		i = e.startValue(1 + uvarintLen(zz))
		e.values = binary.AppendUvarint(append(e.values, 6<<3|0), zz)
		e.intIdx[v] = i
	}
	e.tags = append(e.tags, e.key(key), i)
}

// Double tags the current feature with key = v (a double value).
func (e *Encoder) Double(key string, v float64) {
	if !e.ready {
		return
	}
	i, ok := e.dblIdx[v]
	if !ok {
		i = e.startValue(9)
		e.values = binary.LittleEndian.AppendUint64(append(e.values, 3<<3|1), math.Float64bits(v))
		e.dblIdx[v] = i
	}
	e.tags = append(e.tags, e.key(key), i)
}

// key returns the index of key k, adding it when new. The tags of every feature come in one order, so the
// key after the last one looked up is tried first.
func (e *Encoder) key(k string) uint32 {
	if i := e.keyNext; int(i) < len(e.keys) && e.keys[i] == k {
		e.keyNext++
		return i
	}
	i, ok := e.keyIdx[k]
	if !ok {
		i = uint32(len(e.keys))
		e.keys = append(e.keys, k)
		e.keyIdx[k] = i
	}
	e.keyNext = i + 1
	return i
}

// addStringTo appends a string value message (field 1) as a field 4 of e's layer and returns its index.
func addStringTo[T string | []byte](e *Encoder, v T) uint32 {
	n := len(v)
	i := e.startValue(1 + uvarintLen(uint64(n)) + n)
	e.values = binary.AppendUvarint(append(e.values, 1<<3|2), uint64(n))
	e.values = append(e.values, v...)
	return i
}

// startValue begins a value message of size bytes as a field 4 of the layer (its key and length written)
// and returns its index; the caller appends the message.
func (e *Encoder) startValue(size int) uint32 {
	e.values = append(e.values, 4<<3|2)
	e.values = binary.AppendUvarint(e.values, uint64(size))
	e.nVals++
	return e.nVals - 1
}

// uvarintLen is the length of x as a protobuf varint.
func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// flush writes the current feature, if any, into e.feats.
func (e *Encoder) flush() {
	if !e.ready {
		return
	}
	e.ready = false
	e.n++
	size := 0
	if len(e.tags) > 0 {
		t := packedSize(e.tags)
		size += 1 + uvarintSize(uint64(t)) + t
	}
	g := packedSize(e.geom)
	size += 2 + 1 + uvarintSize(uint64(g)) + g // type, then geometry
	e.feats = append(e.feats, 2<<3|2)
	e.feats = binary.AppendUvarint(e.feats, uint64(size))
	if len(e.tags) > 0 {
		e.feats = appendPacked(e.feats, 2, e.tags)
	}
	e.feats = append(e.feats, 3<<3|0, 3) // type: POLYGON
	e.feats = appendPacked(e.feats, 4, e.geom)
}

// Marshal returns the tile of one layer (version 2, extent 4096) holding the features added, or nil when
// there are none. The encoder can be Reset and used again afterwards; the bytes returned are the
// caller's.
func (e *Encoder) Marshal() []byte {
	e.flush()
	if e.n == 0 {
		return nil
	}
	size := 1 + uvarintSize(uint64(len(e.name))) + len(e.name) + len(e.feats) + len(e.values) + 3 + 2
	for _, k := range e.keys {
		size += 1 + uvarintSize(uint64(len(k))) + len(k)
	}
	out := make([]byte, 0, size+1+binary.MaxVarintLen64)
	out = append(out, 3<<3|2) // Tile.layers
	out = binary.AppendUvarint(out, uint64(size))
	out = appendBytesField(out, 1, e.name)
	out = append(out, e.feats...)
	for _, k := range e.keys {
		out = appendBytesField(out, 3, k)
	}
	out = append(out, e.values...)
	out = append(out, 5<<3|0)
	out = binary.AppendUvarint(out, Extent)
	out = append(out, 15<<3|0, 2) // version 2
	return out
}

func appendBytesField(b []byte, field int, s string) []byte {
	b = append(b, byte(field<<3|2))
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendPacked(b []byte, field int, vs []uint32) []byte {
	b = append(b, byte(field<<3|2))
	b = binary.AppendUvarint(b, uint64(packedSize(vs)))
	for _, v := range vs {
		b = binary.AppendUvarint(b, uint64(v))
	}
	return b
}

func packedSize(vs []uint32) int {
	n := 0
	for _, v := range vs {
		n += uvarintSize(uint64(v))
	}
	return n
}

func uvarintSize(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
