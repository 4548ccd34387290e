package roomlist_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/roomlist"
)

// csvFile writes rows as CSV in an encoding: utf-8, utf-8-bom, gb18030 or utf-16 (little-endian with a
// byte-order mark, tab-separated, as Excel's "Unicode text").
func csvFile(t testing.TB, rows [][]string, encoding string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if encoding == "utf-16" {
		w.Comma = '\t'
	}
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	text := buf.Bytes()
	switch encoding {
	case "utf-8":
		return text
	case "utf-8-bom":
		return append([]byte("\xef\xbb\xbf"), text...)
	case "gb18030":
		out, err := simplifiedchinese.GB18030.NewEncoder().Bytes(text)
		if err != nil {
			t.Fatal(err)
		}
		return out
	case "utf-16":
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(text)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	t.Fatalf("no encoding %s", encoding)
	return nil
}

// xlsxFile writes rows into a new workbook's sheet (after an empty Sheet1), as xlsxWith.
func xlsxFile(t testing.TB, sheet string, first int, rows [][]string, merges ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	return xlsxWith(t, f, sheet, first, rows, merges...)
}

// sampleRows is a register as a bureau keeps it: a title, a blank line, a header with units and
// remarks, the rows, and a total.
var sampleRows = [][]string{
	{"市级机关集中办公区 房间登记表（2025年）"},
	{},
	{"序号", "楼栋", "楼层", "房间号", "房间用途", "使用单位", "使用面积（㎡）", "备注"},
	{"1", "主楼", "3F", "301", "办公室", "财政局", "24.50", ""},
	{"2", "主楼", "三层", "３０２", "会议室", "常州市财政局", "1,024.5㎡", "大会议室"},
	{"3", "主楼", "B1", "B101", "", "", "", "库房"},
	{"合计", "", "", "", "", "", "1049.00", ""},
}

func TestReadCSV(t *testing.T) {
	for _, enc := range []string{"utf-8", "utf-8-bom", "gb18030", "utf-16"} {
		t.Run(enc, func(t *testing.T) {
			l, err := roomlist.Read("登记表.csv", csvFile(t, sampleRows, enc), roomlist.ReadOptions{Lang: "en"})
			if err != nil {
				t.Fatal(err)
			}
			if l.Format != "csv" || l.Encoding != enc || l.HeaderRow != 3 {
				t.Errorf("format %s, encoding %s, header row %d; want csv, %s, 3", l.Format, l.Encoding, l.HeaderRow, enc)
			}
			checkSample(t, l)
		})
	}
}

// checkSample checks what Read made of sampleRows.
func checkSample(t *testing.T, l *roomlist.List) {
	t.Helper()
	want := map[roomlist.Field]string{roomlist.FieldBuilding: "楼栋", roomlist.FieldFloor: "楼层", roomlist.FieldNumber: "房间号",
		roomlist.FieldUsage: "房间用途", roomlist.FieldAgency: "使用单位", roomlist.FieldArea: "使用面积（㎡）"}
	for f, h := range want {
		if l.Columns[f] != h {
			t.Errorf("column of %s = %q, want %q", f, l.Columns[f], h)
		}
	}
	if len(l.Rows) != 3 {
		t.Fatalf("%d rows, want 3 (the title, the blank line and the total left out): %+v", len(l.Rows), l.Rows)
	}
	r := l.Rows[1]
	if r.Line != 5 || r.Building != "主楼" || r.Floor != "三层" || r.Number != "３０２" || r.Usage != "会议室" ||
		r.Agency != "常州市财政局" || r.AreaM2 != 1024.5 || len(r.Problems) != 0 {
		t.Errorf("row 5 = %+v", r)
	}
	if r := l.Rows[2]; r.Line != 6 || r.AreaM2 != 0 || r.Number != "B101" {
		t.Errorf("row 6 = %+v", r)
	}
	notes := strings.Join(notesIn(l.Notes, "en"), "\n")
	for _, w := range []string{"columns not read: 序号, 备注", "row 7 is a total"} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes %q lack %q", notes, w)
		}
	}
}

func notesIn(ns []imports.Note, lang string) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.In(lang)
	}
	return out
}

