package imdf

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan/imports"
	"officemap/geo"
)

// onePolygon takes a unit's polygon: a Polygon, or a MultiPolygon of one part.
func onePolygon(g orb.Geometry) (orb.Polygon, error) {
	p, ok, err := imports.OnePolygon(g)
	if !ok {
		return nil, errors.New("no polygon")
	}
	return p, err
}

// label picks the text of an IMDF LABELS object (see labelLang).
func label(v any) string {
	s, _ := labelLang(v)
	return s
}

// labelLang picks the text of an IMDF LABELS object and its language tag: Chinese, then English, then
// the first language in order of its tag. A plain string is taken as it is, in no language ("").
func labelLang(v any) (text, lang string) {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t), ""
	case map[string]any:
		for _, lang := range []string{"zh-CN", "zh-Hans", "zh", "en", "en-US"} {
			if s, ok := t[lang].(string); ok && strings.TrimSpace(s) != "" {
				return strings.TrimSpace(s), lang
			}
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if s, ok := t[k].(string); ok && strings.TrimSpace(s) != "" {
				return strings.TrimSpace(s), k
			}
		}
	}
	return "", ""
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

// ids reads a feature's property that lists ids (building_ids).
func (a *archive) ids(f *feature, key string) ([]uuid.UUID, error) {
	ids, err := idList(f.props[key])
	if err != nil {
		return nil, a.failAt(f, "%s: %v", key, err)
	}
	return ids, nil
}

// reference reads a feature's property that refers to another feature by its id (level_id, unit_id…).
func (a *archive) reference(f *feature, key string) (uuid.UUID, error) {
	id, err := idOf(f.props[key])
	if err != nil {
		return uuid.Nil, a.failAt(f, "%s: %v", key, err)
	}
	return id, nil
}
