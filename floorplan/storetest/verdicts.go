package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

// testVerdicts is a table per rule with its boundary areas (at the limit, +0.004, +0.005, +0.01 m²: survey
// precision, 0.01 m² half up) and boundary days (the last compliant day, the day after), written through
// the store and evaluated on its snapshot, so that both stores give the same verdicts at the edges.
func testVerdicts(t *testing.T, s floorplan.Store) {
	v := newVerdictFixture(t, s)
	t.Run("areas", func(t *testing.T) { v.areas(t) })
	t.Run("days", func(t *testing.T) { v.days(t) })
}

type verdictFixture struct {
	*fixture
	slot int // the next free 4 m × 6.5 m slot of floor 0
}

func newVerdictFixture(t *testing.T, s floorplan.Store) *verdictFixture {
	return &verdictFixture{fixture: newFixture(t, s)}
}

// surveyedRoom creates a room of the given usage and area (a 4 m wide rectangle at real coordinates, so
// that its area carries floating-point noise), known from 2020, for agency a.
func (v *verdictFixture) surveyedRoom(t *testing.T, a uuid.UUID, usage floorplan.Usage, area float64) floorplan.Room {
	t.Helper()
	x := float64(v.slot%14) * 4.25
	y := float64(v.slot/14) * 6.5
	v.slot++
	if v.slot > 42 {
		t.Fatal("verdicts: the fixture floor is full")
	}
	r := floorplan.Room{FloorID: v.floor(0).ID, Number: fmt.Sprintf("V%02d", v.slot), Usage: usage, AgencyID: a,
		State: floorplan.RoomInUse, ValidFrom: floorplan.Day(2020, 1, 1),
		Geometry: orb.Polygon{{{x, y}, {x + 4, y}, {x + 4, y + area/4}, {x, y + area/4}, {x, y}}}}
	must(t, v.s.CreateRoom(v.ctx, &r))
	return r
}

func (v *verdictFixture) agency(t *testing.T, level floorplan.AdminLevel, mods ...func(*floorplan.Agency)) uuid.UUID {
	t.Helper()
	a := floorplan.Agency{Name: fmt.Sprintf("单位%d", len(v.agencies)+v.slot), Level: level, Status: floorplan.AgencyActive}
	for _, m := range mods {
		m(&a)
	}
	must(t, v.s.CreateAgency(v.ctx, &a))
	return a.ID
}

func (v *verdictFixture) personOf(t *testing.T, a uuid.UUID, rank floorplan.Rank, mods ...func(*floorplan.Person)) floorplan.Person {
	t.Helper()
	p := floorplan.Person{Name: "人员" + uuid.NewString()[:6], AgencyID: a, Rank: rank, Status: floorplan.PersonActive}
	for _, m := range mods {
		m(&p)
	}
	must(t, v.s.CreatePerson(v.ctx, &p))
	return p
}

func (v *verdictFixture) hold(t *testing.T, p floorplan.Person, r floorplan.Room, kind floorplan.AssignmentKind, mods ...func(*floorplan.Assignment)) {
	t.Helper()
	a := floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Kind: kind, Start: floorplan.Day(2021, 1, 4)}
	for _, m := range mods {
		m(&a)
	}
	must(t, v.s.CreateAssignment(v.ctx, &a))
}

func (v *verdictFixture) report(t *testing.T, asOf time.Time) *floorplan.Report {
	t.Helper()
	snap, err := v.s.Snapshot(v.ctx, asOf)
	must(t, err)
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	must(t, err)
	return rep
}

// has reports whether rep has a finding of rule about subject.
func has(rep *floorplan.Report, rule string, subject uuid.UUID) bool {
	return slices.ContainsFunc(rep.Findings, func(f floorplan.Finding) bool { return f.RuleID == rule && f.SubjectID == subject })
}

// boundaries are the areas around a limit and whether each is a breach at survey precision.
var boundaries = []struct {
	name  string
	delta float64
	over  bool
}{{"at", 0, false}, {"+0.004", 0.004, false}, {"+0.005", 0.005, true}, {"+0.01", 0.01, true}}

