package gpkg_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	_ "modernc.org/sqlite" // the "sqlite" driver, to look at files as other tools do

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/synth"
	"officemap/geo"
	"officemap/geo/geotest"
)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// rect is geotest.Rect: the closed counter-clockwise rectangle with corners (x0, y0) and (x1, y1).
func rect(x0, y0, x1, y1 float64) orb.Polygon { return geotest.Rect(x0, y0, x1, y1) }

// register is a small register written through the Store: a site, a building, two floors, rooms.
type register struct {
	site     floorplan.Site
	building floorplan.Building
	floors   []floorplan.Floor
	rooms    []floorplan.Room
}

func fill(t testing.TB, s floorplan.Store) *register {
	t.Helper()
	ctx := floorplan.WithActor(context.Background(), "test")
	r := &register{}
	r.site = floorplan.Site{Name: "市级机关第一办公区", Category: "office.party_government", Ownership: floorplan.OwnershipRegistered}
	must(t, s.CreateSite(ctx, &r.site))
	r.building = floorplan.Building{SiteID: r.site.ID, Name: "综合楼", Footprint: rect(0, 0, 40, 12),
		Georef: geo.Georef{Origin: orb.Point{119.974, 31.811}, RotationDeg: 20, Scale: 1}}
	must(t, s.CreateBuilding(ctx, &r.building))
	for ord := 0; ord < 2; ord++ {
		f := floorplan.Floor{BuildingID: r.building.ID, Ordinal: ord, Name: fmt.Sprintf("%dF", ord+1), Outline: rect(0, 0, 40, 12)}
		must(t, s.CreateFloor(ctx, &f))
		r.floors = append(r.floors, f)
		for i := 0; i < 5; i++ {
			room := floorplan.Room{FloorID: f.ID, Number: fmt.Sprintf("%d%02d", ord+1, i+1), Usage: floorplan.UsageOffice,
				Geometry: rect(float64(8*i), 0, float64(8*i+8), 5)}
			must(t, s.CreateRoom(ctx, &room))
			r.rooms = append(r.rooms, room)
		}
	}
	return r
}

// rawDB opens the file with the plain driver, as another tool would (without the store's functions).
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	must(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// queryStrings returns the rows of a query of one text column.
func queryStrings(t testing.TB, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(query, args...)
	must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		must(t, rows.Scan(&s))
		out = append(out, s)
	}
	must(t, rows.Err())
	return out
}

