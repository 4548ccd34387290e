// Package sheet reads the spreadsheets bureaus keep — an XLSX workbook, or CSV as Excel writes it (UTF-8
// with or without a byte-order mark, GB18030 from a Chinese Excel, UTF-16 "Unicode text"; comma, tab or
// semicolon) — as a grid of text cells with the number each row has in the sheet, and finds the header
// row among the first rows by the columns' names (with synonyms) or as an operator names them, by
// header or by column letter. The importers of room lists (roomlist), of staff (staff) and of the
// property register (properties) share it; the last two also share what reads a layout's sheet into a
// Table, the Problems of its rows, the reading of dates and choices, their summaries' Text and the
// writing of their exports as CSV.
//
// Its errors are *Failure values: a note (told in the reader's language, see imports.Note) and the row
// of the sheet concerned; Rejected makes one an *imports.Error naming the file and the row.
package sheet

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

// Limits of what Read takes.
const (
	MaxRows    = 50000 // data rows
	MaxColumns = 512
	// MaxHeaderScan is how many rows from the top are searched for the header (a title, a date and a
	// blank line often come first).
	MaxHeaderScan = 20
	// maxUnzipped bounds what a workbook may unzip to, and maxSheetXML one sheet's XML held in memory.
	maxUnzipped = 256 << 20
	maxSheetXML = 64 << 20
)

// Grid is a sheet as text: its non-empty rows (trailing empty cells left out) and the number in the
// sheet of each (from 1), with where it came from.
type Grid struct {
	Rows     [][]string
	Lines    []int
	Format   string // xlsx or csv
	Encoding string // csv: utf-8, utf-8-bom, gb18030 or utf-16; "" for xlsx
	Sheet    string // xlsx: the sheet read
	Notes    []imports.Note
}

// Failure is what makes a sheet unreadable as a whole — a file that is not text, a sheet without a
// header row — told as a note so that it can be told in the reader's language, with the row of the sheet
// it is about (from 1; 0 when none).
type Failure struct {
	Why  imports.Note
	Line int
}

// Error tells the failure in English.
func (f *Failure) Error() string { return f.Why.String() }

// Fail makes a failure of no particular row; format is English with a Chinese entry (imports.Notef).
func Fail(format string, args ...any) *Failure { return &Failure{Why: imports.Notef(format, args...)} }

// RowName names a row of the sheet in a language: "row 7", "第 7 行".
func RowName(line int, lang string) string { return imports.Notef("row %d", line).In(lang) }

// Rejected is the *imports.Error of a sheet that cannot be read: the file, the row and why (an
// *imports.NoteError, which Problem.In and imports.ErrorIn tell in the reader's language).
func Rejected(file string, f *Failure, lang string) *imports.Error {
	err := &imports.NoteError{Note: f.Why}
	p := imports.Problem{Reason: err.Error(), Err: err}
	if f.Line > 0 {
		p.Feature = RowName(f.Line, lang)
	}
	return &imports.Error{File: file, Problems: []imports.Problem{p}}
}

// Read reads a spreadsheet: an XLSX workbook or a CSV file, told apart by the name's extension or, failing
// that, by the content. Of a workbook it reads the sheet named, or else the first sheet whose rows
// hasHeader accepts (nil: the first sheet).
func Read(name string, data []byte, sheet string, hasHeader func(rows [][]string) bool) (*Grid, *Failure) {
	file := filepath.Base(name)
	switch ext := strings.ToLower(filepath.Ext(file)); {
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")):
		return nil, Fail("an Excel 97-2003 workbook (.xls): save it as .xlsx or CSV")
	case ext == ".xlsx" || ext == ".xlsm" || bytes.HasPrefix(data, []byte("PK\x03\x04")):
		g, err := readWorkbook(data, sheet, hasHeader)
		if err != nil {
			return nil, err
		}
		g.Format = "xlsx"
		return g, nil
	}
	g, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	g.Format = "csv"
	if g.Encoding == "gb18030" {
		g.Notes = append(g.Notes, imports.Notef("the file is not UTF-8: read as GB18030 (as a Chinese Excel saves CSV)"))
	}
	return g, nil
}

// readCSV decodes a CSV file (UTF-8 with or without a byte-order mark, UTF-16 with one, else GB18030)
// and splits it into rows with the delimiter its first lines use (comma, tab or semicolon).
func readCSV(data []byte) (*Grid, *Failure) {
	text, enc, f := decode(data)
	if f != nil {
		return nil, f
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delimiter(text)
	r.FieldsPerRecord = -1
	g := &Grid{Encoding: enc}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return g, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &Failure{Why: imports.Notef("not CSV: %v", pe.Err), Line: pe.Line}
		} else if err != nil {
			return nil, Fail("not CSV: %v", err)
		}
		line, _ := r.FieldPos(0)
		if nerr := g.add(rec, line); nerr != nil {
			return nil, nerr
		}
	}
}

