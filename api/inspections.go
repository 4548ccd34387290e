package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// The inspections (督查, floorplan/inspections.go, issue 18):
//   - GET /api/v1/inspections/checklist: the checklist in force (agencies' and leaders' points, each with
//     the rules that detect it or "manual").
//   - GET/POST /api/v1/inspections, GET /api/v1/inspections/{id}: the plans; POST …/{id}/start turns the
//     findings in scope as of the plan's day into items (frozen), POST …/{id}/close closes it.
//   - GET/POST /api/v1/inspections/{id}/items: its items (scoped: an agency manager sees its agency's
//     only); a manual item from the field.
//   - GET /api/v1/inspection-items/{id}, POST /api/v1/inspection-items/{id}/actions: one item, and the
//     rectification (notify, answer, verify, refer).
// Every write goes through the register, whose permission hook checks the role the change needs (an
// inspector; an item's agency's manager to answer) where the record is, and records it in the audit log.
// The names of people are shown only to inspectors, the bureau and auditors.

// inspectionRoutes lists the inspection routes with their rules and documentation. The checklist comes
// before {id}, which would take its name.
func inspectionRoutes() []accountRoute {
	const v1 = "/api/v1"
	read := may(identity.ActionRead)
	return []accountRoute{
		{(*Server).inspectionChecklist, read, opDoc{method: "GET", path: v1 + "/inspections/checklist", tag: "inspections",
			summary: "The inspection checklist in force (督查清单, checklist.json or OFFICEMAP_CHECKLIST): the agencies' points and the leading officials' points, each with its zh/en text, legal source and the ids of the findings engine's rules that detect it, or [\"manual\"] where an inspector checks it by hand",
			result:  "Checklist"}},
		{(*Server).listInspections, read, opDoc{method: "GET", path: v1 + "/inspections", tag: "inspections",
			summary: "The inspection plans the caller sees (an agency manager: those whose scope covers its agency), oldest first",
			query:   []paramDoc{enumDoc("kind", "only this kind", floorplan.InspectionKinds), enumDoc("state", "only plans in this state", planStates)},
			result:  "InspectionList"}},
		{(*Server).createInspection, read, opDoc{method: "POST", path: v1 + "/inspections", tag: "inspections",
			summary: "Make a plan (a draft), by an inspector: kind annual (年度), special (专项), key (重点) or follow_up (回头看, with follows); as_of (not after today); scope {kind: all | agencies (agency_ids) | jurisdiction (jurisdiction_id: a district and its subtree) | system (system, agency_ids)}; period, team (inspectors' usernames; default the caller), points (default the whole checklist) and due date. An annual plan due later than a month before the annual assessment (OFFICEMAP_ASSESSMENT_DATE) carries a warning",
			body:    "InspectionNew", status: 201, result: "Inspection"}},
		{(*Server).getInspection, read, opDoc{method: "GET", path: v1 + "/inspections/{id}", tag: "inspections",
			summary: "One plan; 404 outside the caller's scope", result: "Inspection"}},
		{(*Server).startInspection, read, opDoc{method: "POST", path: v1 + "/inspections/{id}/start", tag: "inspections",
			summary: "Start a draft plan (an inspector): one item per finding in its scope as of its day, of the rules its checklist's points name, frozen with the finding's message, numbers, legal source, rooms and person; a follow-up's items are its plan's items not verified fixed, re-checked against the live register (recheck holds, resolved or manual). 409 when it is not a draft",
			result:  "Inspection"}},
		{(*Server).closeInspection, read, opDoc{method: "POST", path: v1 + "/inspections/{id}/close", tag: "inspections",
			summary: "Close a started plan (an inspector); its items are no longer acted on", result: "Inspection"}},
		{(*Server).listInspectionItems, read, opDoc{method: "GET", path: v1 + "/inspections/{id}/items", tag: "inspections",
			summary: "A plan's items in the caller's scope (an agency manager: its agency's), oldest first, each with overdue (notified, answered or not fixed past its deadline) and the actions allowed now; people's names only to inspectors, the bureau and auditors",
			query: []paramDoc{q("agency_id", paramDoc{"", "only this agency's", uuidSchema()}),
				enumDoc("state", "only items in this state", floorplan.ItemStates),
				q("overdue", paramDoc{"", "true: only overdue items; false: only the others", map[string]any{"type": "boolean"}})},
			result: "InspectionItemList"}},
		{(*Server).addInspectionItem, read, opDoc{method: "POST", path: v1 + "/inspections/{id}/items", tag: "inspections",
			summary: "Add a manual item from the field to a started plan (an inspector where the agency is): a point of the plan's checklist, the agency, the room or floor and a position on its plan in local metres, measurements, notes and photos (document ids from POST /api/v1/documents)",
			body:    "InspectionItemNew", status: 201, result: "InspectionItem"}},
		{(*Server).getInspectionItem, read, opDoc{method: "GET", path: v1 + "/inspection-items/{id}", tag: "inspections",
			summary: "One item with its trail; 404 outside the caller's scope", result: "InspectionItem"}},
		{(*Server).actOnInspectionItem, read, opDoc{method: "POST", path: v1 + "/inspection-items/{id}/actions", tag: "inspections",
			summary: "Rectification: notify (an inspector; deadline) open → notified; answer (the agency's manager; comment, evidence document_ids) notified → answered; verify (an inspector; fixed) → fixed or not_fixed — a rule-based item is 409 naming the finding while it still holds in the live register; refer (an inspector; comment: the reason) from not_fixed or overdue → referred (移交纪检监察). A wrong role is 403, an action the state does not allow 409",
			body:    "InspectionItemAction", result: "InspectionItem"}},
		// The notice and the referral file (inspection_pdfs.go).
		{(*Server).inspectionNoticePDF, audited(read, "export.inspection_notice"), opDoc{method: "GET", path: v1 + "/inspections/{id}/notices/{agency_id}.pdf", tag: "inspections",
			summary: "The rectification notice (整改通知书) to one agency as an A4 PDF: its number, the agency, the plan, a table of the agency's notified items (point, legal source, what was found with the frozen numbers, rooms, deadline), how to answer, the issue date and issuer. For the bureau and inspectors where the agency is and the agency's manager (404 otherwise); people's names only to those who may read them. 409 when no item of the agency is notified yet",
			result:  map[string]any{"type": "string", "format": "binary"}, resultType: "application/pdf"}},
		{(*Server).itemReferralZip, audited(personal(may(identity.ActionExport)), "export.referral"), opDoc{method: "GET", path: v1 + "/inspection-items/{id}/referral.zip", tag: "inspections",
			summary: "The referral file (移交纪检监察) of a referred item, for the bureau and inspectors: a zip of referral.pdf (the item: agency, point, finding, deadline, answer, verification, the referral's reason, date and inspector), the evidence documents (photos, the answers' evidence) byte for byte as evidence/<document id>-<name>, and manifest.json with the SHA-256 of every file. 409 when the item is not referred",
			result:  map[string]any{"type": "string", "format": "binary"}, resultType: "application/zip"}},
		{(*Server).planReferralZip, audited(personal(may(identity.ActionExport)), "export.referral"), opDoc{method: "GET", path: v1 + "/inspections/{id}/referral.zip", tag: "inspections",
			summary: "The referral file (移交纪检监察) of a plan's referred items in the caller's scope, as GET /api/v1/inspection-items/{id}/referral.zip. 409 when none is referred",
			result:  map[string]any{"type": "string", "format": "binary"}, resultType: "application/zip"}},
	}
}

