// Package geojson reads rooms from a GeoJSON FeatureCollection of polygons: lon/lat as RFC 7946 says, or
// the building's local coordinates when the collection says "crs": "local" (as officemap's own export with
// crs=local does; the georeference then comes from its "georef" member or from --origin/--rotation).
// Local coordinates are in metres, unless the "georef" member has a "scale" (metres per unit, as the
// API's georef.scale: 0.001 for millimetres; 0 or absent means metres), by which they are multiplied:
// what Read returns is always in metres.
//
// Properties read from each feature (all optional):
//
//	level (or ordinal)           the floor ordinal, a whole number; a file without any level is one floor
//	                             (--level, default 0)
//	number (else ref, else name) the room number
//	name                         the room name (when number or ref gives the number)
//	usage                        an officemap usage (office, service…), else a word of the usage map
//	                             (Options.Usages) in it or in the name ("会议室" → service); rooms
//	                             without one are offices (assumed)
//	agency_id, agency_name       the using agency, matched to the register
//	building_id, building_name   which building the room is in (officemap's export writes both); rooms
//	                             without them go into one building (--building, or named after the file)
//
// Rooms are identified for re-imports by "geojson:<file name>:<feature id>" (the feature's position
// when it has no id); a feature id that is the UUID of a live room updates that room.
package geojson

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/internal/fcjson"
	"officemap/geo"
)

// MaxBytes bounds the file Read accepts. The file is read as a stream, one feature at a time, so that
// the memory reading takes is bounded by the rooms kept (and fcjson.MaxFeatureBytes for the feature
// being read), not by the file's size; this bounds the time.
const MaxBytes = 1 << 30

// Options says what a file does not say itself.
type Options struct {
	Level int // the floor of rooms without a level property
	// Usages tells a usage from the words of a room's usage and name properties when the usage is not
	// officemap's own (nil: imports.DefaultUsageMap).
	Usages *imports.UsageMap
}

// Read reads a GeoJSON FeatureCollection of rooms, as a stream. A file that is cut short (its JSON
// ends early) is an error wrapping imports.ErrTruncated that names the byte where it ends and the
// feature it ends in; no room of it is returned.
func Read(file string, in io.Reader, opt Options) (*imports.Dataset, error) {
	base := filepath.Base(file)
	rd := &reading{base: base, opt: opt, buildings: map[string]*imports.Building{}}
	var crs json.RawMessage
	c := fcjson.Collection{
		Type: func(typ string) error {
			if typ != "FeatureCollection" {
				return imports.Errorf(base, "", "GeoJSON of type %q: a FeatureCollection of rooms is needed", typ)
			}
			return nil
		},
		Members:  map[string]any{"crs": &crs, "georef": &rd.georef},
		Feature:  func(n int, raw json.RawMessage) error { return rd.feature(n-1, raw) },
		MaxBytes: MaxBytes,
	}
	if err := c.Read(in); err != nil {
		return nil, imports.AsError(base, "", err)
	}
	if len(rd.rooms) == 0 {
		return nil, imports.Errorf(base, "", "no features: the collection has no rooms")
	}
	local := isLocal(crs)
	ds := &imports.Dataset{Format: "geojson", File: base, LonLat: !local, SourcePrefix: "geojson:" + base + ":"}
	if g := rd.georef; local && g != nil && g.Scale != 0 && g.Scale != 1 {
		if err := rd.toMetres(g.Scale); err != nil {
			return nil, err
		}
		ds.Notes = append(ds.Notes, imports.Notef("local coordinates in units of %g m (georef.scale), converted to metres", g.Scale))
	}
	rd.fill(ds)
	return ds, nil
}

// reading is what Read has gathered from the features so far: the rooms, each with the key of its
// building, and the buildings by key in the order they first appear.
type reading struct {
	base      string
	opt       Options
	georef    *georef
	buildings map[string]*imports.Building
	order     []string
	rooms     []placed
	anyLevel  bool // some feature has a level
	assumed   int  // rooms without a usage
}

// placed is a room and the key of its building.
type placed struct {
	key string
	r   imports.Room
}

