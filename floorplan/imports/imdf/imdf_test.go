package imdf_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

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
	got := map[string]imports.Room{}
	for _, r := range ds.Buildings[0].Rooms {
		got[r.Number] = r
	}
	if r := got["101"]; r.Usage != floorplan.UsageOffice || r.AgencyName != "Finance Bureau" || r.Ordinal != 0 {
		t.Errorf("101: %+v", r)
	}
	if r := got["102"]; r.Usage != floorplan.UsageEquipment {
		t.Errorf("102: %+v", r)
	}
	if r := got["女卫生间"]; r.Usage != floorplan.UsageToilet || r.Ordinal != 1 {
		t.Errorf("女卫生间: %+v", r)
	}
	if !strings.Contains(fmt.Sprint(ds.Notes), "1 openings") {
		t.Errorf("notes %v", ds.Notes)
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
		{"occupant without anchor", func(f map[string]string) { delete(f, "anchor.geojson") }, "anchor 44444444-4444-4444-8444-444444444444 is not in anchor.geojson"},
		{"opening on no level", func(f map[string]string) {
			f["opening.geojson"] = strings.Replace(f["opening.geojson"], "222222222220", "222222222229", 1)
		}, "opening.geojson feature 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := imdf.ReadFS("venue.zip", archive(tt.edit), imdf.Limits{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "venue.zip: ") {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestUsageOf(t *testing.T) {
	for cat, want := range map[string]floorplan.Usage{
		"office": floorplan.UsageOffice, "conferenceroom": floorplan.UsageService, "restroom.male.wheelchair": floorplan.UsageToilet,
		"stairs": floorplan.UsageCirculation, "elevator": floorplan.UsageCirculation, "walkway.island": floorplan.UsageCirculation,
		"room.mechanical": floorplan.UsageEquipment, "electrical": floorplan.UsageEquipment, "storage": floorplan.UsageService,
		"kitchen": floorplan.UsageAncillary, "foodservice": floorplan.UsageAncillary, "laboratory": floorplan.UsageTechnical,
	} {
		if got, ok := imdf.UsageOf(cat); !ok || got != want {
			t.Errorf("UsageOf(%q) = %s, %v; want %s", cat, got, ok, want)
		}
	}
	if _, ok := imdf.UsageOf("structure"); ok {
		t.Error("structure is not a room's usage")
	}
	for _, u := range floorplan.Usages {
		if imdf.CategoryOf(u) == "" {
			t.Errorf("no category for %s", u)
		}
	}
}