// inspectionIn is the body of POST /api/v1/inspections. Dates are YYYY-MM-DD.
type inspectionIn struct {
	Kind       floorplan.InspectionKind  `json:"kind" enum:"annual,special,key,follow_up"`
	Title      string                    `json:"title"`
	AsOf       string                    `json:"as_of"`
	Scope      floorplan.InspectionScope `json:"scope"`
	PeriodFrom string                    `json:"period_from"`
	PeriodTo   string                    `json:"period_to"`
	Due        string                    `json:"due"`
	Team       []string                  `json:"team"`
	Points     []string                  `json:"points"`
	Follows    uuid.UUID                 `json:"follows"`
}

// inspectionItemIn is the body of POST /api/v1/inspections/{id}/items.
type inspectionItemIn struct {
	PointCode    string                  `json:"point_code"`
	AgencyID     uuid.UUID               `json:"agency_id"`
	RoomID       uuid.UUID               `json:"room_id"`
	FloorID      uuid.UUID               `json:"floor_id"`
	Position     []float64               `json:"position"`
	Measurements []floorplan.Measurement `json:"measurements"`
	Notes        string                  `json:"notes"`
	PhotoIDs     []uuid.UUID             `json:"photo_ids"`
}

// itemActionIn is the body of POST /api/v1/inspection-items/{id}/actions.
type itemActionIn struct {
	Action      string      `json:"action" enum:"notify,answer,verify,refer"`
	Deadline    string      `json:"deadline"` // notify: YYYY-MM-DD
	Fixed       *bool       `json:"fixed"`    // verify
	Comment     string      `json:"comment"`
	DocumentIDs []uuid.UUID `json:"document_ids"`
}

