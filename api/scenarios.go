package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/geo"
)

// Allocation scenarios (what-if before approval) over HTTP:
//
//	POST /api/v1/scenarios/evaluate  {"changes":[…],"application_id"?}  → before/after, nothing written
//	POST /api/v1/scenarios/apply     {"changes":[…],"override_reason"?,"reason"?}  → the Changes
//
// Each change names its records by id with the version it was drafted at (floorplan.ScenarioChange); a
// split's cut is a GeoJSON LineString in lon/lat (crs=local: the building's local frame). A record outside
// the caller's scope is 404; a change that cannot be made is 422 naming its index and field; applying a
// scenario whose records changed since drafted is 409 naming them.

// scenarioChangeIn is one change of a scenario on the wire.
type scenarioChangeIn struct {
	Op                string          `json:"op"`
	AssignmentID      uuid.UUID       `json:"assignment_id"`
	AssignmentVersion int64           `json:"assignment_version"`
	PersonID          uuid.UUID       `json:"person_id"`
	PersonVersion     int64           `json:"person_version"`
	RoomID            uuid.UUID       `json:"room_id"`
	RoomVersion       int64           `json:"room_version"`
	OtherRoomID       uuid.UUID       `json:"other_room_id"`
	OtherRoomVersion  int64           `json:"other_room_version"`
	AgencyID          uuid.UUID       `json:"agency_id"`
	Kind              string          `json:"kind"`
	Cut               json.RawMessage `json:"cut"`
}

// scenarioIn is the body of both routes.
type scenarioIn struct {
	Changes        []scenarioChangeIn `json:"changes"`
	ApplicationID  string             `json:"application_id"`
	OverrideReason string             `json:"override_reason"`
	Reason         string             `json:"reason"`
}

// scenarioApplyOut is the answer of an apply.
type scenarioApplyOut struct {
	Revision   int64                     `json:"revision"`
	Rooms      []floorplan.RoomResult    `json:"rooms"`
	Evaluation *floorplan.ScenarioResult `json:"evaluation"`
}

// readScenario reads the body and checks every record it names against the caller's scope.
func (s *Server) readScenario(r *http.Request) (floorplan.Scenario, scenarioIn, scope, error) {
	var in scenarioIn
	if err := decodeBody(r, &in); err != nil {
		return floorplan.Scenario{}, in, scope{}, err
	}
	scn, sc, err := s.scenarioFrom(r, in)
	return scn, in, sc, err
}

// scenarioFrom turns a scenario's body into the register's, checking every record it names against the
// caller's scope.
func (s *Server) scenarioFrom(r *http.Request, in scenarioIn) (floorplan.Scenario, scope, error) {
	if n := len(in.Changes); n == 0 || n > floorplan.MaxScenarioChanges {
		return floorplan.Scenario{}, scope{}, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
			Message:   fmt.Sprintf("a scenario takes 1 to %d changes, not %d", floorplan.MaxScenarioChanges, n),
			MessageZH: fmt.Sprintf("一个方案须包含 1 至 %d 项变更，而不是 %d 项", floorplan.MaxScenarioChanges, n),
			Extra:     map[string]any{"field": "changes"}}
	}
	local, err := crsLocal(r)
	if err != nil {
		return floorplan.Scenario{}, scope{}, err
	}
	ctx := r.Context()
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return floorplan.Scenario{}, scope{}, err
	}
	out := floorplan.Scenario{ApplicationID: in.ApplicationID, Changes: make([]floorplan.ScenarioChange, len(in.Changes))}
	for i, ch := range in.Changes {
		c := floorplan.ScenarioChange{Op: floorplan.ScenarioOp(ch.Op), AssignmentID: ch.AssignmentID,
			AssignmentVersion: ch.AssignmentVersion, PersonID: ch.PersonID, PersonVersion: ch.PersonVersion,
			RoomID: ch.RoomID, RoomVersion: ch.RoomVersion, OtherRoomID: ch.OtherRoomID,
			OtherRoomVersion: ch.OtherRoomVersion, AgencyID: ch.AgencyID, Kind: floorplan.AssignmentKind(ch.Kind)}
		if err := s.scenarioInScope(ctx, sc, c); err != nil {
			return out, sc, scenarioChangeFailed(i, "", err)
		}
		if c.Op == floorplan.ScenarioSplit && ch.RoomID != uuid.Nil {
			if c.Cut, err = s.scenarioCut(ctx, ch, local); err != nil {
				return out, sc, scenarioChangeFailed(i, "cut", err)
			}
		}
		out.Changes[i] = c
	}
	return out, sc, nil
}

// scenarioCut reads a split's cut in the frame of its room's building.
func (s *Server) scenarioCut(ctx context.Context, ch scenarioChangeIn, local bool) (floorplan.Line, error) {
	if isNull(ch.Cut) {
		return floorplan.Line{}, badRequest("a split needs cut: a GeoJSON LineString across the room")
	}
	wire, err := parseLineString(ch.Cut, "cut")
	if err != nil {
		return floorplan.Line{}, err
	}
	room, err := s.store.Room(ctx, ch.RoomID)
	if err != nil {
		return floorplan.Line{}, nil // the register names the unknown room
	}
	_, p, err := s.floorFrame(ctx, room.FloorID, local)
	if err != nil {
		return floorplan.Line{}, nil // the register names the room on no floor
	}
	return p.lineIn(wire)
}

