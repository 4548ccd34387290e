package api_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// Allocation scenarios: POST /api/v1/scenarios/evaluate and /apply.

// scenarioOut is the part of an evaluation the tests read.
type scenarioOut struct {
	ApplicationID string `json:"application_id"`
	Appeared      []struct {
		RuleID   string    `json:"rule_id"`
		PersonID uuid.UUID `json:"person_id"`
		Message  string    `json:"message"`
	} `json:"appeared"`
	NewOverStandard bool `json:"new_over_standard"`
	Rooms           []struct {
		RoomID uuid.UUID `json:"room_id"`
		After  *struct {
			Status string `json:"status"`
		} `json:"after"`
	} `json:"rooms"`
}

// assignmentVersion reads an assignment's version and end through r.
func assignmentVersion(t *testing.T, r requester, id uuid.UUID) (int64, string) {
	t.Helper()
	var a struct {
		Version int64  `json:"version"`
		End     string `json:"end"`
	}
	r.do("GET", "/api/v1/assignments/"+id.String(), nil).expect(t, 200).decode(t, &a)
	return a.Version, a.End
}

// TestScenarioAPI, on both stores: a move into a larger office shows the over-standard finding appearing
// and writes nothing; apply is refused without override_reason, accepted with it, then a conflict naming
// the assignment; a split and a merge are applied; bad input is 422 naming the change and field.
func TestScenarioAPI(t *testing.T) {
	for _, kind := range []string{"gpkg", "postgis"} {
		t.Run(kind, func(t *testing.T) {
			e := storeEnv(t, kind)
			f := e.fixture()
			ag := newAgency(t, e, "调配测试局 "+kind, nil)
			// A 正处级 official of a 市级 agency, moved from 9 m² into a 30 m² office (the case).
			p := e.do("POST", "/api/v1/people", map[string]any{"name": "王五", "agency_id": ag, "rank": "division", "title": "局长"}).created(t)
			small := agencyRoom(t, e, f, "S1", ag, rect(0, 0, 3, 3))
			big := agencyRoom(t, e, f, "B1", ag, rect(3, 0, 9, 5)) // 30 m²
			spare := agencyRoom(t, e, f, "V1", ag, rect(9, 0, 13, 4))
			asg := assignMain(t, e, p, small)
			av, _ := assignmentVersion(t, e, asg)
			bv, _ := roomNow(t, e, big)
			move := map[string]any{"op": "move", "assignment_id": asg, "assignment_version": av, "room_id": big, "room_version": bv}

			var ev scenarioOut
			e.do("POST", "/api/v1/scenarios/evaluate", map[string]any{"changes": []any{move}, "application_id": "A-17"}).
				expect(t, 200).decode(t, &ev)
			found := false
			for _, fd := range ev.Appeared {
				found = found || (fd.RuleID == "person.over_standard" && fd.PersonID == p && fd.Message != "")
			}
			if !found || !ev.NewOverStandard || ev.ApplicationID != "A-17" {
				t.Fatalf("evaluation: %+v; want person.over_standard of %s appearing", ev, p)
			}
			if v, end := assignmentVersion(t, e, asg); v != av || end != "" {
				t.Fatalf("the evaluation wrote the assignment: v%d end %q", v, end)
			}

			er := e.do("POST", "/api/v1/scenarios/apply", map[string]any{"changes": []any{move}}).
				expectError(t, 422, "override_required")
			if er["field"] != "override_reason" {
				t.Errorf("the refusal names %v, want override_reason", er["field"])
			}
			if v, _ := assignmentVersion(t, e, asg); v != av {
				t.Fatalf("a refused apply wrote the assignment: v%d", v)
			}

			var out struct {
				Revision int64 `json:"revision"`
				Rooms    []struct {
					RoomID uuid.UUID `json:"room_id"`
					Status string    `json:"status"`
				} `json:"rooms"`
			}
			e.do("POST", "/api/v1/scenarios/apply?reason=调配", map[string]any{"changes": []any{move},
				"override_reason": "领导批准"}).expect(t, 200).decode(t, &out)
			over := false
			for _, r := range out.Rooms {
				over = over || (r.RoomID == big && r.Status == "over_standard")
			}
			if !over || out.Revision == 0 {
				t.Fatalf("apply: %+v; want room B1 over standard", out)
			}
			if v, end := assignmentVersion(t, e, asg); v == av || end == "" {
				t.Fatalf("the old assignment after the apply: v%d end %q", v, end)
			}
			var hist []struct {
				Reason string `json:"reason"`
			}
			e.do("GET", "/api/v1/assignments/"+asg.String()+"/history", nil).expect(t, 200).decode(t, &hist)
			if n := len(hist); n == 0 || !strings.Contains(hist[n-1].Reason, "调配") || !strings.Contains(hist[n-1].Reason, "领导批准") {
				t.Errorf("the history of the ended assignment: %+v; want the reason and the override reason", hist)
			}

			er = e.do("POST", "/api/v1/scenarios/apply", map[string]any{"changes": []any{move}, "override_reason": "x"}).
				expectError(t, 409, "conflict")
			recs, _ := er["records"].([]any)
			if len(recs) == 0 || recs[0].(map[string]any)["id"] != asg.String() {
				t.Errorf("the conflict names %v, want assignment %s", er["records"], asg)
			}

			e.do("POST", "/api/v1/scenarios/evaluate", map[string]any{"changes": []any{
				map[string]any{"op": "set_agency", "room_id": uuid.New(), "room_version": 1}}}).
				expectError(t, 422, "invalid_input")
			er = e.do("POST", "/api/v1/scenarios/evaluate?crs=local", map[string]any{"changes": []any{
				map[string]any{"op": "split", "room_id": spare, "room_version": 1,
					"cut": map[string]any{"type": "LineString", "coordinates": [][]float64{{50, 50}, {51, 51}}}}}}).
				expectError(t, 422, "invalid_split")
			if er["index"] != 0.0 || er["field"] != "cut" {
				t.Errorf("a cut that misses: index %v field %v", er["index"], er["field"])
			}

			sv, _ := roomNow(t, e, spare)
			e.do("POST", "/api/v1/scenarios/apply?crs=local", map[string]any{"changes": []any{
				map[string]any{"op": "split", "room_id": spare, "room_version": sv,
					"cut": map[string]any{"type": "LineString", "coordinates": [][]float64{{11, -1}, {11, 5}}}}}}).expect(t, 200)
			var pieces []uuid.UUID
			var versions []int64
			for _, r := range e.rooms(f).Features {
				if r.Properties.Number == "V1-1" || r.Properties.Number == "V1-2" {
					pieces, versions = append(pieces, r.ID), append(versions, r.Properties.Version)
				}
			}
			if len(pieces) != 2 {
				t.Fatalf("pieces after the split: %v", pieces)
			}
			e.do("POST", "/api/v1/scenarios/apply", map[string]any{"changes": []any{
				map[string]any{"op": "merge", "room_id": pieces[0], "room_version": versions[0],
					"other_room_id": pieces[1], "other_room_version": versions[1]}}}).expect(t, 200)
			e.do("GET", "/api/v1/rooms/"+pieces[1].String(), nil).expect(t, 404)
		})
	}
}

// TestScenarioScope: an agency manager evaluates a scenario of their agency's rooms; a change naming
// another agency's room is 404, and they may not apply.
func TestScenarioScope(t *testing.T) {
	s := newScopeEnv(t)
	m := s.e.signedIn("scn_manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	va, _ := roomNow(t, m, s.roomA)
	mine := map[string]any{"op": "set_agency", "room_id": s.roomA, "room_version": va, "agency_id": s.a}
	m.do("POST", "/api/v1/scenarios/evaluate", map[string]any{"changes": []any{mine}}).expect(t, 200)
	theirs := map[string]any{"op": "set_agency", "room_id": s.roomB, "room_version": 1, "agency_id": s.a}
	m.do("POST", "/api/v1/scenarios/evaluate", map[string]any{"changes": []any{mine, theirs}}).expectError(t, 404, "not_found")
	m.do("POST", "/api/v1/scenarios/apply", map[string]any{"changes": []any{mine}}).expectError(t, 403, "forbidden")
}
