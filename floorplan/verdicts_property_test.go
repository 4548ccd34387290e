package floorplan_test

// Property tests of the verdicts: random registers (agencies of every level, rooms of every shape on a
// millimetre grid, people of every rank, shared rooms, second offices, concurrent posts, retirements,
// mergers, idle rooms) evaluated by floorplan.Evaluate and by an independent re-computation written here
// from the rules' text (the 2014 standard's table typed from DOMAIN.md, exact integer areas, 0.01 m²
// half-up rounding, calendar-month deadlines). The oracle calls no floorplan helper: it uses only the
// package's types, constants, Day and DayOf.
//
//	go test ./floorplan/ -run Property -v                       # 300 registers (30 with -short)
//	go test ./floorplan/ -run Property -property.seeds=2000     # more
//	go test ./floorplan/ -run Property -property.seed=17 -v     # one register, dumped

import (
	"flag"
	"fmt"
	"iter"
	"maps"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

var (
	pvSeedCount = flag.Int("property.seeds", 0, "number of random registers for the verdict property tests (0: 300, or 30 with -short)")
	pvOneSeed   = flag.Int64("property.seed", -1, "run the verdict property tests on this seed only, and dump its register")
)

func pvSeeds() []uint64 {
	if *pvOneSeed >= 0 {
		return []uint64{uint64(*pvOneSeed)}
	}
	n := 300
	if testing.Short() {
		n = 30
	}
	if *pvSeedCount > 0 {
		n = *pvSeedCount
	}
	seeds := make([]uint64, n)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	return seeds
}

// ---------------------------------------------------------------------------------------------------
// The oracle's own calendar.

func pvLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func pvDaysIn(y int, m time.Month) int {
	switch m {
	case time.April, time.June, time.September, time.November:
		return 30
	case time.February:
		if pvLeap(y) {
			return 29
		}
		return 28
	}
	return 31
}

// pvDayOf is the calendar day of t in its own location, as midnight UTC.
func pvDayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return floorplan.Day(y, m, d)
}

// pvAddMonths adds n calendar months to day d, clamping the day to the end of the month.
func pvAddMonths(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	k := y*12 + int(m) - 1 + n
	ny, nm := k/12, time.Month(k%12+1)
	if last := pvDaysIn(ny, nm); day > last {
		day = last
	}
	return floorplan.Day(ny, nm, day)
}

// ---------------------------------------------------------------------------------------------------
// The oracle's own table of the 2014 standard (DOMAIN.md), in hundredths of m², with the private toilet
// allowance of the ranks note 4 names (省部级 leaders, provincial 厅局 heads, heads of cities and counties).

type pvRow struct {
	c      int64 // limit, 0.01 m²
	toilet int64 // private toilet allowance, 0.01 m²
}

var pvTable = map[floorplan.AdminLevel]map[floorplan.Rank]pvRow{
	floorplan.LevelCentral: {
		floorplan.RankMinister:     {5400, 600}, // 部级正职
		floorplan.RankViceMinister: {4200, 600}, // 部级副职
		floorplan.RankBureau:       {2400, 0},   // 正司(局)级
		floorplan.RankViceBureau:   {1800, 0},   // 副司(局)级
		floorplan.RankDivision:     {1200, 0},   // 处级
		floorplan.RankViceDivision: {1200, 0},   // 处级
		floorplan.RankSection:      {900, 0},    // 处级以下
		floorplan.RankViceSection:  {900, 0},
		floorplan.RankStaff:        {900, 0},
	},
	floorplan.LevelProvincial: {
		floorplan.RankMinister:     {5400, 600}, // 省级正职
		floorplan.RankViceMinister: {4200, 600}, // 省级副职
		floorplan.RankBureau:       {3000, 600}, // 正厅(局)级 (厅局 head: toilet)
		floorplan.RankViceBureau:   {2400, 0},   // 副厅(局)级
		floorplan.RankDivision:     {1800, 0},   // 正处级
		floorplan.RankViceDivision: {1200, 0},   // 副处级
		floorplan.RankSection:      {900, 0},    // 处级以下
		floorplan.RankViceSection:  {900, 0},
		floorplan.RankStaff:        {900, 0},
	},
	floorplan.LevelMunicipal: {
		floorplan.RankBureau:       {4200, 600}, // 市级正职 (head of the city: toilet)
		floorplan.RankViceBureau:   {3000, 0},   // 市级副职
		floorplan.RankDivision:     {2400, 0},   // 正局(处)级
		floorplan.RankViceDivision: {1800, 0},   // 副局(处)级
		floorplan.RankSection:      {900, 0},    // 局(处)级以下
		floorplan.RankViceSection:  {900, 0},
		floorplan.RankStaff:        {900, 0},
	},
	floorplan.LevelCounty: {
		floorplan.RankDivision:     {3000, 600}, // 县级正职 (head of the county: toilet)
		floorplan.RankViceDivision: {2400, 0},   // 县级副职
		floorplan.RankSection:      {1800, 0},   // 正科级
		floorplan.RankViceSection:  {1200, 0},   // 副科级
		floorplan.RankStaff:        {900, 0},    // 科级以下
	},
}

const pvTownshipCap = 2400 // 乡级: set by the province, in principle at most 县级副职 (24 m²)

const (
	pvNone = iota // no standard
	pvHas         // a row in force
	pvCap         // township without a row in force: capped at 24 m²
)

type pvStd struct {
	kind   int
	c      int64
	toilet int64
	title  string
}

// pvCents turns an area given in m² by the register (an approved area, a local row) into hundredths.
func pvCents(m2 float64) int64 { return int64(math.Round(m2 * 100)) }

// pvLookup is the oracle's standard for a rank at agencies of a scale on day d: a local row in force (the
// latest effective on or before d), else the national table, else the township cap, else none.
func pvLookup(rows []floorplan.StandardRow, scale floorplan.AdminLevel, rank floorplan.Rank, d time.Time) pvStd {
	var best *floorplan.StandardRow
	for i := range rows {
		r := &rows[i]
		if r.Scale != scale || r.Rank != rank || r.Effective.After(d) {
			continue
		}
		if best == nil || r.Effective.After(best.Effective) {
			best = r
		}
	}
	if best != nil {
		return pvStd{kind: pvHas, c: pvCents(best.AreaM2), toilet: pvCents(best.ToiletAllowanceM2), title: best.Title}
	}
	if row, ok := pvTable[scale][rank]; ok {
		return pvStd{kind: pvHas, c: row.c, toilet: row.toilet}
	}
	if scale == floorplan.LevelTownship {
		return pvStd{kind: pvCap, c: pvTownshipCap}
	}
	return pvStd{kind: pvNone}
}

func pvScale(a floorplan.Agency) floorplan.AdminLevel {
	if a.Scale != "" {
		return a.Scale
	}
	return a.Level
}

// ---------------------------------------------------------------------------------------------------
// The oracle's own geometry: rooms are drawn on a 1 mm grid, so twice their area in mm² is an exact
// integer (shoelace with holes), and the surveyed area in 0.01 m² is that rounded half up, exactly.

type pvPt [2]int64

type pvShape struct {
	outer []pvPt
	holes [][]pvPt
}

func pvShoelace2(r []pvPt) int64 { // twice the absolute area, mm²
	var s int64
	for i := range r {
		j := (i + 1) % len(r)
		s += r[i][0]*r[j][1] - r[j][0]*r[i][1]
	}
	if s < 0 {
		s = -s
	}
	return s
}

func (s pvShape) area2() int64 {
	a := pvShoelace2(s.outer)
	for _, h := range s.holes {
		a -= pvShoelace2(h)
	}
	return a
}

// pvRoomCents is the surveyed area in 0.01 m² (10 000 mm²), half up: floor(A/10000 + 1/2) = floor((2A+10000)/20000).
func pvRoomCents(area2 int64) int64 { return (area2 + 10000) / 20000 }

func (s pvShape) polygon() orb.Polygon {
	ring := func(pts []pvPt) orb.Ring {
		r := make(orb.Ring, 0, len(pts)+1)
		for _, p := range pts {
			r = append(r, orb.Point{float64(p[0]) / 1000, float64(p[1]) / 1000})
		}
		return append(r, r[0])
	}
	poly := orb.Polygon{ring(s.outer)}
	for _, h := range s.holes {
		poly = append(poly, ring(h))
	}
	return poly
}

