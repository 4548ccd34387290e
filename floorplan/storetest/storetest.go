// Package storetest is the conformance suite of floorplan.Store: one set of tests that every store
// (PostGIS, GeoPackage) must pass, so that they behave the same. A store's tests call Run with a
// function that opens a fresh, empty store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) floorplan.Store { return openFreshStore(t) })
//	}
//
// Each subtest takes its own store. The store returned must also implement Clock, so that the suite can
// make the present the past and check as-of queries (past snapshots, soft deletes, history).
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
	"officemap/geo/geotest"
)

// Clock is what the suite needs, besides floorplan.Store, to build a past: stores stamp their history
// with the time of the write, and a past day can only be checked once some time has passed.
type Clock interface {
	// Now is the store's current time, in the time zone whose calendar days the store uses.
	Now() time.Time
	// Pass makes d pass: everything recorded so far is d older than Now afterwards. A store with an
	// injected clock moves the clock on; a database store moves its recorded times back.
	Pass(t *testing.T, d time.Duration)
}

// Actor is the actor the suite writes as; the history must record it.
const Actor = "storetest"

// suiteTest is one conformance test: a name and a function of a fresh fixture.
type suiteTest struct {
	name string
	fn   func(t *testing.T, f *fixture)
}

// runSuite runs each test in parallel, on a fixture over a store of its own from newStore.
func runSuite(t *testing.T, newStore func(t *testing.T) floorplan.Store, tests []suiteTest) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newFixture(t, newStore(t)))
		})
	}
}

// Run runs the conformance suite: one subtest per part of the Store contract, each on a store of its
// own from newStore, with the suite's fixture in it. The subtests run in parallel (up to go test's -parallel at once), so newStore must
// be safe to call from several goroutines.
func Run(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"Sites", testSites},
		{"Buildings", testBuildings},
		{"Floors", testFloors},
		{"Rooms", testRooms},
		{"Agencies", testAgencies},
		{"People", testPeople},
		{"Assignments", testAssignments},
		{"StandardRows", testStandardRows},
		{"NotFound", testNotFound},
		{"Validation", testValidation},
		{"Limits", testLimits},
		{"RegisterLimits", testRegisterLimits},
		{"Overlap", testOverlap},
		{"OverlapConcurrent", testOverlapConcurrent},
		{"Conflict", testConflict},
		{"Versions", testVersions},
		{"SoftDelete", testSoftDelete},
		{"History", testHistory},
		{"TxRevision", testTxRevision},
		{"SnapshotPast", testSnapshotPast},
		{"SnapshotToday", testSnapshotToday},
		{"Bitemporal", testBitemporal},
		{"Verdicts", testVerdicts},
		{"Features", testFeatures},
		{"FeaturePages", testFeaturePages},
		{"Search", testSearch},
		{"ReadScope", testReadScope},
		{"InTx", testInTx},
		{"GeorefChange", testGeorefChange},
		{"DerivedArea", testDerivedArea},
		{"Concurrent", testConcurrent},
		{"Revision", testRevision},
		{"Jurisdictions", testJurisdictions},
		{"ImportedRooms", testImportedRooms},
		{"RecordedArea", testRecordedArea},
		{"FloorsOfOneOrdinal", testFloorsOfOneOrdinal},
		{"BulkAgencies", testBulkAgencies},
		{"BulkBuildings", testBulkBuildings},
		{"BulkFloors", testBulkFloors},
		{"Analyze", testAnalyze},
		{"IndexesDeferred", testIndexesDeferred},
		{"Openings", testOpenings},
		{"BuildingLang", testBuildingLang},
		{"StaffNo", testStaffNo},
		{"AgencyCode", testAgencyCode},
		{"StaffKeysUnique", testStaffKeysUnique},
	})
}

// clockOf returns the store's Clock, failing the test when it has none.
func clockOf(t *testing.T, s floorplan.Store) Clock {
	t.Helper()
	c, ok := s.(Clock)
	if !ok {
		t.Fatalf("the store (%T) does not implement storetest.Clock: wrap it so that the suite can build a past", s)
	}
	return c
}

// ctxFor is a context for one test, with the suite's actor and a deadline.
func ctxFor(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(floorplan.WithActor(context.Background(), Actor), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// origin is where fixtures stand: central Changzhou.
func origin() orb.Point { return orb.Point{119.9740, 31.8110} }

// fixture is a site with one building (turned by 30°), floors with ordinals -1, 0 and 1, and two agencies,
// in the store s and its clock.
type fixture struct {
	s        floorplan.Store
	ctx      context.Context
	clock    Clock
	site     floorplan.Site
	building floorplan.Building
	floors   []floorplan.Floor // by ordinal -1, 0, 1
	agencies []floorplan.Agency
}

func newFixture(t *testing.T, s floorplan.Store) *fixture {
	t.Helper()
	ctx := ctxFor(t)
	f := &fixture{s: s, ctx: ctx, clock: clockOf(t, s)}
	f.site = floorplan.Site{Name: "市级机关第一办公区", Address: "常州市龙城大道1280号", Category: "office.party_government",
		Ownership: floorplan.OwnershipRegistered,
		Records:   []floorplan.OwnershipRecord{{Kind: "不动产权证", Number: "苏(2020)常州市不动产权第0000001号"}}}
	must(t, s.CreateSite(ctx, &f.site))
	f.building = floorplan.Building{SiteID: f.site.ID, Name: "综合楼", Address: "1号楼", Footprint: rect(0, 0, 60, 20),
		Georef: geo.Georef{Origin: origin(), RotationDeg: 30, Scale: 1}}
	must(t, s.CreateBuilding(ctx, &f.building))
	for _, ord := range []int{-1, 0, 1} {
		fl := floorplan.Floor{BuildingID: f.building.ID, Ordinal: ord, Name: floorName(ord),
			Elevation: 3.6 * float64(ord), Outline: rect(0, 0, 60, 20)}
		must(t, s.CreateFloor(ctx, &fl))
		f.floors = append(f.floors, fl)
	}
	for _, name := range []string{"常州市机关事务管理局", "常州市发展和改革委员会"} {
		a := floorplan.Agency{Name: name, Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive, Headcount: 40}
		must(t, s.CreateAgency(ctx, &a))
		f.agencies = append(f.agencies, a)
	}
	return f
}

func floorName(ord int) string {
	if ord < 0 {
		return fmt.Sprintf("B%d", -ord)
	}
	return fmt.Sprintf("%dF", ord+1)
}

// floor returns the fixture's floor with the given ordinal.
func (f *fixture) floor(ord int) floorplan.Floor { return f.floors[ord+1] }

// newRoom returns an office on the floor of the given ordinal, not yet created.
func (f *fixture) newRoom(ord int, number string, p orb.Polygon) floorplan.Room {
	return floorplan.Room{FloorID: f.floor(ord).ID, Number: number, Usage: floorplan.UsageOffice,
		AgencyID: f.agencies[0].ID, State: floorplan.RoomInUse, Geometry: p}
}

// room creates an office on the floor of the given ordinal.
func (f *fixture) room(t *testing.T, ord int, number string, p orb.Polygon) floorplan.Room {
	t.Helper()
	r := f.newRoom(ord, number, p)
	must(t, f.s.CreateRoom(f.ctx, &r))
	return r
}

// createRoom returns a write that creates an office numbered number with geometry p on the ground
// floor, changed by mods.
func (f *fixture) createRoom(number string, p orb.Polygon, mods ...func(*floorplan.Room)) func() error {
	return func() error {
		r := f.newRoom(0, number, p)
		for _, m := range mods {
			m(&r)
		}
		return f.s.CreateRoom(f.ctx, &r)
	}
}

// person creates a person of the first agency.
func (f *fixture) person(t *testing.T, name string, rank floorplan.Rank) floorplan.Person {
	t.Helper()
	p := floorplan.Person{Name: name, AgencyID: f.agencies[0].ID, Rank: rank, Status: floorplan.PersonActive}
	must(t, f.s.CreatePerson(f.ctx, &p))
	return p
}

// assign puts a person in a room from a day.
func (f *fixture) assign(t *testing.T, p floorplan.Person, r floorplan.Room, start time.Time) floorplan.Assignment {
	t.Helper()
	a := floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Kind: floorplan.AssignMain, Start: start}
	must(t, f.s.CreateAssignment(f.ctx, &a))
	return a
}

// frame is the fixture building's frame.
func (f *fixture) frame() *geo.Frame { return f.building.Georef.Frame() }

// lonLatBound is the lon/lat bound of a local bound of the fixture's building.
func (f *fixture) lonLatBound(b orb.Bound) orb.Bound { return f.frame().BoundToLonLat(b) }

// rect is geotest.Rect: the closed counter-clockwise rectangle with corners (x0, y0) and (x1, y1).
func rect(x0, y0, x1, y1 float64) orb.Polygon { return geotest.Rect(x0, y0, x1, y1) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Race runs two writes at once, released together as near to the same moment as goroutines allow, and
// returns their errors: write(0)'s and write(1)'s.
func Race(write func(k int) error) [2]error { return [2]error(RaceN(2, write)) }

// RaceN runs write(0) … write(n-1) at once, released together as near to the same moment as goroutines
// allow, and returns their errors, by k.
func RaceN(n int, write func(k int) error) []error {
	var (
		errs  = make([]error, n)
		start = make(chan struct{})
		wg    sync.WaitGroup
	)
	for k := range errs {
		wg.Go(func() {
			<-start
			errs[k] = write(k)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// WantOneWinner fails the test unless, of two raced writes (Race), exactly one succeeded and the other
// failed with an error wrapping lost.
func WantOneWinner(t *testing.T, what string, errs [2]error, lost error) {
	t.Helper()
	won, lose := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, lost):
			lose++
		default:
			t.Fatalf("%s: %v, want success or %v", what, err, lost)
		}
	}
	if won != 1 || lose != 1 {
		t.Fatalf("%s: %d writes won and %d lost, want exactly one winner", what, won, lose)
	}
}

// Identified is a record with an id that IDs lists.
type Identified interface {
	floorplan.Room | floorplan.Assignment | floorplan.Person | floorplan.Feature | floorplan.SearchHit | floorplan.Floor
}

// IDs returns the ids of records, in their order (nil for none).
func IDs[T Identified](records []T) []uuid.UUID {
	var out []uuid.UUID
	for _, r := range records {
		switch r := any(r).(type) {
		case floorplan.Room:
			out = append(out, r.ID)
		case floorplan.Assignment:
			out = append(out, r.ID)
		case floorplan.Person:
			out = append(out, r.ID)
		case floorplan.Feature:
			out = append(out, r.ID)
		case floorplan.SearchHit:
			out = append(out, r.ID)
		case floorplan.Floor:
			out = append(out, r.ID)
		}
	}
	return out
}

// wantErr fails unless err matches target (errors.Is).
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want one wrapping %v", what, err, target)
	}
}

// day is the calendar day of the store's now, moved by days.
func day(c Clock, days int) time.Time {
	d := floorplan.DayOf(c.Now())
	return d.AddDate(0, 0, days)
}

// createEastBuilding creates b on the fixture's site, 0.01° east of the fixture's building, and checks
// that it reads back as written (what names it in a failure).
func createEastBuilding(t *testing.T, f *fixture, b floorplan.Building, what string) floorplan.Building {
	t.Helper()
	b.SiteID = f.site.ID
	b.Georef = geo.Georef{Origin: orb.Point{origin()[0] + 0.01, origin()[1]}, Scale: 1}
	must(t, f.s.CreateBuilding(f.ctx, &b))
	got, err := f.s.Building(f.ctx, b.ID)
	must(t, err)
	sameJSON(t, what, got, b)
	return b
}

// updateBuildingAged lets the clock pass aged, then reads building id, edits it, updates it and checks that it
// reads back as updated (what names it in a failure).
func updateBuildingAged(t *testing.T, f *fixture, id uuid.UUID, edit func(*floorplan.Building), what string) floorplan.Building {
	t.Helper()
	f.clock.Pass(t, aged)
	b, err := f.s.Building(f.ctx, id)
	must(t, err)
	edit(&b)
	must(t, f.s.UpdateBuilding(f.ctx, &b))
	got, err := f.s.Building(f.ctx, id)
	must(t, err)
	sameJSON(t, what, got, b)
	return b
}

// sameJSON reports whether got and want marshal to the same JSON (geometry is left out of the domain
// types' JSON: compare it with samePolygon).
func sameJSON(t *testing.T, what string, got, want any) bool {
	t.Helper()
	g, err := json.Marshal(got)
	must(t, err)
	w, err := json.Marshal(want)
	must(t, err)
	if string(g) != string(w) {
		t.Errorf("%s:\n got  %s\n want %s", what, g, w)
		return false
	}
	return true
}

// samePolygon reports whether two polygons have the same coordinates.
func samePolygon(t *testing.T, what string, got, want orb.Polygon) bool {
	t.Helper()
	return sameCoords(t, what, got, want)
}

// sameCoords reports whether two geometries of one type (polygons, lines) have the same coordinates.
func sameCoords[G orb.Geometry](t *testing.T, what string, got, want G) bool {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: %s %v, want %v", what, strings.ToLower(want.GeoJSONType()), got, want)
		return false
	}
	return true
}

