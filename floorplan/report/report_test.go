package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
	"officemap/floorplan/synth"
)

func box(w, h float64) orb.Polygon {
	return orb.Polygon{{{0, 0}, {w, 0}, {w, h}, {0, h}, {0, 0}}}
}

func id(s string) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, []byte(s)) }

// smallReport evaluates a register with two municipal agencies: 局长 张三 (正局(处)级, 24 m²) alone in a
// 36 m² office (over by 12 m², 50 %), 李四 (staff, 9 m²) within standard in 8 m², and an agency
// named with XML and CSV specials, whose staff member 王五 has 12 m² (over by 3 m²).
func smallReport(t testing.TB) *floorplan.Report {
	t.Helper()
	asOf := floorplan.Day(2025, time.March, 1)
	start := floorplan.Day(2020, time.January, 1)
	a1 := floorplan.Agency{ID: id("a1"), Name: "市发展和改革委员会", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive, ApprovedAreaM2: 500}
	a2 := floorplan.Agency{ID: id("a2"), Name: `R&D "Lab", <Unit>`, Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	floor := id("floor")
	rooms := []floorplan.Room{
		{ID: id("r1"), FloorID: floor, Number: "301", Usage: floorplan.UsageOffice, AgencyID: a1.ID, State: floorplan.RoomInUse, Geometry: box(6, 6)},
		{ID: id("r2"), FloorID: floor, Number: "302", Usage: floorplan.UsageOffice, AgencyID: a1.ID, State: floorplan.RoomInUse, Geometry: box(2, 4)},
		{ID: id("r3"), FloorID: floor, Number: "303", Usage: floorplan.UsageOffice, AgencyID: a2.ID, State: floorplan.RoomInUse, Geometry: box(3, 4)},
	}
	people := []floorplan.Person{
		{ID: id("p1"), Name: "张三", AgencyID: a1.ID, Rank: floorplan.RankDivision, Title: "局长", Status: floorplan.PersonActive},
		{ID: id("p2"), Name: "李四", AgencyID: a1.ID, Rank: floorplan.RankStaff, Status: floorplan.PersonActive},
		{ID: id("p3"), Name: "王五", AgencyID: a2.ID, Rank: floorplan.RankStaff, Status: floorplan.PersonActive},
	}
	var as []floorplan.Assignment
	for i, pr := range [][2]uuid.UUID{{people[0].ID, rooms[0].ID}, {people[1].ID, rooms[1].ID}, {people[2].ID, rooms[2].ID}} {
		as = append(as, floorplan.Assignment{ID: id(string(rune('x' + i))), PersonID: pr[0], RoomID: pr[1], Kind: floorplan.AssignMain, Start: start})
	}
	snap := &floorplan.Snapshot{AsOf: asOf, Agencies: []floorplan.Agency{a1, a2}, Rooms: rooms, People: people, Assignments: as}
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func overStandard(rep *floorplan.Report) int {
	n := 0
	for _, f := range rep.Findings {
		if f.RuleID == floorplan.RuleOverStandard {
			n++
		}
	}
	return n
}

func TestCSV(t *testing.T) {
	rep := smallReport(t)
	if overStandard(rep) != 2 {
		t.Fatalf("fixture: %d over-standard findings, want 2: %+v", overStandard(rep), rep.Findings)
	}
	tests := []struct {
		name      string
		opt       Options
		wantRows  int
		wantFirst string
	}{
		{"all, zh", Options{}, len(rep.Findings), "规则编号"},
		{"all, en", Options{Lang: "en"}, len(rep.Findings), "Rule ID"},
		{"one agency", Options{AgencyID: id("a2")}, 1, "规则编号"},
		{"over-standard only", Options{Rules: []string{floorplan.RuleOverStandard}}, 2, "规则编号"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, rep, CSV, tc.opt); err != nil {
				t.Fatal(err)
			}
			data := buf.Bytes()
			if !bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
				t.Fatal("no UTF-8 byte-order mark")
			}
			recs, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if recs[0][0] != tc.wantFirst || len(recs[0]) != len(findingHeader(false)) {
				t.Errorf("header %q", recs[0])
			}
			if got := len(recs) - 1; got != tc.wantRows {
				t.Errorf("%d rows, want %d", got, tc.wantRows)
			}
		})
	}
}

