package api_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"officemap/api"
	"officemap/floorplan/identity"
)

// TestLedger: entries recorded over HTTP and the rooms drawn make the general ledger, as JSON and as the
// workbook clerks keep (sheets 总账 and 核对, a totals row); the 账实 check names a property whose title area
// is off the measured one; an agency manager gets their sub-ledger only.
func TestLedger(t *testing.T) {
	s := newScopeEnv(t)
	boss := s.e.signIn("bureau")
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
	s.e.addUser("ledgerA", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	a := s.e.signIn("ledgerA")
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
