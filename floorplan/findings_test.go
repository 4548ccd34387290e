package floorplan

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func mustEvaluate(t testing.TB, snap *Snapshot, pol Policy) *Report {
	t.Helper()
	rep, err := Evaluate(snap, nil, pol)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	checkPrinted(t, rep)
	return rep
}

// policyWith is the default policy changed by mod, if there is one.
func policyWith(mod func(*Policy)) Policy {
	pol := DefaultPolicy()
	if mod != nil {
		mod(&pol)
	}
	return pol
}

// evaluateOn builds a register as of a day and evaluates it under the default policy changed by mod;
// it returns the report and the findings of a rule on the subject that build returns.
func evaluateOn(t testing.TB, asOf time.Time, build func(*world) uuid.UUID, mod func(*Policy), rule string) (*Report, []Finding) {
	t.Helper()
	w := newWorld(asOf)
	subject := build(w)
	rep := mustEvaluate(t, &w.snap, policyWith(mod))
	return rep, findingsOf(rep, rule, subject)
}

func findingsOf(rep *Report, rule string, subject uuid.UUID) []Finding {
	var out []Finding
	for _, f := range rep.Findings {
		if f.RuleID == rule && f.SubjectID == subject {
			out = append(out, f)
		}
	}
	return out
}

// TestRules runs each rule on a small register, on both sides of its thresholds.
func TestRules(t *testing.T) {
	start := Day(2020, time.January, 1)
	approved := func(a *Assignment) { a.ApprovalRef = "常委办〔2023〕7号" }
	postID := uuid.MustParse("00000000-0000-0000-0000-00000000b057")

	retired := func(status PersonStatus, date time.Time) func(w *world) uuid.UUID {
		return func(w *world) uuid.UUID {
			ag := w.agency(LevelMunicipal)
			p := w.person(ag, RankDivision, func(p *Person) { p.Status, p.StatusDate = status, date })
			w.assign(p, w.room(ag, UsageOffice, 20), AssignMain, start)
			return p
		}
	}
	concurrent := func(end time.Time) func(w *world) uuid.UUID {
		return func(w *world) uuid.UUID {
			ag := w.agency(LevelMunicipal)
			p := w.person(ag, RankDivision, func(p *Person) {
				p.Posts = []Post{{ID: postID, Title: "领导小组副组长", AgencyID: ag, Start: start, End: end}}
			})
			w.assign(p, w.room(ag, UsageOffice, 20), AssignMain, start)
			w.assign(p, w.room(ag, UsageOffice, 12), AssignSecond, start, approved, func(a *Assignment) { a.PostID = postID })
			return p
		}
	}
	merged := func(status AgencyStatus, rooms, people bool) func(w *world) uuid.UUID {
		return func(w *world) uuid.UUID {
			ag := w.agency(LevelMunicipal, func(a *Agency) { a.Status, a.StatusDate = status, Day(2024, time.June, 1) })
			other := w.agency(LevelMunicipal)
			roomAgency := other
			if rooms {
				roomAgency = ag
			}
			r := w.room(roomAgency, UsageOffice, 20)
			if people {
				w.assign(w.person(ag, RankDivision), r, AssignMain, start)
			}
			return ag
		}
	}
	idleSince := func(usage Usage, since time.Time) func(w *world) uuid.UUID {
		return func(w *world) uuid.UUID {
			return w.room(w.agency(LevelCounty), usage, 20, func(r *Room) { r.State, r.IdleSince = RoomIdle, since })
		}
	}
	vacatedOn := func(end time.Time, mods ...func(*Room)) func(w *world) uuid.UUID {
		return func(w *world) uuid.UUID {
			ag := w.agency(LevelCounty)
			r := w.room(ag, UsageOffice, 20, mods...)
			w.assign(w.person(ag, RankStaff), r, AssignMain, start, func(a *Assignment) { a.End = end })
			return r
		}
	}
	offices := func(kinds ...func(w *world, p, ag uuid.UUID)) func(w *world) uuid.UUID {
		return func(w *world) uuid.UUID {
			ag := w.agency(LevelMunicipal)
			p := w.person(ag, RankDivision)
			w.assign(p, w.room(ag, UsageOffice, 20), AssignMain, start)
			for _, k := range kinds {
				k(w, p, ag)
			}
			return p
		}
	}
	mainOffice := func(w *world, p, ag uuid.UUID) { w.assign(p, w.room(ag, UsageOffice, 10), AssignMain, start) }
	secondOffice := func(area float64, mods ...func(*Assignment)) func(w *world, p, ag uuid.UUID) {
		return func(w *world, p, ag uuid.UUID) {
			w.assign(p, w.room(ag, UsageOffice, area), AssignSecond, start, mods...)
		}
	}
	restRoom := func(w *world, p, ag uuid.UUID) { w.assign(p, w.room(ag, UsageRestRoom, 4), AssignMain, start) }
	staffIn := func(level AdminLevel, area float64, mods ...func(*Person)) func(w *world) uuid.UUID {
		return func(w *world) uuid.UUID {
			ag := w.agency(level)
			p := w.person(ag, RankStaff, mods...)
			w.assign(p, w.room(ag, UsageOffice, area), AssignMain, start)
			return p
		}
	}
	bands := func(p *Policy) {
		p.Bands = []ToleranceBand{
			{UpToPct: 30, Action: "tolerated until the next refit", ActionZH: "暂保留，调整时整改", Tolerated: true},
			{UpToPct: 50, Action: "fix at the next refit", ActionZH: "调整时整改"},
		}
	}
	withToilet := func(rank Rank, office, toilet float64) func(w *world) uuid.UUID {
		return func(w *world) uuid.UUID {
			ag := w.agency(LevelMunicipal)
			p := w.person(ag, rank)
			w.assign(p, w.room(ag, UsageOffice, office), AssignMain, start)
			w.assign(p, w.room(ag, UsageToilet, toilet), AssignMain, start)
			return p
		}
	}

	tests := []struct {
		name     string
		asOf     time.Time
		policy   func(*Policy)
		build    func(w *world) uuid.UUID // returns the subject
		rule     string
		want     []string // severities of the rule's findings on the subject
		deadline time.Time
		action   string
	}{
		{"retired: deadline day is compliant", Day(2024, time.February, 29), nil, retired(PersonRetired, Day(2024, time.January, 31)),
			RuleNotVacatedAfterLeaving, nil, time.Time{}, ""},
		{"retired: the day after the deadline", Day(2024, time.March, 1), nil, retired(PersonRetired, Day(2024, time.January, 31)),
			RuleNotVacatedAfterLeaving, []string{SeverityViolation}, Day(2024, time.February, 29), ""},
		{"transferred: deadline day is compliant", Day(2024, time.April, 15), nil, retired(PersonTransferred, Day(2024, time.March, 15)),
			RuleNotVacatedAfterLeaving, nil, time.Time{}, ""},
		{"transferred: the day after the deadline", Day(2024, time.April, 16), nil, retired(PersonTransferred, Day(2024, time.March, 15)),
			RuleNotVacatedAfterLeaving, []string{SeverityViolation}, Day(2024, time.April, 15), ""},
		{"active person keeps the office", Day(2030, time.January, 1), nil, retired(PersonActive, time.Time{}),
			RuleNotVacatedAfterLeaving, nil, time.Time{}, ""},

		{"concurrent post: deadline day is compliant", Day(2024, time.May, 15), nil, concurrent(Day(2024, time.March, 15)),
			RuleNotVacatedAfterConcurrentPost, nil, time.Time{}, ""},
		{"concurrent post: the day after the deadline", Day(2024, time.May, 16), nil, concurrent(Day(2024, time.March, 15)),
			RuleNotVacatedAfterConcurrentPost, []string{SeverityViolation}, Day(2024, time.May, 15), ""},
		{"concurrent post still held", Day(2030, time.January, 1), nil, concurrent(time.Time{}),
			RuleNotVacatedAfterConcurrentPost, nil, time.Time{}, ""},

		{"merger: on the day is compliant", Day(2024, time.June, 1), nil, merged(AgencyMerged, true, false),
			RuleNotVacatedAfterMerger, nil, time.Time{}, ""},
		{"merger: the day after, rooms still allocated", Day(2024, time.June, 2), nil, merged(AgencyMerged, true, false),
			RuleNotVacatedAfterMerger, []string{SeverityViolation}, Day(2024, time.June, 1), ""},
		{"abolished: people still in rooms", Day(2024, time.June, 2), nil, merged(AgencyAbolished, false, true),
			RuleNotVacatedAfterMerger, []string{SeverityViolation}, Day(2024, time.June, 1), ""},
		{"merger: everything handed back", Day(2024, time.June, 2), nil, merged(AgencyMerged, false, false),
			RuleNotVacatedAfterMerger, nil, time.Time{}, ""},
		{"merger with a 3-month period: before its end", Day(2024, time.September, 1), func(p *Policy) { p.VacateAfterMergerMonths = 3 },
			merged(AgencyMerged, true, true), RuleNotVacatedAfterMerger, nil, time.Time{}, ""},
		{"merger with a 3-month period: after its end", Day(2024, time.September, 2), func(p *Policy) { p.VacateAfterMergerMonths = 3 },
			merged(AgencyMerged, true, true), RuleNotVacatedAfterMerger, []string{SeverityViolation}, Day(2024, time.September, 1), ""},

		{"idle state: one day short of 6 months", Day(2024, time.June, 30), nil, idleSince(UsageService, Day(2024, time.January, 1)),
			RuleIdle, nil, time.Time{}, ""},
		{"idle state: exactly 6 months", Day(2024, time.July, 1), nil, idleSince(UsageService, Day(2024, time.January, 1)),
			RuleIdle, []string{SeverityViolation}, Day(2024, time.July, 1), ""},
		{"idle state of a non-office-space room", Day(2025, time.July, 1), nil, idleSince(UsageCommercial, Day(2024, time.January, 1)),
			RuleIdle, nil, time.Time{}, ""},
		{"vacant office: one day short of 6 months", Day(2024, time.July, 14), nil, vacatedOn(Day(2024, time.January, 15)),
			RuleIdle, nil, time.Time{}, ""},
		{"vacant office: exactly 6 months", Day(2024, time.July, 15), nil, vacatedOn(Day(2024, time.January, 15)),
			RuleIdle, []string{SeverityViolation}, Day(2024, time.July, 15), ""},
		{"leased office is not idle", Day(2025, time.July, 15), nil, vacatedOn(Day(2024, time.January, 15), func(r *Room) { r.State = RoomLeased }),
			RuleIdle, nil, time.Time{}, ""},
		{"never assigned: 6 months after it was registered", Day(2015, time.July, 1), nil, func(w *world) uuid.UUID {
			return w.room(w.agency(LevelCounty), UsageOffice, 20)
		}, RuleIdle, []string{SeverityViolation}, Day(2015, time.July, 1), ""},
		{"idle state but someone moved in", Day(2025, time.July, 1), nil, func(w *world) uuid.UUID {
			ag := w.agency(LevelCounty)
			r := w.room(ag, UsageOffice, 9, func(r *Room) { r.State, r.IdleSince = RoomIdle, Day(2024, time.January, 1) })
			w.assign(w.person(ag, RankStaff), r, AssignMain, start)
			return r
		}, RuleIdle, nil, time.Time{}, ""},

		{"two main offices", Day(2024, time.June, 1), nil, offices(mainOffice),
			RuleMultipleOffices, []string{SeverityViolation}, time.Time{}, ""},
		{"a second office without approval", Day(2024, time.June, 1), nil, offices(secondOffice(10)),
			RuleMultipleOffices, []string{SeverityViolation}, time.Time{}, ""},
		{"an approved second office", Day(2024, time.June, 1), nil, offices(secondOffice(10, approved)),
			RuleMultipleOffices, nil, time.Time{}, ""},
		{"an office and a rest room", Day(2024, time.June, 1), nil, offices(restRoom),
			RuleMultipleOffices, nil, time.Time{}, ""},

		{"approved second office equal to the standard", Day(2024, time.June, 1), nil, offices(secondOffice(24, approved)),
			RuleSecondOfficeNotSmaller, []string{SeverityViolation}, time.Time{}, ""},
		{"approved second office larger than the standard", Day(2024, time.June, 1), nil, offices(secondOffice(30, approved)),
			RuleSecondOfficeNotSmaller, []string{SeverityViolation}, time.Time{}, ""},
		{"approved second office smaller than the standard", Day(2024, time.June, 1), nil, offices(secondOffice(23.99, approved)),
			RuleSecondOfficeNotSmaller, nil, time.Time{}, ""},

		{"over standard with no bands", Day(2024, time.June, 1), nil, staffIn(LevelCounty, 10),
			RuleOverStandard, []string{SeverityViolation}, time.Time{}, ""},
		{"at the standard", Day(2024, time.June, 1), bands, staffIn(LevelCounty, 9),
			RuleOverStandard, nil, time.Time{}, ""},
		{"30 % over: tolerated band", Day(2024, time.June, 1), bands, staffIn(LevelCounty, 11.7),
			RuleOverStandard, []string{SeverityTolerated}, time.Time{}, "tolerated until the next refit"},
		{"33 % over: next band, a violation", Day(2024, time.June, 1), bands, staffIn(LevelCounty, 12),
			RuleOverStandard, []string{SeverityViolation}, time.Time{}, "fix at the next refit"},
		{"above every band", Day(2024, time.June, 1), bands, staffIn(LevelCounty, 14),
			RuleOverStandard, []string{SeverityViolation}, time.Time{}, ""},

		{"private toilet of an eligible rank", Day(2024, time.June, 1), nil, withToilet(RankBureau, 30, 6),
			RulePrivateToilet, nil, time.Time{}, ""},
		{"private toilet above 6 m²", Day(2024, time.June, 1), nil, withToilet(RankBureau, 30, 7),
			RulePrivateToilet, []string{SeverityViolation}, time.Time{}, ""},
		{"private toilet of a rank with no allowance", Day(2024, time.June, 1), nil, withToilet(RankViceBureau, 20, 3),
			RulePrivateToilet, []string{SeverityViolation}, time.Time{}, ""},
		{"toilet inside the limit: eligible rank over", Day(2024, time.June, 1), nil, withToilet(RankBureau, 40, 5),
			RuleOverStandard, []string{SeverityViolation}, time.Time{}, ""},
		{"toilet on top: eligible rank within", Day(2024, time.June, 1), func(p *Policy) { p.ToiletOnTop = true }, withToilet(RankBureau, 40, 5),
			RuleOverStandard, nil, time.Time{}, ""},
		{"toilet on top: rank with no allowance over", Day(2024, time.June, 1), func(p *Policy) { p.ToiletOnTop = true }, withToilet(RankViceBureau, 28, 4),
			RuleOverStandard, []string{SeverityViolation}, time.Time{}, ""},

		{"over the approved area", Day(2024, time.June, 1), nil, func(w *world) uuid.UUID {
			ag := w.agency(LevelCounty, func(a *Agency) { a.ApprovedAreaM2 = 100 })
			w.room(ag, UsageOffice, 60)
			w.room(ag, UsageService, 50)
			w.room(ag, UsageCommercial, 500) // not office space
			return ag
		}, RuleOverApprovedArea, []string{SeverityViolation}, time.Time{}, ""},
		{"exactly the approved area", Day(2024, time.June, 1), nil, func(w *world) uuid.UUID {
			ag := w.agency(LevelCounty, func(a *Agency) { a.ApprovedAreaM2 = 110 })
			w.room(ag, UsageOffice, 60)
			w.room(ag, UsageService, 50)
			return ag
		}, RuleOverApprovedArea, nil, time.Time{}, ""},

		{"township office without a standard, under the 24 m² cap: a notice", Day(2024, time.June, 1), nil, staffIn(LevelTownship, 20),
			RuleNoStandard, []string{SeverityNotice}, time.Time{}, ""},
		{"township office without a standard, over the 24 m² cap: over standard", Day(2024, time.June, 1), nil, staffIn(LevelTownship, 30),
			RuleOverStandard, []string{SeverityViolation}, time.Time{}, ""},
		{"deleted person: no findings", Day(2024, time.June, 1), nil,
			staffIn(LevelCounty, 30, func(p *Person) { p.DeletedAt = Day(2024, time.May, 1) }),
			RuleOverStandard, nil, time.Time{}, ""},
		{"deleted room: no findings", Day(2024, time.June, 1), nil, func(w *world) uuid.UUID {
			return w.room(w.agency(LevelCounty), UsageOffice, 20, func(r *Room) { r.DeletedAt = Day(2024, time.May, 1) })
		}, RuleIdle, nil, time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, got := evaluateOn(t, tt.asOf, tt.build, tt.policy, tt.rule)
			var sev []string
			for _, f := range got {
				sev = append(sev, f.Severity)
			}
			if !slices.Equal(sev, tt.want) {
				t.Fatalf("%s findings = %v, want %v; all: %+v", tt.rule, sev, tt.want, rep.Findings)
			}
			for _, f := range got {
				if !f.Deadline.Equal(tt.deadline) {
					t.Errorf("deadline = %v, want %v", f.Deadline, tt.deadline)
				}
				if f.Action != tt.action {
					t.Errorf("action = %q, want %q", f.Action, tt.action)
				}
				if f.Source == "" || f.Message == "" || f.MessageEN == "" {
					t.Errorf("finding without source or sentence: %+v", f)
				}
			}
		})
	}
}

