package floorplan

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// standard2014 is the oracle: the table of 《党政机关办公用房建设标准》(2014) as DOMAIN.md prints it, with the
// ranks each group covers, written out independently of NationalStandard. Ranks not listed for a level
// have no row. toilet marks the ranks note 4 names for the private toilet allowance.
type oracleRow struct {
	level  AdminLevel
	rank   Rank
	title  string
	areaM2 float64
	toilet bool
}

func standard2014() []oracleRow {
	return []oracleRow{
		{LevelCentral, RankMinister, "部级正职", 54, true},
		{LevelCentral, RankViceMinister, "部级副职", 42, true},
		{LevelCentral, RankBureau, "正司(局)级", 24, false},
		{LevelCentral, RankViceBureau, "副司(局)级", 18, false},
		{LevelCentral, RankDivision, "处级", 12, false},
		{LevelCentral, RankViceDivision, "处级", 12, false},
		{LevelCentral, RankSection, "处级以下", 9, false},
		{LevelCentral, RankViceSection, "处级以下", 9, false},
		{LevelCentral, RankStaff, "处级以下", 9, false},

		{LevelProvincial, RankMinister, "省级正职", 54, true},
		{LevelProvincial, RankViceMinister, "省级副职", 42, true},
		{LevelProvincial, RankBureau, "正厅(局)级", 30, true},
		{LevelProvincial, RankViceBureau, "副厅(局)级", 24, false},
		{LevelProvincial, RankDivision, "正处级", 18, false},
		{LevelProvincial, RankViceDivision, "副处级", 12, false},
		{LevelProvincial, RankSection, "处级以下", 9, false},
		{LevelProvincial, RankViceSection, "处级以下", 9, false},
		{LevelProvincial, RankStaff, "处级以下", 9, false},

		{LevelMunicipal, RankBureau, "市级正职", 42, true},
		{LevelMunicipal, RankViceBureau, "市级副职", 30, false},
		{LevelMunicipal, RankDivision, "正局(处)级", 24, false},
		{LevelMunicipal, RankViceDivision, "副局(处)级", 18, false},
		{LevelMunicipal, RankSection, "局(处)级以下", 9, false},
		{LevelMunicipal, RankViceSection, "局(处)级以下", 9, false},
		{LevelMunicipal, RankStaff, "局(处)级以下", 9, false},

		{LevelCounty, RankDivision, "县级正职", 30, true},
		{LevelCounty, RankViceDivision, "县级副职", 24, false},
		{LevelCounty, RankSection, "正科级", 18, false},
		{LevelCounty, RankViceSection, "副科级", 12, false},
		{LevelCounty, RankStaff, "科级以下", 9, false},
	}
}

func mustStandards(t testing.TB, local ...StandardRow) *Standards {
	t.Helper()
	s, err := NewStandards(local)
	if err != nil {
		t.Fatalf("NewStandards: %v", err)
	}
	return s
}

func TestNationalStandardEveryLevelAndRank(t *testing.T) {
	s := mustStandards(t)
	oracle := standard2014()
	on := Day(2024, time.June, 1)
	for _, level := range AdminLevels {
		for _, rank := range Ranks {
			t.Run(string(level)+"/"+string(rank), func(t *testing.T) {
				i := slices.IndexFunc(oracle, func(o oracleRow) bool { return o.level == level && o.rank == rank })
				got, ok := s.Lookup(level, rank, on)
				if i < 0 {
					if ok {
						t.Fatalf("Lookup = %+v, want no row", got)
					}
					return
				}
				want := oracle[i]
				if !ok {
					t.Fatalf("Lookup found no row, want %v m²", want.areaM2)
				}
				if got.AreaM2 != want.areaM2 || got.Title != want.title {
					t.Errorf("Lookup = %v m² %q, want %v m² %q", got.AreaM2, got.Title, want.areaM2, want.title)
				}
				wantToilet := 0.0
				if want.toilet {
					wantToilet = 6
				}
				if got.ToiletAllowanceM2 != wantToilet {
					t.Errorf("toilet allowance = %v, want %v", got.ToiletAllowanceM2, wantToilet)
				}
				if got.Jurisdiction != NationalJurisdiction || !strings.Contains(got.Source, "发改投资〔2014〕2674号") {
					t.Errorf("jurisdiction/source = %q / %q", got.Jurisdiction, got.Source)
				}
				if !got.Effective.Equal(Day(2014, time.November, 24)) {
					t.Errorf("effective = %v", got.Effective)
				}
			})
		}
	}
}

