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
package imdf

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/geo"
)

// Namespace prefixes the properties officemap adds to IMDF features.
const Namespace = "officemap:"

// maxFileBytes bounds one feature file of an archive.
const maxFileBytes = 512 << 20

// Read reads the IMDF archive at p: a .zip file or a folder.
func Read(p string) (*imports.Dataset, error) {
	base := filepath.Base(p)
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return ReadFS(base, os.DirFS(p))
	}
	z, err := zip.OpenReader(p)
	if err != nil {
		return nil, imports.Errorf(base, "", "not a zip archive: %v", err)
	}
	defer z.Close()
	return ReadFS(base, z)
}

// ReadFS reads an IMDF archive from a file system (a zip.Reader, an os.DirFS). The archive's files may
// sit at its root or in one folder.
func ReadFS(name string, fsys fs.FS) (*imports.Dataset, error) {
	root, err := findRoot(fsys)
	if err != nil {
		return nil, imports.Wrap(name, "", err)
	}
	a := &archive{name: name, fsys: fsys, root: root}
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

type archive struct {
	name string
	fsys fs.FS
	root string
}

// feature is one IMDF feature as read.
type feature struct {
	file  string
	index int // 1-based in its file
	id    uuid.UUID
	geom  orb.Geometry
	props map[string]any
}

func (f *feature) ref() string {
	return fmt.Sprintf("%s feature %d (id %s)", f.file, f.index, f.id)
}

// rawFeature is a feature as it stands in the file.
type rawFeature struct {
	Type        string          `json:"type"`
	ID          any             `json:"id"`
	FeatureType string          `json:"feature_type"`
	Geometry    json.RawMessage `json:"geometry"`
	Properties  map[string]any  `json:"properties"`
}

// geometry kinds a feature type allows.
const (
	geomNull = 1 << iota
	geomPolygonal
	geomPoint
	geomLine
)

var featureGeometry = map[string]int{
	"venue": geomPolygonal, "building": geomNull, "footprint": geomPolygonal, "level": geomPolygonal,
	"unit": geomPolygonal, "occupant": geomNull, "anchor": geomPoint, "opening": geomLine, "address": geomNull,
}

func (a *archive) fail(file string, index int, id any, format string, args ...any) error {
	feat := file
	if index > 0 {
		feat = fmt.Sprintf("%s feature %d", file, index)
		if s, ok := id.(string); ok && s != "" {
			feat += " (id " + s + ")"
		}
	}
	return imports.Errorf(a.name, feat, format, args...)
}

// load reads one feature file; a missing file is empty. Structural errors refuse the archive.
func (a *archive) load(typ string) ([]*feature, error) {
	file := typ + ".geojson"
	f, err := a.fsys.Open(path.Join(a.root, file))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, a.fail(file, 0, nil, "%v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, a.fail(file, 0, nil, "%v", err)
	}
	if len(data) > maxFileBytes {
		return nil, a.fail(file, 0, nil, "larger than %d bytes", maxFileBytes)
	}
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, a.fail(file, 0, nil, "not JSON: %v", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, a.fail(file, 0, nil, "type %q: each IMDF file must be one FeatureCollection", fc.Type)
	}
	out := make([]*feature, 0, len(fc.Features))
	for i, raw := range fc.Features {
		var rf rawFeature
		if err := json.Unmarshal(raw, &rf); err != nil {
			return nil, a.fail(file, i+1, nil, "%v", err)
		}
		if rf.Type != "Feature" {
			return nil, a.fail(file, i+1, rf.ID, "type %q is not Feature", rf.Type)
		}
		sid, _ := rf.ID.(string)
		id, err := uuid.Parse(sid)
		if err != nil {
			return nil, a.fail(file, i+1, rf.ID, "the id %v is not a UUID", rf.ID)
		}
		if rf.FeatureType != typ {
			return nil, a.fail(file, i+1, rf.ID, "feature_type %q in %s", rf.FeatureType, file)
		}
		ft := &feature{file: file, index: i + 1, id: id, props: rf.Properties}
		if ft.props == nil {
			return nil, a.fail(file, i+1, rf.ID, "the properties are missing")
		}
		allowed := featureGeometry[typ]
		g := strings.TrimSpace(string(rf.Geometry))
		if g == "" || g == "null" {
			if allowed&geomNull == 0 {
				return nil, a.fail(file, i+1, rf.ID, "a %s needs a geometry", typ)
			}
		} else {
			gg, err := geojson.UnmarshalGeometry(rf.Geometry)
			if err != nil || gg.Geometry() == nil {
				return nil, a.fail(file, i+1, rf.ID, "the geometry cannot be read: %v", err)
			}
			ft.geom = gg.Geometry()
			ok := false
			switch ft.geom.(type) {
			case orb.Polygon, orb.MultiPolygon:
				ok = allowed&geomPolygonal != 0
			case orb.Point:
				ok = allowed&geomPoint != 0
			case orb.LineString:
				ok = allowed&geomLine != 0
			}
			if !ok {
				return nil, a.fail(file, i+1, rf.ID, "a %s may not have a %s geometry", typ, ft.geom.GeoJSONType())
			}
		}
		out = append(out, ft)
	}
	return out, nil
}

// read reads the whole archive.
func (a *archive) read() (*imports.Dataset, error) {
	if err := a.manifest(); err != nil {
		return nil, err
	}
	loaded := map[string][]*feature{}
	for _, t := range []string{"venue", "building", "footprint", "level", "unit", "occupant", "anchor", "opening"} {
		feats, err := a.load(t)
		if err != nil {
			return nil, err
		}
		loaded[t] = feats
	}
	ds := &imports.Dataset{Format: "imdf", File: a.name, LonLat: true, SourcePrefix: "imdf:"}

	venueName := ""
	if v := loaded["venue"]; len(v) > 0 {
		venueName = label(v[0].props["name"])
	}
	buildings := map[uuid.UUID]*imports.Building{}
	var order []uuid.UUID
	for _, f := range loaded["building"] {
		b := &imports.Building{SourceID: "imdf:" + f.id.String(), ID: f.id, Name: label(f.props["name"])}
		if b.Name == "" {
			b.Name = venueName
		}
		if g, ok := georefOf(f.props[Namespace+"georef"]); ok {
			b.Georef = &g
		}
		if s, ok := f.props[Namespace+"address"].(string); ok {
			b.Address = s
		}
		buildings[f.id] = b
		order = append(order, f.id)
	}
	// The one building of an archive without building features.
	var only *imports.Building
	single := func() *imports.Building {
		if len(order) == 1 {
			return buildings[order[0]]
		}
		if only == nil {
			name := venueName
			if name == "" {
				name = strings.TrimSuffix(a.name, filepath.Ext(a.name))
			}
			only = &imports.Building{SourceID: "imdf:" + a.name, Name: name}
		}
		return only
	}
	for _, f := range loaded["footprint"] {
		if cat, _ := f.props["category"].(string); cat != "" && cat != "ground" {
			continue
		}
		ids, err := idList(f.props["building_ids"])
		if err != nil {
			return nil, a.fail(f.file, f.index, f.id.String(), "building_ids: %v", err)
		}
		p, _ := onePolygon(f.geom)
		for _, id := range ids {
			b, ok := buildings[id]
			if !ok {
				return nil, a.fail(f.file, f.index, f.id.String(), "building %s is not in building.geojson", id)
			}
			if p != nil && b.Footprint == nil {
				b.Footprint = p
			}
		}
	}
	type level struct {
		b       *imports.Building
		ordinal int
	}
	levels := map[uuid.UUID]level{}
	for _, f := range loaded["level"] {
		ord, ok := f.props["ordinal"].(float64)
		if !ok || ord != math.Trunc(ord) || math.Abs(ord) > 1000 {
			return nil, a.fail(f.file, f.index, f.id.String(), "ordinal %v is not an integer", f.props["ordinal"])
		}
		ids, err := idList(f.props["building_ids"])
		if err != nil {
			return nil, a.fail(f.file, f.index, f.id.String(), "building_ids: %v", err)
		}
		var b *imports.Building
		switch {
		case len(ids) > 0:
			if b = buildings[ids[0]]; b == nil {
				return nil, a.fail(f.file, f.index, f.id.String(), "building %s is not in building.geojson", ids[0])
			}
		default:
			b = single()
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
	unitRoom := map[uuid.UUID]*imports.Room{}
	type pending struct {
		b *imports.Building
		r imports.Room
	}
	var rooms []pending
	for _, f := range loaded["unit"] {
		lid, err := idOf(f.props["level_id"])
		if err != nil {
			return nil, a.fail(f.file, f.index, f.id.String(), "level_id: %v", err)
		}
		lv, ok := levels[lid]
		if !ok {
			return nil, a.fail(f.file, f.index, f.id.String(), "level_id %s is not in level.geojson", lid)
		}
		r := imports.Room{Ref: f.ref(), SourceID: "imdf:" + f.id.String(), ID: f.id, Ordinal: lv.ordinal}
		r.Number = str(f.props[Namespace+"number"])
		if r.Number == "" {
			r.Number = label(f.props["name"])
		}
		r.Name = str(f.props[Namespace+"name"])
		if r.Name == "" && f.props[Namespace+"number"] == nil {
			r.Name = label(f.props["alt_name"])
		}
		category := str(f.props["category"])
		if u := floorplan.Usage(str(f.props[Namespace+"usage"])); u.Valid() {
			r.Usage = u
		} else if u, ok := UsageOf(category); ok {
			r.Usage = u
		} else {
			r.Usage, r.UsageAssumed = floorplan.UsageOther, true
		}
		if id, err := idOf(f.props[Namespace+"agency_id"]); err == nil {
			r.AgencyID = id
		}
		r.AgencyName = str(f.props[Namespace+"agency_name"])
		r.Geometry, r.Err = onePolygon(f.geom)
		rooms = append(rooms, pending{b: lv.b, r: r})
	}
	for i := range rooms {
		unitRoom[rooms[i].r.ID] = &rooms[i].r
	}
	anchors := map[uuid.UUID]uuid.UUID{} // anchor → unit
	for _, f := range loaded["anchor"] {
		if uid, err := idOf(f.props["unit_id"]); err == nil {
			anchors[f.id] = uid
		} else {
			return nil, a.fail(f.file, f.index, f.id.String(), "unit_id: %v", err)
		}
	}
	for _, f := range loaded["occupant"] {
		aid, err := idOf(f.props["anchor_id"])
		if err != nil {
			return nil, a.fail(f.file, f.index, f.id.String(), "anchor_id: %v", err)
		}
		uid, ok := anchors[aid]
		if !ok {
			return nil, a.fail(f.file, f.index, f.id.String(), "anchor %s is not in anchor.geojson", aid)
		}
		r, ok := unitRoom[uid]
		if !ok {
			return nil, a.fail(f.file, f.index, f.id.String(), "its anchor's unit %s is not in unit.geojson", uid)
		}
		if r.AgencyID == uuid.Nil && r.AgencyName == "" {
			r.AgencyName = label(f.props["name"])
		}
	}
	for _, f := range loaded["opening"] {
		if lid, err := idOf(f.props["level_id"]); err != nil || levels[lid].b == nil {
			return nil, a.fail(f.file, f.index, f.id.String(), "level_id %v is not in level.geojson", f.props["level_id"])
		}
	}
	if n := len(loaded["opening"]); n > 0 {
		ds.Notes = append(ds.Notes, fmt.Sprintf("%d openings (doors) read and checked; officemap does not keep doors", n))
	}
	for _, p := range rooms {
		p.b.Rooms = append(p.b.Rooms, p.r)
	}
	if len(rooms) == 0 {
		return nil, imports.Errorf(a.name, "unit.geojson", "no units: the archive has no rooms")
	}
	for _, id := range order {
		if b := buildings[id]; len(b.Rooms) > 0 || len(b.Floors) > 0 {
			ds.Buildings = append(ds.Buildings, *b)
		}
	}
	if only != nil {
		ds.Buildings = append(ds.Buildings, *only)
	}
	return ds, nil
}

// manifest checks manifest.json: a JSON object with a version.
func (a *archive) manifest() error {
	data, err := fs.ReadFile(a.fsys, path.Join(a.root, "manifest.json"))
	if err != nil {
		return imports.Wrap(a.name, "manifest.json", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return imports.Errorf(a.name, "manifest.json", "not a JSON object: %v", err)
	}
	if v, _ := m["version"].(string); v == "" {
		return imports.Errorf(a.name, "manifest.json", "the version is missing")
	}
	return nil
}

// onePolygon takes a unit's polygon: a Polygon, or a MultiPolygon of one part.
func onePolygon(g orb.Geometry) (orb.Polygon, error) {
	switch t := g.(type) {
	case orb.Polygon:
		return t, nil
	case orb.MultiPolygon:
		if len(t) == 1 {
			return t[0], nil
		}
		return nil, fmt.Errorf("the multipolygon has %d parts: a room must be one polygon", len(t))
	}
	return nil, errors.New("no polygon")
}

// label picks the text of an IMDF LABELS object: Chinese, then English, then the first language in
// order of its tag; a plain string is taken as it is.
func label(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case map[string]any:
		for _, lang := range []string{"zh-CN", "zh-Hans", "zh", "en", "en-US"} {
			if s, ok := t[lang].(string); ok && strings.TrimSpace(s) != "" {
				return strings.TrimSpace(s)
			}
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if s, ok := t[k].(string); ok && strings.TrimSpace(s) != "" {
				return strings.TrimSpace(s)
			}
		}
	}
	return ""
}

func str(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

func idOf(v any) (uuid.UUID, error) {
	s, ok := v.(string)
	if !ok {
		return uuid.Nil, fmt.Errorf("%v is not a UUID", v)
	}
	return uuid.Parse(s)
}

func idList(v any) ([]uuid.UUID, error) {
	if v == nil {
		return nil, nil
	}
	xs, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%v is not a list of ids", v)
	}
	out := make([]uuid.UUID, 0, len(xs))
	for _, x := range xs {
		id, err := idOf(x)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// georefOf reads officemap's georeference extension: {"origin": [lon, lat], "rotation_deg": r}.
func georefOf(v any) (geo.Georef, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return geo.Georef{}, false
	}
	o, ok := m["origin"].([]any)
	if !ok || len(o) != 2 {
		return geo.Georef{}, false
	}
	lon, ok1 := o[0].(float64)
	lat, ok2 := o[1].(float64)
	rot, _ := m["rotation_deg"].(float64)
	if !ok1 || !ok2 {
		return geo.Georef{}, false
	}
	g := geo.Georef{Origin: orb.Point{lon, lat}, RotationDeg: rot, Scale: 1}
	return g, g.Validate() == nil
}
