package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
	"officemap/floorplan/exports/cell"
	"officemap/floorplan/synth"
)

// xlsxBytes writes rep's workbook with sink (the new xlsxSink or the old excelize one) and returns it.
func xlsxBytes(t testing.TB, rep *floorplan.Report, opt Options, newSink func(io.Writer) sink) []byte {
	t.Helper()
	var buf bytes.Buffer
	if opt.RoomNumber == nil {
		opt.RoomNumber = roomNumbers(rep)
	}
	if err := run(rep.AsOf, Whole(rep), opt, newSink(&buf)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// newXLSX makes the sink under test; oldXLSX the excelize one it replaced.
func newXLSX(en bool) func(io.Writer) sink {
	return func(w io.Writer) sink { return &xlsxSink{w: w, en: en} }
}

func oldXLSX(en bool) func(io.Writer) sink {
	return func(w io.Writer) sink { return &oldXLSXSink{w: w, en: en} }
}

// openXLSX opens a workbook with excelize (closed when t ends).
func openXLSX(t testing.TB, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// cellLook is what a reader sees of a cell: its value as shown and as stored, whether it is text, and
// its style's number format, font weight and fill.
type cellLook struct {
	Value, Raw string
	Text       bool
	NumFmt     int
	Custom     string
	Bold       bool
	Fill       excelize.Fill
}

// sheetLook is what a reader sees of a sheet: its cells (rows × columns, to the last non-empty cell of
// either workbook compared), its panes and its column widths (columns A to two past the last).
type sheetLook struct {
	Cells  [][]cellLook
	Panes  excelize.Panes
	Widths []float64
}

// lookAt reads a sheet of f over rows × cols cells.
func lookAt(t testing.TB, f *excelize.File, sheet string, rows, cols int) sheetLook {
	t.Helper()
	var l sheetLook
	for r := 1; r <= rows; r++ {
		var row []cellLook
		for c := 1; c <= cols; c++ {
			ref, _ := excelize.CoordinatesToCellName(c, r)
			row = append(row, lookAtCell(t, f, sheet, ref))
		}
		l.Cells = append(l.Cells, row)
	}
	var err error
	if l.Panes, err = f.GetPanes(sheet); err != nil {
		t.Fatal(err)
	}
	for c := 1; c <= cols+2; c++ {
		name, _ := excelize.ColumnNumberToName(c)
		w, err := f.GetColWidth(sheet, name)
		if err != nil {
			t.Fatal(err)
		}
		l.Widths = append(l.Widths, w)
	}
	return l
}

// lookAtCell reads the cell ref of sheet.
func lookAtCell(t testing.TB, f *excelize.File, sheet, ref string) cellLook {
	t.Helper()
	var c cellLook
	var err error
	if c.Value, err = f.GetCellValue(sheet, ref); err != nil {
		t.Fatal(err)
	}
	if c.Raw, err = f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true}); err != nil {
		t.Fatal(err)
	}
	if c.Raw != "" { // an empty string and no cell read the same
		typ, err := f.GetCellType(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		c.Text = typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString
	}
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	c.NumFmt, c.Fill = st.NumFmt, st.Fill
	if st.CustomNumFmt != nil {
		c.Custom = *st.CustomNumFmt
	}
	c.Bold = st.Font != nil && st.Font.Bold
	return c
}

// extent is the number of rows of sheet and of cells in its longest row.
func extent(t testing.TB, f *excelize.File, sheet string) (rows, cols int) {
	t.Helper()
	all, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		cols = max(cols, len(r))
	}
	return len(all), cols
}

// sameAsExcelize fails t unless the workbooks a (new) and b (old) look the same to excelize: sheets,
// active sheet, every cell's value, type and style, panes and column widths.
func sameAsExcelize(t *testing.T, a, b []byte) {
	t.Helper()
	fa, fb := openXLSX(t, a), openXLSX(t, b)
	if la, lb := fa.GetSheetList(), fb.GetSheetList(); !reflect.DeepEqual(la, lb) {
		t.Fatalf("sheets %q, excelize's %q", la, lb)
	}
	if ia, ib := fa.GetActiveSheetIndex(), fb.GetActiveSheetIndex(); ia != ib {
		t.Errorf("active sheet %d, excelize's %d", ia, ib)
	}
	for _, sh := range fa.GetSheetList() {
		ra, ca := extent(t, fa, sh)
		rb, cb := extent(t, fb, sh)
		if ra != rb || ra < 2 {
			t.Errorf("%s: %d rows, excelize's %d", sh, ra, rb)
		}
		rows, cols := max(ra, rb), max(ca, cb)
		la, lb := lookAt(t, fa, sh, rows, cols), lookAt(t, fb, sh, rows, cols)
		if !reflect.DeepEqual(la.Panes, lb.Panes) || !reflect.DeepEqual(la.Widths, lb.Widths) {
			t.Errorf("%s: panes %+v widths %v, excelize's %+v %v", sh, la.Panes, la.Widths, lb.Panes, lb.Widths)
		}
		bad := 0
		for r := range la.Cells {
			for c := range la.Cells[r] {
				if x, y := la.Cells[r][c], lb.Cells[r][c]; !reflect.DeepEqual(x, y) && bad < 5 {
					bad++
					ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
					t.Errorf("%s!%s: %+v, excelize's %+v", sh, ref, x, y)
				}
			}
		}
	}
}

// TestXLSXAsExcelize: the workbook of a report, read back with excelize, has the cells (values, types,
// number formats, bold, fills), frozen panes and column widths that excelize's StreamWriter gave it,
// in both languages, with notes and without, with formula-like names and a "<0.1" percentage.
func TestXLSXAsExcelize(t *testing.T) {
	reps := map[string]*floorplan.Report{"synth": synthReport(t), "notes": noteReport(t), "small": smallReport(t),
		"edges": edgeReport(t)}
	for name, rep := range reps {
		for _, en := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s en=%v", name, en), func(t *testing.T) {
				sameAsExcelize(t, xlsxBytes(t, rep, Options{}, newXLSX(en)), xlsxBytes(t, rep, Options{}, oldXLSX(en)))
			})
		}
	}
}

