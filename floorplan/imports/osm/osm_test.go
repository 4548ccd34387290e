package osm

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
	"officemap/geo"
)

func TestParseLevels(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		err  string
	}{
		{"0", []int{0}, ""},
		{"-1", []int{-1}, ""},
		{" 2 ", []int{2}, ""},
		{"0-3", []int{0, 1, 2, 3}, ""},
		{"-1-3", []int{-1, 0, 1, 2, 3}, ""},
		{"-3--1", []int{-3, -2, -1}, ""},
		{"3-1", []int{1, 2, 3}, ""},
		{"0;1", []int{0, 1}, ""},
		{"-1;0", []int{-1, 0}, ""},
		{"0;2;0-1", []int{0, 2, 1}, ""},
		{"1;", []int{1}, ""},
		{"", nil, "empty"},
		{";", nil, "no level number"},
		{"0.5", nil, "not a whole floor"},
		{"ground", nil, "not a level number"},
		{"0-1000", nil, "spans more than"},
		{"1-2-3", nil, "not a level number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLevels(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseLevels(%q) = %v, %v; want error %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ParseLevels(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		tags    map[string]string
		want    floorplan.Usage
		assumed bool
	}{
		{map[string]string{"indoor": "corridor"}, floorplan.UsageCirculation, false},
		{map[string]string{"indoor": "room", "room": "office"}, floorplan.UsageOffice, false},
		{map[string]string{"indoor": "room", "room": "toilets"}, floorplan.UsageToilet, false},
		{map[string]string{"indoor": "room", "amenity": "toilets"}, floorplan.UsageToilet, false},
		{map[string]string{"indoor": "room", "room": "shop", "shop": "outdoor"}, floorplan.UsageCommercial, false},
		{map[string]string{"indoor": "room", "shop": "clothes"}, floorplan.UsageCommercial, false},
		{map[string]string{"indoor": "room", "room": "technical"}, floorplan.UsageEquipment, false},
		{map[string]string{"indoor": "room", "room": "stairs"}, floorplan.UsageCirculation, false},
		{map[string]string{"indoor": "room", "name": "会议室"}, floorplan.UsageService, false},
		{map[string]string{"indoor": "area"}, floorplan.UsageCirculation, true},
		{map[string]string{"indoor": "room", "ref": "2013"}, floorplan.UsageOffice, true},
		// free text in room=* and amenity=* goes through the usage map
		{map[string]string{"indoor": "room", "room": "会议室"}, floorplan.UsageService, false},
		{map[string]string{"indoor": "room", "room": "pipe_shaft"}, floorplan.UsageShaft, false},
		{map[string]string{"indoor": "area", "room": "void"}, floorplan.UsageVoid, false},
		{map[string]string{"indoor": "room", "amenity": "elevator_lobby"}, floorplan.UsageCirculation, false},
		{map[string]string{"indoor": "room", "room": "yes", "name": "WC"}, floorplan.UsageToilet, false},
	}
	for _, tt := range tests {
		if u, a := usage(tt.tags, imports.DefaultUsageMap()); u != tt.want || a != tt.assumed {
			t.Errorf("usage(%v) = %s (assumed %v), want %s (%v)", tt.tags, u, a, tt.want, tt.assumed)
		}
	}
}

