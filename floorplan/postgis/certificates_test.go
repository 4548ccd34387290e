package postgis_test

import (
	"testing"

	"officemap/floorplan/storetest"
)

// TestCertificates runs the conformance tests of the usage certificates (migrations/0024_certificates.sql).
func TestCertificates(t *testing.T) {
	storetest.RunCertificates(t, newAgedStore)
}
