package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// RunDocuments runs the conformance tests of the electronic archive's documents (floorplan.DocumentStore)
// on a store of its own from newStore for each test.
func RunDocuments(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"FileAndRead", testDocumentFileAndRead},
		{"Versions", testDocumentVersions},
		{"Hide", testDocumentHide},
		{"Blobs", testDocumentBlobs},
		{"Subjects", testDocumentSubjects},
	})
}

// fileDoc stores data through the store's blobs and files it against the subject.
func fileDoc(t *testing.T, f *fixture, typ floorplan.SubjectType, subject uuid.UUID, docType string, data []byte,
	supersedes uuid.UUID) (floorplan.Document, error) {
	t.Helper()
	sum := sha256.Sum256(data)
	d := floorplan.Document{SubjectType: typ, SubjectID: subject, DocType: docType, Name: "证书 " + docType + ".pdf",
		SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), MediaType: "application/pdf", Supersedes: supersedes}
	if err := f.s.Blobs().Put(f.ctx, d.SHA256, d.Size, bytes.NewReader(data)); err != nil {
		t.Fatalf("Put: %v", err)
	}
	err := f.s.CreateDocument(floorplan.WithActor(f.ctx, "planner"), &d)
	return d, err
}

// readBlob reads the bytes stored under sha.
func readBlob(t *testing.T, f *fixture, sha string) []byte {
	t.Helper()
	rc, err := f.s.Blobs().Open(f.ctx, sha)
	if err != nil {
		t.Fatalf("Open(%s): %v", sha, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading %s: %v", sha, err)
	}
	return b
}

func testDocumentFileAndRead(t *testing.T, f *fixture) {
	// 2.5 MiB: three parts, the last one short.
	data := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("不动产权证书"), 5<<20/36)...)
	d, err := fileDoc(t, f, floorplan.SubjectSite, f.site.ID, "title_certificate", data, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.ID == uuid.Nil || d.Version != 1 || d.UploadedBy != "planner" || d.UploadedAt.IsZero() {
		t.Errorf("filed document %+v: want an id, version 1, uploaded by planner, a time", d)
	}
	got, err := f.s.Document(f.ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SHA256 != d.SHA256 || got.Size != int64(len(data)) || got.Name != d.Name || got.SubjectID != f.site.ID ||
		got.Version != 1 || !got.UploadedAt.Equal(d.UploadedAt) {
		t.Errorf("read back %+v; want %+v", got, d)
	}
	if b := readBlob(t, f, d.SHA256); !bytes.Equal(b, data) {
		t.Errorf("bytes read back: %d bytes, differ from the %d filed", len(b), len(data))
	}
	if _, err := f.s.Document(f.ctx, uuid.New()); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("Document of an unknown id: %v; want ErrNotFound", err)
	}
}

func testDocumentVersions(t *testing.T, f *fixture) {
	v1, err := fileDoc(t, f, floorplan.SubjectBuilding, f.building.ID, "completion_drawings", []byte("%PDF v1"), uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := fileDoc(t, f, floorplan.SubjectBuilding, f.building.ID, "completion_drawings", []byte("%PDF v2"), v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || v2.Supersedes != v1.ID {
		t.Errorf("second version %+v; want version 2 superseding %s", v2, v1.ID)
	}
	// A document has one successor: a second branch from v1 is refused, and nothing is filed.
	if _, err := fileDoc(t, f, floorplan.SubjectBuilding, f.building.ID, "completion_drawings", []byte("%PDF v2b"), v1.ID); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("a second successor of v1: %v; want ErrConflict", err)
	}
	// A new version keeps its subject.
	if _, err := fileDoc(t, f, floorplan.SubjectSite, f.site.ID, "completion_drawings", []byte("%PDF v3"), v2.ID); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("a new version on another subject: %v; want ErrInvalid", err)
	}
	if _, err := fileDoc(t, f, floorplan.SubjectBuilding, f.building.ID, "completion_drawings", []byte("%PDF v3"), uuid.New()); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("superseding an unknown document: %v; want ErrNotFound", err)
	}
	docs, err := f.s.Documents(f.ctx, floorplan.DocumentFilter{SubjectID: f.building.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].ID != v1.ID || docs[1].ID != v2.ID {
		t.Errorf("documents of the building: %v; want v1, v2 (the refused ones filed nothing)", docIDs(docs))
	}
}