// ReadWith takes an operator's usage map for free-text values; Read uses the default map.
func TestReadWithUsageMap(t *testing.T) {
	data := osmXML(wayXML(1, map[string]string{"indoor": "room", "level": "0", "room": "机要室"}, square(0, 0, 1)...) +
		wayXML(2, map[string]string{"indoor": "room", "level": "0", "room": "toilets"}, square(2, 0, 1)...))
	m, err := imports.ParseUsageMap("usages.csv", strings.NewReader("机要室, 服务用房\ntoilets, office\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		read   func() (*imports.Dataset, error)
		secret floorplan.Usage
	}{
		{"default", func() (*imports.Dataset, error) { return Read("a.osm", strings.NewReader(data), Limits{}) }, floorplan.UsageOffice},
		{"operator's", func() (*imports.Dataset, error) {
			return ReadWith("a.osm", strings.NewReader(data), Options{Usages: m})
		}, floorplan.UsageService},
	} {
		ds, err := tt.read()
		if err != nil {
			t.Fatal(err)
		}
		rooms := ds.Buildings[0].Rooms
		if rooms[0].Usage != tt.secret || rooms[0].Category != "机要室" {
			t.Errorf("%s map: room=机要室 is %s, category %q", tt.name, rooms[0].Usage, rooms[0].Category)
		}
		// OSM's own values keep their meaning: the map is for free text.
		if rooms[1].Usage != floorplan.UsageToilet {
			t.Errorf("%s map: room=toilets is %s", tt.name, rooms[1].Usage)
		}
	}
}

// osmXML builds a small OSM file: nodes of a 10 m grid near Changzhou and the given ways and relations.
func osmXML(elements string) string {
	var b strings.Builder
	b.WriteString("<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6' generator='test'>\n")
	for i := 0; i <= 6; i++ {
		for j := 0; j <= 6; j++ {
			// Node i*10+j at i*10 m east, j*10 m north of 119.97, 31.81 (roughly).
			fmt.Fprintf(&b, "  <node id='%d' lat='%.7f' lon='%.7f' />\n", i*10+j+1, 31.81+float64(j)*0.0000899, 119.97+float64(i)*0.0001057)
		}
	}
	b.WriteString(elements)
	b.WriteString("</osm>\n")
	return b.String()
}

// node is the id of the grid node at (i, j).
func node(i, j int) int { return i*10 + j + 1 }

// way writes a way through grid nodes with tags.
func wayXML(id int, tags map[string]string, pts ...[2]int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  <way id='%d'>\n", id)
	for _, p := range pts {
		fmt.Fprintf(&b, "    <nd ref='%d' />\n", node(p[0], p[1]))
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "    <tag k='%s' v='%s' />\n", k, tags[k])
	}
	b.WriteString("  </way>\n")
	return b.String()
}

func square(i, j, n int) [][2]int {
	return [][2]int{{i, j}, {i + n, j}, {i + n, j + n}, {i, j + n}, {i, j}}
}

