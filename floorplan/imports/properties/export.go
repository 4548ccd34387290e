package properties

import (
	"context"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
	"officemap/floorplan/exports/cell"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// ExportOptions say what Export reads and in which language it writes.
type ExportOptions struct {
	// Lang is the language of the headers and labels: Chinese (the default: 党政机关办公用房, 已登记) or
	// English (the codes and keys: office.party_government, registered), which the import reads alike.
	Lang string
	// Keep, when set, says which sites to export (the caller's scope); nil: all.
	Keep func(floorplan.Site) bool
	// Classification names the kinds (nil: the built-in one).
	Classification *floorplan.Classification
	// Year is the ledger year whose book area is written (0: this year).
	Year int
}

// Table is the register's properties in the layout: one row per site, the cells in the order of Layout.
type Table struct {
	Lang string
	Rows [][]string
}

// Export reads the register's sites in the layout of the import, one row a site by name: its first title
// record (the one a re-import matches by number; other records are left as they are by the import), the
// year's book area from the ledger (empty when it has no entry), the kind by its Chinese name (English:
// its code), the state by its label and the district by its name (its code when two share the name).
func Export(ctx context.Context, r floorplan.Reader, opt ExportOptions) (*Table, error) {
	c := floorplan.BuiltinClassification()
	if opt.Classification != nil {
		c = *opt.Classification
	}
	year := opt.Year
	if year == 0 {
		year = time.Now().Year()
	}
	en := imports.English(opt.Lang)
	sites, err := r.Sites(ctx)
	if err != nil {
		return nil, err
	}
	js, err := r.Jurisdictions(ctx)
	if err != nil {
		return nil, err
	}
	ds := newDistricts(js)
	lr, _ := r.(ledgerReader)
	t := &Table{Lang: opt.Lang, Rows: [][]string{}}
	for _, s := range sites {
		if opt.Keep != nil && !opt.Keep(s) {
			continue
		}
		rec := map[string]string{FieldName: s.Name, FieldAddress: s.Address, FieldKind: s.Category,
			FieldState: string(s.Ownership), FieldDistrict: ds.ref(s.JurisdictionID), FieldNote: s.Note}
		if cat, _, ok := c.Lookup(s.Category); ok && !en {
			rec[FieldKind] = cat.Name
		}
		if !en {
			rec[FieldState] = StateLabel(s.Ownership)
		}
		if len(s.Records) > 0 {
			tr := s.Records[0]
			rec[FieldTitleKind], rec[FieldTitleNumber], rec[FieldHolder] = tr.Kind, tr.Number, tr.Holder
			rec[FieldIssuedOn] = sheet.DayText(tr.IssuedOn)
			rec[FieldTitleArea] = areaText(tr.AreaM2)
		}
		if lr != nil {
			entries, err := lr.LedgerEntries(ctx, floorplan.LedgerFilter{SiteID: s.ID, Year: year})
			if err != nil {
				return nil, err
			}
			var sum float64
			var any bool
			for _, e := range entries {
				if e.Kind == floorplan.LedgerBookArea && e.General() { // the general ledger's book alone
					sum, any = sum+e.Amount, true
				}
			}
			if any {
				rec[FieldBookArea] = strconv.FormatFloat(math.Round(sum*100)/100, 'f', -1, 64)
			}
		}
		row := make([]string, 0, len(Layout()))
		for _, col := range Layout() {
			row = append(row, rec[col.Field])
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

func areaText(v float64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatFloat(floorplan.RoundM2(v), 'f', -1, 64)
}

// Write writes the table in a format: WriteXLSX or WriteCSV.
func (t *Table) Write(w io.Writer, f sheet.Format) error { return sheet.Write(w, t, f) }

// WriteCSV writes the table as CSV in UTF-8 with a byte-order mark (so that Excel opens Chinese text
// right): the header, then one property a row; text that starts like a formula is neutralised.
func (t *Table) WriteCSV(w io.Writer) error { return sheet.WriteCSV(w, Headers(t.Lang), t.Rows) }

// SheetName is the name of the export's sheet.
func SheetName(lang string) string {
	if imports.English(lang) {
		return "Properties"
	}
	return "房产台账"
}

// WriteXLSX writes the table as a workbook of one sheet: the header (bold, frozen), one property a row,
// areas as numbers, the state with a drop-down list of the states.
func (t *Table) WriteXLSX(w io.Writer) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	name := SheetName(t.Lang)
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	cols := Layout()
	for i, c := range cols {
		width := 14.0
		if c.Field == FieldName || c.Field == FieldAddress || c.Field == FieldNote {
			width = 28
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(cols))
	for i, h := range Headers(t.Lang) {
		head[i] = excelize.Cell{Value: h, StyleID: bold}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{}); err != nil {
		return err
	}
	for i, r := range t.Rows {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = cell.Text(v)
			if f := cols[j].Field; (f == FieldTitleArea || f == FieldBookArea) && v != "" {
				if n, err := strconv.ParseFloat(v, 64); err == nil {
					cells[j] = n
				}
			}
		}
		axis, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(axis, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := stateValidation(f, name, t.Lang, len(t.Rows)); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// stateValidation offers the states as a drop-down list in the state column.
func stateValidation(f *excelize.File, name, lang string, rows int) error {
	col := 0
	for i, c := range Layout() {
		if c.Field == FieldState {
			col = i + 1
		}
	}
	var choices []string
	for _, l := range stateLabels {
		if !l.state.Valid() {
			continue
		}
		if imports.English(lang) {
			choices = append(choices, string(l.state))
		} else {
			choices = append(choices, l.words[0])
		}
	}
	from, _ := excelize.CoordinatesToCellName(col, 2)
	to, _ := excelize.CoordinatesToCellName(col, max(rows+1, 1000))
	dv := excelize.NewDataValidation(true)
	dv.Sqref = from + ":" + to
	if err := dv.SetDropList(choices); err != nil {
		return err
	}
	return f.AddDataValidation(name, dv)
}
