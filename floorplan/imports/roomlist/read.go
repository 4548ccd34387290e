package roomlist

import (
	"path/filepath"
	"slices"
	"strings"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
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

// Read reads a room list: an XLSX workbook or a CSV file, told apart by the name's extension or, failing
// that, by the content (see package sheet). Its errors are *imports.Error naming the file and, where there
// is one, the row.
func Read(name string, data []byte, opt ReadOptions) (*List, error) {
	file := filepath.Base(name)
	fd := finder(opt.Columns)
	g, err := sheet.Read(file, data, opt.Sheet, fd.Has)
	if err != nil {
		return nil, sheet.Rejected(file, err, opt.Lang)
	}
	l := &List{File: file, Columns: map[Field]string{}, Format: g.Format, Encoding: g.Encoding, Sheet: g.Sheet,
		Notes: g.Notes}
	h, herr := fd.Find(g.Rows)
	if herr != nil {
		if herr.Line > 0 {
			herr.Line = g.Lines[herr.Line-1]
		}
		return nil, sheet.Rejected(file, herr, opt.Lang)
	}
	if err := checkColumns(h); err != nil {
		err.Line = g.Lines[h.Row]
		return nil, sheet.Rejected(file, err, opt.Lang)
	}
	l.HeaderRow = g.Lines[h.Row]
	for f, text := range h.Text {
		l.Columns[f] = text
	}
	if len(h.Unused) > 0 {
		l.Notes = append(l.Notes, imports.Notef("columns not read: %s", strings.Join(h.Unused, ", ")))
	}
	for i := h.Row + 1; i < len(g.Rows); i++ {
		if r, keep := rowOf(g.Rows[i], g.Lines[i], h); keep {
			l.Rows = append(l.Rows, r)
		} else if r.Line > 0 {
			l.Notes = append(l.Notes, imports.Notef("row %d is a total and was left out", r.Line))
		}
	}
	if len(l.Rows) == 0 {
		return nil, sheet.Rejected(file, sheet.Fail("no rows below the header (row %d)", l.HeaderRow), opt.Lang)
	}
	return l, nil
}

// checkColumns checks that the header has the columns a list needs.
func checkColumns(h *sheet.Header[Field]) *sheet.Failure {
	_, floor := h.Col[FieldFloor]
	_, ordinal := h.Col[FieldOrdinal]
	if !floor && !ordinal {
		return sheet.Fail("no floor column (楼层, 层, floor)")
	}
	for _, f := range []Field{FieldUsage, FieldAgency, FieldArea} {
		if _, ok := h.Col[f]; ok {
			return nil
		}
	}
	for _, u := range h.Unused {
		for _, g := range grossHeaders {
			if sheet.NormalHeader(u) == g {
				return sheet.Fail("column %q is a gross area (建筑面积), not a room's usable area (使用面积): "+
					"name it (columns area=%s) to read it all the same", u, u)
			}
		}
	}
	return sheet.Fail("nothing to import: no usage (用途), agency (使用单位) or area (面积) column")
}

// rowOf reads one data row. keep is false for a row that gives no room (no number, usage, agency or
// area: a blank row, a section's title, the rest of a merged building cell; Line 0) and for a row of
// totals (Line set).
func rowOf(cells []string, line int, h *sheet.Header[Field]) (r Row, keep bool) {
	cell := func(f Field) string { return h.Cell(cells, f) }
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
			r.Problems = append(r.Problems, CellProblem{Field: f, Column: h.Text[f], Why: *n})
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
