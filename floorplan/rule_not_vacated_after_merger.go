package floorplan

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// RuleNotVacatedAfterMerger: a merged or abolished agency still has rooms or people in rooms after
// the deadline. SourceNotVacatedAfterMerger is its source.
const RuleNotVacatedAfterMerger, SourceNotVacatedAfterMerger = "agency.not_vacated_after_merger", ChangzhouChecklistSource

// notVacatedAfterMerger judges the merged or abolished agencies past their deadline: their rooms, and
// the rooms their people hold.
func (e *evaluation) notVacatedAfterMerger() {
	snap, o := e.snap, e.o
	due := make(map[int]time.Time)
	for i, a := range snap.Agencies {
		if (a.Status != AgencyMerged && a.Status != AgencyAbolished) || a.StatusDate.IsZero() {
			continue
		}
		if deadline := addMonths(DayOf(a.StatusDate), e.pol.VacateAfterMergerMonths); e.asOf.After(deadline) {
			due[i] = deadline
		}
	}
	if len(due) == 0 {
		return
	}
	rooms := make(map[int][]uuid.UUID, len(due))
	area := make(map[int]int64, len(due)) // hundredths of m²
	people := make(map[int]int, len(due))
	for _, r := range o.Rooms {
		if ai, ok := o.agency[r.AgencyID]; ok {
			if _, isDue := due[ai]; isDue {
				rooms[ai] = append(rooms[ai], r.RoomID)
				area[ai] += hundredths(r.AreaM2)
			}
		}
	}
	for k := range o.people {
		pc := &o.people[k]
		ai := int(pc.agency)
		if ai < 0 || pc.to == pc.from {
			continue
		}
		if _, isDue := due[ai]; !isDue {
			continue
		}
		people[ai]++
		for _, h := range o.holds[pc.from:pc.to] {
			rooms[ai] = append(rooms[ai], o.Rooms[h.room].RoomID)
		}
	}
	n := e.pol.VacateAfterMergerMonths
	grace, graceEN := fmt.Sprintf("撤并后%d个月内腾退", n), fmt.Sprintf("rooms are handed back within %s of it", monthsEN(n))
	if n == 0 {
		grace, graceEN = "撤并当日腾退", "rooms are handed back on that day"
	}
	var b basis
	b.add(fmt.Sprintf("机构撤并后%d个月内腾退，0为当日（vacate_after_merger_months=%d）", n, n),
		fmt.Sprintf("vacated within %s of a merger or abolition, 0 being that day (vacate_after_merger_months=%d)", monthsEN(n), n))
	for ai, deadline := range due { // order does not matter: findings are sorted
		if e.allocated[ai] == 0 && people[ai] == 0 { // e.allocated: tallyAgencies
			continue
		}
		a := &snap.Agencies[ai]
		ids := rooms[ai]
		slices.SortFunc(ids, compareID)
		ids = slices.Compact(ids)
		what, whatEN := "合并", "merged"
		if a.Status == AgencyAbolished {
			what, whatEN = "撤销", "abolished"
		}
		f := Finding{
			RuleID: RuleNotVacatedAfterMerger, Severity: SeverityViolation, Source: SourceNotVacatedAfterMerger,
			Subject: EntityAgency, SubjectID: a.ID, AgencyID: a.ID, RoomIDs: ids, AreaM2: m2Of(area[ai]), Deadline: deadline,
			Message: fmt.Sprintf("%s已于%s%s；按本地政策，%s，%s腾退原办公用房，至%s仍有%d间房间登记在该单位名下、%d人仍在使用办公用房。",
				a.Name, day(a.StatusDate), what, grace, lastDayZH(deadline), day(e.asOf), e.allocated[ai], people[ai]),
			MessageEN: fmt.Sprintf("%s was %s on %s; under the local policy %s, so the rooms were due back %s; on %s %d rooms are still allocated to it and %d of its people still hold rooms.",
				a.Name, whatEN, day(a.StatusDate), graceEN, lastDayEN(deadline), day(e.asOf), e.allocated[ai], people[ai]),
		}
		b.set(&f)
		e.add(f)
	}
}
