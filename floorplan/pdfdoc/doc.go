// Package pdfdoc writes A4 documents as real text PDFs — certificates, notices (整改通知), referral files,
// reports — with a Chinese TrueType font embedded as a subset (only the glyphs used), so that the text can be
// searched, copied and read by any PDF reader or extractor (pdftotext) and the file stays small.
//
// A Doc flows top to bottom: a title, headings, paragraphs, key–value rows, tables that break across pages
// with their header repeated, images, QR codes and boxed notices; every page has a footer with a caption
// and "第 n 页 / 共 N 页". Methods record the first error, which Bytes returns, so a document is written
// without checking each call:
//
//	font, err := pdfdoc.FindFont() // once, at start-up
//	d := pdfdoc.New(font, pdfdoc.Options{Title: "整改通知书", Footer: "No. 2026-001"})
//	d.Title("整改通知书", "Rectification notice")
//	d.KeyValues([]pdfdoc.KV{{Key: "使用单位", Value: "市发展和改革委员会"}})
//	pdf, err := d.Bytes()
package pdfdoc

import (
	"bytes"
	"fmt"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Page geometry in millimetres: A4 with 20 mm side margins.
const (
	PageWidth    = 210.0
	PageHeight   = 297.0
	MarginSide   = 20.0
	MarginTop    = 18.0
	MarginBottom = 22.0
	// ContentWidth is the width between the side margins.
	ContentWidth = PageWidth - 2*MarginSide
)

// Type sizes in points.
const (
	sizeTitle    = 18.0
	sizeSubtitle = 11.0
	sizeHeading  = 12.5
	sizeBody     = 10.5
	sizeSmall    = 8.5
)

// Colours.
var (
	colorInk    = [3]int{0x22, 0x22, 0x22}
	colorMuted  = [3]int{0x66, 0x66, 0x66}
	colorRule   = [3]int{0x99, 0x99, 0x99}
	colorShade  = [3]int{0xEE, 0xF1, 0xF4}
	colorNotice = [3]int{0xB0, 0x00, 0x20}
)

// nbAlias is replaced by the number of pages when the PDF is written.
const nbAlias = "{nb}"

// Options describe a document.
type Options struct {
	// Title, Subject and Author are the PDF's metadata (Title also names the document in readers' windows).
	Title, Subject, Author string
	// Footer is printed at the left of every page's footer (a document number, say); "" for none.
	Footer string
	// Date is the document's creation date in its metadata; zero means now. Give it for reproducible files.
	Date time.Time
}

// Doc is an A4 document being written. It is not safe for concurrent use.
type Doc struct {
	pdf    *fpdf.Fpdf
	err    error
	images int
	// family is the name the font is registered under, and psName its PostScript name (subsetName).
	family, psName string
}

// New starts a document in font (FindFont), with its first page open.
func New(font *Font, opt Options) *Doc {
	pdf := fpdf.New("P", "mm", "A4", "")
	d := &Doc{pdf: pdf}
	if font == nil || len(font.TTF) == 0 {
		d.err = fmt.Errorf("pdfdoc: no font given (FindFont): %w", ErrNoFont)
		return d
	}
	d.psName = font.postScriptName()
	d.family = registeredFamily(d.psName)
	date := opt.Date
	if date.IsZero() {
		date = time.Now()
	}
	pdf.SetCompression(true)
	pdf.SetCreationDate(date)
	pdf.SetModificationDate(date)
	pdf.SetTitle(opt.Title, true)
	pdf.SetSubject(opt.Subject, true)
	pdf.SetAuthor(opt.Author, true)
	pdf.SetCreator("officemap", true)
	pdf.SetLang("zh-CN")
	pdf.SetMargins(MarginSide, MarginTop, MarginSide)
	pdf.SetAutoPageBreak(true, MarginBottom)
	pdf.AliasNbPages(nbAlias) // before the font is added: fpdf sizes its subset with it
	pdf.AddUTF8FontFromBytes(d.family, "", font.TTF)
	pdf.SetFooterFunc(func() { d.footer(opt.Footer) })
	pdf.AddPage()
	d.font(sizeBody, colorInk)
	if pdf.Err() {
		d.err = fmt.Errorf("pdfdoc: font %s cannot be embedded: %w", font.Path, pdf.Error())
	}
	return d
}

// footer draws the footer of the current page: the caption at the left, the page number at the right.
func (d *Doc) footer(caption string) {
	p := d.pdf
	p.SetY(-14)
	d.rule(colorRule, 0.2)
	p.SetY(-12)
	d.font(sizeSmall, colorMuted)
	half := ContentWidth / 2
	p.CellFormat(half, 5, caption, "", 0, "L", false, 0, "")
	// The page's own number is written in full, so that every digit of the total (the last page's number)
	// is in the font's subset when the alias is replaced.
	p.CellFormat(half, 5, fmt.Sprintf("第 %d 页 / 共 %s 页", p.PageNo(), nbAlias), "", 0, "R", false, 0, "")
}

// Err returns the first error met so far.
func (d *Doc) Err() error {
	if d.err == nil && d.pdf.Err() {
		d.err = fmt.Errorf("pdfdoc: %w", d.pdf.Error())
	}
	return d.err
}

// ok reports whether writing may go on.
func (d *Doc) ok() bool { return d.Err() == nil }

// Bytes finishes the document and returns the PDF.
func (d *Doc) Bytes() ([]byte, error) {
	if err := d.Err(); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := d.pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("pdfdoc: writing the PDF: %w", err)
	}
	return d.subsetName(out.Bytes()), nil
}

