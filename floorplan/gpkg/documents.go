package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

var _ floorplan.DocumentStore = (*Store)(nil)

// The electronic archive's documents (floorplan/documents.go) as attribute tables: documents, filed once,
// hidden at most once, never changed or deleted (triggers refuse it); the bytes in document_blob_parts,
// 1 MiB a part, so that one backup of the file holds the whole archive.

// sqlMigrateV12 creates the archive's tables, empty.
const sqlMigrateV12 = `
CREATE TABLE document_blobs (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
  size INTEGER NOT NULL CHECK (size > 0),
  parts INTEGER NOT NULL CHECK (parts > 0)
);
CREATE TABLE document_blob_parts (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  sha256 TEXT NOT NULL REFERENCES document_blobs (sha256),
  part INTEGER NOT NULL CHECK (part >= 0),
  data BLOB NOT NULL CHECK (length(data) BETWEEN 1 AND 1048576),
  UNIQUE (sha256, part)
);
CREATE TABLE documents (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  subject_type TEXT NOT NULL CHECK (subject_type IN ('site', 'building', 'floor', 'room', 'agency')),
  subject_id TEXT NOT NULL,
  site_id TEXT REFERENCES sites_all (id),
  doc_type TEXT NOT NULL CHECK (length(doc_type) BETWEEN 1 AND 64 AND doc_type NOT GLOB '*[^a-z0-9_.-]*'),
  name TEXT NOT NULL CHECK (trim(name) <> ''),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
  size INTEGER NOT NULL CHECK (size > 0),
  media_type TEXT NOT NULL CHECK (media_type <> ''),
  doc_date DATE,
  note TEXT NOT NULL DEFAULT '',
  supersedes TEXT UNIQUE REFERENCES documents (id),
  version INTEGER NOT NULL CHECK (version >= 1),
  uploaded_by TEXT NOT NULL,
  uploaded_at DATETIME NOT NULL,
  hidden_at DATETIME,
  hidden_by TEXT,
  hidden_reason TEXT,
  CHECK ((hidden_at IS NULL) = (hidden_by IS NULL) AND (hidden_at IS NULL) = (hidden_reason IS NULL)),
  CHECK (hidden_reason IS NULL OR trim(hidden_reason) <> ''),
  CHECK ((supersedes IS NULL) = (version = 1))
);
CREATE INDEX documents_subject_idx ON documents (subject_id, uploaded_at);
CREATE INDEX documents_site_idx ON documents (site_id, uploaded_at);
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
BEGIN SELECT RAISE(ABORT, 'documents keeps every row: hide a document instead'); END;
CREATE TRIGGER documents_hide_only BEFORE UPDATE ON documents
WHEN OLD.hidden_at IS NOT NULL OR NEW.hidden_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.subject_type IS NOT OLD.subject_type OR NEW.subject_id IS NOT OLD.subject_id
  OR NEW.site_id IS NOT OLD.site_id OR NEW.doc_type IS NOT OLD.doc_type OR NEW.name IS NOT OLD.name
  OR NEW.sha256 IS NOT OLD.sha256 OR NEW.size IS NOT OLD.size OR NEW.media_type IS NOT OLD.media_type
  OR NEW.doc_date IS NOT OLD.doc_date OR NEW.note IS NOT OLD.note OR NEW.supersedes IS NOT OLD.supersedes
  OR NEW.version IS NOT OLD.version OR NEW.uploaded_by IS NOT OLD.uploaded_by OR NEW.uploaded_at IS NOT OLD.uploaded_at
BEGIN SELECT RAISE(ABORT, 'documents rows never change (a document may only be hidden, once)'); END;
CREATE TRIGGER document_blobs_immutable BEFORE UPDATE ON document_blobs
BEGIN SELECT RAISE(ABORT, 'document_blobs rows never change'); END;
CREATE TRIGGER document_blobs_no_delete BEFORE DELETE ON document_blobs
BEGIN SELECT RAISE(ABORT, 'document_blobs keeps every row'); END;
CREATE TRIGGER document_blob_parts_immutable BEFORE UPDATE ON document_blob_parts
BEGIN SELECT RAISE(ABORT, 'document_blob_parts rows never change'); END;
CREATE TRIGGER document_blob_parts_no_delete BEFORE DELETE ON document_blob_parts
BEGIN SELECT RAISE(ABORT, 'document_blob_parts keeps every row'); END;
CREATE TRIGGER documents_version_chain BEFORE INSERT ON documents
WHEN NEW.supersedes IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM documents p WHERE p.id = NEW.supersedes AND p.hidden_at IS NULL
     AND p.subject_type = NEW.subject_type AND p.subject_id = NEW.subject_id AND NEW.version = p.version + 1)
BEGIN SELECT RAISE(ABORT, 'a new version must supersede a live document of the same subject, one version on'); END;
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('documents', 'attributes', 'documents', 'the electronic archive: filed documents (floorplan/documents.go)', NULL),
  ('document_blobs', 'attributes', 'document_blobs', 'the bytes of the documents, by SHA-256', NULL),
  ('document_blob_parts', 'attributes', 'document_blob_parts', 'the bytes of the documents, 1 MiB a part', NULL);
`

