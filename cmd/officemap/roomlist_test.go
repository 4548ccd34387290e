package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/imports/importtest"
	"officemap/floorplan/imports/roomlist"
)

// writeWorkbook writes rows into the first sheet of a new workbook at path.
func writeWorkbook(t *testing.T, path string, rows [][]string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, c := range r {
			cells[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &cells); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// withRegister opens the GeoPackage at db for fn, with the console's register over it.
func withRegister(t *testing.T, db string, fn func(s *gpkg.Store, reg *floorplan.Register)) {
	t.Helper()
	s, err := gpkg.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fn(s, floorplan.NewRegister(s))
}

// The Contoso ground floor imported from DXF, then the bureau's register of three of its rooms as an
// .xlsx file: the summary in Chinese (the default) and as JSON in English, a dry run, a no-op re-import,
// a rejected row, and the flags that do not apply.
func TestImportRoomsCommand(t *testing.T) {
	plan := importtest.SharedData(t, "cad/contoso/dxf/contoso_v1_Ground.dxf")
	dir := t.TempDir()
	db := filepath.Join(dir, "t.gpkg")
	cliOK(t, db, "import", "dxf", plan, "--origin", "119.97,31.81", "--building", "Contoso")
	var picks []floorplan.Room
	withRegister(t, db, func(s *gpkg.Store, reg *floorplan.Register) {
		ctx := floorplan.WithActor(context.Background(), "test")
		a := floorplan.Agency{Name: "常州市财政局", ShortName: "财政局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
		if _, err := reg.CreateAgency(ctx, &a); err != nil {
			t.Fatal(err)
		}
		rooms, err := s.Rooms(ctx, floorplan.RoomFilter{})
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(rooms, func(a, b floorplan.Room) int { return strings.Compare(a.Number, b.Number) })
		picks = rooms[len(rooms)-3:]
	})
	measured := floorplan.RoundM2(picks[2].Area())
	list := filepath.Join(dir, "登记表.xlsx")
	writeWorkbook(t, list, [][]string{
		{"楼栋", "楼层", "房号", "用途", "使用单位", "账面面积"},
		{"Contoso", "1F", picks[0].Number, "会议室", "财政局", ""},
		{"Contoso", "一层", picks[1].Number, "", "常州市财政局", ""},
		{"Contoso", "1层", picks[2].Number, "", "", fmt.Sprintf("%.2f", measured+2)},
	})

	t.Run("dry run, in Chinese", func(t *testing.T) {
		out, _ := cliOK(t, db, "import", "rooms", list, "--dry-run")
		for _, want := range []string{"试运行（未写入任何数据）：登记表.xlsx", "行数：读取 3，匹配 3（更新 3，未变 0）", "账面面积㎡", "+2.00"} {
			if !strings.Contains(out, want) {
				t.Errorf("summary lacks %q:\n%s", want, out)
			}
		}
		withRegister(t, db, func(s *gpkg.Store, _ *floorplan.Register) {
			if r, _ := s.Room(context.Background(), picks[2].ID); r.RecordedAreaM2 != 0 {
				t.Errorf("the dry run recorded %.2f m²", r.RecordedAreaM2)
			}
		})
	})
	t.Run("import, as JSON in English", func(t *testing.T) {
		out, _ := cliOK(t, db, "import", "rooms", list, "--json", "--lang", "en")
		var sum roomlist.Summary
		if err := json.Unmarshal([]byte(out), &sum); err != nil {
			t.Fatalf("--json output: %v\n%s", err, out)
		}
		if sum.Rows.Updated != 3 || len(sum.AreaDifferences) != 1 || math.Abs(sum.AreaDifferences[0].DifferenceM2-2) > 1e-9 ||
			sum.NotListed == nil || len(sum.NotListed) != 60 {
			t.Errorf("summary %+v", sum)
		}
		withRegister(t, db, func(s *gpkg.Store, _ *floorplan.Register) {
			r, err := s.Room(context.Background(), picks[0].ID)
			if err != nil || r.Usage != floorplan.UsageService {
				t.Errorf("room %s: usage %s, %v; want service", r.Number, r.Usage, err)
			}
			if r, _ := s.Room(context.Background(), picks[2].ID); math.Abs(r.RecordedAreaM2-(measured+2)) > 1e-9 {
				t.Errorf("recorded %.2f m², want %.2f", r.RecordedAreaM2, measured+2)
			}
		})
	})
	t.Run("again: unchanged", func(t *testing.T) {
		out, _ := cliOK(t, db, "import", "rooms", list, "--lang", "en")
		if !strings.Contains(out, "rows: 3 read, 3 matched (0 updated, 3 unchanged)") {
			t.Errorf("summary:\n%s", out)
		}
	})
	t.Run("errors", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.xlsx")
		writeWorkbook(t, bad, [][]string{{"楼栋", "楼层", "房号", "使用单位"}, {"Contoso", "1F", picks[0].Number, "不存在的局"}})
		for _, tt := range []struct {
			name string
			args []string
			want string
		}{
			{"unknown agency", []string{bad}, `bad.xlsx：第 2 行（房间 ` + picks[0].Number + `）：使用单位 列：使用单位 "不存在的局" 不在登记册中`},
			{"in English", []string{bad, "--lang", "en"}, `bad.xlsx: row 2 (room ` + picks[0].Number + `): column 使用单位: agency "不存在的局" is not in the register`},
			{"a flag for drawings", []string{list, "--origin", "1,2", "--lang", "en"}, "--origin does not apply to a room list"},
			{"columns", []string{list, "--columns", "room=房号", "--lang", "en"}, `--columns: unknown field "room"`},
			{"missing file", []string{filepath.Join(dir, "none.csv")}, "none.csv"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, stderr, err := cli(t, db, append([]string{"import", "rooms"}, tt.args...)...)
				if err == nil || !strings.Contains(stderr, tt.want) {
					t.Errorf("err %v, stderr %q; want %q", err, stderr, tt.want)
				}
			})
		}
		out, _, err := cli(t, db, "import", "rooms", bad, "--json", "--lang", "en")
		var failed struct {
			Problems []struct{ Feature, Reason string }
		}
		if err == nil || json.Unmarshal([]byte(out), &failed) != nil || len(failed.Problems) != 1 || failed.Problems[0].Feature != "row 2" {
			t.Errorf("--json on failure: %v %s", err, out)
		}
	})
}
