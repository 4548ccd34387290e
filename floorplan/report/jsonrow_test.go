package report

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// sameAsMarshalIndent fails t unless appendFinding gives json.MarshalIndent's bytes for r, at the
// findings' indent and at another.
func sameAsMarshalIndent(t *testing.T, label string, r *FindingRow) {
	t.Helper()
	for _, ind := range []string{"    ", ""} {
		want, err := json.MarshalIndent(r, ind, "  ")
		if err != nil {
			t.Fatalf("%s: MarshalIndent: %v", label, err)
		}
		got, err := appendFinding([]byte("x"), r, ind)
		if err != nil {
			t.Fatalf("%s: appendFinding: %v", label, err)
		}
		if !bytes.Equal(got[1:], want) || got[0] != 'x' {
			t.Fatalf("%s (indent %q): appendFinding gives\n%s\nMarshalIndent gives\n%s", label, ind, got, want)
		}
	}
}

// fullFinding is a finding with every member set.
func fullFinding() FindingRow {
	return FindingRow{RuleID: "over-standard", Rule: "办公室面积超标", Severity: "violation", Subject: "person",
		SubjectID: id("p1"), AgencyID: id("a1"), Agency: "市发展和改革委员会", PersonID: id("p1"), Person: "张三",
		RoomIDs: []uuid.UUID{id("r1"), id("r2")}, Rooms: []string{"301", "302"},
		AreaM2: 36, StandardM2: 24, ExcessM2: 12, ExcessPct: 50, Deadline: "2025-06-30", Action: "调整",
		Source: "党政机关办公用房建设标准 第十三条", Message: "超标 12.00 m²（50.0%）", Basis: "按实有人员"}
}

func TestAppendFindingCases(t *testing.T) {
	with := func(change func(r *FindingRow)) FindingRow {
		r := fullFinding()
		change(&r)
		return r
	}
	for _, tc := range []struct {
		name string
		row  FindingRow
	}{
		{"full", fullFinding()},
		{"zero", FindingRow{}},
		{"nil slices", with(func(r *FindingRow) { r.RoomIDs, r.Rooms = nil, nil })},
		{"empty slices", with(func(r *FindingRow) { r.RoomIDs, r.Rooms = []uuid.UUID{}, []string{} })},
		{"one room", with(func(r *FindingRow) { r.RoomIDs, r.Rooms = []uuid.UUID{uuid.Nil}, []string{""} })},
		{"omitempty left out", with(func(r *FindingRow) { r.Deadline, r.Action, r.Basis = "", "", "" })},
		{"only basis", with(func(r *FindingRow) { r.Deadline, r.Action = "", "" })},
		{"tiny floats", with(func(r *FindingRow) {
			r.AreaM2, r.StandardM2, r.ExcessM2, r.ExcessPct = 1e-7, 9.99999e-7, 1e-6, 5e-324
		})},
		{"huge floats", with(func(r *FindingRow) {
			r.AreaM2, r.StandardM2, r.ExcessM2, r.ExcessPct = 1e21, 9.999999999999999e20, math.MaxFloat64, 1.5e300
		})},
		{"negative floats", with(func(r *FindingRow) {
			r.AreaM2, r.StandardM2, r.ExcessM2, r.ExcessPct = -3.5, -1e-9, -2e22, -0.1
		})},
		{"negative zero", with(func(r *FindingRow) { r.ExcessM2, r.ExcessPct = math.Copysign(0, -1), 0 })},
		{"long fractions", with(func(r *FindingRow) { r.AreaM2, r.ExcessPct = 0.1+0.2, 100.0/3 })},
		{"escapes", with(func(r *FindingRow) {
			r.Agency = `R&D "Lab", <Unit> \ back/slash`
			r.Person = "tab\there\nnew\rline\bbell\fform\x00nul\x01\x1f\x7f"
			r.Message = "sep\u2028line\u2029para"
			r.Rooms = []string{"<script>", "a&b", `"q"`}
		})},
		{"invalid UTF-8", with(func(r *FindingRow) {
			r.Agency = "bad\xffbyte"
			r.Person = "cut\xe5\x8f"             // a 3-byte rune cut short
			r.Message = "\xed\xa0\x80 surrogate" // an encoded surrogate is invalid
			r.Rooms = []string{"\xc0\xaf", "ok\x80"}
		})},
		{"CJK and emoji", with(func(r *FindingRow) {
			r.Agency, r.Person, r.Message = "中共某某市委办公室（市档案局）", "欧阳娜娜", "超标😀 ㎡ \u00a0 \ufeff"
		})},
	} {
		t.Run(tc.name, func(t *testing.T) { sameAsMarshalIndent(t, tc.name, &tc.row) })
	}
}

