package exports

import (
	"archive/zip"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan"
	"officemap/floorplan/imports/imdf"
	"officemap/geo"
)

// IMDFExtension names officemap's IMDF extension in manifest.json; its properties are prefixed with
// imdf.Namespace ("officemap:").
const IMDFExtension = imdf.Extension

// DefaultLang is the language of the names of a building that has none of its own (floorplan.Building.Lang:
// names typed in officemap).
const DefaultLang = "zh-CN"

// imdfNamespace derives the ids of IMDF features that officemap has no record for (addresses,
// footprints) from the ids of those it has, so that an export is the same every time.
var imdfNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://officemap/imdf"))

func derivedID(id uuid.UUID, what string) uuid.UUID {
	return uuid.NewSHA1(imdfNamespace, append(id[:], what...))
}

// imdfFeature is one IMDF feature: GeoJSON with an id and a feature_type.
type imdfFeature struct {
	ID          string            `json:"id"`
	Type        string            `json:"type"`
	FeatureType string            `json:"feature_type"`
	Geometry    *geojson.Geometry `json:"geometry"`
	Properties  map[string]any    `json:"properties"`
}

type collection struct {
	Type     string        `json:"type"`
	Features []imdfFeature `json:"features"`
}

// labels is an IMDF LABELS object of a text in a language, or null for an empty text.
func labels(s, lang string) any {
	if s == "" {
		return nil
	}
	return map[string]string{lang: s}
}

// langOf is the language of a building's names: the one its source gave them in, else DefaultLang.
func langOf(b *floorplan.Building) string { return cmp.Or(b.Lang, DefaultLang) }

func point(p orb.Point) *geojson.Geometry { return geojson.NewGeometry(p) }

// WriteIMDF writes the data as an IMDF archive (a zip): manifest.json and one FeatureCollection per
// feature type — one venue (the site, or all the exported sites together) with its address, building
// (with officemap's georeference), footprint, level per floor, unit per room and opening per door of a
// floor, with UUID ids, the geometry types IMDF requires, integer ordinals, every level_id resolving,
// and null where IMDF allows it.
//
// IMDF requires a geometry of every level and footprint: a floor without an outline gets the hull of
// its rooms (or its building's outline), a building without a footprint the hull of its rooms and floor
// outlines, each marked "officemap:derived": true, which imdf.Read does not take for an outline.
//
// A unit's category is the room's source category when that is an IMDF unit category fitting its usage,
// else one its name tells or its usage's (imdf.RoomCategory); it carries the room's number, usage, state,
// area, source category, recorded area, agency, standard, status, occupants and source id under the
// "officemap:" namespace, so that imdf.Read gives back the rooms it was written from. Names are labels in
// their building's language (floorplan.Building.Lang, else DefaultLang). Coordinates are written as
// float64 holds them (encoding/json's shortest form that reads back to the same number): nothing is
// rounded away, and a re-import compares them at imdf.ExportPrecision.
//
// Floors with no outline, no rooms and a building without footprint have no geometry for a level and
// are left out; notes says which.
func WriteIMDF(w io.Writer, d *Data, generatedBy string) (notes []string, err error) {
	a := newIMDFArchive(d)
	a.addVenue()
	a.addBuildings()
	a.addLevels()
	if err := a.write(w, generatedBy); err != nil {
		return nil, err
	}
	return a.notes, nil
}

// imdfArchive is an IMDF archive being made from Data: its features by type, and notes on what it
// leaves out.
type imdfArchive struct {
	d         *Data
	roomsOf   map[uuid.UUID][]floorplan.Room // by floor
	outlineOf map[uuid.UUID]orb.Polygon      // lon/lat outline of each building
	siteName  map[uuid.UUID]string

	address, venue, building, footprint, level, unit, opening []imdfFeature
	notes                                                     []string
}

func newIMDFArchive(d *Data) *imdfArchive {
	a := &imdfArchive{d: d, roomsOf: map[uuid.UUID][]floorplan.Room{}, outlineOf: map[uuid.UUID]orb.Polygon{},
		siteName: map[uuid.UUID]string{}}
	for _, r := range d.Rooms {
		a.roomsOf[r.FloorID] = append(a.roomsOf[r.FloorID], r)
	}
	for i := range d.Buildings {
		if o := a.outline(&d.Buildings[i]); o != nil {
			a.outlineOf[d.Buildings[i].ID] = o
		}
	}
	return a
}

