package properties

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// table is a property register as read: its header and data rows.
type table struct {
	file  string
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
	for _, c := range Layout() {
		if c.Field == f {
			return c.Header
		}
	}
	return f
}

// finder finds the header row: the first row with the name, kind and state columns.
func finder(explicit map[string]string) sheet.Finder[string] {
	fieldOf := map[string]string{}
	var required []string
	for _, c := range Layout() {
		for _, h := range append([]string{c.Header, c.HeaderEN, c.Field}, c.Synonyms...) {
			if key := sheet.NormalHeader(h); key != "" {
				fieldOf[key] = c.Field
			}
		}
		if c.Required {
			required = append(required, c.Header)
		}
	}
	return sheet.Finder[string]{FieldOf: fieldOf, Explicit: explicit,
		IsHeader: func(col map[string]int) bool {
			for _, c := range Layout() {
				if _, ok := col[c.Field]; c.Required && !ok {
					return false
				}
			}
			return true
		},
		NoHeader: func() *sheet.Failure {
			return sheet.Fail("no header row among the first %d rows with the columns %s; map the headers (--map 'header=field,…')",
				sheet.MaxHeaderScan, strings.Join(required, ", "))
		}}
}

// readTable reads a property register with the operator's mapping of headers to fields.
func readTable(name string, data []byte, opt Options) (*table, error) {
	file := filepath.Base(name)
	explicit, err := explicitColumns(opt.Map)
	if err != nil {
		return nil, imports.AsError(file, "", err)
	}
	fd := finder(explicit)
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
	t := &table{file: file, h: h, rows: g.Rows[h.Row+1:], lines: g.Lines[h.Row+1:], notes: g.Notes}
	if len(h.Unused) > 0 {
		t.notes = append(t.notes, imports.Notef("columns not read: %s", strings.Join(h.Unused, ", ")))
	}
	if len(t.rows) == 0 {
		return nil, sheet.Rejected(file, sheet.Fail("no rows below the header (row %d)", g.Lines[h.Row]), opt.Lang)
	}
	return t, nil
}

// explicitColumns turns the operator's mapping of headers (or column letters) to fields into the
// finder's fields to headers, checking each field against the layout.
func explicitColumns(m map[string]string) (map[string]string, error) {
	if len(m) == 0 {
		return nil, nil
	}
	fields := Fields()
	out := map[string]string{}
	for header, f := range m {
		f = strings.ToLower(strings.TrimSpace(f))
		header = strings.TrimSpace(header)
		switch {
		case header == "":
			return nil, imports.Reasonf("an empty header is mapped to %s", f)
		case !slices.Contains(fields, f):
			return nil, imports.Reasonf("unknown field %q (use %s)", f, strings.Join(fields, ", "))
		case out[f] != "":
			return nil, imports.Reasonf("two headers are mapped to %s: %q and %q", f, out[f], header)
		}
		out[f] = header
	}
	return out, nil
}

// ParseMap reads an operator's mapping of headers to fields, "产权证号=title_number,坐落=address": each
// header of the sheet (or a column letter) with the field of the layout it gives; commas (or Chinese
// commas) separate the pairs.
func ParseMap(s string) (map[string]string, error) {
	out := map[string]string{}
	for part := range strings.SplitSeq(strings.ReplaceAll(s, "，", ","), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		header, field, ok := strings.Cut(part, "=")
		header, field = strings.TrimSpace(header), strings.ToLower(strings.TrimSpace(field))
		switch {
		case !ok || header == "" || field == "":
			return nil, imports.Reasonf("%q is not header=field (e.g. 产权证号=title_number)", part)
		case out[header] != "":
			return nil, imports.Reasonf("header %s is mapped twice", header)
		}
		out[header] = field
	}
	if _, err := explicitColumns(out); err != nil {
		return nil, err
	}
	return out, nil
}

// ParseMapJSON reads a mapping file: a JSON object of headers to fields, {"产权证号": "title_number"}.
func ParseMapJSON(data []byte) (map[string]string, error) {
	var out map[string]string
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, imports.Reasonf("the mapping is not a JSON object of headers to fields: %v", err)
	}
	if _, err := explicitColumns(out); err != nil {
		return nil, err
	}
	return out, nil
}

// problems gathers what is wrong with the rows of a file, each by its row and column.
type problems struct {
	file  string
	lang  string
	list  []imports.Problem
	lines []int        // the row of each problem
	bad   map[int]bool // rows (by line) with a problem
}

func newProblems(file, lang string) *problems {
	return &problems{file: file, lang: lang, bad: map[int]bool{}}
}

// cell records a problem of a cell: the row, the column's header and why.
func (p *problems) cell(line int, column string, why imports.Note) {
	p.add(line, imports.Reasonf("column %s: %s", column, &imports.NoteError{Note: why}))
}

// row records a problem of a whole row.
func (p *problems) row(line int, why imports.Note) { p.add(line, &imports.NoteError{Note: why}) }

func (p *problems) add(line int, err error) {
	p.bad[line] = true
	p.lines = append(p.lines, line)
	p.list = append(p.list, imports.Problem{Feature: sheet.RowName(line, p.lang), Reason: err.Error(), Err: err})
}

// err returns the problems as an *imports.Error, by row, or nil when there are none.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	order := make([]int, len(p.list))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return p.lines[a] - p.lines[b] })
	list := make([]imports.Problem, len(order))
	for i, j := range order {
		list[i] = p.list[j]
	}
	return &imports.Error{File: p.file, Problems: list}
}