// ---------------------------------------------------------------------------------------------------
// The oracle.

type pvKey struct {
	rule    string
	subject uuid.UUID
}

type pvPerson struct {
	status  floorplan.RoomStatus
	area    int64 // 0.01 m²
	std     int64
	excess  int64
	why     string
	stdKind int
}

type pvRoom struct {
	status    floorplan.RoomStatus
	area      int64
	notVacant bool // in use by someone missing from the register: any status but vacant
}

type pvExpect struct {
	people   map[uuid.UUID]pvPerson
	rooms    map[uuid.UUID]pvRoom
	findings map[pvKey]int
	dontCare map[pvKey]string // findings the spec leaves open: not compared
	cover    map[string]int   // edge cases met, for the coverage log
	notes    map[pvKey]string // why a finding is expected
}

// The rules compared (the others, e.g. person.no_standard, are not).
var pvRules = []string{
	floorplan.RuleOverStandard, floorplan.RuleMultipleOffices, "person.unapproved_second_office",
	floorplan.RuleSecondOfficeNotSmaller, floorplan.RuleNotVacatedAfterLeaving,
	floorplan.RuleNotVacatedAfterConcurrentPost, floorplan.RuleNotVacatedAfterMerger,
	floorplan.RuleOverApprovedArea, floorplan.RuleIdle, floorplan.RulePrivateToilet,
}

// Rules whose findings are one per room: their count per subject is compared too.
var pvCounted = map[string]bool{"person.unapproved_second_office": true, floorplan.RuleOverStandard: true}

const pvL = 840 // common denominator of shares (1..8 occupants)

