package floorplan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Documents of the electronic archive (一房一档): files filed against a site, building, floor, room or
// agency. A document is never changed once filed: its bytes are kept by their SHA-256 (the same bytes
// filed twice are stored once), a new version is a new document that supersedes the old one, and a
// deletion only hides it, with who, when and why. The checks an upload passes (size, type sniffed from
// its content) and the package of a property's archive are in floorplan/archive.

// SubjectType is the kind of record a document is filed against.
type SubjectType string

// Subject types.
const (
	SubjectSite     SubjectType = "site"
	SubjectBuilding SubjectType = "building"
	SubjectFloor    SubjectType = "floor"
	SubjectRoom     SubjectType = "room"
	SubjectAgency   SubjectType = "agency"
)

// Valid reports whether t is a known subject type.
func (t SubjectType) Valid() bool {
	switch t {
	case SubjectSite, SubjectBuilding, SubjectFloor, SubjectRoom, SubjectAgency:
		return true
	}
	return false
}

// EntityDocument is a document of the archive, for the permission hook and the audit log.
const EntityDocument Entity = "document"

// Document is one filed file.
type Document struct {
	ID          uuid.UUID   `json:"id"`
	SubjectType SubjectType `json:"subject_type"`
	SubjectID   uuid.UUID   `json:"subject_id"`
	DocType     string      `json:"doc_type"` // an archive.DocType code
	Name        string      `json:"name"`     // the file name as uploaded (archive.CleanName)
	SHA256      string      `json:"sha256"`
	Size        int64       `json:"size"`
	MediaType   string      `json:"media_type"` // sniffed from the content
	// Date is the document's own date (a certificate's issue date, a contract's signature), when given.
	Date time.Time `json:"date,omitzero"`
	Note string    `json:"note,omitempty"`
	// Supersedes is the document this one replaces as a new version (uuid.Nil for a first version);
	// Version counts from 1 along that chain.
	Supersedes uuid.UUID `json:"supersedes,omitzero"`
	Version    int       `json:"version"`
	UploadedBy string    `json:"uploaded_by"`
	UploadedAt time.Time `json:"uploaded_at"`
	// HiddenAt, HiddenBy and HiddenReason are set when the document is deleted (hidden, never removed).
	HiddenAt     time.Time `json:"hidden_at,omitzero"`
	HiddenBy     string    `json:"hidden_by,omitempty"`
	HiddenReason string    `json:"hidden_reason,omitempty"`
}

// Validate checks a document before it is filed.
func (d *Document) Validate() error {
	const rec = "document"
	bad := func(field string, reason FieldReason, msg string) error {
		return fieldError(rec, field, reason, "%s", msg)
	}
	switch {
	case !d.SubjectType.Valid():
		return bad("subject_type", FieldOutOfRange, fmt.Sprintf("is %q, not one of site, building, floor, room, agency", d.SubjectType))
	case d.SubjectID == uuid.Nil:
		return bad("subject_id", FieldOutOfRange, "is required")
	case d.DocType == "" || len(d.DocType) > 64 || strings.ContainsFunc(d.DocType, func(r rune) bool { return !isCodeRune(r) }):
		return bad("doc_type", FieldOutOfRange, fmt.Sprintf("is %q, not a document type code (a–z, 0–9, _ . -, at most 64)", d.DocType))
	case !validSHA256(d.SHA256):
		return bad("sha256", FieldOutOfRange, "must be 64 lower-case hex digits")
	case d.Size <= 0:
		return bad("size", FieldOutOfRange, "must be positive")
	case d.MediaType == "":
		return bad("media_type", FieldOutOfRange, "is required")
	}
	if err := checkText(recordLabel{kind: rec}, "name", d.Name, TextRule{MaxRunes: 255}); err != nil {
		return err
	}
	if d.Name == "" {
		return bad("name", FieldOutOfRange, "is required")
	}
	return checkText(recordLabel{kind: rec}, "note", d.Note, TextRule{MaxRunes: 2000, Lines: true})
}

func isCodeRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-'
}

func validSHA256(s string) bool {
	return len(s) == 64 && !strings.ContainsFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') })
}

// DocumentFilter narrows a list of documents; zero fields do not filter.
type DocumentFilter struct {
	SubjectType SubjectType
	SubjectID   uuid.UUID
	// SiteID keeps the documents of a site and of everything in it (its buildings, floors, rooms).
	SiteID  uuid.UUID
	DocType string
	// Hidden includes the hidden (deleted) documents.
	Hidden bool
}

// DocumentReader reads the archive's documents.
type DocumentReader interface {
	// Document returns a document, hidden or not.
	Document(ctx context.Context, id uuid.UUID) (Document, error)
	// Documents lists documents by subject, type and upload time.
	Documents(ctx context.Context, f DocumentFilter) ([]Document, error)
}

// DocumentStore keeps the archive's documents and, unless the operator keeps the bytes in a directory
// (Blobs), their bytes. Both stores implement it.
type DocumentStore interface {
	DocumentReader
	// CreateDocument files d (its bytes already stored by its SHA256), setting ID (when uuid.Nil),
	// Version (1, or one more than the document it supersedes, which must be live and of the same subject)
	// and UploadedAt.
	CreateDocument(ctx context.Context, d *Document) error
	// HideDocument hides a live document, recording by, the time and reason.
	HideDocument(ctx context.Context, id uuid.UUID, by, reason string) error
	// Blobs returns the store's own keeper of document bytes.
	Blobs() Blobs
}

// Blobs keeps document bytes by their SHA-256: the store (one backup holds everything) or a directory
// (archive.Dir). Put checks the bytes against the hash and keeps what it already has as it is.
type Blobs interface {
	Put(ctx context.Context, sha string, size int64, r io.Reader) error
	Open(ctx context.Context, sha string) (io.ReadCloser, error)
}

// BlobPartSize is the size of the parts a store keeps document bytes in (the last one may be shorter).
const BlobPartSize = 1 << 20

// BlobParts is the number of parts of size bytes.
func BlobParts(size int64) int { return max(1, int((size+BlobPartSize-1)/BlobPartSize)) }

// WriteBlobParts reads r to its end in parts of BlobPartSize, handing each to put with its number, and
// checks that the bytes are size bytes hashing to sha (lower-case hex SHA-256): ErrInvalid, wrapped with
// what came, when they are not (the caller's transaction then keeps none of the parts).
func WriteBlobParts(r io.Reader, sha string, size int64, put func(part int, data []byte) error) error {
	h := sha256.New()
	buf := make([]byte, BlobPartSize)
	var total int64
	for part := 0; ; part++ {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			h.Write(buf[:n])
			total += int64(n)
			if err := put(part, buf[:n]); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sha || total != size {
		return fmt.Errorf("%w: document bytes: %d bytes hashing to %s, not the %d bytes of %s", ErrInvalid, total, got, size, sha)
	}
	return nil
}

// BlobPartsReader reads the parts 0 … n-1 of a blob in order, each fetched by get when it is reached.
func BlobPartsReader(n int, get func(part int) ([]byte, error)) io.ReadCloser {
	return &partsReader{n: n, get: get}
}

type partsReader struct {
	n, next int
	get     func(part int) ([]byte, error)
	buf     []byte
}

func (p *partsReader) Read(out []byte) (int, error) {
	for len(p.buf) == 0 {
		if p.next >= p.n {
			return 0, io.EOF
		}
		data, err := p.get(p.next)
		if err != nil {
			return 0, fmt.Errorf("document bytes, part %d: %w", p.next, err)
		}
		p.buf, p.next = data, p.next+1
	}
	n := copy(out, p.buf)
	p.buf = p.buf[n:]
	return n, nil
}

func (p *partsReader) Close() error { return nil }