func TestOverStandardFinding(t *testing.T) {
	w := newWorld(Day(2024, time.June, 1))
	ag := w.agency(LevelMunicipal, func(a *Agency) { a.Name = "市发展改革委" })
	p := w.person(ag, RankDivision, func(p *Person) { p.Name = "张三" })
	r := w.room(ag, UsageOffice, 26.5)
	w.assign(p, r, AssignMain, Day(2020, 1, 1))
	rep := mustEvaluate(t, &w.snap, DefaultPolicy())
	fs := findingsOf(rep, RuleOverStandard, p)
	if len(fs) != 1 {
		t.Fatalf("findings %+v", rep.Findings)
	}
	f := fs[0]
	want := Finding{
		RuleID: RuleOverStandard, Severity: SeverityViolation, Subject: EntityPerson, SubjectID: p, AgencyID: ag, PersonID: p,
		RoomIDs: []uuid.UUID{r}, AreaM2: 26.5, StandardM2: 24, ExcessM2: 2.5, ExcessPct: 2.5 / 24 * 100,
		Source:    Standard2014Source,
		Basis:     "面积按0.01平方米计（四舍五入）",
		BasisEN:   "areas to 0.01 m², half up",
		Message:   "张三（正局(处)级）办公室使用面积26.50平方米，超过标准24.00平方米，超标2.50平方米（10.4%）。",
		MessageEN: "张三 (正局(处)级) uses 26.50 m² of office space against a standard of 24.00 m²: 2.50 m² (10.4%) over.",
	}
	if !near(f.ExcessPct, want.ExcessPct) {
		t.Errorf("excess %% = %v, want %v", f.ExcessPct, want.ExcessPct)
	}
	want.ExcessPct = f.ExcessPct
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("finding\n got %+v\nwant %+v", f, want)
	}
	t.Run("JSON names", func(t *testing.T) {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{`"rule_id"`, `"subject_id"`, `"room_ids"`, `"standard_m2"`, `"excess_pct"`, `"message_en"`} {
			if !strings.Contains(string(b), k) {
				t.Errorf("%s missing from %s", k, b)
			}
		}
		if strings.Contains(string(b), `"deadline"`) {
			t.Errorf("zero deadline written: %s", b)
		}
	})
	t.Run("room coloured and totals", func(t *testing.T) {
		if rr, ok := rep.Room(r); !ok || rr.Status != StatusOverStandard {
			t.Errorf("room %+v", rr)
		}
		if len(rep.Agencies) != 1 || rep.Agencies[0].Findings != 1 || rep.Agencies[0].People != 1 ||
			!near(rep.Agencies[0].OfficeAreaM2, 26.5) || !near(rep.Agencies[0].StandardAreaM2, 24) {
			t.Errorf("totals %+v", rep.Agencies)
		}
	})
}