type inspectionsJSON struct {
	Inspections []floorplan.Inspection `json:"inspections"`
}

// inspectionItemJSON is an item on the wire: the record, whether it is overdue, what it allows now.
type inspectionItemJSON struct {
	floorplan.InspectionItem
	Overdue bool     `json:"overdue"`
	Allowed []string `json:"allowed"`
}

type inspectionItemsJSON struct {
	Items []inspectionItemJSON `json:"items"`
}

// checklistJSON is the checklist on the wire.
type checklistJSON = floorplan.Checklist

// inspectionJSON is a plan on the wire.
type inspectionJSON = floorplan.Inspection

// planStates lists the states of a plan, in order.
var planStates = []string{floorplan.PlanDraft, floorplan.PlanStarted, floorplan.PlanClosed}

// inspectionChecklist serves GET /api/v1/inspections/checklist.
func (s *Server) inspectionChecklist(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, s.register.Checklist())
}

// planVisible reports whether plan p is in scope sc: every plan for an unscoped reader; otherwise a plan
// of every agency or a district, or one whose agencies include a visible one.
func planVisible(sc scope, p floorplan.Inspection) bool {
	if sc.all || p.Scope.Kind == floorplan.ScopeAll || p.Scope.Kind == floorplan.ScopeJurisdiction {
		return true
	}
	return slices.ContainsFunc(p.Scope.AgencyIDs, sc.agency)
}

// listInspections serves GET /api/v1/inspections?kind=&state=.
func (s *Server) listInspections(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	f := floorplan.InspectionFilter{Kind: nextParam(q, "kind", enumParam(floorplan.InspectionKinds)),
		State: nextParam(q, "state", enumParam(planStates))}
	plans, err := visibleList(s, q, s.store.Inspections, f, planVisible)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inspectionsJSON{Inspections: plans})
}

// visibleInspection reads the plan of the path's id, or 404 when it is outside the caller's scope.
func (s *Server) visibleInspection(r *http.Request) (floorplan.Inspection, error) {
	return visibleRecord(s, r, "inspection", s.store.Inspection, planVisible)
}

// getInspection serves GET /api/v1/inspections/{id}.
func (s *Server) getInspection(w http.ResponseWriter, r *http.Request) error {
	return writeVisible(w, r, s.visibleInspection, func(p floorplan.Inspection) inspectionJSON { return p })
}

// inspectionDay parses the date of field ("" is the zero time).
func inspectionDay(field, raw string) (time.Time, error) {
	if raw == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(floorplan.DateLayout, raw); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return floorplan.DayOf(t), nil
	}
	return time.Time{}, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
		Message: fmt.Sprintf("%s is %q, not a date YYYY-MM-DD", field, raw), MessageZH: fmt.Sprintf("%s 日期 %q 格式应为 YYYY-MM-DD", field, raw)}
}

