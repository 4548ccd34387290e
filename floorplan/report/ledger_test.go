package report

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
)

// TestLedgerXLSXSubVsGeneral: the general ledger's workbook ends each line with its 账账 result (相符, 不符,
// or nothing where no agency recorded an entry; in English agree/differ) and lists a 账账 failure in 核对 with
// the kind and both figures; an agency's sub-ledger has no 账账 column.
func TestLedgerXLSXSubVsGeneral(t *testing.T) {
	a, b, c := uuid.New(), uuid.New(), uuid.New()
	led := &floorplan.Ledger{Year: 2026, Lines: []floorplan.LedgerLine{
		{SiteID: a, SiteName: "行政中心", BookValue: 1000, SubVsGeneral: "mismatch"},
		{SiteID: b, SiteName: "周转楼", BookValue: 500, SubVsGeneral: "ok"},
		{SiteID: c, SiteName: "老干部活动中心"},
	}, Checks: []floorplan.LedgerCheck{{SiteID: a, Check: "sub_vs_general", Kind: floorplan.LedgerBookValue, General: 1000,
		SubLedgers: 800, DiffPct: -20, Message: "账账不符：行政中心", MessageEN: "sub-ledgers vs general ledger: 行政中心"}}}
	open := func(l *floorplan.Ledger, opt Options) *excelize.File {
		t.Helper()
		var buf bytes.Buffer
		if err := WriteLedgerXLSX(&buf, l, "", opt); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	rows, err := open(led, Options{}).GetRows("总账")
	if err != nil {
		t.Fatal(err)
	}
	last := len(rows[1]) - 1
	if rows[1][last] != "账账核对" {
		t.Fatalf("header %v; want 账账核对 last", rows[1])
	}
	cell := func(r int) string {
		if last < len(rows[r]) {
			return rows[r][last]
		}
		return ""
	}
	if cell(2) != "不符" || cell(3) != "相符" || cell(4) != "" || cell(5) != "" {
		t.Errorf("账账 column: %q %q %q, totals %q; want 不符 相符, nothing, nothing", cell(2), cell(3), cell(4), cell(5))
	}
	f := open(led, Options{})
	checks, err := f.GetRows("核对")
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 2 || checks[1][0] != "行政中心" || checks[1][1] != "账账" || checks[1][2] != "账面价值（元）" ||
		checks[1][3] != "1000" || checks[1][4] != "800" || checks[1][5] != "-20" {
		t.Errorf("核对 %v; want the 账账 row of the book value, 1000 against 800", checks)
	}
	en, err := open(led, Options{Lang: "en"}).GetRows("总账")
	if err != nil {
		t.Fatal(err)
	}
	if en[1][last] != "Sub-ledgers vs general" || en[2][last] != "differ" {
		t.Errorf("English: header %q, first line %q", en[1][last], en[2][last])
	}
	sub := &floorplan.Ledger{Year: 2026, AgencyID: uuid.New(), Lines: []floorplan.LedgerLine{{SiteID: a, SiteName: "行政中心", BookValue: 800}}}
	subRows, err := open(sub, Options{}).GetRows("分户账")
	if err != nil {
		t.Fatal(err)
	}
	if len(subRows[1]) != last || subRows[1][len(subRows[1])-1] == "账账核对" {
		t.Errorf("分户账 header %v; want the general ledger's columns without 账账核对", subRows[1])
	}
}
