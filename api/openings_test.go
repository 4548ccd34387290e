package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"officemap/api"
)

// TestFloorOpenings: a floor's room list carries its doors (stored with the floor, as an import writes
// them) as a MultiLineString in the request's crs — lon/lat through the building's frame (a door along a
// room's wall ends on the room's corners as the rooms are sent), or local coordinates — and the floor's
// plan draws them; a floor without doors has no openings member.
func TestFloorOpenings(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()
	room, _ := e.createRoom(f, "101", rect(0, 0, 5, 4))
	doors := orb.MultiLineString{{{0, 0}, {5, 0}}, {{5, 1}, {5, 1.9}}}
	ctx := context.Background()
	fl, err := e.store.Floor(ctx, f.floor)
	if err != nil {
		t.Fatal(err)
	}
	fl.Openings = doors
	if err := e.store.UpdateFloor(ctx, &fl); err != nil {
		t.Fatalf("storing the floor's doors: %v", err)
	}

	type collection struct {
		Features []roomFeature `json:"features"`
		Openings *struct {
			Type        string        `json:"type"`
			Coordinates [][][]float64 `json:"coordinates"`
		} `json:"openings"`
	}
	var ll collection
	e.do("GET", "/api/v1/floors/"+f.floor.String()+"/rooms", nil).expect(t, 200).decode(t, &ll)
	if len(ll.Features) != 1 || ll.Openings == nil || ll.Openings.Type != "MultiLineString" || len(ll.Openings.Coordinates) != 2 {
		t.Fatalf("rooms %d, openings %+v", len(ll.Features), ll.Openings)
	}
	// The first door runs along the room's south wall, from its first corner to its second.
	ring := room.Geometry.Coordinates[0]
	door := ll.Openings.Coordinates[0]
	for k, corner := range [][]float64{ring[0], ring[1]} {
		if !near(door[k][0], corner[0], 1e-9) || !near(door[k][1], corner[1], 1e-9) {
			t.Errorf("door end %d at %v, want the room's corner %v", k, door[k], corner)
		}
	}

	var local collection
	e.do("GET", "/api/v1/floors/"+f.floor.String()+"/rooms?crs=local", nil).expect(t, 200).decode(t, &local)
	if local.Openings == nil || len(local.Openings.Coordinates) != 2 {
		t.Fatalf("local openings %+v", local.Openings)
	}
	for i, ls := range doors {
		for k, pt := range ls {
			got := local.Openings.Coordinates[i][k]
			if !near(got[0], pt[0]/f.georef.Unit(), 1e-9) || !near(got[1], pt[1]/f.georef.Unit(), 1e-9) {
				t.Errorf("local door %d end %d at %v, want %v", i, k, got, pt)
			}
		}
	}

	svg := e.do("GET", "/api/v1/floors/"+f.floor.String()+"/plan.svg", nil).expect(t, 200).body
	if n := strings.Count(string(svg), `class="opening"`); n != 2 {
		t.Errorf("the plan draws %d doors, want 2", n)
	}

	// Another floor of the building has no doors: no member at all.
	other := e.do("POST", "/api/v1/buildings/"+f.building.String()+"/floors", map[string]any{"ordinal": 5, "name": "6F"}).created(t)
	body := e.do("GET", "/api/v1/floors/"+other.String()+"/rooms", nil).expect(t, 200).body
	if strings.Contains(string(body), `"openings"`) {
		t.Errorf("a floor without doors: %s", body)
	}
	// The agency and building room searches are no floor's list: no doors either.
	body = e.do("GET", "/api/v1/rooms?building_id="+f.building.String(), nil).expect(t, 200).body
	if strings.Contains(string(body), `"openings"`) {
		t.Errorf("a building's rooms carry openings: %s", body)
	}
}

// TestShaftAndVoidRooms: rooms of the usages shaft and void are accepted through the API and listed
// with them.
func TestShaftAndVoidRooms(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()
	for i, usage := range []string{"shaft", "void"} {
		res := e.do("POST", "/api/v1/floors/"+f.floor.String()+"/rooms",
			roomBody([]string{"G1", "V1"}[i], usage, rect(float64(10*i), 0, float64(10*i+4), 4), &f.georef)).expect(t, 201)
		var r roomFeature
		res.decode(t, &r)
		if r.Properties.Usage != usage {
			t.Errorf("created a %s room, got usage %q", usage, r.Properties.Usage)
		}
	}
	fc := e.rooms(f)
	if len(fc.Features) != 2 {
		t.Fatalf("%d rooms listed, want 2", len(fc.Features))
	}
}