func pvOracle(s *floorplan.Snapshot, area2 map[uuid.UUID]int64) *pvExpect {
	d := pvDayOf(s.AsOf)
	live := func(del time.Time) bool { return del.IsZero() || pvDayOf(del).After(d) }
	active := func(a floorplan.Assignment) bool {
		return (a.Start.IsZero() || !d.Before(a.Start)) && (a.End.IsZero() || d.Before(a.End))
	}
	ex := &pvExpect{
		people: map[uuid.UUID]pvPerson{}, rooms: map[uuid.UUID]pvRoom{},
		findings: map[pvKey]int{}, dontCare: map[pvKey]string{}, notes: map[pvKey]string{}, cover: map[string]int{},
	}
	cover := func(ok bool, what string) {
		if ok {
			ex.cover[what]++
		}
	}
	// edge reports where a deadline-like day falls against the day evaluated.
	edge := func(what string, deadline time.Time) {
		cover(deadline.Equal(d), what+": deadline is the day (compliant)")
		cover(deadline.Equal(d.AddDate(0, 0, -1)), what+": deadline the day before (finding)")
	}
	add := func(rule string, id uuid.UUID, why string) {
		k := pvKey{rule, id}
		ex.findings[k]++
		ex.notes[k] += why + "; "
	}

	agencies := map[uuid.UUID]floorplan.Agency{}
	for _, a := range s.Agencies {
		agencies[a.ID] = a
	}
	rooms := map[uuid.UUID]floorplan.Room{}
	roomC := map[uuid.UUID]int64{}
	for _, r := range s.Rooms {
		if live(r.DeletedAt) {
			rooms[r.ID] = r
			roomC[r.ID] = pvRoomCents(area2[r.ID])
		}
	}
	people := map[uuid.UUID]floorplan.Person{}
	for _, p := range s.People {
		if live(p.DeletedAt) {
			people[p.ID] = p
		}
	}
	// Who is in which room today.
	occupants := map[uuid.UUID]map[uuid.UUID]bool{} // room → live people
	inUse := map[uuid.UUID]bool{}                   // room → some active assignment, whoever it names
	lastEnd := map[uuid.UUID]time.Time{}            // room → latest end of its started assignments
	holds := map[uuid.UUID][]floorplan.Assignment{} // person → active assignments on live rooms
	for _, a := range s.Assignments {
		if !live(a.DeletedAt) {
			continue
		}
		if _, ok := rooms[a.RoomID]; !ok {
			continue
		}
		if active(a) {
			inUse[a.RoomID] = true
			if _, ok := people[a.PersonID]; ok {
				if occupants[a.RoomID] == nil {
					occupants[a.RoomID] = map[uuid.UUID]bool{}
				}
				occupants[a.RoomID][a.PersonID] = true
				holds[a.PersonID] = append(holds[a.PersonID], a)
			}
		} else if (a.Start.IsZero() || !d.Before(a.Start)) && !a.End.IsZero() && a.End.After(lastEnd[a.RoomID]) {
			lastEnd[a.RoomID] = a.End
		}
	}
	share := func(room uuid.UUID) int64 { // in 1/(100·pvL) m²
		return roomC[room] * pvL / int64(len(occupants[room]))
	}
	round := func(units int64) int64 { return (units + pvL/2) / pvL } // half up to 0.01 m²

	stds := map[uuid.UUID]pvStd{}
	counted := map[uuid.UUID]map[uuid.UUID]bool{}    // person → rooms counted in their area
	secondOver := map[uuid.UUID]map[uuid.UUID]bool{} // person → approved second offices not smaller
	for id, p := range people {
		st := pvStd{kind: pvNone}
		if ag, ok := agencies[p.AgencyID]; ok {
			st = pvLookup(s.StandardRows, pvScale(ag), p.Rank, d)
		}
		stds[id] = st
		counted[id] = map[uuid.UUID]bool{}
		secondOver[id] = map[uuid.UUID]bool{}

		var sum, toiletUnits, raw2 int64
		private := true
		var toilets int
		officeRooms := map[uuid.UUID]bool{}
		mainOffices := 0
		var unapproved, unapprovedOnOffice []uuid.UUID
		held := len(holds[id]) > 0
		for _, a := range holds[id] {
			r := rooms[a.RoomID]
			u := r.Usage
			officeLike := u == floorplan.UsageOffice || u == floorplan.UsageRestRoom
			if u == floorplan.UsageOffice {
				officeRooms[r.ID] = true
				if a.Kind == floorplan.AssignMain {
					mainOffices++
				}
			}
			switch {
			case a.Kind == floorplan.AssignMain && (officeLike || u == floorplan.UsageToilet):
				sum += share(r.ID)
				raw2 += area2[r.ID]
				private = private && len(occupants[r.ID]) == 1
				counted[id][r.ID] = true
				if u == floorplan.UsageToilet {
					toiletUnits += share(r.ID)
					toilets++
				}
			case a.Kind == floorplan.AssignSecond && a.ApprovalRef == "" && officeLike:
				sum += share(r.ID)
				raw2 += area2[r.ID]
				private = private && len(occupants[r.ID]) == 1
				counted[id][r.ID] = true
				unapproved = append(unapproved, r.ID)
				if u == floorplan.UsageOffice {
					unapprovedOnOffice = append(unapprovedOnOffice, r.ID)
				}
			case a.Kind == floorplan.AssignSecond && a.ApprovalRef != "" && officeLike:
				sh := round(share(r.ID))
				cover(st.kind == pvHas && sh == st.c, "approved second office share = standard")
				cover(st.kind == pvHas && sh == st.c-1, "approved second office share = standard − 0.01")
				cover(st.kind == pvHas && sh == st.c && share(r.ID) < st.c*pvL, "approved second office share rounds up to the standard")
				switch st.kind {
				case pvHas:
					if sh >= st.c {
						secondOver[id][r.ID] = true
						add(floorplan.RuleSecondOfficeNotSmaller, id, fmt.Sprintf("approved second %s share %s ≥ %s", pvLabel(r.ID), pvM2(sh), pvM2(st.c)))
					}
				case pvCap:
					ex.dontCare[pvKey{floorplan.RuleSecondOfficeNotSmaller, id}] = "township person without a row: the spec does not say which limit an approved second office is compared with"
				}
			}
			// Concurrent post ended: the second office is vacated within the policy's months.
			if a.Kind == floorplan.AssignSecond && a.PostID != uuid.Nil {
				for _, post := range p.Posts {
					if post.ID != a.PostID || post.End.IsZero() {
						continue
					}
					deadline := pvAddMonths(pvDayOf(post.End), 2)
					edge("concurrent post", deadline)
					cover(deadline.Day() < post.End.Day(), "concurrent post: deadline clamped to a month end")
					if d.After(deadline) {
						if a.ApprovalRef != "" {
							add(floorplan.RuleNotVacatedAfterConcurrentPost, id, fmt.Sprintf("post ended %s, deadline %s, still holds %s", pvDate(post.End), pvDate(deadline), pvLabel(r.ID)))
						} else {
							ex.dontCare[pvKey{floorplan.RuleNotVacatedAfterConcurrentPost, id}] = "unapproved second office naming an ended post"
						}
					}
				}
			}
		}
		area := round(sum)
		if st.kind != pvNone && sum > 0 {
			cover(area == st.c, "person area = limit")
			cover(private && area == st.c && raw2 > st.c*20000, "person's surveyed polygons above the limit by less than 0.005 (compliant)")
			cover(private && area == st.c+1 && raw2 < (st.c+1)*20000, "person's surveyed polygons above the limit by 0.005–0.01 (over by 0.01)")
			cover(area == st.c && sum > st.c*pvL, "person's shares above the limit by less than 0.005 (compliant)")
			cover(area == st.c+1, "person area = limit + 0.01")
			cover(area == st.c+1 && sum < (st.c+1)*pvL, "person area rounds up to limit + 0.01")
			cover(st.kind == pvCap && area > st.c, "township person over the 24 m² cap")
			cover(st.kind == pvCap && area <= st.c, "township person within the cap (no standard)")
		}
		cover(len(unapprovedOnOffice) > 0, "unapproved second office counted")
		pr := pvPerson{area: area, stdKind: st.kind}
		switch st.kind {
		case pvHas:
			pr.std = st.c
			if area > st.c {
				pr.status, pr.excess = floorplan.StatusOverStandard, area-st.c
			} else {
				pr.status = floorplan.StatusCompliant
			}
		case pvCap:
			if area > st.c {
				pr.status, pr.std, pr.excess = floorplan.StatusOverStandard, st.c, area-st.c
			} else {
				pr.status = floorplan.StatusNoStandard
			}
		default:
			pr.status = floorplan.StatusNoStandard
		}
		pr.why = fmt.Sprintf("area %s (%d units/%d), std %s kind %d", pvM2(area), sum, pvL, pvM2(st.c), st.kind)
		ex.people[id] = pr
		if pr.status == floorplan.StatusOverStandard {
			add(floorplan.RuleOverStandard, id, pr.why)
		}

		// One office per official.
		someUnapproved := len(unapproved) > 0
		multiple := len(officeRooms) > 1 && (mainOffices > 1 || len(unapprovedOnOffice) > 0)
		multipleAlt := len(officeRooms) > 1 && (mainOffices > 1 || someUnapproved)
		if multiple {
			add(floorplan.RuleMultipleOffices, id, fmt.Sprintf("%d office rooms, %d main, %d unapproved second", len(officeRooms), mainOffices, len(unapprovedOnOffice)))
		}
		if multiple != multipleAlt {
			ex.dontCare[pvKey{floorplan.RuleMultipleOffices, id}] = "an unapproved second office on a rest room"
		}
		// An unapproved second office and no other office: one finding per such room.
		for _, rid := range unapproved {
			others := 0
			for oid := range officeRooms {
				if oid != rid {
					others++
				}
			}
			readingA := others == 0 // no other room of usage office
			readingB := !multiple   // multiple_offices does not fire
			if readingA && readingB {
				add("person.unapproved_second_office", id, "unapproved second "+pvLabel(rid)+" and no other office")
			}
			if readingA != readingB || rooms[rid].Usage != floorplan.UsageOffice {
				ex.dontCare[pvKey{"person.unapproved_second_office", id}] = "an unapproved second office on a rest room, or beside a rest room"
			}
		}
		// Private toilet: only the ranks the note names, and at most their allowance.
		if toilets > 0 {
			tc := round(toiletUnits)
			cover(st.toilet > 0 && tc == st.toilet, "toilet = allowance")
			cover(st.toilet > 0 && tc == st.toilet+1, "toilet = allowance + 0.01")
			if st.kind != pvHas && (p.Rank == floorplan.RankMinister || p.Rank == floorplan.RankViceMinister) {
				// A 省部级 rank at a scale with no row for it: note 4 names 省部级 leaders by rank, so
				// whether they may have a toilet is open.
				ex.dontCare[pvKey{floorplan.RulePrivateToilet, id}] = "a 省部级 rank with no row at its agency's scale"
			}
			if st.kind != pvHas || st.toilet == 0 {
				add(floorplan.RulePrivateToilet, id, fmt.Sprintf("toilet %s for a rank with no allowance (std kind %d: %s at %s)", pvM2(tc), st.kind, p.Rank, pvScale(agencies[p.AgencyID])))
			} else if tc > st.toilet {
				add(floorplan.RulePrivateToilet, id, fmt.Sprintf("toilet %s > allowance %s", pvM2(tc), pvM2(st.toilet)))
			}
		}
		// Retired or transferred: vacate within one month (the deadline day included).
		if (p.Status == floorplan.PersonRetired || p.Status == floorplan.PersonTransferred) && !p.StatusDate.IsZero() && held {
			deadline := pvAddMonths(pvDayOf(p.StatusDate), 1)
			edge("leaving", deadline)
			cover(deadline.Day() < p.StatusDate.Day(), "leaving: deadline clamped to a month end")
			if d.After(deadline) {
				add(floorplan.RuleNotVacatedAfterLeaving, id, fmt.Sprintf("%s %s, deadline %s, still holds %d rooms", p.Status, pvDate(p.StatusDate), pvDate(deadline), len(holds[id])))
			}
		}
	}

	// Rooms.
	for id, r := range rooms {
		rr := pvRoom{area: roomC[id]}
		cover(area2[id]%20000 == 10000, "room area exactly x.xx5 m² (rounds up)")
		cover(area2[id]%20000 == 9998, "room area x.xx4999 m² (rounds down)")
		cover(len(occupants[id]) > 1 && roomC[id]*pvL/int64(len(occupants[id]))%pvL == pvL/2, "shared room share exactly half a hundredth")
		cover(len(occupants[id]) >= 3, "room shared by 3 or more")
		cover(len(occupants[id]) == 0 && inUse[id], "room in use by someone deleted")
		occ := occupants[id]
		switch {
		case r.Usage != floorplan.UsageOffice && r.Usage != floorplan.UsageRestRoom:
			rr.status = floorplan.StatusNonOffice
		case len(occ) == 0 && inUse[id]:
			rr.notVacant = true
		case len(occ) == 0:
			rr.status = floorplan.StatusVacant
		default:
			over, noStd := false, false
			for pid := range occ {
				pr := ex.people[pid]
				if (counted[pid][id] && pr.status == floorplan.StatusOverStandard) || secondOver[pid][id] {
					over = true
				}
				if pr.status == floorplan.StatusNoStandard {
					noStd = true
				}
			}
			switch {
			case over:
				rr.status = floorplan.StatusOverStandard
			case noStd:
				rr.status = floorplan.StatusNoStandard
			default:
				rr.status = floorplan.StatusCompliant
			}
		}
		ex.rooms[id] = rr

		// Idle for 6 months or more (reached on since + 6 months).
		if r.Usage.IsOfficeSpace() && (r.State == floorplan.RoomInUse || r.State == floorplan.RoomIdle || r.State == "") && !inUse[id] {
			var since time.Time
			var how string
			switch {
			case r.State == floorplan.RoomIdle && !r.IdleSince.IsZero():
				since, how = pvDayOf(r.IdleSince), "idle since"
			case !lastEnd[id].IsZero():
				since, how = pvDayOf(lastEnd[id]), "last assignment ended"
			case !r.ValidFrom.IsZero():
				since, how = pvDayOf(r.ValidFrom), "never assigned, valid from"
			default:
				since, how = pvDayOf(r.CreatedAt), "never assigned, created"
			}
			edge("idle "+how, pvAddMonths(since, 6).AddDate(0, 0, -1))
			if reached := pvAddMonths(since, 6); !d.Before(reached) {
				add(floorplan.RuleIdle, id, fmt.Sprintf("%s %s, 6 months reached %s", how, pvDate(since), pvDate(reached)))
			}
			if r.State != floorplan.RoomIdle && r.Usage != floorplan.UsageOffice && r.Usage != floorplan.UsageRestRoom {
				ex.dontCare[pvKey{floorplan.RuleIdle, id}] = "a service room or toilet nobody is assigned to and not recorded idle: the spec does not say whether it is idle"
			}
		}
	}

	// Agencies.
	for id, a := range agencies {
		if (a.Status == floorplan.AgencyMerged || a.Status == floorplan.AgencyAbolished) && !a.StatusDate.IsZero() {
			deadline := pvAddMonths(pvDayOf(a.StatusDate), 0)
			edge("merger", deadline)
			if d.After(deadline) {
				n := 0
				for _, r := range rooms {
					if r.AgencyID == id {
						n++
					}
				}
				for pid, p := range people {
					if p.AgencyID == id && len(holds[pid]) > 0 {
						n++
					}
				}
				if n > 0 {
					add(floorplan.RuleNotVacatedAfterMerger, id, fmt.Sprintf("%s %s, %d rooms or people in rooms", a.Status, pvDate(a.StatusDate), n))
				}
			}
		}
		if a.ApprovedAreaM2 > 0 {
			var sum int64
			for rid, r := range rooms {
				if r.AgencyID == id && r.Usage.IsOfficeSpace() {
					sum += roomC[rid]
				}
			}
			cover(sum == pvCents(a.ApprovedAreaM2), "office space = approved area")
			cover(sum == pvCents(a.ApprovedAreaM2)+1, "office space = approved area + 0.01")
			if appr := pvCents(a.ApprovedAreaM2); sum > appr {
				add(floorplan.RuleOverApprovedArea, id, fmt.Sprintf("office space %s > approved %s", pvM2(sum), pvM2(appr)))
			}
		}
	}
	return ex
}