// errOf keeps the error of a (value, error) pair.
func errOf[T any](_ T, err error) error { return err }

// names lists a field of each element, for messages.
func names[T any](xs []T, name func(T) string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, name(x))
	}
	return out
}

func testSites(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	a := floorplan.Site{Name: "市级机关第二办公区", Address: "常州市新北区", Category: "office.party_government",
		Ownership: floorplan.OwnershipFiled, Note: "权属资料缺失，已备案",
		Records: []floorplan.OwnershipRecord{{Kind: "备案", Number: "备-2021-17", IssuedOn: floorplan.Day(2021, 3, 4), Holder: "机关事务管理局"}}}
	must(t, s.CreateSite(ctx, &a))
	if a.ID == uuid.Nil {
		t.Fatal("CreateSite left the id nil")
	}
	got, err := s.Site(ctx, a.ID)
	must(t, err)
	sameJSON(t, "site read back", got, a)

	given := uuid.New()
	b := floorplan.Site{ID: given, Name: "甲区", Category: "office.other", Ownership: floorplan.OwnershipRegistered}
	must(t, s.CreateSite(ctx, &b))
	if b.ID != given {
		t.Errorf("CreateSite replaced the given id %s with %s", given, b.ID)
	}
	if got, err := s.Site(ctx, b.ID); err != nil || got.Records == nil || len(got.Records) != 0 {
		t.Errorf("a site without records reads back with records %#v (err %v), want an empty list", got.Records, err)
	}
	dup := floorplan.Site{ID: given, Name: "重复", Category: "office.other", Ownership: floorplan.OwnershipRegistered}
	wantErr(t, "CreateSite with an existing id", s.CreateSite(ctx, &dup), floorplan.ErrInvalid)

	list, err := s.Sites(ctx)
	must(t, err)
	if !sameSites(list, f.site.ID, a.ID, b.ID) {
		t.Errorf("Sites = %v, want both sites and the fixture's", names(list, func(x floorplan.Site) string { return x.Name }))
	}

	a.Name, a.Ownership = "市级机关第二办公区（新）", floorplan.OwnershipRegistered
	a.Records = append(a.Records, floorplan.OwnershipRecord{Kind: "不动产权证", Number: "苏(2023)常州市不动产权第0000002号"})
	must(t, s.UpdateSite(ctx, &a))
	got, err = s.Site(ctx, a.ID)
	must(t, err)
	sameJSON(t, "site after update", got, a)

	for _, bad := range []floorplan.Site{
		{Name: " ", Category: "office.other", Ownership: floorplan.OwnershipRegistered},
		{Name: "无权属", Category: "office.other", Ownership: "owned"},
		{Name: "无类别", Category: "office.palace", Ownership: floorplan.OwnershipRegistered}, // not in the built-in classification
		{Name: "无证书种类", Category: "office.other", Ownership: floorplan.OwnershipRegistered,
			Records: []floorplan.OwnershipRecord{{Number: "001"}}},
	} {
		wantErr(t, "CreateSite "+bad.Name, s.CreateSite(ctx, &bad), floorplan.ErrInvalid)
	}

	bld := floorplan.Building{SiteID: b.ID, Name: "楼", Georef: geo.Georef{Origin: origin()}} // scale 0 means 1
	must(t, s.CreateBuilding(ctx, &bld))
	if got, err := s.Building(ctx, bld.ID); err != nil || got.Georef != bld.Georef {
		t.Errorf("a building with the zero scale reads back as %+v (err %v)", got.Georef, err)
	}
	wantErr(t, "DeleteSite with a building", s.DeleteSite(ctx, b.ID), floorplan.ErrInUse)
	must(t, s.DeleteBuilding(ctx, bld.ID))
	must(t, s.DeleteSite(ctx, b.ID))
	wantErr(t, "Site after delete", errOf(s.Site(ctx, b.ID)), floorplan.ErrNotFound)
	wantErr(t, "DeleteSite twice", s.DeleteSite(ctx, b.ID), floorplan.ErrNotFound)
	list, err = s.Sites(ctx)
	must(t, err)
	if !sameSites(list, f.site.ID, a.ID) {
		t.Errorf("Sites after delete = %v", names(list, func(x floorplan.Site) string { return x.Name }))
	}
}

// sameSites reports whether list holds exactly the sites with the given ids, in any order.
func sameSites(list []floorplan.Site, ids ...uuid.UUID) bool {
	var got []uuid.UUID
	for _, x := range list {
		got = append(got, x.ID)
	}
	return slices.Equal(sortedIDs(got...), sortedIDs(ids...))
}

