package main

import (
	"archive/zip"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
)

// cli runs one officemap command line with the store at db, and returns its standard output, standard
// error (as main would print a failure) and error.
func cli(t *testing.T, db string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	stdout, stderr, err = officemap(t, append([]string{"--db", db}, args...)...)
	if err != nil {
		stderr += "officemap: " + oneLine(err) + "\n"
	}
	return stdout, stderr, err
}

// cliOK runs cli and fails the test on an error.
func cliOK(t *testing.T, db string, args ...string) (stdout, stderr string) {
	t.Helper()
	stdout, stderr, err := cli(t, db, args...)
	if err != nil {
		t.Fatalf("officemap %v: %v", args, err)
	}
	return stdout, stderr
}

// storedRooms opens the GeoPackage at db and returns its rooms.
func storedRooms(t *testing.T, db string) []floorplan.Room {
	t.Helper()
	s, err := gpkg.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rooms, err := s.Rooms(context.Background(), floorplan.RoomFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return rooms
}

func countRooms(t *testing.T, db string) int {
	t.Helper()
	return len(storedRooms(t, db))
}

func TestImportDXFCommand(t *testing.T) {
	plan := importtest.SharedData(t, "cad/contoso/dxf/contoso_v1_Ground.dxf")
	db := filepath.Join(t.TempDir(), "t.gpkg")

	t.Run("dry run writes nothing", func(t *testing.T) {
		out, _ := cliOK(t, db, "import", "dxf", plan, "--origin", "119.97,31.81", "--building", "Contoso", "--dry-run")
		if !strings.Contains(out, "dry run (nothing written)") || !strings.Contains(out, "rooms 63 created") {
			t.Errorf("summary = %q", out)
		}
		if n := countRooms(t, db); n != 0 {
			t.Errorf("a dry run wrote %d rooms", n)
		}
	})
	t.Run("import", func(t *testing.T) {
		out, stderr := cliOK(t, db, "import", "dxf", plan, "--origin", "119.97,31.81", "--rotation", "15", "--building", "Contoso")
		if !strings.Contains(out, "rooms 63 created, 0 updated") || !strings.Contains(out, `building "Contoso"`) {
			t.Errorf("summary = %q", out)
		}
		if stderr != "" {
			t.Errorf("stderr = %q (no progress bar when stderr is not a terminal)", stderr)
		}
		if n := countRooms(t, db); n != 63 {
			t.Errorf("%d rooms in the store, want 63", n)
		}
	})
	t.Run("again as JSON: unchanged", func(t *testing.T) {
		out, _ := cliOK(t, db, "import", "dxf", plan, "--building", "Contoso", "--json")
		var sum imports.Summary
		if err := json.Unmarshal([]byte(out), &sum); err != nil {
			t.Fatalf("--json output is not a summary: %v\n%s", err, out)
		}
		if sum.Rooms.Unchanged != 63 || sum.Rooms.Created != 0 || sum.Buildings.Unchanged != 1 {
			t.Errorf("re-import summary = %+v", sum)
		}
		if n := countRooms(t, db); n != 63 {
			t.Errorf("%d rooms after a re-import, want 63", n)
		}
	})
	t.Run("list layers", func(t *testing.T) {
		out, _ := cliOK(t, db, "import", "dxf", plan, "--list-layers")
		for _, want := range []string{"UNITS", "UNITLABELS", "units mm"} {
			if !strings.Contains(out, want) {
				t.Errorf("layer list lacks %q:\n%s", want, out)
			}
		}
	})
}

func TestImportCommandErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.gpkg")
	bad := filepath.Join(dir, "bad.geojson")
	// Feature 2 is a bow tie: it crosses itself.
	const fc = `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"a","properties":{"number":"101","level":0},"geometry":{"type":"Polygon","coordinates":[[[119.97,31.81],[119.9701,31.81],[119.9701,31.8101],[119.97,31.8101],[119.97,31.81]]]}},
 {"type":"Feature","id":"b","properties":{"number":"102","level":0},"geometry":{"type":"Polygon","coordinates":[[[119.971,31.81],[119.9711,31.8101],[119.9711,31.81],[119.971,31.8101],[119.971,31.81]]]}}]}`
	if err := os.WriteFile(bad, []byte(fc), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []string // in the one stderr line
	}{
		{"invalid polygon", []string{"import", "geojson", bad}, []string{"bad.geojson", "feature 2 (id b)", "room 102", "self-intersects"}},
		{"unknown format", []string{"import", "shp", bad}, []string{`unknown format "shp"`}},
		{"missing file", []string{"import", "osm", filepath.Join(dir, "none.osm")}, []string{"none.osm", "no such file"}},
		{"dxf flag on osm", []string{"import", "osm", bad, "--rooms-layer", "X"}, []string{"--rooms-layer applies to dxf"}},
		{"bad origin", []string{"import", "geojson", bad, "--origin", "200,10"}, []string{"--origin", "outside"}},
		{"export without out", []string{"export", "geojson"}, []string{"out"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, err := cli(t, db, tt.args...)
			if err == nil {
				t.Fatalf("no error; stdout %q", out)
			}
			if strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr is not one line: %q", stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
	if n := countRooms(t, db); n != 0 {
		t.Errorf("failed imports wrote %d rooms", n)
	}
	t.Run("skip invalid", func(t *testing.T) {
		out, _ := cliOK(t, db, "import", "geojson", bad, "--skip-invalid")
		if !strings.Contains(out, "rooms 1 created") || !strings.Contains(out, "feature 2 (id b) (room 102): outer ring self-intersects") {
			t.Errorf("summary = %q", out)
		}
	})
}

func TestExportCommand(t *testing.T) {
	plan := importtest.SharedData(t, "cad/contoso/dxf/contoso_v1_Ground.dxf")
	dir := t.TempDir()
	db := filepath.Join(dir, "t.gpkg")
	cliOK(t, db, "import", "dxf", plan, "--origin", "119.97,31.81", "--building", "Contoso")
	for _, format := range []string{"geojson", "imdf", "gpkg", "csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(dir, "out."+format)
			stdout, _ := cliOK(t, db, "export", format, "--out", out, "--building", "Contoso", "--json")
			var sum struct{ Rooms, Buildings int }
			if err := json.Unmarshal([]byte(stdout), &sum); err != nil || sum.Rooms != 63 || sum.Buildings != 1 {
				t.Errorf("summary %q (%v)", stdout, err)
			}
			st, err := os.Stat(out)
			if err != nil || st.Size() == 0 {
				t.Fatalf("no output file: %v", err)
			}
			leftovers, _ := filepath.Glob(filepath.Join(dir, ".out."+format+"*"))
			if len(leftovers) > 0 {
				t.Errorf("temporary files left behind: %v", leftovers)
			}
			switch format {
			case "imdf":
				z, err := zip.OpenReader(out)
				if err != nil {
					t.Fatal(err)
				}
				defer z.Close()
				names := map[string]bool{}
				for _, f := range z.File {
					names[f.Name] = true
				}
				for _, want := range []string{"manifest.json", "unit.geojson", "level.geojson", "building.geojson"} {
					if !names[want] {
						t.Errorf("archive lacks %s", want)
					}
				}
			case "gpkg":
				if _, err := exec.LookPath("ogrinfo"); err == nil {
					res, err := exec.Command("ogrinfo", "-ro", "-so", out, "rooms_export").CombinedOutput()
					if err != nil || !strings.Contains(string(res), "Feature Count: 63") {
						t.Errorf("ogrinfo rooms_export: %v\n%s", err, res)
					}
				}
			}
		})
	}
	t.Run("unknown building", func(t *testing.T) {
		_, stderr, err := cli(t, db, "export", "geojson", "--out", filepath.Join(dir, "x.geojson"), "--building", uuid.NewString())
		if err == nil || !strings.Contains(stderr, "--building") {
			t.Errorf("err %v, stderr %q", err, stderr)
		}
	})
}

// The Grenoble file has a room without a level and a room drawn as an unclosed way: the import fails
// naming both, --json prints them for scripts, and --skip-invalid imports the rest and lists them.
func TestImportOSMCommand(t *testing.T) {
	path := importtest.SharedData(t, "osm/grenoble-caserne-de-bonne/caserne.osm")
	db := filepath.Join(t.TempDir(), "t.gpkg")
	out, stderr, err := cli(t, db, "import", "osm", path, "--json")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"caserne.osm: 2 problems", "way/398056943", "no level tag", "way/398056956", "not closed"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
	var failed struct {
		Problems []imports.Problem `json:"problems"`
	}
	if err := json.Unmarshal([]byte(out), &failed); err != nil || len(failed.Problems) != 2 || failed.Problems[0].Feature != "way/398056943" {
		t.Errorf("--json on failure: %v %s", err, out)
	}
	out, _ = cliOK(t, db, "import", "osm", path, "--skip-invalid", "--json")
	var sum imports.Summary
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Rooms.Created != 73 || len(sum.Skipped) != 2 {
		t.Errorf("summary %+v %v", sum, err)
	}
	if n := countRooms(t, db); n != 73 {
		t.Errorf("%d rooms, want 73", n)
	}
}
