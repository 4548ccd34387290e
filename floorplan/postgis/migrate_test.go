package postgis_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
	"officemap/migrations"
)

// appliedVersions returns schema_migrations' versions in order.
func appliedVersions(t *testing.T, p *pgxpool.Pool) []int {
	t.Helper()
	rows, err := p.Query(context.Background(), `SELECT version FROM schema_migrations ORDER BY version`)
	must(t, err)
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	must(t, err)
	return vs
}

// shippedVersions are the versions of the embedded migration files.
func shippedVersions(t *testing.T) []int {
	t.Helper()
	entries, err := fs.ReadDir(migrations.FS, ".")
	must(t, err)
	var vs []int
	for _, e := range entries {
		var v int
		for _, c := range e.Name() {
			if c < '0' || c > '9' {
				break
			}
			v = v*10 + int(c-'0')
		}
		vs = append(vs, v)
	}
	return vs
}

func tableExists(t *testing.T, p *pgxpool.Pool, name string) bool {
	t.Helper()
	var ok bool
	must(t, p.QueryRow(context.Background(), `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&ok))
	return ok
}

func TestMigrateFromEmptyAndAgain(t *testing.T) {
	ctx := context.Background()
	p := poolOn(t, pgtest.NewEmptyDB(t))
	must(t, postgis.Migrate(ctx, p))
	for _, table := range []string{"sites", "buildings", "floors", "rooms", "agencies", "people", "posts",
		"assignments", "standard_rows", "history", "schema_migrations"} {
		if !tableExists(t, p, table) {
			t.Errorf("table %s missing after Migrate", table)
		}
	}
	want := shippedVersions(t)
	if got := appliedVersions(t, p); !slices.Equal(got, want) {
		t.Fatalf("applied %v, want %v", got, want)
	}
	var before string
	must(t, p.QueryRow(ctx, `SELECT string_agg(version || '@' || applied_at, ',') FROM schema_migrations`).Scan(&before))

	// Current: a no-op.
	must(t, postgis.Migrate(ctx, p))
	var after string
	must(t, p.QueryRow(ctx, `SELECT string_agg(version || '@' || applied_at, ',') FROM schema_migrations`).Scan(&after))
	if before != after {
		t.Errorf("second Migrate changed schema_migrations: %s → %s", before, after)
	}
}

func TestMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	p := poolOn(t, pgtest.NewEmptyDB(t))
	const n = 6
	errs := storetest.RaceN(n, func(int) error { return postgis.Migrate(ctx, p) })
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate %d: %v", i, err)
		}
	}
	if got, want := appliedVersions(t, p), shippedVersions(t); !slices.Equal(got, want) {
		t.Fatalf("applied %v, want %v", got, want)
	}
}

func TestMigrateFailureKeepsSchema(t *testing.T) {
	ctx := context.Background()
	p := poolOn(t, pgtest.NewEmptyDB(t))
	fsys := fstest.MapFS{}
	entries, err := fs.ReadDir(migrations.FS, ".")
	must(t, err)
	for _, e := range entries {
		b, err := fs.ReadFile(migrations.FS, e.Name())
		must(t, err)
		fsys[e.Name()] = &fstest.MapFile{Data: b}
	}
	fsys["9999_broken.sql"] = &fstest.MapFile{Data: []byte(`
CREATE TABLE must_not_exist (id integer);
ALTER TABLE rooms ADD COLUMN must_not_exist integer;
SELECT * FROM no_such_table;`)}

	err = postgis.MigrateFS(ctx, p, fsys)
	if err == nil || !strings.Contains(err.Error(), "9999_broken.sql") {
		t.Fatalf("MigrateFS with a broken file: %v, want an error naming 9999_broken.sql", err)
	}
	if tableExists(t, p, "must_not_exist") {
		t.Error("the broken migration's table exists")
	}
	var cols int
	must(t, p.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns
		WHERE table_name = 'rooms' AND column_name = 'must_not_exist'`).Scan(&cols))
	if cols != 0 {
		t.Error("the broken migration's column exists")
	}
	if got, want := appliedVersions(t, p), shippedVersions(t); !slices.Equal(got, want) {
		t.Fatalf("applied %v, want the good ones %v", got, want)
	}
	// The previous schema works, and the real migrations are current.
	must(t, postgis.Migrate(ctx, p))
	s := postgis.New(p)
	f := newFixture(t, s)
	f.room(t, 0, "101", rect(0, 0, 4, 6))
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	ctx := context.Background()
	p := poolOn(t, pgtest.NewEmptyDB(t))
	must(t, postgis.Migrate(ctx, p))
	_, err := p.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (99999, '99999_future.sql')`)
	must(t, err)
	if err := postgis.Migrate(ctx, p); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Migrate on a newer database: %v, want an error", err)
	}
}

// TestMigrate0036: after 0036_floor_outline_statistics, ANALYZE gathers no statistics of floors.outline (the
// local outlines, stacked over one another around each building's origin, made it the slowest column of a
// bulk load's ANALYZE) and still gathers those of outline_ll, which the spatial index serves; no row changes.
func TestMigrate0036(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	p, rows, history := roomBeforeMigration(t, ctx, 36)
	_, err := p.Exec(ctx, `UPDATE floors SET outline = 'POLYGON((0 0,40 0,40 20,0 20,0 0))',
		outline_ll = 'SRID=4326;POLYGON((119.974 31.811,119.9744 31.811,119.9744 31.8112,119.974 31.8112,119.974 31.811))',
		version = version + 1
		WHERE id = $1`, rows.floor)
	must(t, err)
	_, err = p.Exec(ctx, `ANALYZE floors`)
	must(t, err)
	var stats []string
	must(t, p.QueryRow(ctx, `SELECT coalesce(array_agg(attname::text ORDER BY attname), '{}') FROM pg_stats
		WHERE schemaname = current_schema() AND tablename = 'floors' AND attname IN ('outline', 'outline_ll')`).Scan(&stats))
	if !slices.Equal(stats, []string{"outline_ll"}) {
		t.Errorf("statistics of floors' outlines after ANALYZE: %v, want [outline_ll] only", stats)
	}
	var after int
	must(t, p.QueryRow(ctx, `SELECT count(*) FROM history`).Scan(&after))
	if after != history+1 { // the UPDATE above, recorded by its trigger
		t.Errorf("history: %d records, want %d (the migration's none and the test's update)", after, history+1)
	}
}

// TestMigrate0037: after 0037_floor_insert_images a floor's insert is recorded per statement without a stored
// image, and History gives it the image the row trigger stored before: the same keys and values as a floor
// inserted before the migration (but for its id, name and creation time), the derived lon/lat geometry left
// out; once the floor is updated, its insert's image is still the floor as inserted. The history written before
// the migration is left as it is, and a bulk load's floors get one insert record each.
func TestMigrate0037(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	p := poolOn(t, pgtest.NewEmptyDB(t))
	must(t, postgis.MigrateFS(ctx, p, migrationsBefore(t, 37)))
	site, building, before := uuid.New(), uuid.New(), uuid.New()
	const floorSQL = `
INSERT INTO floors (id, building_id, ordinal, name, elevation, outline, outline_ll, openings, openings_ll)
VALUES ($1, $2, 2, $3, 7.5, 'POLYGON((0 0,40 0,40 12,0 12,0 0))',
        'SRID=4326;POLYGON((119.974 31.811,119.9744 31.811,119.9744 31.8111,119.974 31.8111,119.974 31.811))',
        'MULTILINESTRING((10 0,11 0))', 'SRID=4326;MULTILINESTRING((119.9741 31.811,119.97411 31.811))')`
	for _, q := range []struct {
		sql  string
		args []any
	}{{v9Site, []any{site}}, {v9Building, []any{building, site}}, {floorSQL, []any{before, building, "2F"}}} {
		if _, err := p.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	var stored string
	must(t, p.QueryRow(ctx, `SELECT new::text FROM history WHERE entity_id = $1`, before).Scan(&stored))
	history := migrateAll(t, ctx, p)

	after := uuid.New()
	_, err := p.Exec(ctx, floorSQL, after, building, "2M")
	must(t, err)
	var kept string
	var storedNew *string
	must(t, p.QueryRow(ctx, `SELECT (SELECT new::text FROM history WHERE entity_id = $1),
		(SELECT new::text FROM history WHERE entity_id = $2)`, before, after).Scan(&kept, &storedNew))
	if kept != stored || storedNew != nil {
		t.Errorf("history images stored: before the migration %s (was %s), after it %v (want none)", kept, stored, storedNew)
	}
	s := postgis.New(p)
	image := func(id uuid.UUID) map[string]any {
		t.Helper()
		h, err := s.History(ctx, floorplan.EntityFloor, id)
		must(t, err)
		if len(h) == 0 || h[0].Op != "insert" || h[0].Effective.Format(time.DateOnly) != "0001-01-01" {
			t.Fatalf("floor %s: history %+v, want an insert effective from 0001-01-01 first", id, h)
		}
		var m map[string]any
		must(t, json.Unmarshal(h[0].New, &m))
		if _, ok := m["outline_ll"]; ok || m["outline"] == nil || m["openings"] == nil || m["id"] != id.String() {
			t.Errorf("floor %s: insert image %v; want its id, outline and openings, and no lon/lat copy", id, m)
		}
		delete(m, "id")
		delete(m, "name")
		delete(m, "created_at")
		return m
	}
	want := image(before)
	if got := image(after); !reflect.DeepEqual(got, want) {
		t.Errorf("insert image of a floor after 0037\n%v\nwant the row trigger's\n%v", got, want)
	}
	_, err = p.Exec(ctx, `UPDATE floors SET elevation = 9, version = version + 1 WHERE id = $1`, after)
	must(t, err)
	if got := image(after); !reflect.DeepEqual(got, want) {
		t.Errorf("insert image of a floor updated since\n%v\nwant the floor as inserted\n%v", got, want)
	}

	fl, err := s.Floor(ctx, after)
	must(t, err)
	bulk := []floorplan.Floor{{BuildingID: building, Ordinal: 3, Name: "3F", Outline: fl.Outline},
		{BuildingID: building, Ordinal: 4, Name: "4F", Outline: fl.Outline}}
	must(t, s.BulkInsertFloors(ctx, bulk))
	for _, f := range bulk {
		h, err := s.History(ctx, floorplan.EntityFloor, f.ID)
		must(t, err)
		if len(h) != 1 || h[0].Op != "insert" || h[0].Actor != "test" || !strings.Contains(string(h[0].New), `"name": "`+f.Name+`"`) {
			t.Errorf("bulk-loaded floor %s: history %+v, want one insert by the test with its image", f.Name, h)
		}
	}
	var n int
	must(t, p.QueryRow(ctx, `SELECT count(*) FROM history`).Scan(&n))
	if n != history+4 { // the floor inserted, its update, the two loaded
		t.Errorf("history: %d records, want %d", n, history+4)
	}
}

// TestMigrate0039: the statement triggers of 0039_statement_checks_once do per statement what they did per row,
// with the same outcome: a statement of many rows naming one agency again and again passes, one naming an
// agency that does not exist among others that do is refused with the foreign key's error naming the missing
// key, and every inserted row gets its history record with the statement's actor and reason (the session's
// user and none when the session sets neither).
func TestMigrate0039(t *testing.T) {
	ctx := context.Background()
	p := poolOn(t, pgtest.NewDB(t))
	agency, unknown := uuid.New(), uuid.New()
	if _, err := p.Exec(ctx, `INSERT INTO agencies (id, name, level) VALUES ($1, '机关事务管理局', 'municipal')`, agency); err != nil {
		t.Fatal(err)
	}
	const people = `INSERT INTO people (id, name, agency_id, rank) VALUES ($1, '张三', $3, 'staff'), ($2, '李四', $4, 'staff')`
	a, b := uuid.New(), uuid.New()
	tx, err := p.Begin(ctx)
	must(t, err)
	defer tx.Rollback(ctx) //nolint:errcheck
	_, err = tx.Exec(ctx, `SELECT set_config('officemap.actor', '王五', true), set_config('officemap.reason', '编制调整', true)`)
	must(t, err)
	_, err = tx.Exec(ctx, people, a, b, agency, agency)
	must(t, err)
	must(t, tx.Commit(ctx))
	c, d := uuid.New(), uuid.New()
	_, err = p.Exec(ctx, people, c, d, agency, nil)
	must(t, err)
	var user string
	must(t, p.QueryRow(ctx, `SELECT session_user`).Scan(&user))
	for _, want := range []struct {
		id            uuid.UUID
		actor, reason string
	}{{a, "王五", "编制调整"}, {b, "王五", "编制调整"}, {c, "db:" + user, ""}, {d, "db:" + user, ""}} {
		var actor, reason, op string
		must(t, p.QueryRow(ctx, `SELECT actor, reason, op FROM history WHERE entity_id = $1`, want.id).Scan(&actor, &reason, &op))
		if actor != want.actor || reason != want.reason || op != "insert" {
			t.Errorf("history of person %s: %s by %q for %q, want an insert by %q for %q", want.id, op, actor, reason,
				want.actor, want.reason)
		}
	}

	_, err = p.Exec(ctx, people, uuid.New(), uuid.New(), agency, unknown)
	var pe *pgconn.PgError
	detail := fmt.Sprintf(`Key (agency_id)=(%s) is not present in table "agencies".`, unknown)
	if !errors.As(err, &pe) || pe.Code != "23503" || pe.ConstraintName != "people_agency_id_fkey" || pe.Detail != detail {
		t.Errorf("people naming an unknown agency: %v, want the foreign key's error with DETAIL %q", err, detail)
	}
	var n int
	must(t, p.QueryRow(ctx, `SELECT count(*) FROM people`).Scan(&n))
	if n != 4 {
		t.Errorf("%d people after the refusal, want the 4 before it", n)
	}
}

// TestMigrate0040: after 0040_room_states_json a state stored before it reads back with the same occupants, the
// column is json, the database still refuses occupants that are not an array, and states written after it
// read back as written.
func TestMigrate0040(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	p := poolOn(t, pgtest.NewEmptyDB(t))
	must(t, postgis.MigrateFS(ctx, p, migrationsBefore(t, 40)))
	site, building, floor, room := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	for _, q := range []struct {
		sql  string
		args []any
	}{{v9Site, []any{site}}, {v9Building, []any{building, site}}, {v9Floor, []any{floor, building}}, {v9Room, []any{room, floor}},
		{`INSERT INTO room_states (room_id, status, per_person_m2, standard_m2, occupants, as_of)
VALUES ($1, 'over_standard', 30, 18, '[{"name": "张三", "rank": "division", "share_m2": 30, "person_id": "0b0ba0b3-1f5e-4d1c-9a52-7d0b1f3c2e11"}]'::jsonb, '2026-12-01')`, []any{room}}} {
		if _, err := p.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	migrateAll(t, ctx, p)
	var typ string
	must(t, p.QueryRow(ctx, `SELECT data_type FROM information_schema.columns
 WHERE table_name = 'room_states' AND column_name = 'occupants'`).Scan(&typ))
	if typ != "json" {
		t.Errorf("room_states.occupants is %s, want json", typ)
	}
	s := postgis.New(p)
	got, err := s.RoomStates(ctx, []uuid.UUID{room})
	must(t, err)
	if len(got) != 1 || len(got[0].Occupants) != 1 || got[0].Occupants[0].Name != "张三" ||
		got[0].Occupants[0].ShareM2 != 30 || got[0].Status != floorplan.StatusOverStandard {
		t.Errorf("the state stored before 0040 reads back as %+v", got)
	}
	if _, err := p.Exec(ctx, `UPDATE room_states SET occupants = '{}' WHERE room_id = $1`, room); err == nil {
		t.Error("occupants that are not an array were stored")
	}
	st := got[0]
	st.Occupants[0].Name, st.PerPersonM2 = "李四", 12
	must(t, s.PutRoomStates(ctx, []floorplan.StoredStatus{st}))
	again, err := s.RoomStates(ctx, []uuid.UUID{room})
	must(t, err)
	if len(again) != 1 || !reflect.DeepEqual(again[0].Occupants, st.Occupants) || again[0].PerPersonM2 != 12 {
		t.Errorf("a state written after 0040 reads back as %+v, want %+v", again, st)
	}
}
