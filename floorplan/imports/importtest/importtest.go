// Package importtest holds what the importers' tests share: the project's shared test data (real
// drawings and extracts kept beside the clone, not in it); files cut short, zip bombs and the heap a
// reader takes, for the tests of bad files; the checks of the fuzz tests; and a fresh embedded store to
// import into (store.go, which the build tag nostore leaves out).
package importtest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"officemap/floorplan/imports"
	"officemap/geo"
)

// SharedPath returns the path of a file of the project's shared test data (../shared/data beside the
// clone, found from the module root), and an error when it is not there.
func SharedPath(rel string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "data", rel)
	_, err = os.Stat(p)
	return p, err
}

// SharedData returns the path of a file of the project's shared test data (see SharedPath). It fails
// the test in CI (CI=true) when the data is missing, and skips it elsewhere.
func SharedData(t testing.TB, rel string) string {
	t.Helper()
	p, err := SharedPath(rel)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared test data %s is missing (CI has ../shared beside the clone): %v", p, err)
		}
		t.Skipf("shared test data %s is missing", p)
	}
	return p
}

// ReadShared reads a file of the shared test data (see SharedData) with an importer's Read and its
// options, e.g. ReadShared(t, "osm/x.osm", osm.Read, osm.Limits{}), and fails the test on an error.
func ReadShared[O any](t testing.TB, rel string, read func(string, io.Reader, O) (*imports.Dataset, error), opt O) *imports.Dataset {
	t.Helper()
	path := SharedData(t, rel)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ds, err := read(path, f, opt)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// SharedBytes returns the content of a file of the shared test data (see SharedData).
func SharedBytes(t testing.TB, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(SharedData(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Truncation is a file cut short, and what a reader's error must say of it (see WantTruncated).
type Truncation struct {
	Name string
	Cut  []byte
	Want []string
}

// CheckTruncations reads each cut as file with an importer's Read and its options (as ReadShared) in a
// subtest of its name, and expects the error of a file cut short (WantTruncated) and no dataset.
func CheckTruncations[O any](t *testing.T, file string, read func(string, io.Reader, O) (*imports.Dataset, error), opt O, cuts []Truncation) {
	t.Helper()
	for _, c := range cuts {
		t.Run(c.Name, func(t *testing.T) {
			ds, err := read(file, bytes.NewReader(c.Cut), opt)
			if ds != nil {
				t.Errorf("a dataset of %d buildings from a file cut short", len(ds.Buildings))
			}
			WantTruncated(t, err, file, c.Want...)
		})
	}
}

// FirstLines is the first n lines of data, each with its line break.
func FirstLines(data []byte, n int) []byte {
	end := 0
	for i := 0; i < n; i++ {
		next := bytes.IndexByte(data[end:], '\n')
		if next < 0 {
			return data
		}
		end += next + 1
	}
	return data[:end]
}

// LineCount is the number of the last line of data (a last line without its line break counts).
func LineCount(data []byte) int {
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return n
}

// WantTruncated fails the test unless err is what a reader gives for a file cut short: an error
// naming the file ("file: …") that wraps imports.ErrTruncated and says each of want (where the file
// ends and what was still expected there).
func WantTruncated(t testing.TB, err error, file string, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error for %s cut short", file)
	}
	if !errors.Is(err, imports.ErrTruncated) || !strings.HasPrefix(err.Error(), file+": ") {
		t.Errorf("err = %v, want an error naming %s that wraps imports.ErrTruncated", err, file)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("err = %v, want it to say %q", err, w)
		}
	}
}

// Nth returns the offset in data of the k-th occurrence (from 1) of s, e.g. of a feature's "geometry"
// member to cut a file inside that feature; it fails the test when there are fewer.
func Nth(t testing.TB, data []byte, s string, k int) int {
	t.Helper()
	off := -len(s)
	for i := 0; i < k; i++ {
		next := bytes.Index(data[off+len(s):], []byte(s))
		if next < 0 {
			t.Fatalf("%q occurs %d times, not %d", s, i, k)
		}
		off += len(s) + next
	}
	return off
}

// PeakHeap runs fn and returns the most heap memory that objects took at once while it ran, above what
// they took before it (after a garbage collection): live objects and garbage not yet collected,
// sampled from runtime/metrics every 100 µs.
func PeakHeap(fn func()) uint64 {
	const name = "/memory/classes/heap/objects:bytes"
	read := func() uint64 {
		s := []metrics.Sample{{Name: name}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(100 * time.Microsecond)
		defer tick.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	if v := read(); v > peak.Load() {
		peak.Store(v)
	}
	return max(peak.Load(), base) - base
}

// ZipBomb returns a zip archive of files (deflated as usual) and of one entry, bomb, of mib MiB of
// spaces deflated about a thousand times (made by repeating one deflated MiB, so it takes no time to
// make). Its header declares its true size, or declared bytes when declared > 0 (a header that lies).
func ZipBomb(t testing.TB, files map[string]string, bomb string, mib int, declared uint64) []byte {
	t.Helper()
	spaces := bytes.Repeat([]byte(" "), 1<<20)
	var one bytes.Buffer
	fw, _ := flate.NewWriter(&one, flate.BestCompression)
	_, _ = fw.Write(spaces)
	_ = fw.Flush() // ends the block byte-aligned and not final: it can be repeated, and refers to nothing before it
	var raw bytes.Buffer
	sum := crc32.NewIEEE()
	for i := 0; i < mib; i++ {
		raw.Write(one.Bytes())
		sum.Write(spaces)
	}
	raw.Write([]byte{1, 0, 0, 0xff, 0xff}) // a final, empty stored block
	if declared == 0 {
		declared = uint64(mib) << 20
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for name, data := range files {
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write([]byte(data))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: bomb, Method: zip.Deflate, CRC32: sum.Sum32(),
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: declared})
	if err == nil {
		_, err = w.Write(raw.Bytes())
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// AddSharedSeeds adds the first max bytes of files of the shared test data to a fuzz test's seed
// corpus: of those that are there (a missing file is one seed fewer, not a skip or a failure).
func AddSharedSeeds(f *testing.F, max int, rels ...string) {
	f.Helper()
	for _, rel := range rels {
		p, err := SharedPath(rel)
		if err != nil {
			continue
		}
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data[:min(len(data), max)])
		}
	}
}

// CheckFuzzed checks what an importer's Read of file made of arbitrary input, as the fuzz tests do: an
// error names the file; a dataset has a ref and a source id on every room, and the geometry of each
// room without an error can be validated and measured without a panic.
func CheckFuzzed(t testing.TB, file string, ds *imports.Dataset, err error) {
	t.Helper()
	if err != nil {
		if !strings.HasPrefix(err.Error(), file+": ") {
			t.Fatalf("error does not name the file: %v", err)
		}
		return
	}
	for _, b := range ds.Buildings {
		for _, r := range b.Rooms {
			if r.Ref == "" || r.SourceID == "" {
				t.Fatalf("room without a ref or source id: %+v", r)
			}
			if r.Err == nil {
				_ = geo.Validate(r.Geometry) // must not panic on whatever came out
				_ = geo.Area(r.Geometry)
			}
		}
	}
}

// CheckCutShort is for fuzz tests: data, which a reader accepted, cut before its last closing brace
// (JSON) or its last end tag (XML) must be refused by read as cut short. Data without either is
// left alone.
func CheckCutShort(t testing.TB, data []byte, read func(cut []byte) error) {
	t.Helper()
	end := bytes.LastIndex(data, []byte("</"))
	if !bytes.HasPrefix(bytes.TrimLeft(data, "\ufeff \t\r\n"), []byte("<")) {
		end = bytes.LastIndexByte(data, '}')
	}
	if end < 0 {
		return
	}
	if err := read(data[:end]); !errors.Is(err, imports.ErrTruncated) {
		t.Fatalf("accepted whole, but cut before its end (%d of %d bytes): err = %v", end, len(data), err)
	}
}
