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

// writeXLSX writes the workbook with streaming writers, so that tens of thousands of findings stay
// cheap. Numbers are numbers (two decimals shown), ids and names text.
func writeXLSX(w io.Writer, doc *Document, en bool) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("report: XLSX: %w", cerr)
		}
	}()
	lang := "zh"
	if en {
		lang = "en"
	}
	findingsName, agenciesName := SheetNames(lang)
	if err := f.SetSheetName("Sheet1", findingsName); err != nil {
		return fmt.Errorf("report: XLSX: %w", err)
	}
	if _, err := f.NewSheet(agenciesName); err != nil {
		return fmt.Errorf("report: XLSX: %w", err)
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#EDEDED"}}})
	if err != nil {
		return fmt.Errorf("report: XLSX: %w", err)
	}
	num, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	if err != nil {
		return fmt.Errorf("report: XLSX: %w", err)
	}
	pct, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.0")})
	if err != nil {
		return fmt.Errorf("report: XLSX: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 2})
	if err != nil {
		return fmt.Errorf("report: XLSX: %w", err)
	}

	// Findings: the notes, the header, the rows.
	sw, err := f.NewStreamWriter(findingsName)
	if err != nil {
		return fmt.Errorf("report: XLSX: %w", err)
	}
	widths := []float64{30, 24, 10, 28, 12, 18, 12, 12, 12, 11, 12, 16, 40, 60, 38, 38, 38, 50}
	top, err := startSheet(sw, doc, widths, findingHeader(en), head, en)
	if err != nil {
		return err
	}
	row := make([]any, len(widths))
	for i := range doc.Findings {
		r := &doc.Findings[i]
		c := findingCells(r, en)
		for k := range c {
			if c[k] == "" {
				row[k] = nil // an empty cell, not an empty string
			} else {
				row[k] = cell.Text(c[k]) // text that starts like a formula stays text
			}
		}
		row[6] = excelize.Cell{StyleID: num, Value: r.AreaM2}
		if r.StandardM2 > 0 {
			row[7] = excelize.Cell{StyleID: num, Value: r.StandardM2}
			row[8] = excelize.Cell{StyleID: num, Value: r.ExcessM2}
			row[9] = excelize.Cell{StyleID: pct, Value: r.ExcessPct}
			if c[9] == "<0.1" { // a breach that 0.0 would hide
				row[9] = c[9]
			}
		}
		at, _ := excelize.CoordinatesToCellName(1, top+i+2)
		if err := sw.SetRow(at, row); err != nil {
			return fmt.Errorf("report: XLSX: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("report: XLSX: %w", err)
	}

	// Per-agency totals, then their sum.
	sw, err = f.NewStreamWriter(agenciesName)
	if err != nil {
		return fmt.Errorf("report: XLSX: %w", err)
	}
	if top, err = startSheet(sw, doc, []float64{34, 8, 8, 16, 16, 18, 16, 8, 38}, agencyHeader(en), head, en); err != nil {
		return err
	}
	agencyRow := func(a *AgencyRow, style int) []any {
		return []any{
			excelize.Cell{StyleID: styleOr(style, 0), Value: cell.Text(a.Agency)}, a.People, a.Rooms,
			excelize.Cell{StyleID: styleOr(style, num), Value: a.OfficeAreaM2},
			excelize.Cell{StyleID: styleOr(style, num), Value: a.StandardAreaM2},
			excelize.Cell{StyleID: styleOr(style, num), Value: a.OfficeSpaceAreaM2},
			excelize.Cell{StyleID: styleOr(style, num), Value: a.ApprovedAreaM2},
			a.Findings, idCell(a.AgencyID),
		}
	}
	for i := range doc.Agencies {
		at, _ := excelize.CoordinatesToCellName(1, top+i+2)
		if err := sw.SetRow(at, agencyRow(&doc.Agencies[i], 0)); err != nil {
			return fmt.Errorf("report: XLSX: %w", err)
		}
	}
	at, _ := excelize.CoordinatesToCellName(1, top+len(doc.Agencies)+2)
	if err := sw.SetRow(at, agencyRow(&doc.Total, bold)); err != nil {
		return fmt.Errorf("report: XLSX: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("report: XLSX: %w", err)
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("report: writing XLSX: %w", err)
	}
	return nil
}

// startSheet sets a sheet's column widths, writes the notes (one row each) and the header below them,
// frozen, and returns the number of note rows.
func startSheet(sw *excelize.StreamWriter, doc *Document, widths []float64, header []string, head int, en bool) (int, error) {
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return 0, fmt.Errorf("report: XLSX: %w", err)
		}
	}
	top := len(doc.Notes)
	below, _ := excelize.CoordinatesToCellName(1, top+2)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: top + 1, TopLeftCell: below, ActivePane: "bottomLeft"}); err != nil {
		return 0, fmt.Errorf("report: XLSX: %w", err)
	}
	for i, n := range doc.Notes {
		at, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(at, []any{cell.Text(noteLine(n, en))}); err != nil {
			return 0, fmt.Errorf("report: XLSX: %w", err)
		}
	}
	at, _ := excelize.CoordinatesToCellName(1, top+1)
	if err := sw.SetRow(at, headerCells(header, head)); err != nil {
		return 0, fmt.Errorf("report: XLSX: %w", err)
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