func TestPolicyValidate(t *testing.T) {
	band := func(pct float64, tolerated bool) ToleranceBand {
		return ToleranceBand{UpToPct: pct, Action: "a", ActionZH: "甲", Tolerated: tolerated}
	}
	tests := []struct {
		name string
		mod  func(*Policy)
		ok   bool
	}{
		{"default", func(*Policy) {}, true},
		{"by standard with bands", func(p *Policy) {
			p.Split, p.Bands = SplitByStandard, []ToleranceBand{band(30, true), band(50, false)}
		}, true},
		{"unknown split", func(p *Policy) { p.Split = "by_rank" }, false},
		{"empty split", func(p *Policy) { p.Split = "" }, false},
		{"idle months 0", func(p *Policy) { p.IdleMonths = 0 }, false},
		{"negative leaving months", func(p *Policy) { p.VacateAfterLeavingMonths = -1 }, false},
		{"negative concurrent months", func(p *Policy) { p.VacateAfterConcurrentPostMonths = -1 }, false},
		{"negative merger months", func(p *Policy) { p.VacateAfterMergerMonths = -1 }, false},
		{"band at 0 %", func(p *Policy) { p.Bands = []ToleranceBand{band(0, true)} }, false},
		{"bands out of order", func(p *Policy) { p.Bands = []ToleranceBand{band(50, true), band(30, true)} }, false},
		{"band without action", func(p *Policy) { p.Bands = []ToleranceBand{{UpToPct: 30, ActionZH: "甲"}} }, false},
		{"tolerated after strict", func(p *Policy) { p.Bands = []ToleranceBand{band(30, false), band(50, true)} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPolicy()
			tt.mod(&p)
			err := p.Validate()
			if tt.ok != (err == nil) {
				t.Fatalf("Validate = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("%v does not wrap ErrInvalid", err)
			}
			if !tt.ok {
				if _, err := Evaluate(&Snapshot{AsOf: Day(2024, 1, 1)}, nil, p); !errors.Is(err, ErrInvalid) {
					t.Errorf("Evaluate with an invalid policy = %v", err)
				}
			}
		})
	}
	t.Run("no snapshot", func(t *testing.T) {
		if _, err := Evaluate(nil, nil, DefaultPolicy()); !errors.Is(err, ErrInvalid) {
			t.Fatalf("Evaluate(nil) = %v", err)
		}
	})
	t.Run("invalid local rows", func(t *testing.T) {
		snap := &Snapshot{AsOf: Day(2024, 1, 1), StandardRows: []StandardRow{{Scale: LevelCounty, Rank: RankStaff, AreaM2: 99}}}
		if _, err := Evaluate(snap, nil, DefaultPolicy()); !errors.Is(err, ErrInvalid) {
			t.Fatalf("Evaluate = %v", err)
		}
	})
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		name string
		d    time.Time
		n    int
		want time.Time
	}{
		{"plain", Day(2024, 3, 15), 2, Day(2024, 5, 15)},
		{"end of January to leap February", Day(2024, 1, 31), 1, Day(2024, 2, 29)},
		{"end of January to February", Day(2023, 1, 31), 1, Day(2023, 2, 28)},
		{"across the year", Day(2024, 11, 30), 3, Day(2025, 2, 28)},
		{"zero", Day(2024, 6, 1), 0, Day(2024, 6, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := addMonths(tt.d, tt.n); !got.Equal(tt.want) {
				t.Fatalf("addMonths = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestEvaluateDeterministic: shuffling the snapshot's slices changes nothing in the report.
func TestEvaluateDeterministic(t *testing.T) {
	snap := genSnapshot(300, 450, 7)
	a := mustEvaluate(t, snap, DefaultPolicy())
	if len(a.Findings) == 0 {
		t.Fatal("the generated register has no findings: the test would prove nothing")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	shuffled := *snap
	shuffled.Rooms = slices.Clone(snap.Rooms)
	shuffled.People = slices.Clone(snap.People)
	shuffled.Assignments = slices.Clone(snap.Assignments)
	shuffled.Agencies = slices.Clone(snap.Agencies)
	rng.Shuffle(len(shuffled.Rooms), func(i, j int) { shuffled.Rooms[i], shuffled.Rooms[j] = shuffled.Rooms[j], shuffled.Rooms[i] })
	rng.Shuffle(len(shuffled.People), func(i, j int) { shuffled.People[i], shuffled.People[j] = shuffled.People[j], shuffled.People[i] })
	rng.Shuffle(len(shuffled.Assignments), func(i, j int) {
		shuffled.Assignments[i], shuffled.Assignments[j] = shuffled.Assignments[j], shuffled.Assignments[i]
	})
	rng.Shuffle(len(shuffled.Agencies), func(i, j int) {
		shuffled.Agencies[i], shuffled.Agencies[j] = shuffled.Agencies[j], shuffled.Agencies[i]
	})
	b := mustEvaluate(t, &shuffled, DefaultPolicy())
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("the report depends on the order of the snapshot")
	}
	if !slices.IsSortedFunc(a.Findings, compareFindings) {
		t.Error("findings are not sorted")
	}
	for _, r := range a.Rooms[:10] {
		if got, ok := a.Room(r.RoomID); !ok || got.RoomID != r.RoomID {
			t.Errorf("Room(%s) = %+v, %v", r.RoomID, got, ok)
		}
	}
	if _, ok := a.Room(uuid.New()); ok {
		t.Error("Room found an unknown id")
	}
}

// genSnapshot makes a deterministic register of the given number of rooms and people, shaped like a real
// one: agencies of every level (one in fifty merged, one in seven with an approved area), people of every
// rank sharing offices by one to three, offices sized to their occupants' standards with about one in
// twenty too large, leaders with rest rooms and toilets, service rooms, vacant and idle rooms, a few
// retired people who kept their office, approved second offices and ended assignments.
func genSnapshot(rooms, people int, seed uint64) *Snapshot {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	std, _ := NewStandards(nil)
	asOf := Day(2024, time.June, 1)
	start := Day(2018, time.March, 1)
	id := func(kind byte, n int) uuid.UUID {
		var u uuid.UUID
		u[0] = byte(rng.Uint32()) // ids are not in creation order
		u[1] = kind
		u[4], u[5], u[6], u[7] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
		return u
	}
	snap := &Snapshot{AsOf: asOf}
	nAgencies := max(1, people/300)
	levels := []AdminLevel{LevelProvincial, LevelMunicipal, LevelMunicipal, LevelCounty, LevelCounty, LevelCentral}
	for i := range nAgencies {
		a := Agency{ID: id(1, i), Name: fmt.Sprintf("单位%04d", i), Level: levels[i%len(levels)], Status: AgencyActive, Headcount: 300}
		if i%7 == 3 {
			a.ApprovedAreaM2 = 2500
		}
		if i%23 == 11 {
			a.Status, a.StatusDate = AgencyMerged, Day(2024, time.January, 1)
		}
		snap.Agencies = append(snap.Agencies, a)
	}
	floor, onFloor := 0, 0
	addRoom := func(ag Agency, u Usage, area float64) *Room {
		if onFloor == 40 {
			floor, onFloor = floor+1, 0
		}
		onFloor++
		n := len(snap.Rooms)
		snap.Rooms = append(snap.Rooms, Room{
			ID: id(2, n), FloorID: id(3, floor), Number: fmt.Sprintf("%d%02d", floor%30+1, onFloor), Usage: u,
			AgencyID: ag.ID, State: RoomInUse, Geometry: rect(3, area/3), CreatedAt: Day(2016, time.January, 1),
		})
		return &snap.Rooms[n]
	}
	assign := func(p Person, r *Room, kind AssignmentKind, mods ...func(*Assignment)) {
		a := Assignment{ID: id(5, len(snap.Assignments)), PersonID: p.ID, RoomID: r.ID, Kind: kind, Start: start}
		for _, m := range mods {
			m(&a)
		}
		snap.Assignments = append(snap.Assignments, a)
	}
	ranks := []Rank{RankStaff, RankStaff, RankStaff, RankStaff, RankViceSection, RankSection, RankSection,
		RankViceDivision, RankDivision, RankViceBureau, RankBureau}
	for len(snap.People) < people {
		ag := snap.Agencies[rng.IntN(nAgencies)]
		// An office of one to three people of one rank; leaders have their own.
		rank := ranks[rng.IntN(len(ranks))]
		row, ok := std.Lookup(ag.StandardScale(), rank, asOf)
		if !ok {
			continue
		}
		n := 1
		if row.AreaM2 <= 12 {
			n = 1 + rng.IntN(3)
		}
		n = min(n, people-len(snap.People))
		factor := 0.75 + rng.Float64()*0.25
		if rng.IntN(20) == 0 {
			factor = 1.02 + rng.Float64()*0.4
		}
		office := addRoom(ag, UsageOffice, row.AreaM2*float64(n)*factor)
		for range n {
			i := len(snap.People)
			p := Person{ID: id(4, i), Name: fmt.Sprintf("人员%06d", i), AgencyID: ag.ID, Rank: rank, Status: PersonActive}
			if i%211 == 7 {
				p.Status, p.StatusDate = PersonRetired, Day(2023, time.December, 1)
			}
			snap.People = append(snap.People, p)
			assign(p, office, AssignMain)
			switch {
			case i%97 == 11: // an approved second office for a concurrent post, which ended for some
				post := Post{ID: id(6, i), Title: "兼职", AgencyID: ag.ID, Start: start}
				if i%3 == 0 {
					post.End = Day(2024, time.January, 1)
				}
				snap.People[i].Posts = []Post{post}
				assign(p, addRoom(ag, UsageOffice, row.AreaM2*0.6), AssignSecond, func(a *Assignment) {
					a.ApprovalRef, a.PostID = "批〔2020〕1号", post.ID
				})
			case i%197 == 23: // a second office without approval
				assign(p, addRoom(ag, UsageOffice, row.AreaM2*0.6), AssignSecond)
			case i%293 == 31: // an approved second office as large as the main one
				assign(p, addRoom(ag, UsageOffice, row.AreaM2*1.1), AssignSecond, func(a *Assignment) { a.ApprovalRef = "批〔2021〕2号" })
			}
			if i%113 == 13 { // an ended assignment, for the idle rule
				assign(p, addRoom(ag, UsageOffice, 12), AssignMain, func(a *Assignment) { a.End = Day(2023, time.June, 1) })
			}
			if row.ToiletAllowanceM2 > 0 {
				assign(p, addRoom(ag, UsageToilet, 4), AssignMain)
			}
		}
	}
	// The rest: service rooms, corridors, vacant and idle offices.
	for i := 0; len(snap.Rooms) < rooms; i++ {
		ag := snap.Agencies[rng.IntN(nAgencies)]
		switch i % 10 {
		case 0:
			addRoom(ag, UsageOffice, 18)
		case 1:
			r := addRoom(ag, UsageService, 30)
			r.State, r.IdleSince = RoomIdle, Day(2023, time.May, 1)
		case 2, 3:
			addRoom(ag, UsageCirculation, 40)
		default:
			addRoom(ag, UsageService, 20+rng.Float64()*40)
		}
	}
	return snap
}

// BenchmarkEvaluate100kRooms evaluates a register of 100,000 rooms and 150,000 people.
func BenchmarkEvaluate100kRooms(b *testing.B) {
	snap := genSnapshot(100_000, 150_000, 42)
	std, err := NewStandards(nil)
	if err != nil {
		b.Fatal(err)
	}
	pol := DefaultPolicy()
	b.ReportAllocs()
	b.ResetTimer()
	var rep *Report
	for b.Loop() {
		rep, err = Evaluate(snap, std, pol)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rep.Findings)), "findings")
}

func TestRulesList(t *testing.T) {
	rules := Rules()
	seen := map[string]bool{}
	for _, r := range rules {
		if seen[r.ID] || r.Title == "" || r.TitleEN == "" || r.Source == "" {
			t.Errorf("rule %+v: duplicate or incomplete", r)
		}
		seen[r.ID] = true
	}
	rep := mustEvaluate(t, genSnapshot(2000, 3000, 3), DefaultPolicy())
	fired := map[string]int{}
	for _, f := range rep.Findings {
		if !seen[f.RuleID] {
			t.Errorf("finding of an unlisted rule %q", f.RuleID)
		}
		fired[f.RuleID]++
	}
	t.Logf("findings by rule on the generated register: %v", fired)
}

func TestReportLookups(t *testing.T) {
	rep := mustEvaluate(t, genSnapshot(500, 700, 5), DefaultPolicy())
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var decoded Report // no index: the lookups scan
	if err := json.Unmarshal(b, &decoded); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*Report{rep, &decoded} {
		for _, want := range []RoomResult{rep.Rooms[0], rep.Rooms[len(rep.Rooms)/2], rep.Rooms[len(rep.Rooms)-1]} {
			if got, ok := r.Room(want.RoomID); !ok || got.RoomID != want.RoomID || got.Number != want.Number {
				t.Errorf("Room(%s) = %+v, %v", want.RoomID, got, ok)
			}
		}
		for _, want := range []PersonResult{rep.People[0], rep.People[len(rep.People)-1]} {
			if got, ok := r.Person(want.PersonID); !ok || got.PersonID != want.PersonID || got.Name != want.Name {
				t.Errorf("Person(%s) = %+v, %v", want.PersonID, got, ok)
			}
		}
		if _, ok := r.Person(uuid.Nil); ok {
			t.Error("Person(uuid.Nil) found someone")
		}
		if _, ok := r.Room(uuid.Nil); ok {
			t.Error("Room(uuid.Nil) found a room")
		}
	}
}
