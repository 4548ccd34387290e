package dxf

import (
	"math"
	"sort"
	"testing"

	"officemap/floorplan/imports"
	"officemap/geo"
)

// drawingUnits are the units of TestSameDrawingInUnits: $INSUNITS code, --units name, metres per unit.
var drawingUnits = []struct {
	code  int
	name  string
	metre float64
}{{4, "mm", 0.001}, {5, "cm", 0.01}, {6, "m", 1}, {1, "in", 0.0254}}

// unitsFloor draws one floor, given in metres, in a unit of metre metres per drawing unit: three
// offices, an L-shaped hall and a round room, with their numbers. The expected areas are in m².
func unitsFloor(code int, metre float64) (*drawing, map[string]float64) {
	d := newDrawing(code, "UNITS", "UNITLABELS")
	u := func(m float64) float64 { return m / metre }
	rect := func(number string, x0, y0, x1, y1 float64) {
		d.rect("UNITS", u(x0), u(y0), u(x1), u(y1))
		d.text("UNITLABELS", number, u((x0+x1)/2), u((y0+y1)/2))
	}
	rect("301", 0, 0, 4, 6)          // 24 m²
	rect("302", 4, 0, 7.62, 6)       // 21.72 m²
	rect("303", 7.62, 0, 11.43, 5.5) // 20.955 m²
	// L-shaped hall: 11.43 × 2.5 plus 2 × 3.5 up the side.
	d.poly("UNITS", true, [3]float64{u(0), u(6)}, [3]float64{u(11.43), u(6)}, [3]float64{u(11.43), u(8.5)},
		[3]float64{u(2), u(8.5)}, [3]float64{u(2), u(12)}, [3]float64{u(0), u(12)})
	d.text("UNITLABELS", "H1", u(1), u(10))
	want := map[string]float64{"301": 24, "302": 21.72, "303": 3.81 * 5.5, "H1": 11.43*2.5 + 2*3.5}
	return d, want
}

// TestRoundRoomInUnits: an arc-bounded room is approximated within the same tolerance in metres
// whatever the drawing's unit, so its area agrees across units far better than the tolerance's bound.
func TestRoundRoomInUnits(t *testing.T) {
	var areas []float64
	for _, du := range drawingUnits {
		d := newDrawing(du.code, "UNITS")
		r := 5 / du.metre // a 5 m radius
		d.poly("UNITS", true, [3]float64{r, 0, 1}, [3]float64{-r, 0, 1})
		room := read(t, d, Options{}).Buildings[0].Rooms[0]
		a := geo.Area(room.Geometry)
		if a > math.Pi*25 || math.Pi*25-a > 0.4 {
			t.Errorf("%s: area %v, want about %v", du.name, a, math.Pi*25)
		}
		areas = append(areas, a)
	}
	sort.Float64s(areas)
	if spread := areas[len(areas)-1] - areas[0]; spread > 1e-6 {
		t.Errorf("round room areas differ across units by %g m²: %v", spread, areas)
	}
}

func areasByNumber(t *testing.T, ds *imports.Dataset) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, r := range ds.Buildings[0].Rooms {
		if r.Err != nil {
			t.Fatalf("room %s: %v", r.Ref, r.Err)
		}
		if _, dup := out[r.Number]; dup {
			t.Fatalf("two rooms numbered %s", r.Number)
		}
		out[r.Number] = geo.Area(r.Geometry)
	}
	if len(out) == 0 {
		t.Fatalf("no rooms in %+v", ds)
	}
	return out
}
