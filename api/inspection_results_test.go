package api_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"officemap/floorplan/identity"
)

type countsOut struct {
	Items    int      `json:"items"`
	Open     int      `json:"open"`
	Notified int      `json:"notified"`
	Answered int      `json:"answered"`
	Fixed    int      `json:"fixed"`
	NotFixed int      `json:"not_fixed"`
	Referred int      `json:"referred"`
	Overdue  int      `json:"overdue"`
	Due      int      `json:"due"`
	Rate     *float64 `json:"rectification_rate"`
}

type resultPlanOut struct {
	ID    uuid.UUID `json:"id"`
	Kind  string    `json:"kind"`
	Team  int       `json:"team"`
	Items int       `json:"items"`
}

type agencyRowOut struct {
	AgencyID uuid.UUID `json:"agency_id"`
	Name     string    `json:"name"`
	District string    `json:"district"`
	countsOut
}

type resultsOut struct {
	Plans    []resultPlanOut `json:"plans"`
	AsOf     string          `json:"as_of"`
	Agencies int             `json:"agencies_checked"`
	Totals   countsOut       `json:"totals"`
	ByPoint  []struct {
		Code string `json:"code"`
		countsOut
	} `json:"by_point"`
	ByAgency   []agencyRowOut `json:"by_agency"`
	ByDistrict []struct {
		Name     string `json:"name"`
		Agencies int    `json:"agencies"`
		countsOut
	} `json:"by_district"`
	FollowUp *struct {
		Totals struct {
			Original       int `json:"original"`
			FixedBefore    int `json:"fixed_before"`
			Followed       int `json:"followed"`
			RectifiedSince int `json:"rectified_since"`
			StillOpen      int `json:"still_open"`
		} `json:"totals"`
		Items []struct {
			OriginalItemID uuid.UUID `json:"original_item_id"`
			OriginalState  string    `json:"original_state"`
			RecheckAtStart string    `json:"recheck_at_start"`
			Now            string    `json:"now"`
		} `json:"items"`
	} `json:"follow_up"`
}

// counts is c without its rate, and the rate (-1 for null).
func (c countsOut) plain() (countsOut, float64) {
	r := -1.0
	if c.Rate != nil {
		r = *c.Rate
	}
	c.Rate = nil
	return c, r
}

func checkResultCounts(t *testing.T, what string, got, want countsOut, rate float64) {
	t.Helper()
	g, r := got.plain()
	if g != want || r != rate {
		t.Errorf("%s: %+v rate %v; want %+v rate %v", what, g, r, want, rate)
	}
}

