package report

import (
	"archive/zip"
	"bytes"
	"io"
	"math/rand/v2"
	"testing"

	"officemap/floorplan/exports/cell"
)

// TestCellTextAsCellText: cellText, which skips cell.Text's number pattern where the first character
// cannot start a formula, gives what cell.Text gives.
func TestCellTextAsCellText(t *testing.T) {
	cases := []string{"=1+1", "+1", "-2", "-2.50", "-", "-Inf", "@A1", "\t=1", "\r=1", "12", "1e-05", "a=b",
		"办公室", " =1", "'=1"}
	rng := rand.New(rand.NewPCG(1, 2))
	chars := []string{"=", "+", "-", "@", "\t", "\r", "1", "0", ".", "e", "E", "a", "办", " "}
	for range 2000 {
		var b []byte
		for range 1 + rng.IntN(6) {
			b = append(b, chars[rng.IntN(len(chars))]...)
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		if got, want := cellText(s), cell.Text(s); got != want {
			t.Fatalf("cellText(%q) = %q, cell.Text gives %q", s, got, want)
		}
	}
}

// TestXLSXZipDeflated: the workbook's parts are deflated (by klauspost/compress at xlsxDeflateLevel)
// and read back whole with archive/zip's own decompressor, the sheet of findings much smaller than its XML.
func TestXLSXZipDeflated(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, synthReport(t), XLSX, Options{}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	sheet := false
	for _, f := range zr.File {
		if f.Method != zip.Deflate {
			t.Errorf("%s: method %d, want deflate", f.Name, f.Method)
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, r) // checks the CRC-32 too
		r.Close()
		if err != nil || uint64(n) != f.UncompressedSize64 {
			t.Errorf("%s: read %d of %d bytes: %v", f.Name, n, f.UncompressedSize64, err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			sheet = true
			if f.CompressedSize64*4 > f.UncompressedSize64 {
				t.Errorf("%s: %d bytes compressed to %d", f.Name, f.UncompressedSize64, f.CompressedSize64)
			}
		}
	}
	if !sheet {
		t.Error("no xl/worksheets/sheet1.xml in the workbook")
	}
}
