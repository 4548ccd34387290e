package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// The leads of the inspections (线索, floorplan/leads.go, issue 18):
//   - GET/POST /api/v1/leads, GET /api/v1/leads/{id}: the leads in the caller's scope, and a new one;
//   - POST /api/v1/leads/{id}/triage: the lead becomes a manual item of a started plan;
//   - POST /api/v1/leads/{id}/close: closed, with a reason.
// Only the roles that report (the bureau, inspectors, approvers: identity.ActionReport) reach them; an
// agency manager, a planner and a viewer do not (403): a lead may be about their own agency. A lead is
// in a scoped caller's scope when every record it names is (a lead naming none: unscoped callers only);
// others are 404. The contact of whoever gave it is shown to inspectors only; the bureau and approvers
// read leads with it withheld. Leads are recorded and closed by an inspector or the bureau and triaged by
// an inspector, through the register, whose permission hook checks the role where the lead's records are.

// leadRoutes lists the lead routes with their rules and documentation.
func leadRoutes() []accountRoute {
	const v1 = "/api/v1"
	report := may(identity.ActionReport)
	return []accountRoute{
		{(*Server).listLeads, report, opDoc{method: "GET", path: v1 + "/leads", tag: "inspections",
			summary: "The leads (线索) in the caller's scope (the bureau, inspectors and approvers; 403 to others), oldest received first; the contact only to inspectors (contact_withheld for the others)",
			query: []paramDoc{enumDoc("state", "only leads in this state", floorplan.LeadStates),
				enumDoc("source", "only leads from this source", floorplan.LeadSources)},
			result: "LeadList"}},
		{(*Server).createLead, report, opDoc{method: "POST", path: v1 + "/leads", tag: "inspections",
			summary: "Record a lead (an inspector or the bureau): source hotline_12345 (12345 热线), public, internet, media, higher_level or other; received_on (not after today); text; contact {name, phone} (personal); the room_ids, person_ids and agency_ids it is about (live records in the caller's scope). It is open until triaged or closed",
			body:    "LeadNew", status: 201, result: "Lead"}},
		{(*Server).getLead, report, opDoc{method: "GET", path: v1 + "/leads/{id}", tag: "inspections",
			summary: "One lead; 404 outside the caller's scope", result: "Lead"}},
		{(*Server).triageLead, report, opDoc{method: "POST", path: v1 + "/leads/{id}/triage", tag: "inspections",
			summary: "Triage an open lead into an inspection item (an inspector): a manual item of started plan inspection_id at point_code, of agency_id and room_id (default: the lead's only agency and room; given ones must be the lead's), with the lead's text; the lead is triaged with the item's id in the same write. 409 when the lead is no longer open or the plan has not started",
			body:    "LeadTriage", status: 201, result: "InspectionItem"}},
		{(*Server).closeLead, report, opDoc{method: "POST", path: v1 + "/leads/{id}/close", tag: "inspections",
			summary: "Close an open lead (an inspector or the bureau) with a reason (required); 409 when it is no longer open",
			body:    "LeadClose", result: "Lead"}},
	}
}

// leadIn is the body of POST /api/v1/leads.
type leadIn struct {
	Source     floorplan.LeadSource  `json:"source" enum:"hotline_12345,public,internet,media,higher_level,other"`
	ReceivedOn string                `json:"received_on"` // YYYY-MM-DD; default today
	Text       string                `json:"text"`
	Contact    floorplan.LeadContact `json:"contact"`
	RoomIDs    []uuid.UUID           `json:"room_ids"`
	PersonIDs  []uuid.UUID           `json:"person_ids"`
	AgencyIDs  []uuid.UUID           `json:"agency_ids"`
}

// leadTriageIn is the body of POST /api/v1/leads/{id}/triage.
type leadTriageIn struct {
	InspectionID uuid.UUID `json:"inspection_id"`
	PointCode    string    `json:"point_code"`
	AgencyID     uuid.UUID `json:"agency_id"`
	RoomID       uuid.UUID `json:"room_id"`
}

// leadCloseIn is the body of POST /api/v1/leads/{id}/close.
type leadCloseIn struct {
	Reason string `json:"reason"`
}

// leadJSON is a lead on the wire: the contact empty and contact_withheld true for who may not see it.
type leadJSON struct {
	floorplan.Lead
	ContactWithheld bool `json:"contact_withheld"`
}

type leadsJSON struct {
	Leads []leadJSON `json:"leads"`
}

// leadContact reports whether the caller may see a lead's contact: without accounts, or as an inspector.
// The contact is withheld from every other role (issue 18), the bureau's included: whoever reported the
// lead is protected from all but those who follow it up.
func leadContact(ctx context.Context) bool { return callerHolds(ctx, identity.RoleInspector) }

// leadRole is the role the caller records and closes leads in: inspector when they hold it (or without
// accounts), else the bureau's; the permission hook checks it.
func leadRole(ctx context.Context) string {
	if callerHolds(ctx, identity.RoleInspector) {
		return floorplan.RoleInspector
	}
	return floorplan.RoleBureauAdmin
}

// leadOut is l on the wire, its contact withheld unless shown.
func leadOut(l floorplan.Lead, contact bool) leadJSON {
	if contact {
		return leadJSON{Lead: l}
	}
	l.Contact = floorplan.LeadContact{}
	return leadJSON{Lead: l, ContactWithheld: true}
}

// leadVisible reports whether lead l is in scope sc: every place of its records is (a room's by its agency
// or floor, the others' by their agency); a lead of no records only to an unscoped reader.
func leadVisible(sc scope, l floorplan.Lead) bool {
	if sc.all {
		return true
	}
	if len(l.Places) == 0 {
		return false
	}
	for _, p := range l.Places {
		if p.FloorID != uuid.Nil && !sc.roomAt(p.AgencyID, p.FloorID) || p.FloorID == uuid.Nil && !sc.agency(p.AgencyID) {
			return false
		}
	}
	return true
}

