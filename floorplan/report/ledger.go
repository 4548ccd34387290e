package report

import (
	"fmt"
	"io"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
)

// The ledger (一房一账) as the workbook clerks keep: one sheet of the ledger — a title row, the header, a
// line per property, the totals (合计) — and one of the reconciliation (核对) of the general ledger.

// ledgerColumns are the ledger sheet's columns: the header in Chinese and English, and the figure.
var ledgerColumns = []struct {
	zh, en string
	value  func(l floorplan.LedgerLine) any
}{
	{"房产名称", "Property", func(l floorplan.LedgerLine) any { return l.SiteName }},
	{"类别", "Category", func(l floorplan.LedgerLine) any { return l.Category }},
	{"权属状态", "Title", func(l floorplan.LedgerLine) any { return string(l.Ownership) }},
	{"证载建筑面积(m²)", "Title area (m²)", func(l floorplan.LedgerLine) any { return l.TitleAreaM2 }},
	{"账面建筑面积(m²)", "Book area (m²)", func(l floorplan.LedgerLine) any { return l.BookAreaM2 }},
	{"实测建筑面积(m²)", "Measured gross area (m²)", func(l floorplan.LedgerLine) any { return l.GrossAreaM2 }},
	{"使用面积(m²)", "Usable area (m²)", func(l floorplan.LedgerLine) any { return l.UsableAreaM2 }},
	{"办公室用房(m²)", "Offices (m²)", func(l floorplan.LedgerLine) any { return l.OfficeAreaM2 }},
	{"服务用房(m²)", "Service (m²)", func(l floorplan.LedgerLine) any { return l.ServiceAreaM2 }},
	{"设备用房(m²)", "Equipment (m²)", func(l floorplan.LedgerLine) any { return l.EquipmentAreaM2 }},
	{"附属用房(m²)", "Ancillary (m²)", func(l floorplan.LedgerLine) any { return l.AncillaryAreaM2 }},
	{"其他(m²)", "Other (m²)", func(l floorplan.LedgerLine) any { return l.OtherAreaM2 }},
	{"房间数", "Rooms", func(l floorplan.LedgerLine) any { return l.Rooms }},
	{"账面价值(元)", "Book value (yuan)", func(l floorplan.LedgerLine) any { return l.BookValue }},
	{"维修费(元)", "Maintenance (yuan)", func(l floorplan.LedgerLine) any { return l.Maintenance }},
	{"物业费(元)", "Property services (yuan)", func(l floorplan.LedgerLine) any { return l.PropertyServices }},
	{"运行费(元)", "Utilities (yuan)", func(l floorplan.LedgerLine) any { return l.Utilities }},
	{"租金收入(元)", "Rent received (yuan)", func(l floorplan.LedgerLine) any { return l.RentReceived }},
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
	last, _ := excelize.ColumnNumberToName(len(ledgerColumns) + 1)
	cells := [][]any{{title}, ledgerHeader(opt)}
	for i, line := range l.Lines {
		cells = append(cells, ledgerRow(fmt.Sprint(i+1), line))
	}
	cells = append(cells, ledgerRow("合计", l.Totals))
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

func ledgerHeader(opt Options) []any {
	row := []any{"序号"}
	if opt.en() {
		row[0] = "No."
	}
	for _, c := range ledgerColumns {
		if opt.en() {
			row = append(row, c.en)
		} else {
			row = append(row, c.zh)
		}
	}
	return row
}

func ledgerRow(first string, l floorplan.LedgerLine) []any {
	row := []any{first}
	for _, c := range ledgerColumns {
		row = append(row, c.value(l))
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
	rows := [][]any{{"房产", "核对", "应为(m²)", "实为(m²)", "相差(%)", "说明"}}
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
		rows = append(rows, []any{name, map[string]string{"title_vs_measured": "账实", "book_vs_title": "账证"}[c.Check],
			c.Expected, c.Found, c.DiffPct, msg})
	}
	if len(l.Checks) == 0 {
		rows = append(rows, []any{"账实相符、账证相符"})
	}
	for r, row := range rows {
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", r+1), &row); err != nil {
			return err
		}
	}
	return nil
}
