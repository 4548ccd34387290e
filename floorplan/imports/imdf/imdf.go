// Package imdf reads an IMDF archive (Indoor Mapping Data Format, OGC Community Standard 20-094) — a zip
// file or a folder of GeoJSON files, one FeatureCollection per feature type — and the rooms in it.
//
// Read uses manifest.json, venue, building, footprint, level, unit, occupant, anchor and opening:
// buildings (with their footprint), levels (floors, by ordinal) and units (rooms, by level_id). A unit's
// category gives its usage (UsageOf), its name its number. Occupants name the agency of the unit their
// anchor is in. Openings (doors) are checked but not kept: officemap has no doors. The properties
// officemap writes under its extension namespace ("officemap:number", "officemap:usage",
// "officemap:agency_id", "officemap:georef"…) are read back, so that an archive officemap exported
// imports as the rooms it came from.
//
// An archive that breaks IMDF's structure is refused with the file and feature named: no manifest, a
// file that is not a FeatureCollection, a feature without a UUID id or of the wrong feature_type or
// geometry type, a level without an integer ordinal, a reference to a level that is not there. A unit
// whose polygon is invalid is a problem of that room only (reported, or skipped with --skip-invalid).
//
// An archive is read whole or not at all, and within Limits: each file is read as a stream, one feature
// at a time, through a reader that counts the bytes it inflates (a zip entry's header is checked before
// it is inflated at all), so that a zip bomb is refused before it takes memory. A zip file cut short
// (its central directory missing) and a file of it cut short (its JSON ending early) are errors wrapping
// imports.ErrTruncated that name where the file ends.
package imdf

import (
	"bytes"
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

	"officemap/floorplan"
	"officemap/floorplan/imports"
)

// Namespace prefixes the properties officemap adds to IMDF features.
const Namespace = "officemap:"

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
	return "", errors.New("manifest.json is missing: not an IMDF archive")
}

// archive is an archive being read: its file name, its files, the folder of manifest.json, its limits
// and the bytes of its files inflated so far.
type archive struct {
	name  string
	fsys  fs.FS
	root  string
	lim   Limits
	total int64
}

// read reads the whole archive: the features of each type in turn, each checked against those read
// before it.
func (a *archive) read() (*imports.Dataset, error) {
	if err := a.manifest(); err != nil {
		return nil, err
	}
	loaded, err := a.loadAll()
	if err != nil {
		return nil, err
	}
	bs := a.buildings(loaded["venue"], loaded["building"])
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
	if err := a.occupants(rooms, loaded["anchor"], loaded["occupant"]); err != nil {
		return nil, err
	}
	if err := a.openings(levels, loaded["opening"]); err != nil {
		return nil, err
	}
	ds := &imports.Dataset{Format: "imdf", File: a.name, LonLat: true, SourcePrefix: "imdf:"}
	if n := len(loaded["opening"]); n > 0 {
		ds.Notes = append(ds.Notes, imports.Notef("%d openings (doors) read and checked; officemap does not keep doors", n))
	}
	for _, p := range rooms {
		p.b.Rooms = append(p.b.Rooms, p.r)
	}
	if len(rooms) == 0 {
		return nil, imports.Errorf(a.name, "unit.geojson", "no units: the archive has no rooms")
	}
	ds.Buildings = bs.list()
	return ds, nil
}

// manifest checks manifest.json: a JSON object with a version.
func (a *archive) manifest() error {
	const file = "manifest.json"
	f, err := a.open(path.Join(a.root, file))
	if err != nil {
		return imports.AsError(a.name, file, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxManifestBytes+1))
	switch {
	case err != nil:
		return imports.AsError(a.name, file, err)
	case len(data) > maxManifestBytes:
		return imports.Errorf(a.name, file, "larger than %d bytes: %v", maxManifestBytes, ErrLimit)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	err = dec.Decode(&m)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return imports.Wrap(a.name, file, fmt.Errorf("byte %d: %w: it ends inside its JSON object", len(data), imports.ErrTruncated))
	}
	if err == nil {
		if _, end := dec.Token(); end != io.EOF {
			err = fmt.Errorf("byte %d: more data after the object", dec.InputOffset())
		}
	}
	if err != nil {
		return imports.Errorf(a.name, file, "not a JSON object: %v", err)
	}
	if v, _ := m["version"].(string); v == "" {
		return imports.Errorf(a.name, file, "the version is missing")
	}
	return nil
}

// buildingSet is an archive's buildings in file order, and the one building that takes the levels
// without building_ids when the archive does not have exactly one building feature.
type buildingSet struct {
	byID      map[uuid.UUID]*imports.Building
	order     []uuid.UUID
	only      *imports.Building
	venueName string
	archive   string // the archive's file name
}

