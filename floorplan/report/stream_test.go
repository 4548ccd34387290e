package report

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
	"officemap/floorplan/synth"
)

// splitParts splits a whole report into the parts floorplan.Register.EvaluateParts yields: one per
// agency in ascending id order (uuid.Nil, the rooms and findings of no agency, first), each with that
// agency's findings, people, totals entry and rooms. It fails t when the parts' findings would not
// concatenate to the whole's (the report is not sorted by agency id first).
func splitParts(t testing.TB, rep *floorplan.Report) Parts {
	t.Helper()
	ids := map[uuid.UUID]bool{uuid.Nil: true}
	for _, a := range rep.Agencies {
		ids[a.AgencyID] = true
	}
	for _, f := range rep.Findings {
		ids[f.AgencyID] = true
	}
	order := make([]uuid.UUID, 0, len(ids))
	for id := range ids {
		order = append(order, id)
	}
	slices.SortFunc(order, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	var all []floorplan.Finding
	parts := make([]*floorplan.Report, 0, len(order))
	for _, id := range order {
		p := &floorplan.Report{AsOf: rep.AsOf, Policy: rep.Policy, Notes: rep.Notes}
		for _, f := range rep.Findings {
			if f.AgencyID == id {
				p.Findings = append(p.Findings, f)
			}
		}
		for _, x := range rep.People {
			if x.AgencyID == id {
				p.People = append(p.People, x)
			}
		}
		for _, x := range rep.Agencies {
			if x.AgencyID == id {
				p.Agencies = append(p.Agencies, x)
			}
		}
		for _, x := range rep.Rooms {
			if x.AgencyID == id {
				p.Rooms = append(p.Rooms, x)
			}
		}
		all = append(all, p.Findings...)
		parts = append(parts, p)
	}
	if !reflect.DeepEqual(all, rep.Findings) && len(rep.Findings) > 0 {
		t.Fatal("fixture: the parts' findings do not concatenate to the report's")
	}
	return func(fn func(*floorplan.Report) error) error {
		for _, p := range parts {
			if err := fn(p); err != nil {
				return err
			}
		}
		return nil
	}
}

// synthReport evaluates a small synthetic register: many agencies, rooms shared across agencies.
func synthReport(t testing.TB) *floorplan.Report {
	t.Helper()
	d := synth.Generate(synth.Config{Seed: 7, Buildings: 20, Floors: 3, RoomsPerFloor: 10})
	snap := &floorplan.Snapshot{AsOf: floorplan.Day(2025, time.June, 30), Buildings: d.Buildings, Floors: d.Floors,
		Rooms: d.Rooms, Agencies: d.Agencies, People: d.People, Assignments: d.Assignments}
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Agencies) < 10 || len(rep.Findings) < 100 {
		t.Fatalf("fixture: %d agencies, %d findings", len(rep.Agencies), len(rep.Findings))
	}
	return rep
}

// roomNumbers names rooms as the whole report does: a part knows only its own agency's rooms.
func roomNumbers(rep *floorplan.Report) func(uuid.UUID) string {
	return func(id uuid.UUID) string { r, _ := rep.Room(id); return r.Number }
}

// TestStreamEqualsWrite: the report streamed from its parts, agency by agency, is byte for byte the
// report written whole, in every format but XLSX (whose zip is compared by its cells), findings and
// totals, in both languages, with and without notes.
func TestStreamEqualsWrite(t *testing.T) {
	for name, rep := range map[string]*floorplan.Report{"synth": synthReport(t), "notes": noteReport(t), "small": smallReport(t)} {
		for _, f := range []Format{JSON, CSV, Table, XLSX} {
			for _, lang := range []string{"zh", "en"} {
				for _, totals := range []bool{false, true} {
					opt := Options{Lang: lang, RoomNumber: roomNumbers(rep)}
					write, stream := Write, Stream
					if totals {
						write, stream = WriteTotals, StreamTotals
					}
					var whole, parts bytes.Buffer
					if err := write(&whole, rep, f, Options{Lang: lang}); err != nil {
						t.Fatal(err)
					}
					if err := stream(&parts, rep.AsOf, splitParts(t, rep), f, opt); err != nil {
						t.Fatal(err)
					}
					label := name + "/" + string(f) + "/" + lang
					if totals {
						label += "/totals"
					}
					if f == XLSX {
						sameWorkbook(t, label, whole.Bytes(), parts.Bytes())
					} else if !bytes.Equal(whole.Bytes(), parts.Bytes()) {
						t.Errorf("%s: streamed output differs from the whole report's:\n%s\n----\n%s", label,
							firstChars(whole.String()), firstChars(parts.String()))
					}
				}
			}
		}
	}
}

func firstChars(s string) string { return s[:min(len(s), 2000)] }

