package properties

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// readTable reads a property register with the operator's mapping of headers to fields.
func readTable(name string, data []byte, opt Options) (*sheet.Table, error) {
	explicit, err := explicitColumns(opt.Map)
	if err != nil {
		return nil, imports.AsError(filepath.Base(name), "", err)
	}
	return sheet.ReadTable(name, data, sheet.Spec{Columns: Layout(), Named: explicit, Sheet: opt.Sheet, Lang: opt.Lang,
		NoHeader: func(required string) *sheet.Failure {
			return sheet.Fail("no header row among the first %d rows with the columns %s; map the headers (--map 'header=field,…')",
				sheet.MaxHeaderScan, required)
		}})
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
