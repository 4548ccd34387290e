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
// 单位汇总) or a text table (findings, then totals). It is Stream over the whole report (Whole).
func Write(w io.Writer, rep *floorplan.Report, f Format, opt Options) error {
	if rep == nil {
		return fmt.Errorf("report: %w: no report", floorplan.ErrInvalid)
	}
	return Stream(w, rep.AsOf, Whole(rep), f, opt)
}

// WriteTotals writes only the per-agency totals (with a total row) in format f; XLSX writes the
// whole workbook as Write does. It is StreamTotals over the whole report.
func WriteTotals(w io.Writer, rep *floorplan.Report, f Format, opt Options) error {
	if rep == nil {
		return fmt.Errorf("report: %w: no report", floorplan.ErrInvalid)
	}
	return StreamTotals(w, rep.AsOf, Whole(rep), f, opt)
}

func flush(bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: writing: %w", err)
	}
	return nil
}

// jsonSink writes the Document (or, for totals, the document without its findings) as json.Encoder
// with a two-space indent writes it, one finding at a time. The rows are appended by hand (jsonrow.go)
// into buf, reused from row to row: MarshalIndent's reflection and re-indenting were most of the time
// of a large report.
type jsonSink struct {
	bw     *bufio.Writer
	totals bool
	n      int    // findings written
	buf    []byte // the row being written
}

func newJSONSink(w io.Writer, totals bool) *jsonSink {
	return &jsonSink{bw: bufio.NewWriterSize(w, 64<<10), totals: totals}
}

func (s *jsonSink) wantsFindings() bool { return !s.totals }

// member writes `,\n  "name": ` and v indented as a member of the document (first: without the comma).
func (s *jsonSink) member(name string, v any, first bool) error {
	b, err := json.MarshalIndent(v, "  ", "  ")
	if err != nil {
		return fmt.Errorf("report: writing JSON: %w", err)
	}
	return s.memberBytes(name, b, first)
}

// memberBytes writes `,\n  "name": ` and b, a value already indented as a member of the document.
func (s *jsonSink) memberBytes(name string, b []byte, first bool) error {
	if !first {
		s.bw.WriteString(",")
	}
	s.bw.WriteString("\n  \"" + name + "\": ")
	_, err := s.bw.Write(b)
	return err
}

func (s *jsonSink) start(h *head) error {
	s.bw.WriteString("{")
	if err := s.member("as_of", h.AsOf, true); err != nil {
		return err
	}
	if err := s.member("notes", h.Notes, false); err != nil {
		return err
	}
	if !s.totals {
		s.bw.WriteString(",\n  \"findings\": [")
	}
	return nil
}

// finding writes r as an element of the findings array: as json.MarshalIndent(r, "    ", "  ") would,
// after a comma but for the first and a line break.
func (s *jsonSink) finding(r *FindingRow) error {
	b := s.buf[:0]
	if s.n > 0 {
		b = append(b, ',')
	}
	b = append(b, "\n    "...)
	b, err := appendFinding(b, r, "    ")
	s.buf = b
	if err != nil {
		return fmt.Errorf("report: writing JSON: finding %s of %s: %w", r.RuleID, r.SubjectID, err)
	}
	s.n++
	if _, err := s.bw.Write(b); err != nil {
		return fmt.Errorf("report: writing JSON: %w", err)
	}
	return nil
}

func (s *jsonSink) finish(_ *head, _ int, agencies []AgencyRow, total AgencyRow) error {
	if !s.totals {
		if s.n > 0 {
			s.bw.WriteString("\n  ")
		}
		s.bw.WriteString("]")
	}
	b, err := appendAgencies(s.buf[:0], agencies, "  ")
	if err != nil {
		return fmt.Errorf("report: writing JSON: agencies: %w", err)
	}
	if err := s.memberBytes("agencies", b, false); err != nil {
		return err
	}
	if b, err = appendAgency(b[:0], &total, "  "); err != nil {
		return fmt.Errorf("report: writing JSON: total: %w", err)
	}
	s.buf = b
	if err := s.memberBytes("total", b, false); err != nil {
		return err
	}
	s.bw.WriteString("\n}\n")
	return flush(s.bw)
}

func (s *jsonSink) close() error { return nil }

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
	return appendFindingCells(nil, r, en, true)
}

