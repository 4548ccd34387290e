package postgis_test

import (
	"testing"

	"officemap/floorplan/storetest"
)

// TestClassification runs the conformance tests of a building's own kind
// (migrations/0021_building_category.sql) and of the title records' expiry and scan.
func TestClassification(t *testing.T) {
	storetest.RunClassification(t, newAgedStore)
}