func read(t *testing.T, src string) *imports.Dataset {
	t.Helper()
	ds, err := Read("test.osm", strings.NewReader(src), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestReadXML(t *testing.T) {
	src := osmXML(
		wayXML(100, map[string]string{"building": "government", "name": "市政府"}, square(0, 0, 6)...) +
			wayXML(1, map[string]string{"indoor": "room", "level": "0", "ref": "101", "name": "办公室"}, square(0, 0, 1)...) +
			wayXML(2, map[string]string{"indoor": "room", "level": "0;1", "ref": "102"}, square(1, 0, 1)...) +
			wayXML(3, map[string]string{"indoor": "corridor", "level": "0-2"}, square(2, 0, 1)...) +
			wayXML(4, map[string]string{"indoor": "room", "ref": "104"}, square(3, 0, 1)...) + // no level
			wayXML(5, map[string]string{"indoor": "room", "level": "0", "ref": "105"}, [2]int{4, 0}, [2]int{5, 0}, [2]int{5, 1}) + // open
			wayXML(6, map[string]string{"indoor": "room", "level": "0.5", "ref": "106"}, square(0, 2, 1)...) +
			wayXML(7, map[string]string{"indoor": "room", "level": "0"}, [2]int{0, 4}, [2]int{1, 4}, [2]int{1, 5}, [2]int{0, 4}) + // a node only
			"  <way id='8' action='delete'><nd ref='1'/><tag k='indoor' v='room'/></way>\n" +
			wayXML(9, map[string]string{"indoor": "room", "level": "0", "ref": "OUT"}, [2]int{0, 0}, [2]int{0, 0}) + // 2 points
			"  <way id='10'><nd ref='1'/><nd ref='999'/><nd ref='2'/><nd ref='1'/><tag k='indoor' v='room'/><tag k='level' v='0'/></way>\n" +
			// A room with a hole, from a multipolygon of two ways for its outer ring and one for the hole.
			wayXML(20, nil, [2]int{0, 2}, [2]int{3, 2}, [2]int{3, 5}) +
			wayXML(21, nil, [2]int{3, 5}, [2]int{0, 5}, [2]int{0, 2}) +
			wayXML(22, nil, square(1, 3, 1)...) +
			"  <relation id='30'><member type='way' ref='20' role='outer'/><member type='way' ref='21' role='outer'/>" +
			"<member type='way' ref='22' role='inner'/><tag k='type' v='multipolygon'/><tag k='indoor' v='area'/><tag k='level' v='1'/><tag k='name' v='Foyer'/></relation>\n")
	ds := read(t, src)
	if len(ds.Buildings) != 1 || ds.Buildings[0].Name != "市政府" || ds.Buildings[0].SourceID != "osm:way/100" || !ds.LonLat {
		t.Fatalf("buildings %+v", ds.Buildings)
	}
	rooms := map[string]imports.Room{}
	for _, r := range ds.Buildings[0].Rooms {
		rooms[r.Ref] = r
	}
	ok := func(ref, number string, level int, u floorplan.Usage) {
		t.Helper()
		r, found := rooms[ref]
		switch {
		case !found:
			t.Errorf("no room %s", ref)
		case r.Err != nil:
			t.Errorf("%s: %v", ref, r.Err)
		case r.Number != number || r.Ordinal != level || r.Usage != u:
			t.Errorf("%s: number %q level %d usage %s; want %q %d %s", ref, r.Number, r.Ordinal, r.Usage, number, level, u)
		}
	}
	ok("way/1", "101", 0, floorplan.UsageOffice)
	ok("way/2 (level 0)", "102", 0, floorplan.UsageOffice)
	ok("way/2 (level 1)", "102", 1, floorplan.UsageOffice)
	ok("way/3 (level 2)", "", 2, floorplan.UsageCirculation)
	ok("relation/30", "Foyer", 1, floorplan.UsageCirculation)
	if r := rooms["way/2 (level 1)"]; r.SourceID != "osm:way/2@1" {
		t.Errorf("source id %q", r.SourceID)
	}
	if r := rooms["relation/30"]; len(r.Geometry) != 2 {
		t.Errorf("the multipolygon room has %d rings, want 2", len(r.Geometry))
	}
	bad := map[string]string{
		"way/4":  "no level tag",
		"way/5":  "not closed",
		"way/6":  "not a whole floor",
		"way/9":  "only 2 points",
		"way/10": "node 999 of way 10 is not in the file",
	}
	for ref, want := range bad {
		if r := rooms[ref]; r.Err == nil || !strings.Contains(r.Err.Error(), want) {
			t.Errorf("%s: err %v, want %q", ref, r.Err, want)
		}
	}
	if _, found := rooms["way/8"]; found {
		t.Error("a deleted way was read")
	}
	if r := rooms["way/7"]; r.Err != nil || geo.Validate(r.Geometry) != nil {
		// a closed triangle is a valid polygon
		t.Errorf("way/7: %v", r.Err)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not OSM", "<html></html>", "not an OSM XML file"},
		{"bad XML", "<osm><node id='1' lat='1' lon='2'></osm>", "line 1"},
		{"bad node", "<osm><node id='x' lat='1' lon='2'/></osm>", `node "x" has no valid id`},
		{"neither", "hello", "neither OSM XML nor GeoJSON"},
		{"no rooms", osmXML(""), "no indoor=room"},
		{"GeoJSON not a collection", `{"type":"Feature"}`, "a FeatureCollection is needed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read("x.osm", strings.NewReader(tt.in), Limits{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "x.osm: ") {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	t.Run("limits", func(t *testing.T) {
		_, err := Read("x.osm", strings.NewReader(osmXML("")), Limits{MaxNodes: 10, MaxWays: 10, MaxWayNodes: 10, MaxRefs: 10, MaxBytes: 10})
		if !errors.Is(err, ErrLimit) {
			t.Errorf("err = %v, want ErrLimit", err)
		}
	})
}

func TestReadAPB(t *testing.T) {
	for _, name := range []string{"APBorig.osm", "apb.geojson"} {
		t.Run(name, func(t *testing.T) {
			ds := importtest.ReadShared(t, "osm/tu-dresden-apb/"+name, Read, Limits{})
			if len(ds.Buildings) != 1 || ds.Buildings[0].Name != "Andreas-Pfitzmann-Bau" {
				t.Fatalf("buildings: %d, first %q", len(ds.Buildings), ds.Buildings[0].Name)
			}
			rooms, levels, bad := 0, map[int]int{}, 0
			ways := map[string]bool{}
			for _, r := range ds.Buildings[0].Rooms {
				if r.Err != nil {
					bad++
					continue
				}
				rooms++
				levels[r.Ordinal]++
				ways[strings.Fields(r.Ref)[0]] = true
			}
			// 400 indoor=room, 43 corridors, 3 areas; 6 on levels 0-3 and 3 on -1-3 count on each level.
			if len(ways) != 446 || rooms != 476 || bad != 0 {
				t.Errorf("%d features, %d room-levels, %d problems; want 446, 476, 0", len(ways), rooms, bad)
			}
			if levels[-1] != 3 || levels[0] == 0 || levels[3] == 0 || len(levels) != 5 {
				t.Errorf("levels %v", levels)
			}
		})
	}
}

// The XML and the GeoJSON of the same data give the same rooms.
func TestReadXMLAndGeoJSONAgree(t *testing.T) {
	load := func(name string) map[string]imports.Room {
		out := map[string]imports.Room{}
		for _, b := range importtest.ReadShared(t, "osm/grenoble-caserne-de-bonne/"+name, Read, Limits{}).Buildings {
			for _, r := range b.Rooms {
				out[r.Ref] = r
			}
		}
		return out
	}
	x, g := load("caserne.osm"), load("caserne.geojson")
	if len(x) != len(g) || len(x) != 75 {
		t.Fatalf("%d rooms from XML, %d from GeoJSON, want 75", len(x), len(g))
	}
	missing := 0
	for ref, xr := range x {
		gr, ok := g[ref]
		if !ok {
			// The two files are of slightly different dates: H&M (way/398056920) is on levels 0;2 in one
			// and 0;1 in the other.
			if missing++; missing > 1 {
				t.Errorf("%s is not in the GeoJSON", ref)
			}
			continue
		}
		if (xr.Err == nil) != (gr.Err == nil) || xr.Number != gr.Number || xr.Ordinal != gr.Ordinal || xr.Usage != gr.Usage {
			t.Errorf("%s: XML %q %d %s %v; GeoJSON %q %d %s %v", ref, xr.Number, xr.Ordinal, xr.Usage, xr.Err,
				gr.Number, gr.Ordinal, gr.Usage, gr.Err)
		}
		if xr.Err == nil && math.Abs(geo.Area(xr.Geometry)-geo.Area(gr.Geometry)) > 1e-15 {
			t.Errorf("%s: areas differ", ref)
		}
	}
	for _, ref := range []string{"way/398056943", "way/398056956"} {
		if x[ref].Err == nil {
			t.Errorf("%s should be a problem (no level; unclosed)", ref)
		}
	}
}

// FuzzRead feeds Read arbitrary bytes as OSM XML or GeoJSON: it must never panic, every error must
// name the file, and a file it accepts, cut before its end, must be refused as cut short. The seeds are
// the real files of ../shared/data (when present) and small hand-made ones.
func FuzzRead(f *testing.F) {
	importtest.AddSharedSeeds(f, 32<<10, "osm/grenoble-caserne-de-bonne/caserne.osm", "osm/grenoble-caserne-de-bonne/caserne.geojson")
	f.Add([]byte(osmXML(wayXML(1, map[string]string{"indoor": "room", "level": "-1-3;5"}, square(0, 0, 1)...) +
		"<relation id='3'><member type='way' ref='1' role='outer'/><tag k='type' v='multipolygon'/><tag k='indoor' v='room'/><tag k='level' v='0'/></relation>")))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"way/1","properties":{"indoor":"room","level":"0"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}`))
	lim := Limits{MaxNodes: 10_000, MaxWays: 1_000, MaxWayNodes: 1_000, MaxRefs: 20_000, MaxBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := Read("fuzz.osm", bytes.NewReader(data), lim)
		importtest.CheckFuzzed(t, "fuzz.osm", ds, err)
		if err == nil {
			importtest.CheckCutShort(t, data, func(cut []byte) error {
				_, err := Read("fuzz.osm", bytes.NewReader(cut), lim)
				return err
			})
		}
	})
}
