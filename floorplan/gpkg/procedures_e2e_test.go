package gpkg_test

import (
	"testing"

	"officemap/floorplan/storetest"
)

// TestProcedures drives every procedure of the online handling end to end on the GeoPackage store, with the
// applications' history (schema version 20, apphistory.go).
func TestProcedures(t *testing.T) {
	storetest.RunProcedures(t, newClocked)
}
