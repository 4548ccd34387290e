package dxf

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
)

// contosoCategories reads the unit categories of the Contoso package 1.0 from its manifest.json, as
// Microsoft published it (beside the DWG drawings the DXF files were converted from): an oracle that
// this package does not read.
func contosoCategories(t *testing.T) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(importtest.SharedData(t, "cad/contoso/original/Contoso_DrawingPackage_1.0.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var m struct {
		UnitProperties []struct {
			UnitName     string `json:"unitName"`
			CategoryName string `json:"categoryName"`
		} `json:"unitProperties"`
	}
	if err := json.NewDecoder(f).Decode(&m); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, u := range m.UnitProperties {
		out[u.UnitName] = u.CategoryName
	}
	return out
}

// In the Contoso 1.0 floors the corridors, the stairs and the lift are told by their numbers (CIRC101,
// STR101, ELV101; CIRCB01 in the basement): every unit the manifest calls room.hallway comes in as
// circulation, every room.office as an office, and the stairs and lift (no category in the manifest)
// as circulation; the prefix is kept as the room's category.
func TestContosoV1Usages(t *testing.T) {
	categories := contosoCategories(t)
	for _, tt := range []struct{ file, corridor, stair, lift string }{
		{"contoso_v1_Ground.dxf", "CIRC101", "STR101", "ELV101"},
		{"contoso_v1_Basement.dxf", "CIRCB01", "STRB01", "ELVB01"},
		{"contoso_v1_Level_2.dxf", "CIRC201", "STR201", "ELV201"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			ds := importtest.ReadShared(t, "cad/contoso/dxf/"+tt.file, Read, Options{})
			count := map[floorplan.Usage]int{}
			checked := 0
			for _, r := range ds.Buildings[0].Rooms {
				count[r.Usage]++
				want := floorplan.Usage("")
				switch categories[r.Number] {
				case "room.hallway":
					want = floorplan.UsageCirculation
				case "room.office":
					want = floorplan.UsageOffice
				}
				if r.Number == tt.stair || r.Number == tt.lift {
					want = floorplan.UsageCirculation
				}
				if want == "" {
					continue
				}
				checked++
				if r.Usage != want || r.UsageAssumed != (want == floorplan.UsageOffice) {
					t.Errorf("room %s (%s): usage %s (assumed %v), want %s", r.Number, categories[r.Number], r.Usage, r.UsageAssumed, want)
				}
			}
			if checked < 60 {
				t.Errorf("only %d rooms checked against the manifest", checked)
			}
			if count[floorplan.UsageCirculation] != 5 || count[floorplan.UsageOffice] != 58 {
				t.Errorf("usages %v, want 5 circulation (3 corridors, stairs, lift) and 58 offices", count)
			}
			for _, r := range ds.Buildings[0].Rooms {
				want := map[string]string{tt.stair: "STR", tt.lift: "ELV"}[r.Number]
				if strings.HasPrefix(r.Number, "CIRC") {
					want = "CIRC"
				}
				if r.Category != want {
					t.Errorf("room %s: category %q, want %q", r.Number, r.Category, want)
				}
				if r.Number == tt.corridor && (r.Usage != floorplan.UsageCirculation || r.UsageAssumed) {
					t.Errorf("the corridor %s is %s (assumed %v)", r.Number, r.Usage, r.UsageAssumed)
				}
			}
			notes := fmt.Sprint(ds.Notes)
			for _, w := range []string{"the drawing tells the usages of 5 rooms: 0 by their names, 5 by their numbers' prefixes",
				"58 rooms have no name, number prefix or layer that says their use and were imported as office"} {
				if !strings.Contains(notes, w) {
					t.Errorf("notes lack %q:\n%s", w, notes)
				}
			}
		})
	}
}

// In the Contoso 2.0 floor the room types on A-IDEN-NAME-EXST tell the usages: each type name GDAL
// reads gives its usage to the room that contains it, and is kept as the room's category.
func TestContosoV2Usages(t *testing.T) {
	const rel = "cad/contoso/dxf/contoso_v2_Ground_rooms_walls.dxf"
	ds := importtest.ReadShared(t, rel, Read, Options{})
	usageOf := map[string]floorplan.Usage{
		"Restroom": floorplan.UsageToilet, "Stairwell": floorplan.UsageCirculation, "Elevator": floorplan.UsageCirculation,
		"Lobby/Reception": floorplan.UsageCirculation, "Office": floorplan.UsageOffice, "Conference": floorplan.UsageService,
		"Meeting": floorplan.UsageService, "Storage": floorplan.UsageService, "Mech/Elec": floorplan.UsageEquipment,
	}
	const inch = 0.0254
	byName := map[string]int{}
	for _, g := range gdalEntities(t, importtest.SharedData(t, rel), "A-IDEN-NAME-EXST") {
		want, ok := usageOf[g.text]
		if !ok {
			continue
		}
		p := orb.Point{g.x * inch, g.y * inch}
		i := containing(ds.Buildings[0].Rooms, p)
		if i < 0 {
			t.Logf("%q at %v is in no room", g.text, p) // one of the two Lobby/Reception texts
			continue
		}
		byName[g.text]++
		room := ds.Buildings[0].Rooms[i]
		if room.Usage != want || room.UsageAssumed || room.Category != g.text {
			t.Errorf("room %s named %q: usage %s (assumed %v), category %q; want %s", room.Number, g.text, room.Usage,
				room.UsageAssumed, room.Category, want)
		}
	}
	for name, n := range map[string]int{"Restroom": 2, "Stairwell": 6, "Elevator": 2, "Conference": 21, "Office": 8, "Lobby/Reception": 1} {
		if byName[name] != n {
			t.Errorf("%d rooms named %q checked, want %d", byName[name], name, n)
		}
	}
}