func testBuildings(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	got, err := s.Building(ctx, f.building.ID)
	must(t, err)
	sameJSON(t, "building read back", got, f.building)
	samePolygon(t, "footprint read back", got.Footprint, f.building.Footprint)

	other := floorplan.Site{Name: "另一房产", Category: "office.other", Ownership: floorplan.OwnershipRegistered}
	must(t, s.CreateSite(ctx, &other))
	b2 := floorplan.Building{SiteID: other.ID, Name: "附楼", SourceID: "dxf:annex",
		Georef: geo.Georef{Origin: orb.Point{origin()[0] + 0.01, origin()[1]}, RotationDeg: -12.5, Scale: 1}}
	must(t, s.CreateBuilding(ctx, &b2))
	got, err = s.Building(ctx, b2.ID)
	must(t, err)
	if got.Footprint != nil {
		t.Errorf("a building without footprint reads back with %v", got.Footprint)
	}
	sameJSON(t, "building without footprint", got, b2)

	all, err := s.Buildings(ctx, uuid.Nil)
	must(t, err)
	if len(all) != 2 {
		t.Errorf("Buildings(all) = %d buildings, want 2", len(all))
	}
	of, err := s.Buildings(ctx, other.ID)
	must(t, err)
	if len(of) != 1 || of[0].ID != b2.ID {
		t.Errorf("Buildings(site) = %v, want 附楼", names(of, func(x floorplan.Building) string { return x.Name }))
	}

	dup := floorplan.Building{SiteID: other.ID, Name: "重复导入", SourceID: "dxf:annex", Georef: b2.Georef}
	wantErr(t, "a second building with the same source id", s.CreateBuilding(ctx, &dup), floorplan.ErrInvalid)
	lost := floorplan.Building{SiteID: uuid.New(), Name: "无主", Georef: b2.Georef}
	wantErr(t, "a building of an unknown site", s.CreateBuilding(ctx, &lost), floorplan.ErrInvalid)

	b2.Name, b2.Address, b2.Footprint = "附楼（改）", "2号楼", rect(0, 0, 30, 12)
	must(t, s.UpdateBuilding(ctx, &b2))
	got, err = s.Building(ctx, b2.ID)
	must(t, err)
	sameJSON(t, "building after update", got, b2)
	samePolygon(t, "footprint after update", got.Footprint, b2.Footprint)

	wantErr(t, "DeleteBuilding with floors", s.DeleteBuilding(ctx, f.building.ID), floorplan.ErrInUse)
	must(t, s.DeleteBuilding(ctx, b2.ID))
	wantErr(t, "Building after delete", errOf(s.Building(ctx, b2.ID)), floorplan.ErrNotFound)
	wantErr(t, "UpdateBuilding after delete", s.UpdateBuilding(ctx, &b2), floorplan.ErrNotFound)
}

func testFloors(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	got, err := s.Floor(ctx, f.floor(0).ID)
	must(t, err)
	sameJSON(t, "floor read back", got, f.floor(0))
	samePolygon(t, "outline read back", got.Outline, f.floor(0).Outline)

	roof := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 5, Name: "屋面", Elevation: 21.6}
	must(t, s.CreateFloor(ctx, &roof))
	list, err := s.Floors(ctx, f.building.ID)
	must(t, err)
	var ords []int
	for _, fl := range list {
		ords = append(ords, fl.Ordinal)
	}
	if !slices.Equal(ords, []int{-1, 0, 1, 5}) {
		t.Errorf("Floors ordinals = %v, want [-1 0 1 5]", ords)
	}
	if list[3].Outline != nil {
		t.Errorf("a floor without outline reads back with %v", list[3].Outline)
	}

	dup := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 1, Name: "2F"}
	wantErr(t, "a second floor with the same ordinal and name", s.CreateFloor(ctx, &dup), floorplan.ErrInvalid)
	lost := floorplan.Floor{BuildingID: uuid.New(), Ordinal: 0, Name: "1F"}
	wantErr(t, "a floor of an unknown building", s.CreateFloor(ctx, &lost), floorplan.ErrInvalid)

	roof.Name, roof.Ordinal, roof.Elevation, roof.Outline = "顶层", 4, 18, rect(0, 0, 20, 20)
	must(t, s.UpdateFloor(ctx, &roof))
	got, err = s.Floor(ctx, roof.ID)
	must(t, err)
	sameJSON(t, "floor after update", got, roof)
	samePolygon(t, "outline after update", got.Outline, roof.Outline)

	roof.Ordinal, roof.Name = 0, "1F"
	wantErr(t, "UpdateFloor onto a taken ordinal and name", s.UpdateFloor(ctx, &roof), floorplan.ErrInvalid)
	roof.Ordinal, roof.Name = 4, "顶层"

	b2 := floorplan.Building{SiteID: f.site.ID, Name: "二号楼", Georef: f.building.Georef}
	must(t, s.CreateBuilding(ctx, &b2))
	ground2 := floorplan.Floor{BuildingID: b2.ID, Ordinal: 0, Name: "1F"}
	must(t, s.CreateFloor(ctx, &ground2))
	// uuid.Nil: every live floor, by building id, then as one building's.
	var want []uuid.UUID
	for _, b := range sortedIDs(f.building.ID, b2.ID) {
		fs, err := s.Floors(ctx, b)
		must(t, err)
		want = append(want, IDs(fs)...)
	}
	all, err := s.Floors(ctx, uuid.Nil)
	must(t, err)
	if got := IDs(all); len(want) != 5 || !slices.Equal(got, want) {
		t.Errorf("Floors(uuid.Nil) = %v, want the 4 floors of the first building and the 1 of the second, by building: %v", got, want)
	}
	moved := roof
	moved.BuildingID = b2.ID
	wantErr(t, "moving a floor to another building", s.UpdateFloor(ctx, &moved), floorplan.ErrInvalid)

	f.room(t, 1, "201", rect(0, 0, 5, 5))
	wantErr(t, "DeleteFloor with rooms", s.DeleteFloor(ctx, f.floor(1).ID), floorplan.ErrInUse)
	must(t, s.DeleteFloor(ctx, roof.ID))
	wantErr(t, "Floor after delete", errOf(s.Floor(ctx, roof.ID)), floorplan.ErrNotFound)

	// FloorsByID: the live floors among the ids, as Floor reads them, in the order of Floors(uuid.Nil); the
	// deleted floor and an unknown id left out, a repeated id read once.
	byID, err := s.FloorsByID(ctx, []uuid.UUID{ground2.ID, roof.ID, f.floor(1).ID, uuid.New(), f.floor(-1).ID, ground2.ID})
	must(t, err)
	var wantByID []floorplan.Floor
	for _, fl := range all {
		if fl.ID == ground2.ID || fl.ID == f.floor(1).ID || fl.ID == f.floor(-1).ID {
			got, err := s.Floor(ctx, fl.ID)
			must(t, err)
			wantByID = append(wantByID, got)
		}
	}
	sameJSON(t, "FloorsByID", byID, wantByID)
	if none, err := s.FloorsByID(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("FloorsByID(nil) = %v, %v; want none", none, err)
	}
	again := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 4, Name: "顶层（重建）"}
	must(t, s.CreateFloor(ctx, &again)) // the ordinal of a deleted floor is free again
}

func testRooms(t *testing.T, f *fixture) {
	s, ctx, c := f.s, f.ctx, f.clock
	before := c.Now().Add(-time.Second)
	r := floorplan.Room{FloorID: f.floor(0).ID, Number: "101", Name: "局长办公室", Usage: floorplan.UsageOffice,
		AgencyID: f.agencies[0].ID, SourceID: "dxf:101", Geometry: rect(0, 0, 6, 5)}
	must(t, s.CreateRoom(ctx, &r))
	if r.ID == uuid.Nil || r.Version != 1 {
		t.Errorf("CreateRoom: id %s version %d, want an id and version 1", r.ID, r.Version)
	}
	if r.State != floorplan.RoomInUse {
		t.Errorf("CreateRoom: state %q, want the default in_use", r.State)
	}
	if r.CreatedAt.Before(before) || r.CreatedAt.After(c.Now().Add(time.Second)) {
		t.Errorf("CreateRoom: CreatedAt %v is not now (%v)", r.CreatedAt, c.Now())
	}
	got, err := s.Room(ctx, r.ID)
	must(t, err)
	sameJSON(t, "room read back", got, r)
	samePolygon(t, "room geometry read back", got.Geometry, r.Geometry)
	if got.Area() != 30 {
		t.Errorf("room area %v, want 30", got.Area())
	}

	registered := floorplan.Day(2019, 6, 1)
	old := floorplan.Room{FloorID: f.floor(0).ID, Number: "102", Usage: floorplan.UsageService, State: floorplan.RoomIdle,
		IdleSince: floorplan.Day(2024, 2, 1), Geometry: rect(6, 0, 12, 5), CreatedAt: registered}
	must(t, s.CreateRoom(ctx, &old))
	got, err = s.Room(ctx, old.ID)
	must(t, err)
	if !got.CreatedAt.Equal(registered) {
		t.Errorf("a given CreatedAt %v reads back as %v", registered, got.CreatedAt)
	}
	sameJSON(t, "room without agency read back", got, old)
	r2 := f.room(t, 1, "201", rect(0, 0, 6, 5))
	r3 := f.room(t, -1, "B01", rect(0, 0, 6, 5))
	r3b := f.room(t, 0, "103", rect(12, 0, 18, 5))
	r3b.AgencyID = f.agencies[1].ID
	must(t, s.UpdateRoom(ctx, &r3b))

	for _, tc := range []struct {
		name   string
		filter floorplan.RoomFilter
		want   []uuid.UUID
	}{
		{"all, by ordinal then number", floorplan.RoomFilter{}, []uuid.UUID{r3.ID, r.ID, old.ID, r3b.ID, r2.ID}},
		{"floor", floorplan.RoomFilter{FloorID: f.floor(0).ID}, []uuid.UUID{r.ID, old.ID, r3b.ID}},
		{"building", floorplan.RoomFilter{BuildingID: f.building.ID}, []uuid.UUID{r3.ID, r.ID, old.ID, r3b.ID, r2.ID}},
		{"other building", floorplan.RoomFilter{BuildingID: uuid.New()}, nil},
		{"agency", floorplan.RoomFilter{AgencyID: f.agencies[0].ID}, []uuid.UUID{r3.ID, r.ID, r2.ID}},
		{"number", floorplan.RoomFilter{Number: "201"}, []uuid.UUID{r2.ID}},
		{"floor and agency", floorplan.RoomFilter{FloorID: f.floor(0).ID, AgencyID: f.agencies[1].ID}, []uuid.UUID{r3b.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Rooms(ctx, tc.filter)
			must(t, err)
			if ids := IDs(got); !slices.Equal(ids, tc.want) {
				t.Errorf("Rooms(%+v) = %v, want %v", tc.filter, ids, tc.want)
			}
		})
	}

	r.Name, r.Usage, r.Geometry, r.State = "会议室", floorplan.UsageService, rect(0, 0, 6, 4), floorplan.RoomUnderRepair
	must(t, s.UpdateRoom(ctx, &r))
	if r.Version != 2 {
		t.Errorf("UpdateRoom: version %d, want 2", r.Version)
	}
	got, err = s.Room(ctx, r.ID)
	must(t, err)
	sameJSON(t, "room after update", got, r)
	samePolygon(t, "room geometry after update", got.Geometry, r.Geometry)

	r.FloorID = f.floor(1).ID // moved upstairs, where 201 is at (0,0)-(6,5)
	r.Geometry = rect(6, 0, 12, 5)
	must(t, s.UpdateRoom(ctx, &r))
	got, err = s.Room(ctx, r.ID)
	must(t, err)
	if got.FloorID != f.floor(1).ID || got.Version != 3 {
		t.Errorf("room moved to another floor reads back on floor %s version %d", got.FloorID, got.Version)
	}

	lost := f.newRoom(0, "999", rect(40, 0, 45, 5))
	lost.FloorID = uuid.New()
	wantErr(t, "a room on an unknown floor", s.CreateRoom(ctx, &lost), floorplan.ErrInvalid)
	lost = f.newRoom(0, "998", rect(40, 0, 45, 5))
	lost.AgencyID = uuid.New()
	wantErr(t, "a room of an unknown agency", s.CreateRoom(ctx, &lost), floorplan.ErrInvalid)

	must(t, s.DeleteRoom(ctx, r.ID, r.Version))
	wantErr(t, "Room after delete", errOf(s.Room(ctx, r.ID)), floorplan.ErrNotFound)
	wantErr(t, "UpdateRoom after delete", s.UpdateRoom(ctx, &r), floorplan.ErrNotFound)
}

