package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"officemap/floorplan"
	"officemap/floorplan/exports/cell"
)

// bom is the UTF-8 byte-order mark that makes Excel read a CSV file as UTF-8.
const bom = "\ufeff"

// Write writes the report in format f: JSON (findings, per-agency totals and their sum), CSV (the
// findings, one row each; WriteTotals writes the per-agency CSV), XLSX (two sheets: 超标问题 and
// 单位汇总) or a text table (findings, then totals).
func Write(w io.Writer, rep *floorplan.Report, f Format, opt Options) error {
	doc, err := Build(rep, opt)
	if err != nil {
		return err
	}
	en := opt.en()
	return writeIn(w, f, doc, en, output{
		json: doc,
		csv:  writeFindingsCSV,
		table: func(bw *bufio.Writer) {
			writeFindingsTable(bw, doc, en)
			bw.WriteString("\n")
			writeTotalsTable(bw, doc, en, false) // the notes are above the findings
		},
	})
}

// WriteTotals writes only the per-agency totals (with a total row) in format f; XLSX writes the
// whole workbook as Write does.
func WriteTotals(w io.Writer, rep *floorplan.Report, f Format, opt Options) error {
	opt.Rules = nil
	doc, err := Build(rep, opt)
	if err != nil {
		return err
	}
	en := opt.en()
	return writeIn(w, f, doc, en, output{
		json: struct {
			AsOf     string      `json:"as_of"`
			Notes    []NoteRow   `json:"notes"`
			Agencies []AgencyRow `json:"agencies"`
			Total    AgencyRow   `json:"total"`
		}{doc.AsOf, doc.Notes, doc.Agencies, doc.Total},
		csv:   writeTotalsCSV,
		table: func(bw *bufio.Writer) { writeTotalsTable(bw, doc, en, true) },
	})
}

// output is what Write or WriteTotals writes in the formats but XLSX, which is always the whole workbook.
type output struct {
	json  any                                             // the value encoded as JSON
	csv   func(w io.Writer, doc *Document, en bool) error // writes the CSV file
	table func(bw *bufio.Writer)                          // writes the text table
}

// writeIn writes doc to w in format f as out says; en chooses English headings.
func writeIn(w io.Writer, f Format, doc *Document, en bool, out output) error {
	switch f {
	case JSON:
		return writeJSON(w, out.json)
	case CSV:
		return out.csv(w, doc, en)
	case XLSX:
		return writeXLSX(w, doc, en)
	case Table, "":
		bw := bufio.NewWriter(w)
		out.table(bw)
		return flush(bw)
	}
	return floorplan.Invalidf("format %q is not one of table, csv, json, xlsx", string(f))
}

func flush(bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: writing: %w", err)
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("report: writing JSON: %w", err)
	}
	return nil
}

// m2 formats an area; pctCell a percentage; both blank where the number does not apply.
func m2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// pctCell prints a percentage to 0.1; a positive percentage that would print as 0.0 prints as "<0.1", so
// that a breach never shows as 0.0 %.
func pctCell(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if s == "0.0" && v > 0 {
		return "<0.1"
	}
	return s
}

// findingCells are a finding's cells in findingHeader's order. The standard, excess and percentage
// are blank for findings with no standard (idle rooms, merged agencies, notices).
func findingCells(r *FindingRow, en bool) []string {
	std, ex, pct := "", "", ""
	if r.StandardM2 > 0 {
		std, ex, pct = m2(r.StandardM2), m2(r.ExcessM2), pctCell(r.ExcessPct)
	}
	return []string{r.RuleID, r.Rule, severity(r.Severity, en), r.Agency, r.Person, roomsList(r.Rooms, en),
		m2(r.AreaM2), std, ex, pct, r.Deadline, r.Action, r.Source, r.Message,
		idCell(r.AgencyID), idCell(r.PersonID), idsCell(r.RoomIDs), r.Basis}
}

// writeNotesCSV writes each note as a record before the header, its text in the first field and the
// others empty, so that the file stays rectangular.
func writeNotesCSV(cw *csv.Writer, doc *Document, width int, en bool) {
	for _, n := range doc.Notes {
		rec := make([]string, width)
		rec[0] = cell.Text(noteLine(n, en))
		cw.Write(rec)
	}
}

func agencyCells(a *AgencyRow) []string {
	return []string{a.Agency, strconv.Itoa(a.People), strconv.Itoa(a.Rooms), m2(a.OfficeAreaM2),
		m2(a.StandardAreaM2), m2(a.OfficeSpaceAreaM2), m2(a.ApprovedAreaM2), strconv.Itoa(a.Findings),
		idCell(a.AgencyID)}
}

func writeFindingsCSV(w io.Writer, doc *Document, en bool) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(bom)
	cw := csv.NewWriter(bw)
	writeNotesCSV(cw, doc, len(findingHeader(en)), en)
	cw.Write(findingHeader(en))
	for i := range doc.Findings {
		cw.Write(cell.Row(findingCells(&doc.Findings[i], en)))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: writing CSV: %w", err)
	}
	return flush(bw)
}