// Usages from layers: the sub-layers of the rooms layer whose names tell a usage hold rooms too (the
// NCS's A-AREA-CIRC under A-AREA), a gross-area sub-layer does not; several rooms layers may be given;
// an operator's map overrides the default.
func TestUsagesFromLayers(t *testing.T) {
	d := newDrawing(6, "A-AREA", "A-AREA-CIRC", "A-AREA-GROS", "A-AREA-IDEN", "STAIRS", "ROOMNAMES")
	d.rect("A-AREA-GROS", -1, -1, 31, 11)
	d.rect("A-AREA", 0, 0, 10, 10)
	d.rect("A-AREA", 10, 0, 20, 10)
	d.rect("A-AREA-CIRC", 20, 0, 25, 10)
	d.rect("STAIRS", 25, 0, 30, 10)
	d.text("A-AREA-IDEN", "101", 5, 5)
	d.text("A-AREA-IDEN", "STR1", 15, 5)
	d.text("A-AREA-IDEN", "C1", 22, 5)
	d.text("A-AREA-IDEN", "S1", 27, 5)
	d.text("ROOMNAMES", "卫生间", 5, 6)

	byNumber := func(ds *imports.Dataset) map[string]imports.Room {
		out := map[string]imports.Room{}
		for _, r := range ds.Buildings[0].Rooms {
			out[r.Number] = r
		}
		return out
	}
	check := func(t *testing.T, rooms map[string]imports.Room, want map[string]floorplan.Usage, category map[string]string) {
		t.Helper()
		if len(rooms) != len(want) {
			t.Errorf("rooms %v, want %d", rooms, len(want))
		}
		for n, u := range want {
			if rooms[n].Usage != u || rooms[n].Category != category[n] {
				t.Errorf("room %s: %s %q, want %s %q", n, rooms[n].Usage, rooms[n].Category, u, category[n])
			}
		}
	}
	t.Run("sub-layer", func(t *testing.T) {
		ds := read(t, d, Options{})
		check(t, byNumber(ds), map[string]floorplan.Usage{"101": floorplan.UsageToilet, "STR1": floorplan.UsageCirculation,
			"C1": floorplan.UsageCirculation}, map[string]string{"101": "卫生间", "STR1": "STR", "C1": "A-AREA-CIRC"})
		if notes := fmt.Sprint(ds.Notes); !strings.Contains(notes, `rooms also from layers "A-AREA-CIRC"`) ||
			!strings.Contains(notes, `footprint from layer "A-AREA-GROS"`) {
			t.Errorf("notes: %s", notes)
		}
		if len(ds.Buildings[0].Footprint) == 0 {
			t.Error("no footprint")
		}
	})
	t.Run("given layers and an operator's map", func(t *testing.T) {
		m, err := imports.ParseUsageMap("usages.csv", strings.NewReader("str, service\n"))
		if err != nil {
			t.Fatal(err)
		}
		ds := read(t, d, Options{RoomsLayer: "A-AREA, stairs", Usages: m})
		check(t, byNumber(ds), map[string]floorplan.Usage{"101": floorplan.UsageToilet, "STR1": floorplan.UsageService,
			"C1": floorplan.UsageCirculation, "S1": floorplan.UsageCirculation},
			map[string]string{"101": "卫生间", "STR1": "STR", "C1": "A-AREA-CIRC", "S1": "STAIRS"})
	})
	t.Run("a given layer that is not there", func(t *testing.T) {
		dr, _ := Parse(strings.NewReader(d.String()), Limits{})
		_, err := ReadDrawing("plan.dxf", dr, Options{RoomsLayer: "A-AREA,LIFTS"})
		if err == nil || !strings.Contains(err.Error(), `--rooms-layer "LIFTS": the drawing has no such layer`) {
			t.Errorf("err = %v", err)
		}
	})
}
