package floorplan

import (
	"math"
	"strings"
)

// SplitPolicy says how a shared office's usable area is divided among the people in it.
type SplitPolicy string

// Split policies. The 2014 standard has no national rule for shared offices; the common practice, and the
// default, divides the room's area equally among the occupants active that day (实际分摊面积).
const (
	// SplitEqual gives each occupant area / n.
	SplitEqual SplitPolicy = "equal"
	// SplitByStandard gives each occupant a share proportional to their own standard, so that a room that
	// fits the sum of its occupants' standards fits each of them. When an occupant has no standard the
	// room falls back to the equal split.
	SplitByStandard SplitPolicy = "by_standard"
)

// Valid reports whether p is a known split policy.
func (p SplitPolicy) Valid() bool { return p == SplitEqual || p == SplitByStandard }

// Finding severities.
const (
	// SeverityViolation is a breach to be put right.
	SeverityViolation = "violation"
	// SeverityTolerated is an excess the policy tolerates for now (a ToleranceBand with Tolerated set):
	// still reported, with the band's action.
	SeverityTolerated = "tolerated"
	// SeverityNotice is something the register cannot decide (no standard row in force for a rank).
	SeverityNotice = "notice"
)

// Survey precision. Areas are surveyed and reported to 0.01 m² (使用面积 to two decimals), and every
// comparison of an area with a limit is made at that precision: see RoundM2.
const (
	// AreaPrecisionM2 is the survey precision of areas, in m².
	AreaPrecisionM2 = 0.01
	// noiseHundredths absorbs floating-point noise when an area in hundredths of m² is rounded: an area
	// computed from coordinates as 24.004999999999 is the surveyed 24.005 and rounds up.
	noiseHundredths = 1e-6
)

// RoundM2 rounds an area to the survey precision, 0.01 m², half up, after absorbing floating-point noise
// (math.Floor(x·100 + 0.5 + 1e-6) / 100): 24.004 → 24.00, 24.005 → 24.01 even when the float is
// 24.004999999999. Every verdict compares rounded areas: a room's area is RoundM2 of its planar area, a
// person's office area RoundM2 of the sum of their shares, and an area is over its limit when its rounded
// figure is at least 0.01 m² above it (exactly at the limit, or up to 0.004 m² above, is compliant).
func RoundM2(x float64) float64 { return float64(hundredths(x)) / 100 }

// hundredths is x in hundredths of m², rounded as RoundM2 rounds: comparisons of rounded areas are made
// on these integers, so that 9.01 − 9 is exactly one hundredth.
func hundredths(x float64) int64 { return int64(math.Floor(x*100 + 0.5 + noiseHundredths)) }

// m2Of is an area in hundredths of m² as m².
func m2Of(h int64) float64 { return float64(h) / 100 }

// pctEpsilon absorbs floating-point noise in the percentages compared with ToleranceBand.UpToPct.
const pctEpsilon = 1e-9

// ToleranceBand is one band of a local tolerance policy for over-standard people, e.g. "up to 30 % over:
// tolerated until the next refit (暂保留，调整时整改)".
type ToleranceBand struct {
	// UpToPct is the band's upper bound: an excess of at most this percentage of the person's standard
	// falls in the band (the lower bound is the previous band's UpToPct, or 0).
	UpToPct float64 `json:"up_to_pct"`
	// Action is what happens to an excess in this band, in English.
	Action string `json:"action"`
	// ActionZH is the same in Chinese.
	ActionZH string `json:"action_zh"`
	// Tolerated makes findings in this band SeverityTolerated instead of SeverityViolation.
	Tolerated bool `json:"tolerated"`
}

