package staff

import (
	"path/filepath"
	"slices"
	"strings"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// table is a staff spreadsheet as read: its header and data rows.
type table struct {
	file  string
	kind  Kind
	h     *sheet.Header[string]
	rows  [][]string
	lines []int
	notes []imports.Note
}

// cell returns the trimmed text of a field in data row i.
func (t *table) cell(i int, f string) string { return t.h.Cell(t.rows[i], f) }

// has reports whether the sheet has a column for a field.
func (t *table) has(f string) bool {
	_, ok := t.h.Col[f]
	return ok
}

// header returns the header text of a field's column, or the layout's own when the sheet has none.
func (t *table) header(f string) string {
	if h := t.h.Text[f]; h != "" {
		return h
	}
	for _, c := range Layout(t.kind) {
		if c.Field == f {
			return c.Header
		}
	}
	return f
}

// finder finds the header row of a kind: the first row with every required column of the layout.
func finder(k Kind, explicit map[string]string) sheet.Finder[string] {
	fieldOf := map[string]string{}
	var required []string
	for _, c := range Layout(k) {
		for _, h := range append([]string{c.Header, c.HeaderEN, c.Field}, c.Synonyms...) {
			if key := sheet.NormalHeader(h); key != "" {
				fieldOf[key] = c.Field
			}
		}
		if c.Required {
			required = append(required, c.Header)
		}
	}
	for _, h := range NationalIDHeaders {
		fieldOf[sheet.NormalHeader(h)] = FieldNationalID
	}
	return sheet.Finder[string]{FieldOf: fieldOf, Explicit: explicit,
		IsHeader: func(col map[string]int) bool {
			for _, c := range Layout(k) {
				if _, ok := col[c.Field]; c.Required && !ok {
					return false
				}
			}
			return true
		},
		NoHeader: func() *sheet.Failure {
			return sheet.Fail("no header row among the first %d rows with the columns %s; name the columns (columns field=header)",
				sheet.MaxHeaderScan, strings.Join(required, ", "))
		}}
}

// readTable reads a kind's spreadsheet. A national ID column is recognised and left out with a note.
func readTable(name string, data []byte, k Kind, opt Options) (*table, error) {
	file := filepath.Base(name)
	explicit, err := explicitColumns(k, opt.Columns)
	if err != nil {
		return nil, imports.AsError(file, "", err)
	}
	fd := finder(k, explicit)
	g, f := sheet.Read(file, data, opt.Sheet, fd.Has)
	if f != nil {
		return nil, sheet.Rejected(file, f, opt.Lang)
	}
	h, f := fd.Find(g.Rows)
	if f != nil {
		if f.Line > 0 {
			f.Line = g.Lines[f.Line-1]
		}
		return nil, sheet.Rejected(file, f, opt.Lang)
	}
	t := &table{file: file, kind: k, h: h, rows: g.Rows[h.Row+1:], lines: g.Lines[h.Row+1:], notes: g.Notes}
	if col, ok := h.Col[FieldNationalID]; ok {
		t.notes = append(t.notes, imports.Notef("column %q (national ID numbers) was not read: officemap never stores them", h.Text[FieldNationalID]))
		delete(h.Col, FieldNationalID)
		for _, row := range t.rows { // drop the numbers from memory as well
			if col < len(row) {
				row[col] = ""
			}
		}
	}
	if len(h.Unused) > 0 {
		t.notes = append(t.notes, imports.Notef("columns not read: %s", strings.Join(h.Unused, ", ")))
	}
	if len(t.rows) == 0 {
		return nil, sheet.Rejected(file, sheet.Fail("no rows below the header (row %d)", g.Lines[h.Row]), opt.Lang)
	}
	return t, nil
}

// explicitColumns checks an operator's mapping of fields to headers or column letters against a layout.
func explicitColumns(k Kind, cols map[string]string) (map[string]string, error) {
	if len(cols) == 0 {
		return nil, nil
	}
	var fields []string
	for _, c := range Layout(k) {
		fields = append(fields, c.Field)
	}
	out := map[string]string{}
	for f, h := range cols {
		f = strings.ToLower(strings.TrimSpace(f))
		if !slices.Contains(fields, f) {
			return nil, imports.Reasonf("unknown field %q (use %s)", f, strings.Join(fields, ", "))
		}
		out[f] = strings.TrimSpace(h)
	}
	return out, nil
}

// ParseColumns reads an operator's naming of columns, "rank=职务层次,staff_no=B": field names of the
// layouts each with the header of its column or its letter; commas (or Chinese commas) separate the pairs.
func ParseColumns(s string) (map[string]string, error) {
	out := map[string]string{}
	for part := range strings.SplitSeq(strings.ReplaceAll(s, "，", ","), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, header, ok := strings.Cut(part, "=")
		name, header = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(header)
		switch {
		case !ok || name == "" || header == "":
			return nil, imports.Reasonf("%q is not field=header (e.g. rank=职务层次)", part)
		case out[name] != "":
			return nil, imports.Reasonf("%s is named twice", name)
		}
		out[name] = header
	}
	return out, nil
}

// problems gathers what is wrong with the rows of a file, each by its row and column.
type problems struct {
	file string
	lang string
	list []imports.Problem
	bad  map[int]bool // rows (by line) with a problem
}

func newProblems(file, lang string) *problems {
	return &problems{file: file, lang: lang, bad: map[int]bool{}}
}

// cell records a problem of a cell: the row, the column's header and why.
func (p *problems) cell(line int, column string, why imports.Note) {
	err := imports.Reasonf("column %s: %s", column, &imports.NoteError{Note: why})
	p.add(line, err)
}

// note records a problem of a cell when n is one, and reports whether it is.
func (p *problems) note(line int, column string, n *imports.Note) bool {
	if n != nil {
		p.cell(line, column, *n)
	}
	return n != nil
}

// row records a problem of a whole row.
func (p *problems) row(line int, why imports.Note) { p.add(line, &imports.NoteError{Note: why}) }

func (p *problems) add(line int, err error) {
	p.bad[line] = true
	p.list = append(p.list, imports.Problem{Feature: sheet.RowName(line, p.lang), Reason: err.Error(), Err: err})
}

// err returns the problems as an *imports.Error, or nil when there are none.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &imports.Error{File: p.file, Problems: p.list}
}

// told returns the problems told in the language.
func (p *problems) told() []imports.Problem {
	out := make([]imports.Problem, len(p.list))
	for i, pr := range p.list {
		out[i] = pr.In(p.lang)
	}
	return out
}

// keyOf makes a map key of several parts.
func keyOf(parts ...string) string { return strings.Join(parts, "\x1f") }
