package api_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/api"
	"officemap/floorplan/identity"
)

// The floor editor's "save all": POST /api/v1/floors/{id}/rooms/batch saves room changes as a whole.

// batchRoom is a saved room of a batch's answer, as raw JSON (to compare with GET) and decoded.
type batchRoom struct {
	raw  map[string]any
	room roomFeature
	etag string
}

// saveRooms posts changes to the floor's batch route (query: "?crs=local" or "") and expects 200.
func saveRooms(t *testing.T, r requester, f fixture, query string, changes ...map[string]any) (int64, []batchRoom) {
	t.Helper()
	res := r.do("POST", "/api/v1/floors/"+f.floor.String()+"/rooms/batch"+query, map[string]any{"changes": changes}).expect(t, 200)
	var out struct {
		Revision int64             `json:"revision"`
		Rooms    []json.RawMessage `json:"rooms"`
	}
	res.decode(t, &out)
	rooms := make([]batchRoom, len(out.Rooms))
	for i, raw := range out.Rooms {
		must(t, json.Unmarshal(raw, &rooms[i].raw))
		must(t, json.Unmarshal(raw, &rooms[i].room))
		rooms[i].etag, _ = rooms[i].raw["etag"].(string)
	}
	return out.Revision, rooms
}

// batchError posts changes and expects an error of status and code naming change index.
func batchError(t *testing.T, r requester, f fixture, status int, code string, index int, changes ...map[string]any) map[string]any {
	t.Helper()
	er := r.do("POST", "/api/v1/floors/"+f.floor.String()+"/rooms/batch?crs=local", map[string]any{"changes": changes}).
		expectError(t, status, code)
	if got, ok := er["index"].(float64); !ok || int(got) != index {
		t.Errorf("error index = %v, want %d: %v", er["index"], index, er)
	}
	if msg := er["message"].(string); !strings.Contains(msg, "nothing was saved") {
		t.Errorf("message %q does not say that nothing was saved", msg)
	}
	return er
}

// updateChange is an update of room id read at tag, with a local geometry (nil: unchanged) and properties.
func updateChange(id uuid.UUID, tag string, local orb.Polygon, props map[string]any) map[string]any {
	patch := map[string]any{}
	if local != nil {
		patch["geometry"] = polygonJSON(local)
	}
	if props != nil {
		patch["properties"] = props
	}
	return map[string]any{"op": "update", "id": id, "if_match": tag, "patch": patch}
}

// createChange adds an office with a local geometry.
func createChange(number string, local orb.Polygon) map[string]any {
	body := roomBody(number, "office", local, nil)
	body["properties"].(map[string]any)["state"] = "in_use"
	return map[string]any{"op": "create", "feature": body}
}

// roomNow reads a room's version and local outer ring.
func roomNow(t *testing.T, r requester, id uuid.UUID) (int64, [][]float64) {
	t.Helper()
	var got roomFeature
	r.do("GET", "/api/v1/rooms/"+id.String()+"?crs=local", nil).expect(t, 200).decode(t, &got)
	return got.Properties.Version, got.Geometry.Coordinates[0]
}