// Policy is how the findings engine reads the rules where they leave room for local practice.
//
// Tolerance bands: with no bands (the default) every excess over the standard is a violation. With bands,
// a person over standard by x % (x > 0) falls in the first band whose UpToPct ≥ x; the finding carries
// that band's action, and its severity is "tolerated" when the band is Tolerated, "violation" otherwise.
// An excess above the last band is a violation with no band action. The room is coloured over_standard
// in every case: tolerated excess is still excess.
type Policy struct {
	// Split divides shared offices.
	Split SplitPolicy `json:"split"`
	// Bands are the tolerance bands, in increasing UpToPct; tolerated bands come first. Empty: any excess
	// is a violation.
	Bands []ToleranceBand `json:"bands"`
	// IdleMonths: an office-space room idle for this many months or more is a finding (Changzhou: 6).
	IdleMonths int `json:"idle_months"`
	// VacateAfterLeavingMonths: a retired or transferred person hands their rooms back within this many
	// months of the status date (art. 19: 1).
	VacateAfterLeavingMonths int `json:"vacate_after_leaving_months"`
	// VacateAfterConcurrentPostMonths: a second office is handed back within this many months of leaving
	// the concurrent post (art. 19: 2).
	VacateAfterConcurrentPostMonths int `json:"vacate_after_concurrent_post_months"`
	// VacateAfterMergerMonths: a merged or abolished agency hands its rooms back within this many months
	// of the status date (0: by that day).
	VacateAfterMergerMonths int `json:"vacate_after_merger_months"`
	// ToiletOnTop reads the private toilet allowance as extra area on top of the standard: the person's
	// limit rises by min(toilet share, StandardRow.ToiletAllowanceM2). When false (the default), the
	// toilet counts inside the limit, as note 4 to 第十三条 of the 2014 standard words it ("可在上列规定的
	// 办公室使用面积范围内配备不超过6平方米的卫生间"), and the allowance only says who may have a private
	// toilet and how large. In both readings a private toilet for a rank with no allowance, or larger than
	// the allowance, is a person.private_toilet finding.
	ToiletOnTop bool `json:"toilet_on_top"`
	// ApprovedAreaBasis says what an agency's approved area (核定面积, Agency.ApprovedAreaM2) measures, and
	// so what agency.over_approved_area compares it with: ApprovedAreaUsable (the default) compares it with
	// the usable area of the agency's office-space rooms; ApprovedAreaGross reads it as 建筑面积 and
	// compares it with that usable area ÷ UsableRatio.
	ApprovedAreaBasis AreaBasis `json:"approved_area_basis"`
	// UsableRatio is the usable-to-gross area ratio (使用面积系数) that turns usable area into gross area
	// with ApprovedAreaGross: 0.65 by default, the 2014 standard's figure for multi-storey office
	// buildings (0.60 for high-rise ones). It must lie in (0, 1].
	UsableRatio float64 `json:"usable_ratio"`
	// Deputies reads note 2 for the deputies of a 副省级 city (readings.go): DeputiesByRank (the default,
	// also for "") or DeputiesProvincial.
	Deputies DeputyReading `json:"deputies"`
	// Toilets reads note 4 for who may have a private toilet (readings.go): ToiletByRank (the default,
	// also for "") or ToiletByPost, with ToiletPostTitles (empty: DefaultToiletPostTitles).
	Toilets          ToiletReading `json:"toilets"`
	ToiletPostTitles []string      `json:"toilet_post_titles,omitempty"`
}

// AreaBasis is what an agency's approved area measures.
type AreaBasis string

// Approved-area bases.
const (
	// ApprovedAreaUsable: 核定面积 is usable area (使用面积), compared with the rooms' usable area.
	ApprovedAreaUsable AreaBasis = "usable"
	// ApprovedAreaGross: 核定面积 is gross area (建筑面积), compared with the rooms' usable area ÷
	// Policy.UsableRatio.
	ApprovedAreaGross AreaBasis = "gross"
)

// Valid reports whether b is a known basis.
func (b AreaBasis) Valid() bool { return b == ApprovedAreaUsable || b == ApprovedAreaGross }

// DefaultUsableRatio is the 2014 standard's usable-area coefficient (使用面积系数) for multi-storey office
// buildings: usable area is at least 65 % of gross area.
const DefaultUsableRatio = 0.65

