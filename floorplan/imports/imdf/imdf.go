// Package imdf reads an IMDF archive (Indoor Mapping Data Format, OGC Community Standard 20-094) — a zip
// file or a folder of GeoJSON files, one FeatureCollection per feature type — and the rooms in it.
//
// Read uses manifest.json, venue, building, footprint, level, unit, occupant, anchor and opening:
// buildings (with their footprint), levels (floors; two levels of one ordinal stay two floors) and units
// (rooms, on their level). A unit's category gives its usage (UsageOf) and is kept as the room's source
// category, its name its number; the language of the names is kept as the building's. Occupants name
// the agency of the unit their anchor is in. Openings (doors) are read as lines of their level, for the
// plans. The properties officemap writes under its extension namespace ("officemap:number",
// "officemap:usage", "officemap:agency_id", "officemap:source_category", "officemap:georef"…) are read
// back, so that an archive officemap exported imports as the rooms it came from; such an archive's
// coordinates are compared at ExportPrecision on a re-import.
//
// An archive that breaks IMDF's structure where officemap needs it is refused with the file and feature
// named: no manifest, a file of buildings, levels, units, occupants or anchors that is not a
// FeatureCollection, a feature without a UUID id or of the wrong feature_type or geometry type, a level
// without an integer ordinal, a reference to a level that is not there. A unit whose polygon is invalid,
// and an occupant whose anchor or unit is missing, are problems of their own (reported, or skipped with
// --skip-invalid). The files officemap only draws or does not keep — opening.geojson, and amenity,
// fixture, section, kiosk, detail, geofence, relationship, address… — are read leniently: one that cannot
// be read is a note of the summary, and the rooms are imported without it.
//
// An archive is read whole or not at all, and within Limits: each file is read as a stream, one feature
// at a time, through a reader that counts the bytes it inflates (a zip entry's header is checked before
// it is inflated at all), so that a zip bomb is refused before it takes memory, in any file. A zip file
// cut short (its central directory missing) and a file of it cut short (its JSON ending early) are
// errors wrapping imports.ErrTruncated that name where the file ends (a note, for a file read leniently).
package imdf

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/google/uuid"

	"officemap/floorplan/imports"
)

// Namespace prefixes the properties officemap adds to IMDF features.
const Namespace = "officemap:"

// Extension names officemap's IMDF extension in the "extensions" of manifest.json: an archive that
// lists it was exported by officemap.
const Extension = "imdf:extension:officemap:office-space#1.0.0"

// ExportPrecision is the precision, in degrees, at which an import compares the coordinates of an
// archive officemap exported with those of the rooms it came from (imports.Dataset.CoordPrecision):
// 1e-9°, about 0.1 mm. The export writes coordinates exactly as float64 holds them, so nothing is
// rounded away; but a point taken from local metres to lon/lat and back moves by about 1e-9 m, and a
// re-import must not count that as a change. Nothing a survey tells apart is as small as 0.1 mm.
const ExportPrecision = 1e-9

// Read reads the IMDF archive at p: a .zip file or a folder, within lim (zero fields take
// DefaultLimits').
func Read(p string, lim Limits) (*imports.Dataset, error) {
	base := filepath.Base(p)
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return ReadFS(base, os.DirFS(p), lim)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadZip(base, f, st.Size(), lim)
}

// ReadFS reads an IMDF archive from a file system (a zip.Reader, an os.DirFS), within lim (zero fields
// take DefaultLimits'). The archive's files may sit at its root or in one folder. Each file is read as
// a stream, one feature at a time; a file cut short is an error wrapping imports.ErrTruncated that
// names the file, the byte where it ends and the feature it ends in.
func ReadFS(name string, fsys fs.FS, lim Limits) (*imports.Dataset, error) {
	root, err := findRoot(fsys)
	if err != nil {
		return nil, imports.Wrap(name, "", err)
	}
	a := &archive{name: name, fsys: fsys, root: root, lim: lim.orDefaults()}
	return a.read()
}

// findRoot returns the folder holding manifest.json: the root, or a single folder below it.
func findRoot(fsys fs.FS) (string, error) {
	if _, err := fs.Stat(fsys, "manifest.json"); err == nil {
		return ".", nil
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.IsDir() {
			if _, err := fs.Stat(fsys, path.Join(e.Name(), "manifest.json")); err == nil {
				return e.Name(), nil
			}
		}
	}
	return "", imports.Reasonf("manifest.json is missing: not an IMDF archive")
}

// archive is an archive being read: its file name, its files, the folder of manifest.json, its limits,
// the bytes of its files inflated so far and the notes for the summary.
type archive struct {
	name  string
	fsys  fs.FS
	root  string
	lim   Limits
	total int64
	notes []imports.Note
}

