package main

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

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
		if !strings.Contains(out, "试导入（未写入任何数据） contoso_v1_Ground.dxf（dxf）：房间 新建 63、") ||
			!strings.Contains(out, `楼栋 "Contoso"（尚无编号，新建）：63 个房间`) {
			t.Errorf("summary (Chinese, the default) = %q", out)
		}
		if n := countRooms(t, db); n != 0 {
			t.Errorf("a dry run wrote %d rooms", n)
		}
	})
	t.Run("import", func(t *testing.T) {
		out, stderr := cliOK(t, db, "import", "dxf", plan, "--origin", "119.97,31.81", "--rotation", "15", "--building", "Contoso", "--lang", "en")
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
	badMap := writeFile(t, dir, "usages.csv", "# ours\n走廊, circulation\nWC toilet\n")
	tests := []struct {
		name string
		args []string
		want []string // in the one stderr line
	}{
		{"invalid polygon", []string{"import", "geojson", bad, "--lang", "en"}, []string{"bad.geojson", "feature 2 (id b)", "room 102", "self-intersects"}},
		{"invalid polygon in Chinese", []string{"import", "geojson", bad}, []string{"bad.geojson：", "feature 2 (id b)（房间 102）：", "自相交"}},
		{"unknown format", []string{"import", "shp", bad, "--lang", "en"}, []string{`unknown format "shp"`}},
		{"unknown format in Chinese", []string{"import", "shp", bad}, []string{`未知的格式 "shp"`}},
		{"missing file", []string{"import", "osm", filepath.Join(dir, "none.osm")}, []string{"none.osm", "no such file"}},
		{"dxf flag on osm", []string{"import", "osm", bad, "--rooms-layer", "X", "--lang", "en"}, []string{"--rooms-layer applies to dxf"}},
		{"dxf flag on osm in Chinese", []string{"import", "osm", bad, "--rooms-layer", "X"}, []string{"--rooms-layer 有误：仅适用于 dxf 导入"}},
		{"outline layer on osm", []string{"import", "osm", bad, "--outline-layer", "OUTLINE", "--lang", "en"}, []string{"--outline-layer applies to dxf"}},
		{"snap negative", []string{"import", "geojson", bad, "--snap", "-0.01", "--lang", "en"}, []string{"--snap must be a number of metres from 0 (off) to 0.1, not -0.01"}},
		{"snap too far in Chinese", []string{"import", "geojson", bad, "--snap", "0.2"}, []string{"--snap 有误：须为 0（关闭）至 0.1 米之间的数"}},
		{"max repair too large", []string{"import", "geojson", bad, "--max-repair", "5", "--lang", "en"}, []string{"--max-repair must be a number of m² from 0 (off) to 1, not 5"}},
		{"max repair not a number", []string{"import", "geojson", bad, "--max-repair", "lots"}, []string{"max-repair"}},
		{"unknown language", []string{"import", "geojson", bad, "--lang", "fr"}, []string{`--lang 有误：须为 zh 或 en，不能是 "fr"`}},
		{"usage map that cannot be read", []string{"import", "geojson", bad, "--usage-map", badMap, "--lang", "en"}, []string{"--usage-map", "usages.csv, line 3", "WC toilet"}},
		{"usage map missing", []string{"import", "geojson", bad, "--usage-map", filepath.Join(dir, "none.csv")}, []string{"--usage-map 有误", "none.csv"}},
		{"usage map on imdf", []string{"import", "imdf", bad, "--usage-map", badMap, "--lang", "en"}, []string{"--usage-map applies to dxf, osm and geojson"}},
		{"bad origin", []string{"import", "geojson", bad, "--origin", "200,10"}, []string{"--origin", "outside"}},
		{"no file", []string{"import", "geojson"}, []string{"import 需要格式和文件"}},
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
		out, _ := cliOK(t, db, "import", "geojson", bad, "--skip-invalid", "--lang", "en", "--dry-run")
		if !strings.Contains(out, "rooms 1 created") || !strings.Contains(out, "skipped:\n  feature 2 (id b) (room 102): outer ring self-intersects") {
			t.Errorf("summary = %q", out)
		}
		out, _ = cliOK(t, db, "import", "geojson", bad, "--skip-invalid")
		if !strings.Contains(out, "房间 新建 1、") || !strings.Contains(out, "跳过：\n  feature 2 (id b)（房间 102）：外环") ||
			!strings.Contains(out, "自相交") {
			t.Errorf("summary in Chinese = %q", out)
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
	out, stderr, err := cli(t, db, "import", "osm", path, "--json", "--lang", "en")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"caserne.osm: 2 problems", "way/398056943", "no level tag", "way/398056956", "not closed"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
	if _, zh, _ := cli(t, db, "import", "osm", path); !strings.Contains(zh, "caserne.osm：2 个问题：way/398056943") ||
		!strings.Contains(zh, "（--skip-invalid 可导入其余部分并列出这些问题）") {
		t.Errorf("stderr in Chinese (the default) = %q", zh)
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

// writeFile writes a file of the test into dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// hasHan reports whether s has a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// section returns the lines under a heading of a printed summary ("notes:"), without their indent.
func section(out, heading string) []string {
	var lines []string
	in := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case l == heading:
			in = true
		case in && strings.HasPrefix(l, "  "):
			lines = append(lines, strings.TrimPrefix(l, "  "))
		default:
			in = false
		}
	}
	return lines
}

// levelless is a GeoJSON collection of two rooms without a level or a usage: the reader notes both.
const levelless = `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"a","properties":{"number":"101"},"geometry":{"type":"Polygon","coordinates":[[[119.97,31.81],[119.9701,31.81],[119.9701,31.8101],[119.97,31.8101],[119.97,31.81]]]}},
 {"type":"Feature","id":"b","properties":{"number":"102","name":"Sonderraum"},"geometry":{"type":"Polygon","coordinates":[[[119.971,31.81],[119.9711,31.81],[119.9711,31.8101],[119.971,31.8101],[119.971,31.81]]]}}]}`

// The summary, its notes and the JSON's notes are in Chinese by default and in English with --lang en.
func TestImportLanguage(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.gpkg")
	path := writeFile(t, dir, "rooms.geojson", levelless)
	for _, tt := range []struct {
		name  string
		args  []string
		notes []string // the reader's two notes, in order
	}{
		{"default", nil, []string{"没有要素标明楼层（level）：所有房间都放在楼层序号 0 上", "2 个房间未标明用途，已按办公室导入"}},
		{"zh", []string{"--lang", "zh"}, []string{"没有要素标明楼层（level）：所有房间都放在楼层序号 0 上", "2 个房间未标明用途，已按办公室导入"}},
		{"en", []string{"--lang", "en"}, []string{"no feature has a level: every room goes on level 0", "2 rooms have no usage and were imported as office"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"import", "geojson", path, "--dry-run"}, tt.args...)
			out, _ := cliOK(t, db, args...)
			heading := "说明："
			if tt.name == "en" {
				heading = "notes:"
			}
			if notes := section(out, heading); len(notes) < 2 || notes[0] != tt.notes[0] || notes[1] != tt.notes[1] {
				t.Errorf("notes under %q = %q, want %q first; summary:\n%s", heading, notes, tt.notes, out)
			}
			out, _ = cliOK(t, db, append(args, "--json")...)
			var sum imports.Summary
			if err := json.Unmarshal([]byte(out), &sum); err != nil {
				t.Fatalf("--json: %v\n%s", err, out)
			}
			if len(sum.Notes) < 2 || sum.Notes[0] != tt.notes[0] || sum.Notes[1] != tt.notes[1] {
				t.Errorf("--json notes = %q, want %q first", sum.Notes, tt.notes)
			}
		})
	}
}

// On a real drawing, every line of the default summary is in Chinese, and none of --lang en's is.
func TestImportDXFLanguage(t *testing.T) {
	plan := importtest.SharedData(t, "cad/contoso/dxf/contoso_v1_Ground.dxf")
	db := filepath.Join(t.TempDir(), "t.gpkg")
	args := []string{"import", "dxf", plan, "--origin", "119.97,31.81", "--building", "Contoso", "--dry-run"}
	zh, _ := cliOK(t, db, args...)
	en, _ := cliOK(t, db, append(args, "--lang", "en")...)
	if !strings.HasPrefix(zh, "试导入（未写入任何数据） contoso_v1_Ground.dxf（dxf）：房间 新建 63、") {
		t.Errorf("Chinese summary starts %q", zh)
	}
	if !strings.HasPrefix(en, "dry run (nothing written) of contoso_v1_Ground.dxf (dxf): rooms 63 created, ") {
		t.Errorf("English summary starts %q", en)
	}
	zhNotes, enNotes := section(zh, "说明："), section(en, "notes:")
	if len(zhNotes) == 0 || len(zhNotes) != len(enNotes) {
		t.Fatalf("%d notes in Chinese, %d in English:\n%s\n%s", len(zhNotes), len(enNotes), zh, en)
	}
	for i := range zhNotes {
		if !hasHan(zhNotes[i]) {
			t.Errorf("note %d is not in Chinese: %q", i+1, zhNotes[i])
		}
		if hasHan(strings.ReplaceAll(enNotes[i], "Contoso", "")) {
			t.Errorf("note %d is not in English: %q", i+1, enNotes[i])
		}
	}
}

// printSummary labels every part of a summary — counts, targets, warnings, repairs, skipped rooms,
// notes — in the language asked for.
func TestPrintSummary(t *testing.T) {
	sum := &imports.Summary{File: "apb.osm", Format: "osm", Rooms: imports.Counts{Created: 3}, Floors: imports.Counts{Created: 1},
		Buildings: imports.Counts{Created: 1},
		Targets:   []imports.Target{{ID: uuid.MustParse("6f1c2a3e-0000-4000-8000-000000000001"), Name: "APB", Op: "created", Floors: 1, Rooms: 3, AreaM2: 61.5}},
		Warnings:  []string{"W1"},
		Repairs:   []imports.Repair{{Floor: "1F", Room: "E023", Other: "E024", AreaM2: 0.00231, Action: "A1"}},
		Skipped:   []imports.Problem{{Feature: "way/7", Number: "E025", Reason: "R1"}},
		Notes:     []string{"N1"},
	}
	for _, tt := range []struct {
		lang string
		want []string
	}{
		{"en", []string{
			"imported apb.osm (osm): rooms 3 created, 0 updated, 0 unchanged, 1 skipped; floors 1 created; buildings 1 created, 0 updated\n",
			`  building "APB" (6f1c2a3e-0000-4000-8000-000000000001, created): 3 rooms, 61.50 m² on 1 floors` + "\n",
			"warnings:\n  W1\n",
			"repairs:\n  floor 1F, room E023: A1\n",
			"skipped:\n  way/7 (room E025): R1\n",
			"notes:\n  N1\n"}},
		{"zh", []string{
			"已导入 apb.osm（osm）：房间 新建 3、更新 0、未变 0、跳过 1；楼层 新建 1；楼栋 新建 1、更新 0\n",
			`  楼栋 "APB"（6f1c2a3e-0000-4000-8000-000000000001，新建）：3 个房间，使用面积 61.50 平方米，1 个楼层` + "\n",
			"警告：\n  W1\n",
			"修复：\n  楼层 1F，房间 E023：A1\n",
			"跳过：\n  way/7（房间 E025）：R1\n",
			"说明：\n  N1\n"}},
	} {
		var b strings.Builder
		printSummary(&b, sum, tt.lang)
		out := b.String()
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: summary lacks %q:\n%s", tt.lang, w, out)
			}
		}
		if n := strings.Count(out, "\n"); n != 10 {
			t.Errorf("%s: %d lines, want 10:\n%s", tt.lang, n, out)
		}
	}
	var b strings.Builder
	printSummary(&b, &imports.Summary{File: "a.geojson", Format: "geojson", DryRun: true}, "zh")
	if b.String() != "试导入（未写入任何数据） a.geojson（geojson）：房间 新建 0、更新 0、未变 0、跳过 0；楼层 新建 0；楼栋 新建 0、更新 0\n" {
		t.Errorf("an empty dry run: %q", b.String())
	}
}

