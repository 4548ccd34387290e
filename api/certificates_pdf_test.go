package api_test

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/identity"
	"officemap/floorplan/pdfdoc"
)

// TestCertificatePDF: the certificate PDF is text that pdftotext reads — title, number, agency, rooms and
// areas, total, dates, approval reference, verification URL, plan excerpt — in an embedded subset of the
// Chinese font (pdffonts), much smaller than the font; its QR code, read from the page as pdftoppm draws
// it, is the verification URL, which answers valid; once revoked, the PDF says so and the URL answers
// not valid.
func TestCertificatePDF(t *testing.T) {
	s, boss := newScopeBoss(t)
	mA := s.e.signedIn("managerA", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	anon := s.e.anonymous()
	second := "A2" + s.numberA
	secondID := agencyRoom(t, boss, s.f, second, s.a, rect(0, 5, 5, 9))
	app := uuid.New()
	var c certificateOut
	boss.do("POST", "/api/v1/certificates", map[string]any{"agency_id": s.a, "room_ids": []uuid.UUID{s.roomA, secondID},
		"application_id": app}).expect(t, 201).decode(t, &c)
	path := "/api/v1/certificates/" + c.ID.String() + ".pdf"

	pdf := mA.do("GET", path, nil).expect(t, 200).body
	text := pdfText(t, pdf)
	today := time.Now().Format("2006-01-02")
	for _, want := range []string{"党政机关办公用房分配使用凭证", "Usage certificate", c.Number, s.agencyAName, s.numberA, second,
		"16.00", "20.00", "36.00", "合计", today, app.String(), c.VerifyURL, "平面示意"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext does not find %q in:\n%s", want, text)
		}
	}
	if !regexp.MustCompile(`第\s*1\s*页\s*/\s*共\s*\d+\s*页`).MatchString(text) {
		t.Errorf("no page numbers:\n%s", text)
	}
	if fonts := pdfFonts(t, pdf); !regexp.MustCompile(`(?m)^[A-Z]{6}\+\S+\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes`).MatchString(fonts) {
		t.Errorf("pdffonts shows no embedded subset of the Chinese font:\n%s", fonts)
	}
	if n := bytes.Count(pdf, []byte("/Subtype /Image")); n < 2 {
		t.Errorf("%d images; want the QR code and the plan excerpt", n)
	}
	if font, err := pdfdoc.FindFont(); err == nil && len(pdf) > len(font.TTF)/4 {
		t.Errorf("the PDF is %d bytes with a font of %d: the font is not subset", len(pdf), len(font.TTF))
	}

	url := pdfQR(t, pdf)
	if url != c.VerifyURL {
		t.Fatalf("the QR code reads %q; want the verification URL %q", url, c.VerifyURL)
	}
	verify := url[strings.Index(url, "/verify/"):]
	var v verificationOut
	anon.do("GET", verify, nil, "Accept", "application/json").expect(t, 200).decode(t, &v)
	if !v.Valid || v.Certificate.Number != c.Number {
		t.Errorf("the QR code's page: %+v; want valid", v)
	}

	boss.do("POST", "/api/v1/certificates/"+c.ID.String()+"/revoke", map[string]any{"reason": "房间调整"}).expect(t, 200)
	text = pdfText(t, mA.do("GET", path, nil).expect(t, 200).body)
	for _, want := range []string{"已撤销", "Revoked", "房间调整", c.Number} {
		if !strings.Contains(text, want) {
			t.Errorf("revoked: pdftotext does not find %q in:\n%s", want, text)
		}
	}
	anon.do("GET", verify, nil, "Accept", "application/json").expect(t, 200).decode(t, &v)
	if v.Valid {
		t.Errorf("after revocation the QR code's page says valid: %+v", v)
	}
}

// TestCertificatePDFLong: a certificate of 60 rooms runs over pages, each with the table's header and
// its page number out of the total and the number in the footer; the approval reference and the total
// are printed; the QR code is still the verification URL.
func TestCertificatePDFLong(t *testing.T) {
	font, err := pdfdoc.FindFont()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	c := floorplan.Certificate{ID: uuid.New(), Code: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", AgencyID: uuid.New(),
		IssuedAt: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
	for i := range 60 {
		c.Rooms = append(c.Rooms, floorplan.CertificateRoom{ID: uuid.New(), Number: fmt.Sprintf("R%03d", i+1), Building: "综合楼",
			Floor: fmt.Sprintf("%dF", i/20+1), AreaM2: 12.345})
		c.TotalAreaM2 += 12.345
	}
	const url = "https://officemap.example/verify/ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	pdf, err := api.CertificatePDF(font, c, "常州市机关事务管理局", url, [2]string{"批准依据 Approval", "处长办公室调整（调配调剂 allocation / adjustment）"},
		[2]string{"批准日期 Approved", "2026-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"常州市机关事务管理局", "处长办公室调整", "2026-05-01", "2026-05-04", "R001", "R060", "12.35", "740.70", "60 间 rooms", url} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext does not find %q in:\n%s", want, text)
		}
	}
	pages := strings.Split(strings.TrimRight(text, "\f\n"), "\f")
	if len(pages) < 3 {
		t.Fatalf("%d pages; want the 60 rooms over at least 3", len(pages))
	}
	for i, p := range pages {
		if !strings.Contains(p, "房间号 Room") && i < len(pages)-1 {
			t.Errorf("page %d lacks the table header:\n%s", i+1, p)
		}
		if !regexp.MustCompile(fmt.Sprintf(`第\s*%d\s*页\s*/\s*共\s*%d\s*页`, i+1, len(pages))).MatchString(p) ||
			!strings.Contains(p, c.Number()) {
			t.Errorf("page %d lacks its footer (number %s, page %d of %d):\n%s", i+1, c.Number(), i+1, len(pages), p)
		}
	}
	if got := pdfQR(t, pdf); got != url {
		t.Errorf("the QR code reads %q; want %q", got, url)
	}
}
