package roomlist

import (
	"fmt"
	"strings"

	"golang.org/x/text/width"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// synonyms are the headers each field is known by, as sheet.NormalHeader leaves them: lower case, no spaces,
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

// finder finds the header of a room list: the first row with a room number column and at least one other
// known column, or, with explicit names, the first row that has every named header.
func finder(explicit map[Field]string) sheet.Finder[Field] {
	return sheet.Finder[Field]{FieldOf: fieldOf, Explicit: explicit, NoHeader: noHeader,
		IsHeader: func(col map[Field]int) bool {
			_, ok := col[FieldNumber]
			return ok && len(col) >= 2
		}}
}

// noHeader is the failure when no row looks like a header.
func noHeader() *sheet.Failure {
	return sheet.Fail("no header row among the first %d rows: none has a room number column (房间号, 房号, 门牌号, number) "+
		"and another known column; name the columns (columns number=…,area=…)", sheet.MaxHeaderScan)
}
