package report

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

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

// xlsxSink writes the workbook with excelize's streaming writers: the findings sheet row by row as the
// findings come (excelize keeps the sheet in a temporary file past 16 MB), then the per-agency sheet. The
// zip is put together in memory at the end (excelize's File.WriteTo): its size, compressed, not the
// rows'. Numbers are numbers (two decimals shown), ids and names text.
type xlsxSink struct {
	w  io.Writer
	en bool

	f                    *excelize.File
	sw                   *excelize.StreamWriter
	head, num, pct, bold int
	findingsName, agName string
	top, rows            int // note rows above the findings' header; findings written
	row                  []any
}

func (s *xlsxSink) wantsFindings() bool { return true }

func xlsxErr(err error) error { return fmt.Errorf("report: XLSX: %w", err) }

// start makes the workbook, its styles and sheets, and writes the findings sheet's notes and header.
func (s *xlsxSink) start(h *head) error {
	s.f = excelize.NewFile()
	lang := "zh"
	if s.en {
		lang = "en"
	}
	s.findingsName, s.agName = SheetNames(lang)
	if err := s.f.SetSheetName("Sheet1", s.findingsName); err != nil {
		return xlsxErr(err)
	}
	if _, err := s.f.NewSheet(s.agName); err != nil {
		return xlsxErr(err)
	}
	var err error
	styles := []struct {
		id    *int
		style *excelize.Style
	}{
		{&s.head, &excelize.Style{Font: &excelize.Font{Bold: true},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#EDEDED"}}}},
		{&s.num, &excelize.Style{NumFmt: 2}}, // 0.00
		{&s.pct, &excelize.Style{CustomNumFmt: ptr("0.0")}},
		{&s.bold, &excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 2}},
	}
	for _, st := range styles {
		if *st.id, err = s.f.NewStyle(st.style); err != nil {
			return xlsxErr(err)
		}
	}
	if s.sw, err = s.f.NewStreamWriter(s.findingsName); err != nil {
		return xlsxErr(err)
	}
	widths := []float64{30, 24, 10, 28, 12, 18, 12, 12, 12, 11, 12, 16, 40, 60, 38, 38, 38, 50}
	s.row = make([]any, len(widths))
	s.top, err = startSheet(s.sw, h.Notes, widths, findingHeader(s.en), s.head, s.en)
	return err
}

// finding writes one finding's row.
func (s *xlsxSink) finding(r *FindingRow) error {
	c := findingCells(r, s.en)
	row := s.row
	for k := range c {
		if c[k] == "" {
			row[k] = nil // an empty cell, not an empty string
		} else {
			row[k] = cell.Text(c[k]) // text that starts like a formula stays text
		}
	}
	row[6] = excelize.Cell{StyleID: s.num, Value: r.AreaM2}
	if r.StandardM2 > 0 {
		row[7] = excelize.Cell{StyleID: s.num, Value: r.StandardM2}
		row[8] = excelize.Cell{StyleID: s.num, Value: r.ExcessM2}
		row[9] = excelize.Cell{StyleID: s.pct, Value: r.ExcessPct}
		if c[9] == "<0.1" { // a breach that 0.0 would hide
			row[9] = c[9]
		}
	}
	at, _ := excelize.CoordinatesToCellName(1, s.top+s.rows+2)
	s.rows++
	if err := s.sw.SetRow(at, row); err != nil {
		return xlsxErr(err)
	}
	return nil
}

// finish ends the findings sheet, writes the per-agency sheet (the rows, then their sum in bold) and
// the workbook to w.
func (s *xlsxSink) finish(h *head, _ int, agencies []AgencyRow, total AgencyRow) error {
	if err := s.sw.Flush(); err != nil {
		return xlsxErr(err)
	}
	sw, err := s.f.NewStreamWriter(s.agName)
	if err != nil {
		return xlsxErr(err)
	}
	top, err := startSheet(sw, h.Notes, []float64{34, 8, 8, 16, 16, 18, 16, 8, 38}, agencyHeader(s.en), s.head, s.en)
	if err != nil {
		return err
	}
	agencyRow := func(a *AgencyRow, style int) []any {
		return []any{
			excelize.Cell{StyleID: styleOr(style, 0), Value: cell.Text(a.Agency)}, a.People, a.Rooms,
			excelize.Cell{StyleID: styleOr(style, s.num), Value: a.OfficeAreaM2},
			excelize.Cell{StyleID: styleOr(style, s.num), Value: a.StandardAreaM2},
			excelize.Cell{StyleID: styleOr(style, s.num), Value: a.OfficeSpaceAreaM2},
			excelize.Cell{StyleID: styleOr(style, s.num), Value: a.ApprovedAreaM2},
			a.Findings, idCell(a.AgencyID),
		}
	}
	for i := range agencies {
		at, _ := excelize.CoordinatesToCellName(1, top+i+2)
		if err := sw.SetRow(at, agencyRow(&agencies[i], 0)); err != nil {
			return xlsxErr(err)
		}
	}
	at, _ := excelize.CoordinatesToCellName(1, top+len(agencies)+2)
	if err := sw.SetRow(at, agencyRow(&total, s.bold)); err != nil {
		return xlsxErr(err)
	}
	if err := sw.Flush(); err != nil {
		return xlsxErr(err)
	}
	s.f.SetActiveSheet(0)
	if err := s.f.Write(s.w); err != nil {
		return fmt.Errorf("report: writing XLSX: %w", err)
	}
	return nil
}

// close releases the workbook and its temporary files.
func (s *xlsxSink) close() error {
	if s.f == nil {
		return nil
	}
	if err := s.f.Close(); err != nil {
		return xlsxErr(err)
	}
	return nil
}

// startSheet sets a sheet's column widths, writes the notes (one row each) and the header below them,
// frozen, and returns the number of note rows.
func startSheet(sw *excelize.StreamWriter, notes []NoteRow, widths []float64, header []string, head int, en bool) (int, error) {
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return 0, xlsxErr(err)
		}
	}
	top := len(notes)
	below, _ := excelize.CoordinatesToCellName(1, top+2)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: top + 1, TopLeftCell: below, ActivePane: "bottomLeft"}); err != nil {
		return 0, xlsxErr(err)
	}
	for i, n := range notes {
		at, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(at, []any{cell.Text(noteLine(n, en))}); err != nil {
			return 0, xlsxErr(err)
		}
	}
	at, _ := excelize.CoordinatesToCellName(1, top+1)
	if err := sw.SetRow(at, headerCells(header, head)); err != nil {
		return 0, xlsxErr(err)
	}
	return top, nil
}

func headerCells(h []string, style int) []any {
	out := make([]any, len(h))
	for i, s := range h {
		out[i] = excelize.Cell{StyleID: style, Value: s}
	}
	return out
}

func styleOr(style, def int) int {
	if style != 0 {
		return style
	}
	return def
}

func ptr[T any](v T) *T { return &v }
