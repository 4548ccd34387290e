package osm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/internal/fcjson"
)

// readGeoJSON reads a GeoJSON FeatureCollection converted from OSM (osmtogeojson, Overpass turbo,
// JOSM's export), as a stream: each feature's properties are its tags, its id "way/123" (or properties
// "@id"/"id"). A room drawn as an unclosed way comes as a LineString and is kept with its problem; a
// feature whose geometry cannot be read at all is kept with its problem when its properties make it a
// room. JSON cut short is an error wrapping imports.ErrTruncated that names the byte where it ends.
func readGeoJSON(in io.Reader, lim Limits) ([]feature, []imports.Note, error) {
	var out []feature
	c := fcjson.Collection{
		Type: func(typ string) error {
			if typ != "FeatureCollection" {
				return fmt.Errorf("GeoJSON of type %q: a FeatureCollection is needed", typ)
			}
			return nil
		},
		Feature: func(n int, raw json.RawMessage) error {
			f, ok, err := geoJSONFeature(n-1, raw)
			if ok {
				out = append(out, f)
			}
			return err
		},
		MaxBytes: lim.MaxBytes,
	}
	if err := c.Read(in); err != nil {
		if errors.Is(err, fcjson.ErrTooLarge) {
			err = fmt.Errorf("%w (%w)", err, ErrLimit)
		}
		return nil, nil, err
	}
	return out, nil, nil
}

// geoJSONFeature reads the i-th feature (0-based) of a collection; ok is false for a feature that is
// neither a room nor a building.
func geoJSONFeature(i int, raw json.RawMessage) (f feature, ok bool, err error) {
	var head struct {
		ID         any            `json:"id"`
		Properties map[string]any `json:"properties"`
		Geometry   json.RawMessage
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return f, false, fmt.Errorf("feature %d: %v", i+1, err)
	}
	tags := tagsOf(head.Properties)
	if !isRoom(tags) && !isBuilding(tags) {
		return f, false, nil
	}
	f = feature{id: featureID(i, head.ID, head.Properties), tags: tags}
	g, err := geojson.UnmarshalGeometry(head.Geometry)
	if err != nil || g == nil || g.Geometry() == nil {
		f.err = fmt.Errorf("the geometry cannot be read")
		if err != nil {
			f.err = fmt.Errorf("the geometry cannot be read: %v", err)
		}
		return f, true, nil
	}
	f.poly, f.err = polygonFromGeometry(g.Geometry())
	if c := g.Geometry().Bound().Center(); !math.IsNaN(c[0]) && !math.IsNaN(c[1]) {
		f.at, f.hasAt = c, true
	}
	return f, true, nil
}

// polygonFromGeometry takes a feature's polygon: a Polygon, a MultiPolygon of one part, or a closed
// LineString.
func polygonFromGeometry(g orb.Geometry) (orb.Polygon, error) {
	switch t := g.(type) {
	case orb.Polygon:
		if len(t) == 0 {
			return nil, fmt.Errorf("the polygon is empty")
		}
		for _, r := range t {
			if _, err := ringOf(r); err != nil {
				return nil, err
			}
		}
		return t, nil
	case orb.MultiPolygon:
		if len(t) != 1 {
			return nil, fmt.Errorf("the multipolygon has %d parts: a room must be one polygon", len(t))
		}
		return polygonFromGeometry(t[0])
	case orb.LineString:
		r, err := ringOf(t)
		if err != nil {
			return nil, err
		}
		return orb.Polygon{r}, nil
	}
	return nil, fmt.Errorf("a %s is not an area", g.GeoJSONType())
}

// featureID is a GeoJSON feature's OSM id ("way/123"), or "feature N" when it has none.
func featureID(i int, id any, props map[string]any) string {
	for _, v := range []any{id, props["@id"], props["id"]} {
		switch t := v.(type) {
		case string:
			if t != "" {
				return t
			}
		case float64:
			return strconv.FormatFloat(t, 'f', -1, 64)
		}
	}
	return fmt.Sprintf("feature %d", i+1)
}

// tagsOf turns properties into tags: strings as they are, numbers in their shortest form, booleans as
// yes/no; other values are left out.
func tagsOf(props map[string]any) map[string]string {
	tags := make(map[string]string, len(props))
	for k, v := range props {
		switch t := v.(type) {
		case string:
			tags[k] = t
		case float64:
			if !math.IsNaN(t) && !math.IsInf(t, 0) {
				tags[k] = strconv.FormatFloat(t, 'f', -1, 64)
			}
		case bool:
			tags[k] = map[bool]string{true: "yes", false: "no"}[t]
		}
	}
	return tags
}