func openFile(t testing.TB, path string) *gpkg.Store {
	t.Helper()
	s, err := gpkg.Open(context.Background(), path)
	must(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestGeoPackageLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "layout.gpkg")
	s := openFile(t, path)
	reg := fill(t, s)
	ctx := context.Background()
	must(t, s.DeleteRoom(ctx, reg.rooms[0].ID, reg.rooms[0].Version))
	db := rawDB(t, path)

	var appID, userVersion int64
	must(t, db.QueryRow(`PRAGMA application_id`).Scan(&appID))
	must(t, db.QueryRow(`PRAGMA user_version`).Scan(&userVersion))
	if appID != 0x47504B47 || userVersion != 10300 {
		t.Errorf("application_id %#x, user_version %d; want 0x47504B47 ('GPKG') and 10300", appID, userVersion)
	}
	var mode string
	must(t, db.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	if mode != "wal" {
		t.Errorf("journal_mode %q, want wal", mode)
	}

	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"spatial reference systems", `SELECT srs_id || ' ' || organization || ' ' || organization_coordsys_id FROM gpkg_spatial_ref_sys ORDER BY srs_id`,
			[]string{"-1 NONE -1", "0 NONE 0", "4326 EPSG 4326", "99999 officemap 99999"}},
		{"feature contents", `SELECT table_name || ' ' || srs_id FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name`,
			[]string{"buildings 4326", "floors 4326", "rooms 4326", "sites 4326"}},
		{"attribute contents", `SELECT table_name FROM gpkg_contents WHERE data_type = 'attributes' ORDER BY table_name`,
			[]string{"agencies", "api_tokens", "applications", "assignments", "audit_head", "audit_log", "certificates", "document_blob_parts", "document_blobs",
				"documents", "filing_steps", "history", "inspection_items", "inspections", "jurisdictions", "leads", "ledger_entries", "notice_deliveries", "notice_reads", "notices", "officemap_schema", "part_counters", "part_results", "people",
				"posts", "registration_changes", "room_states", "room_states_day", "sessions", "standard_rows", "timeline_events", "users"}},
		{"geometry columns", `SELECT table_name || '.' || column_name || ' ' || geometry_type_name || ' ' || srs_id || ' ' || z || m FROM gpkg_geometry_columns ORDER BY table_name`,
			[]string{"buildings.geom POLYGON 4326 00", "floors.geom POLYGON 4326 00", "rooms.geom POLYGON 4326 00", "sites.geom POLYGON 4326 00"}},
		{"spatial index extension", `SELECT table_name || '.' || column_name || ' ' || scope FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index' ORDER BY table_name`,
			[]string{"buildings.geom write-only", "floors.geom write-only", "rooms.geom write-only", "sites.geom write-only"}},
		{"R-tree triggers of rooms", `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'rooms_all' AND name LIKE 'rtree_%' ORDER BY name`,
			[]string{"rtree_rooms_geom_delete", "rtree_rooms_geom_insert", "rtree_rooms_geom_update1", "rtree_rooms_geom_update2",
				"rtree_rooms_geom_update3", "rtree_rooms_geom_update4"}},
		{"integrity", `PRAGMA integrity_check`, []string{"ok"}},
		{"foreign keys", `SELECT "table" FROM pragma_foreign_key_check`, nil},
		// Every feature table's geometry column is declared with its geometry type, and every table in
		// gpkg_contents has an integer primary key (GDAL's FID).
		{"declared geometry types", `SELECT m.name FROM gpkg_geometry_columns g JOIN sqlite_master m ON m.name = g.table_name
  JOIN pragma_table_info(m.name) c ON c.name = g.column_name WHERE c.type = 'POLYGON' ORDER BY m.name`,
			[]string{"buildings", "floors", "rooms", "sites"}},
		{"integer primary keys", `SELECT g.table_name FROM gpkg_contents g JOIN pragma_table_info(g.table_name) c
  ON c.pk = 1 AND c.type = 'INTEGER' AND c.name = 'fid' ORDER BY g.table_name`,
			[]string{"agencies", "api_tokens", "applications", "assignments", "audit_head", "audit_log", "certificates", "document_blob_parts", "document_blobs",
				"documents", "filing_steps", "history", "inspection_items", "inspections", "jurisdictions", "leads", "ledger_entries", "notice_deliveries", "notice_reads", "notices", "officemap_schema", "part_counters", "part_results", "people",
				"posts", "registration_changes", "room_states", "room_states_day", "sessions", "standard_rows", "timeline_events", "users"}},
		// The layers are views of the live rows of the tables <layer>_all, whose first column is the tables'
		// integer primary key (GDAL's FID); the tables themselves are no layers.
		{"layers", `SELECT g.table_name || ' ' || m.type || ' ' || c.name || ' ' || c.type FROM gpkg_contents g
  JOIN sqlite_master m ON m.name = g.table_name JOIN pragma_table_info(g.table_name) c ON c.cid = 0
 WHERE g.data_type = 'features' ORDER BY g.table_name`,
			[]string{"buildings view fid INTEGER", "floors view fid INTEGER", "rooms view fid INTEGER", "sites view fid INTEGER"}},
		{"tables of the layers", `SELECT m.name || ' ' || (SELECT count(*) FROM gpkg_contents g WHERE g.table_name = m.name) FROM sqlite_master m
 WHERE m.type = 'table' AND m.name LIKE '%\_all' ESCAPE '\' ORDER BY m.name`,
			[]string{"buildings_all 0", "floors_all 0", "rooms_all 0", "sites_all 0"}},
		{"layer columns", `SELECT group_concat(name, ' ') FROM pragma_table_info('rooms')`,
			[]string{"fid geom id floor_id number name usage agency_id state idle_since local_geom area_m2 source_id version created_at valid_from source_category recorded_area_m2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := queryStrings(t, db, tc.query); !slices.Equal(got, tc.want) {
				t.Errorf("%s = %q, want %q", tc.query, got, tc.want)
			}
		})
	}

	// The layer and its R-tree hold exactly the live rooms, with envelopes that contain their lon/lat
	// polygons.
	var live, layer, indexed, outside int
	must(t, db.QueryRow(`SELECT count(*) FROM rooms_all WHERE deleted_at IS NULL`).Scan(&live))
	must(t, db.QueryRow(`SELECT count(*) FROM rooms`).Scan(&layer))
	must(t, db.QueryRow(`SELECT count(*) FROM rtree_rooms_geom`).Scan(&indexed))
	if live != len(reg.rooms)-1 || layer != live || indexed != live {
		t.Errorf("%d live rooms, %d in the layer, %d in the R-tree; want %d in each", live, layer, indexed, len(reg.rooms)-1)
	}
	rows, err := db.Query(`SELECT r.geom, t.minx, t.maxx, t.miny, t.maxy FROM rooms r JOIN rtree_rooms_geom t ON t.id = r.fid`)
	must(t, err)
	for rows.Next() {
		var (
			blob                   []byte
			minx, maxx, miny, maxy float64
		)
		must(t, rows.Scan(&blob, &minx, &maxx, &miny, &maxy))
		p, err := gpkg.DecodePolygon(blob)
		must(t, err)
		b := p.Bound()
		if b.Min[0] < minx || b.Max[0] > maxx || b.Min[1] < miny || b.Max[1] > maxy {
			outside++
		}
	}
	must(t, rows.Err())
	rows.Close()
	if outside > 0 {
		t.Errorf("%d R-tree envelopes do not contain their polygons", outside)
	}
	var siteGeom []byte
	must(t, db.QueryRow(`SELECT geom FROM sites WHERE id = ?`, reg.site.ID.String()).Scan(&siteGeom))
	sp, err := gpkg.DecodePolygon(siteGeom)
	must(t, err)
	fb := reg.building.Georef.Frame().PolygonToLonLat(reg.building.Footprint).Bound()
	if sp.Bound() != fb {
		t.Errorf("the site's map geometry %v is not the extent of its building %v", sp.Bound(), fb)
	}
}

