package render

import (
	"fmt"
	"image"
	"image/draw"

	"github.com/fogleman/gg"
)

// A usage certificate (分配使用凭证, floorplan/certificates.go) drawn as A4 pages: the title, its number,
// the agency, a table of the rooms with their usable areas, the total, the issue date and the QR code of
// its verification page. Chinese text needs a CJK font (LoadFonts); the pages are images, which the caller
// wraps in a PDF.

// CertificateDPI is the resolution of the certificate's pages: A4 at 150 dpi is 1240 × 1754 pixels.
const CertificateDPI = 150

// A4 at CertificateDPI.
const (
	certPageW = 1240
	certPageH = 1754
	certRowH  = 44.0
	// certRowsFirst and certRowsNext are the table rows of the first page and of a continuation page;
	// the last page keeps room for the total, the date and the QR code.
	certRowsFirst = 22
	certRowsNext  = 30
)

// CertificateRoom is a row of a certificate's table.
type CertificateRoom struct {
	Building, Floor, Number string
	AreaM2                  float64
}

// CertificatePage is what a certificate shows.
type CertificatePage struct {
	Title, Number, Agency string
	Rooms                 []CertificateRoom
	TotalAreaM2           float64
	IssueDate             string
	// VerifyURL is printed under QR, the code of the verification page (nil draws none).
	VerifyURL string
	QR        image.Image
	// Revoked marks every page as revoked (已撤销) with this text, "" for none.
	Revoked string
}

// CertificatePages draws p as A4 pages at CertificateDPI: the rooms' table runs over as many pages as it
// needs, and the last page carries the total, the date and the QR code.
func CertificatePages(p CertificatePage, fonts *Fonts) []image.Image {
	if fonts == nil {
		fonts = LoadFonts()
	}
	fs := newFaces(fonts)
	defer fs.close()
	chunks := [][]CertificateRoom{}
	rest := p.Rooms
	for n := certRowsFirst; ; n = certRowsNext {
		if len(rest) <= n {
			chunks = append(chunks, rest)
			break
		}
		chunks, rest = append(chunks, rest[:n]), rest[n:]
	}
	pages := make([]image.Image, 0, len(chunks))
	for i, rows := range chunks {
		pages = append(pages, certificatePage(p, fs, rows, i, len(chunks)))
	}
	return pages
}

// certificatePage draws page i (of n) with rows of the table.
func certificatePage(p CertificatePage, fs *faces, rows []CertificateRoom, i, n int) image.Image {
	im := image.NewRGBA(image.Rect(0, 0, certPageW, certPageH))
	dc := gg.NewContextForRGBA(im)
	dc.SetColor(rgb(paperHex))
	dc.Clear()
	dc.SetColor(rgb(inkHex))
	dc.SetLineWidth(3)
	dc.DrawRectangle(60, 60, certPageW-120, certPageH-120)
	dc.Stroke()
	y := 170.0
	drawText(im, fs, text{s: p.Title, x: certPageW / 2, y: y, size: 48, centre: true})
	y += 70
	drawText(im, fs, text{s: "凭证编号 No. " + p.Number, x: certPageW / 2, y: y, size: 26, centre: true})
	if n > 1 {
		drawText(im, fs, text{s: fmt.Sprintf("第 %d / %d 页", i+1, n), x: certPageW - 120, y: y, size: 20})
	}
	y += 80
	drawText(im, fs, text{s: "使用单位：" + p.Agency, x: 120, y: y, size: 30})
	y += 60
	cols := []float64{120, 470, 640, 880, certPageW - 120}
	header := []string{"楼宇", "楼层", "房间号", "使用面积（m²）"}
	y = certificateRow(im, dc, fs, cols, y, header, true)
	for _, r := range rows {
		y = certificateRow(im, dc, fs, cols, y, []string{r.Building, r.Floor, r.Number, fmt.Sprintf("%.2f", r.AreaM2)}, false)
	}
	if i == n-1 {
		y += 50
		drawText(im, fs, text{s: fmt.Sprintf("合计：%d 间，使用面积 %.2f m²", len(p.Rooms), p.TotalAreaM2), x: 120, y: y, size: 30})
		y += 60
		drawText(im, fs, text{s: "发证日期：" + p.IssueDate, x: 120, y: y, size: 30})
		if p.QR != nil {
			qy := certPageH - 520
			draw.Draw(im, image.Rect(120, qy, 120+p.QR.Bounds().Dx(), qy+p.QR.Bounds().Dy()), p.QR, p.QR.Bounds().Min, draw.Src)
			drawText(im, fs, text{s: "扫码核验凭证是否有效", x: 120 + float64(p.QR.Bounds().Dx()) + 40, y: float64(qy) + 120, size: 26})
			drawText(im, fs, text{s: p.VerifyURL, x: 120 + float64(p.QR.Bounds().Dx()) + 40, y: float64(qy) + 170, size: 18})
		}
		drawText(im, fs, text{s: "依据《党政机关办公用房管理办法》第十八条", x: 120, y: certPageH - 110, size: 20})
	}
	if p.Revoked != "" {
		dc.SetRGBA(0.8, 0, 0, 0.8)
		dc.SetLineWidth(6)
		dc.DrawRectangle(certPageW-470, 100, 360, 110)
		dc.Stroke()
		drawText(im, fs, text{s: p.Revoked, x: certPageW - 290, y: 175, size: 44, centre: true})
	}
	return im
}

// certificateRow draws one row of the table at y and returns the y of the next.
func certificateRow(im *image.RGBA, dc *gg.Context, fs *faces, cols []float64, y float64, cells []string, head bool) float64 {
	if head {
		dc.SetRGB(0.92, 0.92, 0.92)
		dc.DrawRectangle(cols[0], y, cols[len(cols)-1]-cols[0], certRowH)
		dc.Fill()
	}
	dc.SetColor(rgb(inkHex))
	dc.SetLineWidth(1.5)
	dc.DrawRectangle(cols[0], y, cols[len(cols)-1]-cols[0], certRowH)
	dc.Stroke()
	for i, c := range cells {
		if i > 0 {
			dc.DrawLine(cols[i], y, cols[i], y+certRowH)
			dc.Stroke()
		}
		drawText(im, fs, text{s: c, x: cols[i] + 12, y: y + certRowH - 13, size: 22})
	}
	return y + certRowH
}
