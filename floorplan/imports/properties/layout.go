// Package properties imports a bureau's register of properties (房产台账: a spreadsheet, XLSX or CSV, one
// property a row: name, address, kind, title, areas, state, district) into the register, and exports the
// register in the same layout, so that a clerk can export, edit and import back.
//
// Rows are matched to the register's sites by their title number, else by name and address, so that
// importing the same file again changes nothing. Every cell is checked first and every problem named by
// its row and column; a single problem rejects the file and nothing is written. The writes go through the
// register service (floorplan.Register.Batch): every site and its title record in one transaction.
package properties

import (
	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// Fields of the layout, as a column mapping names them.
const (
	FieldName        = "name"
	FieldAddress     = "address"
	FieldKind        = "kind"
	FieldTitleKind   = "title_kind"
	FieldTitleNumber = "title_number"
	FieldHolder      = "holder"
	FieldIssuedOn    = "issued_on"
	FieldTitleArea   = "title_area_m2"
	FieldBookArea    = "book_area_m2"
	FieldState       = "state"
	FieldDistrict    = "district"
	FieldNote        = "note"
)

// Column is one column of the layout: the import reads it by its header or a synonym, the export writes
// its header.
type Column = sheet.Column

// DefaultTitleKind is the kind of a title record whose row gives a number but no kind.
const DefaultTitleKind = "不动产权证"

// Layout returns the columns of a property register, in the export's order.
func Layout() []Column {
	return []Column{
		{Field: FieldName, Header: "房产名称", HeaderEN: "Name", Required: true,
			Synonyms: []string{"名称", "房产", "物业名称", "资产名称", "项目名称", "property", "property name"},
			Help:     "房产（院落、地块）的名称"},
		{Field: FieldAddress, Header: "地址", HeaderEN: "Address",
			Synonyms: []string{"坐落", "房屋坐落", "坐落地址", "详细地址", "房产地址", "location"},
			Help:     "坐落地址；无产权证号时按名称与地址匹配"},
		{Field: FieldKind, Header: "房产类别", HeaderEN: "Kind", Required: true,
			Synonyms: []string{"类别", "类型", "房产类型", "用途分类", "分类", "category", "type"},
			Help:     "房产分类的代码或中文名称，如 党政机关办公用房"},
		{Field: FieldTitleKind, Header: "权证种类", HeaderEN: "Title kind",
			Synonyms: []string{"证书种类", "权证类型", "证件种类", "title type"},
			Help:     "不动产权证、房屋所有权证、土地使用权证等；有证号而未填时为不动产权证"},
		{Field: FieldTitleNumber, Header: "权证号", HeaderEN: "Title number",
			Synonyms: []string{"产权证号", "不动产权证号", "房产证号", "证书编号", "权证编号", "不动产权证书号", "title no", "certificate number"},
			Help:     "权属证书编号；重新导入时按证号匹配"},
		{Field: FieldHolder, Header: "权利人", HeaderEN: "Holder",
			Synonyms: []string{"产权人", "所有权人", "权属人", "产权单位", "owner"},
			Help:     "证书所载权利人"},
		{Field: FieldIssuedOn, Header: "发证日期", HeaderEN: "Issued on",
			Synonyms: []string{"登簿日期", "登记日期", "发证时间", "issue date"},
			Help:     "发证日期（如 2015-06-01）"},
		{Field: FieldTitleArea, Header: "证载面积", HeaderEN: "Title area (m²)",
			Synonyms: []string{"证载建筑面积", "产权面积", "权证面积", "建筑面积", "title area"},
			Help:     "证书所载建筑面积（平方米）"},
		{Field: FieldBookArea, Header: "账面面积", HeaderEN: "Book area (m²)",
			Synonyms: []string{"账面建筑面积", "入账面积", "book area"},
			Help:     "本年度账面建筑面积（平方米），记入一房一账；不填则不变"},
		{Field: FieldState, Header: "权属状态", HeaderEN: "State", Required: true,
			Synonyms: []string{"登记状态", "产权状态", "权属情况", "办证情况", "ownership", "status"},
			Help:     "已登记、待登记、备案办理中、已备案、权属不清或有争议"},
		{Field: FieldDistrict, Header: "所在辖区", HeaderEN: "District",
			Synonyms: []string{"辖区", "辖市区", "所在区", "行政区", "区县", "行政区划代码", "jurisdiction"},
			Help:     "辖市区的名称或行政区划代码；市级不填"},
		{Field: FieldNote, Header: "备注", HeaderEN: "Note", Synonyms: []string{"说明", "remarks", "remark"},
			Help: "备注"},
	}
}

// Fields lists the fields of the layout in its order.
func Fields() []string {
	var out []string
	for _, c := range Layout() {
		out = append(out, c.Field)
	}
	return out
}

// Headers returns the layout's headers in a language ("en" for English, Chinese otherwise).
func Headers(lang string) []string {
	var out []string
	for _, c := range Layout() {
		if imports.English(lang) {
			out = append(out, c.HeaderEN)
		} else {
			out = append(out, c.Header)
		}
	}
	return out
}

// stateLabel pairs an ownership state with its Chinese words (the first is the export's).
type stateLabel struct {
	state floorplan.OwnershipStatus
	words []string
}

// stateLabels are the ownership states a sheet may name. A state the register does not know yet
// (Valid false) is refused with its own message rather than taken for another.
var stateLabels = []stateLabel{
	{floorplan.OwnershipRegistered, []string{"已登记", "已办证", "已确权登记", "登记"}},
	{floorplan.OwnershipToRegister, []string{"待登记", "未登记", "未办证", "待办证"}},
	{floorplan.OwnershipFiling, []string{"备案办理中", "备案中", "正在备案"}},
	{floorplan.OwnershipFiled, []string{"已备案", "备案"}},
	{floorplan.OwnershipUnclear, []string{"权属不清", "产权不清"}},
	{floorplan.OwnershipDisputed, []string{"有争议", "权属争议", "存在争议"}},
}

// StateLabel returns an ownership state's Chinese label (已登记), or the state itself when it has none.
func StateLabel(s floorplan.OwnershipStatus) string {
	for _, l := range stateLabels {
		if l.state == s {
			return l.words[0]
		}
	}
	return string(s)
}

// stateChoices are the labels of the states the register knows, for messages.
func stateChoices() []string {
	var out []string
	for _, l := range stateLabels {
		if l.state.Valid() {
			out = append(out, l.words[0])
		}
	}
	return out
}
