package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/api"
	"officemap/geo"
)

func TestHealth(t *testing.T) {
	e := newEnv(t, api.Config{})
	e.do("GET", "/healthz", nil).expect(t, 200)
	e.do("GET", "/readyz", nil).expect(t, 200)

	e.store.Close()
	e.do("GET", "/readyz", nil).expectError(t, 503, "unavailable")
	e.do("GET", "/healthz", nil).expect(t, 200)
}

func TestSitesBuildingsFloors(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()

	t.Run("site", func(t *testing.T) {
		res := e.do("GET", "/api/v1/sites/"+f.site.String(), nil).expect(t, 200)
		var site map[string]any
		res.decode(t, &site)
		records := site["records"].([]any)
		if len(records) != 1 || records[0].(map[string]any)["issued_on"] != "2020-05-01" {
			t.Errorf("records = %v, want one issued on 2020-05-01", records)
		}
		res = e.do("PATCH", "/api/v1/sites/"+f.site.String(), `{"address":"龙城大道1280号","note":null}`, "If-Match", "*").expect(t, 200)
		res.decode(t, &site)
		if site["address"] != "龙城大道1280号" || !strings.HasPrefix(site["name"].(string), "市级机关集中办公区") {
			t.Errorf("patched site = %v", site)
		}
		var list []map[string]any
		e.do("GET", "/api/v1/sites", nil).expect(t, 200).decode(t, &list)
		if len(list) == 0 {
			t.Error("no sites listed")
		}
		e.do("PATCH", "/api/v1/sites/"+f.site.String(), `{"category":"no.such.category"}`, "If-Match", "*").expectError(t, 422, "invalid_input")
		e.do("POST", "/api/v1/sites", `{"category":"office.party_government"}`).expectError(t, 422, "invalid_input")
		e.do("DELETE", "/api/v1/sites/"+f.site.String(), nil, "If-Match", "*").expectError(t, 409, "in_use")
	})

	t.Run("building footprint in lon/lat and local", func(t *testing.T) {
		var b struct {
			Footprint struct{ Coordinates [][][]float64 }
			Georef    struct {
				Origin      []float64 `json:"origin"`
				RotationDeg float64   `json:"rotation_deg"`
			}
			AreaM2 float64 `json:"area_m2"`
		}
		e.do("GET", "/api/v1/buildings/"+f.building.String(), nil).expect(t, 200).decode(t, &b)
		want := f.georef.Frame().PolygonToLonLat(rect(-1, -1, 40, 20))
		got := b.Footprint.Coordinates[0]
		for i, pt := range want[0] {
			if !near(got[i][0], pt[0], 1e-9) || !near(got[i][1], pt[1], 1e-9) {
				t.Fatalf("footprint point %d = %v, want %v", i, got[i], pt)
			}
		}
		if !near(b.AreaM2, 41*21, 1e-6) || b.Georef.RotationDeg != 15 {
			t.Errorf("area %v, georef %+v", b.AreaM2, b.Georef)
		}
		e.do("GET", "/api/v1/buildings/"+f.building.String()+"?crs=local", nil).expect(t, 200).decode(t, &b)
		if p := b.Footprint.Coordinates[0][1]; p[0] != 40 || p[1] != -1 {
			t.Errorf("local footprint point 1 = %v, want exactly [40, -1] (lon/lat input is snapped to the micrometre)", p)
		}
		e.do("GET", "/api/v1/buildings/"+f.building.String()+"?crs=EPSG:3857", nil).expectError(t, 400, "bad_request")

		// A PATCH of the name keeps the local footprint exactly.
		e.do("PATCH", "/api/v1/buildings/"+f.building.String(), `{"address":"新北区"}`, "If-Match", "*").expect(t, 200)
		e.do("GET", "/api/v1/buildings/"+f.building.String()+"?crs=local", nil).expect(t, 200).decode(t, &b)
		if p := b.Footprint.Coordinates[0][2]; p[0] != 40 || p[1] != 20 {
			t.Errorf("after PATCH, local footprint point 2 = %v, want exactly [40, 20]", p)
		}
		var list []map[string]any
		e.do("GET", "/api/v1/buildings?site_id="+f.site.String(), nil).expect(t, 200).decode(t, &list)
		if len(list) != 1 {
			t.Errorf("%d buildings for the site, want 1", len(list))
		}
	})

	t.Run("building without georef takes the footprint's centre", func(t *testing.T) {
		g := geo.Georef{Origin: orb.Point{119.95, 31.75}, Scale: 1}
		fp := g.Frame().PolygonToLonLat(rect(-10, -5, 10, 5))
		var b struct {
			ID     uuid.UUID
			AreaM2 float64 `json:"area_m2"`
		}
		e.do("POST", "/api/v1/buildings", map[string]any{"site_id": f.site, "name": "附楼", "footprint": polygonJSON(fp)}).
			expect(t, 201).decode(t, &b)
		if !near(b.AreaM2, 200, 1e-3) {
			t.Errorf("area = %v, want 200 m²", b.AreaM2)
		}
		e.do("DELETE", "/api/v1/buildings/"+b.ID.String(), nil, "If-Match", "*").expect(t, 204)
		e.do("GET", "/api/v1/buildings/"+b.ID.String(), nil).expectError(t, 404, "not_found")
	})

	t.Run("floors", func(t *testing.T) {
		var floors []map[string]any
		e.do("GET", "/api/v1/buildings/"+f.building.String()+"/floors", nil).expect(t, 200).decode(t, &floors)
		if len(floors) != 1 || floors[0]["name"] != "3F" {
			t.Fatalf("floors = %v", floors)
		}
		var fl map[string]any
		e.do("PATCH", "/api/v1/floors/"+f.floor.String(), `{"name":"三层"}`, "If-Match", "*").expect(t, 200).decode(t, &fl)
		if fl["name"] != "三层" || fl["ordinal"] != 2.0 {
			t.Errorf("patched floor = %v", fl)
		}
		// A second level of one ordinal is a floor of its own when its name differs (a mezzanine, a split
		// level); one of the same ordinal and name is a duplicate.
		e.do("POST", "/api/v1/buildings/"+f.building.String()+"/floors", `{"ordinal":2,"name":"三层夹层"}`).expect(t, 201)
		e.do("POST", "/api/v1/buildings/"+f.building.String()+"/floors", `{"ordinal":2,"name":"三层"}`).expectError(t, 422, "invalid_input")
		e.do("POST", "/api/v1/buildings/"+uuid.NewString()+"/floors", `{"ordinal":1,"name":"x"}`).expectError(t, 404, "not_found")
		e.do("DELETE", "/api/v1/buildings/"+f.building.String(), nil, "If-Match", "*").expectError(t, 409, "in_use")
	})
}