// outline returns a building's outline in lon/lat: its footprint, else the hull of its rooms and floor
// outlines (nil when they have too few points).
func (a *imdfArchive) outline(b *floorplan.Building) orb.Polygon {
	fr := a.d.frames[b.ID]
	if len(b.Footprint) > 0 {
		return fr.PolygonToLonLat(b.Footprint)
	}
	var pts []orb.Point
	for _, f := range a.d.Floors {
		if f.BuildingID != b.ID {
			continue
		}
		pts = a.appendRoomPoints(pts, f.ID)
		if len(f.Outline) > 0 {
			pts = append(pts, fr.PolygonToLonLat(f.Outline)[0]...)
		}
	}
	return hull(pts)
}

// appendRoomPoints appends the lon/lat points of the outer rings of a floor's rooms.
func (a *imdfArchive) appendRoomPoints(pts []orb.Point, floorID uuid.UUID) []orb.Point {
	for _, r := range a.roomsOf[floorID] {
		pts = append(pts, a.d.LonLat(r)[0]...)
	}
	return pts
}

// addVenue adds the one venue, with its address: an archive describes one place. An export of several
// sites (everything) makes one venue of them all, and each building keeps its site under
// officemap:site_id and officemap:site_name.
func (a *imdfArchive) addVenue() {
	sites := append([]floorplan.Site(nil), a.d.Sites...)
	sort.Slice(sites, func(i, j int) bool { return sites[i].ID.String() < sites[j].ID.String() })
	var names []string
	venueID := uuid.Nil
	for _, st := range sites {
		a.siteName[st.ID] = st.Name
		names = append(names, st.Name)
		venueID = derivedID(venueID, st.ID.String())
	}
	if len(sites) == 1 {
		venueID = sites[0].ID
	}
	lang := a.lang()
	var pts []orb.Point
	for _, o := range a.outlineOf {
		pts = append(pts, o[0]...)
	}
	vp := hull(pts)
	if vp == nil {
		a.notes = append(a.notes, "no rooms or footprints: no venue written")
		return
	}
	addrID := derivedID(venueID, "address")
	locality := strings.Join(names, "、")
	if len(sites) == 1 && sites[0].Address != "" {
		locality = sites[0].Address
	}
	category := ""
	if len(sites) > 0 {
		category = sites[0].Category
	}
	a.address = append(a.address, imdfFeature{ID: addrID.String(), Type: "Feature", FeatureType: "address",
		Properties: map[string]any{"address": locality, "unit": nil, "locality": locality, "province": nil,
			"country": "CN", "postal_code": nil, "postal_code_ext": nil, "postal_code_vanity": nil}})
	a.venue = append(a.venue, imdfFeature{ID: venueID.String(), Type: "Feature", FeatureType: "venue",
		Geometry: geojson.NewGeometry(vp), Properties: map[string]any{
			"category": "governmentfacility", "restriction": nil, "name": labels(strings.Join(names, "、"), lang), "alt_name": nil,
			"hours": nil, "phone": nil, "website": nil, "display_point": point(interior(vp)),
			"address_id": addrID.String(), imdf.Namespace + "category": category}})
}

// addBuildings adds a building per building, and a footprint per building that has an outline.
func (a *imdfArchive) addBuildings() {
	for i := range a.d.Buildings {
		b := &a.d.Buildings[i]
		o := a.outlineOf[b.ID]
		var dp any
		if o != nil {
			dp = point(interior(o))
		}
		a.building = append(a.building, imdfFeature{ID: b.ID.String(), Type: "Feature", FeatureType: "building",
			Properties: map[string]any{"name": labels(b.Name, langOf(b)), "alt_name": nil, "category": "unspecified",
				"restriction": nil, "display_point": dp, "address_id": nil,
				imdf.Namespace + "address": b.Address, imdf.Namespace + "lang": nullString(b.Lang),
				imdf.Namespace + "site_id":   b.SiteID.String(),
				imdf.Namespace + "site_name": a.siteName[b.SiteID],
				imdf.Namespace + "georef": map[string]any{
					"origin": []float64{b.Georef.Origin[0], b.Georef.Origin[1]}, "rotation_deg": b.Georef.RotationDeg}}})
		if o != nil {
			a.footprint = append(a.footprint, imdfFeature{ID: derivedID(b.ID, "footprint").String(), Type: "Feature",
				FeatureType: "footprint", Geometry: geojson.NewGeometry(o),
				Properties: map[string]any{"category": "ground", "name": nil, "building_ids": []string{b.ID.String()},
					imdf.Namespace + "derived": len(b.Footprint) == 0}})
		}
	}
}