// ---------------------------------------------------------------------------------------------------
// Labels and formatting for dumps.

var pvLabels = map[uuid.UUID]string{}

func pvLabel(id uuid.UUID) string {
	if id == uuid.Nil {
		return "-"
	}
	if l, ok := pvLabels[id]; ok {
		return l
	}
	return id.String()[:8]
}

func pvM2(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

func pvDate(t time.Time) string {
	if t.IsZero() {
		return "∅"
	}
	return t.Format(floorplan.DateLayout)
}

// ---------------------------------------------------------------------------------------------------
// The generator.

type pvGen struct {
	seed   uint64
	r      *rand.Rand
	asOf   time.Time
	n      int
	slot   int64
	floors map[uuid.UUID]uuid.UUID // agency → floor
	snap   floorplan.Snapshot
	shape  map[uuid.UUID]pvShape
	area2  map[uuid.UUID]int64

	agencies []*floorplan.Agency
	people   []*floorplan.Person
	rooms    []*floorplan.Room
	asg      []*floorplan.Assignment
}

func (g *pvGen) id(prefix string) uuid.UUID {
	g.n++
	id := uuid.MustParse(fmt.Sprintf("%08x-%04x-4000-8000-%012x", uint32(g.seed), g.n, g.n))
	pvLabels[id] = fmt.Sprintf("%s%d", prefix, g.n)
	return id
}

func (g *pvGen) chance(p float64) bool { return g.r.Float64() < p }

func (g *pvGen) day(offset int) time.Time { return g.asOf.AddDate(0, 0, offset) }

// around returns a day near a deadline-relevant date: the first day whose deadline (months after it) is
// asOf−1, asOf or asOf+1, or anything within ±40 days.
func (g *pvGen) around(months int) time.Time {
	if g.chance(0.5) {
		want := g.day(g.r.IntN(3) - 1)
		var cands []time.Time
		for k := -100; k <= 40; k++ {
			c := g.day(k)
			if pvAddMonths(c, months).Equal(want) {
				cands = append(cands, c)
			}
		}
		if len(cands) > 0 {
			return cands[g.r.IntN(len(cands))]
		}
	}
	return pvAddMonths(g.day(g.r.IntN(81)-40), -months)
}

// delta returns an offset in mm² from an exact figure: on it, just under or over the 0.005 m² rounding
// point, 0.01 m² over or under, or anything within ±8 m².
func (g *pvGen) delta() int64 {
	switch g.r.IntN(13) {
	case 0, 1:
		return 0
	case 2:
		return 4000 // +0.004
	case 3:
		return 4999
	case 4:
		return 5000 // +0.005
	case 5:
		return 10000 // +0.01
	case 6:
		return -5000 // −0.005 → rounds to the figure
	case 7:
		return -5001
	case 8:
		return -10000
	case 9:
		return -4000
	default:
		return g.r.Int64N(16_000_001) - 8_000_000
	}
}

// bumpRect is a rectangle of width w at (x, y) whose area is exactly t mm²: w × (t div w), plus a 1 mm
// step of width t mod w on its top edge.
func bumpRect(x, y, w, t int64) []pvPt {
	h, rem := t/w, t%w
	if rem == 0 {
		return []pvPt{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}
	}
	return []pvPt{{x, y}, {x + w, y}, {x + w, y + h}, {x + rem, y + h}, {x + rem, y + h + 1}, {x, y + h + 1}}
}

// shapeOf draws a room of exactly t mm²: a rectangle, an L or a rectangle with a rectangular hole.
func (g *pvGen) shapeOf(t int64) pvShape {
	if t < 1_500_000 {
		t = 1_500_000 + g.r.Int64N(1000)
	}
	x0, y0 := 300_000+g.slot*20_000, 80_000+g.r.Int64N(5)*1000
	g.slot++
	var s pvShape
	switch k := g.r.IntN(4); {
	case k == 1 && t > 12_000_000: // L: a wide rectangle and a narrower one on top
		w1 := 3000 + g.r.Int64N(4000)
		h1 := max(1000, t*6/10/w1)
		rest := t - w1*h1
		w2 := 1000 + g.r.Int64N(w1-1500)
		if rest >= w2*500 {
			top := bumpRect(x0, y0+h1, w2, rest)
			s.outer = append([]pvPt{{x0, y0}, {x0 + w1, y0}, {x0 + w1, y0 + h1}}, top[1:]...)
			break
		}
		fallthrough
	case k == 2 && t > 12_000_000: // a hole (a column, a shaft)
		a, b := 400+g.r.Int64N(900), 400+g.r.Int64N(900)
		w := 3000 + g.r.Int64N(5000)
		tt := t + a*b
		if tt/w >= b+2000 && w >= a+2000 {
			s.outer = bumpRect(x0, y0, w, tt)
			s.holes = [][]pvPt{{{x0 + 1000, y0 + 1000}, {x0 + 1000 + a, y0 + 1000}, {x0 + 1000 + a, y0 + 1000 + b}, {x0 + 1000, y0 + 1000 + b}}}
			break
		}
		fallthrough
	default: // a rectangle, exact when some width divides t
		var ws []int64
		for w := int64(2500); w <= 8000; w++ {
			if t%w == 0 && t/w >= 1200 && t/w <= 16000 {
				ws = append(ws, w)
			}
		}
		w := 2500 + g.r.Int64N(5500)
		if len(ws) > 0 && g.chance(0.8) {
			w = ws[g.r.IntN(len(ws))]
		}
		s.outer = bumpRect(x0, y0, w, t)
	}
	if g.chance(0.5) {
		slices.Reverse(s.outer)
	}
	for _, h := range s.holes {
		if g.chance(0.5) {
			slices.Reverse(h)
		}
	}
	return s
}

func (g *pvGen) room(agency uuid.UUID, usage floorplan.Usage, t int64) *floorplan.Room {
	id := g.id("R")
	sh := g.shapeOf(t)
	floor := g.floors[agency]
	if floor == uuid.Nil {
		floor = g.floors[uuid.Nil]
	}
	r := &floorplan.Room{
		ID: id, FloorID: floor, Number: pvLabel(id), Usage: usage, AgencyID: agency, State: floorplan.RoomInUse,
		Geometry: sh.polygon(), Version: 1,
		CreatedAt: g.asOf.AddDate(-3, 0, 0).Add(time.Duration(g.r.IntN(86400)) * time.Second),
	}
	g.shape[id] = sh
	g.area2[id] = sh.area2()
	g.rooms = append(g.rooms, r)
	return r
}

// randomArea is a room of any size between lo and hi m², in mm².
func (g *pvGen) randomArea(lo, hi float64) int64 {
	return int64(lo*1e6) + g.r.Int64N(int64((hi-lo)*1e6))
}

func (g *pvGen) assign(p uuid.UUID, r *floorplan.Room, kind floorplan.AssignmentKind, mods ...func(*floorplan.Assignment)) *floorplan.Assignment {
	start := g.day(-30 - g.r.IntN(900))
	if g.chance(0.05) {
		start = g.asOf // starts today: active
	}
	if r.CreatedAt.After(start) {
		r.CreatedAt = start.AddDate(0, 0, -1)
	}
	a := &floorplan.Assignment{ID: g.id("S"), PersonID: p, RoomID: r.ID, Kind: kind, Start: start, Version: 1}
	if g.chance(0.1) {
		a.End = g.day(1 + g.r.IntN(100)) // ends later
	}
	for _, m := range mods {
		m(a)
	}
	g.asg = append(g.asg, a)
	return a
}

func ended(end time.Time) func(*floorplan.Assignment) {
	return func(a *floorplan.Assignment) {
		a.End = end
		if !a.Start.Before(end) {
			a.Start = end.AddDate(0, -3, 0)
		}
	}
}

// std is the limit the generator aims rooms at (the oracle's own table; any figure would do).
func (g *pvGen) std(p *floorplan.Person) pvStd {
	for _, a := range g.agencies {
		if a.ID == p.AgencyID {
			return pvLookup(g.snap.StandardRows, pvScale(*a), p.Rank, g.asOf)
		}
	}
	return pvStd{}
}

// target is a room aimed at c hundredths of m² (plus a rounding-edge delta); a random one when c is small.
func (g *pvGen) target(c int64) int64 {
	if c < 300 {
		return g.randomArea(4, 40)
	}
	return c*10000 + g.delta()
}

var pvAsOfs = []time.Time{
	floorplan.Day(2024, time.February, 29), floorplan.Day(2024, time.March, 31), floorplan.Day(2025, time.February, 28),
	floorplan.Day(2024, time.December, 31), floorplan.Day(2025, time.January, 31), floorplan.Day(2024, time.May, 31),
	floorplan.Day(2025, time.March, 1), floorplan.Day(2024, time.August, 30),
}

func pvGenerate(seed uint64) (*floorplan.Snapshot, map[uuid.UUID]int64) {
	g := &pvGen{
		seed: seed, r: rand.New(rand.NewPCG(seed, 0x0ff1ce)),
		floors: map[uuid.UUID]uuid.UUID{}, shape: map[uuid.UUID]pvShape{}, area2: map[uuid.UUID]int64{},
	}
	if g.chance(0.5) {
		g.asOf = pvAsOfs[g.r.IntN(len(pvAsOfs))]
	} else {
		g.asOf = floorplan.Day(2024, time.January, 1).AddDate(0, 0, g.r.IntN(900))
	}
	g.snap.AsOf = g.asOf
	if g.chance(0.2) {
		g.snap.AsOf = g.asOf.Add(time.Duration(g.r.IntN(86400)) * time.Second) // a moment of the day
	}
	bld := floorplan.Building{ID: g.id("B"), Name: "1号楼"}
	g.snap.Buildings = []floorplan.Building{bld}
	addFloor := func(agency uuid.UUID, ord int) {
		f := floorplan.Floor{ID: g.id("F"), BuildingID: bld.ID, Ordinal: ord, Name: fmt.Sprintf("%dF", ord+1)}
		g.snap.Floors = append(g.snap.Floors, f)
		g.floors[agency] = f.ID
	}
	addFloor(uuid.Nil, 0)

	// Township rows set by the province for some ranks (some not yet in force, some superseded).
	if g.chance(0.6) {
		for _, rank := range floorplan.Ranks {
			if !g.chance(0.3) {
				continue
			}
			n := 1 + g.r.IntN(2)
			for i := range n {
				eff := floorplan.Day(2016, time.January, 1).AddDate(i, 0, 0)
				if g.chance(0.25) {
					eff = g.day(g.r.IntN(5) - 2) // around the day: in force from asOf, or not yet
				}
				toilet := 0.0
				if rank == floorplan.RankDivision && g.chance(0.5) {
					toilet = 6
				}
				g.snap.StandardRows = append(g.snap.StandardRows, floorplan.StandardRow{
					Scale: floorplan.LevelTownship, Rank: rank, Title: "乡级" + string(rank),
					AreaM2: []float64{9, 12, 15, 18, 20, 24, 16.5}[g.r.IntN(7)], ToiletAllowanceM2: toilet,
					Effective: eff, Jurisdiction: "某省", Source: "某省乡镇机关办公用房标准",
				})
			}
		}
		// Distinct (scale, rank, jurisdiction, effective).
		seen := map[string]bool{}
		g.snap.StandardRows = slices.DeleteFunc(g.snap.StandardRows, func(r floorplan.StandardRow) bool {
			k := string(r.Rank) + r.Effective.String()
			dup := seen[k]
			seen[k] = true
			return dup
		})
	}

	// Agencies.
	nAg := 1 + g.r.IntN(3)
	for i := range nAg {
		a := &floorplan.Agency{ID: g.id("A"), Level: floorplan.AdminLevels[g.r.IntN(len(floorplan.AdminLevels))], Status: floorplan.AgencyActive, Headcount: 10}
		a.Name = pvLabel(a.ID) + "局"
		if g.chance(0.15) {
			a.Scale = floorplan.AdminLevels[g.r.IntN(len(floorplan.AdminLevels))] // 副省级 city, 派出机构 …
		}
		if g.chance(0.25) {
			a.Status = []floorplan.AgencyStatus{floorplan.AgencyMerged, floorplan.AgencyAbolished}[g.r.IntN(2)]
			a.StatusDate = g.around(0)
			if i > 0 {
				a.SuccessorID = g.agencies[0].ID
			}
		}
		g.agencies = append(g.agencies, a)
		addFloor(a.ID, i+1)
	}
	g.snap.Agencies = nil

	// People.
	var shared []*floorplan.Person
	for _, a := range g.agencies {
		rows := []floorplan.Rank{}
		for _, rk := range floorplan.Ranks {
			if _, ok := pvTable[pvScale(*a)][rk]; ok {
				rows = append(rows, rk)
			}
		}
		nP := 2 + g.r.IntN(7)
		for range nP {
			p := &floorplan.Person{ID: g.id("P"), AgencyID: a.ID, Status: floorplan.PersonActive, CreatedAt: g.day(-1000)}
			p.Name = pvLabel(p.ID)
			if len(rows) > 0 && g.chance(0.75) {
				p.Rank = rows[g.r.IntN(len(rows))]
			} else {
				p.Rank = floorplan.Ranks[g.r.IntN(len(floorplan.Ranks))]
			}
			if g.chance(0.3) {
				p.Status = []floorplan.PersonStatus{floorplan.PersonRetired, floorplan.PersonTransferred}[g.r.IntN(2)]
				p.StatusDate = g.around(1)
			}
			for range g.r.IntN(3) {
				post := floorplan.Post{ID: g.id("J"), Title: "兼职", AgencyID: a.ID, Start: g.day(-800)}
				if g.chance(0.6) {
					post.End = g.around(2)
				}
				p.Posts = append(p.Posts, post)
			}
			g.people = append(g.people, p)
			g.personRooms(p, a, &shared)
		}
		g.agencyRooms(a)
	}

	// Shared offices of 2–4 (sometimes across agencies).
	g.r.Shuffle(len(shared), func(i, j int) { shared[i], shared[j] = shared[j], shared[i] })
	for len(shared) > 0 {
		n := min(len(shared), 2+g.r.IntN(3))
		group := shared[:n]
		shared = shared[n:]
		st := g.std(group[0])
		var c int64
		if st.c > 0 && g.chance(0.7) {
			c = int64(n)*st.c + int64(g.r.IntN(7)-3)
		} else {
			c = int64(n) * (600 + g.r.Int64N(1800))
		}
		t := c*10000 + []int64{0, 0, 4999, 5000, -5000, -5001, 10000}[g.r.IntN(7)]
		r := g.room(group[0].AgencyID, floorplan.UsageOffice, t)
		for _, p := range group {
			g.assign(p.ID, r, floorplan.AssignMain)
		}
		// Now and then somebody's second office is in a shared room.
		if n < 4 && g.chance(0.2) {
			other := g.people[g.r.IntN(len(g.people))]
			if !slices.Contains(group, other) {
				g.second(other, r)
			}
		}
	}

	// Someone no longer in the register (deleted) still in a room, and one whose use dates a vacant room.
	if g.chance(0.3) {
		a := g.agencies[g.r.IntN(len(g.agencies))]
		p := &floorplan.Person{ID: g.id("P"), Name: "deleted", AgencyID: a.ID, Rank: floorplan.RankStaff, Status: floorplan.PersonActive,
			CreatedAt: g.day(-1000), DeletedAt: g.day(-20)}
		p.Name = pvLabel(p.ID) + "(deleted)"
		g.people = append(g.people, p)
		if g.chance(0.5) {
			g.assign(p.ID, g.room(a.ID, floorplan.UsageOffice, g.randomArea(6, 30)), floorplan.AssignMain)
		} else if len(g.rooms) > 0 {
			g.assign(p.ID, g.rooms[g.r.IntN(len(g.rooms))], floorplan.AssignMain)
		}
		r := g.room(a.ID, floorplan.UsageOffice, g.randomArea(6, 30))
		g.assign(p.ID, r, floorplan.AssignMain, ended(g.around(6)))
	}

	// Approved areas near the sum of the agency's office space.
	for _, a := range g.agencies {
		if !g.chance(0.45) {
			continue
		}
		var sum int64
		for _, r := range g.rooms {
			if r.AgencyID == a.ID && r.Usage.IsOfficeSpace() {
				sum += pvRoomCents(g.area2[r.ID])
			}
		}
		appr := sum + []int64{0, -1, 1, -100, 500, -2000}[g.r.IntN(6)]
		if appr > 0 {
			a.ApprovedAreaM2 = float64(appr) / 100
		}
	}

	for _, a := range g.agencies {
		g.snap.Agencies = append(g.snap.Agencies, *a)
	}
	for _, p := range g.people {
		g.snap.People = append(g.snap.People, *p)
	}
	for _, r := range g.rooms {
		g.snap.Rooms = append(g.snap.Rooms, *r)
	}
	for _, a := range g.asg {
		g.snap.Assignments = append(g.snap.Assignments, *a)
	}
	// The engine must not depend on the order of the slices.
	g.r.Shuffle(len(g.snap.Rooms), func(i, j int) { g.snap.Rooms[i], g.snap.Rooms[j] = g.snap.Rooms[j], g.snap.Rooms[i] })
	g.r.Shuffle(len(g.snap.People), func(i, j int) { g.snap.People[i], g.snap.People[j] = g.snap.People[j], g.snap.People[i] })
	g.r.Shuffle(len(g.snap.Assignments), func(i, j int) {
		g.snap.Assignments[i], g.snap.Assignments[j] = g.snap.Assignments[j], g.snap.Assignments[i]
	})
	g.snap.FirstKnown = g.day(-2000)
	return &g.snap, g.area2
}

// second gives p a second office in room r: approved with its post, approved without a post, or not
// approved (with or without a post).
func (g *pvGen) second(p *floorplan.Person, r *floorplan.Room) {
	post := uuid.Nil
	if len(p.Posts) > 0 && g.chance(0.8) {
		post = p.Posts[g.r.IntN(len(p.Posts))].ID
	}
	approved := g.chance(0.6)
	if approved && g.std(p).kind == pvCap {
		approved = false // which limit applies is not specified: not generated
	}
	g.assign(p.ID, r, floorplan.AssignSecond, func(a *floorplan.Assignment) {
		a.PostID = post
		if approved {
			a.ApprovalRef = "常委办〔2024〕7号"
			if g.chance(0.15) {
				a.PostID = uuid.Nil
			}
		}
	})
}

// personRooms gives a person their rooms: none, a private office aimed at their limit, a place in a
// shared office, two offices, only a "second" office, a rest room, a private toilet, a second office,
// rooms they held before.
func (g *pvGen) personRooms(p *floorplan.Person, a *floorplan.Agency, shared *[]*floorplan.Person) {
	st := g.std(p)
	var used int64 // 0.01 m² of rest room and toilet
	if g.chance(0.15) {
		r := g.room(a.ID, floorplan.UsageRestRoom, g.randomArea(4, 12))
		g.assign(p.ID, r, floorplan.AssignMain)
		used += pvRoomCents(g.area2[r.ID])
	}
	toiletChance := 0.06
	if st.toilet > 0 {
		toiletChance = 0.4
	}
	if g.chance(toiletChance) {
		t := []int64{600 * 10000, 600*10000 + 4000, 600*10000 + 4999, 600*10000 + 5000, 601 * 10000, 599 * 10000, 3_500_000, 8_000_000}[g.r.IntN(8)]
		r := g.room(a.ID, floorplan.UsageToilet, t)
		g.assign(p.ID, r, floorplan.AssignMain)
		used += pvRoomCents(g.area2[r.ID])
	}
	switch k := g.r.IntN(20); {
	case k < 2: // no office
	case k < 11: // a private office aimed at the limit
		g.assign(p.ID, g.room(a.ID, floorplan.UsageOffice, g.target(st.c-used)), floorplan.AssignMain)
	case k < 16: // a shared office
		*shared = append(*shared, p)
	case k < 17: // two main offices
		g.assign(p.ID, g.room(a.ID, floorplan.UsageOffice, g.target(st.c/2)), floorplan.AssignMain)
		g.assign(p.ID, g.room(a.ID, floorplan.UsageOffice, g.target(st.c/2)), floorplan.AssignMain)
	case k < 18: // only a "second" office, not approved: simply their office
		g.assign(p.ID, g.room(a.ID, floorplan.UsageOffice, g.target(st.c-used+int64(g.r.IntN(3)-1))), floorplan.AssignSecond)
	default: // a service room as their main room: not counted
		g.assign(p.ID, g.room(a.ID, floorplan.UsageService, g.randomArea(10, 60)), floorplan.AssignMain)
	}
	switch {
	case g.chance(0.22): // a second office aimed at the limit (not smaller ⇔ share ≥ standard)
		usage := floorplan.UsageOffice
		if g.chance(0.1) {
			usage = floorplan.UsageRestRoom
		}
		g.second(p, g.room(a.ID, usage, g.target(st.c+int64(g.r.IntN(3)-2))))
	case st.c > 0 && len(g.people) > 1 && g.chance(0.08): // a second office shared with someone's main office, the share ±0.005 from the limit
		other := g.people[g.r.IntN(len(g.people)-1)]
		r := g.room(a.ID, floorplan.UsageOffice, (2*st.c+int64(g.r.IntN(4)-2))*10000)
		g.assign(other.ID, r, floorplan.AssignMain)
		g.second(p, r)
	}
	if g.chance(0.15) { // a room they held before
		r := g.room(a.ID, floorplan.UsageOffice, g.randomArea(6, 30))
		g.assign(p.ID, r, floorplan.AssignMain, ended(g.around(6)))
		if g.chance(0.3) {
			r.State = floorplan.RoomIdle
			r.IdleSince = g.around(6)
		}
	}
}

// agencyRooms adds an agency's other rooms: vacant offices (never used, idle, handed back), service
// rooms, a leased room, a room valid from a known day.
func (g *pvGen) agencyRooms(a *floorplan.Agency) {
	for range 1 + g.r.IntN(4) {
		r := g.room(a.ID, floorplan.UsageOffice, g.randomArea(6, 40))
		switch g.r.IntN(5) {
		case 0: // never assigned, registered around six months ago (in Beijing time, near midnight, now and then)
			r.CreatedAt = g.around(6).Add(time.Duration(g.r.IntN(86400)) * time.Second)
			if g.chance(0.5) {
				y, m, dd := g.around(6).Date()
				r.CreatedAt = time.Date(y, m, dd, g.r.IntN(2), 30, 0, 0, time.FixedZone("CST", 8*3600))
			}
		case 1: // known to exist from a day
			r.ValidFrom = g.around(6)
			r.CreatedAt = g.day(-10 - g.r.IntN(60))
		case 2: // recorded idle
			r.State, r.IdleSince = floorplan.RoomIdle, g.around(6)
		case 3: // leased out
			r.State = floorplan.RoomLeased
		}
		if g.chance(0.1) {
			r.AgencyID = uuid.Nil
		}
	}
	for range g.r.IntN(3) {
		r := g.room(a.ID, floorplan.UsageService, g.randomArea(15, 80))
		if g.chance(0.3) {
			r.State, r.IdleSince = floorplan.RoomIdle, g.around(6)
		}
		if g.chance(0.3) {
			r.CreatedAt = g.around(6)
		}
	}
}

// ---------------------------------------------------------------------------------------------------
// The comparison.

type pvFailures struct {
	t      *testing.T
	counts map[string]int
	first  map[string]uint64
	seeds  int
}

func (f *pvFailures) add(category string, seed uint64) {
	if f.counts[category] == 0 {
		f.first[category] = seed
	}
	f.counts[category]++
}

func (f *pvFailures) summary() {
	for _, c := range slices.Sorted(maps.Keys(f.counts)) {
		f.t.Errorf("%4d× %s (first seed %d)", f.counts[c], c, f.first[c])
	}
}

func pvDump(snap *floorplan.Snapshot, area2 map[uuid.UUID]int64, ex *pvExpect, rep *floorplan.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "as of %s\n", pvDate(snap.AsOf))
	for _, r := range snap.StandardRows {
		fmt.Fprintf(&b, "  row %s/%s %.2f toilet %.0f from %s\n", r.Scale, r.Rank, r.AreaM2, r.ToiletAllowanceM2, pvDate(r.Effective))
	}
	for _, a := range snap.Agencies {
		fmt.Fprintf(&b, "  %s %s scale=%s approved=%.2f %s %s\n", pvLabel(a.ID), a.Level, a.Scale, a.ApprovedAreaM2, a.Status, pvDate(a.StatusDate))
	}
	people := slices.Clone(snap.People)
	slices.SortFunc(people, func(x, y floorplan.Person) int { return strings.Compare(pvLabel(x.ID), pvLabel(y.ID)) })
	for _, p := range people {
		var posts []string
		for _, post := range p.Posts {
			posts = append(posts, pvLabel(post.ID)+" end "+pvDate(post.End))
		}
		del := ""
		if !p.DeletedAt.IsZero() {
			del = " deleted " + pvDate(p.DeletedAt)
		}
		fmt.Fprintf(&b, "  %s of %s %s %s %s posts[%s]%s\n", pvLabel(p.ID), pvLabel(p.AgencyID), p.Rank, p.Status, pvDate(p.StatusDate), strings.Join(posts, ", "), del)
	}
	rooms := slices.Clone(snap.Rooms)
	slices.SortFunc(rooms, func(x, y floorplan.Room) int { return strings.Compare(pvLabel(x.ID), pvLabel(y.ID)) })
	for _, r := range rooms {
		fmt.Fprintf(&b, "  %s of %s %s %s idle %s valid %s created %s area %s (2A=%d mm²)\n", pvLabel(r.ID), pvLabel(r.AgencyID), r.Usage, r.State,
			pvDate(r.IdleSince), pvDate(r.ValidFrom), r.CreatedAt.Format("2006-01-02T15:04"), pvM2(pvRoomCents(area2[r.ID])), area2[r.ID])
		for _, a := range snap.Assignments {
			if a.RoomID == r.ID {
				fmt.Fprintf(&b, "      %s %s approval=%q post=%s %s…%s\n", pvLabel(a.PersonID), a.Kind, a.ApprovalRef, pvLabel(a.PostID), pvDate(a.Start), pvDate(a.End))
			}
		}
	}
	b.WriteString("  expected findings:\n")
	for _, k := range slices.SortedFunc(maps.Keys(ex.findings), pvCompareKey) {
		fmt.Fprintf(&b, "    %s %s ×%d: %s\n", k.rule, pvLabel(k.subject), ex.findings[k], ex.notes[k])
	}
	b.WriteString("  engine findings:\n")
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "    %s %s %s area %.4f std %.2f excess %.4f rooms %v: %s\n", f.RuleID, pvLabel(f.SubjectID), f.Severity, f.AreaM2, f.StandardM2, f.ExcessM2, pvLabelsOf(f.RoomIDs), f.MessageEN)
	}
	return b.String()
}

