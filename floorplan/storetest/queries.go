package storetest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
	"officemap/geo/geotest"
)

// around is the lon/lat bound of a small square around a local point of the fixture's building.
func (f *fixture) around(x, y, half float64) orb.Bound {
	return f.lonLatBound(orb.Bound{Min: orb.Point{x - half, y - half}, Max: orb.Point{x + half, y + half}})
}

// featureIDs are the ids of features, sorted.
func featureIDs(fs []floorplan.Feature) []uuid.UUID { return sortedIDs(IDs(fs)...) }

func sortedIDs(ids ...uuid.UUID) []uuid.UUID {
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	return ids
}

// sameLonLat reports whether two lon/lat polygons agree to 1e-9° (0.1 mm).
func sameLonLat(a, b orb.Polygon) bool { return geotest.EqualWithin(a, b, 1e-9) }

func testFeatures(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	r101 := f.room(t, 0, "101", rect(0, 0, 6, 5))
	r101.Name = "局长办公室"
	must(t, s.UpdateRoom(ctx, &r101))
	r201 := f.room(t, 1, "201", rect(0, 0, 6, 5))
	r105 := f.room(t, 0, "105", rect(50, 10, 58, 18))
	r105.AgencyID, r105.Usage = uuid.Nil, floorplan.UsageService
	must(t, s.UpdateRoom(ctx, &r105))
	whole := f.lonLatBound(orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{61, 21}})

	for _, tc := range []struct {
		name   string
		bound  orb.Bound
		filter floorplan.FeatureFilter
		want   []uuid.UUID
	}{
		{"inside 101, every level", f.around(3, 2.5, 0.5), floorplan.FeatureFilter{}, sortedIDs(r101.ID, r201.ID)},
		{"inside 101, level 0", f.around(3, 2.5, 0.5), floorplan.FeatureFilter{Level: 0, HasLevel: true}, sortedIDs(r101.ID)},
		{"inside 101, level 1", f.around(3, 2.5, 0.5), floorplan.FeatureFilter{Level: 1, HasLevel: true}, sortedIDs(r201.ID)},
		{"inside 101, floor 2F", f.around(3, 2.5, 0.5), floorplan.FeatureFilter{FloorID: f.floor(1).ID}, sortedIDs(r201.ID)},
		{"the building, level 0", whole, floorplan.FeatureFilter{Level: 0, HasLevel: true}, sortedIDs(r101.ID, r105.ID)},
		{"the building, level -1", whole, floorplan.FeatureFilter{Level: -1, HasLevel: true}, nil},
		{"the building", whole, floorplan.FeatureFilter{}, sortedIDs(r101.ID, r201.ID, r105.ID)},
		// The building is turned by 30°: this spot is inside 101's lon/lat envelope, not inside 101.
		{"beside 101, within its envelope", f.around(-0.3, 2.5, 0.05), floorplan.FeatureFilter{}, nil},
		{"touching 105's corner", f.lonLatBound(orb.Bound{Min: orb.Point{58, 18}, Max: orb.Point{59, 19}}).Pad(1e-10), floorplan.FeatureFilter{}, sortedIDs(r105.ID)},
		{"far away", orb.Bound{Min: orb.Point{100, 20}, Max: orb.Point{101, 21}}, floorplan.FeatureFilter{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Features(ctx, floorplan.LayerRooms, tc.bound, tc.filter)
			must(t, err)
			if ids := featureIDs(got); !slices.Equal(ids, tc.want) {
				t.Errorf("Features = %v, want %v", ids, tc.want)
			}
		})
	}

	got, err := s.Features(ctx, floorplan.LayerRooms, whole, floorplan.FeatureFilter{Limit: 2})
	must(t, err)
	if len(got) != 2 {
		t.Errorf("Features with limit 2 = %d features", len(got))
	}
	got, err = s.Features(ctx, floorplan.LayerRooms, f.around(3, 2.5, 0.5), floorplan.FeatureFilter{Level: 0, HasLevel: true})
	must(t, err)
	if len(got) == 1 {
		ft := got[0]
		want := floorplan.Feature{ID: r101.ID, Layer: floorplan.LayerRooms, BuildingID: f.building.ID, FloorID: f.floor(0).ID,
			Level: 0, Number: "101", Name: "局长办公室", Usage: floorplan.UsageOffice, AgencyID: f.agencies[0].ID, AreaM2: 30}
		gotNoGeom := ft
		gotNoGeom.Geometry = nil
		if !sameJSON(t, "room feature", gotNoGeom, want) {
			t.Logf("feature: %+v", gotNoGeom)
		}
		if !sameLonLat(ft.Geometry, f.frame().PolygonToLonLat(r101.Geometry)) {
			t.Errorf("feature geometry %v is not the room in lon/lat %v", ft.Geometry, f.frame().PolygonToLonLat(r101.Geometry))
		}
	}

	bs, err := s.Features(ctx, floorplan.LayerBuildings, f.around(30, 10, 1), floorplan.FeatureFilter{})
	must(t, err)
	if len(bs) != 1 || bs[0].ID != f.building.ID || bs[0].BuildingID != f.building.ID || bs[0].Number != f.building.Name ||
		bs[0].Layer != floorplan.LayerBuildings || bs[0].AreaM2 != 1200 {
		t.Errorf("building features = %+v, want the building with its footprint area 1200 m²", bs)
	} else if !sameLonLat(bs[0].Geometry, f.frame().PolygonToLonLat(f.building.Footprint)) {
		t.Errorf("building feature geometry %v is not the footprint in lon/lat", bs[0].Geometry)
	}
	_, err = s.Features(ctx, "parking", whole, floorplan.FeatureFilter{})
	wantErr(t, "an unknown layer", err, floorplan.ErrInvalid)
}

