package staff

import (
	"officemap/floorplan"
	"officemap/floorplan/imports/sheet"
)

// Kind is one of the three spreadsheets a bureau keeps: its agencies, its people, and who sits where.
type Kind string

// The kinds of staff spreadsheets.
const (
	Agencies    Kind = "agencies"
	People      Kind = "people"
	Assignments Kind = "assignments"
)

// Kinds lists the kinds in the order a new bureau imports them.
var Kinds = []Kind{Agencies, People, Assignments}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Agencies || k == People || k == Assignments }

// Column is one column of a kind's spreadsheet layout (the template, the export and the import share it).
type Column = sheet.Column

// Fields of the layouts, as Column.Field names them.
const (
	FieldCode         = "code"
	FieldName         = "name"
	FieldShortName    = "short_name"
	FieldParent       = "parent"
	FieldLevel        = "level"
	FieldScale        = "scale"
	FieldHeadcount    = "headcount"
	FieldApprovedArea = "approved_area_m2"
	FieldStatus       = "status"
	FieldStatusDate   = "status_date"
	FieldSuccessor    = "successor"
	FieldStaffNo      = "staff_no"
	FieldAgency       = "agency"
	FieldRank         = "rank"
	FieldTitle        = "title"
	FieldPosts        = "posts"
	FieldBuilding     = "building"
	FieldFloor        = "floor"
	FieldRoom         = "room"
	FieldPerson       = "person"
	FieldKind         = "kind"
	FieldStart        = "start"
	FieldEnd          = "end"
	FieldApprovalRef  = "approval_ref"
	FieldEffective    = "effective_date"
	// FieldNationalID is the national ID number (身份证号): recognised so that it can be ignored with a
	// note; it is never read into the register nor stored.
	FieldNationalID = "national_id"
)

// Layout returns the columns of a kind's spreadsheet, in the template's order; nil for an unknown kind.
// The national ID column is not part of any layout (see NationalIDHeaders).
func Layout(k Kind) []Column {
	switch k {
	case Agencies:
		return agencyLayout()
	case People:
		return peopleLayout()
	case Assignments:
		return assignmentLayout()
	}
	return nil
}

// NationalIDHeaders are the headers of a national ID number column, which the import recognises only to
// leave it out.
var NationalIDHeaders = []string{"身份证号", "身份证号码", "公民身份号码", "身份证", "national id", "id number"}

// PostSeparator separates concurrent posts in one cell: "主任（市档案馆）；委员（市编委）".
const PostSeparator = "；"

func agencyLayout() []Column {
	return []Column{
		{Field: FieldCode, Header: "单位代码", HeaderEN: "Code", Synonyms: []string{"代码", "统一社会信用代码", "机构代码", "code"},
			Help: "单位的稳定代码（如统一社会信用代码或内部编码）；填写后按代码匹配，否则按单位名称匹配"},
		{Field: FieldName, Header: "单位名称", HeaderEN: "Name", Synonyms: []string{"单位", "使用单位", "机构名称", "名称", "name", "agency"},
			Required: true, Help: "单位全称"},
		{Field: FieldShortName, Header: "简称", HeaderEN: "Short name", Synonyms: []string{"单位简称", "short name"},
			Help: "单位简称，可不填"},
		{Field: FieldParent, Header: "上级单位", HeaderEN: "Parent", Synonyms: []string{"主管单位", "上级", "parent"},
			Help: "上级单位的代码或名称；顶层单位不填"},
		{Field: FieldLevel, Header: "机关级别", HeaderEN: "Level", Synonyms: []string{"级别", "行政级别", "level"},
			Required: true, Choices: levelChoices(), Help: "中央机关、省级机关、市级机关、县级机关或乡级机关"},
		{Field: FieldScale, Header: "适用标准级别", HeaderEN: "Scale", Synonyms: []string{"参照级别", "执行标准级别", "scale"},
			Choices: levelChoices(), Help: "所适用办公用房标准的机关级别，与机关级别相同时不填"},
		{Field: FieldHeadcount, Header: "编制", HeaderEN: "Headcount", Synonyms: []string{"编制数", "核定编制", "编制人数", "headcount"},
			Help: "核定编制人数（整数）"},
		{Field: FieldApprovedArea, Header: "核定面积", HeaderEN: "Approved area (m²)", Synonyms: []string{"核定面积（平方米）", "核定办公面积", "核定面积(㎡)", "approved area"},
			Help: "核定的办公用房使用面积（平方米），未核定不填"},
		{Field: FieldStatus, Header: "状态", HeaderEN: "Status", Synonyms: []string{"单位状态", "status"},
			Choices: agencyStatusChoices(), Help: "存续、合并或撤销；不填为存续"},
		{Field: FieldStatusDate, Header: "状态日期", HeaderEN: "Status date", Synonyms: []string{"变更日期", "合并撤销日期", "status date"},
			Help: "合并或撤销的生效日期（如 2026-11-15），腾退期限自该日起算"},
		{Field: FieldSuccessor, Header: "并入单位", HeaderEN: "Successor", Synonyms: []string{"合并至", "承继单位", "successor"},
			Help: "合并时并入单位的代码或名称"},
	}
}

