package api

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// The steps that the handlers of the register's records share, each named once, and the handlers of
// the plain records (sites, agencies, people), which are nothing but those steps.

// identified is a wire form that carries its record's id.
type identified interface{ recordID() uuid.UUID }

// wireRecord is the wire form of a record T that a client sends back as it reads it: domain converts
// it to T.
type wireRecord[T any] interface {
	identified
	domain() T
}

// wireList is records in their wire form: an empty list, never null.
func wireList[T, J any](records []T, out func(T) J) []J {
	list := make([]J, 0, len(records))
	for _, x := range records {
		list = append(list, out(x))
	}
	return list
}

// writeList answers records in their wire form, or the error of reading them.
func writeList[T, J any](w http.ResponseWriter, records []T, err error, out func(T) J) error {
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, wireList(records, out))
}

// readPath reads the record named by the path's {id}; a store error says which entity it was about.
func readPath[T any](r *http.Request, entity string, read func(context.Context, uuid.UUID) (T, error)) (T, error) {
	id, err := pathID(r, "id")
	if err != nil {
		var zero T
		return zero, err
	}
	rec, err := read(r.Context(), id)
	return rec, about(entity, err)
}

// writeCreated answers a create: 201 with the record's wire form, and its address in Location.
func writeCreated(w http.ResponseWriter, collection string, id uuid.UUID, body any) error {
	location(w, collection+"/"+id.String())
	return writeJSON(w, http.StatusCreated, body)
}

// merged applies the request's merge patch (RFC 7396) to cur, the stored record's wire form, and decodes
// the result as the input type J, whose id must stay the path's id.
func merged[J identified](cur any, patch []byte, id uuid.UUID) (J, error) {
	in, err := mergePatch[J](cur, patch)
	if err != nil {
		return in, err
	}
	return in, sameID(in.recordID(), id)
}

// sameID refuses a body whose id differs from the one in the path.
func sameID(body, path uuid.UUID) error {
	if body != path {
		return badRequest("field id: the body's id %s differs from the path's %s; ids cannot be changed", body, path)
	}
	return nil
}

// deleteIfMatch deletes the versioned record named by the path's {id} when the request's If-Match names
// its current version (version reads it from the record): 428 without If-Match, before anything is read;
// 412 when the tag is stale, or the record changes between the read and the write (with "If-Match: *",
// retryAny reads it again).
func deleteIfMatch[T any](w http.ResponseWriter, r *http.Request, entity string,
	read func(context.Context, uuid.UUID) (T, error), version func(T) int64,
	del func(context.Context, uuid.UUID, int64) (floorplan.Changes, error)) error {
	id, err := conditionalPath(r)
	if err != nil {
		return err
	}
	return retryAny(r, func() error {
		cur, err := read(r.Context(), id)
		if err != nil {
			return about(entity, err)
		}
		v, err := ifMatch(r, version(cur))
		if err != nil {
			return err
		}
		_, err = del(r.Context(), id, v)
		return noContent(w, stale(about(entity, err)))
	})
}

// unversioned adapts the Register's delete of a record whose store deletes whatever its version (sites,
// buildings, floors, agencies, people) to deleteIfMatch, which has checked If-Match against the record as
// read.
func unversioned(del func(context.Context, uuid.UUID) (floorplan.Changes, error)) func(context.Context, uuid.UUID, int64) (floorplan.Changes, error) {
	return func(ctx context.Context, id uuid.UUID, _ int64) (floorplan.Changes, error) { return del(ctx, id) }
}

