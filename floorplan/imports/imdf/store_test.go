//go:build !nostore

// The tests of this file write to a store (importtest.NewStore, an embedded GeoPackage): the build tag
// nostore leaves them out of the test binary that .ci/fuzz builds, since SQLite takes minutes to
// compile with the fuzzer's instrumentation.

package imdf_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/exports"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/dxf"
	"officemap/floorplan/imports/imdf"
	"officemap/floorplan/imports/importtest"
	"officemap/floorplan/imports/osm"
)

// checkArchive checks IMDF's structural rules on an archive: a manifest with version, created and
// language; one FeatureCollection per feature-type file; UUID ids unique in the archive; feature_type
// matching the file; the geometry types of each type; required properties present (null where IMDF
// allows); integer ordinals; and every reference (address_id, building_ids, level_id) resolving.
func checkArchive(t *testing.T, data []byte) map[string][]map[string]any {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	var manifest map[string]any
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if manifest["version"] != "1.0.0" || manifest["created"] == nil || manifest["language"] != "zh-CN" {
		t.Errorf("manifest %v", manifest)
	}
	geom := map[string]string{"address": "null", "venue": "Polygon", "building": "null", "footprint": "Polygon",
		"level": "Polygon", "unit": "Polygon"}
	required := map[string][]string{
		"address":   {"address", "unit", "locality", "province", "country", "postal_code"},
		"venue":     {"category", "restriction", "name", "alt_name", "hours", "phone", "website", "display_point", "address_id"},
		"building":  {"name", "alt_name", "category", "restriction", "display_point", "address_id"},
		"footprint": {"category", "name", "building_ids"},
		"level":     {"category", "restriction", "outdoor", "ordinal", "name", "short_name", "display_point", "address_id", "building_ids"},
		"unit":      {"category", "restriction", "accessibility", "name", "alt_name", "level_id", "display_point"},
	}
	ids := map[string]string{} // id → feature type
	out := map[string][]map[string]any{}
	for typ := range geom {
		raw, ok := files[typ+".geojson"]
		if !ok {
			t.Errorf("%s.geojson is missing", typ)
			continue
		}
		var fc struct {
			Type     string `json:"type"`
			Features []struct {
				ID          string          `json:"id"`
				Type        string          `json:"type"`
				FeatureType string          `json:"feature_type"`
				Geometry    json.RawMessage `json:"geometry"`
				Properties  map[string]any  `json:"properties"`
			} `json:"features"`
		}
		if err := json.Unmarshal(raw, &fc); err != nil || fc.Type != "FeatureCollection" {
			t.Errorf("%s.geojson: %v %q", typ, err, fc.Type)
			continue
		}
		for i, f := range fc.Features {
			where := fmt.Sprintf("%s.geojson feature %d", typ, i+1)
			if _, err := uuid.Parse(f.ID); err != nil || f.Type != "Feature" || f.FeatureType != typ {
				t.Errorf("%s: id %q type %q feature_type %q", where, f.ID, f.Type, f.FeatureType)
			}
			if other, dup := ids[f.ID]; dup {
				t.Errorf("%s: id %s is also a %s", where, f.ID, other)
			}
			ids[f.ID] = typ
			var g struct{ Type string }
			_ = json.Unmarshal(f.Geometry, &g)
			if got := map[bool]string{true: "null", false: g.Type}[string(f.Geometry) == "null"]; got != geom[typ] {
				t.Errorf("%s: geometry %s, want %s", where, got, geom[typ])
			}
			for _, k := range required[typ] {
				if _, ok := f.Properties[k]; !ok {
					t.Errorf("%s: property %s is missing", where, k)
				}
			}
			if typ == "level" {
				if o, ok := f.Properties["ordinal"].(float64); !ok || o != math.Trunc(o) {
					t.Errorf("%s: ordinal %v", where, f.Properties["ordinal"])
				}
			}
			if dp, ok := f.Properties["display_point"].(map[string]any); ok && dp["type"] != "Point" {
				t.Errorf("%s: display_point %v", where, dp)
			}
			f.Properties["id"] = f.ID
			out[typ] = append(out[typ], f.Properties)
		}
	}
	ref := func(where, id any, want string) {
		if s, _ := id.(string); ids[s] != want {
			t.Errorf("%s: %v is not a %s", where, id, want)
		}
	}
	if len(out["venue"]) != 1 {
		t.Errorf("%d venues, want one", len(out["venue"]))
	}
	for _, v := range out["venue"] {
		ref("venue address_id", v["address_id"], "address")
	}
	for _, typ := range []string{"footprint", "level"} {
		for _, f := range out[typ] {
			bs, _ := f["building_ids"].([]any)
			if len(bs) == 0 {
				t.Errorf("%s %v has no building_ids", typ, f["id"])
			}
			for _, b := range bs {
				ref(typ+" building_ids", b, "building")
			}
		}
	}
	for _, u := range out["unit"] {
		ref("unit level_id", u["level_id"], "level")
	}
	return out
}

