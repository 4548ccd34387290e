package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"officemap/floorplan/identity"
	"officemap/geo"
)

// districtFixture is a site in jurisdiction j (uuid.Nil: the city level) with a building and a floor.
func districtFixture(c *client, j uuid.UUID) fixture {
	t := c.e.t
	t.Helper()
	n := place.Add(1)
	g := geo.Georef{Origin: orb.Point{110 + float64(n)*0.05, 31.8}, RotationDeg: 15, Scale: 1}
	var site, b, f struct{ ID uuid.UUID }
	body := map[string]any{"name": fmt.Sprintf("区级办公区 %d", n), "category": "office.party_government", "ownership": "registered"}
	if j != uuid.Nil {
		body["jurisdiction_id"] = j
	}
	c.do("POST", "/api/v1/sites", body).expect(t, 201).decode(t, &site)
	c.do("POST", "/api/v1/buildings", map[string]any{"site_id": site.ID, "name": fmt.Sprintf("区1号楼 %d", n),
		"footprint": polygonJSON(g.Frame().PolygonToLonLat(rect(-1, -1, 40, 20))),
		"georef":    map[string]any{"origin": []float64{g.Origin[0], g.Origin[1]}, "rotation_deg": g.RotationDeg, "scale": 1},
	}).expect(t, 201).decode(t, &b)
	c.do("POST", "/api/v1/buildings/"+b.ID.String()+"/floors", map[string]any{"ordinal": 1, "name": "2F"}).
		expect(t, 201).decode(t, &f)
	return fixture{site: site.ID, building: b.ID, floor: f.ID, georef: g}
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
	var city, tianning, zhonglou struct{ ID uuid.UUID }
	sec.do("POST", "/api/v1/jurisdictions", map[string]any{"name": "常州市" + sfx}).expect(t, 201).decode(t, &city)
	sec.do("POST", "/api/v1/jurisdictions", map[string]any{"name": "天宁区" + sfx, "parent_id": city.ID}).expect(t, 201).decode(t, &tianning)
	sec.do("POST", "/api/v1/jurisdictions", map[string]any{"name": "钟楼区" + sfx, "parent_id": city.ID}).expect(t, 201).decode(t, &zhonglou)
	planner.do("POST", "/api/v1/jurisdictions", map[string]any{"name": "新北区" + sfx, "parent_id": city.ID}).expectError(t, 403, "forbidden")
	planner.do("PATCH", "/api/v1/jurisdictions/"+zhonglou.ID.String(), map[string]any{"name": "x"}).expectError(t, 403, "forbidden")
	sec.do("PATCH", "/api/v1/jurisdictions/"+zhonglou.ID.String(), map[string]any{"code": "320404"}).expect(t, 200)
	if body := planner.do("GET", "/api/v1/jurisdictions", nil).expect(t, 200).body; !has(body, tianning.ID.String()) || !has(body, "320404") {
		t.Errorf("the planner's tree: %s", body)
	}

	// A city agency and a 天宁区 agency; a site in each district.
	agency := func(name string, j uuid.UUID) uuid.UUID {
		var a struct{ ID uuid.UUID }
		body := map[string]any{"name": name + sfx, "level": "municipal", "headcount": 10}
		if j != uuid.Nil {
			body["jurisdiction_id"] = j
		}
		boss.do("POST", "/api/v1/agencies", body).expect(t, 201).decode(t, &a)
		return a.ID
	}
	cityAgency, tnAgency := agency("市发改委", uuid.Nil), agency("天宁区民政局", tianning.ID)
	tn, zl := districtFixture(boss, tianning.ID), districtFixture(boss, zhonglou.ID)
	room := func(f fixture, number string, agencyID uuid.UUID, local orb.Polygon) uuid.UUID {
		body := roomBody(number+sfx, "office", local, &f.georef)
		if agencyID != uuid.Nil {
			body["properties"].(map[string]any)["agency_id"] = agencyID
		}
		var r roomFeature
		boss.do("POST", "/api/v1/floors/"+f.floor.String()+"/rooms", body).expect(t, 201).decode(t, &r)
		return r.ID
	}
	cityRoom := room(tn, "T101", cityAgency, rect(0, 0, 6, 5)) // a city agency's room in 天宁区's site
	freeRoom := room(tn, "T102", uuid.Nil, rect(7, 0, 10, 4))  // nobody's
	tnRoom := room(zl, "Z101", tnAgency, rect(11, 0, 14, 4))   // 天宁区's agency in 钟楼区's site
	zlRoom := room(zl, "Z102", cityAgency, rect(0, 0, 6, 5))   // another district's
	var p struct{ ID uuid.UUID }
	boss.do("POST", "/api/v1/people", map[string]any{"name": "王五" + sfx, "agency_id": cityAgency, "rank": "staff", "title": "科员"}).
		expect(t, 201).decode(t, &p)
	boss.do("POST", "/api/v1/assignments", map[string]any{"person_id": p.ID, "room_id": cityRoom, "kind": "main", "start": "2020-01-01"}).expect(t, 201)

	e.addUser("district_admin", identity.Grant{Role: identity.RoleBureauAdmin, Scope: identity.Scope{Jurisdiction: tianning.ID}})
	d := e.signIn("district_admin")

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
	ogcBox := func(f fixture) string {
		b := f.georef.Frame().PolygonToLonLat(rect(-1, -1, 40, 20)).Bound()
		return fmt.Sprintf("%f,%f,%f,%f", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	}
	if body := d.do("GET", "/ogc/collections/rooms/items?bbox="+ogcBox(tn), nil).expect(t, 200).body; !has(body, cityRoom.String()) || !has(body, freeRoom.String()) {
		t.Errorf("OGC items of the district's site: %s", body)
	}
	if body := d.do("GET", "/ogc/collections/rooms/items?bbox="+ogcBox(zl), nil).expect(t, 200).body; has(body, zlRoom.String()) || !has(body, tnRoom.String()) {
		t.Errorf("OGC items of the other district's site: %s", body)
	}

	// Tiles, decoded.
	tileIDs := func(c *client, f fixture) string {
		tl := maptile.At(f.georef.Frame().ToLonLat(orb.Point{5, 2}), 19)
		body := c.do("GET", fmt.Sprintf("/tiles/rooms/%d/%d/%d.mvt", tl.Z, tl.X, tl.Y), nil).expect(t, 200).body
		layers, err := mvt.Unmarshal(body)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, l := range layers {
			for _, ft := range l.Features {
				out = append(out, fmt.Sprint(ft.Properties["id"]))
			}
		}
		return strings.Join(out, ",")
	}
	if ids := tileIDs(d, tn); !strings.Contains(ids, cityRoom.String()) {
		t.Errorf("the district's tile holds %s", ids)
	}
	if ids := tileIDs(d, zl); strings.Contains(ids, zlRoom.String()) {
		t.Errorf("the other district's tile holds %s", ids)
	}
	if ids := tileIDs(boss, zl); !strings.Contains(ids, zlRoom.String()) {
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
