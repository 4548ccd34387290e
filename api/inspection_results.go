package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// The results of inspections (督查结果, floorplan/inspection_results.go):
//   - GET /api/v1/inspections/{id}/results: one plan's items as they stand now, counted by checklist
//     point, agency and district, with the totals and the rectification rate; a follow-up (回头看) adds
//     the view of each item against the followed plan's.
//   - GET /api/v1/inspections/results?year=&kind=: the same over the started and closed plans of a year
//     (by as_of), of one kind or of all but follow-ups (whose items repeat their plans' items).
// Both as JSON (the dashboard), XLSX (the sheets of an inspection report) or PDF (the report itself).
// Scope: the plans the caller sees, and of them only the items of the agencies it sees — an agency
// manager gets its own agency's numbers, across plans too; a district's inspector its district's. People's
// names are never counted; the XLSX item list shows the findings' sentences without them to those who may
// not see them (inspectionNames).

// inspectionResultRoutes lists the results routes. They come before inspectionRoutes: /inspections/{id}
// would take "results" for an id.
func inspectionResultRoutes() []accountRoute {
	const v1 = "/api/v1"
	read := audited(may(identity.ActionRead), "report.inspection_results")
	format := q("format", paramDoc{"", "json (default), xlsx (sheets 汇总, 按检查要点, 按单位, 按辖区, 问题清单) or pdf (the report 办公用房监督检查情况报告)",
		map[string]any{"type": "string", "enum": []string{"json", "xlsx", "pdf"}, "default": "json"}})
	lang := q("lang", paramDoc{"", "xlsx: the headers' language, zh (default) or en", map[string]any{"type": "string", "enum": []string{"zh", "en"}}})
	summary := "; counts: items, open, notified, answered (at least once), fixed, not_fixed, referred, overdue (notified, answered or not fixed past the deadline), due = fixed + referred + overdue, rectification_rate = fixed / due × 100 to 0.1 (null while nothing is due). In the caller's scope: an agency manager gets its agency's items only, a district's inspector its district's"
	return []accountRoute{
		{(*Server).inspectionResultsAcross, read, opDoc{method: "GET", path: v1 + "/inspections/results", tag: "inspections",
			summary: "The results across the started and closed plans of a year (by as_of) the caller sees, of one kind (default: every kind but follow_up, whose items repeat their plans' items): agencies checked (the plans' scopes), totals, by checklist point, by agency, by district (the agency's jurisdiction)" + summary,
			query: []paramDoc{q("year", paramDoc{"", "the plans' year (default this year)", map[string]any{"type": "integer", "minimum": 2000, "maximum": 2100}}),
				enumDoc("kind", "only plans of this kind", floorplan.InspectionKinds),
				format, lang},
			result: "InspectionResults"}},
		{(*Server).inspectionResults, read, opDoc{method: "GET", path: v1 + "/inspections/{id}/results", tag: "inspections",
			summary: "One plan's results as its items stand now: agencies checked (its scope), totals, by checklist point, by agency, by district (the agency's jurisdiction); a follow-up (回头看) adds follow_up: each item against the followed plan's (its state when the follow-up started, the re-check now: fixed, still_found or unverified — a rule-based item by the live register, a manual one by its verification) and the totals (rectified since, still open); 404 outside the caller's scope" + summary,
			query:   []paramDoc{format, lang}, result: "InspectionResults"}},
	}
}

// resultPlanJSON is a plan the results count.
type resultPlanJSON struct {
	ID         uuid.UUID                `json:"id"`
	Kind       floorplan.InspectionKind `json:"kind"`
	Title      string                   `json:"title"`
	State      string                   `json:"state"`
	AsOf       time.Time                `json:"as_of"`
	Scope      string                   `json:"scope"` // described, zh and en
	PeriodFrom time.Time                `json:"period_from"`
	PeriodTo   time.Time                `json:"period_to"`
	Due        time.Time                `json:"due"`
	Team       int                      `json:"team"` // inspectors
	Items      int                      `json:"items"`
}

// inspectionResultsJSON is the results on the wire.
type inspectionResultsJSON struct {
	Year  int                      `json:"year,omitempty"` // across plans
	Kind  floorplan.InspectionKind `json:"kind,omitempty"` // across plans, when asked for
	Plans []resultPlanJSON         `json:"plans"`
	floorplan.InspectionResults
	FollowUp *floorplan.FollowUp `json:"follow_up,omitempty"`
}

// inspectionResultsQuery is what a results request asks for besides the plans.
type inspectionResultsQuery struct {
	format, lang string
}

