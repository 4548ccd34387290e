package api_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"officemap/api"
)

// TestEditsKeepWhatAnImportRecorded: what an import records and the edit forms do not show — a room's
// source category and recorded area, a floor's doors, a building's name language — survives a PATCH of
// another field, and a PUT that does not name the room's fields; a PUT that names them sets them.
func TestEditsKeepWhatAnImportRecorded(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()
	created, _ := e.createRoom(f, "101", rect(0, 0, 5, 4))
	ctx := context.Background()
	room, err := e.store.Room(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	room.SourceCategory, room.RecordedAreaM2 = "conferenceroom", 21.5
	if err := e.store.UpdateRoom(ctx, &room); err != nil {
		t.Fatal(err)
	}
	fl, err := e.store.Floor(ctx, f.floor)
	if err != nil {
		t.Fatal(err)
	}
	fl.Openings = orb.MultiLineString{{{0, 0}, {1, 0}}}
	if err := e.store.UpdateFloor(ctx, &fl); err != nil {
		t.Fatal(err)
	}
	b, err := e.store.Building(ctx, f.building)
	if err != nil {
		t.Fatal(err)
	}
	b.Lang = "en"
	if err := e.store.UpdateBuilding(ctx, &b); err != nil {
		t.Fatal(err)
	}

	path := "/api/v1/rooms/" + room.ID.String()
	e.do("PATCH", path, `{"properties":{"name":"会议室"}}`, "Content-Type", "application/merge-patch+json", "If-Match", "*").expect(t, 200)
	var got struct {
		Properties struct {
			SourceCategory string   `json:"source_category"`
			RecordedAreaM2 *float64 `json:"recorded_area_m2"`
		} `json:"properties"`
	}
	e.do("GET", path, nil).expect(t, 200).decode(t, &got)
	if got.Properties.SourceCategory != "conferenceroom" || got.Properties.RecordedAreaM2 == nil || *got.Properties.RecordedAreaM2 != 21.5 {
		t.Errorf("after a PATCH of the name: source category %q, recorded area %v", got.Properties.SourceCategory, got.Properties.RecordedAreaM2)
	}

	put := roomBody("101", "service", rect(0, 0, 5, 4), &f.georef)
	e.do("PUT", path, put, "If-Match", "*").expect(t, 200)
	if r, _ := e.store.Room(ctx, room.ID); r.SourceCategory != "conferenceroom" || r.RecordedAreaM2 != 21.5 || r.Usage != "service" {
		t.Errorf("after a PUT without them: source category %q, recorded area %v, usage %s", r.SourceCategory, r.RecordedAreaM2, r.Usage)
	}
	put["properties"].(map[string]any)["recorded_area_m2"] = nil
	put["properties"].(map[string]any)["source_category"] = ""
	e.do("PUT", path, put, "If-Match", "*").expect(t, 200)
	if r, _ := e.store.Room(ctx, room.ID); r.SourceCategory != "" || r.RecordedAreaM2 != 0 {
		t.Errorf("after a PUT clearing them: source category %q, recorded area %v", r.SourceCategory, r.RecordedAreaM2)
	}

	e.do("PATCH", "/api/v1/floors/"+f.floor.String(), `{"name":"三层"}`, "Content-Type", "application/merge-patch+json", "If-Match", "*").expect(t, 200)
	if got, _ := e.store.Floor(ctx, f.floor); got.Name != "三层" || len(got.Openings) != 1 {
		t.Errorf("after a PATCH of the floor's name: name %q, %d doors", got.Name, len(got.Openings))
	}
	e.do("PATCH", "/api/v1/buildings/"+f.building.String(), `{"address":"龙城大道1号"}`, "Content-Type", "application/merge-patch+json", "If-Match", "*").expect(t, 200)
	if got, _ := e.store.Building(ctx, f.building); got.Address != "龙城大道1号" || got.Lang != "en" {
		t.Errorf("after a PATCH of the building's address: address %q, lang %q", got.Address, got.Lang)
	}
}