// planOf turns in into a plan, with the defaults of what it leaves out: the title by kind and date, the
// period from today, due (and ending) a month later, the caller as the team; a follow-up's scope all.
func planOf(ctx context.Context, in inspectionIn) (floorplan.Inspection, error) {
	p := floorplan.Inspection{Kind: in.Kind, Title: strings.TrimSpace(in.Title), Scope: in.Scope, Team: in.Team, Follows: in.Follows}
	for _, d := range []struct {
		field string
		raw   string
		to    *time.Time
	}{{"as_of", in.AsOf, &p.AsOf}, {"period_from", in.PeriodFrom, &p.PeriodFrom}, {"period_to", in.PeriodTo, &p.PeriodTo}, {"due", in.Due, &p.Due}} {
		t, err := inspectionDay(d.field, d.raw)
		if err != nil {
			return p, err
		}
		*d.to = t
	}
	if p.Scope.Kind == "" && p.Scope.JurisdictionID == uuid.Nil && len(p.Scope.AgencyIDs) == 0 {
		// No scope: every agency (a follow-up checks its plan's items again, whatever its scope).
		p.Scope.Kind = floorplan.ScopeAll
	}
	today := floorplan.DayOf(time.Now())
	if p.PeriodFrom.IsZero() {
		p.PeriodFrom = today
	}
	if p.Due.IsZero() {
		p.Due = p.PeriodTo
	}
	if p.Due.IsZero() {
		p.Due = p.PeriodFrom.AddDate(0, 1, 0)
	}
	if p.PeriodTo.IsZero() {
		p.PeriodTo = p.Due
	}
	if p.Title == "" {
		names := map[floorplan.InspectionKind]string{floorplan.InspectAnnual: "年度督查 annual inspection",
			floorplan.InspectSpecial: "专项督查 special inspection", floorplan.InspectKey: "重点督查 key inspection",
			floorplan.InspectFollowUp: "回头看 follow-up inspection"}
		p.Title = names[p.Kind] + " " + p.PeriodFrom.Format(floorplan.DateLayout)
	}
	if len(p.Team) == 0 {
		if c, ok := identity.CallerFrom(ctx); ok {
			p.Team = []string{c.User.Username}
		} else if a := floorplan.ActorFrom(ctx); a != "" {
			p.Team = []string{a}
		}
	}
	return p, nil
}

// checkTeam checks that each of team is an active account holding the inspector role (with accounts on).
// The accounts are read as the server, not as the caller, who may not list them.
func (s *Server) checkTeam(ctx context.Context, team []string) error {
	if s.identity == nil {
		return nil
	}
	own, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	users, err := s.identity.Users(own)
	if err != nil {
		return err
	}
	for i, name := range team {
		j := slices.IndexFunc(users, func(u identity.User) bool { return strings.EqualFold(u.Username, name) })
		if j < 0 || users[j].Disabled || !holdsRole(users[j].Grants, identity.RoleInspector) {
			return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
				Message:   fmt.Sprintf("team[%d] is %q, not an active inspector's account", i, name),
				MessageZH: fmt.Sprintf("督查组成员 %q 不是有效的督查人员账号", name)}
		}
	}
	return nil
}

// createInspection serves POST /api/v1/inspections: makes a draft plan.
func (s *Server) createInspection(w http.ResponseWriter, r *http.Request) error {
	var in inspectionIn
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	p, err := planOf(r.Context(), in)
	if err != nil {
		return err
	}
	if err := s.checkTeam(r.Context(), p.Team); err != nil {
		return err
	}
	if _, err := s.register.CreateInspection(r.Context(), &p, in.Points); err != nil {
		return inspectionError(about("inspection", err))
	}
	return writeCreated(w, "/api/v1/inspections", p.ID, p)
}

// startInspection serves POST /api/v1/inspections/{id}/start.
func (s *Server) startInspection(w http.ResponseWriter, r *http.Request) error {
	return s.movePlan(w, r, (*floorplan.Register).StartInspection)
}