// historyRecords returns the number of records in the history of the register at path.
func historyRecords(t *testing.T, path string) int {
	t.Helper()
	db := rawDB(t, path)
	defer db.Close()
	var n int
	must(t, db.QueryRow(`SELECT count(*) FROM history`).Scan(&n))
	return n
}

func TestHistoryIsAppendOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.gpkg")
	s := openFile(t, path)
	fill(t, s)
	db := rawDB(t, path)
	before := historyRecords(t, path)
	if before == 0 {
		t.Fatal("no history was written")
	}
	for _, q := range []string{`UPDATE history SET actor = 'someone else'`, `DELETE FROM history`, `DELETE FROM history WHERE fid = 1`} {
		if _, err := db.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only refusal", q, err)
		}
	}
	after := historyRecords(t, path)
	actors := queryStrings(t, db, `SELECT DISTINCT actor FROM history`)
	if after != before || !slices.Equal(actors, []string{"test"}) {
		t.Errorf("history: %d rows by %v after the refused writes, want %d by [test]", after, actors, before)
	}
}

func TestRoomVersionMovesByOne(t *testing.T) {
	path := filepath.Join(t.TempDir(), "version.gpkg")
	s := openFile(t, path)
	reg := fill(t, s)
	db := rawDB(t, path)
	for _, q := range []string{`UPDATE rooms_all SET name = 'x' WHERE id = ?`, `UPDATE rooms_all SET version = version + 2 WHERE id = ?`} {
		if _, err := db.Exec(q, reg.rooms[1].ID.String()); err == nil {
			t.Errorf("%s: accepted, want the version rule to refuse it", q)
		}
	}
}

