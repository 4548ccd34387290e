//go:build !nostore

package imdf_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan"
	"officemap/floorplan/exports"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/imdf"
	"officemap/floorplan/imports/importtest"
	"officemap/geo"
)

// venue is an IMDF venue generated for the tests of what the importer answers to a troubled archive,
// as published venues have been: a footprint that is a stale copy of a building 2,700 km away, two
// levels with one ordinal and different names, an opening.geojson and an amenity.geojson that are not
// JSON, a unit of every IMDF unit category, and an occupant whose anchor points at a unit that is not
// there (a second occupant is right).
type venue struct {
	files    fstest.MapFS
	units    map[string]orb.Polygon // by unit number, in lon/lat
	category map[string]string      // unit number → category
	centre   orb.Point              // of the units
	far      orb.Point              // the footprint's centre
}

// The venue's place: its units near Changzhou; its footprint 24.3° further north (about 2,700 km).
var (
	venueOrigin = orb.Point{119.97, 31.81}
	staleShift  = 24.3
)

func newVenue(t *testing.T) *venue {
	t.Helper()
	v := &venue{files: fstest.MapFS{}, units: map[string]orb.Polygon{}, category: map[string]string{}}
	id := func(s string) string { return uuid.NewSHA1(uuid.NameSpaceURL, []byte("venue/"+s)).String() }
	// Metres east and north of the origin to lon/lat (a plate carrée with WGS84's radii of curvature at
	// the origin: exact enough to lay out rooms; the test measures them independently).
	lat0 := venueOrigin[1] * math.Pi / 180
	const a, e2 = 6378137.0, 6.69437999014e-3
	w := math.Sqrt(1 - e2*math.Sin(lat0)*math.Sin(lat0))
	mPerDegLat := math.Pi / 180 * a * (1 - e2) / (w * w * w)
	mPerDegLon := math.Pi / 180 * a / w * math.Cos(lat0)
	at := func(x, y float64) orb.Point {
		return orb.Point{venueOrigin[0] + x/mPerDegLon, venueOrigin[1] + y/mPerDegLat}
	}
	rect := func(x, y, w, h float64) orb.Polygon {
		return orb.Polygon{{at(x, y), at(x+w, y), at(x+w, y+h), at(x, y+h), at(x, y)}}
	}
	feature := func(key, typ string, g orb.Geometry, props map[string]any) map[string]any {
		f := map[string]any{"id": id(key), "type": "Feature", "feature_type": typ, "geometry": nil, "properties": props}
		if g != nil {
			f["geometry"] = geojson.NewGeometry(g)
		}
		return f
	}
	put := func(file string, features ...map[string]any) {
		data, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": features})
		if err != nil {
			t.Fatal(err)
		}
		v.files[file] = &fstest.MapFile{Data: data}
	}
	// Three levels (two of ordinal 0), each 8 units by 3 rows of 6 × 4 m with walls of 0.2 m between them.
	site := rect(-1, -1, 8*6.2+1.8, 3*4.2+1.8)
	levels := []struct {
		key, name string
		ordinal   int
	}{{"ground", "Ground", 0}, {"mezzanine", "Mezzanine", 0}, {"first", "First", 1}}
	var levelFeatures, unitFeatures []map[string]any
	for _, l := range levels {
		levelFeatures = append(levelFeatures, feature(l.key, "level", site, map[string]any{"ordinal": l.ordinal,
			"name": map[string]string{"en": l.name}, "building_ids": []string{id("building")}}))
	}
	for i, c := range imdf.UnitCategories {
		l, k := levels[i%3], i/3
		number := fmt.Sprintf("U%02d", i)
		p := rect(float64(k%8)*6.2, float64(k/8)*4.2, 6, 4)
		v.units[number], v.category[number] = p, c
		unitFeatures = append(unitFeatures, feature(number, "unit", p, map[string]any{"category": c,
			"name": map[string]string{"en": number}, "level_id": id(l.key)}))
	}
	for _, ring := range site {
		for _, p := range ring[:len(ring)-1] {
			v.centre = orb.Point{v.centre[0] + p[0]/4, v.centre[1] + p[1]/4}
		}
	}
	stale := orb.Polygon{make(orb.Ring, len(site[0]))}
	for i, p := range site[0] {
		stale[0][i] = orb.Point{p[0], p[1] + staleShift}
	}
	v.far = orb.Point{v.centre[0], v.centre[1] + staleShift}
	v.files["manifest.json"] = &fstest.MapFile{Data: []byte(`{"version":"1.0.0","created":"2024-05-01T00:00:00Z","language":"en"}`)}
	put("venue.geojson", feature("venue", "venue", site, map[string]any{"name": map[string]string{"en": "Generated Venue"}, "category": "businesscampus"}))
	put("building.geojson", feature("building", "building", nil, map[string]any{"name": map[string]string{"en": "Main Hall"}, "category": "unspecified"}))
	put("footprint.geojson", feature("footprint", "footprint", stale, map[string]any{"category": "ground", "building_ids": []string{id("building")}}))
	put("level.geojson", levelFeatures...)
	put("unit.geojson", unitFeatures...)
	put("anchor.geojson", feature("anchor good", "anchor", at(3, 2), map[string]any{"unit_id": id("U00")}),
		feature("anchor bad", "anchor", at(3, 2), map[string]any{"unit_id": id("a unit that is not there")}))
	put("occupant.geojson", feature("occupant good", "occupant", nil, map[string]any{"name": map[string]string{"en": "Finance Bureau"},
		"category": "office", "anchor_id": id("anchor good")}),
		feature("occupant bad", "occupant", nil, map[string]any{"name": map[string]string{"en": "Ghost Agency"},
			"category": "office", "anchor_id": id("anchor bad")}))
	v.files["opening.geojson"] = &fstest.MapFile{Data: []byte(`{"type":"FeatureCollection","features":[{"id":}]}`)}
	v.files["amenity.geojson"] = &fstest.MapFile{Data: []byte(`{"type":"FeatureCollection","features":[{"id":"x",}]}`)}
	return v
}