// --usage-map tells the usages of an import; officemap's own map applies without it.
func TestImportUsageMap(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "rooms.geojson", levelless)
	usages := writeFile(t, dir, "usages.csv", "# our words\nSonderraum, 设备用房\n")
	for _, tt := range []struct {
		name string
		args []string
		want floorplan.Usage
	}{
		{"default map", nil, floorplan.UsageOffice},
		{"operator's map", []string{"--usage-map", usages}, floorplan.UsageEquipment},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "t.gpkg")
			cliOK(t, db, append([]string{"import", "geojson", path}, tt.args...)...)
			got := map[string]floorplan.Usage{}
			for _, r := range storedRooms(t, db) {
				got[r.Number] = r.Usage
			}
			if got["102"] != tt.want || got["101"] != floorplan.UsageOffice {
				t.Errorf("usages %v, want 102 %s and 101 office", got, tt.want)
			}
		})
	}
}

// serve and demo read a usage map from --usage-map or $OFFICEMAP_USAGE_MAP for the imports they run; a
// map that cannot be read stops them before they serve.
func TestServeUsageMap(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.csv", "Sonderraum, equipment\n")
	bad := writeFile(t, dir, "bad.csv", "Sonderraum, equipment\nStudio: service\n")
	db := filepath.Join(dir, "t.gpkg")
	for _, tt := range []struct {
		name string
		args []string
		vars map[string]string
		want string
	}{
		{"flag", []string{"serve", "--usage-map", bad}, nil, "--usage-map: usage map " + bad + ", line 2"},
		{"environment", []string{"demo"}, map[string]string{envUsageMap: bad}, envUsageMap + ": usage map " + bad + ", line 2"},
		{"missing file", []string{"serve", "--usage-map", filepath.Join(dir, "none.csv")}, map[string]string{envUsageMap: good}, "--usage-map: usage map: open"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append(tt.args, "--db", db, "--addr", "127.0.0.1:0", "--accounts=false")
			_, _, err := runCommand(t, "", tt.vars, args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("%v: err = %v, want one saying %q", args, err, tt.want)
			}
		})
	}
	t.Run("a map reaches the imports", func(t *testing.T) {
		url, _, stop := servingEnv(t, map[string]string{envUsageMap: good}, "serve", "--db", db, "--addr", "127.0.0.1:0", "--accounts=false")
		resp, err := http.Post(url+"api/v1/imports/geojson?filename=rooms.geojson", "application/geo+json", strings.NewReader(levelless))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("import: %d %s", resp.StatusCode, body)
		}
		if err := stop(); err != nil {
			t.Fatalf("serve ended with %v", err)
		}
		got := map[string]floorplan.Usage{}
		for _, r := range storedRooms(t, db) {
			got[r.Number] = r.Usage
		}
		if got["102"] != floorplan.UsageEquipment || got["101"] != floorplan.UsageOffice {
			t.Errorf("usages %v, want 102 equipment (the map's) and 101 office", got)
		}
	})
}

