package api_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"officemap/api"
	"officemap/floorplan/identity"
)

// TestLedger: entries recorded over HTTP and the rooms drawn make the general ledger, as JSON and as the
// workbook clerks keep (sheets 总账 and 核对, a totals row); the 账实 check names a property whose title area
// is off the measured one; an agency manager gets their sub-ledger only.
func TestLedger(t *testing.T) {
	s, boss := newScopeBoss(t)
	// Give the property a title area far from its measured gross area (the fixture's footprint, 41 × 21 m).
	var site map[string]any
	res := boss.do("GET", "/api/v1/sites/"+s.f.site.String(), nil).expect(t, 200)
	res.decode(t, &site)
	site["records"] = []map[string]any{{"kind": "不动产权证", "number": "苏(2021)0009", "area_m2": 2000}}
	boss.do("PATCH", "/api/v1/sites/"+s.f.site.String(), map[string]any{"records": site["records"]},
		"If-Match", res.header.Get("ETag"), "Content-Type", "application/merge-patch+json").expect(t, 200)
	for _, e := range []map[string]any{{"kind": "maintenance", "amount": 1200.5}, {"kind": "book_value", "amount": 3500000}} {
		e["site_id"], e["year"] = s.f.site, 2026
		boss.do("POST", "/api/v1/ledger/entries", e).expect(t, 201)
	}
	boss.do("POST", "/api/v1/ledger/entries", map[string]any{"site_id": s.f.site, "year": 2026, "kind": "gift", "amount": 1}).
		expectError(t, 422, "invalid_input")

	var led struct {
		Lines []struct {
			SiteID       string  `json:"site_id"`
			TitleAreaM2  float64 `json:"title_area_m2"`
			UsableAreaM2 float64 `json:"usable_area_m2"`
			Maintenance  float64 `json:"maintenance"`
			Rooms        int     `json:"rooms"`
		}
		Checks []struct {
			SiteID string `json:"site_id"`
			Check  string `json:"check"`
		}
	}
	boss.do("GET", "/api/v1/ledger?year=2026", nil).expect(t, 200).decode(t, &led)
	found := false
	for _, l := range led.Lines {
		if l.SiteID == s.f.site.String() {
			found = true
			if l.TitleAreaM2 != 2000 || l.UsableAreaM2 != 32 || l.Maintenance != 1200.5 || l.Rooms != 2 {
				t.Errorf("the property's line: %+v; want title 2000, usable 32 (two 4×4 rooms), maintenance 1200.5", l)
			}
		}
	}
	if !found {
		t.Fatal("the property is not in the general ledger")
	}
	checked := false
	for _, c := range led.Checks {
		checked = checked || (c.SiteID == s.f.site.String() && c.Check == "title_vs_measured")
	}
	if !checked {
		t.Errorf("no 账实 check for a title of 2000 m² on a floor measured 861 m²: %+v", led.Checks)
	}

	xlsx := boss.do("GET", "/api/v1/ledger?year=2026&format=xlsx", nil).expect(t, 200)
	wb, err := excelize.OpenReader(bytes.NewReader(xlsx.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := wb.GetRows("总账")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 4 || rows[1][1] != "房产名称" || rows[len(rows)-1][0] != "合计" {
		t.Errorf("总账 rows: %v", rows)
	}
	if checks, err := wb.GetRows("核对"); err != nil || len(checks) < 2 {
		t.Errorf("核对: %v, %v", checks, err)
	}

	// An agency manager: their sub-ledger, not the general ledger nor another agency's.
	a := s.e.signedIn("ledgerA", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	a.do("GET", "/api/v1/ledger?year=2026&agency_id="+s.b.String(), nil).expectError(t, 404, "not_found")
	s.e.addUser("ledgerViewer", identity.Grant{Role: identity.RoleViewer})
	s.e.signIn("ledgerViewer").do("GET", "/api/v1/ledger?year=2026", nil).expectError(t, 403, "forbidden")
	var sub struct {
		Lines []struct {
			UsableAreaM2 float64 `json:"usable_area_m2"`
			Maintenance  float64 `json:"maintenance"`
		}
	}
	a.do("GET", "/api/v1/ledger?year=2026", nil).expect(t, 200).decode(t, &sub) // their own agency's by default
	if len(sub.Lines) != 1 || sub.Lines[0].UsableAreaM2 != 16 || sub.Lines[0].Maintenance != 0 {
		t.Errorf("agency A's sub-ledger: %+v; want its one 16 m² room and no money", sub)
	}
	a.do("POST", "/api/v1/ledger/entries", map[string]any{"site_id": s.f.site, "year": 2026, "kind": "utilities", "amount": 5}).
		expectError(t, 403, "forbidden")
	_ = api.Config{}
}

// TestSubLedgers: an agency manager records their own agency's sub-ledger entries and no other's, nor the
// general ledger's; a bad entry (unknown agency, bad kind) is 422 and writes nothing. The general ledger
// reports 账账 when the agencies' book values do not add up to its own — as JSON, in the workbook and
// among the archive's findings — and the manager's sub-ledger lists their entries.
func TestSubLedgers(t *testing.T) {
	s, boss := newScopeBoss(t)
	a := s.e.signedIn("subA", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	site := s.f.site.String()
	entry := func(agency any, kind string, amount float64) map[string]any {
		return map[string]any{"site_id": site, "agency_id": agency, "year": 2025, "kind": kind, "amount": amount}
	}
	count := func() int {
		var list struct {
			Entries []struct {
				AgencyID *string `json:"agency_id"`
			} `json:"entries"`
		}
		boss.do("GET", "/api/v1/ledger/entries?year=2025&site_id="+site, nil).expect(t, 200).decode(t, &list)
		return len(list.Entries)
	}
	boss.do("POST", "/api/v1/ledger/entries", entry(nil, "book_value", 1_000_000)).expect(t, 201)
	var made map[string]any
	a.do("POST", "/api/v1/ledger/entries", entry(s.a, "book_value", 600_000)).expect(t, 201).decode(t, &made)
	if made["agency_id"] != s.a.String() || made["recorded_by"] == "" {
		t.Errorf("the entry made: %v; want agency A's", made)
	}
	a.do("POST", "/api/v1/ledger/entries", entry(s.b, "book_value", 400_000)).expectError(t, 403, "forbidden")
	a.do("POST", "/api/v1/ledger/entries", entry(nil, "book_value", 1)).expectError(t, 403, "forbidden")
	s.e.addUser("subViewer", identity.Grant{Role: identity.RoleViewer})
	s.e.signIn("subViewer").do("POST", "/api/v1/ledger/entries", entry(s.a, "book_value", 1)).expectError(t, 403, "forbidden")
	if e := boss.do("POST", "/api/v1/ledger/entries", entry(uuid.New(), "book_value", 1)).expectError(t, 422, "invalid_input"); !strings.Contains(fmt.Sprint(e), "agency_id") {
		t.Errorf("an unknown agency: %v; want the error to name agency_id", e)
	}
	a.do("POST", "/api/v1/ledger/entries", entry(s.a, "gift", 1)).expectError(t, 422, "invalid_input")
	if n := count(); n != 2 {
		t.Errorf("%d entries of 2025 after the refusals; want 2", n)
	}

	var led struct {
		Lines []struct {
			SiteID       string `json:"site_id"`
			BookValue    float64
			SubVsGeneral string `json:"sub_vs_general"`
		}
		Checks []struct {
			SiteID     string  `json:"site_id"`
			Check      string  `json:"check"`
			Kind       string  `json:"kind"`
			General    float64 `json:"general"`
			SubLedgers float64 `json:"sub_ledgers"`
			Message    string  `json:"message"`
		}
	}
	boss.do("GET", "/api/v1/ledger?year=2025", nil).expect(t, 200).decode(t, &led)
	var row int
	for i, l := range led.Lines {
		if l.SiteID == site {
			row = i + 3 // the title row, the header, then the lines
			if l.SubVsGeneral != "mismatch" {
				t.Errorf("the property's 账账 result %q; want mismatch", l.SubVsGeneral)
			}
		}
	}
	found := false
	for _, c := range led.Checks {
		if c.SiteID == site && c.Check == "sub_vs_general" {
			found = c.Kind == "book_value" && c.General == 1_000_000 && c.SubLedgers == 600_000 && strings.Contains(c.Message, "账账不符")
		}
	}
	if row == 0 || !found {
		t.Fatalf("no 账账 check of the property's book value (600 000 against 1 000 000): %+v", led.Checks)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(boss.do("GET", "/api/v1/ledger?year=2025&format=xlsx", nil).expect(t, 200).body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := wb.GetRows("总账")
	if err != nil {
		t.Fatal(err)
	}
	header := rows[1]
	if header[len(header)-1] != "账账核对" || rows[row-1][len(header)-1] != "不符" {
		t.Errorf("总账: header %v, the property's row %v; want 账账核对 不符 last", header, rows[row-1])
	}
	var findings []struct {
		RuleID     string  `json:"rule_id"`
		LedgerKind string  `json:"ledger_kind"`
		SubLedgers float64 `json:"sub_ledgers"`
	}
	boss.do("GET", "/api/v1/register/findings?year=2025&site_id="+site, nil).expect(t, 200).decode(t, &findings)
	found = false
	for _, f := range findings {
		found = found || (f.RuleID == "ledger.sub_vs_general" && f.LedgerKind == "book_value" && f.SubLedgers == 600_000)
	}
	if !found {
		t.Errorf("the archive's findings %+v lack the 账账 one", findings)
	}

	// The manager's sub-ledger: their entry, in the line and listed; not B's.
	var sub struct {
		Lines []struct {
			BookValue float64 `json:"book_value"`
		}
		Entries []struct {
			AgencyID string  `json:"agency_id"`
			Amount   float64 `json:"amount"`
		}
	}
	a.do("GET", "/api/v1/ledger?year=2025", nil).expect(t, 200).decode(t, &sub)
	if len(sub.Lines) != 1 || sub.Lines[0].BookValue != 600_000 || len(sub.Entries) != 1 || sub.Entries[0].AgencyID != s.a.String() {
		t.Errorf("agency A's sub-ledger %+v; want its one entry of 600 000", sub)
	}
	a.do("GET", "/api/v1/ledger?year=2025&agency_id="+s.b.String(), nil).expectError(t, 404, "not_found")
	var onlyA struct {
		Entries []struct {
			AgencyID string `json:"agency_id"`
		} `json:"entries"`
	}
	boss.do("GET", "/api/v1/ledger/entries?year=2025&site_id="+site+"&agency_id="+s.a.String(), nil).expect(t, 200).decode(t, &onlyA)
	if len(onlyA.Entries) != 1 || onlyA.Entries[0].AgencyID != s.a.String() {
		t.Errorf("agency A's entries: %+v", onlyA.Entries)
	}
}
