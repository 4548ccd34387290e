package floorplan

import "fmt"

// RuleOverStandard: a person's office area is above their standard by 0.01 m² or more (at the survey
// precision), or a township person with no row in force is above TownshipCapM2. SourceOverStandard is
// its source, unless a local row applies: then the finding cites that row's own Source.
const RuleOverStandard, SourceOverStandard = "person.over_standard", Standard2014Source

// overStandard compares the person's office area (occupancy.go) with their standard, graded by the
// tolerance bands.
func (e *evaluation) overStandard(c *personCtx) {
	pc, p := c.pc, c.p
	if !pc.over {
		return
	}
	f := c.finding(RuleOverStandard, pc.row.Source)
	if pc.capped {
		f.Source = Standard2014Source
	}
	area, limit, ex := m2Of(pc.areaH), m2Of(pc.limitH), m2Of(pc.excessH)
	var unapproved bool
	f.RoomIDs, unapproved = e.countedRooms(c)
	f.AreaM2, f.StandardM2, f.ExcessM2, f.ExcessPct = area, limit, ex, pc.pct
	f.Message = fmt.Sprintf("%s（%s）办公室使用面积%s平方米，超过标准%s平方米，超标%s平方米（%s）。",
		p.Name, c.title, m2(area), m2(limit), m2(ex), pctZH(pc.pct))
	f.MessageEN = fmt.Sprintf("%s (%s) uses %s m² of office space against a standard of %s m²: %s m² (%s) over.",
		p.Name, c.title, m2(area), m2(limit), m2(ex), pctEN(pc.pct))
	var b basis
	b.precision()
	if pc.reading.deputy {
		b.deputy(e.pol)
	}
	if pc.capped {
		f.Message += "乡级机关办公室面积标准由省级人民政府规定，但不得超过县级副职的24平方米。"
		f.MessageEN += " Township figures are set by the province, but never above 24 m² (the 县级副职 figure)."
		b.add("乡级机关无地方标准，按上限24平方米（县级副职）判断", "township agency without a local figure: judged against the 24 m² cap (县级副职)")
	}
	if pc.shared {
		b.split(e.pol)
	}
	if pc.toiletH > 0 {
		b.toilet(e.pol)
	}
	if unapproved {
		b.add("未经批准的兼职办公室计入办公室面积", "second offices without approval count in the office area")
	}
	if band, ok := e.pol.band(pc.pct); ok {
		f.Action, f.ActionZH = band.Action, band.ActionZH
		if band.Tolerated {
			f.Severity = SeverityTolerated
		}
		f.Message += band.ActionZH + "。"
		f.MessageEN += " " + band.Action + "."
		b.add("超标比例按本地容忍区间处理（bands）", "the excess is graded by the local tolerance bands (bands)")
	}
	b.set(&f)
	e.add(f)
}
