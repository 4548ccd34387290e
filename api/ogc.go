package api

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/api/tiles"
	"officemap/floorplan"
	"officemap/geo"
)

// OGC API – Features – Part 1: Core, under /ogc, with the buildings and rooms layers as collections.
// Items come from Store.Features (lon/lat, index-driven); paging is by limit and offset.

// OGC paging limits.
const (
	ogcDefaultLimit = 100
	ogcMaxLimit     = 10000
)

// conformanceClasses lists the conformance classes implemented.
func conformanceClasses() []string {
	return []string{
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	}
}

const crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

type ogcLink struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

type ogcCollection struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	ItemType    string    `json:"itemType"`
	CRS         []string  `json:"crs"`
	Links       []ogcLink `json:"links"`
}

// ogcCollections describes the layers offered.
func ogcCollectionInfo(layer floorplan.Layer) (title, description string, ok bool) {
	switch layer {
	case floorplan.LayerBuildings:
		return "Buildings 楼栋", "Building footprints (lon/lat) with name and footprint area in m²", true
	case floorplan.LayerRooms:
		return "Rooms 房间", "Rooms (lon/lat) with floor, level, number, usage, agency, usable area (使用面积) and over-standard status", true
	}
	return "", "", false
}

// ogcLayers lists the collections in order.
func ogcLayers() []floorplan.Layer {
	return []floorplan.Layer{floorplan.LayerBuildings, floorplan.LayerRooms}
}

// baseURL is what links start with (tiles.LinkBase): Config.PublicURL, the trusted forwarded scheme and
// host, or "" for root-relative links.
func (s *Server) baseURL(r *http.Request) string {
	return tiles.LinkBase(r, s.cfg.PublicURL, s.cfg.TrustForwarded)
}

func (s *Server) ogcLanding(w http.ResponseWriter, r *http.Request) error {
	base := s.baseURL(r)
	return writeJSON(w, http.StatusOK, map[string]any{
		"title":       "officemap",
		"description": "Government office space: buildings and rooms (党政机关办公用房)",
		"links": []ogcLink{
			{Href: base + "/ogc", Rel: "self", Type: "application/json", Title: "this document"},
			{Href: base + "/api/v1/openapi.json", Rel: "service-desc", Type: "application/vnd.oai.openapi+json;version=3.0", Title: "the API definition"},
			{Href: base + "/ogc/conformance", Rel: "conformance", Type: "application/json", Title: "conformance classes"},
			{Href: base + "/ogc/collections", Rel: "data", Type: "application/json", Title: "collections"},
		},
	})
}

func (s *Server) ogcConformance(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]any{"conformsTo": conformanceClasses()})
}

func collectionDoc(base string, layer floorplan.Layer) ogcCollection {
	title, desc, _ := ogcCollectionInfo(layer)
	self := base + "/ogc/collections/" + string(layer)
	return ogcCollection{ID: string(layer), Title: title, Description: desc, ItemType: "feature", CRS: []string{crs84},
		Links: []ogcLink{
			{Href: self, Rel: "self", Type: "application/json", Title: title},
			{Href: self + "/items", Rel: "items", Type: "application/geo+json", Title: title},
		}}
}

func (s *Server) ogcCollections(w http.ResponseWriter, r *http.Request) error {
	base := s.baseURL(r)
	cols := make([]ogcCollection, 0, 2)
	for _, l := range ogcLayers() {
		cols = append(cols, collectionDoc(base, l))
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"links":       []ogcLink{{Href: base + "/ogc/collections", Rel: "self", Type: "application/json"}},
		"collections": cols,
	})
}

// ogcLayer returns the collection named in the path.
func ogcLayer(r *http.Request) (floorplan.Layer, error) {
	l := floorplan.Layer(mux.Vars(r)["collectionId"])
	if _, _, ok := ogcCollectionInfo(l); !ok {
		return "", about("collection", fmt.Errorf("api: collection %q: %w", l, floorplan.ErrNotFound))
	}
	return l, nil
}

