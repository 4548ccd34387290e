package floorplan

import (
	"fmt"

	"github.com/google/uuid"
)

// RuleNotVacatedAfterLeaving: a retired or transferred person still holds rooms after the deadline.
// SourceNotVacatedAfterLeaving is its source.
const RuleNotVacatedAfterLeaving, SourceNotVacatedAfterLeaving = "person.not_vacated_after_leaving", Art19Source

// notVacatedAfterLeaving: the rooms of a retired or transferred person are recovered within the period.
func (e *evaluation) notVacatedAfterLeaving(c *personCtx) {
	p := c.p
	if (p.Status != PersonRetired && p.Status != PersonTransferred) || p.StatusDate.IsZero() || len(c.holds) == 0 {
		return
	}
	n := e.pol.VacateAfterLeavingMonths
	deadline := addMonths(DayOf(p.StatusDate), n)
	if !e.asOf.After(deadline) {
		return
	}
	ids := make([]uuid.UUID, len(c.holds))
	held := 0.0
	for j, h := range c.holds {
		ids[j] = e.o.Rooms[h.room].RoomID
		held += h.share
	}
	what, whatEN := "退休", "retired"
	if p.Status == PersonTransferred {
		what, whatEN = "调离", "was transferred"
	}
	f := c.finding(RuleNotVacatedAfterLeaving, SourceNotVacatedAfterLeaving)
	f.RoomIDs, f.AreaM2, f.Deadline = ids, RoundM2(held), deadline
	f.Message = fmt.Sprintf("%s（%s）已于%s%s，办公用房%s腾退，至%s仍占用%d间。",
		p.Name, c.title, day(p.StatusDate), what, lastDayZH(deadline), day(e.asOf), len(ids))
	f.MessageEN = fmt.Sprintf("%s (%s) %s on %s; the rooms were due back %s and %d are still held on %s.",
		p.Name, c.title, whatEN, day(p.StatusDate), lastDayEN(deadline), len(ids), day(e.asOf))
	var b basis
	b.add(fmt.Sprintf("退休或调离后%d个月内腾退（vacate_after_leaving_months=%d）", n, n),
		fmt.Sprintf("vacated within %s of retirement or transfer (vacate_after_leaving_months=%d)", monthsEN(n), n))
	b.set(&f)
	e.add(f)
}