// note adds a note for the summary.
func (a *archive) note(format string, args ...any) {
	a.notes = append(a.notes, imports.Notef(format, args...))
}

// read reads the whole archive: the features of each type in turn, each checked against those read
// before it.
func (a *archive) read() (*imports.Dataset, error) {
	m, err := a.manifest()
	if err != nil {
		return nil, err
	}
	loaded, err := a.loadAll()
	if err != nil {
		return nil, err
	}
	bs := a.buildings(loaded["venue"], loaded["building"], m.language)
	if err := a.footprints(bs, loaded["footprint"]); err != nil {
		return nil, err
	}
	levels, err := a.levels(bs, loaded["level"])
	if err != nil {
		return nil, err
	}
	rooms, err := a.units(levels, loaded["unit"])
	if err != nil {
		return nil, err
	}
	if len(rooms) == 0 {
		return nil, imports.Errorf(a.name, "unit.geojson", "no units: the archive has no rooms")
	}
	problems, err := a.occupants(rooms, loaded["anchor"], loaded["occupant"])
	if err != nil {
		return nil, err
	}
	if err := a.openings(levels); err != nil {
		return nil, err
	}
	if err := a.others(); err != nil {
		return nil, err
	}
	ds := &imports.Dataset{Format: "imdf", File: a.name, LonLat: true, SourcePrefix: "imdf:", Notes: a.notes}
	if m.officemap {
		ds.CoordPrecision = ExportPrecision
	}
	for _, p := range rooms {
		p.b.Rooms = append(p.b.Rooms, p.r)
	}
	// A problem that is no unit's is listed with the rooms of the first unit's building.
	rooms[0].b.Rooms = append(rooms[0].b.Rooms, problems...)
	ds.Buildings = bs.list()
	return ds, nil
}

// manifestInfo is what Read takes from manifest.json: the archive's language and whether officemap
// exported it.
type manifestInfo struct {
	language  string
	officemap bool
}

// manifest checks manifest.json: a JSON object with a version.
func (a *archive) manifest() (manifestInfo, error) {
	const file = "manifest.json"
	f, err := a.open(path.Join(a.root, file))
	if err != nil {
		return manifestInfo{}, imports.AsError(a.name, file, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxManifestBytes+1))
	switch {
	case err != nil:
		return manifestInfo{}, imports.AsError(a.name, file, err)
	case len(data) > maxManifestBytes:
		return manifestInfo{}, imports.Errorf(a.name, file, "larger than %d bytes: %v", maxManifestBytes, ErrLimit)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	err = dec.Decode(&m)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return manifestInfo{}, imports.Wrap(a.name, file, fmt.Errorf("byte %d: %w: it ends inside its JSON object", len(data), imports.ErrTruncated))
	}
	if err == nil {
		if _, end := dec.Token(); end != io.EOF {
			err = fmt.Errorf("byte %d: more data after the object", dec.InputOffset())
		}
	}
	if err != nil {
		return manifestInfo{}, imports.Errorf(a.name, file, "not a JSON object: %v", err)
	}
	if v, _ := m["version"].(string); v == "" {
		return manifestInfo{}, imports.Errorf(a.name, file, "the version is missing")
	}
	info := manifestInfo{language: str(m["language"])}
	exts, _ := m["extensions"].([]any)
	for _, e := range exts {
		info.officemap = info.officemap || e == Extension
	}
	return info, nil
}

// buildingSet is an archive's buildings in file order, and the one building that takes the levels
// without building_ids when the archive does not have exactly one building feature.
type buildingSet struct {
	byID      map[uuid.UUID]*imports.Building
	order     []uuid.UUID
	only      *imports.Building
	venueName string
	lang      string // the language of the venue's name, else the manifest's
	archive   string // the archive's file name
}

// buildings reads the building features, named after the venue where they have no name of their own.
// A building's language is that of its name, else of the venue's name, else the manifest's.
func (a *archive) buildings(venues, features []*feature, language string) *buildingSet {
	bs := &buildingSet{byID: map[uuid.UUID]*imports.Building{}, archive: a.name, lang: language}
	if len(venues) > 0 {
		var lang string
		bs.venueName, lang = labelLang(venues[0].props["name"])
		bs.lang = cmp.Or(lang, bs.lang)
	}
	for _, f := range features {
		name, lang := labelLang(f.props["name"])
		b := &imports.Building{SourceID: "imdf:" + f.id.String(), ID: f.id, Name: name, Lang: cmp.Or(lang, bs.lang)}
		if b.Name == "" {
			b.Name = bs.venueName
		}
		if g, ok := georefOf(f.props[Namespace+"georef"]); ok {
			b.Georef = &g
		}
		if s, ok := f.props[Namespace+"address"].(string); ok {
			b.Address = s
		}
		if v, ok := f.props[Namespace+"lang"]; ok {
			b.Lang = str(v) // officemap's own: "" for names typed in officemap
		}
		bs.byID[f.id] = b
		bs.order = append(bs.order, f.id)
	}
	return bs
}

