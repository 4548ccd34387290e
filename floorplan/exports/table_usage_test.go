package exports_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/exports"
)

// TestTableUsageLabels: a room of every usage the register knows is listed in a Chinese table under a
// Chinese name (shafts 管井, voids 中庭上空), never under its English key; the English table keeps the key.
func TestTableUsageLabels(t *testing.T) {
	f := newFixture(t)
	for i, u := range floorplan.Usages {
		r := floorplan.Room{FloorID: f.f2.ID, Number: fmt.Sprintf("U%02d", i), Usage: u, Geometry: rect(float64(10+3*i), 0, 2, 2)}
		if err := f.s.CreateRoom(ctx, &r); err != nil {
			t.Fatalf("a %s room: %v", u, err)
		}
	}
	d, err := exports.Load(ctx, f.s, exports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"zh", "en"} {
		var buf bytes.Buffer
		if err := exports.WriteCSV(&buf, d, exports.TableOptions{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bufio.NewReader(bytes.NewReader(buf.Bytes()[3:]))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{} // room number → usage cell
		for _, row := range rows[1:] {
			got[row[3]] = row[5]
		}
		for i, u := range floorplan.Usages {
			cell := got[fmt.Sprintf("U%02d", i)]
			switch {
			case lang == "en" && cell != string(u):
				t.Errorf("English table: usage %s written %q", u, cell)
			case lang == "zh" && (cell == "" || cell == string(u)):
				t.Errorf("Chinese table: usage %s written %q, want its Chinese name", u, cell)
			}
		}
		if lang == "zh" {
			for u, want := range map[floorplan.Usage]string{floorplan.UsageShaft: "管井", floorplan.UsageVoid: "中庭上空"} {
				if cell := got[fmt.Sprintf("U%02d", slices.Index(floorplan.Usages, u))]; cell != want {
					t.Errorf("Chinese table: %s written %q, want %q", u, cell, want)
				}
			}
		}
	}
}
