package floorplan

// Tests of the verdict rules after issue 10: survey precision (RoundM2), room use independent of the
// person row, unapproved second offices, the township cap, second offices and their posts, deadline
// wording, the policy basis of findings and the report's notes. Every report made by mustEvaluate (here
// and in findings_test.go) goes through checkPrinted, which scans every finding's sentences and printed
// numbers.

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
)

// surveyed is a 4 m × (area/4) m rectangle at real local coordinates (a frame's origin is often far
// from the building), so that the shoelace sum carries floating-point noise: 24.005 comes out as
// 24.004999999997381.
func surveyed(area float64) orb.Polygon {
	x0, y0 := 1234.567, 8901.234
	w, h := 4.0, area/4
	return orb.Polygon{{{x0, y0}, {x0 + w, y0}, {x0 + w, y0 + h}, {x0, y0 + h}, {x0, y0}}}
}

// at gives a room its surveyed geometry.
func at(area float64) func(*Room) { return func(r *Room) { r.Geometry = surveyed(area) } }

// overTypeRules are the rules whose finding says an area is over a limit.
var overTypeRules = []string{RuleOverStandard, RulePrivateToilet, RuleOverApprovedArea}

// checkPrinted scans every finding of a report: no "应于…前" wording; deadlines said as the last compliant
// day; for an over-type finding a printed excess above 0.00 and a printed percentage that is not 0.0 %,
// both in the sentence, and the survey precision in its basis; for a second office not smaller, a printed
// share not below the printed standard.
func checkPrinted(t testing.TB, rep *Report) {
	t.Helper()
	for _, f := range rep.Findings {
		for _, msg := range []string{f.Message, f.MessageEN, f.Basis, f.BasisEN} {
			if strings.Contains(msg, "前腾退") || strings.Contains(msg, "应于") || strings.Contains(msg, "due back by "+day(f.Deadline)+" and") {
				t.Errorf("%s: old deadline wording: %s", f.RuleID, msg)
			}
		}
		if !f.Deadline.IsZero() && f.RuleID != RuleIdle {
			if zh := "最迟于" + day(f.Deadline) + "（含当日）"; !strings.Contains(f.Message, zh) {
				t.Errorf("%s: %q does not say %q", f.RuleID, f.Message, zh)
			}
			if en := "by " + day(f.Deadline) + " at the latest (that day included)"; !strings.Contains(f.MessageEN, en) {
				t.Errorf("%s: %q does not say %q", f.RuleID, f.MessageEN, en)
			}
		}
		if slices.Contains(overTypeRules, f.RuleID) {
			ex := m2(f.ExcessM2)
			if !(f.ExcessM2 > 0) || ex == "0.00" || ex != m2(f.AreaM2-f.StandardM2) {
				t.Errorf("%s: printed excess %s (area %s, standard %s) shows no breach: %s", f.RuleID, ex, m2(f.AreaM2), m2(f.StandardM2), f.Message)
			}
			if !strings.Contains(f.Message, ex) && f.StandardM2 > 0 {
				t.Errorf("%s: the sentence does not print the excess %s: %s", f.RuleID, ex, f.Message)
			}
			if strings.Contains(f.Message, "（0.0%）") || strings.Contains(f.MessageEN, "(0.0%)") {
				t.Errorf("%s: a breach printed as 0.0 %%: %s", f.RuleID, f.Message)
			}
			if !strings.Contains(f.Basis, "面积按0.01平方米计（四舍五入）") || !strings.Contains(f.BasisEN, "areas to 0.01 m², half up") {
				t.Errorf("%s: the basis %q / %q does not state the survey precision", f.RuleID, f.Basis, f.BasisEN)
			}
		}
		if f.RuleID == RuleSecondOfficeNotSmaller && hundredths(f.AreaM2) < hundredths(f.StandardM2) {
			t.Errorf("%s: printed share %s below the standard %s", f.RuleID, m2(f.AreaM2), m2(f.StandardM2))
		}
	}
}

func rules(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID)
	}
	return out
}