func (s *Server) ogcCollection(w http.ResponseWriter, r *http.Request) error {
	l, err := ogcLayer(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, collectionDoc(s.baseURL(r), l))
}

// ogcItemParam reports whether the items operation knows a query parameter.
func ogcItemParam(name string) bool {
	switch name {
	case "bbox", "limit", "offset", "datetime", "f":
		return true
	}
	return false
}

func (s *Server) ogcItems(w http.ResponseWriter, r *http.Request) error {
	l, err := ogcLayer(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	for name := range q {
		if !ogcItemParam(name) {
			return badParam(name, "is not known (bbox, limit, offset, datetime, f)")
		}
	}
	if f := q.Get("f"); f != "" && f != "json" && f != "geojson" {
		return badParam("f", "must be json")
	}
	bounds, err := parseBBox(q.Get("bbox"))
	if err != nil {
		return err
	}
	limit := ogcDefaultLimit
	if raw := q.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return badParam("limit", fmt.Sprintf("must be a positive integer, not %q", raw))
		}
		limit = min(n, ogcMaxLimit) // a larger limit is capped, not refused (OGC 17-069r4, 7.15.3)
	}
	offset, err := queryInt(r, "offset", 0, 0, math.MaxInt32)
	if err != nil {
		return err
	}

	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return err
	}
	page, more, err := s.ogcPage(r.Context(), l, bounds, sc.read, offset, limit)
	if err != nil {
		return err
	}

	ids := make([]uuid.UUID, len(page))
	for i, f := range page {
		ids[i] = f.ID
	}
	statuses, err := s.statuses(r.Context(), l, ids)
	if err != nil {
		return err
	}
	features := make([]ogcFeature, 0, len(page))
	base := s.baseURL(r)
	for _, f := range page {
		features = append(features, ogcFeatureOf(f, statuses, base))
	}

	self := base + "/ogc/collections/" + string(l) + "/items"
	pageURL := func(off int) string {
		v := url.Values{}
		if raw := q.Get("bbox"); raw != "" {
			v.Set("bbox", raw)
		}
		v.Set("limit", strconv.Itoa(limit))
		v.Set("offset", strconv.Itoa(off))
		return self + "?" + v.Encode()
	}
	links := []ogcLink{
		{Href: pageURL(offset), Rel: "self", Type: "application/geo+json", Title: "this page"},
		{Href: base + "/ogc/collections/" + string(l), Rel: "collection", Type: "application/json"},
	}
	if more {
		links = append(links, ogcLink{Href: pageURL(offset + limit), Rel: "next", Type: "application/geo+json", Title: "next page"})
	}
	if offset > 0 {
		links = append(links, ogcLink{Href: pageURL(max(offset-limit, 0)), Rel: "prev", Type: "application/geo+json", Title: "previous page"})
	}
	return writeGeoJSON(w, http.StatusOK, ogcFeatureCollection{
		Type: "FeatureCollection", Features: features, NumberReturned: len(features),
		TimeStamp: time.Now().UTC().Format(time.RFC3339), Links: links,
	})
}

