package api_test

import (
	"fmt"
	"testing"

	"officemap/api"
)

// TestVersionedRecords: sites, buildings, floors, agencies and people carry a version, as rooms do: a
// create and a GET answer with its ETag and lists show it; a PATCH or DELETE without If-Match is 428, with
// a stale tag 412 (and changes nothing), with the current one (or *) it is done and the PATCH answers
// the new ETag.
func TestVersionedRecords(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()
	agency, person := e.agencyAndPerson("常州市统计局", "周明", "staff")
	// A building and a floor of their own, to delete.
	spare := newFixture(t, e, map[string]any{"name": "备用办公区", "category": "office.party_government",
		"ownership": "registered"}, map[string]any{"ordinal": 0, "name": "1F"})
	for _, c := range []struct {
		what, path, list, patch string
		spare                   string // a record of the kind that can be deleted
	}{
		{"site", "/api/v1/sites/" + f.site.String(), "/api/v1/sites", `{"note":"改"}`, ""},
		{"building", "/api/v1/buildings/" + f.building.String(), "/api/v1/buildings", `{"address":"改"}`, ""},
		{"floor", "/api/v1/floors/" + f.floor.String(), "/api/v1/buildings/" + f.building.String() + "/floors", `{"name":"改"}`,
			"/api/v1/floors/" + spare.floor.String()},
		{"agency", "/api/v1/agencies/" + agency.String(), "/api/v1/agencies", `{"headcount":41}`, ""},
		{"person", "/api/v1/people/" + person.String(), "/api/v1/people", `{"title":"副科长"}`, ""},
	} {
		t.Run(c.what, func(t *testing.T) {
			res := e.do("GET", c.path, nil).expect(t, 200)
			if got := res.header.Get("ETag"); got != `"1"` {
				t.Fatalf("GET %s: ETag %q, want \"1\"", c.what, got)
			}
			var list []map[string]any
			e.do("GET", c.list, nil).expect(t, 200).decode(t, &list)
			for _, x := range list {
				if _, ok := x["version"]; !ok {
					t.Errorf("a %s in the list has no version: %v", c.what, x)
				}
			}
			e.do("PATCH", c.path, c.patch).expectError(t, 428, "precondition_required")
			e.do("PATCH", c.path, c.patch, "If-Match", `"7"`).expectError(t, 412, "precondition_failed")
			res = e.do("PATCH", c.path, c.patch, "If-Match", `"1"`).expect(t, 200)
			if got := res.header.Get("ETag"); got != `"2"` {
				t.Errorf("PATCH %s: ETag %q, want \"2\"", c.what, got)
			}
			var body map[string]any
			res.decode(t, &body)
			if body["version"] != float64(2) {
				t.Errorf("PATCH %s: version %v, want 2", c.what, body["version"])
			}
			// The PATCH that read version 1 before the one above is stale now.
			e.do("PATCH", c.path, `{"name":"抢先"}`, "If-Match", `"1"`).expectError(t, 412, "precondition_failed")
			res = e.do("GET", c.path, nil).expect(t, 200)
			if got := res.header.Get("ETag"); got != `"2"` {
				t.Errorf("GET %s after a refused PATCH: ETag %q, want \"2\"", c.what, got)
			}
			e.do("DELETE", c.path, nil).expectError(t, 428, "precondition_required")
			e.do("DELETE", c.path, nil, "If-Match", `"1"`).expectError(t, 412, "precondition_failed")
			if c.spare != "" {
				e.do("DELETE", c.spare, nil, "If-Match", `"1"`).expect(t, 204)
			}
		})
	}
	// Deletes at the current version: the person, then the agency; the spare building and site.
	for _, path := range []string{"/api/v1/people/" + person.String(), "/api/v1/agencies/" + agency.String(),
		"/api/v1/buildings/" + spare.building.String(), "/api/v1/sites/" + spare.site.String()} {
		tag := e.do("GET", path, nil).expect(t, 200).header.Get("ETag")
		e.do("DELETE", path, nil, "If-Match", tag).expect(t, 204)
		e.do("GET", path, nil).expectError(t, 404, "not_found")
	}
	// A create answers the new record's ETag.
	res := e.do("POST", "/api/v1/agencies", map[string]any{"name": fmt.Sprintf("新单位 %s", agency), "level": "municipal"}).expect(t, 201)
	if got := res.header.Get("ETag"); got != `"1"` {
		t.Errorf("POST agency: ETag %q, want \"1\"", got)
	}
}
