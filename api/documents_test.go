package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// upload is a multipart body filing data under name against a subject, with the fields given.
func upload(t *testing.T, name string, data []byte, fields map[string]string) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, name))
	h.Set("Content-Type", "application/octet-stream")
	w, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// fileDocument uploads data through r and returns the answer.
func fileDocument(t *testing.T, r requester, name string, data []byte, subjectType string, subject uuid.UUID, docType string) response {
	t.Helper()
	body, ct := upload(t, name, data, map[string]string{"subject_type": subjectType, "subject_id": subject.String(), "doc_type": docType})
	return r.do("POST", "/api/v1/documents", body, "Content-Type", ct)
}

// pdfBytes is a small but real PDF (one empty page).
func pdfBytes() []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
}

// pngBytes is a 1×1 PNG.
func pngBytes() []byte {
	b, _ := hex.DecodeString("89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
		"1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
	return b
}

type documentOut struct {
	ID          uuid.UUID `json:"id"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	DocType     string    `json:"doc_type"`
	MediaType   string    `json:"media_type"`
	Name        string    `json:"name"`
	Version     int       `json:"version"`
	Hidden      bool      `json:"hidden"`
	HiddenBy    string    `json:"hidden_by"`
	SubjectType string    `json:"subject_type"`
}

func listDocuments(t *testing.T, r requester, query string) []documentOut {
	t.Helper()
	var out struct{ Documents []documentOut }
	r.do("GET", "/api/v1/documents?"+query, nil).expect(t, 200).decode(t, &out)
	return out.Documents
}

// TestDocuments: a PDF and an image filed against a property come back listed and byte-identical, with a
// safe download; a new version supersedes; a delete hides, with its reason.
func TestDocuments(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()
	pdf, png := pdfBytes(), pngBytes()
	var got [2]documentOut
	for i, c := range []struct {
		name string
		data []byte
		typ  string
		mt   string
	}{{"不动产权证书.pdf", pdf, "title_certificate", "application/pdf"}, {"大门.png", png, "photo", "image/png"}} {
		res := fileDocument(t, e, c.name, c.data, "site", f.site, c.typ).expect(t, 201)
		res.decode(t, &got[i])
		sum := sha256.Sum256(c.data)
		if got[i].SHA256 != hex.EncodeToString(sum[:]) || got[i].Size != int64(len(c.data)) || got[i].MediaType != c.mt ||
			got[i].Name != c.name || got[i].Version != 1 || got[i].DocType != c.typ {
			t.Errorf("filed %s: %+v", c.name, got[i])
		}
		content := e.do("GET", "/api/v1/documents/"+got[i].ID.String()+"/content", nil).expect(t, 200)
		if !bytes.Equal(content.body, c.data) {
			t.Errorf("%s downloaded: %d bytes, not the %d uploaded", c.name, len(content.body), len(c.data))
		}
		if h := content.header; h.Get("Content-Type") != c.mt || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || !strings.Contains(h.Get("Content-Disposition"), "filename*=UTF-8''") ||
			h.Get("ETag") != `"`+got[i].SHA256+`"` {
			t.Errorf("%s download headers: %v", c.name, h)
		}
	}
	docs := listDocuments(t, e, "subject_id="+f.site.String())
	if len(docs) != 2 || docs[0].ID != got[0].ID || docs[1].ID != got[1].ID {
		t.Errorf("documents of the site: %+v; want the PDF then the image", docs)
	}
	// A new version of the title supersedes it.
	body, ct := upload(t, "不动产权证书-换证.pdf", append(pdfBytes(), "% v2\n"...), map[string]string{"subject_type": "site",
		"subject_id": f.site.String(), "doc_type": "title_certificate", "supersedes": got[0].ID.String(), "date": "2026-11-30"})
	var v2 documentOut
	e.do("POST", "/api/v1/documents", body, "Content-Type", ct).expect(t, 201).decode(t, &v2)
	if v2.Version != 2 {
		t.Errorf("new version: %+v; want version 2", v2)
	}
	// A delete needs a reason, and hides.
	e.do("DELETE", "/api/v1/documents/"+got[1].ID.String(), nil).expectError(t, 400, "bad_request")
	e.do("DELETE", "/api/v1/documents/"+got[1].ID.String()+"?reason=照片重复", nil).expect(t, 204)
	if docs := listDocuments(t, e, "subject_id="+f.site.String()); len(docs) != 2 || docs[1].ID != v2.ID {
		t.Errorf("after the delete: %+v; want the title's two versions", docs)
	}
	all := listDocuments(t, e, "subject_id="+f.site.String()+"&hidden=true")
	if len(all) != 3 || !all[1].Hidden || all[1].HiddenBy == "" {
		t.Errorf("with hidden: %+v; want the photo hidden with who", all)
	}
}

// TestDocumentsBadInput: a 0-byte file, one over the limit, a name with a path, an executable renamed .pdf,
// an unknown subject or type: a clear error, and nothing stored.
func TestDocumentsBadInput(t *testing.T) {
	e := newEnv(t, api.Config{MaxDocumentBytes: 4096})
	f := e.fixture()
	pdf := append(pdfBytes(), uuid.NewString()...) // bytes no other test files (the database is shared)
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0}, 100)...)
	cases := []struct {
		what, name string
		data       []byte
		subject    uuid.UUID
		typ        string
		status     int
		code, says string
	}{
		{"empty", "a.pdf", nil, f.site, "title_certificate", 400, "bad_request", "empty"},
		{"over the limit", "big.pdf", append(pdf, bytes.Repeat([]byte("x"), 5000)...), f.site, "title_certificate", 413, "body_too_large", "4096"},
		{"a path", "../../x", pdf, f.site, "title_certificate", 400, "bad_request", "path"},
		{"a Windows path", `C:\\scans\\x.pdf`, pdf, f.site, "title_certificate", 400, "bad_request", "path"},
		{"an executable", "report.pdf", elf, f.site, "title_certificate", 415, "unsupported_media_type", "ELF"},
		{"HTML", "page.pdf", []byte("<html><script>alert(1)</script></html>"), f.site, "title_certificate", 415, "unsupported_media_type", "HTML"},
		{"an unknown subject", "a.pdf", pdf, uuid.New(), "title_certificate", 404, "not_found", ""},
		{"an unknown type", "a.pdf", pdf, f.site, "passport", 400, "bad_request", "title_certificate"},
	}
	for _, c := range cases {
		res := fileDocument(t, e, c.name, c.data, "site", c.subject, c.typ)
		body := res.expectError(t, c.status, c.code)
		if msg, _ := body["message"].(string); !strings.Contains(msg, c.says) {
			t.Errorf("%s: message %q does not say %q", c.what, msg, c.says)
		}
	}
	body, ct := upload(t, "a.pdf", pdf, map[string]string{"subject_type": "desk", "subject_id": f.site.String(), "doc_type": "photo"})
	e.do("POST", "/api/v1/documents", body, "Content-Type", ct).expectError(t, 400, "bad_request")
	e.do("POST", "/api/v1/documents", `{"subject_type":"site"}`).expectError(t, 400, "bad_request")

	docs, err := e.store.Documents(t.Context(), floorplan.DocumentFilter{SiteID: f.site, Hidden: true})
	if err != nil || len(docs) != 0 {
		t.Errorf("documents stored after bad uploads: %d, %v", len(docs), err)
	}
	sum := sha256.Sum256(pdf)
	if _, err := e.store.Blobs().Open(t.Context(), hex.EncodeToString(sum[:])); err == nil {
		t.Error("the bytes of a refused upload were stored")
	}
}

// TestDocumentsScope: an agency manager sees the documents of their agency, their rooms and the buildings
// their agency uses, and nothing of another agency's; they may not file; a bureau administrator may.
func TestDocumentsScope(t *testing.T) {
	s, boss := newScopeBoss(t)
	other := boss.fixture() // a property agency A does not use
	ids := map[string]uuid.UUID{}
	for name, subj := range map[string]struct {
		typ string
		id  uuid.UUID
	}{"agencyA": {"agency", s.a}, "agencyB": {"agency", s.b}, "roomA": {"room", s.roomA}, "roomB": {"room", s.roomB},
		"building": {"building", s.f.building}, "site": {"site", s.f.site}, "otherSite": {"site", other.site}} {
		var d documentOut
		fileDocument(t, boss, name+".pdf", append(pdfBytes(), name...), subj.typ, subj.id, "other").expect(t, 201).decode(t, &d)
		ids[name] = d.ID
	}
	a := s.e.signedIn("managerA", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	seen := map[uuid.UUID]bool{}
	for _, d := range listDocuments(t, a, "") {
		seen[d.ID] = true
	}
	for name, id := range ids {
		want := name == "agencyA" || name == "roomA" || name == "building" || name == "site"
		if seen[id] != want {
			t.Errorf("agency manager of A lists %s: %v; want %v", name, seen[id], want)
		}
		status := 200
		if !want {
			status = 404
		}
		a.do("GET", "/api/v1/documents/"+id.String()+"/content", nil).expect(t, status)
	}
	fileDocument(t, a, "mine.pdf", pdfBytes(), "agency", s.a, "other").expect(t, 201) // file_documents: documents_roles_test.go
	a.do("DELETE", "/api/v1/documents/"+ids["agencyA"].String()+"?reason=x", nil).expectError(t, 403, "forbidden")
}
