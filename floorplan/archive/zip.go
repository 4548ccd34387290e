package archive

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"
)

// ManifestName is the package's hash manifest: one line "<sha256>  <path>" per file of the package
// (BagIt's manifest-sha256.txt layout), so that `sha256sum -c` checks an unpacked package.
const ManifestName = "manifest-sha256.txt"

// PackageFile is a file the package is made of besides the documents: its index (HTML, JSON), the floor
// plans.
type PackageFile struct {
	Path string // slash-separated, relative: "index.json", "plans/3F.png"
	Data []byte
}

// PackageDoc is a document of the package, read when the package is written.
type PackageDoc struct {
	Name   string // the document's file name (CleanName applies)
	SHA256 string
	// Open returns the document's bytes; they must hash to SHA256, or the package fails.
	Open func() (io.ReadCloser, error)
}

// DocPath is where a document lies in a package: documents/<first 12 hex digits of its hash>-<its name>,
// unique within a package whatever the names, and never outside it.
func DocPath(d PackageDoc) string {
	return "documents/" + d.SHA256[:12] + "-" + strings.ReplaceAll(CleanName(d.Name), " ", "_")
}

// WritePackage writes a zip of files, then docs (each once by path: the same bytes filed twice under one
// name are one file), then the hash manifest of everything, with modified time mod. A document whose bytes
// do not match its hash stops the package with ErrBadHash: an archive never hands over a damaged file as
// if it were the original.
func WritePackage(w io.Writer, files []PackageFile, docs []PackageDoc, mod time.Time) error {
	zw := zip.NewWriter(w)
	if err := AddPackage(zw, "", files, docs, mod); err != nil {
		return err
	}
	return zw.Close()
}

// AddPackage writes a package into zw as WritePackage does, under the folder dir ("" for the top of the
// zip; a relative path inside it), with its own manifest whose paths are relative to dir: a zip of
// several packages, each in its folder, which `sha256sum -c` checks from inside the folder.
func AddPackage(zw *zip.Writer, dir string, files []PackageFile, docs []PackageDoc, mod time.Time) error {
	if dir != "" {
		d, err := packagePath(dir)
		if err != nil {
			return err
		}
		dir = d + "/"
	}
	sums := map[string]string{}
	for _, f := range files {
		p, err := packagePath(f.Path)
		if err != nil {
			return err
		}
		if _, dup := sums[p]; dup {
			return fmt.Errorf("archive: package file %s twice", p)
		}
		sum := sha256.Sum256(f.Data)
		if err := writeEntry(zw, dir+p, mod, func(out io.Writer) error { _, err := out.Write(f.Data); return err }); err != nil {
			return err
		}
		sums[p] = hex.EncodeToString(sum[:])
	}
	for _, d := range docs {
		if !ValidSHA256(d.SHA256) {
			return fmt.Errorf("archive: document %q has no valid SHA-256", d.Name)
		}
		p := DocPath(d)
		if _, dup := sums[p]; dup {
			continue
		}
		err := writeEntry(zw, dir+p, mod, func(out io.Writer) error { return copyChecked(out, d) })
		if err != nil {
			return err
		}
		sums[p] = d.SHA256
	}
	paths := make([]string, 0, len(sums))
	for p := range sums {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var manifest strings.Builder
	for _, p := range paths {
		fmt.Fprintf(&manifest, "%s  %s\n", sums[p], p)
	}
	return writeEntry(zw, dir+ManifestName, mod, func(out io.Writer) error {
		_, err := io.WriteString(out, manifest.String())
		return err
	})
}

// packagePath cleans a package file's path and refuses one that would leave the package.
func packagePath(p string) (string, error) {
	c := path.Clean(strings.ReplaceAll(p, `\`, "/"))
	if c == "." || c == ManifestName || strings.HasPrefix(c, "/") || c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("archive: package path %q is not a relative path inside the package", p)
	}
	return c, nil
}

func writeEntry(zw *zip.Writer, name string, mod time.Time, write func(io.Writer) error) error {
	out, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mod})
	if err != nil {
		return fmt.Errorf("archive: package %s: %w", name, err)
	}
	if err := write(out); err != nil {
		return fmt.Errorf("archive: package %s: %w", name, err)
	}
	return nil
}

// copyChecked copies d's bytes to out, checking them against d.SHA256.
func copyChecked(out io.Writer, d PackageDoc) error {
	rc, err := d.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(out, h), rc); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != d.SHA256 {
		return fmt.Errorf("%w: %s holds bytes hashing to %s", ErrBadHash, d.SHA256, got)
	}
	return nil
}