func TestCSVOverStandardRow(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, smallReport(t), CSV, Options{Rules: []string{floorplan.RuleOverStandard}}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var row []string
	for _, r := range recs[1:] {
		if r[4] == "张三" {
			row = r
		}
	}
	if row == nil {
		t.Fatalf("no row for 张三 in %q", recs)
	}
	want := map[int]string{0: floorplan.RuleOverStandard, 1: "超标准使用办公用房", 2: "违规", 3: "市发展和改革委员会", 5: "301",
		6: "36.00", 7: "24.00", 8: "12.00", 9: "50.0", 12: floorplan.Standard2014Source, 14: id("a1").String(),
		15: id("p1").String(), 16: id("r1").String()}
	for col, v := range want {
		if row[col] != v {
			t.Errorf("column %d (%s) = %q, want %q", col, recs[0][col], row[col], v)
		}
	}
	if !strings.Contains(row[13], "张三") {
		t.Errorf("sentence %q does not name the person", row[13])
	}
}

func TestTotalsCSV(t *testing.T) {
	rep := smallReport(t)
	var buf bytes.Buffer
	if err := WriteTotals(&buf, rep, CSV, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Fatal("no byte-order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+2+1 {
		t.Fatalf("%d records, want header + 2 agencies + total", len(recs))
	}
	last := recs[len(recs)-1]
	if last[0] != "合计" || last[1] != "3" || last[2] != "3" || last[3] != "56.00" || last[6] != "500.00" {
		t.Errorf("total row %q", last)
	}
	// The agency name with CSV specials survives quoting.
	found := false
	for _, r := range recs {
		found = found || r[0] == `R&D "Lab", <Unit>`
	}
	if !found {
		t.Error("agency name with quotes and a comma did not round-trip through CSV")
	}
}

func TestXLSX(t *testing.T) {
	rep := smallReport(t)
	f := workbookOf(t, rep)
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{SheetFindings, SheetAgencies}) {
		t.Fatalf("sheets %q", got)
	}
	rows, err := f.GetRows(SheetFindings)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(rep.Findings) {
		t.Fatalf("%d rows on %s, want %d", len(rows), SheetFindings, 1+len(rep.Findings))
	}
	if rows[0][0] != "规则编号" || rows[0][8] != "超标面积(m²)" {
		t.Errorf("header %q", rows[0])
	}
	// Find 张三's row and check typed cells.
	n := 0
	for i, r := range rows {
		if len(r) > 4 && r[4] == "张三" {
			n = i + 1
		}
	}
	if n == 0 {
		t.Fatal("no row for 张三")
	}
	cell := func(col string) string {
		v, err := f.GetCellValue(SheetFindings, col+itoa(n))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for col, want := range map[string]string{"A": floorplan.RuleOverStandard, "D": "市发展和改革委员会", "F": "301",
		"G": "36.00", "H": "24.00", "I": "12.00", "J": "50.0"} {
		if got := cell(col); got != want {
			t.Errorf("%s%d = %q, want %q", col, n, got, want)
		}
	}
	raw, err := f.GetCellValue(SheetFindings, "I"+itoa(n), excelize.Options{RawCellValue: true})
	if err != nil || raw != "12" {
		t.Errorf("I%d raw value %q (%v): the excess is not stored as a number", n, raw, err)
	}
	typ, err := f.GetCellType(SheetFindings, "I"+itoa(n))
	if err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("I%d has type %v", n, typ)
	}

	totals, err := f.GetRows(SheetAgencies)
	if err != nil {
		t.Fatal(err)
	}
	if len(totals) != 1+2+1 {
		t.Fatalf("%d rows on %s", len(totals), SheetAgencies)
	}
	last := totals[len(totals)-1]
	if last[0] != "合计" || last[1] != "3" || last[3] != "56.00" {
		t.Errorf("total row %q", last)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestJSONRoundTrip(t *testing.T) {
	rep := smallReport(t)
	want, err := Build(rep, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, rep, JSON, Options{}); err != nil {
		t.Fatal(err)
	}
	var got Document
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&got, want) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", got, *want)
	}
	if got.AsOf != "2025-03-01" || len(got.Findings) != len(rep.Findings) || len(got.Agencies) != 2 || got.Total.People != 3 {
		t.Errorf("document %+v", got)
	}
}

