package archive

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func doc(name string, data []byte) PackageDoc {
	sum := sha256.Sum256(data)
	return PackageDoc{Name: name, SHA256: hex.EncodeToString(sum[:]),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

func TestWritePackage(t *testing.T) {
	title := []byte("%PDF-1.4 title deed")
	photo := []byte("\xff\xd8\xff photo")
	var buf bytes.Buffer
	files := []PackageFile{{Path: "index.json", Data: []byte(`{"site":"市政府大院"}`)}, {Path: "plans/3F.svg", Data: []byte("<svg/>")}}
	docs := []PackageDoc{doc("../../证书.pdf", title), doc("photo 1.jpg", photo), doc("../../证书.pdf", title)}
	if err := WritePackage(&buf, files, docs, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	contents := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		contents[f.Name], _ = io.ReadAll(rc)
		rc.Close()
		if strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/") {
			t.Errorf("entry %q leaves the package", f.Name)
		}
	}
	if len(contents) != 5 { // 2 files, 2 documents (one filed twice), the manifest
		t.Errorf("entries %v; want 5", keys(contents))
	}
	if got := contents[DocPath(docs[0])]; !bytes.Equal(got, title) {
		t.Errorf("title in the package = %q", got)
	}
	// Every manifest line is right, and every entry but the manifest has one.
	sc := bufio.NewScanner(bytes.NewReader(contents[ManifestName]))
	seen := 0
	for sc.Scan() {
		sum, p, ok := strings.Cut(sc.Text(), "  ")
		data, held := contents[p]
		h := sha256.Sum256(data)
		if !ok || !held || hex.EncodeToString(h[:]) != sum {
			t.Errorf("manifest line %q does not match the package", sc.Text())
		}
		seen++
	}
	if seen != len(contents)-1 {
		t.Errorf("manifest has %d lines for %d files", seen, len(contents)-1)
	}
}

func TestWritePackageRefuses(t *testing.T) {
	bad := doc("a.pdf", []byte("%PDF-1.4 a"))
	bad.Open = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("%PDF-1.4 tampered")), nil }
	if err := WritePackage(io.Discard, nil, []PackageDoc{bad}, time.Now()); !errors.Is(err, ErrBadHash) {
		t.Errorf("a document whose bytes changed: %v; want ErrBadHash", err)
	}
	for _, p := range []string{"../x", "/etc/passwd", "..", ManifestName, `..\x`} {
		if err := WritePackage(io.Discard, []PackageFile{{Path: p}}, nil, time.Now()); err == nil {
			t.Errorf("package path %q accepted", p)
		}
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
