package floorplan_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// resultItem is an item of agency at point in state, with deadline (zero: none) and, when answered, an
// answer on its trail.
func resultItem(point string, agency uuid.UUID, state string, deadline time.Time, answered bool) floorplan.InspectionItem {
	it := floorplan.InspectionItem{ID: uuid.New(), PointCode: point, Layer: floorplan.LayerAgency, AgencyID: agency, State: state,
		Deadline: deadline, Trail: []floorplan.ItemAction{}}
	if answered {
		it.Trail = append(it.Trail, floorplan.ItemAction{Action: floorplan.ItemAnswer, From: floorplan.ItemNotified, To: floorplan.ItemAnswered})
	}
	return it
}

func rate(v float64) *float64 { return &v }

func sameRate(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func TestComputeInspectionResults(t *testing.T) {
	now := time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)
	past, future, today := floorplan.Day(2026, 6, 1), floorplan.Day(2026, 7, 1), floorplan.Day(2026, 6, 10)
	city, tianning := uuid.New(), uuid.New()
	js := []floorplan.Jurisdiction{{ID: city, Name: "常州市"}, {ID: tianning, Name: "天宁区", ParentID: city}}
	parent, a, b, c := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	agencies := []floorplan.Agency{{ID: parent, Name: "天宁区政府", JurisdictionID: tianning}, {ID: a, Name: "甲局", ParentID: parent},
		{ID: b, Name: "乙局"}, {ID: c, Name: "丙局"}}
	points := []floorplan.ChecklistPoint{{Code: "A1", Layer: floorplan.LayerAgency, Text: "一", TextEN: "one"},
		{Code: "L1", Layer: floorplan.LayerLeader, Text: "二", TextEN: "two"}}
	for _, tc := range []struct {
		name     string
		items    []floorplan.InspectionItem
		checked  []uuid.UUID
		totals   floorplan.ResultCounts
		points   map[string]int // items by point
		agencies []string       // names in order
		district map[string][2]int
	}{
		{name: "none", checked: []uuid.UUID{a, b}, totals: floorplan.ResultCounts{},
			points: map[string]int{"A1": 0, "L1": 0}, agencies: []string{},
			district: map[string][2]int{"天宁区": {1, 0}, floorplan.CityLevelName: {1, 0}}},
		{name: "every state", checked: []uuid.UUID{a, b, c, a},
			items: []floorplan.InspectionItem{
				resultItem("A1", a, floorplan.ItemOpen, time.Time{}, false),
				resultItem("A1", a, floorplan.ItemNotified, past, false),  // overdue
				resultItem("A1", a, floorplan.ItemAnswered, future, true), // within its deadline
				resultItem("L1", b, floorplan.ItemFixed, past, true),      // fixed late: fixed
				resultItem("L1", b, floorplan.ItemNotFixed, today, true),  // not fixed, deadline today: not overdue
				resultItem("L1", uuid.Nil, floorplan.ItemReferred, past, false),
			},
			totals: floorplan.ResultCounts{Items: 6, Open: 1, Notified: 5, Answered: 3, Fixed: 1, NotFixed: 1, Referred: 1, Overdue: 1,
				Due: 3, Rate: rate(33.3)},
			points: map[string]int{"A1": 3, "L1": 3}, agencies: []string{"甲局", "乙局", floorplan.NoAgencyName},
			district: map[string][2]int{"天宁区": {1, 3}, floorplan.CityLevelName: {2, 3}}},
		{name: "all fixed", checked: []uuid.UUID{c},
			items:  []floorplan.InspectionItem{resultItem("X9", c, floorplan.ItemFixed, future, true), resultItem("A1", c, floorplan.ItemFixed, past, false)},
			totals: floorplan.ResultCounts{Items: 2, Notified: 2, Answered: 1, Fixed: 2, Due: 2, Rate: rate(100)},
			points: map[string]int{"A1": 1, "L1": 0, "X9": 1}, agencies: []string{"丙局"},
			district: map[string][2]int{floorplan.CityLevelName: {1, 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := floorplan.ComputeInspectionResults(floorplan.ResultsInput{Items: tc.items, Points: points, Checked: tc.checked,
				Agencies: agencies, Jurisdictions: js, Now: now})
			got, want := res.Totals, tc.totals
			if !sameRate(got.Rate, want.Rate) {
				t.Errorf("rate %v, want %v", show(got.Rate), show(want.Rate))
			}
			got.Rate, want.Rate = nil, nil
			if got != want {
				t.Errorf("totals %+v, want %+v", got, want)
			}
			if res.Agencies != countDistinct(tc.checked) {
				t.Errorf("agencies checked %d, want %d", res.Agencies, countDistinct(tc.checked))
			}
			if len(res.ByPoint) != len(tc.points) || res.ByPoint[0].Code != "A1" || res.ByPoint[1].Layer != floorplan.LayerLeader {
				t.Fatalf("by point %+v: want the checklist's points first, in order", res.ByPoint)
			}
			for _, p := range res.ByPoint {
				if p.Items != tc.points[p.Code] {
					t.Errorf("point %s: %d items, want %d", p.Code, p.Items, tc.points[p.Code])
				}
			}
			names := []string{}
			for _, r := range res.ByAgency {
				names = append(names, r.Name)
			}
			if len(names) != len(tc.agencies) {
				t.Fatalf("agencies %q, want %q", names, tc.agencies)
			}
			for i := range names {
				if names[i] != tc.agencies[i] {
					t.Errorf("agencies %q, want %q (most items first, then by name)", names, tc.agencies)
				}
			}
			if len(res.ByDistrict) != len(tc.district) {
				t.Errorf("districts %+v, want %v", res.ByDistrict, tc.district)
			}
			for _, d := range res.ByDistrict {
				if w := tc.district[d.Name]; d.Agencies != w[0] || d.Items != w[1] {
					t.Errorf("district %s: %d agencies, %d items; want %v", d.Name, d.Agencies, d.Items, w)
				}
			}
		})
	}
}

func countDistinct(ids []uuid.UUID) int {
	seen := map[uuid.UUID]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	return len(seen)
}

// TestRectificationRate: fixed / due × 100 to 0.1, null while nothing is due; the agency rows carry their own.
func TestRectificationRate(t *testing.T) {
	now := time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)
	past, future := floorplan.Day(2026, 6, 1), floorplan.Day(2026, 7, 1)
	a := uuid.New()
	for _, tc := range []struct {
		name  string
		items []floorplan.InspectionItem
		want  *float64
	}{
		{"nothing due", []floorplan.InspectionItem{resultItem("A1", a, floorplan.ItemNotified, future, false)}, nil},
		{"two of three", []floorplan.InspectionItem{resultItem("A1", a, floorplan.ItemFixed, past, false),
			resultItem("A1", a, floorplan.ItemFixed, future, false), resultItem("A1", a, floorplan.ItemAnswered, past, true)}, rate(66.7)},
		{"referred counts as due", []floorplan.InspectionItem{resultItem("A1", a, floorplan.ItemFixed, past, false),
			resultItem("A1", a, floorplan.ItemReferred, future, false)}, rate(50)},
		{"open items are not due", []floorplan.InspectionItem{resultItem("A1", a, floorplan.ItemOpen, time.Time{}, false),
			resultItem("A1", a, floorplan.ItemFixed, past, false)}, rate(100)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := floorplan.ComputeInspectionResults(floorplan.ResultsInput{Items: tc.items, Now: now, Agencies: []floorplan.Agency{{ID: a, Name: "甲"}}})
			if !sameRate(res.Totals.Rate, tc.want) || !sameRate(res.ByAgency[0].Rate, tc.want) {
				t.Errorf("rate %v (agency %v), want %v", show(res.Totals.Rate), show(res.ByAgency[0].Rate), show(tc.want))
			}
		})
	}
}

