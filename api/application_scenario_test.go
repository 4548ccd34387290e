package api_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"
)

// applicationScenarioOut is the part of PUT …/scenario's answer the tests read.
type applicationScenarioOut struct {
	Application struct {
		applicationOut
		Scenario      bool      `json:"scenario"`
		CertificateID uuid.UUID `json:"certificate_id"`
	} `json:"application"`
	Evaluation scenarioOut `json:"evaluation"`
}

// storedScenarioOut is the part of GET …/scenario's answer the tests read.
type storedScenarioOut struct {
	Changes []struct {
		Op     string    `json:"op"`
		Hidden bool      `json:"hidden"`
		RoomID uuid.UUID `json:"room_id"`
	} `json:"changes"`
	AppliedAt      string       `json:"applied_at"`
	OverrideReason string       `json:"override_reason"`
	GrantedRoomIDs []uuid.UUID  `json:"granted_room_ids"`
	Evaluation     *scenarioOut `json:"evaluation"`
}

// TestApplicationScenario: the scenario over HTTP. A 正处级 official of a 市级 agency is to move
// into a 30 m² office and a vacant room of agency B is to go to agency A. Only the bureau proposes it, at
// review (the approver 403, the manager of B 404, bad input 422 naming the change); the proposal shows the
// new over-standard finding; the manager of A reads it with B's room hidden. Approving without
// override_reason is 422 naming it; after a planner's edit of the target room it is 409 naming the room,
// nothing applied; proposed again, it is approved with a reason and applied; handing over issues the
// certificate listing exactly the rooms A was given.
func TestApplicationScenario(t *testing.T) {
	s := newScopeEnv(t)
	m, mb, boss, leader, planner := applicationUsers(s)

	p, big, spare, asg, scenario := officialMove(t, boss, s)

	var a applicationScenarioOut
	m.do("POST", "/api/v1/applications", map[string]any{"kind": "allocation", "agency_id": s.a, "title": "处长办公室调整",
		"fields": map[string]any{"area_m2": 30, "reason": "职务调整"}}).expect(t, 201).decode(t, &a.Application)
	path := "/api/v1/applications/" + a.Application.ID.String()
	if a.Application.Scenario {
		t.Errorf("a new application says it has a scenario")
	}
	boss.do("GET", path+"/scenario", nil).expectError(t, 404, "not_found")
	body := map[string]any{"changes": scenario(), "comment": "拟调整"}
	boss.do("PUT", path+"/scenario", body).expectError(t, 409, "conflict") // at draft
	act := func(c *client, action string, more map[string]any) response {
		b := map[string]any{"action": action, "comment": "意见"}
		for k, v := range more {
			b[k] = v
		}
		return c.do("POST", path+"/actions", b)
	}
	act(m, "submit", nil).expect(t, 200)

	leader.do("PUT", path+"/scenario", body).expectError(t, 403, "forbidden")
	mb.do("PUT", path+"/scenario", body).expectError(t, 404, "not_found")
	bad := map[string]any{"changes": []any{map[string]any{"op": "set_agency", "room_id": uuid.New(), "room_version": 1, "agency_id": s.a}}}
	if e := boss.do("PUT", path+"/scenario", bad).expectError(t, 422, "invalid_input"); e["index"] != float64(0) || e["field"] != "room_id" {
		t.Errorf("a change naming no room: %v, want index 0 and field room_id", e)
	}
	boss.do("PUT", path+"/scenario", body).expect(t, 200).decode(t, &a)
	last := a.Application.Actions[len(a.Application.Actions)-1]
	if a.Application.State != "review" || !a.Application.Scenario || last.Action != "propose" || last.Role != "bureau_admin" {
		t.Fatalf("proposed: %+v, want at review with a scenario and the action propose", a.Application)
	}
	if !a.Evaluation.NewOverStandard || !slices.ContainsFunc(a.Evaluation.Appeared, func(f struct {
		RuleID   string    `json:"rule_id"`
		PersonID uuid.UUID `json:"person_id"`
		Message  string    `json:"message"`
	}) bool {
		return f.RuleID == "person.over_standard" && f.PersonID == p
	}) {
		t.Fatalf("the proposal's evaluation %+v: want person.over_standard of the official appearing", a.Evaluation)
	}

	var got storedScenarioOut
	m.do("GET", path+"/scenario", nil).expect(t, 200).decode(t, &got)
	if len(got.Changes) != 2 || got.Changes[0].RoomID != big || !got.Changes[1].Hidden || got.Changes[1].RoomID != uuid.Nil ||
		got.Evaluation == nil || !got.Evaluation.NewOverStandard || got.AppliedAt != "" {
		t.Errorf("the manager of A reads %+v: want the move, agency B's room hidden, today's evaluation", got)
	}
	mb.do("GET", path+"/scenario", nil).expectError(t, 404, "not_found")

	act(boss, "submit", nil).expect(t, 200)
	var doc documentOut
	fileDocument(t, boss, "批复.pdf", pdfBytes(), "agency", s.a, "filing_document").expect(t, 201).decode(t, &doc)
	approve := map[string]any{"document_ids": []uuid.UUID{doc.ID}}
	if e := act(leader, "approve", approve).expectError(t, 422, "invalid_input"); e["field"] != "override_reason" || e["reason"] != "override_required" {
		t.Errorf("approving without a reason: %v, want field override_reason", e)
	}
	// A planner edits the target room directly: the approval is a conflict naming it, nothing applied.
	res := boss.do("GET", "/api/v1/rooms/"+big.String(), nil).expect(t, 200)
	planner.do("PATCH", "/api/v1/rooms/"+big.String(), map[string]any{"properties": map[string]any{"name": "处长室"}},
		"If-Match", res.header.Get("ETag")).expect(t, 200)
	approve["override_reason"] = "工作需要，经局务会研究同意"
	e := act(leader, "approve", approve).expectError(t, 409, "conflict")
	if recs, _ := e["records"].([]any); len(recs) != 1 || recs[0].(map[string]any)["id"] != big.String() {
		t.Errorf("the conflict names %v, want room %s", e["records"], big)
	}
	var now applicationOut
	m.do("GET", path, nil).expect(t, 200).decode(t, &now)
	if now.State != "approval" {
		t.Errorf("after the conflict: %s, want approval", now.State)
	}
	if v, end := assignmentVersion(t, boss, asg); end != "" || v < 1 {
		t.Errorf("after the conflict the assignment ended (%q): half applied", end)
	}

	// Back to review, proposed again on today's register, approved with the reason.
	act(leader, "return", nil).expect(t, 200)
	boss.do("PUT", path+"/scenario", map[string]any{"changes": scenario()}).expect(t, 200)
	act(boss, "submit", nil).expect(t, 200)
	var approved applicationScenarioOut
	act(leader, "approve", approve).expect(t, 200).decode(t, &approved.Application)
	if approved.Application.State != "handling" || !approved.Application.Scenario || approved.Application.CertificateID != uuid.Nil {
		t.Fatalf("approved: %+v, want at handling, no certificate yet", approved.Application)
	}
	m.do("GET", path+"/scenario", nil).expect(t, 200).decode(t, &got)
	if got.AppliedAt == "" || got.OverrideReason != approve["override_reason"] || got.Evaluation == nil ||
		!slices.Equal(got.GrantedRoomIDs, []uuid.UUID{spare, big}) {
		t.Errorf("applied scenario %+v: want applied_at, the reason, the evaluation at approval, rooms %s and %s", got, spare, big)
	}
	if _, end := assignmentVersion(t, boss, asg); end == "" {
		t.Errorf("approved, yet the official's old assignment did not end")
	}

	var handed applicationScenarioOut
	act(planner, "hand_over", nil).expect(t, 200).decode(t, &handed.Application)
	if handed.Application.CertificateID == uuid.Nil {
		t.Fatalf("handed over: %+v, want a certificate_id", handed.Application)
	}
	cert := readAllocationCertificate(t, m, handed.Application.CertificateID)
	if len(cert.Rooms) != 2 || cert.Rooms[0].ID != spare || cert.Rooms[1].ID != big || cert.AgencyID != s.a ||
		cert.ApplicationID != a.Application.ID || !near(cert.TotalAreaM2, 42, 0.01) {
		t.Errorf("certificate %+v: want exactly rooms %s and %s (42 m²) of agency A, for the application", cert, spare, big)
	}
	act(boss, "close", nil).expect(t, 200)
}

