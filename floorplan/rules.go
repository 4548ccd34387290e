package floorplan

// The registry of the findings engine's rules: one entry a rule, with its id, titles, legal source,
// subject and check, read by Evaluate and by Rules (and so by README's table of rules). Each check lives
// in a file of its own, rule_<name>.go, with the rule's id and source constants and its sentences: adding
// a rule is that file and its entry here.

// Legal sources shared by several rules.
const (
	// Art19Source is the article on the use of office space: use within the approved area, one office
	// per official, an approved second office smaller than the standard and vacated within 2 months of
	// leaving the concurrent post, the office recovered within 1 month of transfer or retirement.
	Art19Source = "《党政机关办公用房管理办法》(2017) 第十九条"
	// ToiletNoteSource is note 4 to the table of the 2014 standard: a private toilet of at most 6 m² for
	// 省部级 leaders, provincial 厅(局) heads and the party and government heads of cities and counties.
	ToiletNoteSource = "《党政机关办公用房建设标准》(发改投资〔2014〕2674号) 第十三条 注4"
	// ChangzhouChecklistSource is Changzhou's inspection checklist (督查重点) for agencies.
	ChangzhouChecklistSource = "常州市党政机关办公用房督查重点（机构撤并后未在规定时间内腾退原办公用房；闲置6个月以上）"
)

// Rule describes one rule of the findings engine.
type Rule struct {
	ID      string `json:"id"`
	Title   string `json:"title"`    // zh-CN
	TitleEN string `json:"title_en"` // English
	Source  string `json:"source"`
}

// rule is one rule of the findings engine: what Rules lists, and the check Evaluate runs.
type rule struct {
	Rule
	// subject is what the rule's findings are about. A person rule sets person, which Evaluate calls for
	// each person; an agency or room rule sets register, which Evaluate calls once and which looks at
	// every agency or room itself.
	subject  Entity
	person   func(e *evaluation, c *personCtx)
	register func(e *evaluation)
}

// registry is every rule, in the order Evaluate runs them and Rules lists them: person rules, then agency
// rules, then room rules. It is never modified.
var registry = []rule{
	{Rule: Rule{RuleOverStandard, "超标准使用办公用房", "Office area over standard", SourceOverStandard},
		subject: EntityPerson, person: (*evaluation).overStandard},
	{Rule: Rule{RulePrivateToilet, "违规配备专用卫生间", "Private toilet not allowed or too large", SourcePrivateToilet},
		subject: EntityPerson, person: (*evaluation).privateToilet},
	{Rule: Rule{RuleNoStandard, "无适用面积标准", "No space standard in force", SourceNoStandard},
		subject: EntityPerson, person: (*evaluation).noStandard},
	{Rule: Rule{RuleMultipleOffices, "未经批准多处占用办公用房", "More than one office without approval", SourceMultipleOffices},
		subject: EntityPerson, person: (*evaluation).multipleOffices},
	{Rule: Rule{RuleSecondOfficeNotSmaller, "兼职办公室面积未小于标准", "Second office not smaller than the standard", SourceSecondOfficeNotSmaller},
		subject: EntityPerson, person: (*evaluation).secondOfficeNotSmaller},
	{Rule: Rule{RuleUnapprovedSecondOffice, "未经批准使用兼职办公室", "Second office without approval", SourceUnapprovedSecondOffice},
		subject: EntityPerson, person: (*evaluation).unapprovedSecondOffice},
	{Rule: Rule{RuleSecondOfficePostUnknown, "兼职办公室未关联兼职职务", "Second office not linked to a concurrent post", SourceSecondOfficePostUnknown},
		subject: EntityPerson, person: (*evaluation).secondOfficePostUnknown},
	{Rule: Rule{RuleNotVacatedAfterLeaving, "退休或调离后未按期腾退", "Not vacated after retirement or transfer", SourceNotVacatedAfterLeaving},
		subject: EntityPerson, person: (*evaluation).notVacatedAfterLeaving},
	{Rule: Rule{RuleNotVacatedAfterConcurrentPost, "兼职结束后未按期腾退", "Second office not vacated after the concurrent post", SourceNotVacatedAfterConcurrentPost},
		subject: EntityPerson, person: (*evaluation).notVacatedAfterConcurrentPost},
	{Rule: Rule{RuleNotVacatedAfterMerger, "机构撤并后未按期腾退", "Not vacated after a merger or abolition", SourceNotVacatedAfterMerger},
		subject: EntityAgency, register: (*evaluation).notVacatedAfterMerger},
	{Rule: Rule{RuleOverApprovedArea, "超出核定面积", "Over the approved area", SourceOverApprovedArea},
		subject: EntityAgency, register: (*evaluation).overApprovedArea},
	{Rule: Rule{RuleIdle, "办公用房闲置", "Idle office space", SourceIdle},
		subject: EntityRoom, register: (*evaluation).idle},
	{Rule: Rule{RuleFiledPropertyLeased, "备案房产被出租出借", "Filed property leased or lent", SourceFiledPropertyLeased},
		subject: EntityRoom, register: (*evaluation).filedPropertyLeased},
}

// Rules lists every rule Evaluate runs, in a fixed order.
func Rules() []Rule {
	out := make([]Rule, len(registry))
	for i, r := range registry {
		out[i] = r.Rule
	}
	return out
}
