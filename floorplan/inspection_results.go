package floorplan

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/google/uuid"
)

// The results of inspections (督查结果, issue 18): the items of one plan or of several, as they stand now,
// counted by checklist point, by agency and by district (the agency's jurisdiction), with the totals; and
// the follow-up view (回头看) of a follow-up plan against the plan it follows. Everything here is computed
// from the items (frozen when their plan started) and their states; the callers read them in scope.
//
// The counts, precisely, of a set of items as of a day:
//   - items: every item;
//   - open: not yet notified; notified: a notice issued (every state but open);
//   - answered: answered by the agency at least once (an answer on the trail);
//   - fixed, not_fixed, referred: verified fixed, verified not fixed (and not referred since), referred
//     to the discipline inspectors (移交纪检监察) — the items' states now;
//   - overdue: notified, answered or not fixed past the deadline (InspectionItem.Overdue);
//   - due (应整改): fixed + referred + overdue — the items whose rectification is done or should be;
//   - rectification rate (整改率) = fixed / due × 100, rounded to 0.1; none (null) while nothing is due.
//     An item fixed late counts as fixed; an item still within its deadline counts neither way.

// ResultCounts are the counts of a set of items (see above).
type ResultCounts struct {
	Items    int `json:"items"`
	Open     int `json:"open"`
	Notified int `json:"notified"`
	Answered int `json:"answered"`
	Fixed    int `json:"fixed"`
	NotFixed int `json:"not_fixed"`
	Referred int `json:"referred"`
	Overdue  int `json:"overdue"`
	Due      int `json:"due"`
	// Rate is the rectification rate in percent (fixed / due × 100, to 0.1); nil while nothing is due.
	Rate *float64 `json:"rectification_rate"`
}

// add counts item it as of now.
func (c *ResultCounts) add(it InspectionItem, now time.Time) {
	c.Items++
	switch it.State {
	case ItemOpen:
		c.Open++
	case ItemFixed:
		c.Fixed++
	case ItemNotFixed:
		c.NotFixed++
	case ItemReferred:
		c.Referred++
	}
	if it.State != ItemOpen {
		c.Notified++
	}
	if slices.ContainsFunc(it.Trail, func(a ItemAction) bool { return a.Action == ItemAnswer }) {
		c.Answered++
	}
	if it.Overdue(now) {
		c.Overdue++
	}
}

// finish sets Due and Rate from the other counts.
func (c *ResultCounts) finish() {
	c.Due = c.Fixed + c.Referred + c.Overdue
	c.Rate = nil
	if c.Due > 0 {
		r := math.Round(1000*float64(c.Fixed)/float64(c.Due)) / 10
		c.Rate = &r
	}
}

// PointResult is the counts of one checklist point.
type PointResult struct {
	Code   string `json:"code"`
	Layer  string `json:"layer"`
	Text   string `json:"text"`
	TextEN string `json:"text_en"`
	ResultCounts
}

// AgencyResult is the counts of one agency (uuid.Nil: rooms of no agency).
type AgencyResult struct {
	AgencyID       uuid.UUID `json:"agency_id"`
	Name           string    `json:"name"`
	JurisdictionID uuid.UUID `json:"jurisdiction_id"` // uuid.Nil: the city level
	District       string    `json:"district"`
	ResultCounts
}

// DistrictResult is the counts of one district: the agencies whose jurisdiction (JurisdictionOf) it is.
type DistrictResult struct {
	JurisdictionID uuid.UUID `json:"jurisdiction_id"` // uuid.Nil: the city level
	Name           string    `json:"name"`
	// Agencies is the number of agencies checked in the district.
	Agencies int `json:"agencies"`
	ResultCounts
}

// InspectionResults are the results of a set of items as of a day.
type InspectionResults struct {
	AsOf time.Time `json:"as_of"`
	// Agencies is the number of agencies checked (共检查…家单位): the agencies of the plans' scopes.
	Agencies   int              `json:"agencies_checked"`
	Totals     ResultCounts     `json:"totals"`
	ByPoint    []PointResult    `json:"by_point"`
	ByAgency   []AgencyResult   `json:"by_agency"`
	ByDistrict []DistrictResult `json:"by_district"`
}

// ResultsInput is what results are computed from.
type ResultsInput struct {
	Items []InspectionItem
	// Points are the checklist points to count by, in order (each point is a row, items or not); an
	// item of a point not among them gets a row of its own after them.
	Points []ChecklistPoint
	// Checked are the agencies checked: each counts once in Agencies and in its district.
	Checked []uuid.UUID
	// Agencies and Jurisdictions name the agencies and place them in districts.
	Agencies      []Agency
	Jurisdictions []Jurisdiction
	Now           time.Time
}

// NoAgencyName and CityLevelName name the rows of items of no agency and of agencies of no district.
const (
	NoAgencyName  = "无使用单位 no agency"
	CityLevelName = "市级 city level"
)

