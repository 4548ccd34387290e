package api_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// gapsWorld is two districts (天宁区 tn, 钟楼区 zl), each with a site, a building and a floor; an agency
// of each; a room of each agency in its district's site; a person of the 钟楼区 agency assigned to its room.
type gapsWorld struct {
	e                  *authEnv
	boss               *client
	tianning, zhonglou uuid.UUID
	tn, zl             fixture
	tnAgency, zlAgency uuid.UUID
	tnRoom, zlRoom     uuid.UUID
	zlPerson, zlAssign uuid.UUID
}

func newGapsWorld(t *testing.T) gapsWorld {
	e := newAuthEnv(t)
	d := newDistricts(t, e, "gap")
	boss, sfx := d.boss, d.sfx
	w := gapsWorld{e: e, boss: boss, tianning: d.tn, zhonglou: d.zl, tnAgency: d.tnAgency, zlAgency: d.zlAgency,
		tn: boss.fixtureIn(d.tn), zl: boss.fixtureIn(d.zl)}
	w.tnRoom = agencyRoom(t, boss, w.tn, "G101"+sfx, w.tnAgency, rect(0, 0, 6, 5))
	w.zlRoom = agencyRoom(t, boss, w.zl, "G201"+sfx, w.zlAgency, rect(0, 0, 6, 5))
	w.zlPerson = newStaff(t, boss, "赵六"+sfx, w.zlAgency)
	w.zlAssign = assignMain(t, boss, w.zlPerson, w.zlRoom)
	return w
}

// TestHistoryScope: the history of a record outside the caller's scope is 404, like a missing one.
func TestHistoryScope(t *testing.T) {
	w := newGapsWorld(t)
	d := w.e.signedIn("gap_district", identity.Grant{Role: identity.RoleBureauAdmin, Scope: identity.Scope{Jurisdiction: w.tianning}})
	hidden := map[string]uuid.UUID{"sites": w.zl.site, "buildings": w.zl.building, "floors": w.zl.floor, "rooms": w.zlRoom,
		"agencies": w.zlAgency, "people": w.zlPerson, "assignments": w.zlAssign}
	shown := map[string]uuid.UUID{"sites": w.tn.site, "buildings": w.tn.building, "floors": w.tn.floor, "rooms": w.tnRoom,
		"agencies": w.tnAgency}
	for seg, id := range hidden {
		d.do("GET", "/api/v1/"+seg+"/"+id.String()+"/history", nil).expectError(t, 404, "not_found")
		d.do("GET", "/api/v1/"+seg+"/"+uuid.NewString()+"/history", nil).expectError(t, 404, "not_found")
		w.boss.do("GET", "/api/v1/"+seg+"/"+id.String()+"/history", nil).expect(t, 200)
	}
	for seg, id := range shown {
		d.do("GET", "/api/v1/"+seg+"/"+id.String()+"/history", nil).expect(t, 200)
	}
	// A deleted record is judged as it last was.
	w.boss.do("DELETE", "/api/v1/assignments/"+w.zlAssign.String(), nil)
	d.do("GET", "/api/v1/assignments/"+w.zlAssign.String()+"/history", nil).expectError(t, 404, "not_found")
}

// imdfText is the concatenated text of an IMDF export's files.
func imdfText(t *testing.T, c *client, query string) []byte {
	t.Helper()
	files := unzip(t, c.do("GET", "/api/v1/exports/imdf"+query, nil).expect(t, 200).body)
	var out []byte
	for _, name := range slices.Sorted(maps.Keys(files)) {
		out = append(out, files[name]...)
	}
	return out
}

