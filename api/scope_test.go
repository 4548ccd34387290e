package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"officemap/floorplan/identity"
)

// scopeEnv is a register with two agencies, A and B, each with a room and a person in it, on one floor.
type scopeEnv struct {
	e                  *authEnv
	f                  fixture
	a, b               uuid.UUID // agencies
	roomA, roomB       uuid.UUID
	personA, personB   uuid.UUID
	nameA, nameB       string
	numberA, numberB   string
	tile               maptile.Tile // holds both rooms
	agencyAName, bName string
}

func newScopeEnv(t *testing.T) *scopeEnv {
	e := newAuthEnv(t)
	e.addUser("bureau", identity.Grant{Role: identity.RoleBureauAdmin})
	boss := e.signIn("bureau")
	suffix := uuid.NewString()[:8]
	s := &scopeEnv{e: e, f: boss.fixture(), nameA: "张三" + suffix, nameB: "李四" + suffix,
		numberA: "A" + suffix, numberB: "B" + suffix, agencyAName: "发改委" + suffix, bName: "财政局" + suffix}
	agency := func(name string) uuid.UUID {
		var a struct{ ID uuid.UUID }
		boss.do("POST", "/api/v1/agencies", map[string]any{"name": name, "level": "municipal", "headcount": 10}).
			expect(t, 201).decode(t, &a)
		return a.ID
	}
	s.a, s.b = agency(s.agencyAName), agency(s.bName)
	person := func(name string, agency uuid.UUID) uuid.UUID {
		var p struct{ ID uuid.UUID }
		boss.do("POST", "/api/v1/people", map[string]any{"name": name, "agency_id": agency, "rank": "staff", "title": "科员"}).
			expect(t, 201).decode(t, &p)
		return p.ID
	}
	s.personA, s.personB = person(s.nameA, s.a), person(s.nameB, s.b)
	room := func(number string, agency uuid.UUID, local orb.Polygon) uuid.UUID {
		body := roomBody(number, "office", local, &s.f.georef)
		body["properties"].(map[string]any)["agency_id"] = agency
		var r roomFeature
		boss.do("POST", "/api/v1/floors/"+s.f.floor.String()+"/rooms", body).expect(t, 201).decode(t, &r)
		return r.ID
	}
	s.roomA, s.roomB = room(s.numberA, s.a, rect(0, 0, 4, 4)), room(s.numberB, s.b, rect(5, 0, 9, 4))
	for _, as := range [][2]uuid.UUID{{s.personA, s.roomA}, {s.personB, s.roomB}} {
		boss.do("POST", "/api/v1/assignments", map[string]any{"person_id": as[0], "room_id": as[1], "kind": "main", "start": "2020-01-01"}).expect(t, 201)
	}
	s.tile = maptile.At(s.f.georef.Frame().ToLonLat(orb.Point{4.5, 2}), 19)
	return s
}

// has reports whether body mentions s; of a search answer, only its hits count (the query is echoed).
func has(body []byte, s string) bool {
	var search struct {
		Query *string         `json:"query"`
		Hits  json.RawMessage `json:"hits"`
	}
	if json.Unmarshal(body, &search) == nil && search.Query != nil {
		body = search.Hits
	}
	return bytes.Contains(body, []byte(s))
}

