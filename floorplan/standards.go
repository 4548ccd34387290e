package floorplan

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// StandardRow is one line of a space-standard table: the upper limit of office usable area per person
// for a rank at agencies of one scale, in force from a date, with its legal source.
type StandardRow struct {
	Scale  AdminLevel `json:"scale"`
	Rank   Rank       `json:"rank"`
	Title  string     `json:"title"`   // the standard's own words, e.g. "市级正职"
	AreaM2 float64    `json:"area_m2"` // upper limit of office usable area per person
	// ToiletAllowanceM2 is the largest private toilet (专用卫生间) the ranks the standard names may have
	// (at most 6 m²); 0 for the others. By note 4 to 第十三条 it lies inside AreaM2, not on top of it
	// (Policy.ToiletOnTop chooses the other reading).
	ToiletAllowanceM2 float64   `json:"toilet_allowance_m2"`
	Effective         time.Time `json:"effective"` // in force from this day
	// Jurisdiction is "national" for the built-in table, or the deployment's own name for local rows.
	Jurisdiction string `json:"jurisdiction"`
	Source       string `json:"source"` // legal source, e.g. "《党政机关办公用房建设标准》(发改投资〔2014〕2674号) 第十三条"
}

// The space standard: the upper limit of an office's usable area (使用面积) per person, by the scale of the
// agency and the person's rank.
//
// The built-in table is 《党政机关办公用房建设标准》(发改投资〔2014〕2674号), 第十三条, as data
// (NationalStandard). The 1999 figures (计投资〔1999〕2250号: 中央处级 9, 市级正职 32 …), which many web pages
// still print as current, are not used anywhere.
//
// Which table applies to a person is decided by their agency's scale, not its level: Agency.Scale
// (Agency.StandardScale) names the level whose table the agency's staff use. The notes to the 2014 table
// map agencies onto another level's scale, and a deployment records that once per agency:
//   - in a 副省级 city (and a 副部级 unit) the deputies use the 省(部)级副职 limit and the departments the
//     provincial (central) 厅(司) limits: such a city's agencies get Scale = provincial, so its
//     vice_minister-rank deputy mayor gets 42 m² and its bureau-rank department heads 30 m²;
//   - 派出机构 and 事业单位 are mapped onto the scale of their grade: a central 司局级 unit onto the
//     provincial 厅局 scale, a 处级 unit onto the municipal 局处 scale, a 科级 unit onto the county 科级
//     scale.
// Standards itself only answers "what is the limit for this rank at agencies of this scale on this day".

// Figures of the built-in table and its limits.
const (
	// NationalJurisdiction is the Jurisdiction of the built-in rows.
	NationalJurisdiction = "national"
	// Standard2014Source is the legal source of the built-in rows.
	Standard2014Source = "《党政机关办公用房建设标准》(发改投资〔2014〕2674号) 第十三条"
	// MaxStandardM2 is the largest figure of the national table (部级正职, 省级正职); no local row may exceed it.
	MaxStandardM2 = 54.0
	// TownshipCapM2 is the cap on township (乡级机关) figures: the 2014 standard leaves them to the province,
	// "in principle not above 县级副职" (24 m²). The national table has no township rows.
	TownshipCapM2 = 24.0
	// ToiletAllowanceM2 is the largest private toilet (专用卫生间) the 2014 standard allows (note 4 to
	// 第十三条), and the allowance recorded on the rows of the ranks it names.
	ToiletAllowanceM2 = 6.0
)

// Standard2014Effective returns the day the built-in table is in force from: 24 November 2014, the date of
// issue of 发改投资〔2014〕2674号 (the notice says "请按照执行" and names no separate commencement day, so
// the issue date is used; it was published on 27 November 2014).
func Standard2014Effective() time.Time { return Day(2014, time.November, 24) }