// ogcPage returns the features of layer l in bounds that the read scope in shows, ordered by building,
// level, number and ID, from offset up to limit of them, and whether more follow. One bound pages in the
// store's query; a bbox across the antimeridian (two bounds) is merged and paged here.
func (s *Server) ogcPage(ctx context.Context, l floorplan.Layer, bounds []orb.Bound, in floorplan.ReadScope, offset, limit int) ([]floorplan.Feature, bool, error) {
	if len(bounds) == 1 {
		fs, err := s.store.Features(ctx, l, bounds[0], floorplan.FeatureFilter{Offset: offset, Limit: limit + 1, Ordered: true, In: in})
		if err != nil || len(fs) <= limit {
			return fs, false, err
		}
		return fs[:limit], true, nil
	}
	var all []floorplan.Feature
	seen := map[uuid.UUID]bool{}
	for _, b := range bounds {
		fs, err := s.store.Features(ctx, l, b, floorplan.FeatureFilter{In: in})
		if err != nil {
			return nil, false, err
		}
		for _, f := range fs {
			if !seen[f.ID] {
				seen[f.ID] = true
				all = append(all, f)
			}
		}
	}
	slices.SortFunc(all, func(a, b floorplan.Feature) int {
		return cmp.Or(strings.Compare(a.BuildingID.String(), b.BuildingID.String()), cmp.Compare(a.Level, b.Level),
			strings.Compare(a.Number, b.Number), strings.Compare(a.ID.String(), b.ID.String()))
	})
	page := all[min(offset, len(all)):min(offset+limit, len(all))]
	return page, offset+len(page) < len(all), nil
}

// statuses returns the over-standard status today of the rooms ids (a page of features), for the rooms
// layer: their stored states (floorplan.Register.States), so that a page costs its rooms, not an
// evaluation of the register.
func (s *Server) statuses(ctx context.Context, l floorplan.Layer, ids []uuid.UUID) (*floorplan.Report, error) {
	if l != floorplan.LayerRooms || len(ids) == 0 {
		return nil, nil
	}
	states, err := s.register.States(ctx, ids)
	if err != nil {
		return nil, err
	}
	return floorplan.StatesReport(states), nil
}

// ogcFeatureCollection is a page of items. It has no numberMatched (optional in OGC API – Features,
// 7.15.5): counting every match would cost as much as the page query it pages, and the next link says
// whether more follow.
type ogcFeatureCollection struct {
	Type           string       `json:"type"`
	Features       []ogcFeature `json:"features"`
	NumberReturned int          `json:"numberReturned"`
	TimeStamp      string       `json:"timeStamp"`
	Links          []ogcLink    `json:"links"`
}

type ogcFeature struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties map[string]any    `json:"properties"`
	Links      []ogcLink         `json:"links,omitempty"`
}

func ogcFeatureOf(f floorplan.Feature, rep *floorplan.Report, base string) ogcFeature {
	props := map[string]any{
		"building_id": f.BuildingID.String(),
		"name":        f.Name,
		"area_m2":     roundArea(f.AreaM2),
	}
	if f.Layer == floorplan.LayerRooms {
		props["floor_id"] = f.FloorID.String()
		props["level"] = f.Level
		props["number"] = f.Number
		props["usage"] = string(f.Usage)
		props["agency_id"] = optID(f.AgencyID)
		props["status"] = nil
		if rep != nil {
			if rr, ok := rep.Room(f.ID); ok {
				props["status"] = string(rr.Status)
			}
		}
	}
	var g *geojson.Geometry
	if len(f.Geometry) > 0 {
		g = geojson.NewGeometry(f.Geometry)
	}
	self := base + "/ogc/collections/" + string(f.Layer) + "/items/" + f.ID.String()
	return ogcFeature{Type: "Feature", ID: f.ID.String(), Geometry: g, Properties: props,
		Links: []ogcLink{{Href: self, Rel: "self", Type: "application/geo+json"}}}
}

