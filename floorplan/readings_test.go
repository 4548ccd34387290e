package floorplan

import (
	"strings"
	"testing"
	"time"
)

// TestDeputyReading: a 正厅级 deputy mayor of a 副省级 city in 36 m² is over standard by their own grade
// (30 m² at the provincial scale) and compliant with the 省级副职 reading (42 m²); each finding names the
// reading; people who are not such deputies are untouched.
func TestDeputyReading(t *testing.T) {
	build := func() (*world, string, string) {
		w := newWorld(Day(2025, time.March, 1))
		city := w.agency(LevelMunicipal, func(a *Agency) { a.Scale = LevelProvincial })
		deputy := w.person(city, RankBureau, func(p *Person) { p.Title = "副市长" })
		head := w.person(city, RankBureau, func(p *Person) { p.Title = "秘书长" })
		w.assign(deputy, w.room(city, UsageOffice, 0, at(36)), AssignMain, Day(2020, 1, 1))
		w.assign(head, w.room(city, UsageOffice, 0, at(36)), AssignMain, Day(2020, 1, 1))
		return w, deputy.String(), head.String()
	}
	for _, tt := range []struct {
		reading      DeputyReading
		deputyOver   bool
		deputyLimit  float64
		basisContain string
	}{
		{DeputiesByRank, true, 30, "deputies=own_rank"},
		{"", true, 30, "deputies=own_rank"},
		{DeputiesProvincial, false, 42, ""},
	} {
		t.Run(string(tt.reading), func(t *testing.T) {
			w, deputy, head := build()
			pol := DefaultPolicy()
			pol.Deputies = tt.reading
			rep := mustEvaluate(t, &w.snap, pol)
			var deputyFinding, headFinding *Finding
			for i, f := range rep.Findings {
				if f.RuleID == RuleOverStandard && f.SubjectID.String() == deputy {
					deputyFinding = &rep.Findings[i]
				}
				if f.RuleID == RuleOverStandard && f.SubjectID.String() == head {
					headFinding = &rep.Findings[i]
				}
			}
			if (deputyFinding != nil) != tt.deputyOver {
				t.Fatalf("deputy over standard = %v, want %v", deputyFinding != nil, tt.deputyOver)
			}
			if deputyFinding != nil && (deputyFinding.StandardM2 != tt.deputyLimit || !strings.Contains(deputyFinding.BasisEN, tt.basisContain)) {
				t.Errorf("deputy finding %+v", deputyFinding)
			}
			for _, p := range rep.People {
				if p.PersonID.String() == deputy && p.StandardM2 != tt.deputyLimit {
					t.Errorf("deputy's standard %v, want %v", p.StandardM2, tt.deputyLimit)
				}
			}
			if headFinding == nil || headFinding.StandardM2 != 30 || strings.Contains(headFinding.BasisEN, "deputies=") {
				t.Errorf("the 秘书长 (not a deputy) must stay at 30 m² whatever the reading: %+v", headFinding)
			}
		})
	}
}

// TestToiletReading: a 市人大常委会主任 (市级正职 by grade) with a 5 m² private toilet is allowed it by rank,
// not by post; the mayor is allowed it either way.
func TestToiletReading(t *testing.T) {
	for _, tt := range []struct {
		reading   ToiletReading
		chairmanF bool
	}{{ToiletByRank, false}, {ToiletByPost, true}} {
		t.Run(string(tt.reading), func(t *testing.T) {
			w := newWorld(Day(2025, time.March, 1))
			city := w.agency(LevelMunicipal)
			mayor := w.person(city, RankBureau, func(p *Person) { p.Title = "市长" })
			chairman := w.person(city, RankBureau, func(p *Person) { p.Title = "市人大常委会主任" })
			w.assign(mayor, w.room(city, UsageOffice, 0, at(30)), AssignMain, Day(2020, 1, 1))
			w.assign(mayor, w.room(city, UsageToilet, 0, at(5)), AssignMain, Day(2020, 1, 1))
			w.assign(chairman, w.room(city, UsageOffice, 0, at(30)), AssignMain, Day(2020, 1, 1))
			w.assign(chairman, w.room(city, UsageToilet, 0, at(5)), AssignMain, Day(2020, 1, 1))
			pol := DefaultPolicy()
			pol.Toilets = tt.reading
			rep := mustEvaluate(t, &w.snap, pol)
			got := map[string]*Finding{}
			for i, f := range rep.Findings {
				if f.RuleID == RulePrivateToilet {
					got[f.SubjectID.String()] = &rep.Findings[i]
				}
			}
			if got[mayor.String()] != nil {
				t.Errorf("the mayor's toilet is a finding: %+v", got[mayor.String()])
			}
			f := got[chairman.String()]
			if (f != nil) != tt.chairmanF {
				t.Fatalf("chairman's toilet finding = %v, want %v", f != nil, tt.chairmanF)
			}
			if f != nil && !strings.Contains(f.BasisEN, "toilets=post") {
				t.Errorf("the finding does not name the reading: %q", f.BasisEN)
			}
		})
	}
}

func TestReadingsValidate(t *testing.T) {
	pol := DefaultPolicy()
	pol.Deputies = "everyone"
	if pol.Validate() == nil {
		t.Error("an unknown deputies reading passes")
	}
	pol = DefaultPolicy()
	pol.Toilets = "all"
	if pol.Validate() == nil {
		t.Error("an unknown toilets reading passes")
	}
}