func TestRoundM2(t *testing.T) {
	tests := []struct {
		in, want float64
	}{
		{0, 0}, {24, 24}, {24.004, 24}, {24.005, 24.01}, {24.004999999997381, 24.01}, {24.0049999, 24},
		{24.01, 24.01}, {9.333333333333334, 9.33}, {8.995000000002619, 9}, {26.5, 26.5}, {0.004, 0}, {0.005, 0.01},
		{100.004999999997381, 100.01}, {1e6 + 0.005, 1e6 + 0.01},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.in), func(t *testing.T) {
			if got := RoundM2(tt.in); got != tt.want {
				t.Fatalf("RoundM2(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestSurveyPrecision compares areas at the limit, 0.004, 0.005 and 0.01 m² above it (and below it for a
// second office, which must be smaller), every room drawn at real coordinates.
func TestSurveyPrecision(t *testing.T) {
	start := Day(2020, time.January, 1)
	postID := uuid.MustParse("00000000-0000-0000-0000-00000000b057")
	type build func(w *world, d float64) uuid.UUID       // returns the subject
	staffOffice := func(w *world, d float64) uuid.UUID { // county staff: 9 m²
		ag := w.agency(LevelCounty)
		p := w.person(ag, RankStaff)
		w.assign(p, w.room(ag, UsageOffice, 0, at(9+d)), AssignMain, start)
		return p
	}
	sharedOffice := func(w *world, d float64) uuid.UUID { // three county staff in 27 m² + 3d
		ag := w.agency(LevelCounty)
		r := w.room(ag, UsageOffice, 0, at(27+3*d))
		var p uuid.UUID
		for range 3 {
			p = w.person(ag, RankStaff)
			w.assign(p, r, AssignMain, start)
		}
		return p
	}
	toilet := func(w *world, d float64) uuid.UUID { // 市级正职: 42 m², a toilet of up to 6 m² inside
		ag := w.agency(LevelMunicipal)
		p := w.person(ag, RankBureau)
		w.assign(p, w.room(ag, UsageOffice, 0, at(30)), AssignMain, start)
		w.assign(p, w.room(ag, UsageToilet, 0, at(6+d)), AssignMain, start)
		return p
	}
	second := func(w *world, d float64) uuid.UUID { // 正局(处)级: 24 m²; an approved second office of 24 + d
		ag := w.agency(LevelMunicipal)
		p := w.person(ag, RankDivision, func(p *Person) {
			p.Posts = []Post{{ID: postID, Title: "领导小组副组长", AgencyID: ag, Start: start}}
		})
		w.assign(p, w.room(ag, UsageOffice, 0, at(20)), AssignMain, start)
		w.assign(p, w.room(ag, UsageOffice, 0, at(24+d)), AssignSecond, start, func(a *Assignment) {
			a.ApprovalRef, a.PostID = "常委办〔2023〕7号", postID
		})
		return p
	}
	approved := func(w *world, d float64) uuid.UUID { // approved 100 m², three rooms of 100 + d
		ag := w.agency(LevelCounty, func(a *Agency) { a.ApprovedAreaM2 = 100 })
		w.room(ag, UsageOffice, 0, at(40))
		w.room(ag, UsageService, 0, at(35))
		w.room(ag, UsageEquipment, 0, at(25+d))
		w.room(ag, UsageCommercial, 0, at(500)) // not office space
		return ag
	}
	township := func(w *world, d float64) uuid.UUID { // no local row: the 24 m² cap
		ag := w.agency(LevelTownship)
		p := w.person(ag, RankSection)
		w.assign(p, w.room(ag, UsageOffice, 0, at(24+d)), AssignMain, start)
		return p
	}
	cases := []struct {
		what   string
		build  build
		rule   string
		limit  float64
		deltas map[float64]string // d → printed excess ("" for no finding)
	}{
		{"over standard", staffOffice, RuleOverStandard, 9,
			map[float64]string{0: "", 0.004: "", 0.005: "0.01", 0.01: "0.01", 0.5: "0.50"}},
		{"shared office, equal split", sharedOffice, RuleOverStandard, 9,
			map[float64]string{0: "", 0.004: "", 0.005: "0.01", 0.01: "0.01"}},
		{"private toilet", toilet, RulePrivateToilet, 6,
			map[float64]string{0: "", 0.004: "", 0.005: "0.01", 0.01: "0.01"}},
		{"second office not smaller", second, RuleSecondOfficeNotSmaller, 24,
			map[float64]string{-0.01: "", -0.006: "", -0.005: "0.00", 0: "0.00", 0.004: "0.00", 0.005: "0.01", 0.01: "0.01"}},
		{"approved area", approved, RuleOverApprovedArea, 100,
			map[float64]string{0: "", 0.004: "", 0.005: "0.01", 0.01: "0.01"}},
		{"township cap", township, RuleOverStandard, 24,
			map[float64]string{0: "", 0.004: "", 0.005: "0.01", 0.01: "0.01", 6: "6.00"}},
	}
	for _, c := range cases {
		for _, d := range slices.Sorted(maps.Keys(c.deltas)) {
			want := c.deltas[d]
			t.Run(fmt.Sprintf("%s at %+.3f", c.what, d), func(t *testing.T) {
				w := newWorld(Day(2024, time.June, 1))
				subject := c.build(w, d)
				rep := mustEvaluate(t, &w.snap, DefaultPolicy())
				got := findingsOf(rep, c.rule, subject)
				if want == "" {
					if len(got) != 0 {
						t.Fatalf("%s at the limit %+v: %+v", c.rule, d, got)
					}
					return
				}
				if len(got) != 1 {
					t.Fatalf("%s findings = %d, want 1: %v", c.rule, len(got), rules(rep.Findings))
				}
				f := got[0]
				if m2(f.ExcessM2) != want || f.StandardM2 != c.limit {
					t.Errorf("excess %s over %v, want %s over %v", m2(f.ExcessM2), f.StandardM2, want, c.limit)
				}
				if c.rule == RuleSecondOfficeNotSmaller {
					return
				}
				// 0.01 m² over 24 or 100 m² is under 0.1 % (over 9 or 6 m² it prints as 0.1 or 0.2 %).
				under := want == "0.01" && c.limit >= 24
				if under != (fmt.Sprintf("%.1f", f.ExcessPct) == "0.0") {
					t.Fatalf("excess %% %v", f.ExcessPct)
				}
				if under && (!strings.Contains(f.Message, "（不足0.1%）") || !strings.Contains(f.MessageEN, "(under 0.1%)")) {
					t.Errorf("an excess of 0.01 m² over %v m² is not printed as under 0.1 %%: %s / %s", c.limit, f.Message, f.MessageEN)
				}
				if !under && !strings.Contains(f.Message, fmt.Sprintf("（%.1f%%）", f.ExcessPct)) {
					t.Errorf("percentage not printed: %s", f.Message)
				}
			})
		}
	}
	t.Run("township cap colours the room", func(t *testing.T) {
		w := newWorld(Day(2024, time.June, 1))
		p := township(w, 0.005)
		rep := mustEvaluate(t, &w.snap, DefaultPolicy())
		pr, _ := rep.Person(p)
		if pr.Status != StatusOverStandard || pr.StandardM2 != 24 || pr.ExcessM2 != 0.01 || len(pr.RoomIDs) != 1 {
			t.Fatalf("person %+v", pr)
		}
		if r, _ := rep.Room(pr.RoomIDs[0]); r.Status != StatusOverStandard || r.AreaM2 != 24.01 {
			t.Errorf("room %+v", r)
		}
	})
}

// TestOccupancyRounded: a room's area is its surveyed figure and a person's area the rounded sum of
// their shares.
func TestOccupancyRounded(t *testing.T) {
	w := newWorld(Day(2024, time.June, 1))
	ag := w.agency(LevelCounty)
	r := w.room(ag, UsageOffice, 0, at(27.014))
	var ps []uuid.UUID
	for range 3 {
		p := w.person(ag, RankStaff)
		w.assign(p, r, AssignMain, Day(2020, 1, 1))
		ps = append(ps, p)
	}
	o, err := NewOccupancy(&w.snap, nil, DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	rr, _ := o.Room(r)
	if rr.AreaM2 != 27.01 || rr.Status != StatusCompliant || math.Abs(rr.PerPersonM2-27.01/3) > 1e-12 {
		t.Errorf("room %+v", rr)
	}
	for _, id := range ps {
		if p, _ := o.Person(id); p.OfficeAreaM2 != 9 || p.Status != StatusCompliant || p.ExcessM2 != 0 {
			t.Errorf("person %+v", p)
		}
	}
}

// TestRoomUseWithoutPerson: a deleted (or missing) person's assignments still date and mark their room's
// use.
func TestRoomUseWithoutPerson(t *testing.T) {
	start := Day(2023, time.March, 1)
	ended := Day(2024, time.January, 15)
	tests := []struct {
		name     string
		asOf     time.Time
		end      time.Time // of the assignment; zero: active
		missing  bool      // the person is not in the register at all (else deleted)
		idle     bool
		deadline time.Time
		status   RoomStatus
	}{
		{"deleted person, ended: one day short of 6 months", Day(2024, time.July, 14), ended, false, false, time.Time{}, StatusVacant},
		{"deleted person, ended: 6 months reached that day", Day(2024, time.July, 15), ended, false, true, Day(2024, time.July, 15), StatusVacant},
		{"deleted person, still assigned: in use, not idle", Day(2026, time.January, 1), time.Time{}, false, false, time.Time{}, StatusNoStandard},
		{"missing person, still assigned: in use, not idle", Day(2026, time.January, 1), time.Time{}, true, false, time.Time{}, StatusNoStandard},
		{"missing person, ended: idle from the end", Day(2024, time.July, 15), ended, true, true, Day(2024, time.July, 15), StatusVacant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(tt.asOf)
			ag := w.agency(LevelCounty)
			r := w.room(ag, UsageOffice, 0, at(40)) // registered in 2015: idle long ago if its use were lost
			var p uuid.UUID
			if tt.missing {
				p = uuid.MustParse("00000000-0000-0000-0000-0000000dead0")
			} else {
				p = w.person(ag, RankStaff, func(p *Person) { p.DeletedAt = Day(2024, time.March, 1) })
			}
			w.assign(p, r, AssignMain, start, func(a *Assignment) { a.End = tt.end })
			rep := mustEvaluate(t, &w.snap, DefaultPolicy())
			idle := findingsOf(rep, RuleIdle, r)
			if (len(idle) == 1) != tt.idle || len(idle) > 1 {
				t.Fatalf("idle findings %+v, want idle %v", idle, tt.idle)
			}
			if tt.idle {
				if !idle[0].Deadline.Equal(tt.deadline) || !strings.Contains(idle[0].Message, "自"+day(tt.end)+"起闲置") {
					t.Errorf("idle finding %+v", idle[0])
				}
			}
			for _, f := range rep.Findings {
				if f.Subject == EntityPerson {
					t.Errorf("a person finding for someone not in the register: %+v", f)
				}
			}
			if got, _ := rep.Room(r); got.Status != tt.status || len(got.Occupants) != 0 {
				t.Errorf("room status %s (occupants %v), want %s", got.Status, got.Occupants, tt.status)
			}
		})
	}
}

// TestUnapprovedSecondOffice: without approval a second office is simply another office.
func TestUnapprovedSecondOffice(t *testing.T) {
	start := Day(2020, time.January, 1)
	t.Run("sole unapproved second office: 9 m² staff in 40 m²", func(t *testing.T) {
		w := newWorld(Day(2024, time.June, 1))
		ag := w.agency(LevelCounty)
		p := w.person(ag, RankStaff)
		r := w.room(ag, UsageOffice, 0, at(40))
		w.assign(p, r, AssignSecond, start)
		rep := mustEvaluate(t, &w.snap, DefaultPolicy())
		var got []string
		for _, f := range rep.Findings {
			if f.SubjectID == p {
				got = append(got, f.RuleID)
			}
		}
		slices.Sort(got)
		if want := []string{RuleOverStandard, RuleUnapprovedSecondOffice}; !slices.Equal(got, want) {
			t.Fatalf("findings %v, want %v", got, want)
		}
		over := findingsOf(rep, RuleOverStandard, p)[0]
		if over.AreaM2 != 40 || over.StandardM2 != 9 || over.ExcessM2 != 31 || !slices.Equal(over.RoomIDs, []uuid.UUID{r}) ||
			!strings.Contains(over.Basis, "未经批准的兼职办公室计入办公室面积") {
			t.Errorf("over standard %+v", over)
		}
		un := findingsOf(rep, RuleUnapprovedSecondOffice, p)[0]
		if un.Source != Art19Source || un.Severity != SeverityViolation || un.AreaM2 != 40 || !slices.Equal(un.RoomIDs, []uuid.UUID{r}) {
			t.Errorf("unapproved second office %+v", un)
		}
		pr, _ := rep.Person(p)
		rr, _ := rep.Room(r)
		if pr.OfficeAreaM2 != 40 || !slices.Equal(pr.RoomIDs, []uuid.UUID{r}) || rr.Status != StatusOverStandard {
			t.Errorf("person %+v, room %+v", pr, rr)
		}
	})
	t.Run("beside a main office: multiple offices, both counted", func(t *testing.T) {
		w := newWorld(Day(2024, time.June, 1))
		ag := w.agency(LevelMunicipal)
		p := w.person(ag, RankDivision)
		w.assign(p, w.room(ag, UsageOffice, 0, at(15)), AssignMain, start)
		w.assign(p, w.room(ag, UsageOffice, 0, at(10)), AssignSecond, start)
		rep := mustEvaluate(t, &w.snap, DefaultPolicy())
		if len(findingsOf(rep, RuleMultipleOffices, p)) != 1 || len(findingsOf(rep, RuleUnapprovedSecondOffice, p)) != 0 {
			t.Fatalf("findings %v", rules(rep.Findings))
		}
		if over := findingsOf(rep, RuleOverStandard, p); len(over) != 1 || over[0].AreaM2 != 25 || len(over[0].RoomIDs) != 2 {
			t.Errorf("over standard %+v", over)
		}
	})
	t.Run("an approved second office is not counted", func(t *testing.T) {
		w := newWorld(Day(2024, time.June, 1))
		ag := w.agency(LevelMunicipal)
		postID := uuid.MustParse("00000000-0000-0000-0000-00000000b057")
		p := w.person(ag, RankDivision, func(p *Person) { p.Posts = []Post{{ID: postID, Title: "组长", AgencyID: ag}} })
		w.assign(p, w.room(ag, UsageOffice, 0, at(15)), AssignMain, start)
		w.assign(p, w.room(ag, UsageOffice, 0, at(10)), AssignSecond, start, func(a *Assignment) {
			a.ApprovalRef, a.PostID = "批〔2023〕1号", postID
		})
		rep := mustEvaluate(t, &w.snap, DefaultPolicy())
		if pr, _ := rep.Person(p); pr.OfficeAreaM2 != 15 || len(rep.Findings) != 0 {
			t.Errorf("person %+v, findings %v", pr, rules(rep.Findings))
		}
	})
}

// TestTownshipCap: a township person with no local row is held to 24 m².
func TestTownshipCap(t *testing.T) {
	for _, tt := range []struct {
		name string
		area float64
		rule string
		sev  string
	}{
		{"30 m²: over the cap", 30, RuleOverStandard, SeverityViolation},
		{"24 m²: at the cap, no standard", 24, RuleNoStandard, SeverityNotice},
		{"9 m²: no standard", 9, RuleNoStandard, SeverityNotice},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(Day(2024, time.June, 1))
			ag := w.agency(LevelTownship)
			p := w.person(ag, RankStaff)
			r := w.room(ag, UsageOffice, 0, at(tt.area))
			w.assign(p, r, AssignMain, Day(2020, 1, 1))
			rep := mustEvaluate(t, &w.snap, DefaultPolicy())
			var got []Finding
			for _, f := range rep.Findings {
				if f.SubjectID == p {
					got = append(got, f)
				}
			}
			if len(got) != 1 || got[0].RuleID != tt.rule || got[0].Severity != tt.sev {
				t.Fatalf("findings %+v, want one %s", got, tt.rule)
			}
			f := got[0]
			rr, _ := rep.Room(r)
			if tt.rule == RuleOverStandard {
				if f.StandardM2 != 24 || f.ExcessM2 != 6 || f.Source != Standard2014Source ||
					!strings.Contains(f.Message, "不得超过县级副职的24平方米") || !strings.Contains(f.MessageEN, "never above 24 m²") {
					t.Errorf("finding %+v", f)
				}
				if rr.Status != StatusOverStandard {
					t.Errorf("room status %s", rr.Status)
				}
			} else if rr.Status != StatusNoStandard || !strings.Contains(f.Message, "不超过24平方米") {
				t.Errorf("room status %s, finding %+v", rr.Status, f)
			}
		})
	}
}

// TestSecondOfficePost: an approved second office needs its post; the engine notices one without.
func TestSecondOfficePost(t *testing.T) {
	own := uuid.MustParse("00000000-0000-0000-0000-0000000b0051")
	foreign := uuid.MustParse("00000000-0000-0000-0000-0000000b0052")
	for _, tt := range []struct {
		name     string
		post     uuid.UUID
		approval string
		notice   bool
	}{
		{"approved, no post", uuid.Nil, "批〔2023〕1号", true},
		{"approved, another person's post", foreign, "批〔2023〕1号", true},
		{"approved, their own post", own, "批〔2023〕1号", false},
		{"not approved, no post", uuid.Nil, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(Day(2024, time.June, 1))
			ag := w.agency(LevelMunicipal)
			p := w.person(ag, RankDivision, func(p *Person) { p.Posts = []Post{{ID: own, Title: "组长", AgencyID: ag}} })
			w.person(ag, RankStaff, func(p *Person) { p.Posts = []Post{{ID: foreign, Title: "组员", AgencyID: ag}} })
			w.assign(p, w.room(ag, UsageOffice, 0, at(15)), AssignMain, Day(2020, 1, 1))
			r := w.room(ag, UsageOffice, 0, at(10))
			w.assign(p, r, AssignSecond, Day(2020, 1, 1), func(a *Assignment) { a.PostID, a.ApprovalRef = tt.post, tt.approval })
			rep := mustEvaluate(t, &w.snap, DefaultPolicy())
			got := findingsOf(rep, RuleSecondOfficePostUnknown, p)
			if (len(got) == 1) != tt.notice || len(got) > 1 {
				t.Fatalf("notices %+v, want %v", got, tt.notice)
			}
			if tt.notice {
				f := got[0]
				if f.Severity != SeverityNotice || f.Source != Art19Source || !slices.Equal(f.RoomIDs, []uuid.UUID{r}) ||
					!strings.Contains(f.Message, "2个月") || !strings.Contains(f.MessageEN, "cannot be checked") {
					t.Errorf("notice %+v", f)
				}
			}
		})
	}
}

func TestAssignmentValidatePost(t *testing.T) {
	base := Assignment{PersonID: uuid.New(), RoomID: uuid.New(), Kind: AssignSecond, Start: Day(2024, 1, 1)}
	for _, tt := range []struct {
		name string
		mod  func(*Assignment)
		ok   bool
	}{
		{"approved second office without a post", func(a *Assignment) { a.ApprovalRef = "批〔2024〕1号" }, false},
		{"approved second office with its post", func(a *Assignment) { a.ApprovalRef, a.PostID = "批〔2024〕1号", uuid.New() }, true},
		{"second office without approval or post", func(a *Assignment) {}, true},
		{"blank approval without a post", func(a *Assignment) { a.ApprovalRef = "  " }, true},
		{"main office with an approval and no post", func(a *Assignment) { a.Kind, a.ApprovalRef = AssignMain, "批〔2024〕1号" }, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := base
			tt.mod(&a)
			err := a.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate = %v, want ok %v", err, tt.ok)
			}
			if err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "post_id") ||
				!strings.Contains(err.Error(), "已批准的兼职办公室须关联所服务的兼职职务")) {
				t.Errorf("error %v", err)
			}
		})
	}
}