func readInspectionResultsQuery(q *params) inspectionResultsQuery {
	return inspectionResultsQuery{
		format: nextParam(q, "format", choice("json", map[string]string{"json": "json", "xlsx": "xlsx", "pdf": "pdf"}, "json, xlsx or pdf")),
		lang:   nextParam(q, "lang", documentLang),
	}
}

// inspectionResultsData is what the results are made of, read once: the register's agencies and jurisdictions,
// the caller's scope and whether names may be shown.
type inspectionResultsData struct {
	agencies      []floorplan.Agency
	jurisdictions []floorplan.Jurisdiction
	sc            scope
	names         bool
	now           time.Time
}

// readResultsData enters the reports' gate (heavy work; the caller defers release), then reads the
// results' data.
func (s *Server) readResultsData(ctx context.Context) (d inspectionResultsData, release func(), err error) {
	if release, err = s.reports.enter(ctx); err != nil {
		return d, nil, err
	}
	d = inspectionResultsData{names: inspectionNames(ctx), now: s.now()}
	if d.sc, err = s.scopeOf(ctx); err == nil {
		if d.agencies, err = s.store.Agencies(ctx); err == nil {
			d.jurisdictions, err = s.store.Jurisdictions(ctx)
		}
	}
	if err != nil {
		release()
		return d, nil, err
	}
	return d, release, nil
}

// checked returns the agencies plan p checked that the caller sees: its scope's, or a follow-up's items'.
func (d inspectionResultsData) checked(p floorplan.Inspection, items []floorplan.InspectionItem) []uuid.UUID {
	var ids []uuid.UUID
	if p.Kind == floorplan.InspectFollowUp {
		for _, it := range items {
			if it.AgencyID != uuid.Nil {
				ids = append(ids, it.AgencyID)
			}
		}
	} else {
		ids = floorplan.ScopeAgencyIDs(p.Scope, d.agencies, d.jurisdictions)
	}
	return slices.DeleteFunc(ids, func(id uuid.UUID) bool { return !d.sc.agency(id) })
}

// visiblePlanItems reads plan id's items the caller sees.
func (s *Server) visiblePlanItems(ctx context.Context, d inspectionResultsData, id uuid.UUID) ([]floorplan.InspectionItem, error) {
	items, err := s.store.InspectionItems(ctx, floorplan.ItemFilter{InspectionID: id})
	if err != nil {
		return nil, err
	}
	return keep(d.sc, items, func(it floorplan.InspectionItem) uuid.UUID { return it.AgencyID }), nil
}

// resultPlan is p as the results list it.
func (d inspectionResultsData) resultPlan(p floorplan.Inspection, items int) resultPlanJSON {
	return resultPlanJSON{ID: p.ID, Kind: p.Kind, Title: p.Title, State: p.State, AsOf: p.AsOf, Scope: d.scopeText(p.Scope),
		PeriodFrom: p.PeriodFrom, PeriodTo: p.PeriodTo, Due: p.Due, Team: len(p.Team), Items: items}
}

// scopeText describes a plan's scope, zh and en.
func (d inspectionResultsData) scopeText(sc floorplan.InspectionScope) string {
	switch sc.Kind {
	case floorplan.ScopeAgencies:
		return fmt.Sprintf("指定单位 %d 家 %d agencies", len(sc.AgencyIDs), len(sc.AgencyIDs))
	case floorplan.ScopeSystem:
		return fmt.Sprintf("%s（%d 家单位）system of %d agencies", sc.System, len(sc.AgencyIDs), len(sc.AgencyIDs))
	case floorplan.ScopeJurisdiction:
		name := sc.JurisdictionID.String()
		if i := slices.IndexFunc(d.jurisdictions, func(j floorplan.Jurisdiction) bool { return j.ID == sc.JurisdictionID }); i >= 0 {
			name = d.jurisdictions[i].Name
		}
		return "辖区 district " + name
	}
	return "全部单位 all agencies"
}

// agencyNames names the agencies by id.
func (d inspectionResultsData) agencyNames() map[uuid.UUID]string {
	out := make(map[uuid.UUID]string, len(d.agencies))
	for _, a := range d.agencies {
		out[a.ID] = a.Name
	}
	return out
}

