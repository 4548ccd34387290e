package source_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/imdf"
	"officemap/floorplan/imports/importtest"
	"officemap/floorplan/imports/source"
)

func ptr[T any](v T) *T { return &v }

func TestValidate(t *testing.T) {
	tests := []struct {
		name      string
		req       source.Request
		wantParam string // "" for a valid request
		want      string // in the message
	}{
		{"dxf with its options", source.Request{Format: "dxf", RoomsLayer: "A", LabelsLayer: "B", NamesLayer: "C", Units: "mm"}, "", ""},
		{"format in capitals", source.Request{Format: "GeoJSON"}, "", ""},
		{"units in capitals", source.Request{Format: "dxf", Units: "FT"}, "", ""},
		{"level at the bounds", source.Request{Format: "osm", Level: ptr(source.MinLevel)}, "", ""},
		{"unknown format", source.Request{Format: "shp"}, "format", `unknown format "shp"`},
		{"no format", source.Request{}, "format", `unknown format ""`},
		{"rooms layer on osm", source.Request{Format: "osm", RoomsLayer: "A"}, "rooms_layer", "rooms_layer applies to dxf imports only"},
		{"labels layer on imdf", source.Request{Format: "imdf", LabelsLayer: "A"}, "labels_layer", "applies to dxf"},
		{"names layer on geojson", source.Request{Format: "geojson", NamesLayer: "A"}, "names_layer", "applies to dxf"},
		{"units on osm", source.Request{Format: "osm", Units: "m"}, "units", "applies to dxf"},
		{"unknown units", source.Request{Format: "dxf", Units: "furlong"}, "units", `not "furlong"`},
		{"level too high", source.Request{Format: "dxf", Level: ptr(source.MaxLevel + 1)}, "level", "from -100 to 500"},
		{"rotation NaN", source.Request{Format: "dxf", Rotation: ptr(math.NaN())}, "rotation", "number of degrees"},
		{"rotation infinite", source.Request{Format: "dxf", Rotation: ptr(math.Inf(-1))}, "rotation", "number of degrees"},
		{"repair options at their bounds", source.Request{Format: "osm", Snap: ptr(source.MaxSnap), MaxRepair: ptr(0.0),
			IgnoreFootprint: true, Lang: "en-GB"}, "", ""},
		{"outline layer on dxf", source.Request{Format: "dxf", OutlineLayer: "OUTLINE", Lang: "zh-CN"}, "", ""},
		{"outline layer on osm", source.Request{Format: "osm", OutlineLayer: "OUTLINE"}, "outline_layer", "outline_layer applies to dxf imports only"},
		{"snap negative", source.Request{Format: "dxf", Snap: ptr(-0.001)}, "snap", "from 0 (off) to 0.1, not -0.001"},
		{"snap too far", source.Request{Format: "dxf", Snap: ptr(0.5)}, "snap", "metres from 0 (off) to 0.1"},
		{"snap NaN", source.Request{Format: "dxf", Snap: ptr(math.NaN())}, "snap", "not NaN"},
		{"max repair too large", source.Request{Format: "imdf", MaxRepair: ptr(2.0)}, "max_repair", "m² from 0 (off) to 1, not 2"},
		{"max repair infinite", source.Request{Format: "imdf", MaxRepair: ptr(math.Inf(1))}, "max_repair", "not +Inf"},
		{"unknown language", source.Request{Format: "geojson", Lang: "fr"}, "lang", `must be zh or en, not "fr"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.req.Validate()
			if tt.wantParam == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var pe *source.ParamError
			if !errors.As(err, &pe) || pe.Param != tt.wantParam || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want a ParamError on %s saying %q", err, tt.wantParam, tt.want)
			}
			if zh := pe.ProblemIn("zh"); zh == "" || zh == pe.Problem || !hasHan(zh) || pe.ProblemIn("en") != pe.Problem {
				t.Errorf("ProblemIn(zh) = %q, ProblemIn(en) = %q: want Chinese, and the English problem", zh, pe.ProblemIn("en"))
			}
		})
	}
}

// hasHan reports whether s has a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// The repair, footprint, language and usage options reach the import's options and the readers.
func TestReadOptions(t *testing.T) {
	for _, tt := range []struct {
		name                 string
		snap, maxRepair      *float64
		wantSnap, wantRepair float64
	}{
		{"defaults", nil, nil, 0, 0},
		{"off", ptr(0.0), ptr(0.0), -1, -1},
		{"given", ptr(0.01), ptr(0.5), 0.01, 0.5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := source.Read(source.Request{Format: "geojson", Data: []byte(twoRooms), Snap: tt.snap, MaxRepair: tt.maxRepair,
				IgnoreFootprint: true, Lang: "en"})
			if err != nil {
				t.Fatal(err)
			}
			if o := f.Options; o.Snap != tt.wantSnap || o.MaxRepair != tt.wantRepair || !o.IgnoreFootprint || o.Lang != "en" {
				t.Errorf("options snap %v, max repair %v, ignore footprint %v, lang %q; want %v, %v, true, en",
					o.Snap, o.MaxRepair, o.IgnoreFootprint, o.Lang, tt.wantSnap, tt.wantRepair)
			}
		})
	}
	t.Run("usage map", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "usages.csv")
		if err := os.WriteFile(path, []byte("Sonderraum, shaft\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		m, err := imports.ReadUsageMap(path)
		if err != nil {
			t.Fatal(err)
		}
		for format, data := range map[string]string{
			"geojson": strings.Replace(twoRooms, `"number":"101"`, `"number":"101","name":"Sonderraum"`, 1),
			"osm":     strings.Replace(oneWay, `<tag k="level" v="1"/>`, `<tag k="level" v="1"/><tag k="name" v="Sonderraum"/>`, 1),
		} {
			for _, usages := range []*imports.UsageMap{nil, m} {
				f, err := source.Read(source.Request{Format: format, Data: []byte(data), Usages: usages})
				if err != nil {
					t.Fatal(err)
				}
				got := f.Dataset.Buildings[0].Rooms[0].Usage
				if want := floorplan.UsageShaft; (got == want) != (usages != nil) {
					t.Errorf("%s with map %v: usage %s", format, usages != nil, got)
				}
			}
		}
	})
}

// The reasons of the rooms an import skips are told in the request's language.
func TestImportSkippedIn(t *testing.T) {
	// Room 102 is a bow tie: it crosses itself.
	const bad = `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"a","properties":{"number":"101","level":0},"geometry":{"type":"Polygon","coordinates":[[[119.97,31.81],[119.9701,31.81],[119.9701,31.8101],[119.97,31.8101],[119.97,31.81]]]}},
 {"type":"Feature","id":"b","properties":{"number":"102","level":0},"geometry":{"type":"Polygon","coordinates":[[[119.971,31.81],[119.9711,31.8101],[119.9711,31.81],[119.971,31.8101],[119.971,31.81]]]}}]}`
	for _, tt := range []struct{ lang, want, notWant string }{
		{"en", "self-intersects", "自相交"},
		{"", "自相交", "self-intersects"},
		{"zh-CN", "自相交", "self-intersects"},
	} {
		s := importtest.NewStore(t)
		sum, err := source.Import(context.Background(), floorplan.NewRegister(s),
			source.Request{Format: "geojson", Data: []byte(bad), Name: "bad.geojson", SkipInvalid: true, DryRun: true, Lang: tt.lang})
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Skipped) != 1 || sum.Skipped[0].Number != "102" {
			t.Fatalf("lang %q: skipped %+v, want room 102", tt.lang, sum.Skipped)
		}
		if r := sum.Skipped[0].Reason; !strings.Contains(r, tt.want) || strings.Contains(r, tt.notWant) {
			t.Errorf("lang %q: reason %q, want it to say %q", tt.lang, r, tt.want)
		}
	}
}

// twoRooms is a GeoJSON FeatureCollection of two rooms, the second on level 3.
const twoRooms = `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"a","properties":{"number":"101"},"geometry":{"type":"Polygon","coordinates":[[[119.97,31.81],[119.9701,31.81],[119.9701,31.8101],[119.97,31.8101],[119.97,31.81]]]}},
 {"type":"Feature","id":"b","properties":{"number":"301","level":3},"geometry":{"type":"Polygon","coordinates":[[[119.971,31.81],[119.9711,31.81],[119.9711,31.8101],[119.971,31.8101],[119.971,31.81]]]}}]}`

// oneWay is OSM XML of one room on level 1.
const oneWay = `<osm version="0.6"><node id="1" lat="31.81" lon="119.97"/><node id="2" lat="31.81" lon="119.9701"/>
<node id="3" lat="31.8101" lon="119.9701"/><node id="4" lat="31.8101" lon="119.97"/>
<way id="7"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/><tag k="indoor" v="room"/><tag k="level" v="1"/></way></osm>`

// oneRoomDXF is a drawing in metres of one 4 × 5 room on layer UNITS numbered 101 on UNITLABELS.
var oneRoomDXF = strings.Join([]string{
	"0", "SECTION", "2", "HEADER", "9", "$INSUNITS", "70", "6", "0", "ENDSEC",
	"0", "SECTION", "2", "ENTITIES",
	"0", "LWPOLYLINE", "5", "101", "8", "UNITS", "90", "4", "70", "1",
	"10", "0", "20", "0", "10", "4", "20", "0", "10", "4", "20", "5", "10", "0", "20", "5",
	"0", "TEXT", "5", "102", "8", "UNITLABELS", "10", "2", "20", "2", "40", "0.3", "1", "101",
	"0", "ENDSEC", "0", "EOF",
}, "\n") + "\n"

func TestRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rooms.geojson")
	if err := os.WriteFile(path, []byte(twoRooms), 0o600); err != nil {
		t.Fatal(err)
	}
	rot := 12.0
	t.Run("geojson from memory", func(t *testing.T) {
		f, err := source.Read(source.Request{Format: "geojson", Data: []byte(twoRooms), Level: ptr(2),
			Building: "  Hall  ", Rotation: &rot, SkipInvalid: true})
		if err != nil {
			t.Fatal(err)
		}
		if f.Dataset.File != "upload.geojson" {
			t.Errorf("file %q, want upload.geojson", f.Dataset.File)
		}
		var ordinals []int
		for _, b := range f.Dataset.Buildings {
			for _, r := range b.Rooms {
				ordinals = append(ordinals, r.Ordinal)
			}
		}
		if len(ordinals) != 2 || ordinals[0] != 2 || ordinals[1] != 3 {
			t.Errorf("ordinals %v, want [2 3] (the level for rooms without one)", ordinals)
		}
		o := f.Options
		if o.Building != "Hall" || o.Rotation != &rot || !o.SkipInvalid || o.DryRun || o.Level != nil {
			t.Errorf("options %+v", o)
		}
	})
	t.Run("geojson from a path", func(t *testing.T) {
		f, err := source.Read(source.Request{Format: "geojson", Path: path})
		if err != nil {
			t.Fatal(err)
		}
		if f.Dataset.File != "rooms.geojson" {
			t.Errorf("file %q, want rooms.geojson", f.Dataset.File)
		}
	})
	t.Run("the name of an upload", func(t *testing.T) {
		f, err := source.Read(source.Request{Format: "geojson", Data: []byte(twoRooms), Name: "../plans/hall.geojson"})
		if err != nil {
			t.Fatal(err)
		}
		if f.Dataset.File != "hall.geojson" {
			t.Errorf("file %q, want hall.geojson", f.Dataset.File)
		}
	})
	t.Run("osm keeps one level", func(t *testing.T) {
		f, err := source.Read(source.Request{Format: "osm", Data: []byte(oneWay), Level: ptr(1)})
		if err != nil {
			t.Fatal(err)
		}
		if f.Options.Level == nil || *f.Options.Level != 1 || f.Dataset.File != "upload.osm" {
			t.Errorf("level %v, file %q", f.Options.Level, f.Dataset.File)
		}
	})
	t.Run("dxf layers", func(t *testing.T) {
		f, err := source.Read(source.Request{Format: "dxf", Data: []byte(oneRoomDXF), Name: "plan.dxf", Level: ptr(1)})
		if err != nil {
			t.Fatal(err)
		}
		if b := f.Dataset.Buildings; f.Dataset.File != "plan.dxf" || len(b) != 1 || len(b[0].Rooms) != 1 ||
			b[0].Rooms[0].Number != "101" || b[0].Rooms[0].Ordinal != 1 {
			t.Errorf("dataset %s: %+v", f.Dataset.File, b)
		}
		_, err = source.Read(source.Request{Format: "dxf", Data: []byte(oneRoomDXF), Name: "plan.dxf", RoomsLayer: "NO-SUCH-LAYER"})
		if !errors.Is(err, imports.ErrRejected) || !strings.Contains(err.Error(), "NO-SUCH-LAYER") {
			t.Errorf("a missing rooms layer: %v", err)
		}
	})
	t.Run("imdf that is not a zip", func(t *testing.T) {
		_, err := source.Read(source.Request{Format: "imdf", Data: []byte("PK?"), Name: "venue.zip"})
		if !errors.Is(err, imports.ErrRejected) || !strings.Contains(err.Error(), "venue.zip: not a zip archive") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a missing file", func(t *testing.T) {
		for _, format := range []string{"dxf", "osm", "imdf", "geojson"} {
			_, err := source.Read(source.Request{Format: format, Path: filepath.Join(dir, "none")})
			if !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s: err = %v, want not exist", format, err)
			}
		}
	})
	t.Run("an invalid request", func(t *testing.T) {
		var pe *source.ParamError
		if _, err := source.Read(source.Request{Format: "osm", Units: "m", Path: path}); !errors.As(err, &pe) {
			t.Errorf("err = %v, want a ParamError", err)
		}
	})
}

// Read refuses a file cut short and an IMDF zip bomb (uploaded or on disk), whatever the reader.
func TestReadBadFiles(t *testing.T) {
	t.Run("imdf zip bomb", func(t *testing.T) {
		bomb := importtest.ZipBomb(t, map[string]string{"manifest.json": `{"version":"1.0.0"}`}, "unit.geojson", 300, 0)
		bombPath := filepath.Join(t.TempDir(), "bomb.zip")
		if err := os.WriteFile(bombPath, bomb, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, req := range []source.Request{{Format: "imdf", Data: bomb, Name: "bomb.zip"}, {Format: "imdf", Path: bombPath}} {
			_, err := source.Read(req)
			if !errors.Is(err, imdf.ErrLimit) || !strings.HasPrefix(err.Error(), "bomb.zip: unit.geojson: inflates to more than 268435456 bytes") {
				t.Errorf("err = %v, want the bound on one file of the archive", err)
			}
		}
	})
	t.Run("a file cut short", func(t *testing.T) {
		for format, data := range map[string]string{"dxf": oneRoomDXF, "osm": oneWay, "geojson": twoRooms} {
			_, err := source.Read(source.Request{Format: format, Data: []byte(data[:len(data)*2/3]), Name: "cut." + format})
			importtest.WantTruncated(t, err, "cut."+format)
		}
	})
}

// txStore is a store whose transactions record their context and fail.
type txStore struct {
	floorplan.Store
	ctx context.Context
}

var errTx = errors.New("no transactions here")

func (s *txStore) InTx(ctx context.Context, fn func(floorplan.Store) error) error {
	s.ctx = ctx
	return errTx
}

func TestImportContext(t *testing.T) {
	day := time.Date(2019, 5, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		validFrom  time.Time
		reason     string
		wantFrom   bool
		wantReason string
	}{
		{"neither", time.Time{}, "", false, ""},
		{"valid from and reason", day, "survey of 2019", true, "survey of 2019"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &txStore{}
			_, err := source.Import(context.Background(), floorplan.NewRegister(s), source.Request{Format: "geojson", Data: []byte(twoRooms),
				ValidFrom: tt.validFrom, Reason: tt.reason})
			if !errors.Is(err, errTx) {
				t.Fatalf("err = %v, want the store's", err)
			}
			d, ok := floorplan.EffectiveFrom(s.ctx)
			if ok != tt.wantFrom || (ok && !d.Equal(day)) {
				t.Errorf("effective from %v (%v)", d, ok)
			}
			if r := floorplan.ReasonFrom(s.ctx); r != tt.wantReason {
				t.Errorf("reason %q, want %q", r, tt.wantReason)
			}
		})
	}
}
