package roomlist

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"officemap/floorplan/imports"
)

// ReadOptions configures Read.
type ReadOptions struct {
	// Columns names the column of some fields by header or letter (ParseColumns); the others are found
	// by their usual names.
	Columns map[Field]string
	// Sheet is the sheet of a workbook to read; "" reads the first sheet that has a header row.
	Sheet string
	// Lang is the language of the errors: "en" for English, Chinese otherwise.
	Lang string
}

// Limits of what Read takes.
const (
	maxRows    = 50000 // data rows
	maxColumns = 512
	// maxUnzipped bounds what a workbook may unzip to, and maxSheetXML one sheet's XML held in memory.
	maxUnzipped = 256 << 20
	maxSheetXML = 64 << 20
)

// grid is a sheet as text: its rows and the number in the sheet of each (from 1).
type grid struct {
	rows  [][]string
	lines []int
}

// Read reads a room list: an XLSX workbook or a CSV file, told apart by the name's extension or, failing
// that, by the content. Its errors are *imports.Error naming the file and, where there is one, the row.
func Read(name string, data []byte, opt ReadOptions) (*List, error) {
	file := filepath.Base(name)
	l := &List{File: file, Columns: map[Field]string{}}
	var g grid
	var err *failure
	switch ext := strings.ToLower(filepath.Ext(file)); {
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")):
		err = fail("an Excel 97-2003 workbook (.xls): save it as .xlsx or CSV")
	case ext == ".xlsx" || ext == ".xlsm" || bytes.HasPrefix(data, []byte("PK\x03\x04")):
		l.Format = "xlsx"
		g, l.Sheet, err = readWorkbook(data, opt)
	default:
		l.Format = "csv"
		g, l.Encoding, err = readCSV(data)
		if l.Encoding == "gb18030" {
			l.Notes = append(l.Notes, imports.Notef("the file is not UTF-8: read as GB18030 (as a Chinese Excel saves CSV)"))
		}
	}
	if err != nil {
		return nil, rejected(file, err, opt.Lang)
	}
	h, herr := findHeader(g.rows, opt.Columns)
	if herr != nil {
		if herr.line > 0 {
			herr.line = g.lines[herr.line-1]
		}
		return nil, rejected(file, herr, opt.Lang)
	}
	if err := checkColumns(h); err != nil {
		err.line = g.lines[h.row]
		return nil, rejected(file, err, opt.Lang)
	}
	l.HeaderRow = g.lines[h.row]
	for f, text := range h.text {
		l.Columns[f] = text
	}
	if len(h.unused) > 0 {
		l.Notes = append(l.Notes, imports.Notef("columns not read: %s", strings.Join(h.unused, ", ")))
	}
	for i := h.row + 1; i < len(g.rows); i++ {
		if r, keep := rowOf(g.rows[i], g.lines[i], h); keep {
			l.Rows = append(l.Rows, r)
		} else if r.Line > 0 {
			l.Notes = append(l.Notes, imports.Notef("row %d is a total and was left out", r.Line))
		}
	}
	if len(l.Rows) == 0 {
		return nil, rejected(file, fail("no rows below the header (row %d)", l.HeaderRow), opt.Lang)
	}
	return l, nil
}

// checkColumns checks that the header has the columns a list needs.
func checkColumns(h *header) *failure {
	_, floor := h.col[FieldFloor]
	_, ordinal := h.col[FieldOrdinal]
	if !floor && !ordinal {
		return fail("no floor column (楼层, 层, floor)")
	}
	for _, f := range []Field{FieldUsage, FieldAgency, FieldArea} {
		if _, ok := h.col[f]; ok {
			return nil
		}
	}
	for _, u := range h.unused {
		for _, g := range grossHeaders {
			if normalHeader(u) == g {
				return fail("column %q is a gross area (建筑面积), not a room's usable area (使用面积): "+
					"name it (columns area=%s) to read it all the same", u, u)
			}
		}
	}
	return fail("nothing to import: no usage (用途), agency (使用单位) or area (面积) column")
}