func testAgencies(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	got, err := s.Agency(ctx, f.agencies[0].ID)
	must(t, err)
	sameJSON(t, "agency read back", got, f.agencies[0])

	child := floorplan.Agency{Name: "常州市公共资源交易中心", ShortName: "交易中心", Level: floorplan.LevelMunicipal,
		Scale: floorplan.LevelCounty, ParentID: f.agencies[1].ID, Headcount: 12, ApprovedAreaM2: 300.5}
	must(t, s.CreateAgency(ctx, &child))
	if child.Status != floorplan.AgencyActive {
		t.Errorf("CreateAgency: status %q, want the default active", child.Status)
	}
	got, err = s.Agency(ctx, child.ID)
	must(t, err)
	sameJSON(t, "child agency read back", got, child)

	orphan := floorplan.Agency{Name: "孤儿单位", Level: floorplan.LevelCounty, ParentID: uuid.New()}
	wantErr(t, "an agency with an unknown parent", s.CreateAgency(ctx, &orphan), floorplan.ErrInvalid)
	bad := floorplan.Agency{Name: "无级别", Level: "city"}
	wantErr(t, "an agency with an unknown level", s.CreateAgency(ctx, &bad), floorplan.ErrInvalid)

	child.Status, child.StatusDate, child.SuccessorID = floorplan.AgencyMerged, floorplan.Day(2025, 1, 1), f.agencies[0].ID
	must(t, s.UpdateAgency(ctx, &child))
	got, err = s.Agency(ctx, child.ID)
	must(t, err)
	sameJSON(t, "agency after update", got, child)

	list, err := s.Agencies(ctx)
	must(t, err)
	if len(list) != 3 {
		t.Errorf("Agencies = %d, want 3", len(list))
	}
	wantErr(t, "DeleteAgency named as parent and successor", s.DeleteAgency(ctx, f.agencies[1].ID), floorplan.ErrInUse)
	f.person(t, "王芳", floorplan.RankStaff)
	wantErr(t, "DeleteAgency with people", s.DeleteAgency(ctx, f.agencies[0].ID), floorplan.ErrInUse)
	must(t, s.DeleteAgency(ctx, child.ID))
	wantErr(t, "Agency after delete", errOf(s.Agency(ctx, child.ID)), floorplan.ErrNotFound)
	must(t, s.DeleteAgency(ctx, f.agencies[1].ID))
}

func testPeople(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	p := floorplan.Person{Name: "李明", AgencyID: f.agencies[0].ID, Rank: floorplan.RankBureau, Title: "局长",
		Posts: []floorplan.Post{
			{Title: "党组书记", AgencyID: f.agencies[0].ID, Start: floorplan.Day(2020, 1, 1)},
			{Title: "发改委副主任（兼）", AgencyID: f.agencies[1].ID, Start: floorplan.Day(2023, 5, 1), End: floorplan.Day(2026, 5, 1)},
		}}
	must(t, s.CreatePerson(ctx, &p))
	if p.ID == uuid.Nil || p.Posts[0].ID == uuid.Nil || p.Posts[1].ID == uuid.Nil || p.Status != floorplan.PersonActive {
		t.Fatalf("CreatePerson left ids or the default status unset: %+v", p)
	}
	got, err := s.Person(ctx, p.ID)
	must(t, err)
	sameJSON(t, "person read back", got, p)

	p.Rank, p.Title = floorplan.RankViceBureau, "副局长"
	p.Posts = []floorplan.Post{
		{ID: p.Posts[1].ID, Title: "发改委副主任（兼）", AgencyID: f.agencies[1].ID, Start: floorplan.Day(2023, 5, 1), End: floorplan.Day(2025, 5, 1)},
		{Title: "工会主席", Start: floorplan.Day(2024, 1, 1)},
	}
	must(t, s.UpdatePerson(ctx, &p))
	if p.Posts[1].ID == uuid.Nil {
		t.Error("UpdatePerson did not give the new post an id")
	}
	got, err = s.Person(ctx, p.ID)
	must(t, err)
	sameJSON(t, "person after update (a post dropped, one changed, one added)", got, p)

	q := floorplan.Person{Name: "赵伟", AgencyID: f.agencies[1].ID, Rank: floorplan.RankStaff, Status: floorplan.PersonRetired,
		StatusDate: floorplan.Day(2024, 12, 31)}
	must(t, s.CreatePerson(ctx, &q))
	of, err := s.People(ctx, floorplan.PersonFilter{AgencyID: f.agencies[1].ID})
	must(t, err)
	if len(of) != 1 || of[0].ID != q.ID {
		t.Errorf("People(agency) = %v", names(of, func(x floorplan.Person) string { return x.Name }))
	}
	all, err := s.People(ctx, floorplan.PersonFilter{})
	must(t, err)
	if i := slices.IndexFunc(all, func(x floorplan.Person) bool { return x.ID == p.ID }); len(all) != 2 || i < 0 {
		t.Errorf("People = %v, want 李明 and 赵伟", names(all, func(x floorplan.Person) string { return x.Name }))
	} else {
		sameJSON(t, "People lists posts", all[i].Posts, p.Posts)
	}

	bad := floorplan.Person{Name: "无单位", Rank: floorplan.RankStaff}
	wantErr(t, "a person without agency", s.CreatePerson(ctx, &bad), floorplan.ErrInvalid)
	bad = floorplan.Person{Name: "错单位", AgencyID: uuid.New(), Rank: floorplan.RankStaff}
	wantErr(t, "a person of an unknown agency", s.CreatePerson(ctx, &bad), floorplan.ErrInvalid)
	bad = floorplan.Person{Name: "错职级", AgencyID: f.agencies[0].ID, Rank: "general"}
	wantErr(t, "a person with an unknown rank", s.CreatePerson(ctx, &bad), floorplan.ErrInvalid)

	room := f.room(t, 0, "101", rect(0, 0, 6, 5))
	a := f.assign(t, q, room, floorplan.Day(2020, 1, 1))
	wantErr(t, "DeletePerson with a room", s.DeletePerson(ctx, q.ID), floorplan.ErrInUse)
	a.End = day(f.clock, 0)
	must(t, s.UpdateAssignment(ctx, &a))
	must(t, s.DeletePerson(ctx, q.ID))
	wantErr(t, "Person after delete", errOf(s.Person(ctx, q.ID)), floorplan.ErrNotFound)
	wantErr(t, "UpdatePerson after delete", s.UpdatePerson(ctx, &q), floorplan.ErrNotFound)
}

