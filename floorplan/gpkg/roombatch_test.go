package gpkg_test

import (
	"testing"

	"officemap/floorplan/storetest"
)

// TestRoomBatch runs the conformance tests of rooms saved as a whole (the deferred overlap check of
// overlaps.go).
func TestRoomBatch(t *testing.T) {
	storetest.RunRoomBatch(t, newClocked)
}
