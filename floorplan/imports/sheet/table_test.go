package sheet

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"officemap/floorplan/imports"
)

var testColumns = []Column{
	{Field: "no", Header: "工号", HeaderEN: "No.", Required: true},
	{Field: "name", Header: "姓名", Synonyms: []string{"名字"}, Required: true},
	{Field: "rank", Header: "职级"},
}

func testSpec() Spec {
	return Spec{Columns: testColumns, Lang: "en",
		Ignored: &Ignored{Field: "id", Headers: []string{"身份证号"}, Why: func(h string) imports.Note {
			return imports.Notef("column %q left out", h)
		}},
		NoHeader: func(required string) *Failure { return Fail("no header with %s", required) }}
}

func TestReadTable(t *testing.T) {
	csv := "名单\n工号,名字,身份证号,备注\nA1,张三,320402198001011234,x\n"
	tb, err := ReadTable("dir/list.csv", []byte(csv), testSpec())
	if err != nil {
		t.Fatal(err)
	}
	if tb.File != "list.csv" || len(tb.Rows) != 1 || tb.Lines[0] != 3 {
		t.Fatalf("file %q, rows %v, lines %v", tb.File, tb.Rows, tb.Lines)
	}
	if tb.Cell(0, "no") != "A1" || tb.Cell(0, "name") != "张三" || tb.Has("rank") || tb.Has("id") {
		t.Errorf("cells %v, has rank %v, has id %v", tb.Rows[0], tb.Has("rank"), tb.Has("id"))
	}
	if strings.Contains(strings.Join(tb.Rows[0], ","), "3204") {
		t.Errorf("the ignored column's cells are still there: %v", tb.Rows[0])
	}
	if tb.HeaderOf("name") != "名字" || tb.HeaderOf("rank") != "职级" || tb.HeaderOf("other") != "other" {
		t.Errorf("headers %q %q %q", tb.HeaderOf("name"), tb.HeaderOf("rank"), tb.HeaderOf("other"))
	}
	var notes []string
	for _, n := range tb.Notes {
		notes = append(notes, n.String())
	}
	want := []string{`column "身份证号" left out`, "columns not read: 备注"}
	if strings.Join(notes, "|") != strings.Join(want, "|") {
		t.Errorf("notes %q, want %q", notes, want)
	}
}

func TestReadTableRejects(t *testing.T) {
	for _, tt := range []struct{ name, csv, want string }{
		{"no header", "姓名,职级\n张三,科员\n", "no header with 工号, 姓名"},
		{"no rows", "工号,姓名\n", "a.csv: no rows below the header (row 1)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadTable("a.csv", []byte(tt.csv), testSpec())
			var ie *imports.Error
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want an *imports.Error with %q", err, tt.want)
			}
		})
	}
}

func TestProblems(t *testing.T) {
	p := NewProblems("a.csv", "en")
	if p.Err() != nil || p.ErrByRow() != nil {
		t.Fatal("no problems, but an error")
	}
	p.Row(5, imports.Notef("late"))
	p.Cell(2, "姓名", imports.Notef("empty"))
	if p.Note(3, "x", nil) {
		t.Error("Note recorded no note")
	}
	if !p.Bad(5) || !p.Bad(2) || p.Bad(3) {
		t.Errorf("bad rows: 5 %v, 2 %v, 3 %v", p.Bad(5), p.Bad(2), p.Bad(3))
	}
	feature := func(err error) string {
		var ie *imports.Error
		if !errors.As(err, &ie) {
			t.Fatalf("%v is not an *imports.Error", err)
		}
		var out []string
		for _, pr := range ie.Problems {
			out = append(out, pr.Feature)
		}
		return strings.Join(out, ",")
	}
	if got := feature(p.Err()); got != "row 5,row 2" {
		t.Errorf("Err: %s", got)
	}
	if got := feature(p.ErrByRow()); got != "row 2,row 5" {
		t.Errorf("ErrByRow: %s", got)
	}
	if told := p.Told(); len(told) != 2 || !strings.Contains(told[1].Reason, "column 姓名: empty") {
		t.Errorf("told %+v", told)
	}
}

func TestParseDate(t *testing.T) {
	day := time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"2026-11-15", "2026/11/15", "2026.11.15", "2026年11月15日", "２０２６-１１-１５", "46341"} {
		if d, n := ParseDate(s); n != nil || !d.Equal(day) {
			t.Errorf("ParseDate(%q) = %v, %v", s, d, n)
		}
	}
	for _, s := range []string{"2026-02-30", "1899-01-01", "next week", "0"} {
		if _, n := ParseDate(s); n == nil {
			t.Errorf("ParseDate(%q): no note", s)
		}
	}
	if DayText(day) != "2026-11-15" || DayText(time.Time{}) != "" {
		t.Errorf("DayText %q %q", DayText(day), DayText(time.Time{}))
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, []string{"名称", "面积"}, [][]string{{"=1+1", "-3.5"}}); err != nil {
		t.Fatal(err)
	}
	if want := "\uFEFF名称,面积\n'=1+1,-3.5\n"; b.String() != want {
		t.Errorf("csv %q, want %q", b.String(), want)
	}
	if err := Write(&b, nil, "pdf"); err == nil {
		t.Error("an unknown format was written")
	}
}

func TestText(t *testing.T) {
	tx := NewText("a.csv", true, "en")
	tx.Line(imports.Notef("imported %s", "x"))
	tx.Item(imports.Notef("notes:"))
	tx.Section(imports.Notef("skipped:"), nil)
	tx.Section(imports.Notef("notes:"), ToldNotes([]imports.Note{imports.Notef("columns not read: %s", "备注")}, true, "en"))
	var b bytes.Buffer
	if _, err := tx.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	want := "dry run (nothing written) of a.csv\nimported x\n  notes:\nnotes:\n  columns not read: 备注\n  dry run: nothing was written\n"
	if b.String() != want {
		t.Errorf("text %q, want %q", b.String(), want)
	}
}
