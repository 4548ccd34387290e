package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/imports"
)

// sharedData returns the path of a file of the project's shared test data (../shared/data beside the
// clone). It fails the test in CI (CI=true) when the data is missing, and skips it elsewhere.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared test data %s is missing (CI has ../shared beside the clone): %v", p, err)
		}
		t.Skipf("shared test data %s is missing", p)
	}
	return p
}

// importSummary is the part of the import summary the tests read.
type importSummary struct {
	DryRun bool `json:"dry_run"`
	Rooms  struct {
		Created, Updated, Unchanged int
	}
	Skipped []any
	Notes   []string
	Targets []struct {
		ID    uuid.UUID
		Name  string
		Rooms int
	}
}

func (e *env) roomCount(t *testing.T, building uuid.UUID) int {
	t.Helper()
	rooms, err := e.store.Rooms(context.Background(), floorplan.RoomFilter{BuildingID: building})
	if err != nil {
		t.Fatal(err)
	}
	return len(rooms)
}

func TestImportExport(t *testing.T) {
	e := newEnv(t, api.Config{})
	plan, err := os.ReadFile(sharedData(t, "cad/contoso/dxf/contoso_v1_Ground.dxf"))
	if err != nil {
		t.Fatal(err)
	}
	name := "Contoso HTTP " + uuid.NewString()[:8]
	query := "?building=" + url.QueryEscape(name) + "&level=0&origin=-122.13,47.64&rotation=0&filename=contoso_v1_Ground.dxf"

	t.Run("dry run writes nothing", func(t *testing.T) {
		var sum importSummary
		e.do("POST", "/api/v1/imports/dxf"+query+"&dry_run=true", plan).expect(t, 200).decode(t, &sum)
		if !sum.DryRun || sum.Rooms.Created != 63 {
			t.Errorf("dry run summary = %+v, want 63 rooms to create", sum)
		}
		var list []map[string]any
		e.do("GET", "/api/v1/buildings", nil).expect(t, 200).decode(t, &list)
		for _, b := range list {
			if b["name"] == name {
				t.Errorf("the dry run created building %v", b["id"])
			}
		}
	})

	var building uuid.UUID
	t.Run("import creates 63 rooms", func(t *testing.T) {
		var sum importSummary
		e.do("POST", "/api/v1/imports/dxf"+query, plan).expect(t, 200).decode(t, &sum)
		if sum.DryRun || sum.Rooms.Created != 63 || len(sum.Targets) != 1 || sum.Skipped == nil || sum.Notes == nil {
			t.Fatalf("summary = %+v, want 63 rooms created in one building", sum)
		}
		building = sum.Targets[0].ID
		if n := e.roomCount(t, building); n != 63 {
			t.Errorf("%d rooms in the building, want 63", n)
		}
	})
	if building == uuid.Nil {
		t.Fatal("no building imported")
	}

	t.Run("re-import creates nothing", func(t *testing.T) {
		var sum importSummary
		e.do("POST", "/api/v1/imports/dxf?building="+building.String()+"&level=0&filename=contoso_v1_Ground.dxf", plan).
			expect(t, 200).decode(t, &sum)
		if sum.Rooms.Created != 0 || sum.Rooms.Updated+sum.Rooms.Unchanged != 63 {
			t.Errorf("re-import summary = %+v, want 0 created and 63 updated or unchanged", sum.Rooms)
		}
		if n := e.roomCount(t, building); n != 63 {
			t.Errorf("%d rooms in the building after the re-import, want 63", n)
		}
	})

	t.Run("rejected file writes nothing", func(t *testing.T) {
		// One good room and one unclosed way, on a new floor of the building.
		osmXML := `<?xml version='1.0' encoding='UTF-8'?>
<osm version='0.6' generator='test'>
  <node id='1' lat='47.6400' lon='-122.1300'/>
  <node id='2' lat='47.6400' lon='-122.1299'/>
  <node id='3' lat='47.6401' lon='-122.1299'/>
  <node id='4' lat='47.6401' lon='-122.1300'/>
  <way id='10'><nd ref='1'/><nd ref='2'/><nd ref='3'/><nd ref='4'/><nd ref='1'/>
    <tag k='indoor' v='room'/><tag k='level' v='1'/><tag k='ref' v='101'/></way>
  <way id='11'><nd ref='1'/><nd ref='2'/><nd ref='3'/>
    <tag k='indoor' v='room'/><tag k='level' v='1'/><tag k='ref' v='102'/></way>
</osm>
`
		before := e.roomCount(t, building)
		res := e.do("POST", "/api/v1/imports/osm?building="+building.String()+"&filename=broken.osm", osmXML)
		body := res.expectError(t, 422, "import_rejected")
		msg, _ := body["message"].(string)
		if !strings.Contains(msg, "broken.osm") || !strings.Contains(msg, "way/11") || !strings.Contains(msg, "not closed") {
			t.Errorf("message %q should name the file, the way and the reason", msg)
		}
		problems, _ := body["problems"].([]any)
		if len(problems) != 1 {
			t.Fatalf("problems = %v, want one", body["problems"])
		}
		if p := problems[0].(map[string]any); p["feature"] != "way/11" || p["reason"] == "" {
			t.Errorf("problem = %v", p)
		}
		if after := e.roomCount(t, building); after != before {
			t.Errorf("%d rooms after a rejected import, want %d", after, before)
		}
	})

	t.Run("bad requests", func(t *testing.T) {
		for _, tt := range []struct {
			name, path, want string
		}{
			{"unknown format", "/api/v1/imports/shp", "shp"},
			{"level", "/api/v1/imports/dxf?level=x", "level"},
			{"origin", "/api/v1/imports/dxf?origin=1", "origin"},
			{"rotation", "/api/v1/imports/dxf?rotation=north", "rotation"},
			{"dry_run", "/api/v1/imports/dxf?dry_run=maybe", "dry_run"},
			{"site_id", "/api/v1/imports/dxf?site_id=nope", "site_id"},
			{"dxf-only parameter", "/api/v1/imports/osm?rooms_layer=A", "rooms_layer"},
			{"units", "/api/v1/imports/dxf?units=furlong", "units"},
			{"export format", "/api/v1/exports/shp", "shp"},
			{"export floor_id", "/api/v1/exports/csv?floor_id=" + uuid.NewString(), "floor_id"},
			{"export building_id", "/api/v1/exports/csv?building_id=x", "building_id"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				method := "POST"
				if strings.Contains(tt.path, "/exports/") {
					method = "GET"
				}
				body := e.do(method, tt.path, []byte("0\nSECTION\n")).expectError(t, 400, "bad_request")
				if msg, _ := body["message"].(string); !strings.Contains(msg, tt.want) {
					t.Errorf("message %q does not name %s", msg, tt.want)
				}
			})
		}
		e.do("GET", "/api/v1/exports/csv?building_id="+uuid.NewString(), nil).expectError(t, 404, "not_found")
	})

	t.Run("body too large", func(t *testing.T) {
		small := newEnv(t, api.Config{MaxBodyBytes: 1 << 10})
		small.do("POST", "/api/v1/imports/dxf?level=0", plan).expectError(t, 413, "body_too_large")
	})

	export := func(t *testing.T, format, wantType, wantExt string) []byte {
		t.Helper()
		res := e.do("GET", "/api/v1/exports/"+format+"?building_id="+building.String(), nil).expect(t, 200)
		if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, wantType) {
			t.Errorf("Content-Type = %q, want %s", ct, wantType)
		}
		if cd := res.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, wantExt+`"`) {
			t.Errorf("Content-Disposition = %q, want an attachment named *%s", cd, wantExt)
		}
		return res.body
	}

	t.Run("export geojson", func(t *testing.T) {
		var fc struct {
			Type     string
			Features []json.RawMessage
		}
		if err := json.Unmarshal(export(t, "geojson", "application/geo+json", ".geojson"), &fc); err != nil {
			t.Fatal(err)
		}
		if fc.Type != "FeatureCollection" || len(fc.Features) != 63 {
			t.Errorf("%s with %d features, want a FeatureCollection of 63", fc.Type, len(fc.Features))
		}
	})

	t.Run("export imdf", func(t *testing.T) {
		data := export(t, "imdf", "application/zip", ".zip")
		if !bytes.HasPrefix(data, []byte("PK")) {
			t.Fatalf("not a zip: % x", data[:min(len(data), 8)])
		}
		if _, found := unzip(t, data)["manifest.json"]; !found {
			t.Error("no manifest.json in the archive")
		}
	})

	t.Run("export csv", func(t *testing.T) {
		if data := export(t, "csv", "text/csv", ".csv"); !bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
			t.Errorf("no UTF-8 byte-order mark: % x", data[:min(len(data), 8)])
		}
	})

	t.Run("export xlsx", func(t *testing.T) {
		if data := export(t, "xlsx", "application/vnd.openxmlformats", ".xlsx"); !bytes.HasPrefix(data, []byte("PK")) {
			t.Errorf("not a workbook: % x", data[:min(len(data), 8)])
		}
	})

	t.Run("export gpkg", func(t *testing.T) {
		if data := export(t, "gpkg", "application/geopackage+sqlite3", ".gpkg"); !bytes.HasPrefix(data, []byte("SQLite format 3\x00")) {
			t.Errorf("not a GeoPackage: %q", data[:min(len(data), 16)])
		}
	})
}