// rowOf reads one data row. keep is false for a row that gives no room (no number, usage, agency or
// area: a blank row, a section's title, the rest of a merged building cell; Line 0) and for a row of
// totals (Line set).
func rowOf(cells []string, line int, h *header) (r Row, keep bool) {
	cell := func(f Field) string {
		j, ok := h.col[f]
		if !ok || j >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[j])
	}
	r = Row{Line: line, Building: cell(FieldBuilding), Floor: cell(FieldFloor), Number: cell(FieldNumber),
		Usage: cell(FieldUsage), Agency: cell(FieldAgency)}
	area, ordinal := cell(FieldArea), cell(FieldOrdinal)
	if r.Number+r.Usage+r.Agency+area+ordinal == "" {
		return Row{}, false
	}
	if isTotal(r.Number) || r.Number == "" && slices.ContainsFunc(cells, isTotal) {
		return Row{Line: line}, false
	}
	bad := func(f Field, n *imports.Note) {
		if n != nil {
			r.Problems = append(r.Problems, CellProblem{Field: f, Column: h.text[f], Why: *n})
		}
	}
	if r.Number == "" {
		bad(FieldNumber, ptr(imports.Notef("no room number")))
	}
	bad(FieldNumber, checkText(r.Number, numberRunes))
	bad(FieldBuilding, checkText(r.Building, maxCellRunes))
	bad(FieldFloor, checkText(r.Floor, maxCellRunes))
	bad(FieldUsage, checkText(r.Usage, maxCellRunes))
	bad(FieldAgency, checkText(r.Agency, maxCellRunes))
	if area != "" {
		var n *imports.Note
		r.AreaM2, n = parseArea(area)
		bad(FieldArea, n)
	}
	if ordinal != "" {
		o, n := parseOrdinal(ordinal)
		bad(FieldOrdinal, n)
		if n == nil {
			r.Ordinal = &o
		}
	}
	return r, true
}

func ptr[T any](v T) *T { return &v }

// readCSV decodes a CSV file (UTF-8 with or without a byte-order mark, UTF-16 with one, else GB18030)
// and splits it into rows with the delimiter its first line uses (comma, tab or semicolon).
func readCSV(data []byte) (grid, string, *failure) {
	var text string
	enc := "utf-8"
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		text, enc = string(data[3:]), "utf-8-bom"
	case bytes.HasPrefix(data, []byte("\xff\xfe")) || bytes.HasPrefix(data, []byte("\xfe\xff")):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		out, err := dec.Bytes(data)
		if err != nil {
			return grid{}, "", fail("the file starts as UTF-16 text but cannot be read as such")
		}
		text, enc = string(out), "utf-16"
	case utf8.Valid(data):
		text = string(data)
	default:
		out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			return grid{}, "", fail("the file is neither UTF-8 nor GB18030 text: save it as CSV UTF-8 or as .xlsx")
		}
		text, enc = string(out), "gb18030"
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delimiter(text)
	r.FieldsPerRecord = -1
	var g grid
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return g, enc, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return grid{}, "", &failure{why: imports.Notef("not CSV: %v", pe.Err), line: pe.Line}
		} else if err != nil {
			return grid{}, "", fail("not CSV: %v", err)
		}
		line, _ := r.FieldPos(0)
		if nerr := g.add(rec, line); nerr != nil {
			return grid{}, "", nerr
		}
	}
}

// add appends a row, without its trailing empty cells, within the limits; an empty row is left out.
func (g *grid) add(cells []string, line int) *failure {
	end := len(cells)
	for end > 0 && strings.TrimSpace(cells[end-1]) == "" {
		end--
	}
	if end == 0 {
		return nil
	}
	if end > maxColumns {
		return &failure{why: imports.Notef("more than %d columns", maxColumns), line: line}
	}
	if len(g.rows) >= maxRows+maxHeaderScan {
		return &failure{why: imports.Notef("more than %d rows: split the list", maxRows), line: line}
	}
	g.rows = append(g.rows, cells[:end])
	g.lines = append(g.lines, line)
	return nil
}