func TestRooms(t *testing.T) {
	e := newEnv(t, api.Config{MaxBodyBytes: 64 << 10})
	f := e.fixture()
	floorRooms := "/api/v1/floors/" + f.floor.String() + "/rooms"

	room, tag := e.createRoom(f, "301", rect(0, 0, 4, 5))
	if tag != fmt.Sprintf(`"%d"`, room.Properties.Version) || room.Properties.Version == 0 {
		t.Fatalf("ETag %q for version %d", tag, room.Properties.Version)
	}
	if !near(room.Properties.AreaM2, 20, 1e-6) {
		t.Errorf("area = %v, want 20 m² (from the local geometry)", room.Properties.AreaM2)
	}
	roomURL := "/api/v1/rooms/" + room.ID.String()

	t.Run("created room has Location and reads back", func(t *testing.T) {
		res := e.do("GET", roomURL, nil).expect(t, 200)
		if res.header.Get("ETag") != tag {
			t.Errorf("GET ETag %q, want %q", res.header.Get("ETag"), tag)
		}
		if ct := res.header.Get("Content-Type"); ct != "application/geo+json" {
			t.Errorf("Content-Type %q", ct)
		}
		// lon/lat with full precision: the local polygon converts back within a micrometre.
		var got roomFeature
		res.decode(t, &got)
		want := f.georef.Frame().PolygonToLonLat(rect(0, 0, 4, 5))
		for i, pt := range got.Geometry.Coordinates[0] {
			if !near(pt[0], want[0][i][0], 1e-10) || !near(pt[1], want[0][i][1], 1e-10) {
				t.Fatalf("point %d = %v, want %v", i, pt, want[0][i])
			}
		}
		if !strings.Contains(string(res.body), fmt.Sprintf("%.7f", want[0][1][0])[:10]) {
			t.Errorf("coordinates not written with at least 7 decimals: %s", res.body)
		}
		// crs=local gives the stored metres.
		e.do("GET", roomURL+"?crs=local", nil).expect(t, 200).decode(t, &got)
		if p := got.Geometry.Coordinates[0][2]; !near(p[0], 4, 1e-9) || !near(p[1], 5, 1e-9) {
			t.Errorf("local point 2 = %v, want [4, 5]", p)
		}
	})

	t.Run("list is a FeatureCollection with the contract's properties", func(t *testing.T) {
		res := e.do("GET", floorRooms, nil).expect(t, 200)
		var raw struct {
			Type     string
			Features []struct {
				Properties map[string]json.RawMessage
			}
		}
		res.decode(t, &raw)
		if raw.Type != "FeatureCollection" || len(raw.Features) != 1 {
			t.Fatalf("got %s", res.body)
		}
		for _, k := range []string{"id", "number", "usage", "agency_id", "area_m2", "occupants", "per_person_m2", "standard_m2", "status"} {
			if _, ok := raw.Features[0].Properties[k]; !ok {
				t.Errorf("feature property %s missing: %s", k, res.body)
			}
		}
		if got := string(raw.Features[0].Properties["status"]); got != `"vacant"` {
			t.Errorf("status = %s, want vacant", got)
		}
	})

	t.Run("crs=local create", func(t *testing.T) {
		var r roomFeature
		e.do("POST", floorRooms+"?crs=local", roomBody("302", "office", rect(4, 0, 8, 5), nil)).expect(t, 201).decode(t, &r)
		if !near(r.Properties.AreaM2, 20, 1e-9) {
			t.Errorf("area = %v", r.Properties.AreaM2)
		}
		if !near(r.Geometry.Coordinates[0][1][0], 8, 1e-9) {
			t.Errorf("local output expected, got %v", r.Geometry.Coordinates[0])
		}
	})

	t.Run("ETag flow", func(t *testing.T) {
		body := roomBody("301", "office", rect(0, 0, 4, 5.5), &f.georef)
		body["properties"].(map[string]any)["name"] = "局长办公室"
		e.do("PUT", roomURL, body).expectError(t, 428, "precondition_required")
		e.do("PUT", roomURL, body, "If-Match", `"999"`).expectError(t, 412, "precondition_failed")
		res := e.do("PUT", roomURL, body, "If-Match", tag).expect(t, 200)
		newTag := res.header.Get("ETag")
		if newTag == tag || newTag == "" {
			t.Fatalf("ETag after PUT = %q (was %q)", newTag, tag)
		}
		var got roomFeature
		res.decode(t, &got)
		if !near(got.Properties.AreaM2, 22, 1e-6) || got.Properties.Name != "局长办公室" {
			t.Errorf("after PUT: area %v name %q", got.Properties.AreaM2, got.Properties.Name)
		}
		// The old tag is stale now.
		e.do("PATCH", roomURL, `{"properties":{"name":"x"}}`, "If-Match", tag).expectError(t, 412, "precondition_failed")
		e.do("DELETE", roomURL, nil, "If-Match", tag).expectError(t, 412, "precondition_failed")
		e.do("DELETE", roomURL, nil).expectError(t, 428, "precondition_required")

		// PATCH of a property keeps the local geometry exactly.
		res = e.do("PATCH", roomURL+"?crs=local", `{"properties":{"usage":"service","name":null}}`, "If-Match", newTag).expect(t, 200)
		res.decode(t, &got)
		if got.Properties.Usage != "service" || got.Properties.Name != "" || got.Geometry.Coordinates[0][2][1] != 5.5 {
			t.Errorf("after PATCH: %+v %v", got.Properties, got.Geometry.Coordinates)
		}
		if got.Properties.Status == nil || *got.Properties.Status != "non_office" {
			t.Errorf("status after the usage change = %v, want non_office (no stale status)", got.Properties.Status)
		}
		tag = res.header.Get("ETag")
	})

	t.Run("overlap", func(t *testing.T) {
		res := e.do("POST", floorRooms, roomBody("303", "office", rect(3, 1, 6, 3), &f.georef))
		er := res.expectError(t, 409, "overlap")
		msg := er["message"].(string)
		if !strings.Contains(msg, "301") && !strings.Contains(msg, "302") {
			t.Errorf("message %q does not name the other room", msg)
		}
		if _, ok := er["overlap_m2"].(float64); !ok {
			t.Errorf("no overlap area in %v", er)
		}
		// Sharing a wall is fine.
		e.do("POST", floorRooms, roomBody("304", "office", rect(8, 0, 12, 5), &f.georef)).expect(t, 201)
	})

	t.Run("invalid geometry is refused and nothing written", func(t *testing.T) {
		before := len(e.rooms(f).Features)
		g := f.georef.Frame()
		ll := func(x, y float64) []float64 { p := g.ToLonLat(orb.Point{x, y}); return []float64{p[0], p[1]} }
		tests := []struct {
			name, reason string
			coords       any
		}{
			{"bow-tie", string(geo.ReasonSelfIntersection), [][][]float64{{ll(20, 0), ll(24, 4), ll(24, 0), ll(20, 4), ll(20, 0)}}},
			{"unclosed", string(geo.ReasonNotClosed), [][][]float64{{ll(20, 0), ll(24, 0), ll(24, 4), ll(20, 4)}}},
			{"too few points", "", [][][]float64{{ll(20, 0), ll(24, 0), ll(20, 0)}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				body := map[string]any{"type": "Feature", "geometry": map[string]any{"type": "Polygon", "coordinates": tt.coords},
					"properties": map[string]any{"number": "999", "usage": "office"}}
				er := e.do("POST", floorRooms, body).expectError(t, 422, "invalid_geometry")
				if tt.reason != "" && er["reason"] != tt.reason {
					t.Errorf("reason = %v, want %s", er["reason"], tt.reason)
				}
				if er["reason"] == nil || er["reason"] == "" {
					t.Errorf("no reason in %v", er)
				}
			})
		}
		t.Run("non-finite (a number beyond float64)", func(t *testing.T) {
			body := `{"type":"Feature","properties":{"number":"999","usage":"office"},"geometry":{"type":"Polygon",` +
				`"coordinates":[[[20,0],[1e999,0],[24,4],[20,0]]]}}`
			er := e.do("POST", floorRooms+"?crs=local", body).expectError(t, 422, "invalid_geometry")
			if er["reason"] != string(geo.ReasonNonFinite) {
				t.Errorf("reason = %v, want %s", er["reason"], geo.ReasonNonFinite)
			}
		})
		t.Run("lon/lat out of range", func(t *testing.T) {
			er := e.do("POST", floorRooms, roomBody("999", "office", rect(200, 0, 204, 4), nil)).expectError(t, 422, "invalid_geometry")
			if er["reason"] != "out_of_range" {
				t.Errorf("reason = %v", er["reason"])
			}
		})
		t.Run("invalid PUT leaves the room as it was", func(t *testing.T) {
			bow := map[string]any{"type": "Feature", "properties": map[string]any{"number": "301", "usage": "office"},
				"geometry": map[string]any{"type": "Polygon", "coordinates": [][][]float64{{ll(0, 0), ll(4, 5), ll(4, 0), ll(0, 5), ll(0, 0)}}}}
			e.do("PUT", roomURL, bow, "If-Match", tag).expectError(t, 422, "invalid_geometry")
			res := e.do("GET", roomURL, nil).expect(t, 200)
			if res.header.Get("ETag") != tag {
				t.Errorf("ETag changed to %s", res.header.Get("ETag"))
			}
		})
		if after := len(e.rooms(f).Features); after != before {
			t.Errorf("%d rooms after the refusals, %d before", after, before)
		}
	})

	t.Run("bad requests", func(t *testing.T) {
		er := e.do("GET", "/api/v1/rooms/not-a-uuid", nil).expectError(t, 400, "bad_request")
		if er["message"] != "id is not a UUID" {
			t.Errorf("message = %v", er["message"])
		}
		e.do("GET", "/api/v1/floors/12345/rooms", nil).expectError(t, 400, "bad_request")
		e.do("DELETE", "/api/v1/assignments/xyz", nil, "If-Match", `"1"`).expectError(t, 400, "bad_request")
		e.do("GET", "/api/v1/rooms/"+uuid.NewString(), nil).expectError(t, 404, "not_found")
		e.do("POST", floorRooms, `{"type":"Feature",`).expectError(t, 400, "bad_request")
		e.do("POST", floorRooms, ``).expectError(t, 400, "bad_request")
		e.do("POST", floorRooms, `{"type":"Feature","properties":{"number":"9","usage":"office"},"geometry":{"type":"Point","coordinates":[120,31]}}`).
			expectError(t, 400, "bad_request")
		e.do("POST", floorRooms, `{"type":"Feature","properties":{"number":"9","usage":"office"}}`).expectError(t, 400, "bad_request")
		e.do("POST", floorRooms, `{"type":"Feature","properties":{"number":9},"geometry":null}`).expectError(t, 400, "bad_request")
		er = e.do("POST", floorRooms, `{"type":"Polygon","coordinates":[]}`).expectError(t, 400, "bad_request")
		if !strings.Contains(er["message"].(string), "Feature") {
			t.Errorf("message %q should say a Feature is expected", er["message"])
		}
		er = e.do("POST", floorRooms, roomBody("9", "kitchen", rect(30, 0, 32, 2), &f.georef)).expectError(t, 422, "invalid_input")
		if !strings.Contains(er["message"].(string), "kitchen") {
			t.Errorf("message %q should name the usage", er["message"])
		}
		zh := e.do("GET", "/api/v1/rooms/"+uuid.NewString(), nil, "Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8").expectError(t, 404, "not_found")
		if zh["message"] != "房间不存在" {
			t.Errorf("Chinese message = %v", zh["message"])
		}
	})

	t.Run("body too large", func(t *testing.T) {
		big := `{"type":"Feature","properties":{"number":"` + strings.Repeat("x", 70<<10) + `"}}`
		e.do("POST", floorRooms, big).expectError(t, 413, "body_too_large")
		e.do("PATCH", "/api/v1/sites/"+f.site.String(), big, "If-Match", "*").expectError(t, 413, "body_too_large")
	})

	t.Run("routing errors", func(t *testing.T) {
		res := e.do("DELETE", floorRooms, nil)
		res.expectError(t, 405, "method_not_allowed")
		if allow := res.header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
			t.Errorf("Allow = %q", allow)
		}
		e.do("PUT", "/api/v1/sites", `{}`).expectError(t, 405, "method_not_allowed")
		e.do("GET", "/api/v1/nothing-here", nil).expectError(t, 404, "not_found")
		e.do("GET", "/api/v2/sites", nil).expectError(t, 404, "not_found")
		e.do("POST", "/ogc/collections", nil).expectError(t, 405, "method_not_allowed")
		// Outside the API, GET is the browser app.
		if res := e.do("GET", "/some/app/path", nil).expect(t, 200); !strings.Contains(string(res.body), "officemap") {
			t.Errorf("app not served: %s", res.body)
		}
	})

	t.Run("request id", func(t *testing.T) {
		res := e.do("GET", "/api/v1/rooms/"+uuid.NewString(), nil, "X-Request-Id", "trace-abc-123")
		if res.header.Get("X-Request-Id") != "trace-abc-123" {
			t.Errorf("X-Request-Id = %q", res.header.Get("X-Request-Id"))
		}
		if er := res.errorBody(t); er["request_id"] != "trace-abc-123" {
			t.Errorf("request_id = %v", er["request_id"])
		}
		if got := strings.Count(e.logs.String(), `"request_id":"trace-abc-123"`); got != 1 {
			t.Errorf("the failed request is logged %d times, want once:\n%s", got, e.logs.String())
		}
		if res := e.do("GET", "/healthz", nil); len(res.header.Get("X-Request-Id")) < 10 {
			t.Errorf("no generated request id: %q", res.header.Get("X-Request-Id"))
		}
	})

	t.Run("delete", func(t *testing.T) {
		r, tag := e.createRoom(f, "310", rect(0, 10, 3, 13))
		e.do("DELETE", "/api/v1/rooms/"+r.ID.String(), nil, "If-Match", tag).expect(t, 204)
		e.do("GET", "/api/v1/rooms/"+r.ID.String(), nil).expectError(t, 404, "not_found")
	})
}

