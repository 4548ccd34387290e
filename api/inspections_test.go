package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

type inspectionOut struct {
	ID       uuid.UUID `json:"id"`
	Kind     string    `json:"kind"`
	State    string    `json:"state"`
	Team     []string  `json:"team"`
	Items    int       `json:"items"`
	Warnings []string  `json:"warnings"`
}

type inspectionItemOut struct {
	ID         uuid.UUID `json:"id"`
	PointCode  string    `json:"point_code"`
	RuleID     string    `json:"rule_id"`
	AgencyID   uuid.UUID `json:"agency_id"`
	PersonName string    `json:"person_name"`
	State      string    `json:"state"`
	Overdue    bool      `json:"overdue"`
	Allowed    []string  `json:"allowed"`
	Finding    *struct {
		Message  string    `json:"message"`
		AreaM2   float64   `json:"area_m2"`
		PersonID uuid.UUID `json:"person_id"`
	} `json:"finding"`
	PhotoIDs []uuid.UUID `json:"photo_ids"`
	FloorID  uuid.UUID   `json:"floor_id"`
	Trail    []struct {
		Action string `json:"action"`
		Actor  string `json:"actor"`
		Role   string `json:"role"`
	} `json:"trail"`
}

type inspectionItemsOut struct {
	Items []inspectionItemOut `json:"items"`
}

