package report

import (
	"fmt"
	"io"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
)

// The ledger (一房一账) as the workbook clerks keep: one sheet of the ledger — a title row, the header, a
// line per property, the totals (合计) — and one of the reconciliation (核对) of the general ledger. The
// general ledger's last column is each line's 账账 result (the agencies' sub-ledgers against it).

// subResult is a line's 账账 result (floorplan.LedgerLine.SubVsGeneral), written as words.
type subResult string

// ledgerColumns are the ledger sheet's columns: the header in Chinese and English, and the figure;
// general marks the general ledger's own columns.
var ledgerColumns = []struct {
	zh, en  string
	value   func(l floorplan.LedgerLine) any
	general bool
}{
	{"房产名称", "Property", func(l floorplan.LedgerLine) any { return l.SiteName }, false},
	{"类别", "Category", func(l floorplan.LedgerLine) any { return l.Category }, false},
	{"权属状态", "Title", func(l floorplan.LedgerLine) any { return string(l.Ownership) }, false},
	{"证载建筑面积(m²)", "Title area (m²)", func(l floorplan.LedgerLine) any { return l.TitleAreaM2 }, false},
	{"账面建筑面积(m²)", "Book area (m²)", func(l floorplan.LedgerLine) any { return l.BookAreaM2 }, false},
	{"实测建筑面积(m²)", "Measured gross area (m²)", func(l floorplan.LedgerLine) any { return l.GrossAreaM2 }, false},
	{"使用面积(m²)", "Usable area (m²)", func(l floorplan.LedgerLine) any { return l.UsableAreaM2 }, false},
	{"办公室用房(m²)", "Offices (m²)", func(l floorplan.LedgerLine) any { return l.OfficeAreaM2 }, false},
	{"服务用房(m²)", "Service (m²)", func(l floorplan.LedgerLine) any { return l.ServiceAreaM2 }, false},
	{"设备用房(m²)", "Equipment (m²)", func(l floorplan.LedgerLine) any { return l.EquipmentAreaM2 }, false},
	{"附属用房(m²)", "Ancillary (m²)", func(l floorplan.LedgerLine) any { return l.AncillaryAreaM2 }, false},
	{"其他(m²)", "Other (m²)", func(l floorplan.LedgerLine) any { return l.OtherAreaM2 }, false},
	{"房间数", "Rooms", func(l floorplan.LedgerLine) any { return l.Rooms }, false},
	{"账面价值(元)", "Book value (yuan)", func(l floorplan.LedgerLine) any { return l.BookValue }, false},
	{"维修费(元)", "Maintenance (yuan)", func(l floorplan.LedgerLine) any { return l.Maintenance }, false},
	{"物业费(元)", "Property services (yuan)", func(l floorplan.LedgerLine) any { return l.PropertyServices }, false},
	{"运行费(元)", "Utilities (yuan)", func(l floorplan.LedgerLine) any { return l.Utilities }, false},
	{"租金收入(元)", "Rent received (yuan)", func(l floorplan.LedgerLine) any { return l.RentReceived }, false},
	{"账账核对", "Sub-ledgers vs general", func(l floorplan.LedgerLine) any { return subResult(l.SubVsGeneral) }, true},
}

// subResultText is a 账账 result in words: 相符 / 不符, or nothing when no agency recorded an entry.
func subResultText(r subResult, opt Options) string {
	words := map[subResult][2]string{"ok": {"相符", "agree"}, "mismatch": {"不符", "differ"}}[r]
	if opt.en() {
		return words[1]
	}
	return words[0]
}

// LedgerSheet is the name of the ledger's sheet: 总账 (general ledger) or 分户账 (an agency's).
func LedgerSheet(l *floorplan.Ledger) string {
	if l.AgencyID != uuid.Nil {
		return "分户账"
	}
	return "总账"
}

// WriteLedgerXLSX writes the ledger as a workbook; agencyName titles a sub-ledger.
func WriteLedgerXLSX(w io.Writer, l *floorplan.Ledger, agencyName string, opt Options) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := LedgerSheet(l)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	title := fmt.Sprintf("党政机关办公用房台账（%d年）", l.Year)
	if agencyName != "" {
		title = fmt.Sprintf("%s 办公用房分户账（%d年）", agencyName, l.Year)
	}
	general := l.AgencyID == uuid.Nil
	header := ledgerHeader(opt, general)
	last, _ := excelize.ColumnNumberToName(len(header))
	cells := [][]any{{title}, header}
	for i, line := range l.Lines {
		cells = append(cells, ledgerRow(fmt.Sprint(i+1), line, general, opt))
	}
	cells = append(cells, ledgerRow("合计", l.Totals, general, opt))
	for r, row := range cells {
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", r+1), &row); err != nil {
			return err
		}
	}
	if err := f.MergeCell(sheet, "A1", last+"1"); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if l.AgencyID == uuid.Nil {
		if err := checksSheet(f, l, opt); err != nil {
			return err
		}
	}
	return f.Write(w)
}

func ledgerHeader(opt Options, general bool) []any {
	row := []any{"序号"}
	if opt.en() {
		row[0] = "No."
	}
	for _, c := range ledgerColumns {
		if c.general && !general {
			continue
		}
		if opt.en() {
			row = append(row, c.en)
		} else {
			row = append(row, c.zh)
		}
	}
	return row
}

func ledgerRow(first string, l floorplan.LedgerLine, general bool, opt Options) []any {
	row := []any{first}
	for _, c := range ledgerColumns {
		if c.general && !general {
			continue
		}
		v := c.value(l)
		if r, ok := v.(subResult); ok {
			v = subResultText(r, opt)
		}
		row = append(row, v)
	}
	if first == "合计" {
		row[1], row[2], row[3] = "", "", ""
	}
	return row
}

// checksSheet writes the reconciliation's failures, one a row (none: a row that says so).
func checksSheet(f *excelize.File, l *floorplan.Ledger, opt Options) error {
	const sheet = "核对"
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	rows := [][]any{{"房产", "核对", "项目", "应为", "实为", "相差(%)", "说明"}}
	for _, c := range l.Checks {
		msg := c.Message
		if opt.en() {
			msg = c.MessageEN
		}
		name := c.SiteID.String()
		for _, line := range l.Lines {
			if line.SiteID == c.SiteID {
				name = line.SiteName
			}
		}
		// 账账 compares the general ledger's figure of a kind with the sub-ledgers' sum; the others areas.
		item, expected, found := "建筑面积(m²)", c.Expected, c.Found
		if c.Check == "sub_vs_general" {
			item, _ = c.Kind.Names()
			expected, found = c.General, c.SubLedgers
		}
		rows = append(rows, []any{name, map[string]string{"title_vs_measured": "账实", "book_vs_title": "账证",
			"sub_vs_general": "账账"}[c.Check], item, expected, found, c.DiffPct, msg})
	}
	if len(l.Checks) == 0 {
		rows = append(rows, []any{"账实相符、账证相符、账账相符"})
	}
	for r, row := range rows {
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", r+1), &row); err != nil {
			return err
		}
	}
	return nil
}
