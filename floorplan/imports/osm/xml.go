package osm

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"officemap/floorplan/imports"
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
// out. A file that ends before its elements are closed is an error wrapping imports.ErrTruncated that
// names the line where it ends and the elements still open there.
func readXML(in io.Reader, lim Limits) (*osmData, error) {
	dec := xml.NewDecoder(in)
	dec.Strict = true
	r := &xmlReader{dec: dec, lim: lim, x: &osmData{nodes: map[int64]orb.Point{}, ways: map[int64]*way{}}}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, r.tokenError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			line, _ := dec.InputPos()
			r.open = append(r.open, openElement{name: t.Name.Local, line: line})
			err = r.start(t.Name.Local, attrs(t.Attr))
		case xml.EndElement:
			r.open = r.open[:len(r.open)-1] // a strict decoder matches each end to its start
			err = r.end(t.Name.Local)
		}
		if err != nil {
			return nil, err
		}
	}
	if r.elements == 0 {
		line, _ := dec.InputPos()
		return nil, fmt.Errorf("line %d: %w: it ends before its first element", line, imports.ErrTruncated)
	}
	if !r.sawOSM {
		return nil, errors.New("not an OSM XML file (no <osm> element)")
	}
	return r.x, nil
}

// xmlReader is readXML's state: what it keeps, the elements open, the way or relation being read with
// its tags, and the node references and members counted so far.
type xmlReader struct {
	dec      *xml.Decoder
	lim      Limits
	x        *osmData
	open     []openElement
	elements int // elements begun
	way      *way
	rel      *relation
	tags     map[string]string
	refs     int
	sawOSM   bool
}

// openElement is an element begun and not yet ended: its name and the line of its start tag.
type openElement struct {
	name string
	line int
}

// tokenError is the error of a token the decoder could not read: for a file that ends early, where it
// ends and which elements are still open (their end tags are missing); else the decoder's error, with
// the line.
func (r *xmlReader) tokenError(err error) error {
	var syntax *xml.SyntaxError
	if !(errors.As(err, &syntax) && syntax.Msg == "unexpected EOF") && !errors.Is(err, io.ErrUnexpectedEOF) {
		return r.errorf("%v", err)
	}
	line, _ := r.dec.InputPos()
	switch {
	case len(r.open) == 0 && r.elements == 0:
		return fmt.Errorf("line %d: %w: it ends before its first element is complete", line, imports.ErrTruncated)
	case len(r.open) == 0:
		return fmt.Errorf("line %d: %w: it ends inside markup after its root element", line, imports.ErrTruncated)
	}
	const named = 3 // the innermost elements the message names
	var inside, missing []string
	for i := len(r.open) - 1; i >= max(0, len(r.open)-named); i-- {
		e := r.open[i]
		inside = append(inside, fmt.Sprintf("<%s> begun at line %d", e.name, e.line))
		missing = append(missing, "</"+e.name+">")
	}
	if more := len(r.open) - named; more > 0 {
		inside = append(inside, fmt.Sprintf("%d more", more))
		missing = append(missing, fmt.Sprintf(" and %d more end tags", more))
	}
	return fmt.Errorf("line %d: %w: it ends inside %s, before %s", line, imports.ErrTruncated,
		strings.Join(inside, ", in "), strings.Join(missing, ""))
}

// errorf returns an error that names the line being read.
func (r *xmlReader) errorf(format string, args ...any) error {
	line, _ := r.dec.InputPos()
	return fmt.Errorf("line %d: "+format, append([]any{line}, args...)...)
}

