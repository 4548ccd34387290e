//go:build !nostore

// The store of the importers' tests. The build tag nostore leaves it out (with the tests that use it)
// of the test binaries that .ci/fuzz builds: SQLite, under the embedded store, takes minutes to compile
// with the fuzzer's instrumentation.

package importtest

import (
	"context"
	"path/filepath"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
)

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