// withoutSpace is s without white space (pdftotext breaks lines where the page does).
func withoutSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// TestInspectionResults drives a plan of agencies A and B through the API: A's over-standard item is
// referred, its manual item fixed; B's over-standard item is notified and becomes overdue, its manual item
// stays open. The results count them exactly (by point, agency, rate); the XLSX has the five sheets, a
// row per agency with numbers, the item list without names for an agency manager and a neutralised
// title; the PDF reads back the title and the totals sentence; the manager of A gets A's numbers only;
// across plans the plan is listed and its agencies' rows are the same; the follow-up view compares.
func TestInspectionResults(t *testing.T) {
	s := newScopeEnv(t)
	s.e.addUser("inspector", identity.Grant{Role: identity.RoleInspector})
	s.e.addUser("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	insp, m, boss := s.e.signIn("inspector"), s.e.signIn("manager"), s.e.signIn("bureau")

	today := time.Now().Format("2006-01-02")
	var p inspectionOut
	insp.do("POST", "/api/v1/inspections", map[string]any{"kind": "special", "title": "=SUM(1)专项督查", "as_of": today,
		"scope": map[string]any{"kind": "agencies", "agency_ids": []uuid.UUID{s.a, s.b}}}).expect(t, 201).decode(t, &p)
	path := "/api/v1/inspections/" + p.ID.String()
	insp.do("POST", path+"/start", nil).expect(t, 200)
	var list inspectionItemsOut
	insp.do("GET", path+"/items", nil).expect(t, 200).decode(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("%d items, want the over-standard findings of A and B", len(list.Items))
	}
	rule := map[uuid.UUID]uuid.UUID{}
	for _, it := range list.Items {
		rule[it.AgencyID] = it.ID
	}
	manual := map[uuid.UUID]uuid.UUID{}
	for _, ag := range []uuid.UUID{s.a, s.b} {
		var it inspectionItemOut
		insp.do("POST", path+"/items", map[string]any{"point_code": "A2", "agency_id": ag, "notes": "原办公室已交他单位"}).
			expect(t, 201).decode(t, &it)
		manual[ag] = it.ID
	}
	act := func(c *client, id uuid.UUID, body map[string]any) {
		t.Helper()
		c.do("POST", "/api/v1/inspection-items/"+id.String()+"/actions", body).expect(t, 200)
	}
	later := time.Now().AddDate(0, 0, 30).Format("2006-01-02")
	act(insp, rule[s.a], map[string]any{"action": "notify", "deadline": later})
	act(m, rule[s.a], map[string]any{"action": "answer", "comment": "已调整"})
	act(insp, rule[s.a], map[string]any{"action": "verify", "fixed": false})
	act(insp, rule[s.a], map[string]any{"action": "refer", "comment": "拒不整改"})
	act(insp, manual[s.a], map[string]any{"action": "notify", "deadline": later})
	act(m, manual[s.a], map[string]any{"action": "answer", "comment": "已收回"})
	act(insp, manual[s.a], map[string]any{"action": "verify", "fixed": true})
	act(insp, rule[s.b], map[string]any{"action": "notify", "deadline": today})

	// The follow-up (回头看), started before B's room is made smaller: B's finding is gone by the re-check.
	insp.do("POST", path+"/close", nil).expect(t, 200)
	var follow inspectionOut
	insp.do("POST", "/api/v1/inspections", map[string]any{"kind": "follow_up", "follows": p.ID}).expect(t, 201).decode(t, &follow)
	insp.do("POST", "/api/v1/inspections/"+follow.ID.String()+"/start", nil).expect(t, 200)
	room := boss.do("GET", "/api/v1/rooms/"+s.roomB.String()+"?crs=local", nil).expect(t, 200)
	boss.do("PATCH", "/api/v1/rooms/"+s.roomB.String()+"?crs=local", map[string]any{"geometry": map[string]any{"type": "Polygon",
		"coordinates": [][][]float64{{{5, 0}, {9, 0}, {9, 2}, {5, 2}, {5, 0}}}}},
		"If-Match", room.header.Get("ETag"), "Content-Type", "application/merge-patch+json").expect(t, 200)

	// Three days on, B's item is overdue.
	s.e.clock.Pass(72 * time.Hour)
	insp, m = s.e.signIn("inspector"), s.e.signIn("manager")

	var res resultsOut
	insp.do("GET", path+"/results", nil).expect(t, 200).decode(t, &res)
	if len(res.Plans) != 1 || res.Plans[0].ID != p.ID || res.Plans[0].Team != 1 || res.Plans[0].Items != 4 || res.Agencies != 2 {
		t.Errorf("plan %+v, %d agencies checked: want the plan with its 4 items, 2 agencies", res.Plans, res.Agencies)
	}
	checkResultCounts(t, "totals", res.Totals, countsOut{Items: 4, Open: 1, Notified: 3, Answered: 2, Fixed: 1, Referred: 1, Overdue: 1, Due: 3}, 33.3)
	points := map[string]countsOut{}
	for _, pt := range res.ByPoint {
		points[pt.Code] = pt.countsOut
	}
	if len(res.ByPoint) != 11 {
		t.Errorf("%d points, want the checklist's 11", len(res.ByPoint))
	}
	checkResultCounts(t, "point L1", points["L1"], countsOut{Items: 2, Notified: 2, Answered: 1, Referred: 1, Overdue: 1, Due: 2}, 0)
	checkResultCounts(t, "point A2", points["A2"], countsOut{Items: 2, Open: 1, Notified: 1, Answered: 1, Fixed: 1, Due: 1}, 100)
	checkResultCounts(t, "point A1", points["A1"], countsOut{}, -1)
	if len(res.ByAgency) != 2 || res.ByAgency[0].Name != s.agencyAName || res.ByAgency[1].AgencyID != s.b {
		t.Fatalf("by agency %+v: want A, then B", res.ByAgency)
	}
	checkResultCounts(t, "agency A", res.ByAgency[0].countsOut, countsOut{Items: 2, Notified: 2, Answered: 2, Fixed: 1, Referred: 1, Due: 2}, 50)
	checkResultCounts(t, "agency B", res.ByAgency[1].countsOut, countsOut{Items: 2, Open: 1, Notified: 1, Overdue: 1, Due: 1}, 0)
	if len(res.ByDistrict) != 1 || res.ByDistrict[0].Agencies != 2 || res.ByDistrict[0].Items != 4 {
		t.Errorf("by district %+v: want the city level with both", res.ByDistrict)
	}

	// The manager of A: A's numbers only.
	var mine resultsOut
	m.do("GET", path+"/results", nil).expect(t, 200).decode(t, &mine)
	if mine.Agencies != 1 || len(mine.ByAgency) != 1 || mine.ByAgency[0].AgencyID != s.a || mine.Totals.Items != 2 {
		t.Errorf("the manager of A gets %+v", mine)
	}

	checkResultDocuments(t, s, insp, m, path)

	// Across plans: the plan is listed (the follow-up not, by default), its agencies' rows the same.
	var across resultsOut
	insp.do("GET", "/api/v1/inspections/results?kind=special", nil).expect(t, 200).decode(t, &across)
	if !slices.ContainsFunc(across.Plans, func(x resultPlanOut) bool { return x.ID == p.ID }) {
		t.Errorf("across plans %+v: want the plan", across.Plans)
	}
	for _, r := range across.ByAgency {
		if r.AgencyID == s.a {
			checkResultCounts(t, "across: agency A", r.countsOut, countsOut{Items: 2, Notified: 2, Answered: 2, Fixed: 1, Referred: 1, Due: 2}, 50)
		}
	}
	insp.do("GET", "/api/v1/inspections/results?year=1999", nil).expectError(t, 400, "bad_request")
	var acrossMine resultsOut
	m.do("GET", "/api/v1/inspections/results", nil).expect(t, 200).decode(t, &acrossMine)
	for _, r := range acrossMine.ByAgency {
		if r.AgencyID != s.a {
			t.Errorf("the manager of A gets the row of %s across plans", r.Name)
		}
	}
	var follows resultsOut
	insp.do("GET", "/api/v1/inspections/results?kind=follow_up", nil).expect(t, 200).decode(t, &follows)
	if slices.ContainsFunc(follows.ByAgency, func(r agencyRowOut) bool { return r.AgencyID == s.a && r.Items != 1 }) {
		t.Errorf("follow-ups across plans: %+v", follows.ByAgency)
	}

	checkFollowUpResults(t, insp, follow.ID, rule, manual, s)
	if len(s.e.auditLog(identity.AuditFilter{Action: "report.inspection_results"})) == 0 {
		t.Errorf("the results are not in the audit log")
	}
	insp.do("GET", path+"/results?format=doc", nil).expectError(t, 400, "bad_request")
	insp.do("GET", "/api/v1/inspections/"+uuid.NewString()+"/results", nil).expectError(t, 404, "not_found")
}

// checkResultDocuments checks the plan's results as XLSX (the sheets, a row per agency with numbers; the item
// list with names for the inspector, not for the manager of A, in English with lang=en; the title neutralised)
// and as PDF (the title and the totals in words).
func checkResultDocuments(t *testing.T, s *scopeEnv, insp, m *client, path string) {
	t.Helper()
	wb := func(c *client, query string) *excelize.File {
		t.Helper()
		res := c.do("GET", path+"/results?format=xlsx"+query, nil).expect(t, 200)
		f, err := excelize.OpenReader(bytes.NewReader(res.body))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	f := wb(insp, "")
	if got := f.GetSheetList(); !slices.Equal(got, []string{"汇总", "按检查要点", "按单位", "按辖区", "问题清单"}) {
		t.Errorf("sheets %q", got)
	}
	rows, _ := f.GetRows("按单位")
	if len(rows) != 3 || rows[0][0] != "使用单位" || rows[1][0] != s.agencyAName || rows[1][2] != "2" || rows[1][6] != "1" || rows[1][11] != "50" {
		t.Errorf("按单位 rows %q", rows)
	}
	if typ, _ := f.GetCellType("按单位", "C2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("the count is text, not a number")
	}
	items, _ := f.GetRows("问题清单")
	if len(items) != 5 || !strings.HasPrefix(items[1][0], "'=SUM(1)") || !strings.Contains(strings.Join(cellsOf(items), "|"), s.nameA) {
		t.Errorf("问题清单 %q: want 4 items, the title neutralised and the name for the inspector", items)
	}
	mf := wb(m, "&lang=en")
	if got := mf.GetSheetList(); !slices.Equal(got, []string{"Summary", "By point", "By agency", "By district", "Items"}) {
		t.Errorf("sheets in English %q", got)
	}
	mitems, _ := mf.GetRows("Items")
	if len(mitems) != 3 || mitems[0][1] != "Agency" || strings.Contains(strings.Join(cellsOf(mitems), "|"), s.nameA) {
		t.Errorf("the manager's item list %q: want A's 2 items without the name", mitems)
	}

	// PDF: the title and the totals in words.
	text := withoutSpace(pdfText(t, insp.do("GET", path+"/results?format=pdf", nil).expect(t, 200).body))
	for _, want := range []string{"办公用房监督检查情况报告", "共检查2家单位，发现问题4个，已整改1个，整改率33.3%，逾期1个，移交1个。",
		"按检查要点", "按单位", s.agencyAName, "第1页/共"} {
		if !strings.Contains(text, withoutSpace(want)) {
			t.Errorf("pdftotext does not find %q in:\n%s", want, text)
		}
	}

}

// checkFollowUpResults checks the follow-up view: A's referred item still found, B's gone from the
// register, B's manual item unverified.
func checkFollowUpResults(t *testing.T, insp *client, follow uuid.UUID, rule, manual map[uuid.UUID]uuid.UUID, s *scopeEnv) {
	t.Helper()
	var fu resultsOut
	insp.do("GET", "/api/v1/inspections/"+follow.String()+"/results", nil).expect(t, 200).decode(t, &fu)
	if fu.FollowUp == nil {
		t.Fatalf("no follow_up in %+v", fu)
	}
	tot := fu.FollowUp.Totals
	if tot.Original != 4 || tot.FixedBefore != 1 || tot.Followed != 3 || tot.RectifiedSince != 1 || tot.StillOpen != 2 {
		t.Errorf("follow-up totals %+v", tot)
	}
	for _, row := range fu.FollowUp.Items {
		want := map[uuid.UUID][3]string{rule[s.a]: {"referred", "holds", "still_found"}, rule[s.b]: {"notified", "holds", "fixed"},
			manual[s.b]: {"open", "manual", "unverified"}}[row.OriginalItemID]
		if got := [3]string{row.OriginalState, row.RecheckAtStart, row.Now}; got != want {
			t.Errorf("follow-up row of %s: %q, want %q", row.OriginalItemID, got, want)
		}
	}
}

// cellsOf is the cells of rows.
func cellsOf(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// TestInspectionResultsDistrict: a plan of a city's districts counts both; a district's inspector gets
// its district's agency and district only, across plans too.
func TestInspectionResultsDistrict(t *testing.T) {
	w := newGapsWorld(t)
	sfx := uuid.NewString()[:8]
	assignMain(t, w.boss, newStaff(t, w.boss, "钱七"+sfx, w.tnAgency), w.tnRoom)
	w.e.addUser("gap_inspector", identity.Grant{Role: identity.RoleInspector})
	w.e.addUser("gap_tn_inspector", identity.Grant{Role: identity.RoleInspector, Scope: identity.Scope{Jurisdiction: w.tianning}})
	insp, tn := w.e.signIn("gap_inspector"), w.e.signIn("gap_tn_inspector")
	var city uuid.UUID
	var js []struct {
		ID       uuid.UUID `json:"id"`
		ParentID uuid.UUID `json:"parent_id"`
	}
	w.boss.do("GET", "/api/v1/jurisdictions", nil).expect(t, 200).decode(t, &js)
	for _, j := range js {
		if j.ID == w.tianning {
			city = j.ParentID
		}
	}
	var p inspectionOut
	insp.do("POST", "/api/v1/inspections", map[string]any{"kind": "key", "as_of": time.Now().Format("2006-01-02"),
		"scope": map[string]any{"kind": "jurisdiction", "jurisdiction_id": city}}).expect(t, 201).decode(t, &p)
	path := "/api/v1/inspections/" + p.ID.String()
	insp.do("POST", path+"/start", nil).expect(t, 200)

	var all, mine resultsOut
	insp.do("GET", path+"/results", nil).expect(t, 200).decode(t, &all)
	if all.Agencies != 2 || len(all.ByAgency) != 2 || len(all.ByDistrict) != 2 || all.Totals.Items < 2 {
		t.Fatalf("the whole city: %+v", all)
	}
	tn.do("GET", path+"/results", nil).expect(t, 200).decode(t, &mine)
	if mine.Agencies != 1 || len(mine.ByAgency) != 1 || mine.ByAgency[0].AgencyID != w.tnAgency ||
		len(mine.ByDistrict) != 1 || !strings.HasPrefix(mine.ByDistrict[0].Name, "天宁区") || mine.ByDistrict[0].Agencies != 1 ||
		!strings.HasPrefix(mine.ByAgency[0].District, "天宁区") {
		t.Errorf("the district's inspector gets %+v", mine)
	}
	var across resultsOut
	tn.do("GET", "/api/v1/inspections/results?kind=key", nil).expect(t, 200).decode(t, &across)
	for _, r := range across.ByAgency {
		if r.AgencyID == w.zlAgency {
			t.Errorf("the district's inspector sees the other district's agency across plans")
		}
	}
	if text := withoutSpace(pdfText(t, tn.do("GET", path+"/results?format=pdf", nil).expect(t, 200).body)); !strings.Contains(text, "共检查1家单位") {
		t.Errorf("the district's report:\n%s", text)
	}
}