func testSearch(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	r101 := f.newRoom(0, "101", rect(0, 0, 6, 5))
	r101.Name = "局长办公室"
	must(t, s.CreateRoom(ctx, &r101))
	r1010 := f.room(t, 0, "1010", rect(6, 0, 12, 5))
	r2101 := f.room(t, 1, "2101", rect(0, 0, 6, 5))
	pct := f.newRoom(1, "205", rect(6, 0, 12, 5))
	pct.Name = "100%达标示范间"
	must(t, s.CreateRoom(ctx, &pct))
	under := f.room(t, 1, "A_1", rect(12, 0, 18, 5))
	mixed := f.room(t, 1, "Ab-3", rect(18, 0, 24, 5))
	meet := f.newRoom(-1, "B05", rect(0, 0, 6, 5))
	meet.Name, meet.Usage = "第一会议室", floorplan.UsageService
	must(t, s.CreateRoom(ctx, &meet))
	p := f.person(t, "李明", floorplan.RankBureau)
	f.assign(t, p, r101, floorplan.Day(2024, 1, 1))
	other := f.person(t, "李明远", floorplan.RankStaff)

	kinds := func(hits []floorplan.SearchHit) []string {
		var out []string
		for _, h := range hits {
			out = append(out, fmt.Sprintf("%s:%s", h.Kind, h.Label))
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		q     string
		limit int
		want  []uuid.UUID
	}{
		{"exact, then prefix, then contains", "101", 10, []uuid.UUID{r101.ID, r1010.ID, r2101.ID}},
		{"a room by name, in Chinese", "会议", 10, []uuid.UUID{meet.ID}},
		{"a person: exact before prefix", "李明", 10, []uuid.UUID{p.ID, other.ID}},
		{"a literal percent sign", "%", 10, []uuid.UUID{pct.ID}},
		{"a literal underscore", "_", 10, []uuid.UUID{under.ID}},
		{"ASCII case ignored", "ab-3", 10, []uuid.UUID{mixed.ID}},
		{"surrounding spaces ignored", "  A_1 ", 10, []uuid.UUID{under.ID}},
		{"limit", "101", 2, []uuid.UUID{r101.ID, r1010.ID}},
		{"nothing", "不存在的房间", 10, nil},
		{"empty", "   ", 10, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := s.Search(ctx, tc.q, tc.limit, floorplan.ReadScope{})
			must(t, err)
			if !slices.Equal(IDs(hits), tc.want) {
				t.Errorf("Search(%q) = %v, want %v", tc.q, kinds(hits), tc.want)
			}
		})
	}

	hits, err := s.Search(ctx, "李明", 1, floorplan.ReadScope{})
	must(t, err)
	if len(hits) != 1 || hits[0].Kind != floorplan.HitPerson || hits[0].BuildingID != f.building.ID ||
		hits[0].FloorID != f.floor(0).ID || !strings.Contains(hits[0].Detail, f.agencies[0].Name) {
		t.Errorf("person hit = %+v, want 李明 in 1F of %s, detail naming the agency", hits, f.building.Name)
	}
	hits, err = s.Search(ctx, "101", 1, floorplan.ReadScope{})
	must(t, err)
	if len(hits) != 1 || hits[0].Kind != floorplan.HitRoom || hits[0].Label != "101 局长办公室" ||
		hits[0].BuildingID != f.building.ID || hits[0].FloorID != f.floor(0).ID || !strings.Contains(hits[0].Detail, f.building.Name) {
		t.Errorf("room hit = %+v", hits)
	}
	hits, err = s.Search(ctx, "机关事务", 10, floorplan.ReadScope{})
	must(t, err)
	if len(hits) != 1 || hits[0].Kind != floorplan.HitAgency || hits[0].ID != f.agencies[0].ID {
		t.Errorf("agency hits = %v", kinds(hits))
	}
	hits, err = s.Search(ctx, "综合楼", 10, floorplan.ReadScope{})
	must(t, err)
	if len(hits) != 1 || hits[0].Kind != floorplan.HitBuilding || hits[0].ID != f.building.ID || hits[0].BuildingID != f.building.ID {
		t.Errorf("building hits = %v", kinds(hits))
	}
	_, err = s.Search(ctx, strings.Repeat("房", 101), 10, floorplan.ReadScope{})
	wantErr(t, "a search text of 101 characters", err, floorplan.ErrInvalid)
}