func TestSplit(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()
	room, tag := e.createRoom(f, "301", rect(0, 0, 6, 4))
	splitURL := "/api/v1/rooms/" + room.ID.String() + "/split"
	g := f.georef.Frame()
	line := func(pts ...orb.Point) map[string]any {
		coords := [][]float64{}
		for _, p := range pts {
			ll := g.ToLonLat(p)
			coords = append(coords, []float64{ll[0], ll[1]})
		}
		return map[string]any{"type": "LineString", "coordinates": coords}
	}

	good := line(orb.Point{2, -1}, orb.Point{2, 5})
	e.do("POST", splitURL, good).expectError(t, 428, "precondition_required")
	e.do("POST", splitURL, good, "If-Match", `"77"`).expectError(t, 412, "precondition_failed")
	er := e.do("POST", splitURL, line(orb.Point{10, -1}, orb.Point{10, 5}), "If-Match", tag).expectError(t, 422, "invalid_split")
	if er["reason"] != "misses" {
		t.Errorf("reason = %v, want misses", er["reason"])
	}
	er = e.do("POST", splitURL, line(orb.Point{2, -1}, orb.Point{2, 2}), "If-Match", tag).expectError(t, 422, "invalid_split")
	if er["reason"] != "ends_inside" {
		t.Errorf("reason = %v, want ends_inside", er["reason"])
	}
	e.do("POST", splitURL, `{"type":"Point","coordinates":[1,2]}`, "If-Match", tag).expectError(t, 400, "bad_request")
	if n := len(e.rooms(f).Features); n != 1 {
		t.Fatalf("%d rooms after refused splits, want 1", n)
	}

	res := e.do("POST", splitURL, map[string]any{"type": "Feature", "geometry": good, "properties": map[string]any{}}, "If-Match", tag).expect(t, 201)
	var fc roomCollection
	res.decode(t, &fc)
	if len(fc.Features) != 2 {
		t.Fatalf("%d pieces, want 2: %s", len(fc.Features), res.body)
	}
	got := map[string]float64{}
	for _, p := range fc.Features {
		got[p.Properties.Number] = p.Properties.AreaM2
		if p.Properties.Usage != "office" {
			t.Errorf("piece usage %q", p.Properties.Usage)
		}
	}
	if !near(got["301-1"], 16, 1e-6) || !near(got["301-2"], 8, 1e-6) {
		t.Errorf("pieces = %v, want 301-1: 16 m², 301-2: 8 m²", got)
	}
	e.do("GET", "/api/v1/rooms/"+room.ID.String(), nil).expectError(t, 404, "not_found")
	if n := len(e.rooms(f).Features); n != 2 {
		t.Errorf("%d rooms on the floor after the split, want 2", n)
	}

	// A split in local metres.
	var piece roomFeature
	for _, p := range fc.Features {
		if p.Properties.Number == "301-1" {
			piece = p
		}
	}
	res = e.do("POST", "/api/v1/rooms/"+piece.ID.String()+"/split?crs=local",
		`{"type":"LineString","coordinates":[[4,-1],[4,5]]}`, "If-Match", fmt.Sprintf(`"%d"`, piece.Properties.Version)).expect(t, 201)
	res.decode(t, &fc)
	if len(fc.Features) != 2 || fc.Features[0].Properties.Number != "301-1-1" {
		t.Errorf("local split: %s", res.body)
	}
}