// listLeads serves GET /api/v1/leads?state=&source=.
func (s *Server) listLeads(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	f := floorplan.LeadFilter{State: nextParam(q, "state", enumParam(floorplan.LeadStates)),
		Source: nextParam(q, "source", enumParam(floorplan.LeadSources))}
	leads, err := visibleList(s, q, s.store.Leads, f, leadVisible)
	if err != nil {
		return err
	}
	contact := leadContact(r.Context())
	return writeJSON(w, http.StatusOK, leadsJSON{Leads: wireList(leads, func(l floorplan.Lead) leadJSON { return leadOut(l, contact) })})
}

// visibleLead reads the lead of the path's id, or 404 when it is outside the caller's scope.
func (s *Server) visibleLead(r *http.Request) (floorplan.Lead, error) {
	return visibleRecord(s, r, "lead", s.store.Lead, leadVisible)
}

// getLead serves GET /api/v1/leads/{id}.
func (s *Server) getLead(w http.ResponseWriter, r *http.Request) error {
	return writeVisible(w, r, s.visibleLead, func(l floorplan.Lead) leadJSON { return leadOut(l, leadContact(r.Context())) })
}

// hiddenLinks answers a record in that the caller may not read as the register answers one that does not
// exist: 422 naming the field.
func (s *Server) hiddenLinks(ctx context.Context, in leadIn) error {
	sc, err := s.scopeOf(ctx)
	if err != nil || sc.all {
		return err
	}
	hidden := func(field string, i int, id uuid.UUID, what string) error {
		f := fmt.Sprintf("%s[%d]", field, i)
		return &floorplan.FieldError{Record: "lead", Field: f, Reason: floorplan.FieldOutOfRange,
			Message: fmt.Sprintf("lead: %s is %s, not %s of the register", f, id, what)}
	}
	for i, id := range in.RoomIDs {
		if room, err := s.store.Room(ctx, id); err == nil && !sc.room(room) {
			return hidden("room_ids", i, id, "a room")
		}
	}
	for i, id := range in.PersonIDs {
		if p, err := s.store.Person(ctx, id); err == nil && !sc.agency(p.AgencyID) {
			return hidden("person_ids", i, id, "a person")
		}
	}
	for i, id := range in.AgencyIDs {
		if !sc.agency(id) {
			if _, err := s.store.Agency(ctx, id); err == nil {
				return hidden("agency_ids", i, id, "an agency")
			}
		}
	}
	return nil
}

// createLead serves POST /api/v1/leads.
func (s *Server) createLead(w http.ResponseWriter, r *http.Request) error {
	var in leadIn
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	received, err := inspectionDay("received_on", in.ReceivedOn)
	if err != nil {
		return err
	}
	if received.IsZero() {
		received = floorplan.DayOf(time.Now())
	}
	if err := s.hiddenLinks(r.Context(), in); err != nil {
		return err
	}
	l := floorplan.Lead{Source: in.Source, ReceivedOn: received, Text: in.Text, Contact: in.Contact,
		RoomIDs: in.RoomIDs, PersonIDs: in.PersonIDs, AgencyIDs: in.AgencyIDs}
	if _, err := s.register.CreateLead(r.Context(), &l, leadRole(r.Context())); err != nil {
		return about("lead", err)
	}
	return writeCreated(w, "/api/v1/leads", l.ID, leadOut(l, leadContact(r.Context())))
}

// triageLead serves POST /api/v1/leads/{id}/triage: the item the lead became.
func (s *Server) triageLead(w http.ResponseWriter, r *http.Request) error {
	l, in, err := withBody[leadTriageIn](r, s.visibleLead)
	if err != nil {
		return err
	}
	_, it, _, err := s.register.TriageLead(r.Context(), l.ID, floorplan.LeadTriage{InspectionID: in.InspectionID,
		PointCode: in.PointCode, AgencyID: in.AgencyID, RoomID: in.RoomID})
	if err != nil {
		return leadError(inspectionError(about("lead", err)))
	}
	return writeCreated(w, "/api/v1/inspection-items", it.ID, itemOut(it, time.Now(), inspectionNames(r.Context())))
}

// closeLead serves POST /api/v1/leads/{id}/close.
func (s *Server) closeLead(w http.ResponseWriter, r *http.Request) error {
	l, in, err := withBody[leadCloseIn](r, s.visibleLead)
	if err != nil {
		return err
	}
	l, _, err = s.register.CloseLead(r.Context(), l.ID, in.Reason, leadRole(r.Context()))
	if err != nil {
		return leadError(about("lead", err))
	}
	return writeJSON(w, http.StatusOK, leadOut(l, leadContact(r.Context())))
}

// leadError answers a lead no longer open as a 409 saying so; the lead is visible (the handlers checked),
// so a refusal of the hook that hides it is a 403.
func leadError(err error) error {
	var se *floorplan.LeadStateError
	if errors.As(err, &se) {
		return errStateConflict(se.State, err, fmt.Sprintf("the lead is %s; only an open lead is triaged or closed", se.State),
			fmt.Sprintf("线索当前为 %s，只有未处理的线索可以转办或办结", se.State))
	}
	var fe *floorplan.FieldError
	if errors.Is(err, floorplan.ErrNotFound) && !errors.As(err, &fe) {
		var ee *entityError
		if errors.As(err, &ee) && ee.entity == "lead" {
			return errForbidden(err)
		}
	}
	return err
}
