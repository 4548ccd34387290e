package floorplan

import "fmt"

// RuleSecondOfficeNotSmaller: an approved second office whose share is not smaller than the person's
// standard. SourceSecondOfficeNotSmaller is its source.
const RuleSecondOfficeNotSmaller, SourceSecondOfficeNotSmaller = "person.second_office_not_smaller", Art19Source

// secondOfficeNotSmaller judges each approved second office on its own: it must be smaller than the
// standard (holding.notSmaller, occupancy.go).
func (e *evaluation) secondOfficeNotSmaller(c *personCtx) {
	std := c.pc.row.AreaM2
	for h := range c.secondOffices {
		if !h.notSmaller {
			continue
		}
		f, r := e.heldRoomFinding(c, h, RuleSecondOfficeNotSmaller, SourceSecondOfficeNotSmaller)
		f.StandardM2 = std
		f.ExcessM2 = m2Of(max(0, hundredths(h.share)-hundredths(std)))
		f.ExcessPct = f.ExcessM2 / std * 100
		f.Message = fmt.Sprintf("%s（%s）的兼职办公室%s使用面积%s平方米，不小于其标准%s平方米；兼职办公室面积应小于标准。",
			c.p.Name, c.title, r.Number, m2(f.AreaM2), m2(std))
		f.MessageEN = fmt.Sprintf("%s (%s) has a second office %s of %s m², not smaller than the standard of %s m²; a second office must be smaller.",
			c.p.Name, c.title, r.Number, m2(f.AreaM2), m2(std))
		var b basis
		b.precision()
		if e.o.rooms[h.room].shared() {
			b.split(e.pol)
		}
		b.set(&f)
		e.add(f)
	}
}