// closeInspection serves POST /api/v1/inspections/{id}/close.
func (s *Server) closeInspection(w http.ResponseWriter, r *http.Request) error {
	return s.movePlan(w, r, (*floorplan.Register).CloseInspection)
}

// movePlan moves the visible plan of the path's id on with move.
func (s *Server) movePlan(w http.ResponseWriter, r *http.Request,
	move func(*floorplan.Register, context.Context, uuid.UUID) (floorplan.Inspection, floorplan.Changes, error)) error {
	p, err := s.visibleInspection(r)
	if err != nil {
		return err
	}
	p, _, err = move(s.register, r.Context(), p.ID)
	if errors.Is(err, floorplan.ErrNotFound) {
		// The plan is visible (above) and never deleted: the hook hides a plan of every agency from a
		// caller who cannot read them all, but this caller has seen it.
		return errForbidden(err)
	}
	if err != nil {
		return inspectionError(about("inspection", err))
	}
	return writeJSON(w, http.StatusOK, p)
}

// inspectionNames reports whether the caller may see people's names in items: without accounts, or as an
// inspector, the bureau or an auditor.
func inspectionNames(ctx context.Context) bool {
	return callerHolds(ctx, identity.RoleInspector, identity.RoleBureauAdmin, identity.RoleAuditor)
}

// itemOut is it on the wire as of now, without the person's name (also in the finding's sentences)
// unless names may be shown.
func itemOut(it floorplan.InspectionItem, now time.Time, names bool) inspectionItemJSON {
	if !names && it.PersonName != "" {
		if it.Finding != nil {
			f := *it.Finding
			f.Message = strings.ReplaceAll(f.Message, it.PersonName, "***")
			f.MessageEN = strings.ReplaceAll(f.MessageEN, it.PersonName, "***")
			it.Finding = &f
		}
		it.PersonName = ""
	}
	return inspectionItemJSON{InspectionItem: it, Overdue: it.Overdue(now), Allowed: floorplan.ItemAllowed(it, now)}
}

