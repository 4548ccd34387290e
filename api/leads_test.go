package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

type leadOut struct {
	ID      uuid.UUID `json:"id"`
	Source  string    `json:"source"`
	Text    string    `json:"text"`
	State   string    `json:"state"`
	Contact struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
	} `json:"contact"`
	ContactWithheld bool        `json:"contact_withheld"`
	RoomIDs         []uuid.UUID `json:"room_ids"`
	ItemID          uuid.UUID   `json:"item_id"`
	InspectionID    uuid.UUID   `json:"inspection_id"`
	Reason          string      `json:"reason"`
	CreatedBy       string      `json:"created_by"`
}

type leadsOut struct {
	Leads []leadOut `json:"leads"`
}

// leadIDs returns the ids of the leads of list.
func leadIDs(list leadsOut) map[uuid.UUID]bool {
	out := map[uuid.UUID]bool{}
	for _, l := range list.Leads {
		out[l.ID] = true
	}
	return out
}

// TestLeadsRoles: an inspector records a lead with its contact and links; agency managers, planners and
// viewers reach no lead route (403); an approver reads leads with the contact withheld and changes none;
// bad input is 422 naming the field with nothing written; closing needs a reason and happens once; the
// bureau records and closes, but triage needs an inspector; triage makes the item on the plan with the
// lead's text, agency and room.
func TestLeadsRoles(t *testing.T) {
	s := newScopeEnv(t)
	s.e.addUser("inspector", identity.Grant{Role: identity.RoleInspector})
	s.e.addUser("approver", identity.Grant{Role: identity.RoleApprover})
	s.e.addUser("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	s.e.addUser("viewer", identity.Grant{Role: identity.RoleViewer})
	s.e.addUser("planner", identity.Grant{Role: identity.RolePlanner})
	insp, appr, boss := s.e.signIn("inspector"), s.e.signIn("approver"), s.e.signIn("bureau")
	marker := uuid.NewString()[:8]
	body := map[string]any{"source": "hotline_12345", "received_on": time.Now().Format("2006-01-02"),
		"text": "12345 来电反映办公室超标 " + marker, "contact": map[string]any{"name": "王先生", "phone": "138 0000 1234"},
		"room_ids": []uuid.UUID{s.roomA}, "person_ids": []uuid.UUID{s.personA}, "agency_ids": []uuid.UUID{s.a}}
	var l leadOut
	insp.do("POST", "/api/v1/leads", body).expect(t, 201).decode(t, &l)
	if l.State != "open" || l.Contact.Phone != "138 0000 1234" || l.ContactWithheld || l.CreatedBy != "inspector" {
		t.Fatalf("recorded %+v: want open, with its contact, by the inspector", l)
	}
	path := "/api/v1/leads/" + l.ID.String()

	for _, name := range []string{"manager", "viewer", "planner"} {
		c := s.e.signIn(name)
		c.do("GET", "/api/v1/leads", nil).expectError(t, 403, "forbidden")
		c.do("GET", path, nil).expectError(t, 403, "forbidden")
		c.do("POST", "/api/v1/leads", body).expectError(t, 403, "forbidden")
		c.do("POST", path+"/close", map[string]any{"reason": "x"}).expectError(t, 403, "forbidden")
	}
	res := appr.do("GET", path, nil).expect(t, 200)
	var seen leadOut
	res.decode(t, &seen)
	if !seen.ContactWithheld || seen.Contact.Name != "" || has(res.body, "138 0000 1234") || has(res.body, "王先生") || seen.Text != l.Text {
		t.Errorf("the approver sees %s: want the lead without its contact", res.body)
	}
	var list leadsOut
	appr.do("GET", "/api/v1/leads?state=open&source=hotline_12345", nil).expect(t, 200).decode(t, &list)
	if !leadIDs(list)[l.ID] || has(appr.do("GET", "/api/v1/leads", nil).body, "138 0000 1234") {
		t.Errorf("the approver's list lacks the lead or shows a contact")
	}
	appr.do("POST", "/api/v1/leads", body).expectError(t, 403, "forbidden")
	appr.do("POST", path+"/close", map[string]any{"reason": "x"}).expectError(t, 403, "forbidden")
	boss.do("GET", path, nil).expect(t, 200).decode(t, &seen)
	if seen.Contact.Phone != "" || !seen.ContactWithheld {
		t.Errorf("the bureau sees the contact: %+v; want it withheld from non-inspectors", seen)
	}
	insp.do("GET", "/api/v1/leads?state=lost", nil).expectError(t, 400, "bad_request")

	for _, tc := range []struct {
		name, key string
		value     any
		field     string
	}{
		{"source", "source", "letter", "source"},
		{"text", "text", " ", "text"},
		{"room", "room_ids", []uuid.UUID{uuid.New()}, "room_ids[0]"},
		{"future", "received_on", time.Now().AddDate(0, 0, 3).Format("2006-01-02"), "received_on"},
	} {
		bad := map[string]any{}
		for k, v := range body {
			bad[k] = v
		}
		bad[tc.key] = tc.value
		if e := insp.do("POST", "/api/v1/leads", bad).expectError(t, 422, "invalid_input"); e["field"] != tc.field {
			t.Errorf("%s: 422 names %v, want %s", tc.name, e["field"], tc.field)
		}
	}
	insp.do("GET", "/api/v1/leads?source=hotline_12345", nil).expect(t, 200).decode(t, &list)
	n := 0
	for _, x := range list.Leads {
		if strings.Contains(x.Text, marker) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d leads of this test stored, want 1 (nothing of the refused ones)", n)
	}

	// Closing: a reason is required; once only.
	insp.do("POST", path+"/close", map[string]any{"reason": " "}).expectError(t, 422, "invalid_input")
	boss.do("POST", path+"/close", map[string]any{"reason": "经核实已整改"}).expect(t, 200).decode(t, &seen)
	if seen.State != "closed" || seen.Reason != "经核实已整改" {
		t.Errorf("closed %+v", seen)
	}
	insp.do("POST", path+"/close", map[string]any{"reason": "again"}).expectError(t, 409, "conflict")

	// Triage into a started plan: the item has the lead's text, agency and room.
	var p inspectionOut
	insp.do("POST", "/api/v1/inspections", map[string]any{"kind": "special", "as_of": time.Now().Format("2006-01-02"),
		"scope": map[string]any{"kind": "agencies", "agency_ids": []uuid.UUID{s.a}}, "points": []string{"A2", "L1"}}).expect(t, 201).decode(t, &p)
	body["text"] = "网民反映办公室闲置 " + marker
	body["source"] = "internet"
	var second leadOut
	boss.do("POST", "/api/v1/leads", body).expect(t, 201).decode(t, &second)
	triage := "/api/v1/leads/" + second.ID.String() + "/triage"
	insp.do("POST", triage, map[string]any{"inspection_id": p.ID, "point_code": "A2"}).expectError(t, 409, "conflict")
	insp.do("POST", "/api/v1/inspections/"+p.ID.String()+"/start", nil).expect(t, 200)
	boss.do("POST", triage, map[string]any{"inspection_id": p.ID, "point_code": "A2"}).expectError(t, 403, "forbidden")
	insp.do("POST", triage, map[string]any{"inspection_id": p.ID, "point_code": "A2", "agency_id": s.b}).expectError(t, 422, "invalid_input")
	var it inspectionItemOut
	insp.do("POST", triage, map[string]any{"inspection_id": p.ID, "point_code": "A2"}).expect(t, 201).decode(t, &it)
	if it.PointCode != "A2" || it.AgencyID != s.a || it.FloorID != s.f.floor || it.State != "open" {
		t.Errorf("triaged item %+v: want an open A2 item of A on the room's floor", it)
	}
	var items inspectionItemsOut
	insp.do("GET", "/api/v1/inspections/"+p.ID.String()+"/items", nil).expect(t, 200).decode(t, &items)
	found := false
	for _, x := range items.Items {
		found = found || x.ID == it.ID
	}
	item := insp.do("GET", "/api/v1/inspection-items/"+it.ID.String(), nil).expect(t, 200)
	if !found || !has(item.body, "网民反映办公室闲置 "+marker) || !has(item.body, s.roomA.String()) {
		t.Errorf("the plan's items lack the triaged item, or it lacks the lead's text and room: %s", item.body)
	}
	insp.do("GET", "/api/v1/leads/"+second.ID.String(), nil).expect(t, 200).decode(t, &second)
	if second.State != "triaged" || second.ItemID != it.ID || second.InspectionID != p.ID {
		t.Errorf("triaged lead %+v", second)
	}
	insp.do("POST", triage, map[string]any{"inspection_id": p.ID, "point_code": "A2"}).expectError(t, 409, "conflict")
	if len(s.e.auditLog(identity.AuditFilter{Action: "write.lead.create"})) < 2 || len(s.e.auditLog(identity.AuditFilter{Action: "write.lead.update"})) < 2 {
		t.Errorf("the leads' changes are not in the audit log")
	}
}

// TestLeadsDistrictScope: a district inspector sees the leads about its district only; a lead about
// another district's agency is 404 to read and to close, absent from the list, and cannot be linked (422
// as a record that does not exist).
func TestLeadsDistrictScope(t *testing.T) {
	w := newGapsWorld(t)
	d := w.e.signedIn("lead_district", identity.Grant{Role: identity.RoleInspector, Scope: identity.Scope{Jurisdiction: w.tianning}})
	today := time.Now().Format("2006-01-02")
	var there, here leadOut
	w.boss.do("POST", "/api/v1/leads", map[string]any{"source": "media", "received_on": today, "text": "媒体报道钟楼区",
		"agency_ids": []uuid.UUID{w.zlAgency}}).expect(t, 201).decode(t, &there)
	w.boss.do("POST", "/api/v1/leads", map[string]any{"source": "public", "received_on": today, "text": "群众来信天宁区",
		"contact": map[string]any{"phone": "0519-1234567"}, "room_ids": []uuid.UUID{w.tnRoom}}).expect(t, 201).decode(t, &here)
	var mixed leadOut
	w.boss.do("POST", "/api/v1/leads", map[string]any{"source": "public", "received_on": today, "text": "两区",
		"agency_ids": []uuid.UUID{w.tnAgency, w.zlAgency}}).expect(t, 201).decode(t, &mixed)

	d.do("GET", "/api/v1/leads/"+there.ID.String(), nil).expectError(t, 404, "not_found")
	d.do("GET", "/api/v1/leads/"+mixed.ID.String(), nil).expectError(t, 404, "not_found")
	d.do("POST", "/api/v1/leads/"+there.ID.String()+"/close", map[string]any{"reason": "x"}).expectError(t, 404, "not_found")
	var seen leadOut
	d.do("GET", "/api/v1/leads/"+here.ID.String(), nil).expect(t, 200).decode(t, &seen)
	if seen.Contact.Phone != "0519-1234567" {
		t.Errorf("the district inspector does not see the contact: %+v", seen)
	}
	var list leadsOut
	d.do("GET", "/api/v1/leads", nil).expect(t, 200).decode(t, &list)
	if ids := leadIDs(list); !ids[here.ID] || ids[there.ID] || ids[mixed.ID] {
		t.Errorf("the district's list %v: want the Tianning lead only", ids)
	}
	hidden := d.do("POST", "/api/v1/leads", map[string]any{"source": "public", "received_on": today, "text": "x",
		"agency_ids": []uuid.UUID{w.zlAgency}}).expectError(t, 422, "invalid_input")
	missing := d.do("POST", "/api/v1/leads", map[string]any{"source": "public", "received_on": today, "text": "x",
		"agency_ids": []uuid.UUID{uuid.New()}}).expectError(t, 422, "invalid_input")
	if hidden["field"] != "agency_ids[0]" || hidden["field"] != missing["field"] {
		t.Errorf("linking another district's agency: %v; an unknown one: %v", hidden, missing)
	}
	var own leadOut
	d.do("POST", "/api/v1/leads", map[string]any{"source": "hotline_12345", "received_on": today, "text": "12345 天宁区",
		"agency_ids": []uuid.UUID{w.tnAgency}}).expect(t, 201).decode(t, &own)
	d.do("POST", "/api/v1/leads/"+own.ID.String()+"/close", map[string]any{"reason": "不属实"}).expect(t, 200)
}
