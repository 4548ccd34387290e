package postgis_test

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/geo"
	"officemap/migrations"
)

// migrationsBefore returns the shipped migration files numbered below version.
func migrationsBefore(t *testing.T, version int) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := fs.ReadDir(migrations.FS, ".")
	must(t, err)
	for i, e := range entries {
		if shippedVersions(t)[i] >= version {
			continue
		}
		b, err := fs.ReadFile(migrations.FS, e.Name())
		must(t, err)
		fsys[e.Name()] = &fstest.MapFile{Data: b}
	}
	return fsys
}

// A register of schema 0009 written with plain SQL, as officemap of that version left it: a building
// with a floor and an office.
const (
	v9Site     = `INSERT INTO sites (id, name, ownership) VALUES ($1, '第一办公区', 'registered')`
	v9Building = `
INSERT INTO buildings (id, site_id, name, origin_lon, origin_lat, footprint, footprint_ll)
VALUES ($1, $2, '综合楼', 119.974, 31.811, 'POLYGON((0 0,40 0,40 12,0 12,0 0))',
        'SRID=4326;POLYGON((119.974 31.811,119.9744 31.811,119.9744 31.8111,119.974 31.8111,119.974 31.811))')`
	v9Floor = `INSERT INTO floors (id, building_id, ordinal, name) VALUES ($1, $2, 0, '1F')`
	v9Room  = `
INSERT INTO rooms (id, floor_id, number, usage, geom, geom_ll)
VALUES ($1, $2, '101', 'office', 'POLYGON((0 0,4 0,4 6,0 6,0 0))',
        'SRID=4326;POLYGON((119.974 31.811,119.97404 31.811,119.97404 31.81106,119.974 31.81106,119.974 31.811))')`
)

