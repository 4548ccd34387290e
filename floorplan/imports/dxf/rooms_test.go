package dxf

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
	"officemap/geo"
)

// gdalFeature is one row GDAL's DXF driver reads.
type gdalFeature struct {
	handle, layer, text string
	area                float64 // of the closed polyline as a polygon (drawing units²)
	x, y                float64 // of a text
}

// gdalEntities reads the polylines and texts of some layers with ogrinfo: an oracle independent of this
// package. It fails the test in CI when GDAL is not installed, and skips it elsewhere.
func gdalEntities(t *testing.T, path string, layers ...string) []gdalFeature {
	t.Helper()
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogrinfo (GDAL) is not installed: .ci/run installs gdal-bin")
		}
		t.Skip("ogrinfo (GDAL) is not installed")
	}
	quoted := make([]string, len(layers))
	for i, l := range layers {
		quoted[i] = "'" + l + "'"
	}
	sql := "SELECT EntityHandle AS h, Layer AS l, Text AS n, ST_Area(ST_MakePolygon(geometry)) AS a, " +
		"ST_X(geometry) AS x, ST_Y(geometry) AS y FROM entities WHERE Layer IN (" + strings.Join(quoted, ",") + ")"
	cmd := exec.Command("ogrinfo", "-ro", "-q", "-dialect", "SQLite", "-sql", sql, path)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("ogrinfo: %v", err)
	}
	var fs []gdalFeature
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "OGRFeature(") {
			fs = append(fs, gdalFeature{})
			continue
		}
		k, v, ok := strings.Cut(line, " = ")
		if !ok || len(fs) == 0 {
			continue
		}
		f := &fs[len(fs)-1]
		num, _ := strconv.ParseFloat(v, 64)
		switch strings.Fields(k)[0] {
		case "h":
			f.handle = v
		case "l":
			f.layer = v
		case "n":
			f.text = v
		case "a":
			f.area = num
		case "x":
			f.x = num
		case "y":
			f.y = num
		}
	}
	return fs
}

func TestReadContoso(t *testing.T) {
	tests := []struct {
		file, roomsLayer, labelsLayer string
		scale                         float64 // metres per drawing unit
		rooms, generated              int
		totalM2                       float64 // GDAL's sum, rounded, as a sanity bound
	}{
		{"contoso_v1_Basement.dxf", "UNITS", "UNITLABELS", 0.001, 63, 0, 4897.2},
		{"contoso_v1_Ground.dxf", "UNITS", "UNITLABELS", 0.001, 63, 0, 4897.2},
		{"contoso_v1_Level_2.dxf", "UNITS", "UNITLABELS", 0.001, 63, 0, 4897.2},
		{"contoso_v2_Ground_rooms_walls.dxf", "RM$", "A-IDEN-NUMR-EXST", 0.0254, 68, 1, 2429.8},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rel := "cad/contoso/dxf/" + tt.file
			ds := importtest.ReadShared(t, rel, Read, Options{Level: 1})
			if len(ds.Buildings) != 1 {
				t.Fatalf("%d buildings", len(ds.Buildings))
			}
			rooms := ds.Buildings[0].Rooms
			if len(rooms) != tt.rooms {
				t.Fatalf("%d rooms, want %d", len(rooms), tt.rooms)
			}
			oracle := gdalEntities(t, importtest.SharedData(t, rel), tt.roomsLayer, tt.labelsLayer)
			area := map[string]float64{}
			var labels []gdalFeature
			for _, g := range oracle {
				if g.layer == tt.roomsLayer {
					area[g.handle] = g.area * tt.scale * tt.scale
				} else {
					labels = append(labels, g)
				}
			}
			byNumber := map[string][]imports.Room{} // numbers may repeat: the v1 drawings label two rooms "136"
			generated, numbered, total := 0, 0, 0.0
			for _, r := range rooms {
				if r.Err != nil {
					t.Errorf("%s: %v", r.Ref, r.Err)
					continue
				}
				if r.Ordinal != 1 {
					t.Errorf("%s is on level %d, want 1", r.Ref, r.Ordinal)
				}
				if err := geo.Validate(r.Geometry); err != nil {
					t.Errorf("%s: %v", r.Ref, err)
				}
				handle := r.SourceID[strings.LastIndex(r.SourceID, ":")+1:]
				want, ok := area[handle]
				if !ok {
					t.Errorf("%s: GDAL has no polyline with handle %s on %s", r.Ref, handle, tt.roomsLayer)
				}
				got := geo.Area(r.Geometry)
				total += got
				if math.Abs(got-want) > 1e-6*math.Max(1, want) {
					t.Errorf("%s: area %.6f m², GDAL %.6f m²", r.Ref, got, want)
				}
				if r.GeneratedNumber {
					generated++
					continue
				}
				byNumber[r.Number] = append(byNumber[r.Number], r)
				numbered++
			}
			if generated != tt.generated {
				t.Errorf("%d generated numbers, want %d", generated, tt.generated)
			}
			if math.Abs(total-tt.totalM2) > 0.1 {
				t.Errorf("total area %.2f m², want %.1f", total, tt.totalM2)
			}
			// Every label GDAL reads numbers the room that contains it.
			for _, l := range labels {
				p := orb.Point{l.x * tt.scale, l.y * tt.scale}
				if containing(byNumber[l.text], p) < 0 {
					t.Errorf("label %q at %v is in none of the rooms numbered %q (%d)", l.text, p, l.text, len(byNumber[l.text]))
				}
			}
			if len(labels) != numbered {
				t.Errorf("%d labels, %d numbered rooms", len(labels), numbered)
			}
		})
	}
}