// Pages is the number of pages so far.
func (d *Doc) Pages() int { return d.pdf.PageCount() }

// font sets the type size and colour.
func (d *Doc) font(size float64, c [3]int) {
	d.pdf.SetFont(d.family, "", size)
	d.pdf.SetTextColor(c[0], c[1], c[2])
}

// lineHeight is the height of a line of text at size points, in mm.
func lineHeight(size float64) float64 { return size * 0.3528 * 1.45 }

// rule draws a horizontal line across the content width at the current position.
func (d *Doc) rule(c [3]int, width float64) {
	p := d.pdf
	p.SetDrawColor(c[0], c[1], c[2])
	p.SetLineWidth(width)
	y := p.GetY()
	p.Line(MarginSide, y, PageWidth-MarginSide, y)
}

// Remaining is the height left on the current page above the bottom margin, in mm.
func (d *Doc) Remaining() float64 { return PageHeight - MarginBottom - d.pdf.GetY() }

// NeedSpace starts a new page unless h mm are left on this one: call it before a block that must stay
// together.
func (d *Doc) NeedSpace(h float64) {
	if d.ok() && d.Remaining() < h {
		d.pdf.AddPage()
	}
}

// Space moves down h mm (to the next page when this one has no room left).
func (d *Doc) Space(h float64) {
	if !d.ok() {
		return
	}
	if d.Remaining() < h {
		d.pdf.AddPage()
		return
	}
	d.pdf.Ln(h)
}

// Title writes the document's title centred in large type, and under it subtitle (an English title,
// say) in smaller grey type when it is not "".
func (d *Doc) Title(title, subtitle string) {
	if !d.ok() {
		return
	}
	p := d.pdf
	d.font(sizeTitle, colorInk)
	d.multiCell(ContentWidth, lineHeight(sizeTitle), title, "C")
	if subtitle != "" {
		d.font(sizeSubtitle, colorMuted)
		d.multiCell(ContentWidth, lineHeight(sizeSubtitle), subtitle, "C")
	}
	p.Ln(4)
}

// Heading writes a section heading with a rule under it; the heading moves to the next page when fewer
// than 30 mm are left, so it is not stranded above its section.
func (d *Doc) Heading(text string) {
	if !d.ok() {
		return
	}
	d.NeedSpace(30)
	p := d.pdf
	p.Ln(2)
	d.font(sizeHeading, colorInk)
	d.multiCell(ContentWidth, lineHeight(sizeHeading), text, "L")
	d.rule(colorRule, 0.3)
	p.Ln(2.5)
	d.font(sizeBody, colorInk)
}

// Paragraph writes text wrapped to the content width (lines break between Chinese characters and at
// spaces; "\n" starts a new line).
func (d *Doc) Paragraph(text string) {
	if !d.ok() {
		return
	}
	d.font(sizeBody, colorInk)
	d.multiCell(ContentWidth, lineHeight(sizeBody), text, "L")
	d.pdf.Ln(1.5)
}

// Small writes text in small grey type (a note, a source, a URL).
func (d *Doc) Small(text string) {
	if !d.ok() {
		return
	}
	d.font(sizeSmall, colorMuted)
	d.multiCell(ContentWidth, lineHeight(sizeSmall), text, "L")
	d.font(sizeBody, colorInk)
}

// KV is a labelled value.
type KV struct{ Key, Value string }

// keyWidth is the width of the labels of KeyValues.
const keyWidth = 42.0

// KeyValues writes rows of a label (grey, left) and its value (wrapped in the rest of the width).
func (d *Doc) KeyValues(rows []KV) {
	if !d.ok() {
		return
	}
	p := d.pdf
	lh := lineHeight(sizeBody)
	for _, kv := range rows {
		d.font(sizeBody, colorInk)
		lines := max(1, d.lineCount(kv.Value, ContentWidth-keyWidth))
		d.NeedSpace(float64(lines) * lh)
		y := p.GetY()
		d.font(sizeBody, colorMuted)
		p.CellFormat(keyWidth, lh, kv.Key, "", 0, "L", false, 0, "")
		d.font(sizeBody, colorInk)
		p.SetXY(MarginSide+keyWidth, y)
		d.multiCell(ContentWidth-keyWidth, lh, kv.Value, "L")
	}
	p.Ln(1.5)
}

// Notice writes text in a red box: a warning the reader must not miss (revoked, overdue).
func (d *Doc) Notice(text string) {
	if !d.ok() {
		return
	}
	p := d.pdf
	d.font(sizeHeading, colorNotice)
	lh := lineHeight(sizeHeading)
	lines := max(1, d.lineCount(text, ContentWidth-6))
	h := float64(lines)*lh + 4
	d.NeedSpace(h)
	y := p.GetY()
	p.SetDrawColor(colorNotice[0], colorNotice[1], colorNotice[2])
	p.SetLineWidth(0.6)
	p.Rect(MarginSide, y, ContentWidth, h, "D")
	p.SetXY(MarginSide+3, y+2)
	d.multiCell(ContentWidth-6, lh, text, "C")
	p.SetY(y + h)
	p.Ln(3)
	d.font(sizeBody, colorInk)
}
