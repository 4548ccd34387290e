package imdf_test

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/imdf"
	"officemap/floorplan/imports/importtest"
)

// fuzzLimits keep each fuzz input cheap.
var fuzzLimits = imdf.Limits{MaxEntryBytes: 1 << 20, MaxRatio: 200, MaxTotalBytes: 4 << 20}

// FuzzReadZip feeds ReadZip arbitrary bytes as a zip archive: it must never panic, every error must
// name the archive, and what it accepts must be well formed. The seeds are an archive of the rooms of
// the shared data's Grenoble shopping centre (sharedArchive, when the data is there) and a small
// hand-made archive, each whole and cut short.
func FuzzReadZip(f *testing.F) {
	seeds := [][]byte{zipOf(f, archive(nil))}
	if _, err := importtest.SharedPath("osm/grenoble-caserne-de-bonne/caserne.osm"); err == nil {
		z, _ := sharedArchive(f)
		seeds = append(seeds, z)
	}
	for _, z := range seeds {
		f.Add(z)
		f.Add(z[:len(z)*3/4])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := imdf.ReadZip("fuzz.zip", bytes.NewReader(data), int64(len(data)), fuzzLimits)
		importtest.CheckFuzzed(t, "fuzz.zip", ds, err)
	})
}

// FuzzReadFS feeds ReadFS a small valid archive with one of its files replaced by arbitrary bytes
// (which is the file's index among them, sorted): it must never panic, every error must name the
// archive, what it accepts must be well formed, and the file cut before its end must be refused as
// cut short. The seeds are the files of a small hand-made archive, whole and cut short, and those of
// an archive of the rooms of the shared data's Grenoble shopping centre (sharedArchive, when the data
// is there; their first 16 KiB).
func FuzzReadFS(f *testing.F) {
	base := archive(nil)
	names := make([]string, 0, len(base))
	for name := range base {
		names = append(names, name)
	}
	sort.Strings(names)
	index := map[string]uint8{}
	for i, name := range names {
		index[name] = uint8(i)
		f.Add(uint8(i), base[name].Data)
		f.Add(uint8(i), base[name].Data[:len(base[name].Data)/2])
	}
	if _, err := importtest.SharedPath("osm/grenoble-caserne-de-bonne/caserne.osm"); err == nil {
		_, files := sharedArchive(f)
		for name, file := range files {
			if i, ok := index["venue/"+name]; ok {
				f.Add(i, file.Data[:min(len(file.Data), 16<<10)])
			}
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		files := fstest.MapFS{}
		for name, file := range base {
			files[name] = file
		}
		name := names[int(which)%len(names)]
		files[name] = &fstest.MapFile{Data: data}
		ds, err := imdf.ReadFS("fuzz.zip", files, fuzzLimits)
		importtest.CheckFuzzed(t, "fuzz.zip", ds, err)
		switch {
		case err != nil:
		case name == "venue/opening.geojson":
			checkLenientCutShort(t, ds, data, func(cut []byte) (*imports.Dataset, error) {
				files[name] = &fstest.MapFile{Data: cut}
				return imdf.ReadFS("fuzz.zip", files, fuzzLimits)
			})
		default:
			importtest.CheckCutShort(t, data, func(cut []byte) error {
				files[name] = &fstest.MapFile{Data: cut}
				_, err := imdf.ReadFS("fuzz.zip", files, fuzzLimits)
				return err
			})
		}
	})
}

// checkLenientCutShort is CheckCutShort for opening.geojson, which is read leniently: when the file was
// read whole (ds has no note that it cannot be), the file cut before its last closing brace is a note
// that it is cut short, and the rooms are read all the same.
func checkLenientCutShort(t *testing.T, ds *imports.Dataset, data []byte, read func(cut []byte) (*imports.Dataset, error)) {
	t.Helper()
	end := bytes.LastIndexByte(data, '}')
	if end < 0 || strings.Contains(fmt.Sprint(ds.Notes), "opening.geojson") && strings.Contains(fmt.Sprint(ds.Notes), "cannot be read") {
		return
	}
	cut, err := read(data[:end])
	if err != nil || len(cut.Buildings) != len(ds.Buildings) || !strings.Contains(fmt.Sprint(cut.Notes), "opening.geojson cannot be read (byte ") ||
		!strings.Contains(fmt.Sprint(cut.Notes), "the file is cut short") {
		t.Fatalf("opening.geojson accepted whole, but cut before its end (%d of %d bytes): err = %v, notes %v", end, len(data), err, cut)
	}
}