func TestTable(t *testing.T) {
	rep := smallReport(t)
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, rep, Table, Options{Lang: lang}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, want := range []string{"张三", "301", "12.00", "50.0", "市发展和改革委员会"} {
				if !strings.Contains(out, want) {
					t.Errorf("table lacks %q:\n%s", want, out)
				}
			}
			// Columns line up in terminal cells: the agency column starts at the same cell on the
			// header line and on every finding's line, whatever the width of the Chinese before it.
			head, agency := "使用单位", map[string]bool{"市发展和改革委员会": true, `R&D "Lab", <Unit>`: true}
			if lang == "en" {
				head = "Agency"
			}
			col := -1
			findings, _, _ := strings.Cut(out, "单位汇总")
			findings, _, _ = strings.Cut(findings, "Totals by agency")
			for _, ln := range strings.Split(findings, "\n") {
				key := ""
				if strings.Contains(ln, head) {
					key = head
				}
				for a := range agency {
					if strings.Contains(ln, a) && !strings.HasPrefix(ln, a) {
						key = a
					}
				}
				if key == "" {
					continue
				}
				at := cellWidth(ln[:strings.Index(ln, key)])
				if col < 0 {
					col = at
				} else if at != col {
					t.Errorf("agency column at cell %d, header at %d:\n%s", at, col, out)
				}
			}
			if col < 0 {
				t.Fatalf("no agency column found:\n%s", out)
			}
		})
	}
}

func TestCellWidthAndTruncate(t *testing.T) {
	tests := []struct {
		in        string
		width     int
		truncated string
	}{
		{"abc", 3, "abc"},
		{"张三", 4, "张三"},
		{"市发展和改革委员会", 18, "市发展…"},
		{"a张b", 4, "a张b"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := cellWidth(tc.in); got != tc.width {
				t.Errorf("width %d, want %d", got, tc.width)
			}
			if got := truncate(tc.in, 7); got != tc.truncated {
				t.Errorf("truncate = %q, want %q", got, tc.truncated)
			}
		})
	}
}

func TestNamesFromLookup(t *testing.T) {
	rep := smallReport(t)
	rep.Agencies = nil // a report without agency names
	var buf bytes.Buffer
	opt := Options{AgencyName: func(a uuid.UUID) string {
		if a == id("a1") {
			return "查得的单位"
		}
		return ""
	}}
	if err := Write(&buf, rep, CSV, opt); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "查得的单位") || !strings.Contains(buf.String(), id("a2").String()) {
		t.Errorf("names not resolved through the lookup, or the id not shown for the unknown:\n%s", buf.String())
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": Table, "CSV": CSV, "json": JSON, "xlsx": XLSX, " table ": Table} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("pdf"); err == nil {
		t.Error("pdf accepted")
	}
	if err := Write(&bytes.Buffer{}, smallReport(t), "pdf", Options{}); err == nil {
		t.Error("Write accepted pdf")
	}
	if err := Write(&bytes.Buffer{}, nil, CSV, Options{}); err == nil {
		t.Error("Write accepted a nil report")
	}
}

// BenchmarkOverStandardReport200k evaluates a synthetic register of 200,000 rooms (400 buildings × 10
// floors × 50 rooms, with their staff) and writes its over-standard findings as CSV: what
// `officemap report over-standard --format csv` does once the snapshot is read.
func BenchmarkOverStandardReport200k(b *testing.B) {
	d := synth.Generate(synth.Config{Seed: 2024, Buildings: 400, Floors: 10, RoomsPerFloor: 50})
	snap := &floorplan.Snapshot{AsOf: floorplan.Day(2025, time.June, 30), Buildings: d.Buildings, Floors: d.Floors,
		Rooms: d.Rooms, Agencies: d.Agencies, People: d.People, Assignments: d.Assignments}
	std, err := floorplan.NewStandards(nil)
	if err != nil {
		b.Fatal(err)
	}
	opt := Options{Rules: []string{floorplan.RuleOverStandard}}
	var out countingWriter
	b.ReportAllocs()
	findings := 0
	for b.Loop() {
		rep, err := floorplan.Evaluate(snap, std, floorplan.DefaultPolicy())
		if err != nil {
			b.Fatal(err)
		}
		out.n.Store(0)
		if err := Write(&out, rep, CSV, opt); err != nil {
			b.Fatal(err)
		}
		findings = overStandard(rep)
	}
	b.ReportMetric(float64(len(d.Rooms)), "rooms")
	b.ReportMetric(float64(findings), "findings")
	b.ReportMetric(float64(out.bytes()), "csv-bytes")
}