func TestRoomsOfAnAgency(t *testing.T) {
	e := newEnv(t, api.Config{})
	f1, f2 := e.fixture(), e.fixture()
	agency, _ := e.agencyAndPerson("常州市统计局", "李四", "staff")
	var want []uuid.UUID
	for i, f := range []fixture{f1, f2} {
		r, tag := e.createRoom(f, fmt.Sprintf("30%d", i), rect(0, 0, 4, 5))
		e.createRoom(f, fmt.Sprintf("40%d", i), rect(4, 0, 8, 5)) // not the agency's
		e.do("PATCH", "/api/v1/rooms/"+r.ID.String(), map[string]any{"properties": map[string]any{"agency_id": agency}}, "If-Match", tag).expect(t, 200)
		want = append(want, r.ID)
	}
	var fc roomCollection
	e.do("GET", "/api/v1/rooms?agency_id="+agency.String(), nil).expect(t, 200).decode(t, &fc)
	if len(fc.Features) != 2 {
		t.Fatalf("agency's rooms: %d features, want 2 (one in each building)", len(fc.Features))
	}
	for _, ft := range fc.Features {
		if !slices.Contains(want, ft.Properties.ID) || ft.Properties.AgencyID == nil || *ft.Properties.AgencyID != agency ||
			!near(ft.Properties.AreaM2, 20, 1e-6) {
			t.Errorf("unexpected feature %+v", ft.Properties)
		}
	}
	// Each building's georeference is used: the lon/lat of the two rooms differ although their local
	// polygons are the same.
	if fc.Features[0].Geometry.Coordinates[0][0][0] == fc.Features[1].Geometry.Coordinates[0][0][0] {
		t.Errorf("both rooms have the same lon/lat: the second building's georeference was not used")
	}
	e.do("GET", "/api/v1/rooms?building_id="+f1.building.String(), nil).expect(t, 200).decode(t, &fc)
	if len(fc.Features) != 2 {
		t.Errorf("building's rooms: %d, want 2", len(fc.Features))
	}
	e.do("GET", "/api/v1/rooms", nil).expectError(t, 400, "bad_request")
	e.do("GET", "/api/v1/rooms?agency_id=nope", nil).expectError(t, 400, "bad_request")
	e.do("GET", "/api/v1/rooms?agency_id="+agency.String()+"&crs=mercator", nil).expectError(t, 400, "bad_request")
}
