package postgis_test

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/geo"
	"officemap/geo/geotest"
)

// dbURL is the package's database: fresh and migrated, dropped after the tests.
var dbURL string

func TestMain(m *testing.M) {
	code := pgtest.Main(m, &dbURL)
	dropBenchDB()
	os.Exit(code)
}

// openStore opens a Store on the package's database, closed when t ends.
func openStore(t testing.TB, opts ...postgis.Option) *postgis.Store {
	t.Helper()
	return openStoreOn(t, dbURL, opts...)
}

// openStoreOn opens a Store on the database at url, closed when t ends.
func openStoreOn(t testing.TB, url string, opts ...postgis.Option) *postgis.Store {
	t.Helper()
	s, err := postgis.Open(context.Background(), url, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// adminPool is a pool on the package's database for checks in SQL, closed when t ends.
func adminPool(t testing.TB) *pgxpool.Pool { return poolOn(t, dbURL) }

// poolOn is a pool on the database at url, closed when t ends.
func poolOn(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	p, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// ctxFor is a context for one test, with an actor and a deadline.
func ctxFor(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(floorplan.WithActor(context.Background(), "test:"+t.Name()), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// fixtures counts fixtures, so that each building sits on its own spot of the map (1 km apart).
var fixtures atomic.Int64

// fixture is a site with one building (turned by 30°), three floors (ordinals -1, 0, 1) and two
// agencies, made for one test.
type fixture struct {
	s        *postgis.Store
	ctx      context.Context
	site     floorplan.Site
	building floorplan.Building
	floors   []floorplan.Floor // by ordinal -1, 0, 1
	agencies []floorplan.Agency
}

// openFixture opens a store on the package's database (openStore) with a fixture of its own in it.
func openFixture(t testing.TB) (*postgis.Store, *fixture) {
	t.Helper()
	s := openStore(t)
	return s, newFixture(t, s)
}

func newFixture(t testing.TB, s *postgis.Store) *fixture {
	t.Helper()
	ctx := ctxFor(t)
	n := fixtures.Add(1)
	f := &fixture{s: s, ctx: ctx}
	f.site = floorplan.Site{Name: "测试房产", Category: "office.party_government", Ownership: floorplan.OwnershipRegistered,
		Records: []floorplan.OwnershipRecord{{Kind: "不动产权证", Number: "苏(2020)常州市不动产权第0000001号"}}}
	must(t, s.CreateSite(ctx, &f.site))
	f.building = floorplan.Building{
		SiteID: f.site.ID, Name: "综合楼",
		Footprint: rect(0, 0, 60, 15),
		Georef:    geo.Georef{Origin: orb.Point{119.5 + 0.01*float64(n), 31.5}, RotationDeg: 30, Scale: 1},
	}
	must(t, s.CreateBuilding(ctx, &f.building))
	for _, ord := range []int{-1, 0, 1} {
		fl := floorplan.Floor{BuildingID: f.building.ID, Ordinal: ord, Name: floorName(ord), Outline: rect(0, 0, 60, 15)}
		must(t, s.CreateFloor(ctx, &fl))
		f.floors = append(f.floors, fl)
	}
	for _, name := range []string{"常州市测试局", "常州市样例委员会"} {
		a := floorplan.Agency{Name: name, Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
		must(t, s.CreateAgency(ctx, &a))
		f.agencies = append(f.agencies, a)
	}
	return f
}

func floorName(ord int) string {
	switch {
	case ord < 0:
		return "B1"
	default:
		return string(rune('1'+ord)) + "F"
	}
}

// floor returns the fixture's floor with the given ordinal.
func (f *fixture) floor(ord int) floorplan.Floor { return f.floors[ord+1] }

// newRoom returns an office on the floor of the given ordinal, not yet created.
func (f *fixture) newRoom(ord int, number string, p orb.Polygon) floorplan.Room {
	return floorplan.Room{FloorID: f.floor(ord).ID, Number: number, Usage: floorplan.UsageOffice,
		AgencyID: f.agencies[0].ID, State: floorplan.RoomInUse, Geometry: p}
}

// room creates an office on the floor of the given ordinal.
func (f *fixture) room(t testing.TB, ord int, number string, p orb.Polygon) floorplan.Room {
	t.Helper()
	r := f.newRoom(ord, number, p)
	must(t, f.s.CreateRoom(f.ctx, &r))
	return r
}

// person creates a person of the first agency.
func (f *fixture) person(t testing.TB, name string, rank floorplan.Rank) floorplan.Person {
	t.Helper()
	p := floorplan.Person{Name: name, AgencyID: f.agencies[0].ID, Rank: rank, Status: floorplan.PersonActive}
	must(t, f.s.CreatePerson(f.ctx, &p))
	return p
}

// rect is geotest.Rect: the closed counter-clockwise rectangle with corners (x0, y0) and (x1, y1).
func rect(x0, y0, x1, y1 float64) orb.Polygon { return geotest.Rect(x0, y0, x1, y1) }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// equalJSON reports whether a and b marshal to the same JSON (times with their zone, geometry included
// through a separate comparison of the orb values).
func equalJSON(t testing.TB, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	must(t, err)
	jb, err := json.Marshal(b)
	must(t, err)
	if string(ja) != string(jb) {
		t.Logf("got  %s\nwant %s", ja, jb)
		return false
	}
	return reflect.DeepEqual(geometries(a), geometries(b))
}

// geometries returns the polygons of domain values (json leaves them out).
func geometries(v any) []orb.Polygon {
	switch x := v.(type) {
	case floorplan.Room:
		return []orb.Polygon{x.Geometry}
	case []floorplan.Room:
		var ps []orb.Polygon
		for _, r := range x {
			ps = append(ps, r.Geometry)
		}
		return ps
	case []floorplan.Building:
		var ps []orb.Polygon
		for _, b := range x {
			ps = append(ps, b.Footprint)
		}
		return ps
	case []floorplan.Floor:
		var ps []orb.Polygon
		for _, f := range x {
			ps = append(ps, f.Outline)
		}
		return ps
	}
	return nil
}