// BenchmarkWriteCSV200k is the CSV writing alone, on the same register's evaluation.
func BenchmarkWriteCSV200k(b *testing.B) {
	d := synth.Generate(synth.Config{Seed: 2024, Buildings: 400, Floors: 10, RoomsPerFloor: 50})
	snap := &floorplan.Snapshot{AsOf: floorplan.Day(2025, time.June, 30), Buildings: d.Buildings, Floors: d.Floors,
		Rooms: d.Rooms, Agencies: d.Agencies, People: d.People, Assignments: d.Assignments}
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []Format{CSV, XLSX} {
		b.Run(string(f), func(b *testing.B) {
			var out countingWriter
			b.ReportAllocs()
			for b.Loop() {
				out.n.Store(0)
				if err := Write(&out, rep, f, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(rep.Findings)), "findings")
			b.ReportMetric(float64(out.bytes()), "bytes")
		})
	}
}

// countingWriter counts what is written and keeps nothing. It may be read while a writer's goroutine writes
// (the XLSX writer deflates on one of its own).
type countingWriter struct{ n atomic.Int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n.Add(int64(len(p)))
	return len(p), nil
}

// bytes is how many bytes were written.
func (c *countingWriter) bytes() int64 { return c.n.Load() }

// noteReport evaluates a day before the register's first room: a 正局(处)级 head in 24.01 m² (0.01 m²,
// under 0.1 %, over the 24 of the rank).
func noteReport(t testing.TB) *floorplan.Report {
	t.Helper()
	a := floorplan.Agency{ID: id("a1"), Name: "市发展和改革委员会", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	snap := &floorplan.Snapshot{
		AsOf: floorplan.Day(2021, time.June, 1), FirstKnown: floorplan.Day(2022, time.March, 5),
		Agencies: []floorplan.Agency{a},
		Rooms: []floorplan.Room{{ID: id("r1"), FloorID: id("floor"), Number: "301", Usage: floorplan.UsageOffice,
			AgencyID: a.ID, State: floorplan.RoomInUse, Geometry: box(4, 24.01/4)}},
		People: []floorplan.Person{{ID: id("p1"), Name: "张三", AgencyID: a.ID, Rank: floorplan.RankDivision, Status: floorplan.PersonActive}},
		Assignments: []floorplan.Assignment{{ID: id("x"), PersonID: id("p1"), RoomID: id("r1"), Kind: floorplan.AssignMain,
			Start: floorplan.Day(2020, 1, 1)}},
	}
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Notes) != 1 || len(rep.Findings) != 1 {
		t.Fatalf("fixture: notes %+v, findings %+v", rep.Notes, rep.Findings)
	}
	return rep
}

// TestNotesAndBasis: every format prints the notes before its rows, the policy basis of each finding,
// and an excess under 0.1 % as "<0.1".
func TestNotesAndBasis(t *testing.T) {
	rep := noteReport(t)
	noteZH, noteEN := "注：登记簿中没有该日之前的房间记录（最早记录始于2022-03-05）", "Note: The register holds no rooms before 2022-03-05"
	basisZH, basisEN := "面积按0.01平方米计（四舍五入）", "areas to 0.01 m², half up"
	for _, lang := range []string{"zh", "en"} {
		note, basis := noteZH, basisZH
		if lang == "en" {
			note, basis = noteEN, basisEN
		}
		opt := Options{Lang: lang}
		t.Run("csv "+lang, func(t *testing.T) {
			for name, write := range map[string]func(*bytes.Buffer) error{
				"findings": func(b *bytes.Buffer) error { return Write(b, rep, CSV, opt) },
				"totals":   func(b *bytes.Buffer) error { return WriteTotals(b, rep, CSV, opt) },
			} {
				var buf bytes.Buffer
				if err := write(&buf); err != nil {
					t.Fatal(err)
				}
				recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll() // rectangular
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !strings.HasPrefix(recs[0][0], note) || recs[1][0] != map[bool]string{true: "Rule ID", false: "规则编号"}[lang == "en"] && name == "findings" {
					t.Errorf("%s: first records %q", name, recs[:2])
				}
				if name == "findings" {
					row := recs[2]
					if row[9] != "<0.1" || row[8] != "0.01" || !strings.HasPrefix(row[17], basis) || recs[1][17] == "" {
						t.Errorf("finding row %q", row)
					}
				}
			}
		})
		t.Run("json "+lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, rep, JSON, opt); err != nil {
				t.Fatal(err)
			}
			var doc Document
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Notes) != 1 || doc.Notes[0].Code != floorplan.NoteBeforeRegister || !strings.Contains(note, doc.Notes[0].Message[:20]) ||
				!strings.HasPrefix(doc.Findings[0].Basis, basis) {
				t.Errorf("document notes %+v, basis %q", doc.Notes, doc.Findings[0].Basis)
			}
			buf.Reset()
			if err := WriteTotals(&buf, rep, JSON, opt); err != nil || !strings.Contains(buf.String(), `"notes": [`) {
				t.Errorf("totals JSON without notes (%v):\n%s", err, buf.String())
			}
		})
		t.Run("table "+lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, rep, Table, opt); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if strings.Count(out, note) != 1 || strings.Index(out, note) > strings.Index(out, "张三") ||
				!strings.Contains(out, "<0.1") || !strings.Contains(out, basis) {
				t.Errorf("table:\n%s", out)
			}
		})
		t.Run("xlsx "+lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, rep, XLSX, opt); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			findings, agencies := SheetNames(lang)
			for _, sheet := range []string{findings, agencies} {
				rows, err := f.GetRows(sheet)
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) < 3 || !strings.HasPrefix(rows[0][0], note) {
					t.Errorf("%s: rows %q", sheet, rows)
					continue
				}
				if sheet == findings && (rows[2][9] != "<0.1" || rows[2][4] != "张三" || !strings.HasPrefix(rows[2][17], basis)) {
					t.Errorf("%s: finding row %q", sheet, rows[2])
				}
			}
		})
	}
	t.Run("no notes, no note line", func(t *testing.T) {
		var buf bytes.Buffer
		if err := Write(&buf, smallReport(t), CSV, Options{}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), "注：") {
			t.Errorf("a note line without notes:\n%s", buf.String())
		}
	})
}

