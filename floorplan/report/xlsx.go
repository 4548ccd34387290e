package report

import (
	"io"

	"officemap/floorplan/exports/cell"
)

// Sheet names of the XLSX workbook.
const (
	SheetFindings   = "超标问题"
	SheetAgencies   = "单位汇总"
	sheetFindingsEN = "Findings"
	sheetAgenciesEN = "Agencies"
)

// SheetNames returns the names of the findings and per-agency sheets for a language.
func SheetNames(lang string) (findings, agencies string) {
	if (Options{Lang: lang}).en() {
		return sheetFindingsEN, sheetAgenciesEN
	}
	return SheetFindings, SheetAgencies
}

// Column widths of the findings and per-agency sheets.
var (
	findingWidths = []float64{30, 24, 10, 28, 12, 18, 12, 12, 12, 11, 12, 16, 40, 60, 38, 38, 38, 50}
	agencyWidths  = []float64{34, 8, 8, 16, 16, 18, 16, 8, 38}
)

// xlsxSink writes the workbook with xlsxWriter, straight to w: the findings sheet row by row as the
// findings come (deflated into the zip as they are written), then the per-agency sheet and the
// workbook's other parts. Numbers are numbers (two decimals shown), ids and names text. An error leaves
// w with the workbook written so far, as the other formats leave their rows.
type xlsxSink struct {
	w  io.Writer
	en bool

	x     *xlsxWriter
	cells []string // a finding's text cells, reused from row to row
}

func (s *xlsxSink) wantsFindings() bool { return true }

// start opens the workbook and writes the findings sheet's notes and header.
func (s *xlsxSink) start(h *head) error {
	s.x = newXLSXWriter(s.w)
	s.cells = make([]string, 0, len(findingWidths))
	return startSheet(s.x, h.Notes, findingWidths, findingHeader(s.en), s.en)
}

// finding writes one finding's row: its text cells (cellText keeps formula-like text text; empty cells
// are left out) and its numbers (area, standard, excess; the percentage to 0.1, or "<0.1" as text where
// 0.0 would hide a breach).
func (s *xlsxSink) finding(r *FindingRow) error {
	c := appendFindingCells(s.cells[:0], r, s.en, false) // cells 6 to 9 blank: numbers below
	s.cells = c
	x := s.x
	x.startRow()
	for k, v := range c {
		switch {
		case k == 6:
			x.number(6, styleNum, r.AreaM2)
		case k == 7 && r.StandardM2 > 0:
			x.number(7, styleNum, r.StandardM2)
			x.number(8, styleNum, r.ExcessM2)
			if p := r.ExcessPct; p > 0 && p < 0.1 && pctCell(p) == "<0.1" {
				x.text(9, styleNone, "<0.1")
			} else {
				x.number(9, stylePct, p)
			}
		case k >= 7 && k <= 9: // no standard: no standard, excess or percentage
		case v != "":
			x.text(k, styleNone, cellText(v))
		}
	}
	x.endRow()
	return x.err
}

// cellText is cell.Text(v) without its number pattern's match where it cannot change v: cell.Text
// returns v as it is unless v starts with = + - @, a tab or a carriage return. v is not empty.
func cellText(v string) string {
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return cell.Text(v)
	}
	return v
}

// finish ends the findings sheet, writes the per-agency sheet (the rows, then their sum in bold) and
// the workbook's other parts.
func (s *xlsxSink) finish(h *head, _ int, agencies []AgencyRow, total AgencyRow) error {
	x := s.x
	if err := x.endSheet(); err != nil {
		return err
	}
	if err := startSheet(x, h.Notes, agencyWidths, agencyHeader(s.en), s.en); err != nil {
		return err
	}
	for i := range agencies {
		agencyXLSXRow(x, &agencies[i], styleNone, styleNum)
	}
	agencyXLSXRow(x, &total, styleBoldNum, styleBoldNum)
	if err := x.endSheet(); err != nil {
		return err
	}
	lang := "zh"
	if s.en {
		lang = "en"
	}
	findings, agencySheet := SheetNames(lang)
	return x.close([]string{findings, agencySheet})
}

// agencyXLSXRow writes a per-agency row: the name in style name, the areas in style area, the counts
// and the id unstyled.
func agencyXLSXRow(x *xlsxWriter, a *AgencyRow, name, area int) {
	x.startRow()
	x.text(0, name, cell.Text(a.Agency))
	x.integer(1, styleNone, a.People)
	x.integer(2, styleNone, a.Rooms)
	x.number(3, area, a.OfficeAreaM2)
	x.number(4, area, a.StandardAreaM2)
	x.number(5, area, a.OfficeSpaceAreaM2)
	x.number(6, area, a.ApprovedAreaM2)
	x.integer(7, styleNone, a.Findings)
	x.text(8, styleNone, idCell(a.AgencyID))
	x.endRow()
}

// close waits for the write in flight, if any (after finish there is none; after an error there may be),
// so that nothing reaches the output once the report has returned. There is no temporary file to remove.
func (s *xlsxSink) close() error {
	if s.x != nil {
		s.x.settle()
	}
	return nil
}

// startSheet opens the next sheet of x with the column widths, writes the notes (one row each) and the
// header below them in bold on grey, and freezes the rows down to the header.
func startSheet(x *xlsxWriter, notes []NoteRow, widths []float64, header []string, en bool) error {
	if err := x.startSheet(xlsxSheet{widths: widths, frozen: len(notes) + 1}); err != nil {
		return err
	}
	for _, n := range notes {
		x.startRow()
		x.text(0, styleNone, cell.Text(noteLine(n, en)))
		x.endRow()
	}
	x.startRow()
	for i, v := range header {
		x.text(i, styleHead, v)
	}
	x.endRow()
	return x.err
}