// TestReadScope: an agency manager of A sees A's rooms and people and nothing of B's, on every read
// path; B's records are 404 to them.
func TestReadScope(t *testing.T) {
	s := newScopeEnv(t)
	s.e.addUser("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	m := s.e.signIn("manager")
	boss := s.e.signIn("bureau")

	m.do("GET", "/api/v1/rooms/"+s.roomA.String(), nil).expect(t, 200)
	m.do("GET", "/api/v1/rooms/"+s.roomB.String(), nil).expectError(t, 404, "not_found")
	m.do("GET", "/api/v1/people/"+s.personA.String(), nil).expect(t, 200)
	m.do("GET", "/api/v1/people/"+s.personB.String(), nil).expectError(t, 404, "not_found")
	m.do("GET", "/api/v1/agencies/"+s.b.String(), nil).expectError(t, 404, "not_found")
	m.do("GET", "/ogc/collections/rooms/items/"+s.roomB.String(), nil).expectError(t, 404, "not_found")
	// exactly as a record that does not exist
	for _, c := range []struct{ path, id string }{
		{"/api/v1/rooms/", s.roomB.String()}, {"/api/v1/people/", s.personB.String()},
		{"/api/v1/agencies/", s.b.String()}, {"/ogc/collections/rooms/items/", s.roomB.String()},
	} {
		hidden := m.do("GET", c.path+c.id, nil).errorBody(t)
		missing := m.do("GET", c.path+uuid.NewString(), nil).errorBody(t)
		if !sameShape(hidden, missing) {
			t.Errorf("%s: hidden %v, missing %v", c.path, hidden, missing)
		}
	}

	for _, path := range []string{
		"/api/v1/floors/" + s.f.floor.String() + "/rooms",
		"/api/v1/rooms?building_id=" + s.f.building.String(),
		"/api/v1/rooms?agency_id=" + s.b.String(),
		"/api/v1/people",
		"/api/v1/agencies",
		"/api/v1/assignments",
		"/api/v1/search?q=" + s.numberB,
		"/api/v1/search?q=" + s.nameB,
		"/api/v1/floors/" + s.f.floor.String() + "/plan.svg",
		"/ogc/collections/rooms/items?bbox=" + bbox(s),
	} {
		t.Run(path, func(t *testing.T) {
			body := m.do("GET", path, nil).expect(t, 200).body
			for _, b := range []string{s.roomB.String(), s.personB.String(), s.nameB, s.numberB, s.bName} {
				if has(body, b) {
					t.Errorf("the manager of A sees %q of B", b)
				}
			}
			// the bureau sees B's records on the same path (so the test tests something)
			if full := boss.do("GET", path, nil).expect(t, 200).body; !has(full, s.roomB.String()) && !has(full, s.personB.String()) &&
				!has(full, s.numberB) && !has(full, s.bName) {
				t.Errorf("the bureau does not see B either: %s", full)
			}
		})
	}
	if body := m.do("GET", "/api/v1/floors/"+s.f.floor.String()+"/rooms", nil).body; !has(body, s.roomA.String()) || !has(body, s.nameA) {
		t.Errorf("the manager of A does not see A's room with its occupant: %s", body)
	}

	// The report: the manager has no report action; an inspector scoped to A sees A's only.
	s.e.addUser("inspectorA", identity.Grant{Role: identity.RoleInspector, Scope: identity.Scope{Agency: s.a}})
	in := s.e.signIn("inspectorA")
	rep := in.do("GET", "/api/v1/reports/over-standard", nil).expect(t, 200).body
	if has(rep, s.roomB.String()) || has(rep, s.personB.String()) || has(rep, s.bName) {
		t.Errorf("the report of A's inspector shows B: %s", rep)
	}
	if exp := in.do("GET", "/api/v1/exports/geojson?building_id="+s.f.building.String(), nil).expect(t, 200).body; has(exp, s.roomB.String()) || !has(exp, s.roomA.String()) {
		t.Errorf("the export of A's inspector: %s", exp)
	}

	// The tile: decoded, it holds A's room and not B's; the bureau's holds both.
	ids := func(c *client) []string {
		body := c.do("GET", fmt.Sprintf("/tiles/rooms/%d/%d/%d.mvt", s.tile.Z, s.tile.X, s.tile.Y), nil).expect(t, 200).body
		layers, err := mvt.Unmarshal(body)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, l := range layers {
			for _, f := range l.Features {
				out = append(out, fmt.Sprint(f.Properties["id"]))
			}
		}
		return out
	}
	mine, all := strings.Join(ids(m), ","), strings.Join(ids(boss), ",")
	if !strings.Contains(mine, s.roomA.String()) || strings.Contains(mine, s.roomB.String()) {
		t.Errorf("the manager's tile holds %s", mine)
	}
	if !strings.Contains(all, s.roomA.String()) || !strings.Contains(all, s.roomB.String()) {
		t.Errorf("the bureau's tile holds %s", all)
	}
	// and again, from the cache, in the other order
	if again := strings.Join(ids(m), ","); again != mine {
		t.Errorf("the manager's cached tile holds %s, want %s", again, mine)
	}
}

// TestViewerNoPersonalData: a viewer sees the rooms without their occupants' names and ranks.
func TestViewerNoPersonalData(t *testing.T) {
	s := newScopeEnv(t)
	s.e.addUser("viewer", identity.Grant{Role: identity.RoleViewer})
	v := s.e.signIn("viewer")
	for _, path := range []string{
		"/api/v1/floors/" + s.f.floor.String() + "/rooms",
		"/api/v1/rooms/" + s.roomA.String(),
		"/api/v1/floors/" + s.f.floor.String() + "/plan.svg",
		"/api/v1/search?q=" + s.nameA,
	} {
		body := v.do("GET", path, nil).expect(t, 200).body
		if has(body, s.nameA) || has(body, s.personA.String()) {
			t.Errorf("%s: the viewer sees the occupant's name: %s", path, body)
		}
	}
	if body := v.do("GET", "/api/v1/rooms/"+s.roomA.String(), nil).body; !has(body, s.numberA) {
		t.Errorf("the viewer does not see the room: %s", body)
	}
}

// bbox is a bbox parameter around the fixture's floor.
func bbox(s *scopeEnv) string {
	b := s.f.georef.Frame().PolygonToLonLat(rect(-1, -1, 40, 20)).Bound()
	return fmt.Sprintf("%f,%f,%f,%f", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
}

// sameShape reports whether two error bodies say the same but for the request id.
func sameShape(a, b map[string]any) bool {
	return a["code"] == b["code"] && a["message"] == b["message"]
}