func testAssignments(t *testing.T, f *fixture) {
	s, ctx, c := f.s, f.ctx, f.clock
	p := f.person(t, "陈静", floorplan.RankDivision)
	q := f.person(t, "周涛", floorplan.RankStaff)
	r1 := f.room(t, 0, "101", rect(0, 0, 6, 5))
	r2 := f.room(t, 0, "102", rect(6, 0, 12, 5))
	a := floorplan.Assignment{PersonID: p.ID, RoomID: r1.ID, Start: floorplan.Day(2022, 1, 1), End: floorplan.Day(2024, 1, 1)}
	must(t, s.CreateAssignment(ctx, &a))
	if a.ID == uuid.Nil || a.Version != 1 || a.Kind != floorplan.AssignMain {
		t.Errorf("CreateAssignment: %+v, want an id, version 1 and the default kind main", a)
	}
	got, err := s.Assignment(ctx, a.ID)
	must(t, err)
	sameJSON(t, "assignment read back", got, a)
	b := f.assign(t, p, r2, floorplan.Day(2024, 1, 1))
	d := f.assign(t, q, r2, floorplan.Day(2023, 6, 1))

	for _, tc := range []struct {
		name   string
		filter floorplan.AssignmentFilter
		want   []uuid.UUID
	}{
		{"all by start", floorplan.AssignmentFilter{}, []uuid.UUID{a.ID, d.ID, b.ID}},
		{"person", floorplan.AssignmentFilter{PersonID: p.ID}, []uuid.UUID{a.ID, b.ID}},
		{"room", floorplan.AssignmentFilter{RoomID: r2.ID}, []uuid.UUID{d.ID, b.ID}},
		{"active on the start day", floorplan.AssignmentFilter{PersonID: p.ID, ActiveOn: floorplan.Day(2022, 1, 1)}, []uuid.UUID{a.ID}},
		{"not active on the end day", floorplan.AssignmentFilter{ActiveOn: floorplan.Day(2024, 1, 1)}, []uuid.UUID{d.ID, b.ID}},
		{"active before any", floorplan.AssignmentFilter{ActiveOn: floorplan.Day(2021, 1, 1)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Assignments(ctx, tc.filter)
			must(t, err)
			if ids := IDs(got); !slices.Equal(ids, tc.want) {
				t.Errorf("Assignments(%+v) = %v, want %v", tc.filter, ids, tc.want)
			}
		})
	}

	p.Posts = []floorplan.Post{{Title: "纪检组长（兼）", AgencyID: f.agencies[1].ID}}
	must(t, s.UpdatePerson(ctx, &p))
	second := floorplan.Assignment{PersonID: p.ID, RoomID: r1.ID, Kind: floorplan.AssignSecond, PostID: p.Posts[0].ID,
		ApprovalRef: "常管〔2024〕3号", Start: floorplan.Day(2024, 3, 1)}
	must(t, s.CreateAssignment(ctx, &second))
	got, err = s.Assignment(ctx, second.ID)
	must(t, err)
	sameJSON(t, "second office read back", got, second)
	foreign := floorplan.Assignment{PersonID: q.ID, RoomID: r1.ID, Kind: floorplan.AssignSecond, PostID: p.Posts[0].ID,
		Start: floorplan.Day(2024, 3, 1)}
	wantErr(t, "an assignment for another person's post", s.CreateAssignment(ctx, &foreign), floorplan.ErrInvalid)
	bad := floorplan.Assignment{PersonID: q.ID, RoomID: r1.ID, Start: floorplan.Day(2024, 3, 1), End: floorplan.Day(2024, 2, 1)}
	wantErr(t, "an assignment ending before it starts", s.CreateAssignment(ctx, &bad), floorplan.ErrInvalid)
	bad = floorplan.Assignment{PersonID: q.ID, RoomID: uuid.New(), Start: floorplan.Day(2024, 3, 1)}
	wantErr(t, "an assignment to an unknown room", s.CreateAssignment(ctx, &bad), floorplan.ErrInvalid)

	b.End = floorplan.Day(2030, 1, 1)
	must(t, s.UpdateAssignment(ctx, &b))
	if b.Version != 2 {
		t.Errorf("UpdateAssignment: version %d, want 2", b.Version)
	}
	got, err = s.Assignment(ctx, b.ID)
	must(t, err)
	sameJSON(t, "assignment after update", got, b)

	wantErr(t, "DeleteRoom with people in it", s.DeleteRoom(ctx, r2.ID, r2.Version), floorplan.ErrInUse)
	must(t, s.DeleteAssignment(ctx, b.ID, b.Version))
	wantErr(t, "Assignment after delete", errOf(s.Assignment(ctx, b.ID)), floorplan.ErrNotFound)
	d.End = day(c, 0) // handed back today: no longer in use
	must(t, s.UpdateAssignment(ctx, &d))
	must(t, s.DeleteRoom(ctx, r2.ID, r2.Version))
}

func testStandardRows(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	rows, err := s.StandardRows(ctx)
	must(t, err)
	if len(rows) != 0 {
		t.Fatalf("a new store has %d local standard rows", len(rows))
	}
	a := floorplan.StandardRow{Scale: floorplan.LevelMunicipal, Rank: floorplan.RankBureau, Title: "市级正局（处）级",
		AreaM2: 24, Effective: floorplan.Day(2024, 1, 1), Jurisdiction: "常州市", Source: "常州市实施细则 第五条"}
	b := floorplan.StandardRow{Scale: floorplan.LevelCounty, Rank: floorplan.RankSection, Title: "正科级", AreaM2: 18,
		Effective: floorplan.Day(2023, 1, 1), Jurisdiction: "常州市", Source: "常州市实施细则 第六条"}
	must(t, s.PutStandardRow(ctx, a))
	must(t, s.PutStandardRow(ctx, b))
	a.AreaM2, a.ToiletAllowanceM2, a.Source = 20, 6, "常州市实施细则（2024修订）第五条"
	must(t, s.PutStandardRow(ctx, a))
	rows, err = s.StandardRows(ctx)
	must(t, err)
	sameJSON(t, "standard rows (the second put replaced the first)", rows, []floorplan.StandardRow{b, a})
	bad := a
	bad.AreaM2 = 0
	wantErr(t, "a standard row with no area", s.PutStandardRow(ctx, bad), floorplan.ErrInvalid)
	bad = a
	bad.Rank = "emperor"
	wantErr(t, "a standard row with an unknown rank", s.PutStandardRow(ctx, bad), floorplan.ErrInvalid)
}

func testNotFound(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	p := f.person(t, "孙丽", floorplan.RankStaff)
	r := f.room(t, 0, "101", rect(0, 0, 6, 5))
	id := uuid.New()
	site := f.site
	site.ID = id
	b := f.building
	b.ID = id
	fl := f.floor(0)
	fl.ID = id
	room := r
	room.ID = id
	ag := f.agencies[0]
	ag.ID = id
	pe := p
	pe.ID = id
	as := floorplan.Assignment{ID: id, PersonID: p.ID, RoomID: r.ID, Start: floorplan.Day(2024, 1, 1), Version: 1}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"Site", errOf(s.Site(ctx, id))},
		{"Building", errOf(s.Building(ctx, id))},
		{"Floor", errOf(s.Floor(ctx, id))},
		{"Room", errOf(s.Room(ctx, id))},
		{"Agency", errOf(s.Agency(ctx, id))},
		{"Person", errOf(s.Person(ctx, id))},
		{"Assignment", errOf(s.Assignment(ctx, id))},
		{"UpdateSite", s.UpdateSite(ctx, &site)},
		{"UpdateBuilding", s.UpdateBuilding(ctx, &b)},
		{"UpdateFloor", s.UpdateFloor(ctx, &fl)},
		{"UpdateRoom", s.UpdateRoom(ctx, &room)},
		{"UpdateAgency", s.UpdateAgency(ctx, &ag)},
		{"UpdatePerson", s.UpdatePerson(ctx, &pe)},
		{"UpdateAssignment", s.UpdateAssignment(ctx, &as)},
		{"DeleteSite", s.DeleteSite(ctx, id)},
		{"DeleteBuilding", s.DeleteBuilding(ctx, id)},
		{"DeleteFloor", s.DeleteFloor(ctx, id)},
		{"DeleteRoom", s.DeleteRoom(ctx, id, 1)},
		{"DeleteAgency", s.DeleteAgency(ctx, id)},
		{"DeletePerson", s.DeletePerson(ctx, id)},
		{"DeleteAssignment", s.DeleteAssignment(ctx, id, 1)},
	} {
		wantErr(t, tc.name, tc.err, floorplan.ErrNotFound)
	}
	h, err := s.History(ctx, floorplan.EntityRoom, id)
	must(t, err)
	if len(h) != 0 {
		t.Errorf("History of an unknown room has %d changes", len(h))
	}
}

