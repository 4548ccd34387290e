package floorplan

import "fmt"

// RuleNotVacatedAfterConcurrentPost: a second office still held after the deadline that follows the
// end of the concurrent post it served. SourceNotVacatedAfterConcurrentPost is its source.
const RuleNotVacatedAfterConcurrentPost, SourceNotVacatedAfterConcurrentPost = "person.not_vacated_after_concurrent_post", Art19Source

// notVacatedAfterConcurrentPost: a second office is vacated within the period after the concurrent post
// it serves ends.
func (e *evaluation) notVacatedAfterConcurrentPost(c *personCtx) {
	n := e.pol.VacateAfterConcurrentPostMonths
	for h := range c.secondOffices {
		post, ok := findPost(c.p.Posts, e.snap.Assignments[h.asg].PostID)
		if !ok || post.End.IsZero() {
			continue
		}
		deadline := addMonths(DayOf(post.End), n)
		if !e.asOf.After(deadline) {
			continue
		}
		f, r := e.heldRoomFinding(c, h, RuleNotVacatedAfterConcurrentPost, SourceNotVacatedAfterConcurrentPost)
		f.Deadline = deadline
		f.Message = fmt.Sprintf("%s已于%s卸任兼职“%s”，兼职办公室%s%s腾退，至%s仍未腾退。",
			c.p.Name, day(post.End), post.Title, r.Number, lastDayZH(deadline), day(e.asOf))
		f.MessageEN = fmt.Sprintf("%s left the concurrent post %q on %s; second office %s was due back %s and is still held on %s.",
			c.p.Name, post.Title, day(post.End), r.Number, lastDayEN(deadline), day(e.asOf))
		var b basis
		b.add(fmt.Sprintf("卸任兼职后%d个月内腾退（vacate_after_concurrent_post_months=%d）", n, n),
			fmt.Sprintf("vacated within %s of leaving the post (vacate_after_concurrent_post_months=%d)", monthsEN(n), n))
		b.set(&f)
		e.add(f)
	}
}
