package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan"
)

// An allocation's scenario on its application (floorplan/application_scenario.go):
//
//	PUT /api/v1/applications/{id}/scenario  {"changes":[…],"comment"?}  → {"application","evaluation"}
//	GET /api/v1/applications/{id}/scenario  → {"changes","evaluation"} (once applied: "applied_at" and the
//	                                          evaluation at approval)
//
// The body's changes are those of POST /api/v1/scenarios/evaluate (api/scenarios.go), with the same
// errors. Proposing is the bureau's at the allocation's review (the permission hook checks the step's
// role, Request.Role); reading is scoped like GET /api/v1/applications/{id}. Approving the application
// (POST …/actions, override_reason) applies the scenario; handing over its handling issues the usage
// certificate.

// applicationScenarioIn is the body of PUT /api/v1/applications/{id}/scenario.
type applicationScenarioIn struct {
	scenarioIn
	Comment string `json:"comment"`
}

// applicationScenarioOut is the answer of PUT /api/v1/applications/{id}/scenario.
type applicationScenarioOut struct {
	Application applicationJSON           `json:"application"`
	Evaluation  *floorplan.ScenarioResult `json:"evaluation"`
}

// scenarioChangeOut is a stored change on the wire: as the PUT's body has it, a split's cut a GeoJSON
// LineString (lon/lat, or crs=local). A change naming a record outside the caller's scope shows its op
// only (hidden).
type scenarioChangeOut struct {
	Op                string            `json:"op"`
	Hidden            bool              `json:"hidden,omitempty"`
	AssignmentID      uuid.UUID         `json:"assignment_id,omitzero"`
	AssignmentVersion int64             `json:"assignment_version,omitempty"`
	PersonID          uuid.UUID         `json:"person_id,omitzero"`
	PersonVersion     int64             `json:"person_version,omitempty"`
	RoomID            uuid.UUID         `json:"room_id,omitzero"`
	RoomVersion       int64             `json:"room_version,omitempty"`
	OtherRoomID       uuid.UUID         `json:"other_room_id,omitzero"`
	OtherRoomVersion  int64             `json:"other_room_version,omitempty"`
	AgencyID          uuid.UUID         `json:"agency_id,omitzero"`
	Kind              string            `json:"kind,omitempty"`
	Cut               *geojson.Geometry `json:"cut,omitempty"`
}

// evaluationErrorJSON says why a stored scenario no longer evaluates on today's register.
type evaluationErrorJSON struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageZH string `json:"message_zh,omitempty"`
}

// storedScenarioOut is the answer of GET /api/v1/applications/{id}/scenario.
type storedScenarioOut struct {
	Changes    []scenarioChangeOut `json:"changes"`
	ProposedAt time.Time           `json:"proposed_at"`
	ProposedBy string              `json:"proposed_by"`
	AppliedAt  *time.Time          `json:"applied_at,omitempty"`
	// OverrideReason is the reason recorded at approval, GrantedRoomIDs the rooms the scenario gave the
	// agency (those of the usage certificate); both once applied.
	OverrideReason string      `json:"override_reason,omitempty"`
	GrantedRoomIDs []uuid.UUID `json:"granted_room_ids,omitempty"`
	// Evaluation is today's before it is applied, the one at approval after; null when it no longer
	// evaluates (EvaluationError says why).
	Evaluation      *floorplan.ScenarioResult `json:"evaluation"`
	EvaluationError *evaluationErrorJSON      `json:"evaluation_error,omitempty"`
}

// putApplicationScenario serves PUT /api/v1/applications/{id}/scenario: proposes the scenario.
func (s *Server) putApplicationScenario(w http.ResponseWriter, r *http.Request) error {
	a, err := s.visibleApplication(r)
	if err != nil {
		return err
	}
	var in applicationScenarioIn
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	scn, sc, err := s.scenarioFrom(r, in.scenarioIn)
	if err != nil {
		return err
	}
	got, res, err := s.register.ProposeScenario(r.Context(), a.ID, scn, in.Comment)
	if err != nil {
		return stepError(about("application", scenarioError(err)))
	}
	return writeJSON(w, http.StatusOK, applicationScenarioOut{Application: s.applicationOut(got, time.Now()),
		Evaluation: scopedScenario(res, sc)})
}

// getApplicationScenario serves GET /api/v1/applications/{id}/scenario: the stored scenario and its
// evaluation (today's, or the one at approval once applied).
func (s *Server) getApplicationScenario(w http.ResponseWriter, r *http.Request) error {
	a, err := s.visibleApplication(r)
	if err != nil {
		return err
	}
	if a.Scenario == nil {
		return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "the application has no scenario",
			MessageZH: "该申请尚无调配方案"}
	}
	local, err := crsLocal(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return err
	}
	stored := a.Scenario
	out := storedScenarioOut{ProposedAt: stored.ProposedAt, ProposedBy: stored.ProposedBy}
	if out.Changes, err = s.scenarioChangesOut(ctx, sc, stored.Changes, local); err != nil {
		return err
	}
	if stored.Applied() {
		at := stored.AppliedAt
		out.AppliedAt, out.OverrideReason, out.GrantedRoomIDs = &at, stored.OverrideReason, stored.Granted
		if stored.Evaluation != nil {
			out.Evaluation = scopedScenario(stored.Evaluation, sc)
		}
		return writeJSON(w, http.StatusOK, out)
	}
	res, err := s.register.EvaluateScenario(ctx, stored.Scenario(a.ID))
	if err != nil {
		ae := toAPIError(scenarioError(err))
		if ae.Status >= 500 {
			return err
		}
		out.EvaluationError = &evaluationErrorJSON{Code: ae.Code, Message: ae.Message, MessageZH: ae.MessageZH}
		return writeJSON(w, http.StatusOK, out)
	}
	out.Evaluation = scopedScenario(res, sc)
	return writeJSON(w, http.StatusOK, out)
}