func TestNationalStandard(t *testing.T) {
	t.Run("one row per oracle line", func(t *testing.T) {
		if got := len(NationalStandard()); got != len(standard2014()) {
			t.Fatalf("%d rows, want %d", got, len(standard2014()))
		}
	})
	t.Run("no 1999 figures", func(t *testing.T) {
		for _, r := range NationalStandard() {
			if r.AreaM2 == 6 || r.AreaM2 == 32 || r.AreaM2 == 20 {
				t.Errorf("%s/%s has %v m², a 1999 figure", r.Scale, r.Rank, r.AreaM2)
			}
		}
	})
	t.Run("fresh slice", func(t *testing.T) {
		a := NationalStandard()
		a[0].AreaM2 = 1000
		if b := NationalStandard(); b[0].AreaM2 != 54 {
			t.Fatalf("a caller's change leaked into the table: %v", b[0].AreaM2)
		}
	})
	t.Run("not in force before its day", func(t *testing.T) {
		s := mustStandards(t)
		if r, ok := s.Lookup(LevelCentral, RankMinister, Day(2014, time.November, 23)); ok {
			t.Fatalf("Lookup before 2014-11-24 = %+v", r)
		}
		if _, ok := s.Lookup(LevelCentral, RankMinister, Day(2014, time.November, 24)); !ok {
			t.Fatal("Lookup on 2014-11-24 found nothing")
		}
	})
	t.Run("local rows leave the built-in table alone", func(t *testing.T) {
		s := mustStandards(t, localRow(LevelCounty, RankStaff, 8, Day(2020, 1, 1)))
		if r, _ := s.Lookup(LevelCounty, RankStaff, Day(2019, 1, 1)); r.AreaM2 != 9 {
			t.Fatalf("national row = %v m²", r.AreaM2)
		}
	})
}

func localRow(scale AdminLevel, rank Rank, area float64, eff time.Time) StandardRow {
	return StandardRow{
		Scale: scale, Rank: rank, Title: "local", AreaM2: area, Effective: eff,
		Jurisdiction: "江苏省", Source: "苏办发〔2020〕1号",
	}
}

func TestNewStandardsRejects(t *testing.T) {
	eff := Day(2020, time.January, 1)
	ok := localRow(LevelMunicipal, RankStaff, 8, eff)
	tests := []struct {
		name string
		rows []StandardRow
		want string // in the message
	}{
		{"unknown scale", []StandardRow{with(ok, func(r *StandardRow) { r.Scale = "galactic" })}, "scale"},
		{"unknown rank", []StandardRow{with(ok, func(r *StandardRow) { r.Rank = "emperor" })}, "rank"},
		{"zero area", []StandardRow{with(ok, func(r *StandardRow) { r.AreaM2 = 0 })}, "area"},
		{"negative area", []StandardRow{with(ok, func(r *StandardRow) { r.AreaM2 = -9 })}, "area"},
		{"NaN area", []StandardRow{with(ok, func(r *StandardRow) { r.AreaM2 = math.NaN() })}, "area"},
		{"above 54", []StandardRow{with(ok, func(r *StandardRow) { r.AreaM2 = 54.5 })}, "at most 54"},
		{"township above the cap", []StandardRow{with(ok, func(r *StandardRow) { r.Scale, r.AreaM2 = LevelTownship, 25 })}, "at most 24"},
		{"toilet above 6", []StandardRow{with(ok, func(r *StandardRow) { r.ToiletAllowanceM2 = 7 })}, "toilet"},
		{"negative toilet", []StandardRow{with(ok, func(r *StandardRow) { r.ToiletAllowanceM2 = -1 })}, "toilet"},
		{"no effective day", []StandardRow{with(ok, func(r *StandardRow) { r.Effective = time.Time{} })}, "effective"},
		{"no jurisdiction", []StandardRow{with(ok, func(r *StandardRow) { r.Jurisdiction = " " })}, "jurisdiction"},
		{"no source", []StandardRow{with(ok, func(r *StandardRow) { r.Source = "" })}, "source"},
		{"duplicate local rows", []StandardRow{ok, with(ok, func(r *StandardRow) { r.AreaM2 = 7 })}, "local row 1"},
		{"duplicate of a built-in row", []StandardRow{with(ok, func(r *StandardRow) {
			r.Jurisdiction, r.Effective, r.AreaM2 = NationalJurisdiction, Standard2014Effective(), 9
		})}, "built-in"},
		{"second row is the bad one", []StandardRow{ok, with(ok, func(r *StandardRow) { r.Rank = "" })}, "row 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewStandards(tt.rows)
			if err == nil {
				t.Fatalf("NewStandards accepted %+v", tt.rows)
			}
			if s != nil {
				t.Error("NewStandards returned standards with an error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "row") {
				t.Errorf("error %q does not mention %q and the row", err, tt.want)
			}
		})
	}
}

func with[T any](v T, f func(*T)) T {
	f(&v)
	return v
}

