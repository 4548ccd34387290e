package api_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"officemap/floorplan/identity"
)

// TestCertificateRegister: the certificate register is searched by number and room, narrowed by validity
// (a reallocated room makes its certificate invalid), exported as CSV and XLSX with the same rows, and an
// agency manager's register and export hold its own agency's certificates only.
func TestCertificateRegister(t *testing.T) {
	s, boss := newScopeBoss(t)
	mB := s.e.signedIn("managerB", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.b}})
	second := agencyRoom(t, boss, s.f, "R2"+s.numberA, s.a, rect(0, 5, 5, 9))
	var one, two certificateOut
	boss.do("POST", "/api/v1/certificates", map[string]any{"agency_id": s.a, "room_ids": []uuid.UUID{s.roomA}}).expect(t, 201).decode(t, &one)
	boss.do("POST", "/api/v1/certificates", map[string]any{"agency_id": s.a, "room_ids": []uuid.UUID{second}}).expect(t, 201).decode(t, &two)

	// Room "second" reallocated to B: certificate two is no longer valid.
	tag := boss.do("GET", "/api/v1/rooms/"+second.String(), nil).expect(t, 200).header.Get("ETag")
	boss.do("PATCH", "/api/v1/rooms/"+second.String(), map[string]any{"properties": map[string]any{"agency_id": s.b}}, "If-Match", tag).expect(t, 200)

	ids := func(query string) []uuid.UUID {
		var list []certificateOut
		boss.do("GET", "/api/v1/certificates?agency_id="+s.a.String()+query, nil).expect(t, 200).decode(t, &list)
		out := make([]uuid.UUID, len(list))
		for i, c := range list {
			out[i] = c.ID
		}
		return out
	}
	for _, c := range []struct {
		query string
		want  []uuid.UUID
	}{
		{"", []uuid.UUID{two.ID, one.ID}},
		{"&q=" + strings.ToLower(one.Number), []uuid.UUID{one.ID}},
		{"&q=R2" + s.numberA, []uuid.UUID{two.ID}},
		{"&valid=true", []uuid.UUID{one.ID}},
		{"&valid=false", []uuid.UUID{two.ID}},
		{"&q=nothing-like-this", []uuid.UUID{}},
	} {
		if got := ids(c.query); !slices.Equal(got, c.want) {
			t.Errorf("GET /api/v1/certificates%s: %v; want %v", c.query, got, c.want)
		}
	}
	boss.do("GET", "/api/v1/certificates?valid=maybe", nil).expectError(t, 400, "bad_request")
	boss.do("GET", "/api/v1/certificates?format=pdf", nil).expectError(t, 400, "bad_request")

	// CSV: a byte-order mark, the header, one row a certificate with its validity.
	csv := boss.do("GET", "/api/v1/certificates?format=csv&agency_id="+s.a.String(), nil).expect(t, 200)
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(csv.body), "\uFEFF")), "\n")
	if !bytes.HasPrefix(csv.body, []byte("\uFEFF")) || len(lines) != 3 || !strings.HasPrefix(lines[0], "凭证编号,使用单位") {
		t.Fatalf("CSV:\n%s", csv.body)
	}
	if !strings.Contains(lines[1], two.Number) || !strings.Contains(lines[1], ",否,") || !strings.Contains(lines[2], ",是,") {
		t.Errorf("CSV rows:\n%s", strings.Join(lines[1:], "\n"))
	}

	// XLSX: the same rows, in English on request.
	x := boss.do("GET", "/api/v1/certificates?format=xlsx&lang=en&valid=true&agency_id="+s.a.String(), nil).expect(t, 200)
	wb, err := excelize.OpenReader(bytes.NewReader(x.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := wb.GetRows("Certificates")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][0] != "Number" || rows[1][0] != one.Number || rows[1][1] != s.agencyAName || rows[1][7] != "true" {
		t.Errorf("XLSX rows: %q", rows)
	}

	// Agency B's manager: none of A's certificates, in the list or the export.
	var list []certificateOut
	mB.do("GET", "/api/v1/certificates", nil).expect(t, 200).decode(t, &list)
	if len(list) != 0 {
		t.Errorf("agency B's manager lists %d of A's certificates", len(list))
	}
	if body := mB.do("GET", "/api/v1/certificates?format=csv", nil).expect(t, 200).body; bytes.Contains(body, []byte(one.Number)) {
		t.Errorf("agency B's manager's export holds A's certificate:\n%s", body)
	}
}

// TestVerifyRateLimited: the public verification answers a burst from one address, then refuses it with
// 429 rate_limited and Retry-After.
func TestVerifyRateLimited(t *testing.T) {
	s := newScopeEnv(t)
	anon := s.e.anonymous()
	code := "/verify/AAAAAAAAAAAAAAAAAAAAAAAAAA"
	limited := 0
	for i := 0; i < 60; i++ {
		res := anon.do("GET", code, nil, "Accept", "application/json")
		switch {
		case res.status == 429:
			limited++
			if res.header.Get("Retry-After") == "" {
				t.Fatalf("429 without Retry-After")
			}
		case res.status != 404:
			t.Fatalf("verification %d: %d", i, res.status)
		case limited > 0:
			t.Fatalf("verification %d answered after being limited (no time passed)", i)
		}
	}
	if limited == 0 || limited > 45 {
		t.Errorf("%d of 60 verifications limited; want the burst answered and the rest limited", limited)
	}
}
