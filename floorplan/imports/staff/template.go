package staff

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
	"officemap/floorplan/exports/cell"
	"officemap/floorplan/imports"
)

// The workbook of a kind (the template and the XLSX export) has two sheets: the data sheet first, in the
// kind's Layout (a header row, then one record a row; the import reads it), and an instructions sheet
// (说明) that lists every column with its help, whether it is required, its allowed values and an
// example. The template has no example row on the data sheet: the examples stand on the instructions
// sheet, so that the importer never has to tell an example from a record.

// sheetLastRow is the last row of a worksheet: the validation lists and text formats cover the data sheet's
// columns down to it, whatever the number of rows a clerk adds.
const sheetLastRow = 1048576

// SheetName returns the name of a kind's data sheet in a language (Chinese unless lang is English):
// 单位, 人员, 房间分配.
func SheetName(k Kind, lang string) string {
	zh, en := map[Kind]string{Agencies: "单位", People: "人员", Assignments: "房间分配"},
		map[Kind]string{Agencies: "Agencies", People: "People", Assignments: "Assignments"}
	if imports.English(lang) {
		return en[k]
	}
	return zh[k]
}

// InstructionsSheet returns the name of the instructions sheet in a language: 说明 or Instructions.
func InstructionsSheet(lang string) string {
	if imports.English(lang) {
		return "Instructions"
	}
	return "说明"
}

// Headers returns the headers of a kind's layout in a language: Column.Header, or Column.HeaderEN when
// lang is English.
func Headers(k Kind, lang string) []string {
	cols := Layout(k)
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Header
		if imports.English(lang) {
			out[i] = c.HeaderEN
		}
	}
	return out
}

// ChoicesIn returns the values a column's cells may take in a language: the Chinese labels
// (Column.Choices), or for English the keys they stand for (县处级正职 → division), which the import
// accepts as well; nil for a free column.
func ChoicesIn(k Kind, c Column, lang string) []string {
	if c.Choices == nil || !imports.English(lang) {
		return c.Choices
	}
	keys := choiceKeys(k, c.Field)
	if len(keys) != len(c.Choices) {
		return c.Choices
	}
	return keys
}

// choiceKeys returns the keys of a choice column in the order of its Chinese labels.
func choiceKeys(k Kind, field string) []string {
	switch {
	case field == FieldLevel || field == FieldScale:
		return stringKeys(floorplan.AdminLevels)
	case field == FieldRank:
		return stringKeys(floorplan.Ranks)
	case field == FieldStatus && k == Agencies:
		return labelKeys(agencyStatusLabels)
	case field == FieldStatus:
		return labelKeys(personStatusLabels)
	case field == FieldKind:
		return labelKeys(kindLabels)
	}
	return nil
}

func stringKeys[K ~string](list []K) []string {
	out := make([]string, len(list))
	for i, k := range list {
		out[i] = string(k)
	}
	return out
}

func labelKeys[K ~string](ls []label[K]) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = string(l.key)
	}
	return out
}

// WriteTemplate writes the empty template of a kind as an XLSX workbook: the data sheet with its header
// row in lang (Chinese unless English), frozen, with column widths, drop-down validation lists on the
// columns that have choices and a text format on the key columns (so that Excel keeps 工号 0012 as it is),
// and the instructions sheet.
func WriteTemplate(w io.Writer, k Kind, lang string) error {
	return writeWorkbook(w, k, lang, nil)
}

// textColumns are the fields whose cells are codes, not numbers: formatted as text.
var textColumns = map[string]bool{FieldCode: true, FieldStaffNo: true, FieldRoom: true, FieldFloor: true,
	FieldStatusDate: true, FieldStart: true, FieldEnd: true, FieldApprovalRef: true}

// writeWorkbook writes a kind's workbook: the data sheet with rows (each a record in the layout's order:
// strings, ints or float64s) below the header, then the instructions sheet. Text cells are neutralised
// against formula injection (cell.Text).
func writeWorkbook(w io.Writer, k Kind, lang string, rows [][]any) (err error) {
	cols := Layout(k)
	if cols == nil {
		return fmt.Errorf("staff: unknown kind %q", k)
	}
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	data := SheetName(k, lang)
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return err
	}
	if err := writeInstructions(f, k, lang); err != nil {
		return err
	}
	if err := addValidations(f, data, k, lang); err != nil {
		return err
	}
	// The stream writer keeps the validations added above (they are part of the worksheet it was made from).
	sw, err := f.NewStreamWriter(data)
	if err != nil {
		return err
	}
	if err := dataSheetFormat(f, sw, cols); err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	header := make([]any, len(cols))
	for i, h := range Headers(k, lang) {
		header[i] = excelize.Cell{StyleID: head, Value: h}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, v := range row {
			if s, ok := v.(string); ok {
				v = cell.Text(s)
			}
			cells[j] = v
		}
		at, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(at, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("staff: xlsx: %w", err)
	}
	return nil
}

