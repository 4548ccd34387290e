package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// officemap import properties: the summary in Chinese, a re-import as JSON (0 created, 0 changed), a
// mapping file, a rejected file listing every bad row, flags that do not apply; officemap export
// properties and back: nothing changes.
func TestImportPropertiesCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.gpkg")
	list := filepath.Join(dir, "房产台账.csv")
	writeCSV(t, list, "物业,坐落,类别,产权证号,证载面积,账面面积,权属状态\n"+
		"市行政中心,龙城大道1280号,党政机关办公用房,苏(2015)0001234,11707.55,11707.55,已登记\n"+
		"局前街周转办公楼,局前街18号,周转办公用房,,,,已备案\n")
	mapping := filepath.Join(dir, "map.json")
	writeCSV(t, mapping, `{"物业": "name"}`)

	out, _ := cliOK(t, db, "import", "properties", list, "--map", mapping)
	for _, want := range []string{"已导入 房产台账.csv", "房产：2 行；新增 2 处，变更 0 处，未变 0 处", "第 2 行：新增 市行政中心",
		"第 3 行：局前街周转办公楼 为已备案，但尚未记录备案步骤"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	out, _ = cliOK(t, db, "import", "properties", list, "--map", "物业=name", "--json")
	var sum struct {
		Records struct{ Created, Changed, Unchanged int }
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if sum.Records.Created != 0 || sum.Records.Changed != 0 || sum.Records.Unchanged != 2 {
		t.Errorf("re-import: %+v, want 0 created, 0 changed, 2 unchanged", sum.Records)
	}

	for _, ext := range []string{".xlsx", ".csv"} {
		exported := filepath.Join(dir, "export"+ext)
		cliOK(t, db, "export", "properties", "--out", exported)
		out, _ = cliOK(t, db, "import", "properties", exported, "--json", "--lang", "en")
		if err := json.Unmarshal([]byte(out), &sum); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if sum.Records.Created != 0 || sum.Records.Changed != 0 || sum.Records.Unchanged != 2 {
			t.Errorf("import of the %s export: %+v, want 2 unchanged", ext, sum.Records)
		}
	}

	bad := filepath.Join(dir, "bad.csv")
	writeCSV(t, bad, "房产名称,房产类别,权证号,证载面积,权属状态\n"+
		"甲楼,党政机关办公用房,A1,100,已登记\n"+
		"乙楼,党政机关办公用房,A1,100,已登记\n"+
		"丙楼,党政机关办公用房,A2,一百,已登记\n"+
		"丁楼,党政机关办公用房,A3,100,卖了\n"+
		",党政机关办公用房,A4,100,已登记\n"+
		"戊楼,党政机关办公用房,A5,100,已登记\n"+
		"己楼,党政机关办公用房,A6,100,被占\n")
	_, stderr, err := cli(t, db, "import", "properties", bad)
	if err == nil {
		t.Fatal("a broken file was imported")
	}
	for _, want := range []string{"bad.csv：5 个问题，未写入任何数据", "第 3 行：权证号 列：权证号 A1 与第 2 行重复", "第 4 行：证载面积 列",
		"第 5 行：权属状态 列", "第 6 行：房产名称 列：为空", "第 8 行：权属状态 列"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the error lacks %q:\n%s", want, stderr)
		}
	}
	out, _ = cliOK(t, db, "export", "properties", "--out", filepath.Join(dir, "after.csv"), "--lang", "en")
	if !strings.Contains(out, "exported 2 properties") {
		t.Errorf("after a rejected file: %s", out)
	}
	if _, _, err := cli(t, db, "import", "properties", list, "--skip-invalid", "--lang", "en"); err == nil ||
		!strings.Contains(err.Error(), "--skip-invalid does not apply to import properties") {
		t.Errorf("--skip-invalid: %v", err)
	}
	if _, _, err := cli(t, db, "import", "properties", list, "--map", "物业=nom", "--lang", "en"); err == nil ||
		!strings.Contains(err.Error(), `unknown field "nom"`) {
		t.Errorf("--map with an unknown field: %v", err)
	}
}