// DefaultPolicy returns the policy that follows the national rules: equal split, no tolerance bands, idle
// after 6 months, vacate 1 month after leaving, 2 months after a concurrent post ends, by the day of a
// merger, the private toilet inside the limit, the approved area read as usable area (usable ratio 0.65 for
// when it is read as gross).
func DefaultPolicy() Policy {
	return Policy{
		Split:                           SplitEqual,
		IdleMonths:                      6,
		VacateAfterLeavingMonths:        1,
		VacateAfterConcurrentPostMonths: 2,
		VacateAfterMergerMonths:         0,
		ApprovedAreaBasis:               ApprovedAreaUsable,
		UsableRatio:                     DefaultUsableRatio,
		Deputies:                        DeputiesByRank,
		Toilets:                         ToiletByRank,
	}
}

// Validate checks the policy: a known split and approved-area basis, a usable ratio in (0, 1],
// IdleMonths ≥ 1, non-negative vacate periods, and bands with finite, positive, strictly increasing
// UpToPct, both actions written, tolerated bands before the others. Errors wrap ErrInvalid.
func (p Policy) Validate() error {
	if !p.Split.Valid() {
		return Invalidf("policy: split %q is not one of %q, %q", p.Split, SplitEqual, SplitByStandard)
	}
	if !p.ApprovedAreaBasis.Valid() {
		return Invalidf("policy: approved area basis %q is not one of %q, %q", p.ApprovedAreaBasis, ApprovedAreaUsable, ApprovedAreaGross)
	}
	if p.Deputies != "" && p.Deputies != DeputiesByRank && p.Deputies != DeputiesProvincial {
		return Invalidf("policy: deputies %q is not one of %q, %q", p.Deputies, DeputiesByRank, DeputiesProvincial)
	}
	if p.Toilets != "" && p.Toilets != ToiletByRank && p.Toilets != ToiletByPost {
		return Invalidf("policy: toilets %q is not one of %q, %q", p.Toilets, ToiletByRank, ToiletByPost)
	}
	if !(p.UsableRatio > 0 && p.UsableRatio <= 1) { // NaN fails too
		return Invalidf("policy: usable ratio %v must be above 0 and at most 1", p.UsableRatio)
	}
	if p.IdleMonths < 1 {
		return Invalidf("policy: idle months must be at least 1, not %d", p.IdleMonths)
	}
	for _, f := range []struct {
		name string
		v    int
	}{
		{"vacate after leaving months", p.VacateAfterLeavingMonths},
		{"vacate after concurrent post months", p.VacateAfterConcurrentPostMonths},
		{"vacate after merger months", p.VacateAfterMergerMonths},
	} {
		if f.v < 0 {
			return Invalidf("policy: %s must not be negative, not %d", f.name, f.v)
		}
	}
	prev := 0.0
	seenStrict := false
	for i, b := range p.Bands {
		n := i + 1
		switch {
		case math.IsNaN(b.UpToPct) || math.IsInf(b.UpToPct, 0) || b.UpToPct <= 0:
			return Invalidf("policy: band %d: up-to percentage %v must be a positive number", n, b.UpToPct)
		case b.UpToPct <= prev:
			return Invalidf("policy: band %d: up-to percentage %v must be above the previous band's %v", n, b.UpToPct, prev)
		case strings.TrimSpace(b.Action) == "" || strings.TrimSpace(b.ActionZH) == "":
			return Invalidf("policy: band %d: the action (English and Chinese) is missing", n)
		case b.Tolerated && seenStrict:
			return Invalidf("policy: band %d: a tolerated band must not follow a band that is not tolerated", n)
		}
		seenStrict = seenStrict || !b.Tolerated
		prev = b.UpToPct
	}
	return nil
}

// band returns the tolerance band an excess of pct percent falls in, if any.
func (p Policy) band(pct float64) (ToleranceBand, bool) {
	for _, b := range p.Bands {
		if pct <= b.UpToPct+pctEpsilon {
			return b, true
		}
	}
	return ToleranceBand{}, false
}