// dataSheetFormat sets the data sheet's column widths and text formats and freezes its header row.
func dataSheetFormat(f *excelize.File, sw *excelize.StreamWriter, cols []Column) error {
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return err
	}
	// From the last column to the first: the stream writer puts each column it is given before those it
	// has, and Excel wants them in ascending order.
	for i := len(cols) - 1; i >= 0; i-- {
		c := cols[i]
		if err := sw.SetColWidth(i+1, i+1, columnWidth(c)); err != nil {
			return err
		}
		if textColumns[c.Field] {
			if err := sw.SetColStyle(i+1, i+1, text); err != nil {
				return err
			}
		}
	}
	return sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
}

// columnWidth is a column's width in characters: wide enough for its header (a Chinese character counts
// two) and for the names and lists it usually holds.
func columnWidth(c Column) float64 {
	w := 2*utf8.RuneCountInString(c.Header) + 4
	switch c.Field {
	case FieldName, FieldAgency, FieldParent, FieldSuccessor, FieldBuilding:
		w = max(w, 28)
	case FieldPosts:
		w = max(w, 36)
	case FieldStatusDate, FieldStart, FieldEnd, FieldRank, FieldLevel, FieldScale:
		w = max(w, 14)
	}
	return float64(max(w, 10))
}

// addValidations adds a drop-down list to every column of the data sheet that has choices, below the
// header row.
func addValidations(f *excelize.File, sheet string, k Kind, lang string) error {
	en := imports.English(lang)
	for i, c := range Layout(k) {
		choices := ChoicesIn(k, c, lang)
		if choices == nil {
			continue
		}
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, sheetLastRow))
		if err := dv.SetDropList(choices); err != nil {
			return fmt.Errorf("staff: validation list of %s: %w", c.Field, err)
		}
		title, msg := "取值无效", "请从下拉列表中选择："+strings.Join(choices, "、")
		if en {
			title, msg = "Invalid value", "Choose from the list: "+strings.Join(choices, ", ")
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, title, msg)
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	return nil
}

// writeInstructions adds the instructions sheet: general rules, then one row per column of the layout
// with its header, whether it is required, its allowed values, its help, an example and the other
// headers the import accepts.
func writeInstructions(f *excelize.File, k Kind, lang string) error {
	en := imports.English(lang)
	sheet := InstructionsSheet(lang)
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	intro, head := instructionIntro(k, en), []any{"列名", "必填", "可选值", "说明", "示例", "也可识别的列名"}
	yes, no, sep := "是", "否", "、"
	if en {
		head = []any{"Column", "Required", "Allowed values", "Help", "Example", "Other headers accepted"}
		yes, no, sep = "yes", "no", ", "
	}
	row := 1
	for _, line := range intro {
		if err := f.SetCellValue(sheet, fmt.Sprintf("A%d", row), line); err != nil {
			return err
		}
		row++
	}
	row++
	if err := setInstructionRow(f, sheet, row, head, bold); err != nil {
		return err
	}
	headers := Headers(k, lang)
	for i, c := range Layout(k) {
		row++
		req := no
		if c.Required {
			req = yes
		}
		cells := []any{headers[i], req, strings.Join(ChoicesIn(k, c, lang), sep), helpIn(k, c, en),
			exampleOf(k, c.Field, en), strings.Join(c.Synonyms, sep)}
		if err := setInstructionRow(f, sheet, row, cells, wrap); err != nil {
			return err
		}
	}
	for col, width := range map[string]float64{"A": 18, "B": 8, "C": 30, "D": 60, "E": 24, "F": 36} {
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
	}
	return nil
}

// setInstructionRow writes cells into row of sheet with a style.
func setInstructionRow(f *excelize.File, sheet string, row int, cells []any, style int) error {
	at := fmt.Sprintf("A%d", row)
	if err := f.SetSheetRow(sheet, at, &cells); err != nil {
		return err
	}
	end, _ := excelize.CoordinatesToCellName(len(cells), row)
	return f.SetCellStyle(sheet, at, end, style)
}

// instructionIntro returns the general rules at the top of the instructions sheet.
func instructionIntro(k Kind, en bool) []string {
	what := map[Kind][2]string{
		Agencies:    {"单位（使用单位）表", "Agencies"},
		People:      {"人员表", "People"},
		Assignments: {"房间分配表", "Room assignments"},
	}[k]
	if en {
		return []string{
			what[1] + " template for officemap (officemap import " + string(k) + ")",
			"Fill in the first sheet: keep its header row as it is and write one record a row from row 2.",
			"Dates are written YYYY-MM-DD (e.g. 2026-11-15). Required columns must not be empty.",
			"Importing the same file again changes nothing; records are matched by their key (code, staff no.).",
			"Do not add the national ID number: officemap never needs or stores it.",
		}
	}
	return []string{
		"officemap " + what[0] + "导入模板（officemap import " + string(k) + "）",
		"请在第一个工作表中填写：保留第一行列名不变，从第二行起每行一条记录。",
		"日期格式为 YYYY-MM-DD（如 2026-11-15）；必填列不能为空。",
		"重复导入同一文件不会产生变化；记录按代码或工号匹配。",
		"请勿填写身份证号：系统不需要也不保存身份证号。",
	}
}

