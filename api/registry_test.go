package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/api"
	"officemap/floorplan"
)

// agencyAndPerson makes an agency and a person over HTTP.
func (e *env) agencyAndPerson(name, person, rank string) (agency, personID uuid.UUID) {
	e.t.Helper()
	agency = e.do("POST", "/api/v1/agencies", map[string]any{"name": name, "short_name": name[:min(len(name), 6)], "level": "municipal", "headcount": 40}).
		created(e.t)
	personID = e.do("POST", "/api/v1/people", map[string]any{"name": person, "agency_id": agency, "rank": rank, "title": "科员"}).created(e.t)
	return agency, personID
}

func TestAgenciesPeopleAssignments(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()
	room, roomTag := e.createRoom(f, "501", rect(0, 0, 4, 5)) // 20 m²
	agency, person := e.agencyAndPerson("常州市机关事务管理局", "张三丰", "staff")

	t.Run("agency", func(t *testing.T) {
		var a map[string]any
		e.do("GET", "/api/v1/agencies/"+agency.String(), nil).expect(t, 200).decode(t, &a)
		if a["parent_id"] != nil || a["status"] != "active" || a["level"] != "municipal" {
			t.Errorf("agency = %v", a)
		}
		e.do("PATCH", "/api/v1/agencies/"+agency.String(), `{"approved_area_m2":1200.5}`, "If-Match", "*").expect(t, 200).decode(t, &a)
		if a["approved_area_m2"] != 1200.5 {
			t.Errorf("patched agency = %v", a)
		}
		e.do("PATCH", "/api/v1/agencies/"+agency.String(), `{"level":"galactic"}`, "If-Match", "*").expectError(t, 422, "invalid_input")
		e.do("PATCH", "/api/v1/agencies/"+agency.String(), `{"id":"`+uuid.NewString()+`"}`, "If-Match", "*").expectError(t, 400, "bad_request")
		e.do("PATCH", "/api/v1/agencies/"+agency.String(), `{"headcount":"many"}`, "If-Match", "*").expectError(t, 400, "bad_request")
		e.do("POST", "/api/v1/agencies", `{"name":"x","level":"municipal","parent_id":"nope"}`).expectError(t, 400, "bad_request")
		var list []map[string]any
		e.do("GET", "/api/v1/agencies", nil).expect(t, 200).decode(t, &list)
		if len(list) == 0 {
			t.Error("no agencies")
		}
	})

	t.Run("person", func(t *testing.T) {
		var p map[string]any
		e.do("GET", "/api/v1/people/"+person.String(), nil).expect(t, 200).decode(t, &p)
		if p["name"] != "张三丰" || p["agency_id"] != agency.String() || p["status_date"] != nil {
			t.Errorf("person = %v", p)
		}
		var list []map[string]any
		e.do("GET", "/api/v1/people?agency_id="+agency.String(), nil).expect(t, 200).decode(t, &list)
		if len(list) != 1 {
			t.Errorf("%d people in the agency, want 1", len(list))
		}
		e.do("GET", "/api/v1/people?agency_id=oops", nil).expectError(t, 400, "bad_request")
		e.do("PATCH", "/api/v1/people/"+person.String(), `{"status":"retired"}`, "If-Match", "*").expectError(t, 422, "invalid_input")
		e.do("PATCH", "/api/v1/people/"+person.String(), `{"posts":[{"title":"兼职副主任","agency_id":"`+agency.String()+`","start":"2023-01-01"}]}`, "If-Match", "*").
			expect(t, 200).decode(t, &p)
		if posts := p["posts"].([]any); len(posts) != 1 || posts[0].(map[string]any)["start"] != "2023-01-01" {
			t.Errorf("posts = %v", p["posts"])
		}
		e.do("DELETE", "/api/v1/agencies/"+agency.String(), nil, "If-Match", "*").expectError(t, 409, "in_use")
	})

	var assignment struct {
		ID      uuid.UUID
		Version int64
	}
	var assignTag string
	t.Run("assignment changes the room's status at once", func(t *testing.T) {
		before := e.rooms(f)
		if s := before.Features[0].Properties.Status; s == nil || *s != "vacant" {
			t.Fatalf("status before = %v, want vacant", s)
		}
		res := e.do("POST", "/api/v1/assignments", map[string]any{"person_id": person, "room_id": room.ID, "kind": "main",
			"start": "2024-01-01"}).expect(t, 201)
		res.decode(t, &assignment)
		assignTag = res.header.Get("ETag")
		if assignTag != fmt.Sprintf(`"%d"`, assignment.Version) {
			t.Errorf("ETag %q for version %d", assignTag, assignment.Version)
		}
		after := e.rooms(f).Features[0].Properties
		if after.Status == nil || *after.Status != "over_standard" {
			t.Fatalf("status after = %v, want over_standard (a staff member alone in 20 m²; the standard is 9)", after.Status)
		}
		if len(after.Occupants) != 1 || after.Occupants[0].Name != "张三丰" || after.Occupants[0].Rank != "staff" ||
			after.Occupants[0].RankTitle == "" || after.Occupants[0].ID != person {
			t.Errorf("occupants = %+v", after.Occupants)
		}
		if !near(after.PerPersonM2, 20, 1e-6) || !near(after.StandardM2, 9, 1e-9) {
			t.Errorf("per person %v, standard %v", after.PerPersonM2, after.StandardM2)
		}
	})

	t.Run("assignment list filters", func(t *testing.T) {
		for _, tt := range []struct {
			query string
			n     int
		}{
			{"person_id=" + person.String(), 1},
			{"room_id=" + room.ID.String(), 1},
			{"room_id=" + uuid.NewString(), 0},
			{"person_id=" + person.String() + "&active_on=2024-06-01", 1},
			{"person_id=" + person.String() + "&active_on=2023-06-01", 0},
		} {
			var list []map[string]any
			e.do("GET", "/api/v1/assignments?"+tt.query, nil).expect(t, 200).decode(t, &list)
			if len(list) != tt.n {
				t.Errorf("%s: %d assignments, want %d", tt.query, len(list), tt.n)
			}
		}
		e.do("GET", "/api/v1/assignments?active_on=2024-13-01", nil).expectError(t, 400, "bad_request")
		e.do("POST", "/api/v1/assignments", map[string]any{"person_id": person, "room_id": room.ID}).expectError(t, 422, "invalid_input")
	})

	t.Run("occupied room cannot be deleted or split", func(t *testing.T) {
		e.do("DELETE", "/api/v1/rooms/"+room.ID.String(), nil, "If-Match", roomTag).expectError(t, 409, "in_use")
		e.do("POST", "/api/v1/rooms/"+room.ID.String()+"/split?crs=local", `{"type":"LineString","coordinates":[[2,-1],[2,6]]}`,
			"If-Match", roomTag).expectError(t, 409, "in_use")
		if n := len(e.rooms(f).Features); n != 1 {
			t.Errorf("%d rooms after a refused split, want 1 (the transaction must roll back)", n)
		}
	})

	t.Run("search with Chinese", func(t *testing.T) {
		var res struct {
			Query string
			Hits  []struct {
				Kind       string
				ID         uuid.UUID
				Label      string
				BuildingID *uuid.UUID `json:"building_id"`
			}
		}
		e.do("GET", "/api/v1/search?q="+url.QueryEscape("三丰"), nil).expect(t, 200).decode(t, &res)
		found := false
		for _, h := range res.Hits {
			if h.Kind == "person" && h.ID == person {
				found = true
				if h.BuildingID == nil || *h.BuildingID != f.building {
					t.Errorf("the person's hit does not show their building: %+v", h)
				}
			}
		}
		if !found {
			t.Errorf("no person hit for 三丰: %+v", res.Hits)
		}
		e.do("GET", "/api/v1/search?q="+url.QueryEscape("机关事务"), nil).expect(t, 200).decode(t, &res)
		if len(res.Hits) == 0 || res.Hits[0].Kind != "agency" {
			t.Errorf("hits for 机关事务 = %+v", res.Hits)
		}
		e.do("GET", "/api/v1/search?q=501", nil).expect(t, 200).decode(t, &res)
		if len(res.Hits) == 0 || res.Hits[0].Kind != "room" {
			t.Errorf("hits for 501 = %+v", res.Hits)
		}
		e.do("GET", "/api/v1/search", nil).expectError(t, 400, "bad_request")
		e.do("GET", "/api/v1/search?q="+strings.Repeat("长", 101), nil).expectError(t, 400, "bad_request")
		e.do("GET", "/api/v1/search?q=x&limit=0", nil).expectError(t, 400, "bad_request")
	})

	t.Run("report", func(t *testing.T) {
		base := "/api/v1/reports/over-standard?agency_id=" + agency.String()
		var doc struct {
			AsOf     string `json:"as_of"`
			Findings []struct {
				RuleID   string  `json:"rule_id"`
				Source   string  `json:"source"`
				Message  string  `json:"message"`
				ExcessM2 float64 `json:"excess_m2"`
			}
		}
		res := e.do("GET", base, nil).expect(t, 200)
		res.decode(t, &doc)
		if doc.AsOf != time.Now().Format("2006-01-02") || len(doc.Findings) != 1 || doc.Findings[0].RuleID != "person.over_standard" ||
			!near(doc.Findings[0].ExcessM2, 11, 1e-6) || doc.Findings[0].Source == "" || doc.Findings[0].Message == "" {
			t.Errorf("report = %s", res.body)
		}
		// Before the assignment started there was nothing to find.
		e.do("GET", base+"&as_of=2023-12-31", nil).expect(t, 200).decode(t, &doc)
		if doc.AsOf != "2023-12-31" || len(doc.Findings) != 0 {
			t.Errorf("report as of 2023-12-31 = %+v", doc)
		}
		// Another agency has no findings.
		e.do("GET", "/api/v1/reports/over-standard?agency_id="+uuid.NewString(), nil).expect(t, 200).decode(t, &doc)
		if len(doc.Findings) != 0 {
			t.Errorf("findings for an unknown agency: %+v", doc.Findings)
		}

		res = e.do("GET", base+"&format=csv", nil).expect(t, 200)
		if !bytes.HasPrefix(res.body, []byte("\ufeff")) {
			t.Errorf("CSV does not start with a UTF-8 BOM: %q", res.body[:min(len(res.body), 20)])
		}
		if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("CSV Content-Type %q", ct)
		}
		if !strings.Contains(string(res.body), "张三丰") {
			t.Errorf("CSV lacks the person: %s", res.body)
		}
		res = e.do("GET", base+"&format=xlsx", nil).expect(t, 200)
		if ct := res.header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Errorf("XLSX Content-Type %q", ct)
		}
		if !bytes.HasPrefix(res.body, []byte("PK")) {
			t.Errorf("XLSX is not a zip file")
		}
		if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, ".xlsx") {
			t.Errorf("Content-Disposition %q", cd)
		}
		// The per-agency totals instead of the findings: the agency's row, and no person.
		res = e.do("GET", base+"&format=csv&totals=true", nil).expect(t, 200)
		if !bytes.HasPrefix(res.body, []byte("\ufeff")) || strings.Contains(string(res.body), "张三丰") ||
			strings.Count(string(res.body), "\n") < 2 {
			t.Errorf("totals CSV = %s", res.body)
		}
		e.do("GET", base+"&totals=maybe", nil).expectError(t, 400, "bad_request")
		e.do("GET", base+"&format=pdf", nil).expectError(t, 400, "bad_request")
		e.do("GET", base+"&as_of=yesterday", nil).expectError(t, 400, "bad_request")
		e.do("GET", "/api/v1/reports/over-standard?agency_id=123", nil).expectError(t, 400, "bad_request")
	})

	t.Run("plans", func(t *testing.T) {
		plan := "/api/v1/floors/" + f.floor.String() + "/plan"
		res := e.do("GET", plan+".png?width=400&color=agency", nil).expect(t, 200)
		if res.header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(res.body, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("not a PNG: %s %q", res.header.Get("Content-Type"), res.body[:min(len(res.body), 8)])
		}
		res = e.do("GET", plan+".svg", nil).expect(t, 200)
		if !strings.HasPrefix(res.header.Get("Content-Type"), "image/svg+xml") || !strings.Contains(string(res.body), "<svg") ||
			!strings.Contains(string(res.body), "501") {
			t.Errorf("SVG: %s", res.body[:min(len(res.body), 200)])
		}
		for _, q := range []string{"width=10", "width=100000", "width=wide", "color=rainbow", "lang=fr"} {
			e.do("GET", plan+".png?"+q, nil).expectError(t, 400, "bad_request")
		}
		e.do("GET", "/api/v1/floors/"+uuid.NewString()+"/plan.svg", nil).expectError(t, 404, "not_found")
		e.do("GET", "/api/v1/floors/zzz/plan.png", nil).expectError(t, 400, "bad_request")
	})

	t.Run("assignment delete needs If-Match", func(t *testing.T) {
		path := "/api/v1/assignments/" + assignment.ID.String()
		res := e.do("GET", path, nil).expect(t, 200)
		if res.header.Get("ETag") != assignTag {
			t.Errorf("GET ETag %q, want %q", res.header.Get("ETag"), assignTag)
		}
		e.do("DELETE", path, nil).expectError(t, 428, "precondition_required")
		e.do("DELETE", path, nil, "If-Match", `"12345"`).expectError(t, 412, "precondition_failed")
		e.do("DELETE", path, nil, "If-Match", assignTag).expect(t, 204)
		e.do("GET", path, nil).expectError(t, 404, "not_found")
		if s := e.rooms(f).Features[0].Properties.Status; s == nil || *s != "vacant" {
			t.Errorf("status after the assignment's deletion = %v, want vacant", s)
		}
		e.do("DELETE", "/api/v1/people/"+person.String(), nil, "If-Match", "*").expect(t, 204)
	})
}

