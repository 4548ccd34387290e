package geojson

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"officemap/floorplan/imports/importtest"
)

// A collection cut short is refused, naming the byte where it ends and the feature it ends in; no room
// of it is returned. Until the reader streamed, a cut collection was refused too, but with
// encoding/json's "unexpected end of JSON input", which says neither where nor in what.
func TestReadTruncated(t *testing.T) {
	data := importtest.SharedBytes(t, "osm/grenoble-caserne-de-bonne/caserne.geojson") // 123 features
	whole := importtest.ReadShared(t, "osm/grenoble-caserne-de-bonne/caserne.geojson", Read, Options{})
	rooms := 0
	for _, b := range whole.Buildings {
		rooms += len(b.Rooms)
	}
	if rooms != 123 {
		t.Fatalf("the whole file: %d rooms", rooms)
	}
	geometry := func(k int) int { return importtest.Nth(t, data, `"geometry"`, k) }
	properties := importtest.Nth(t, data, `"properties"`, 61) + 30
	importtest.CheckTruncations(t, "caserne.geojson", Read, Options{}, []importtest.Truncation{
		{Name: "in the type", Cut: data[:20], Want: []string{"byte 20: ", `it ends inside the "type" member`}},
		{Name: "in the features", Cut: data[:45], Want: []string{"byte 45: ", "it ends inside the features array, before its first feature"}},
		{Name: "in feature 24", Cut: data[:geometry(24)], Want: []string{fmt.Sprintf("byte %d: ", geometry(24)), "it ends inside feature 24"}},
		{Name: "in a property of feature 61", Cut: data[:properties], Want: []string{fmt.Sprintf("byte %d: ", properties), "inside feature 61"}},
		{Name: "in the last feature", Cut: data[:len(data)-12], Want: []string{"it ends inside feature 123"}},
		{Name: "before the closing bracket", Cut: data[:len(data)-4], Want: []string{"it ends inside the features array, after feature 123"}},
		{Name: "before the closing brace", Cut: data[:len(data)-2], Want: []string{"before its closing }"}},
	})
}

// Members may come in any order: a georef after the features still places the buildings.
func TestReadGeorefLast(t *testing.T) {
	src := `{"features":[{"type":"Feature","properties":{"number":"1"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,5],[0,5],[0,0]]]}}],
 "crs":"local","georef":{"origin":[119.97,31.81],"rotation_deg":10},"type":"FeatureCollection"}`
	ds, err := Read("x.geojson", strings.NewReader(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if g := ds.Buildings[0].Georef; ds.LonLat || g == nil || g.RotationDeg != 10 || g.Origin[0] != 119.97 {
		t.Errorf("dataset %+v, georef %+v", ds, g)
	}
}

// generated is a GeoJSON FeatureCollection of n rooms written as it is read, so that the test holds
// no copy of it: each room a square with a description of descBytes bytes (which Read does not keep).
type generated struct {
	n, i, descBytes int
	buf             []byte
	size            int64 // bytes read so far
	done            bool
}

func (g *generated) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		switch {
		case g.done:
			return 0, io.EOF
		case g.i == 0 && g.size == 0:
			g.buf = append(g.buf, `{"type":"FeatureCollection","features":[`...)
		case g.i == g.n:
			g.buf, g.done = append(g.buf, "]}"...), true
		default:
			if g.i > 0 {
				g.buf = append(g.buf, ',')
			}
			x, y := float64(g.i%100)*1e-4, float64(g.i/100)*1e-4
			g.buf = fmt.Appendf(g.buf, `{"type":"Feature","id":"r%d","properties":{"number":"%d","level":0,"description":"%s"},`+
				`"geometry":{"type":"Polygon","coordinates":[[[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f]]]}}`,
				g.i, g.i, strings.Repeat("x", g.descBytes), x, y, x+9e-5, y, x+9e-5, y+9e-5, x, y+9e-5, x, y)
			g.i++
		}
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	g.size += int64(n)
	return n, nil
}

// Read streams: the heap it takes for a 32 MB collection stays far below the file's size, bounded by
// the rooms it keeps and the garbage between two collections (about 6 MB here). Reading it whole took
// more than four times the file (150 MB): its bytes, a raw copy of each feature, and their garbage.
func TestReadStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 32 MB")
	}
	in := &generated{n: 4000, descBytes: 8000}
	var rooms int
	peak := importtest.PeakHeap(func() {
		ds, err := Read("large.geojson", in, Options{})
		if err != nil {
			t.Error(err)
			return
		}
		rooms = len(ds.Buildings[0].Rooms)
	})
	if rooms != in.n {
		t.Fatalf("%d rooms, want %d", rooms, in.n)
	}
	t.Logf("file %.1f MB, peak heap %.1f MB", float64(in.size)/1e6, float64(peak)/1e6)
	if peak > uint64(in.size)/2 {
		t.Errorf("peak heap %d bytes reading a file of %d bytes: more than half the file", peak, in.size)
	}
}