func TestRoomBatch(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()
	a, tagA := e.createRoom(f, "301", rect(0, 0, 5, 6))
	b, tagB := e.createRoom(f, "302", rect(5, 0, 10, 6))

	t.Run("a wall moved, a room renamed and one added, in crs=local", func(t *testing.T) {
		rev, rooms := saveRooms(t, e, f, "?crs=local",
			updateChange(a.ID, tagA, rect(0, 0, 7, 6), map[string]any{"name": "局长办公室"}), // overlaps 302 until it moves
			updateChange(b.ID, tagB, rect(7, 0, 10, 6), nil),
			createChange("303", rect(10, 0, 14, 6)))
		if rev <= 0 || len(rooms) != 3 {
			t.Fatalf("revision %d, %d rooms; want a revision and 3 rooms", rev, len(rooms))
		}
		for i, want := range []struct {
			id      uuid.UUID
			number  string
			version int64
			area    float64
			x1      float64
		}{{a.ID, "301", 2, 42, 7}, {b.ID, "302", 2, 18, 10}, {uuid.Nil, "303", 1, 24, 14}} {
			got := rooms[i]
			if (want.id != uuid.Nil && got.room.ID != want.id) || got.room.Properties.Number != want.number ||
				got.room.Properties.Version != want.version || got.etag != fmt.Sprintf(`"%d"`, want.version) ||
				!near(got.room.Properties.AreaM2, want.area, 1e-6) || got.room.Geometry.Coordinates[0][1][0] != want.x1 {
				t.Errorf("room %d = %s v%d etag %s, %v m², %v; want %s v%d, %v m², x up to %v", i, got.room.Properties.Number,
					got.room.Properties.Version, got.etag, got.room.Properties.AreaM2, got.room.Geometry.Coordinates, want.number,
					want.version, want.area, want.x1)
			}
			if got.room.Properties.Status == nil || *got.room.Properties.Status != "vacant" {
				t.Errorf("room %s: status %v, want the state the register computed (vacant)", want.number, got.room.Properties.Status)
			}
			// Each saved room is exactly what GET gives, plus its ETag.
			var fromGet map[string]any
			res := e.do("GET", "/api/v1/rooms/"+got.room.ID.String()+"?crs=local", nil).expect(t, 200)
			res.decode(t, &fromGet)
			saved := maps.Clone(got.raw)
			delete(saved, "etag")
			if !reflect.DeepEqual(saved, fromGet) || res.header.Get("ETag") != got.etag {
				t.Errorf("room %s saved:\n%v\nGET (ETag %s):\n%v", want.number, saved, res.header.Get("ETag"), fromGet)
			}
		}
		if rooms[0].room.Properties.Name != "局长办公室" || rooms[0].room.Properties.Usage != "office" {
			t.Errorf("the patch of 301 did not merge: %+v", rooms[0].room.Properties)
		}
		tagA, tagB = rooms[0].etag, rooms[1].etag
	})

	t.Run("lon/lat", func(t *testing.T) {
		frame := f.georef.Frame()
		body := map[string]any{"op": "update", "id": a.ID, "if_match": tagA,
			"patch": map[string]any{"geometry": polygonJSON(frame.PolygonToLonLat(rect(0, 0, 6, 6)))}}
		_, rooms := saveRooms(t, e, f, "", body, updateChange(b.ID, tagB, nil, map[string]any{"name": "会议室"}))
		if got := rooms[0].room.Geometry.Coordinates[0][1]; !near(got[0], frame.ToLonLat(orb.Point{6, 0})[0], 1e-9) {
			t.Errorf("lon/lat answer: %v", rooms[0].room.Geometry.Coordinates)
		}
		if v, ring := roomNow(t, e, a.ID); v != 3 || !near(ring[1][0], 6, 1e-6) {
			t.Errorf("301 after a lon/lat save: v%d %v", v, ring)
		}
		if v, ring := roomNow(t, e, b.ID); v != 3 || ring[0][0] != 7 {
			t.Errorf("302 after a save of its name only: v%d %v (the geometry must stay)", v, ring)
		}
		tagA, tagB = rooms[0].etag, rooms[1].etag
	})

	// Each refusal names its change and changes nothing.
	versionA, ringA := roomNow(t, e, a.ID)
	versionB, ringB := roomNow(t, e, b.ID)
	before := len(e.rooms(f).Features)
	other := e.fixture() // another floor
	elsewhere, elsewhereTag := e.createRoom(other, "401", rect(0, 0, 4, 4))
	bowtie := orb.Polygon{{{0, 0}, {6, 6}, {6, 0}, {0, 6}, {0, 0}}}
	ok0 := updateChange(a.ID, tagA, rect(0, 0, 7, 6), nil) // overlaps 302 midway: fine when 302 moves
	ok1 := updateChange(b.ID, tagB, rect(7, 0, 10, 6), nil)
	cases := []struct {
		name   string
		status int
		code   string
		index  int
		room   uuid.UUID
		check  func(t *testing.T, er map[string]any)
		change []map[string]any
	}{
		{"stale if_match", 412, "precondition_failed", 1, b.ID, func(t *testing.T, er map[string]any) {
			if er["current_version"] != float64(versionB) || er["current_etag"] != fmt.Sprintf(`"%d"`, versionB) {
				t.Errorf("412 without the room's current version: %v", er)
			}
		}, []map[string]any{ok0, updateChange(b.ID, `"1"`, rect(7, 0, 10, 6), nil)}},
		{"missing if_match", 428, "precondition_required", 1, b.ID, nil,
			[]map[string]any{ok0, {"op": "update", "id": b.ID, "patch": map[string]any{"properties": map[string]any{"name": "x"}}}}},
		{"final overlap", 409, "overlap", 2, uuid.Nil, func(t *testing.T, er map[string]any) {
			if er["other_room_id"] != a.ID.String() || er["other_room_number"] != "301" || !near(er["overlap_m2"].(float64), 6, 1e-6) {
				t.Errorf("409 does not name 301 by 6 m²: %v", er)
			}
		}, []map[string]any{ok0, ok1, createChange("309", rect(6, 0, 7, 6))}},
		{"invalid geometry", 422, "invalid_geometry", 2, uuid.Nil, nil, []map[string]any{ok0, ok1, createChange("309", bowtie)}},
		{"invalid field", 422, "invalid_input", 2, uuid.Nil, nil, []map[string]any{ok0, ok1,
			{"op": "create", "feature": map[string]any{"type": "Feature", "geometry": polygonJSON(rect(20, 0, 22, 2)),
				"properties": map[string]any{"number": "309", "usage": "ballroom"}}}}},
		{"a room of another floor", 422, "invalid_input", 2, elsewhere.ID, nil,
			[]map[string]any{ok0, ok1, updateChange(elsewhere.ID, elsewhereTag, nil, map[string]any{"name": "x"})}},
		{"a room twice", 422, "invalid_input", 2, a.ID, nil, []map[string]any{ok0, ok1, updateChange(a.ID, tagA, nil, nil)}},
		{"an unknown room", 404, "not_found", 2, uuid.Nil, nil,
			[]map[string]any{ok0, ok1, updateChange(uuid.New(), `"1"`, nil, map[string]any{"name": "x"})}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			er := batchError(t, e, f, tc.status, tc.code, tc.index, tc.change...)
			if tc.room != uuid.Nil && er["room_id"] != tc.room.String() {
				t.Errorf("room_id = %v, want %s", er["room_id"], tc.room)
			}
			if tc.check != nil {
				tc.check(t, er)
			}
			if v, ring := roomNow(t, e, a.ID); v != versionA || !reflect.DeepEqual(ring, ringA) {
				t.Errorf("301 changed by a refused save: v%d %v, was v%d %v", v, ring, versionA, ringA)
			}
			if v, ring := roomNow(t, e, b.ID); v != versionB || !reflect.DeepEqual(ring, ringB) {
				t.Errorf("302 changed by a refused save: v%d %v, was v%d %v", v, ring, versionB, ringB)
			}
			if n := len(e.rooms(f).Features); n != before {
				t.Errorf("the floor has %d rooms after a refused save, %d before", n, before)
			}
		})
	}
	t.Run("the number of changes", func(t *testing.T) {
		e.do("POST", "/api/v1/floors/"+f.floor.String()+"/rooms/batch", `{"changes":[]}`).expectError(t, 422, "invalid_input")
		many := make([]map[string]any, 501)
		for i := range many {
			many[i] = createChange(fmt.Sprint(i), rect(float64(i%30), 10, float64(i%30)+1, 11))
		}
		e.do("POST", "/api/v1/floors/"+f.floor.String()+"/rooms/batch?crs=local", map[string]any{"changes": many}).
			expectError(t, 422, "invalid_input")
		e.do("POST", "/api/v1/floors/"+f.floor.String()+"/rooms/batch", `{"changes":[{"op":"delete"}]}`).expectError(t, 400, "bad_request")
		if n := len(e.rooms(f).Features); n != before {
			t.Errorf("the floor has %d rooms, %d before", n, before)
		}
	})
	t.Run("a single PATCH that overlaps is still refused", func(t *testing.T) {
		e.do("PATCH", "/api/v1/rooms/"+a.ID.String()+"?crs=local", map[string]any{"geometry": polygonJSON(rect(0, 0, 8, 6))},
			"If-Match", tagA).expectError(t, 409, "overlap")
	})
}

