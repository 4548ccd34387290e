package pdfdoc

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// tool returns the path of a poppler-utils command: the test fails without it in CI (CI=true) and
// skips elsewhere.
func tool(t *testing.T, name string) string {
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

// run runs a poppler command on pdf (written to a file) and returns its standard output (pdftotext is
// told to write there with "-"; pdftoppm writes there when given no file name; the others always do).
func run(t *testing.T, pdf []byte, name string, args ...string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	args = append(args, path)
	if name == "pdftotext" {
		args = append(args, "-")
	}
	cmd := exec.Command(tool(t, name), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	return out
}

// pageText is the text of page n as pdftotext -layout reads it.
func pageText(t *testing.T, pdf []byte, n int) string {
	t.Helper()
	return string(run(t, pdf, "pdftotext", "-layout", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n)))
}

// testPNG is a small PNG: a grey frame.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	im := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			c := color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
			if x < 4 || y < 4 || x >= w-4 || y >= h-4 {
				c = color.NRGBA{0x80, 0x80, 0x80, 0xFF}
			}
			im.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, im); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sampleDoc writes a document with every kind of block and a table of rows rows.
func sampleDoc(t *testing.T, font *Font, rows int) []byte {
	t.Helper()
	d := New(font, Options{Title: "整改通知书", Footer: "编号 No. 2026-TEST", Date: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)})
	d.Title("整改通知书", "Rectification notice")
	d.KeyValues([]KV{{"使用单位", "常州市发展和改革委员会"}, {"事项", strings.Repeat("办公用房超标使用，请于规定期限内整改。", 6)}})
	d.Notice("已撤销 Revoked")
	d.Heading("房间 Rooms")
	tab := Table{Columns: []Column{{Title: "楼栋 Building"}, {Title: "房间号 Room", Width: 30}, {Title: "使用面积 m²", Width: 35, Align: Right}}}
	for i := range rows {
		tab.Rows = append(tab.Rows, []string{"综合楼", fmt.Sprintf("R%03d", i+1), fmt.Sprintf("%.2f", 12.5+float64(i))})
	}
	tab.Foot = []string{"合计 Total", "", "99.00"}
	d.Table(tab)
	d.Image(testPNG(t, 400, 200), 120, 0)
	d.QR("https://example.org/verify/ABC", 40, "扫码核验 Scan to verify\nhttps://example.org/verify/ABC")
	d.Paragraph("本通知一式两份。")
	pdf, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// TestDocument: the text is real text (pdftotext reads the Chinese), the table runs over pages with its
// header on each, every page numbers itself out of the total, and the font is embedded as a subset that
// is a small part of the font file.
func TestDocument(t *testing.T) {
	font := systemFont(t)
	pdf := sampleDoc(t, font, 70)
	all := string(run(t, pdf, "pdftotext", "-layout"))
	for _, want := range []string{"整改通知书", "Rectification notice", "常州市发展和改革委员会", "已撤销", "R001", "R070",
		"99.00", "合计", "扫码核验", "本通知一式两份", "编号 No. 2026-TEST"} {
		if !strings.Contains(all, want) {
			t.Errorf("pdftotext does not find %q in:\n%s", want, all)
		}
	}
	info := string(run(t, pdf, "pdfinfo"))
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo:\n%s", info)
	}
	pages, _ := strconv.Atoi(m[1])
	if pages < 3 {
		t.Fatalf("%d pages; want the table over at least 3", pages)
	}
	if !strings.Contains(info, "A4") || !strings.Contains(info, "Title:           整改通知书") {
		t.Errorf("pdfinfo:\n%s", info)
	}
	for n := 1; n <= pages; n++ {
		text := pageText(t, pdf, n)
		// pdftotext drops the spaces between Chinese characters and digits.
		if want := fmt.Sprintf(`第\s*%d\s*页\s*/\s*共\s*%d\s*页`, n, pages); !regexp.MustCompile(want).MatchString(text) {
			t.Errorf("page %d lacks its number %s:\n%s", n, want, text)
		}
		if n > 1 && n < pages && !strings.Contains(text, "房间号 Room") {
			t.Errorf("page %d does not repeat the table header:\n%s", n, text)
		}
	}
	fonts := string(run(t, pdf, "pdffonts"))
	if !regexp.MustCompile(`(?m)^[A-Z]{6}\+\S+\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes`).MatchString(fonts) {
		t.Errorf("pdffonts shows no embedded subset:\n%s", fonts)
	}
	if len(pdf) > len(font.TTF)/10 {
		t.Errorf("PDF of %d bytes with a font of %d: the font is not subset", len(pdf), len(font.TTF))
	}
}

