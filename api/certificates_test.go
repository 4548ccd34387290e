package api_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// certificateOut is a certificate as the API gives it.
type certificateOut struct {
	ID          uuid.UUID `json:"id"`
	Number      string    `json:"number"`
	Code        string    `json:"code"`
	VerifyURL   string    `json:"verify_url"`
	AgencyID    uuid.UUID `json:"agency_id"`
	Agency      string    `json:"agency"`
	TotalAreaM2 float64   `json:"total_area_m2"`
	Rooms       []struct {
		ID     uuid.UUID `json:"id"`
		Number string    `json:"number"`
		AreaM2 float64   `json:"area_m2"`
	} `json:"rooms"`
	ApplicationID *uuid.UUID `json:"application_id"`
	IssuedBy      string     `json:"issued_by"`
	Valid         bool       `json:"valid"`
	Reason        string     `json:"reason"`
}

// verificationOut is the public JSON answer of /verify/{code}.
type verificationOut struct {
	Valid       bool   `json:"valid"`
	Reason      string `json:"reason"`
	Certificate struct {
		Number string `json:"number"`
		Agency string `json:"agency"`
		Rooms  []struct {
			Number string  `json:"number"`
			AreaM2 float64 `json:"area_m2"`
		} `json:"rooms"`
		IssueDate string `json:"issue_date"`
	} `json:"certificate"`
}

