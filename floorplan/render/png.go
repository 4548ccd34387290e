package render

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"

	"github.com/fogleman/gg"
	"github.com/paulmach/orb"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"officemap/floorplan"
)

// widestFitting is the widest width at most o.Width whose layout of p stays within MaxPixels (MinWidth
// when none does): a layout is cheap next to the drawing, so it is searched by halving.
func widestFitting(p Plan, o Options, m measurer, cjk bool) int {
	lo, hi := MinWidth, o.Width
	for lo < hi {
		mid := (lo + hi + 1) / 2
		o.Width = mid
		if L := computeLayout(p, o, m, cjk); L.w*L.h <= MaxPixels {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// Colours of the drawing itself, as 0xRRGGBB.
const (
	inkHex         = 0x252525 // outlines, text
	outlineFillHex = 0xf4f4f4 // the floor under the rooms
	outlineInkHex  = 0x737373
	paperHex       = 0xffffff
)

// rgb turns 0xRRGGBB into an opaque colour.
func rgb(h uint32) color.NRGBA {
	return color.NRGBA{uint8(h >> 16), uint8(h >> 8), uint8(h), 0xff}
}

// PNG draws the plan as a PNG image o.Width pixels wide. Chinese text needs a CJK font (see
// LoadFonts); without one the plan is labelled in English with room numbers only.
func PNG(w io.Writer, p Plan, o Options) error {
	o, err := o.normalise()
	if err != nil {
		return err
	}
	fonts := o.Fonts
	if fonts == nil {
		fonts = LoadFonts()
	}
	fs := newFaces(fonts)
	defer fs.close()
	L := computeLayout(p, o, fs, fonts.CJK())
	if L.w*L.h > MaxPixels {
		return floorplan.Invalidf("the plan would be %d × %d pixels, more than %d million; ask for a smaller width (at most %d for this floor)",
			L.w, L.h, MaxPixels/1_000_000, widestFitting(p, o, fs, fonts.CJK()))
	}

	im := image.NewRGBA(image.Rect(0, 0, L.w, L.h))
	dc := gg.NewContextForRGBA(im)
	dc.SetColor(rgb(paperHex))
	dc.Clear()

	dc.SetFillRuleEvenOdd()
	dc.SetLineJoinRound()
	if len(L.outline) > 0 {
		pathPolygon(dc, L.outline)
		dc.SetColor(rgb(outlineFillHex))
		dc.FillPreserve()
		dc.SetColor(rgb(outlineInkHex))
		dc.SetLineWidth(L.stroke * 1.5)
		dc.Stroke()
	}
	rooms := make([]Shape, 0, len(L.rooms))
	for _, r := range L.rooms {
		if len(r.px) > 0 {
			rooms = append(rooms, Shape{Polygon: r.px, Fill: r.fill})
		}
	}
	drawShapes(dc, rooms, Outline{Color: rgb(inkHex), Width: L.stroke})
	for _, r := range L.rooms {
		strokeLines(dc, r.hatch, voidHatchColor, L.hatchW)
	}
	// A door is a gap in the wall: a paper-coloured casing cuts the outline, the door's line is drawn in it.
	strokeLines(dc, L.openings, rgb(paperHex), L.openingW*1.6)
	strokeLines(dc, L.openings, openingColor, L.openingW)
	for _, r := range L.rooms {
		if r.label == nil {
			continue
		}
		for _, t := range r.label.lines {
			drawText(im, fs, t)
		}
	}
	drawText(im, fs, L.title)

	// North arrow.
	dc.MoveTo(L.north[0][0], L.north[0][1])
	for _, pt := range L.north[1:] {
		dc.LineTo(pt[0], pt[1])
	}
	dc.ClosePath()
	dc.SetColor(rgb(inkHex))
	dc.Fill()
	drawText(im, fs, L.northText)

	// Scale bar.
	for i, sg := range L.scale.segs {
		dc.DrawRectangle(sg.x0, sg.y0, sg.x1-sg.x0, sg.y1-sg.y0)
		if i%2 == 0 {
			dc.SetColor(rgb(inkHex))
		} else {
			dc.SetColor(rgb(paperHex))
		}
		dc.FillPreserve()
		dc.SetColor(rgb(inkHex))
		dc.SetLineWidth(1)
		dc.Stroke()
	}
	for _, t := range L.scale.texts {
		drawText(im, fs, t)
	}

	// Legend.
	for _, sw := range L.legend {
		dc.DrawRectangle(sw.box.x0, sw.box.y0, sw.box.x1-sw.box.x0, sw.box.y1-sw.box.y0)
		dc.SetColor(sw.fill)
		dc.Fill()
		strokeLines(dc, sw.hatch, voidHatchColor, 1)
		dc.DrawRectangle(sw.box.x0, sw.box.y0, sw.box.x1-sw.box.x0, sw.box.y1-sw.box.y0)
		dc.SetColor(rgb(inkHex))
		dc.SetLineWidth(1)
		dc.Stroke()
		drawText(im, fs, sw.text)
	}
	if L.legendExtra != nil {
		drawText(im, fs, *L.legendExtra)
	}

	return encodePNG(w, im)
}

// Shape is a polygon in pixels (x east, y down) and the colour it is filled with.
type Shape struct {
	Polygon orb.Polygon
	Fill    color.NRGBA
}

// Outline is how shapes are outlined: in Color, Width pixels wide, and only when a shape's bound is at
// least MinSize pixels across both ways (so that a shape smaller than its own outline stays a dot of
// its fill colour).
type Outline struct {
	Color   color.NRGBA
	Width   float64
	MinSize float64
}

// ShapesPNG draws the shapes on a transparent square size pixels a side, as the plans draw their
// rooms (filled with the even-odd rule in order, then outlined with round joins), and writes it as a
// PNG: the raster map tiles, which show rooms in the plans' colours.
func ShapesPNG(w io.Writer, size int, shapes []Shape, o Outline) error {
	im := image.NewRGBA(image.Rect(0, 0, size, size))
	dc := gg.NewContextForRGBA(im)
	dc.SetFillRuleEvenOdd()
	dc.SetLineJoinRound()
	drawShapes(dc, shapes, o)
	return encodePNG(w, im)
}

// drawShapes fills every shape, then outlines those of at least o.MinSize pixels across.
func drawShapes(dc *gg.Context, shapes []Shape, o Outline) {
	for _, s := range shapes {
		pathPolygon(dc, s.Polygon)
		dc.SetColor(s.Fill)
		dc.Fill()
	}
	dc.SetColor(o.Color)
	dc.SetLineWidth(o.Width)
	for _, s := range shapes {
		if b := s.Polygon.Bound(); b.Max[0]-b.Min[0] < o.MinSize || b.Max[1]-b.Min[1] < o.MinSize {
			continue
		}
		pathPolygon(dc, s.Polygon)
		dc.Stroke()
	}
}

// encodePNG writes im as a PNG, favouring speed over size.
func encodePNG(w io.Writer, im image.Image) error {
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(w, im); err != nil {
		return fmt.Errorf("render: encoding PNG: %w", err)
	}
	return nil
}

// strokeLines draws open lines in c, width pixels wide, with butt caps.
func strokeLines(dc *gg.Context, ls []orb.LineString, c color.NRGBA, width float64) {
	if len(ls) == 0 {
		return
	}
	for _, l := range ls {
		dc.MoveTo(l[0][0], l[0][1])
		for _, pt := range l[1:] {
			dc.LineTo(pt[0], pt[1])
		}
	}
	dc.SetLineCapButt()
	dc.SetColor(c)
	dc.SetLineWidth(width)
	dc.Stroke()
	dc.SetLineCapRound()
}

func pathPolygon(dc *gg.Context, p orb.Polygon) {
	for _, r := range p {
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

// drawText draws one line of text with the face of its size; text the face cannot draw is left out
// rather than drawn as empty boxes. Glyph masks are composited straight onto the image (font.Drawer):
// gg's own DrawString resamples every glyph through its transformation matrix, which the plan (drawn
// without a transformation) does not need and which costs several times more.
func drawText(im *image.RGBA, fs *faces, t text) {
	f := fs.face(t.size)
	if f == nil || t.s == "" || !fs.canDraw(t.s) {
		return
	}
	x := t.x
	if t.centre {
		x -= float64(font.MeasureString(f, t.s)) / 64 / 2
	}
	d := font.Drawer{Dst: im, Src: image.NewUniform(rgb(inkHex)), Face: f,
		Dot: fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round(t.y * 64))}}
	d.DrawString(t.s)
}
