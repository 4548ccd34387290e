package gpkg_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/storetest"
)

// TestNotices runs the conformance tests of the notices (schema version 19, notices.go).
func TestNotices(t *testing.T) {
	storetest.RunNotices(t, func(t *testing.T) floorplan.Store { return openClocked(t) })
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

// noticesSchema is the definition of the tables notices and notice_reads and their indexes and trigger.
func noticesSchema(t *testing.T, path string) string {
	t.Helper()
	return strings.Join(queryStrings(t, rawDB(t, path), `SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master
 WHERE tbl_name IN ('notices', 'notice_reads') ORDER BY type, name`), "\n")
}

// TestMigrateV18: Open brings a register of version 18 to version 19 — the notices, empty, as in a new
// file — and a notice can then be left and read, never changed.
func TestMigrateV18(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v18.gpkg")
	filledFile(t, path)
	want := noticesSchema(t, path)
	if !strings.Contains(want, "CREATE TABLE notices") || !strings.Contains(want, "CREATE TABLE notice_reads") {
		t.Fatalf("a new file has no notices:\n%s", want)
	}
	downgradeV19(t, path)
	if got := noticesSchema(t, path); got != "" {
		t.Fatalf("the downgraded file still has notices:\n%s", got)
	}
	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := gpkg.Open(ctx, path, gpkg.WithLocation(cst))
	must(t, err)
	defer s.Close()
	if got := noticesSchema(t, path); got != want {
		t.Errorf("migrated notices differ from a new file's:\n%s\nwant\n%s", got, want)
	}
	n := floorplan.Notice{Role: "bureau_admin", ApplicationID: uuid.New(), Kind: floorplan.NoticeFiled, Title: "新申请"}
	must(t, s.AddNotice(ctx, &n))
	must(t, s.MarkRead(ctx, n.ID, uuid.New(), n.CreatedAt))
	if _, err := rawDB(t, path).Exec(`UPDATE notices SET title = 'x'`); err == nil {
		t.Errorf("the file allowed a notice to change")
	}
}
