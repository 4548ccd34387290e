package sheet

import (
	"path/filepath"
	"strings"

	"officemap/floorplan/imports"
)

// Column is one column of an importer's layout: the import finds it by its header, its English header,
// its field's name or a synonym; the template and the export write its header.
type Column struct {
	Field    string   // "staff_no", "title_number", …
	Header   string   // the Chinese header of the template and export ("工号")
	HeaderEN string   // English header
	Synonyms []string // other headers accepted on import (职务层次 for 职级, 坐落 for 地址 …)
	Required bool     // a header row must have it
	Choices  []string // the values a cell may take (Chinese labels), for data validation lists; nil: free
	Help     string   // one line for the instructions (Chinese)
}

// HeaderOf returns the Chinese header of a field's column in a layout, or the field itself when the
// layout has no such column.
func HeaderOf(cols []Column, field string) string {
	for _, c := range cols {
		if c.Field == field {
			return c.Header
		}
	}
	return field
}

// FieldOf maps every header a layout's columns are known by (header, English header, field name and
// synonyms, as NormalHeader leaves them) to the column's field.
func FieldOf(cols []Column) map[string]string {
	out := map[string]string{}
	for _, c := range cols {
		for _, h := range append([]string{c.Header, c.HeaderEN, c.Field}, c.Synonyms...) {
			if key := NormalHeader(h); key != "" {
				out[key] = c.Field
			}
		}
	}
	return out
}

// Ignored is a column a layout recognises only to leave it out unread (national ID numbers): its cells
// are blanked as soon as the sheet is read, and Why, given the column's header, is noted.
type Ignored struct {
	Field   string
	Headers []string
	Why     func(header string) imports.Note
}

// Spec is what ReadTable reads: a layout's sheet, with the columns an operator names.
type Spec struct {
	Columns []Column
	Ignored *Ignored          // nil: none
	Named   map[string]string // field → header or column letter; they win over the headers of Columns
	Sheet   string            // the sheet of a workbook to read; "": the first with a header row
	Lang    string            // the language of the errors ("en" or Chinese)
	// NoHeader is the failure when no row among the first MaxHeaderScan has every required column,
	// given their Chinese headers, joined by commas.
	NoHeader func(required string) *Failure
}

// Finder returns the finder of the spec's header row: the first row with every required column.
func (s Spec) Finder() Finder[string] {
	fieldOf := FieldOf(s.Columns)
	if s.Ignored != nil {
		for _, h := range s.Ignored.Headers {
			fieldOf[NormalHeader(h)] = s.Ignored.Field
		}
	}
	var required []string
	for _, c := range s.Columns {
		if c.Required {
			required = append(required, c.Header)
		}
	}
	return Finder[string]{FieldOf: fieldOf, Explicit: s.Named,
		IsHeader: func(col map[string]int) bool {
			for _, c := range s.Columns {
				if _, ok := col[c.Field]; c.Required && !ok {
					return false
				}
			}
			return true
		},
		NoHeader: func() *Failure { return s.NoHeader(strings.Join(required, ", ")) }}
}

// Table is a layout's sheet as read: its header and the data rows below it, each with its number in the
// sheet, and the notes of the reading.
type Table struct {
	File  string // the file's base name
	Head  *Header[string]
	Rows  [][]string
	Lines []int
	Notes []imports.Note
	cols  []Column
}

// Cell returns the trimmed text of a field in data row i.
func (t *Table) Cell(i int, f string) string { return t.Head.Cell(t.Rows[i], f) }

// Has reports whether the sheet has a column for a field.
func (t *Table) Has(f string) bool {
	_, ok := t.Head.Col[f]
	return ok
}

// HeaderOf returns the header text of a field's column, or the layout's own when the sheet has none.
func (t *Table) HeaderOf(f string) string {
	if h := t.Head.Text[f]; h != "" {
		return h
	}
	return HeaderOf(t.cols, f)
}

// ReadTable reads a spreadsheet (Read) in a layout: the header row found among the first rows, the rows
// below it. An ignored column is left out with a note, so are the columns of no field; a sheet without
// a header row or without rows below it is an *imports.Error naming the file and the row.
func ReadTable(name string, data []byte, s Spec) (*Table, error) {
	file := filepath.Base(name)
	fd := s.Finder()
	g, f := Read(file, data, s.Sheet, fd.Has)
	if f != nil {
		return nil, Rejected(file, f, s.Lang)
	}
	h, f := fd.Find(g.Rows)
	if f != nil {
		if f.Line > 0 {
			f.Line = g.Lines[f.Line-1]
		}
		return nil, Rejected(file, f, s.Lang)
	}
	t := &Table{File: file, Head: h, Rows: g.Rows[h.Row+1:], Lines: g.Lines[h.Row+1:], Notes: g.Notes, cols: s.Columns}
	if ig := s.Ignored; ig != nil {
		if col, ok := h.Col[ig.Field]; ok {
			t.Notes = append(t.Notes, ig.Why(h.Text[ig.Field]))
			delete(h.Col, ig.Field)
			for _, row := range t.Rows { // drop the cells from memory as well
				if col < len(row) {
					row[col] = ""
				}
			}
		}
	}
	if len(h.Unused) > 0 {
		t.Notes = append(t.Notes, imports.Notef("columns not read: %s", strings.Join(h.Unused, ", ")))
	}
	if len(t.Rows) == 0 {
		return nil, Rejected(file, Fail("no rows below the header (row %d)", g.Lines[h.Row]), s.Lang)
	}
	return t, nil
}