// A workbook whose building cell is merged down its rows, with a gap, on a sheet that is not the first:
// the rows keep the numbers the spreadsheet shows, and every row gets the building.
func TestReadXLSX(t *testing.T) {
	rows := [][]string{
		{"楼栋", "楼层", "房号", "面积"},
		{"主楼", "3F", "301", "24.5"},
		{"", "3F", "302", "18"},
		{},
		{"", "3F", "303", "12.25"},
	}
	f := excelize.NewFile()
	defer f.Close()
	if _, err := f.NewSheet("说明"); err != nil {
		t.Fatal(err)
	}
	_ = f.SetCellValue("Sheet1", "A1", "填表说明：面积以平方米计")
	data := xlsxWith(t, f, "登记表", 2, rows, "A3:A7")
	l, err := roomlist.Read("list.xlsx", data, roomlist.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Sheet != "登记表" || l.HeaderRow != 2 || len(l.Rows) != 3 {
		t.Fatalf("sheet %q, header row %d, %d rows; want 登记表, 2, 3", l.Sheet, l.HeaderRow, len(l.Rows))
	}
	for i, want := range []struct {
		line   int
		number string
		area   float64
	}{{3, "301", 24.5}, {4, "302", 18}, {6, "303", 12.25}} {
		r := l.Rows[i]
		if r.Line != want.line || r.Number != want.number || r.AreaM2 != want.area || r.Building != "主楼" {
			t.Errorf("row %d = %+v, want line %d, number %s, area %g, building 主楼", i, r, want.line, want.number, want.area)
		}
	}
	t.Run("named sheet and columns", func(t *testing.T) {
		cols, err := roomlist.ParseColumns("number=C,area=面积")
		if err != nil {
			t.Fatal(err)
		}
		l, err := roomlist.Read("list.xlsx", data, roomlist.ReadOptions{Sheet: "登记表", Columns: cols})
		if err != nil || len(l.Rows) != 3 || l.Columns[roomlist.FieldNumber] != "C" {
			t.Fatalf("%v %+v", err, l)
		}
		_, err = roomlist.Read("list.xlsx", data, roomlist.ReadOptions{Sheet: "Sheet9", Lang: "en"})
		wantRejected(t, err, "list.xlsx", `no sheet "Sheet9"`)
	})
}

// xlsxWith writes rows into a new sheet of f, starting at row first (from 1), with the cells of merges
// ("A3:A9") merged — only the first cell of each keeps its value, as Excel keeps it — and returns the
// workbook.
func xlsxWith(t testing.TB, f *excelize.File, sheet string, first int, rows [][]string, merges ...string) []byte {
	t.Helper()
	if _, err := f.NewSheet(sheet); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		for j, c := range r {
			if c == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, first+i)
			if err := f.SetCellValue(sheet, cell, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, m := range merges {
		from, to, _ := strings.Cut(m, ":")
		if err := f.MergeCell(sheet, from, to); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wantRejected fails the test unless err is an *imports.Error of file whose message says each of want.
func wantRejected(t *testing.T, err error, file string, want ...string) *imports.Error {
	t.Helper()
	var ie *imports.Error
	if !errors.As(err, &ie) || ie.File != file {
		t.Fatalf("err = %v, want an *imports.Error of %s", err, file)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("err = %v, want it to say %q", err, w)
		}
	}
	return ie
}

func TestReadRejects(t *testing.T) {
	header := []string{"楼栋", "楼层", "房间号", "面积"}
	tests := []struct {
		name string
		data []byte
		opt  roomlist.ReadOptions
		want []string
	}{
		{"no header", csvFile(t, [][]string{{"a", "b"}, {"1", "2"}}, "utf-8"), roomlist.ReadOptions{},
			[]string{"no header row among the first 20 rows"}},
		{"no floor column", csvFile(t, [][]string{{"楼栋", "房间号", "面积"}, {"主楼", "301", "20"}}, "utf-8"), roomlist.ReadOptions{},
			[]string{"row 1: no floor column"}},
		{"nothing to import", csvFile(t, [][]string{{"楼栋", "楼层", "房间号"}, {"主楼", "3F", "301"}}, "utf-8"), roomlist.ReadOptions{},
			[]string{"nothing to import"}},
		{"gross area only", csvFile(t, [][]string{{"楼栋", "楼层", "房间号", "建筑面积"}, {"主楼", "3F", "301", "30"}}, "utf-8"),
			roomlist.ReadOptions{}, []string{`column "建筑面积" is a gross area`}},
		{"two area columns", csvFile(t, [][]string{{"楼栋", "楼层", "房间号", "面积", "使用面积"}}, "utf-8"), roomlist.ReadOptions{},
			[]string{`row 1: columns "面积" and "使用面积" both give the area`}},
		{"named column missing", csvFile(t, [][]string{header, {"主楼", "3F", "301", "20"}}, "utf-8"),
			roomlist.ReadOptions{Columns: map[roomlist.Field]string{roomlist.FieldUsage: "用房性质"}},
			[]string{`row 1: no column "用房性质" (named for the usage)`}},
		{"no rows", csvFile(t, [][]string{header}, "utf-8"), roomlist.ReadOptions{}, []string{"no rows below the header (row 1)"}},
		{"xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), roomlist.ReadOptions{}, []string{".xls"}},
		{"broken xlsx", []byte("PK\x03\x04broken"), roomlist.ReadOptions{}, []string{"not an XLSX workbook"}},
		{"not text", []byte{0x81, 0x30, 0xff, 0xfe, 0x00, 0x80}, roomlist.ReadOptions{}, []string{"neither UTF-8 nor GB18030"}},
		{"bad quote", []byte("楼栋,楼层,房间号,面积\n主楼,3F,\"301\"x,20\n"), roomlist.ReadOptions{},
			[]string{"row 2: not CSV"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.Lang = "en"
			l, err := roomlist.Read("list.csv", tt.data, tt.opt)
			if l != nil {
				t.Errorf("a list of %d rows", len(l.Rows))
			}
			ie := wantRejected(t, err, "list.csv", tt.want...)
			if zh := ie.In("zh"); zh == ie.Error() {
				t.Errorf("no Chinese for %q", zh)
			}
		})
	}
}

// Cells that cannot be read are problems of their rows, named by column, not errors of the file.
func TestReadBadCells(t *testing.T) {
	rows := [][]string{
		{"楼栋", "楼层", "房间号", "面积", "ordinal"},
		{"主楼", "3F", "", "20", ""},
		{"主楼", "3F", "302", "十二点五", ""},
		{"主楼", "3F", strings.Repeat("9", 51), "-1", "x"},
	}
	l, err := roomlist.Read("list.csv", csvFile(t, rows, "utf-8"), roomlist.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]roomlist.Field{{roomlist.FieldNumber}, {roomlist.FieldArea}, {roomlist.FieldNumber, roomlist.FieldArea, roomlist.FieldOrdinal}}
	for i, r := range l.Rows {
		var got []roomlist.Field
		for _, p := range r.Problems {
			got = append(got, p.Field)
		}
		if strings.Join(fieldStrings(got), ",") != strings.Join(fieldStrings(want[i]), ",") {
			t.Errorf("row %d: problems in %v, want %v (%+v)", r.Line, got, want[i], r.Problems)
		}
	}
}

func fieldStrings(fs []roomlist.Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return out
}
