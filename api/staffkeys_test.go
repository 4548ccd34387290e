package api_test

import (
	"bytes"
	"testing"

	"officemap/api"
	"officemap/floorplan/identity"
)

// The bureau's keys over HTTP: an agency's code and a person's staff_no go in and come out of the JSON of
// agencies and people, a merge patch that does not name them keeps them (null removes them), a key that
// another record has is 422 naming the field, and staff_no — personal data — is not shown to a role that
// does not see personal data, while an agency's code is.
func TestStaffKeys(t *testing.T) {
	e := newEnv(t, api.Config{})
	var a, p map[string]any
	e.do("POST", "/api/v1/agencies", map[string]any{"name": "常州市教育局", "code": "11320400014160776X", "level": "municipal"}).
		expect(t, 201).decode(t, &a)
	if a["code"] != "11320400014160776X" {
		t.Fatalf("created agency = %v", a)
	}
	agency := a["id"].(string)
	e.do("PATCH", "/api/v1/agencies/"+agency, `{"headcount":60}`, "If-Match", "*").expect(t, 200).decode(t, &a)
	if a["code"] != "11320400014160776X" || a["headcount"] != float64(60) {
		t.Errorf("agency after a patch of its headcount = %v, want the code kept", a)
	}
	e.do("GET", "/api/v1/agencies/"+agency, nil).expect(t, 200).decode(t, &a)
	if a["code"] != "11320400014160776X" {
		t.Errorf("agency read back = %v", a)
	}
	res := e.do("POST", "/api/v1/agencies", map[string]any{"name": "常州市教育考试院", "code": "11320400014160776X", "level": "municipal"}).
		expectError(t, 422, "invalid_input")
	if res["field"] != "code" || res["reason"] != "taken" {
		t.Errorf("a second agency with the code: %v, want field code, reason taken", res)
	}

	e.do("POST", "/api/v1/people", map[string]any{"name": "张三", "staff_no": "CZ-0001", "agency_id": agency, "rank": "section"}).
		expect(t, 201).decode(t, &p)
	person := p["id"].(string)
	e.do("PATCH", "/api/v1/people/"+person, `{"title":"科长"}`, "If-Match", "*").expect(t, 200).decode(t, &p)
	if p["staff_no"] != "CZ-0001" || p["title"] != "科长" {
		t.Errorf("person after a patch of the title = %v, want the staff number kept", p)
	}
	var list []map[string]any
	e.do("GET", "/api/v1/people?agency_id="+agency, nil).expect(t, 200).decode(t, &list)
	if len(list) != 1 || list[0]["staff_no"] != "CZ-0001" {
		t.Errorf("people of the agency = %v", list)
	}
	res = e.do("POST", "/api/v1/people", map[string]any{"name": "李四", "staff_no": "CZ-0001", "agency_id": agency, "rank": "staff"}).
		expectError(t, 422, "invalid_input")
	if res["field"] != "staff_no" || res["reason"] != "taken" {
		t.Errorf("a second person CZ-0001: %v, want field staff_no, reason taken", res)
	}
	res = e.do("PATCH", "/api/v1/people/"+person, `{"staff_no":" CZ-0002"}`, "If-Match", "*").expectError(t, 422, "invalid_input")
	if res["field"] != "staff_no" || res["reason"] != "padded" {
		t.Errorf("a staff number with a leading space: %v, want field staff_no, reason padded", res)
	}
	e.do("PATCH", "/api/v1/people/"+person, `{"staff_no":null}`, "If-Match", "*").expect(t, 200).decode(t, &p)
	if p["staff_no"] != "" {
		t.Errorf("person after staff_no null = %v, want none", p)
	}
	e.do("POST", "/api/v1/people", map[string]any{"name": "李四", "staff_no": "CZ-0001", "agency_id": agency, "rank": "staff"}).
		expect(t, 201) // the number is free again
}

// TestStaffKeysPersonalData: a viewer sees agencies with their codes, and no person, so no staff number.
func TestStaffKeysPersonalData(t *testing.T) {
	e := newAuthEnv(t)
	e.addUser("keys_bureau", identity.Grant{Role: identity.RoleBureauAdmin})
	e.addUser("keys_viewer", identity.Grant{Role: identity.RoleViewer})
	bureau, viewer := e.signIn("keys_bureau"), e.signIn("keys_viewer")
	var a map[string]any
	bureau.do("POST", "/api/v1/agencies", map[string]any{"name": "常州市档案馆", "code": "DA-01", "level": "municipal"}).
		expect(t, 201).decode(t, &a)
	agency := a["id"].(string)
	person := bureau.do("POST", "/api/v1/people", map[string]any{"name": "王五", "staff_no": "DA-0007", "agency_id": agency, "rank": "staff"}).
		created(t)

	viewer.do("GET", "/api/v1/agencies/"+agency, nil).expect(t, 200).decode(t, &a)
	if a["code"] != "DA-01" {
		t.Errorf("the viewer's agency = %v, want its code", a)
	}
	for _, path := range []string{"/api/v1/people/" + person.String(), "/api/v1/people?agency_id=" + agency} {
		res := viewer.do("GET", path, nil)
		if res.status != 403 || bytes.Contains(res.body, []byte("DA-0007")) {
			t.Errorf("GET %s as a viewer: %d %s, want 403 without the staff number", path, res.status, res.body)
		}
	}
}