// randomText is a string of up to 12 pieces drawn from ASCII, escapes, CJK, the line separators and
// invalid UTF-8.
func randomText(rng *rand.Rand) string {
	pieces := []string{"a", "Z", "9", " ", "-", "=", "/", `"`, `\`, "<", ">", "&", "\n", "\r", "\t", "\b", "\f",
		"\x00", "\x1f", "\x7f", "办", "公", "室", "㎡", "（", "）", "\u2028", "\u2029", "😀", "\xff", "\xe5\x8f",
		"\x80", "\ufffd", "é"}
	var b strings.Builder
	for range rng.IntN(13) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

// randomFloat is a finite float64: a round area, a tiny or huge number, or any bit pattern that is finite.
func randomFloat(rng *rand.Rand) float64 {
	switch rng.IntN(6) {
	case 0:
		return math.Round(rng.Float64()*100000) / 100
	case 1:
		return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(50)-30))
	case 2:
		return []float64{0, math.Copysign(0, -1), 1e-6, 1e21, -1e21, 1e20, 5e-324, math.MaxFloat64}[rng.IntN(8)]
	}
	for {
		if f := math.Float64frombits(rng.Uint64()); !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f
		}
	}
}

func randomIDs(rng *rand.Rand) ([]uuid.UUID, []string) {
	switch n := rng.IntN(5); n {
	case 0:
		return nil, nil
	case 1:
		return []uuid.UUID{}, []string{}
	default:
		ids, rooms := make([]uuid.UUID, n-1), make([]string, n-1)
		for i := range ids {
			for k := range ids[i] {
				ids[i][k] = byte(rng.Uint32())
			}
			rooms[i] = randomText(rng)
		}
		return ids, rooms
	}
}

func TestAppendFindingRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 12))
	str := func() string {
		if rng.IntN(4) == 0 {
			return ""
		}
		return randomText(rng)
	}
	for i := range 5000 {
		r := FindingRow{RuleID: str(), Rule: str(), Severity: str(), Subject: str(), Agency: str(), Person: str(),
			AreaM2: randomFloat(rng), StandardM2: randomFloat(rng), ExcessM2: randomFloat(rng), ExcessPct: randomFloat(rng),
			Deadline: str(), Action: str(), Source: str(), Message: str(), Basis: str()}
		r.SubjectID, r.AgencyID, r.PersonID = uuid.New(), uuid.Nil, uuid.NewSHA1(uuid.NameSpaceURL, []byte(r.Person))
		r.RoomIDs, r.Rooms = randomIDs(rng)
		if rng.IntN(3) == 0 { // rooms and ids need not agree in length or nil-ness
			_, r.Rooms = randomIDs(rng)
		}
		sameAsMarshalIndent(t, "random row "+itoa(i), &r)
	}
}

func TestAppendAgencies(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var rows []AgencyRow
	for i := range 50 {
		rows = append(rows, AgencyRow{AgencyID: uuid.New(), Agency: randomText(rng), People: rng.IntN(1000) - 10,
			Rooms: i, OfficeAreaM2: randomFloat(rng), StandardAreaM2: randomFloat(rng),
			OfficeSpaceAreaM2: randomFloat(rng), ApprovedAreaM2: randomFloat(rng), Findings: rng.IntN(100000)})
	}
	for _, tc := range []struct {
		name string
		rows []AgencyRow
	}{{"nil", nil}, {"empty", []AgencyRow{}}, {"one", rows[:1]}, {"zero row", []AgencyRow{{}}}, {"many", rows}} {
		want, err := json.MarshalIndent(tc.rows, "  ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendAgencies(nil, tc.rows, "  ")
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: appendAgencies gives (%v)\n%s\nMarshalIndent gives\n%s", tc.name, err, got, want)
		}
	}
	for i := range rows {
		want, _ := json.MarshalIndent(&rows[i], "  ", "  ")
		if got, err := appendAgency(nil, &rows[i], "  "); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("agency %d: appendAgency gives (%v)\n%s\nMarshalIndent gives\n%s", i, err, got, want)
		}
	}
}

// TestAppendNotFinite: NaN and ±Inf are errors, as MarshalIndent makes them, naming the member.
func TestAppendNotFinite(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		r := fullFinding()
		r.ExcessPct = v
		if _, err := json.MarshalIndent(&r, "", "  "); err == nil {
			t.Fatalf("MarshalIndent took %v", v)
		}
		if _, err := appendFinding(nil, &r, ""); err == nil || !strings.Contains(err.Error(), "excess_pct") {
			t.Errorf("appendFinding with excess_pct %v: error %v", v, err)
		}
		a := AgencyRow{ApprovedAreaM2: v}
		if _, err := appendAgencies(nil, []AgencyRow{{}, a}, ""); err == nil || !strings.Contains(err.Error(), "approved_area_m2") {
			t.Errorf("appendAgencies with approved_area_m2 %v: error %v", v, err)
		}
		var out bytes.Buffer
		s := newJSONSink(&out, false)
		if err := s.start(&head{AsOf: "2025-01-01", Notes: []NoteRow{}}); err != nil {
			t.Fatal(err)
		}
		if err := s.finding(&r); err == nil || !strings.Contains(err.Error(), "report: writing JSON") {
			t.Errorf("jsonSink.finding with %v: error %v", v, err)
		}
	}
}

// totalsDocument is the document WriteTotals writes in JSON: Document without its findings.
type totalsDocument struct {
	AsOf     string      `json:"as_of"`
	Notes    []NoteRow   `json:"notes"`
	Agencies []AgencyRow `json:"agencies"`
	Total    AgencyRow   `json:"total"`
}

// TestJSONDocumentAsMarshalIndent: the JSON report, written row by row, is byte for byte
// json.MarshalIndent of the Document (of the totals alone for WriteTotals) and a line break.
func TestJSONDocumentAsMarshalIndent(t *testing.T) {
	for name, rep := range map[string]*floorplan.Report{"synth": synthReport(t), "notes": noteReport(t), "small": smallReport(t)} {
		for _, lang := range []string{"zh", "en"} {
			opt := Options{Lang: lang}
			doc, err := Build(rep, opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, totals := range []bool{false, true} {
				var v any = doc
				write := Write
				if totals {
					v, write = totalsDocument{AsOf: doc.AsOf, Notes: doc.Notes, Agencies: doc.Agencies, Total: doc.Total}, WriteTotals
				}
				want, err := json.MarshalIndent(v, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, '\n')
				var got bytes.Buffer
				if err := write(&got, rep, JSON, opt); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want) {
					t.Errorf("%s/%s totals=%v: written JSON differs from MarshalIndent's:\n%s\n----\n%s", name, lang, totals,
						firstChars(got.String()), firstChars(string(want)))
				}
			}
		}
	}
}

// BenchmarkJSONFinding writes the findings of the synthetic register as JSON rows: json.MarshalIndent,
// as jsonSink did, against appendFinding into a reused buffer.
func BenchmarkJSONFinding(b *testing.B) {
	doc, err := Build(synthReport(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	rows := doc.Findings
	b.Run("MarshalIndent", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for i := 0; b.Loop(); i++ {
			out, err := json.MarshalIndent(&rows[i%len(rows)], "    ", "  ")
			if err != nil {
				b.Fatal(err)
			}
			n += len(out)
		}
		b.SetBytes(int64(n / max(b.N, 1)))
	})
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		n := 0
		for i := 0; b.Loop(); i++ {
			if buf, err = appendFinding(buf[:0], &rows[i%len(rows)], "    "); err != nil {
				b.Fatal(err)
			}
			n += len(buf)
		}
		b.SetBytes(int64(n / max(b.N, 1)))
	})
}