// containing is the index of the last room read without an error whose polygon contains p, -1 if none.
func containing(rooms []imports.Room, p orb.Point) int {
	at := -1
	for i, r := range rooms {
		if r.Err == nil && planar.PolygonContains(r.Geometry, p) {
			at = i
		}
	}
	return at
}

// The v2 drawing names its rooms on a third layer; the names give the usage.
func TestReadContosoNames(t *testing.T) {
	ds := importtest.ReadShared(t, "cad/contoso/dxf/contoso_v2_Ground_rooms_walls.dxf", Read, Options{})
	want := map[string]struct {
		name  string
		usage floorplan.Usage
	}{
		"1300": {"Office", floorplan.UsageOffice}, "1011": {"Restroom", floorplan.UsageToilet},
		"1013": {"Mech/Elec", floorplan.UsageEquipment}, "1002": {"Lobby/Reception", floorplan.UsageCirculation},
		"STR-1": {"Stairwell", floorplan.UsageCirculation},
	}
	found := 0
	for _, r := range ds.Buildings[0].Rooms {
		if w, ok := want[r.Number]; ok {
			found++
			if r.Name != w.name || r.Usage != w.usage || r.UsageAssumed {
				t.Errorf("room %s: name %q usage %s (assumed %v), want %q %s", r.Number, r.Name, r.Usage, r.UsageAssumed, w.name, w.usage)
			}
		}
		if r.Number == "DXF-37" && len(r.Geometry) != 4 {
			t.Errorf("the keyhole room (handle 37) has %d rings, want an outer ring and 3 holes", len(r.Geometry))
		}
	}
	if found != len(want) {
		t.Errorf("found %d of the %d rooms checked", found, len(want))
	}
	notes := fmt.Sprint(ds.Notes)
	for _, w := range []string{`names from layer "A-IDEN-NAME-EXST"`, "drawing unit: in", "handle 37"} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes lack %q:\n%s", w, notes)
		}
	}
}

func TestReadDrawing(t *testing.T) {
	t.Run("layers chosen by content", func(t *testing.T) {
		d := newDrawing(6, "WALLS", "SPACE-A", "TXT", "NOTES")
		d.rect("WALLS", -1, -1, 30, 30) // one closed polyline
		d.rect("SPACE-A", 0, 0, 4, 3)
		d.rect("SPACE-A", 4, 0, 8, 3)
		d.text("TXT", "A1", 2, 1.5)
		d.text("TXT", "A2", 6, 1.5)
		d.text("NOTES", "north", 50, 50)
		d.text("TXT", "stray", 20, 20)
		ds := read(t, d, Options{})
		rooms := ds.Buildings[0].Rooms
		if len(rooms) != 2 || rooms[0].Number != "A1" || rooms[1].Number != "A2" {
			t.Fatalf("rooms %+v", rooms)
		}
		if math.Abs(geo.Area(rooms[0].Geometry)-12) > 1e-9 {
			t.Errorf("area %v", geo.Area(rooms[0].Geometry))
		}
		notes := fmt.Sprint(ds.Notes)
		for _, w := range []string{`rooms from layer "SPACE-A", numbers from layer "TXT"`, `1 labels on layer "TXT" are in no room: "stray"`} {
			if !strings.Contains(notes, w) {
				t.Errorf("notes lack %q:\n%s", w, notes)
			}
		}
	})
	t.Run("nested rooms: the smallest takes the label; unlabelled rooms are numbered", func(t *testing.T) {
		d := newDrawing(6, "UNITS", "UNITLABELS")
		d.rect("UNITS", 0, 0, 10, 10)
		inner := d.rect("UNITS", 2, 2, 4, 4)
		d.text("UNITLABELS", "INNER", 3, 3)
		ds := read(t, d, Options{})
		rooms := ds.Buildings[0].Rooms
		if rooms[1].Number != "INNER" || !strings.HasSuffix(rooms[1].SourceID, ":"+inner) {
			t.Errorf("inner room %+v", rooms[1])
		}
		if !rooms[0].GeneratedNumber || !strings.HasPrefix(rooms[0].Number, "DXF-") {
			t.Errorf("outer room %+v", rooms[0])
		}
	})
	t.Run("given layers and units", func(t *testing.T) {
		d := newDrawing(0, "R", "N")
		d.rect("R", 0, 0, 400, 300)
		d.text("N", "101\\POffice", 200, 150)
		ds := read(t, d, Options{RoomsLayer: "r", LabelsLayer: "N", Units: "cm"})
		r := ds.Buildings[0].Rooms[0]
		if r.Number != "101" || r.Name != "Office" || r.Usage != floorplan.UsageOffice || math.Abs(geo.Area(r.Geometry)-12) > 1e-9 {
			t.Errorf("room %+v area %v", r, geo.Area(r.Geometry))
		}
	})
	t.Run("round room from bulges", func(t *testing.T) {
		d := newDrawing(4, "UNITS")
		d.poly("UNITS", true, [3]float64{5000, 0, 1}, [3]float64{-5000, 0, 1})
		r := read(t, d, Options{}).Buildings[0].Rooms[0]
		if a := geo.Area(r.Geometry); a > math.Pi*25 || math.Pi*25-a > 0.4 {
			t.Errorf("area %v, want about %v", a, math.Pi*25)
		}
	})
	t.Run("open and self-intersecting polylines are problems with their handles", func(t *testing.T) {
		d := newDrawing(6, "UNITS")
		open := d.poly("UNITS", false, [3]float64{0, 0}, [3]float64{1, 0}, [3]float64{1, 1})
		bow := d.poly("UNITS", true, [3]float64{10, 0}, [3]float64{12, 2}, [3]float64{12, 0}, [3]float64{10, 2})
		ds := read(t, d, Options{})
		var gotOpen, gotBow bool
		for _, r := range ds.Buildings[0].Rooms {
			if strings.Contains(r.Ref, "handle "+open) {
				gotOpen = r.Err != nil && strings.Contains(r.Err.Error(), "not closed")
			}
			if strings.Contains(r.Ref, "handle "+bow) {
				gotBow = r.Err == nil && geo.Validate(r.Geometry) != nil // the importer reports it with the reason
			}
		}
		if !gotOpen || !gotBow {
			t.Errorf("open %v, bow-tie %v: %+v", gotOpen, gotBow, ds.Buildings[0].Rooms)
		}
	})
}

