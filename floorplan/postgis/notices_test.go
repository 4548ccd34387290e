package postgis_test

import (
	"testing"

	"officemap/floorplan/storetest"
)

// TestNotices runs the conformance tests of the notices (migrations/0025_notices.sql).
func TestNotices(t *testing.T) {
	storetest.RunNotices(t, newAgedStore)
}