// TestFormulasNeutralised: an agency and a person named like formulas are written as text, a quote
// before them, in the findings and totals CSV and in both XLSX sheets (CSV injection); the numbers
// stay numbers.
func TestFormulasNeutralised(t *testing.T) {
	const agency, person = `=cmd|' /C calc'!A0`, "+张三"
	a := floorplan.Agency{ID: id("a"), Name: agency, Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	r := floorplan.Room{ID: id("r"), FloorID: id("f"), Number: "101", Usage: floorplan.UsageOffice, AgencyID: a.ID,
		State: floorplan.RoomInUse, Geometry: box(3, 4)}
	p := floorplan.Person{ID: id("p"), Name: person, AgencyID: a.ID, Rank: floorplan.RankStaff, Status: floorplan.PersonActive}
	as := floorplan.Assignment{ID: id("x"), PersonID: p.ID, RoomID: r.ID, Kind: floorplan.AssignMain, Start: floorplan.Day(2020, 1, 1)}
	rep, err := floorplan.Evaluate(&floorplan.Snapshot{AsOf: floorplan.Day(2025, 1, 1), Agencies: []floorplan.Agency{a},
		Rooms: []floorplan.Room{r}, People: []floorplan.Person{p}, Assignments: []floorplan.Assignment{as}}, nil, floorplan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	var findings, totals bytes.Buffer
	if err := Write(&findings, rep, CSV, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteTotals(&totals, rep, CSV, Options{}); err != nil {
		t.Fatal(err)
	}
	x := workbookOf(t, rep)
	sheetF, _ := x.GetRows(SheetFindings)
	sheetA, _ := x.GetRows(SheetAgencies)
	for what, rows := range map[string][][]string{"findings CSV": readCSV(t, findings.Bytes()), "totals CSV": readCSV(t, totals.Bytes()),
		"findings sheet": sheetF, "agencies sheet": sheetA} {
		seen := false
		for _, row := range rows {
			for _, c := range row {
				if c == agency || c == person {
					t.Errorf("%s: the formula %q is written as is", what, c)
				}
				seen = seen || c == "'"+agency
			}
		}
		if !seen {
			t.Errorf("%s: no cell %q in %q", what, "'"+agency, rows)
		}
	}
	if raw, _ := x.GetCellValue(SheetAgencies, "D2", excelize.Options{RawCellValue: true}); raw != "12" {
		t.Errorf("the office area is %q, not the number 12", raw)
	}
}

// readCSV reads a CSV file written with a byte-order mark.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte(bom)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// workbookOf writes rep as XLSX and opens the workbook (closed when t ends).
func workbookOf(t *testing.T, rep *floorplan.Report) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, rep, XLSX, Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
