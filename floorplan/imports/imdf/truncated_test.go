package imdf_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/imdf"
	"officemap/floorplan/imports/importtest"
	"officemap/floorplan/imports/osm"
)

// sharedArchive is an IMDF archive of the rooms of the Grenoble shopping centre (caserne.osm of the shared
// data: 75 rooms on three levels), as a zip and as a folder of its files: one building, a level per
// floor, a unit per room with a polygon.
func sharedArchive(t testing.TB) ([]byte, fstest.MapFS) {
	t.Helper()
	ds := importtest.ReadShared(t, "osm/grenoble-caserne-de-bonne/caserne.osm", osm.Read, osm.Limits{})
	id := func(s string) string { return uuid.NewSHA1(uuid.NameSpaceURL, []byte(s)).String() }
	feature := func(key, typ string, geom orb.Geometry, props map[string]any) map[string]any {
		f := map[string]any{"id": id(key), "type": "Feature", "feature_type": typ, "geometry": nil, "properties": props}
		if geom != nil {
			f["geometry"] = geojson.NewGeometry(geom)
		}
		return f
	}
	building := feature("building", "building", nil, map[string]any{"name": map[string]string{"fr": "Caserne de Bonne"}})
	levels := map[int]map[string]any{}
	var units []map[string]any
	for _, b := range ds.Buildings {
		for _, r := range b.Rooms {
			if r.Err != nil {
				continue
			}
			if levels[r.Ordinal] == nil {
				levels[r.Ordinal] = feature(fmt.Sprint("level", r.Ordinal), "level", r.Geometry,
					map[string]any{"ordinal": r.Ordinal, "name": map[string]string{"fr": fmt.Sprint("niveau ", r.Ordinal)}, "building_ids": []string{id("building")}})
			}
			units = append(units, feature(r.SourceID, "unit", r.Geometry,
				map[string]any{"category": "room", "name": map[string]string{"fr": r.Number}, "level_id": id(fmt.Sprint("level", r.Ordinal))}))
		}
	}
	collection := func(fs ...map[string]any) *fstest.MapFile {
		data, err := json.MarshalIndent(map[string]any{"type": "FeatureCollection", "features": fs}, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		return &fstest.MapFile{Data: data}
	}
	var levelList []map[string]any
	for _, l := range levels {
		levelList = append(levelList, l)
	}
	files := fstest.MapFS{
		"manifest.json":    &fstest.MapFile{Data: []byte(`{"version":"1.0.0","created":"2024-01-01T00:00:00Z","language":"fr"}`)},
		"building.geojson": collection(building),
		"level.geojson":    collection(levelList...),
		"unit.geojson":     collection(units...),
	}
	return zipOf(t, files), files
}

// readZip reads a zip archive of name.
func readZip(name string, z []byte) (*imports.Dataset, error) {
	return imdf.ReadZip(name, bytes.NewReader(z), int64(len(z)), imdf.Limits{})
}

// A zip archive cut short — anywhere: its central directory is at its end — is refused, naming the
// byte where it ends.
func TestReadZipTruncated(t *testing.T) {
	z, _ := sharedArchive(t)
	if ds, err := readZip("caserne.zip", z); err != nil || len(ds.Buildings) == 0 {
		t.Fatalf("the whole archive: %v", err)
	}
	for _, n := range []int{len(z) / 10, len(z) / 2, len(z) * 9 / 10, len(z) - 22, len(z) - 1} {
		ds, err := readZip("caserne.zip", z[:n])
		if ds != nil {
			t.Errorf("a dataset from %d of %d bytes", n, len(z))
		}
		importtest.WantTruncated(t, err, "caserne.zip", fmt.Sprintf("byte %d: ", n), "ends before its central directory")
	}
	_, err := readZip("caserne.zip", []byte("not a zip at all"))
	if err == nil || err.Error() != "caserne.zip: not a zip archive: zip: not a valid zip file" {
		t.Errorf("err = %v", err)
	}
}

// A file of an archive (a folder, or a whole zip of files one of which was cut before it was packed)
// cut short is refused, naming the file, the byte where it ends and the feature it ends in.
func TestReadFileTruncated(t *testing.T) {
	_, files := sharedArchive(t)
	unit := files["unit.geojson"].Data
	geometry := importtest.Nth(t, unit, `"geometry"`, 30)
	level := bytes.TrimSpace(files["level.geojson"].Data)
	manifest := files["manifest.json"].Data
	tests := []struct {
		file string
		cut  []byte
		want string
	}{
		{"unit.geojson", unit[:geometry], fmt.Sprintf("venue.zip: unit.geojson: byte %d: the file is cut short: it ends inside feature 30", geometry)},
		{"unit.geojson", unit[:len(unit)/2], "venue.zip: unit.geojson: byte "},
		{"level.geojson", level[:len(level)-1], fmt.Sprintf("venue.zip: level.geojson: byte %d: the file is cut short: it ends inside the FeatureCollection, before its closing }", len(level)-1)},
		{"manifest.json", manifest[:len(manifest)-2], fmt.Sprintf("venue.zip: manifest.json: byte %d: the file is cut short: it ends inside its JSON object", len(manifest)-2)},
		{"manifest.json", nil, "venue.zip: manifest.json: byte 0: the file is cut short"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s of %d bytes", tt.file, len(tt.cut)), func(t *testing.T) {
			cut := fstest.MapFS{}
			for name, f := range files {
				cut[name] = f
			}
			cut[tt.file] = &fstest.MapFile{Data: tt.cut}
			_, err := imdf.ReadFS("venue.zip", cut, imdf.Limits{})
			importtest.WantTruncated(t, err, "venue.zip", tt.want)
			_, err = readZip("venue.zip", zipOf(t, cut))
			importtest.WantTruncated(t, err, "venue.zip", tt.want)
		})
	}
}