func TestLookupLocalRows(t *testing.T) {
	later := Day(2020, time.January, 1)
	tests := []struct {
		name   string
		local  []StandardRow
		scale  AdminLevel
		rank   Rank
		on     time.Time
		want   float64 // 0: no row
		wantJu string
	}{
		{"later local row beats national from its day", []StandardRow{localRow(LevelMunicipal, RankDivision, 20, later)},
			LevelMunicipal, RankDivision, later, 20, "江苏省"},
		{"later local row ignored before its day", []StandardRow{localRow(LevelMunicipal, RankDivision, 20, later)},
			LevelMunicipal, RankDivision, later.AddDate(0, 0, -1), 24, NationalJurisdiction},
		{"local row of the same day beats national", []StandardRow{localRow(LevelCounty, RankStaff, 8, Standard2014Effective())},
			LevelCounty, RankStaff, later, 8, "江苏省"},
		{"older local row loses to the national one", []StandardRow{localRow(LevelCounty, RankStaff, 8, Day(2010, 1, 1))},
			LevelCounty, RankStaff, later, 9, NationalJurisdiction},
		{"older local row applies before the national one", []StandardRow{localRow(LevelCounty, RankStaff, 8, Day(2010, 1, 1))},
			LevelCounty, RankStaff, Day(2012, 1, 1), 8, "江苏省"},
		{"the latest of two local rows", []StandardRow{
			localRow(LevelCounty, RankStaff, 8, Day(2016, 1, 1)),
			localRow(LevelCounty, RankStaff, 7, Day(2018, 1, 1)),
		}, LevelCounty, RankStaff, later, 7, "江苏省"},
		{"two jurisdictions on one day: the stricter", []StandardRow{
			localRow(LevelCounty, RankStaff, 8, later),
			with(localRow(LevelCounty, RankStaff, 7, later), func(r *StandardRow) { r.Jurisdiction = "常州市" }),
		}, LevelCounty, RankStaff, later, 7, "常州市"},
		{"township without local rows", nil, LevelTownship, RankStaff, later, 0, ""},
		{"township with a local row", []StandardRow{localRow(LevelTownship, RankStaff, 9, later)},
			LevelTownship, RankStaff, later, 9, "江苏省"},
		{"township local row at the cap", []StandardRow{localRow(LevelTownship, RankSection, 24, later)},
			LevelTownship, RankSection, later, 24, "江苏省"},
		{"a rank the scale has no row for", nil, LevelMunicipal, RankMinister, later, 0, ""},
		{"a local row adds a rank", []StandardRow{localRow(LevelMunicipal, RankViceMinister, 42, later)},
			LevelMunicipal, RankViceMinister, later, 42, "江苏省"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustStandards(t, tt.local...)
			got, ok := s.Lookup(tt.scale, tt.rank, tt.on)
			if tt.want == 0 {
				if ok {
					t.Fatalf("Lookup = %+v, want none", got)
				}
				return
			}
			if !ok || got.AreaM2 != tt.want || got.Jurisdiction != tt.wantJu {
				t.Fatalf("Lookup = %v m² (%s), %v; want %v m² (%s)", got.AreaM2, got.Jurisdiction, ok, tt.want, tt.wantJu)
			}
		})
	}
}

// TestScaleMapping: a 副省级 city's agencies carry Scale = provincial (notes to the 2014 table): its deputy
// mayor, of vice_minister rank, gets the 省级副职 42 m², and its bureau-rank department heads the provincial
// 正厅(局)级 30 m², not the municipal 42 m² of a 市级正职.
func TestScaleMapping(t *testing.T) {
	s := mustStandards(t)
	on := Day(2024, time.January, 1)
	subProvincial := Agency{Name: "某副省级市人民政府", Level: LevelMunicipal, Scale: LevelProvincial, Status: AgencyActive}
	ordinary := Agency{Name: "某地级市人民政府", Level: LevelMunicipal, Status: AgencyActive}
	tests := []struct {
		name   string
		agency Agency
		rank   Rank
		want   float64
		ok     bool
	}{
		{"副省级 deputy mayor", subProvincial, RankViceMinister, 42, true},
		{"副省级 department head", subProvincial, RankBureau, 30, true},
		{"副省级 deputy department head", subProvincial, RankViceBureau, 24, true},
		{"地级 mayor", ordinary, RankBureau, 42, true},
		{"地级 has no vice_minister row", ordinary, RankViceMinister, 0, false},
		{"处级事业单位 on the municipal scale", Agency{Level: LevelProvincial, Scale: LevelMunicipal}, RankDivision, 24, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := s.For(tt.agency, tt.rank, on)
			if ok != tt.ok || got.AreaM2 != tt.want {
				t.Fatalf("For = %v m², %v; want %v m², %v", got.AreaM2, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestRows(t *testing.T) {
	s := mustStandards(t,
		localRow(LevelTownship, RankStaff, 9, Day(2020, 1, 1)),
		localRow(LevelCentral, RankStaff, 8, Day(2020, 1, 1)),
	)
	rows := s.Rows()
	if len(rows) != len(standard2014())+2 {
		t.Fatalf("%d rows", len(rows))
	}
	if !slices.IsSortedFunc(rows, compareRows) {
		t.Error("rows are not sorted")
	}
	if rows[len(rows)-1].Scale != LevelTownship {
		t.Errorf("last row %+v, want the township row", rows[len(rows)-1])
	}
	rows[0].AreaM2 = 0
	if s.Rows()[0].AreaM2 == 0 {
		t.Error("Rows shares its slice with the caller")
	}
}