// TestExportScope: a district's or an agency's export leaves out the buildings and floors outside its scope.
func TestExportScope(t *testing.T) {
	w := newGapsWorld(t)
	w.e.addUser("gap_district", identity.Grant{Role: identity.RoleBureauAdmin, Scope: identity.Scope{Jurisdiction: w.tianning}})
	w.e.addUser("gap_manager", identity.Grant{Role: identity.RoleBureauAdmin, Scope: identity.Scope{Agency: w.zlAgency}})
	d, m := w.e.signIn("gap_district"), w.e.signIn("gap_manager")

	all := imdfText(t, w.boss, "")
	for _, id := range []uuid.UUID{w.tn.building, w.tn.floor, w.zl.building, w.zl.floor} {
		if !has(all, id.String()) {
			t.Errorf("the bureau's export lacks %s", id)
		}
	}
	text := imdfText(t, d, "")
	if !has(text, w.tn.building.String()) || !has(text, w.tn.floor.String()) {
		t.Errorf("the district's export lacks its building or floor")
	}
	if has(text, w.zl.building.String()) || has(text, w.zl.floor.String()) || has(text, w.zlRoom.String()) {
		t.Errorf("the district's export holds the other district's building, floor or room")
	}
	d.do("GET", "/api/v1/exports/imdf?building_id="+w.zl.building.String(), nil).expectError(t, 404, "not_found")

	text = imdfText(t, m, "")
	if !has(text, w.zl.building.String()) || !has(text, w.zl.floor.String()) || !has(text, w.zlRoom.String()) {
		t.Errorf("the agency's export lacks the building, floor or room of its room")
	}
	if has(text, w.tn.building.String()) || has(text, w.tn.floor.String()) || has(text, w.tnRoom.String()) {
		t.Errorf("the agency's export holds a building, floor or room without its rooms")
	}
}

// TestBuildingMoveScope: moving a building to another site must be allowed at both sites.
func TestBuildingMoveScope(t *testing.T) {
	w := newGapsWorld(t)
	w.e.addUser("gap_tn_planner", identity.Grant{Role: identity.RoleBureauAdmin, Scope: identity.Scope{Jurisdiction: w.tianning}})
	w.e.addUser("gap_zl_planner", identity.Grant{Role: identity.RoleBureauAdmin, Scope: identity.Scope{Jurisdiction: w.zhonglou}})
	tnP, zlP := w.e.signIn("gap_tn_planner"), w.e.signIn("gap_zl_planner")

	// 天宁区 takes 钟楼区's building, and 钟楼区 gives its building to 天宁区: both refused.
	if res := tnP.do("PATCH", "/api/v1/buildings/"+w.zl.building.String(), map[string]any{"site_id": w.tn.site}, "If-Match", "*"); res.status != 403 && res.status != 404 {
		t.Errorf("taking a building: %d %s", res.status, res.body)
	}
	if res := zlP.do("PATCH", "/api/v1/buildings/"+w.zl.building.String(), map[string]any{"site_id": w.tn.site}, "If-Match", "*"); res.status != 403 && res.status != 404 {
		t.Errorf("giving a building away: %d %s", res.status, res.body)
	}
	var b struct {
		SiteID uuid.UUID `json:"site_id"`
	}
	w.boss.do("GET", "/api/v1/buildings/"+w.zl.building.String(), nil).expect(t, 200).decode(t, &b)
	if b.SiteID != w.zl.site {
		t.Fatalf("the building moved to %s", b.SiteID)
	}
	// Within its own district, and by the city's bureau: allowed.
	zlP.do("PATCH", "/api/v1/buildings/"+w.zl.building.String(), map[string]any{"address": "钟楼区某路"}, "If-Match", "*").expect(t, 200)
	w.boss.do("PATCH", "/api/v1/buildings/"+w.zl.building.String(), map[string]any{"site_id": w.tn.site}, "If-Match", "*").expect(t, 200)
	tnP.do("PATCH", "/api/v1/buildings/"+w.zl.building.String(), map[string]any{"address": "天宁区某路"}, "If-Match", "*").expect(t, 200)
}

// TestSSOURLOnMe: with single sign-on, the 401 of GET /api/v1/me names where it starts; not elsewhere,
// and not without single sign-on.
func TestSSOURLOnMe(t *testing.T) {
	e := newSSOEnv(t)
	c := e.anonymous()
	if got := c.do("GET", "/api/v1/me", nil).expectError(t, 401, "unauthenticated")["sso_url"]; got != "/api/v1/session/oidc" {
		t.Errorf("sso_url = %v", got)
	}
	if got, ok := c.do("GET", "/api/v1/sites", nil).expectError(t, 401, "unauthenticated")["sso_url"]; ok {
		t.Errorf("sites: sso_url = %v", got)
	}
	plain := newAuthEnv(t).anonymous()
	if got, ok := plain.do("GET", "/api/v1/me", nil).expectError(t, 401, "unauthenticated")["sso_url"]; ok {
		t.Errorf("without single sign-on: sso_url = %v", got)
	}
}