// ComputeInspectionResults counts in.Items as of in.Now by point, agency and district. Agencies are listed
// when they have items, most items first (then by name); districts when they have checked agencies or
// items, likewise.
func ComputeInspectionResults(in ResultsInput) InspectionResults {
	byID := make(map[uuid.UUID]Agency, len(in.Agencies))
	for _, a := range in.Agencies {
		byID[a.ID] = a
	}
	jname := make(map[uuid.UUID]string, len(in.Jurisdictions))
	for _, j := range in.Jurisdictions {
		jname[j.ID] = j.Name
	}
	districtOf := func(agency uuid.UUID) (uuid.UUID, string) {
		j := JurisdictionOf(byID, agency)
		if j == uuid.Nil {
			return j, CityLevelName
		}
		return j, cmp.Or(jname[j], j.String())
	}
	out := InspectionResults{AsOf: DayOf(in.Now), ByPoint: []PointResult{}, ByAgency: []AgencyResult{}, ByDistrict: []DistrictResult{}}
	points := map[string]int{}
	for _, p := range in.Points {
		if _, ok := points[p.Code]; !ok {
			points[p.Code] = len(out.ByPoint)
			out.ByPoint = append(out.ByPoint, PointResult{Code: p.Code, Layer: p.Layer, Text: p.Text, TextEN: p.TextEN})
		}
	}
	agencies, districts := map[uuid.UUID]int{}, map[uuid.UUID]int{}
	district := func(agency uuid.UUID) *DistrictResult {
		id, name := districtOf(agency)
		i, ok := districts[id]
		if !ok {
			i, districts[id] = len(out.ByDistrict), len(out.ByDistrict)
			out.ByDistrict = append(out.ByDistrict, DistrictResult{JurisdictionID: id, Name: name})
		}
		return &out.ByDistrict[i]
	}
	seen := map[uuid.UUID]bool{}
	for _, id := range in.Checked {
		if !seen[id] {
			seen[id] = true
			out.Agencies++
			district(id).Agencies++
		}
	}
	for _, it := range in.Items {
		out.Totals.add(it, in.Now)
		i, ok := points[it.PointCode]
		if !ok {
			i, points[it.PointCode] = len(out.ByPoint), len(out.ByPoint)
			out.ByPoint = append(out.ByPoint, PointResult{Code: it.PointCode, Layer: it.Layer})
		}
		out.ByPoint[i].add(it, in.Now)
		j, ok := agencies[it.AgencyID]
		if !ok {
			jid, dname := districtOf(it.AgencyID)
			name := NoAgencyName
			if it.AgencyID != uuid.Nil {
				name = cmp.Or(byID[it.AgencyID].Name, it.AgencyID.String())
			}
			j, agencies[it.AgencyID] = len(out.ByAgency), len(out.ByAgency)
			out.ByAgency = append(out.ByAgency, AgencyResult{AgencyID: it.AgencyID, Name: name, JurisdictionID: jid, District: dname})
		}
		out.ByAgency[j].add(it, in.Now)
		district(it.AgencyID).add(it, in.Now)
	}
	out.Totals.finish()
	for i := range out.ByPoint {
		out.ByPoint[i].finish()
	}
	for i := range out.ByAgency {
		out.ByAgency[i].finish()
	}
	for i := range out.ByDistrict {
		out.ByDistrict[i].finish()
	}
	slices.SortStableFunc(out.ByAgency, func(a, b AgencyResult) int {
		return cmp.Or(cmp.Compare(b.Items, a.Items), cmp.Compare(a.Name, b.Name))
	})
	slices.SortStableFunc(out.ByDistrict, func(a, b DistrictResult) int {
		return cmp.Or(cmp.Compare(b.Items, a.Items), cmp.Compare(b.Agencies, a.Agencies), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// ScopeAgencyIDs returns the agencies of scope s among agencies: all of them for scope all, the listed
// ones (that exist) for agencies and system, those of the district and its subtree for jurisdiction.
func ScopeAgencyIDs(s InspectionScope, agencies []Agency, jurisdictions []Jurisdiction) []uuid.UUID {
	byID := make(map[uuid.UUID]Agency, len(agencies))
	for _, a := range agencies {
		byID[a.ID] = a
	}
	parent := make(map[uuid.UUID]uuid.UUID, len(jurisdictions))
	for _, j := range jurisdictions {
		parent[j.ID] = j.ParentID
	}
	out := []uuid.UUID{}
	switch s.Kind {
	case ScopeAgencies, ScopeSystem:
		for _, id := range s.AgencyIDs {
			if _, ok := byID[id]; ok {
				out = append(out, id)
			}
		}
	case ScopeJurisdiction:
		for _, a := range agencies {
			if slices.Contains(JurisdictionPathOf(parent, JurisdictionOf(byID, a.ID)), s.JurisdictionID) {
				out = append(out, a.ID)
			}
		}
	default:
		for _, a := range agencies {
			out = append(out, a.ID)
		}
	}
	return out
}

// The re-check results of a follow-up's item now.
const (
	RecheckFixed      = "fixed"       // the finding is gone from the register (rule-based), or verified fixed (manual)
	RecheckStillFound = "still_found" // the finding holds in the register (rule-based), or verified not fixed or referred (manual)
	RecheckUnverified = "unverified"  // a manual item not verified yet
)

// FollowUpRow is one item of a follow-up (回头看) against the item of the followed plan it checks again.
type FollowUpRow struct {
	ItemID         uuid.UUID `json:"item_id"`
	OriginalItemID uuid.UUID `json:"original_item_id"`
	AgencyID       uuid.UUID `json:"agency_id"`
	Agency         string    `json:"agency"`
	PointCode      string    `json:"point_code"`
	RuleID         string    `json:"rule_id,omitempty"`
	// OriginalState is the original item's state when the follow-up started (from its trail).
	OriginalState string `json:"original_state"`
	// RecheckAtStart is what the register said when the follow-up started: holds, resolved or manual.
	RecheckAtStart string `json:"recheck_at_start"`
	State          string `json:"state"` // the follow-up item's state now
	// Now is the re-check result now: fixed, still_found or unverified (RecheckFixed…).
	Now string `json:"now"`
}

// FollowUpTotals are the totals of a follow-up view.
type FollowUpTotals struct {
	Original       int `json:"original"`        // items of the followed plan
	FixedBefore    int `json:"fixed_before"`    // of which verified fixed when the follow-up started
	Followed       int `json:"followed"`        // items checked again
	RectifiedSince int `json:"rectified_since"` // of which fixed now
	StillOpen      int `json:"still_open"`      // of which still found or not verified
}

// FollowUp is the follow-up view (回头看) of a follow-up plan.
type FollowUp struct {
	Follows uuid.UUID      `json:"follows"`
	Totals  FollowUpTotals `json:"totals"`
	Items   []FollowUpRow  `json:"items"`
}

// StateAt returns the state item it was in at t, from its trail (open before its first action).
func (it InspectionItem) StateAt(t time.Time) string {
	state := ItemOpen
	for _, a := range it.Trail {
		if a.At.After(t) {
			break
		}
		state = a.To
	}
	return state
}

// FollowUpView compares the items of a follow-up, started at started, with originals, the items of the
// plan it follows. holdsNow tells, for each rule-based item of items (by id), whether its finding holds in
// the register now: a rule-based item's result follows the register, a manual one's its verification.
// names names the agencies.
func FollowUpView(follows uuid.UUID, items, originals []InspectionItem, started time.Time, holdsNow map[uuid.UUID]bool,
	names map[uuid.UUID]string) FollowUp {
	out := FollowUp{Follows: follows, Items: []FollowUpRow{}}
	byID := make(map[uuid.UUID]InspectionItem, len(originals))
	for _, o := range originals {
		byID[o.ID] = o
		out.Totals.Original++
		if o.StateAt(started) == ItemFixed {
			out.Totals.FixedBefore++
		}
	}
	for _, it := range items {
		row := FollowUpRow{ItemID: it.ID, OriginalItemID: it.FollowsItem, AgencyID: it.AgencyID, Agency: names[it.AgencyID],
			PointCode: it.PointCode, RuleID: it.RuleID, RecheckAtStart: it.Recheck, State: it.State}
		if row.Agency == "" {
			row.Agency = NoAgencyName
		}
		if o, ok := byID[it.FollowsItem]; ok {
			row.OriginalState = o.StateAt(started)
		}
		holds, ruled := holdsNow[it.ID]
		switch {
		case ruled && holds:
			row.Now = RecheckStillFound
		case ruled:
			row.Now = RecheckFixed
		case it.State == ItemFixed:
			row.Now = RecheckFixed
		case it.State == ItemNotFixed || it.State == ItemReferred:
			row.Now = RecheckStillFound
		default:
			row.Now = RecheckUnverified
		}
		out.Totals.Followed++
		if row.Now == RecheckFixed {
			out.Totals.RectifiedSince++
		} else {
			out.Totals.StillOpen++
		}
		out.Items = append(out.Items, row)
	}
	return out
}

// FindingsHoldNow tells, for each rule-based item of items, whether its finding holds in the live
// register today (evaluated for the items' agencies and their findings' people's agencies), by item id.
// Manual items are not in the map.
func (g *Register) FindingsHoldNow(ctx context.Context, items []InspectionItem) (map[uuid.UUID]bool, error) {
	out := map[uuid.UUID]bool{}
	var agencies []uuid.UUID
	for _, it := range items {
		if it.RuleID != "" && it.Finding != nil {
			agencies = append(agencies, it.AgencyID, it.Finding.AgencyID)
		}
	}
	if len(agencies) == 0 {
		return out, nil
	}
	live, _, err := g.liveFindings(ctx, agencies)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if it.RuleID != "" && it.Finding != nil {
			_, out[it.ID] = live[findingKey(*it.Finding)]
		}
	}
	return out, nil
}
