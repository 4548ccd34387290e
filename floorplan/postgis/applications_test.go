package postgis_test

import (
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
)

// TestApplications runs the conformance tests of the applications (migrations/0023_applications.sql).
func TestApplications(t *testing.T) {
	storetest.RunApplications(t, func(t *testing.T) floorplan.Store {
		return &agedStore{Store: pgtest.NewStore(t, postgis.WithLocation(conformanceZone))}
	})
}
