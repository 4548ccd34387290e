package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/api"
	"officemap/floorplan"
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
		z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range z.File {
			found = found || f.Name == "manifest.json"
		}
		if !found {
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