func show(r *float64) any {
	if r == nil {
		return nil
	}
	return *r
}

func TestScopeAgencyIDs(t *testing.T) {
	city, tn, sub := uuid.New(), uuid.New(), uuid.New()
	js := []floorplan.Jurisdiction{{ID: city}, {ID: tn, ParentID: city}, {ID: sub, ParentID: tn}}
	a, b, c, child := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	agencies := []floorplan.Agency{{ID: a, JurisdictionID: tn}, {ID: b, JurisdictionID: sub}, {ID: c}, {ID: child, ParentID: a}}
	for _, tc := range []struct {
		name  string
		scope floorplan.InspectionScope
		want  int
	}{
		{"all", floorplan.InspectionScope{Kind: floorplan.ScopeAll}, 4},
		{"agencies, an unknown one left out", floorplan.InspectionScope{Kind: floorplan.ScopeAgencies, AgencyIDs: []uuid.UUID{c, uuid.New()}}, 1},
		{"district and its subtree, children by their parent", floorplan.InspectionScope{Kind: floorplan.ScopeJurisdiction, JurisdictionID: tn}, 3},
		{"sub-district", floorplan.InspectionScope{Kind: floorplan.ScopeJurisdiction, JurisdictionID: sub}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := floorplan.ScopeAgencyIDs(tc.scope, agencies, js); len(got) != tc.want {
				t.Errorf("%d agencies, want %d", len(got), tc.want)
			}
		})
	}
}