// sameWorkbook fails t unless two XLSX files hold the same sheets and cells.
func sameWorkbook(t *testing.T, label string, a, b []byte) {
	t.Helper()
	fa, err := excelize.OpenReader(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	defer fa.Close()
	fb, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	if !reflect.DeepEqual(fa.GetSheetList(), fb.GetSheetList()) {
		t.Fatalf("%s: sheets %q and %q", label, fa.GetSheetList(), fb.GetSheetList())
	}
	for _, sh := range fa.GetSheetList() {
		ra, err := fa.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := fb.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		if len(ra) < 2 || !reflect.DeepEqual(ra, rb) {
			t.Errorf("%s: sheet %s: %d rows and %d rows, or cells differ", label, sh, len(ra), len(rb))
		}
	}
}

// TestStreamNoParts: a source that yields no part still gives a whole, empty document of the day.
func TestStreamNoParts(t *testing.T) {
	none := func(func(*floorplan.Report) error) error { return nil }
	var buf bytes.Buffer
	if err := Stream(&buf, floorplan.Day(2025, time.May, 4), none, JSON, Options{}); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"as_of\": \"2025-05-04\",\n  \"notes\": [],\n  \"findings\": [],\n  \"agencies\": [],\n" +
		"  \"total\": {\n    \"agency_id\": \"00000000-0000-0000-0000-000000000000\",\n    \"agency\": \"合计\",\n" +
		"    \"people\": 0,\n    \"rooms\": 0,\n    \"office_area_m2\": 0,\n    \"standard_area_m2\": 0,\n" +
		"    \"office_space_area_m2\": 0,\n    \"approved_area_m2\": 0,\n    \"findings\": 0\n  }\n}\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

// TestStreamErrors: an unknown format writes nothing; an error from the parts ends the stream with it.
func TestStreamErrors(t *testing.T) {
	rep := synthReport(t)
	var buf bytes.Buffer
	if err := Stream(&buf, rep.AsOf, splitParts(t, rep), "pdf", Options{}); !errors.Is(err, floorplan.ErrInvalid) || buf.Len() > 0 {
		t.Errorf("unknown format: %v, %d bytes written", err, buf.Len())
	}
	boom := errors.New("boom")
	for _, f := range []Format{JSON, CSV, Table, XLSX} {
		n := 0
		failing := func(fn func(*floorplan.Report) error) error {
			return splitParts(t, rep)(func(p *floorplan.Report) error {
				if n++; n == 3 {
					return boom
				}
				return fn(p)
			})
		}
		if err := Stream(&bytes.Buffer{}, rep.AsOf, failing, f, Options{}); !errors.Is(err, boom) {
			t.Errorf("%s: error %v, want the parts' error", f, err)
		}
	}
}

// TestStreamWritesAsPartsArrive: the rows of the first parts reach the writer before the last part is
// made (CSV and JSON stream; only their buffers hold rows back). The parts are made in another goroutine
// (Prefetch, as the CLI does): before the last one, the maker waits for the writer to have received bytes, which a
// writer that held every row to the end would never do.
func TestStreamWritesAsPartsArrive(t *testing.T) {
	rep := synthReport(t)
	for _, f := range []Format{CSV, JSON} {
		w := &sharedCounter{}
		parts := splitParts(t, rep)
		total := 0
		parts(func(*floorplan.Report) error { total++; return nil })
		n, seen := 0, int64(0)
		err := Stream(w, rep.AsOf, Prefetch(func(fn func(*floorplan.Report) error) error {
			return parts(func(p *floorplan.Report) error {
				if n++; n == total {
					for deadline := time.Now().Add(5 * time.Second); w.n.Load() == 0 && time.Now().Before(deadline); {
						time.Sleep(time.Millisecond)
					}
					seen = w.n.Load()
				}
				return fn(p)
			})
		}), f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if total < 3 || seen == 0 || seen >= w.n.Load() {
			t.Errorf("%s: %d bytes written before the last of %d parts, of %d", f, seen, total, w.n.Load())
		}
	}
}

// sharedCounter counts the bytes written to it, readable from any goroutine.
type sharedCounter struct{ n atomic.Int64 }

func (w *sharedCounter) Write(b []byte) (int, error) {
	w.n.Add(int64(len(b)))
	return len(b), nil
}

// TestPrefetchStopsWithTheWriter: when writing a part fails, the maker of the parts is stopped (it sees
// errStopped at its next part and makes no more), the writer's error is returned, and nothing is left
// running; a panic while making the parts comes back as an error.
func TestPrefetchStopsWithTheWriter(t *testing.T) {
	boom := errors.New("boom")
	made := 0
	parts := func(fn func(*floorplan.Report) error) error {
		for i := 0; i < 100; i++ {
			made++
			if err := fn(&floorplan.Report{}); err != nil {
				if !errors.Is(err, errStopped) {
					t.Errorf("the maker saw %v, want errStopped", err)
				}
				return err
			}
		}
		return nil
	}
	written := 0
	err := Prefetch(parts)(func(*floorplan.Report) error {
		if written++; written == 2 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want the writer's", err)
	}
	if made > written+2 {
		t.Errorf("%d parts made for %d written: the maker ran on", made, written)
	}
	err = Prefetch(func(fn func(*floorplan.Report) error) error {
		if err := fn(&floorplan.Report{}); err != nil {
			return err
		}
		panic("broken part")
	})(func(*floorplan.Report) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "broken part") {
		t.Errorf("a panic while making the parts: %v", err)
	}
}

// TestSpoolToFile: past spoolInMemory rows the table's spool moves to a file and reads back every row
// in order, then removes the file.
func TestSpoolToFile(t *testing.T) {
	var s spool
	n := spoolInMemory*2 + 3
	for i := range n {
		if err := s.add([]string{itoa(i), "a,b \"c\"", "行\n二"}); err != nil {
			t.Fatal(err)
		}
	}
	if s.file == nil {
		t.Fatal("the spool stayed in memory")
	}
	name := s.file.Name()
	i := 0
	if err := s.each(func(row []string) error {
		if want := []string{itoa(i), "a,b \"c\"", "行\n二"}; !reflect.DeepEqual(row, want) {
			t.Fatalf("row %d = %q, want %q", i, row, want)
		}
		i++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if i != n {
		t.Errorf("%d rows read back, want %d", i, n)
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(name); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the spool file is still there: %v", err)
	}
}