// TestDeadlineWording: the deadline day is compliant and said as the last compliant day; the day after
// is a finding.
func TestDeadlineWording(t *testing.T) {
	start := Day(2020, time.January, 1)
	postID := uuid.MustParse("00000000-0000-0000-0000-00000000b057")
	leaving := func(w *world) uuid.UUID {
		ag := w.agency(LevelMunicipal)
		p := w.person(ag, RankDivision, func(p *Person) { p.Status, p.StatusDate = PersonRetired, Day(2024, time.January, 31) })
		w.assign(p, w.room(ag, UsageOffice, 0, at(20)), AssignMain, start)
		return p
	}
	concurrent := func(w *world) uuid.UUID {
		ag := w.agency(LevelMunicipal)
		p := w.person(ag, RankDivision, func(p *Person) {
			p.Posts = []Post{{ID: postID, Title: "领导小组副组长", AgencyID: ag, Start: start, End: Day(2024, time.March, 15)}}
		})
		w.assign(p, w.room(ag, UsageOffice, 0, at(20)), AssignMain, start)
		w.assign(p, w.room(ag, UsageOffice, 0, at(12)), AssignSecond, start, func(a *Assignment) { a.ApprovalRef, a.PostID = "批", postID })
		return p
	}
	merged := func(w *world) uuid.UUID {
		ag := w.agency(LevelMunicipal, func(a *Agency) {
			a.Name, a.Status, a.StatusDate = "市金融局", AgencyMerged, Day(2024, time.June, 1)
		})
		w.room(ag, UsageOffice, 0, at(20))
		return ag
	}
	grace := func(n int) func(*Policy) { return func(p *Policy) { p.VacateAfterMergerMonths = n } }
	tests := []struct {
		name     string
		asOf     time.Time
		policy   func(*Policy)
		build    func(w *world) uuid.UUID
		rule     string
		deadline time.Time // zero: no finding
		words    []string
	}{
		{"retired: the last day", Day(2024, time.February, 29), nil, leaving, RuleNotVacatedAfterLeaving, time.Time{}, nil},
		{"retired: the day after", Day(2024, time.March, 1), nil, leaving, RuleNotVacatedAfterLeaving, Day(2024, time.February, 29),
			[]string{"已于2024-01-31退休，办公用房最迟于2024-02-29（含当日）腾退，至2024-03-01仍占用1间", "vacated within 1 month of retirement or transfer (vacate_after_leaving_months=1)"}},
		{"concurrent post: the last day", Day(2024, time.May, 15), nil, concurrent, RuleNotVacatedAfterConcurrentPost, time.Time{}, nil},
		{"concurrent post: the day after", Day(2024, time.May, 16), nil, concurrent, RuleNotVacatedAfterConcurrentPost, Day(2024, time.May, 15),
			[]string{"最迟于2024-05-15（含当日）腾退，至2024-05-16仍未腾退", "vacate_after_concurrent_post_months=2"}},
		{"merger, no grace: the day itself", Day(2024, time.June, 1), nil, merged, RuleNotVacatedAfterMerger, time.Time{}, nil},
		{"merger, no grace: the day after", Day(2024, time.June, 2), nil, merged, RuleNotVacatedAfterMerger, Day(2024, time.June, 1),
			[]string{"市金融局已于2024-06-01合并；按本地政策，撤并当日腾退，最迟于2024-06-01（含当日）腾退原办公用房，至2024-06-02仍有1间",
				"under the local policy rooms are handed back on that day", "vacate_after_merger_months=0"}},
		{"merger, 3 months: the last day", Day(2024, time.September, 1), grace(3), merged, RuleNotVacatedAfterMerger, time.Time{}, nil},
		{"merger, 3 months: the day after", Day(2024, time.September, 2), grace(3), merged, RuleNotVacatedAfterMerger, Day(2024, time.September, 1),
			[]string{"按本地政策，撤并后3个月内腾退，最迟于2024-09-01（含当日）腾退原办公用房", "within 3 months of it", "vacate_after_merger_months=3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := evaluateOn(t, tt.asOf, tt.build, tt.policy, tt.rule)
			if tt.deadline.IsZero() {
				if len(got) != 0 {
					t.Fatalf("a finding on the last compliant day: %+v", got)
				}
				return
			}
			if len(got) != 1 || !got[0].Deadline.Equal(tt.deadline) {
				t.Fatalf("findings %+v, want one with deadline %s", got, day(tt.deadline))
			}
			all := got[0].Message + "\n" + got[0].MessageEN + "\n" + got[0].Basis + "\n" + got[0].BasisEN
			for _, s := range tt.words {
				if !strings.Contains(all, s) {
					t.Errorf("%q missing from\n%s", s, all)
				}
			}
		})
	}
}