// errStop is what the InTx tests' functions fail with.
var errStop = errors.New("storetest: stop")

func testInTx(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	var rolled floorplan.Room
	var rolledSite floorplan.Site
	err := s.InTx(ctx, func(tx floorplan.Store) error {
		rolledSite = floorplan.Site{Name: "回滚", Category: "office.other", Ownership: floorplan.OwnershipFiled}
		if err := tx.CreateSite(ctx, &rolledSite); err != nil {
			return err
		}
		b := floorplan.Building{SiteID: f.site.ID, Name: "临时楼", Georef: f.building.Georef}
		if err := tx.CreateBuilding(ctx, &b); err != nil {
			return err
		}
		rolled = f.newRoom(0, "101", rect(0, 0, 6, 5))
		if err := tx.CreateRoom(ctx, &rolled); err != nil {
			return err
		}
		if _, err := tx.Room(ctx, rolled.ID); err != nil {
			return fmt.Errorf("reading its own write: %w", err)
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("InTx returned %v, want the function's error", err)
	}
	wantErr(t, "a room of a rolled back transaction", errOf(s.Room(ctx, rolled.ID)), floorplan.ErrNotFound)
	wantErr(t, "a site of a rolled back transaction", errOf(s.Site(ctx, rolledSite.ID)), floorplan.ErrNotFound)
	if bs, err := s.Buildings(ctx, f.site.ID); err != nil || len(bs) != 1 {
		t.Errorf("after a rollback the site has %d buildings (err %v), want 1", len(bs), err)
	}
	if h, err := s.History(ctx, floorplan.EntityRoom, rolled.ID); err != nil || len(h) != 0 {
		t.Errorf("a rolled back room has history: %v (err %v)", h, err)
	}

	var kept floorplan.Room
	var p floorplan.Person
	var nestedRoom floorplan.Room
	err = s.InTx(ctx, func(tx floorplan.Store) error {
		kept = f.newRoom(0, "102", rect(0, 0, 6, 5))
		if err := tx.CreateRoom(ctx, &kept); err != nil {
			return err
		}
		bad := f.newRoom(0, "103", rect(1, 1, 2, 2))
		var oe *floorplan.OverlapError
		if err := tx.CreateRoom(ctx, &bad); !errors.As(err, &oe) {
			return fmt.Errorf("an overlapping room inside InTx: %v, want an *OverlapError", err)
		}
		p = floorplan.Person{Name: "何平", AgencyID: f.agencies[0].ID, Rank: floorplan.RankStaff}
		if err := tx.CreatePerson(ctx, &p); err != nil {
			return err
		}
		a := floorplan.Assignment{PersonID: p.ID, RoomID: kept.ID, Start: floorplan.Day(2024, 1, 1)}
		if err := tx.CreateAssignment(ctx, &a); err != nil {
			return err
		}
		err := tx.InTx(ctx, func(inner floorplan.Store) error {
			if _, err := inner.Room(ctx, kept.ID); err != nil {
				return fmt.Errorf("a nested InTx reading the outer one's write: %w", err)
			}
			nestedRoom = f.newRoom(1, "201", rect(0, 0, 6, 5))
			if err := inner.CreateRoom(ctx, &nestedRoom); err != nil {
				return err
			}
			return errStop
		})
		if !errors.Is(err, errStop) {
			return fmt.Errorf("nested InTx returned %v", err)
		}
		return nil
	})
	must(t, err)
	if _, err := s.Room(ctx, kept.ID); err != nil {
		t.Errorf("a room of a committed transaction: %v", err)
	}
	if as, err := s.Assignments(ctx, floorplan.AssignmentFilter{PersonID: p.ID}); err != nil || len(as) != 1 {
		t.Errorf("the committed transaction's assignment: %d (err %v)", len(as), err)
	}
	wantErr(t, "a room of a failed nested InTx", errOf(s.Room(ctx, nestedRoom.ID)), floorplan.ErrNotFound)
	rooms, err := s.Rooms(ctx, floorplan.RoomFilter{})
	must(t, err)
	if len(rooms) != 1 {
		t.Errorf("after the transactions there are %d rooms, want only 102", len(rooms))
	}

	// A nested InTx that succeeded is undone with the outer one.
	var undone floorplan.Room
	err = s.InTx(ctx, func(tx floorplan.Store) error {
		if err := tx.InTx(ctx, func(inner floorplan.Store) error {
			undone = f.newRoom(1, "204", rect(20, 0, 26, 5))
			return inner.CreateRoom(ctx, &undone)
		}); err != nil {
			return err
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("InTx around a nested one returned %v, want the function's error", err)
	}
	wantErr(t, "a room of a nested InTx whose outer one rolled back", errOf(s.Room(ctx, undone.ID)), floorplan.ErrNotFound)

	var panicked floorplan.Room
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the function's panic did not come through InTx")
			}
		}()
		_ = s.InTx(ctx, func(tx floorplan.Store) error {
			panicked = f.newRoom(1, "202", rect(10, 0, 16, 5))
			if err := tx.CreateRoom(ctx, &panicked); err != nil {
				return err
			}
			panic("storetest: panic inside InTx")
		})
	}()
	wantErr(t, "a room of a transaction that panicked", errOf(s.Room(ctx, panicked.ID)), floorplan.ErrNotFound)
	after := f.newRoom(1, "203", rect(10, 0, 16, 5))
	must(t, s.CreateRoom(ctx, &after)) // the store still writes after a panic
}

func testGeorefChange(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	r := f.room(t, 0, "101", rect(0, 0, 6, 5))
	old := f.around(3, 2.5, 0.5)
	got, err := s.Features(ctx, floorplan.LayerRooms, old, floorplan.FeatureFilter{})
	must(t, err)
	if len(got) != 1 {
		t.Fatalf("before the change: %d features at the room", len(got))
	}

	f.building.Georef = geo.Georef{Origin: orb.Point{origin()[0] + 0.003, origin()[1] + 0.001}, RotationDeg: 75, Scale: 1}
	must(t, s.UpdateBuilding(ctx, &f.building))
	got, err = s.Features(ctx, floorplan.LayerRooms, old, floorplan.FeatureFilter{})
	must(t, err)
	if len(got) != 0 {
		t.Errorf("after the georeference moved, the old place still has %d room features", len(got))
	}
	got, err = s.Features(ctx, floorplan.LayerRooms, f.around(3, 2.5, 0.5), floorplan.FeatureFilter{})
	must(t, err)
	if len(got) != 1 || got[0].ID != r.ID {
		t.Fatalf("after the change: %d features at the room's new place, want the room", len(got))
	}
	if !sameLonLat(got[0].Geometry, f.frame().PolygonToLonLat(r.Geometry)) {
		t.Errorf("derived geometry %v, want %v", got[0].Geometry, f.frame().PolygonToLonLat(r.Geometry))
	}
	bs, err := s.Features(ctx, floorplan.LayerBuildings, f.around(30, 10, 1), floorplan.FeatureFilter{})
	must(t, err)
	if len(bs) != 1 || !sameLonLat(bs[0].Geometry, f.frame().PolygonToLonLat(f.building.Footprint)) {
		t.Errorf("the building's footprint was not derived again: %+v", bs)
	}
	now, err := s.Room(ctx, r.ID)
	must(t, err)
	samePolygon(t, "local geometry after a georeference change", now.Geometry, r.Geometry)
	if now.Version != r.Version+1 {
		t.Errorf("room version %d after its map geometry changed, want %d", now.Version, r.Version+1)
	}
	stale := r
	stale.Name = "旧版本"
	wantErr(t, "an update from before the georeference change", s.UpdateRoom(ctx, &stale), floorplan.ErrConflict)
}

func testDerivedArea(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	harbin := floorplan.Building{SiteID: f.site.ID, Name: "哈尔滨楼", Footprint: rect(0, 0, 80, 30),
		Georef: geo.Georef{Origin: orb.Point{126.6350, 45.7570}, RotationDeg: 77.5, Scale: 1}}
	must(t, s.CreateBuilding(ctx, &harbin))
	hf := floorplan.Floor{BuildingID: harbin.ID, Ordinal: 0, Name: "1F"}
	must(t, s.CreateFloor(ctx, &hf))
	ell := orb.Polygon{{{10, 0}, {30, 0}, {30, 4}, {14, 4}, {14, 15}, {10, 15}, {10, 0}}}
	hole := orb.Polygon{{{40, 0}, {58, 0}, {58, 19.5}, {40, 19.5}, {40, 0}}, {{45, 5}, {45, 8}, {50, 8}, {50, 5}, {45, 5}}}
	rooms := []floorplan.Room{
		f.newRoom(0, "101", rect(0, 0, 6, 5)),
		f.newRoom(0, "102", ell),
		f.newRoom(0, "103", hole),
		{FloorID: hf.ID, Number: "H1", Usage: floorplan.UsageOffice, Geometry: rect(0, 0, 79.5, 29.5)},
	}
	for i := range rooms {
		must(t, s.CreateRoom(ctx, &rooms[i]))
	}
	for _, b := range []orb.Bound{
		f.lonLatBound(orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{61, 21}}),
		harbin.Georef.Frame().BoundToLonLat(orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{81, 31}}),
	} {
		fs, err := s.Features(ctx, floorplan.LayerRooms, b, floorplan.FeatureFilter{})
		must(t, err)
		for _, ft := range fs {
			local := geo.Area(rooms[slices.IndexFunc(rooms, func(r floorplan.Room) bool { return r.ID == ft.ID })].Geometry)
			if ft.AreaM2 != local {
				t.Errorf("room %s: feature area %v, want the local area %v", ft.Number, ft.AreaM2, local)
			}
			g := geo.GeodesicArea(ft.Geometry)
			if rel := math.Abs(g-local) / local; rel > 1e-4 {
				t.Errorf("room %s: geodesic area of the lon/lat polygon %.4f m², local %.4f m²: off by %.5f %%", ft.Number, g, local, 100*rel)
			}
		}
		if len(fs) == 0 {
			t.Errorf("no features in %v", b)
		}
	}
}

