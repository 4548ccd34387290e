package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/archive"
	"officemap/floorplan/identity"
)

// The electronic archive (一房一档): documents filed against a site, building, floor, room or agency
// (floorplan/documents.go). Uploads are multipart; the file is spooled to a temporary file, hashed and its
// type sniffed from its content (archive.Spool) before anything is stored, then filed through the register.

// documentJSON is a document on the wire.
type documentJSON struct {
	ID           uuid.UUID `json:"id"`
	SubjectType  string    `json:"subject_type" enum:"site,building,floor,room,agency"`
	SubjectID    uuid.UUID `json:"subject_id"`
	DocType      string    `json:"doc_type"`
	Name         string    `json:"name"`
	SHA256       string    `json:"sha256"`
	Size         int64     `json:"size"`
	MediaType    string    `json:"media_type"`
	Date         *string   `json:"date"`
	Note         string    `json:"note"`
	Supersedes   optID     `json:"supersedes"`
	Version      int       `json:"version"`
	UploadedBy   string    `json:"uploaded_by"`
	UploadedAt   time.Time `json:"uploaded_at"`
	Hidden       bool      `json:"hidden"`
	HiddenAt     *string   `json:"hidden_at"`
	HiddenBy     string    `json:"hidden_by,omitempty"`
	HiddenReason string    `json:"hidden_reason,omitempty"`
	ContentURL   string    `json:"content_url"`
}

func documentOut(d floorplan.Document) documentJSON {
	out := documentJSON{ID: d.ID, SubjectType: string(d.SubjectType), SubjectID: d.SubjectID, DocType: d.DocType,
		Name: d.Name, SHA256: d.SHA256, Size: d.Size, MediaType: d.MediaType, Note: d.Note,
		Supersedes: optID(d.Supersedes), Version: d.Version, UploadedBy: d.UploadedBy, UploadedAt: d.UploadedAt,
		Hidden: !d.HiddenAt.IsZero(), HiddenBy: d.HiddenBy, HiddenReason: d.HiddenReason,
		ContentURL: "/api/v1/documents/" + d.ID.String() + "/content"}
	if !d.Date.IsZero() {
		s := d.Date.Format(floorplan.DateLayout)
		out.Date = &s
	}
	if !d.HiddenAt.IsZero() {
		s := d.HiddenAt.Format(time.RFC3339)
		out.HiddenAt = &s
	}
	return out
}

type documentsJSON struct {
	Documents []documentJSON `json:"documents"`
}

// documentFields are the form fields of an upload besides the file.
var documentFields = map[string]bool{"subject_type": true, "subject_id": true, "doc_type": true, "date": true,
	"note": true, "supersedes": true}

// maxDocumentFieldBytes bounds each form field of an upload; documentFormSlack is what an upload's body may
// hold besides the file (fields and multipart headers).
const (
	maxDocumentFieldBytes = 8 << 10
	documentFormSlack     = 64 << 10
)

// createDocument files an uploaded document: multipart/form-data with file, subject_type, subject_id,
// doc_type and optionally date, note and supersedes (a new version of that document).
func (s *Server) createDocument(w http.ResponseWriter, r *http.Request) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return badRequest("the body must be multipart/form-data with a file and the fields subject_type, subject_id and doc_type")
	}
	fields := map[string]string{}
	var spooled *archive.Spooled
	defer func() {
		if spooled != nil {
			spooled.Close()
		}
	}()
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return uploadReadError(err)
		}
		name := part.FormName()
		switch {
		case name == "file":
			if spooled != nil {
				return badRequest("the upload has more than one file; send one document per request")
			}
			fileName, err := uploadFileName(part)
			if err != nil {
				return err
			}
			if spooled, err = archive.Spool(part, fileName, "", s.cfg.MaxDocumentBytes); err != nil {
				return uploadError(err, fileName, s.cfg.MaxDocumentBytes)
			}
			fields["name"] = fileName
		case documentFields[name]:
			b, err := io.ReadAll(io.LimitReader(part, maxDocumentFieldBytes+1))
			if err != nil {
				return uploadReadError(err)
			}
			if len(b) > maxDocumentFieldBytes {
				return badParam(name, fmt.Sprintf("is longer than %d bytes", maxDocumentFieldBytes))
			}
			fields[name] = string(b)
		default:
			return badParam(name, "is not a field of a document upload (file, subject_type, subject_id, doc_type, date, note, supersedes)")
		}
	}
	if spooled == nil {
		return badParam("file", "is required: the document's bytes")
	}
	d, err := documentIn(fields)
	if err != nil {
		return err
	}
	d.SHA256, d.Size, d.MediaType = spooled.SHA256, spooled.Size, spooled.MediaType
	if err := s.checkDocType(d.DocType); err != nil {
		return err
	}
	if _, err := s.register.FileDocument(r.Context(), &d, spooled); err != nil {
		return about(string(d.SubjectType), err)
	}
	w.Header().Set("Location", "/api/v1/documents/"+d.ID.String())
	return writeJSON(w, http.StatusCreated, documentOut(d))
}

