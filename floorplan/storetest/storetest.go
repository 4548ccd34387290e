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
	"reflect"
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

// Run runs the conformance suite: one subtest per part of the Store contract, each on a store of its
// own from newStore. The subtests run in parallel (up to go test's -parallel at once), so newStore must
// be safe to call from several goroutines.
func Run(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s floorplan.Store)
	}{
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
		{"Overlap", testOverlap},
		{"OverlapConcurrent", testOverlapConcurrent},
		{"Conflict", testConflict},
		{"SoftDelete", testSoftDelete},
		{"History", testHistory},
		{"SnapshotPast", testSnapshotPast},
		{"SnapshotToday", testSnapshotToday},
		{"Bitemporal", testBitemporal},
		{"Verdicts", testVerdicts},
		{"Features", testFeatures},
		{"Search", testSearch},
		{"InTx", testInTx},
		{"GeorefChange", testGeorefChange},
		{"DerivedArea", testDerivedArea},
		{"Concurrent", testConcurrent},
		{"Revision", testRevision},
		{"Jurisdictions", testJurisdictions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
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

// fixture is a site with one building (turned by 30°), floors with ordinals -1, 0 and 1, and two agencies.
type fixture struct {
	s        floorplan.Store
	ctx      context.Context
	site     floorplan.Site
	building floorplan.Building
	floors   []floorplan.Floor // by ordinal -1, 0, 1
	agencies []floorplan.Agency
}

func newFixture(t *testing.T, s floorplan.Store) *fixture {
	t.Helper()
	ctx := ctxFor(t)
	f := &fixture{s: s, ctx: ctx}
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
func Race(write func(k int) error) [2]error {
	var (
		errs  [2]error
		start = make(chan struct{})
		wg    sync.WaitGroup
	)
	for k := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[k] = write(k)
		}()
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
	floorplan.Room | floorplan.Assignment | floorplan.Person | floorplan.Feature | floorplan.SearchHit
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
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: polygon %v, want %v", what, got, want)
		return false
	}
	return true
}
