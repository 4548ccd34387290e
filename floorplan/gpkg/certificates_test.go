package gpkg_test

import (
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/storetest"
)

// TestCertificates runs the conformance tests of the usage certificates (schema version 18, certificates.go).
func TestCertificates(t *testing.T) {
	storetest.RunCertificates(t, newClocked)
}

// downgradeV18 turns a register of version 18 back into one of version 17: no certificates. The
// downgrade of version 17 runs it first.
func downgradeV18(t *testing.T, path string) {
	t.Helper()
	downgradeV19(t, path)
	downgrade(t, path, `DROP TRIGGER certificates_revoke_only`, `DROP TRIGGER certificates_no_delete`,
		`DROP TABLE certificates`, `DELETE FROM gpkg_contents WHERE table_name = 'certificates'`,
		`UPDATE officemap_schema SET version = 17`)
}

// TestMigrateV17: Open brings a register of version 17 to version 18 — the certificates, empty, as in a new
// file — and a certificate can then be stored, revoked once and never deleted.
func TestMigrateV17(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v17.gpkg")
	ctx, s, _ := schemaStep{tables: []string{"certificates"}, down: downgradeV18}.migrate(t, path)
	agency := floorplan.Agency{Name: "常州市统计局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive, Headcount: 10}
	must(t, s.CreateAgency(ctx, &agency))
	code, err := floorplan.NewCertificateCode()
	must(t, err)
	c := floorplan.Certificate{Code: code, AgencyID: agency.ID, TotalAreaM2: 12.5,
		Rooms: []floorplan.CertificateRoom{{ID: uuid.New(), Number: "101", AreaM2: 12.5}}}
	must(t, s.CreateCertificate(ctx, &c))
	must(t, s.RevokeCertificate(ctx, c.ID, "test", "调整"))
	fileRefuses(t, path, `UPDATE certificates SET total_area_m2 = 1`, `UPDATE certificates SET revoke_reason = 'x'`, `DELETE FROM certificates`)
}
