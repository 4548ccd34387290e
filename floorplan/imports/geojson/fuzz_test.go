package geojson

import (
	"bytes"
	"testing"

	"officemap/floorplan/imports/importtest"
)

// FuzzRead feeds Read arbitrary bytes: it must never panic, every error must name the file, and what
// it accepts must be well formed; a collection it accepts, cut before its closing brace, must be
// refused as cut short. The seeds are the real collections of ../shared/data (their first 8 KiB, when
// present) and small hand-made ones.
func FuzzRead(f *testing.F) {
	importtest.AddSharedSeeds(f, 8<<10, "osm/grenoble-caserne-de-bonne/caserne.geojson", "osm/tu-dresden-apb/apb.geojson")
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{"number":"101","level":2,"usage":"office"},` +
		`"geometry":{"type":"Polygon","coordinates":[[[119.97,31.81],[119.9701,31.81],[119.9701,31.8101],[119.97,31.81]]]}},` +
		`{"type":"Feature","properties":{"ref":"102","level":"1"},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}}]}`))
	f.Add([]byte(`{"features":[{"type":"Feature","properties":{"number":"1","building_id":"b"},"geometry":{"type":"Polygon",` +
		`"coordinates":[[[0,0],[4,0],[4,5],[0,0]]]}}],"crs":"local","georef":{"origin":[119.97,31.81],"scale":0.001},"type":"FeatureCollection"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := Read("fuzz.geojson", bytes.NewReader(data), Options{})
		importtest.CheckFuzzed(t, "fuzz.geojson", ds, err)
		if err == nil {
			importtest.CheckCutShort(t, data, func(cut []byte) error {
				_, err := Read("fuzz.geojson", bytes.NewReader(cut), Options{})
				return err
			})
		}
	})
}