const (
	documentColumns = `d.id, d.subject_type, d.subject_id, d.doc_type, d.name, d.sha256, d.size, d.media_type,
  d.doc_date, d.note, d.supersedes, d.version, d.uploaded_by, CAST(d.uploaded_at AS TEXT),
  CAST(d.hidden_at AS TEXT), d.hidden_by, d.hidden_reason`
	// sqlDocumentSite is the site a live subject lies in (?1 type, ?2 id): NULL for an agency, no row
	// for a subject that does not exist.
	sqlDocumentSite = `
SELECT s.id FROM sites_all s WHERE ?1 = 'site' AND s.id = ?2 AND s.deleted_at IS NULL
UNION ALL SELECT b.site_id FROM buildings_all b WHERE ?1 = 'building' AND b.id = ?2 AND b.deleted_at IS NULL
UNION ALL SELECT b.site_id FROM floors_all f JOIN buildings_all b ON b.id = f.building_id
           WHERE ?1 = 'floor' AND f.id = ?2 AND f.deleted_at IS NULL
UNION ALL SELECT b.site_id FROM rooms_all r JOIN floors_all f ON f.id = r.floor_id JOIN buildings_all b ON b.id = f.building_id
           WHERE ?1 = 'room' AND r.id = ?2 AND r.deleted_at IS NULL
UNION ALL SELECT NULL FROM agencies a WHERE ?1 = 'agency' AND a.id = ?2 AND a.deleted_at IS NULL`
	sqlSuperseded     = `SELECT subject_type, subject_id, version, hidden_at IS NOT NULL FROM documents WHERE id = ?1`
	sqlInsertDocument = `INSERT INTO documents (id, subject_type, subject_id, site_id, doc_type, name, sha256, size,
  media_type, doc_date, note, supersedes, version, uploaded_by, uploaded_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)`
	sqlDocument  = `SELECT ` + documentColumns + ` FROM documents d WHERE d.id = ?1`
	sqlDocuments = `SELECT ` + documentColumns + ` FROM documents d
 WHERE (?1 IS NULL OR d.subject_type = ?1) AND (?2 IS NULL OR d.subject_id = ?2) AND (?3 IS NULL OR d.site_id = ?3)
   AND (?4 IS NULL OR d.doc_type = ?4) AND (?5 OR d.hidden_at IS NULL)
 ORDER BY d.subject_type, d.subject_id, d.uploaded_at, d.fid`
	sqlHideDocument = `UPDATE documents SET hidden_at = ?2, hidden_by = ?3, hidden_reason = ?4
 WHERE id = ?1 AND hidden_at IS NULL`
	sqlDocumentExists = `SELECT count(*) FROM documents WHERE id = ?1`
	sqlSuccessors     = `SELECT count(*) FROM documents WHERE supersedes = ?1`
	sqlBlobParts      = `SELECT parts FROM document_blobs WHERE sha256 = ?1`
	sqlInsertBlob     = `INSERT INTO document_blobs (sha256, size, parts) VALUES (?1, ?2, ?3)`
	sqlInsertPart     = `INSERT INTO document_blob_parts (sha256, part, data) VALUES (?1, ?2, ?3)`
	sqlBlobPart       = `SELECT data FROM document_blob_parts WHERE sha256 = ?1 AND part = ?2`
)

func (s *Store) scanDocument(row scanner) (floorplan.Document, error) {
	var d floorplan.Document
	var subject string
	var hiddenBy, hiddenReason sql.NullString
	err := row.Scan(idCol{&d.ID}, &subject, idCol{&d.SubjectID}, &d.DocType, &d.Name, &d.SHA256, &d.Size,
		&d.MediaType, dateCol{&d.Date}, &d.Note, idCol{&d.Supersedes}, &d.Version, &d.UploadedBy,
		instantCol{&d.UploadedAt, s.loc}, instantCol{&d.HiddenAt, s.loc}, &hiddenBy, &hiddenReason)
	d.SubjectType, d.HiddenBy, d.HiddenReason = floorplan.SubjectType(subject), hiddenBy.String, hiddenReason.String
	return d, err
}

// CreateDocument files d, whose bytes the blob keeper already has.
func (s *Store) CreateDocument(ctx context.Context, d *floorplan.Document) error {
	if err := d.Validate(); err != nil {
		return err
	}
	var version int
	var at time.Time
	err := s.create(ctx, &d.ID, func(q querier, id uuid.UUID, now time.Time) error {
		var site sql.NullString
		err := q.QueryRowContext(ctx, sqlDocumentSite, string(d.SubjectType), d.SubjectID.String()).Scan(&site)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(string(d.SubjectType), d.SubjectID)
		}
		if err != nil {
			return err
		}
		if version, err = s.nextVersion(ctx, q, d); err != nil {
			return err
		}
		var text string
		at, text = instant(now)
		var siteID any
		if site.Valid {
			siteID = site.String
		}
		_, err = q.ExecContext(ctx, sqlInsertDocument, id.String(), string(d.SubjectType), d.SubjectID.String(), siteID,
			d.DocType, d.Name, d.SHA256, d.Size, d.MediaType, nullDate(d.Date), d.Note, nullID(d.Supersedes), version,
			floorplan.ActorFrom(ctx), text)
		return err
	})
	if err != nil {
		return err
	}
	d.Version, d.UploadedAt, d.UploadedBy = version, at, floorplan.ActorFrom(ctx)
	return nil
}

