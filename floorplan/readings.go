package floorplan

import (
	"strings"
	"time"
)

// Readings of the 2014 standard's notes where the text is debatable. Each is a Policy value, named in the
// findings it affects (Finding.Basis) and in README.

// DeputyReading is how the deputies of a 副省级 city are read (note 2 to 第十三条: in 副省级 cities
// "副职" use the 省级副职 figure).
type DeputyReading string

// Deputy readings.
const (
	// DeputiesByRank (the default) gives a deputy of a 副省级 city's leadership the figure of their own
	// grade at the agency's scale (a 正厅级 deputy mayor: 正厅(局)级, 30 m² at the provincial scale).
	DeputiesByRank DeputyReading = "own_rank"
	// DeputiesProvincial gives them the 省级副职 figure (42 m²), as note 2 words it: a person of 厅局级正职
	// grade (RankBureau) whose main post title starts with 副 (副市长, 副书记, 副主任 …) in an agency of
	// the municipal level on the provincial scale (a 副省级 city's organ).
	DeputiesProvincial DeputyReading = "provincial_deputy"
)

// ToiletReading is who may have a private toilet (note 4 to 第十三条: 省部级 leaders, provincial 厅局 heads
// and "市、县党政正职").
type ToiletReading string

// Toilet readings.
const (
	// ToiletByRank (the default) allows it by grade: every person whose standard row carries an allowance
	// (at the municipal and county scales, every 正职-grade official).
	ToiletByRank ToiletReading = "rank"
	// ToiletByPost allows it at the municipal and county scales only to the party and government heads:
	// the row's allowance applies when the person's main post title contains one of
	// Policy.ToiletPostTitles. At the central and provincial scales the grade decides, as by rank.
	ToiletByPost ToiletReading = "post"
)

// DefaultToiletPostTitles are the words of the titles of 市、县党政正职 (ToiletByPost).
var DefaultToiletPostTitles = []string{"书记", "市长", "县长", "区长", "州长", "旗长"}

// readRow applies the policy's readings to person p's standard row (row, ok from the table for their
// agency a's scale and their rank on day) and says which reading changed it.
func readRow(pol Policy, std *Standards, a *Agency, p *Person, row *StandardRow, ok bool, day time.Time) (*StandardRow, bool, reading) {
	var r reading
	if isSubProvincialDeputy(a, p) {
		r.deputy = true
		if pol.Deputies == DeputiesProvincial {
			if dep, found := std.Lookup(LevelProvincial, RankViceMinister, day); found {
				row, ok = &dep, true
			}
		}
	}
	scale := a.StandardScale()
	if ok && row.ToiletAllowanceM2 > 0 && (scale == LevelMunicipal || scale == LevelCounty) {
		r.toiletByGrade = true
		if pol.Toilets == ToiletByPost && !titleHas(p.Title, pol.toiletTitles()) {
			noToilet := *row
			noToilet.ToiletAllowanceM2 = 0
			row, r.toiletRefused = &noToilet, true
		}
	}
	return row, ok, r
}

// reading records which debatable note touched a person's row.
type reading struct {
	deputy                       bool // a 副省级 city deputy (the basis names the reading)
	toiletByGrade, toiletRefused bool // a 市县 allowance by grade; refused by post
}

// isSubProvincialDeputy reports whether p is a deputy of a 副省级 city's leadership (DeputiesProvincial).
func isSubProvincialDeputy(a *Agency, p *Person) bool {
	return a.Level == LevelMunicipal && a.StandardScale() == LevelProvincial && p.Rank == RankBureau &&
		strings.HasPrefix(strings.TrimSpace(p.Title), "副")
}

func (p Policy) toiletTitles() []string {
	if len(p.ToiletPostTitles) > 0 {
		return p.ToiletPostTitles
	}
	return DefaultToiletPostTitles
}

func titleHas(title string, words []string) bool {
	for _, w := range words {
		if w != "" && strings.Contains(title, w) {
			return true
		}
	}
	return false
}

// deputy names the 副省级 deputies reading in a finding's basis.
func (b *basis) deputy(p Policy) {
	b.either(p.Deputies == DeputiesProvincial,
		"副省级城市副职按省级副职标准（deputies=provincial_deputy）", "副省级 city deputies use the 省级副职 figure (deputies=provincial_deputy)",
		"副省级城市副职按本人职级标准（deputies=own_rank）", "副省级 city deputies use their own grade's figure (deputies=own_rank)")
}

// toiletWho names who may have a private toilet in a finding's basis.
func (b *basis) toiletWho(p Policy) {
	b.either(p.Toilets == ToiletByPost,
		"市县专用卫生间仅限党政正职（toilets=post）", "at city and county level only the party and government heads may have a private toilet (toilets=post)",
		"专用卫生间按职级确定（toilets=rank）", "who may have a private toilet follows the grade (toilets=rank)")
}