// levelless is a GeoJSON collection of two rooms without a level or a usage: the reader notes both.
const levelless = `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"a","properties":{"number":"101"},"geometry":{"type":"Polygon","coordinates":[[[119.97,31.81],[119.9701,31.81],[119.9701,31.8101],[119.97,31.8101],[119.97,31.81]]]}},
 {"type":"Feature","id":"b","properties":{"number":"102","name":"Sonderraum"},"geometry":{"type":"Polygon","coordinates":[[[119.971,31.81],[119.9711,31.81],[119.9711,31.8101],[119.971,31.8101],[119.971,31.81]]]}}]}`

// bowTie is levelless with room 102 drawn as a bow tie, which crosses itself.
var bowTie = strings.Replace(levelless, `[[[119.971,31.81],[119.9711,31.81],[119.9711,31.8101],[119.971,31.8101],[119.971,31.81]]]`,
	`[[[119.971,31.81],[119.9711,31.8101],[119.9711,31.81],[119.971,31.8101],[119.971,31.81]]]`, 1)

// The notes of an import and the message and problems of a rejection follow Accept-Language: Chinese
// when it ranks Chinese first, else English (as every error message does).
func TestImportLanguage(t *testing.T) {
	e := newEnv(t, api.Config{})
	if bowTie == levelless {
		t.Fatal("the bow tie is not drawn")
	}
	const path = "/api/v1/imports/geojson?dry_run=true&filename=rooms.geojson"
	for _, tt := range []struct {
		name, header string
		notes        []string
		message      []string // in the 422's message
		reason       string   // in the problem's reason
	}{
		{"english", "en", []string{"no feature has a level: every room goes on level 0", "2 rooms have no usage and were imported as office"},
			[]string{"rooms.geojson: feature 2 (id b) (room 102): outer ring self-intersects"}, "self-intersects"},
		{"no header", "", []string{"no feature has a level: every room goes on level 0"},
			[]string{"rooms.geojson: feature 2 (id b) (room 102): outer ring self-intersects"}, "self-intersects"},
		{"chinese", "zh-CN,zh;q=0.9,en;q=0.8", []string{"没有要素标明楼层（level）：所有房间都放在楼层序号 0 上", "2 个房间未标明用途，已按办公室导入"},
			[]string{"导入被拒绝，未写入任何数据：rooms.geojson：feature 2 (id b)（房间 102）：外环", "自相交"}, "自相交"},
		{"english first", "en-US,zh-CN;q=0.5", []string{"no feature has a level: every room goes on level 0"},
			[]string{"self-intersects"}, "self-intersects"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.header != "" {
				headers = []string{"Accept-Language", tt.header}
			}
			var sum importSummary
			e.do("POST", path, levelless, headers...).expect(t, 200).decode(t, &sum)
			if len(sum.Notes) < len(tt.notes) {
				t.Fatalf("notes %q, want %q first", sum.Notes, tt.notes)
			}
			for i, n := range tt.notes {
				if sum.Notes[i] != n {
					t.Errorf("note %d = %q, want %q", i+1, sum.Notes[i], n)
				}
			}
			body := e.do("POST", path, bowTie, headers...).expectError(t, 422, "import_rejected")
			msg, _ := body["message"].(string)
			for _, w := range tt.message {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			problems, _ := body["problems"].([]any)
			if len(problems) != 1 {
				t.Fatalf("problems %v, want one", body["problems"])
			}
			if p := problems[0].(map[string]any); p["number"] != "102" || !strings.Contains(p["reason"].(string), tt.reason) {
				t.Errorf("problem %v, want room 102 with a reason saying %q", p, tt.reason)
			}
		})
	}
	t.Run("skipped reasons", func(t *testing.T) {
		var sum struct {
			Skipped []imports.Problem `json:"skipped"`
		}
		e.do("POST", path+"&skip_invalid=true", bowTie, "Accept-Language", "zh").expect(t, 200).decode(t, &sum)
		if len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Reason, "自相交") {
			t.Errorf("skipped %+v, want room 102 with a Chinese reason", sum.Skipped)
		}
	})
}

