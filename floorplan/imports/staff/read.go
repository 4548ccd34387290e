package staff

import (
	"path/filepath"
	"slices"
	"strings"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// readTable reads a kind's spreadsheet. A national ID column is recognised and left out with a note.
func readTable(name string, data []byte, k Kind, opt Options) (*sheet.Table, error) {
	explicit, err := explicitColumns(k, opt.Columns)
	if err != nil {
		return nil, imports.AsError(filepath.Base(name), "", err)
	}
	return sheet.ReadTable(name, data, sheet.Spec{Columns: Layout(k), Named: explicit, Sheet: opt.Sheet, Lang: opt.Lang,
		Ignored: &sheet.Ignored{Field: FieldNationalID, Headers: NationalIDHeaders, Why: func(header string) imports.Note {
			return imports.Notef("column %q (national ID numbers) was not read: officemap never stores them", header)
		}},
		NoHeader: func(required string) *sheet.Failure {
			return sheet.Fail("no header row among the first %d rows with the columns %s; name the columns (columns field=header)",
				sheet.MaxHeaderScan, required)
		}})
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

// keyOf makes a map key of several parts.
func keyOf(parts ...string) string { return strings.Join(parts, "\x1f") }