// NationalStandard returns the built-in national table, 《党政机关办公用房建设标准》(2014) 第十三条, as a fresh
// slice ordered by scale and rank. Ranks a scale does not name share the row of the group the table gives
// them (中央 "处级" covers division and vice_division; "处级以下" covers section, vice_section and staff).
//
// Township rows are not shipped: the province sets them (at most TownshipCapM2), and a deployment adds
// them as local rows.
//
// ToiletAllowanceM2 is set on the rows of the people note 4 names: 省部级 leaders (central and provincial
// minister and vice_minister), the heads of provincial 厅(局) (provincial bureau) and the party and
// government heads of cities and counties (市级正职: municipal bureau; 县级正职: county division). The
// standard names the heads (党政正职) specifically, not every person of the rank; the table approximates that
// by the rank's row.
func NationalStandard() []StandardRow {
	const t = ToiletAllowanceM2
	scales := []standardScale{
		{LevelCentral, []standardGrade{
			{"部级正职", 54, t, []Rank{RankMinister}},
			{"部级副职", 42, t, []Rank{RankViceMinister}},
			{"正司(局)级", 24, 0, []Rank{RankBureau}},
			{"副司(局)级", 18, 0, []Rank{RankViceBureau}},
			{"处级", 12, 0, []Rank{RankDivision, RankViceDivision}},
			{"处级以下", 9, 0, []Rank{RankSection, RankViceSection, RankStaff}},
		}},
		{LevelProvincial, []standardGrade{
			{"省级正职", 54, t, []Rank{RankMinister}},
			{"省级副职", 42, t, []Rank{RankViceMinister}},
			{"正厅(局)级", 30, t, []Rank{RankBureau}},
			{"副厅(局)级", 24, 0, []Rank{RankViceBureau}},
			{"正处级", 18, 0, []Rank{RankDivision}},
			{"副处级", 12, 0, []Rank{RankViceDivision}},
			{"处级以下", 9, 0, []Rank{RankSection, RankViceSection, RankStaff}},
		}},
		// A prefecture-level city's leaders are 厅局级: its table starts at the bureau rank.
		{LevelMunicipal, []standardGrade{
			{"市级正职", 42, t, []Rank{RankBureau}},
			{"市级副职", 30, 0, []Rank{RankViceBureau}},
			{"正局(处)级", 24, 0, []Rank{RankDivision}},
			{"副局(处)级", 18, 0, []Rank{RankViceDivision}},
			{"局(处)级以下", 9, 0, []Rank{RankSection, RankViceSection, RankStaff}},
		}},
		// A county's leaders are 县处级: its table starts at the division rank.
		{LevelCounty, []standardGrade{
			{"县级正职", 30, t, []Rank{RankDivision}},
			{"县级副职", 24, 0, []Rank{RankViceDivision}},
			{"正科级", 18, 0, []Rank{RankSection}},
			{"副科级", 12, 0, []Rank{RankViceSection}},
			{"科级以下", 9, 0, []Rank{RankStaff}},
		}},
	}
	eff := Standard2014Effective()
	var rows []StandardRow
	for _, sc := range scales {
		for _, g := range sc.grades {
			for _, rank := range g.ranks {
				rows = append(rows, StandardRow{
					Scale: sc.scale, Rank: rank, Title: g.title, AreaM2: g.area, ToiletAllowanceM2: g.toilet,
					Effective: eff, Jurisdiction: NationalJurisdiction, Source: Standard2014Source,
				})
			}
		}
	}
	return rows
}

// standardScale is one scale's part of the built-in table, its grades from the top.
type standardScale struct {
	scale  AdminLevel
	grades []standardGrade
}

// standardGrade is one line of the 2014 table as printed: its title, area and toilet allowance, and the
// ranks that line covers (several where the table groups them, as "处级以下").
type standardGrade struct {
	title        string
	area, toilet float64
	ranks        []Rank
}

// Standards answers which space-standard row applies to a rank at agencies of a scale on a day: the
// built-in national table plus a deployment's local rows. It is read-only once built and safe for
// concurrent use.
type Standards struct {
	rows  []StandardRow // all rows, sorted as Rows returns them
	index map[standardKey][]standardEntry
}

type standardKey struct {
	scale AdminLevel
	rank  Rank
}

type standardEntry struct {
	row   StandardRow
	local bool
}

