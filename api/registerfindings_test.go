package api_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// archiveFindingOut is an archive's finding as GET /api/v1/register/findings gives it.
type archiveFindingOut struct {
	RuleID       string  `json:"rule_id"`
	SiteID       string  `json:"site_id"`
	SiteName     string  `json:"site_name"`
	Severity     string  `json:"severity"`
	Message      string  `json:"message"`
	MessageEN    string  `json:"message_en"`
	DocType      string  `json:"doc_type"`
	AreaTitle    float64 `json:"area_title"`
	AreaMeasured float64 `json:"area_measured"`
}

// findingsBy groups findings by property id, each property's as "rule" or "rule:doc_type".
func findingsBy(list []archiveFindingOut) map[string][]string {
	out := map[string][]string{}
	for _, f := range list {
		k := f.RuleID
		if f.DocType != "" {
			k += ":" + f.DocType
		}
		out[f.SiteID] = append(out[f.SiteID], k)
	}
	return out
}

// TestRegisterFindings: the archive's findings name each property's missing documents per the checklist
// (a document filed clears its type) and its 账实 mismatch with both areas; an agency manager sees the
// findings of the properties its agency uses only, and another agency or property is 404 to them; bad
// parameters are 400.
func TestRegisterFindings(t *testing.T) {
	s, boss := newScopeBoss(t)
	// A second property, used by agency B only.
	f2 := boss.fixture()
	agencyRoom(t, boss, f2, "B-201", s.b, rect(0, 0, 5, 5))
	// The first property's title gives 2000 m²; its one floor measures far less.
	res := boss.do("GET", "/api/v1/sites/"+s.f.site.String(), nil).expect(t, 200)
	boss.do("PATCH", "/api/v1/sites/"+s.f.site.String(),
		map[string]any{"records": []map[string]any{{"kind": "不动产权证", "number": "苏(2021)0009", "area_m2": 2000}}},
		"If-Match", res.header.Get("ETag"), "Content-Type", "application/merge-patch+json").expect(t, 200)
	fileDocument(t, boss, "title.pdf", pdfBytes(), "site", s.f.site, "title_certificate").expect(t, 201)
	fileDocument(t, boss, "plan.png", pngBytes(), "floor", s.f.floor, "floor_plan").expect(t, 201)

	var all []archiveFindingOut
	boss.do("GET", "/api/v1/register/findings", nil).expect(t, 200).decode(t, &all)
	by := findingsBy(all)
	first, second := s.f.site.String(), f2.site.String()
	if got := by[first]; len(got) != 2 || got[0] != "archive.missing_document:completion_drawings" || got[1] != "ledger.title_vs_measured" {
		t.Errorf("the first property's findings %v; want its missing completion drawings (the title and plan are filed), then 账实", got)
	}
	if got := by[second]; len(got) != 3 || got[0] != "archive.missing_document:title_certificate" ||
		got[1] != "archive.missing_document:completion_drawings" || got[2] != "archive.missing_document:floor_plan" {
		t.Errorf("the second property's findings %v; want its three missing documents in the checklist's order", got)
	}
	for _, f := range all {
		if f.Message == "" || f.MessageEN == "" || f.Severity != "violation" || f.SiteName == "" {
			t.Errorf("finding without its sentences, severity or property name: %+v", f)
		}
		if f.RuleID == "ledger.title_vs_measured" && (f.AreaTitle != 2000 || f.AreaMeasured <= 0 || f.AreaMeasured >= 2000) {
			t.Errorf("账实 finding %+v; want the title's 2000 m² and the measured area", f)
		}
		if f.RuleID == "archive.missing_document" && f.DocType == "completion_drawings" && f.SiteID == first &&
			!(strings.Contains(f.Message, "竣工图") && strings.Contains(f.MessageEN, "completion drawings")) {
			t.Errorf("missing completion drawings: %q / %q do not name the type", f.Message, f.MessageEN)
		}
	}
	var one []archiveFindingOut
	boss.do("GET", "/api/v1/register/findings?site_id="+second, nil).expect(t, 200).decode(t, fresh(&one))
	if by := findingsBy(one); len(by) != 1 || len(by[second]) != 3 {
		t.Errorf("site_id=%s: %v; want that property's three findings only", second, by)
	}
	boss.do("GET", "/api/v1/register/findings?agency_id="+s.a.String(), nil).expect(t, 200).decode(t, fresh(&one))
	if by := findingsBy(one); len(by) != 1 || len(by[first]) != 2 {
		t.Errorf("agency_id=A: %v; want the first property's findings only (A uses no room of the second)", by)
	}

	// Agency A's manager: the first property only (A uses a room there); B and the second property are 404.
	a := s.e.signedIn("findingsA", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	a.do("GET", "/api/v1/register/findings", nil).expect(t, 200).decode(t, fresh(&one))
	if by := findingsBy(one); len(by) != 1 || len(by[first]) != 2 {
		t.Errorf("agency A's manager sees %v; want the first property's two findings only", by)
	}
	a.do("GET", "/api/v1/register/findings?site_id="+second, nil).expectError(t, 404, "not_found")
	a.do("GET", "/api/v1/register/findings?agency_id="+s.b.String(), nil).expectError(t, 404, "not_found")
	a.do("GET", "/api/v1/register/findings?site_id="+uuid.NewString(), nil).expectError(t, 404, "not_found")
	// Agency B's manager sees both properties.
	s.e.addUser("findingsB", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.b}})
	s.e.signIn("findingsB").do("GET", "/api/v1/register/findings", nil).expect(t, 200).decode(t, fresh(&one))
	if by := findingsBy(one); len(by) != 2 {
		t.Errorf("agency B's manager sees %v; want both properties", by)
	}
	// A viewer may not read them; bad parameters are named.
	s.e.addUser("findingsViewer", identity.Grant{Role: identity.RoleViewer})
	s.e.signIn("findingsViewer").do("GET", "/api/v1/register/findings", nil).expectError(t, 403, "forbidden")
	boss.do("GET", "/api/v1/register/findings?site_id=x", nil).expectError(t, 400, "bad_request")
	boss.do("GET", "/api/v1/register/findings?year=99", nil).expectError(t, 400, "bad_request")
}

// fresh empties *list before a decode into it (a decode into a used slice keeps fields the JSON omits).
func fresh(list *[]archiveFindingOut) *[]archiveFindingOut {
	*list = nil
	return list
}
