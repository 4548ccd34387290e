package osm

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// ErrLimit is wrapped by the errors of inputs beyond Limits.
var ErrLimit = errors.New("osm: limit exceeded")

type way struct {
	id   int64
	refs []int64
	tags map[string]string
}

type member struct {
	typ  string
	ref  int64
	role string
}

type relation struct {
	id      int64
	members []member
	tags    map[string]string
}

// osmData is what readXML keeps of an OSM XML file.
type osmData struct {
	nodes     map[int64]orb.Point
	ways      map[int64]*way
	wayOrder  []int64
	relations []*relation
}

// readXML reads an OSM XML file (as JOSM, the OSM API or Overpass write it) streaming, keeping node
// positions, ways and relations with their tags. Elements a JOSM file marks action="delete" are left
// out.
func readXML(in io.Reader, lim Limits) (*osmData, error) {
	dec := xml.NewDecoder(in)
	dec.Strict = true
	x := &osmData{nodes: map[int64]orb.Point{}, ways: map[int64]*way{}}
	var (
		curWay *way
		curRel *relation
		tags   map[string]string
		refs   int
		sawOSM bool
	)
	line := func() int { l, _ := dec.InputPos(); return l }
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", line(), err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			a := attrs(t.Attr)
			switch t.Name.Local {
			case "osm", "osmChange":
				sawOSM = true
			case "node":
				if a["action"] == "delete" || a["visible"] == "false" {
					continue
				}
				id, err1 := strconv.ParseInt(a["id"], 10, 64)
				lat, err2 := strconv.ParseFloat(a["lat"], 64)
				lon, err3 := strconv.ParseFloat(a["lon"], 64)
				if err1 != nil || err2 != nil || err3 != nil || math.IsNaN(lat) || math.IsNaN(lon) {
					return nil, fmt.Errorf("line %d: node %q has no valid id, lat and lon", line(), a["id"])
				}
				if len(x.nodes) >= lim.MaxNodes {
					return nil, fmt.Errorf("line %d: more than %d nodes: %w", line(), lim.MaxNodes, ErrLimit)
				}
				x.nodes[id] = orb.Point{lon, lat}
			case "way":
				id, err := strconv.ParseInt(a["id"], 10, 64)
				if err != nil {
					return nil, fmt.Errorf("line %d: way %q has no valid id", line(), a["id"])
				}
				tags = map[string]string{}
				curWay = &way{id: id, tags: tags}
				if a["action"] == "delete" || a["visible"] == "false" {
					curWay.tags = nil // read, then dropped
				}
			case "relation":
				id, err := strconv.ParseInt(a["id"], 10, 64)
				if err != nil {
					return nil, fmt.Errorf("line %d: relation %q has no valid id", line(), a["id"])
				}
				tags = map[string]string{}
				curRel = &relation{id: id, tags: tags}
				if a["action"] == "delete" || a["visible"] == "false" {
					curRel.tags = nil
				}
			case "nd":
				if curWay == nil {
					continue
				}
				ref, err := strconv.ParseInt(a["ref"], 10, 64)
				if err != nil {
					return nil, fmt.Errorf("line %d: way %d: node reference %q is not a number", line(), curWay.id, a["ref"])
				}
				refs++
				if len(curWay.refs) >= lim.MaxWayNodes || refs > lim.MaxRefs {
					return nil, fmt.Errorf("line %d: way %d: too many node references: %w", line(), curWay.id, ErrLimit)
				}
				curWay.refs = append(curWay.refs, ref)
			case "member":
				if curRel == nil {
					continue
				}
				ref, err := strconv.ParseInt(a["ref"], 10, 64)
				if err != nil {
					return nil, fmt.Errorf("line %d: relation %d: member reference %q is not a number", line(), curRel.id, a["ref"])
				}
				refs++
				if len(curRel.members) >= lim.MaxWayNodes || refs > lim.MaxRefs {
					return nil, fmt.Errorf("line %d: relation %d: too many members: %w", line(), curRel.id, ErrLimit)
				}
				curRel.members = append(curRel.members, member{typ: a["type"], ref: ref, role: a["role"]})
			case "tag":
				if tags != nil && (curWay != nil || curRel != nil) {
					if len(tags) >= 1000 {
						return nil, fmt.Errorf("line %d: more than 1000 tags on one element: %w", line(), ErrLimit)
					}
					tags[a["k"]] = a["v"]
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "way":
				if curWay != nil && curWay.tags != nil {
					if len(x.ways) >= lim.MaxWays {
						return nil, fmt.Errorf("line %d: more than %d ways: %w", line(), lim.MaxWays, ErrLimit)
					}
					if _, dup := x.ways[curWay.id]; !dup {
						x.wayOrder = append(x.wayOrder, curWay.id)
					}
					x.ways[curWay.id] = curWay
				}
				curWay, tags = nil, nil
			case "relation":
				if curRel != nil && curRel.tags != nil {
					if len(x.relations) >= lim.MaxWays {
						return nil, fmt.Errorf("line %d: more than %d relations: %w", line(), lim.MaxWays, ErrLimit)
					}
					x.relations = append(x.relations, curRel)
				}
				curRel, tags = nil, nil
			}
		}
	}
	if !sawOSM {
		return nil, errors.New("not an OSM XML file (no <osm> element)")
	}
	return x, nil
}

