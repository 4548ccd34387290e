package postgis_test

import (
	"testing"

	"officemap/floorplan/storetest"
)

// TestApplications runs the conformance tests of the applications (migrations/0023_applications.sql).
func TestApplications(t *testing.T) {
	storetest.RunApplications(t, newAgedStore)
}