func peopleLayout() []Column {
	return []Column{
		{Field: FieldStaffNo, Header: "工号", HeaderEN: "Staff no.", Synonyms: []string{"人员编号", "职工编号", "员工编号", "编号", "staff no", "staff number"},
			Required: true, Help: "人员的稳定编号，重新导入时按工号匹配；不要填写身份证号"},
		{Field: FieldName, Header: "姓名", HeaderEN: "Name", Synonyms: []string{"名字", "name"},
			Required: true, Help: "姓名"},
		{Field: FieldAgency, Header: "单位", HeaderEN: "Agency", Synonyms: []string{"使用单位", "所在单位", "工作单位", "单位名称", "单位代码", "agency"},
			Required: true, Help: "所在单位的代码或名称（须已在单位表中）"},
		{Field: FieldRank, Header: "职级", HeaderEN: "Rank", Synonyms: []string{"职务层次", "职务级别", "级别", "rank"},
			Required: true, Choices: rankChoices(), Help: "职务层次，如县处级正职、科员及以下"},
		{Field: FieldTitle, Header: "职务", HeaderEN: "Title", Synonyms: []string{"职务名称", "现任职务", "title", "post"},
			Help: "现任主要职务，如局长"},
		{Field: FieldStatus, Header: "状态", HeaderEN: "Status", Synonyms: []string{"人员状态", "在职状态", "status"},
			Choices: personStatusChoices(), Help: "在职、退休或调离；不填为在职"},
		{Field: FieldStatusDate, Header: "状态日期", HeaderEN: "Status date", Synonyms: []string{"退休日期", "调离日期", "离岗日期", "status date"},
			Help: "退休或调离的生效日期（如 2026-11-15），腾退期限自该日起算"},
		{Field: FieldPosts, Header: "兼职", HeaderEN: "Concurrent posts", Synonyms: []string{"兼任职务", "兼职情况", "concurrent posts", "posts"},
			Help: "兼任职务，格式为“职务（单位）”，多个用“；”分隔"},
		{Field: FieldEffective, Header: "变动日期", HeaderEN: "Effective date", Synonyms: []string{"生效日期", "调整日期", "effective", "effective date"},
			Help: "本行调动、职级或兼职变化的生效日期；不填时状态变化按状态日期、其他变化按导入当日起算"},
	}
}

