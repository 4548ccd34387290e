package api_test

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// PDFs are read back by independent readers: poppler-utils (pdftotext, pdffonts, pdftoppm) and a QR
// decoder (gozxing) on the pages as pdftoppm rasterises them.

// poppler returns the path of a poppler-utils command: the test fails without it in CI (CI=true) and
// skips elsewhere.
func poppler(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs %s (apt-get install poppler-utils): %v", name, err)
		}
		t.Skipf("%s is not installed (poppler-utils)", name)
	}
	return p
}

// writePDF writes pdf to a file of the test's and returns its path.
func writePDF(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// popplerRun runs a poppler command with args and returns its standard output.
func popplerRun(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(poppler(t, name), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	return out
}

// pdfText is the text of pdf as `pdftotext -layout` reads it.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	return string(popplerRun(t, "pdftotext", "-layout", writePDF(t, pdf), "-"))
}

// pdfFonts is the font table `pdffonts` prints for pdf.
func pdfFonts(t *testing.T, pdf []byte) string {
	t.Helper()
	return string(popplerRun(t, "pdffonts", writePDF(t, pdf)))
}

// pdfQR rasterises every page of pdf at 150 dpi (`pdftoppm -r 150 -png`) and returns the text of the
// first QR code found, page by page.
func pdfQR(t *testing.T, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	popplerRun(t, "pdftoppm", "-r", "150", "-png", writePDF(t, pdf), filepath.Join(dir, "page"))
	pages, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("pdftoppm wrote no pages (%v)", err)
	}
	sort.Strings(pages)
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	for _, p := range pages {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		im, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(p), err)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(im)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := qrcode.NewQRCodeReader().Decode(bmp, hints); err == nil {
			return res.GetText()
		}
	}
	t.Fatalf("no QR code on any of the %d pages", len(pages))
	return ""
}
