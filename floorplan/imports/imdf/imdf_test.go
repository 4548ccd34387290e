package imdf_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/imdf"
)

var ctx = context.Background()

// archive is a small valid IMDF folder: one building, two levels, three units, an occupant and an
// opening; edit changes one file before the test reads it.
func archive(edit func(files map[string]string)) fstest.MapFS {
	const (
		b  = "11111111-1111-4111-8111-111111111111"
		l0 = "22222222-2222-4222-8222-222222222220"
		l1 = "22222222-2222-4222-8222-222222222221"
		u1 = "33333333-3333-4333-8333-333333333331"
		u2 = "33333333-3333-4333-8333-333333333332"
		u3 = "33333333-3333-4333-8333-333333333333"
		an = "44444444-4444-4444-8444-444444444444"
		oc = "55555555-5555-4555-8555-555555555555"
		op = "66666666-6666-4666-8666-666666666666"
	)
	sq := func(x, y float64) string {
		return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%v,%v],[%v,%v],[%v,%v],[%v,%v],[%v,%v]]]}`,
			x, y, x+0.0001, y, x+0.0001, y+0.0001, x, y+0.0001, x, y)
	}
	// wide is a level's outline, holding every unit of the level (a unit outside its level is refused).
	wide := func(x, y float64) string {
		return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%v,%v],[%v,%v],[%v,%v],[%v,%v],[%v,%v]]]}`,
			x, y, x+0.0004, y, x+0.0004, y+0.0001, x, y+0.0001, x, y)
	}
	fc := func(fs ...string) string {
		return `{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`
	}
	feat := func(id, typ, geom, props string) string {
		return fmt.Sprintf(`{"id":"%s","type":"Feature","feature_type":"%s","geometry":%s,"properties":%s}`, id, typ, geom, props)
	}
	files := map[string]string{
		"manifest.json":    `{"version":"1.0.0","created":"2024-01-01T00:00:00","language":"en"}`,
		"building.geojson": fc(feat(b, "building", "null", `{"name":{"en":"Contoso HQ"},"category":"unspecified"}`)),
		"level.geojson": fc(feat(l0, "level", wide(119.97, 31.81), `{"ordinal":0,"name":{"en":"Ground"},"short_name":{"en":"G"},"building_ids":["`+b+`"]}`),
			feat(l1, "level", wide(119.97, 31.81), `{"ordinal":1,"name":{"en":"First"},"building_ids":["`+b+`"]}`)),
		"unit.geojson": fc(feat(u1, "unit", sq(119.97, 31.81), `{"category":"office","name":{"en":"101"},"level_id":"`+l0+`"}`),
			feat(u2, "unit", sq(119.9702, 31.81), `{"category":"room.mechanical","name":{"en":"102"},"level_id":"`+l0+`"}`),
			feat(u3, "unit", sq(119.97, 31.81), `{"category":"restroom.female","name":{"zh-CN":"女卫生间","en":"WC"},"level_id":"`+l1+`"}`)),
		"anchor.geojson":   fc(feat(an, "anchor", `{"type":"Point","coordinates":[119.97005,31.81005]}`, `{"unit_id":"`+u1+`"}`)),
		"occupant.geojson": fc(feat(oc, "occupant", "null", `{"name":{"en":"Finance Bureau"},"category":"unspecified","anchor_id":"`+an+`"}`)),
		"opening.geojson":  fc(feat(op, "opening", `{"type":"LineString","coordinates":[[119.97,31.81],[119.97001,31.81]]}`, `{"category":"pedestrian","level_id":"`+l0+`"}`)),
	}
	if edit != nil {
		edit(files)
	}
	m := fstest.MapFS{}
	for name, data := range files {
		m["venue/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	return m
}

func TestReadFS(t *testing.T) {
	ds, err := imdf.ReadFS("contoso.zip", archive(nil), imdf.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Buildings) != 1 || ds.Buildings[0].Name != "Contoso HQ" || len(ds.Buildings[0].Floors) != 2 {
		t.Fatalf("buildings %+v", ds.Buildings)
	}
	b := ds.Buildings[0]
	if b.Lang != "en" {
		t.Errorf("language %q, want en (the names are {\"en\": …})", b.Lang)
	}
	got := map[string]imports.Room{}
	for _, r := range b.Rooms {
		got[r.Number] = r
	}
	if r := got["101"]; r.Usage != floorplan.UsageOffice || r.AgencyName != "Finance Bureau" || r.Ordinal != 0 ||
		r.Category != "office" || r.FloorSourceID != "imdf:22222222-2222-4222-8222-222222222220" {
		t.Errorf("101: %+v", r)
	}
	if r := got["102"]; r.Usage != floorplan.UsageEquipment || r.Category != "room.mechanical" {
		t.Errorf("102: %+v", r)
	}
	if r := got["女卫生间"]; r.Usage != floorplan.UsageToilet || r.Ordinal != 1 || r.Category != "restroom.female" ||
		r.FloorSourceID != "imdf:22222222-2222-4222-8222-222222222221" {
		t.Errorf("女卫生间: %+v", r)
	}
	ground := b.Floors[0]
	want := orb.MultiLineString{{{119.97, 31.81}, {119.97001, 31.81}}}
	if ground.Ordinal != 0 || !reflect.DeepEqual(ground.Openings, want) || b.Floors[1].Openings != nil {
		t.Errorf("openings %v and %v, want %v on the ground floor", ground.Openings, b.Floors[1].Openings, want)
	}
	wantNotes(t, ds.Notes, "1 openings (doors) read for the plans of 1 levels")
	if ds.CoordPrecision != 0 {
		t.Errorf("precision %g of an archive officemap did not export", ds.CoordPrecision)
	}
}

// wantNotes fails the test unless the notes, told in English, are want, in order; and each is told in
// Chinese too.
func wantNotes(t *testing.T, notes []imports.Note, want ...string) {
	t.Helper()
	var got []string
	for _, n := range notes {
		got = append(got, n.String())
		if zh := n.In("zh-CN"); zh == n.String() {
			t.Errorf("note %q has no Chinese", zh)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("notes %q, want %q", got, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("note %d: %q, want %q…", i, got[i], want[i])
		}
	}
}

func TestReadFSRejects(t *testing.T) {
	tests := []struct {
		name string
		edit func(map[string]string)
		want string
	}{
		{"no manifest", func(f map[string]string) { delete(f, "manifest.json") }, "manifest.json is missing"},
		{"manifest without version", func(f map[string]string) { f["manifest.json"] = `{"language":"en"}` }, "manifest.json: the version is missing"},
		{"not a collection", func(f map[string]string) { f["unit.geojson"] = `{"type":"Feature"}` }, "unit.geojson: type \"Feature\""},
		{"id not a UUID", func(f map[string]string) {
			f["unit.geojson"] = strings.Replace(f["unit.geojson"], "33333333-3333-4333-8333-333333333331", "room-101", 1)
		}, "unit.geojson feature 1 (id room-101): the id room-101 is not a UUID"},
		{"wrong feature_type", func(f map[string]string) {
			f["unit.geojson"] = strings.Replace(f["unit.geojson"], `"feature_type":"unit"`, `"feature_type":"level"`, 1)
		}, `feature_type "level" in unit.geojson`},
		{"unit as a point", func(f map[string]string) {
			f["unit.geojson"] = `{"type":"FeatureCollection","features":[{"id":"33333333-3333-4333-8333-333333333331","type":"Feature",` +
				`"feature_type":"unit","geometry":{"type":"Point","coordinates":[119.97,31.81]},"properties":{"category":"office"}}]}`
		}, "unit.geojson feature 1 (id 33333333-3333-4333-8333-333333333331): a unit may not have a Point geometry"},
		{"unknown level", func(f map[string]string) {
			f["unit.geojson"] = strings.Replace(f["unit.geojson"], `"level_id":"22222222-2222-4222-8222-222222222220"`, `"level_id":"22222222-2222-4222-8222-222222222229"`, 1)
		}, "level_id 22222222-2222-4222-8222-222222222229 is not in level.geojson"},
		{"fractional ordinal", func(f map[string]string) {
			f["level.geojson"] = strings.Replace(f["level.geojson"], `"ordinal":1`, `"ordinal":1.5`, 1)
		},
			"ordinal 1.5 is not an integer"},
		{"anchor.geojson broken", func(f map[string]string) { f["anchor.geojson"] = `{"type":"FeatureCollection","features":[{]}` },
			"anchor.geojson: byte "},
		{"an occupant's anchor_id not an id", func(f map[string]string) {
			f["occupant.geojson"] = strings.Replace(f["occupant.geojson"], `"anchor_id":"44444444-4444-4444-8444-444444444444"`, `"anchor_id":7`, 1)
		}, "occupant.geojson feature 1 (id 55555555-5555-4555-8555-555555555555): anchor_id: 7 is not a UUID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := imdf.ReadFS("venue.zip", archive(tt.edit), imdf.Limits{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "venue.zip: ") {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if zh := imports.ErrorIn(err, "zh-CN"); zh == err.Error() && !strings.Contains(tt.want, "byte") {
				t.Errorf("no Chinese for %v", err)
			}
		})
	}
}