// TestInspectionEndToEnd drives a plan over HTTP with the roles of its steps: the checklist; an inspector
// makes and starts a plan (an agency manager may not: 403); the items are the over-standard findings of
// both agencies, scoped (the manager of A sees A's, without names; B's item is 404 to them); the
// inspector notifies, the manager answers with evidence, a verification while the finding holds is 409
// naming it, not fixed, referred; a manual item with a photo; bad input 422 with nothing written.
func TestInspectionEndToEnd(t *testing.T) {
	s := newScopeEnv(t)
	s.e.addUser("inspector", identity.Grant{Role: identity.RoleInspector})
	s.e.addUser("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	s.e.addUser("managerB", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.b}})
	insp, m, mb, boss := s.e.signIn("inspector"), s.e.signIn("manager"), s.e.signIn("managerB"), s.e.signIn("bureau")

	var cl struct {
		ID     string `json:"id"`
		Points []struct {
			Code  string   `json:"code"`
			Layer string   `json:"layer"`
			Rules []string `json:"rules"`
		} `json:"points"`
	}
	m.do("GET", "/api/v1/inspections/checklist", nil).expect(t, 200).decode(t, &cl)
	if len(cl.Points) != 11 || cl.Points[0].Layer != "agency" || cl.Points[1].Rules[0] != "manual" {
		t.Fatalf("checklist %+v: want the 7 agency and 4 leader points", cl)
	}

	var plans struct {
		Inspections []inspectionOut `json:"inspections"`
	}
	boss.do("GET", "/api/v1/inspections", nil).expect(t, 200).decode(t, &plans)
	before := len(plans.Inspections) // other tests' plans in the package's register
	today := time.Now().Format("2006-01-02")
	body := map[string]any{"kind": "annual", "as_of": today, "scope": map[string]any{"kind": "all"}, "team": []string{"inspector"}}
	m.do("POST", "/api/v1/inspections", body).expectError(t, 403, "forbidden")
	res := insp.do("POST", "/api/v1/inspections", map[string]any{"kind": "annual", "as_of": today, "scope": map[string]any{"kind": "all"},
		"team": []string{"manager"}})
	res.expectError(t, 422, "invalid_input")
	if !has(res.body, "team[0]") {
		t.Errorf("422 does not name the team member: %s", res.body)
	}
	insp.do("POST", "/api/v1/inspections", map[string]any{"kind": "monthly", "as_of": today, "scope": map[string]any{"kind": "all"}}).
		expectError(t, 422, "invalid_input")
	insp.do("POST", "/api/v1/inspections", map[string]any{"kind": "special", "as_of": "2026-13-01", "scope": map[string]any{"kind": "all"}}).
		expectError(t, 422, "invalid_input")
	boss.do("GET", "/api/v1/inspections", nil).expect(t, 200).decode(t, &plans)
	if n := len(plans.Inspections) - before; n != 0 {
		t.Fatalf("refused plans wrote %d", n)
	}
	var p inspectionOut
	insp.do("POST", "/api/v1/inspections", map[string]any{"kind": "special", "as_of": today,
		"scope": map[string]any{"kind": "agencies", "agency_ids": []uuid.UUID{s.a, s.b}}}).expect(t, 201).decode(t, &p)
	if p.State != "draft" || len(p.Team) != 1 || p.Team[0] != "inspector" {
		t.Fatalf("plan %+v: want a draft with the caller as its team", p)
	}
	path := "/api/v1/inspections/" + p.ID.String()
	m.do("POST", path+"/start", nil).expectError(t, 403, "forbidden")
	insp.do("POST", path+"/start", nil).expect(t, 200).decode(t, &p)
	if p.State != "started" || p.Items < 2 {
		t.Fatalf("started %+v: want the over-standard findings of A and B", p)
	}
	if res := insp.do("POST", path+"/start", nil); res.expectError(t, 409, "conflict")["message"] != "the inspection is started; this needs it draft" {
		t.Errorf("409 does not say the plan has started: %s", res.body)
	}

	var all, mine inspectionItemsOut
	insp.do("GET", path+"/items", nil).expect(t, 200).decode(t, &all)
	itemOf := func(list inspectionItemsOut, agency uuid.UUID) inspectionItemOut {
		for _, it := range list.Items {
			if it.AgencyID == agency && it.RuleID == "person.over_standard" {
				return it
			}
		}
		t.Fatalf("no over-standard item of %s in %+v", agency, list)
		return inspectionItemOut{}
	}
	a, b := itemOf(all, s.a), itemOf(all, s.b)
	if a.PersonName != s.nameA || !strings.Contains(a.Finding.Message, s.nameA) || a.Finding.AreaM2 != 16 || a.PointCode != "L1" {
		t.Errorf("the inspector's item %+v: want the name, the frozen numbers and point L1", a)
	}
	m.do("GET", path+"/items", nil).expect(t, 200).decode(t, &mine)
	for _, it := range mine.Items {
		if it.AgencyID != s.a {
			t.Errorf("the manager of A sees an item of %s", it.AgencyID)
		}
	}
	if own := itemOf(mine, s.a); own.PersonName != "" || strings.Contains(own.Finding.Message, s.nameA) {
		t.Errorf("the manager of A sees the name: %+v", own)
	}
	items := "/api/v1/inspection-items/"
	m.do("GET", items+b.ID.String(), nil).expectError(t, 404, "not_found")
	mb.do("POST", items+a.ID.String()+"/actions", map[string]any{"action": "answer", "comment": "x"}).expectError(t, 404, "not_found")

	act := func(c *client, id uuid.UUID, body map[string]any) response {
		return c.do("POST", items+id.String()+"/actions", body)
	}
	deadline := time.Now().AddDate(0, 0, 30).Format("2006-01-02")
	act(m, a.ID, map[string]any{"action": "notify", "deadline": deadline}).expectError(t, 403, "forbidden")
	act(insp, a.ID, map[string]any{"action": "answer", "comment": "x"}).expectError(t, 409, "conflict")
	act(insp, a.ID, map[string]any{"action": "notify"}).expectError(t, 422, "invalid_input")
	var it inspectionItemOut
	act(insp, a.ID, map[string]any{"action": "notify", "deadline": deadline}).expect(t, 200).decode(t, &it)
	if it.State != "notified" || it.Overdue {
		t.Fatalf("notified: %+v", it)
	}
	act(insp, a.ID, map[string]any{"action": "answer", "comment": "已整改"}).expectError(t, 403, "forbidden")
	var evidence documentOut
	fileDocument(t, boss, "整改说明.pdf", pdfBytes(), "agency", s.a, "other").expect(t, 201).decode(t, &evidence)
	act(m, a.ID, map[string]any{"action": "answer", "comment": "已调整办公室", "document_ids": []uuid.UUID{evidence.ID}}).
		expect(t, 200).decode(t, &it)
	if it.State != "answered" || it.Trail[1].Role != "agency_manager" || it.Trail[1].Actor != "manager" {
		t.Fatalf("answered: %+v", it)
	}
	res = act(insp, a.ID, map[string]any{"action": "verify", "fixed": true})
	res.expectError(t, 409, "finding_holds")
	if !has(res.body, "person.over_standard") {
		t.Errorf("409 does not name the finding: %s", res.body)
	}
	act(insp, a.ID, map[string]any{"action": "verify", "fixed": false}).expect(t, 200).decode(t, &it)
	if it.State != "not_fixed" {
		t.Fatalf("verified not fixed: %s", it.State)
	}
	act(m, a.ID, map[string]any{"action": "refer", "comment": "未整改"}).expectError(t, 403, "forbidden")
	act(insp, a.ID, map[string]any{"action": "refer", "comment": "未按期整改，移交纪检监察"}).expect(t, 200).decode(t, &it)
	if it.State != "referred" || len(it.Trail) != 4 {
		t.Fatalf("referred: %+v", it)
	}

	// A manual item from the field, with a photo.
	var photo documentOut
	fileDocument(t, boss, "现场.png", pngBytes(), "agency", s.a, "photo").expect(t, 201).decode(t, &photo)
	manual := map[string]any{"point_code": "A2", "agency_id": s.a, "room_id": s.roomA, "position": []float64{1.5, 2},
		"measurements": []map[string]any{{"name": "实测面积", "value": 15.8, "unit": "m²"}}, "notes": "原办公室已交他单位", "photo_ids": []uuid.UUID{photo.ID}}
	m.do("POST", path+"/items", manual).expectError(t, 403, "forbidden")
	manual["point_code"] = "Z9"
	insp.do("POST", path+"/items", manual).expectError(t, 422, "invalid_input")
	manual["point_code"] = "A2"
	insp.do("POST", path+"/items", manual).expect(t, 201).decode(t, &it)
	if it.PointCode != "A2" || it.FloorID != s.f.floor || len(it.PhotoIDs) != 1 || it.State != "open" {
		t.Errorf("manual item %+v", it)
	}
	m.do("GET", items+it.ID.String(), nil).expect(t, 200)
	mb.do("GET", items+it.ID.String(), nil).expectError(t, 404, "not_found")

	n := 0
	for _, r := range s.e.auditLog(identity.AuditFilter{Action: "write.inspection_item.update"}) {
		if r.Target == "inspection_item "+a.ID.String() {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d changes of the item in the audit log, want 4 (notify, answer, verify, refer)", n)
	}
	if len(s.e.auditLog(identity.AuditFilter{Action: "write.inspection.update"})) != 1 ||
		len(s.e.auditLog(identity.AuditFilter{Action: "write.inspection_item.create"})) != 1 {
		t.Errorf("the start or the manual item is not in the audit log once")
	}
}

// TestInspectionSystemAndFrozen: a plan of a system (a named list of agencies) has the findings of its
// agencies only, and its items keep what was found after the register changes (the room enlarged); a
// follow-up re-checks them against today's register. (The district scope is tested in storetest, on a
// register of its own: a new top jurisdiction here would change the other tests' districts.)
func TestInspectionSystemAndFrozen(t *testing.T) {
	s := newScopeEnv(t)
	s.e.addUser("inspector", identity.Grant{Role: identity.RoleInspector})
	insp, boss := s.e.signIn("inspector"), s.e.signIn("bureau")

	today := time.Now().Format("2006-01-02")
	var p inspectionOut
	insp.do("POST", "/api/v1/inspections", map[string]any{"kind": "key", "as_of": today,
		"scope": map[string]any{"kind": "system", "system": "财政系统", "agency_ids": []uuid.UUID{s.b}}}).expect(t, 201).decode(t, &p)
	path := "/api/v1/inspections/" + p.ID.String()
	insp.do("POST", path+"/start", nil).expect(t, 200).decode(t, &p)
	var list inspectionItemsOut
	insp.do("GET", path+"/items", nil).expect(t, 200).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].AgencyID != s.b || list.Items[0].Finding.AreaM2 != 16 {
		t.Fatalf("the system's items %+v: want B's over-standard finding only", list.Items)
	}
	room := boss.do("GET", "/api/v1/rooms/"+s.roomB.String()+"?crs=local", nil).expect(t, 200)
	boss.do("PATCH", "/api/v1/rooms/"+s.roomB.String()+"?crs=local", map[string]any{"geometry": map[string]any{"type": "Polygon",
		"coordinates": [][][]float64{{{5, 0}, {10, 0}, {10, 4}, {5, 4}, {5, 0}}}}},
		"If-Match", room.header.Get("ETag"), "Content-Type", "application/merge-patch+json").expect(t, 200)
	insp.do("GET", path+"/items", nil).expect(t, 200).decode(t, &list)
	if list.Items[0].Finding.AreaM2 != 16 {
		t.Errorf("after the room grew to 20 m², the item says %v m², want the frozen 16", list.Items[0].Finding.AreaM2)
	}
	insp.do("POST", path+"/close", nil).expect(t, 200)
	var follow inspectionOut
	insp.do("POST", "/api/v1/inspections", map[string]any{"kind": "follow_up", "follows": p.ID}).
		expect(t, 201).decode(t, &follow)
	insp.do("POST", "/api/v1/inspections/"+follow.ID.String()+"/start", nil).expect(t, 200)
	insp.do("GET", "/api/v1/inspections/"+follow.ID.String()+"/items", nil).expect(t, 200).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].Finding.AreaM2 != 20 {
		t.Errorf("follow-up items %+v: want B's finding again, with today's 20 m²", list.Items)
	}
}