// inspectionResults serves GET /api/v1/inspections/{id}/results?format=&lang=.
func (s *Server) inspectionResults(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	rq := readInspectionResultsQuery(q)
	if q.err != nil {
		return q.err
	}
	p, err := s.visibleInspection(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d, release, err := s.readResultsData(ctx)
	if err != nil {
		return err
	}
	defer release()
	items, err := s.visiblePlanItems(ctx, d, p.ID)
	if err != nil {
		return err
	}
	out := inspectionResultsJSON{Plans: []resultPlanJSON{d.resultPlan(p, len(items))}}
	out.InspectionResults = floorplan.ComputeInspectionResults(floorplan.ResultsInput{Items: items, Points: p.Checklist.Points,
		Checked: d.checked(p, items), Agencies: d.agencies, Jurisdictions: d.jurisdictions, Now: d.now})
	if p.Kind == floorplan.InspectFollowUp && p.State != floorplan.PlanDraft {
		originals, err := s.visiblePlanItems(ctx, d, p.Follows)
		if err != nil {
			return err
		}
		holds, err := s.register.FindingsHoldNow(ctx, items)
		if err != nil {
			return err
		}
		view := floorplan.FollowUpView(p.Follows, items, originals, p.StartedAt, holds, d.agencyNames())
		out.FollowUp = &view
	}
	listed := []resultPlanItems{{plan: p, items: items}}
	return s.writeInspectionResults(w, out, listed, d, rq, "inspection-results-"+p.ID.String()[:8])
}

// resultPlanItems is a plan with the items of it the caller sees.
type resultPlanItems struct {
	plan  floorplan.Inspection
	items []floorplan.InspectionItem
}

// inspectionResultsAcross serves GET /api/v1/inspections/results?year=&kind=&format=&lang=.
func (s *Server) inspectionResultsAcross(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	year := q.int("year", s.now().Year(), 2000, 2100)
	kind := nextParam(q, "kind", choice(floorplan.InspectionKind(""), map[string]floorplan.InspectionKind{"annual": floorplan.InspectAnnual,
		"special": floorplan.InspectSpecial, "key": floorplan.InspectKey, "follow_up": floorplan.InspectFollowUp}, "annual, special, key or follow_up"))
	rq := readInspectionResultsQuery(q)
	if q.err != nil {
		return q.err
	}
	ctx := r.Context()
	d, release, err := s.readResultsData(ctx)
	if err != nil {
		return err
	}
	defer release()
	plans, err := s.store.Inspections(ctx, floorplan.InspectionFilter{Kind: kind})
	if err != nil {
		return err
	}
	out := inspectionResultsJSON{Year: year, Kind: kind, Plans: []resultPlanJSON{}}
	in := floorplan.ResultsInput{Agencies: d.agencies, Jurisdictions: d.jurisdictions, Now: d.now}
	var listed []resultPlanItems
	for _, p := range plans {
		if p.State == floorplan.PlanDraft || p.AsOf.Year() != year || (kind == "" && p.Kind == floorplan.InspectFollowUp) ||
			!planVisible(d.sc, p) {
			continue
		}
		items, err := s.visiblePlanItems(ctx, d, p.ID)
		if err != nil {
			return err
		}
		out.Plans = append(out.Plans, d.resultPlan(p, len(items)))
		listed = append(listed, resultPlanItems{plan: p, items: items})
		in.Items = append(in.Items, items...)
		in.Points = append(in.Points, p.Checklist.Points...)
		in.Checked = append(in.Checked, d.checked(p, items)...)
	}
	out.InspectionResults = floorplan.ComputeInspectionResults(in)
	name := fmt.Sprintf("inspection-results-%d", year)
	if kind != "" {
		name += "-" + string(kind)
	}
	return s.writeInspectionResults(w, out, listed, d, rq, name)
}

// writeInspectionResults writes out as rq.format asks, the files named name.
func (s *Server) writeInspectionResults(w http.ResponseWriter, out inspectionResultsJSON, listed []resultPlanItems, d inspectionResultsData, rq inspectionResultsQuery, name string) error {
	var buf bytes.Buffer
	switch rq.format {
	case "xlsx":
		if err := inspectionResultsWorkbook(&buf, out, listed, d, rq.lang == "en"); err != nil {
			return fmt.Errorf("api: inspection results workbook: %w", err)
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
	case "pdf":
		font, err := s.pdfFont()
		if err != nil {
			return fmt.Errorf("api: inspection results PDF: %w", err)
		}
		body, err := inspectionResultsPDF(font, out, d.now)
		if err != nil {
			return fmt.Errorf("api: inspection results PDF: %w", err)
		}
		buf.Write(body)
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `inline; filename="`+name+`.pdf"`)
	default:
		return writeJSON(w, http.StatusOK, out)
	}
	w.Header().Set("Cache-Control", "private, no-store")
	_, err := w.Write(buf.Bytes())
	return err
}

// withoutName removes name from text unless names may be shown.
func withoutName(text, name string, names bool) string {
	if names || name == "" {
		return text
	}
	return strings.ReplaceAll(text, name, "***")
}
