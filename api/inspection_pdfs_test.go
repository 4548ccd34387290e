package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// pdfRawText is the text of pdf as `pdftotext -raw` reads it (in the order it is drawn, so that a table
// cell's wrapped lines stay together), without any white space: what a reader sees, whatever the line
// breaks.
func pdfRawText(t *testing.T, pdf []byte) string {
	t.Helper()
	return noSpace(string(popplerRun(t, "pdftotext", "-raw", writePDF(t, pdf), "-")))
}

// noSpace is s without white space.
func noSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// expectText fails for each of wants that text (noSpace'd) lacks.
func expectText(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, noSpace(want)) {
			t.Errorf("%s: pdftotext does not find %q in:\n%s", what, want, text)
		}
	}
}

// TestInspectionNoticeAndReferral drives a plan over HTTP to its papers: no notice before an item is
// notified (409); the notice PDF, read by pdftotext, has the title, number, agency, plan, the item's point,
// legal source, frozen numbers, room and deadline, and the person's name only for the inspector; the
// manager of B gets 404 for A's notice, a viewer too; after the answer with evidence, the verification
// (not fixed) and the referral, the referral zip of the item and of the plan hold referral.pdf (the
// item, answer, verdict, reason), the evidence byte for byte and a manifest whose hashes match; the
// managers may not download it (403), nor anyone before a referral (409); a referred manual item adds
// itself and its field photo to the plan's file.
func TestInspectionNoticeAndReferral(t *testing.T) {
	s := newScopeEnv(t)
	s.e.addUser("inspector", identity.Grant{Role: identity.RoleInspector})
	s.e.addUser("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	s.e.addUser("managerB", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.b}})
	s.e.addUser("viewer", identity.Grant{Role: identity.RoleViewer})
	insp, m, mb, boss, viewer := s.e.signIn("inspector"), s.e.signIn("manager"), s.e.signIn("managerB"), s.e.signIn("bureau"), s.e.signIn("viewer")

	today := time.Now().Format("2006-01-02")
	var p inspectionOut
	insp.do("POST", "/api/v1/inspections", map[string]any{"kind": "special", "title": "办公用房专项督查" + s.numberA, "as_of": today,
		"scope": map[string]any{"kind": "agencies", "agency_ids": []uuid.UUID{s.a, s.b}}}).expect(t, 201).decode(t, &p)
	plan := "/api/v1/inspections/" + p.ID.String()
	insp.do("POST", plan+"/start", nil).expect(t, 200)
	var all inspectionItemsOut
	insp.do("GET", plan+"/items", nil).expect(t, 200).decode(t, &all)
	var a inspectionItemOut
	for _, it := range all.Items {
		if it.AgencyID == s.a && it.RuleID == "person.over_standard" {
			a = it
		}
	}
	if a.ID == uuid.Nil {
		t.Fatalf("no over-standard item of A in %+v", all.Items)
	}
	notice := plan + "/notices/" + s.a.String() + ".pdf"
	res := insp.do("GET", notice, nil)
	if body := res.expectError(t, 409, "conflict"); !strings.Contains(fmt.Sprint(body["message"]), "notified") {
		t.Errorf("409 does not say that no item is notified: %s", res.body)
	}

	item := "/api/v1/inspection-items/" + a.ID.String()
	deadline := time.Now().AddDate(0, 0, 20).Format("2006-01-02")
	insp.do("POST", item+"/actions", map[string]any{"action": "notify", "deadline": deadline}).expect(t, 200)
	res = insp.do("GET", notice, nil).expect(t, 200)
	if ct := res.header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q", ct)
	}
	number := fmt.Sprintf("%s-%s-%s", today[:4], strings.ToUpper(p.ID.String()[:8]), strings.ToUpper(s.a.String()[:8]))
	text := pdfRawText(t, res.body)
	expectText(t, "the inspector's notice", text, "办公用房整改通知书", number, s.agencyAName, "办公用房专项督查"+s.numberA, "专项督查",
		"L1 超标准使用办公用房", "发改投资〔2014〕2674号", "使用面积16.00平方米", s.numberA, deadline, "整改期限", today, s.nameA,
		"机关事务管理局", "逾期未整改")
	if strings.Contains(text, noSpace(s.bName)) || strings.Contains(text, noSpace(s.numberB)) {
		t.Errorf("A's notice shows B's items:\n%s", text)
	}
	text = pdfRawText(t, m.do("GET", notice, nil).expect(t, 200).body)
	expectText(t, "the manager's notice", text, "办公用房整改通知书", s.agencyAName, "L1 超标准使用办公用房", s.numberA, deadline)
	if strings.Contains(text, noSpace(s.nameA)) {
		t.Errorf("the manager's notice shows the name %s:\n%s", s.nameA, text)
	}
	mb.do("GET", notice, nil).expectError(t, 404, "not_found")
	viewer.do("GET", notice, nil).expectError(t, 404, "not_found")
	mb.do("GET", plan+"/notices/"+s.b.String()+".pdf", nil).expectError(t, 409, "conflict") // B's item is not notified
	insp.do("GET", plan+"/notices/"+uuid.NewString()+".pdf", nil).expectError(t, 404, "not_found")
	insp.do("GET", "/api/v1/inspections/"+uuid.NewString()+"/notices/"+s.a.String()+".pdf", nil).expectError(t, 404, "not_found")

	insp.do("GET", item+"/referral.zip", nil).expectError(t, 409, "conflict")
	insp.do("GET", plan+"/referral.zip", nil).expectError(t, 409, "conflict")
	evidenceBytes := append(pdfBytes(), []byte("% 整改说明 "+s.numberA+"\n")...)
	var evidence documentOut
	fileDocument(t, boss, "整改说明.pdf", evidenceBytes, "agency", s.a, "other").expect(t, 201).decode(t, &evidence)
	m.do("POST", item+"/actions", map[string]any{"action": "answer", "comment": "已调整办公室" + s.numberA,
		"document_ids": []uuid.UUID{evidence.ID}}).expect(t, 200)
	insp.do("POST", item+"/actions", map[string]any{"action": "verify", "fixed": false, "comment": "仍超标"}).expect(t, 200)
	reason := "未按期整改，移交纪检监察" + s.numberA
	insp.do("POST", item+"/actions", map[string]any{"action": "refer", "comment": reason}).expect(t, 200)

	m.do("GET", item+"/referral.zip", nil).expectError(t, 403, "forbidden")
	m.do("GET", plan+"/referral.zip", nil).expectError(t, 403, "forbidden")
	for _, c := range []struct {
		name   string
		client *client
		path   string
	}{{"the item's, by the inspector", insp, item + "/referral.zip"}, {"the plan's, by the bureau", boss, plan + "/referral.zip"}} {
		t.Run(c.name, func(t *testing.T) {
			res := c.client.do("GET", c.path, nil).expect(t, 200)
			files := unzip(t, res.body)
			checkReferralZip(t, files, []uuid.UUID{a.ID}, "evidence/"+evidence.ID.String()+"-整改说明.pdf", evidence, evidenceBytes)
			text := pdfRawText(t, files["referral.pdf"])
			expectText(t, "referral.pdf", text, "移交纪检监察机关", s.agencyAName, "L1 超标准使用办公用房", "使用面积16.00平方米", s.numberA,
				s.nameA, deadline, "已调整办公室"+s.numberA, "未整改", "仍超标", reason, today, "inspector", "manager",
				"evidence/"+evidence.ID.String()+"-整改说明.pdf")
		})
	}

	// A manual item with a field photo, referred too: the plan's file holds both items and the photo.
	var photo documentOut
	fileDocument(t, boss, "现场.png", pngBytes(), "agency", s.a, "photo").expect(t, 201).decode(t, &photo)
	var manual inspectionItemOut
	insp.do("POST", plan+"/items", map[string]any{"point_code": "A2", "agency_id": s.a, "room_id": s.roomA,
		"notes": "原办公室已交他单位" + s.numberA, "photo_ids": []uuid.UUID{photo.ID}}).expect(t, 201).decode(t, &manual)
	for _, step := range []map[string]any{{"action": "notify", "deadline": deadline}, {"action": "verify", "fixed": false},
		{"action": "refer", "comment": "拒不整改"}} {
		insp.do("POST", "/api/v1/inspection-items/"+manual.ID.String()+"/actions", step).expect(t, 200)
	}
	files := unzip(t, insp.do("GET", plan+"/referral.zip", nil).expect(t, 200).body)
	checkReferralZip(t, files, []uuid.UUID{a.ID, manual.ID}, "evidence/"+photo.ID.String()+"-现场.png", photo, pngBytes())
	expectText(t, "the plan's referral.pdf", pdfRawText(t, files["referral.pdf"]), "A2 搬迁后将原办公用房移交其他单位",
		"原办公室已交他单位"+s.numberA, "拒不整改", "evidence/"+photo.ID.String()+"-现场.png", reason)
	if _, ok := files["evidence/"+evidence.ID.String()+"-整改说明.pdf"]; !ok {
		t.Errorf("the plan's referral file lacks the first item's evidence")
	}
}

