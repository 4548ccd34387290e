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
)

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
	for _, r := range L.rooms {
		if len(r.px) == 0 {
			continue
		}
		pathPolygon(dc, r.px)
		dc.SetColor(r.fill)
		dc.Fill()
	}
	dc.SetColor(rgb(inkHex))
	dc.SetLineWidth(L.stroke)
	for _, r := range L.rooms {
		if len(r.px) == 0 {
			continue
		}
		pathPolygon(dc, r.px)
		dc.Stroke()
	}
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
		dc.FillPreserve()
		dc.SetColor(rgb(inkHex))
		dc.SetLineWidth(1)
		dc.Stroke()
		drawText(im, fs, sw.text)
	}
	if L.legendExtra != nil {
		drawText(im, fs, *L.legendExtra)
	}

	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(w, im); err != nil {
		return fmt.Errorf("render: encoding PNG: %w", err)
	}
	return nil
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
