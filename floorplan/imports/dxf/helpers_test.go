package dxf

import (
	"fmt"
	"strings"
)

// drawing writes small DXF files for tests: a header with $INSUNITS, a LAYER table, blocks and
// entities, in group-code pairs.
type drawing struct {
	units  int
	layers []string
	blocks strings.Builder
	ents   strings.Builder
	handle int
}

func newDrawing(units int, layers ...string) *drawing { return &drawing{units: units, layers: layers} }

func gc(b *strings.Builder, code int, v any) { fmt.Fprintf(b, "%3d\n%v\n", code, v) }

func (d *drawing) next() string {
	d.handle++
	return fmt.Sprintf("%X", 0x100+d.handle)
}

// poly adds a closed (or open) LWPOLYLINE of (x, y, bulge) vertices and returns its handle.
func (d *drawing) poly(layer string, closed bool, pts ...[3]float64) string {
	return d.polyTo(&d.ents, layer, closed, pts...)
}

func (d *drawing) polyTo(b *strings.Builder, layer string, closed bool, pts ...[3]float64) string {
	h := d.next()
	gc(b, 0, "LWPOLYLINE")
	gc(b, 5, h)
	gc(b, 8, layer)
	gc(b, 90, len(pts))
	flag := 0
	if closed {
		flag = 1
	}
	gc(b, 70, flag)
	for _, p := range pts {
		gc(b, 10, p[0])
		gc(b, 20, p[1])
		if p[2] != 0 {
			gc(b, 42, p[2])
		}
	}
	return h
}

// rect adds a closed rectangle.
func (d *drawing) rect(layer string, x0, y0, x1, y1 float64) string {
	return d.poly(layer, true, [3]float64{x0, y0}, [3]float64{x1, y0}, [3]float64{x1, y1}, [3]float64{x0, y1})
}

// text adds a TEXT entity.
func (d *drawing) text(layer, s string, x, y float64) string {
	h := d.next()
	gc(&d.ents, 0, "TEXT")
	gc(&d.ents, 5, h)
	gc(&d.ents, 8, layer)
	gc(&d.ents, 10, x)
	gc(&d.ents, 20, y)
	gc(&d.ents, 40, 1)
	gc(&d.ents, 1, s)
	return h
}

// raw adds entity pairs as they are.
func (d *drawing) raw(s string) { d.ents.WriteString(s) }

// String is the whole file.
func (d *drawing) String() string {
	var b strings.Builder
	gc(&b, 0, "SECTION")
	gc(&b, 2, "HEADER")
	gc(&b, 9, "$ACADVER")
	gc(&b, 1, "AC1032")
	if d.units >= 0 {
		gc(&b, 9, "$INSUNITS")
		gc(&b, 70, d.units)
	}
	gc(&b, 0, "ENDSEC")
	gc(&b, 0, "SECTION")
	gc(&b, 2, "TABLES")
	gc(&b, 0, "TABLE")
	gc(&b, 2, "LAYER")
	for _, l := range d.layers {
		gc(&b, 0, "LAYER")
		gc(&b, 2, l)
		gc(&b, 70, 0)
	}
	gc(&b, 0, "ENDTAB")
	gc(&b, 0, "ENDSEC")
	gc(&b, 0, "SECTION")
	gc(&b, 2, "BLOCKS")
	b.WriteString(d.blocks.String())
	gc(&b, 0, "ENDSEC")
	gc(&b, 0, "SECTION")
	gc(&b, 2, "ENTITIES")
	b.WriteString(d.ents.String())
	gc(&b, 0, "ENDSEC")
	gc(&b, 0, "EOF")
	return b.String()
}

// block adds a block definition whose entities fill adds.
func (d *drawing) block(name string, baseX, baseY float64, fill func(b *strings.Builder)) {
	gc(&d.blocks, 0, "BLOCK")
	gc(&d.blocks, 8, "0")
	gc(&d.blocks, 2, name)
	gc(&d.blocks, 10, baseX)
	gc(&d.blocks, 20, baseY)
	fill(&d.blocks)
	gc(&d.blocks, 0, "ENDBLK")
}

// insert adds an INSERT of a block.
func insert(b *strings.Builder, handle, layer, block string, x, y, sx, sy, rot float64) {
	gc(b, 0, "INSERT")
	gc(b, 5, handle)
	gc(b, 8, layer)
	gc(b, 2, block)
	gc(b, 10, x)
	gc(b, 20, y)
	gc(b, 41, sx)
	gc(b, 42, sy)
	gc(b, 50, rot)
}
