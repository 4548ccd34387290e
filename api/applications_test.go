package api_test

import (
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

type applicationOut struct {
	ID       uuid.UUID `json:"id"`
	State    string    `json:"state"`
	Role     string    `json:"role"`
	Allowed  []string  `json:"allowed"`
	Overdue  bool      `json:"overdue"`
	AgencyID uuid.UUID `json:"agency_id"`
	Actions  []struct {
		Action string `json:"action"`
		Step   string `json:"step"`
		Actor  string `json:"actor"`
		Role   string `json:"role"`
	} `json:"actions"`
	Due map[string]string `json:"due"`
}

// TestApplicationAllocation walks an allocation from filing to closing with the roles of its steps: the
// agency manager submits, the bureau reviews, the approver approves (with a decision document), the
// planner hands over and the bureau closes. A role not at the step is 403, an action the step does not
// allow 409 naming the step, a missing document 422 naming its type, an application of another agency
// 404 to its manager, bad input 422 with nothing written; every action is in the audit log.
func TestApplicationAllocation(t *testing.T) {
	s := newScopeEnv(t)
	m, mb, boss, leader, planner := applicationUsers(s)

	var procs struct {
		Procedures []struct {
			Kind string `json:"kind"`
		} `json:"procedures"`
	}
	m.do("GET", "/api/v1/procedures", nil).expect(t, 200).decode(t, &procs)
	if len(procs.Procedures) != 5 {
		t.Errorf("procedures: %+v, want the five kinds", procs)
	}

	// Bad input: nothing written.
	m.do("POST", "/api/v1/applications", map[string]any{"kind": "allocation", "agency_id": s.a, "title": "申请",
		"fields": map[string]any{"area_m2": 40}}).expectError(t, 422, "invalid_input")
	m.do("POST", "/api/v1/applications", map[string]any{"kind": "lease", "agency_id": s.a, "title": "申请",
		"fields": map[string]any{"area_m2": 40, "reason": "x"}}).expectError(t, 422, "invalid_input")
	var list struct {
		Applications []applicationOut `json:"applications"`
	}
	boss.do("GET", "/api/v1/applications?agency_id="+s.a.String(), nil).expect(t, 200).decode(t, &list)
	if len(list.Applications) != 0 {
		t.Fatalf("bad input wrote %d applications", len(list.Applications))
	}
	// Filing is the first step's role's: the bureau is not an agency manager; the manager of B not of A.
	body := map[string]any{"kind": "allocation", "agency_id": s.a, "title": "申请增加办公用房",
		"fields": map[string]any{"area_m2": 40, "reason": "新增编制"}}
	boss.do("POST", "/api/v1/applications", body).expectError(t, 403, "forbidden")
	mb.do("POST", "/api/v1/applications", body).expectError(t, 403, "forbidden")
	var a applicationOut
	m.do("POST", "/api/v1/applications", body).expect(t, 201).decode(t, &a)
	if a.State != "draft" || a.Role != "agency_manager" || a.Due["draft"] == "" {
		t.Fatalf("filed: %+v, want at draft for the agency manager with a due date", a)
	}
	path := "/api/v1/applications/" + a.ID.String()
	mb.do("GET", path, nil).expectError(t, 404, "not_found")
	mb.do("POST", path+"/actions", map[string]any{"action": "submit"}).expectError(t, 404, "not_found")
	mb.do("GET", "/api/v1/applications", nil).expect(t, 200).decode(t, &list)
	if len(list.Applications) != 0 {
		t.Errorf("the manager of B sees %d applications of A", len(list.Applications))
	}

	act := func(c *client, action string, docs ...uuid.UUID) response {
		return c.do("POST", path+"/actions", map[string]any{"action": action, "comment": "意见", "document_ids": docs})
	}
	act(m, "approve").expectError(t, 409, "conflict")
	act(boss, "submit").expectError(t, 403, "forbidden")
	act(m, "submit").expect(t, 200).decode(t, &a)
	if a.State != "review" {
		t.Fatalf("after submit: %s, want review", a.State)
	}
	act(m, "submit").expectError(t, 403, "forbidden") // the manager is not at review
	res := act(boss, "hand_over")
	res.expectError(t, 409, "conflict")
	if !has(res.body, "review") || !has(res.body, "reject") {
		t.Errorf("409 does not name the step and the allowed actions: %s", res.body)
	}
	act(boss, "return").expect(t, 200).decode(t, &a)
	if a.State != "draft" {
		t.Fatalf("after return: %s, want draft", a.State)
	}
	act(m, "submit").expect(t, 200)
	// The bureau proposes the allocation: a vacant room of its own given to A (approval applies it).
	spare := agencyRoom(t, boss, s.f, "S"+s.numberA, uuid.Nil, rect(0, 10, 4, 14))
	var room struct {
		Properties struct {
			Version int64 `json:"version"`
		} `json:"properties"`
	}
	boss.do("GET", "/api/v1/rooms/"+spare.String(), nil).expect(t, 200).decode(t, &room)
	boss.do("PUT", path+"/scenario", map[string]any{"changes": []any{map[string]any{"op": "set_agency", "room_id": spare,
		"room_version": room.Properties.Version, "agency_id": s.a}}}).expect(t, 200)
	act(boss, "submit").expect(t, 200).decode(t, &a)
	if a.State != "approval" || a.Role != "approver" {
		t.Fatalf("after review: %+v, want approval by the approver", a)
	}
	act(planner, "approve").expectError(t, 403, "forbidden")
	res = act(leader, "approve")
	res.expectError(t, 422, "invalid_input")
	if !has(res.body, "filing_document") {
		t.Errorf("422 does not name the missing document type: %s", res.body)
	}
	var doc documentOut
	fileDocument(t, boss, "批复.pdf", pdfBytes(), "agency", s.a, "filing_document").expect(t, 201).decode(t, &doc)
	act(leader, "approve", doc.ID).expect(t, 200).decode(t, &a)
	if a.State != "handling" {
		t.Fatalf("after approval: %s, want handling", a.State)
	}
	act(planner, "hand_over").expect(t, 200)
	act(boss, "close").expect(t, 200).decode(t, &a)
	if a.State != "closed" || len(a.Actions) != 8 {
		t.Fatalf("closed: %+v, want closed after 8 actions", a)
	}
	want := []string{"submit/agency_manager", "return/bureau_admin", "submit/agency_manager", "propose/bureau_admin", "submit/bureau_admin",
		"approve/approver", "hand_over/planner", "close/bureau_admin"}
	for i, x := range a.Actions {
		if got := x.Action + "/" + x.Role; got != want[i] {
			t.Errorf("action %d: %s, want %s", i, got, want[i])
		}
	}
	act(boss, "close").expectError(t, 409, "conflict")
	m.do("GET", path, nil).expect(t, 200)
	m.do("GET", "/api/v1/applications?kind=allocation&state=closed&overdue=false", nil).expect(t, 200).decode(t, &list)
	if len(list.Applications) != 1 {
		t.Errorf("filtered list: %d, want 1", len(list.Applications))
	}

	recs := s.e.auditLog(identity.AuditFilter{Action: "write.application.update"})
	n := 0
	for _, r := range recs {
		if r.Target == "application "+a.ID.String() {
			n++
		}
	}
	if n != 8 {
		t.Errorf("%d actions of the application in the audit log, want 8", n)
	}
	if len(s.e.auditLog(identity.AuditFilter{Action: "write.application.create"})) != 1 {
		t.Errorf("the filing is not in the audit log once")
	}
}

// TestApplicationRecovery: a retired person who still holds a room is a finding that opens a recovery on
// demand, once, with the legal deadline passed (overdue); the agency manager hands the room over, and the
// bureau cannot close it while the room is occupied (422), then can once it is vacated.
func TestApplicationRecovery(t *testing.T) {
	s := newScopeEnv(t)
	s.e.addUser("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	boss, m := s.e.signIn("bureau"), s.e.signIn("manager")
	person := newStaff(t, boss, "王五"+uuid.NewString()[:6], s.a)
	room := agencyRoom(t, boss, s.f, "R"+uuid.NewString()[:6], s.a, rect(10, 0, 14, 4))
	assignment := assignMain(t, boss, person, room)
	got := boss.do("GET", "/api/v1/people/"+person.String(), nil).expect(t, 200)
	boss.do("PATCH", "/api/v1/people/"+person.String(), map[string]any{"status": "retired", "status_date": "2024-03-01"},
		"If-Match", got.header.Get("ETag"), "Content-Type", "application/merge-patch+json").expect(t, 200)

	m.do("POST", "/api/v1/applications/recoveries", nil).expectError(t, 403, "forbidden")
	var opened struct {
		Applications []applicationOut `json:"applications"`
	}
	boss.do("POST", "/api/v1/applications/recoveries", nil).expect(t, 200).decode(t, &opened)
	var rec applicationOut
	for _, a := range opened.Applications {
		if a.AgencyID == s.a {
			rec = a
		}
	}
	if rec.ID == uuid.Nil || rec.State != "vacating" || !rec.Overdue {
		t.Fatalf("opened %+v: want an overdue recovery of agency A at vacating", opened.Applications)
	}
	boss.do("POST", "/api/v1/applications/recoveries", nil).expect(t, 200).decode(t, &opened)
	if len(opened.Applications) != 0 {
		t.Errorf("opened again: %d recoveries for findings already covered", len(opened.Applications))
	}
	var list struct {
		Applications []applicationOut `json:"applications"`
	}
	m.do("GET", "/api/v1/applications?kind=recovery&overdue=true", nil).expect(t, 200).decode(t, &list)
	if len(list.Applications) != 1 || list.Applications[0].ID != rec.ID {
		t.Errorf("overdue recoveries of the manager: %+v", list.Applications)
	}
	path := "/api/v1/applications/" + rec.ID.String() + "/actions"
	m.do("POST", path, map[string]any{"action": "hand_over"}).expect(t, 200)
	res := boss.do("POST", path, map[string]any{"action": "close"})
	res.expectError(t, 422, "invalid_input")
	if !has(res.body, "occupied") {
		t.Errorf("422 does not say the room is occupied: %s", res.body)
	}
	a := boss.do("GET", "/api/v1/assignments/"+assignment.String(), nil).expect(t, 200)
	boss.do("DELETE", "/api/v1/assignments/"+assignment.String(), nil, "If-Match", a.header.Get("ETag")).expect(t, 204)
	var closed applicationOut
	boss.do("POST", path, map[string]any{"action": "close"}).expect(t, 200).decode(t, &closed)
	if closed.State != "closed" || closed.Overdue {
		t.Errorf("after vacating: %+v, want closed and not overdue", closed)
	}
}

// TestApplicationSecondOffice: a second office for a post the person holds is filed only for a room smaller
// than the person's standard; a room not smaller, or a post the person does not hold, is 422 naming the field.
func TestApplicationSecondOffice(t *testing.T) {
	s := newScopeEnv(t)
	s.e.addUser("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	boss, m := s.e.signIn("bureau"), s.e.signIn("manager")
	boss.do("PATCH", "/api/v1/people/"+s.personA.String(), `{"posts":[{"title":"兼职副主任","agency_id":"`+s.a.String()+`","start":"2023-01-01"}]}`,
		"If-Match", "*", "Content-Type", "application/merge-patch+json").expect(t, 200)
	var p struct {
		Posts []struct {
			ID uuid.UUID `json:"id"`
		} `json:"posts"`
	}
	boss.do("GET", "/api/v1/people/"+s.personA.String(), nil).expect(t, 200).decode(t, &p)
	if len(p.Posts) != 1 {
		t.Fatalf("posts %+v", p.Posts)
	}
	small := agencyRoom(t, boss, s.f, "S"+uuid.NewString()[:6], s.a, rect(10, 0, 12, 2)) // 4 m²
	file := func(room, post uuid.UUID) response {
		return m.do("POST", "/api/v1/applications", map[string]any{"kind": "second_office", "agency_id": s.a, "title": "兼职办公室",
			"fields": map[string]any{"person_id": s.personA, "post_id": post, "room_id": room, "distance_reason": "两地相距20公里"}})
	}
	res := file(s.roomA, p.Posts[0].ID) // 16 m²
	if r := res.expectError(t, 422, "invalid_input"); r["field"] != "fields.room_id" {
		t.Errorf("a room not smaller than the standard: %s", res.body)
	}
	if r := file(small, uuid.New()).expectError(t, 422, "invalid_input"); r["field"] != "fields.post_id" {
		t.Errorf("a post not held: %v", r)
	}
	var a applicationOut
	file(small, p.Posts[0].ID).expect(t, 201).decode(t, &a)
	if a.State != "draft" {
		t.Errorf("filed: %+v", a)
	}
}