// lang is the archive's language: its buildings', when they have one, else DefaultLang.
func (a *imdfArchive) lang() string {
	lang := ""
	for i := range a.d.Buildings {
		l := langOf(&a.d.Buildings[i])
		if lang != "" && l != lang {
			return DefaultLang
		}
		lang = l
	}
	return cmp.Or(lang, DefaultLang)
}

// addLevels adds a level per floor that has a geometry — its outline, else the hull of its rooms, else
// its building's outline — with a unit per room and an opening per door.
func (a *imdfArchive) addLevels() {
	for _, f := range a.d.Floors {
		b := a.d.building[f.BuildingID]
		var lg orb.Polygon
		switch {
		case len(f.Outline) > 0:
			lg = a.d.frames[b.ID].PolygonToLonLat(f.Outline)
		case len(a.roomsOf[f.ID]) > 0:
			lg = hull(a.appendRoomPoints(nil, f.ID))
		default:
			lg = a.outlineOf[b.ID]
		}
		if lg == nil {
			a.notes = append(a.notes, fmt.Sprintf("floor %s of building %q has no rooms and no outline: left out", f.Name, b.Name))
			continue
		}
		a.level = append(a.level, imdfFeature{ID: f.ID.String(), Type: "Feature", FeatureType: "level",
			Geometry: geojson.NewGeometry(lg), Properties: map[string]any{
				"category": "unspecified", "restriction": nil, "outdoor": false, "ordinal": f.Ordinal,
				"name": labels(f.Name, langOf(b)), "short_name": labels(f.Name, langOf(b)),
				"display_point": point(interior(lg)), "address_id": nil, "building_ids": []string{b.ID.String()},
				imdf.Namespace + "elevation": f.Elevation, imdf.Namespace + "derived": len(f.Outline) == 0}})
		for _, r := range a.roomsOf[f.ID] {
			a.unit = append(a.unit, a.unitFeature(r, langOf(b)))
		}
		a.addOpenings(f)
	}
}

// addOpenings adds an opening per line of a floor's openings (doors), in lon/lat, with ids derived from
// the floor's and the line's place among its openings.
func (a *imdfArchive) addOpenings(f floorplan.Floor) {
	fr := a.d.frames[f.BuildingID]
	for i, line := range f.Openings {
		if len(line) < 2 {
			continue
		}
		ll := make(orb.LineString, len(line))
		for j, p := range line {
			ll[j] = fr.ToLonLat(p)
		}
		a.opening = append(a.opening, imdfFeature{ID: derivedID(f.ID, fmt.Sprintf("opening %d", i)).String(),
			Type: "Feature", FeatureType: "opening", Geometry: geojson.NewGeometry(ll), Properties: map[string]any{
				"category": "pedestrian", "accessibility": nil, "access_control": nil, "door": nil, "name": nil,
				"alt_name": nil, "display_point": nil, "level_id": f.ID.String()}})
	}
}

// unitFeature is the unit of a room, named in a language, with the room's register data and standing
// under the officemap namespace.
func (a *imdfArchive) unitFeature(r floorplan.Room, lang string) imdfFeature {
	ll := a.d.LonLat(r)
	st := a.d.Standing(r.ID)
	return imdfFeature{ID: r.ID.String(), Type: "Feature", FeatureType: "unit",
		Geometry: geojson.NewGeometry(ll), Properties: map[string]any{
			"category": imdf.RoomCategory(r), "restriction": nil, "accessibility": nil,
			"name": labels(r.Number, lang), "alt_name": labels(r.Name, lang), "level_id": r.FloorID.String(),
			"display_point":                     point(interior(ll)),
			imdf.Namespace + "number":           r.Number,
			imdf.Namespace + "name":             r.Name,
			imdf.Namespace + "usage":            string(r.Usage),
			imdf.Namespace + "state":            string(r.State),
			imdf.Namespace + "idle_since":       nullDate(r.IdleSince),
			imdf.Namespace + "valid_from":       nullDate(r.ValidFrom),
			imdf.Namespace + "area_m2":          round(geo.Area(r.Geometry)),
			imdf.Namespace + "agency_id":        nullID(r.AgencyID),
			imdf.Namespace + "agency_name":      a.d.AgencyName(r.AgencyID),
			imdf.Namespace + "standard_m2":      round(st.StandardM2),
			imdf.Namespace + "per_person":       round(st.PerPersonM2),
			imdf.Namespace + "status":           string(st.Status),
			imdf.Namespace + "occupants":        occupantNames(st.Occupants),
			imdf.Namespace + "source_id":        nullString(r.SourceID),
			imdf.Namespace + "source_category":  nullString(r.SourceCategory),
			imdf.Namespace + "recorded_area_m2": nullArea(r.RecordedAreaM2),
		}}
}