// scenarioInScope answers 404 for a record the change names that the caller may not see; an unknown
// record passes, for the register to refuse naming the change's field (422).
func (s *Server) scenarioInScope(ctx context.Context, sc scope, ch floorplan.ScenarioChange) error {
	for _, id := range []uuid.UUID{ch.RoomID, ch.OtherRoomID} {
		if id == uuid.Nil {
			continue
		}
		if room, err := s.store.Room(ctx, id); err == nil && !sc.room(room) {
			return s.denyRead(ctx, "room", id)
		}
	}
	if ch.PersonID != uuid.Nil {
		if p, err := s.store.Person(ctx, ch.PersonID); err == nil && !sc.agency(p.AgencyID) {
			return s.denyRead(ctx, "person", p.ID)
		}
	}
	if ch.AssignmentID != uuid.Nil {
		if a, err := s.store.Assignment(ctx, ch.AssignmentID); err == nil {
			if ok, err := s.assignmentVisible(ctx, sc)(a); err != nil {
				return err
			} else if !ok {
				return s.denyRead(ctx, "assignment", a.ID)
			}
		}
	}
	if ch.AgencyID != uuid.Nil && !sc.agency(ch.AgencyID) {
		if _, err := s.store.Agency(ctx, ch.AgencyID); err == nil {
			return s.denyRead(ctx, "agency", ch.AgencyID)
		}
	}
	return nil
}

// scenarioChangeFailed adds the change's index (and field, when known) to err as the adapter maps it.
func scenarioChangeFailed(i int, field string, err error) error {
	ae := toAPIError(err)
	out := *ae
	out.Extra = map[string]any{}
	for k, v := range ae.Extra {
		out.Extra[k] = v
	}
	out.Extra["index"] = i
	if field != "" {
		out.Extra["field"] = field
	}
	out.Message = fmt.Sprintf("change %d: %s", i, ae.Message)
	if ae.MessageZH != "" {
		out.MessageZH = fmt.Sprintf("第 %d 项变更：%s", i+1, ae.MessageZH)
	}
	if out.Err == nil {
		out.Err = err
	}
	return &out
}

// scenarioError maps the register's refusals of a scenario.
func scenarioError(err error) error {
	var se *floorplan.ScenarioError
	if errors.As(err, &se) {
		var split *geo.SplitError
		ae := toAPIError(se.Err)
		switch {
		case errors.Is(se.Err, floorplan.ErrNotFound): // an unknown record named by a change: bad input
			ae = &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
				Message: se.Field + " names no record", MessageZH: se.Field + " 指向的记录不存在", Err: err}
		case errors.As(se.Err, &split):
			ae = &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_split", Message: split.Message,
				MessageZH: split.ZH, Extra: map[string]any{"reason": split.Reason}, Err: err}
		case ae.Status >= 500:
			return err
		case ae.Status != http.StatusForbidden:
			c := *ae
			c.Status = http.StatusUnprocessableEntity
			ae = &c
		}
		return scenarioChangeFailed(se.Index, se.Field, ae)
	}
	var ce *floorplan.ScenarioConflictError
	if errors.As(err, &ce) {
		return &apiError{Status: http.StatusConflict, Code: "conflict",
			Message:   "nothing was applied: " + ce.Error(),
			MessageZH: "未应用任何变更：方案起草后以下记录已被修改，请重新评估",
			Extra:     map[string]any{"records": ce.Records}, Err: err}
	}
	var fe *floorplan.FieldError
	if errors.As(err, &fe) && fe.Field == "override_reason" && fe.Reason == floorplan.FieldOverrideRequired {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "override_required",
			Message:   "the scenario creates an over-standard finding: give override_reason to apply it",
			MessageZH: "该方案将产生超标问题：须填写 override_reason（超标审批理由）方可应用",
			Extra:     map[string]any{"field": "override_reason"}, Err: err}
	}
	return err
}

// scopedScenario keeps of res what sc shows: rooms, people and findings of visible agencies, without
// names when the scope has no personal data.
func scopedScenario(res *floorplan.ScenarioResult, sc scope) *floorplan.ScenarioResult {
	out := *res
	out.Rooms = []floorplan.ScenarioRoom{}
	for _, r := range res.Rooms {
		x := r.After
		if x == nil {
			x = r.Before
		}
		if x != nil && sc.roomAt(x.AgencyID, x.FloorID) {
			out.Rooms = append(out.Rooms, r)
		}
	}
	out.People = []floorplan.ScenarioPerson{}
	for _, p := range res.People {
		x := p.After
		if x == nil {
			x = p.Before
		}
		if x != nil && sc.agency(x.AgencyID) {
			out.People = append(out.People, p)
		}
	}
	keep := func(fs []floorplan.Finding) []floorplan.Finding {
		kept := []floorplan.Finding{}
		for _, f := range fs {
			if sc.agency(f.AgencyID) {
				kept = append(kept, f)
			}
		}
		return kept
	}
	out.Appeared, out.Disappeared = keep(res.Appeared), keep(res.Disappeared)
	return &out
}

