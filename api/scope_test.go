package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
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
	boss := e.signedIn("bureau", identity.Grant{Role: identity.RoleBureauAdmin})
	suffix := uuid.NewString()[:8]
	s := &scopeEnv{e: e, f: boss.fixture(), nameA: "张三" + suffix, nameB: "李四" + suffix,
		numberA: "A" + suffix, numberB: "B" + suffix, agencyAName: "发改委" + suffix, bName: "财政局" + suffix}
	s.a, s.b = newAgency(t, boss, s.agencyAName, nil), newAgency(t, boss, s.bName, nil)
	s.personA, s.personB = newStaff(t, boss, s.nameA, s.a), newStaff(t, boss, s.nameB, s.b)
	s.roomA, s.roomB = agencyRoom(t, boss, s.f, s.numberA, s.a, rect(0, 0, 4, 4)), agencyRoom(t, boss, s.f, s.numberB, s.b, rect(5, 0, 9, 4))
	assignMain(t, boss, s.personA, s.roomA)
	assignMain(t, boss, s.personB, s.roomB)
	s.tile = maptile.At(s.f.georef.Frame().ToLonLat(orb.Point{4.5, 2}), 19)
	return s
}

// newScopeBoss is a newScopeEnv and its bureau administrator, signed in.
func newScopeBoss(t *testing.T) (*scopeEnv, *client) {
	s := newScopeEnv(t)
	return s, s.e.signIn("bureau")
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
	m := s.e.signedIn("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
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
		"/ogc/collections/rooms/items?bbox=" + bbox(s.f),
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
	in := s.e.signedIn("inspectorA", identity.Grant{Role: identity.RoleInspector, Scope: identity.Scope{Agency: s.a}})
	rep := in.do("GET", "/api/v1/reports/over-standard", nil).expect(t, 200).body
	if has(rep, s.roomB.String()) || has(rep, s.personB.String()) || has(rep, s.bName) {
		t.Errorf("the report of A's inspector shows B: %s", rep)
	}
	if exp := in.do("GET", "/api/v1/exports/geojson?building_id="+s.f.building.String(), nil).expect(t, 200).body; has(exp, s.roomB.String()) || !has(exp, s.roomA.String()) {
		t.Errorf("the export of A's inspector: %s", exp)
	}

	// The tile: decoded, it holds A's room and not B's; the bureau's holds both.
	mine, all := tileRoomIDs(t, m, s.tile), tileRoomIDs(t, boss, s.tile)
	if !strings.Contains(mine, s.roomA.String()) || strings.Contains(mine, s.roomB.String()) {
		t.Errorf("the manager's tile holds %s", mine)
	}
	if !strings.Contains(all, s.roomA.String()) || !strings.Contains(all, s.roomB.String()) {
		t.Errorf("the bureau's tile holds %s", all)
	}
	// and again, from the cache, in the other order
	if again := tileRoomIDs(t, m, s.tile); again != mine {
		t.Errorf("the manager's cached tile holds %s, want %s", again, mine)
	}
}

// TestViewerNoPersonalData: a viewer sees the rooms without their occupants' names and ranks.
func TestViewerNoPersonalData(t *testing.T) {
	s := newScopeEnv(t)
	v := s.e.signedIn("viewer", identity.Grant{Role: identity.RoleViewer})
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
func bbox(f fixture) string {
	b := f.georef.Frame().PolygonToLonLat(rect(-1, -1, 40, 20)).Bound()
	return fmt.Sprintf("%f,%f,%f,%f", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
}

// tileRoomIDs decodes the rooms tile tl as c gets it and returns the ids of its features, joined by commas.
func tileRoomIDs(t *testing.T, c *client, tl maptile.Tile) string {
	t.Helper()
	res := c.do("GET", fmt.Sprintf("/tiles/rooms/%d/%d/%d.mvt", tl.Z, tl.X, tl.Y), nil)
	if res.status == http.StatusNoContent { // no room of the caller's in the tile: where it falls depends on the fixture's place
		return ""
	}
	res.expect(t, 200)
	if cc := res.header.Get("Cache-Control"); !strings.Contains(cc, "private") {
		t.Errorf("a scoped tile's Cache-Control is %q: a shared cache could hand it to another scope", cc)
	}
	layers, err := mvt.Unmarshal(res.body)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range layers {
		for _, f := range l.Features {
			out = append(out, fmt.Sprint(f.Properties["id"]))
		}
	}
	return strings.Join(out, ",")
}

// sameShape reports whether two error bodies say the same but for the request id.
func sameShape(a, b map[string]any) bool {
	return a["code"] == b["code"] && a["message"] == b["message"]
}

// TestReadScopeBeforeLimitsAndVersions: the scope filters in the store's query, before a search's limit,
// and a conditional write on a record outside the scope is 404 whatever its If-Match says (a 412 would
// tell that the record exists).
func TestReadScopeBeforeLimitsAndVersions(t *testing.T) {
	s, boss := newScopeBoss(t)
	m := s.e.signedIn("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})

	// B's room numbered exactly like the search ranks first among all hits.
	exact := strings.TrimPrefix(s.numberB, "B")
	hidden := agencyRoom(t, boss, s.f, exact, s.b, rect(10, 0, 14, 4))
	var first struct {
		Hits []struct{ ID uuid.UUID } `json:"hits"`
	}
	boss.do("GET", "/api/v1/search?limit=1&q="+exact, nil).expect(t, 200).decode(t, &first)
	if len(first.Hits) != 1 || first.Hits[0].ID != hidden {
		t.Fatalf("the bureau's first hit = %v, want B's room %s (so that the test tests something)", first.Hits, hidden)
	}
	m.do("GET", "/api/v1/search?limit=1&q="+exact, nil).expect(t, 200).decode(t, &first)
	if len(first.Hits) != 1 || first.Hits[0].ID != s.roomA {
		t.Errorf("the manager's first hit = %v, want A's room %s: the limit counts only what the manager may see", first.Hits, s.roomA)
	}

	var as []struct {
		ID     uuid.UUID `json:"id"`
		RoomID uuid.UUID `json:"room_id"`
	}
	boss.do("GET", "/api/v1/assignments?room_id="+s.roomB.String(), nil).expect(t, 200).decode(t, &as)
	if len(as) != 1 {
		t.Fatalf("B's room has %d assignments, want 1", len(as))
	}
	// A planner of A may delete rooms and assignments, but not B's.
	p := s.e.signedIn("plannerA", identity.Grant{Role: identity.RolePlanner, Scope: identity.Scope{Agency: s.a}})
	for _, path := range []string{"/api/v1/rooms/" + s.roomB.String(), "/api/v1/assignments/" + as[0].ID.String()} {
		for _, tag := range []string{`"1"`, `"999"`} {
			hiddenErr := p.do("DELETE", path, nil, "If-Match", tag).expectError(t, 404, "not_found")
			missing := p.do("DELETE", path[:strings.LastIndex(path, "/")+1]+uuid.NewString(), nil, "If-Match", tag).errorBody(t)
			if !sameShape(hiddenErr, missing) {
				t.Errorf("DELETE %s If-Match %s: %v, a missing record: %v", path, tag, hiddenErr, missing)
			}
		}
	}
	boss.do("GET", "/api/v1/rooms/"+s.roomB.String(), nil).expect(t, 200)
}

// TestDistrictScope: a district administrator (a bureau administrator scoped to 天宁区) sees the rooms in
// 天宁区's sites whatever their agency (a city agency's, or none), not the rooms of another district's
// site, and only 天宁区's sites and buildings; the jurisdiction tree is the security administrator's.
func TestDistrictScope(t *testing.T) {
	e := newAuthEnv(t)
	secU := e.addUser("ds_sec", identity.Grant{Role: identity.RoleSecAdmin})
	e.addUser("ds_bureau", identity.Grant{Role: identity.RoleBureauAdmin})
	e.addUser("ds_planner", identity.Grant{Role: identity.RolePlanner})
	sec := e.signIn("ds_sec", e.nextCode(e.withTOTP(secU)))
	boss := e.signIn("ds_bureau")
	planner := e.signIn("ds_planner")
	sfx := uuid.NewString()[:8]

	// The tree: the secadmin may change it, the planner may not; everyone who reads sees it.
	city, tianning, zhonglou := districts(t, sec, sfx)
	planner.do("POST", "/api/v1/jurisdictions", map[string]any{"name": "新北区" + sfx, "parent_id": city}).expectError(t, 403, "forbidden")
	planner.do("PATCH", "/api/v1/jurisdictions/"+zhonglou.String(), map[string]any{"name": "x"}).expectError(t, 403, "forbidden")
	sec.do("PATCH", "/api/v1/jurisdictions/"+zhonglou.String(), map[string]any{"code": "320404"}).expect(t, 200)
	if body := planner.do("GET", "/api/v1/jurisdictions", nil).expect(t, 200).body; !has(body, tianning.String()) || !has(body, "320404") {
		t.Errorf("the planner's tree: %s", body)
	}

	// A city agency and a 天宁区 agency; a site in each district.
	cityAgency := newAgency(t, boss, "市发改委"+sfx, nil)
	tnAgency := newAgency(t, boss, "天宁区民政局"+sfx, map[string]any{"jurisdiction_id": tianning})
	tn, zl := boss.fixtureIn(tianning), boss.fixtureIn(zhonglou)
	cityRoom := agencyRoom(t, boss, tn, "T101"+sfx, cityAgency, rect(0, 0, 6, 5)) // a city agency's room in 天宁区's site
	freeRoom := agencyRoom(t, boss, tn, "T102"+sfx, uuid.Nil, rect(7, 0, 10, 4))  // nobody's
	tnRoom := agencyRoom(t, boss, zl, "Z101"+sfx, tnAgency, rect(11, 0, 14, 4))   // 天宁区's agency in 钟楼区's site
	zlRoom := agencyRoom(t, boss, zl, "Z102"+sfx, cityAgency, rect(0, 0, 6, 5))   // another district's
	p := newStaff(t, boss, "王五"+sfx, cityAgency)
	assignMain(t, boss, p, cityRoom)

	d := e.signedIn("district_admin", identity.Grant{Role: identity.RoleBureauAdmin, Scope: identity.Scope{Jurisdiction: tianning}})

	d.do("GET", "/api/v1/rooms/"+zlRoom.String(), nil).expectError(t, 404, "not_found")
	d.do("GET", "/ogc/collections/rooms/items/"+zlRoom.String(), nil).expectError(t, 404, "not_found")
	for _, id := range []uuid.UUID{cityRoom, freeRoom, tnRoom} {
		d.do("GET", "/api/v1/rooms/"+id.String(), nil).expect(t, 200)
	}
	if body := d.do("GET", "/api/v1/floors/"+tn.floor.String()+"/rooms", nil).expect(t, 200).body; !has(body, cityRoom.String()) || !has(body, freeRoom.String()) {
		t.Errorf("the district's floor list: %s", body)
	}
	// Another district's floor is not there at all: its room list, plan and export are 404.
	d.do("GET", "/api/v1/floors/"+zl.floor.String()+"/rooms", nil).expectError(t, 404, "not_found")
	d.do("GET", "/api/v1/floors/"+zl.floor.String()+"/plan.svg", nil).expectError(t, 404, "not_found")
	d.do("GET", "/api/v1/exports/geojson?floor_id="+zl.floor.String(), nil).expectError(t, 404, "not_found")
	if body := d.do("GET", "/api/v1/search?q=T101"+sfx, nil).expect(t, 200).body; !has(body, cityRoom.String()) {
		t.Errorf("search for the district's room: %s", body)
	}
	if body := d.do("GET", "/api/v1/search?q=Z102"+sfx, nil).expect(t, 200).body; has(body, zlRoom.String()) {
		t.Errorf("search shows the other district's room: %s", body)
	}
	if body := d.do("GET", "/ogc/collections/rooms/items?bbox="+bbox(tn), nil).expect(t, 200).body; !has(body, cityRoom.String()) || !has(body, freeRoom.String()) {
		t.Errorf("OGC items of the district's site: %s", body)
	}
	if body := d.do("GET", "/ogc/collections/rooms/items?bbox="+bbox(zl), nil).expect(t, 200).body; has(body, zlRoom.String()) || !has(body, tnRoom.String()) {
		t.Errorf("OGC items of the other district's site: %s", body)
	}

	// Tiles, decoded.
	tileOf := func(f fixture) maptile.Tile { return maptile.At(f.georef.Frame().ToLonLat(orb.Point{5, 2}), 19) }
	if ids := tileRoomIDs(t, d, tileOf(tn)); !strings.Contains(ids, cityRoom.String()) {
		t.Errorf("the district's tile holds %s", ids)
	}
	if ids := tileRoomIDs(t, d, tileOf(zl)); strings.Contains(ids, zlRoom.String()) {
		t.Errorf("the other district's tile holds %s", ids)
	}
	if ids := tileRoomIDs(t, boss, tileOf(zl)); !strings.Contains(ids, zlRoom.String()) {
		t.Errorf("the bureau's tile holds %s", ids)
	}

	// The report: the over-standard office of the city agency's clerk in 天宁区's site.
	if rep := d.do("GET", "/api/v1/reports/over-standard", nil).expect(t, 200).body; !has(rep, cityRoom.String()) || has(rep, zlRoom.String()) {
		t.Errorf("the district's report: %s", rep)
	}

	// Sites and buildings: only the district's.
	d.do("GET", "/api/v1/sites/"+zl.site.String(), nil).expectError(t, 404, "not_found")
	d.do("GET", "/api/v1/buildings/"+zl.building.String(), nil).expectError(t, 404, "not_found")
	d.do("GET", "/api/v1/sites/"+tn.site.String(), nil).expect(t, 200)
	d.do("GET", "/api/v1/floors/"+zl.floor.String(), nil).expectError(t, 404, "not_found")
	d.do("GET", "/api/v1/floors/"+tn.floor.String(), nil).expect(t, 200)
	if body := d.do("GET", "/api/v1/sites", nil).expect(t, 200).body; has(body, zl.site.String()) || !has(body, tn.site.String()) {
		t.Errorf("the district's sites: %s", body)
	}
	if body := d.do("GET", "/api/v1/buildings", nil).expect(t, 200).body; has(body, zl.building.String()) || !has(body, tn.building.String()) {
		t.Errorf("the district's buildings: %s", body)
	}
	if body := boss.do("GET", "/api/v1/sites", nil).expect(t, 200).body; !has(body, zl.site.String()) {
		t.Errorf("the bureau does not see the other district's site: %s", body)
	}
}

// districts makes, as sec, a city (常州市) with two districts (天宁区 and 钟楼区), their names suffixed with sfx.
func districts(t *testing.T, sec *client, sfx string) (city, tianning, zhonglou uuid.UUID) {
	t.Helper()
	city = sec.do("POST", "/api/v1/jurisdictions", map[string]any{"name": "常州市" + sfx}).created(t)
	tianning = sec.do("POST", "/api/v1/jurisdictions", map[string]any{"name": "天宁区" + sfx, "parent_id": city}).created(t)
	zhonglou = sec.do("POST", "/api/v1/jurisdictions", map[string]any{"name": "钟楼区" + sfx, "parent_id": city}).created(t)
	return city, tianning, zhonglou
}
