package postgis_test

import (
	"testing"

	"officemap/floorplan/storetest"
)

// TestProcedures drives every procedure of the online handling end to end on the PostGIS store, with the
// applications' history (migrations/0026_application_history.sql).
func TestProcedures(t *testing.T) {
	storetest.RunProcedures(t, newAgedStore)
}
