package api

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
	"officemap/floorplan/exports/cell"
	"officemap/floorplan/pdfdoc"
)

// The results of inspections as documents: an XLSX workbook of five sheets (the totals, by checklist
// point, by agency, by district, the item list), headers zh or en, numbers as numbers and text neutralised
// against formulas; and a PDF in the layout of an inspection report (办公用房监督检查情况报告).

// resultsReportTitle is the title of the PDF report.
const resultsReportTitle = "办公用房监督检查情况报告"

// resultKindNames names the kinds of plan, zh and en.
var resultKindNames = map[floorplan.InspectionKind][2]string{
	floorplan.InspectAnnual: {"年度督查", "annual"}, floorplan.InspectSpecial: {"专项督查", "special"},
	floorplan.InspectKey: {"重点督查", "key"}, floorplan.InspectFollowUp: {"回头看", "follow-up"},
}

// resultStateNames names the states of an item, zh and en.
var resultStateNames = map[string][2]string{
	floorplan.ItemOpen: {"待下发通知", "open"}, floorplan.ItemNotified: {"已下发通知", "notified"},
	floorplan.ItemAnswered: {"单位已反馈", "answered"}, floorplan.ItemFixed: {"已整改", "fixed"},
	floorplan.ItemNotFixed: {"未整改", "not fixed"}, floorplan.ItemReferred: {"已移交纪检监察", "referred"},
}

// inZhOrEn returns the zh or en of a pair.
func inZhOrEn(pair [2]string, en bool) string {
	if en {
		return pair[1]
	}
	return pair[0]
}

// resultCountHeaders are the headers of the counts' columns.
func resultCountHeaders(en bool) []any {
	if en {
		return []any{"Items", "Open", "Notified", "Answered", "Fixed", "Not fixed", "Referred", "Overdue", "Due", "Rectification rate (%)"}
	}
	return []any{"问题数", "待下发通知", "已下发通知", "已反馈", "已整改", "未整改", "已移交", "逾期", "应整改（到期）", "整改率（%）"}
}

// resultCountCells are the counts of c as numbers (the rate blank while nothing is due).
func resultCountCells(c floorplan.ResultCounts) []any {
	var rate any = ""
	if c.Rate != nil {
		rate = *c.Rate
	}
	return []any{c.Items, c.Open, c.Notified, c.Answered, c.Fixed, c.NotFixed, c.Referred, c.Overdue, c.Due, rate}
}

// inspectionResultSheets are the sheets' names.
func inspectionResultSheets(en bool) []string {
	if en {
		return []string{"Summary", "By point", "By agency", "By district", "Items"}
	}
	return []string{"汇总", "按检查要点", "按单位", "按辖区", "问题清单"}
}

