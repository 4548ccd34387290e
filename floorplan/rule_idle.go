package floorplan

import (
	"fmt"
	"time"

	"github.com/google/uuid"
)

// RuleIdle: an office-space room idle for Policy.IdleMonths or more. SourceIdle is its source.
const RuleIdle, SourceIdle = "room.idle", ChangzhouChecklistSource

// idle judges each office-space room nobody uses on the day: since when it has been idle (its recorded
// idle date, the end of its last use, or its creation), and whether that is Policy.IdleMonths or more.
func (e *evaluation) idle() {
	n := e.pol.IdleMonths
	var b basis
	b.add(fmt.Sprintf("闲置满%d个月为问题（idle_months=%d）", n, n), fmt.Sprintf("idle for %s or more (idle_months=%d)", monthsEN(n), n))
	for k := range e.o.rooms {
		rc := &e.o.rooms[k]
		r := &e.snap.Rooms[rc.pos]
		if rc.active || !r.Usage.IsOfficeSpace() {
			continue
		}
		var since time.Time
		switch {
		case r.State == RoomIdle && !r.IdleSince.IsZero():
			since = r.IdleSince
		case r.Usage != UsageOffice || r.State == RoomLeased || r.State == RoomUnderRepair:
			continue
		case rc.assigned:
			since = rc.lastEnd // whatever became of the people who used it
		case !r.ValidFrom.IsZero():
			since = r.ValidFrom
		default:
			since = r.CreatedAt
		}
		if since.IsZero() {
			continue
		}
		since = DayOf(since)
		reached := addMonths(since, n)
		if e.asOf.Before(reached) {
			continue
		}
		f := Finding{
			RuleID: RuleIdle, Severity: SeverityViolation, Source: SourceIdle,
			Subject: EntityRoom, SubjectID: r.ID, AgencyID: r.AgencyID, RoomIDs: []uuid.UUID{r.ID},
			AreaM2: rc.area, Deadline: reached,
			Message: fmt.Sprintf("房间%s（%s平方米）自%s起闲置，于%s满%d个月，至%s仍闲置。",
				r.Number, m2(rc.area), day(since), day(reached), n, day(e.asOf)),
			MessageEN: fmt.Sprintf("Room %s (%s m²) has been idle since %s: %d months on %s, and still idle on %s.",
				r.Number, m2(rc.area), day(since), n, day(reached), day(e.asOf)),
		}
		b.set(&f)
		e.add(f)
	}
}
