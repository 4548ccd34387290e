package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
)

// officemap import people|agencies|assignments: a dry run in Chinese, the import with its deadlines as
// JSON in English, an explicit column, a rejected file naming row and column, flags that do not apply.
func TestImportStaffCommand(t *testing.T) {
	db, d := sampleStore(t) // staffexport_test.go
	dir := t.TempDir()
	p := d.People[0]
	var agency string
	for _, a := range d.Agencies {
		if a.ID == p.AgencyID {
			agency = a.Name
		}
	}
	retired := floorplan.DayOf(time.Now()).AddDate(0, 0, -10)
	list := filepath.Join(dir, "人员.xlsx")
	writeWorkbook(t, list, [][]string{
		{"工号", "姓名", "所在单位", "级", "状态", "退休日期"},
		{p.StaffNo, p.Name, agency, string(p.Rank), "退休", retired.Format(floorplan.DateLayout)},
	})

	out, _ := cliOK(t, db, "import", "people", list, "--dry-run", "--columns", "rank=D")
	for _, want := range []string{"试运行（未写入任何数据）：人员.xlsx", "人员：1 行；新建 0，更新 1，未变 0，跳过 0", "退休"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	out, _ = cliOK(t, db, "import", "people", list, "--json", "--lang", "en", "--columns", "rank=级")
	var sum struct {
		Records struct{ Created, Updated, Unchanged int }
		Events  []struct{ Text string }
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	due := floorplan.AddMonths(retired, 1).Format(floorplan.DateLayout)
	want := fmt.Sprintf("%s retired %s → rooms due back by %s", p.Name, retired.Format(floorplan.DateLayout), due)
	if sum.Records.Updated != 1 || len(sum.Events) != 1 || sum.Events[0].Text != want {
		t.Errorf("summary %+v, want the event %q", sum, want)
	}
	withRegister(t, db, func(s *gpkg.Store, _ *floorplan.Register) {
		if q, _ := s.Person(context.Background(), p.ID); q.Status != floorplan.PersonRetired || !q.StatusDate.Equal(retired) {
			t.Errorf("person %+v", q)
		}
	})

	bad := filepath.Join(dir, "bad.csv")
	writeCSV(t, bad, "工号,姓名,单位,职级\nZ1,某人,"+agency+",大领导\n")
	_, stderr, err := cli(t, db, "import", "people", bad)
	if err == nil || !strings.Contains(stderr, `bad.csv：第 2 行：职级 列："大领导" 不是可识别的职级`) {
		t.Errorf("bad rank: %v\n%s", err, stderr)
	}
	if _, _, err := cli(t, db, "import", "agencies", bad, "--building", "x", "--lang", "en"); err == nil ||
		!strings.Contains(err.Error(), "--building does not apply to import agencies") {
		t.Errorf("--building: %v", err)
	}
}

func writeCSV(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