// The demo's register exported and imported back changes nothing.
func TestPropertiesRoundTripOnTheSample(t *testing.T) {
	db, d := sampleStore(t)
	out := filepath.Join(t.TempDir(), "房产.xlsx")
	cliOK(t, db, "export", "properties", "--out", out)
	stdout, _ := cliOK(t, db, "import", "properties", out, "--json")
	var sum struct {
		Rows    int
		Records struct{ Created, Changed, Unchanged int }
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if sum.Rows != len(d.Sites) || sum.Records.Unchanged != len(d.Sites) || sum.Records.Created+sum.Records.Changed != 0 {
		t.Errorf("the sample's round trip: %+v, want %d unchanged", sum, len(d.Sites))
	}
}

// officemap export archive: one property's package, every property's in one zip (a folder each) or in
// a directory (a zip each); each package's manifest holds the hash of every file in it.
func TestExportArchiveCommand(t *testing.T) {
	db, d := sampleStore(t)
	dir := t.TempDir()
	one := filepath.Join(dir, "one.zip")
	cliOK(t, db, "export", "archive", "--site", d.Sites[0].Name, "--out", one)
	checkPackage(t, readZip(t, one), "")

	all := filepath.Join(dir, "all.zip")
	cliOK(t, db, "export", "archive", "--all", "--out", all)
	files := readZip(t, all)
	var list []struct {
		SiteID string `json:"site_id"`
		Folder string `json:"folder"`
	}
	if err := json.Unmarshal(files["archives.json"], &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != len(d.Sites) {
		t.Fatalf("archives.json lists %d properties, want %d", len(list), len(d.Sites))
	}
	for _, p := range list {
		checkPackage(t, files, p.Folder+"/")
	}

	perSite := filepath.Join(dir, "packages")
	cliOK(t, db, "export", "archive", "--all", "--out", perSite)
	entries, err := os.ReadDir(perSite)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(d.Sites) {
		t.Errorf("%d files in %s, want %d", len(entries), perSite, len(d.Sites))
	}
	for _, e := range entries {
		checkPackage(t, readZip(t, filepath.Join(perSite, e.Name())), "")
	}
	for _, args := range [][]string{{"--out", all}, {"--all", "--site", d.Sites[0].Name, "--out", all}, {"--site", "无此房产", "--out", all}} {
		if _, _, err := cli(t, db, append([]string{"export", "archive"}, args...)...); err == nil {
			t.Errorf("export archive %v: no error", args)
		}
	}
}

func readZip(t *testing.T, p string) map[string][]byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// checkPackage checks the package under prefix: an index.json and a manifest naming every other file of
// the package with its hash.
func checkPackage(t *testing.T, files map[string][]byte, prefix string) {
	t.Helper()
	if _, ok := files[prefix+"index.json"]; !ok {
		t.Errorf("%sindex.json missing", prefix)
	}
	manifest, ok := files[prefix+"manifest-sha256.txt"]
	if !ok {
		t.Fatalf("%smanifest-sha256.txt missing", prefix)
	}
	listed := 0
	for _, line := range strings.Split(strings.TrimSpace(string(manifest)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		data, there := files[prefix+name]
		h := sha256.Sum256(data)
		if !ok || !there || hex.EncodeToString(h[:]) != sum {
			t.Errorf("%s: manifest line %q does not match the file", prefix, line)
		}
		listed++
	}
	n := 0
	for name := range files {
		if strings.HasPrefix(name, prefix) && path.Base(name) != "manifest-sha256.txt" && (prefix != "" || !strings.Contains(name, "archives.json")) {
			n++
		}
	}
	if listed != n {
		t.Errorf("%s: the manifest lists %d files, the package has %d", prefix, listed, n)
	}
}