// testJurisdictions checks the jurisdiction tree (issue 12): nodes with codes and parents, read back
// and listed by code; a parent that is unknown, the node itself or below it refused; sites and agencies
// placed in a jurisdiction (uuid.Nil: the city level) and moved; the history of the tree; the
// snapshot's agencies carrying their jurisdiction.
func testJurisdictions(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx

	list, err := s.Jurisdictions(ctx)
	must(t, err)
	if len(list) != 0 {
		t.Fatalf("a new store has %d jurisdictions, want none", len(list))
	}
	city := floorplan.Jurisdiction{Name: "常州市", Code: "320400"}
	must(t, s.CreateJurisdiction(ctx, &city))
	if city.ID == uuid.Nil {
		t.Fatal("CreateJurisdiction assigned no id")
	}
	tianning := floorplan.Jurisdiction{Name: "天宁区", Code: "320402", ParentID: city.ID}
	zhonglou := floorplan.Jurisdiction{Name: "钟楼区", Code: "320404", ParentID: city.ID}
	must(t, s.CreateJurisdiction(ctx, &tianning))
	must(t, s.CreateJurisdiction(ctx, &zhonglou))
	street := floorplan.Jurisdiction{Name: "天宁街道", ParentID: tianning.ID}
	must(t, s.CreateJurisdiction(ctx, &street))

	got, err := s.Jurisdiction(ctx, tianning.ID)
	must(t, err)
	sameJSON(t, "jurisdiction read back", got, tianning)
	list, err = s.Jurisdictions(ctx)
	must(t, err)
	if len(list) != 4 || list[0].ID != street.ID || list[1].ID != city.ID || list[2].ID != tianning.ID || list[3].ID != zhonglou.ID {
		t.Errorf("Jurisdictions = %+v, want by code: 天宁街道 (no code), 常州市, 天宁区, 钟楼区", list)
	}
	if p := floorplan.JurisdictionPath(list, street.ID); len(p) != 3 || p[0] != street.ID || p[1] != tianning.ID || p[2] != city.ID {
		t.Errorf("JurisdictionPath(天宁街道) = %v", p)
	}
	_, err = s.Jurisdiction(ctx, uuid.New())
	wantErr(t, "an unknown jurisdiction", err, floorplan.ErrNotFound)

	for _, bad := range []floorplan.Jurisdiction{
		{Name: " "},
		{Name: "坏代码", Code: "3204"},
		{Name: "孤儿", ParentID: uuid.New()},
	} {
		wantErr(t, "CreateJurisdiction "+bad.Name, s.CreateJurisdiction(ctx, &bad), floorplan.ErrInvalid)
	}
	// A node cannot be moved below itself.
	loop := city
	loop.ParentID = street.ID
	wantErr(t, "a jurisdiction moved below itself", s.UpdateJurisdiction(ctx, &loop), floorplan.ErrInvalid)
	self := tianning
	self.ParentID = tianning.ID
	wantErr(t, "a jurisdiction its own parent", s.UpdateJurisdiction(ctx, &self), floorplan.ErrInvalid)
	missing := floorplan.Jurisdiction{ID: uuid.New(), Name: "无此区"}
	wantErr(t, "UpdateJurisdiction of an unknown one", s.UpdateJurisdiction(ctx, &missing), floorplan.ErrNotFound)

	// Move and rename: 天宁街道 under 钟楼区.
	street.ParentID, street.Name, street.Code = zhonglou.ID, "西林街道", "320404001"
	must(t, s.UpdateJurisdiction(ctx, &street))
	got, err = s.Jurisdiction(ctx, street.ID)
	must(t, err)
	sameJSON(t, "jurisdiction updated", got, street)
	h, err := s.History(ctx, floorplan.EntityJurisdiction, street.ID)
	must(t, err)
	if len(h) != 2 || h[0].Op != "insert" || h[1].Op != "update" || h[1].Actor != Actor {
		t.Errorf("History of a jurisdiction = %+v, want insert and update by %s", h, Actor)
	}

	// Sites and agencies in a jurisdiction.
	if f.site.JurisdictionID != uuid.Nil {
		t.Errorf("a site created without a jurisdiction has %v", f.site.JurisdictionID)
	}
	site := f.site
	site.JurisdictionID = tianning.ID
	must(t, s.UpdateSite(ctx, &site))
	gotSite, err := s.Site(ctx, site.ID)
	must(t, err)
	sameJSON(t, "site in 天宁区", gotSite, site)
	other := floorplan.Site{Name: "钟楼区行政中心", Category: "office.party_government", Ownership: floorplan.OwnershipFiled,
		Records: []floorplan.OwnershipRecord{}, JurisdictionID: zhonglou.ID}
	must(t, s.CreateSite(ctx, &other))
	gotSite, err = s.Site(ctx, other.ID)
	must(t, err)
	sameJSON(t, "site created in 钟楼区", gotSite, other)
	bad := floorplan.Site{Name: "无此区的房产", Category: "office.party_government", Ownership: floorplan.OwnershipFiled,
		JurisdictionID: uuid.New()}
	wantErr(t, "a site in an unknown jurisdiction", s.CreateSite(ctx, &bad), floorplan.ErrInvalid)

	agency := f.agencies[0]
	agency.JurisdictionID = tianning.ID
	must(t, s.UpdateAgency(ctx, &agency))
	gotAgency, err := s.Agency(ctx, agency.ID)
	must(t, err)
	sameJSON(t, "agency in 天宁区", gotAgency, agency)
	sub := floorplan.Agency{Name: "钟楼区机关事务服务中心", Level: floorplan.LevelCounty, JurisdictionID: zhonglou.ID}
	must(t, s.CreateAgency(ctx, &sub))
	gotAgency, err = s.Agency(ctx, sub.ID)
	must(t, err)
	sameJSON(t, "agency created in 钟楼区", gotAgency, sub)
	orphan := floorplan.Agency{Name: "无此区的单位", Level: floorplan.LevelCounty, JurisdictionID: uuid.New()}
	wantErr(t, "an agency in an unknown jurisdiction", s.CreateAgency(ctx, &orphan), floorplan.ErrInvalid)

	// Back to the city level.
	agency.JurisdictionID = uuid.Nil
	must(t, s.UpdateAgency(ctx, &agency))
	gotAgency, err = s.Agency(ctx, agency.ID)
	must(t, err)
	sameJSON(t, "agency back at the city level", gotAgency, agency)

	snap, err := s.Snapshot(ctx, f.clock.Now())
	must(t, err)
	found := false
	for _, a := range snap.Agencies {
		if a.ID == sub.ID {
			found = true
			if a.JurisdictionID != zhonglou.ID {
				t.Errorf("snapshot agency %s: jurisdiction %v, want 钟楼区", a.Name, a.JurisdictionID)
			}
		}
	}
	if !found {
		t.Error("the snapshot misses the agency created in 钟楼区")
	}
}

func testValidation(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	good := f.room(t, 0, "101", rect(0, 0, 6, 5))
	bowtie := orb.Polygon{{{0, 0}, {4, 4}, {4, 0}, {0, 4}, {0, 0}}}
	createRoom := f.createRoom
	for _, tc := range []struct {
		name   string
		write  func() error
		reason geo.Reason // "" for a non-geometry error (floorplan.ErrInvalid)
	}{
		{"room that crosses itself", createRoom("102", bowtie), geo.ReasonSelfIntersection},
		{"room ring not closed", createRoom("103", orb.Polygon{{{10, 0}, {14, 0}, {14, 4}, {10, 4}}}), geo.ReasonNotClosed},
		{"room with a NaN", createRoom("104", orb.Polygon{{{10, 0}, {14, 0}, {14, math.NaN()}, {10, 4}, {10, 0}}}), geo.ReasonNonFinite},
		{"room with no area", createRoom("105", orb.Polygon{{{10, 0}, {12, 0}, {14, 0}, {10, 0}}}), geo.ReasonZeroArea},
		{"room with a hole outside it", createRoom("106", append(rect(10, 0, 14, 4), orb.Ring{{20, 1}, {20, 2}, {21, 2}, {21, 1}, {20, 1}})),
			geo.ReasonHoleOutside},
		{"room update that crosses itself", func() error {
			r := good
			r.Geometry = bowtie
			return s.UpdateRoom(ctx, &r)
		}, geo.ReasonSelfIntersection},
		{"building footprint that crosses itself", func() error {
			b := floorplan.Building{SiteID: f.site.ID, Name: "坏楼", Footprint: bowtie, Georef: f.building.Georef}
			return s.CreateBuilding(ctx, &b)
		}, geo.ReasonSelfIntersection},
		{"building at the pole", func() error {
			b := floorplan.Building{SiteID: f.site.ID, Name: "极地楼", Georef: geo.Georef{Origin: orb.Point{0, 95}, Scale: 1}}
			return s.CreateBuilding(ctx, &b)
		}, geo.ReasonBadGeoref},
		{"floor outline not closed", func() error {
			fl := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 7, Name: "8F", Outline: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}}}}
			return s.CreateFloor(ctx, &fl)
		}, geo.ReasonNotClosed},
		{"room without geometry", createRoom("107", nil), ""},
		{"room of an unknown usage", createRoom("108", rect(20, 0, 24, 4), func(r *floorplan.Room) { r.Usage = "ballroom" }), ""},
		{"room in an unknown state", createRoom("109", rect(20, 0, 24, 4), func(r *floorplan.Room) { r.State = "haunted" }), ""},
		{"building without a name", func() error {
			b := floorplan.Building{SiteID: f.site.ID, Name: "", Georef: f.building.Georef}
			return s.CreateBuilding(ctx, &b)
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.write()
			if tc.reason == "" {
				wantErr(t, tc.name, err, floorplan.ErrInvalid)
				if errors.Is(err, geo.ErrInvalid) {
					t.Errorf("%s: %v wraps geo.ErrInvalid, but the geometry is not at fault", tc.name, err)
				}
				return
			}
			wantErr(t, tc.name, err, geo.ErrInvalid)
			var ve *geo.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("%s: %v is not a *geo.ValidationError", tc.name, err)
			}
			if ve.Reason != tc.reason {
				t.Errorf("%s: reason %q, want %q", tc.name, ve.Reason, tc.reason)
			}
			if !strings.Contains(err.Error(), ve.Message) {
				t.Errorf("%s: the error %q does not say why (%q)", tc.name, err, ve.Message)
			}
		})
	}
	rooms, err := s.Rooms(ctx, floorplan.RoomFilter{FloorID: f.floor(0).ID})
	must(t, err)
	if len(rooms) != 1 || rooms[0].Version != 1 {
		t.Errorf("after the refused writes the floor has %d rooms (want only 101, unchanged)", len(rooms))
	} else {
		samePolygon(t, "room 101 after a refused update", rooms[0].Geometry, good.Geometry)
	}
	bs, err := s.Buildings(ctx, f.site.ID)
	must(t, err)
	if len(bs) != 1 {
		t.Errorf("after the refused writes the site has %d buildings, want 1", len(bs))
	}
}

