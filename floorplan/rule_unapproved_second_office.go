package floorplan

import "fmt"

// RuleUnapprovedSecondOffice: a second office held without approval by a person who holds no other
// office (with another office, RuleMultipleOffices applies). Without approval it is simply another
// office, and it counts in the person's office area. SourceUnapprovedSecondOffice is its source.
const RuleUnapprovedSecondOffice, SourceUnapprovedSecondOffice = "person.unapproved_second_office", Art19Source

// unapprovedSecondOffice reports each second office or rest room held without approval, unless the
// person's offices are person.multiple_offices.
func (e *evaluation) unapprovedSecondOffice(c *personCtx) {
	if c.offices().moreThanOne() {
		return
	}
	for h := range c.secondOffices {
		if h.approved || !h.use.countsAsOffice() {
			continue
		}
		f, r := e.heldRoomFinding(c, h, RuleUnapprovedSecondOffice, SourceUnapprovedSecondOffice)
		f.Message = fmt.Sprintf("%s（%s）未经批准使用兼职办公室%s（%s平方米）；兼职办公室须经批准，未经批准的按办公室计入其办公室使用面积。",
			c.p.Name, c.title, r.Number, m2(f.AreaM2))
		f.MessageEN = fmt.Sprintf("%s (%s) uses room %s (%s m²) as a second office without approval; a second office needs approval, and without it the room counts in their office area.",
			c.p.Name, c.title, r.Number, m2(f.AreaM2))
		e.add(f)
	}
}