// --snap and --max-repair reach the importer: TU Dresden's building imports whole with the defaults,
// every repair listed, and loses its 17 overlapping room-levels with repair off.
func TestImportRepairFlags(t *testing.T) {
	path := importtest.SharedData(t, "osm/tu-dresden-apb/APBorig.osm")
	db := filepath.Join(t.TempDir(), "t.gpkg")
	summary := func(args ...string) imports.Summary {
		out, _ := cliOK(t, db, append([]string{"import", "osm", path, "--dry-run", "--skip-invalid", "--json"}, args...)...)
		var sum imports.Summary
		if err := json.Unmarshal([]byte(out), &sum); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return sum
	}
	repaired, raw := summary(), summary("--snap", "0", "--max-repair", "0")
	if len(repaired.Skipped) != 0 || len(repaired.Repairs) == 0 || repaired.Rooms.Created != raw.Rooms.Created+17 {
		t.Errorf("defaults: %d rooms, %d skipped, %d repairs; want all %d+17 rooms, none skipped, repairs listed",
			repaired.Rooms.Created, len(repaired.Skipped), len(repaired.Repairs), raw.Rooms.Created)
	}
	if len(raw.Skipped) != 17 || len(raw.Repairs) != 0 {
		t.Errorf("--snap 0 --max-repair 0: %d skipped, %d repairs; want 17 and none", len(raw.Skipped), len(raw.Repairs))
	}
	// Snapping alone (no cut) repairs less than both: some overlaps stay problems.
	if snapOnly := summary("--max-repair", "0"); len(snapOnly.Skipped) == 0 || len(snapOnly.Skipped) >= 17 {
		t.Errorf("--max-repair 0: %d skipped, want some but fewer than 17 (snapping alone repairs some)", len(snapOnly.Skipped))
	}
	out, _ := cliOK(t, db, "import", "osm", path, "--dry-run")
	if repairs := section(out, "修复："); len(repairs) != len(repaired.Repairs) || !strings.HasPrefix(repairs[0], "楼层 ") {
		t.Errorf("the printed repairs: %d lines (want %d) starting %q", len(repairs), len(repaired.Repairs), repairs)
	}
}