// plainRecords serves a kind of record without geometry — sites, agencies, people, jurisdictions — on
// five routes: list and create on the collection, get, merge-patch and delete on /{id}. It holds what
// differs from kind to kind: the store's reads, the Register's writes and the wire form. Records with a
// version (all but jurisdictions) answer a get and a write with an ETag, and a patch or delete needs
// If-Match (428 without it, 412 when stale).
type plainRecords[T any, J wireRecord[T]] struct {
	entity     string // what errors name: "site"
	collection string // the collection's path, under which Location gives a new record's
	out        func(T) J
	query      func(r *http.Request) ([]T, error) // the records a list request asks for
	read       func(context.Context, uuid.UUID) (T, error)
	create     func(context.Context, *T) (floorplan.Changes, error)
	update     func(context.Context, *T) (floorplan.Changes, error)
	remove     func(context.Context, uuid.UUID) (floorplan.Changes, error)
	version    func(*T) *int64 // the record's version; nil for a kind without one
	// keep, when set, copies to a patched record what its wire form shows but does not take back (a
	// person's created_at).
	keep func(next *T, cur T)
}

// routes are the handlers of the five routes.
func (p plainRecords[T, J]) routes() collectionRoutes {
	return collectionRoutes{list: p.handleList, create: p.handleCreate, get: p.handleGet, patch: p.handlePatch,
		delete: p.handleDelete}
}

func (p plainRecords[T, J]) handleList(w http.ResponseWriter, r *http.Request) error {
	records, err := p.query(r)
	return writeList(w, records, err, p.out)
}

func (p plainRecords[T, J]) handleCreate(w http.ResponseWriter, r *http.Request) error {
	var in J
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	rec := in.domain()
	if _, err := p.create(r.Context(), &rec); err != nil {
		return err
	}
	p.setETag(w, rec)
	out := p.out(rec)
	return writeCreated(w, p.collection, out.recordID(), out)
}

func (p plainRecords[T, J]) handleGet(w http.ResponseWriter, r *http.Request) error {
	rec, err := readPath(r, p.entity, p.read)
	if err != nil {
		return err
	}
	p.setETag(w, rec)
	return writeJSON(w, http.StatusOK, p.out(rec))
}

// handlePatch merges the body (RFC 7396) into the record's wire form and writes the result at the
// version If-Match names.
func (p plainRecords[T, J]) handlePatch(w http.ResponseWriter, r *http.Request) error {
	read := idAndBody
	if p.version != nil {
		read = conditionalBody
	}
	id, patch, err := read(r)
	if err != nil {
		return err
	}
	return retryAny(r, func() error {
		next, err := p.patchOnce(r, id, patch)
		if err != nil {
			return stale(err)
		}
		p.setETag(w, next)
		return writeJSON(w, http.StatusOK, p.out(next))
	})
}

// patchOnce reads the record, merges the patch into it and writes it at the version If-Match names; the
// store's errors come named by the entity (about).
func (p plainRecords[T, J]) patchOnce(r *http.Request, id uuid.UUID, patch []byte) (T, error) {
	var next T
	cur, err := p.read(r.Context(), id)
	if err != nil {
		return next, about(p.entity, err)
	}
	var version int64
	if p.version != nil {
		if version, err = ifMatch(r, *p.version(&cur)); err != nil {
			return next, err
		}
	}
	in, err := merged[J](p.out(cur), patch, id)
	if err != nil {
		return next, err
	}
	next = in.domain()
	if p.keep != nil {
		p.keep(&next, cur)
	}
	if p.version != nil {
		*p.version(&next) = version
	}
	_, err = p.update(r.Context(), &next)
	return next, about(p.entity, err)
}

func (p plainRecords[T, J]) handleDelete(w http.ResponseWriter, r *http.Request) error {
	if p.version == nil {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		_, err = p.remove(r.Context(), id)
		return noContent(w, about(p.entity, err))
	}
	return deleteIfMatch(w, r, p.entity, p.read, func(rec T) int64 { return *p.version(&rec) }, unversioned(p.remove))
}

// setETag sets the ETag of a record of a kind with a version.
func (p plainRecords[T, J]) setETag(w http.ResponseWriter, rec T) {
	if p.version != nil {
		setETag(w, *p.version(&rec))
	}
}