func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reopen.gpkg")
	s, err := gpkg.Open(context.Background(), path)
	must(t, err)
	reg := fill(t, s)
	must(t, s.Close())
	s = openFile(t, path)
	got, err := s.Rooms(context.Background(), floorplan.RoomFilter{BuildingID: reg.building.ID})
	must(t, err)
	if len(got) != len(reg.rooms) {
		t.Errorf("after reopening: %d rooms, want %d", len(got), len(reg.rooms))
	}
	must(t, s.Ping(context.Background()))
}

func TestOpenRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.sqlite")
	db := rawDB(t, plain)
	_, err := db.Exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`)
	must(t, err)
	db.Close()
	if _, err := gpkg.Open(context.Background(), plain); !errors.Is(err, gpkg.ErrNotOfficemap) {
		t.Errorf("Open of a plain SQLite file: %v, want ErrNotOfficemap", err)
	}
	text := filepath.Join(dir, "notes.txt")
	must(t, os.WriteFile(text, []byte("这不是数据库，只是一段足够长的文字，让 SQLite 读它的文件头。"+strings.Repeat("x", 200)), 0o644))
	if s, err := gpkg.Open(context.Background(), text); err == nil {
		s.Close()
		t.Error("Open of a text file succeeded")
	}
	if _, err := gpkg.Open(context.Background(), filepath.Join(dir, "no", "such", "dir", "x.gpkg")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
	empty := filepath.Join(dir, "empty.gpkg")
	must(t, os.WriteFile(empty, nil, 0o644))
	s := openFile(t, empty) // an empty file becomes a register
	must(t, s.Ping(context.Background()))
}

// lookOgrinfo returns the path of GDAL's ogrinfo, an independent reader of GeoPackages. Without it the
// test is skipped, except on CI, which must have it.
func lookOgrinfo(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogrinfo is not installed: CI must install gdal-bin (.ci/run does)")
		}
		t.Skip("ogrinfo is not installed (apt-get install gdal-bin); CI runs this test")
	}
	return path
}

// ogrinfo returns a function that runs ogrinfo (lookOgrinfo) with args and returns what it writes to
// stdout; it fails the test if ogrinfo fails or if refused says no to what it writes to stderr.
func ogrinfo(t *testing.T, refused func(stderr string) bool) func(args ...string) string {
	t.Helper()
	bin := lookOgrinfo(t)
	return func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || refused(stderr.String()) {
			t.Fatalf("ogrinfo %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
		}
		return string(out)
	}
}

// TestOgrinfo checks the file with GDAL, an independent reader of GeoPackages: it must open it without a
// word on stderr (not even "bad application_id"), list the layers with their geometry type and SRS, and
// read the live rooms only, with their state, also while the store has it open. Room 101 has been deleted
// and replaced, and a third floor deleted.
func TestOgrinfo(t *testing.T) {
	run := ogrinfo(t, func(stderr string) bool { return stderr != "" })
	path := filepath.Join(t.TempDir(), "ogr.gpkg")
	s := openFile(t, path)
	reg := fill(t, s)
	gone := replaceRoom(t, s, reg)
	check := func(when string) {
		out := run("-so", path)
		for _, want := range []string{"using driver `GPKG' successful", "sites (Polygon)", "buildings (Polygon)",
			"floors (Polygon)", "rooms (Polygon)", "agencies (None)", "people (None)", "assignments (None)", "history (None)"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: ogrinfo -so does not list %q:\n%s", when, want, out)
			}
		}
		if strings.Contains(out, "_all") {
			t.Errorf("%s: ogrinfo -so lists the tables behind the layers:\n%s", when, out)
		}
		out = run("-so", path, "rooms")
		for _, want := range []string{"Geometry: Polygon", fmt.Sprintf("Feature Count: %d", len(reg.rooms)), `ID["EPSG",4326]`,
			"Geometry Column = geom", "FID Column = fid", "state: String", "local_geom: Binary", "created_at: DateTime"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: ogrinfo -so rooms lacks %q:\n%s", when, want, out)
			}
		}
		if strings.Contains(out, "deleted_at") {
			t.Errorf("%s: the rooms layer has a deleted_at field:\n%s", when, out)
		}
		if out := run("-so", path, "floors"); !strings.Contains(out, fmt.Sprintf("Feature Count: %d", len(reg.floors))) {
			t.Errorf("%s: the floors layer does not have the %d live floors:\n%s", when, len(reg.floors), out)
		}
		out = run(path, "rooms")
		if n := strings.Count(out, "OGRFeature(rooms)"); n != len(reg.rooms) {
			t.Errorf("%s: ogrinfo read %d room features, want %d", when, n, len(reg.rooms))
		}
		for _, r := range reg.rooms {
			if !strings.Contains(out, "id (String) = "+r.ID.String()) || !strings.Contains(out, "number (String) = "+r.Number) {
				t.Errorf("%s: ogrinfo does not show room %s (%s)", when, r.Number, r.ID)
			}
		}
		if strings.Contains(out, gone.ID.String()) {
			t.Errorf("%s: ogrinfo shows the deleted room %s", when, gone.ID)
		}
		if n := strings.Count(out, "state (String) = in_use"); n != len(reg.rooms) {
			t.Errorf("%s: ogrinfo shows the state in_use of %d rooms, want %d", when, n, len(reg.rooms))
		}
		if !strings.Contains(out, "POLYGON ((119.97") {
			t.Errorf("%s: ogrinfo shows no lon/lat polygons:\n%.2000s", when, out)
		}
		// GDAL's spatial filter goes through the R-tree: a window over the first room finds rooms of both
		// floors there, the replacement of 101 and 201.
		b := reg.building.Georef.Frame().BoundToLonLat(orb.Bound{Min: orb.Point{3, 2}, Max: orb.Point{4, 3}})
		out = run("-q", path, "rooms", "-spat", fmt.Sprint(b.Min[0]), fmt.Sprint(b.Min[1]), fmt.Sprint(b.Max[0]), fmt.Sprint(b.Max[1]))
		if n := strings.Count(out, "OGRFeature(rooms)"); n != 2 {
			t.Errorf("%s: ogrinfo -spat over room 101 found %d rooms, want 2 (101 and 201)", when, n)
		}
	}
	check("while open")
	must(t, s.Close())
	check("after Close")
}

