package gpkg_test

import (
	"path/filepath"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/storetest"
)

// TestLedger runs the conformance tests of the ledger (schema version 13, ledger.go).
func TestLedger(t *testing.T) {
	storetest.RunLedger(t, newClocked)
}

// downgradeV13 turns a register of version 13 back into one of version 12: no ledger entries.
func downgradeV13(t *testing.T, path string) {
	t.Helper()
	downgradeV14(t, path)
	downgrade(t, path, `DROP TRIGGER ledger_entries_no_update`, `DROP TRIGGER ledger_entries_no_delete`,
		`DROP TABLE ledger_entries`, `DELETE FROM gpkg_contents WHERE table_name = 'ledger_entries'`,
		`UPDATE officemap_schema SET version = 12`)
}

// TestMigrateV12: Open brings a register of version 12 to version 13 — the ledger's entries, empty, as in a
// new file — and entries can then be recorded, never changed.
func TestMigrateV12(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v12.gpkg")
	ctx, s, reg := schemaStep{tables: []string{"ledger_entries"}, down: downgradeV13}.migrate(t, path)
	e := floorplan.LedgerEntry{SiteID: reg.site.ID, Year: 2026, Kind: floorplan.LedgerUtilities, Amount: 88.8}
	must(t, s.AddLedgerEntry(ctx, &e))
	fileRefuses(t, path, `UPDATE ledger_entries SET amount_cents = 1`, `DELETE FROM ledger_entries`)
}

// downgradeV16 turns a register of version 16 back into one of version 15: no agency in ledger entries.
func downgradeV16(t *testing.T, path string) {
	t.Helper()
	downgradeV17(t, path)
	downgrade(t, path, `DROP INDEX ledger_entries_agency_idx`, `ALTER TABLE ledger_entries DROP COLUMN agency_id`,
		`UPDATE officemap_schema SET version = 15`)
}

// TestMigrateV15: Open brings a register of version 15 to version 16 — ledger_entries.agency_id, as in a
// new file — keeping an entry recorded before as the general ledger's, and an agency's entry can then be
// recorded and read.
func TestMigrateV15(t *testing.T) {
	ctx, s, reg := schemaStep{tables: []string{"ledger_entries"}, marks: []string{"agency_id"}, down: func(t *testing.T, path string) {
		downgradeV16(t, path)
		// An entry recorded before, on the file's one site.
		downgrade(t, path, `INSERT INTO ledger_entries (id, site_id, year, kind, amount_cents, recorded_by, recorded_at)
VALUES ('0b0e52a4-6a44-4c1c-9a36-000000000001', (SELECT id FROM sites_all), 2026, 'book_value', 100000, 'test', '2026-01-02T03:04:05.000Z')`)
	}}.migrate(t, filepath.Join(t.TempDir(), "v15.gpkg"))
	a := floorplan.Agency{Name: "市财政局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	must(t, s.CreateAgency(ctx, &a))
	e := floorplan.LedgerEntry{SiteID: reg.site.ID, AgencyID: a.ID, Year: 2026, Kind: floorplan.LedgerBookValue, Amount: 400}
	must(t, s.AddLedgerEntry(ctx, &e))
	got, err := s.LedgerEntries(ctx, floorplan.LedgerFilter{SiteID: reg.site.ID, Year: 2026})
	must(t, err)
	if len(got) != 2 || !got[0].General() || got[0].Amount != 1000 || got[1].AgencyID != a.ID || got[1].Amount != 400 {
		t.Errorf("entries after the migration: %+v; want the old one the general ledger's, then the agency's", got)
	}
}
