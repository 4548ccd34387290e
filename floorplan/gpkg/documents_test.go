package gpkg_test

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/storetest"
)

// TestDocuments runs the conformance tests of the electronic archive (schema version 12, documents.go).
func TestDocuments(t *testing.T) {
	storetest.RunDocuments(t, newClocked)
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
	ctx, s, reg := schemaStep{tables: []string{"documents", "document_blobs", "document_blob_parts"}, down: downgradeV12}.migrate(t, path)
	data := "%PDF-1.4 migrated"
	sum := sha256.Sum256([]byte(data))
	d := floorplan.Document{SubjectType: floorplan.SubjectSite, SubjectID: reg.site.ID, DocType: "title_certificate",
		Name: "a.pdf", SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), MediaType: "application/pdf"}
	must(t, s.Blobs().Put(ctx, d.SHA256, d.Size, strings.NewReader(data)))
	must(t, s.CreateDocument(ctx, &d))
	fileRefuses(t, path, `DELETE FROM documents`, `UPDATE documents SET name = 'b.pdf'`, `UPDATE document_blob_parts SET data = x'00'`)
}
