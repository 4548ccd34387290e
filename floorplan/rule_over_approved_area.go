package floorplan

import (
	"fmt"
	"strconv"
)

// RuleOverApprovedArea: an agency's office-space rooms add up to more than its approved area.
// SourceOverApprovedArea is its source.
const RuleOverApprovedArea, SourceOverApprovedArea = "agency.over_approved_area", Art19Source

// overApprovedArea judges each agency's office space (evaluation.officeSpace) against its approved area at
// the survey precision, read as Policy.ApprovedAreaBasis says.
func (e *evaluation) overApprovedArea() {
	gross := e.pol.ApprovedAreaBasis == ApprovedAreaGross
	ratio := strconv.FormatFloat(e.pol.UsableRatio, 'f', -1, 64)
	var b basis
	b.precision()
	if gross {
		b.add(fmt.Sprintf("核定面积为建筑面积，以使用面积÷使用面积系数%s折算后比较（approved_area_basis=gross，usable_ratio=%s）", ratio, ratio),
			fmt.Sprintf("the approved area is gross area, compared with usable area ÷ %s (approved_area_basis=gross, usable_ratio=%s)", ratio, ratio))
	} else {
		b.add("核定面积按使用面积比较（approved_area_basis=usable）", "the approved area is usable area (approved_area_basis=usable)")
	}
	for i, a := range e.snap.Agencies {
		apprH := hundredths(a.ApprovedAreaM2)
		if apprH <= 0 {
			continue
		}
		usableH := e.officeSpace[i]
		areaH := usableH
		if gross {
			areaH = hundredths(m2Of(usableH) / e.pol.UsableRatio)
		}
		if areaH <= apprH {
			continue
		}
		area, appr, ex := m2Of(areaH), m2Of(apprH), m2Of(areaH-apprH)
		p := ex / appr * 100
		f := Finding{
			RuleID: RuleOverApprovedArea, Severity: SeverityViolation, Source: SourceOverApprovedArea,
			Subject: EntityAgency, SubjectID: a.ID, AgencyID: a.ID,
			AreaM2: area, StandardM2: appr, ExcessM2: ex, ExcessPct: p,
			Message: fmt.Sprintf("%s使用办公用房%s平方米，超过核定面积%s平方米，超出%s平方米（%s）。",
				a.Name, m2(area), m2(appr), m2(ex), pctZH(p)),
			MessageEN: fmt.Sprintf("%s uses %s m² of office space against an approved %s m²: %s m² (%s) over.",
				a.Name, m2(area), m2(appr), m2(ex), pctEN(p)),
		}
		if gross {
			f.Message = fmt.Sprintf("%s办公用房使用面积%s平方米，按使用面积系数%s折合建筑面积%s平方米，超过核定面积%s平方米，超出%s平方米（%s）。",
				a.Name, m2(m2Of(usableH)), ratio, m2(area), m2(appr), m2(ex), pctZH(p))
			f.MessageEN = fmt.Sprintf("%s uses %s m² of usable office space, %s m² gross at a usable ratio of %s, against an approved %s m² (gross): %s m² (%s) over.",
				a.Name, m2(m2Of(usableH)), m2(area), ratio, m2(appr), m2(ex), pctEN(p))
		}
		b.set(&f)
		e.add(f)
	}
}