// write writes the archive: the manifest, then a FeatureCollection per feature type (empty ones too).
func (a *imdfArchive) write(w io.Writer, generatedBy string) error {
	zw := zip.NewWriter(w)
	manifest := map[string]any{"version": "1.0.0", "created": time.Now().UTC().Format("2006-01-02T15:04:05"),
		"generated_by": generatedBy, "language": a.lang(), "extensions": []string{IMDFExtension}}
	if err := writeJSON(zw, "manifest.json", manifest); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		fs   []imdfFeature
	}{{"address", a.address}, {"venue", a.venue}, {"building", a.building}, {"footprint", a.footprint},
		{"level", a.level}, {"unit", a.unit}, {"opening", a.opening}} {
		if f.fs == nil {
			f.fs = []imdfFeature{}
		}
		if err := writeJSON(zw, f.name+".geojson", collection{Type: "FeatureCollection", Features: f.fs}); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("imdf: %w", err)
	}
	return nil
}

// nullString is s, or null for "".
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullDate is a day as YYYY-MM-DD, or null for none.
func nullDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(time.DateOnly)
}

// nullArea is an area rounded as the others, or null for 0 (none).
func nullArea(m2 float64) any {
	if m2 == 0 {
		return nil
	}
	return round(m2)
}

// occupantNames lists the names of a room's occupants.
func occupantNames(occupants []floorplan.OccupantInfo) []string {
	names := make([]string, 0, len(occupants))
	for _, o := range occupants {
		names = append(names, o.Name)
	}
	return names
}

func writeJSON(zw *zip.Writer, name string, v any) error {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return fmt.Errorf("imdf: %s: %w", name, err)
	}
	if err := json.NewEncoder(w).Encode(v); err != nil {
		return fmt.Errorf("imdf: %s: %w", name, err)
	}
	return nil
}

// hull returns the convex hull of points as a closed counter-clockwise polygon (Andrew's monotone
// chain), or nil for fewer than three distinct points not on one line.
func hull(pts []orb.Point) orb.Polygon {
	ps := make([]orb.Point, 0, len(pts))
	for _, p := range pts {
		if !math.IsNaN(p[0]) && !math.IsNaN(p[1]) {
			ps = append(ps, p)
		}
	}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i][0] != ps[j][0] {
			return ps[i][0] < ps[j][0]
		}
		return ps[i][1] < ps[j][1]
	})
	cross := func(o, a, b orb.Point) float64 { return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0]) }
	var h []orb.Point
	for _, p := range ps {
		for len(h) >= 2 && cross(h[len(h)-2], h[len(h)-1], p) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, p)
	}
	lower := len(h) + 1
	for i := len(ps) - 2; i >= 0; i-- {
		p := ps[i]
		for len(h) >= lower && cross(h[len(h)-2], h[len(h)-1], p) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, p)
	}
	if len(h) < 4 { // a closed triangle has 4 points
		return nil
	}
	return orb.Polygon{orb.Ring(h)}
}

// interior returns a point inside a polygon for a label or display point: its centroid when that is
// inside, else the middle of the longest inside stretch of the horizontal line through its bound's
// centre.
func interior(p orb.Polygon) orb.Point {
	c, a := planar.CentroidArea(p)
	if a > 0 && planar.PolygonContains(p, c) {
		return c
	}
	b := p.Bound()
	y := (b.Min[1] + b.Max[1]) / 2
	var xs []float64
	for _, r := range p {
		for i := 0; i+1 < len(r); i++ {
			p1, p2 := r[i], r[i+1]
			if (p1[1] > y) != (p2[1] > y) {
				xs = append(xs, p1[0]+(y-p1[1])*(p2[0]-p1[0])/(p2[1]-p1[1]))
			}
		}
	}
	sort.Float64s(xs)
	best, bx := -1.0, b.Center()[0]
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > best {
			best, bx = w, (xs[i]+xs[i+1])/2
		}
	}
	return orb.Point{bx, y}
}