// feature reads the i-th feature (0-based) as a room; only a feature that is not a JSON object stops
// the reading, other problems stay with the room.
func (rd *reading) feature(i int, raw json.RawMessage) error {
	var head struct {
		ID         any             `json:"id"`
		Properties map[string]any  `json:"properties"`
		Geometry   json.RawMessage `json:"geometry"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return imports.Errorf(rd.base, fmt.Sprintf("feature %d", i+1), "the feature is not a JSON object: %v", err)
	}
	props := head.Properties
	if props == nil {
		props = map[string]any{}
	}
	r := rd.room(i, head.ID, props)
	poly, err := roomPolygon(head.Geometry)
	r.Geometry = poly
	if r.Err == nil {
		r.Err = err
	}
	rd.rooms = append(rd.rooms, placed{key: rd.building(props), r: r})
	return nil
}

// room reads the id and properties of the i-th feature: its source id, number, name, usage, agency and
// level.
func (rd *reading) room(i int, id any, props map[string]any) imports.Room {
	fid := idString(id)
	ref := fmt.Sprintf("feature %d", i+1)
	if fid != "" {
		ref += " (id " + fid + ")"
	} else {
		fid = strconv.Itoa(i + 1)
	}
	r := imports.Room{Ref: ref, SourceID: "geojson:" + rd.base + ":" + fid}
	if id, err := uuid.Parse(idString(id)); err == nil {
		r.ID = id
	}
	r.Number = firstString(props, "number", "ref")
	r.Name = text(props["name"])
	if r.Number == "" {
		r.Number, r.Name = r.Name, ""
	}
	r.Usage, r.UsageAssumed = rd.usageOf(props)
	if r.UsageAssumed {
		rd.assumed++
	}
	if id, err := uuid.Parse(text(props["agency_id"])); err == nil {
		r.AgencyID = id
	}
	r.AgencyName = text(props["agency_name"])
	lv, hasLevel, err := levelOf(props)
	switch {
	case err != nil:
		r.Err = err
	case hasLevel:
		r.Ordinal, rd.anyLevel = lv, true
	default:
		r.Ordinal = rd.opt.Level
	}
	return r
}

// usageOf reads the usage property: an officemap usage, else a word of the usage map in it or in the
// name; else office, assumed.
func (rd *reading) usageOf(props map[string]any) (u floorplan.Usage, assumed bool) {
	if u := floorplan.Usage(text(props["usage"])); u.Valid() {
		return u, false
	}
	m := rd.opt.Usages
	if m == nil {
		m = imports.DefaultUsageMap()
	}
	if u, ok := m.Usage(text(props["usage"]) + " " + text(props["name"])); ok {
		return u, false
	}
	return floorplan.UsageOffice, true
}

// roomPolygon reads a room's geometry: a Polygon, or a MultiPolygon of one part.
func roomPolygon(raw json.RawMessage) (orb.Polygon, error) {
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil || g == nil || g.Geometry() == nil {
		return nil, imports.Reasonf("the geometry cannot be read")
	}
	p, ok, err := imports.OnePolygon(g.Geometry())
	if !ok {
		return nil, imports.Reasonf("a %s is not a room: rooms are polygons", g.Geometry().GeoJSONType())
	}
	return p, err
}

// building returns the key of a feature's building (its building_id, else its building_name), and makes
// the building when the key is new.
func (rd *reading) building(props map[string]any) string {
	key := firstString(props, "building_id", "building_name", "building")
	if _, ok := rd.buildings[key]; ok {
		return key
	}
	b := &imports.Building{Name: firstString(props, "building_name", "building")}
	if id, err := uuid.Parse(text(props["building_id"])); err == nil {
		b.ID = id
	}
	if key != "" {
		b.SourceID = "geojson:" + key
	} else {
		b.SourceID = "geojson:" + rd.base
	}
	rd.buildings[key] = b
	rd.order = append(rd.order, key)
	return key
}

// toMetres converts the rooms, in local units of k metres, to metres.
func (rd *reading) toMetres(k float64) error {
	if !(k >= geo.MinScale && k <= geo.MaxScale) {
		return imports.Errorf(rd.base, "", "georef.scale %v: the metres per local unit must be from %g to %g (0.001 for millimetres)",
			k, geo.MinScale, geo.MaxScale)
	}
	for i := range rd.rooms {
		rd.rooms[i].r.Geometry = toMetres(rd.rooms[i].r.Geometry, k)
	}
	return nil
}

// fill puts the rooms into their buildings and the buildings into ds, with the collection's georef
// (which may come after the features) and notes on the defaults taken.
func (rd *reading) fill(ds *imports.Dataset) {
	for _, p := range rd.rooms {
		rd.buildings[p.key].Rooms = append(rd.buildings[p.key].Rooms, p.r)
	}
	if !rd.anyLevel {
		ds.MatchWithinFloor = true
		ds.Notes = append(ds.Notes, imports.Notef("no feature has a level: every room goes on level %d", rd.opt.Level))
	}
	if rd.assumed > 0 {
		ds.Notes = append(ds.Notes, imports.Notef("%d rooms have no usage and were imported as office", rd.assumed))
	}
	for _, k := range rd.order {
		b := rd.buildings[k]
		if g := rd.georef; g != nil {
			b.Georef = &geo.Georef{Origin: orb.Point{g.Origin[0], g.Origin[1]}, RotationDeg: g.RotationDeg, Scale: 1}
		}
		ds.Buildings = append(ds.Buildings, *b)
	}
}

// georef is officemap's georeference member of a local collection. Scale is the metres per local unit
// of the coordinates (0 means 1).
type georef struct {
	Origin      [2]float64 `json:"origin"`
	RotationDeg float64    `json:"rotation_deg"`
	Scale       float64    `json:"scale"`
}

// toMetres returns a copy of p, in local units of k metres, in metres: each coordinate multiplied by k
// and rounded to the nanometre, which removes the last-bit noise of the product (6000 mm is 6 m, not
// 6.000000000000001) and keeps every digit a drawing has.
func toMetres(p orb.Polygon, k float64) orb.Polygon {
	if p == nil {
		return nil
	}
	snap := func(v float64) float64 {
		x := v * k * 1e9
		if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) >= 1<<52 {
			return v * k
		}
		return math.Round(x) / 1e9
	}
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		ring := make(orb.Ring, len(r))
		for j, pt := range r {
			ring[j] = orb.Point{snap(pt[0]), snap(pt[1])}
		}
		out[i] = ring
	}
	return out
}

// isLocal reports whether a collection's crs member says local metres: "local", or a named CRS
// {"type": "name", "properties": {"name": "local"}}.
func isLocal(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.EqualFold(s, "local")
	}
	var named struct {
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	if json.Unmarshal(raw, &named) == nil {
		n := strings.ToLower(named.Properties.Name)
		return n == "local" || n == "officemap:local"
	}
	return false
}

// levelOf reads the level (or ordinal) property: a whole number, as a number or a string.
func levelOf(props map[string]any) (int, bool, error) {
	for _, k := range []string{"level", "ordinal"} {
		v, ok := props[k]
		if !ok || v == nil {
			continue
		}
		switch t := v.(type) {
		case float64:
			if t != math.Trunc(t) || math.Abs(t) > 1000 {
				return 0, true, imports.Reasonf("%s %v is not a whole floor number", k, t)
			}
			return int(t), true, nil
		case string:
			n, err := strconv.Atoi(strings.TrimSpace(t))
			if err != nil || n < -1000 || n > 1000 {
				return 0, true, imports.Reasonf("%s %q is not a whole floor number", k, t)
			}
			return n, true, nil
		default:
			return 0, true, imports.Reasonf("%s %v is not a whole floor number", k, t)
		}
	}
	return 0, false, nil
}

func text(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	return ""
}

func firstString(props map[string]any, keys ...string) string {
	for _, k := range keys {
		if s := text(props[k]); s != "" {
			return s
		}
	}
	return ""
}

func idString(v any) string { return text(v) }
