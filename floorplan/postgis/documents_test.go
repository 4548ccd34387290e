package postgis_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
)

// TestDocuments runs the conformance tests of the electronic archive (migrations/0017_documents.sql).
func TestDocuments(t *testing.T) {
	storetest.RunDocuments(t, newAgedStore)
}

// TestDocumentsDatabaseGuards: the database itself keeps a filed document as it is — no delete, no change
// but one hiding, no changed or deleted bytes — whatever SQL reaches it.
func TestDocumentsDatabaseGuards(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	url := pgtest.NewDB(t)
	s := openStoreOn(t, url, postgis.WithLocation(conformanceZone))
	site := floorplan.Site{Name: "档案测试", Category: "office.other", Ownership: floorplan.OwnershipRegistered}
	must(t, s.CreateSite(ctx, &site))
	data := "%PDF-1.4 guard"
	sum := sha256.Sum256([]byte(data))
	sha := hex.EncodeToString(sum[:])
	must(t, s.Blobs().Put(ctx, sha, int64(len(data)), strings.NewReader(data)))
	d := floorplan.Document{SubjectType: floorplan.SubjectSite, SubjectID: site.ID, DocType: "title_certificate",
		Name: "a.pdf", SHA256: sha, Size: int64(len(data)), MediaType: "application/pdf"}
	must(t, s.CreateDocument(ctx, &d))

	p := poolOn(t, url)
	for _, c := range []struct{ name, sql string }{
		{"delete", `DELETE FROM documents WHERE id = $1`},
		{"rename", `UPDATE documents SET name = 'b.pdf' WHERE id = $1`},
		{"hide and rename", `UPDATE documents SET name = 'b.pdf', hidden_at = now(), hidden_by = 'x', hidden_reason = 'y' WHERE id = $1`},
		{"hide without a reason", `UPDATE documents SET hidden_at = now(), hidden_by = 'x' WHERE id = $1`},
		{"change the bytes", `UPDATE document_blob_parts SET data = 'x' WHERE sha256 = (SELECT sha256 FROM documents WHERE id = $1)`},
		{"delete the bytes", `DELETE FROM document_blob_parts WHERE sha256 = (SELECT sha256 FROM documents WHERE id = $1)`},
		{"truncate", `TRUNCATE documents CASCADE`},
	} {
		args := []any{d.ID}
		if strings.HasPrefix(c.sql, "TRUNCATE") {
			args = nil
		}
		if _, err := p.Exec(ctx, c.sql, args...); err == nil {
			t.Errorf("%s: the database allowed it", c.name)
		}
	}
	if _, err := p.Exec(ctx, `UPDATE documents SET hidden_at = now(), hidden_by = 'x', hidden_reason = 'y' WHERE id = $1`, d.ID); err != nil {
		t.Errorf("hiding a live document: %v", err)
	}
	if _, err := p.Exec(ctx, `UPDATE documents SET hidden_reason = 'z' WHERE id = $1`, d.ID); err == nil {
		t.Error("a hidden document's reason was changed")
	}
}

// TestMigrate0017: 0017_documents and 0018_ledger on a database of the migration before, with a room in it,
// change no row and write no history; documents and ledger entries can then be filed against the site.
func TestMigrate0017(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	p, rows, history := roomBeforeMigration(t, ctx, 17)
	roomUnchanged(t, ctx, p, rows, history)
	var docs, entries int
	must(t, p.QueryRow(ctx, `SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM ledger_entries)`).Scan(&docs, &entries))
	if docs != 0 || entries != 0 {
		t.Errorf("after the migrations: %d documents, %d ledger entries; want none", docs, entries)
	}
	sha := strings.Repeat("ab", 32)
	if _, err := p.Exec(ctx, `INSERT INTO document_blobs (sha256, size, parts) VALUES ($1, 1, 1)`, sha); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Exec(ctx, `INSERT INTO documents (id, subject_type, subject_id, site_id, doc_type, name, sha256, size, media_type, version, uploaded_by)
VALUES (gen_random_uuid(), 'site', $1, $1, 'photo', 'a.png', $2, 1, 'image/png', 1, 'test')`, rows.site, sha); err != nil {
		t.Errorf("filing a document after the migration: %v", err)
	}
	if _, err := p.Exec(ctx, `INSERT INTO ledger_entries (id, site_id, year, kind, amount, recorded_by) VALUES (gen_random_uuid(), $1, 2026, 'utilities', 10.5, 'test')`, rows.site); err != nil {
		t.Errorf("a ledger entry after the migration: %v", err)
	}
	if _, err := p.Exec(ctx, `UPDATE ledger_entries SET amount = 1`); err == nil {
		t.Error("a ledger entry was changed")
	}
}
