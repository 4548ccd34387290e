package postgis_test

import (
	"testing"

	"officemap/floorplan/storetest"
)

// TestRegistration runs the conformance tests of the registration (migrations/0020_registration.sql).
func TestRegistration(t *testing.T) {
	storetest.RunRegistration(t, newAgedStore)
}
