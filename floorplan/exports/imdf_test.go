package exports_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/exports"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/dxf"
	"officemap/floorplan/imports/imdf"
	"officemap/floorplan/imports/importtest"
	"officemap/floorplan/imports/osm"
	"officemap/floorplan/postgis/pgtest"
)

// openStore opens a fresh store of a kind: the embedded GeoPackage or a PostGIS database of its own.
func openStore(t *testing.T, kind string) floorplan.Store {
	t.Helper()
	if kind == "postgis" {
		return pgtest.NewStore(t)
	}
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "imdf.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// shared is what two registers share without an IMDF archive carrying it: the site the buildings
// stand on and the agency that uses some rooms (an archive names them, by id and name, but an import
// makes no sites or agencies).
type shared struct {
	site   floorplan.Site
	agency floorplan.Agency
}

func newShared() shared {
	return shared{
		site: floorplan.Site{ID: uuid.New(), Name: "市行政中心", Address: "常州市龙城大道 1280 号", Category: "office.party_government",
			Ownership: floorplan.OwnershipRegistered, Records: []floorplan.OwnershipRecord{}},
		agency: floorplan.Agency{ID: uuid.New(), Name: "常州市财政局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive},
	}
}

// into creates the shared records in a store, with their ids.
func (sh shared) into(t *testing.T, s floorplan.Store) {
	t.Helper()
	site, agency := sh.site, sh.agency
	if err := s.CreateSite(ctx, &site); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAgency(ctx, &agency); err != nil {
		t.Fatal(err)
	}
	if site.ID != sh.site.ID || agency.ID != sh.agency.ID {
		t.Fatal("the store did not keep the ids it was given")
	}
}

// fillRegister imports the Contoso v2 ground floor (a DXF drawing, onto level 2) and the Grenoble
// shopping centre (OpenStreetMap) onto the shared site, then gives the register what an IMDF export must
// carry besides: an agency on five rooms, rooms of IMDF categories that have no usage of their own in
// officemap (parking, stairs, elevator, escalator, a void, a column), a recorded area, a building named
// in English, doors on a floor and a room drawn in officemap. It returns the drawn room.
func fillRegister(t *testing.T, s floorplan.Store, sh shared) floorplan.Room {
	t.Helper()
	rot := 33.0
	for _, src := range []struct {
		ds  *imports.Dataset
		opt imports.Options
	}{
		{importtest.ReadShared(t, "cad/contoso/dxf/contoso_v2_Ground_rooms_walls.dxf", dxf.Read, dxf.Options{Level: 2}),
			imports.Options{SiteID: sh.site.ID, Origin: &orb.Point{119.97, 31.81}, Rotation: &rot, Building: "Contoso"}},
		{importtest.ReadShared(t, "osm/grenoble-caserne-de-bonne/caserne.osm", osm.Read, osm.Limits{}),
			imports.Options{SiteID: sh.site.ID, SkipInvalid: true}},
	} {
		if _, err := imports.Import(ctx, floorplan.NewRegister(s), src.ds, src.opt); err != nil {
			t.Fatal(err)
		}
	}
	bs, err := s.Buildings(ctx, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	var contoso floorplan.Building
	for _, b := range bs {
		if b.Name == "Contoso" {
			contoso = b
		}
	}
	contoso.Lang = "en"
	must(t, s.UpdateBuilding(ctx, &contoso))
	rooms := importtest.Rooms(t, s, floorplan.RoomFilter{BuildingID: contoso.ID})
	sort.Slice(rooms, func(i, j int) bool { return rooms[i].ID.String() < rooms[j].ID.String() })
	edits := []func(r *floorplan.Room){
		func(r *floorplan.Room) { r.Usage, r.SourceCategory = floorplan.UsageAncillary, "parking" },
		func(r *floorplan.Room) { r.Usage, r.SourceCategory = floorplan.UsageCirculation, "stairs" },
		func(r *floorplan.Room) { r.Usage, r.SourceCategory = floorplan.UsageCirculation, "elevator" },
		func(r *floorplan.Room) { r.Usage, r.SourceCategory = floorplan.UsageCirculation, "escalator" },
		func(r *floorplan.Room) { r.Usage, r.SourceCategory = floorplan.UsageVoid, "opentobelow" },
		func(r *floorplan.Room) { r.Usage, r.SourceCategory = floorplan.UsageShaft, "column" },
		func(r *floorplan.Room) { r.RecordedAreaM2 = 12.5 },
	}
	for range 5 {
		edits = append(edits, func(r *floorplan.Room) { r.AgencyID = sh.agency.ID })
	}
	for i, edit := range edits {
		edit(&rooms[i])
		must(t, s.UpdateRoom(ctx, &rooms[i]))
	}
	floor, err := s.Floor(ctx, rooms[0].FloorID)
	if err != nil {
		t.Fatal(err)
	}
	ring := rooms[0].Geometry[0]
	floor.Openings = orb.MultiLineString{{ring[0], ring[1]}, {ring[1], ring[2]}}
	must(t, s.UpdateFloor(ctx, &floor))
	b := contoso.Footprint.Bound()
	drawn := floorplan.Room{FloorID: floor.ID, Number: "X1", Name: "值班室", Usage: floorplan.UsageAncillary,
		Geometry: orb.Polygon{{{b.Max[0] + 20, 0}, {b.Max[0] + 23, 0}, {b.Max[0] + 23, 3}, {b.Max[0] + 20, 3}, {b.Max[0] + 20, 0}}}}
	must(t, s.CreateRoom(ctx, &drawn))
	return drawn
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// exportIMDF writes a store's whole register as an IMDF archive.
func exportIMDF(t *testing.T, s floorplan.Store) []byte {
	t.Helper()
	d, err := exports.Load(ctx, s, exports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	notes, err := exports.WriteIMDF(&buf, d, "officemap test")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notes {
		t.Logf("export note: %s", n)
	}
	return buf.Bytes()
}

// readIMDF reads an archive as imdf.Read does a file.
func readIMDF(t *testing.T, data []byte) *imports.Dataset {
	t.Helper()
	ds, err := imdf.ReadZip("venue.zip", bytes.NewReader(data), int64(len(data)), imdf.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// An officemap register exported to IMDF, imported into an empty register (of either store) and exported
// again gives the same archive: every feature with the same id, byte-identical properties and the same
// coordinates within imdf.ExportPrecision. The only change is the source id of the room drawn in
// officemap, which has none before and the archive's after. And re-importing the export into the
// register it came from changes nothing.
func TestIMDFRoundTrip(t *testing.T) {
	for _, kind := range []string{"gpkg", "postgis"} {
		t.Run(kind, func(t *testing.T) {
			sh := newShared()
			src := openStore(t, kind)
			sh.into(t, src)
			drawn := fillRegister(t, src, sh)
			first := exportIMDF(t, src)
			features := checkArchive(t, first, "zh-CN")
			rooms := importtest.Rooms(t, src, floorplan.RoomFilter{})
			if len(features["unit"]) != len(rooms) || len(features["opening"]) != 2 {
				t.Errorf("%d units and %d openings, want %d and 2", len(features["unit"]), len(features["opening"]), len(rooms))
			}
			checkCategories(t, features["unit"])

			ds := readIMDF(t, first)
			again, err := imports.Import(ctx, floorplan.NewRegister(src), ds, imports.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if again.Rooms.Unchanged != len(rooms) || again.Rooms.Created+again.Rooms.Updated != 0 ||
				again.Floors.Created+again.Floors.Updated != 0 || again.Buildings.Created+again.Buildings.Updated != 0 {
				t.Errorf("re-importing the export into its own register: buildings %+v, floors %+v, rooms %+v, want all %d rooms unchanged",
					again.Buildings, again.Floors, again.Rooms, len(rooms))
			}

			dst := openStore(t, kind)
			sh.into(t, dst)
			sum, err := imports.Import(ctx, floorplan.NewRegister(dst), ds, imports.Options{SiteID: sh.site.ID})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Rooms.Created != len(rooms) || len(sum.Skipped) != 0 {
				t.Errorf("import into an empty register: rooms %+v, skipped %v", sum.Rooms, sum.Skipped)
			}
			second := exportIMDF(t, dst)
			sameArchives(t, first, second, map[string]string{drawn.ID.String(): "officemap:source_id"})
		})
	}
}

// checkCategories checks the categories of the units of rooms edited to have an IMDF category
// (fillRegister): kept, with their usages.
func checkCategories(t *testing.T, units []map[string]any) {
	t.Helper()
	want := map[string]string{"parking": "ancillary", "stairs": "circulation", "elevator": "circulation",
		"escalator": "circulation", "opentobelow": "void", "column": "shaft"}
	found := map[string]bool{}
	for _, u := range units {
		sc, _ := u["officemap:source_category"].(string)
		if usage, ok := want[sc]; ok {
			found[sc] = true
			if u["category"] != sc || u["officemap:usage"] != usage {
				t.Errorf("unit %v: category %v, usage %v; want %s, %s", u["id"], u["category"], u["officemap:usage"], sc, usage)
			}
		}
		if u["officemap:usage"] == "ancillary" && u["category"] == "kitchen" {
			t.Errorf("unit %v: ancillary exported as a kitchen", u["id"])
		}
	}
	if len(found) != len(want) {
		t.Errorf("categories found %v, want %v", found, want)
	}
}

// archiveFiles reads the files of a zip archive.
func archiveFiles(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// rawFeature is a feature with its geometry and each property as the archive has them.
type rawFeature struct {
	ID          string                     `json:"id"`
	FeatureType string                     `json:"feature_type"`
	Geometry    json.RawMessage            `json:"geometry"`
	Properties  map[string]json.RawMessage `json:"properties"`
}

// sameArchives compares two IMDF archives: the same files; a manifest the same but for when it was
// created; in each feature file, features of the same ids in the same order, with byte-identical
// properties — but for the properties changed names, by feature id — and geometries (and display points)
// whose coordinates differ by no more than imdf.ExportPrecision.
func sameArchives(t *testing.T, a, b []byte, changed map[string]string) {
	t.Helper()
	fa, fb := archiveFiles(t, a), archiveFiles(t, b)
	if len(fa) != len(fb) {
		t.Fatalf("%d files, then %d", len(fa), len(fb))
	}
	worst, worstAt := 0.0, ""
	byFile := map[string]float64{} // the largest difference of the geometries of each file
	for name, da := range fa {
		db, ok := fb[name]
		if !ok {
			t.Errorf("%s is missing from the second archive", name)
			continue
		}
		if name == "manifest.json" {
			var ma, mb map[string]any
			must(t, json.Unmarshal(da, &ma))
			must(t, json.Unmarshal(db, &mb))
			delete(ma, "created")
			delete(mb, "created")
			if fmt.Sprint(ma) != fmt.Sprint(mb) {
				t.Errorf("manifest %v, then %v", ma, mb)
			}
			continue
		}
		var ca, cb struct{ Features []rawFeature }
		must(t, json.Unmarshal(da, &ca))
		must(t, json.Unmarshal(db, &cb))
		if len(ca.Features) != len(cb.Features) {
			t.Errorf("%s: %d features, then %d", name, len(ca.Features), len(cb.Features))
			continue
		}
		for i, x := range ca.Features {
			y := cb.Features[i]
			where := fmt.Sprintf("%s feature %d (%s)", name, i+1, x.ID)
			if x.ID != y.ID || x.FeatureType != y.FeatureType {
				t.Errorf("%s: then %s %s", where, y.FeatureType, y.ID)
				continue
			}
			d := sameCoordinates(t, where+" geometry", x.Geometry, y.Geometry)
			byFile[name] = math.Max(byFile[name], d)
			if d > worst {
				worst, worstAt = d, where
			}
			for k, vx := range x.Properties {
				vy := y.Properties[k]
				switch {
				case k == "display_point":
					if d := sameCoordinates(t, where+" display_point", vx, vy); d > worst {
						worst, worstAt = d, where+" display_point"
					}
				case changed[x.ID] == k:
					t.Logf("%s: %s %s, then %s", where, k, vx, vy)
				case !bytes.Equal(vx, vy):
					t.Errorf("%s: %s %s, then %s", where, k, vx, vy)
				}
			}
			if len(x.Properties) != len(y.Properties) {
				t.Errorf("%s: %d properties, then %d", where, len(x.Properties), len(y.Properties))
			}
		}
	}
	t.Logf("coordinates of the two exports within %.3g° (the most in %s); the largest difference of the geometries of each file %v", worst, worstAt, byFile)
}

// sameCoordinates compares two GeoJSON geometries (or nulls): the same type and shape, every coordinate
// within imdf.ExportPrecision. It returns the largest difference.
func sameCoordinates(t *testing.T, where string, a, b json.RawMessage) float64 {
	t.Helper()
	var ga, gb struct {
		Type        string
		Coordinates any
	}
	must(t, json.Unmarshal(a, &ga))
	must(t, json.Unmarshal(b, &gb))
	if ga.Type != gb.Type {
		t.Errorf("%s: a %s, then a %s", where, ga.Type, gb.Type)
		return 0
	}
	worst := 0.0
	var walk func(x, y any) bool
	walk = func(x, y any) bool {
		switch xv := x.(type) {
		case float64:
			yv, ok := y.(float64)
			worst = math.Max(worst, math.Abs(xv-yv))
			return ok
		case []any:
			yv, ok := y.([]any)
			if !ok || len(xv) != len(yv) {
				return false
			}
			for i := range xv {
				if !walk(xv[i], yv[i]) {
					return false
				}
			}
			return true
		}
		return x == nil && y == nil
	}
	if !walk(ga.Coordinates, gb.Coordinates) {
		t.Errorf("%s: coordinates of another shape", where)
	}
	if worst > imdf.ExportPrecision {
		t.Errorf("%s: coordinates differ by %g°, more than %g°", where, worst, imdf.ExportPrecision)
	}
	return worst
}

// checkArchive checks IMDF's structural rules on an archive: a manifest with version, created and
// the language; one FeatureCollection per feature-type file; UUID ids unique in the archive;
// feature_type matching the file; the geometry types of each type; required properties present (null
// where IMDF allows); integer ordinals; unit categories of IMDF's list; and every reference (address_id,
// building_ids, level_id) resolving. It returns the properties of the features by type, with their ids.
func checkArchive(t *testing.T, data []byte, language string) map[string][]map[string]any {
	t.Helper()
	files := archiveFiles(t, data)
	var manifest map[string]any
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if manifest["version"] != "1.0.0" || manifest["created"] == nil || manifest["language"] != language {
		t.Errorf("manifest %v", manifest)
	}
	geom := map[string]string{"address": "null", "venue": "Polygon", "building": "null", "footprint": "Polygon",
		"level": "Polygon", "unit": "Polygon", "opening": "LineString"}
	required := map[string][]string{
		"address":   {"address", "unit", "locality", "province", "country", "postal_code"},
		"venue":     {"category", "restriction", "name", "alt_name", "hours", "phone", "website", "display_point", "address_id"},
		"building":  {"name", "alt_name", "category", "restriction", "display_point", "address_id"},
		"footprint": {"category", "name", "building_ids"},
		"level":     {"category", "restriction", "outdoor", "ordinal", "name", "short_name", "display_point", "address_id", "building_ids"},
		"unit":      {"category", "restriction", "accessibility", "name", "alt_name", "level_id", "display_point"},
		"opening":   {"category", "accessibility", "access_control", "door", "name", "alt_name", "display_point", "level_id"},
	}
	ids := map[string]string{} // id → feature type
	out := map[string][]map[string]any{}
	for typ := range geom {
		raw, ok := files[typ+".geojson"]
		if !ok {
			t.Errorf("%s.geojson is missing", typ)
			continue
		}
		var fc struct {
			Type     string `json:"type"`
			Features []struct {
				ID          string          `json:"id"`
				Type        string          `json:"type"`
				FeatureType string          `json:"feature_type"`
				Geometry    json.RawMessage `json:"geometry"`
				Properties  map[string]any  `json:"properties"`
			} `json:"features"`
		}
		if err := json.Unmarshal(raw, &fc); err != nil || fc.Type != "FeatureCollection" {
			t.Errorf("%s.geojson: %v %q", typ, err, fc.Type)
			continue
		}
		for i, f := range fc.Features {
			where := fmt.Sprintf("%s.geojson feature %d", typ, i+1)
			if _, err := uuid.Parse(f.ID); err != nil || f.Type != "Feature" || f.FeatureType != typ {
				t.Errorf("%s: id %q type %q feature_type %q", where, f.ID, f.Type, f.FeatureType)
			}
			if other, dup := ids[f.ID]; dup {
				t.Errorf("%s: id %s is also a %s", where, f.ID, other)
			}
			ids[f.ID] = typ
			var g struct{ Type string }
			_ = json.Unmarshal(f.Geometry, &g)
			if got := map[bool]string{true: "null", false: g.Type}[string(f.Geometry) == "null"]; got != geom[typ] {
				t.Errorf("%s: geometry %s, want %s", where, got, geom[typ])
			}
			for _, k := range required[typ] {
				if _, ok := f.Properties[k]; !ok {
					t.Errorf("%s: property %s is missing", where, k)
				}
			}
			if o, ok := f.Properties["ordinal"].(float64); typ == "level" && (!ok || o != math.Trunc(o)) {
				t.Errorf("%s: ordinal %v", where, f.Properties["ordinal"])
			}
			if c, _ := f.Properties["category"].(string); typ == "unit" && !imdf.IsUnitCategory(c) {
				t.Errorf("%s: category %q is not an IMDF unit category", where, c)
			}
			if dp, ok := f.Properties["display_point"].(map[string]any); ok && dp["type"] != "Point" {
				t.Errorf("%s: display_point %v", where, dp)
			}
			f.Properties["id"] = f.ID
			out[typ] = append(out[typ], f.Properties)
		}
	}
	checkReferences(t, out, ids)
	return out
}

// checkReferences checks that the references of an archive's features resolve, to features of the
// right type.
func checkReferences(t *testing.T, out map[string][]map[string]any, ids map[string]string) {
	t.Helper()
	ref := func(where, id any, want string) {
		if s, _ := id.(string); ids[s] != want {
			t.Errorf("%s: %v is not a %s", where, id, want)
		}
	}
	if len(out["venue"]) != 1 {
		t.Errorf("%d venues, want one", len(out["venue"]))
	}
	for _, v := range out["venue"] {
		ref("venue address_id", v["address_id"], "address")
	}
	for _, typ := range []string{"footprint", "level"} {
		for _, f := range out[typ] {
			bs, _ := f["building_ids"].([]any)
			if len(bs) == 0 {
				t.Errorf("%s %v has no building_ids", typ, f["id"])
			}
			for _, b := range bs {
				ref(typ+" building_ids", b, "building")
			}
		}
	}
	for _, typ := range []string{"unit", "opening"} {
		for _, u := range out[typ] {
			ref(typ+" level_id", u["level_id"], "level")
		}
	}
}

// Names are written in their building's language: a building the source named in English keeps its
// names under "en", the rest under zh-CN; the manifest's language is the archive's when it has one.
func TestIMDFLanguages(t *testing.T) {
	f := newFixture(t)
	f.b1.Lang = "en"
	must(t, f.s.UpdateBuilding(ctx, &f.b1))
	for _, tt := range []struct {
		opt      exports.Options
		manifest string
		names    map[string]string // feature type → the language of its names
	}{
		{exports.Options{BuildingID: f.b1.ID}, "en", map[string]string{"building": "en", "level": "en", "unit": "en", "venue": "en"}},
		{exports.Options{}, "zh-CN", map[string]string{"venue": "zh-CN"}},
	} {
		d, err := exports.Load(ctx, f.s, tt.opt)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := exports.WriteIMDF(&buf, d, "test"); err != nil {
			t.Fatal(err)
		}
		features := checkArchive(t, buf.Bytes(), tt.manifest)
		for typ, lang := range tt.names {
			for _, p := range features[typ] {
				if name, _ := p["name"].(map[string]any); name[lang] == nil || len(name) != 1 {
					t.Errorf("%s %v: name %v, want it in %s", typ, p["id"], p["name"], lang)
				}
			}
		}
		if tt.opt.BuildingID == uuid.Nil {
			for _, p := range features["building"] {
				if name, _ := p["name"].(map[string]any); p["id"] == f.b2.ID.String() && name["zh-CN"] != "二号楼" {
					t.Errorf("building 二号楼: name %v", p["name"])
				}
			}
		}
	}
	if !strings.HasPrefix(exports.IMDFExtension, "imdf:extension:") {
		t.Errorf("extension %q", exports.IMDFExtension)
	}
}
