package floorplan

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"
)

// The Register's changes of the electronic archive (documents.go) — filing a document and hiding one — and
// of the ledger (ledger.go).

// WithBlobs keeps document bytes in b (a directory the operator configures: archive.Dir) instead of the
// store.
func WithBlobs(b Blobs) RegisterOption { return func(g *Register) { g.blobs = b } }

// Blobs returns the keeper of document bytes: the one WithBlobs set, else the store's.
func (g *Register) Blobs() Blobs {
	if g.blobs != nil {
		return g.blobs
	}
	return g.store.Blobs()
}

// FileDocument files d against its subject with the bytes of r (d.Size bytes hashing to d.SHA256: the
// caller has checked them, archive.Spool; r is read from its start on each attempt of the transaction), after the permission hook allows it for the subject's agency,
// building and site. The bytes and the row are written together, or, with a directory of bytes, the bytes
// first (a file nobody refers to is harmless; a row without its bytes is not).
func (g *Register) FileDocument(ctx context.Context, d *Document, r io.ReadSeeker) (Changes, error) {
	if err := d.Validate(); err != nil {
		return Changes{}, err
	}
	req, err := g.documentRequest(ctx, OpCreate, *d)
	if err != nil {
		return Changes{}, err
	}
	if err := g.allow(ctx, req); err != nil {
		return Changes{}, err
	}
	if g.blobs != nil {
		if err := g.blobs.Put(ctx, d.SHA256, d.Size, r); err != nil {
			return Changes{}, err
		}
	}
	err = g.store.InTx(ctx, func(tx Store) error {
		if g.blobs == nil {
			if _, err := r.Seek(0, io.SeekStart); err != nil {
				return err
			}
			if err := tx.Blobs().Put(ctx, d.SHA256, d.Size, r); err != nil {
				return err
			}
		}
		return tx.CreateDocument(ctx, d)
	})
	if err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{})
}

// HideDocument deletes a document the only way the archive allows: it hides it, recording the acting user
// and reason (required).
func (g *Register) HideDocument(ctx context.Context, id uuid.UUID, reason string) (Changes, error) {
	if reason == "" {
		return Changes{}, fieldError("document", "reason", FieldOutOfRange, "is required: say why the document is deleted")
	}
	if err := checkText(recordLabel{kind: "document"}, "reason", reason, TextRule{MaxRunes: 500, Lines: true}); err != nil {
		return Changes{}, err
	}
	d, err := g.store.Document(ctx, id)
	if err != nil {
		return Changes{}, err
	}
	req, err := g.documentRequest(ctx, OpDelete, d)
	if err != nil {
		return Changes{}, err
	}
	if err := g.allow(ctx, req); err != nil {
		return Changes{}, err
	}
	if err := g.store.HideDocument(ctx, id, ActorFrom(ctx), reason); err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{})
}

// documentRequest is what the permission hook is asked for a change of d: its subject's agency, building
// and site, as a request about that record would carry them.
func (g *Register) documentRequest(ctx context.Context, op Op, d Document) (Request, error) {
	req := Request{Op: op, Entity: EntityDocument, ID: d.ID}
	var err error
	switch d.SubjectType {
	case SubjectSite:
		req.SiteID = d.SubjectID
		_, err = g.store.Site(ctx, d.SubjectID)
	case SubjectAgency:
		req.AgencyID = d.SubjectID
		_, err = g.store.Agency(ctx, d.SubjectID)
	case SubjectBuilding:
		err = g.placeBuilding(ctx, &req, d.SubjectID)
	case SubjectFloor:
		var f Floor
		if f, err = g.store.Floor(ctx, d.SubjectID); err == nil {
			err = g.placeBuilding(ctx, &req, f.BuildingID)
		}
	case SubjectRoom:
		var r Room
		if r, err = g.store.Room(ctx, d.SubjectID); err == nil {
			req.AgencyID = r.AgencyID
			var f Floor
			if f, err = g.store.Floor(ctx, r.FloorID); err == nil {
				err = g.placeBuilding(ctx, &req, f.BuildingID)
			}
		}
	default:
		return req, fieldError("document", "subject_type", FieldOutOfRange, "is %q, not one of site, building, floor, room, agency", d.SubjectType)
	}
	if errors.Is(err, ErrNotFound) {
		return req, fmt.Errorf("%w: %s %s", ErrNotFound, d.SubjectType, d.SubjectID)
	}
	return req, err
}

// placeBuilding sets the building and its site in req.
func (g *Register) placeBuilding(ctx context.Context, req *Request, id uuid.UUID) error {
	b, err := g.store.Building(ctx, id)
	req.BuildingID, req.SiteID = id, b.SiteID
	return err
}

// AddLedgerEntry records a line of a property's ledger (ledger.go), after the permission hook allows a
// change of the site's register — of the site's and the agency's, for an agency's sub-ledger entry. An
// agency that is not in the register is an invalid agency_id.
func (g *Register) AddLedgerEntry(ctx context.Context, e *LedgerEntry) (Changes, error) {
	if err := e.Validate(); err != nil {
		return Changes{}, err
	}
	if _, err := g.store.Site(ctx, e.SiteID); err != nil {
		return Changes{}, err
	}
	if e.AgencyID != uuid.Nil {
		if _, err := g.store.Agency(ctx, e.AgencyID); errors.Is(err, ErrNotFound) {
			return Changes{}, fieldError("ledger entry", "agency_id", FieldOutOfRange, "is %s, not an agency of the register", e.AgencyID)
		} else if err != nil {
			return Changes{}, err
		}
	}
	if err := g.allow(ctx, Request{Op: OpCreate, Entity: EntityLedgerEntry, SiteID: e.SiteID, AgencyID: e.AgencyID}); err != nil {
		return Changes{}, err
	}
	if err := g.store.AddLedgerEntry(ctx, e); err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{})
}