// TestRoomBatchScope: each change asks the permission hook as its single write would: a room outside the
// caller's scope is 404, a new room for another agency 403, an agency manager (who draws no rooms) 403;
// nothing is written, and a save that passes is audited change by change with the history by the user.
func TestRoomBatchScope(t *testing.T) {
	s, boss := newScopeBoss(t)
	p := s.e.signedIn("batch_planner", identity.Grant{Role: identity.RolePlanner, Scope: identity.Scope{Agency: s.a}})
	m := s.e.signedIn("batch_manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	versionA, ringA := roomNow(t, boss, s.roomA)
	versionB, _ := roomNow(t, boss, s.roomB)
	tagA, tagB := fmt.Sprintf(`"%d"`, versionA), fmt.Sprintf(`"%d"`, versionB)
	mine := updateChange(s.roomA, tagA, rect(0, 0, 4.5, 4), nil)

	er := batchError(t, p, s.f, 404, "not_found", 1, mine, updateChange(s.roomB, tagB, nil, map[string]any{"name": "x"}))
	if er["room_id"] != s.roomB.String() || er["room_number"] != nil {
		t.Errorf("the 404 names %v %v: it must not show the hidden room's number", er["room_id"], er["room_number"])
	}
	theirs := createChange("X1", rect(20, 0, 24, 4))
	theirs["feature"].(map[string]any)["properties"].(map[string]any)["agency_id"] = s.b
	batchError(t, p, s.f, 403, "forbidden", 1, mine, theirs)
	moved := updateChange(s.roomA, tagA, nil, map[string]any{"agency_id": s.b})
	p.do("POST", "/api/v1/floors/"+s.f.floor.String()+"/rooms/batch", map[string]any{"changes": []any{moved}}).expect(t, 404)
	m.do("POST", "/api/v1/floors/"+s.f.floor.String()+"/rooms/batch?crs=local", map[string]any{"changes": []any{mine}}).
		expectError(t, 403, "forbidden")
	if v, ring := roomNow(t, boss, s.roomA); v != versionA || !reflect.DeepEqual(ring, ringA) {
		t.Fatalf("A's room changed by refused saves: v%d %v", v, ring)
	}

	ours := createChange("A2", rect(20, 0, 24, 4))
	ours["feature"].(map[string]any)["properties"].(map[string]any)["agency_id"] = s.a
	_, rooms := saveRooms(t, p, s.f, "?crs=local", mine, ours)
	if len(rooms) != 2 || rooms[0].room.Properties.Version != versionA+1 {
		t.Fatalf("the planner's save: %+v", rooms)
	}
	if !s.e.hasAudit("batch_planner", "write.room.update", "room "+s.roomA.String(), identity.OutcomeOK) ||
		!s.e.hasAudit("batch_planner", "write.room.create", "room (new)", identity.OutcomeOK) {
		t.Error("the changes of the save are not audited one by one")
	}
	for _, r := range rooms {
		var hist []struct {
			Actor string `json:"actor"`
		}
		boss.do("GET", "/api/v1/rooms/"+r.room.ID.String()+"/history", nil).expect(t, 200).decode(t, &hist)
		if len(hist) == 0 || hist[len(hist)-1].Actor != "batch_planner" {
			t.Errorf("history of %s = %+v, want the last change by batch_planner", r.room.Properties.Number, hist)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
