package imdf

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/internal/fcjson"
)

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

// geometryKind is the kind of a geometry (0 for a kind no feature type allows).
func geometryKind(g orb.Geometry) int {
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
		return geomPolygonal
	case orb.Point:
		return geomPoint
	case orb.LineString:
		return geomLine
	}
	return 0
}

// fail refuses the archive for a file, or for a feature of it (index > 0, with its id when it has one).
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

// failAt refuses the archive for a feature read.
func (a *archive) failAt(f *feature, format string, args ...any) error {
	return a.fail(f.file, f.index, f.id.String(), format, args...)
}

// strictTypes are the feature types whose files Read needs whole: a file of them that cannot be read
// refuses the archive. opening.geojson is read too, leniently (see openings).
var strictTypes = []string{"venue", "building", "footprint", "level", "unit", "occupant", "anchor"}

// loadAll reads the feature files Read needs whole, by feature type.
func (a *archive) loadAll() (map[string][]*feature, error) {
	loaded := map[string][]*feature{}
	for _, t := range strictTypes {
		feats, err := a.load(t)
		if err != nil {
			return nil, err
		}
		loaded[t] = feats
	}
	return loaded, nil
}

// load reads one feature file as a stream, one feature at a time; a missing file is empty. Structural
// errors refuse the archive.
func (a *archive) load(typ string) ([]*feature, error) {
	file := typ + ".geojson"
	var out []*feature
	err := a.stream(file, func(n int, raw json.RawMessage) error {
		ft, err := a.feature(file, typ, n, raw)
		if err != nil {
			return err
		}
		out = append(out, ft)
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return out, err
}

// stream reads a file of the archive as one FeatureCollection, giving each feature to each as it comes.
// A file that is not there is an error matching fs.ErrNotExist.
func (a *archive) stream(file string, each func(n int, raw json.RawMessage) error) error {
	f, err := a.open(path.Join(a.root, file))
	if errors.Is(err, fs.ErrNotExist) {
		return err
	} else if err != nil {
		return imports.AsError(a.name, file, err)
	}
	defer f.Close()
	c := fcjson.Collection{
		Type: func(t string) error {
			if t != "FeatureCollection" {
				return a.fail(file, 0, nil, "type %q: each IMDF file must be one FeatureCollection", t)
			}
			return nil
		},
		Feature: each,
	}
	if err := c.Read(f); err != nil {
		return imports.AsError(a.name, file, err)
	}
	return nil
}

// feature checks one feature of a file of type typ: a Feature with a UUID id, that feature_type,
// properties, and a geometry the type allows.
func (a *archive) feature(file, typ string, index int, raw json.RawMessage) (*feature, error) {
	var rf rawFeature
	if err := json.Unmarshal(raw, &rf); err != nil {
		return nil, a.fail(file, index, nil, "%v", err)
	}
	if rf.Type != "Feature" {
		return nil, a.fail(file, index, rf.ID, "type %q is not Feature", rf.Type)
	}
	sid, _ := rf.ID.(string)
	id, err := uuid.Parse(sid)
	if err != nil {
		return nil, a.fail(file, index, rf.ID, "the id %v is not a UUID", rf.ID)
	}
	if rf.FeatureType != typ {
		return nil, a.fail(file, index, rf.ID, "feature_type %q in %s", rf.FeatureType, file)
	}
	if rf.Properties == nil {
		return nil, a.fail(file, index, rf.ID, "the properties are missing")
	}
	geom, err := a.geometry(file, typ, index, &rf)
	if err != nil {
		return nil, err
	}
	return &feature{file: file, index: index, id: id, geom: geom, props: rf.Properties}, nil
}

// geometry reads a feature's geometry (nil for null) and checks that its type allows it.
func (a *archive) geometry(file, typ string, index int, rf *rawFeature) (orb.Geometry, error) {
	allowed := featureGeometry[typ]
	if g := strings.TrimSpace(string(rf.Geometry)); g == "" || g == "null" {
		if allowed&geomNull == 0 {
			return nil, a.fail(file, index, rf.ID, "a %s needs a geometry", typ)
		}
		return nil, nil
	}
	gg, err := geojson.UnmarshalGeometry(rf.Geometry)
	if err != nil || gg.Geometry() == nil {
		return nil, a.fail(file, index, rf.ID, "the geometry cannot be read: %v", err)
	}
	if geometryKind(gg.Geometry())&allowed == 0 {
		return nil, a.fail(file, index, rf.ID, "a %s may not have a %s geometry", typ, gg.Geometry().GeoJSONType())
	}
	return gg.Geometry(), nil
}