// TestIdleSince: the idle period runs from IdleSince, the last end, the room's ValidFrom, or its
// creation, and is reached on since + 6 months.
func TestIdleSince(t *testing.T) {
	created := time.Date(2024, time.March, 10, 15, 4, 5, 0, time.UTC)
	validFrom := Day(2023, time.September, 30)
	for _, tt := range []struct {
		name    string
		asOf    time.Time
		mod     func(*Room)
		reached time.Time // zero: not idle
	}{
		{"created: one day short", Day(2024, time.September, 9), nil, time.Time{}},
		{"created: reached that day", Day(2024, time.September, 10), nil, Day(2024, time.September, 10)},
		{"valid from: one day short", Day(2024, time.March, 29), func(r *Room) { r.ValidFrom = validFrom }, time.Time{}},
		{"valid from: reached that day", Day(2024, time.March, 30), func(r *Room) { r.ValidFrom = validFrom }, Day(2024, time.March, 30)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(tt.asOf)
			r := w.room(w.agency(LevelCounty), UsageOffice, 0, at(20), func(r *Room) {
				r.CreatedAt = created
				if tt.mod != nil {
					tt.mod(r)
				}
			})
			got := findingsOf(mustEvaluate(t, &w.snap, DefaultPolicy()), RuleIdle, r)
			if tt.reached.IsZero() != (len(got) == 0) || (len(got) == 1 && !got[0].Deadline.Equal(tt.reached)) {
				t.Fatalf("idle findings %+v, want reached %v", got, tt.reached)
			}
			if len(got) == 1 && (!strings.Contains(got[0].Basis, "idle_months=6") || !strings.Contains(got[0].Message, "于"+day(tt.reached)+"满6个月")) {
				t.Errorf("finding %+v", got[0])
			}
		})
	}
}

