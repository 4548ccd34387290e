package pdfdoc

import (
	"bytes"
	"fmt"
	"image/png"

	"codeberg.org/go-pdf/fpdf"
	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
)

// maxImageHeight is the tallest an image may be: the page between its margins, less a line.
const maxImageHeight = PageHeight - MarginTop - MarginBottom - 10

// Image places a PNG centred, w mm wide (0: the content width) and h mm high (0: as the image's
// proportions give), scaled down to fit a page. When the rest of this page is too short for it, it is
// scaled down to fit there (to no less than half its size), or moves to the next page.
func (d *Doc) Image(pngData []byte, w, h float64) { d.Figure("", pngData, w, h) }

// minFigureScale is how far Figure shrinks an image to keep it on the current page.
const minFigureScale = 0.5

// Figure is Image with a caption above it (body type, wrapped), kept on the same page as the image.
func (d *Doc) Figure(caption string, pngData []byte, w, h float64) {
	if !d.ok() {
		return
	}
	name, info := d.register(pngData)
	if info == nil {
		return
	}
	if w <= 0 || w > ContentWidth {
		w = ContentWidth
	}
	if h <= 0 {
		iw, ih := info.Extent()
		if iw <= 0 || ih <= 0 {
			d.err = fmt.Errorf("pdfdoc: image %d has no size", d.images)
			return
		}
		h = w * ih / iw
	}
	capH := 0.0
	if caption != "" {
		d.font(sizeBody, colorInk)
		capH = float64(max(1, d.lineCount(caption, ContentWidth)))*lineHeight(sizeBody) + 1
	}
	if h > maxImageHeight-capH {
		w, h = w*(maxImageHeight-capH)/h, maxImageHeight-capH
	}
	if avail := d.Remaining() - capH; h > avail {
		if h*minFigureScale <= avail {
			w, h = w*avail/h, avail
		} else {
			d.pdf.AddPage()
		}
	}
	if caption != "" {
		d.multiCell(ContentWidth, lineHeight(sizeBody), caption, "L")
		d.pdf.Ln(1)
	}
	d.place(name, MarginSide+(ContentWidth-w)/2, w, h)
	d.pdf.Ln(2)
}

// register adds a PNG to the document under a fresh name (nil info on error, which is recorded).
func (d *Doc) register(pngData []byte) (string, *fpdf.ImageInfoType) {
	d.images++
	name := fmt.Sprintf("image%d", d.images)
	info := d.pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(pngData))
	if d.pdf.Err() || info == nil {
		d.err = fmt.Errorf("pdfdoc: image %d is not a usable PNG: %w", d.images, d.pdf.Error())
		return "", nil
	}
	return name, info
}

// place draws a registered image at x and the current y, w × h mm, and moves below it.
func (d *Doc) place(name string, x, w, h float64) {
	y := d.pdf.GetY()
	d.pdf.ImageOptions(name, x, y, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	d.pdf.SetY(y + h)
}

// qrModulePixels is the size of a QR module in the embedded image; the PDF scales it.
const qrModulePixels = 8

// QRImage is the QR code of text (error correction M) as a PNG, each module qrModulePixels square.
func QRImage(text string) ([]byte, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("pdfdoc: QR code of %d bytes: %w", len(text), err)
	}
	n := code.Bounds().Dx() * qrModulePixels
	scaled, err := barcode.Scale(code, n, n)
	if err != nil {
		return nil, fmt.Errorf("pdfdoc: QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, scaled); err != nil {
		return nil, fmt.Errorf("pdfdoc: QR code: %w", err)
	}
	return buf.Bytes(), nil
}

// QR places the QR code of text, size mm square, at the left margin with caption wrapped beside it
// (centred on the page when caption is ""). The code is drawn with a quiet zone of white around it, as
// scanners need.
func (d *Doc) QR(text string, size float64, caption string) {
	if !d.ok() {
		return
	}
	img, err := QRImage(text)
	if err != nil {
		d.err = err
		return
	}
	name, info := d.register(img)
	if info == nil {
		return
	}
	d.NeedSpace(size + 4)
	p := d.pdf
	y := p.GetY() + 2
	p.SetY(y)
	if caption == "" {
		d.place(name, MarginSide+(ContentWidth-size)/2, size, size)
	} else {
		d.place(name, MarginSide, size, size)
		p.SetXY(MarginSide+size+6, y+2)
		d.font(sizeBody, colorInk)
		d.multiCell(ContentWidth-size-6, lineHeight(sizeBody), caption, "L")
		p.SetY(max(p.GetY(), y+size))
	}
	p.Ln(3)
}