// TestCertificates: the bureau issues a certificate for agency A's rooms; its PDF holds its title and
// number as text and its QR code reads the verification URL; the public page says valid, then not valid
// naming the room once the room is reallocated to B, then revoked; unknown codes are 404; the API is
// closed to strangers and to another agency's manager; refused input is 422 with nothing written.
func TestCertificates(t *testing.T) {
	s, boss := newScopeBoss(t)
	s.e.addUser("planner1", identity.Grant{Role: identity.RolePlanner})
	s.e.addUser("managerA", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	s.e.addUser("managerB", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.b}})
	planner, mA, mB, anon := s.e.signIn("planner1"), s.e.signIn("managerA"), s.e.signIn("managerB"), s.e.anonymous()
	second := agencyRoom(t, boss, s.f, "A2"+s.numberA, s.a, rect(0, 5, 5, 9))

	// Refused input: 422 naming the field, nothing written.
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"agency_id": s.a, "room_ids": []uuid.UUID{s.roomA, s.roomB}}, "room_ids[1]"},
		{map[string]any{"agency_id": s.a, "room_ids": []uuid.UUID{}}, "room_ids"},
		{map[string]any{"agency_id": "x", "room_ids": []uuid.UUID{s.roomA}}, "agency_id"},
		{map[string]any{"agency_id": s.a, "room_ids": []string{"nope"}}, "room_ids[0]"},
		{map[string]any{"agency_id": uuid.New(), "room_ids": []uuid.UUID{s.roomA}}, "agency_id"},
		{map[string]any{"agency_id": s.a, "room_ids": []uuid.UUID{s.roomA}, "application_id": "x"}, "application_id"},
	} {
		e := boss.do("POST", "/api/v1/certificates", c.body).expectError(t, 422, "invalid_input")
		if e["field"] != c.field {
			t.Errorf("POST %v: field %v; want %s (%v)", c.body, e["field"], c.field, e["message"])
		}
	}
	e := boss.do("POST", "/api/v1/certificates", map[string]any{"agency_id": s.a, "room_ids": []uuid.UUID{s.roomB}}).expectError(t, 422, "invalid_input")
	if msg, _ := e["message"].(string); !strings.Contains(msg, s.numberB) {
		t.Errorf("refusal %q does not name room %s", msg, s.numberB)
	}
	var list []certificateOut
	boss.do("GET", "/api/v1/certificates?agency_id="+s.a.String(), nil).expect(t, 200).decode(t, &list)
	if len(list) != 0 {
		t.Fatalf("%d certificates after refusals; want none", len(list))
	}
	mA.do("POST", "/api/v1/certificates", map[string]any{"agency_id": s.a, "room_ids": []uuid.UUID{s.roomA}}).expectError(t, 403, "forbidden")

	// Issue (a planner may), read, list.
	app := uuid.New()
	var c certificateOut
	planner.do("POST", "/api/v1/certificates", map[string]any{"agency_id": s.a, "room_ids": []uuid.UUID{s.roomA, second}, "application_id": app}).
		expect(t, 201).decode(t, &c)
	if len(c.Rooms) != 2 || c.Rooms[0].AreaM2 != 16 || c.Rooms[1].AreaM2 != 20 || c.TotalAreaM2 != 36 || !c.Valid ||
		c.ApplicationID == nil || *c.ApplicationID != app || c.IssuedBy != "planner1" || c.Agency != s.agencyAName {
		t.Fatalf("issued %+v", c)
	}
	// Printed and in a QR code, the verification URL is absolute even without a public URL configured.
	if !regexp.MustCompile(`^[A-Z2-7]{26}$`).MatchString(c.Code) || !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/verify/`+c.Code+`$`).MatchString(c.VerifyURL) {
		t.Errorf("code %q, verify URL %q", c.Code, c.VerifyURL)
	}
	if !s.e.hasAudit("planner1", "write.certificate.create", "certificate", identity.OutcomeOK) {
		t.Errorf("the issue is not in the audit log")
	}
	path := "/api/v1/certificates/" + c.ID.String()
	mA.do("GET", path, nil).expect(t, 200)
	mB.do("GET", path, nil).expectError(t, 404, "not_found")
	mB.do("GET", path+".pdf", nil).expectError(t, 404, "not_found")
	boss.do("GET", "/api/v1/certificates/"+uuid.NewString(), nil).expectError(t, 404, "not_found")
	mB.do("GET", "/api/v1/certificates", nil).expect(t, 200).decode(t, &list)
	if len(list) != 0 {
		t.Errorf("agency B's manager lists %d certificates of A", len(list))
	}
	mA.do("GET", "/api/v1/certificates?agency_id="+s.a.String(), nil).expect(t, 200).decode(t, &list)
	if len(list) != 1 || list[0].ID != c.ID {
		t.Errorf("agency A's manager lists %+v", list)
	}
	anon.do("GET", "/api/v1/certificates", nil).expectError(t, 401, "unauthenticated")
	anon.do("GET", path, nil).expectError(t, 401, "unauthenticated")
	anon.do("GET", path+".pdf", nil).expectError(t, 401, "unauthenticated")

	// The PDF: A4 text (certificates_pdf_test.go reads it in full), its QR code the verification URL.
	pdf := mA.do("GET", path+".pdf", nil).expect(t, 200)
	if ct := pdf.header.Get("Content-Type"); ct != "application/pdf" || !bytes.HasPrefix(pdf.body, []byte("%PDF-")) ||
		!bytes.Contains(pdf.body, []byte("%%EOF")) {
		t.Fatalf("PDF: %s, starts %q", ct, pdf.body[:min(8, len(pdf.body))])
	}
	if !bytes.Contains(pdf.body, []byte("/MediaBox [0 0 595.28 841.89]")) {
		t.Errorf("PDF is not A4")
	}
	if text := pdfText(t, pdf.body); !strings.Contains(text, "办公用房分配使用凭证") || !strings.Contains(text, c.Number) {
		t.Errorf("pdftotext does not find the title and number %s:\n%s", c.Number, text)
	}
	if got := pdfQR(t, pdf.body); got != c.VerifyURL {
		t.Errorf("the QR code reads %q; want the verification URL %q", got, c.VerifyURL)
	}

	// The public page: valid; JSON and HTML; in English on request; no personal data.
	verify := "/verify/" + c.Code
	var v verificationOut
	anon.do("GET", verify, nil, "Accept", "application/json").expect(t, 200).decode(t, &v)
	if !v.Valid || v.Certificate.Agency != s.agencyAName || len(v.Certificate.Rooms) != 2 || v.Certificate.Number != c.Number {
		t.Fatalf("verification %+v", v)
	}
	html := anon.do("GET", verify, nil).expect(t, 200)
	if !strings.HasPrefix(html.header.Get("Content-Type"), "text/html") || !bytes.Contains(html.body, []byte("凭证当前有效")) ||
		!bytes.Contains(html.body, []byte(s.numberA)) || bytes.Contains(html.body, []byte("planner1")) || bytes.Contains(html.body, []byte(s.nameA)) {
		t.Errorf("page:\n%s", html.body)
	}
	if en := anon.do("GET", verify+"?lang=en", nil).expect(t, 200); !bytes.Contains(en.body, []byte("Valid now")) {
		t.Errorf("English page:\n%s", en.body)
	}
	if en := anon.do("GET", verify, nil, "Accept-Language", "en-GB,en;q=0.9"); !bytes.Contains(en.body, []byte("Valid now")) {
		t.Errorf("page for Accept-Language en:\n%s", en.body)
	}

	// Room A reallocated to agency B through the register: not valid, naming the room.
	tag := boss.do("GET", "/api/v1/rooms/"+s.roomA.String(), nil).expect(t, 200).header.Get("ETag")
	boss.do("PATCH", "/api/v1/rooms/"+s.roomA.String(), map[string]any{"properties": map[string]any{"agency_id": s.b}}, "If-Match", tag).expect(t, 200)
	anon.do("GET", verify, nil, "Accept", "application/json").expect(t, 200).decode(t, &v)
	if v.Valid || !strings.Contains(v.Reason, s.numberA) {
		t.Errorf("after reallocation: %+v; want not valid naming room %s", v, s.numberA)
	}
	if page := anon.do("GET", verify, nil).expect(t, 200); !bytes.Contains(page.body, []byte("凭证当前无效")) {
		t.Errorf("page after reallocation:\n%s", page.body)
	}

	// Revoked: a reason is required, then not valid; twice is a conflict; managers may not revoke.
	boss.do("POST", path+"/revoke", map[string]any{"reason": " "}).expectError(t, 422, "invalid_input")
	mA.do("POST", path+"/revoke", map[string]any{"reason": "x"}).expectError(t, 403, "forbidden")
	boss.do("POST", path+"/revoke", map[string]any{"reason": "房间调整"}).expect(t, 200).decode(t, &c)
	if c.Valid || !strings.Contains(c.Reason, "revoked") {
		t.Errorf("revoked: %+v", c)
	}
	boss.do("POST", path+"/revoke", map[string]any{"reason": "again"}).expectError(t, 409, "conflict")
	anon.do("GET", verify, nil, "Accept", "application/json").expect(t, 200).decode(t, &v)
	if v.Valid || !strings.Contains(v.Reason, "revoked") {
		t.Errorf("after revocation: %+v", v)
	}

	// Unknown and malformed codes: the same 404.
	for _, code := range []string{"AAAAAAAAAAAAAAAAAAAAAAAAAA", "nope", strings.ToLower(c.Code)} {
		if res := anon.do("GET", "/verify/"+code, nil); res.status != 404 || !bytes.Contains(res.body, []byte("无此凭证")) {
			t.Errorf("/verify/%s: %d\n%s", code, res.status, res.body)
		}
		anon.do("GET", "/verify/"+code, nil, "Accept", "application/json").expectError(t, 404, "not_found")
	}
}