// TestBasis: each finding names the policy choices it depends on.
func TestBasis(t *testing.T) {
	start := Day(2020, time.January, 1)
	shared := func(w *world) uuid.UUID {
		ag := w.agency(LevelMunicipal)
		r := w.room(ag, UsageOffice, 0, at(33))
		w.assign(w.person(ag, RankDivision), r, AssignMain, start)
		p := w.person(ag, RankStaff)
		w.assign(p, r, AssignMain, start)
		w.assign(p, w.room(ag, UsageToilet, 0, at(3)), AssignMain, start)
		return p
	}
	approvedArea := func(w *world) uuid.UUID {
		ag := w.agency(LevelCounty, func(a *Agency) { a.ApprovedAreaM2 = 100 })
		w.room(ag, UsageOffice, 0, at(65.01))
		return ag
	}
	for _, tt := range []struct {
		name   string
		policy func(*Policy)
		build  func(w *world) uuid.UUID
		rule   string
		want   []string // in Basis or BasisEN
		area   float64  // the area compared (0: not checked)
	}{
		{"shared office and toilet, defaults", nil, shared, RuleOverStandard,
			[]string{"面积按0.01平方米计（四舍五入）；共用办公室按人数平均分摊（split=equal）；专用卫生间计入标准面积（toilet_on_top=false）",
				"areas to 0.01 m², half up; shared offices split equally among their occupants (split=equal); a private toilet counts inside the standard (toilet_on_top=false)"}, 0},
		{"private toilet at a rank with none, on top", func(p *Policy) { p.ToiletOnTop = true }, shared, RulePrivateToilet,
			[]string{"toilet_on_top=true"}, 0},
		{"split by standard", func(p *Policy) { p.Split = SplitByStandard }, func(w *world) uuid.UUID {
			ag := w.agency(LevelMunicipal)
			r := w.room(ag, UsageOffice, 0, at(40))
			w.assign(w.person(ag, RankDivision), r, AssignMain, start)
			p := w.person(ag, RankStaff)
			w.assign(p, r, AssignMain, start)
			return p
		}, RuleOverStandard, []string{"split=by_standard"}, 0},
		{"approved area as usable area", nil, func(w *world) uuid.UUID {
			ag := w.agency(LevelCounty, func(a *Agency) { a.ApprovedAreaM2 = 65 })
			w.room(ag, UsageOffice, 0, at(65.01))
			return ag
		}, RuleOverApprovedArea, []string{"approved_area_basis=usable"}, 65.01},
		{"approved area as gross area", func(p *Policy) { p.ApprovedAreaBasis = ApprovedAreaGross }, approvedArea, RuleOverApprovedArea,
			[]string{"approved_area_basis=gross", "usable_ratio=0.65", "折合建筑面积100.02平方米"}, 100.02},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, got := evaluateOn(t, Day(2024, time.June, 1), tt.build, tt.policy, tt.rule)
			if len(got) != 1 {
				t.Fatalf("%s findings %+v", tt.rule, got)
			}
			all := got[0].Basis + "\n" + got[0].BasisEN + "\n" + got[0].Message
			for _, s := range tt.want {
				if !strings.Contains(all, s) {
					t.Errorf("%q missing from\n%s", s, all)
				}
			}
			if tt.area != 0 && got[0].AreaM2 != tt.area {
				t.Errorf("area compared %v, want %v", got[0].AreaM2, tt.area)
			}
		})
	}
	t.Run("gross: exactly the approved area", func(t *testing.T) {
		w := newWorld(Day(2024, time.June, 1))
		ag := w.agency(LevelCounty, func(a *Agency) { a.ApprovedAreaM2 = 100 })
		w.room(ag, UsageOffice, 0, at(65))
		pol := DefaultPolicy()
		pol.ApprovedAreaBasis = ApprovedAreaGross
		if got := findingsOf(mustEvaluate(t, &w.snap, pol), RuleOverApprovedArea, ag); len(got) != 0 {
			t.Fatalf("65 m² usable ÷ 0.65 = 100 m² gross is not over 100: %+v", got)
		}
	})
}

