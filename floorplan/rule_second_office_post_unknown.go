package floorplan

import "fmt"

// RuleSecondOfficePostUnknown (a notice): an approved second office that names no concurrent post of
// the person (none, or a post not in their record), so that the deadline to vacate it after the post
// ends cannot be checked. SourceSecondOfficePostUnknown is its source.
const RuleSecondOfficePostUnknown, SourceSecondOfficePostUnknown = "person.second_office_post_unknown", Art19Source

// secondOfficePostUnknown notes each approved second office whose concurrent post is unknown.
func (e *evaluation) secondOfficePostUnknown(c *personCtx) {
	for h := range c.secondOffices {
		a := &e.snap.Assignments[h.asg]
		if _, known := findPost(c.p.Posts, a.PostID); known || !h.approved {
			continue
		}
		f, r := e.heldRoomFinding(c, h, RuleSecondOfficePostUnknown, SourceSecondOfficePostUnknown)
		f.Severity = SeverityNotice
		n := e.pol.VacateAfterConcurrentPostMonths
		f.Message = fmt.Sprintf("%s（%s）的兼职办公室%s已经批准（%s），但未关联其所服务的兼职职务，无法核查卸任兼职后%d个月内腾退的期限。",
			c.p.Name, c.title, r.Number, a.ApprovalRef, n)
		f.MessageEN = fmt.Sprintf("%s (%s) has an approved second office %s (%s) that names no concurrent post of theirs: the %d-month deadline to vacate it after the post ends cannot be checked.",
			c.p.Name, c.title, r.Number, a.ApprovalRef, n)
		e.add(f)
	}
}
