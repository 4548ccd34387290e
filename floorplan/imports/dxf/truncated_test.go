package dxf

import (
	"bytes"
	"fmt"
	"testing"

	"officemap/floorplan/imports/importtest"
)

// A drawing cut short is refused whole, with the line where it ends and what was still expected
// there. The Contoso ground floor (its ENTITIES section begins on line 2194, OBJECTS on 8988, EOF on
// 10008) cut to 3,000 lines (of 10,008) used to import 24 of its 63 rooms, and cut to 30 KB all 63
// without their labels; cut inside OBJECTS or before its EOF record it imported the whole floor from
// an incomplete file.
func TestReadTruncated(t *testing.T) {
	data := importtest.SharedBytes(t, "cad/contoso/dxf/contoso_v1_Ground.dxf")
	whole, err := Read("contoso_v1_Ground.dxf", bytes.NewReader(data), Options{})
	if err != nil || len(whole.Buildings[0].Rooms) != 63 {
		t.Fatalf("the whole file: %v", err)
	}
	lines := func(n int) []byte { return importtest.FirstLines(data, n) }
	importtest.CheckTruncations(t, "contoso_v1_Ground.dxf", Read, Options{}, []importtest.Truncation{
		{Name: "3,000 lines", Cut: lines(3000), Want: []string{"line 3000: ", "inside the ENTITIES section begun at line 2194, before the section's ENDSEC"}},
		{Name: "30 KB", Cut: data[:30_000], Want: []string{fmt.Sprintf("line %d: ", importtest.LineCount(data[:30_000]))}},
		{Name: "30 KB, whole lines", Cut: lines(5090), Want: []string{"line 5090: ", "inside the ENTITIES section"}},
		{Name: "in the header", Cut: lines(40), Want: []string{"line 40: ", "inside the HEADER section begun at line 2"}},
		{Name: "in the blocks", Cut: lines(2150), Want: []string{"line 2150: ", "inside the BLOCKS section begun at line 2112"}},
		{Name: "in the objects, after every entity", Cut: lines(9500), Want: []string{"line 9500: ", "inside the OBJECTS section"}},
		{Name: "before EOF", Cut: lines(10006), Want: []string{"line 10006: ", "after the OBJECTS section, before the EOF record"}},
		{Name: "group code without its value", Cut: lines(10007), Want: []string{"line 10007: ", "group code 0 has no value"}},
		{Name: "empty", Cut: nil, Want: []string{"it is empty"}},
	})
}

// The inch drawing of Contoso 2.0 cut anywhere (here at every tenth of it, and two bytes short) is
// refused with the line where it ends.
func TestReadTruncatedAnywhere(t *testing.T) {
	data := importtest.SharedBytes(t, "cad/contoso/dxf/contoso_v2_Ground_rooms_walls.dxf")
	cuts := []int{len(data) - 2} // "0\nEO"
	for i := 1; i < 10; i++ {
		cuts = append(cuts, len(data)*i/10)
	}
	for _, n := range cuts {
		_, err := Read("v2.dxf", bytes.NewReader(data[:n]), Options{})
		importtest.WantTruncated(t, err, "v2.dxf", fmt.Sprintf("line %d: ", importtest.LineCount(data[:n])))
	}
}