func (s *Server) evaluateScenario(w http.ResponseWriter, r *http.Request) error {
	scn, _, sc, err := s.readScenario(r)
	if err != nil {
		return err
	}
	res, err := s.register.EvaluateScenario(r.Context(), scn)
	if err != nil {
		return scenarioError(err)
	}
	return writeJSON(w, http.StatusOK, scopedScenario(res, sc))
}

func (s *Server) applyScenario(w http.ResponseWriter, r *http.Request) error {
	scn, in, sc, err := s.readScenario(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if in.Reason != "" {
		ctx = floorplan.WithReason(ctx, in.Reason)
	}
	res, c, err := s.register.ApplyScenario(ctx, scn, in.OverrideReason)
	if c, err = s.afterWrite(ctx, c, err); err != nil {
		return scenarioError(err)
	}
	out := scenarioApplyOut{Revision: c.Revision, Rooms: []floorplan.RoomResult{}, Evaluation: scopedScenario(res, sc)}
	for _, room := range c.Rooms {
		if sc.roomAt(room.AgencyID, room.FloorID) {
			out.Rooms = append(out.Rooms, room)
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// scenarioSchema is the OpenAPI schema of a scenario's body (scenarioIn), written out.
func scenarioSchema() map[string]any {
	id := func(d string) map[string]any {
		return map[string]any{"type": "string", "format": "uuid", "description": d}
	}
	ver := func(d string) map[string]any {
		return map[string]any{"type": "integer", "minimum": 1, "description": d}
	}
	return map[string]any{"type": "object", "required": []string{"changes"},
		"properties": map[string]any{
			"application_id":  map[string]any{"type": "string", "description": "the application the scenario answers (echoed)"},
			"override_reason": map[string]any{"type": "string", "description": "apply: why an over-standard finding the scenario creates is accepted (required then)"},
			"reason":          map[string]any{"type": "string", "description": "apply: the reason kept in the history"},
			"changes": map[string]any{"type": "array", "minItems": 1, "maxItems": floorplan.MaxScenarioChanges,
				"items": map[string]any{"type": "object", "required": []string{"op"},
					"properties": map[string]any{
						"op":                 map[string]any{"type": "string", "enum": []string{"move", "assign", "end", "set_agency", "split", "merge"}},
						"assignment_id":      id("move, end: the assignment"),
						"assignment_version": ver("its version when drafted"),
						"person_id":          id("assign: the person"),
						"person_version":     ver("their version when drafted"),
						"room_id":            id("move, assign: the room moved to; set_agency, split, merge: the room"),
						"room_version":       ver("its version when drafted"),
						"other_room_id":      id("merge: the vacant neighbour merged into room_id"),
						"other_room_version": ver("its version when drafted"),
						"agency_id":          id("set_agency: the agency (absent: none)"),
						"kind":               map[string]any{"type": "string", "description": "move, assign: the assignment's kind (default: the old one, or main)"},
						"cut":                map[string]any{"type": "object", "description": "split: a GeoJSON LineString across the room"},
					}}}}}
}

// scenarioResultSchema is the OpenAPI schema of an evaluation (floorplan.ScenarioResult), written out.
func scenarioResultSchema() map[string]any {
	obj := map[string]any{"type": "object"}
	arr := func(d string) map[string]any { return map[string]any{"type": "array", "items": obj, "description": d} }
	return map[string]any{"type": "object", "properties": map[string]any{
		"as_of":             map[string]any{"type": "string", "format": "date-time"},
		"application_id":    map[string]any{"type": "string"},
		"rooms":             arr("room_id, before and after (null: the room does not exist then): status, per_person_m2, occupants"),
		"people":            arr("person_id, before and after: office_area_m2 against standard_m2"),
		"appeared":          arr("findings the scenario creates (rule_id, message, message_en…)"),
		"disappeared":       arr("findings the scenario removes"),
		"new_over_standard": map[string]any{"type": "boolean", "description": "applying needs override_reason"},
		"stale":             arr("records changed since drafted (entity, id, drafted_version, current_version)"),
	}}
}

// scenarioApplyResultSchema is the OpenAPI schema of an apply's answer (scenarioApplyOut).
func scenarioApplyResultSchema() map[string]any {
	return map[string]any{"type": "object", "properties": map[string]any{
		"revision":   map[string]any{"type": "integer"},
		"rooms":      map[string]any{"type": "array", "items": map[string]any{"type": "object"}, "description": "the new state today of the rooms the scenario moved"},
		"evaluation": scenarioResultSchema(),
	}}
}