// Export → import into a fresh store gives the same rooms with the same areas, usages and agencies.
func TestRoundTrip(t *testing.T) {
	src := importtest.NewStore(t)
	agency := floorplan.Agency{Name: "常州市财政局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	if err := src.CreateAgency(ctx, &agency); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"cad/contoso/dxf/contoso_v2_Ground_rooms_walls.dxf", "osm/grenoble-caserne-de-bonne/caserne.osm"} {
		var ds *imports.Dataset
		if strings.HasSuffix(rel, ".dxf") {
			ds = importtest.ReadShared(t, rel, dxf.Read, dxf.Options{Level: 2})
		} else {
			ds = importtest.ReadShared(t, rel, osm.Read, osm.Limits{})
		}
		rot := 33.0
		if _, err := imports.Import(ctx, floorplan.NewRegister(src), ds, imports.Options{SkipInvalid: true, Origin: &orb.Point{119.97, 31.81}, Rotation: &rot}); err != nil {
			t.Fatal(err)
		}
	}
	before := importtest.Rooms(t, src, floorplan.RoomFilter{})
	for i := 0; i < 5; i++ {
		r := before[i]
		r.AgencyID = agency.ID
		if err := src.UpdateRoom(ctx, &r); err != nil {
			t.Fatal(err)
		}
		before[i] = r
	}
	d, err := exports.Load(ctx, src, exports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	notes, err := exports.WriteIMDF(&buf, d, "officemap test")
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("notes %v", notes)
	}
	features := checkArchive(t, buf.Bytes())
	if len(features["unit"]) != len(before) || len(features["building"]) != 8 {
		t.Errorf("%d units, %d buildings; want %d, 8", len(features["unit"]), len(features["building"]), len(before))
	}

	dst := importtest.NewStore(t)
	same := floorplan.Agency{Name: agency.Name, Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	if err := dst.CreateAgency(ctx, &same); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "venue.zip")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	ds, err := imdf.Read(path, imdf.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := imports.Import(ctx, floorplan.NewRegister(dst), ds, imports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rooms.Created != len(before) || len(sum.Skipped) != 0 {
		t.Errorf("summary %+v", sum)
	}
	bySource := importtest.RoomsBy(t, dst, floorplan.RoomFilter{}, func(r floorplan.Room) string { return r.SourceID })
	for _, r := range before {
		got, ok := bySource["imdf:"+r.ID.String()]
		if !ok {
			t.Errorf("room %s (%s) did not come back", r.Number, r.ID)
			continue
		}
		if got.Number != r.Number || got.Name != r.Name || got.Usage != r.Usage || math.Abs(got.Area()-r.Area()) > 1e-4 {
			t.Errorf("room %s: came back as %q %q %s %.6f m², was %q %q %s %.6f m²", r.ID, got.Number, got.Name, got.Usage,
				got.Area(), r.Number, r.Name, r.Usage, r.Area())
		}
		if (r.AgencyID == agency.ID) != (got.AgencyID == same.ID) {
			t.Errorf("room %s: agency %v, was %v", r.Number, got.AgencyID, r.AgencyID)
		}
	}
	t.Run("again: unchanged", func(t *testing.T) {
		sum, err := imports.Import(ctx, floorplan.NewRegister(dst), ds, imports.Options{})
		if err != nil || sum.Rooms.Unchanged != len(before) {
			t.Errorf("%+v %v", sum, err)
		}
	})
}

// A unit whose polygon is invalid is a problem of that room, named with its file, feature and id.
func TestInvalidUnit(t *testing.T) {
	fs := archive(func(f map[string]string) {
		f["unit.geojson"] = strings.Replace(f["unit.geojson"],
			`[[[119.97,31.81],[119.9701,31.81],[119.9701,31.8101],[119.97,31.8101],[119.97,31.81]]]`,
			`[[[119.97,31.81],[119.9701,31.8101],[119.9701,31.81],[119.97,31.8101],[119.97,31.81]]]`, 1)
	})
	ds, err := imdf.ReadFS("venue.zip", fs, imdf.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = imports.Import(ctx, floorplan.NewRegister(importtest.NewStore(t)), ds, imports.Options{})
	want := "venue.zip: unit.geojson feature 1 (id 33333333-3333-4333-8333-333333333331) (room 101): outer ring self-intersects"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v, want %q…", err, want)
	}
}