// start reads the start of an element.
func (r *xmlReader) start(name string, a map[string]string) error {
	r.elements++
	switch name {
	case "osm", "osmChange":
		r.sawOSM = true
	case "node":
		return r.node(a)
	case "way", "relation":
		id, err := r.id(name, a)
		if err != nil {
			return err
		}
		r.tags = map[string]string{}
		kept := r.tags
		if deleted(a) {
			kept = nil // read, then dropped
		}
		if name == "way" {
			r.way = &way{id: id, tags: kept}
		} else {
			r.rel = &relation{id: id, tags: kept}
		}
	case "nd":
		if r.way == nil {
			return nil
		}
		ref, err := r.reference(a, "way", r.way.id, len(r.way.refs), "node reference", "node references")
		if err != nil {
			return err
		}
		r.way.refs = append(r.way.refs, ref)
	case "member":
		if r.rel == nil {
			return nil
		}
		ref, err := r.reference(a, "relation", r.rel.id, len(r.rel.members), "member reference", "members")
		if err != nil {
			return err
		}
		r.rel.members = append(r.rel.members, member{typ: a["type"], ref: ref, role: a["role"]})
	case "tag":
		if r.tags != nil && (r.way != nil || r.rel != nil) {
			if len(r.tags) >= 1000 {
				return r.errorf("more than 1000 tags on one element: %w", ErrLimit)
			}
			r.tags[a["k"]] = a["v"]
		}
	}
	return nil
}

// deleted reports whether a JOSM file marks an element deleted or invisible.
func deleted(a map[string]string) bool { return a["action"] == "delete" || a["visible"] == "false" }

// node keeps a node's position.
func (r *xmlReader) node(a map[string]string) error {
	if deleted(a) {
		return nil
	}
	id, err1 := strconv.ParseInt(a["id"], 10, 64)
	lat, err2 := strconv.ParseFloat(a["lat"], 64)
	lon, err3 := strconv.ParseFloat(a["lon"], 64)
	if err1 != nil || err2 != nil || err3 != nil || math.IsNaN(lat) || math.IsNaN(lon) {
		return r.errorf("node %q has no valid id, lat and lon", a["id"])
	}
	if len(r.x.nodes) >= r.lim.MaxNodes {
		return r.errorf("more than %d nodes: %w", r.lim.MaxNodes, ErrLimit)
	}
	r.x.nodes[id] = orb.Point{lon, lat}
	return nil
}

// id reads the id of a way or relation.
func (r *xmlReader) id(elem string, a map[string]string) (int64, error) {
	id, err := strconv.ParseInt(a["id"], 10, 64)
	if err != nil {
		return 0, r.errorf("%s %q has no valid id", elem, a["id"])
	}
	return id, nil
}

// reference reads the ref of an nd or member element (what, counted as many) of the way or relation
// elem id, which has n of them so far.
func (r *xmlReader) reference(a map[string]string, elem string, id int64, n int, what, many string) (int64, error) {
	ref, err := strconv.ParseInt(a["ref"], 10, 64)
	if err != nil {
		return 0, r.errorf("%s %d: %s %q is not a number", elem, id, what, a["ref"])
	}
	r.refs++
	if n >= r.lim.MaxWayNodes || r.refs > r.lim.MaxRefs {
		return 0, r.errorf("%s %d: too many %s: %w", elem, id, many, ErrLimit)
	}
	return ref, nil
}

// end reads the end of an element: a way or relation read is kept unless it is deleted.
func (r *xmlReader) end(name string) error {
	switch name {
	case "way":
		if r.way != nil && r.way.tags != nil {
			if len(r.x.ways) >= r.lim.MaxWays {
				return r.errorf("more than %d ways: %w", r.lim.MaxWays, ErrLimit)
			}
			if _, dup := r.x.ways[r.way.id]; !dup {
				r.x.wayOrder = append(r.x.wayOrder, r.way.id)
			}
			r.x.ways[r.way.id] = r.way
		}
		r.way, r.tags = nil, nil
	case "relation":
		if r.rel != nil && r.rel.tags != nil {
			if len(r.x.relations) >= r.lim.MaxWays {
				return r.errorf("more than %d relations: %w", r.lim.MaxWays, ErrLimit)
			}
			r.x.relations = append(r.x.relations, r.rel)
		}
		r.rel, r.tags = nil, nil
	}
	return nil
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