// officialMove makes the case through boss: a 正处级 official of agency A in a 9 m² office, a vacant
// 30 m² office of A and a vacant 12 m² room of B. It returns the official, the 30 m² office, B's room, the
// official's assignment and the scenario's changes (move the official, set B's room to A) drafted now.
func officialMove(t *testing.T, boss *client, s *scopeEnv) (p, big, spare, asg uuid.UUID, scenario func() []any) {
	t.Helper()
	p = boss.do("POST", "/api/v1/people", map[string]any{"name": "周处长" + uuid.NewString()[:4], "agency_id": s.a,
		"rank": "division", "title": "处长"}).created(t)
	small := agencyRoom(t, boss, s.f, "S"+uuid.NewString()[:4], s.a, rect(10, 0, 13, 3))
	big = agencyRoom(t, boss, s.f, "G"+uuid.NewString()[:4], s.a, rect(13, 0, 19, 5))   // 30 m²
	spare = agencyRoom(t, boss, s.f, "V"+uuid.NewString()[:4], s.b, rect(19, 0, 23, 3)) // 12 m², agency B's
	asg = assignMain(t, boss, p, small)
	scenario = func() []any {
		av, _ := assignmentVersion(t, boss, asg)
		bv, _ := roomNow(t, boss, big)
		sv, _ := roomNow(t, boss, spare)
		return []any{
			map[string]any{"op": "move", "assignment_id": asg, "assignment_version": av, "room_id": big, "room_version": bv},
			map[string]any{"op": "set_agency", "room_id": spare, "room_version": sv, "agency_id": s.a}}
	}
	return p, big, spare, asg, scenario
}

// allocationCertificate is the part of a certificate the allocation tests read.
type allocationCertificate struct {
	ApplicationID uuid.UUID `json:"application_id"`
	AgencyID      uuid.UUID `json:"agency_id"`
	Rooms         []struct {
		ID uuid.UUID `json:"id"`
	} `json:"rooms"`
	TotalAreaM2 float64 `json:"total_area_m2"`
}

// readAllocationCertificate reads certificate id through c.
func readAllocationCertificate(t *testing.T, c *client, id uuid.UUID) allocationCertificate {
	t.Helper()
	var cert allocationCertificate
	c.do("GET", "/api/v1/certificates/"+id.String(), nil).expect(t, 200).decode(t, &cert)
	return cert
}