// appendFindingCells appends findingCells(r, en) to dst; without numbers, the area, standard, excess and
// percentage (cells 6 to 9, which XLSX writes as numbers) are left blank, not formatted.
func appendFindingCells(dst []string, r *FindingRow, en, numbers bool) []string {
	area, std, ex, pct := "", "", "", ""
	if numbers {
		area = m2(r.AreaM2)
		if r.StandardM2 > 0 {
			std, ex, pct = m2(r.StandardM2), m2(r.ExcessM2), pctCell(r.ExcessPct)
		}
	}
	return append(dst, r.RuleID, r.Rule, severity(r.Severity, en), r.Agency, r.Person, roomsList(r.Rooms, en),
		area, std, ex, pct, r.Deadline, r.Action, r.Source, r.Message,
		idCell(r.AgencyID), idCell(r.PersonID), idsCell(r.RoomIDs), r.Basis)
}

// writeNotesCSV writes each note as a record before the header, its text in the first field and the
// others empty, so that the file stays rectangular.
func writeNotesCSV(cw *csv.Writer, notes []NoteRow, width int, en bool) {
	for _, n := range notes {
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

// csvSink writes the findings (or, for totals, the per-agency rows and their sum) as CSV: a byte-order
// mark, the notes, the header, the rows.
type csvSink struct {
	bw     *bufio.Writer
	cw     *csv.Writer
	en     bool
	totals bool
}

func newCSVSink(w io.Writer, en, totals bool) *csvSink {
	bw := bufio.NewWriterSize(w, 64<<10)
	return &csvSink{bw: bw, cw: csv.NewWriter(bw), en: en, totals: totals}
}

func (s *csvSink) wantsFindings() bool { return !s.totals }

func (s *csvSink) start(h *head) error {
	header := findingHeader(s.en)
	if s.totals {
		header = agencyHeader(s.en)
	}
	s.bw.WriteString(bom)
	writeNotesCSV(s.cw, h.Notes, len(header), s.en)
	if err := s.cw.Write(header); err != nil {
		return fmt.Errorf("report: writing CSV: %w", err)
	}
	return nil
}

// write writes one record (its cells neutralised: cell.Row); an error is the writer's.
func (s *csvSink) write(rec []string) error {
	if err := s.cw.Write(cell.Row(rec)); err != nil {
		return fmt.Errorf("report: writing CSV: %w", err)
	}
	return nil
}

func (s *csvSink) finding(r *FindingRow) error { return s.write(findingCells(r, s.en)) }

func (s *csvSink) finish(_ *head, _ int, agencies []AgencyRow, total AgencyRow) error {
	if s.totals {
		for i := range agencies {
			if err := s.write(agencyCells(&agencies[i])); err != nil {
				return err
			}
		}
		if err := s.write(agencyCells(&total)); err != nil {
			return err
		}
	}
	s.cw.Flush()
	if err := s.cw.Error(); err != nil {
		return fmt.Errorf("report: writing CSV: %w", err)
	}
	return flush(s.bw)
}

func (s *csvSink) close() error { return nil }

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

// columns lays out a fixed-width table: the columns padded to their widest cell (capped per column; 0
// is no cap), numeric ones right-aligned, the last never padded. add measures every row first; line
// then writes them.
type columns struct {
	header  []string
	caps    []int
	numeric []bool
	widths  []int
}

func newColumns(header []string, caps []int, numeric []bool) *columns {
	c := &columns{header: header, caps: caps, numeric: numeric, widths: make([]int, len(header))}
	c.add(header)
	return c
}

func (c *columns) fit(i int, s string) string {
	if c.caps[i] > 0 {
		return truncate(s, c.caps[i])
	}
	return s
}

// add widens the columns to the cells of row.
func (c *columns) add(row []string) {
	for i, s := range row {
		c.widths[i] = max(c.widths[i], cellWidth(c.fit(i, s)))
	}
}

// line writes one row, padded.
func (c *columns) line(w *bufio.Writer, cells []string) {
	for i, s := range cells {
		s = c.fit(i, s)
		pad := strings.Repeat(" ", c.widths[i]-cellWidth(s))
		last := i == len(cells)-1
		switch {
		case c.numeric[i]:
			w.WriteString(pad + s)
		case last:
			w.WriteString(s)
		default:
			w.WriteString(s + pad)
		}
		if !last {
			w.WriteString("  ")
		}
	}
	w.WriteString("\n")
}

// top writes the header and the rule under it.
func (c *columns) top(w *bufio.Writer) {
	c.line(w, c.header)
	rule := make([]string, len(c.header))
	for i := range rule {
		rule[i] = strings.Repeat("-", c.widths[i])
		if i == len(rule)-1 && !c.numeric[i] {
			rule[i] = strings.Repeat("-", min(c.widths[i], 40)) // a long last column wraps anyway
		}
	}
	c.line(w, rule)
}

// findingColumns are the columns of the findings table.
func findingColumns(en bool) *columns {
	header := []string{"规则", "严重程度", "使用单位", "人员", "房间", "面积", "标准", "超标", "超标%", "期限", "说明"}
	if en {
		header = []string{"Rule", "Severity", "Agency", "Person", "Rooms", "Area", "Standard", "Excess", "Excess %", "Deadline", "Finding"}
	}
	return newColumns(header, []int{24, 10, 24, 12, 20, 0, 0, 0, 0, 0, 0},
		[]bool{false, false, false, false, false, true, true, true, true, false, false})
}

// findingTableCells are the cells of a finding in the table: findingCells' shown ones, the policy basis
// after the sentence.
func findingTableCells(r *FindingRow, en bool) []string {
	c := findingCells(r, en)
	msg := c[13]
	if r.Basis != "" {
		if en {
			msg += " [" + r.Basis + "]"
		} else {
			msg += "【" + r.Basis + "】"
		}
	}
	return []string{c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], msg}
}

// tableSink writes the text table: the findings (spooled: the column widths and the count in the title
// need every row), then the per-agency totals; or the totals alone.
type tableSink struct {
	w      io.Writer
	en     bool
	totals bool
	cols   *columns
	rows   spool
}

func (s *tableSink) wantsFindings() bool { return !s.totals }

func (s *tableSink) start(*head) error {
	s.cols = findingColumns(s.en)
	return nil
}

func (s *tableSink) finding(r *FindingRow) error {
	c := findingTableCells(r, s.en)
	s.cols.add(c)
	return s.rows.add(c)
}

func (s *tableSink) finish(h *head, findings int, agencies []AgencyRow, total AgencyRow) error {
	bw := bufio.NewWriterSize(s.w, 64<<10)
	if !s.totals {
		title := fmt.Sprintf("督查问题（截至 %s）：%d 条", h.AsOf, findings)
		if s.en {
			title = fmt.Sprintf("Findings as of %s: %d", h.AsOf, findings)
		}
		bw.WriteString(title + "\n\n")
		writeNotesTable(bw, h.Notes, s.en)
		s.cols.top(bw)
		if err := s.rows.each(func(row []string) error {
			s.cols.line(bw, row)
			return nil
		}); err != nil {
			return err
		}
		bw.WriteString("\n")
	}
	writeTotalsTable(bw, h, agencies, total, s.en, s.totals) // the notes are above the findings
	return flush(bw)
}

func (s *tableSink) close() error { return s.rows.close() }

func writeTotalsTable(w *bufio.Writer, h *head, agencies []AgencyRow, total AgencyRow, en, notes bool) {
	title := "单位汇总"
	if en {
		title = "Totals by agency"
	}
	w.WriteString(title + "\n\n")
	if notes {
		writeNotesTable(w, h.Notes, en)
	}
	cols := newColumns(agencyHeader(en)[:8], []int{30, 0, 0, 0, 0, 0, 0, 0},
		[]bool{false, true, true, true, true, true, true, true})
	rows := make([][]string, 0, len(agencies)+1)
	for i := range agencies {
		rows = append(rows, agencyCells(&agencies[i])[:8])
	}
	rows = append(rows, agencyCells(&total)[:8])
	for _, r := range rows {
		cols.add(r)
	}
	cols.top(w)
	for _, r := range rows {
		cols.line(w, r)
	}
}

// writeNotesTable writes the notes, one line each and a blank line after them, before a table.
func writeNotesTable(w *bufio.Writer, notes []NoteRow, en bool) {
	for _, n := range notes {
		w.WriteString(noteLine(n, en) + "\n")
	}
	if len(notes) > 0 {
		w.WriteString("\n")
	}
}
