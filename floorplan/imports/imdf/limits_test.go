package imdf_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"runtime"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"officemap/floorplan/imports/imdf"
	"officemap/floorplan/imports/importtest"
)

// zipOf is a zip archive of a folder archive's files.
func zipOf(t testing.TB, m fstest.MapFS) []byte {
	t.Helper()
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write(m[name].Data)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// manifestOnly is the files of a bomb's archive besides the bomb.
var manifestOnly = map[string]string{"manifest.json": `{"version":"1.0.0","language":"en"}`}

// allocated runs fn and returns the bytes it allocated (freed or not).
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// wantLimit fails the test unless err is an archive's error naming the file and wrapping ErrLimit,
// and saying each of want.
func wantLimit(t *testing.T, err error, want ...string) {
	t.Helper()
	if !errors.Is(err, imdf.ErrLimit) || !strings.HasPrefix(err.Error(), "bomb.zip: ") {
		t.Fatalf("err = %v, want an error of bomb.zip wrapping ErrLimit", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("err = %v, want it to say %q", err, w)
		}
	}
}

// A 500 MiB entry deflated to half a megabyte (the bomb took the server to 1.29 GB) is refused
// on its header, naming it and the bound, before any of it is inflated.
func TestZipBomb(t *testing.T) {
	bomb := importtest.ZipBomb(t, manifestOnly, "unit.geojson", 500, 0)
	t.Logf("the bomb: %d bytes", len(bomb))
	var err error
	start := time.Now()
	n := allocated(func() { _, err = imdf.ReadZip("bomb.zip", bytes.NewReader(bomb), int64(len(bomb)), imdf.Limits{}) })
	wantLimit(t, err, "bomb.zip: unit.geojson: inflates to more than 268435456 bytes, the bound on one file of an archive (MaxEntryBytes)")
	if n > 4<<20 {
		t.Errorf("%d bytes allocated to refuse it", n)
	}
	t.Logf("refused in %v, %d bytes allocated", time.Since(start), n)
}

// An entry within the bound on one file but that inflates far more than GeoJSON does is refused on
// its header: 8 MiB from about 8 KB.
func TestZipRatio(t *testing.T) {
	bomb := importtest.ZipBomb(t, manifestOnly, "unit.geojson", 8, 0)
	_, err := imdf.ReadZip("bomb.zip", bytes.NewReader(bomb), int64(len(bomb)), imdf.Limits{})
	wantLimit(t, err, "bomb.zip: unit.geojson: inflates to more than 200 times its", "compressed bytes, the bound on a zip entry's ratio (MaxRatio)")
	// With a laxer ratio it is read, and refused for its white space (which would take encoding/json
	// time growing with its square) without reading all of it.
	_, err = imdf.ReadZip("bomb.zip", bytes.NewReader(bomb), int64(len(bomb)), imdf.Limits{MaxRatio: 2000})
	if err == nil || !strings.HasPrefix(err.Error(), "bomb.zip: unit.geojson: byte ") ||
		!strings.Contains(err.Error(), "more than 65536 bytes of white space in a row, in the FeatureCollection") {
		t.Errorf("err = %v, want one on the white space of unit.geojson", err)
	}
}

// A header that understates its entry does not get it inflated beyond what it says: archive/zip stops
// at the declared size, and the bytes are counted against the bounds as well.
func TestZipHeaderLies(t *testing.T) {
	bomb := importtest.ZipBomb(t, manifestOnly, "unit.geojson", 300, 1<<20)
	var err error
	n := allocated(func() { _, err = imdf.ReadZip("bomb.zip", bytes.NewReader(bomb), int64(len(bomb)), imdf.Limits{}) })
	if err == nil || !strings.HasPrefix(err.Error(), "bomb.zip: unit.geojson: ") {
		t.Fatalf("err = %v, want one naming unit.geojson", err)
	}
	if n > 8<<20 {
		t.Errorf("%d bytes allocated to refuse it", n)
	}
}

// The bound on all the files read together names the file that passes it.
func TestZipTotal(t *testing.T) {
	z := zipOf(t, archive(nil))
	_, err := imdf.ReadZip("bomb.zip", bytes.NewReader(z), int64(len(z)), imdf.Limits{MaxTotalBytes: 1500})
	wantLimit(t, err, "takes the archive's files past 1500 bytes inflated, the bound on them all (MaxTotalBytes)")
	if _, err := imdf.ReadZip("venue.zip", bytes.NewReader(z), int64(len(z)), imdf.Limits{}); err != nil {
		t.Errorf("within the bounds: %v", err)
	}
}

// sizeless is a file system whose files do not tell their size, as a network's might not.
type sizeless struct{ fs.FS }

func (s sizeless) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(s.FS, name) }

func (s sizeless) Open(name string) (fs.File, error) {
	f, err := s.FS.Open(name)
	if err != nil {
		return nil, err
	}
	return sizelessFile{f}, nil
}

type sizelessFile struct{ fs.File }

func (f sizelessFile) Stat() (fs.FileInfo, error) {
	st, err := f.File.Stat()
	if err != nil {
		return nil, err
	}
	return sizelessInfo{st}, nil
}

type sizelessInfo struct{ fs.FileInfo }

func (sizelessInfo) Size() int64 { return 0 }

// A file whose size is not known beforehand is counted as it is read.
func TestReadFSCountsBytes(t *testing.T) {
	_, err := imdf.ReadFS("bomb.zip", sizeless{archive(nil)}, imdf.Limits{MaxEntryBytes: 600})
	wantLimit(t, err, "inflates to more than 600 bytes, the bound on one file of an archive")
}