func TestBulkInsert(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "gen")
	s := openFile(t, filepath.Join(t.TempDir(), "bulk.gpkg"))
	d := synth.Generate(synth.Config{Seed: 7, Buildings: 2, Floors: 3, RoomsPerFloor: 12})
	must(t, d.Load(ctx, floorplan.NewRegister(s)))
	rooms, err := s.Rooms(ctx, floorplan.RoomFilter{})
	must(t, err)
	people, err := s.People(ctx, floorplan.PersonFilter{})
	must(t, err)
	as, err := s.Assignments(ctx, floorplan.AssignmentFilter{})
	must(t, err)
	if len(rooms) != len(d.Rooms) || len(people) != len(d.People) || len(as) != len(d.Assignments) {
		t.Errorf("loaded %d rooms, %d people, %d assignments; want %d, %d, %d",
			len(rooms), len(people), len(as), len(d.Rooms), len(d.People), len(d.Assignments))
	}
	for _, r := range d.Rooms[:3] {
		if r.Version != 1 || r.CreatedAt.IsZero() {
			t.Errorf("room %s after BulkInsertRooms: version %d, created %v", r.Number, r.Version, r.CreatedAt)
		}
		h, err := s.History(ctx, floorplan.EntityRoom, r.ID)
		must(t, err)
		if len(h) != 1 || h[0].Op != "insert" || h[0].Actor != "gen" {
			t.Errorf("room %s history after a bulk load: %+v", r.Number, h)
		}
	}
	withPosts := slices.IndexFunc(d.People, func(p floorplan.Person) bool { return len(p.Posts) > 0 })
	if withPosts >= 0 {
		p, err := s.Person(ctx, d.People[withPosts].ID)
		must(t, err)
		if len(p.Posts) != len(d.People[withPosts].Posts) || p.Posts[0].ID != d.People[withPosts].Posts[0].ID {
			t.Errorf("bulk-loaded posts %+v, want %+v", p.Posts, d.People[withPosts].Posts)
		}
	}

	floor := d.Floors[0]
	before := len(rooms)
	for _, tc := range []struct {
		name  string
		batch []floorplan.Room
	}{
		{"over a room already there", []floorplan.Room{
			{FloorID: floor.ID, Number: "X1", Usage: floorplan.UsageOffice, Geometry: d.Rooms[0].Geometry},
		}},
		{"two rooms of the batch overlap", []floorplan.Room{
			{FloorID: floor.ID, Number: "X2", Usage: floorplan.UsageOffice, Geometry: rect(1000, 0, 1006, 5)},
			{FloorID: floor.ID, Number: "X3", Usage: floorplan.UsageOffice, Geometry: rect(1003, 0, 1009, 5)},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var oe *floorplan.OverlapError
			if err := s.BulkInsertRooms(ctx, tc.batch); !errors.As(err, &oe) {
				t.Errorf("BulkInsertRooms: %v, want an *OverlapError", err)
			}
		})
	}
	bad := []floorplan.Room{{FloorID: floor.ID, Number: "X4", Usage: floorplan.UsageOffice, Geometry: rect(2000, 0, 2006, 5)},
		{FloorID: floor.ID, Number: "X5", Usage: floorplan.UsageOffice, Geometry: orb.Polygon{{{0, 0}, {4, 4}, {4, 0}, {0, 4}, {0, 0}}}}}
	if err := s.BulkInsertRooms(ctx, bad); !errors.Is(err, geo.ErrInvalid) || !strings.Contains(err.Error(), "room 2 (X5)") {
		t.Errorf("BulkInsertRooms with an invalid room: %v, want geo.ErrInvalid naming room 2 (X5)", err)
	}
	rooms, err = s.Rooms(ctx, floorplan.RoomFilter{})
	must(t, err)
	if len(rooms) != before {
		t.Errorf("refused batches left %d rooms behind", len(rooms)-before)
	}
}

