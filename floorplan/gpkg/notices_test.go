package gpkg_test

import (
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/storetest"
)

// TestNotices runs the conformance tests of the notices (schema version 19, notices.go).
func TestNotices(t *testing.T) {
	storetest.RunNotices(t, newClocked)
}

// downgradeV19 turns a register of version 19 (or later: the inspections of version 21 go first; version
// 20 only adds rows to the history) back into one of version 18: no notices.
func downgradeV19(t *testing.T, path string) {
	t.Helper()
	downgradeV21(t, path)
	downgrade(t, path, `DROP TRIGGER notices_unchanged`, `DROP TABLE notice_reads`, `DROP TABLE notices`,
		`DELETE FROM gpkg_contents WHERE table_name IN ('notices', 'notice_reads')`,
		`UPDATE officemap_schema SET version = 18`)
}

// TestMigrateV18: Open brings a register of version 18 to version 19 — the notices, empty, as in a new
// file — and a notice can then be left and read, never changed.
func TestMigrateV18(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v18.gpkg")
	ctx, s, _ := schemaStep{tables: []string{"notices", "notice_reads"}, down: downgradeV19}.migrate(t, path)
	n := floorplan.Notice{Role: "bureau_admin", ApplicationID: uuid.New(), Kind: floorplan.NoticeFiled, Title: "新申请"}
	must(t, s.AddNotice(ctx, &n))
	must(t, s.MarkRead(ctx, n.ID, uuid.New(), n.CreatedAt))
	fileRefuses(t, path, `UPDATE notices SET title = 'x'`)
}

// downgradeV23 turns a register of version 23 back into one of version 22: no claims of the notices'
// deliveries. The downgrade of version 22 runs it first.
func downgradeV23(t *testing.T, path string) {
	t.Helper()
	downgradeV24(t, path)
	downgrade(t, path, `DROP TABLE notice_deliveries`, `DELETE FROM gpkg_contents WHERE table_name = 'notice_deliveries'`,
		`UPDATE officemap_schema SET version = 22`)
}

// TestMigrateV22: Open brings a register of version 22 to version 23 — the claims of the notices' deliveries,
// empty, as in a new file — and a notice left before can then be claimed, once.
func TestMigrateV22(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v22.gpkg")
	ctx, s, _ := schemaStep{tables: []string{"notice_deliveries"}, down: downgradeV23}.migrate(t, path)
	n := floorplan.Notice{Role: "bureau_admin", ApplicationID: uuid.New(), Kind: floorplan.NoticeFiled, Title: "新申请"}
	must(t, s.AddNotice(ctx, &n))
	for i, want := range []bool{true, false} {
		if got, err := s.ClaimDelivery(ctx, n.ID, n.CreatedAt); err != nil || got != want {
			t.Errorf("claim %d: %v, %v; want %v", i+1, got, err, want)
		}
	}
}

// downgradeV24 turns a register of version 24 back into one of version 23: notices without a key. The
// downgrade of version 23 runs it first.
func downgradeV24(t *testing.T, path string) {
	t.Helper()
	downgrade(t, path, `DROP INDEX notices_once_idx`, `ALTER TABLE notices DROP COLUMN once`,
		`UPDATE officemap_schema SET version = 23`)
}

// TestMigrateV23: Open brings a register of version 23 to version 24 — a notice's key among its
// application's, as in a new file — after which of two notices with one key only the first is stored, and a
// notice without a key is not constrained.
func TestMigrateV23(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v23.gpkg")
	ctx, s, _ := schemaStep{tables: []string{"notices"}, marks: []string{"once TEXT", "notices_once_idx"}, down: downgradeV24}.migrate(t, path)
	app := uuid.New()
	for i, once := range []string{"", "draft 2026-03-02T09:00:00Z", "draft 2026-03-02T09:00:00Z"} {
		n := floorplan.Notice{Role: "bureau_admin", ApplicationID: app, Kind: floorplan.NoticeEscalated, Title: "超期", Once: once}
		must(t, s.AddNotice(ctx, &n))
		if stored := n.ID != uuid.Nil; stored != (i < 2) {
			t.Errorf("notice %d (key %q): stored %v, want %v", i+1, once, stored, i < 2)
		}
	}
}