func testOverlap(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	a := f.room(t, 0, "101", rect(0, 0, 6, 5))
	c := f.room(t, 0, "103", rect(20, 0, 26, 5))
	d := f.room(t, 0, "102", rect(26, 0, 32, 5)) // shares a wall with 103

	overlapping := []struct {
		name   string
		p      orb.Polygon
		other  floorplan.Room
		areaM2 float64
	}{
		{"half over 101", rect(3, 0, 9, 5), a, 15},
		{"inside 101", rect(1, 1, 2, 2), a, 1},
		{"same as 101", rect(0, 0, 6, 5), a, 30},
		{"1 mm into 101", rect(5.999, 0, 9, 5), a, 0.005},
		{"around 101", rect(-1, -1, 7, 6), a, 30},
		{"over 103 and 102: names 102, first by number", rect(24, 0, 28, 5), d, 10},
	}
	for _, tc := range overlapping {
		t.Run(tc.name, func(t *testing.T) {
			r := f.newRoom(0, "199", tc.p)
			err := s.CreateRoom(ctx, &r)
			var oe *floorplan.OverlapError
			if !errors.As(err, &oe) {
				t.Fatalf("CreateRoom: %v, want an *OverlapError", err)
			}
			if !errors.Is(err, floorplan.ErrOverlap) {
				t.Error("the *OverlapError does not match floorplan.ErrOverlap")
			}
			if oe.OtherID != tc.other.ID || oe.OtherNumber != tc.other.Number || oe.RoomID != uuid.Nil {
				t.Errorf("OverlapError names room %s (%s) for new room %s, want %s (%s) and uuid.Nil",
					oe.OtherNumber, oe.OtherID, oe.RoomID, tc.other.Number, tc.other.ID)
			}
			if math.Abs(oe.AreaM2-tc.areaM2) > 1e-6*math.Max(1, tc.areaM2) {
				t.Errorf("overlap area %v m², want %v", oe.AreaM2, tc.areaM2)
			}
		})
	}
	for _, tc := range []struct {
		name string
		ord  int
		p    orb.Polygon
	}{
		{"sharing 101's east wall", 0, rect(6, 0, 10, 5)},
		{"sharing part of 101's north wall", 0, rect(2, 5, 4, 9)},
		{"touching 101 at a corner", 0, rect(-4, 5, 0, 9)},
		{"a diamond touching 101's corner", 0, orb.Polygon{{{0, 0}, {-1, -1}, {0, -2}, {1, -1}, {0, 0}}}},
		{"over 101, on another floor", 1, rect(0, 0, 6, 5)},
		{"in the gap between rooms", 0, rect(10, 0, 20, 5)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.newRoom(tc.ord, "2xx", tc.p)
			if err := s.CreateRoom(ctx, &r); err != nil {
				t.Errorf("CreateRoom: %v, want it accepted", err)
			}
		})
	}

	moved := c
	moved.Geometry = rect(4, 5, 8, 7) // on 101's north wall, beside the room at (2,5)-(4,9)
	if err := s.UpdateRoom(ctx, &moved); err != nil {
		t.Errorf("moving 103 next to others: %v", err)
	}
	moved.Geometry = rect(1, 1, 3, 3)
	err := s.UpdateRoom(ctx, &moved)
	var oe *floorplan.OverlapError
	if !errors.As(err, &oe) || oe.OtherID != a.ID || oe.RoomID != c.ID {
		t.Errorf("moving 103 into 101: %v, want an *OverlapError naming 101 for 103", err)
	}
	got, err := s.Room(ctx, c.ID)
	must(t, err)
	samePolygon(t, "103 after the refused move", got.Geometry, rect(4, 5, 8, 7))

	must(t, s.DeleteRoom(ctx, a.ID, a.Version))
	r := f.newRoom(0, "101A", rect(1, 0, 5, 5))
	if err := s.CreateRoom(ctx, &r); err != nil {
		t.Errorf("a room where a deleted room was: %v", err)
	}
}

func testOverlapConcurrent(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	const rounds = 25
	for i := 0; i < rounds; i++ {
		x := float64(i) * 2.4
		rooms := [2]floorplan.Room{
			f.newRoom(1, "A", rect(x, 0, x+1.5, 5)),
			f.newRoom(1, "B", rect(x+0.8, 0, x+2.3, 5)),
		}
		errs := Race(func(k int) error { return s.CreateRoom(ctx, &rooms[k]) })
		won := 0
		for k, err := range errs {
			if err == nil {
				won++
				continue
			}
			var oe *floorplan.OverlapError
			if !errors.As(err, &oe) {
				t.Fatalf("round %d: room %s: %v, want success or an *OverlapError", i, rooms[k].Number, err)
			}
			if winner := rooms[1-k]; oe.OtherID != winner.ID {
				t.Errorf("round %d: the loser's error names %s, not the winner %s", i, oe.OtherID, winner.ID)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d of two overlapping rooms were created, want exactly 1", i, won)
		}
	}
	rooms, err := s.Rooms(ctx, floorplan.RoomFilter{FloorID: f.floor(1).ID})
	must(t, err)
	if len(rooms) != rounds {
		t.Errorf("the floor has %d rooms after %d rounds, want %d", len(rooms), rounds, rounds)
	}
}

func testConflict(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	r := f.room(t, 0, "101", rect(0, 0, 6, 5))
	stale := r
	r.Name = "局长办公室"
	must(t, s.UpdateRoom(ctx, &r))
	stale.Name, stale.Geometry = "抢先的修改", rect(0, 0, 5, 5)
	wantErr(t, "UpdateRoom at a stale version", s.UpdateRoom(ctx, &stale), floorplan.ErrConflict)
	if stale.Version != 1 {
		t.Errorf("a refused update changed the argument's version to %d", stale.Version)
	}
	wantErr(t, "DeleteRoom at a stale version", s.DeleteRoom(ctx, r.ID, 1), floorplan.ErrConflict)
	got, err := s.Room(ctx, r.ID)
	must(t, err)
	sameJSON(t, "room after refused writes", got, r)
	samePolygon(t, "room geometry after refused writes", got.Geometry, r.Geometry)

	p := f.person(t, "吴刚", floorplan.RankStaff)
	a := f.assign(t, p, r, floorplan.Day(2024, 1, 1))
	staleA := a
	a.ApprovalRef = "常管〔2024〕9号"
	must(t, s.UpdateAssignment(ctx, &a))
	staleA.End = floorplan.Day(2024, 6, 1)
	wantErr(t, "UpdateAssignment at a stale version", s.UpdateAssignment(ctx, &staleA), floorplan.ErrConflict)
	wantErr(t, "DeleteAssignment at a stale version", s.DeleteAssignment(ctx, a.ID, 1), floorplan.ErrConflict)
	gotA, err := s.Assignment(ctx, a.ID)
	must(t, err)
	sameJSON(t, "assignment after refused writes", gotA, a)

	// Two writers from the same version at once: one wins, the other conflicts.
	for i := 0; i < 10; i++ {
		cur, err := s.Room(ctx, r.ID)
		must(t, err)
		errs := Race(func(k int) error {
			mine := cur
			mine.Name = []string{"甲", "乙"}[k]
			return s.UpdateRoom(ctx, &mine)
		})
		WantOneWinner(t, fmt.Sprintf("concurrent updates, round %d", i), errs, floorplan.ErrConflict)
	}
}

// testVerdicts is a table per rule with its boundary areas (at the limit, +0.004, +0.005, +0.01 m²: survey
// precision, 0.01 m² half up) and boundary days (the last compliant day, the day after), written through
// the store and evaluated on its snapshot, so that both stores give the same verdicts at the edges.
func testVerdicts(t *testing.T, f *fixture) {
	v := &verdictFixture{fixture: f}
	t.Run("areas", func(t *testing.T) { v.areas(t) })
	t.Run("days", func(t *testing.T) { v.days(t) })
}

type verdictFixture struct {
	*fixture
	slot int // the next free 4 m × 6.5 m slot of floor 0
}

// surveyedRoom creates a room of the given usage and area (a 4 m wide rectangle at real coordinates, so
// that its area carries floating-point noise), known from 2020, for agency a.
func (v *verdictFixture) surveyedRoom(t *testing.T, a uuid.UUID, usage floorplan.Usage, area float64) floorplan.Room {
	t.Helper()
	x := float64(v.slot%14) * 4.25
	y := float64(v.slot/14) * 6.5
	v.slot++
	if v.slot > 42 {
		t.Fatal("verdicts: the fixture floor is full")
	}
	r := floorplan.Room{FloorID: v.floor(0).ID, Number: fmt.Sprintf("V%02d", v.slot), Usage: usage, AgencyID: a,
		State: floorplan.RoomInUse, ValidFrom: floorplan.Day(2020, 1, 1),
		Geometry: orb.Polygon{{{x, y}, {x + 4, y}, {x + 4, y + area/4}, {x, y + area/4}, {x, y}}}}
	must(t, v.s.CreateRoom(v.ctx, &r))
	return r
}

func (v *verdictFixture) agency(t *testing.T, level floorplan.AdminLevel, mods ...func(*floorplan.Agency)) uuid.UUID {
	t.Helper()
	a := floorplan.Agency{Name: fmt.Sprintf("单位%d", len(v.agencies)+v.slot), Level: level, Status: floorplan.AgencyActive}
	for _, m := range mods {
		m(&a)
	}
	must(t, v.s.CreateAgency(v.ctx, &a))
	return a.ID
}

func (v *verdictFixture) personOf(t *testing.T, a uuid.UUID, rank floorplan.Rank, mods ...func(*floorplan.Person)) floorplan.Person {
	t.Helper()
	p := floorplan.Person{Name: "人员" + uuid.NewString()[:6], AgencyID: a, Rank: rank, Status: floorplan.PersonActive}
	for _, m := range mods {
		m(&p)
	}
	must(t, v.s.CreatePerson(v.ctx, &p))
	return p
}

func (v *verdictFixture) hold(t *testing.T, p floorplan.Person, r floorplan.Room, kind floorplan.AssignmentKind, mods ...func(*floorplan.Assignment)) {
	t.Helper()
	a := floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Kind: kind, Start: floorplan.Day(2021, 1, 4)}
	for _, m := range mods {
		m(&a)
	}
	must(t, v.s.CreateAssignment(v.ctx, &a))
}