// TestInspectionTeam: the items of a plan are worked by its team. Another inspector in scope may not
// notify its items, add one or triage a lead into it (403 saying they are not on the team; nothing
// written); the team's inspector may, and the agency's manager answers without being on it.
func TestInspectionTeam(t *testing.T) {
	s := newScopeEnv(t)
	s.e.addUser("inspector", identity.Grant{Role: identity.RoleInspector})
	s.e.addUser("other", identity.Grant{Role: identity.RoleInspector})
	s.e.addUser("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	insp, other, m := s.e.signIn("inspector"), s.e.signIn("other"), s.e.signIn("manager")

	var p inspectionOut
	insp.do("POST", "/api/v1/inspections", map[string]any{"kind": "special", "as_of": time.Now().Format("2006-01-02"),
		"scope": map[string]any{"kind": "agencies", "agency_ids": []uuid.UUID{s.a}}, "team": []string{"inspector"}}).
		expect(t, 201).decode(t, &p)
	path := "/api/v1/inspections/" + p.ID.String()
	insp.do("POST", path+"/start", nil).expect(t, 200).decode(t, &p)
	var list inspectionItemsOut
	insp.do("GET", path+"/items", nil).expect(t, 200).decode(t, &list)
	if len(list.Items) == 0 {
		t.Fatalf("the plan has no items: %+v", p)
	}
	item := "/api/v1/inspection-items/" + list.Items[0].ID.String() + "/actions"
	notify := map[string]any{"action": "notify", "deadline": time.Now().AddDate(0, 0, 30).Format("2006-01-02")}
	res := other.do("POST", item, notify)
	if e := res.expectError(t, 403, "forbidden"); !strings.Contains(fmt.Sprint(e["message"]), "you (other) are not on the team") {
		t.Errorf("403 does not say the caller is not on the team: %s", res.body)
	}
	manual := map[string]any{"point_code": "A2", "agency_id": s.a, "room_id": s.roomA, "notes": "现场发现"}
	other.do("POST", path+"/items", manual).expectError(t, 403, "forbidden")
	var lead struct {
		ID    uuid.UUID `json:"id"`
		State string    `json:"state"`
	}
	other.do("POST", "/api/v1/leads", map[string]any{"source": "hotline_12345", "text": "办公室超标", "room_ids": []uuid.UUID{s.roomA}}).
		expect(t, 201).decode(t, &lead)
	other.do("POST", "/api/v1/leads/"+lead.ID.String()+"/triage", map[string]any{"inspection_id": p.ID, "point_code": "A2"}).
		expectError(t, 403, "forbidden")
	other.do("GET", "/api/v1/leads/"+lead.ID.String(), nil).expect(t, 200).decode(t, &lead)
	insp.do("GET", path+"/items", nil).expect(t, 200).decode(t, &list)
	if lead.State != "open" || len(list.Items) != p.Items {
		t.Fatalf("after the refusals: lead %s, %d items, want open and %d", lead.State, len(list.Items), p.Items)
	}

	var it inspectionItemOut
	insp.do("POST", item, notify).expect(t, 200).decode(t, &it)
	m.do("POST", item, map[string]any{"action": "answer", "comment": "已整改"}).expect(t, 200).decode(t, &it)
	insp.do("POST", "/api/v1/leads/"+lead.ID.String()+"/triage", map[string]any{"inspection_id": p.ID, "point_code": "A2"}).expect(t, 201)
	if it.State != "answered" || it.Trail[0].Actor != "inspector" {
		t.Errorf("worked by the team: %+v", it)
	}
}