// checkReferralZip checks a referral zip's files: referral.pdf, a document at path (the bytes filed) and
// a manifest naming the items and every other file with its true hash and size.
func checkReferralZip(t *testing.T, files map[string][]byte, items []uuid.UUID, path string, evidence documentOut, evidenceBytes []byte) {
	t.Helper()
	if !bytes.Equal(files[path], evidenceBytes) {
		t.Errorf("the evidence at %s is %q, want the bytes filed (files %v)", path, files[path], len(files))
	}
	if !bytes.HasPrefix(files["referral.pdf"], []byte("%PDF-")) {
		t.Fatalf("no referral.pdf among %d files", len(files))
	}
	var manifest struct {
		Format string      `json:"format"`
		Items  []uuid.UUID `json:"items"`
		Files  []struct {
			Path       string    `json:"path"`
			SHA256     string    `json:"sha256"`
			Size       int       `json:"size"`
			DocumentID uuid.UUID `json:"document_id"`
		} `json:"files"`
	}
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil {
		t.Fatalf("manifest.json: %v: %s", err, files["manifest.json"])
	}
	if manifest.Format != "officemap-referral" || !slices.Equal(manifest.Items, items) {
		t.Errorf("manifest %+v: want the referred items %v", manifest, items)
	}
	if len(manifest.Files) != len(files)-1 {
		t.Errorf("the manifest lists %d files, the zip holds %d besides it", len(manifest.Files), len(files)-1)
	}
	for _, f := range manifest.Files {
		sum := sha256.Sum256(files[f.Path])
		if hex.EncodeToString(sum[:]) != f.SHA256 || len(files[f.Path]) != f.Size {
			t.Errorf("manifest %s: sha256 %s size %d; the file hashes to %x, %d bytes", f.Path, f.SHA256, f.Size, sum, len(files[f.Path]))
		}
		if f.Path == path && (f.DocumentID != evidence.ID || f.SHA256 != evidence.SHA256) {
			t.Errorf("manifest %+v: want document %s with its archive hash %s", f, evidence.ID, evidence.SHA256)
		}
	}
}
