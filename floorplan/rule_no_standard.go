package floorplan

import "fmt"

// RuleNoStandard (a notice): a person uses an office but no standard row is in force for their rank at
// their agency's scale (township agencies without a local table, a rank the scale has no row for, an
// agency missing from the register). SourceNoStandard is its source.
const RuleNoStandard, SourceNoStandard = "person.no_standard", Standard2014Source

// noStandard notes a person with office area and no standard to judge it by (a township person over
// the cap is person.over_standard instead).
func (e *evaluation) noStandard(c *personCtx) {
	if c.pc.over || c.pc.hasRow || c.pc.areaH <= 0 {
		return
	}
	p, agency := c.p, c.pc.agency
	f := c.finding(RuleNoStandard, SourceNoStandard)
	f.Severity = SeverityNotice
	f.RoomIDs, _ = e.countedRooms(c)
	f.AreaM2 = m2Of(c.pc.areaH)
	if agency < 0 {
		f.Message = fmt.Sprintf("%s所属单位不在登记中，无法确定其办公用房面积标准。", p.Name)
		f.MessageEN = fmt.Sprintf("%s's agency is not in the register: no space standard can be chosen.", p.Name)
		e.add(f)
		return
	}
	scale := e.snap.Agencies[agency].StandardScale()
	hint, hintEN := "", ""
	if scale == LevelTownship {
		hint = "乡级机关标准由省级人民政府规定（不超过24平方米），请录入地方标准。"
		hintEN = " Township figures are set by the province (at most 24 m²): add local standard rows."
	}
	f.Message = fmt.Sprintf("%s（%s）在%s没有施行中的办公室面积标准，无法判断是否超标。%s",
		p.Name, c.title, LevelTitle(scale), hint)
	f.MessageEN = fmt.Sprintf("%s (%s) has no space standard in force at %s agencies; over-standard use cannot be judged.%s",
		p.Name, c.title, scale, hintEN)
	e.add(f)
}