func (s *Server) ogcItem(w http.ResponseWriter, r *http.Request) error {
	l, err := ogcLayer(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "featureId")
	if err != nil {
		return err
	}
	var f floorplan.Feature
	switch l {
	case floorplan.LayerBuildings:
		sc, err := s.scopeOf(r.Context())
		if err != nil {
			return err
		}
		b, err := s.store.Building(r.Context(), id)
		if err == nil && !sc.building(b.ID) {
			err = s.denyRead(r.Context(), "feature", id)
		}
		if err != nil {
			return about("feature", err)
		}
		f = buildingFeature(b)
	case floorplan.LayerRooms:
		sc, err := s.scopeOf(r.Context())
		if err != nil {
			return err
		}
		room, err := s.store.Room(r.Context(), id)
		if err = s.roomInScope(r.Context(), sc, "feature", room, err); err != nil {
			return about("feature", err)
		}
		fl, b, err := s.floorAndBuilding(r.Context(), room.FloorID)
		if err != nil {
			return err
		}
		f = roomFeature(room, fl, b)
	}
	rep, err := s.statuses(r.Context(), l, []uuid.UUID{f.ID})
	if err != nil {
		return err
	}
	base := s.baseURL(r)
	out := ogcFeatureOf(f, rep, base)
	out.Links = append(out.Links, ogcLink{Href: base + "/ogc/collections/" + string(l), Rel: "collection", Type: "application/json"})
	return writeGeoJSON(w, http.StatusOK, out)
}

// buildingFeature is a building as a map feature, as Store.Features gives it.
func buildingFeature(b floorplan.Building) floorplan.Feature {
	return floorplan.Feature{ID: b.ID, Layer: floorplan.LayerBuildings, Geometry: b.Georef.Frame().PolygonToLonLat(b.Footprint),
		BuildingID: b.ID, Number: b.Name, Name: b.Name, AreaM2: geo.Area(b.Footprint)}
}

// roomFeature is a room as a map feature, as Store.Features gives it.
func roomFeature(r floorplan.Room, fl floorplan.Floor, b floorplan.Building) floorplan.Feature {
	return floorplan.Feature{ID: r.ID, Layer: floorplan.LayerRooms, Geometry: b.Georef.Frame().PolygonToLonLat(r.Geometry),
		BuildingID: b.ID, FloorID: fl.ID, Level: fl.Ordinal, Number: r.Number, Name: r.Name, Usage: r.Usage,
		AgencyID: r.AgencyID, AreaM2: r.Area()}
}

// parseBBox parses an OGC bbox (minLon,minLat,maxLon,maxLat, or the same with heights) into one bound,
// or two when it crosses the antimeridian (minLon > maxLon). No bbox is the whole world.
func parseBBox(raw string) ([]orb.Bound, error) {
	world := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	if raw == "" {
		return []orb.Bound{world}, nil
	}
	parts := strings.Split(raw, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return nil, badParam("bbox", "must be 4 numbers minLon,minLat,maxLon,maxLat (or 6 with heights)")
	}
	v := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, badParam("bbox", fmt.Sprintf("has %q where a number belongs", p))
		}
		v[i] = f
	}
	if len(v) == 6 { // drop the heights
		v = []float64{v[0], v[1], v[3], v[4]}
	}
	minLon, minLat, maxLon, maxLat := v[0], v[1], v[2], v[3]
	for _, lon := range []float64{minLon, maxLon} {
		if lon < -180 || lon > 180 {
			return nil, badParam("bbox", "has a longitude outside -180…180")
		}
	}
	for _, lat := range []float64{minLat, maxLat} {
		if lat < -90 || lat > 90 {
			return nil, badParam("bbox", "has a latitude outside -90…90")
		}
	}
	if minLat > maxLat {
		return nil, badParam("bbox", "has its minimum latitude above its maximum")
	}
	if minLon > maxLon { // crosses the antimeridian
		return []orb.Bound{
			{Min: orb.Point{minLon, minLat}, Max: orb.Point{180, maxLat}},
			{Min: orb.Point{-180, minLat}, Max: orb.Point{maxLon, maxLat}},
		}, nil
	}
	return []orb.Bound{{Min: orb.Point{minLon, minLat}, Max: orb.Point{maxLon, maxLat}}}, nil
}

// roundArea rounds an area in m² to the square millimetre, which drops floating-point noise
// (23.999999999999996) and nothing a surveyor measures.
func roundArea(v float64) float64 { return math.Round(v*1e6) / 1e6 }
