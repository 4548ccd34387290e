package gpkg_test

import (
	"testing"

	"officemap/floorplan/storetest"
)

// TestAllocation runs the conformance tests of an allocation's scenario on its application
// (floorplan/application_scenario.go).
func TestAllocation(t *testing.T) {
	storetest.RunAllocation(t, newClocked)
}