// uploadFileName is the file name the client sent, as sent (multipart.Part.FileName would cut it to its last
// element): a name with a path in it ("../../x", "C:\\x"), a control character or none at all is refused,
// since a client that sends one is not saying what it means.
func uploadFileName(part *multipart.Part) (string, error) {
	_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	name := params["filename"]
	switch {
	case err != nil || strings.TrimSpace(name) == "":
		return "", badParam("file", "needs a file name (filename= in its Content-Disposition)")
	case strings.ContainsAny(name, `/\`) || name == "." || name == ".." || strings.ContainsFunc(name, unicode.IsControl):
		return "", badParam("file", fmt.Sprintf("has the name %q: a file name may not hold a path (/ or \\) or control characters", name))
	case utf8.RuneCountInString(name) > 255:
		return "", badParam("file", "has a name longer than 255 characters")
	}
	return name, nil
}

// documentIn reads a document's fields from an upload's form.
func documentIn(f map[string]string) (floorplan.Document, error) {
	d := floorplan.Document{SubjectType: floorplan.SubjectType(f["subject_type"]), DocType: f["doc_type"],
		Name: f["name"], Note: f["note"]}
	if !d.SubjectType.Valid() {
		return d, badParam("subject_type", fmt.Sprintf("is %q; it must be site, building, floor, room or agency", f["subject_type"]))
	}
	var err error
	if d.SubjectID, err = uuid.Parse(f["subject_id"]); err != nil {
		return d, badParam("subject_id", "must be the UUID of the "+string(d.SubjectType))
	}
	if d.DocType == "" {
		return d, badParam("doc_type", "is required (e.g. title_certificate, completion_drawings, photo)")
	}
	if v := f["date"]; v != "" {
		if d.Date, err = time.Parse(floorplan.DateLayout, v); err != nil {
			return d, badParam("date", "must be a date YYYY-MM-DD")
		}
	}
	if v := f["supersedes"]; v != "" {
		if d.Supersedes, err = uuid.Parse(v); err != nil {
			return d, badParam("supersedes", "must be the UUID of the document this one replaces")
		}
	}
	return d, nil
}

// checkDocType refuses a document type the deployment does not know.
func (s *Server) checkDocType(code string) error {
	var codes []string
	for _, t := range archive.DefaultDocTypes() {
		if t.Code == code {
			return nil
		}
		codes = append(codes, t.Code)
	}
	return badParam("doc_type", fmt.Sprintf("is %q; known types: %s", code, strings.Join(codes, ", ")))
}

// uploadError is the response to a file archive.Spool refused.
func uploadError(err error, name string, limit int64) error {
	switch {
	case errors.Is(err, archive.ErrTooBig):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
			Message:   fmt.Sprintf("the file %q is larger than the limit of %d bytes", archive.CleanName(name), limit),
			MessageZH: fmt.Sprintf("文件“%s”超过了 %d 字节的上限", archive.CleanName(name), limit), Err: err}
	case errors.Is(err, archive.ErrEmpty):
		return &apiError{Status: http.StatusBadRequest, Code: "bad_request",
			Message: fmt.Sprintf("the file %q is empty", archive.CleanName(name)), MessageZH: "文件为空", Err: err}
	case errors.Is(err, archive.ErrType):
		return &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message:   fmt.Sprintf("the file %q is not accepted: %s", archive.CleanName(name), strings.TrimPrefix(err.Error(), "archive: ")),
			MessageZH: "不接受此类文件（可上传 PDF、图片、DWG/DXF、Office 文档、OFD、文本）", Err: err}
	}
	return uploadReadError(err)
}

// uploadReadError is the response to an upload that could not be read.
func uploadReadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return err
	}
	return &apiError{Status: http.StatusBadRequest, Code: "bad_request", Message: "the upload could not be read as multipart/form-data",
		MessageZH: "无法读取上传内容（应为 multipart/form-data）", Err: err}
}

// listDocuments lists documents by subject_id, site_id (a property and everything in it), subject_type
// and doc_type; hidden=true includes deleted ones for those who keep the archive.
func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	f := floorplan.DocumentFilter{SubjectID: q.uuid("subject_id"), SiteID: q.uuid("site_id"),
		SubjectType: floorplan.SubjectType(r.URL.Query().Get("subject_type")), DocType: r.URL.Query().Get("doc_type")}
	hidden := nextParam(q, "hidden", choice(false, map[string]bool{"true": true, "false": false}, "true or false"))
	if q.err != nil {
		return q.err
	}
	if f.SubjectType != "" && !f.SubjectType.Valid() {
		return badParam("subject_type", "must be site, building, floor, room or agency")
	}
	f.Hidden = hidden && s.keepsArchive(r.Context())
	docs, err := s.store.Documents(r.Context(), f)
	if err != nil {
		return err
	}
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return err
	}
	out := documentsJSON{Documents: make([]documentJSON, 0, len(docs))}
	shown := s.documentsShown(sc)
	for _, d := range docs {
		if ok, err := shown(r.Context(), d); err != nil {
			return err
		} else if ok {
			out.Documents = append(out.Documents, documentOut(d))
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// keepsArchive reports whether the caller may see deleted documents: whoever may file them somewhere
// (the archive's keepers), or everyone without accounts.
func (s *Server) keepsArchive(ctx context.Context) bool {
	c, ok := identity.CallerFrom(ctx)
	return !ok || identity.Can(c.User.Grants, identity.ActionWriteRegister)
}

// visibleDocument returns the document of the request's {id} when the caller may see it: in their scope,
// and live unless they keep the archive; else a 404, as for a record that does not exist.
func (s *Server) visibleDocument(r *http.Request) (floorplan.Document, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return floorplan.Document{}, err
	}
	d, err := s.store.Document(r.Context(), id)
	if err != nil {
		return d, about("document", err)
	}
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return d, err
	}
	ok, err := s.documentVisible(r.Context(), sc, d)
	if err != nil {
		return d, err
	}
	if !ok || (!d.HiddenAt.IsZero() && !s.keepsArchive(r.Context())) {
		return d, s.denyRead(r.Context(), "document", id)
	}
	return d, nil
}

func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) error {
	d, err := s.visibleDocument(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, documentOut(d))
}

// documentContent sends a document's exact bytes: as an attachment, with the type sniffed at upload, no
// sniffing by the browser, and a sandbox should it be opened anyway.
func (s *Server) documentContent(w http.ResponseWriter, r *http.Request) error {
	d, err := s.visibleDocument(r)
	if err != nil {
		return err
	}
	etag := `"` + d.SHA256 + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, no-cache")
	if match := r.Header.Get("If-None-Match"); match == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	rc, err := s.register.Blobs().Open(r.Context(), d.SHA256)
	if err != nil {
		return about("document", err)
	}
	defer rc.Close()
	ct := d.MediaType
	if _, _, err := mime.ParseMediaType(ct); err != nil {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", archive.ContentDisposition(d.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	if r.URL.Query().Get("inline") == "1" && inlineable(d.MediaType) {
		// A preview in the app: an image or a PDF, shown in place (the PDF viewer needs no sandbox: it
		// runs outside the page's origin).
		h.Set("Content-Disposition", strings.Replace(archive.ContentDisposition(d.Name), "attachment", "inline", 1))
		if d.MediaType == archive.TypePDF {
			h.Set("Content-Security-Policy", "default-src 'none'")
		}
	}
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	if _, err := io.Copy(w, rc); err != nil {
		panic(http.ErrAbortHandler) // the header is sent: cut the connection rather than end short silently
	}
	return nil
}

// deleteDocument hides a document (the archive never removes one), with the reason required in the query
// (reason=) or a JSON body {"reason": …}.
func (s *Server) deleteDocument(w http.ResponseWriter, r *http.Request) error {
	d, err := s.visibleDocument(r)
	if err != nil {
		return err
	}
	reason := r.URL.Query().Get("reason")
	if reason == "" && r.ContentLength != 0 {
		var body struct {
			Reason string `json:"reason"`
		}
		if err := decodeBody(r, &body); err != nil {
			return err
		}
		reason = body.Reason
	}
	if strings.TrimSpace(reason) == "" {
		return badParam("reason", "is required: say why the document is deleted (it is hidden, never removed)")
	}
	if _, err := s.register.HideDocument(r.Context(), d.ID, reason); err != nil {
		return about("document", err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// documentVisible reports whether the caller's scope shows d: an agency's documents to those who see the
// agency, a room's to those who see the room; a floor's, building's or site's to those who see the place
// and, when their scope is by agency, only where their agencies use rooms (their own properties).
func (s *Server) documentVisible(ctx context.Context, sc scope, d floorplan.Document) (bool, error) {
	if sc.all {
		return true, nil
	}
	switch d.SubjectType {
	case floorplan.SubjectAgency:
		return sc.agency(d.SubjectID), nil
	case floorplan.SubjectRoom:
		room, err := s.store.Room(ctx, d.SubjectID)
		if errors.Is(err, floorplan.ErrNotFound) {
			return false, nil
		}
		return err == nil && sc.room(room), err
	case floorplan.SubjectFloor:
		f, err := s.store.Floor(ctx, d.SubjectID)
		if errors.Is(err, floorplan.ErrNotFound) {
			return false, nil
		}
		if err != nil || !sc.building(f.BuildingID) {
			return false, err
		}
		return s.usesRooms(ctx, sc, floorplan.RoomFilter{FloorID: f.ID})
	case floorplan.SubjectBuilding:
		if !sc.building(d.SubjectID) {
			return false, nil
		}
		return s.usesRooms(ctx, sc, floorplan.RoomFilter{BuildingID: d.SubjectID})
	case floorplan.SubjectSite:
		if !sc.site(d.SubjectID) {
			return false, nil
		}
		bs, err := s.store.Buildings(ctx, d.SubjectID)
		if err != nil {
			return false, err
		}
		for _, b := range bs {
			if ok, err := s.usesRooms(ctx, sc, floorplan.RoomFilter{BuildingID: b.ID}); ok || err != nil {
				return ok, err
			}
		}
	}
	return false, nil
}

// documentsShown is documentVisible for the documents of one request: each subject decided once, however
// many documents it has.
func (s *Server) documentsShown(sc scope) func(ctx context.Context, d floorplan.Document) (bool, error) {
	seen := map[uuid.UUID]bool{}
	return func(ctx context.Context, d floorplan.Document) (bool, error) {
		if ok, known := seen[d.SubjectID]; known {
			return ok, nil
		}
		ok, err := s.documentVisible(ctx, sc, d)
		if err == nil {
			seen[d.SubjectID] = ok
		}
		return ok, err
	}
}

// usesRooms reports whether a caller scoped by agency sees a room the filter keeps (their agencies use
// the place); a caller scoped by place (a district) sees the place whole.
func (s *Server) usesRooms(ctx context.Context, sc scope, f floorplan.RoomFilter) (bool, error) {
	if sc.places {
		return true, nil
	}
	f.In = sc.read
	rooms, err := s.store.Rooms(ctx, f)
	return len(rooms) > 0, err
}

// inlineable reports whether a document of this type may be shown in place (?inline=1): images and PDF,
// whose types were sniffed from their content; anything else is always an attachment.
func inlineable(mediaType string) bool {
	switch mediaType {
	case archive.TypePDF, archive.TypePNG, archive.TypeJPEG, archive.TypeGIF, archive.TypeWebP:
		return true
	}
	return false
}