// inspectionResultsWorkbook writes the results as a workbook.
func inspectionResultsWorkbook(buf *bytes.Buffer, out inspectionResultsJSON, listed []resultPlanItems, d inspectionResultsData, en bool) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	names := inspectionResultSheets(en)
	if err := f.SetSheetName("Sheet1", names[0]); err != nil {
		return err
	}
	for _, n := range names[1:] {
		if _, err := f.NewSheet(n); err != nil {
			return err
		}
	}
	l := func(zh, e string) string { return inZhOrEn([2]string{zh, e}, en) }
	sheets := [][][]any{resultSummaryRows(out, en), {append([]any{l("要点编号", "Code"), l("层面", "Layer"), l("检查要点", "Point")}, resultCountHeaders(en)...)},
		{append([]any{l("使用单位", "Agency"), l("辖区", "District")}, resultCountHeaders(en)...)},
		{append([]any{l("辖区", "District"), l("检查单位数", "Agencies checked")}, resultCountHeaders(en)...)},
		{{l("督查计划", "Plan"), l("使用单位", "Agency"), l("检查要点", "Point"), l("问题", "Finding"), l("整改期限", "Deadline"),
			l("状态", "State"), l("反馈日期", "Answered"), l("核查结果", "Verification"), l("移交", "Referral")}}}
	for _, p := range out.ByPoint {
		text := p.Text
		if en {
			text = p.TextEN
		}
		sheets[1] = append(sheets[1], append([]any{p.Code, inZhOrEn(checklistLayerNames[p.Layer], en), text}, resultCountCells(p.ResultCounts)...))
	}
	for _, a := range out.ByAgency {
		sheets[2] = append(sheets[2], append([]any{a.Name, a.District}, resultCountCells(a.ResultCounts)...))
	}
	for _, dr := range out.ByDistrict {
		sheets[3] = append(sheets[3], append([]any{dr.Name, dr.Agencies}, resultCountCells(dr.ResultCounts)...))
	}
	agencies := d.agencyNames()
	for _, pi := range listed {
		for _, it := range pi.items {
			sheets[4] = append(sheets[4], resultItemRow(pi.plan, it, agencies, d.names, en))
		}
	}
	for i, rows := range sheets {
		for j, row := range rows {
			for k, v := range row {
				if s, ok := v.(string); ok {
					row[k] = cell.Text(s)
				}
			}
			at, _ := excelize.CoordinatesToCellName(1, j+1)
			if err := f.SetSheetRow(names[i], at, &row); err != nil {
				return err
			}
		}
	}
	return f.Write(buf)
}

// checklistLayerNames names the checklist's layers, zh and en.
var checklistLayerNames = map[string][2]string{floorplan.LayerAgency: {"单位层面", "agency"}, floorplan.LayerLeader: {"领导干部层面", "leader"}}

// resultSummaryRows are the rows of the summary sheet: label, value.
func resultSummaryRows(out inspectionResultsJSON, en bool) [][]any {
	l := func(zh, e string) string { return inZhOrEn([2]string{zh, e}, en) }
	titles := make([]string, len(out.Plans))
	for i, p := range out.Plans {
		titles[i] = p.Title
	}
	c := out.Totals
	rows := [][]any{{l("项目", "Item"), l("数值", "Value")}, {l("督查计划", "Plans"), strings.Join(titles, "；")},
		{l("统计日期", "As of"), out.AsOf.Format(floorplan.DateLayout)}, {l("检查单位数", "Agencies checked"), out.Agencies}}
	for i, h := range resultCountHeaders(en) {
		rows = append(rows, []any{h, resultCountCells(c)[i]})
	}
	if fu := out.FollowUp; fu != nil {
		rows = append(rows, []any{l("原计划问题数", "Items of the followed plan"), fu.Totals.Original},
			[]any{l("回头看前已整改", "Fixed before the follow-up"), fu.Totals.FixedBefore},
			[]any{l("复查问题数", "Items checked again"), fu.Totals.Followed},
			[]any{l("复查后已整改", "Rectified since"), fu.Totals.RectifiedSince},
			[]any{l("仍未整改", "Still open"), fu.Totals.StillOpen})
	}
	return rows
}

// resultItemRow is item it of plan p as a row of the item list: the finding's sentence without the person's
// name unless names may be shown.
func resultItemRow(p floorplan.Inspection, it floorplan.InspectionItem, agencies map[uuid.UUID]string, names, en bool) []any {
	agency := floorplan.NoAgencyName
	if n, ok := agencies[it.AgencyID]; ok {
		agency = n
	}
	point := it.PointCode
	if pt, ok := p.Checklist.Point(it.PointCode); ok {
		point += " " + inZhOrEn([2]string{pt.Text, pt.TextEN}, en)
	}
	finding := it.Notes
	if it.Finding != nil {
		finding = inZhOrEn([2]string{it.Finding.Message, it.Finding.MessageEN}, en)
	}
	deadline := ""
	if !it.Deadline.IsZero() {
		deadline = it.Deadline.Format(floorplan.DateLayout)
	}
	var answered, verified, referred string
	for _, a := range it.Trail {
		day := a.At.Format(floorplan.DateLayout)
		switch a.Action {
		case floorplan.ItemAnswer:
			answered = day
		case floorplan.ItemVerify:
			verified = inZhOrEn(resultStateNames[a.To], en) + " " + day
		case floorplan.ItemRefer:
			referred = day + " " + a.Comment
		}
	}
	return []any{p.Title, agency, point, withoutName(finding, it.PersonName, names), deadline, inZhOrEn(resultStateNames[it.State], en),
		answered, verified, withoutName(referred, it.PersonName, names)}
}

