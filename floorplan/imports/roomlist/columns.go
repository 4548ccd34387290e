package roomlist

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"officemap/floorplan/imports"
)

// synonyms are the headers each field is known by, as normalHeader leaves them: lower case, no spaces,
// no bracketed unit ("使用面积（m²）" is "使用面积", "Area (m2)" is "area").
var synonyms = map[Field][]string{
	FieldBuilding: {"楼栋", "楼号", "楼栋号", "楼栋名称", "建筑", "建筑物", "建筑名称", "楼宇", "楼名", "所在楼栋", "所在建筑",
		"办公楼", "building", "buildingname", "buildingid", "bldg"},
	FieldFloor:   {"楼层", "层", "层次", "层号", "所在楼层", "楼层名称", "floor", "floorname", "storey", "story", "level"},
	FieldOrdinal: {"ordinal", "楼层序号", "levelordinal", "floorordinal"},
	FieldNumber: {"房间号", "房号", "门牌号", "房间编号", "房间号码", "房间门牌号", "room", "roomnumber", "roomno", "roomnr",
		"number", "no"},
	FieldUsage: {"用途", "房间用途", "使用用途", "功能", "房间功能", "使用性质", "房间类型", "用房类型", "类型", "usage", "use",
		"roomtype", "type", "category"},
	FieldAgency: {"使用单位", "单位", "单位名称", "使用单位名称", "使用部门", "部门", "agency", "agencyname", "department",
		"occupant", "organisation", "organization", "tenant"},
	FieldArea: {"面积", "使用面积", "账面面积", "登记面积", "房间面积", "area", "aream2", "recordedarea", "recordedaream2",
		"usablearea"},
}

// grossHeaders are headers of a gross area (建筑面积), which is not a room's usable area: a list with only
// such a column gets a note, and its operator may still name it (ParseColumns).
var grossHeaders = []string{"建筑面积", "grossarea", "grossfloorarea"}

// fieldOf is the field of each synonym.
var fieldOf = func() map[string]Field {
	out := map[string]Field{}
	for f, words := range synonyms {
		for _, w := range words {
			if prev, dup := out[w]; dup {
				panic(fmt.Sprintf("roomlist: header %q means both %s and %s", w, prev, f))
			}
			out[w] = f
		}
	}
	return out
}()

// fieldNames are the names ParseColumns takes for each field.
var fieldNames = map[string]Field{"building": FieldBuilding, "floor": FieldFloor, "ordinal": FieldOrdinal,
	"number": FieldNumber, "usage": FieldUsage, "agency": FieldAgency, "area": FieldArea, "area_m2": FieldArea}

// normalHeader is a header as synonyms list it: full-width letters made narrow, lower case, a bracketed
// part (a unit, a remark), spaces, underscores, dots, stars and colons left out.
func normalHeader(s string) string {
	s = width.Narrow.String(s)
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case strings.ContainsRune("([【〔", r):
			depth++
		case strings.ContainsRune(")]】〕", r):
			depth = max(depth-1, 0)
		case depth > 0, unicode.IsSpace(r), strings.ContainsRune("_.*:-/", r):
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// ParseColumns reads an operator's naming of the columns, "number=房号,area=面积": field names (building,
// floor, ordinal, number, usage, agency, area) each with the header of its column, or the column's letter
// ("area=F"). Commas (or Chinese commas) separate the pairs.
func ParseColumns(s string) (map[Field]string, error) {
	out := map[Field]string{}
	s = strings.ReplaceAll(width.Narrow.String(s), "，", ",")
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, header, ok := strings.Cut(part, "=")
		name, header = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(header)
		f, known := fieldNames[name]
		switch {
		case !ok || header == "":
			return nil, imports.Reasonf("%q is not field=header (e.g. number=房号)", part)
		case !known:
			return nil, imports.Reasonf("unknown field %q (use building, floor, ordinal, number, usage, agency or area)", name)
		case out[f] != "":
			return nil, imports.Reasonf("%s is named twice", f)
		}
		out[f] = header
	}
	return out, nil
}

// columnLetter returns the column a letter reference names ("A" is 0, "AB" 27), or -1 for anything else
// (up to three letters, as Excel's columns).
func columnLetter(s string) int {
	if len(s) == 0 || len(s) > 3 {
		return -1
	}
	n := 0
	for _, r := range strings.ToUpper(s) {
		if r < 'A' || r > 'Z' {
			return -1
		}
		n = n*26 + int(r-'A'+1)
	}
	return n - 1
}

// header is the header row found: the column of each field and its header text.
type header struct {
	row    int // index in the grid
	col    map[Field]int
	text   map[Field]string
	unused []string // the headers of the other columns
}

// maxHeaderScan is how many rows from the top are searched for the header (a title, a date and a
// blank line often come first).
const maxHeaderScan = 20

// findHeader finds the header row among the first rows of grid: the first row with a room number column
// and at least one other known column, or, with explicit names, the first row that has every named
// header. Explicit names win over synonyms.
func findHeader(grid [][]string, explicit map[Field]string) (*header, *failure) {
	for i := 0; i < len(grid) && i < maxHeaderScan; i++ {
		h, err := matchHeader(grid[i], explicit)
		if err != nil {
			err.line = i + 1
			return nil, err
		}
		if h != nil {
			h.row = i
			return h, nil
		}
	}
	return nil, noHeader()
}

// noHeader is findHeader's error when no row looks like a header.
func noHeader() *failure {
	return fail("no header row among the first %d rows: none has a room number column (房间号, 房号, 门牌号, number) "+
		"and another known column; name the columns (columns number=…,area=…)", maxHeaderScan)
}

// matchHeader matches the cells of one row to the fields; nil when the row is not the header.
func matchHeader(cells []string, explicit map[Field]string) (*header, *failure) {
	h := &header{col: map[Field]int{}, text: map[Field]string{}}
	named := map[string]Field{}
	for f, name := range explicit {
		if j := columnLetter(name); j >= 0 && !headerIn(cells, name) {
			h.col[f] = j
			h.text[f] = name
			continue
		}
		named[normalHeader(name)] = f
	}
	var dup *failure
	for j, cell := range cells {
		key := normalHeader(cell)
		if key == "" {
			continue
		}
		f, ok := named[key]
		if !ok {
			if f, ok = fieldOf[key]; ok && explicit[f] != "" {
				ok = false // the operator named another column for it
			}
		}
		if !ok {
			h.unused = append(h.unused, strings.TrimSpace(cell))
			continue
		}
		if k, seen := h.col[f]; seen && dup == nil {
			dup = fail("columns %q and %q both give the %s: name the one to read (columns %s=…)",
				strings.TrimSpace(cells[k]), strings.TrimSpace(cell), f, f)
			continue
		}
		h.col[f], h.text[f] = j, strings.TrimSpace(cell)
	}
	if _, ok := h.col[FieldNumber]; !ok || len(h.col) < 2 {
		return nil, nil
	}
	for f, name := range explicit {
		if _, ok := h.col[f]; !ok {
			return nil, fail("no column %q (named for the %s) in the header", name, f)
		}
	}
	return h, dup
}

// headerIn reports whether a row has a cell whose header is name.
func headerIn(cells []string, name string) bool {
	key := normalHeader(name)
	for _, c := range cells {
		if normalHeader(c) == key {
			return true
		}
	}
	return false
}