func attrs(as []xml.Attr) map[string]string {
	m := make(map[string]string, len(as))
	for _, a := range as {
		m[a.Name.Local] = a.Value
	}
	return m
}

// features builds the rooms and building outlines of an OSM XML file: closed ways, and multipolygon
// relations assembled from their member ways.
func (x *osmData) features() []feature {
	var out []feature
	for _, id := range x.wayOrder {
		w := x.ways[id]
		if !isRoom(w.tags) && !isBuilding(w.tags) {
			continue
		}
		f := feature{id: fmt.Sprintf("way/%d", w.id), tags: w.tags}
		pts, err := x.points(w)
		if len(pts) > 0 {
			f.at, f.hasAt = pts[0], true
		}
		if err == nil {
			var ring orb.Ring
			if ring, err = ringOf(pts); err == nil {
				f.poly = orb.Polygon{ring}
			}
		}
		f.err = err
		out = append(out, f)
	}
	for _, r := range x.relations {
		t := r.tags["type"]
		if (t != "multipolygon" && t != "building") || (!isRoom(r.tags) && !isBuilding(r.tags)) {
			continue
		}
		f := feature{id: fmt.Sprintf("relation/%d", r.id), tags: r.tags}
		f.poly, f.err = x.multipolygon(r, &f)
		out = append(out, f)
	}
	return out
}

// points resolves a way's nodes.
func (x *osmData) points(w *way) ([]orb.Point, error) {
	pts := make([]orb.Point, 0, len(w.refs))
	for _, ref := range w.refs {
		p, ok := x.nodes[ref]
		if !ok {
			return pts, fmt.Errorf("node %d of way %d is not in the file", ref, w.id)
		}
		pts = append(pts, p)
	}
	return pts, nil
}

// multipolygon assembles a relation's outer and inner member ways into rings (ways joined end to end,
// reversed where needed).
func (x *osmData) multipolygon(r *relation, f *feature) (orb.Polygon, error) {
	var outer, inner [][]int64
	for _, m := range r.members {
		if m.typ != "way" {
			continue
		}
		w, ok := x.ways[m.ref]
		if !ok {
			return nil, fmt.Errorf("member way %d is not in the file", m.ref)
		}
		if len(w.refs) == 0 {
			continue
		}
		if p, ok := x.nodes[w.refs[0]]; ok && !f.hasAt {
			f.at, f.hasAt = p, true
		}
		switch m.role {
		case "inner":
			inner = append(inner, w.refs)
		default:
			outer = append(outer, w.refs)
		}
	}
	outers, err := x.rings(outer)
	if err != nil {
		return nil, fmt.Errorf("outer ring: %w", err)
	}
	inners, err := x.rings(inner)
	if err != nil {
		return nil, fmt.Errorf("inner ring: %w", err)
	}
	return polygonOf(outers, inners)
}

// rings joins node lists into closed rings.
func (x *osmData) rings(parts [][]int64) ([]orb.Ring, error) {
	left := append([][]int64(nil), parts...)
	var out []orb.Ring
	for len(left) > 0 {
		cur := append([]int64(nil), left[0]...)
		left = left[1:]
		for cur[0] != cur[len(cur)-1] {
			end := cur[len(cur)-1]
			found := -1
			for i, p := range left {
				if p[0] == end {
					cur = append(cur, p[1:]...)
					found = i
					break
				}
				if p[len(p)-1] == end {
					for j := len(p) - 2; j >= 0; j-- {
						cur = append(cur, p[j])
					}
					found = i
					break
				}
			}
			if found < 0 {
				return nil, fmt.Errorf("the member ways do not close: node %d has no continuation", end)
			}
			left = append(left[:found], left[found+1:]...)
		}
		pts := make([]orb.Point, 0, len(cur))
		for _, ref := range cur {
			p, ok := x.nodes[ref]
			if !ok {
				return nil, fmt.Errorf("node %d is not in the file", ref)
			}
			pts = append(pts, p)
		}
		ring, err := ringOf(pts)
		if err != nil {
			return nil, err
		}
		out = append(out, ring)
	}
	return out, nil
}