func TestReadDrawingErrors(t *testing.T) {
	tests := []struct {
		name  string
		units int
		opt   Options
		want  string
	}{
		{"unitless", 0, Options{}, "$INSUNITS is 0 (unitless): give --units"},
		{"no units", -1, Options{}, "no $INSUNITS"},
		{"unsupported unit", 7, Options{}, "unsupported unit $INSUNITS = 7 (kilometres)"},
		{"bad units flag", 6, Options{Units: "furlong"}, `--units "furlong"`},
		{"unknown layer", 6, Options{RoomsLayer: "NOPE"}, `--rooms-layer "NOPE": the drawing has no such layer`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDrawing(tt.units, "UNITS")
			d.rect("UNITS", 0, 0, 1, 1)
			dr, err := Parse(strings.NewReader(d.String()), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = ReadDrawing("plan.dxf", dr, tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "plan.dxf: ") {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
			if !errors.Is(err, imports.ErrRejected) {
				t.Errorf("not an imports.Error: %T", err)
			}
		})
	}
	t.Run("no closed polylines", func(t *testing.T) {
		d := newDrawing(6, "A")
		d.text("A", "x", 0, 0)
		dr, _ := Parse(strings.NewReader(d.String()), Limits{})
		if _, err := ReadDrawing("plan.dxf", dr, Options{}); err == nil || !strings.Contains(err.Error(), "no closed polylines") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestUnkeyhole(t *testing.T) {
	// A 10×10 room around a 2×2 column reached by a cut from (0, 5) to (4, 5).
	keyhole := orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 5}, {4, 5}, {4, 6}, {6, 6}, {6, 4}, {4, 4}, {4, 5}, {0, 5}, {0, 0}}
	p, ok := Unkeyhole(keyhole)
	if !ok || len(p) != 2 || math.Abs(geo.Area(p)-96) > 1e-9 {
		t.Fatalf("keyhole: %v %v area %v", p, ok, geo.Area(p))
	}
	for name, r := range map[string]orb.Ring{
		"bow tie":          {{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}},
		"valid square":     {{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}},
		"figure of eight":  {{0, 0}, {2, 0}, {2, 2}, {4, 2}, {4, 4}, {2, 4}, {2, 2}, {0, 2}, {0, 0}},
		"too few points":   {{0, 0}, {1, 1}},
		"spike outward":    {{0, 0}, {4, 0}, {6, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}},
		"column outside":   {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 5}, {-4, 5}, {-4, 6}, {-6, 6}, {-6, 4}, {-4, 4}, {-4, 5}, {0, 5}, {0, 0}},
		"not finite point": {{0, 0}, {math.NaN(), 0}, {1, 1}, {0, 0}},
	} {
		if p, ok := Unkeyhole(r); ok {
			t.Errorf("%s: repaired into %v", name, p)
		}
	}
}

// read builds, parses and reads a drawing.
func read(t *testing.T, d *drawing, opt Options) *imports.Dataset {
	t.Helper()
	ds, err := Read("test.dxf", strings.NewReader(d.String()), opt)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}