// listInspectionItems serves GET /api/v1/inspections/{id}/items?agency_id=&state=&overdue=.
func (s *Server) listInspectionItems(w http.ResponseWriter, r *http.Request) error {
	p, err := s.visibleInspection(r)
	if err != nil {
		return err
	}
	q := queryOf(r)
	f := floorplan.ItemFilter{InspectionID: p.ID, AgencyID: q.uuid("agency_id")}
	overdue := q.bool("overdue")
	f.State = nextParam(q, "state", enumParam(floorplan.ItemStates))
	items, err := visibleList(s, q, s.store.InspectionItems, f, itemVisible)
	if err != nil {
		return err
	}
	now, names := time.Now(), inspectionNames(r.Context())
	out := inspectionItemsJSON{Items: []inspectionItemJSON{}}
	for _, it := range items {
		if j := itemOut(it, now, names); !r.URL.Query().Has("overdue") || j.Overdue == overdue {
			out.Items = append(out.Items, j)
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// addInspectionItem serves POST /api/v1/inspections/{id}/items: a manual item.
func (s *Server) addInspectionItem(w http.ResponseWriter, r *http.Request) error {
	p, in, err := withBody[inspectionItemIn](r, s.visibleInspection)
	if err != nil {
		return err
	}
	it := floorplan.InspectionItem{PointCode: in.PointCode, AgencyID: in.AgencyID, RoomID: in.RoomID, FloorID: in.FloorID,
		Position: in.Position, Measurements: in.Measurements, Notes: in.Notes, PhotoIDs: in.PhotoIDs}
	if _, err := s.register.AddInspectionItem(r.Context(), p.ID, &it); err != nil {
		return inspectionError(about("inspection item", err))
	}
	return writeCreated(w, "/api/v1/inspection-items", it.ID, itemOut(it, time.Now(), inspectionNames(r.Context())))
}

// itemVisible reports whether item it is in scope sc: its agency is.
func itemVisible(sc scope, it floorplan.InspectionItem) bool { return sc.agency(it.AgencyID) }

// visibleItem reads the item of the path's id, or 404 when it is outside the caller's scope.
func (s *Server) visibleItem(r *http.Request) (floorplan.InspectionItem, error) {
	return visibleRecord(s, r, "inspection item", s.store.InspectionItem, itemVisible)
}

// getInspectionItem serves GET /api/v1/inspection-items/{id}.
func (s *Server) getInspectionItem(w http.ResponseWriter, r *http.Request) error {
	return writeVisible(w, r, s.visibleItem, func(it floorplan.InspectionItem) inspectionItemJSON {
		return itemOut(it, time.Now(), inspectionNames(r.Context()))
	})
}

// actOnInspectionItem serves POST /api/v1/inspection-items/{id}/actions.
func (s *Server) actOnInspectionItem(w http.ResponseWriter, r *http.Request) error {
	it, in, err := withBody[itemActionIn](r, s.visibleItem)
	if err != nil {
		return err
	}
	deadline, err := inspectionDay("deadline", in.Deadline)
	if err != nil {
		return err
	}
	names := inspectionNames(r.Context())
	it, _, err = s.register.ActOnItem(r.Context(), it.ID, floorplan.ItemActionInput{Action: in.Action, Deadline: deadline,
		Fixed: in.Fixed, Comment: in.Comment, DocumentIDs: in.DocumentIDs})
	if err != nil {
		return itemError(inspectionError(about("inspection item", err)), it, names)
	}
	return writeJSON(w, http.StatusOK, itemOut(it, time.Now(), names))
}

// inspectionError answers a plan's or an item's state that does not allow the change as a 409 saying so.
func inspectionError(err error) error {
	var pe *floorplan.PlanStateError
	if errors.As(err, &pe) {
		return errStateConflict(pe.State, err, fmt.Sprintf("the inspection is %s; this needs it %s", pe.State, pe.Want),
			fmt.Sprintf("督查计划当前为 %s，此操作需要 %s", pe.State, pe.Want))
	}
	var nt *floorplan.NotOnTeamError
	if errors.As(err, &nt) {
		return &apiError{Status: http.StatusForbidden, Code: "forbidden",
			Message:   fmt.Sprintf("you (%s) are not on the team of this inspection: only its inspectors act on its items", nt.Actor),
			MessageZH: fmt.Sprintf("您（%s）不在该督查计划的督查组中，只有督查组成员可以处理其事项", nt.Actor),
			Extra:     map[string]any{"team": nt.Team}, Err: err}
	}
	var se *floorplan.ItemStateError
	if errors.As(err, &se) {
		allowed := strings.Join(se.Allowed, ", ")
		if allowed == "" {
			allowed = "none"
		}
		e := errStateConflict(se.State, err, fmt.Sprintf("action %s is not allowed on an item that is %s; allowed: %s", se.Action, se.State, allowed),
			fmt.Sprintf("督查事项当前为 %s，不允许操作 %s；允许：%s", se.State, se.Action, allowed))
		e.Extra["allowed"] = se.Allowed
		return e
	}
	return err
}

// itemError answers a verification refused because the finding still holds as a 409 naming the finding
// (the name of its person withheld as itemOut does).
func itemError(err error, it floorplan.InspectionItem, names bool) error {
	var he *floorplan.FindingHoldsError
	if !errors.As(err, &he) {
		return err
	}
	f := he.Finding
	it.Finding = &f
	shown := itemOut(it, time.Now(), names).Finding
	return &apiError{Status: http.StatusConflict, Code: "finding_holds",
		Message:   fmt.Sprintf("the item cannot be marked fixed: finding %s still holds in the register today: %s", f.RuleID, shown.MessageEN),
		MessageZH: fmt.Sprintf("该事项不能认定为已整改：登记簿中该问题（%s）今天仍然存在：%s", f.RuleID, shown.Message),
		Extra:     map[string]any{"rule_id": f.RuleID, "finding": shown}, Err: err}
}