func (v *verdictFixture) report(t *testing.T, asOf time.Time) *floorplan.Report {
	t.Helper()
	snap, err := v.s.Snapshot(v.ctx, asOf)
	must(t, err)
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	must(t, err)
	return rep
}

// has reports whether rep has a finding of rule about subject.
func has(rep *floorplan.Report, rule string, subject uuid.UUID) bool {
	return slices.ContainsFunc(rep.Findings, func(f floorplan.Finding) bool { return f.RuleID == rule && f.SubjectID == subject })
}

// boundaries are the areas around a limit and whether each is a breach at survey precision.
var boundaries = []struct {
	name  string
	delta float64
	over  bool
}{{"at", 0, false}, {"+0.004", 0.004, false}, {"+0.005", 0.005, true}, {"+0.01", 0.01, true}}

func (v *verdictFixture) areas(t *testing.T) {
	type check struct {
		name    string
		rule    string
		subject uuid.UUID
		want    bool
	}
	var checks []check
	city := v.agency(t, floorplan.LevelMunicipal)
	town := v.agency(t, floorplan.LevelTownship)
	for _, b := range boundaries {
		// person.over_standard: a 正处级 official (24 m²) alone in an office.
		p := v.personOf(t, city, floorplan.RankDivision)
		v.hold(t, p, v.surveyedRoom(t, city, floorplan.UsageOffice, 24+b.delta), floorplan.AssignMain)
		checks = append(checks, check{"over standard " + b.name, floorplan.RuleOverStandard, p.ID, b.over})

		// person.private_toilet: a 市级正职 (6 m² allowance) with a 20 m² office.
		head := v.personOf(t, city, floorplan.RankBureau)
		v.hold(t, head, v.surveyedRoom(t, city, floorplan.UsageOffice, 20), floorplan.AssignMain)
		v.hold(t, head, v.surveyedRoom(t, city, floorplan.UsageToilet, 6+b.delta), floorplan.AssignMain)
		checks = append(checks, check{"private toilet " + b.name, floorplan.RulePrivateToilet, head.ID, b.over})

		// agency.over_approved_area: 20 m² approved, one office of 20 + delta.
		ag := v.agency(t, floorplan.LevelMunicipal, func(a *floorplan.Agency) { a.ApprovedAreaM2 = 20 })
		v.surveyedRoom(t, ag, floorplan.UsageService, 20+b.delta)
		checks = append(checks, check{"approved area " + b.name, floorplan.RuleOverApprovedArea, ag, b.over})

		// The township cap (24 m², no local table): a notice at or under it, a breach above it.
		tp := v.personOf(t, town, floorplan.RankStaff)
		v.hold(t, tp, v.surveyedRoom(t, town, floorplan.UsageOffice, 24+b.delta), floorplan.AssignMain)
		checks = append(checks, check{"township cap " + b.name, floorplan.RuleOverStandard, tp.ID, b.over},
			check{"township notice " + b.name, floorplan.RuleNoStandard, tp.ID, !b.over})
	}
	// person.second_office_not_smaller: a 副处级 official (18 m²) with an approved second office; "smaller"
	// is judged at survey precision too: 17.995 is 18.00, not smaller.
	for _, c := range []struct {
		area float64
		want bool
	}{{18, true}, {17.995, true}, {17.994, false}, {17.99, false}} {
		p := v.personOf(t, city, floorplan.RankViceDivision, func(p *floorplan.Person) {
			p.Posts = []floorplan.Post{{Title: "兼职主任", Start: floorplan.Day(2021, 1, 1)}}
		})
		v.hold(t, p, v.surveyedRoom(t, city, floorplan.UsageOffice, 12), floorplan.AssignMain)
		second := v.surveyedRoom(t, city, floorplan.UsageOffice, c.area)
		v.hold(t, p, second, floorplan.AssignSecond, func(a *floorplan.Assignment) {
			a.ApprovalRef, a.PostID = "常机管〔2021〕1号", p.Posts[0].ID
		})
		checks = append(checks, check{fmt.Sprintf("second office %v m²", c.area), floorplan.RuleSecondOfficeNotSmaller, p.ID, c.want})
	}
	rep := v.report(t, day(v.clock, 0))
	for _, c := range checks {
		if got := has(rep, c.rule, c.subject); got != c.want {
			t.Errorf("%s: %s = %v, want %v", c.name, c.rule, got, c.want)
		}
	}
}

func (v *verdictFixture) days(t *testing.T) {
	city := v.agency(t, floorplan.LevelMunicipal)
	// Retired on 31 January 2026: due back by 28 February (a month, clamped to its end).
	retired := v.personOf(t, city, floorplan.RankStaff, func(p *floorplan.Person) {
		p.Status, p.StatusDate = floorplan.PersonRetired, floorplan.Day(2026, 1, 31)
	})
	v.hold(t, retired, v.surveyedRoom(t, city, floorplan.UsageOffice, 9), floorplan.AssignMain)
	// A concurrent post that ended on 15 January 2026: its second office due back by 15 March.
	conc := v.personOf(t, city, floorplan.RankDivision, func(p *floorplan.Person) {
		p.Posts = []floorplan.Post{{Title: "兼职", Start: floorplan.Day(2021, 1, 1), End: floorplan.Day(2026, 1, 15)}}
	})
	v.hold(t, conc, v.surveyedRoom(t, city, floorplan.UsageOffice, 20), floorplan.AssignMain)
	v.hold(t, conc, v.surveyedRoom(t, city, floorplan.UsageOffice, 12), floorplan.AssignSecond, func(a *floorplan.Assignment) {
		a.ApprovalRef, a.PostID = "常机管〔2021〕2号", conc.Posts[0].ID
	})
	// Merged on 15 January 2026, no grace by default: due by that day.
	merged := v.agency(t, floorplan.LevelMunicipal, func(a *floorplan.Agency) {
		a.Status, a.StatusDate = floorplan.AgencyMerged, floorplan.Day(2026, 1, 15)
	})
	v.surveyedRoom(t, merged, floorplan.UsageOffice, 15)
	// Last used until 10 March 2025: idle for 6 months on 10 September 2025.
	idle := v.surveyedRoom(t, city, floorplan.UsageOffice, 12)
	left := v.personOf(t, city, floorplan.RankStaff)
	v.hold(t, left, idle, floorplan.AssignMain, func(a *floorplan.Assignment) { a.End = floorplan.Day(2025, 3, 10) })

	for _, c := range []struct {
		name    string
		rule    string
		subject uuid.UUID
		last    time.Time // the last compliant day
	}{
		{"retired", floorplan.RuleNotVacatedAfterLeaving, retired.ID, floorplan.Day(2026, 2, 28)},
		{"concurrent post", floorplan.RuleNotVacatedAfterConcurrentPost, conc.ID, floorplan.Day(2026, 3, 15)},
		{"merger", floorplan.RuleNotVacatedAfterMerger, merged, floorplan.Day(2026, 1, 15)},
		{"idle", floorplan.RuleIdle, idle.ID, floorplan.Day(2025, 9, 9)},
	} {
		if has(v.report(t, c.last), c.rule, c.subject) {
			t.Errorf("%s: a finding on %s, the last compliant day", c.name, c.last.Format(floorplan.DateLayout))
		}
		next := c.last.AddDate(0, 0, 1)
		if !has(v.report(t, next), c.rule, c.subject) {
			t.Errorf("%s: no finding on %s, the day after the last compliant day", c.name, next.Format(floorplan.DateLayout))
		}
	}
}