// edgeStrings are texts whose writing in XML is not plain: XML's specials, spaces at the ends, line
// breaks, control characters, CJK and 4-byte UTF-8, SpreadsheetML's _xHHHH_ escapes, invalid UTF-8,
// text past a cell's 32,767 UTF-16 units.
var edgeStrings = []string{
	`R&D "Lab", <Unit> 'x'`, "a&amp;b", "]]>", " leading", "trailing ", "\tTab", "new\nline", "cr\r\nlf", "end\n",
	"ctrl\x01\x08\x0b\x0c\x1f.", "del\x7f", "办公室（主任）", "𠀀𝄞😀 emoji", "_x0041_", "_x005F_x0041_", "a_x005F_",
	"_x005f_", "_xZZZZ_", "__x0041__", "_x004", "bad\xff\xfeutf8", "\uFFFE\uFFFF\uFFFD", "=1+1", "-", " ",
	strings.Repeat("办", 40000), strings.Repeat("😀", 20000), strings.Repeat("a", 32767) + "b",
	strings.Repeat("a", 32766) + "😀",
}

// edgeReport is smallReport with edgeStrings as the names of its people and in the messages of its
// findings.
func edgeReport(t testing.TB) *floorplan.Report {
	rep := smallReport(t)
	out := *rep
	out.Findings = nil
	for i, s := range edgeStrings {
		f := rep.Findings[i%len(rep.Findings)]
		f.Message, f.MessageEN = s, s
		out.Findings = append(out.Findings, f)
	}
	return &out
}