func testDocumentHide(t *testing.T, f *fixture) {
	d, err := fileDoc(t, f, floorplan.SubjectFloor, f.floors[1].ID, "floor_plan", []byte("%PDF plan"), uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.HideDocument(f.ctx, d.ID, "planner", ""); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("hiding without a reason: %v; want ErrInvalid", err)
	}
	if err := f.s.HideDocument(f.ctx, d.ID, "planner", "上传错误"); err != nil {
		t.Fatal(err)
	}
	if err := f.s.HideDocument(f.ctx, d.ID, "planner", "again"); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("hiding twice: %v; want ErrConflict", err)
	}
	if err := f.s.HideDocument(f.ctx, uuid.New(), "planner", "x"); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("hiding an unknown document: %v; want ErrNotFound", err)
	}
	live, err := f.s.Documents(f.ctx, floorplan.DocumentFilter{SubjectID: f.floors[1].ID})
	if err != nil || len(live) != 0 {
		t.Errorf("live documents after the delete: %v, %v; want none", docIDs(live), err)
	}
	all, err := f.s.Documents(f.ctx, floorplan.DocumentFilter{SubjectID: f.floors[1].ID, Hidden: true})
	if err != nil || len(all) != 1 || all[0].HiddenReason != "上传错误" || all[0].HiddenBy != "planner" || all[0].HiddenAt.IsZero() {
		t.Errorf("with hidden: %+v, %v; want the document, hidden by planner for 上传错误", all, err)
	}
	// Its bytes stay: a deletion only hides.
	if b := readBlob(t, f, d.SHA256); string(b) != "%PDF plan" {
		t.Errorf("bytes of a hidden document: %q", b)
	}
	if _, err := fileDoc(t, f, floorplan.SubjectFloor, f.floors[1].ID, "floor_plan", []byte("%PDF plan 2"), d.ID); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("a new version of a deleted document: %v; want ErrConflict", err)
	}
}

func testDocumentBlobs(t *testing.T, f *fixture) {
	data := []byte("%PDF same bytes")
	a, err := fileDoc(t, f, floorplan.SubjectSite, f.site.ID, "photo", data, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fileDoc(t, f, floorplan.SubjectAgency, f.agencies[0].ID, "contract", data, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.SHA256 != b.SHA256 || !bytes.Equal(readBlob(t, f, a.SHA256), data) {
		t.Error("the same bytes filed twice read back differently")
	}
	// Bytes that do not match their hash are refused and leave nothing.
	wrong := strings.Repeat("0", 64)
	if err := f.s.Blobs().Put(f.ctx, wrong, 5, strings.NewReader("hello")); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("Put with the wrong hash: %v; want ErrInvalid", err)
	}
	sum := sha256.Sum256([]byte("hello"))
	if err := f.s.Blobs().Put(f.ctx, hex.EncodeToString(sum[:]), 4, strings.NewReader("hello")); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("Put with the wrong size: %v; want ErrInvalid", err)
	}
	for _, sha := range []string{wrong, hex.EncodeToString(sum[:])} {
		if _, err := f.s.Blobs().Open(f.ctx, sha); !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("Open after a refused Put: %v; want ErrNotFound", err)
		}
	}
}

func testDocumentSubjects(t *testing.T, f *fixture) {
	room := floorplan.Room{FloorID: f.floors[1].ID, Number: "301", Usage: floorplan.UsageOffice, State: floorplan.RoomInUse,
		Geometry: rect(0, 0, 5, 4)}
	must(t, f.s.CreateRoom(f.ctx, &room))
	subjects := []struct {
		typ floorplan.SubjectType
		id  uuid.UUID
	}{
		{floorplan.SubjectSite, f.site.ID}, {floorplan.SubjectBuilding, f.building.ID},
		{floorplan.SubjectFloor, f.floors[0].ID}, {floorplan.SubjectRoom, room.ID},
		{floorplan.SubjectAgency, f.agencies[1].ID},
	}
	for i, s := range subjects {
		if _, err := fileDoc(t, f, s.typ, s.id, "photo", []byte{'%', byte('a' + i)}, uuid.Nil); err != nil {
			t.Errorf("filing against %s: %v", s.typ, err)
		}
		if _, err := fileDoc(t, f, s.typ, uuid.New(), "photo", []byte("%x"), uuid.Nil); !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("filing against an unknown %s: %v; want ErrNotFound", s.typ, err)
		}
	}
	// The site's archive holds the documents of the site and of everything in it, not the agency's.
	site, err := f.s.Documents(f.ctx, floorplan.DocumentFilter{SiteID: f.site.ID})
	if err != nil || len(site) != 4 {
		t.Errorf("documents of the site: %d, %v; want 4 (site, building, floor, room)", len(site), err)
	}
	bad := floorplan.Document{SubjectType: "desk", SubjectID: f.site.ID, DocType: "photo", Name: "a", SHA256: strings.Repeat("a", 64),
		Size: 1, MediaType: "image/png"}
	if err := f.s.CreateDocument(f.ctx, &bad); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("an unknown subject type: %v; want ErrInvalid", err)
	}
}

func docIDs(docs []floorplan.Document) []uuid.UUID {
	out := make([]uuid.UUID, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}
