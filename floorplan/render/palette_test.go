package render

import (
	"image/color"
	"math"
	"testing"

	"officemap/floorplan"
)

// TestStatusPaletteColourBlind checks that over standard and compliant stay clearly apart for readers
// with the two common red–green deficiencies: both colours are passed through Machado, Oliveira and
// Fernandes' (2009) simulation at full severity and compared in CIELAB. The former red and green came
// out at ΔE 29 (deuteranopia) and 19 (protanopia); 50 is a difference nobody overlooks.
func TestStatusPaletteColourBlind(t *testing.T) {
	over, ok := StatusColor(floorplan.StatusOverStandard), StatusColor(floorplan.StatusCompliant)
	for _, tc := range []struct {
		name string
		m    [3][3]float64
	}{
		{"deuteranopia", [3][3]float64{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}},
		{"protanopia", [3][3]float64{{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := deltaE(simulate(over, tc.m), simulate(ok, tc.m)); d < 50 {
				t.Errorf("over standard %s and compliant %s are ΔE %.1f apart, want ≥ 50", Hex(over), Hex(ok), d)
			}
		})
	}
	// The measure itself must tell the former pair apart from the new one.
	red, green := color.NRGBA{0xd7, 0x30, 0x1f, 0xff}, color.NRGBA{0x1a, 0x98, 0x50, 0xff}
	deut := [3][3]float64{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}
	if d := deltaE(simulate(red, deut), simulate(green, deut)); d >= 50 {
		t.Errorf("the former red and green are ΔE %.1f apart under deuteranopia: the simulation is wrong", d)
	}
}

// simulate returns c's linear RGB as seen with the colour deficiency of matrix m (applied in linear RGB).
func simulate(c color.NRGBA, m [3][3]float64) [3]float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	in := [3]float64{lin(c.R), lin(c.G), lin(c.B)}
	var out [3]float64
	for i := range out {
		out[i] = math.Min(1, math.Max(0, m[i][0]*in[0]+m[i][1]*in[1]+m[i][2]*in[2]))
	}
	return out
}

// deltaE is the CIE76 difference of two linear sRGB colours (D65).
func deltaE(a, b [3]float64) float64 {
	la, lb := lab(a), lab(b)
	return math.Sqrt((la[0]-lb[0])*(la[0]-lb[0]) + (la[1]-lb[1])*(la[1]-lb[1]) + (la[2]-lb[2])*(la[2]-lb[2]))
}

// lab converts linear sRGB to CIELAB (D65 white).
func lab(c [3]float64) [3]float64 {
	x := (0.4124*c[0] + 0.3576*c[1] + 0.1805*c[2]) / 0.95047
	y := 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
	z := (0.0193*c[0] + 0.1192*c[1] + 0.9505*c[2]) / 1.08883
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	return [3]float64{116*f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))}
}
