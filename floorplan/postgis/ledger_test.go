package postgis_test

import (
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
)

// TestLedger runs the conformance tests of the ledger (migrations/0018_ledger.sql).
func TestLedger(t *testing.T) {
	storetest.RunLedger(t, func(t *testing.T) floorplan.Store {
		return &agedStore{Store: pgtest.NewStore(t, postgis.WithLocation(conformanceZone))}
	})
}