func TestFollowUpView(t *testing.T) {
	started := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	a := uuid.New()
	step := func(to string, at time.Time) floorplan.ItemAction { return floorplan.ItemAction{To: to, At: at} }
	before, after := started.Add(-48*time.Hour), started.Add(48*time.Hour)
	o1 := floorplan.InspectionItem{ID: uuid.New(), AgencyID: a, State: floorplan.ItemReferred,
		Trail: []floorplan.ItemAction{step(floorplan.ItemNotified, before), step(floorplan.ItemNotFixed, before), step(floorplan.ItemReferred, after)}}
	o2 := floorplan.InspectionItem{ID: uuid.New(), AgencyID: a, State: floorplan.ItemFixed, Trail: []floorplan.ItemAction{step(floorplan.ItemFixed, before)}}
	o3 := floorplan.InspectionItem{ID: uuid.New(), AgencyID: a, State: floorplan.ItemOpen, Trail: []floorplan.ItemAction{}}
	o4 := floorplan.InspectionItem{ID: uuid.New(), AgencyID: a, State: floorplan.ItemNotified, Trail: []floorplan.ItemAction{step(floorplan.ItemNotified, before)}}
	rule := &floorplan.Finding{RuleID: "person.over_standard"}
	f1 := floorplan.InspectionItem{ID: uuid.New(), FollowsItem: o1.ID, AgencyID: a, RuleID: "person.over_standard", Finding: rule, Recheck: "holds", State: floorplan.ItemOpen}
	f3 := floorplan.InspectionItem{ID: uuid.New(), FollowsItem: o3.ID, AgencyID: a, RuleID: "room.idle", Finding: rule, Recheck: "resolved", State: floorplan.ItemOpen}
	f4 := floorplan.InspectionItem{ID: uuid.New(), FollowsItem: o4.ID, AgencyID: a, Recheck: "manual", State: floorplan.ItemNotFixed}
	view := floorplan.FollowUpView(uuid.New(), []floorplan.InspectionItem{f1, f3, f4}, []floorplan.InspectionItem{o1, o2, o3, o4}, started,
		map[uuid.UUID]bool{f1.ID: true, f3.ID: false}, map[uuid.UUID]string{a: "甲局"})
	want := floorplan.FollowUpTotals{Original: 4, FixedBefore: 1, Followed: 3, RectifiedSince: 1, StillOpen: 2}
	if view.Totals != want {
		t.Errorf("totals %+v, want %+v", view.Totals, want)
	}
	for _, tc := range []struct {
		name          string
		row           floorplan.FollowUpRow
		original, now string
	}{
		{"holds now; original state at the start, not the later referral", view.Items[0], floorplan.ItemNotFixed, floorplan.RecheckStillFound},
		{"gone from the register", view.Items[1], floorplan.ItemOpen, floorplan.RecheckFixed},
		{"manual, verified not fixed", view.Items[2], floorplan.ItemNotified, floorplan.RecheckStillFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.row.OriginalState != tc.original || tc.row.Now != tc.now || tc.row.Agency != "甲局" {
				t.Errorf("row %+v: want original %s, now %s", tc.row, tc.original, tc.now)
			}
		})
	}
	f4.State = floorplan.ItemAnswered
	if v := floorplan.FollowUpView(uuid.Nil, []floorplan.InspectionItem{f4}, nil, started, nil, nil); v.Items[0].Now != floorplan.RecheckUnverified ||
		v.Items[0].Agency != floorplan.NoAgencyName || v.Items[0].OriginalState != "" {
		t.Errorf("an unverified manual item: %+v", v.Items[0])
	}
}