func TestAcceptLanguage(t *testing.T) {
	e := newEnv(t, api.Config{})
	res := e.do("GET", "/api/v1/rooms/"+uuid.NewString(), nil, "Accept-Language", "en-US,en;q=0.9")
	if er := res.expectError(t, 404, "not_found"); er["message"] != "room not found" {
		t.Errorf("English message = %v", er["message"])
	}
	f := e.fixture()
	body := map[string]any{"type": "Feature", "properties": map[string]any{"number": "1", "usage": "office"},
		"geometry": json.RawMessage(`{"type":"Polygon","coordinates":[[[0,0],[4,4],[4,0],[0,4],[0,0]]]}`)}
	er := e.do("POST", "/api/v1/floors/"+f.floor.String()+"/rooms?crs=local", body, "Accept-Language", "zh-CN").
		expectError(t, 422, "invalid_geometry")
	if msg := er["message"].(string); !strings.Contains(msg, "自相交") {
		t.Errorf("Chinese message = %q", msg)
	}
}

func TestActor(t *testing.T) {
	e := newEnv(t, api.Config{Actor: "planner-li"})
	f := e.fixture()
	changes, err := e.store.History(context.Background(), floorplan.EntitySite, f.site)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) == 0 || changes[0].Actor != "planner-li" {
		t.Errorf("history = %+v, want the configured actor", changes)
	}
}

