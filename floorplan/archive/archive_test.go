package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// xlsxBytes is a real workbook written by excelize.
func xlsxBytes(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetCellValue("Sheet1", "A1", "房产"); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSniff(t *testing.T) {
	self, err := os.ReadFile("/proc/self/exe") // this test binary: a real ELF program
	if err != nil {
		t.Fatal(err)
	}
	xlsx := xlsxBytes(t)
	cases := []struct {
		name string
		head []byte
		want string // "" when refused
	}{
		{"title.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), TypePDF},
		{"photo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), TypePNG},
		{"photo.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), TypeJPEG},
		{"scan.tif", []byte("II*\x00\x08\x00\x00\x00"), TypeTIFF},
		{"plan.dwg", []byte("AC1032\x00\x00\x00\x00"), TypeDWG},
		{"plan.dxf", []byte("  0\nSECTION\n  2\nHEADER\n"), TypeDXF},
		{"plan.dxf", []byte("999\nmade by hand\n  0\r\nSECTION\r\n"), TypeDXF},
		{"ledger.xlsx", xlsx, TypeXLSX},
		{"ledger.zip", xlsx, TypeZip}, // the same bytes under another name: a zip, not a workbook
		{"old.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), TypeOLE},
		{"notes.txt", []byte("公示期：2026年1月1日至1月15日\n"), TypeText},
		{"notes.txt", []byte("公示"[:4]), TypeText}, // a character cut by the end of the sniffed bytes
		{"tool.pdf", self, ""},
		{"setup.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00"), ""},
		{"run.txt", []byte("#!/bin/sh\nrm -rf /\n"), ""},
		{"page.pdf", []byte("  <!DOCTYPE html><html><script>alert(1)</script>"), ""},
		{"logo.svg", []byte("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"), ""},
		{"blob.bin", []byte{0x00, 0x01, 0x02, 0x03, 0xff, 0xfe}, ""},
	}
	for _, c := range cases {
		got, err := Sniff(c.head, c.name)
		if c.want == "" {
			if !errors.Is(err, ErrType) {
				t.Errorf("Sniff(%s, %q…) = %q, %v; want ErrType", c.name, c.head[:min(8, len(c.head))], got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Sniff(%s) = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	if _, err := Sniff(self, "x.pdf"); err == nil || !strings.Contains(err.Error(), "ELF") {
		t.Errorf("the error for an ELF renamed .pdf should say what it is: %v", err)
	}
}

// temps lists the spool files left in dir.
func temps(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "officemap-upload-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSpool(t *testing.T) {
	dir := t.TempDir()
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 5000)...)
	s, err := Spool(bytes.NewReader(pdf), "证书.pdf", dir, 10000)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pdf)
	if s.SHA256 != hex.EncodeToString(sum[:]) || s.Size != int64(len(pdf)) || s.MediaType != TypePDF {
		t.Errorf("spooled %+v; want the PDF's hash, size %d", s, len(pdf))
	}
	got, err := io.ReadAll(s)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Errorf("read back %d bytes, %v; want the upload", len(got), err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left := temps(t, dir); len(left) != 0 {
		t.Errorf("Close left %v", left)
	}

	for _, c := range []struct {
		name string
		data []byte
		max  int64
		want error
	}{
		{"empty.pdf", nil, 100, ErrEmpty},
		{"big.pdf", pdf, int64(len(pdf)) - 1, ErrTooBig},
		{"tool.pdf", []byte("\x7fELF\x02\x01\x01\x00"), 100, ErrType},
	} {
		s, err := Spool(bytes.NewReader(c.data), c.name, dir, c.max)
		if !errors.Is(err, c.want) || s != nil {
			t.Errorf("Spool(%s) = %v, %v; want %v", c.name, s, err, c.want)
		}
		if left := temps(t, dir); len(left) != 0 {
			t.Errorf("Spool(%s) refused but left %v", c.name, left)
		}
	}
	// Exactly at the limit is accepted.
	if s, err := Spool(bytes.NewReader(pdf), "ok.pdf", dir, int64(len(pdf))); err != nil {
		t.Errorf("a file of exactly the limit: %v", err)
	} else {
		s.Close()
	}
}

func TestDir(t *testing.T) {
	base := t.TempDir()
	d, err := OpenDir(filepath.Join(base, "docs"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	data := []byte("%PDF-1.4 title")
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	if d.Has(sha) {
		t.Fatal("Has before Put")
	}
	if err := d.Put(ctx, sha, int64(len(data)), bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	// A second Put of the same hash keeps the first bytes and does not read its reader.
	if err := d.Put(ctx, sha, int64(len(data)), iotestErrReader{}); err != nil {
		t.Errorf("second Put: %v", err)
	}
	rc, err := d.Open(ctx, sha)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, data) {
		t.Errorf("Open = %q; want %q", got, data)
	}
	if _, err := os.Stat(filepath.Join(base, "docs", sha[:2], sha[2:4], sha)); err != nil {
		t.Errorf("blob not at ab/cd/sha: %v", err)
	}

	// Bytes that do not hash to the name are refused and leave nothing.
	other := strings.Repeat("ab", 32)
	if err := d.Put(ctx, other, int64(len(data)), bytes.NewReader(data)); !errors.Is(err, ErrBadHash) {
		t.Errorf("Put with a wrong hash = %v; want ErrBadHash", err)
	}
	if d.Has(other) {
		t.Error("a refused blob is held")
	}
	entries, _ := filepath.Glob(filepath.Join(base, "docs", "ab", "ab", "*"))
	if len(entries) != 0 {
		t.Errorf("a refused Put left %v", entries)
	}
	// The right bytes under a wrong size are refused too.
	if err := d.Put(ctx, other, 3, bytes.NewReader(data)); !errors.Is(err, ErrBadHash) {
		t.Errorf("Put with a wrong size = %v; want ErrBadHash", err)
	}
	// No name other than a hash reaches the file system.
	for _, bad := range []string{"../../x", "../" + sha[3:], strings.ToUpper(sha), sha + "/..", ""} {
		if err := d.Put(ctx, bad, int64(len(data)), bytes.NewReader(data)); err == nil {
			t.Errorf("Put(%q) accepted", bad)
		}
		if _, err := d.Open(ctx, bad); !errors.Is(err, ErrNoBlob) {
			t.Errorf("Open(%q) = %v; want ErrNoBlob", bad, err)
		}
	}
	if _, err := d.Open(ctx, strings.Repeat("0", 64)); !errors.Is(err, ErrNoBlob) {
		t.Errorf("Open of a hash not held = %v; want ErrNoBlob", err)
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("must not be read") }

func TestContentDisposition(t *testing.T) {
	cases := map[string]string{
		"../../x":        `attachment; filename=x`,
		`C:\scan\a.pdf`:  `attachment; filename=a.pdf`,
		"title deed.pdf": `attachment; filename="title deed.pdf"`,
		"证书.pdf":         `attachment; filename=__.pdf; filename*=UTF-8''%E8%AF%81%E4%B9%A6.pdf`,
		"a\"b\r\nc.pdf":  `attachment; filename=abc.pdf`,
		"..":             `attachment; filename=document`,
		"":               `attachment; filename=document`,
	}
	for in, want := range cases {
		if got := ContentDisposition(in); got != want {
			t.Errorf("ContentDisposition(%q) = %s; want %s", in, got, want)
		}
	}
}

func TestChecklist(t *testing.T) {
	c := DefaultChecklist()
	if err := c.Validate(DefaultDocTypes()); err != nil {
		t.Fatal(err)
	}
	got := c.Missing("office.party_government", "filed", []string{DocPublicNotice, DocFloorPlan, DocPhoto})
	want := []string{DocFilingConfirmation, DocFilingDocument, DocCompletionDrawings}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("missing of a filed office = %v; want %v", got, want)
	}
	if got := c.Missing("residential.housing", "registered", []string{DocTitleCertificate}); len(got) != 0 {
		t.Errorf("a registered house with its title misses %v", got)
	}
	// A category's own list wins over its group's.
	c["office.turnover"] = []Expectation{{DocType: DocContract}}
	if got := c.Expected("office.turnover", "registered"); len(got) != 1 || got[0] != DocContract {
		t.Errorf("category override: %v", got)
	}
	c["shops"] = []Expectation{{DocType: "lease"}}
	if err := c.Validate(DefaultDocTypes()); err == nil || !strings.Contains(err.Error(), "lease") {
		t.Errorf("Validate of an unknown type: %v", err)
	}
}