func pvLabelsOf(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = pvLabel(id)
	}
	return out
}

func pvCompareKey(x, y pvKey) int {
	if c := strings.Compare(x.rule, y.rule); c != 0 {
		return c
	}
	return strings.Compare(pvLabel(x.subject), pvLabel(y.subject))
}

func pvNear(got float64, want int64) bool { return math.Abs(got*100-float64(want)) < 0.05 }

// pvByLabel yields the entries of m in the order of their ids' labels.
func pvByLabel[V any](m map[uuid.UUID]V) iter.Seq2[uuid.UUID, V] {
	return func(yield func(uuid.UUID, V) bool) {
		for _, id := range slices.SortedFunc(maps.Keys(m), func(a, b uuid.UUID) int { return strings.Compare(pvLabel(a), pvLabel(b)) }) {
			if !yield(id, m[id]) {
				return
			}
		}
	}
}

// pvCompare returns the disagreements between the engine and the oracle, each as (category, detail).
func pvCompare(ex *pvExpect, rep *floorplan.Report) [][2]string {
	var out [][2]string
	bad := func(cat, format string, args ...any) { out = append(out, [2]string{cat, fmt.Sprintf(format, args...)}) }

	for id, want := range pvByLabel(ex.people) {
		got, ok := rep.Person(id)
		if !ok {
			bad("person missing from the report", "%s", pvLabel(id))
			continue
		}
		if got.Status != want.status {
			bad(fmt.Sprintf("person status %s, oracle %s (std kind %d)", got.Status, want.status, want.stdKind), "%s: engine %s area %.4f std %.2f; oracle %s (%s)", pvLabel(id), got.Status, got.OfficeAreaM2, got.StandardM2, want.status, want.why)
		}
		if !pvNear(got.OfficeAreaM2, want.area) {
			bad("person office area", "%s: engine %.6f, oracle %s (%s)", pvLabel(id), got.OfficeAreaM2, pvM2(want.area), want.why)
		}
		if !pvNear(got.StandardM2, want.std) {
			bad(fmt.Sprintf("person standard (std kind %d, status %s)", want.stdKind, want.status), "%s: engine %.2f, oracle %s (%s)", pvLabel(id), got.StandardM2, pvM2(want.std), want.why)
		}
		if !pvNear(got.ExcessM2, want.excess) {
			bad("person excess", "%s: engine %.6f, oracle %s (%s)", pvLabel(id), got.ExcessM2, pvM2(want.excess), want.why)
		}
	}
	for id, want := range pvByLabel(ex.rooms) {
		got, ok := rep.Room(id)
		if !ok {
			bad("room missing from the report", "%s", pvLabel(id))
			continue
		}
		if want.notVacant {
			if got.Status == floorplan.StatusVacant {
				bad("room in use by a missing person reported vacant", "%s", pvLabel(id))
			}
		} else if got.Status != want.status {
			bad(fmt.Sprintf("room status %s, oracle %s", got.Status, want.status), "%s", pvLabel(id))
		}
		if !pvNear(got.AreaM2, want.area) {
			bad("room area", "%s: engine %.6f, oracle %s", pvLabel(id), got.AreaM2, pvM2(want.area))
		}
	}
	rules := map[string]bool{}
	for _, r := range pvRules {
		rules[r] = true
	}
	got := map[pvKey]int{}
	for _, f := range rep.Findings {
		if rules[f.RuleID] {
			got[pvKey{f.RuleID, f.SubjectID}]++
		}
	}
	for k, n := range ex.findings {
		if _, skip := ex.dontCare[k]; skip {
			continue
		}
		switch m := got[k]; {
		case m == 0:
			bad("missing finding "+k.rule, "%s: %s", pvLabel(k.subject), ex.notes[k])
		case pvCounted[k.rule] && m != n:
			bad("wrong number of findings "+k.rule, "%s: engine %d, oracle %d: %s", pvLabel(k.subject), m, n, ex.notes[k])
		}
	}
	for k := range got {
		if _, skip := ex.dontCare[k]; skip {
			continue
		}
		if ex.findings[k] == 0 {
			bad("unexpected finding "+k.rule, "%s", pvLabel(k.subject))
		}
	}
	return out
}