// buildings reads the building features, named after the venue where they have no name of their own.
func (a *archive) buildings(venues, features []*feature) *buildingSet {
	bs := &buildingSet{byID: map[uuid.UUID]*imports.Building{}, archive: a.name}
	if len(venues) > 0 {
		bs.venueName = label(venues[0].props["name"])
	}
	for _, f := range features {
		b := &imports.Building{SourceID: "imdf:" + f.id.String(), ID: f.id, Name: label(f.props["name"])}
		if b.Name == "" {
			b.Name = bs.venueName
		}
		if g, ok := georefOf(f.props[Namespace+"georef"]); ok {
			b.Georef = &g
		}
		if s, ok := f.props[Namespace+"address"].(string); ok {
			b.Address = s
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
		bs.only = &imports.Building{SourceID: "imdf:" + bs.archive, Name: name}
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

// footprints gives each building the first ground footprint that names it.
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

// level is where the units of a level go.
type level struct {
	b       *imports.Building
	ordinal int
}

// levels reads the level features as floors of their buildings (the first of their building_ids).
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
		outline, _ := onePolygon(f.geom)
		b.Floors = append(b.Floors, imports.Floor{SourceID: "imdf:" + f.id.String(), ID: f.id, Ordinal: int(ord),
			Name: name, Outline: outline})
		levels[f.id] = level{b: b, ordinal: int(ord)}
	}
	return levels, nil
}

// placedRoom is the room of a unit and the building it goes into.
type placedRoom struct {
	b *imports.Building
	r imports.Room
}

// units reads the unit features as rooms on their levels.
func (a *archive) units(levels map[uuid.UUID]level, features []*feature) ([]placedRoom, error) {
	var rooms []placedRoom
	for _, f := range features {
		lid, err := a.reference(f, "level_id")
		if err != nil {
			return nil, err
		}
		lv, ok := levels[lid]
		if !ok {
			return nil, a.failAt(f, "level_id %s is not in level.geojson", lid)
		}
		rooms = append(rooms, placedRoom{b: lv.b, r: unitRoom(f, lv.ordinal)})
	}
	return rooms, nil
}

// unitRoom is the room a unit describes: officemap's own properties where the unit has them, else
// IMDF's (name for the number, category for the usage).
func unitRoom(f *feature, ordinal int) imports.Room {
	r := imports.Room{Ref: f.ref(), SourceID: "imdf:" + f.id.String(), ID: f.id, Ordinal: ordinal}
	r.Number = str(f.props[Namespace+"number"])
	if r.Number == "" {
		r.Number = label(f.props["name"])
	}
	r.Name = str(f.props[Namespace+"name"])
	if r.Name == "" && f.props[Namespace+"number"] == nil {
		r.Name = label(f.props["alt_name"])
	}
	if u := floorplan.Usage(str(f.props[Namespace+"usage"])); u.Valid() {
		r.Usage = u
	} else if u, ok := UsageOf(str(f.props["category"])); ok {
		r.Usage = u
	} else {
		r.Usage, r.UsageAssumed = floorplan.UsageOther, true
	}
	if id, err := idOf(f.props[Namespace+"agency_id"]); err == nil {
		r.AgencyID = id
	}
	r.AgencyName = str(f.props[Namespace+"agency_name"])
	r.Geometry, r.Err = onePolygon(f.geom)
	return r
}

// occupants names the agency of the room an occupant's anchor is in, unless the room names one.
func (a *archive) occupants(rooms []placedRoom, anchors, occupants []*feature) error {
	unitRoom := make(map[uuid.UUID]*imports.Room, len(rooms))
	for i := range rooms {
		unitRoom[rooms[i].r.ID] = &rooms[i].r
	}
	anchorUnit := map[uuid.UUID]uuid.UUID{}
	for _, f := range anchors {
		uid, err := a.reference(f, "unit_id")
		if err != nil {
			return err
		}
		anchorUnit[f.id] = uid
	}
	for _, f := range occupants {
		aid, err := a.reference(f, "anchor_id")
		if err != nil {
			return err
		}
		uid, ok := anchorUnit[aid]
		if !ok {
			return a.failAt(f, "anchor %s is not in anchor.geojson", aid)
		}
		r, ok := unitRoom[uid]
		if !ok {
			return a.failAt(f, "its anchor's unit %s is not in unit.geojson", uid)
		}
		if r.AgencyID == uuid.Nil && r.AgencyName == "" {
			r.AgencyName = label(f.props["name"])
		}
	}
	return nil
}

// openings checks that each opening is on a level of the archive.
func (a *archive) openings(levels map[uuid.UUID]level, features []*feature) error {
	for _, f := range features {
		if lid, err := idOf(f.props["level_id"]); err != nil || levels[lid].b == nil {
			return a.failAt(f, "level_id %v is not in level.geojson", f.props["level_id"])
		}
	}
	return nil
}
