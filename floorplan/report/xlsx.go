package report

import (
	"archive/zip"
	"fmt"
	"io"

	"github.com/klauspost/compress/flate"
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

// xlsxDeflateLevel is the compression level of the workbook's zip (klauspost/compress/flate). On the
// findings sheet of a 200,000-room register (80 MB of XML) level 3 compresses in about a quarter of the
// time archive/zip's default (compress/flate level 5) takes, for a file 19 % larger (9.7 MB, not 8.1);
// level 1 is hardly faster and 4 % larger again.
const xlsxDeflateLevel = 3

// newXLSXZip is the workbook's zip writer (excelize's File.SetZipWriter): archive/zip with its Deflate
// done by klauspost/compress/flate at xlsxDeflateLevel. One compressor serves every file in turn: the
// zip closes a file before it creates the next.
func newXLSXZip(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	var fw *flate.Writer
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		if fw == nil {
			var err error
			if fw, err = flate.NewWriter(out, xlsxDeflateLevel); err != nil {
				return nil, fmt.Errorf("report: XLSX: deflate level %d: %w", xlsxDeflateLevel, err)
			}
			return fw, nil
		}
		fw.Reset(out)
		return fw, nil
	})
	return zw
}

// xlsxSink writes the workbook with excelize's streaming writers: the findings sheet row by row as the
// findings come (excelize keeps the sheet in a temporary file past 16 MB), then the per-agency sheet. The
// zip is put together in memory at the end (excelize's File.WriteTo, with newXLSXZip's faster deflate):
// its size, compressed, not the rows'. Numbers are numbers (two decimals shown), ids and names text.
type xlsxSink struct {
	w  io.Writer
	en bool

	f                    *excelize.File
	sw                   *excelize.StreamWriter
	head, num, pct, bold int
	findingsName, agName string
	top, rows            int // note rows above the findings' header; findings written
	row                  []any
	cells                []string // a finding's text cells, reused from row to row
	// nums are the numeric cells of a finding's row (area, standard, excess, percentage), reused from row
	// to row: SetRow takes *excelize.Cell as well as excelize.Cell, which would be boxed anew each row.
	nums [4]excelize.Cell
}

func (s *xlsxSink) wantsFindings() bool { return true }

func xlsxErr(err error) error { return fmt.Errorf("report: XLSX: %w", err) }

// start makes the workbook, its styles and sheets, and writes the findings sheet's notes and header.
func (s *xlsxSink) start(h *head) error {
	s.f = excelize.NewFile()
	s.f.SetZipWriter(newXLSXZip)
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
	s.cells = make([]string, 0, len(widths))
	s.nums = [4]excelize.Cell{{StyleID: s.num}, {StyleID: s.num}, {StyleID: s.num}, {StyleID: s.pct}}
	s.top, err = startSheet(s.sw, h.Notes, widths, findingHeader(s.en), s.head, s.en)
	return err
}

// finding writes one finding's row.
func (s *xlsxSink) finding(r *FindingRow) error {
	c := appendFindingCells(s.cells[:0], r, s.en, false) // cells 6 to 9 blank: numbers below
	s.cells = c
	row := s.row
	for k := range c {
		if c[k] == "" {
			row[k] = nil // an empty cell, not an empty string
		} else {
			row[k] = cellText(c[k]) // text that starts like a formula stays text
		}
	}
	s.nums[0].Value = r.AreaM2
	row[6] = &s.nums[0]
	if r.StandardM2 > 0 {
		s.nums[1].Value, s.nums[2].Value, s.nums[3].Value = r.StandardM2, r.ExcessM2, r.ExcessPct
		row[7], row[8], row[9] = &s.nums[1], &s.nums[2], &s.nums[3]
		if pct := pctCell(r.ExcessPct); pct == "<0.1" { // a breach that 0.0 would hide
			row[9] = pct
		}
	}
	at, _ := excelize.CoordinatesToCellName(1, s.top+s.rows+2)
	s.rows++
	if err := s.sw.SetRow(at, row); err != nil {
		return xlsxErr(err)
	}
	return nil
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
