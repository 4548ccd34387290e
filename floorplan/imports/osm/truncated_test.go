package osm

import (
	"bytes"
	"fmt"
	"testing"

	"officemap/floorplan/imports/importtest"
)

// OSM XML cut short is refused, naming the line where it ends and the elements still open there (the
// end tags missing). Its line count is that of the lines read: a cut after a line break ends on the
// next, empty line.
func TestReadXMLTruncated(t *testing.T) {
	caserne := importtest.SharedBytes(t, "osm/grenoble-caserne-de-bonne/caserne.osm") // 2,221 lines; way 27061582 on 441–470
	if _, err := Read("caserne.osm", bytes.NewReader(caserne), Limits{}); err != nil {
		t.Fatalf("the whole file: %v", err)
	}
	apb := importtest.SharedBytes(t, "osm/tu-dresden-apb/APBorig.osm") // relation 356156 from line 13900
	inNode := bytes.Index(caserne, []byte("lat='45.1844721'")) + 6
	importtest.CheckTruncations(t, "caserne.osm", Read, Limits{}, []importtest.Truncation{
		{Name: "in a way", Cut: importtest.FirstLines(caserne, 444),
			Want: []string{"line 445: ", "it ends inside <way> begun at line 441, in <osm> begun at line 2, before </way></osm>"}},
		{Name: "in a start tag", Cut: caserne[:inNode], Want: []string{"line 5: ", "inside <osm> begun at line 2, before </osm>"}},
		{Name: "before </osm>", Cut: importtest.FirstLines(caserne, 2220), Want: []string{"line 2221: ", "it ends inside <osm> begun at line 2, before </osm>"}},
		{Name: "in </osm>", Cut: caserne[:len(caserne)-3], Want: []string{"line 2221: ", "before </osm>"}},
		{Name: "in the declaration", Cut: caserne[:20], Want: []string{"line 1: ", "it ends before its first element is complete"}},
		{Name: "after the declaration", Cut: importtest.FirstLines(caserne, 1), Want: []string{"line 2: ", "it ends before its first element"}},
	})
	importtest.CheckTruncations(t, "APBorig.osm", Read, Limits{}, []importtest.Truncation{
		{Name: "in a relation", Cut: importtest.FirstLines(apb, 13950),
			Want: []string{"line 13951: ", "inside <relation> begun at line 13900, in <osm> begun at line 2"}},
		{Name: "in the middle", Cut: apb[:len(apb)/2], Want: []string{"before </osm>"}},
	})
}

// OSM GeoJSON cut short is refused, naming the byte where it ends and the feature it ends in.
func TestReadGeoJSONTruncated(t *testing.T) {
	data := importtest.SharedBytes(t, "osm/grenoble-caserne-de-bonne/caserne.geojson") // 123 features
	geometry := func(k int) int { return importtest.Nth(t, data, `"geometry"`, k) }
	importtest.CheckTruncations(t, "caserne.geojson", Read, Limits{}, []importtest.Truncation{
		{Name: "in the type", Cut: data[:10], Want: []string{"byte 10: ", `it ends inside the "type" member`}},
		{Name: "in feature 24", Cut: data[:geometry(24)], Want: []string{fmt.Sprintf("byte %d: ", geometry(24)), "it ends inside feature 24"}},
		{Name: "in the last feature", Cut: data[:geometry(123)], Want: []string{"it ends inside feature 123"}},
		{Name: "before the closing bracket", Cut: data[:len(data)-4], Want: []string{"it ends inside the features array, after feature 123"}},
		{Name: "before the closing brace", Cut: data[:len(data)-2], Want: []string{"it ends inside the FeatureCollection, before its closing }"}},
	})
}