func pvEvaluate(t *testing.T, seed uint64) (*floorplan.Snapshot, map[uuid.UUID]int64, *floorplan.Report) {
	t.Helper()
	snap, area2 := pvGenerate(seed)
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	if err != nil {
		t.Fatalf("seed %d: Evaluate: %v", seed, err)
	}
	return snap, area2, rep
}

// TestPropertyVerdicts compares every person's and room's verdict and the findings of ten rules with the
// oracle's, on random registers.
func TestPropertyVerdicts(t *testing.T) {
	fails := &pvFailures{t: t, counts: map[string]int{}, first: map[string]uint64{}}
	dumped := 0
	seeds := pvSeeds()
	people, rooms, findings := 0, 0, 0
	cover := map[string]int{}
	for _, seed := range seeds {
		snap, area2, rep := pvEvaluate(t, seed)
		// The geometry handed to the engine is the oracle's: its float area is within 1e-6 m² of the exact one.
		for _, r := range snap.Rooms {
			if got, want := pvFloatArea(r.Geometry), float64(area2[r.ID])/2e6; math.Abs(got-want) > 1e-6 {
				t.Fatalf("seed %d: generator bug: room %s float area %v, exact %v", seed, pvLabel(r.ID), got, want)
			}
		}
		ex := pvOracle(snap, area2)
		for k, n := range ex.cover {
			cover[k] += n
		}
		for k, n := range ex.findings {
			cover["finding "+k.rule] += n
		}
		for k := range ex.dontCare {
			cover["not compared "+k.rule] += 1
		}
		people += len(ex.people)
		rooms += len(ex.rooms)
		for _, n := range ex.findings {
			findings += n
		}
		diffs := pvCompare(ex, rep)
		if len(diffs) > 0 {
			fails.seeds++
		}
		var lines []string
		for _, d := range diffs {
			fails.add(d[0], seed)
			lines = append(lines, d[0]+": "+d[1])
		}
		if len(diffs) > 0 && (dumped < 3 || *pvOneSeed >= 0) {
			dumped++
			t.Errorf("seed %d: %d disagreements:\n  %s\n%s", seed, len(diffs), strings.Join(lines, "\n  "), pvDump(snap, area2, ex, rep))
		} else if len(diffs) > 0 {
			t.Logf("seed %d: %d disagreements:\n  %s", seed, len(diffs), strings.Join(lines, "\n  "))
		} else if *pvOneSeed >= 0 {
			t.Logf("seed %d agrees:\n%s", seed, pvDump(snap, area2, ex, rep))
		}
	}
	t.Logf("%d registers: %d people, %d rooms, %d expected findings; %d registers disagree", len(seeds), people, rooms, findings, fails.seeds)
	for _, k := range slices.Sorted(maps.Keys(cover)) {
		t.Logf("  %5d  %s", cover[k], k)
	}
	if len(seeds) >= 100 {
		for _, k := range pvMustCover {
			if cover[k] == 0 {
				t.Errorf("generator no longer covers %q", k)
			}
		}
	}
	fails.summary()
}