// NewStandards returns the national table plus the local rows, after checking each local row: a known
// scale and rank, 0 < AreaM2 ≤ MaxStandardM2 (≤ TownshipCapM2 for township rows), a toilet allowance
// between 0 and ToiletAllowanceM2, a non-zero Effective day, a non-empty Jurisdiction and Source, and no
// two rows (built-in ones included) with the same scale, rank, jurisdiction and effective day. Errors wrap
// ErrInvalid and name the row.
//
// Lookup picks, among the rows for a scale and rank, the one with the latest Effective day on or before
// the day asked; among rows with the same Effective day a local row beats the national one, and among
// local rows of different jurisdictions with the same day the smaller AreaM2 (the stricter) wins, then the
// jurisdiction's name, so that the answer never depends on input order.
func NewStandards(local []StandardRow) (*Standards, error) {
	national := NationalStandard()
	s := &Standards{
		rows:  make([]StandardRow, 0, len(national)+len(local)),
		index: make(map[standardKey][]standardEntry),
	}
	type uniq struct {
		scale        AdminLevel
		rank         Rank
		jurisdiction string
		effective    time.Time
	}
	seen := make(map[uniq]int, len(national)+len(local)) // → local row number (1-based), 0 for built-in
	add := func(r StandardRow, local bool, n int) error {
		u := uniq{r.Scale, r.Rank, r.Jurisdiction, r.Effective.UTC()}
		if prev, dup := seen[u]; dup {
			other := "the built-in national row"
			if prev > 0 {
				other = fmt.Sprintf("local row %d", prev)
			}
			return Invalidf("local standard row %d (%s): same scale, rank, jurisdiction and effective day as %s",
				n, describeRow(r), other)
		}
		seen[u] = n
		s.rows = append(s.rows, r)
		k := standardKey{r.Scale, r.Rank}
		s.index[k] = append(s.index[k], standardEntry{row: r, local: local})
		return nil
	}
	for _, r := range national {
		if err := add(r, false, 0); err != nil {
			return nil, err // cannot happen: the built-in table has no duplicates
		}
	}
	for i, r := range local {
		if err := validateLocalRow(r, i+1); err != nil {
			return nil, err
		}
		if err := add(r, true, i+1); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(s.rows, compareRows)
	for k, es := range s.index {
		slices.SortFunc(es, func(a, b standardEntry) int {
			// Latest first; local before national; stricter first; then by jurisdiction.
			if c := b.row.Effective.Compare(a.row.Effective); c != 0 {
				return c
			}
			if a.local != b.local {
				if a.local {
					return -1
				}
				return 1
			}
			if c := cmp.Compare(a.row.AreaM2, b.row.AreaM2); c != 0 {
				return c
			}
			return strings.Compare(a.row.Jurisdiction, b.row.Jurisdiction)
		})
		s.index[k] = es
	}
	return s, nil
}

// CheckStandardRow checks one local row as NewStandards does (its fields, and that it does not repeat a
// row of the built-in table): what every store checks before it puts the row.
func CheckStandardRow(r StandardRow) error {
	_, err := NewStandards([]StandardRow{r})
	return err
}

// validateLocalRow checks one local row; n is its 1-based position, used in the message.
func validateLocalRow(r StandardRow, n int) error {
	bad := func(format string, args ...any) error {
		return Invalidf("local standard row %d (%s): %s", n, describeRow(r), fmt.Sprintf(format, args...))
	}
	if err := checkTexts(recordLabel{kind: fmt.Sprintf("local standard row %d", n)}, "standard_row", field{"title", r.Title},
		field{"jurisdiction", r.Jurisdiction}, field{"source", r.Source}); err != nil {
		return err
	}
	switch {
	case !r.Scale.Valid():
		return bad("scale %q is not one of central, provincial, municipal, county, township", r.Scale)
	case !r.Rank.Valid():
		return bad("rank %q is not a known rank", r.Rank)
	case r.Scale == LevelTownship && !(r.AreaM2 > 0 && r.AreaM2 <= TownshipCapM2):
		return bad("area %v m² must be above 0 and at most %v m² (县级副职) for township agencies", r.AreaM2, TownshipCapM2)
	case !(r.AreaM2 > 0 && r.AreaM2 <= MaxStandardM2):
		return bad("area %v m² must be above 0 and at most %v m²", r.AreaM2, MaxStandardM2)
	case !(r.ToiletAllowanceM2 >= 0 && r.ToiletAllowanceM2 <= ToiletAllowanceM2):
		return bad("toilet allowance %v m² must be between 0 and %v m²", r.ToiletAllowanceM2, ToiletAllowanceM2)
	case r.Effective.IsZero():
		return bad("the effective day is missing")
	case strings.TrimSpace(r.Jurisdiction) == "":
		return bad("the jurisdiction is missing")
	case strings.TrimSpace(r.Source) == "":
		return bad("the legal source is missing")
	}
	return nil
}

func describeRow(r StandardRow) string {
	eff := "no date"
	if !r.Effective.IsZero() {
		eff = r.Effective.Format(DateLayout)
	}
	j := r.Jurisdiction
	if j == "" {
		j = "no jurisdiction"
	}
	return fmt.Sprintf("%s/%s, %s, from %s", r.Scale, r.Rank, j, eff)
}

// Lookup returns the row in force on day on for a rank at agencies of the given scale: the row with the
// latest Effective day on or before on (a local row beats a national one of the same day). Rows not yet in
// force are ignored. It reports false when no row applies: township ranks without a local table, a rank
// the scale's table does not have (a municipal minister), or a day before every row.
func (s *Standards) Lookup(scale AdminLevel, rank Rank, on time.Time) (StandardRow, bool) {
	for _, e := range s.index[standardKey{scale, rank}] {
		if !e.row.Effective.After(on) {
			return e.row, true
		}
	}
	return StandardRow{}, false
}

// For returns the row in force on day on for a person of the given rank working for agency a, using the
// agency's standard scale (Agency.StandardScale).
func (s *Standards) For(a Agency, rank Rank, on time.Time) (StandardRow, bool) {
	return s.Lookup(a.StandardScale(), rank, on)
}

// Rows returns every row, built-in and local, as a fresh slice ordered by scale (from central down), rank
// (from the top), effective day and jurisdiction.
func (s *Standards) Rows() []StandardRow { return slices.Clone(s.rows) }

func compareRows(a, b StandardRow) int {
	if c := cmp.Compare(levelOrder(a.Scale), levelOrder(b.Scale)); c != 0 {
		return c
	}
	if c := cmp.Compare(rankOrder(a.Rank), rankOrder(b.Rank)); c != 0 {
		return c
	}
	if c := a.Effective.Compare(b.Effective); c != 0 {
		return c
	}
	return strings.Compare(a.Jurisdiction, b.Jurisdiction)
}

// levelOrder is a level's position in AdminLevels (unknown levels last).
func levelOrder(l AdminLevel) int { return orderIn(AdminLevels, l) }

// rankOrder is a rank's position in Ranks, from the top (unknown ranks last).
func rankOrder(r Rank) int { return orderIn(Ranks, r) }

// orderIn is v's position in list, or math.MaxInt when list does not hold it, so that unknown values sort
// last.
func orderIn[T comparable](list []T, v T) int {
	if i := slices.Index(list, v); i >= 0 {
		return i
	}
	return math.MaxInt
}

// RankTitle returns the rank's grade in Chinese (省部级正职 … 科员及以下), for a person with no standard row;
// a row's own Title (the standard's words at that scale) is preferred where there is one.
func RankTitle(r Rank) string { return titleOf(rankTitles, r) }

// LevelTitle returns the level's name in Chinese (中央机关 … 乡级机关).
func LevelTitle(l AdminLevel) string { return titleOf(levelTitles, l) }

// rankTitles holds the Chinese grade of each rank.
var rankTitles = map[Rank]string{
	RankMinister:     "省部级正职",
	RankViceMinister: "省部级副职",
	RankBureau:       "厅局级正职",
	RankViceBureau:   "厅局级副职",
	RankDivision:     "县处级正职",
	RankViceDivision: "县处级副职",
	RankSection:      "乡科级正职",
	RankViceSection:  "乡科级副职",
	RankStaff:        "科员及以下",
}

// levelTitles holds the Chinese name of each administrative level.
var levelTitles = map[AdminLevel]string{
	LevelCentral:    "中央机关",
	LevelProvincial: "省级机关",
	LevelMunicipal:  "市级机关",
	LevelCounty:     "县级机关",
	LevelTownship:   "乡级机关",
}

// titleOf returns k's title in titles, or k itself when titles has none.
func titleOf[K ~string](titles map[K]string, k K) string {
	if t, ok := titles[k]; ok {
		return t
	}
	return string(k)
}
