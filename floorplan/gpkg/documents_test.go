package gpkg_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/storetest"
)

// TestDocuments runs the conformance tests of the electronic archive (schema version 12, documents.go).
func TestDocuments(t *testing.T) {
	storetest.RunDocuments(t, func(t *testing.T) floorplan.Store { return openClocked(t) })
}

// downgradeV12 turns a register of version 12 back into one of version 11: no archive.
func downgradeV12(t *testing.T, path string) {
	t.Helper()
	downgradeV13(t, path)
	qs := []string{}
	for _, name := range []string{"documents_no_delete", "documents_hide_only", "document_blobs_immutable",
		"document_blobs_no_delete", "document_blob_parts_immutable", "document_blob_parts_no_delete", "documents_version_chain"} {
		qs = append(qs, `DROP TRIGGER `+name)
	}
	qs = append(qs, `DROP TABLE documents`, `DROP TABLE document_blob_parts`, `DROP TABLE document_blobs`,
		`DELETE FROM gpkg_contents WHERE table_name IN ('documents', 'document_blobs', 'document_blob_parts')`,
		`UPDATE officemap_schema SET version = 11`)
	downgrade(t, path, qs...)
}

// TestMigrateV11: Open brings a register of version 11 to version 12 — the archive's tables, empty, as in a
// new file — and documents can then be filed.
func TestMigrateV11(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v11.gpkg")
	reg := filledFile(t, path)
	want := schemaOf(t, path)
	downgradeV12(t, path)
	history := historyRecords(t, path)
	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := gpkg.Open(ctx, path, gpkg.WithLocation(cst))
	must(t, err)
	defer s.Close()
	if got := schemaOf(t, path); got != want {
		t.Errorf("migrated schema differs from a new file's:\n%s\nwant\n%s", got, want)
	}
	if got := historyRecords(t, path); got != history {
		t.Errorf("the migration wrote history: %d records, %d before", got, history)
	}
	data := "%PDF-1.4 migrated"
	sum := sha256.Sum256([]byte(data))
	d := floorplan.Document{SubjectType: floorplan.SubjectSite, SubjectID: reg.site.ID, DocType: "title_certificate",
		Name: "a.pdf", SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), MediaType: "application/pdf"}
	must(t, s.Blobs().Put(ctx, d.SHA256, d.Size, strings.NewReader(data)))
	must(t, s.CreateDocument(ctx, &d))
	for _, q := range []string{`DELETE FROM documents`, `UPDATE documents SET name = 'b.pdf'`, `UPDATE document_blob_parts SET data = x'00'`} {
		if _, err := rawDB(t, path).Exec(q); err == nil {
			t.Errorf("%s: the file allowed it", q)
		}
	}
}

// schemaOf returns the definitions of the archive's tables, indexes and triggers in the file at path.
func schemaOf(t *testing.T, path string) string {
	t.Helper()
	return strings.Join(queryStrings(t, rawDB(t, path), `SELECT type || ' ' || name || ': ' || coalesce(sql, '')
 FROM sqlite_master WHERE tbl_name IN ('documents', 'document_blobs', 'document_blob_parts') ORDER BY type, name`), "\n")
}
