// Package importtest holds what the importers' tests share: the project's shared test data (real
// drawings and extracts kept beside the clone, not in it) and a fresh embedded store to import into.
package importtest

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/imports"
	"officemap/geo"
)

// SharedData returns the path of a file of the project's shared test data (../shared/data beside the
// clone, found from the module root). It fails the test in CI (CI=true) when the data is missing, and
// skips it elsewhere.
func SharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(moduleRoot(t), "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
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

// AddSharedSeeds adds the first max bytes of files of the shared test data to a fuzz test's seed
// corpus: of those that are there (a missing file is one seed fewer, not a skip or a failure).
func AddSharedSeeds(f *testing.F, max int, rels ...string) {
	f.Helper()
	for _, rel := range rels {
		if data, err := os.ReadFile(filepath.Join(moduleRoot(f), "..", "shared", "data", rel)); err == nil {
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

// moduleRoot is the folder of go.mod, found upwards from the test's working directory (its package).
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's working directory")
		}
		dir = parent
	}
}

// NewStore opens a fresh embedded store in the test's temporary folder and closes it when the test ends.
func NewStore(t testing.TB) *gpkg.Store {
	t.Helper()
	s, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "import.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Rooms lists the rooms of s that filter selects, failing the test on an error.
func Rooms(t testing.TB, s floorplan.Reader, filter floorplan.RoomFilter) []floorplan.Room {
	t.Helper()
	rooms, err := s.Rooms(context.Background(), filter)
	if err != nil {
		t.Fatal(err)
	}
	return rooms
}

// RoomsBy is Rooms keyed by key, e.g. the room's number or source id (of two rooms with one key, the
// later listed).
func RoomsBy(t testing.TB, s floorplan.Reader, filter floorplan.RoomFilter, key func(floorplan.Room) string) map[string]floorplan.Room {
	t.Helper()
	out := map[string]floorplan.Room{}
	for _, r := range Rooms(t, s, filter) {
		out[key(r)] = r
	}
	return out
}