// The new import parameters are checked, each by its name, in English and in Chinese.
func TestImportParams(t *testing.T) {
	e := newEnv(t, api.Config{})
	for _, tt := range []struct {
		name, query, want, wantZH string
	}{
		{"snap negative", "snap=-0.01", "parameter snap must be a number of metres from 0 (off) to 0.1, not -0.01", "参数 snap 有误：须为 0（关闭）至 0.1 米之间的数，不能是 -0.01"},
		{"snap not a number", "snap=wide", `parameter snap must be a number of metres, not "wide"`, "参数 snap 有误"},
		{"snap NaN", "snap=NaN", "parameter snap must be a number of metres from 0 (off) to 0.1, not NaN", "参数 snap 有误"},
		{"max_repair too large", "max_repair=2", "parameter max_repair must be a number of m² from 0 (off) to 1, not 2", "参数 max_repair 有误：须为 0（关闭）至 1 平方米之间的数，不能是 2"},
		{"max_repair not a number", "max_repair=some", `parameter max_repair must be a number of m², not "some"`, "参数 max_repair 有误"},
		{"ignore_footprint", "ignore_footprint=maybe", `parameter ignore_footprint must be true or false, not "maybe"`, "参数 ignore_footprint 有误"},
		{"outline_layer on osm", "outline_layer=OUTLINE", "parameter outline_layer applies to dxf imports only", "参数 outline_layer 有误：仅适用于 dxf 导入"},
		{"unknown format", "", `unknown format "shp" (use dxf, osm, imdf or geojson)`, `未知的格式 "shp"（可用 dxf、osm、imdf 或 geojson）`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			format := "osm"
			if tt.name == "unknown format" {
				format = "shp"
			}
			path := "/api/v1/imports/" + format + "?" + tt.query
			for lang, want := range map[string]string{"en": tt.want, "zh-CN": tt.wantZH} {
				body := e.do("POST", path, levelless, "Accept-Language", lang).expectError(t, 400, "bad_request")
				if msg, _ := body["message"].(string); !strings.Contains(msg, want) {
					t.Errorf("%s: message %q, want %q", lang, msg, want)
				}
			}
		})
	}
	t.Run("valid values pass", func(t *testing.T) {
		var sum importSummary
		e.do("POST", "/api/v1/imports/geojson?dry_run=true&snap=0&max_repair=1&ignore_footprint=true", levelless).expect(t, 200).decode(t, &sum)
		if sum.Rooms.Created != 2 {
			t.Errorf("summary %+v, want two rooms to create", sum)
		}
	})
	t.Run("outline_layer", func(t *testing.T) {
		plan, err := os.ReadFile(sharedData(t, "cad/contoso/dxf/contoso_v1_Ground.dxf"))
		if err != nil {
			t.Fatal(err)
		}
		const path = "/api/v1/imports/dxf?dry_run=true&level=0&origin=119.97,31.81&filename=contoso_v1_Ground.dxf&outline_layer="
		var sum struct{ Notes []string }
		e.do("POST", path+"OUTLINE", plan, "Accept-Language", "en").expect(t, 200).decode(t, &sum)
		if !slices.ContainsFunc(sum.Notes, func(n string) bool { return strings.Contains(n, `layer "OUTLINE"`) }) {
			t.Errorf("notes %q, want the footprint from layer OUTLINE", sum.Notes)
		}
		body := e.do("POST", path+"NOPE", plan, "Accept-Language", "en").expectError(t, 422, "import_rejected")
		if msg, _ := body["message"].(string); !strings.Contains(msg, `outline_layer "NOPE"`) || strings.Contains(msg, "--") {
			t.Errorf("message %q, want it to name the parameter outline_layer and the layer", msg)
		}
	})
}