// decode gives a CSV file's text and its encoding.
func decode(data []byte) (text, enc string, f *Failure) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		return string(data[3:]), "utf-8-bom", nil
	case bytes.HasPrefix(data, []byte("\xff\xfe")) || bytes.HasPrefix(data, []byte("\xfe\xff")):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		out, err := dec.Bytes(data)
		if err != nil {
			return "", "", Fail("the file starts as UTF-16 text but cannot be read as such")
		}
		return string(out), "utf-16", nil
	case utf8.Valid(data):
		return string(data), "utf-8", nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return "", "", Fail("the file is neither UTF-8 nor GB18030 text: save it as CSV UTF-8 or as .xlsx")
	}
	return string(out), "gb18030", nil
}

// add appends a row, without its trailing empty cells, within the limits; an empty row is left out.
func (g *Grid) add(cells []string, line int) *Failure {
	end := len(cells)
	for end > 0 && strings.TrimSpace(cells[end-1]) == "" {
		end--
	}
	if end == 0 {
		return nil
	}
	if end > MaxColumns {
		return &Failure{Why: imports.Notef("more than %d columns", MaxColumns), Line: line}
	}
	if len(g.Rows) >= MaxRows+MaxHeaderScan {
		return &Failure{Why: imports.Notef("more than %d rows: split the list", MaxRows), Line: line}
	}
	g.Rows = append(g.Rows, cells[:end:end])
	g.Lines = append(g.Lines, line)
	return nil
}

// delimiter is the separator that the first lines of a CSV text use most, outside quotes: comma, tab
// or semicolon (a title line may have none).
func delimiter(text string) rune {
	counts := map[rune]int{}
	quoted, lines := false, 0
	for _, c := range text {
		if lines > MaxHeaderScan {
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

// readWorkbook reads the sheet of an XLSX workbook that is named, or else the first sheet with a header
// row. The value of a merged cell fills the whole merged range (a building's name merged down its rows).
func readWorkbook(data []byte, sheet string, hasHeader func([][]string) bool) (*Grid, *Failure) {
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxSheetXML})
	if err != nil {
		return nil, Fail("not an XLSX workbook: %v", err)
	}
	defer wb.Close()
	sheets := wb.GetSheetList()
	if sheet != "" {
		if !slices.Contains(sheets, sheet) {
			return nil, Fail("no sheet %q (the workbook has %s)", sheet, strings.Join(sheets, ", "))
		}
		return readSheet(wb, sheet)
	}
	var first *Failure
	for _, name := range sheets {
		g, err := readSheet(wb, name)
		if err == nil {
			if hasHeader == nil || hasHeader(g.Rows) {
				return g, nil
			}
		} else if first == nil {
			first = err
		}
	}
	if first != nil {
		return nil, first
	}
	if len(sheets) == 0 {
		return nil, Fail("the workbook has no sheet")
	}
	return readSheet(wb, sheets[0]) // the error will be the first sheet's: no header
}

// readSheet reads one sheet's rows, merged ranges filled.
func readSheet(wb *excelize.File, sheet string) (*Grid, *Failure) {
	g := &Grid{Sheet: sheet}
	rows, err := wb.Rows(sheet)
	if err != nil {
		return nil, Fail("sheet %q cannot be read: %v", sheet, err)
	}
	defer rows.Close()
	for line := 1; rows.Next(); line++ {
		cells, err := rows.Columns()
		if err != nil {
			return nil, &Failure{Why: imports.Notef("sheet %q cannot be read: %v", sheet, err), Line: line}
		}
		if nerr := g.add(cells, line); nerr != nil {
			return nil, nerr
		}
	}
	if err := rows.Error(); err != nil {
		return nil, Fail("sheet %q cannot be read: %v", sheet, err)
	}
	merged, err := wb.GetMergeCells(sheet)
	if err != nil {
		return nil, Fail("sheet %q cannot be read: %v", sheet, err)
	}
	for _, m := range merged {
		g.fill(m)
	}
	return g, nil
}

// fill gives every cell of a merged range (within the rows read and the column limit) the value of its
// top-left cell.
func (g *Grid) fill(m excelize.MergeCell) {
	c0, r0, err0 := excelize.CellNameToCoordinates(m.GetStartAxis())
	c1, r1, err1 := excelize.CellNameToCoordinates(m.GetEndAxis())
	if err0 != nil || err1 != nil {
		return
	}
	v := m.GetCellValue()
	for i, line := range g.Lines {
		if line < r0 || line > r1 {
			continue
		}
		for c := c0; c <= min(c1, MaxColumns); c++ {
			for len(g.Rows[i]) < c {
				g.Rows[i] = append(g.Rows[i], "")
			}
			g.Rows[i][c-1] = v
		}
	}
}