// single returns the building of a level that names none: the archive's one building, else one named
// after the venue (or the archive), made on first use.
func (bs *buildingSet) single() *imports.Building {
	if len(bs.order) == 1 {
		return bs.byID[bs.order[0]]
	}
	if bs.only == nil {
		name := bs.venueName
		if name == "" {
			name = strings.TrimSuffix(bs.archive, filepath.Ext(bs.archive))
		}
		bs.only = &imports.Building{SourceID: "imdf:" + bs.archive, Name: name, Lang: bs.lang}
	}
	return bs.only
}

// list returns the buildings that have floors or rooms, in file order, then the made one.
func (bs *buildingSet) list() []imports.Building {
	var out []imports.Building
	for _, id := range bs.order {
		if b := bs.byID[id]; len(b.Rooms) > 0 || len(b.Floors) > 0 {
			out = append(out, *b)
		}
	}
	if bs.only != nil {
		out = append(out, *bs.only)
	}
	return out
}

// building returns the building a feature refers to by id.
func (a *archive) building(bs *buildingSet, f *feature, id uuid.UUID) (*imports.Building, error) {
	b, ok := bs.byID[id]
	if !ok {
		return nil, a.failAt(f, "building %s is not in building.geojson", id)
	}
	return b, nil
}

// footprints gives each building the first ground footprint that names it, as the archive has it:
// whether it agrees with the units is the importer's to check (a footprint far from its units must not
// place them). A footprint officemap derived from the rooms is not taken.
func (a *archive) footprints(bs *buildingSet, features []*feature) error {
	for _, f := range features {
		if cat, _ := f.props["category"].(string); cat != "" && cat != "ground" {
			continue
		}
		ids, err := a.ids(f, "building_ids")
		if err != nil {
			return err
		}
		p, _ := onePolygon(f.geom)
		if derived(f) {
			p = nil
		}
		for _, id := range ids {
			b, err := a.building(bs, f, id)
			if err != nil {
				return err
			}
			if p != nil && b.Footprint == nil {
				b.Footprint = p
			}
		}
	}
	return nil
}

// derived reports whether officemap exported the geometry of a level or footprint for want of one of
// its own (the hull of the rooms, marked "officemap:derived"): it is no outline.
func derived(f *feature) bool {
	d, _ := f.props[Namespace+"derived"].(bool)
	return d
}

// level is where the units and openings of a level go: a floor of a building (its index in the
// building's Floors).
type level struct {
	b        *imports.Building
	floor    int
	ordinal  int
	sourceID string
}

// levels reads the level features as floors of their buildings (the first of their building_ids), each
// its own floor: two levels of one ordinal (a mezzanine, the two halves of a split level) stay two.
func (a *archive) levels(bs *buildingSet, features []*feature) (map[uuid.UUID]level, error) {
	levels := map[uuid.UUID]level{}
	for _, f := range features {
		ord, ok := f.props["ordinal"].(float64)
		if !ok || ord != math.Trunc(ord) || math.Abs(ord) > 1000 {
			return nil, a.failAt(f, "ordinal %v is not an integer", f.props["ordinal"])
		}
		ids, err := a.ids(f, "building_ids")
		if err != nil {
			return nil, err
		}
		var b *imports.Building
		if len(ids) > 0 {
			if b, err = a.building(bs, f, ids[0]); err != nil {
				return nil, err
			}
		} else {
			b = bs.single()
		}
		name := label(f.props["short_name"])
		if name == "" {
			name = label(f.props["name"])
		}
		elevation, _ := f.props[Namespace+"elevation"].(float64)
		outline, _ := onePolygon(f.geom)
		if derived(f) {
			outline = nil
		}
		fl := imports.Floor{SourceID: "imdf:" + f.id.String(), ID: f.id, Ordinal: int(ord), Name: name,
			Elevation: elevation, Outline: outline}
		b.Floors = append(b.Floors, fl)
		levels[f.id] = level{b: b, floor: len(b.Floors) - 1, ordinal: fl.Ordinal, sourceID: fl.SourceID}
	}
	return levels, nil
}
