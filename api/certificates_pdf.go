package api

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"net/http"

	"codeberg.org/go-pdf/fpdf"
	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"officemap/floorplan"
	"officemap/floorplan/render"
)

// The certificate as a PDF: its pages are drawn as images with the app's fonts (render.CertificatePages,
// Chinese text included) and each is placed on an A4 page of the PDF.

// certificateTitle is the title printed on a certificate.
const certificateTitle = "党政机关办公用房分配使用凭证"

// certificatePDF serves GET /api/v1/certificates/{id}.pdf.
func (s *Server) certificatePDF(w http.ResponseWriter, r *http.Request) error {
	c, err := s.visibleCertificate(r)
	if err != nil {
		return err
	}
	url := s.baseURL(r) + verifyPath(c.Code)
	page := render.CertificatePage{Title: certificateTitle, Number: c.Number(), Agency: s.agencyName(r, c.AgencyID),
		TotalAreaM2: c.TotalAreaM2, IssueDate: c.IssuedAt.Format(floorplan.DateLayout), VerifyURL: url}
	for _, rm := range c.Rooms {
		page.Rooms = append(page.Rooms, render.CertificateRoom{Building: rm.Building, Floor: rm.Floor, Number: rm.Number, AreaM2: rm.AreaM2})
	}
	if c.Revoked() {
		page.Revoked = "已撤销"
	}
	if page.QR, err = qrImage(url, 360); err != nil {
		return err
	}
	body, err := certificatePDFBytes(page, s.renderFonts(), c)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="certificate-%s.pdf"`, c.Number()))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(body)
	return err
}

// qrImage is the QR code of text, size × size pixels, at error-correction level M.
func qrImage(text string, size int) (image.Image, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("api: QR code: %w", err)
	}
	return barcode.Scale(code, size, size)
}

// certificatePDFBytes draws page and wraps its images, one per A4 page, in a PDF.
func certificatePDFBytes(page render.CertificatePage, fonts *render.Fonts, c floorplan.Certificate) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.SetCreationDate(c.IssuedAt)
	pdf.SetModificationDate(c.IssuedAt)
	pdf.SetTitle(certificateTitle+" "+c.Number(), true)
	pdf.SetCreator("officemap", true)
	for i, im := range render.CertificatePages(page, fonts) {
		var buf bytes.Buffer
		if err := png.Encode(&buf, im); err != nil {
			return nil, err
		}
		name := fmt.Sprintf("page%d", i+1)
		pdf.AddPage()
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, &buf)
		pdf.ImageOptions(name, 0, 0, 210, 297, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("api: certificate PDF: %w", err)
	}
	return out.Bytes(), nil
}