// scenarioChangesOut puts stored changes on the wire for the caller's scope.
func (s *Server) scenarioChangesOut(ctx context.Context, sc scope, changes []floorplan.ScenarioChange, local bool) ([]scenarioChangeOut, error) {
	out := make([]scenarioChangeOut, len(changes))
	for i, ch := range changes {
		visible, err := s.changeVisible(ctx, sc, ch)
		if err != nil {
			return nil, err
		}
		if !visible {
			out[i] = scenarioChangeOut{Op: string(ch.Op), Hidden: true}
			continue
		}
		out[i] = scenarioChangeOut{Op: string(ch.Op), AssignmentID: ch.AssignmentID, AssignmentVersion: ch.AssignmentVersion,
			PersonID: ch.PersonID, PersonVersion: ch.PersonVersion, RoomID: ch.RoomID, RoomVersion: ch.RoomVersion,
			OtherRoomID: ch.OtherRoomID, OtherRoomVersion: ch.OtherRoomVersion, AgencyID: ch.AgencyID, Kind: string(ch.Kind)}
		if len(ch.Cut.LineString) > 0 {
			out[i].Cut = s.cutOut(ctx, ch, local)
		}
	}
	return out, nil
}

// cutOut converts a split's stored cut (local metres) to the wire in the frame of its room's building;
// nil when the room is gone (a split applied).
func (s *Server) cutOut(ctx context.Context, ch floorplan.ScenarioChange, local bool) *geojson.Geometry {
	room, err := s.store.Room(ctx, ch.RoomID)
	if err != nil {
		return nil
	}
	_, p, err := s.floorFrame(ctx, room.FloorID, local)
	if err != nil {
		return nil
	}
	conv := func(pt orb.Point) orb.Point { return orb.Point{pt[0] / p.unit, pt[1] / p.unit} }
	if !p.local {
		conv = p.frame.ToLonLat
	}
	ls := make(orb.LineString, len(ch.Cut.LineString))
	for i, pt := range ch.Cut.LineString {
		ls[i] = conv(pt)
	}
	return geojson.NewGeometry(ls)
}

// changeVisible reports whether every record a stored change names that still exists is in the caller's
// scope (as scenarioInScope, without auditing a refusal: the change is shown hidden instead).
func (s *Server) changeVisible(ctx context.Context, sc scope, ch floorplan.ScenarioChange) (bool, error) {
	if sc.all {
		return true, nil
	}
	for _, id := range []uuid.UUID{ch.RoomID, ch.OtherRoomID} {
		if id == uuid.Nil {
			continue
		}
		if room, err := s.store.Room(ctx, id); err == nil && !sc.room(room) {
			return false, nil
		}
	}
	if ch.PersonID != uuid.Nil {
		if p, err := s.store.Person(ctx, ch.PersonID); err == nil && !sc.agency(p.AgencyID) {
			return false, nil
		}
	}
	if ch.AssignmentID != uuid.Nil {
		if a, err := s.store.Assignment(ctx, ch.AssignmentID); err == nil {
			if ok, err := s.assignmentVisible(ctx, sc)(a); err != nil || !ok {
				return false, err
			}
		}
	}
	return ch.AgencyID == uuid.Nil || sc.agency(ch.AgencyID), nil
}

// scenarioActionError maps the refusals of an allocation's approval that concern its scenario as
// /scenarios/apply does: a conflict naming the records changed since proposed (409, nothing applied), a
// change that no longer evaluates (422 naming it). The rest (override_reason, 422 naming the field) goes on.
func scenarioActionError(err error) error {
	var ce *floorplan.ScenarioConflictError
	var se *floorplan.ScenarioError
	if errors.As(err, &ce) || errors.As(err, &se) {
		return scenarioError(err)
	}
	return err
}

// applicationScenarioSchema is the OpenAPI schema of PUT /api/v1/applications/{id}/scenario's body: a
// scenario's with an optional comment.
func applicationScenarioSchema() map[string]any {
	sch := scenarioSchema()
	props := map[string]any{"comment": map[string]any{"type": "string", "maxLength": 2000, "description": "the trail's comment on the proposal"}}
	for k, v := range sch["properties"].(map[string]any) {
		if k == "changes" {
			props[k] = v
		}
	}
	sch["properties"] = props
	return sch
}

// applicationScenarioOutSchema is the OpenAPI schema of the PUT's answer.
func applicationScenarioOutSchema() map[string]any {
	return map[string]any{"type": "object", "properties": map[string]any{
		"application": ref("Application"),
		"evaluation":  scenarioResultSchema(),
	}}
}

// storedScenarioSchema is the OpenAPI schema of GET /api/v1/applications/{id}/scenario's answer.
func storedScenarioSchema() map[string]any {
	obj := map[string]any{"type": "object"}
	return map[string]any{"type": "object", "properties": map[string]any{
		"changes":          map[string]any{"type": "array", "items": obj, "description": "the changes as proposed (a change naming a record outside your scope: op and hidden only)"},
		"proposed_at":      map[string]any{"type": "string", "format": "date-time"},
		"proposed_by":      map[string]any{"type": "string"},
		"applied_at":       map[string]any{"type": "string", "format": "date-time", "description": "when the approval applied it"},
		"override_reason":  map[string]any{"type": "string"},
		"granted_room_ids": map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "uuid"}, "description": "the rooms the applied scenario gave the agency (the usage certificate's)"},
		"evaluation":       scenarioResultSchema(),
		"evaluation_error": map[string]any{"type": "object", "description": "why the scenario no longer evaluates on today's register (code, message)"},
	}}
}
