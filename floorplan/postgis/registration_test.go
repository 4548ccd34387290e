package postgis_test

import (
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
)

// TestRegistration runs the conformance tests of the registration (migrations/0020_registration.sql).
func TestRegistration(t *testing.T) {
	storetest.RunRegistration(t, func(t *testing.T) floorplan.Store {
		return &agedStore{Store: pgtest.NewStore(t, postgis.WithLocation(conformanceZone))}
	})
}