// pvMustCover are the edge cases 100 registers must meet.
var pvMustCover = []string{
	"approved second office share = standard", "approved second office share = standard − 0.01",
	"person area = limit", "person's surveyed polygons above the limit by less than 0.005 (compliant)", "person area = limit + 0.01",
	"person's surveyed polygons above the limit by 0.005–0.01 (over by 0.01)", "approved second office share rounds up to the standard",
	"person area rounds up to limit + 0.01", "township person over the 24 m² cap", "township person within the cap (no standard)",
	"toilet = allowance", "toilet = allowance + 0.01", "room area exactly x.xx5 m² (rounds up)",
	"shared room share exactly half a hundredth", "room in use by someone deleted",
	"leaving: deadline is the day (compliant)", "leaving: deadline the day before (finding)",
	"concurrent post: deadline is the day (compliant)", "concurrent post: deadline the day before (finding)",
	"merger: deadline is the day (compliant)", "merger: deadline the day before (finding)",
	"office space = approved area", "office space = approved area + 0.01",
	"finding person.unapproved_second_office", "finding person.multiple_offices", "finding person.second_office_not_smaller",
	"finding person.not_vacated_after_concurrent_post", "finding agency.not_vacated_after_merger", "finding room.idle",
	"finding person.private_toilet", "finding agency.over_approved_area", "finding person.not_vacated_after_leaving",
}