// TestFieldLimits: a field over its limit or with a control character is 422 invalid_input naming the
// field and the reason, on both kinds of record, and nothing is stored.
func TestFieldLimits(t *testing.T) {
	e := newEnv(t, api.Config{})
	long := strings.Repeat("局", 100_000)
	for _, tc := range []struct {
		path   string
		body   map[string]any
		field  string
		reason string
	}{
		{"/api/v1/agencies", map[string]any{"name": long, "level": "municipal"}, "name", "too_long"},
		{"/api/v1/agencies", map[string]any{"name": "发改\x00委", "level": "municipal"}, "name", "control_character"},
		{"/api/v1/agencies", map[string]any{"name": "发改委", "level": "municipal", "approved_area_m2": 1e308}, "approved_area_m2", "out_of_range"},
		{"/api/v1/sites", map[string]any{"name": "办公区", "address": long}, "address", "too_long"},
	} {
		before := e.do("GET", tc.path, nil).expect(t, 200).body
		body := e.do("POST", tc.path, tc.body).expectError(t, 422, "invalid_input")
		if body["field"] != tc.field || body["reason"] != tc.reason {
			t.Errorf("POST %s: field %v, reason %v; want %s, %s", tc.path, body["field"], body["reason"], tc.field, tc.reason)
		}
		if msg, _ := body["message"].(string); len(msg) > 1000 {
			t.Errorf("POST %s: a message of %d bytes repeats the input", tc.path, len(msg))
		}
		if after := e.do("GET", tc.path, nil).expect(t, 200).body; !bytes.Equal(before, after) {
			t.Errorf("POST %s: the refused record changed the list", tc.path)
		}
	}
}
