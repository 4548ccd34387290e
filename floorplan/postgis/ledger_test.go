package postgis_test

import (
	"testing"

	"officemap/floorplan/storetest"
)

// TestLedger runs the conformance tests of the ledger (migrations/0018_ledger.sql).
func TestLedger(t *testing.T) {
	storetest.RunLedger(t, newAgedStore)
}