func testConcurrent(t *testing.T, f *fixture) {
	s, ctx, c := f.s, f.ctx, f.clock
	const workers, updates = 20, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fail := func(what string, err error) { errs <- fmt.Errorf("worker %d: %s: %w", w, what, err) }
			x := float64(w%10) * 6
			ord := w / 10
			r := f.newRoom(ord, fmt.Sprintf("%d%02d", ord+1, w), rect(x, 0, x+6, 5))
			if err := s.CreateRoom(ctx, &r); err != nil {
				fail("create", err)
				return
			}
			for i := 0; i < updates; i++ {
				r.Name = fmt.Sprintf("第%d次修改", i+1)
				if err := s.UpdateRoom(ctx, &r); err != nil {
					fail("update", err)
					return
				}
				if _, err := s.Rooms(ctx, floorplan.RoomFilter{FloorID: r.FloorID}); err != nil {
					fail("list", err)
					return
				}
				if _, err := s.Features(ctx, floorplan.LayerRooms, f.around(x+3, 2.5, 1), floorplan.FeatureFilter{}); err != nil {
					fail("features", err)
					return
				}
				if _, err := s.Search(ctx, r.Number, 5, floorplan.ReadScope{}); err != nil {
					fail("search", err)
					return
				}
			}
			p := floorplan.Person{Name: fmt.Sprintf("员工%02d", w), AgencyID: f.agencies[w%2].ID, Rank: floorplan.RankStaff}
			if err := s.CreatePerson(ctx, &p); err != nil {
				fail("person", err)
				return
			}
			a := floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Start: day(c, -1)}
			if err := s.CreateAssignment(ctx, &a); err != nil {
				fail("assignment", err)
				return
			}
			if _, err := s.Snapshot(ctx, c.Now()); err != nil {
				fail("snapshot", err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	snap, err := s.Snapshot(ctx, c.Now())
	must(t, err)
	if len(snap.Rooms) != workers || len(snap.People) != workers || len(snap.Assignments) != workers {
		t.Errorf("after the workers: %d rooms, %d people, %d assignments, want %d each",
			len(snap.Rooms), len(snap.People), len(snap.Assignments), workers)
	}
	for _, r := range snap.Rooms {
		if r.Version != 1+updates {
			t.Errorf("room %s: version %d, want %d", r.Number, r.Version, 1+updates)
		}
	}
}
