package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// A property's registration and timeline (floorplan/registration.go, floorplan/timeline.go):
//
//   - GET /api/v1/sites/{id}/registration: its state, the current filing steps and the state's history;
//   - POST /api/v1/sites/{id}/registration ({"state","effective","reason"}): change the state (200);
//   - POST /api/v1/sites/{id}/registration/steps: record a filing step (201);
//   - GET /api/v1/sites/{id}/timeline: its timeline, oldest first;
//   - POST /api/v1/sites/{id}/timeline ({"date","kind","title","note","document_ids"}): a manual event (201).
//
// A property is read by whoever sees it as they see its documents (documentVisible: by agency, only where
// their agencies use rooms); outside that it is 404. Changes go through the Register (write_register). A
// refused value is 422 naming the field, and nothing is written.

// registrationJSON is a property's registration on the wire.
type registrationJSON struct {
	SiteID  uuid.UUID        `json:"site_id"`
	State   string           `json:"state" enum:"registered,to_register,filing,filed,unclear,disputed"`
	Steps   []filingStepJSON `json:"steps"`
	History []stateJSON      `json:"history"`
}

// filingStepJSON is a step of the filing path on the wire (in and out).
type filingStepJSON struct {
	Step        string      `json:"step" enum:"confirmation,notice,filing_document"`
	Date        *string     `json:"date"`  // confirmation, filing_document
	Start       *string     `json:"start"` // notice
	End         *string     `json:"end"`   // notice
	Number      string      `json:"number"`
	Form        string      `json:"form" enum:",normative,minutes"` // filing_document: 规范性文件 or 会议纪要
	DocumentIDs []uuid.UUID `json:"document_ids"`
	Note        string      `json:"note"`
	RecordedAt  *time.Time  `json:"recorded_at,omitempty" readonly:"true"`
	RecordedBy  string      `json:"recorded_by,omitempty" readonly:"true"`
}

// stateJSON is a change of the registration state on the wire (in: state, effective, reason).
type stateJSON struct {
	State      string     `json:"state" enum:"registered,to_register,filing,filed,unclear,disputed"`
	Effective  *string    `json:"effective"`
	Reason     string     `json:"reason"`
	RecordedAt *time.Time `json:"recorded_at,omitempty" readonly:"true"`
	RecordedBy string     `json:"recorded_by,omitempty" readonly:"true"`
}

// timelineEventJSON is an event of a property's timeline on the wire (in: date, kind, title, note,
// document_ids).
type timelineEventJSON struct {
	ID          uuid.UUID   `json:"id" readonly:"true"`
	Date        *string     `json:"date"`
	Kind        string      `json:"kind" enum:"acquired,built,registered,filed,renovated,allocated,leased,disposed,other"`
	Source      string      `json:"source" enum:"auto,manual" readonly:"true"`
	Title       string      `json:"title"`
	TitleEN     string      `json:"title_en" readonly:"true"`
	Note        string      `json:"note"`
	Entity      string      `json:"entity" readonly:"true"`
	EntityID    uuid.UUID   `json:"entity_id" readonly:"true"`
	DocumentIDs []uuid.UUID `json:"document_ids"`
	RecordedBy  string      `json:"recorded_by" readonly:"true"`
}

// dayOut is a day on the wire, nil for none.
func dayOut(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(floorplan.DateLayout)
	return &s
}

// dayIn parses an optional day of a body's field.
func dayIn(field string, s *string) (time.Time, error) {
	if s == nil || *s == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(floorplan.DateLayout, *s)
	if err != nil {
		return time.Time{}, badField(field, "must be a date YYYY-MM-DD")
	}
	return d, nil
}

// badField is a 422 naming a field of the body, as the API answers a refused value.
func badField(field, problem string) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input", Message: "field " + field + " " + problem,
		MessageZH: "字段 " + field + " 有误：" + problem, Extra: map[string]any{"field": field}}
}

// registrationError turns the Register's refusal of a value into a 422 naming the field; a site it does
// not know is the site's 404.
func registrationError(err error) error {
	var fe *floorplan.FieldError
	if errors.As(err, &fe) {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input", Message: fe.Message,
			MessageZH: "字段 " + fe.Field + " 有误：" + fe.Message,
			Extra:     map[string]any{"field": fe.Field, "reason": string(fe.Reason)}, Err: err}
	}
	return about("site", err)
}

func registrationOut(reg floorplan.Registration) registrationJSON {
	out := registrationJSON{SiteID: reg.SiteID, State: string(reg.State), Steps: make([]filingStepJSON, 0, len(reg.Steps)),
		History: make([]stateJSON, 0, len(reg.History))}
	for _, s := range reg.Steps {
		at := s.RecordedAt
		out.Steps = append(out.Steps, filingStepJSON{Step: string(s.Step), Date: dayOut(s.Date), Start: dayOut(s.Start),
			End: dayOut(s.End), Number: s.Number, Form: s.Form, DocumentIDs: idsOut(s.DocumentIDs), Note: s.Note,
			RecordedAt: &at, RecordedBy: s.RecordedBy})
	}
	for _, c := range reg.History {
		at := c.RecordedAt
		out.History = append(out.History, stateJSON{State: string(c.State), Effective: dayOut(c.Effective), Reason: c.Reason,
			RecordedAt: &at, RecordedBy: c.RecordedBy})
	}
	return out
}