// nextVersion is the version d files as: 1, or one more than the live document of the same subject it
// supersedes.
func (s *Store) nextVersion(ctx context.Context, q querier, d *floorplan.Document) (int, error) {
	if d.Supersedes == uuid.Nil {
		return 1, nil
	}
	var typ string
	var subject uuid.UUID
	var version int
	var hidden bool
	err := q.QueryRowContext(ctx, sqlSuperseded, d.Supersedes.String()).Scan(&typ, idCol{&subject}, &version, &hidden)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, notFound("document", d.Supersedes)
	case err != nil:
		return 0, err
	case hidden:
		return 0, fmt.Errorf("%w: document %s is deleted: a new version cannot supersede it", floorplan.ErrConflict, d.Supersedes)
	case typ != string(d.SubjectType) || subject != d.SubjectID:
		return 0, fmt.Errorf("%w: document %s belongs to another %s: a new version keeps its subject", floorplan.ErrInvalid, d.Supersedes, typ)
	}
	var successors int
	if err := q.QueryRowContext(ctx, sqlSuccessors, d.Supersedes.String()).Scan(&successors); err != nil {
		return 0, err
	}
	if successors > 0 {
		return 0, fmt.Errorf("%w: document %s already has a newer version: supersede that one", floorplan.ErrConflict, d.Supersedes)
	}
	return version + 1, nil
}

// Document returns a document, hidden or not.
func (s *Store) Document(ctx context.Context, id uuid.UUID) (floorplan.Document, error) {
	d, err := s.scanDocument(s.reader().QueryRowContext(ctx, sqlDocument, id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return d, notFound("document", id)
	}
	return d, wrapErr(err)
}

// Documents lists the documents f keeps.
func (s *Store) Documents(ctx context.Context, f floorplan.DocumentFilter) ([]floorplan.Document, error) {
	var typ, docType any
	if f.SubjectType != "" {
		typ = string(f.SubjectType)
	}
	if f.DocType != "" {
		docType = f.DocType
	}
	var out []floorplan.Document
	err := s.read(ctx, func(q querier) error {
		rows, err := q.QueryContext(ctx, sqlDocuments, typ, nullID(f.SubjectID), nullID(f.SiteID), docType, f.Hidden)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := s.scanDocument(rows)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	return out, err
}

// HideDocument hides a live document.
func (s *Store) HideDocument(ctx context.Context, id uuid.UUID, by, reason string) error {
	if reason == "" {
		return fmt.Errorf("%w: document %s: a deletion needs a reason", floorplan.ErrInvalid, id)
	}
	return s.write(ctx, func(q querier) error {
		_, at := instant(s.now())
		res, err := q.ExecContext(ctx, sqlHideDocument, id.String(), at, by, reason)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var exists int
		if err := q.QueryRowContext(ctx, sqlDocumentExists, id.String()).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			return fmt.Errorf("%w: document %s is already deleted", floorplan.ErrConflict, id)
		}
		return notFound("document", id)
	})
}

// Blobs returns the store's keeper of document bytes.
func (s *Store) Blobs() floorplan.Blobs { return blobs{s} }

// blobs keeps document bytes in document_blobs and document_blob_parts.
type blobs struct{ s *Store }

// Put stores the size bytes of r under sha, checking both; bytes already held are kept.
func (b blobs) Put(ctx context.Context, sha string, size int64, r io.Reader) error {
	return b.s.write(ctx, func(q querier) error {
		var parts int
		switch err := q.QueryRowContext(ctx, sqlBlobParts, sha).Scan(&parts); {
		case err == nil:
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := q.ExecContext(ctx, sqlInsertBlob, sha, size, floorplan.BlobParts(size)); err != nil {
			return err
		}
		return floorplan.WriteBlobParts(r, sha, size, func(part int, data []byte) error {
			_, err := q.ExecContext(ctx, sqlInsertPart, sha, part, data)
			return err
		})
	})
}

// Open returns the bytes stored under sha, read a part at a time.
func (b blobs) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	var parts int
	err := b.s.reader().QueryRowContext(ctx, sqlBlobParts, sha).Scan(&parts)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: document bytes %s", floorplan.ErrNotFound, sha)
	}
	if err != nil {
		return nil, wrapErr(err)
	}
	q := b.s.reader()
	return floorplan.BlobPartsReader(parts, func(part int) ([]byte, error) {
		var data []byte
		err := q.QueryRowContext(ctx, sqlBlobPart, sha, part).Scan(&data)
		return data, wrapErr(err)
	}), nil
}