// rectificationRateText is a rectification rate as the report prints it.
func rectificationRateText(r *float64) string {
	if r == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", *r)
}

// inspectionTotalsSentence is the totals in words, zh and en.
func inspectionTotalsSentence(out inspectionResultsJSON) (string, string) {
	c := out.Totals
	rate, rateEN := rectificationRateText(c.Rate), rectificationRateText(c.Rate)
	if c.Rate == nil {
		rate, rateEN = "暂无（尚无到期事项）", "none yet (nothing due)"
	}
	return fmt.Sprintf("共检查%d家单位，发现问题%d个，已整改%d个，整改率%s，逾期%d个，移交%d个。",
			out.Agencies, c.Items, c.Fixed, rate, c.Overdue, c.Referred),
		fmt.Sprintf("%d agencies checked, %d problems found, %d fixed, rectification rate %s, %d overdue, %d referred.",
			out.Agencies, c.Items, c.Fixed, rateEN, c.Overdue, c.Referred)
}

// inspectionResultsPDF writes the results as an inspection report.
func inspectionResultsPDF(font *pdfdoc.Font, out inspectionResultsJSON, now time.Time) ([]byte, error) {
	asOf := out.AsOf.Format(floorplan.DateLayout)
	d := pdfdoc.New(font, pdfdoc.Options{Title: resultsReportTitle, Subject: "督查情况报告 inspection report", Author: "officemap",
		Footer: "统计日期 As of " + asOf, Date: now})
	d.Title(resultsReportTitle, "Report on the inspection of office space")
	d.KeyValues(inspectionResultsSummary(out))
	d.Heading("总体情况 Summary")
	zh, en := inspectionTotalsSentence(out)
	d.Paragraph(zh)
	d.Small(en)
	if fu := out.FollowUp; fu != nil {
		d.Heading("回头看 Follow-up")
		t := fu.Totals
		d.Paragraph(fmt.Sprintf("原计划发现问题%d个，回头看前已整改%d个；本次复查%d个，复查后已整改%d个，仍未整改%d个。",
			t.Original, t.FixedBefore, t.Followed, t.RectifiedSince, t.StillOpen))
		d.Small(fmt.Sprintf("The followed plan found %d problems, %d fixed before the follow-up; %d checked again, %d rectified since, %d still open.",
			t.Original, t.FixedBefore, t.Followed, t.RectifiedSince, t.StillOpen))
	}
	d.Heading("按检查要点 By checklist point")
	byPoint := pdfdoc.Table{Columns: append([]pdfdoc.Column{{Title: "要点 Code", Width: 18}, {Title: "检查要点 Point"}}, resultCountColumns()...)}
	for _, p := range out.ByPoint {
		byPoint.Rows = append(byPoint.Rows, append([]string{p.Code, p.Text}, resultCountTexts(p.ResultCounts)...))
	}
	byPoint.Foot = append([]string{"", "合计 Total"}, resultCountTexts(out.Totals)...)
	d.Table(byPoint)
	d.Heading("按单位 By agency")
	byAgency := pdfdoc.Table{Columns: append([]pdfdoc.Column{{Title: "使用单位 Agency"}, {Title: "辖区 District", Width: 28}}, resultCountColumns()...)}
	for _, a := range out.ByAgency {
		byAgency.Rows = append(byAgency.Rows, append([]string{a.Name, a.District}, resultCountTexts(a.ResultCounts)...))
	}
	byAgency.Foot = append([]string{"合计 Total", ""}, resultCountTexts(out.Totals)...)
	d.Table(byAgency)
	d.Heading("按辖区 By district")
	byDistrict := pdfdoc.Table{Columns: append([]pdfdoc.Column{{Title: "辖区 District"}, {Title: "单位 Agencies", Width: 22, Align: pdfdoc.Right}}, resultCountColumns()...)}
	for _, r := range out.ByDistrict {
		byDistrict.Rows = append(byDistrict.Rows, append([]string{r.Name, fmt.Sprint(r.Agencies)}, resultCountTexts(r.ResultCounts)...))
	}
	d.Table(byDistrict)
	d.Small("整改率 = 已整改 ÷ 应整改（已整改 + 已移交 + 逾期）。Rectification rate = fixed ÷ due (fixed + referred + overdue).")
	return d.Bytes()
}

