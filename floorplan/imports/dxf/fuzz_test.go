package dxf

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
)

// fuzzLimits keep each fuzz input cheap.
var fuzzLimits = Limits{MaxEntities: 20_000, MaxVertices: 5_000, MaxTotalVertices: 100_000, MaxLineBytes: 4096,
	MaxRecordPairs: 50_000, MaxDepth: 4, MaxExpanded: 50_000, MaxPoints: 200_000}

// FuzzParse feeds Parse and ReadDrawing arbitrary bytes: they must never panic, what they accept
// must be well formed, and a drawing Parse accepts, cut before its EOF record, must be refused as cut
// short. The seeds are the real drawings of ../shared/data (when present) and small hand-made ones.
func FuzzParse(f *testing.F) {
	// The real drawings, the larger one cut to its first 64 KiB (its header, tables and first entities):
	// the fuzzer minimises every input that finds new code, and minimising 1.5 MB takes minutes.
	importtest.AddSharedSeeds(f, 64<<10, "cad/contoso/dxf/contoso_v1_Ground.dxf", "cad/contoso/dxf/contoso_v2_Ground_rooms_walls.dxf")
	d := newDrawing(4, "UNITS", "UNITLABELS")
	d.rect("UNITS", 0, 0, 4000, 3000)
	d.poly("UNITS", true, [3]float64{5000, 0, 1}, [3]float64{-5000, 0, 1})
	d.text("UNITLABELS", "101", 2000, 1500)
	d.block("B", 0, 0, func(b *strings.Builder) {
		d.polyTo(b, "0", true, [3]float64{0, 0}, [3]float64{1, 0}, [3]float64{1, 1})
		insert(b, "X", "0", "B", 1, 1, 2, 2, 30)
	})
	insert(&d.ents, "I", "UNITS", "B", 10, 10, 1000, 1000, 45)
	f.Add([]byte(d.String()))
	f.Add([]byte(strings.ReplaceAll(d.String(), "\n", "\r\n")))
	// rooms on a layer and a sub-layer that tells their usage, an outline around them
	o := newDrawing(6, "A-AREA", "A-AREA-CIRC", "OUTLINE")
	o.rect("A-AREA", 0, 0, 4, 3)
	o.rect("A-AREA-CIRC", 4, 0, 8, 3)
	o.rect("OUTLINE", -1, -1, 9, 4)
	o.text("A-AREA", "CIRC1", 6, 1)
	f.Add([]byte(o.String()))
	f.Add([]byte("  0\nSECTION\n  2\nENTITIES\n  0\nPOLYLINE\n 70\n1\n  0\nVERTEX\n 10\n1\n 20\n2\n 42\n-3\n  0\nSEQEND\n  0\nENDSEC\n"))
	f.Add([]byte("  0\nSECTION\n  2\nENTITIES\n  0\nMTEXT\n  1\n{\\fA;\\S1^2;\\U+4F1A}\n  0\nINSERT\n 66\n1\n  0\nATTRIB\n  1\n7\n  0\nSEQEND\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dr, err := Parse(bytes.NewReader(data), fuzzLimits)
		if err != nil {
			return
		}
		if end := eofRecord(data); end >= 0 {
			if _, err := Parse(bytes.NewReader(data[:end]), fuzzLimits); !errors.Is(err, imports.ErrTruncated) {
				t.Fatalf("accepted whole, but cut before its EOF record (byte %d): err = %v", end, err)
			}
		}
		for _, e := range dr.Entities {
			if e.Index < 1 || e.Type == "" {
				t.Fatalf("entity %+v", e)
			}
		}
		ds, err := ReadDrawing("fuzz.dxf", dr, Options{Units: "m", Limits: fuzzLimits})
		importtest.CheckFuzzed(t, "fuzz.dxf", ds, err)
	})
}

// eofRecord is the offset of the EOF record (its code line) in a drawing Parse accepted, or -1: the
// first line whose value is EOF after a line whose group code is 0. (In a drawing Parse accepts, such
// a pair of lines can only be a record: the line after a value is a group code, which EOF is not.)
func eofRecord(data []byte) int {
	prev := -1 // the offset of the line before, when it is group code 0
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data) - off
		}
		line := strings.TrimSpace(string(data[off : off+end]))
		if prev >= 0 && strings.ToUpper(line) == "EOF" {
			return prev
		}
		prev = -1
		if n, err := strconv.Atoi(line); err == nil && n == 0 {
			prev = off
		}
		off += end + 1
	}
	return -1
}

// tenThousandRooms is a drawing of 10,000 rooms of 3 m × 4 m in millimetres, each labelled, in a grid
// of 100 × 100.
func tenThousandRooms() []byte {
	d := newDrawing(4, "UNITS", "UNITLABELS")
	for i := 0; i < 100; i++ {
		for j := 0; j < 100; j++ {
			x, y := float64(i*3000), float64(j*4000)
			d.rect("UNITS", x, y, x+3000, y+4000)
			d.text("UNITLABELS", fmt.Sprintf("%d-%03d", i, j), x+1500, y+2000)
		}
	}
	return []byte(d.String())
}

// BenchmarkRead10kRooms parses a 10,000-room drawing and reads its rooms and labels.
func BenchmarkRead10kRooms(b *testing.B) {
	data := tenThousandRooms()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		ds, err := Read("bench.dxf", bytes.NewReader(data), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if n := len(ds.Buildings[0].Rooms); n != 10_000 {
			b.Fatalf("%d rooms", n)
		}
	}
}