// delimiter is the separator that the first lines of a CSV text use most, outside quotes: comma, tab
// or semicolon (a title line may have none).
func delimiter(text string) rune {
	counts := map[rune]int{}
	quoted, lines := false, 0
	for _, c := range text {
		if lines > maxHeaderScan {
			break
		}
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			lines++
		case c == ',' || c == '\t' || c == ';':
			counts[c]++
		}
	}
	best := ','
	for _, d := range []rune{'\t', ';'} {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return best
}

// readWorkbook reads the sheet of an XLSX workbook that opt names, or else the first sheet with a header
// row. The value of a merged cell fills the whole merged range (a building's name merged down its rows).
func readWorkbook(data []byte, opt ReadOptions) (grid, string, *failure) {
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxSheetXML})
	if err != nil {
		return grid{}, "", fail("not an XLSX workbook: %v", err)
	}
	defer wb.Close()
	sheets := wb.GetSheetList()
	if opt.Sheet != "" {
		if !contains(sheets, opt.Sheet) {
			return grid{}, "", fail("no sheet %q (the workbook has %s)", opt.Sheet, strings.Join(sheets, ", "))
		}
		g, err := readSheet(wb, opt.Sheet)
		return g, opt.Sheet, err
	}
	var first *failure
	for _, name := range sheets {
		g, err := readSheet(wb, name)
		if err == nil {
			if _, herr := findHeader(g.rows, opt.Columns); herr == nil {
				return g, name, nil
			}
		} else if first == nil {
			first = err
		}
	}
	if first != nil {
		return grid{}, "", first
	}
	if len(sheets) == 0 {
		return grid{}, "", fail("the workbook has no sheet")
	}
	g, nerr := readSheet(wb, sheets[0]) // the error will be the first sheet's: no header
	return g, sheets[0], nerr
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// readSheet reads one sheet's rows, merged ranges filled.
func readSheet(wb *excelize.File, sheet string) (grid, *failure) {
	var g grid
	rows, err := wb.Rows(sheet)
	if err != nil {
		return grid{}, fail("sheet %q cannot be read: %v", sheet, err)
	}
	defer rows.Close()
	for line := 1; rows.Next(); line++ {
		cells, err := rows.Columns()
		if err != nil {
			return grid{}, &failure{why: imports.Notef("sheet %q cannot be read: %v", sheet, err), line: line}
		}
		if nerr := g.add(cells, line); nerr != nil {
			return grid{}, nerr
		}
	}
	if err := rows.Error(); err != nil {
		return grid{}, fail("sheet %q cannot be read: %v", sheet, err)
	}
	merged, err := wb.GetMergeCells(sheet)
	if err != nil {
		return grid{}, fail("sheet %q cannot be read: %v", sheet, err)
	}
	for _, m := range merged {
		g.fill(m)
	}
	return g, nil
}

// fill gives every cell of a merged range (within the rows read and the column limit) the value of its
// top-left cell.
func (g *grid) fill(m excelize.MergeCell) {
	c0, r0, err0 := excelize.CellNameToCoordinates(m.GetStartAxis())
	c1, r1, err1 := excelize.CellNameToCoordinates(m.GetEndAxis())
	if err0 != nil || err1 != nil {
		return
	}
	v := m.GetCellValue()
	for i, line := range g.lines {
		if line < r0 || line > r1 {
			continue
		}
		for c := c0; c <= min(c1, maxColumns); c++ {
			for len(g.rows[i]) < c {
				g.rows[i] = append(g.rows[i], "")
			}
			g.rows[i][c-1] = v
		}
	}
}
