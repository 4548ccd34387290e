package gpkg_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/geo"
)

// v1Register is what writeV1 puts in a register of schema version 1.
type v1Register struct {
	site, metres, millimetres uuid.UUID // the site, a building in metres, a legacy building in millimetres
	renamed, gone, drawn      uuid.UUID // rooms: renamed on 2024-05-10, deleted on 2024-06-02 (CST), in millimetres
}

// Instants of the register of version 1, in UTC as the file keeps them. In CST (UTC+8) the first ones
// are on the next calendar day: the migration must fill days in the store's time zone.
const (
	v1Created = "2024-03-01T17:30:00.000Z" // 2024-03-02 01:30 CST
	v1Renamed = "2024-05-10T03:00:00.000Z" // 2024-05-10 11:00 CST
	v1Deleted = "2024-06-01T20:00:00.000Z" // 2024-06-02 04:00 CST
)

// writeV1 writes, with plain SQL, a small register of schema version 1 as the store of that version wrote
// it: rows and history rows without effective days, reasons or valid_from. With legacy, it also has a
// building whose local geometry is in millimetres (room 201), which the migration converts.
func writeV1(t *testing.T, path string, legacy, badHistory bool) v1Register {
	t.Helper()
	ctx := context.Background()
	db, err := gpkg.CreateV1(ctx, path)
	must(t, err)
	defer db.Close()
	reg := v1Register{site: uuid.New(), metres: uuid.New(), millimetres: uuid.New(), renamed: uuid.New(), gone: uuid.New(), drawn: uuid.New()}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	blob := func(p orb.Polygon, srs int32) []byte {
		t.Helper()
		b, err := gpkg.EncodeGeom(p, srs)
		must(t, err)
		return b
	}
	history := func(entity string, id uuid.UUID, op, at string, old, nw any) {
		t.Helper()
		img := func(v any) any {
			if v == nil {
				return nil
			}
			b, err := json.Marshal(v)
			must(t, err)
			return string(b)
		}
		exec(`INSERT INTO history (entity, entity_id, op, actor, at, old_value, new_value) VALUES (?, ?, ?, 'v1', ?, ?, ?)`,
			entity, id.String(), op, at, img(old), img(nw))
	}
	georef := geo.Georef{Origin: orb.Point{119.974, 31.811}, RotationDeg: 20, Scale: 1}
	frame := georef.Frame()

	exec(`INSERT INTO sites (id, name, category, ownership, created_at) VALUES (?, '第一办公区', 'office.party_government', 'registered', ?)`,
		reg.site.String(), v1Created)
	history("site", reg.site, "insert", v1Created, nil, map[string]any{"id": reg.site, "name": "第一办公区"})
	floors := map[uuid.UUID]uuid.UUID{}
	for _, b := range []struct {
		id     uuid.UUID
		scale  float64
		extent float64 // of the stored local geometry, in the building's units
	}{{reg.metres, 1, 40}, {reg.millimetres, 0.001, 40000}} {
		if b.scale != 1 && !legacy {
			continue
		}
		footprint := rect(0, 0, b.extent, b.extent/2)
		exec(`INSERT INTO buildings (geom, id, site_id, name, footprint, origin_lon, origin_lat, rotation_deg, scale, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, blob(frame.PolygonToLonLat(rect(0, 0, 40, 20)), gpkg.SRSLonLat), b.id.String(), reg.site.String(),
			fmt.Sprintf("楼%g", b.scale), blob(footprint, gpkg.SRSLocal), georef.Origin[0], georef.Origin[1], georef.RotationDeg, b.scale, v1Created)
		history("building", b.id, "insert", v1Created, nil, map[string]any{"id": b.id, "site_id": reg.site, "scale": b.scale,
			"footprint": geojson.NewGeometry(footprint), "created_at": v1Created, "deleted_at": nil})
		floor := uuid.New()
		floors[b.id] = floor
		exec(`INSERT INTO floors (id, building_id, ordinal, name, created_at) VALUES (?, ?, 0, '1F', ?)`, floor.String(), b.id.String(), v1Created)
		history("floor", floor, "insert", v1Created, nil, map[string]any{"id": floor, "building_id": b.id, "ordinal": 0})
	}

	room := func(id, floor uuid.UUID, number, name string, local orb.Polygon, area float64, version int64, deleted string) map[string]any {
		var del any
		if deleted != "" {
			del = deleted
		}
		return map[string]any{"id": id, "floor_id": floor, "number": number, "name": name, "usage": "office", "agency_id": nil,
			"state": "in_use", "idle_since": nil, "geom": geojson.NewGeometry(local), "area_m2": area, "source_id": "",
			"version": version, "created_at": v1Created, "deleted_at": del}
	}
	insertRoom := func(id, floor uuid.UUID, number, name string, local orb.Polygon, area float64, version int64, deleted string) {
		var ll, del any
		if deleted == "" {
			ll = blob(frame.PolygonToLonLat(local), gpkg.SRSLonLat)
		} else {
			del = deleted
		}
		exec(`INSERT INTO rooms (geom, id, floor_id, number, name, usage, local_geom, area_m2, version, created_at, deleted_at)
VALUES (?, ?, ?, ?, ?, 'office', ?, ?, ?, ?, ?)`, ll, id.String(), floor.String(), number, name, blob(local, gpkg.SRSLocal), area,
			version, v1Created, del)
	}
	insertRoom(reg.renamed, floors[reg.metres], "101", "处长办公室", rect(0, 0, 6, 5), 30, 2, "")
	history("room", reg.renamed, "insert", v1Created, nil, room(reg.renamed, floors[reg.metres], "101", "", rect(0, 0, 6, 5), 30, 1, ""))
	history("room", reg.renamed, "update", v1Renamed, room(reg.renamed, floors[reg.metres], "101", "", rect(0, 0, 6, 5), 30, 1, ""),
		room(reg.renamed, floors[reg.metres], "101", "处长办公室", rect(0, 0, 6, 5), 30, 2, ""))
	insertRoom(reg.gone, floors[reg.metres], "102", "", rect(6, 0, 12, 5), 30, 2, v1Deleted)
	history("room", reg.gone, "insert", v1Created, nil, room(reg.gone, floors[reg.metres], "102", "", rect(6, 0, 12, 5), 30, 1, ""))
	history("room", reg.gone, "delete", v1Deleted, room(reg.gone, floors[reg.metres], "102", "", rect(6, 0, 12, 5), 30, 1, ""),
		room(reg.gone, floors[reg.metres], "102", "", rect(6, 0, 12, 5), 30, 2, v1Deleted))
	if legacy {
		// A room of the millimetre building, kept in millimetres as version 1 did (its area in mm²).
		insertRoom(reg.drawn, floors[reg.millimetres], "201", "", rect(0, 0, 4000, 5000), 2e7, 1, "")
		history("room", reg.drawn, "insert", v1Created, nil, room(reg.drawn, floors[reg.millimetres], "201", "", rect(0, 0, 4000, 5000), 2e7, 1, ""))
	}
	if badHistory {
		exec(`INSERT INTO history (entity, entity_id, op, actor, at) VALUES ('room', ?, 'update', 'v1', 'yesterday')`, reg.renamed.String())
	}
	return reg
}

// fileState is what must not change when a register is opened again: the schema cookie (which every
// schema change moves on), and the rows.
func fileState(t *testing.T, path string) string {
	t.Helper()
	db := rawDB(t, path)
	defer db.Close()
	var cookie, history, maxFid, versions int64
	must(t, db.QueryRow(`PRAGMA schema_version`).Scan(&cookie))
	must(t, db.QueryRow(`SELECT count(*), coalesce(max(fid), 0) FROM history`).Scan(&history, &maxFid))
	rooms := "rooms" // a table up to schema version 5, the view of the live rows of rooms_all since
	must(t, db.QueryRow(`SELECT CASE WHEN count(*) > 0 THEN 'rooms_all' ELSE 'rooms' END FROM sqlite_master WHERE name = 'rooms_all'`).Scan(&rooms))
	must(t, db.QueryRow(`SELECT coalesce(sum(version), 0) FROM `+rooms).Scan(&versions))
	var areas float64
	must(t, db.QueryRow(`SELECT coalesce(sum(area_m2), 0) FROM `+rooms).Scan(&areas))
	return fmt.Sprintf("schema cookie %d, %d history rows (last %d), room versions %d, areas %g", cookie, history, maxFid, versions, areas)
}

// tableShape describes a table's columns (name, type, not null, default, primary key), its indexes and
// triggers, so that a migrated file can be compared with a new one.
func tableShape(t *testing.T, db *sql.DB, table string) []string {
	t.Helper()
	out := queryStrings(t, db, `SELECT 'column ' || name || ' ' || type || ' notnull=' || "notnull" ||
  ' default=' || coalesce(dflt_value, 'NULL') || ' pk=' || pk FROM pragma_table_info(?) ORDER BY cid`, table)
	out = append(out, queryStrings(t, db, `SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master
  WHERE tbl_name = ? AND type IN ('index', 'trigger') ORDER BY type, name`, table)...)
	contents := queryStrings(t, db, `SELECT data_type || ' ' || identifier || ' ' || description FROM gpkg_contents WHERE table_name = ?`, table)
	return append(out, "contents "+strings.Join(contents, ""))
}

// sameTablesAsNew checks that the tables of the migrated register at path are those of a new file.
func sameTablesAsNew(t *testing.T, path string, tables ...string) {
	t.Helper()
	fresh := filepath.Join(t.TempDir(), "fresh.gpkg")
	must(t, openFile(t, fresh).Close())
	db, fdb := rawDB(t, path), rawDB(t, fresh)
	defer db.Close()
	defer fdb.Close()
	for _, table := range tables {
		if got, want := tableShape(t, db, table), tableShape(t, fdb, table); !slices.Equal(got, want) {
			t.Errorf("table %s of the migrated file:\n  %s\nof a new file:\n  %s", table, strings.Join(got, "\n  "),
				strings.Join(want, "\n  "))
		}
	}
}

// reopenChangesNothing checks that opening the migrated register at path again (with opts) leaves the
// file as it is.
func reopenChangesNothing(t *testing.T, path string, opts ...gpkg.Option) {
	t.Helper()
	before := fileState(t, path)
	s, err := gpkg.Open(context.Background(), path, opts...)
	must(t, err)
	must(t, s.Close())
	if after := fileState(t, path); after != before {
		t.Errorf("reopening the migrated file changed it:\n  before: %s\n  after:  %s", before, after)
	}
}

// migrationFails checks that Open refuses the register at path, of schema version from, with an error of
// its migration to the next version, and leaves the file as it was: all or nothing.
func migrationFails(t *testing.T, path string, from int) {
	t.Helper()
	before := fileState(t, path)
	if s, err := gpkg.Open(context.Background(), path, gpkg.WithLocation(cst)); err == nil {
		s.Close()
		t.Fatalf("Open migrated a register of version %d whose migration must fail", from)
	} else if want := fmt.Sprintf("schema version %d to %d", from, from+1); !strings.Contains(err.Error(), want) {
		t.Errorf("Open: %v, want an error of the migration to version %d", err, from+1)
	}
	if after := fileState(t, path); after != before {
		t.Errorf("the failed migration changed the file:\n  before: %s\n  after:  %s", before, after)
	}
}

// downgrade runs queries (test SQL on fixed names) on the file at path in one transaction, to make a
// register of this version one of an earlier version.
func downgrade(t *testing.T, path string, queries ...string) {
	t.Helper()
	db := rawDB(t, path)
	tx, err := db.Begin()
	must(t, err)
	for _, q := range queries {
		if _, err := tx.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	must(t, tx.Commit())
	must(t, db.Close())
}

// filledFile writes at path a new register with the rows of fill (the store's days in CST) and closes
// it, for a test to downgrade.
func filledFile(t *testing.T, path string) *register {
	t.Helper()
	s, err := gpkg.Open(context.Background(), path, gpkg.WithLocation(cst))
	must(t, err)
	reg := fill(t, s)
	must(t, s.Close())
	return reg
}

func TestMigrateV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.gpkg")
	reg := writeV1(t, path, false, false)
	clock := &testClock{at: time.Date(2025, 11, 10, 10, 0, 0, 0, cst)}
	opts := []gpkg.Option{gpkg.WithLocation(cst), gpkg.WithClock(clock.now)}
	ctx := context.Background()
	s, err := gpkg.Open(ctx, path, opts...)
	must(t, err)

	// The rows as the store reads them: history records effective from the day they were written (in
	// CST), valid_from the day the row was entered, no new version or history for the fills.
	h, err := s.History(ctx, floorplan.EntityRoom, reg.renamed)
	must(t, err)
	if len(h) != 2 || !h[0].Effective.Equal(floorplan.Day(2024, 3, 2)) || !h[1].Effective.Equal(floorplan.Day(2024, 5, 10)) ||
		h[0].Reason != "" || h[1].Reason != "" {
		var got []string
		for _, c := range h {
			got = append(got, fmt.Sprintf("%s effective %s reason %q", c.Op, c.Effective.Format(time.DateOnly), c.Reason))
		}
		t.Errorf("history of room 101 after the migration: %q, want two records effective 2024-03-02 and 2024-05-10", got)
	}
	r, err := s.Room(ctx, reg.renamed)
	must(t, err)
	if !r.ValidFrom.Equal(floorplan.Day(2024, 3, 2)) || r.Version != 2 {
		t.Errorf("room 101 after the migration: valid from %v, version %d; want 2024-03-02 and 2", r.ValidFrom, r.Version)
	}
	b, err := s.Building(ctx, reg.metres)
	must(t, err)
	if !b.ValidFrom.Equal(floorplan.Day(2024, 3, 2)) {
		t.Errorf("building after the migration: valid from %v, want 2024-03-02", b.ValidFrom)
	}

	// As-of reads of the migrated history are the old ones.
	for _, tc := range []struct {
		day        time.Time
		rooms      []string // number/name
		firstKnown time.Time
	}{
		{floorplan.Day(2024, 3, 1), nil, floorplan.Day(2024, 3, 2)},
		{floorplan.Day(2024, 4, 1), []string{"101/", "102/"}, floorplan.Day(2024, 3, 2)},
		{floorplan.Day(2024, 5, 10), []string{"101/处长办公室", "102/"}, floorplan.Day(2024, 3, 2)},
		{floorplan.Day(2024, 6, 2), []string{"101/处长办公室"}, floorplan.Day(2024, 3, 2)},
	} {
		snap, err := s.Snapshot(ctx, tc.day)
		must(t, err)
		var got []string
		for _, r := range snap.Rooms {
			got = append(got, r.Number+"/"+r.Name)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.rooms) || !snap.FirstKnown.Equal(tc.firstKnown) {
			t.Errorf("snapshot of %s: rooms %q, first known %v; want %q, %v", tc.day.Format(time.DateOnly), got, snap.FirstKnown,
				tc.rooms, tc.firstKnown)
		}
	}

	// Writes after the migration record the new columns.
	r.Name = "副处长办公室"
	must(t, s.UpdateRoom(floorplan.WithReason(ctx, "迁移后"), &r))
	h, err = s.History(ctx, floorplan.EntityRoom, reg.renamed)
	must(t, err)
	if last := h[len(h)-1]; !last.Effective.Equal(floorplan.Day(2025, 11, 10)) || last.Reason != "迁移后" {
		t.Errorf("a write after the migration: %+v", last)
	}
	must(t, s.Close())

	// The file: GeoPackage's own version stays, officemap's is 2, and the tables are those of a new file.
	db := rawDB(t, path)
	var appID, userVersion, version int64
	var def string
	must(t, db.QueryRow(`PRAGMA application_id`).Scan(&appID))
	must(t, db.QueryRow(`PRAGMA user_version`).Scan(&userVersion))
	must(t, db.QueryRow(`SELECT version FROM officemap_schema`).Scan(&version))
	must(t, db.QueryRow(`SELECT definition FROM gpkg_extensions WHERE extension_name = 'officemap_register'`).Scan(&def))
	if appID != 0x47504B47 || userVersion != 10300 || version != gpkg.SchemaVersion || strings.Contains(def, "schema 1") {
		t.Errorf("migrated file: application_id %#x, user_version %d, officemap schema %d, definition %q", appID, userVersion, version, def)
	}
	sameTablesAsNew(t, path, append(layerTables, "history", "officemap_schema", "agencies")...)
	// The rules of version 1 hold after the migration.
	if _, err := db.Exec(`UPDATE history SET reason = 'x'`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("UPDATE history after the migration: %v, want the append-only refusal", err)
	}
	if _, err := db.Exec(`UPDATE rooms_all SET name = 'x' WHERE id = ?`, reg.renamed.String()); err == nil {
		t.Error("an update of a room without a new version was accepted after the migration")
	}
	db.Close()

	reopenChangesNothing(t, path, opts...)
}

// TestMigrateAllOrNothing: a migration that fails leaves the file as it was, still of version 1.
func TestMigrateAllOrNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.gpkg")
	writeV1(t, path, true, true) // a history row whose time is not an instant: no day can be filled
	migrationFails(t, path, 1)
	db := rawDB(t, path)
	var tables, columns int
	must(t, db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'officemap_schema'`).Scan(&tables))
	must(t, db.QueryRow(`SELECT count(*) FROM pragma_table_info('history') WHERE name = 'effective'`).Scan(&columns))
	if tables != 0 || columns != 0 {
		t.Errorf("after the failed migration: %d officemap_schema tables, %d effective columns; want none", tables, columns)
	}
}

