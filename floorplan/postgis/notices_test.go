package postgis_test

import (
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
)

// TestNotices runs the conformance tests of the notices (migrations/0025_notices.sql).
func TestNotices(t *testing.T) {
	storetest.RunNotices(t, func(t *testing.T) floorplan.Store {
		return &agedStore{Store: pgtest.NewStore(t, postgis.WithLocation(conformanceZone))}
	})
}