// TestManyGoroutines has 20 goroutines write and read at once, half of them through InTx: none may see
// "database is locked" (or any other error).
func TestManyGoroutines(t *testing.T) {
	s := openFile(t, filepath.Join(t.TempDir(), "busy.gpkg"))
	reg := fill(t, s)
	ctx := floorplan.WithActor(context.Background(), "test")
	agency := floorplan.Agency{Name: "常州市机关事务管理局", Level: floorplan.LevelMunicipal}
	must(t, s.CreateAgency(ctx, &agency))
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for w := 0; w < 20; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				var err error
				switch w % 4 {
				case 0:
					r := floorplan.Room{FloorID: reg.floors[w%2].ID, Number: fmt.Sprintf("W%d-%d", w, i), Usage: floorplan.UsageOffice,
						Geometry: rect(float64(100+10*w), float64(10*i), float64(106+10*w), float64(10*i+5))}
					err = s.CreateRoom(ctx, &r)
				case 1:
					err = s.InTx(ctx, func(tx floorplan.Store) error {
						p := floorplan.Person{Name: fmt.Sprintf("员工%d-%d", w, i), AgencyID: agency.ID, Rank: floorplan.RankStaff}
						return tx.CreatePerson(ctx, &p)
					})
				case 2:
					_, err = s.Snapshot(ctx, floorplan.DayOf(reg.rooms[0].CreatedAt))
				case 3:
					_, err = s.Features(ctx, floorplan.LayerRooms, orb.Bound{Min: orb.Point{119, 31}, Max: orb.Point{121, 33}}, floorplan.FeatureFilter{})
				}
				if err != nil {
					errs <- fmt.Errorf("goroutine %d, step %d: %w", w, i, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestClosedStoreIsUnavailable(t *testing.T) {
	s, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "closed.gpkg"))
	must(t, err)
	reg := fill(t, s)
	must(t, s.Close())
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"Ping", s.Ping(ctx)},
		{"Room", func() error { _, err := s.Room(ctx, reg.rooms[0].ID); return err }()},
		{"CreateSite", s.CreateSite(ctx, &floorplan.Site{Name: "晚到", Category: "office.other", Ownership: floorplan.OwnershipRegistered})},
	} {
		if !errors.Is(tc.err, floorplan.ErrUnavailable) {
			t.Errorf("%s on a closed store: %v, want ErrUnavailable", tc.name, tc.err)
		}
	}
}