// TestXLSXTextEscaped: each edge string written in a cell reads back, with excelize, as what
// excelize's StreamWriter gave, and that is the string itself but for what a cell cannot hold (cut
// past 32,767 UTF-16 units; characters XML 1.0 has not as U+FFFD).
func TestXLSXTextEscaped(t *testing.T) {
	var buf bytes.Buffer
	x := newXLSXWriter(&buf)
	if err := x.startSheet(xlsxSheet{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range edgeStrings {
		x.startRow()
		x.text(0, styleNone, s)
		x.endRow()
	}
	if err := x.endSheet(); err != nil {
		t.Fatal(err)
	}
	if err := x.close([]string{"S"}); err != nil {
		t.Fatal(err)
	}
	old := excelize.NewFile()
	defer old.Close()
	sw, err := old.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range edgeStrings {
		if err := sw.SetRow("A"+itoa(i+1), []any{s}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var ob bytes.Buffer
	if err := old.Write(&ob); err != nil {
		t.Fatal(err)
	}
	f, o := openXLSX(t, buf.Bytes()), openXLSX(t, ob.Bytes())
	for i, s := range edgeStrings {
		got, _ := f.GetCellValue("S", "A"+itoa(i+1))
		want, _ := o.GetCellValue("Sheet1", "A"+itoa(i+1))
		if got != want {
			t.Errorf("%.40q: read back %.60q, excelize's %.60q", s, got, want)
		}
		if exp := readable(s); got != exp {
			t.Errorf("%.40q: read back %.60q, want %.60q", s, got, exp)
		}
	}
}

// readable is s as a cell holds it: cut to 32,767 UTF-16 units, each character XML 1.0 cannot hold
// (and each byte of invalid UTF-8) replaced by U+FFFD.
func readable(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		units := 1
		if r >= 0x10000 {
			units = 2
		}
		if n += units; n > xlsxMaxCellChars {
			break
		}
		if r < ' ' && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			r = 0xFFFD
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TestAppendCellText pins the XML of a few texts.
func TestAppendCellText(t *testing.T) {
	for in, want := range map[string]string{
		"plain 办公室":        "plain 办公室",
		`a&b<c>d"e'f`:      `a&amp;b&lt;c&gt;d&quot;e'f`,
		"t\tn\nr\r":        "t\tn\nr&#xD;",
		"x\x00y\x1fz":      "x\uFFFDy\uFFFDz",
		"\xff😀":            "\uFFFD😀",
		"_x0041_":          "_x005F_x0041_",
		"_x005F_x0041_":    "_x005F_x005F_x005F_x0041_",
		"_xZZZZ_ _x12_":    "_xZZZZ_ _x12_",
		"__x00aF_":         "__x005F_x00aF_",
		"_xD800_":          "_x005F_xD800_",
		"\uFFFE\uFFFF end": "\uFFFD\uFFFD end",
	} {
		if got := string(appendCellText(nil, in)); got != want {
			t.Errorf("appendCellText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAppendCellRef: column letters from A to XFD, Excel's last column.
func TestAppendCellRef(t *testing.T) {
	for _, c := range []struct {
		col, row int
		want     string
	}{{0, 1, "A1"}, {25, 9, "Z9"}, {26, 10, "AA10"}, {51, 1, "AZ1"}, {52, 1, "BA1"}, {701, 1, "ZZ1"},
		{702, 1, "AAA1"}, {16383, 1048576, "XFD1048576"}} {
		want, _ := excelize.CoordinatesToCellName(c.col+1, c.row)
		if got := string(appendCellRef(nil, c.col, c.row)); got != c.want || got != want {
			t.Errorf("appendCellRef(%d, %d) = %q, want %q (excelize %q)", c.col, c.row, got, c.want, want)
		}
	}
}

// TestAppendCellFloat: numbers are written as excelize writes them (SetCellFloat with precision -1:
// the shortest decimal cut to 15 significant digits), for areas and for random numbers of every size.
func TestAppendCellFloat(t *testing.T) {
	vals := []float64{0, 1, -1, 0.1, 24.01, 12.345, 1e-7, 123456789012345678, 0.1 + 0.2, 1.0 / 3, -2.0 / 3,
		1234567890.123456789, 99999999999999.99, 1e21, 5e-324, math.MaxFloat64, -math.MaxFloat64, 1e15, 1e16 + 1}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		vals = append(vals, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(40)-20)))
		vals = append(vals, math.Round(rng.Float64()*1e6)/100)
	}
	f := excelize.NewFile()
	defer f.Close()
	for _, v := range vals {
		if err := f.SetCellFloat("Sheet1", "A1", v, -1, 64); err != nil {
			t.Fatal(err)
		}
		want, _ := f.GetCellValue("Sheet1", "A1", excelize.Options{RawCellValue: true})
		if got := string(appendCellFloat([]byte("x"), v)); got != "x"+want {
			t.Errorf("appendCellFloat(%v) = %q, excelize %q", v, got[1:], want)
		}
	}
}

// TestXLSXWellFormed: every part of the workbook is in the zip, deflated (by klauspost/compress at
// xlsxDeflateLevel), reads back whole with archive/zip's own decompressor (its CRC-32 checked) and is
// well-formed XML (encoding/xml reads it to its end); the sheet of findings is much smaller than its XML.
func TestXLSXWellFormed(t *testing.T) {
	for name, rep := range map[string]*floorplan.Report{"synth": synthReport(t), "edges": edgeReport(t)} {
		b := xlsxBytes(t, rep, Options{}, newXLSX(false))
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
			if f.Method != zip.Deflate {
				t.Errorf("%s %s: method %d, want deflate", name, f.Name, f.Method)
			}
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(r) // checks the CRC-32 too
			r.Close()
			if err != nil || uint64(len(data)) != f.UncompressedSize64 {
				t.Errorf("%s %s: read %d of %d bytes: %v", name, f.Name, len(data), f.UncompressedSize64, err)
			}
			if err := wellFormed(data); err != nil {
				t.Errorf("%s %s: %v", name, f.Name, err)
			}
			if f.Name == "xl/worksheets/sheet1.xml" && name == "synth" && f.CompressedSize64*4 > f.UncompressedSize64 {
				t.Errorf("%s: %d bytes compressed to %d", f.Name, f.UncompressedSize64, f.CompressedSize64)
			}
		}
		want := []string{"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/workbook.xml",
			"xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/theme/theme1.xml", "[Content_Types].xml", "_rels/.rels", "docProps/app.xml",
			"docProps/core.xml"}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("%s: parts %q, want %q", name, names, want)
		}
	}
}

// wellFormed reads an XML document to its end.
func wellFormed(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if depth != 0 || roots != 1 {
				return fmt.Errorf("%d elements open at the end, %d root elements", depth, roots)
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

// TestXLSXStreams: the rows of the findings sheet reach the writer, compressed, before the report ends:
// the writer holds no more than a buffer's worth of them.
func TestXLSXStreams(t *testing.T) {
	rep := synthReport(t)
	var w countingWriter
	s := &xlsxSink{w: &w}
	if err := s.start(&head{}); err != nil {
		t.Fatal(err)
	}
	rows := 0
	for w.bytes() < 64<<10 && rows < 200_000 {
		row := findingRow(&rep.Findings[rows%len(rep.Findings)], newNames(rep, Options{RoomNumber: roomNumbers(rep)}))
		if err := s.finding(&row); err != nil {
			t.Fatal(err)
		}
		rows++
	}
	if w.bytes() == 0 || rows == 200_000 {
		t.Fatalf("%d bytes written after %d rows", w.bytes(), rows)
	}
	if err := s.finish(&head{}, rows, nil, AgencyRow{}); err != nil {
		t.Fatal(err)
	}
}

// TestXLSXWriteError: an error of the writer is returned, naming what failed.
func TestXLSXWriteError(t *testing.T) {
	err := Write(failingWriter{}, synthReport(t), XLSX, Options{})
	if err == nil || !strings.Contains(err.Error(), "XLSX") || !errors.Is(err, errDiskFull) {
		t.Errorf("error %v", err)
	}
}

var errDiskFull = errors.New("disk full")

// failingWriter fails every write with errDiskFull.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

// TestCellTextAsCellText: cellText, which skips cell.Text's number pattern where the first character
// cannot start a formula, gives what cell.Text gives.
func TestCellTextAsCellText(t *testing.T) {
	cases := []string{"=1+1", "+1", "-2", "-2.50", "-", "-Inf", "@A1", "\t=1", "\r=1", "12", "1e-05", "a=b",
		"办公室", " =1", "'=1"}
	rng := rand.New(rand.NewPCG(1, 2))
	chars := []string{"=", "+", "-", "@", "\t", "\r", "1", "0", ".", "e", "E", "a", "办", " "}
	for range 2000 {
		var b []byte
		for range 1 + rng.IntN(6) {
			b = append(b, chars[rng.IntN(len(chars))]...)
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		if got, want := cellText(s), cell.Text(s); got != want {
			t.Fatalf("cellText(%q) = %q, cell.Text gives %q", s, got, want)
		}
	}
}

// BenchmarkXLSX350k writes the workbook of a 200,000-room register's report, its findings five times
// over (347,325 rows, about as many as a million rooms' over-standard findings), with the new writer and
// with excelize's StreamWriter it replaced.
func BenchmarkXLSX350k(b *testing.B) {
	d := synth.Generate(synth.Config{Seed: 2024, Buildings: 400, Floors: 10, RoomsPerFloor: 50})
	snap := &floorplan.Snapshot{AsOf: floorplan.Day(2025, 6, 30), Buildings: d.Buildings, Floors: d.Floors,
		Rooms: d.Rooms, Agencies: d.Agencies, People: d.People, Assignments: d.Assignments}
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	if err != nil {
		b.Fatal(err)
	}
	again := *rep
	again.Agencies = nil
	parts := func(fn func(*floorplan.Report) error) error {
		for i := range 5 {
			p := rep
			if i > 0 {
				p = &again
			}
			if err := fn(p); err != nil {
				return err
			}
		}
		return nil
	}
	opt := Options{RoomNumber: roomNumbers(rep)}
	for _, c := range []struct {
		name string
		mk   func(io.Writer) sink
	}{{"new", newXLSX(false)}, {"excelize", oldXLSX(false)}} {
		b.Run(c.name, func(b *testing.B) {
			var out countingWriter
			b.ReportAllocs()
			for b.Loop() {
				out.n.Store(0)
				if err := run(rep.AsOf, parts, opt, c.mk(&out)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(5*len(rep.Findings)), "findings")
			b.ReportMetric(float64(out.bytes()), "bytes")
		})
	}
}

// The workbook writer that xlsxSink replaced (excelize's StreamWriter), kept as the oracle that the new
// writer's workbooks are compared with.

// oldXLSXZip is the workbook's zip writer (excelize's File.SetZipWriter): the new writer's (newDeflateZip).
func oldXLSXZip(w io.Writer) excelize.ZipWriter { return newDeflateZip(w) }

// oldXLSXSink writes the workbook with excelize's streaming writers: the findings sheet row by row as the
// findings come (excelize keeps the sheet in a temporary file past 16 MB), then the per-agency sheet. The
// zip is put together in memory at the end (excelize's File.WriteTo, with oldXLSXZip's faster deflate):
// its size, compressed, not the rows'. Numbers are numbers (two decimals shown), ids and names text.
type oldXLSXSink struct {
	w  io.Writer
	en bool

	f                    *excelize.File
	sw                   *excelize.StreamWriter
	head, num, pct, bold int
	findingsName, agName string
	top, rows            int // note rows above the findings' header; findings written
	row                  []any
	cells                []string // a finding's text cells, reused from row to row
	// nums are the numeric cells of a finding's row (area, standard, excess, percentage), reused from row
	// to row: SetRow takes *excelize.Cell as well as excelize.Cell, which would be boxed anew each row.
	nums [4]excelize.Cell
}

func (s *oldXLSXSink) wantsFindings() bool { return true }

func oldXLSXErr(err error) error { return fmt.Errorf("report: XLSX: %w", err) }

// start makes the workbook, its styles and sheets, and writes the findings sheet's notes and header.
func (s *oldXLSXSink) start(h *head) error {
	s.f = excelize.NewFile()
	s.f.SetZipWriter(oldXLSXZip)
	lang := "zh"
	if s.en {
		lang = "en"
	}
	s.findingsName, s.agName = SheetNames(lang)
	if err := s.f.SetSheetName("Sheet1", s.findingsName); err != nil {
		return oldXLSXErr(err)
	}
	if _, err := s.f.NewSheet(s.agName); err != nil {
		return oldXLSXErr(err)
	}
	var err error
	styles := []struct {
		id    *int
		style *excelize.Style
	}{
		{&s.head, &excelize.Style{Font: &excelize.Font{Bold: true},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#EDEDED"}}}},
		{&s.num, &excelize.Style{NumFmt: 2}}, // 0.00
		{&s.pct, &excelize.Style{CustomNumFmt: oldPtr("0.0")}},
		{&s.bold, &excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 2}},
	}
	for _, st := range styles {
		if *st.id, err = s.f.NewStyle(st.style); err != nil {
			return oldXLSXErr(err)
		}
	}
	if s.sw, err = s.f.NewStreamWriter(s.findingsName); err != nil {
		return oldXLSXErr(err)
	}
	widths := []float64{30, 24, 10, 28, 12, 18, 12, 12, 12, 11, 12, 16, 40, 60, 38, 38, 38, 50}
	s.row = make([]any, len(widths))
	s.cells = make([]string, 0, len(widths))
	s.nums = [4]excelize.Cell{{StyleID: s.num}, {StyleID: s.num}, {StyleID: s.num}, {StyleID: s.pct}}
	s.top, err = oldStartSheet(s.sw, h.Notes, widths, findingHeader(s.en), s.head, s.en)
	return err
}

// finding writes one finding's row.
func (s *oldXLSXSink) finding(r *FindingRow) error {
	c := appendFindingCells(s.cells[:0], r, s.en, false) // cells 6 to 9 blank: numbers below
	s.cells = c
	row := s.row
	for k := range c {
		if c[k] == "" {
			row[k] = nil // an empty cell, not an empty string
		} else {
			row[k] = cellText(c[k]) // text that starts like a formula stays text
		}
	}
	s.nums[0].Value = r.AreaM2
	row[6] = &s.nums[0]
	if r.StandardM2 > 0 {
		s.nums[1].Value, s.nums[2].Value, s.nums[3].Value = r.StandardM2, r.ExcessM2, r.ExcessPct
		row[7], row[8], row[9] = &s.nums[1], &s.nums[2], &s.nums[3]
		if pct := pctCell(r.ExcessPct); pct == "<0.1" { // a breach that 0.0 would hide
			row[9] = pct
		}
	}
	at, _ := excelize.CoordinatesToCellName(1, s.top+s.rows+2)
	s.rows++
	if err := s.sw.SetRow(at, row); err != nil {
		return oldXLSXErr(err)
	}
	return nil
}

// finish ends the findings sheet, writes the per-agency sheet (the rows, then their sum in bold) and
// the workbook to w.
func (s *oldXLSXSink) finish(h *head, _ int, agencies []AgencyRow, total AgencyRow) error {
	if err := s.sw.Flush(); err != nil {
		return oldXLSXErr(err)
	}
	sw, err := s.f.NewStreamWriter(s.agName)
	if err != nil {
		return oldXLSXErr(err)
	}
	top, err := oldStartSheet(sw, h.Notes, []float64{34, 8, 8, 16, 16, 18, 16, 8, 38}, agencyHeader(s.en), s.head, s.en)
	if err != nil {
		return err
	}
	agencyRow := func(a *AgencyRow, style int) []any {
		return []any{
			excelize.Cell{StyleID: oldStyleOr(style, 0), Value: cell.Text(a.Agency)}, a.People, a.Rooms,
			excelize.Cell{StyleID: oldStyleOr(style, s.num), Value: a.OfficeAreaM2},
			excelize.Cell{StyleID: oldStyleOr(style, s.num), Value: a.StandardAreaM2},
			excelize.Cell{StyleID: oldStyleOr(style, s.num), Value: a.OfficeSpaceAreaM2},
			excelize.Cell{StyleID: oldStyleOr(style, s.num), Value: a.ApprovedAreaM2},
			a.Findings, idCell(a.AgencyID),
		}
	}
	for i := range agencies {
		at, _ := excelize.CoordinatesToCellName(1, top+i+2)
		if err := sw.SetRow(at, agencyRow(&agencies[i], 0)); err != nil {
			return oldXLSXErr(err)
		}
	}
	at, _ := excelize.CoordinatesToCellName(1, top+len(agencies)+2)
	if err := sw.SetRow(at, agencyRow(&total, s.bold)); err != nil {
		return oldXLSXErr(err)
	}
	if err := sw.Flush(); err != nil {
		return oldXLSXErr(err)
	}
	s.f.SetActiveSheet(0)
	if err := s.f.Write(s.w); err != nil {
		return fmt.Errorf("report: writing XLSX: %w", err)
	}
	return nil
}

// close releases the workbook and its temporary files.
func (s *oldXLSXSink) close() error {
	if s.f == nil {
		return nil
	}
	if err := s.f.Close(); err != nil {
		return oldXLSXErr(err)
	}
	return nil
}

// oldStartSheet sets a sheet's column widths, writes the notes (one row each) and the header below them,
// frozen, and returns the number of note rows.
func oldStartSheet(sw *excelize.StreamWriter, notes []NoteRow, widths []float64, header []string, head int, en bool) (int, error) {
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return 0, oldXLSXErr(err)
		}
	}
	top := len(notes)
	below, _ := excelize.CoordinatesToCellName(1, top+2)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: top + 1, TopLeftCell: below, ActivePane: "bottomLeft"}); err != nil {
		return 0, oldXLSXErr(err)
	}
	for i, n := range notes {
		at, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(at, []any{cell.Text(noteLine(n, en))}); err != nil {
			return 0, oldXLSXErr(err)
		}
	}
	at, _ := excelize.CoordinatesToCellName(1, top+1)
	if err := sw.SetRow(at, oldHeaderCells(header, head)); err != nil {
		return 0, oldXLSXErr(err)
	}
	return top, nil
}

func oldHeaderCells(h []string, style int) []any {
	out := make([]any, len(h))
	for i, s := range h {
		out[i] = excelize.Cell{StyleID: style, Value: s}
	}
	return out
}

func oldStyleOr(style, def int) int {
	if style != 0 {
		return style
	}
	return def
}

func oldPtr[T any](v T) *T { return &v }

// closedWriter fails the test on a write after it is closed (a handler's ResponseWriter after it returned).
type closedWriter struct {
	t      *testing.T
	closed atomic.Bool
	n      atomic.Int64
}

func (w *closedWriter) Write(p []byte) (int, error) {
	if w.closed.Load() {
		w.t.Errorf("%d bytes written after Stream returned", len(p))
	}
	w.n.Add(int64(len(p)))
	return len(p), nil
}

// TestXLSXStopsWithTheReport: the XML deflated on another goroutine is all written before Stream returns,
// whether the report ends or its parts fail half way: nothing reaches the output after it.
func TestXLSXStopsWithTheReport(t *testing.T) {
	rep := synthReport(t)
	errParts := errors.New("the register went away")
	for _, fail := range []bool{false, true} {
		w := &closedWriter{t: t}
		parts := func(fn func(*floorplan.Report) error) error {
			for range 40 { // enough rows for several flushes
				if err := fn(rep); err != nil {
					return err
				}
			}
			if fail {
				return errParts
			}
			return nil
		}
		err := Stream(w, rep.AsOf, parts, XLSX, Options{})
		w.closed.Store(true)
		if fail != errors.Is(err, errParts) {
			t.Errorf("parts failing %v: Stream = %v", fail, err)
		}
		if w.n.Load() < 2*xlsxFlushAt {
			t.Errorf("parts failing %v: %d bytes written, want several flushes' worth", fail, w.n.Load())
		}
		time.Sleep(20 * time.Millisecond) // a write still in flight would come now
	}
}