func writeTotalsCSV(w io.Writer, doc *Document, en bool) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(bom)
	cw := csv.NewWriter(bw)
	writeNotesCSV(cw, doc, len(agencyHeader(en)), en)
	cw.Write(agencyHeader(en))
	for i := range doc.Agencies {
		cw.Write(cell.Row(agencyCells(&doc.Agencies[i])))
	}
	cw.Write(cell.Row(agencyCells(&doc.Total)))
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: writing CSV: %w", err)
	}
	return flush(bw)
}

// The text table: fixed-width columns measured in terminal cells (a Chinese character takes two).

// cellWidth is the number of terminal columns s takes.
func cellWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// truncate cuts s to at most max columns, ending with "…" when cut.
func truncate(s string, max int) string {
	if cellWidth(s) <= max {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		rw := cellWidth(string(r))
		if n+rw > max-1 {
			break
		}
		b.WriteRune(r)
		n += rw
	}
	b.WriteString("…")
	return b.String()
}

// table writes rows with the columns padded to their widest cell (capped per column; 0 is no cap).
// Numeric columns are right-aligned. The last column is never padded.
func table(w *bufio.Writer, header []string, rows [][]string, caps []int, numeric []bool) {
	widths := make([]int, len(header))
	fit := func(i int, s string) string {
		if caps[i] > 0 {
			return truncate(s, caps[i])
		}
		return s
	}
	for i, h := range header {
		widths[i] = cellWidth(fit(i, h))
	}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], cellWidth(fit(i, c)))
		}
	}
	line := func(cells []string) {
		for i, c := range cells {
			c = fit(i, c)
			pad := strings.Repeat(" ", widths[i]-cellWidth(c))
			last := i == len(cells)-1
			switch {
			case numeric[i]:
				w.WriteString(pad + c)
			case last:
				w.WriteString(c)
			default:
				w.WriteString(c + pad)
			}
			if !last {
				w.WriteString("  ")
			}
		}
		w.WriteString("\n")
	}
	line(header)
	rule := make([]string, len(header))
	for i := range rule {
		rule[i] = strings.Repeat("-", widths[i])
		if i == len(rule)-1 && !numeric[i] {
			rule[i] = strings.Repeat("-", min(widths[i], 40)) // a long last column wraps anyway
		}
	}
	line(rule)
	for _, r := range rows {
		line(r)
	}
}

func writeFindingsTable(w *bufio.Writer, doc *Document, en bool) {
	title := fmt.Sprintf("督查问题（截至 %s）：%d 条", doc.AsOf, len(doc.Findings))
	header := []string{"规则", "严重程度", "使用单位", "人员", "房间", "面积", "标准", "超标", "超标%", "期限", "说明"}
	if en {
		title = fmt.Sprintf("Findings as of %s: %d", doc.AsOf, len(doc.Findings))
		header = []string{"Rule", "Severity", "Agency", "Person", "Rooms", "Area", "Standard", "Excess", "Excess %", "Deadline", "Finding"}
	}
	w.WriteString(title + "\n\n")
	writeNotesTable(w, doc, en)
	rows := make([][]string, len(doc.Findings))
	for i := range doc.Findings {
		c := findingCells(&doc.Findings[i], en)
		msg := c[13]
		if b := doc.Findings[i].Basis; b != "" { // the policy choices after the sentence
			if en {
				msg += " [" + b + "]"
			} else {
				msg += "【" + b + "】"
			}
		}
		rows[i] = []string{c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], msg}
	}
	table(w, header, rows, []int{24, 10, 24, 12, 20, 0, 0, 0, 0, 0, 0},
		[]bool{false, false, false, false, false, true, true, true, true, false, false})
}

func writeTotalsTable(w *bufio.Writer, doc *Document, en, notes bool) {
	title := "单位汇总"
	header := agencyHeader(en)[:8]
	if en {
		title = "Totals by agency"
	}
	w.WriteString(title + "\n\n")
	if notes {
		writeNotesTable(w, doc, en)
	}
	rows := make([][]string, 0, len(doc.Agencies)+1)
	for i := range doc.Agencies {
		rows = append(rows, agencyCells(&doc.Agencies[i])[:8])
	}
	rows = append(rows, agencyCells(&doc.Total)[:8])
	table(w, header, rows, []int{30, 0, 0, 0, 0, 0, 0, 0},
		[]bool{false, true, true, true, true, true, true, true})
}

// writeNotesTable writes the notes, one line each and a blank line after them, before a table.
func writeNotesTable(w *bufio.Writer, doc *Document, en bool) {
	for _, n := range doc.Notes {
		w.WriteString(noteLine(n, en) + "\n")
	}
	if len(doc.Notes) > 0 {
		w.WriteString("\n")
	}
}