func timelineEventOut(e floorplan.TimelineEvent) timelineEventJSON {
	return timelineEventJSON{ID: e.ID, Date: dayOut(e.Date), Kind: string(e.Kind), Source: e.Source, Title: e.Title,
		TitleEN: e.TitleEN, Note: e.Note, Entity: string(e.Entity), EntityID: e.EntityID, DocumentIDs: idsOut(e.DocumentIDs),
		RecordedBy: e.RecordedBy}
}

// idsOut is ids, never null.
func idsOut(ids []uuid.UUID) []uuid.UUID {
	if ids == nil {
		return []uuid.UUID{}
	}
	return ids
}

// visibleSite reads the site of {id} and checks that the caller sees it (404 otherwise).
func (s *Server) visibleSite(r *http.Request) (floorplan.Site, scope, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return floorplan.Site{}, scope{}, err
	}
	ctx := r.Context()
	site, err := s.store.Site(ctx, id)
	if err != nil {
		return site, scope{}, about("site", err)
	}
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return site, sc, err
	}
	if ok, err := s.documentVisible(ctx, sc, floorplan.Document{SubjectType: floorplan.SubjectSite, SubjectID: id}); err != nil {
		return site, sc, err
	} else if !ok {
		return site, sc, s.denyRead(ctx, "site", id)
	}
	return site, sc, nil
}

// writeRegistration answers with the registration of site id as it is now.
func (s *Server) writeRegistration(w http.ResponseWriter, r *http.Request, id uuid.UUID, status int) error {
	site, err := s.store.Site(r.Context(), id)
	if err != nil {
		return about("site", err)
	}
	reg, err := floorplan.ReadRegistration(r.Context(), s.store, site)
	if err != nil {
		return err
	}
	return writeJSON(w, status, registrationOut(reg))
}

// getRegistration serves GET /api/v1/sites/{id}/registration.
func (s *Server) getRegistration(w http.ResponseWriter, r *http.Request) error {
	site, _, err := s.visibleSite(r)
	if err != nil {
		return err
	}
	return s.writeRegistration(w, r, site.ID, http.StatusOK)
}

// setRegistration serves POST /api/v1/sites/{id}/registration.
func (s *Server) setRegistration(w http.ResponseWriter, r *http.Request) error {
	site, _, err := s.visibleSite(r)
	if err != nil {
		return err
	}
	var in stateJSON
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	eff, err := dayIn("effective", in.Effective)
	if err != nil {
		return err
	}
	c := floorplan.RegistrationChange{SiteID: site.ID, State: floorplan.OwnershipStatus(in.State), Effective: eff, Reason: in.Reason}
	if _, err := s.register.SetRegistration(r.Context(), &c); err != nil {
		return registrationError(err)
	}
	return s.writeRegistration(w, r, site.ID, http.StatusOK)
}

// recordFilingStep serves POST /api/v1/sites/{id}/registration/steps.
func (s *Server) recordFilingStep(w http.ResponseWriter, r *http.Request) error {
	site, _, err := s.visibleSite(r)
	if err != nil {
		return err
	}
	var in filingStepJSON
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	st := floorplan.FilingStep{SiteID: site.ID, Step: floorplan.FilingStepKind(in.Step), Number: in.Number, Form: in.Form,
		DocumentIDs: in.DocumentIDs, Note: in.Note}
	for _, d := range []struct {
		field string
		in    *string
		out   *time.Time
	}{{"date", in.Date, &st.Date}, {"start", in.Start, &st.Start}, {"end", in.End, &st.End}} {
		if *d.out, err = dayIn(d.field, d.in); err != nil {
			return err
		}
	}
	if _, err := s.register.RecordFilingStep(r.Context(), &st); err != nil {
		return registrationError(err)
	}
	w.Header().Set("Location", "/api/v1/sites/"+site.ID.String()+"/registration")
	return s.writeRegistration(w, r, site.ID, http.StatusCreated)
}

// timeline serves GET /api/v1/sites/{id}/timeline: the events the caller may see (the rooms of their scope;
// people's assignments only to those who see personal data), oldest first.
func (s *Server) timeline(w http.ResponseWriter, r *http.Request) error {
	site, sc, err := s.visibleSite(r)
	if err != nil {
		return err
	}
	events, err := floorplan.BuildTimeline(r.Context(), s.store, site, timelineScope(sc))
	if err != nil {
		return err
	}
	out := make([]timelineEventJSON, len(events))
	for i, e := range events {
		out[i] = timelineEventOut(e)
	}
	return writeJSON(w, http.StatusOK, out)
}

// timelineScope is what of a property's timeline sc shows.
func timelineScope(sc scope) floorplan.TimelineScope {
	if sc.all {
		return floorplan.TimelineScope{Assignments: sc.personal}
	}
	return floorplan.TimelineScope{Building: sc.building, Room: sc.room, Assignments: sc.personal}
}

// addTimelineEvent serves POST /api/v1/sites/{id}/timeline.
func (s *Server) addTimelineEvent(w http.ResponseWriter, r *http.Request) error {
	site, _, err := s.visibleSite(r)
	if err != nil {
		return err
	}
	var in timelineEventJSON
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	day, err := dayIn("date", in.Date)
	if err != nil {
		return err
	}
	e := floorplan.TimelineEvent{SiteID: site.ID, Date: day, Kind: floorplan.TimelineKind(in.Kind), Title: in.Title, Note: in.Note,
		DocumentIDs: in.DocumentIDs}
	if _, err := s.register.AddTimelineEvent(r.Context(), &e); err != nil {
		return registrationError(err)
	}
	w.Header().Set("Location", "/api/v1/sites/"+site.ID.String()+"/timeline")
	return writeJSON(w, http.StatusCreated, timelineEventOut(e))
}