func (v *verdictFixture) areas(t *testing.T) {
	type check struct {
		name    string
		rule    string
		subject uuid.UUID
		want    bool
	}
	var checks []check
	city := v.agency(t, floorplan.LevelMunicipal)
	town := v.agency(t, floorplan.LevelTownship)
	for _, b := range boundaries {
		// person.over_standard: a 正处级 official (24 m²) alone in an office.
		p := v.personOf(t, city, floorplan.RankDivision)
		v.hold(t, p, v.surveyedRoom(t, city, floorplan.UsageOffice, 24+b.delta), floorplan.AssignMain)
		checks = append(checks, check{"over standard " + b.name, floorplan.RuleOverStandard, p.ID, b.over})

		// person.private_toilet: a 市级正职 (6 m² allowance) with a 20 m² office.
		head := v.personOf(t, city, floorplan.RankBureau)
		v.hold(t, head, v.surveyedRoom(t, city, floorplan.UsageOffice, 20), floorplan.AssignMain)
		v.hold(t, head, v.surveyedRoom(t, city, floorplan.UsageToilet, 6+b.delta), floorplan.AssignMain)
		checks = append(checks, check{"private toilet " + b.name, floorplan.RulePrivateToilet, head.ID, b.over})

		// agency.over_approved_area: 20 m² approved, one office of 20 + delta.
		ag := v.agency(t, floorplan.LevelMunicipal, func(a *floorplan.Agency) { a.ApprovedAreaM2 = 20 })
		v.surveyedRoom(t, ag, floorplan.UsageService, 20+b.delta)
		checks = append(checks, check{"approved area " + b.name, floorplan.RuleOverApprovedArea, ag, b.over})

		// The township cap (24 m², no local table): a notice at or under it, a breach above it.
		tp := v.personOf(t, town, floorplan.RankStaff)
		v.hold(t, tp, v.surveyedRoom(t, town, floorplan.UsageOffice, 24+b.delta), floorplan.AssignMain)
		checks = append(checks, check{"township cap " + b.name, floorplan.RuleOverStandard, tp.ID, b.over},
			check{"township notice " + b.name, floorplan.RuleNoStandard, tp.ID, !b.over})
	}
	// person.second_office_not_smaller: a 副处级 official (18 m²) with an approved second office; "smaller"
	// is judged at survey precision too: 17.995 is 18.00, not smaller.
	for _, c := range []struct {
		area float64
		want bool
	}{{18, true}, {17.995, true}, {17.994, false}, {17.99, false}} {
		p := v.personOf(t, city, floorplan.RankViceDivision, func(p *floorplan.Person) {
			p.Posts = []floorplan.Post{{Title: "兼职主任", Start: floorplan.Day(2021, 1, 1)}}
		})
		v.hold(t, p, v.surveyedRoom(t, city, floorplan.UsageOffice, 12), floorplan.AssignMain)
		second := v.surveyedRoom(t, city, floorplan.UsageOffice, c.area)
		v.hold(t, p, second, floorplan.AssignSecond, func(a *floorplan.Assignment) {
			a.ApprovalRef, a.PostID = "常机管〔2021〕1号", p.Posts[0].ID
		})
		checks = append(checks, check{fmt.Sprintf("second office %v m²", c.area), floorplan.RuleSecondOfficeNotSmaller, p.ID, c.want})
	}
	rep := v.report(t, day(clockOf(t, v.s), 0))
	for _, c := range checks {
		if got := has(rep, c.rule, c.subject); got != c.want {
			t.Errorf("%s: %s = %v, want %v", c.name, c.rule, got, c.want)
		}
	}
}

func (v *verdictFixture) days(t *testing.T) {
	city := v.agency(t, floorplan.LevelMunicipal)
	// Retired on 31 January 2026: due back by 28 February (a month, clamped to its end).
	retired := v.personOf(t, city, floorplan.RankStaff, func(p *floorplan.Person) {
		p.Status, p.StatusDate = floorplan.PersonRetired, floorplan.Day(2026, 1, 31)
	})
	v.hold(t, retired, v.surveyedRoom(t, city, floorplan.UsageOffice, 9), floorplan.AssignMain)
	// A concurrent post that ended on 15 January 2026: its second office due back by 15 March.
	conc := v.personOf(t, city, floorplan.RankDivision, func(p *floorplan.Person) {
		p.Posts = []floorplan.Post{{Title: "兼职", Start: floorplan.Day(2021, 1, 1), End: floorplan.Day(2026, 1, 15)}}
	})
	v.hold(t, conc, v.surveyedRoom(t, city, floorplan.UsageOffice, 20), floorplan.AssignMain)
	v.hold(t, conc, v.surveyedRoom(t, city, floorplan.UsageOffice, 12), floorplan.AssignSecond, func(a *floorplan.Assignment) {
		a.ApprovalRef, a.PostID = "常机管〔2021〕2号", conc.Posts[0].ID
	})
	// Merged on 15 January 2026, no grace by default: due by that day.
	merged := v.agency(t, floorplan.LevelMunicipal, func(a *floorplan.Agency) {
		a.Status, a.StatusDate = floorplan.AgencyMerged, floorplan.Day(2026, 1, 15)
	})
	v.surveyedRoom(t, merged, floorplan.UsageOffice, 15)
	// Last used until 10 March 2025: idle for 6 months on 10 September 2025.
	idle := v.surveyedRoom(t, city, floorplan.UsageOffice, 12)
	left := v.personOf(t, city, floorplan.RankStaff)
	v.hold(t, left, idle, floorplan.AssignMain, func(a *floorplan.Assignment) { a.End = floorplan.Day(2025, 3, 10) })

	for _, c := range []struct {
		name    string
		rule    string
		subject uuid.UUID
		last    time.Time // the last compliant day
	}{
		{"retired", floorplan.RuleNotVacatedAfterLeaving, retired.ID, floorplan.Day(2026, 2, 28)},
		{"concurrent post", floorplan.RuleNotVacatedAfterConcurrentPost, conc.ID, floorplan.Day(2026, 3, 15)},
		{"merger", floorplan.RuleNotVacatedAfterMerger, merged, floorplan.Day(2026, 1, 15)},
		{"idle", floorplan.RuleIdle, idle.ID, floorplan.Day(2025, 9, 9)},
	} {
		if has(v.report(t, c.last), c.rule, c.subject) {
			t.Errorf("%s: a finding on %s, the last compliant day", c.name, c.last.Format(floorplan.DateLayout))
		}
		next := c.last.AddDate(0, 0, 1)
		if !has(v.report(t, next), c.rule, c.subject) {
			t.Errorf("%s: no finding on %s, the day after the last compliant day", c.name, next.Format(floorplan.DateLayout))
		}
	}
}
