package postgis

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

// The electronic archive's documents (migration 0017): rows that are filed once, hidden at most once,
// never changed; their bytes in document_blob_parts, 1 MiB a part.

const documentColumns = `d.id, d.subject_type, d.subject_id, d.doc_type, d.name, d.sha256, d.size, d.media_type,
       d.doc_date, d.note, d.supersedes, d.version, d.uploaded_by, d.uploaded_at, d.hidden_at, d.hidden_by,
       d.hidden_reason`

const (
	// documentSiteSQL is the site a live subject lies in ($1 type, $2 id): NULL for an agency, no row for a
	// subject that does not exist (or is deleted).
	documentSiteSQL = `
SELECT s.id FROM sites s WHERE $1 = 'site' AND s.id = $2 AND s.deleted_at IS NULL
UNION ALL SELECT b.site_id FROM buildings b WHERE $1 = 'building' AND b.id = $2 AND b.deleted_at IS NULL
UNION ALL SELECT b.site_id FROM floors f JOIN buildings b ON b.id = f.building_id
           WHERE $1 = 'floor' AND f.id = $2 AND f.deleted_at IS NULL
UNION ALL SELECT b.site_id FROM rooms r JOIN floors f ON f.id = r.floor_id JOIN buildings b ON b.id = f.building_id
           WHERE $1 = 'room' AND r.id = $2 AND r.deleted_at IS NULL
UNION ALL SELECT NULL::uuid FROM agencies a WHERE $1 = 'agency' AND a.id = $2 AND a.deleted_at IS NULL`
	supersededSQL     = `SELECT subject_type, subject_id, version, hidden_at IS NOT NULL FROM documents WHERE id = $1 FOR KEY SHARE`
	insertDocumentSQL = `
INSERT INTO documents (id, subject_type, subject_id, site_id, doc_type, name, sha256, size, media_type, doc_date,
                       note, supersedes, version, uploaded_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
RETURNING uploaded_at`
	documentSQL  = `SELECT ` + documentColumns + ` FROM documents d WHERE d.id = $1`
	documentsSQL = `SELECT ` + documentColumns + ` FROM documents d
 WHERE ($1::text IS NULL OR d.subject_type = $1)
   AND ($2::uuid IS NULL OR d.subject_id = $2)
   AND ($3::uuid IS NULL OR d.site_id = $3)
   AND ($4::text IS NULL OR d.doc_type = $4)
   AND ($5 OR d.hidden_at IS NULL)
 ORDER BY d.subject_type, d.subject_id, d.uploaded_at, d.id`
	hideDocumentSQL = `UPDATE documents SET hidden_at = now(), hidden_by = $2, hidden_reason = $3
 WHERE id = $1 AND hidden_at IS NULL`
	documentExistsSQL = `SELECT EXISTS (SELECT 1 FROM documents WHERE id = $1)`

	blobExistsSQL = `SELECT parts FROM document_blobs WHERE sha256 = $1`
	insertBlobSQL = `INSERT INTO document_blobs (sha256, size, parts) VALUES ($1, $2, $3)`
	insertPartSQL = `INSERT INTO document_blob_parts (sha256, part, data) VALUES ($1, $2, $3)`
	blobPartSQL   = `SELECT data FROM document_blob_parts WHERE sha256 = $1 AND part = $2`
	blobPartSize  = 1 << 20
	blobLockSQL   = `SELECT pg_advisory_xact_lock(hashtextextended($1, 19))`
)

func scanDocument(row pgx.Row) (floorplan.Document, error) {
	var d floorplan.Document
	var subject string
	var hiddenBy, hiddenReason *string
	err := row.Scan(uuidDst(&d.ID), &subject, uuidDst(&d.SubjectID), &d.DocType, &d.Name, &d.SHA256, &d.Size,
		&d.MediaType, dateDst(&d.Date), &d.Note, optionalIDDst(&d.Supersedes), &d.Version, &d.UploadedBy,
		&d.UploadedAt, instantDst(&d.HiddenAt, time.Local), &hiddenBy, &hiddenReason)
	d.SubjectType = floorplan.SubjectType(subject)
	if hiddenBy != nil {
		d.HiddenBy = *hiddenBy
	}
	if hiddenReason != nil {
		d.HiddenReason = *hiddenReason
	}
	return d, err
}

