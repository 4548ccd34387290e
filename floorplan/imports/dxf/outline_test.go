package dxf

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb/planar"

	"officemap/floorplan/imports/importtest"
	"officemap/geo"
)

// The Contoso drawings have their outline on OUTLINE (1.0) and GROS$ (2.0): the footprint is the
// largest closed polyline there, its area equal to GDAL's reading of it, at least the rooms' total,
// with every room's centroid inside it.
func TestContosoFootprints(t *testing.T) {
	tests := []struct {
		file, layer string
		scale       float64
	}{
		{"contoso_v1_Basement.dxf", "OUTLINE", 0.001},
		{"contoso_v1_Ground.dxf", "OUTLINE", 0.001},
		{"contoso_v1_Level_2.dxf", "OUTLINE", 0.001},
		{"contoso_v2_Ground_rooms_walls.dxf", "GROS$", 0.0254},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rel := "cad/contoso/dxf/" + tt.file
			ds := importtest.ReadShared(t, rel, Read, Options{})
			b := ds.Buildings[0]
			if len(b.Footprint) == 0 {
				t.Fatalf("no footprint; notes %v", ds.Notes)
			}
			largest := 0.0
			for _, g := range gdalEntities(t, importtest.SharedData(t, rel), tt.layer) {
				largest = math.Max(largest, g.area*tt.scale*tt.scale)
			}
			got := geo.Area(b.Footprint)
			if largest == 0 || math.Abs(got-largest) > 1e-6*largest {
				t.Errorf("footprint %.6f m², GDAL's largest polygon on %s %.6f m²", got, tt.layer, largest)
			}
			total := 0.0
			for _, r := range b.Rooms {
				total += geo.Area(r.Geometry)
				if c, _ := planar.CentroidArea(r.Geometry); !planar.PolygonContains(b.Footprint, c) {
					t.Errorf("room %s lies outside the footprint", r.Number)
				}
			}
			if got < total {
				t.Errorf("footprint %.1f m² < the rooms' %.1f m²", got, total)
			}
			t.Logf("footprint %.1f m², rooms %.1f m²", got, total)
			if notes := fmt.Sprint(ds.Notes); !strings.Contains(notes, fmt.Sprintf("footprint from layer %q", tt.layer)) {
				t.Errorf("notes lack the footprint's layer: %s", notes)
			}
		})
	}
}

func TestFootprint(t *testing.T) {
	rooms := func(d *drawing) {
		d.rect("UNITS", 0, 0, 10, 10)
		d.rect("UNITS", 10, 0, 20, 10)
	}
	t.Run("the polyline around the most rooms, the largest on a tie", func(t *testing.T) {
		d := newDrawing(6, "UNITS", "外轮廓")
		rooms(d)
		d.rect("外轮廓", 0, 0, 10, 10)     // around one room
		d.rect("外轮廓", -1, -1, 21, 11)   // around both
		d.rect("外轮廓", -2, -2, 22, 12)   // around both, larger
		d.rect("外轮廓", 100, 0, 500, 500) // larger still, around none
		if a := geo.Area(read(t, d, Options{}).Buildings[0].Footprint); a != 24*14 {
			t.Errorf("footprint %v m², want %v", a, 24*14)
		}
	})
	t.Run("a given layer, and rooms outside it", func(t *testing.T) {
		d := newDrawing(6, "UNITS", "SHELL")
		rooms(d)
		d.rect("SHELL", 0, 0, 10, 10)
		ds := read(t, d, Options{OutlineLayer: "shell"})
		if a := geo.Area(ds.Buildings[0].Footprint); a != 100 {
			t.Errorf("footprint %v m²", a)
		}
		if notes := fmt.Sprint(ds.Notes); !strings.Contains(notes, `1 of 2 rooms lie outside the footprint from layer "SHELL"`) {
			t.Errorf("notes: %s", notes)
		}
	})
	t.Run("none", func(t *testing.T) {
		for name, d := range map[string]*drawing{"no layer": newDrawing(6, "UNITS", "WALLS"), "no polyline around": newDrawing(6, "UNITS", "OUTLINE")} {
			rooms(d)
			if name == "no polyline around" {
				d.rect("OUTLINE", 50, 50, 60, 60)
			}
			ds := read(t, d, Options{})
			if ds.Buildings[0].Footprint != nil {
				t.Errorf("%s: footprint %v", name, ds.Buildings[0].Footprint)
			}
			want := map[string]string{"no layer": "no outline layer", "no polyline around": `no closed polyline on the outline layer "OUTLINE" is around the rooms`}[name]
			if notes := fmt.Sprint(ds.Notes); !strings.Contains(notes, want) {
				t.Errorf("%s: notes lack %q: %s", name, want, notes)
			}
		}
	})
	t.Run("a given layer that is not there", func(t *testing.T) {
		d := newDrawing(6, "UNITS")
		rooms(d)
		dr, _ := Parse(strings.NewReader(d.String()), Limits{})
		if _, err := ReadDrawing("plan.dxf", dr, Options{OutlineLayer: "GROS$"}); err == nil ||
			!strings.HasPrefix(err.Error(), `plan.dxf: --outline-layer "GROS$": the drawing has no such layer`) {
			t.Errorf("err = %v", err)
		}
	})
}
