package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/imports/staff"
	"officemap/floorplan/sample"
)

// sampleStore writes the demo register, every person with a staff number, into a new GeoPackage and
// returns its path and the dataset.
func sampleStore(t *testing.T) (string, *sample.Dataset) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "sample.gpkg")
	d := sample.Build(floorplan.DayOf(time.Now()))
	for i := range d.People {
		d.People[i].StaffNo = fmt.Sprintf("S%04d", i+1)
	}
	withRegister(t, db, func(_ *gpkg.Store, reg *floorplan.Register) {
		if err := d.Load(floorplan.WithActor(context.Background(), "test"), reg); err != nil {
			t.Fatal(err)
		}
	})
	return db, d
}

// officemap export agencies|people|assignments writes the register in the templates' layout: an XLSX
// that opens with its header and one row per record, a CSV with a byte-order mark, English keys with
// --lang en, a JSON summary; a file that is neither .xlsx nor .csv is refused.
func TestExportStaffCommand(t *testing.T) {
	db, d := sampleStore(t)
	dir := t.TempDir()

	out := filepath.Join(dir, "people.xlsx")
	stdout, _ := cliOK(t, db, "export", "people", "--out", out)
	if want := fmt.Sprintf("已导出 %d 名人员到 %s（xlsx）", len(d.People), out); !strings.Contains(stdout, want) {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("人员")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(d.People)+1 || !slices.Equal(rows[0], staff.Headers(staff.People, "zh")) {
		t.Fatalf("%d rows with header %q; want %d and %q", len(rows), rows[0], len(d.People)+1, staff.Headers(staff.People, "zh"))
	}
	if !slices.Contains(f.GetSheetList(), "说明") {
		t.Errorf("sheets %q: no instructions", f.GetSheetList())
	}
	first := d.People[0]
	if !slices.ContainsFunc(rows, func(r []string) bool {
		return r[0] == first.StaffNo && r[1] == first.Name && r[3] == floorplan.RankTitle(first.Rank)
	}) {
		t.Errorf("no row for %s (%s, %s)", first.Name, first.StaffNo, floorplan.RankTitle(first.Rank))
	}

	csvOut := filepath.Join(dir, "assignments.csv")
	stdout, _ = cliOK(t, db, "export", "assignments", "--out", csvOut, "--lang", "en", "--json")
	var sum struct {
		Kind, Format, Out string
		Rows              int
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("--json: %v: %q", err, stdout)
	}
	if sum.Kind != "assignments" || sum.Format != "csv" || sum.Rows != len(d.Assignments) || sum.Out != csvOut {
		t.Errorf("summary %+v, want %d csv rows", sum, len(d.Assignments))
	}
	data, err := os.ReadFile(csvOut)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\uFEFF")) {
		t.Errorf("the CSV has no byte-order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(d.Assignments)+1 || !slices.Equal(recs[0], staff.Headers(staff.Assignments, "en")) {
		t.Errorf("%d records, header %q", len(recs), recs[0])
	}
	for _, r := range recs[1:] {
		if r[5] != "main" && r[5] != "second" {
			t.Errorf("kind %q with --lang en", r[5])
		}
	}

	stdout, _ = cliOK(t, db, "export", "agencies", "--out", filepath.Join(dir, "a.csv"), "--lang", "en")
	if want := fmt.Sprintf("exported %d agencies", len(d.Agencies)); !strings.Contains(stdout, want) {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	if _, stderr, err := cli(t, db, "export", "people", "--out", filepath.Join(dir, "p.json")); err == nil ||
		!strings.Contains(stderr, ".xlsx 或 .csv") {
		t.Errorf("a .json export: %v %q", err, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "p.json")); !os.IsNotExist(err) {
		t.Errorf("a refused export left a file: %v", err)
	}
}