// The files the rooms do not need are read leniently: one that cannot be read is a note, and the rooms
// come in without it.
func TestReadFSLenient(t *testing.T) {
	const amenity = `{"type":"FeatureCollection","features":[` +
		`{"id":"77777777-7777-4777-8777-777777777771","type":"Feature","feature_type":"amenity","geometry":{"type":"Point","coordinates":[119.97,31.81]},"properties":{"category":"atm"}},` +
		`{"id":"77777777-7777-4777-8777-777777777772","type":"Feature","feature_type":"amenity","geometry":{"type":"Point","coordinates":[119.97,31.81]},"properties":{"category":"atm"}}]}`
	tests := []struct {
		name  string
		edit  func(map[string]string)
		notes []string
	}{
		{"opening.geojson not JSON", func(f map[string]string) { f["opening.geojson"] = `{"type":"FeatureCollection","features":[{,}]}` },
			[]string{"opening.geojson cannot be read (byte "}},
		{"opening.geojson cut short", func(f map[string]string) { f["opening.geojson"] = f["opening.geojson"][:60] },
			[]string{"opening.geojson cannot be read (byte 60: the file is cut short"}},
		{"an opening without an id", func(f map[string]string) {
			f["opening.geojson"] = strings.Replace(f["opening.geojson"], `"id":"66666666-6666-4666-8666-666666666666"`, `"id":1`, 1)
		}, []string{"opening.geojson feature 1 cannot be read (the id 1 is not a UUID)"}},
		{"an opening on no level", func(f map[string]string) {
			f["opening.geojson"] = strings.Replace(f["opening.geojson"], "222222222220", "222222222229", 1)
		}, []string{"1 openings left out: their level_id is not a level of the archive: opening.geojson feature 1 (id 66666666-6666-4666-8666-666666666666)"}},
		{"amenities", func(f map[string]string) {
			f["amenity.geojson"] = amenity
			f["fixture.geojson"] = strings.Replace(amenity, "amenity", "fixture", 2)[:len(amenity)/2]
		},
			[]string{"1 openings", "fixture.geojson cannot be read (byte ", "features officemap does not keep were left out: amenity.geojson (2)"}},
		{"amenity.geojson not JSON", func(f map[string]string) { f["amenity.geojson"] = "{\"type\":\"FeatureCollection\",\"features\":[}" },
			[]string{"1 openings", "amenity.geojson cannot be read (byte "}},
		{"section.geojson a Feature", func(f map[string]string) { f["section.geojson"] = `{"type":"Feature"}` },
			[]string{"1 openings", `section.geojson cannot be read (type "Feature": each IMDF file must be one FeatureCollection)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := imdf.ReadFS("venue.zip", archive(tt.edit), imdf.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(ds.Buildings[0].Rooms); n != 3 {
				t.Errorf("%d rooms, want 3", n)
			}
			wantNotes(t, ds.Notes, tt.notes...)
		})
	}
	// A bomb in a file read leniently refuses the archive all the same.
	big := strings.Replace(amenity, `"atm"`, `"atm","padding":"`+strings.Repeat("x", 4000)+`"`, 1)
	_, err := imdf.ReadFS("venue.zip", archive(func(f map[string]string) { f["amenity.geojson"] = big }), imdf.Limits{MaxEntryBytes: 4000})
	if !errors.Is(err, imdf.ErrLimit) || !strings.Contains(err.Error(), "amenity.geojson") {
		t.Errorf("err = %v, want amenity.geojson beyond the limits", err)
	}
}

// An occupant whose anchor or unit is missing is a problem of its own, in the dataset as a room with an
// error that names the occupant.
func TestReadFSOccupantProblems(t *testing.T) {
	for name, tt := range map[string]struct {
		edit func(map[string]string)
		want string
	}{
		"no anchor": {func(f map[string]string) { delete(f, "anchor.geojson") },
			`occupant "Finance Bureau": its anchor 44444444-4444-4444-8444-444444444444 is not in anchor.geojson`},
		"no unit": {func(f map[string]string) {
			f["anchor.geojson"] = strings.Replace(f["anchor.geojson"], "33333333-3333-4333-8333-333333333331", "33333333-3333-4333-8333-333333333339", 1)
		}, `occupant "Finance Bureau": its anchor's unit 33333333-3333-4333-8333-333333333339 is not in unit.geojson`},
	} {
		t.Run(name, func(t *testing.T) {
			ds, err := imdf.ReadFS("venue.zip", archive(tt.edit), imdf.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			var bad []imports.Room
			for _, r := range ds.Buildings[0].Rooms {
				if r.Err != nil {
					bad = append(bad, r)
				} else if r.AgencyName != "" {
					t.Errorf("room %s has the agency of an occupant that is not in it", r.Number)
				}
			}
			if len(bad) != 1 || bad[0].Err.Error() != tt.want || bad[0].Ref != "occupant.geojson feature 1 (id 55555555-5555-4555-8555-555555555555)" {
				t.Fatalf("problems %+v, want one: %s", bad, tt.want)
			}
			if zh := imports.ErrorIn(bad[0].Err, "zh-CN"); !strings.Contains(zh, "使用者") {
				t.Errorf("in Chinese: %s", zh)
			}
		})
	}
}

// Two levels of one ordinal stay two floors, and each unit says which it is on.
func TestReadFSSameOrdinal(t *testing.T) {
	ds, err := imdf.ReadFS("venue.zip", archive(func(f map[string]string) {
		f["level.geojson"] = strings.Replace(f["level.geojson"], `"ordinal":1`, `"ordinal":0`, 1)
	}), imdf.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	b := ds.Buildings[0]
	if len(b.Floors) != 2 || b.Floors[0].Ordinal != 0 || b.Floors[1].Ordinal != 0 || b.Floors[0].Name != "G" || b.Floors[1].Name != "First" {
		t.Fatalf("floors %+v", b.Floors)
	}
	on := map[string]string{}
	for _, r := range b.Rooms {
		on[r.Number] = r.FloorSourceID
	}
	if on["101"] != b.Floors[0].SourceID || on["102"] != b.Floors[0].SourceID || on["女卫生间"] != b.Floors[1].SourceID {
		t.Errorf("rooms on %v; floors %s, %s", on, b.Floors[0].SourceID, b.Floors[1].SourceID)
	}
}

// The language of a building's names: its name's, else the venue's, else the manifest's.
func TestReadFSLanguage(t *testing.T) {
	const venue = `{"type":"FeatureCollection","features":[{"id":"88888888-8888-4888-8888-888888888888","type":"Feature","feature_type":"venue",` +
		`"geometry":{"type":"Polygon","coordinates":[[[119.97,31.81],[119.971,31.81],[119.971,31.811],[119.97,31.81]]]},"properties":{"name":{"de":"Zentrale"}}}]}`
	tests := []struct {
		name string
		edit func(map[string]string)
		want string
	}{
		{"the building's", nil, "en"},
		{"Chinese first", func(f map[string]string) {
			f["building.geojson"] = strings.Replace(f["building.geojson"], `{"en":"Contoso HQ"}`, `{"en":"Contoso HQ","zh-CN":"总部"}`, 1)
		}, "zh-CN"},
		{"the venue's", func(f map[string]string) {
			f["building.geojson"] = strings.Replace(f["building.geojson"], `{"en":"Contoso HQ"}`, `"Contoso HQ"`, 1)
			f["venue.geojson"] = venue
		}, "de"},
		{"the manifest's", func(f map[string]string) {
			f["building.geojson"] = strings.Replace(f["building.geojson"], `{"en":"Contoso HQ"}`, `"Contoso HQ"`, 1)
			f["manifest.json"] = `{"version":"1.0.0","language":"fr"}`
		}, "fr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := imdf.ReadFS("venue.zip", archive(tt.edit), imdf.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got := ds.Buildings[0].Lang; got != tt.want {
				t.Errorf("language %q, want %q", got, tt.want)
			}
		})
	}
}

// An archive officemap exported (its manifest names officemap's extension) is compared at
// ExportPrecision on a re-import, and its rooms get back their own source ids and categories.
func TestReadFSOfficemapArchive(t *testing.T) {
	ds, err := imdf.ReadFS("venue.zip", archive(func(f map[string]string) {
		f["manifest.json"] = `{"version":"1.0.0","language":"en","extensions":["` + imdf.Extension + `"]}`
		f["unit.geojson"] = strings.Replace(f["unit.geojson"], `"category":"office",`,
			`"category":"walkway","officemap:source_category":"CIRC","officemap:source_id":"dxf:plan.dxf:3A","officemap:recorded_area_m2":12.5,`, 1)
		f["unit.geojson"] = strings.Replace(f["unit.geojson"], `"category":"room.mechanical",`,
			`"category":"nonpublic","officemap:source_category":null,"officemap:source_id":null,`+
				`"officemap:state":"idle","officemap:idle_since":"2025-03-01","officemap:valid_from":"2019-06-30",`, 1)
	}), imdf.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.CoordPrecision != imdf.ExportPrecision {
		t.Errorf("precision %g, want %g", ds.CoordPrecision, imdf.ExportPrecision)
	}
	got := map[string]imports.Room{}
	for _, r := range ds.Buildings[0].Rooms {
		got[r.Number] = r
	}
	if r := got["101"]; r.Category != "CIRC" || r.SourceID != "dxf:plan.dxf:3A" || r.RecordedAreaM2 != 12.5 || r.Usage != floorplan.UsageCirculation {
		t.Errorf("101: %+v", r)
	}
	if r := got["102"]; r.Category != "" || r.SourceID != "imdf:33333333-3333-4333-8333-333333333332" {
		t.Errorf("102: %+v", r)
	}
	// The room's state, idle date and the day it exists from travel too: an idle room stays idle since
	// its day, so the idle finding does not restart on the day of the import.
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	if r := got["102"]; r.State != floorplan.RoomIdle || !r.IdleSince.Equal(day("2025-03-01")) || !r.ValidFrom.Equal(day("2019-06-30")) {
		t.Errorf("102's state %q since %v, valid from %v", r.State, r.IdleSince, r.ValidFrom)
	}
	if r := got["101"]; r.State != "" || !r.IdleSince.IsZero() || !r.ValidFrom.IsZero() {
		t.Errorf("101 says no state: got %q %v %v", r.State, r.IdleSince, r.ValidFrom)
	}
}

func TestUsageOf(t *testing.T) {
	for cat, want := range map[string]floorplan.Usage{
		"office": floorplan.UsageOffice, "conferenceroom": floorplan.UsageService, "restroom.male.wheelchair": floorplan.UsageToilet,
		"stairs": floorplan.UsageCirculation, "elevator": floorplan.UsageCirculation, "escalator": floorplan.UsageCirculation,
		"walkway.island": floorplan.UsageCirculation, "room.mechanical": floorplan.UsageEquipment, "electrical": floorplan.UsageEquipment,
		"storage": floorplan.UsageService, "kitchen": floorplan.UsageAncillary, "foodservice": floorplan.UsageAncillary,
		"parking": floorplan.UsageAncillary, "laboratory": floorplan.UsageTechnical, "opentobelow": floorplan.UsageVoid,
		"structure": floorplan.UsageShaft, "column": floorplan.UsageShaft, "drywall": floorplan.UsageShaft,
	} {
		if got, ok := imdf.UsageOf(cat); !ok || got != want {
			t.Errorf("UsageOf(%q) = %s, %v; want %s", cat, got, ok, want)
		}
	}
	for _, cat := range []string{"room", "unspecified", "nonpublic", "unenclosedarea", "terrace", "fieldofplay", "vegetation", "bogus"} {
		if u, ok := imdf.UsageOf(cat); ok {
			t.Errorf("UsageOf(%q) = %s: it says nothing of a use", cat, u)
		}
	}
	if !slices.IsSorted(imdf.UnitCategories) {
		t.Error("UnitCategories is not sorted")
	}
	for _, u := range floorplan.Usages {
		c := imdf.CategoryOf(u)
		if !imdf.IsUnitCategory(c) {
			t.Errorf("%s exports as %q, not an IMDF unit category", u, c)
		}
		if back, ok := imdf.UsageOf(c); ok && back != u {
			t.Errorf("%s exports as %s, which reads back as %s", u, c, back)
		}
	}
	if u, _ := imdf.UsageOf("opentobelow"); u.HasFloor() {
		t.Error("a void counts as floor area")
	}
}

func TestRoomCategory(t *testing.T) {
	tests := []struct {
		usage                floorplan.Usage
		source, name, number string
		want                 string
	}{
		{floorplan.UsageAncillary, "parking", "", "B101", "parking"},
		{floorplan.UsageAncillary, "", "", "B101", "room"},
		{floorplan.UsageAncillary, "", "地下车库", "B101", "parking"},
		{floorplan.UsageCirculation, "stairs", "", "", "stairs"},
		{floorplan.UsageCirculation, "elevator", "", "", "elevator"},
		{floorplan.UsageCirculation, "escalator", "", "", "escalator"},
		{floorplan.UsageCirculation, "CIRC", "", "CIRC101", "walkway"},
		{floorplan.UsageCirculation, "STAIRS", "", "", "stairs"},
		{floorplan.UsageCirculation, "", "", "STAIR-2", "stairs"},
		{floorplan.UsageCirculation, "", "电梯", "", "elevator"},
		{floorplan.UsageCirculation, "", "自动扶梯", "", "escalator"},
		{floorplan.UsageCirculation, "", "电梯厅", "", "lobby"},
		{floorplan.UsageVoid, "", "", "", "opentobelow"},
		{floorplan.UsageVoid, "void", "中庭上空", "", "opentobelow"},
		{floorplan.UsageShaft, "column", "", "", "column"},
		{floorplan.UsageShaft, "", "管井", "", "structure"},
		{floorplan.UsageOffice, "stairs", "", "", "office"}, // a planner made the stairs an office
		{floorplan.UsageOther, "nonpublic", "", "", "nonpublic"},
		{floorplan.UsageOffice, "nonpublic", "", "", "office"},
		{floorplan.UsageToilet, "restroom.female", "", "", "restroom.female"},
		{floorplan.UsageEquipment, "room.mechanical", "", "", "nonpublic"},
	}
	for _, tt := range tests {
		r := floorplan.Room{Usage: tt.usage, SourceCategory: tt.source, Name: tt.name, Number: tt.number}
		if got := imdf.RoomCategory(r); got != tt.want {
			t.Errorf("%s %q %q %q: %q, want %q", tt.usage, tt.source, tt.name, tt.number, got, tt.want)
		}
	}
}
