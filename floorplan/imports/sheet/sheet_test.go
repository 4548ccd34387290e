package sheet

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func TestReadCSVEncodingsAndDelimiters(t *testing.T) {
	const text = "名单\n工号;姓名\nA1;张三\n\nA2;\"李;四\"\n"
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, data, enc string
	}{
		{"utf-8", text, "utf-8"},
		{"bom", "\xef\xbb\xbf" + text, "utf-8-bom"},
		{"utf-16", utf16, "utf-16"},
		{"gb18030", gb, "gb18030"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, f := Read("list.csv", []byte(tt.data), "", nil)
			if f != nil {
				t.Fatal(f)
			}
			if g.Format != "csv" || g.Encoding != tt.enc {
				t.Errorf("format %s, encoding %s", g.Format, g.Encoding)
			}
			want := [][]string{{"名单"}, {"工号", "姓名"}, {"A1", "张三"}, {"A2", "李;四"}}
			if len(g.Rows) != len(want) || g.Rows[3][1] != "李;四" || !slices.Equal(g.Lines, []int{1, 2, 3, 5}) {
				t.Errorf("rows %q at lines %v", g.Rows, g.Lines)
			}
			if (tt.enc == "gb18030") != (len(g.Notes) == 1) {
				t.Errorf("notes %v", g.Notes)
			}
		})
	}
}

func TestReadWorkbookMergedAndHeader(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"说明：本表为示例"}))
	must(f.SetSheetRow("Sheet1", "A3", &[]any{"楼栋", "房号", "等级"}))
	must(f.SetSheetRow("Sheet1", "A4", &[]any{"1号楼", "101", "甲"}))
	must(f.SetSheetRow("Sheet1", "B5", &[]any{"102", "乙"}))
	must(f.MergeCell("Sheet1", "A4", "A5"))
	var b bytes.Buffer
	must(f.Write(&b))
	fd := Finder[string]{FieldOf: map[string]string{"楼栋": "building", "房号": "number"},
		Explicit: map[string]string{"grade": "C"},
		IsHeader: func(col map[string]int) bool { _, ok := col["number"]; return ok },
		NoHeader: func() *Failure { return Fail("no header") }}
	g, fail := Read("rooms.xlsx", b.Bytes(), "", fd.Has)
	if fail != nil {
		t.Fatal(fail)
	}
	h, fail := fd.Find(g.Rows)
	if fail != nil {
		t.Fatal(fail)
	}
	if g.Lines[h.Row] != 3 || h.Col["grade"] != 2 || h.Col["building"] != 0 {
		t.Errorf("header at %d: %v", g.Lines[h.Row], h.Col)
	}
	last := g.Rows[len(g.Rows)-1]
	if h.Cell(last, "building") != "1号楼" || h.Cell(last, "grade") != "乙" || g.Lines[len(g.Lines)-1] != 5 {
		t.Errorf("merged row %q", last)
	}
	if _, fail := Read("rooms.xlsx", b.Bytes(), "Other", nil); fail == nil || !strings.Contains(fail.Error(), `no sheet "Other"`) {
		t.Errorf("unknown sheet: %v", fail)
	}
}

func TestLimitsAndHeaders(t *testing.T) {
	wide := strings.Repeat("a,", MaxColumns) + "a\n"
	if _, f := Read("wide.csv", []byte(wide), "", nil); f == nil || f.Line != 1 {
		t.Errorf("too wide: %v", f)
	}
	if _, f := Read("old.xls", []byte("\xd0\xcf\x11\xe0rest"), "", nil); f == nil {
		t.Error("an .xls was read")
	}
	for in, want := range map[string]string{"使用面积（㎡）": "使用面积", "Room No.": "roomno", "*工 号": "工号"} {
		if got := NormalHeader(in); got != want {
			t.Errorf("NormalHeader(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]int{"A": 0, "ab": 27, "ABCD": -1, "1": -1} {
		if got := ColumnLetter(in); got != want {
			t.Errorf("ColumnLetter(%q) = %d, want %d", in, got, want)
		}
	}
}
