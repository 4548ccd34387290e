package osm

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan/imports"
)

// feature is an OSM way or relation, or a GeoJSON feature converted from one: its id, tags and, when
// it could be built, its polygon in lon/lat.
type feature struct {
	id   string // "way/123", "relation/45", or "feature 7" for a GeoJSON feature without an id
	tags map[string]string
	poly orb.Polygon
	err  error // why poly could not be built
	// at is a point of the feature, known even when its polygon is not (an unclosed way), to place it
	// in a building.
	at    orb.Point
	hasAt bool
}

// outline is a building's footprint.
type outline struct {
	f    *feature
	area float64
	b    orb.Bound
	out  *imports.Building
}

// dataset makes the import dataset of the features of one file: one building per building outline
// that has rooms in it (a room belongs to the smallest outline containing its centroid), the rooms
// outside every outline in a building named after the file, and each room once per level it is on.
func dataset(file string, feats []feature, notes []imports.Note, usages *imports.UsageMap) (*imports.Dataset, error) {
	base := filepath.Base(file)
	ds := &imports.Dataset{Format: "osm", File: base, LonLat: true, SourcePrefix: "osm:"}
	ds.Notes = append(ds.Notes, notes...)
	var outlines []*outline
	for i := range feats {
		f := &feats[i]
		if !isBuilding(f.tags) {
			continue
		}
		if f.poly == nil {
			ds.Notes = append(ds.Notes, imports.Notef("building outline %s left out: %v", f.id, f.err))
			continue
		}
		outlines = append(outlines, &outline{f: f, area: planar.Area(f.poly), b: f.poly.Bound()})
	}
	var loose *imports.Building
	var order []*imports.Building
	rooms, loneRooms, assumed := 0, 0, 0
	for i := range feats {
		f := &feats[i]
		if !isRoom(f.tags) {
			continue
		}
		rooms++
		var b *imports.Building
		if o := container(outlines, f); o != nil {
			if o.out == nil {
				o.out = &imports.Building{SourceID: "osm:" + o.f.id, Name: buildingName(o.f.id, o.f.tags),
					Address: address(o.f.tags), Footprint: o.f.poly}
				order = append(order, o.out)
			}
			b = o.out
		} else {
			if loose == nil {
				loose = &imports.Building{SourceID: "osm:file:" + base, Name: strings.TrimSuffix(base, filepath.Ext(base))}
			}
			b = loose
			loneRooms++
		}
		number := strings.TrimSpace(f.tags["ref"])
		name := strings.TrimSpace(f.tags["name"])
		if number == "" {
			number, name = name, ""
		}
		u, isAssumed := usage(f.tags, usages)
		room := imports.Room{Ref: f.id, SourceID: "osm:" + f.id, Number: number, Name: name, Usage: u,
			Category: strings.TrimSpace(f.tags["room"]), UsageAssumed: isAssumed, Geometry: f.poly, Err: f.err}
		if room.Err != nil {
			b.Rooms = append(b.Rooms, room)
			continue
		}
		lv, err := levels(f.tags)
		if err != nil {
			room.Err = err
			b.Rooms = append(b.Rooms, room)
			continue
		}
		if isAssumed && u == "office" {
			assumed += len(lv)
		}
		for _, l := range lv {
			r := room
			r.Ordinal = l
			if len(lv) > 1 {
				r.Ref = fmt.Sprintf("%s (level %d)", f.id, l)
				r.SourceID = fmt.Sprintf("osm:%s@%d", f.id, l)
			}
			b.Rooms = append(b.Rooms, r)
		}
	}
	if rooms == 0 {
		return nil, imports.Errorf(base, "", "no indoor=room, indoor=area or indoor=corridor features found")
	}
	if loose != nil {
		order = append(order, loose)
		if len(outlines) > 0 {
			ds.Notes = append(ds.Notes, imports.Notef("%d rooms are in no building outline and go into building %q", loneRooms, loose.Name))
		}
	}
	if assumed > 0 {
		ds.Notes = append(ds.Notes, imports.Notef("%d rooms have no tag that says their use (room=*, amenity=*, shop=*…) and were imported as office", assumed))
	}
	for _, b := range order {
		ds.Buildings = append(ds.Buildings, *b)
	}
	return ds, nil
}

// container returns the smallest building outline that contains the feature's centroid (or, for a
// feature without a polygon, its known point).
func container(outlines []*outline, f *feature) *outline {
	var p orb.Point
	switch {
	case f.poly != nil:
		c, a := planar.CentroidArea(f.poly)
		if a == 0 {
			c = f.poly.Bound().Center()
		}
		p = c
	case f.hasAt:
		p = f.at
	default:
		return nil
	}
	var best *outline
	for _, o := range outlines {
		if (best == nil || o.area < best.area) && o.b.Contains(p) && planar.PolygonContains(o.f.poly, p) {
			best = o
		}
	}
	return best
}

// ringOf closes a list of points into a ring, or says why it cannot: fewer than 4 points, or first and
// last points apart.
func ringOf(pts []orb.Point) (orb.Ring, error) {
	n := len(pts)
	if n < 4 {
		return nil, imports.Reasonf("the outline is not closed: it has only %d points", n)
	}
	if pts[0] != pts[n-1] {
		return nil, imports.Reasonf("the outline is not closed: its first point %s and last point %s differ", ll(pts[0]), ll(pts[n-1]))
	}
	return orb.Ring(pts), nil
}

func ll(p orb.Point) string { return fmt.Sprintf("(%.7f, %.7f)", p[0], p[1]) }

// polygonOf makes a polygon of outer and inner rings: exactly one outer ring (a room is one polygon),
// the inner rings as its holes.
func polygonOf(outers, inners []orb.Ring) (orb.Polygon, error) {
	switch len(outers) {
	case 0:
		return nil, imports.Reasonf("the multipolygon has no outer ring")
	case 1:
	default:
		return nil, imports.Reasonf("the multipolygon has %d outer rings: a room must be one polygon", len(outers))
	}
	p := orb.Polygon{outers[0]}
	return append(p, inners...), nil
}