// haversineKm is the great-circle distance between two lon/lat points on a sphere of the earth's mean
// radius: the test's own measure of how far the stale footprint is.
func haversineKm(a, b orb.Point) float64 {
	const r = 6371.0088
	rad := math.Pi / 180
	dLat, dLon := (b[1]-a[1])*rad, (b[0]-a[0])*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a[1]*rad)*math.Cos(b[1]*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

// distancesKm finds the distances a message gives: numbers followed by km, or by m (taken to km).
func distancesKm(msg string) []float64 {
	var out []float64
	for _, m := range regexp.MustCompile(`(\d[\d,]*(?:\.\d+)?)\s*(km|m)\b`).FindAllStringSubmatch(msg, -1) {
		x, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
		if err != nil {
			continue
		}
		if m[2] == "m" {
			x /= 1000
		}
		out = append(out, x)
	}
	return out
}

// The importer's answers to the generated venue: the stale footprint is an error that says how far it
// is, unless the footprint is ignored; two floors of one ordinal; the broken opening.geojson and
// amenity.geojson are notes; every category kept, and mapped; the occupant of a missing unit skipped
// with --skip-invalid (and an error without it); and every area equal to the equal-area measure of the
// unit's lon/lat polygon to 1e-6.
func TestGeneratedVenue(t *testing.T) {
	v := newVenue(t)
	ds, err := imdf.ReadFS("generated.zip", v.files, imdf.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	wantNotes(t, ds.Notes, "opening.geojson cannot be read (byte ", "amenity.geojson cannot be read (byte ")
	reg := func() *floorplan.Register { return floorplan.NewRegister(importtest.NewStore(t)) }

	t.Run("stale footprint", func(t *testing.T) {
		want := haversineKm(v.centre, v.far)
		_, err := imports.Import(ctx, reg(), ds, imports.Options{SkipInvalid: true})
		if !errors.Is(err, imports.ErrRejected) {
			t.Fatalf("err = %v, want the footprint %.0f km from the units refused", err, want)
		}
		found := false
		for _, km := range distancesKm(err.Error()) {
			found = found || math.Abs(km-want) < 0.02*want
		}
		if !found || !strings.Contains(err.Error(), "Main Hall") {
			t.Errorf("err = %v; want it to name the building and the distance, about %.0f km", err, want)
		}
	})
	t.Run("an occupant of no unit, without skip-invalid", func(t *testing.T) {
		_, err := imports.Import(ctx, reg(), ds, imports.Options{IgnoreFootprint: true})
		if err == nil || !strings.Contains(err.Error(), `occupant "Ghost Agency": its anchor's unit`) ||
			!strings.Contains(err.Error(), "occupant.geojson feature 2") {
			t.Errorf("err = %v, want the occupant of no unit named", err)
		}
	})

	s := importtest.NewStore(t)
	sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{IgnoreFootprint: true, SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Skipped) != 1 || !strings.HasPrefix(sum.Skipped[0].Feature, "occupant.geojson feature 2") {
		t.Errorf("skipped %+v, want the occupant of no unit", sum.Skipped)
	}
	if sum.Rooms.Created != len(imdf.UnitCategories) {
		t.Errorf("%d rooms created, want %d", sum.Rooms.Created, len(imdf.UnitCategories))
	}
	notes := strings.Join(sum.Notes, "\n")
	if !strings.Contains(notes, "opening.geojson") || !strings.Contains(notes, "amenity.geojson") {
		t.Errorf("notes %q, want the broken files named", sum.Notes)
	}
	bs, err := s.Buildings(ctx, uuid.Nil)
	if err != nil || len(bs) != 1 {
		t.Fatalf("buildings %+v %v", bs, err)
	}
	if d := haversineKm(bs[0].Georef.Origin, v.centre); d > 1 {
		t.Errorf("the building is placed %.0f km from its units", d)
	}
	floors, err := s.Floors(ctx, bs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	names := map[int][]string{}
	floorName := map[uuid.UUID]string{}
	for _, f := range floors {
		names[f.Ordinal] = append(names[f.Ordinal], f.Name)
		floorName[f.ID] = f.Name
	}
	if len(floors) != 3 || len(names[0]) != 2 || len(names[1]) != 1 {
		t.Errorf("floors by ordinal %v, want Ground and Mezzanine on 0, First on 1", names)
	}
	checkVenueRooms(t, v, importtest.Rooms(t, s, floorplan.RoomFilter{}), floorName)
	checkVenueExport(t, v, s)
}

// checkVenueExport exports the imported venue to IMDF again: every unit comes back with the category it
// came with, its name in the language it came in.
func checkVenueExport(t *testing.T, v *venue, s floorplan.Store) {
	t.Helper()
	d, err := exports.Load(ctx, s, exports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := exports.WriteIMDF(&buf, d, "test"); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	f, err := z.Open("unit.geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var units struct {
		Features []struct {
			Properties struct {
				Category string
				Name     map[string]string
			}
		}
	}
	if err := json.NewDecoder(f).Decode(&units); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, u := range units.Features {
		number := u.Properties.Name["en"]
		if c := v.category[number]; u.Properties.Category != c || c == "" {
			t.Errorf("unit %v: category %q, imported as %q", u.Properties.Name, u.Properties.Category, c)
		}
		seen[u.Properties.Category] = true
	}
	if len(seen) != len(imdf.UnitCategories) {
		t.Errorf("%d categories exported, want all %d", len(seen), len(imdf.UnitCategories))
	}
}

// checkVenueRooms checks each room of the generated venue against its unit: category kept, usage mapped,
// on its level, and its area the equal-area measure of the unit's lon/lat polygon.
func checkVenueRooms(t *testing.T, v *venue, rooms []floorplan.Room, floorName map[uuid.UUID]string) {
	t.Helper()
	usages := map[string]floorplan.Usage{"opentobelow": floorplan.UsageVoid, "parking": floorplan.UsageAncillary,
		"stairs": floorplan.UsageCirculation, "elevator": floorplan.UsageCirculation, "escalator": floorplan.UsageCirculation,
		"structure": floorplan.UsageShaft, "column": floorplan.UsageShaft, "office": floorplan.UsageOffice,
		"restroom.female": floorplan.UsageToilet, "unspecified": floorplan.UsageOther}
	levelOf := []string{"Ground", "Mezzanine", "First"}
	worst := 0.0
	for _, r := range rooms {
		c, ok := v.category[r.Number]
		if !ok {
			t.Errorf("room %s is no unit of the venue", r.Number)
			continue
		}
		i, _ := strconv.Atoi(strings.TrimPrefix(r.Number, "U"))
		if r.SourceCategory != c || floorName[r.FloorID] != levelOf[i%3] {
			t.Errorf("room %s: category %q on %q, want %q on %q", r.Number, r.SourceCategory, floorName[r.FloorID], c, levelOf[i%3])
		}
		if u, ok := usages[c]; ok && r.Usage != u {
			t.Errorf("room %s (%s): usage %s, want %s", r.Number, c, r.Usage, u)
		}
		want := geo.GeodesicArea(v.units[r.Number])
		rel := math.Abs(r.Area()-want) / want
		worst = math.Max(worst, rel)
		if rel > 1e-6 {
			t.Errorf("room %s: %.6f m², the unit's equal-area measure %.6f m² (%.2g relative)", r.Number, r.Area(), want, rel)
		}
	}
	t.Logf("%d rooms; areas within %.2g of the equal-area measure", len(rooms), worst)
}