// inspectionResultsSummary is the report's summary: the plan (kind, scope, period, team, as_of), or the year, kind
// and plans across plans.
func inspectionResultsSummary(out inspectionResultsJSON) []pdfdoc.KV {
	asOf := out.AsOf.Format(floorplan.DateLayout)
	if out.Year == 0 && len(out.Plans) == 1 {
		p := out.Plans[0]
		return []pdfdoc.KV{{Key: "督查计划 Plan", Value: p.Title},
			{Key: "督查类型 Kind", Value: inspectionKindText(p.Kind)},
			{Key: "检查范围 Scope", Value: p.Scope},
			{Key: "检查期间 Period", Value: p.PeriodFrom.Format(floorplan.DateLayout) + " 至 " + p.PeriodTo.Format(floorplan.DateLayout)},
			{Key: "督查组 Team", Value: fmt.Sprintf("%d 人 inspectors", p.Team)},
			{Key: "基准日 As of", Value: p.AsOf.Format(floorplan.DateLayout)},
			{Key: "统计日期 States as of", Value: asOf}}
	}
	kind := "全部（不含回头看）all but follow-ups"
	if out.Kind != "" {
		kind = inspectionKindText(out.Kind)
	}
	titles := make([]string, len(out.Plans))
	teams := 0
	for i, p := range out.Plans {
		titles[i] = p.Title
		teams += p.Team
	}
	return []pdfdoc.KV{{Key: "年度 Year", Value: fmt.Sprint(out.Year)}, {Key: "督查类型 Kind", Value: kind},
		{Key: "督查计划 Plans", Value: fmt.Sprintf("%d 个 plans：%s", len(out.Plans), strings.Join(titles, "；"))},
		{Key: "督查组 Team", Value: fmt.Sprintf("%d 人次 inspectors", teams)},
		{Key: "统计日期 States as of", Value: asOf}}
}

// inspectionKindText names kind, zh and en.
func inspectionKindText(kind floorplan.InspectionKind) string {
	n := resultKindNames[kind]
	return n[0] + " " + n[1]
}

// resultCountColumns are the report's count columns.
func resultCountColumns() []pdfdoc.Column {
	return []pdfdoc.Column{{Title: "问题 Items", Width: 16, Align: pdfdoc.Right}, {Title: "已整改 Fixed", Width: 17, Align: pdfdoc.Right},
		{Title: "逾期 Overdue", Width: 17, Align: pdfdoc.Right}, {Title: "移交 Referred", Width: 17, Align: pdfdoc.Right},
		{Title: "整改率 Rate", Width: 18, Align: pdfdoc.Right}}
}

// resultCountTexts are the report's counts of c.
func resultCountTexts(c floorplan.ResultCounts) []string {
	return []string{fmt.Sprint(c.Items), fmt.Sprint(c.Fixed), fmt.Sprint(c.Overdue), fmt.Sprint(c.Referred), rectificationRateText(c.Rate)}
}
