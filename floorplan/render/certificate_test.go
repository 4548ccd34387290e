package render_test

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"officemap/floorplan/render"
)

// inked counts the pixels of r in im darker than mid-grey.
func inked(im image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if g := color.GrayModel.Convert(im.At(x, y)).(color.Gray); g.Y < 128 {
				n++
			}
		}
	}
	return n
}

// TestCertificatePages: A4 pages at 150 dpi, the title drawn in the CJK font, the table running over to
// a second page past the first page's rows, and the QR code on the last page only.
func TestCertificatePages(t *testing.T) {
	fonts := render.LoadFonts()
	if !fonts.CJK() {
		t.Skip("no CJK font installed")
	}
	qr := image.NewGray(image.Rect(0, 0, 360, 360)) // all black: easy to find
	p := render.CertificatePage{Title: "党政机关办公用房分配使用凭证", Number: "2026-0000ABCD", Agency: "常州市发展和改革委员会",
		IssueDate: "2026-12-02", VerifyURL: "http://example.test/verify/X", QR: qr}
	for _, n := range []int{3, 40} {
		p.Rooms = nil
		for i := range n {
			p.Rooms = append(p.Rooms, render.CertificateRoom{Building: "综合楼", Floor: "2F", Number: fmt.Sprint(201 + i), AreaM2: 18})
		}
		pages := render.CertificatePages(p, fonts)
		want := 1
		if n > 22 {
			want = 2
		}
		if len(pages) != want {
			t.Fatalf("%d rooms: %d pages; want %d", n, len(pages), want)
		}
		for i, im := range pages {
			if b := im.Bounds(); b.Dx() != 1240 || b.Dy() != 1754 {
				t.Errorf("page size %v; want 1240 × 1754 (A4 at 150 dpi)", b)
			}
			if inked(im, image.Rect(300, 110, 940, 180)) < 2000 {
				t.Errorf("%d rooms, page %d: no title drawn", n, i+1)
			}
			qrInk := inked(im, image.Rect(120, 1754-520, 480, 1754-160))
			if last := i == len(pages)-1; last != (qrInk == 360*360) {
				t.Errorf("%d rooms, page %d of %d: QR area inked %d", n, i+1, len(pages), qrInk)
			}
		}
		if dir := os.Getenv("CERTIFICATE_PNG_DIR"); dir != "" {
			f, err := os.Create(filepath.Join(dir, fmt.Sprintf("certificate-%d.png", n)))
			if err == nil {
				err = png.Encode(f, pages[0])
				f.Close()
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}