func TestPolicyAreaBasisValidate(t *testing.T) {
	for _, tt := range []struct {
		name string
		mod  func(*Policy)
		ok   bool
	}{
		{"default", func(*Policy) {}, true},
		{"gross with a high-rise ratio", func(p *Policy) { p.ApprovedAreaBasis, p.UsableRatio = ApprovedAreaGross, 0.6 }, true},
		{"ratio 1", func(p *Policy) { p.UsableRatio = 1 }, true},
		{"empty basis", func(p *Policy) { p.ApprovedAreaBasis = "" }, false},
		{"unknown basis", func(p *Policy) { p.ApprovedAreaBasis = "net" }, false},
		{"ratio 0", func(p *Policy) { p.UsableRatio = 0 }, false},
		{"ratio above 1", func(p *Policy) { p.UsableRatio = 1.2 }, false},
		{"ratio NaN", func(p *Policy) { p.UsableRatio = math.NaN() }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPolicy()
			tt.mod(&p)
			if err := p.Validate(); (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInvalid)) {
				t.Fatalf("Validate = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// TestNotes: a report of a day before the register, or of a register with no room, says so.
func TestNotes(t *testing.T) {
	first := time.Date(2022, time.March, 5, 9, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		name    string
		asOf    time.Time
		first   time.Time
		rooms   bool
		message string // "" for no note
		en      string
	}{
		{"before the first room", Day(2021, time.December, 31), first, true,
			"登记簿中没有该日之前的房间记录（最早记录始于2022-03-05），本报告不代表该日实际情况。",
			"The register holds no rooms before 2022-03-05: this report does not describe that day."},
		{"the day before", Day(2022, time.March, 4), first, true, "最早记录始于2022-03-05", "before 2022-03-05"},
		{"the first day", Day(2022, time.March, 5), first, true, "", ""},
		{"later", Day(2024, time.March, 5), first, true, "", ""},
		{"first known unknown", Day(2024, time.March, 5), time.Time{}, true, "", ""},
		{"no room at all", Day(2024, time.March, 5), time.Time{}, false,
			"登记簿中没有2024-03-05的房间记录，本报告不代表该日实际情况。", "The register holds no rooms on 2024-03-05"},
		{"no room, before the first", Day(2020, time.March, 5), first, false, "最早记录始于2022-03-05", "before 2022-03-05"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(tt.asOf)
			w.snap.FirstKnown = tt.first
			if tt.rooms {
				w.room(w.agency(LevelCounty), UsageService, 0, at(20))
			}
			rep := mustEvaluate(t, &w.snap, DefaultPolicy())
			if rep.Notes == nil {
				t.Fatal("nil notes")
			}
			if tt.message == "" {
				if len(rep.Notes) != 0 {
					t.Fatalf("notes %+v", rep.Notes)
				}
				return
			}
			if len(rep.Notes) != 1 || rep.Notes[0].Code != NoteBeforeRegister ||
				!strings.Contains(rep.Notes[0].Message, tt.message) || !strings.Contains(rep.Notes[0].MessageEN, tt.en) {
				t.Fatalf("notes %+v", rep.Notes)
			}
			b, _ := json.Marshal(rep)
			if !strings.Contains(string(b), `"notes":[{"code":"before_register"`) {
				t.Errorf("JSON %s", b)
			}
		})
	}
}

func TestNewRulesListed(t *testing.T) {
	for _, id := range []string{RuleUnapprovedSecondOffice, RuleSecondOfficePostUnknown} {
		i := slices.IndexFunc(Rules(), func(r Rule) bool { return r.ID == id })
		if i < 0 || Rules()[i].Source != Art19Source {
			t.Errorf("rule %s not listed with its source", id)
		}
	}
}
