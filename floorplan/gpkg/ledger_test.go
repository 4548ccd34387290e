package gpkg_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/storetest"
)

// TestLedger runs the conformance tests of the ledger (schema version 13, ledger.go).
func TestLedger(t *testing.T) {
	storetest.RunLedger(t, func(t *testing.T) floorplan.Store { return openClocked(t) })
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
	reg := filledFile(t, path)
	want := strings.Join(queryStrings(t, rawDB(t, path), `SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master WHERE tbl_name = 'ledger_entries' ORDER BY type, name`), "\n")
	downgradeV13(t, path)
	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := gpkg.Open(ctx, path, gpkg.WithLocation(cst))
	must(t, err)
	defer s.Close()
	got := strings.Join(queryStrings(t, rawDB(t, path), `SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master WHERE tbl_name = 'ledger_entries' ORDER BY type, name`), "\n")
	if got != want {
		t.Errorf("migrated ledger_entries differ from a new file's:\n%s\nwant\n%s", got, want)
	}
	e := floorplan.LedgerEntry{SiteID: reg.site.ID, Year: 2026, Kind: floorplan.LedgerUtilities, Amount: 88.8}
	must(t, s.AddLedgerEntry(ctx, &e))
	for _, q := range []string{`UPDATE ledger_entries SET amount_cents = 1`, `DELETE FROM ledger_entries`} {
		if _, err := rawDB(t, path).Exec(q); err == nil {
			t.Errorf("%s: the file allowed it", q)
		}
	}
}