// roomBeforeMigration makes a database migrated up to (not including) migration n, puts a site, a
// building, a floor and a room in it as that schema had them (the v9 rows above), then applies every
// migration: it returns the pool, the rows' ids and the number of history records once migrated.
func roomBeforeMigration(t *testing.T, ctx context.Context, n int) (*pgxpool.Pool, v9Rows, int) {
	t.Helper()
	p := poolOn(t, pgtest.NewEmptyDB(t))
	must(t, postgis.MigrateFS(ctx, p, migrationsBefore(t, n)))
	site, building, floor, room := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	for _, q := range []struct {
		sql  string
		args []any
	}{{v9Site, []any{site}}, {v9Building, []any{building, site}}, {v9Floor, []any{floor, building}}, {v9Room, []any{room, floor}}} {
		if _, err := p.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	return p, v9Rows{site: site, building: building, floor: floor, room: room}, migrateAll(t, ctx, p)
}

// v9Rows are the ids of the rows roomBeforeMigration puts in.
type v9Rows struct{ site, building, floor, room uuid.UUID }

// TestMigrate0010: 0010_imports on a database of 0009 with rows in it changes no row (no history record,
// no version), gives the new columns their defaults, and the store then reads and writes them; the
// database itself refuses what must never be stored.
func TestMigrate0010(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	p, rows, history := roomBeforeMigration(t, ctx, 10)
	building, floor, room := rows.building, rows.floor, rows.room
	var after int
	var category, lang string
	var recorded *float64
	var version int64
	var openings *string
	must(t, p.QueryRow(ctx, `SELECT (SELECT count(*) FROM history), r.source_category, r.recorded_area_m2, r.version,
       b.lang, ST_AsText(f.openings)
  FROM rooms r, buildings b, floors f WHERE r.id = $1 AND b.id = $2 AND f.id = $3`, room, building, floor).
		Scan(&after, &category, &recorded, &version, &lang, &openings))
	if after != history || category != "" || recorded != nil || version != 1 || lang != "" || openings != nil {
		t.Errorf("after 0010: %d history records (was %d), source_category %q, recorded_area_m2 %v, version %d, lang %q, openings %v",
			after, history, category, recorded, version, lang, openings)
	}

	s := postgis.New(p)
	r, err := s.Room(ctx, room)
	must(t, err)
	if r.SourceCategory != "" || r.RecordedAreaM2 != 0 {
		t.Errorf("a room of 0009 reads %q %v, want no category and no recorded area", r.SourceCategory, r.RecordedAreaM2)
	}
	r.Usage, r.SourceCategory, r.RecordedAreaM2 = floorplan.UsageVoid, "opentobelow", 24
	must(t, s.UpdateRoom(ctx, &r))
	mezzanine := floorplan.Floor{BuildingID: building, Ordinal: 0, Name: "1M"}
	must(t, s.CreateFloor(ctx, &mezzanine))
	twin := floorplan.Floor{BuildingID: building, Ordinal: 0, Name: "1F"}
	if err := s.CreateFloor(ctx, &twin); !errors.Is(err, floorplan.ErrInvalid) || !strings.Contains(err.Error(), "ordinal and name") {
		t.Errorf("a second floor 1F at ordinal 0: %v, want ErrInvalid about the ordinal and name", err)
	}
	databaseRefuses(t, p, room, floor)
}

// databaseRefuses checks, with plain SQL, that the database refuses a recorded area that is not a
// positive number, an unknown usage and invalid openings, and that the store explains each refusal.
func databaseRefuses(t *testing.T, p *pgxpool.Pool, room, floor uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	for _, tc := range []struct {
		sql, constraint, message string // $1 the room's id, or the floor's for a statement on floors
	}{
		{`UPDATE rooms SET recorded_area_m2 = -1, version = version + 1 WHERE id = $1`, "rooms_recorded_area_positive", "recorded_area_m2"},
		{`UPDATE rooms SET recorded_area_m2 = 0, version = version + 1 WHERE id = $1`, "rooms_recorded_area_positive", "recorded_area_m2"},
		{`UPDATE rooms SET recorded_area_m2 = 'NaN', version = version + 1 WHERE id = $1`, "rooms_recorded_area_positive", "recorded_area_m2"},
		{`UPDATE rooms SET recorded_area_m2 = 'Infinity', version = version + 1 WHERE id = $1`, "rooms_recorded_area_positive", "recorded_area_m2"},
		{`UPDATE rooms SET usage = 'atrium', version = version + 1 WHERE id = $1`, "rooms_usage_known", "unknown room usage"},
		{`UPDATE floors SET openings = 'MULTILINESTRING((1 1,1 1))', openings_ll = 'SRID=4326;MULTILINESTRING((119 31,119.1 31))',
		  version = version + 1 WHERE id = $1`, "floors_openings_valid", "breaks a rule"},
		{`UPDATE floors SET openings = 'MULTILINESTRING((1 1,2 1))', version = version + 1 WHERE id = $1`,
			"floors_openings_in_step", "breaks a rule"},
	} {
		id := room
		if strings.HasPrefix(tc.sql, "UPDATE floors") {
			id = floor
		}
		_, err := p.Exec(ctx, tc.sql, id)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.ConstraintName != tc.constraint {
			t.Errorf("%s: %v, want a violation of %s", tc.sql, err, tc.constraint)
			continue
		}
		if mapped := postgis.MapError(err); !errors.Is(mapped, floorplan.ErrInvalid) || !strings.Contains(mapped.Error(), tc.message) {
			t.Errorf("%s: the store says %q, want ErrInvalid saying %q", tc.constraint, mapped, tc.message)
		}
	}
	if _, err := p.Exec(ctx, `UPDATE rooms SET usage = 'shaft', recorded_area_m2 = 3.5, version = version + 1 WHERE id = $1`, room); err != nil {
		t.Errorf("a shaft with a recorded area: %v", err)
	}
}

// openingsLonLat reads a floor's openings_ll.
func openingsLonLat(t *testing.T, p *pgxpool.Pool, floor uuid.UUID) orb.MultiLineString {
	t.Helper()
	var text *string
	must(t, p.QueryRow(context.Background(), `SELECT ST_AsGeoJSON(openings_ll, 15) FROM floors WHERE id = $1`, floor).Scan(&text))
	if text == nil {
		return nil
	}
	g, err := geojson.UnmarshalGeometry([]byte(*text))
	must(t, err)
	return g.Geometry().(orb.MultiLineString)
}

// wantOpeningsIn fails unless the floor's openings_ll are its openings in frame (to 1e-9°, ~0.1 mm).
func wantOpeningsIn(t *testing.T, what string, p *pgxpool.Pool, floor uuid.UUID, local orb.MultiLineString, frame *geo.Frame) {
	t.Helper()
	got := openingsLonLat(t, p, floor)
	if len(got) != len(local) {
		t.Fatalf("%s: %d lines in openings_ll, want %d", what, len(got), len(local))
	}
	for i, l := range local {
		if len(got[i]) != len(l) {
			t.Fatalf("%s: line %d has %d positions, want %d", what, i, len(got[i]), len(l))
		}
		for k, pt := range l {
			if want := frame.ToLonLat(pt); math.Abs(got[i][k][0]-want[0]) > 1e-9 || math.Abs(got[i][k][1]-want[1]) > 1e-9 {
				t.Errorf("%s: line %d position %d is %v, want %v", what, i, k, got[i][k], want)
			}
		}
	}
}

// TestOpeningsLonLat: a floor's openings get a lon/lat copy in the building's frame, derived again when
// the building's georeference moves and dropped with them; the history keeps the local lines only.
func TestOpeningsLonLat(t *testing.T) {
	s, f := openFixture(t)
	p := adminPool(t)
	fl := f.floors[1]
	doors := orb.MultiLineString{{{4, 0}, {5, 0}}, {{20, 15}, {21.2, 15}}}
	fl.Openings = doors
	must(t, s.UpdateFloor(f.ctx, &fl))
	wantOpeningsIn(t, "after UpdateFloor", p, fl.ID, doors, f.building.Georef.Frame())

	f.building.Georef.Origin[0] += 0.001
	f.building.Georef.RotationDeg = 45
	must(t, s.UpdateBuilding(f.ctx, &f.building))
	wantOpeningsIn(t, "after the georeference moved", p, fl.ID, doors, f.building.Georef.Frame())
	got, err := s.Floor(f.ctx, fl.ID)
	must(t, err)
	if !slices.EqualFunc(got.Openings, doors, func(a, b orb.LineString) bool { return a.Equal(b) }) {
		t.Errorf("local openings after the georeference moved: %v, want %v", got.Openings, doors)
	}

	h, err := s.History(f.ctx, floorplan.EntityFloor, fl.ID)
	must(t, err)
	last := string(h[len(h)-1].New)
	if !strings.Contains(last, `"openings"`) || strings.Contains(last, "openings_ll") {
		t.Errorf("the floor's history image: %s; want the local openings and no openings_ll", last)
	}

	got.Openings = nil
	must(t, s.UpdateFloor(f.ctx, &got))
	if ll := openingsLonLat(t, p, fl.ID); ll != nil {
		t.Errorf("openings_ll %v after the openings were removed", ll)
	}

	// Lines the database finds invalid are refused with PostGIS's reason, naming the openings.
	bad := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 7, Name: "8F", Openings: orb.MultiLineString{{{1, 1}, {1, 1}}}}
	err = s.CreateFloorUnchecked(f.ctx, &bad)
	if !errors.Is(err, geo.ErrInvalid) || !strings.Contains(err.Error(), "openings") || !strings.Contains(err.Error(), "Too few points") {
		t.Errorf("a floor with an opening of one position, unchecked: %v, want geo.ErrInvalid naming the openings with PostGIS's reason", err)
	}
}
