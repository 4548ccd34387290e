package postgis_test

import (
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
)

// TestCertificates runs the conformance tests of the usage certificates (migrations/0024_certificates.sql).
func TestCertificates(t *testing.T) {
	storetest.RunCertificates(t, func(t *testing.T) floorplan.Store {
		return &agedStore{Store: pgtest.NewStore(t, postgis.WithLocation(conformanceZone))}
	})
}