// TestMigrateV1Legacy: the migration to version 2 converts a building whose local geometry was kept in
// drawing units (rescaleLegacyUnits), once.
func TestMigrateV1Legacy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "legacy.gpkg")
	reg := writeV1(t, path, true, false)
	for i := 0; i < 2; i++ { // the second Open must not convert again
		s, err := gpkg.Open(context.Background(), path, gpkg.WithLocation(cst))
		must(t, err)
		drawn, err := s.Room(context.Background(), reg.drawn)
		must(t, err)
		if a := drawn.Area(); a < 19.999 || a > 20.001 || drawn.Version != 2 {
			t.Errorf("open %d: room 201 of the millimetre building has %v m², version %d; want 20 m², version 2", i+1, a, drawn.Version)
		}
		h, err := s.History(context.Background(), floorplan.EntityRoom, reg.drawn)
		must(t, err)
		if len(h) != 2 || h[1].Actor != "migration:0005_units" {
			t.Errorf("open %d: room 201 has %d history records, want its insert and the conversion", i+1, len(h))
		}
		must(t, s.Close())
	}
}

// TestOpenRefusesNewerSchema: a register of a later schema version is not opened (and not changed).
func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "newer.gpkg")
	must(t, openFile(t, path).Close())
	db := rawDB(t, path)
	_, err := db.Exec(`UPDATE officemap_schema SET version = ?`, gpkg.SchemaVersion+1)
	must(t, err)
	db.Close()
	if s, err := gpkg.Open(context.Background(), path); err == nil {
		s.Close()
		t.Error("Open accepted a register of a newer schema version")
	} else if !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open of a newer register: %v", err)
	}
}
