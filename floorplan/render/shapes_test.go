package render

import (
	"bytes"
	"image/color"
	"testing"

	"github.com/paulmach/orb"

	"officemap/floorplan"
)

func TestShapesPNG(t *testing.T) {
	red := StatusColor(floorplan.StatusOverStandard)
	ink := color.NRGBA{0x40, 0x40, 0x40, 0xff}
	big := square(10.5, 10.5, 40.5, 30.5) // outlined: its edges fall on pixel centres
	tiny := square(50, 50, 52, 52)        // under MinSize: a dot of colour, no outline
	var buf bytes.Buffer
	err := ShapesPNG(&buf, 64, []Shape{{Polygon: big, Fill: red}, {Polygon: tiny, Fill: red}}, Outline{Color: ink, Width: 1, MinSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	im := decodePNG(t, buf.Bytes())
	if b := im.Bounds(); b.Dx() != 64 || b.Dy() != 64 {
		t.Fatalf("size %v", b)
	}
	tests := []struct {
		name string
		at   orb.Point
		want color.NRGBA
	}{
		{"inside the big shape", orb.Point{25, 20}, red},
		{"on its edge", orb.Point{10, 20}, ink},
		{"the tiny shape, where an outline would be", orb.Point{50, 50}, red},
		{"outside", orb.Point{5, 5}, color.NRGBA{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := color.NRGBAModel.Convert(im.At(int(tc.at[0]), int(tc.at[1]))).(color.NRGBA)
			if tc.want.A == 0 {
				if got.A != 0 {
					t.Errorf("pixel %v = %v, want transparent", tc.at, got)
				}
				return
			}
			if !sameColor(got, tc.want) {
				t.Errorf("pixel %v = %v, want %v", tc.at, got, tc.want)
			}
		})
	}
}