// pvFloatArea is a shoelace on the float geometry (only to check the generator's conversion).
func pvFloatArea(p orb.Polygon) float64 {
	ring := func(r orb.Ring) float64 {
		s := 0.0
		for i := 0; i+1 < len(r); i++ {
			s += (r[i][0]-r[0][0])*(r[i+1][1]-r[0][1]) - (r[i+1][0]-r[0][0])*(r[i][1]-r[0][1])
		}
		return math.Abs(s) / 2
	}
	a := ring(p[0])
	for _, h := range p[1:] {
		a -= ring(h)
	}
	return a
}

// Over-type rules: their findings state an excess that must print positive.
var pvOverRules = map[string]bool{
	floorplan.RuleOverStandard: true, floorplan.RuleOverApprovedArea: true,
}

var (
	pvNumber  = regexp.MustCompile(`[0-9]+(?:\.[0-9]+)?`)
	pvBefore  = regexp.MustCompile(`应于[^，。；]*前`)
	pvZeroPct = regexp.MustCompile(`(^|[^0-9.])0\.0%`)
)

// TestPropertyMessages checks every finding's sentences on the random registers: no "…前腾退" (the
// sentences name the last compliant day), and over-type findings print a positive excess.
func TestPropertyMessages(t *testing.T) {
	bad, all, checked, tiny := 0, 0, 0, 0
	for _, seed := range pvSeeds() {
		_, _, rep := pvEvaluate(t, seed)
		all += len(rep.Findings)
		for _, f := range rep.Findings {
			report := func(format string, args ...any) {
				bad++
				if bad <= 20 {
					t.Errorf("seed %d: %s %s: %s\n  zh: %s\n  en: %s", seed, f.RuleID, pvLabel(f.SubjectID), fmt.Sprintf(format, args...), f.Message, f.MessageEN)
				}
			}
			for _, m := range []string{f.Message, f.MessageEN} {
				if strings.Contains(m, "前腾退") || pvBefore.MatchString(m) {
					report("says \"…前腾退\" / \"应于…前\"")
				}
			}
			if !pvOverRules[f.RuleID] && !(f.RuleID == floorplan.RulePrivateToilet && f.StandardM2 > 0) {
				continue
			}
			if !(f.ExcessM2 > 0) || strconv.FormatFloat(f.ExcessM2, 'f', 2, 64) == "0.00" {
				report("excess %v does not print positive", f.ExcessM2)
				continue
			}
			checked++
			if f.StandardM2 > 0 && f.ExcessM2/f.StandardM2*100 < 0.05 {
				tiny++
			}
			ex := strconv.FormatFloat(f.ExcessM2, 'f', 2, 64)
			for _, m := range []string{f.Message, f.MessageEN} {
				if !slices.Contains(pvNumber.FindAllString(m, -1), ex) {
					report("sentence does not print the excess %s", ex)
				}
				if f.StandardM2 > 0 && f.ExcessM2/f.StandardM2*100 < 0.05 {
					if !strings.Contains(m, "不足0.1%") && !strings.Contains(m, "under 0.1%") {
						report("excess %.4f%% prints as 0.0%% instead of <0.1", f.ExcessM2/f.StandardM2*100)
					}
				}
				if pvZeroPct.MatchString(m) {
					report("prints a 0.0%% excess")
				}
			}
		}
	}
	t.Logf("%d findings, %d of them over-type (%d with an excess under 0.05 %%) checked", all, checked, tiny)
	if bad > 20 {
		t.Errorf("… %d sentence problems in all", bad)
	}
}