// Config.UsageMap tells the usages of the imports the server runs.
func TestImportUsageMap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "usages.csv")
	if err := os.WriteFile(path, []byte("Sonderraum, 设备用房\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := imports.ReadUsageMap(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		cfg  api.Config
		want floorplan.Usage
	}{
		{"officemap's own", api.Config{}, floorplan.UsageOffice},
		{"the server's", api.Config{UsageMap: m}, floorplan.UsageEquipment},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.cfg)
			name := "Usages " + uuid.NewString()[:8]
			var sum importSummary
			e.do("POST", "/api/v1/imports/geojson?filename=rooms.geojson&building="+url.QueryEscape(name), levelless).expect(t, 200).decode(t, &sum)
			if len(sum.Targets) != 1 {
				t.Fatalf("summary %+v", sum)
			}
			rooms, err := e.store.Rooms(context.Background(), floorplan.RoomFilter{BuildingID: sum.Targets[0].ID})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]floorplan.Usage{}
			for _, r := range rooms {
				got[r.Number] = r.Usage
			}
			if got["102"] != tt.want || got["101"] != floorplan.UsageOffice {
				t.Errorf("usages %v, want 102 %s and 101 office", got, tt.want)
			}
		})
	}
}

// staleVenue is an IMDF archive of one building whose footprint is a stale copy 24.3° (about 2,700 km)
// north of its one unit, as a published venue had.
func staleVenue(t *testing.T) []byte {
	t.Helper()
	square := func(lon, lat, d float64) map[string]any {
		return map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}}
	}
	feature := func(id, typ string, geometry any, props map[string]any) map[string]any {
		return map[string]any{"type": "FeatureCollection", "features": []any{
			map[string]any{"id": id, "type": "Feature", "feature_type": typ, "geometry": geometry, "properties": props}}}
	}
	const building, level = "5a1e0000-0000-4000-8000-000000000001", "5a1e0000-0000-4000-8000-000000000002"
	files := map[string]any{
		"manifest.json": map[string]any{"version": "1.0.0", "language": "en"},
		"building.geojson": feature(building, "building", nil, map[string]any{"name": map[string]any{"en": "Stale " + uuid.NewString()[:8]},
			"category": "unspecified", "restriction": nil, "display_point": nil, "address_id": nil}),
		"footprint.geojson": feature("5a1e0000-0000-4000-8000-000000000003", "footprint", square(119.97, 31.81+24.3, 0.0003),
			map[string]any{"category": "ground", "name": nil, "building_ids": []string{building}}),
		"level.geojson": feature(level, "level", square(119.97, 31.81, 0.0003), map[string]any{"category": "unspecified",
			"restriction": nil, "outdoor": false, "ordinal": 0, "name": map[string]any{"en": "Ground"}, "short_name": map[string]any{"en": "G"},
			"display_point": nil, "address_id": nil, "building_ids": []string{building}}),
		"unit.geojson": feature("5a1e0000-0000-4000-8000-000000000004", "unit", square(119.97, 31.81, 0.0001), map[string]any{
			"category": "room", "restriction": nil, "accessibility": nil, "name": map[string]any{"en": "101"}, "alt_name": nil,
			"display_point": nil, "level_id": level}),
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, v := range files {
		w, err := z.Create(name)
		if err == nil {
			err = json.NewEncoder(w).Encode(v)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ignore_footprint, snap and max_repair reach the importer: a footprint far from its rooms is refused
// unless ignore_footprint=true; TU Dresden's building imports whole with the default repairs, and loses
// its 17 overlapping room-levels with repair off.
func TestImportRepairAndFootprintParams(t *testing.T) {
	e := newEnv(t, api.Config{})
	venue := staleVenue(t)
	const imdfPath = "/api/v1/imports/imdf?dry_run=true&filename=stale.zip"
	for lang, want := range map[string][]string{
		"en":    {"stale.zip: ", "lies 2,705 km from its rooms", "ignore_footprint=true"},
		"zh-CN": {"导入被拒绝，未写入任何数据：stale.zip：", "ignore_footprint=true"},
	} {
		body := e.do("POST", imdfPath, venue, "Accept-Language", lang).expectError(t, 422, "import_rejected")
		for _, w := range want {
			if msg, _ := body["message"].(string); !strings.Contains(msg, w) || strings.Contains(msg, "--ignore-footprint") {
				t.Errorf("%s: message %q, want it to say %q (and the parameter, not the flag)", lang, msg, w)
			}
		}
	}
	var placed struct {
		Warnings []string
		Targets  []struct {
			AreaM2 float64 `json:"area_m2"`
		}
	}
	e.do("POST", imdfPath+"&ignore_footprint=true", venue, "Accept-Language", "en").expect(t, 200).decode(t, &placed)
	if !slices.ContainsFunc(placed.Warnings, func(w string) bool { return strings.Contains(w, "2,705 km") }) || len(placed.Targets) != 1 {
		t.Errorf("with ignore_footprint: %+v, want the building placed by its rooms and a warning naming the distance", placed)
	}

	apb, err := os.ReadFile(sharedData(t, "osm/tu-dresden-apb/APBorig.osm"))
	if err != nil {
		t.Fatal(err)
	}
	var repaired, raw struct {
		Rooms   struct{ Created int }
		Skipped []imports.Problem
		Repairs []imports.Repair
	}
	const osmPath = "/api/v1/imports/osm?dry_run=true&skip_invalid=true&filename=APBorig.osm"
	e.do("POST", osmPath, apb).expect(t, 200).decode(t, &repaired)
	e.do("POST", osmPath+"&snap=0&max_repair=0", apb).expect(t, 200).decode(t, &raw)
	if len(repaired.Skipped) != 0 || len(repaired.Repairs) == 0 || repaired.Rooms.Created != raw.Rooms.Created+17 {
		t.Errorf("default repairs: %d rooms, %d skipped, %d repairs; want all %d+17 rooms, none skipped, repairs listed",
			repaired.Rooms.Created, len(repaired.Skipped), len(repaired.Repairs), raw.Rooms.Created)
	}
	if len(raw.Skipped) != 17 || len(raw.Repairs) != 0 {
		t.Errorf("snap=0&max_repair=0: %d skipped, %d repairs; want the 17 overlapping room-levels skipped and no repair",
			len(raw.Skipped), len(raw.Repairs))
	}
}