// TestQR: the QR code decodes, from the page rasterised by pdftoppm, to its text.
func TestQR(t *testing.T) {
	font := systemFont(t)
	const url = "https://officemap.example/verify/ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	d := New(font, Options{Title: "QR"})
	d.Paragraph("核验")
	d.QR(url, 35, "扫码核验")
	pdf, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if got := decodePageQR(t, pdf, 1); got != url {
		t.Errorf("QR reads %q; want %q", got, url)
	}
}

// TestFigure: a figure's caption stays on the page of its image (pdfimages -list tells the image's page):
// near the foot of a page, a tall image moves with its caption to the next page, and one that can shrink
// to the room left stays, shrunk.
func TestFigure(t *testing.T) {
	font := systemFont(t)
	for _, c := range []struct {
		name     string
		height   int // pixels, of an image 400 wide drawn 170 mm wide
		wantPage int
	}{
		{"tall image moves", 800, 2},
		{"flat image shrinks", 130, 1}, // 55 mm high with 45 mm left: shrunk to stay
	} {
		t.Run(c.name, func(t *testing.T) {
			d := New(font, Options{})
			for d.Remaining() > 45 {
				d.Paragraph("占位 filler")
			}
			d.Figure("图 1 FIGCAP", testPNG(t, 400, c.height), 0, 0)
			pdf, err := d.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if text := pageText(t, pdf, c.wantPage); !strings.Contains(text, "FIGCAP") {
				t.Errorf("the caption is not on page %d:\n%s", c.wantPage, text)
			}
			list := string(run(t, pdf, "pdfimages", "-list"))
			m := regexp.MustCompile(`(?m)^\s*(\d+)\s+\d+\s+image\s+400\s+`).FindStringSubmatch(list)
			if m == nil || m[1] != strconv.Itoa(c.wantPage) {
				t.Errorf("the image is not on page %d:\n%s", c.wantPage, list)
			}
			if got := d.Pages(); got != c.wantPage {
				t.Errorf("%d pages; want %d", got, c.wantPage)
			}
		})
	}
}

// decodePageQR rasterises page n at 150 dpi with pdftoppm and decodes the QR code on it.
func decodePageQR(t *testing.T, pdf []byte, n int) string {
	t.Helper()
	raster := run(t, pdf, "pdftoppm", "-r", "150", "-png", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n))
	im, err := png.Decode(bytes.NewReader(raster))
	if err != nil {
		t.Fatalf("pdftoppm's PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(im)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code on page %d: %v", n, err)
	}
	return res.GetText()
}

// TestRefusals: a missing font, a row with too many cells, a bad image and bad columns are errors from
// Bytes that say what was wrong; nothing panics.
func TestRefusals(t *testing.T) {
	if _, err := New(nil, Options{}).Bytes(); !errors.Is(err, ErrNoFont) {
		t.Errorf("no font: %v", err)
	}
	font := systemFont(t)
	for _, c := range []struct {
		name  string
		write func(d *Doc)
		want  string
	}{
		{"row too long", func(d *Doc) {
			d.Table(Table{Columns: []Column{{Title: "a"}}, Rows: [][]string{{"1"}, {"2", "3"}}})
		}, "table row 2 has 2 cells for 1 columns"},
		{"no columns", func(d *Doc) { d.Table(Table{}) }, "a table needs columns"},
		{"too wide", func(d *Doc) { d.Table(Table{Columns: []Column{{Title: "a", Width: 200}}}) }, "leave no room"},
		{"not a PNG", func(d *Doc) { d.Image([]byte("GIF89a"), 50, 0) }, "image 1 is not a usable PNG"},
		{"QR too long", func(d *Doc) { d.QR(strings.Repeat("x", 5000), 30, "") }, "QR code of 5000 bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := New(font, Options{})
			c.write(d)
			d.Paragraph("after the error: ignored")
			if _, err := d.Bytes(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v; want one saying %q", err, c.want)
			}
		})
	}
}

// BenchmarkDocument measures a one-page document: parsing and subsetting the font dominate.
func BenchmarkDocument(b *testing.B) {
	font, err := FindFont()
	if err != nil {
		b.Skip(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		d := New(font, Options{Title: "凭证"})
		d.Title("办公用房分配使用凭证", "")
		d.Table(Table{Columns: []Column{{Title: "房间"}, {Title: "面积", Width: 30, Align: Right}}, Rows: [][]string{{"101", "18.00"}}})
		if _, err := d.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestConcurrentDocuments: documents written at the same time share one Font (run with -race).
func TestConcurrentDocuments(t *testing.T) {
	font := systemFont(t)
	errs := make(chan error, 4)
	for i := range 4 {
		go func() {
			d := New(font, Options{Footer: fmt.Sprint("文档 ", i)})
			d.Title("并发 concurrent", "")
			d.Table(Table{Columns: []Column{{Title: "序号"}}, Rows: [][]string{{fmt.Sprint(i)}}})
			_, err := d.Bytes()
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
