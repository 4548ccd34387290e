//go:build !nostore

// The tests of this file write to a store (importtest.NewStore, an embedded GeoPackage): the build tag
// nostore leaves them out of the test binary that .ci/fuzz builds, since SQLite takes minutes to
// compile with the fuzzer's instrumentation. The round trip of an export through this reader, in both
// stores, is tested with the export (floorplan/exports, TestIMDFRoundTrip).

package imdf_test

import (
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/imdf"
	"officemap/floorplan/imports/importtest"
)

// A unit whose polygon is invalid is a problem of that room, named with its file, feature and id.
func TestInvalidUnit(t *testing.T) {
	fs := archive(func(f map[string]string) {
		f["unit.geojson"] = strings.Replace(f["unit.geojson"],
			`[[[119.97,31.81],[119.9701,31.81],[119.9701,31.8101],[119.97,31.8101],[119.97,31.81]]]`,
			`[[[119.97,31.81],[119.9701,31.8101],[119.9701,31.81],[119.97,31.8101],[119.97,31.81]]]`, 1)
	})
	ds, err := imdf.ReadFS("venue.zip", fs, imdf.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = imports.Import(ctx, floorplan.NewRegister(importtest.NewStore(t)), ds, imports.Options{})
	want := "venue.zip: unit.geojson feature 1 (id 33333333-3333-4333-8333-333333333331) (room 101): outer ring self-intersects"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v, want %q…", err, want)
	}
}