func TestCancelledContext(t *testing.T) {
	s := openFile(t, filepath.Join(t.TempDir(), "cancel.gpkg"))
	reg := fill(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := reg.rooms[1]
	r.Name = "不该写入"
	if err := s.UpdateRoom(ctx, &r); !errors.Is(err, context.Canceled) {
		t.Errorf("UpdateRoom with a cancelled context: %v, want context.Canceled", err)
	}
	if _, err := s.Snapshot(ctx, reg.rooms[0].CreatedAt); !errors.Is(err, context.Canceled) {
		t.Errorf("Snapshot with a cancelled context: %v, want context.Canceled", err)
	}
	got, err := s.Room(context.Background(), r.ID)
	must(t, err)
	if got.Name != "" || got.Version != 1 {
		t.Errorf("the cancelled update was written: %+v", got)
	}
}

// validator is GDAL's GeoPackage validator (Debian's python3-gdal ships it as a sample).
const validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"

// TestValidateGPKG runs GDAL's GeoPackage validator, with its content checks (geometry blobs, SRS ids,
// R-trees) and warnings as errors, when it is installed.
func TestValidateGPKG(t *testing.T) {
	python := "/usr/bin/python3" // the interpreter python3-gdal is built for
	if _, err := os.Stat(validator); err != nil {
		t.Skipf("GDAL's validate_gpkg.py is not installed (apt-get install python3-gdal): %v", err)
	}
	if err := exec.Command(python, "-c", "from osgeo import ogr").Run(); err != nil {
		t.Skipf("%s cannot import GDAL's Python bindings: %v", python, err)
	}
	path := filepath.Join(t.TempDir(), "valid.gpkg")
	s, err := gpkg.Open(context.Background(), path)
	must(t, err)
	reg := fill(t, s)
	must(t, s.DeleteRoom(context.Background(), reg.rooms[0].ID, reg.rooms[0].Version))
	must(t, s.Close())
	out, err := exec.Command(python, validator, "--extra", "--warning-as-error", path).CombinedOutput()
	if err != nil {
		t.Errorf("validate_gpkg.py: %v\n%s", err, out)
	}
}

// TestAnalyze: Analyze leaves SQLite's statistics (sqlite_stat1) of the rooms' table and its indexes, which
// a file without them lacks, and the file still opens as a GeoPackage.
func TestAnalyze(t *testing.T) {
	path := filepath.Join(t.TempDir(), "analyze.gpkg")
	s := openFile(t, path)
	reg := fill(t, s)
	db := rawDB(t, path)
	stats := func() []string {
		if queryStrings(t, db, `SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'`) == nil {
			return nil
		}
		return queryStrings(t, db, `SELECT DISTINCT tbl FROM sqlite_stat1 ORDER BY tbl`)
	}
	if got := stats(); slices.Contains(got, "rooms_all") {
		t.Fatalf("statistics of %v before Analyze", got)
	}
	must(t, s.Analyze(context.Background()))
	if got := stats(); !slices.Contains(got, "rooms_all") {
		t.Errorf("statistics of %v after Analyze, want rooms_all among them", got)
	}
	must(t, s.Close())
	s = openFile(t, path)
	got, err := s.Rooms(context.Background(), floorplan.RoomFilter{BuildingID: reg.building.ID})
	must(t, err)
	if len(got) != len(reg.rooms) {
		t.Errorf("after Analyze and reopening: %d rooms, want %d", len(got), len(reg.rooms))
	}
}