// helpIn returns a column's help line: Column.Help in Chinese, or its English counterpart.
func helpIn(k Kind, c Column, en bool) string {
	if !en {
		return c.Help
	}
	if h, ok := helpEN[string(k)+"."+c.Field]; ok {
		return h
	}
	if h, ok := helpEN[c.Field]; ok {
		return h
	}
	return c.Help
}

// helpEN holds the English help of the columns, by "kind.field" or by field alone.
var helpEN = map[string]string{
	FieldCode:                     "the agency's stable code (unified social credit code or an internal code); matched by it when given, else by name",
	"agencies." + FieldName:       "the agency's full name",
	FieldShortName:                "short name, optional",
	FieldParent:                   "the parent agency's code or name; empty for a top-level agency",
	FieldLevel:                    "administrative level: central, provincial, municipal, county or township",
	FieldScale:                    "the level whose space standard applies, when it differs from the level",
	FieldHeadcount:                "authorised headcount (an integer)",
	FieldApprovedArea:             "approved office area in m²; empty when not approved",
	"agencies." + FieldStatus:     "active, merged or abolished; empty means active",
	"agencies." + FieldStatusDate: "the day of the merger or abolition (e.g. 2026-11-15): the vacating deadline runs from it",
	FieldSuccessor:                "the code or name of the agency it merged into",
	FieldStaffNo:                  "the person's stable number, by which a re-import matches them; not the national ID number",
	"people." + FieldName:         "name",
	FieldAgency:                   "the code or name of the person's agency (already in the agencies list)",
	FieldRank:                     "grade, e.g. division (县处级正职) or staff (科员及以下)",
	FieldTitle:                    "main post, e.g. 局长",
	"people." + FieldStatus:       "active, retired or transferred; empty means active",
	"people." + FieldStatusDate:   "the day of retirement or transfer (e.g. 2026-11-15): the vacating deadline runs from it",
	FieldPosts:                    "concurrent posts as 职务（单位）, several separated by ；",
	FieldBuilding:                 "the building's name as in the register",
	FieldFloor:                    "the floor's name, e.g. 3F or 3",
	FieldRoom:                     "the room number",
	"assignments." + FieldStaffNo: "the occupant's staff no. (already in the people list)",
	FieldPerson:                   "the occupant's name, only to check the staff no.",
	FieldKind:                     "main office or second office (for a concurrent post); empty means main",
	FieldStart:                    "the first day of use (e.g. 2024-03-01)",
	FieldEnd:                      "the last day of use; empty while in use",
	FieldApprovalRef:              "the approval reference of a second office",
}

// exampleOf returns an example value of a column for the instructions sheet.
func exampleOf(k Kind, field string, en bool) string {
	ex := map[string]string{
		"agencies." + FieldCode: "JG001", "agencies." + FieldName: "常州市机关事务管理局", FieldShortName: "机关事务局",
		FieldParent: "常州市人民政府", FieldLevel: LevelLabel(floorplan.LevelMunicipal), FieldHeadcount: "45",
		FieldApprovedArea: "1200", "agencies." + FieldStatus: AgencyStatusLabel(floorplan.AgencyActive),
		FieldStaffNo: "A0001", "people." + FieldName: "张三", FieldAgency: "常州市机关事务管理局",
		FieldRank: RankLabel(floorplan.RankDivision), FieldTitle: "局长",
		"people." + FieldStatus: PersonStatusLabel(floorplan.PersonActive), FieldPosts: "主任（市档案馆）",
		FieldBuilding: "市行政中心1号楼", FieldFloor: "3F", FieldRoom: "301", FieldPerson: "张三",
		FieldKind: KindLabel(floorplan.AssignMain), FieldStart: "2024-03-01",
	}
	v, ok := ex[string(k)+"."+field]
	if !ok {
		v = ex[field]
	}
	if en {
		switch field {
		case FieldLevel:
			v = string(floorplan.LevelMunicipal)
		case FieldRank:
			v = string(floorplan.RankDivision)
		case FieldStatus:
			v = map[Kind]string{Agencies: string(floorplan.AgencyActive), People: string(floorplan.PersonActive)}[k]
		case FieldKind:
			v = string(floorplan.AssignMain)
		}
	}
	return v
}