func assignmentLayout() []Column {
	return []Column{
		{Field: FieldBuilding, Header: "建筑", HeaderEN: "Building", Synonyms: []string{"楼宇", "办公楼", "楼栋", "建筑名称", "building"},
			Required: true, Help: "建筑名称，与登记册中的一致"},
		{Field: FieldFloor, Header: "楼层", HeaderEN: "Floor", Synonyms: []string{"层", "所在楼层", "floor"},
			Required: true, Help: "楼层名称，如 3F 或 3"},
		{Field: FieldRoom, Header: "房间号", HeaderEN: "Room number", Synonyms: []string{"房号", "房间编号", "门牌号", "room", "room number"},
			Required: true, Help: "房间编号"},
		{Field: FieldStaffNo, Header: "工号", HeaderEN: "Staff no.", Synonyms: []string{"人员编号", "职工编号", "员工编号", "staff no", "staff number"},
			Required: true, Help: "使用人的工号（须已在人员表中）"},
		{Field: FieldPerson, Header: "姓名", HeaderEN: "Name", Synonyms: []string{"使用人", "人员", "name", "person"},
			Help: "使用人姓名，仅用于核对工号"},
		{Field: FieldKind, Header: "类型", HeaderEN: "Kind", Synonyms: []string{"用房类型", "办公室类型", "kind"},
			Choices: kindChoices(), Help: "主办公室或兼职办公室；不填为主办公室"},
		{Field: FieldStart, Header: "起始日期", HeaderEN: "Start", Synonyms: []string{"开始日期", "起用日期", "start"},
			Required: true, Help: "开始使用的日期（如 2024-03-01）"},
		{Field: FieldEnd, Header: "结束日期", HeaderEN: "End", Synonyms: []string{"截止日期", "腾退日期", "end"},
			Help: "停止使用的日期；仍在使用不填"},
		{Field: FieldApprovalRef, Header: "审批文号", HeaderEN: "Approval ref.", Synonyms: []string{"批准文号", "审批编号", "approval", "approval ref"},
			Help: "兼职办公室的审批文号"},
	}
}

// Labels of the choices, Chinese first: the value a cell shows, and the key it stands for.

// RankLabel returns a rank's Chinese label (县处级正职); the labels are those of floorplan.RankTitle.
func RankLabel(r floorplan.Rank) string { return floorplan.RankTitle(r) }

// LevelLabel returns a level's Chinese label (市级机关), as floorplan.LevelTitle.
func LevelLabel(l floorplan.AdminLevel) string { return floorplan.LevelTitle(l) }

// AgencyStatusLabel returns an agency status's Chinese label (存续, 合并, 撤销).
func AgencyStatusLabel(s floorplan.AgencyStatus) string { return labelOf(agencyStatusLabels, s) }

// PersonStatusLabel returns a person status's Chinese label (在职, 退休, 调离).
func PersonStatusLabel(s floorplan.PersonStatus) string { return labelOf(personStatusLabels, s) }

// KindLabel returns an assignment kind's Chinese label (主办公室, 兼职办公室).
func KindLabel(k floorplan.AssignmentKind) string { return labelOf(kindLabels, k) }

var agencyStatusLabels = []label[floorplan.AgencyStatus]{
	{floorplan.AgencyActive, "存续"}, {floorplan.AgencyMerged, "合并"}, {floorplan.AgencyAbolished, "撤销"},
}

var personStatusLabels = []label[floorplan.PersonStatus]{
	{floorplan.PersonActive, "在职"}, {floorplan.PersonRetired, "退休"}, {floorplan.PersonTransferred, "调离"},
}

var kindLabels = []label[floorplan.AssignmentKind]{
	{floorplan.AssignMain, "主办公室"}, {floorplan.AssignSecond, "兼职办公室"},
}

// label pairs a key with its Chinese label.
type label[K ~string] struct {
	key K
	zh  string
}

func labelOf[K ~string](ls []label[K], k K) string {
	for _, l := range ls {
		if l.key == k {
			return l.zh
		}
	}
	return string(k)
}

func levelChoices() []string {
	out := make([]string, len(floorplan.AdminLevels))
	for i, l := range floorplan.AdminLevels {
		out[i] = LevelLabel(l)
	}
	return out
}

func rankChoices() []string {
	out := make([]string, len(floorplan.Ranks))
	for i, r := range floorplan.Ranks {
		out[i] = RankLabel(r)
	}
	return out
}

func labelChoices[K ~string](ls []label[K]) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.zh
	}
	return out
}

func agencyStatusChoices() []string { return labelChoices(agencyStatusLabels) }
func personStatusChoices() []string { return labelChoices(personStatusLabels) }
func kindChoices() []string         { return labelChoices(kindLabels) }