// CreateDocument files d, whose bytes the blob keeper already has.
func (s *Store) CreateDocument(ctx context.Context, d *floorplan.Document) error {
	if err := d.Validate(); err != nil {
		return err
	}
	var uploaded time.Time
	var version int
	err := s.create(ctx, &d.ID, func(tx pgx.Tx, id uuid.UUID) error {
		var site *uuid.UUID
		if err := tx.QueryRow(ctx, documentSiteSQL, string(d.SubjectType), d.SubjectID).Scan(&site); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return notFound(string(d.SubjectType), d.SubjectID)
			}
			return err
		}
		var err error
		if version, err = nextVersion(ctx, tx, d); err != nil {
			return err
		}
		return tx.QueryRow(ctx, insertDocumentSQL, id, string(d.SubjectType), d.SubjectID, site, d.DocType, d.Name,
			d.SHA256, d.Size, d.MediaType, nullDate(d.Date), d.Note, nullID(d.Supersedes), version,
			floorplan.ActorFrom(ctx)).Scan(&uploaded)
	})
	if err != nil {
		return err
	}
	d.UploadedAt, d.UploadedBy, d.Version = uploaded, floorplan.ActorFrom(ctx), version
	return nil
}

// nextVersion is the version d files as: 1, or one more than the live document of the same subject it
// supersedes.
func nextVersion(ctx context.Context, tx pgx.Tx, d *floorplan.Document) (int, error) {
	if d.Supersedes == uuid.Nil {
		return 1, nil
	}
	var typ string
	var subject uuid.UUID
	var version int
	var hidden bool
	err := tx.QueryRow(ctx, supersededSQL, d.Supersedes).Scan(&typ, uuidDst(&subject), &version, &hidden)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, notFound("document", d.Supersedes)
	case err != nil:
		return 0, err
	case hidden:
		return 0, newError(floorplan.ErrConflict, nil, "document %s is deleted: a new version cannot supersede it", d.Supersedes)
	case typ != string(d.SubjectType) || subject != d.SubjectID:
		return 0, newError(floorplan.ErrInvalid, nil, "document %s belongs to another %s: a new version keeps its subject", d.Supersedes, typ)
	}
	return version + 1, nil
}

// Document returns a document, hidden or not.
func (s *Store) Document(ctx context.Context, id uuid.UUID) (floorplan.Document, error) {
	return readOne(ctx, s, scanDocument, documentSQL, "document", id)
}

// Documents lists the documents f keeps.
func (s *Store) Documents(ctx context.Context, f floorplan.DocumentFilter) ([]floorplan.Document, error) {
	var typ, docType *string
	if f.SubjectType != "" {
		t := string(f.SubjectType)
		typ = &t
	}
	if f.DocType != "" {
		docType = &f.DocType
	}
	return readAll(ctx, s, scanDocument, documentsSQL, typ, nullID(f.SubjectID), nullID(f.SiteID), docType, f.Hidden)
}

// HideDocument hides a live document.
func (s *Store) HideDocument(ctx context.Context, id uuid.UUID, by, reason string) error {
	if reason == "" {
		return newError(floorplan.ErrInvalid, nil, "document %s: a deletion needs a reason", id)
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, hideDocumentSQL, id, by, reason)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, documentExistsSQL, id).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return newError(floorplan.ErrConflict, nil, "document %s is already deleted", id)
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
	return b.s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, blobLockSQL, sha); err != nil { // two uploads of the same new file
			return err
		}
		var parts int
		switch err := tx.QueryRow(ctx, blobExistsSQL, sha).Scan(&parts); {
		case err == nil:
			return nil
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		if _, err := tx.Exec(ctx, insertBlobSQL, sha, size, floorplan.BlobParts(size)); err != nil {
			return err
		}
		return floorplan.WriteBlobParts(r, sha, size, func(part int, data []byte) error {
			_, err := tx.Exec(ctx, insertPartSQL, sha, part, data)
			return err
		})
	})
}

// Open returns the bytes stored under sha, read a part at a time.
func (b blobs) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	parts, err := readRow(ctx, b.s, scanInt, blobExistsSQL, sha)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, newError(floorplan.ErrNotFound, nil, "document bytes %s", sha)
	}
	if err != nil {
		return nil, mapError(err)
	}
	return floorplan.BlobPartsReader(parts, func(part int) ([]byte, error) {
		data, err := readRow(ctx, b.s, func(row pgx.Row) ([]byte, error) {
			var d []byte
			err := row.Scan(&d)
			return d, err
		}, blobPartSQL, sha, part)
		return data, mapError(err)
	}), nil
}

func scanInt(row pgx.Row) (int, error) {
	var n int
	err := row.Scan(&n)
	return n, err
}

var _ floorplan.DocumentStore = (*Store)(nil)
