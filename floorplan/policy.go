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

// AreaEpsilonM2 is the tolerance of every area comparison, in m²: an area within 1e-9 m² of its limit is
// at the limit, and exactly at the limit is compliant. It only absorbs floating-point noise (a 3 × 9 m room
// computed from coordinates); 0.01 m² over is over.
const AreaEpsilonM2 = 1e-9

// pctEpsilon is the same tolerance for the percentages compared with ToleranceBand.UpToPct.
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
}

// DefaultPolicy returns the policy that follows the national rules: equal split, no tolerance bands, idle
// after 6 months, vacate 1 month after leaving, 2 months after a concurrent post ends, by the day of a
// merger, the private toilet inside the limit.
func DefaultPolicy() Policy {
	return Policy{
		Split:                           SplitEqual,
		IdleMonths:                      6,
		VacateAfterLeavingMonths:        1,
		VacateAfterConcurrentPostMonths: 2,
		VacateAfterMergerMonths:         0,
	}
}

// Validate checks the policy: a known split, IdleMonths ≥ 1, non-negative vacate periods, and bands with
// finite, positive, strictly increasing UpToPct, both actions written, tolerated bands before the others.
// Errors wrap ErrInvalid.
func (p Policy) Validate() error {
	if !p.Split.Valid() {
		return Invalidf("policy: split %q is not one of %q, %q", p.Split, SplitEqual, SplitByStandard)
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
