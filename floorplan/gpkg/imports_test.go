package gpkg_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/exports"
	"officemap/floorplan/gpkg"
)

// roomsViewV6 is the layer rooms of schema versions 6 and 7.
const roomsViewV6 = `CREATE VIEW rooms AS
SELECT fid, geom, id, floor_id, number, name, usage, agency_id, state, idle_since, local_geom, area_m2, source_id,
       version, created_at, valid_from
  FROM rooms_all WHERE deleted_at IS NULL`

// narrowUsages returns the statements that replace the end of the usage list of rooms_usage_known, from
// with to, in the definition of rooms_all (test SQL on fixed names).
func narrowUsages(from, to string) []string {
	return []string{`PRAGMA writable_schema = ON`,
		`UPDATE sqlite_master SET sql = replace(sql, '` + strings.ReplaceAll(from, "'", "''") + `', '` +
			strings.ReplaceAll(to, "'", "''") + `') WHERE type = 'table' AND name = 'rooms_all'`,
		`PRAGMA writable_schema = RESET`}
}

// downgradeV8 makes the register at path one of schema version 7: the usages of version 7, no
// source_category, recorded_area_m2, lang or openings, one live floor per ordinal, and the layers of
// version 7.
func downgradeV8(t *testing.T, path string) {
	t.Helper()
	downgradeV9(t, path)
	queries := append(narrowUsages(gpkg.UsagesV8, gpkg.UsagesV7), gpkg.LayerViewsV7, `DROP VIEW rooms`, roomsViewV6,
		`ALTER TABLE rooms_all DROP COLUMN source_category`, `ALTER TABLE rooms_all DROP COLUMN recorded_area_m2`,
		`ALTER TABLE buildings_all DROP COLUMN lang`, `ALTER TABLE floors_all DROP COLUMN openings`,
		`DROP INDEX floors_ordinal_key`,
		`CREATE UNIQUE INDEX floors_ordinal_key ON floors_all (building_id, ordinal) WHERE deleted_at IS NULL`,
		`UPDATE officemap_schema SET version = 7`)
	downgrade(t, path, queries...)
}

// tableSQL returns the definition of a table in sqlite_master.
func tableSQL(t *testing.T, path, table string) string {
	t.Helper()
	var def string
	must(t, rawDB(t, path).QueryRow(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&def))
	return def
}

// TestMigrateV7: Open brings a register of version 7 to version 8 — shaft and void accepted, the columns
// of imports with their defaults in every row, floors unique by ordinal and name, the layers with the
// new columns — as in a new file, word for word, and GDAL reads the result.
func TestMigrateV7(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v7.gpkg")
	reg := filledFile(t, path)
	downgradeV8(t, path)
	if def := tableSQL(t, path, "rooms_all"); strings.Contains(def, "'void'") || !strings.Contains(def, gpkg.UsagesV7) {
		t.Fatalf("the downgraded rooms_all still accepts voids: %s", def)
	}

	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := gpkg.Open(ctx, path, gpkg.WithLocation(cst))
	must(t, err)
	old, err := s.Room(ctx, reg.rooms[0].ID)
	must(t, err)
	b, err := s.Building(ctx, reg.building.ID)
	must(t, err)
	fl, err := s.Floor(ctx, reg.floors[0].ID)
	must(t, err)
	if old.SourceCategory != "" || old.RecordedAreaM2 != 0 || old.Version != reg.rooms[0].Version || b.Lang != "" ||
		fl.Openings != nil {
		t.Errorf("after the migration: room %q %v version %d, building lang %q, floor openings %v; want none and the version as it was",
			old.SourceCategory, old.RecordedAreaM2, old.Version, b.Lang, fl.Openings)
	}
	void := floorplan.Room{FloorID: fl.ID, Number: "V1", Usage: floorplan.UsageVoid, SourceCategory: "opentobelow",
		RecordedAreaM2: 18.5, Geometry: rect(0, 6, 6, 12)}
	must(t, s.CreateRoom(ctx, &void))
	mezzanine := floorplan.Floor{BuildingID: b.ID, Ordinal: fl.Ordinal, Name: "1M",
		Openings: orb.MultiLineString{{{1, 5}, {2, 5}}}}
	must(t, s.CreateFloor(ctx, &mezzanine))
	twin := floorplan.Floor{BuildingID: b.ID, Ordinal: fl.Ordinal, Name: fl.Name}
	if err := s.CreateFloor(ctx, &twin); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("a second floor %q at ordinal %d after the migration: %v, want ErrInvalid", fl.Name, fl.Ordinal, err)
	}
	must(t, s.Close())

	fresh := filepath.Join(t.TempDir(), "fresh.gpkg")
	must(t, openFile(t, fresh).Close())
	for _, table := range []string{"rooms_all", "buildings_all", "floors_all"} {
		if got, want := tableSQL(t, path, table), tableSQL(t, fresh, table); got != want {
			t.Errorf("%s of the migrated file:\n  %s\nof a new file:\n  %s", table, got, want)
		}
	}
	sameTablesAsNew(t, path, append(layerTables, "officemap_schema")...)
	var check string
	must(t, rawDB(t, path).QueryRow(`PRAGMA integrity_check`).Scan(&check))
	if check != "ok" {
		t.Errorf("integrity_check of the migrated file: %s", check)
	}
	reopenChangesNothing(t, path, gpkg.WithLocation(cst))

	// GDAL opens the migrated file without a word and reads the new columns of the layers.
	run := ogrinfo(t, func(stderr string) bool { return stderr != "" })
	out := run("-ro", "-q", "-sql", "SELECT number, usage, source_category, recorded_area_m2 FROM rooms WHERE number = 'V1'", path)
	for _, want := range []string{"usage (String) = void", "source_category (String) = opentobelow", "recorded_area_m2 (Real) = 18.5"} {
		if !strings.Contains(out, want) {
			t.Errorf("ogrinfo on the migrated file lacks %q:\n%s", want, out)
		}
	}
	if out := run("-ro", "-so", path, "floors"); !strings.Contains(out, "openings: Binary") {
		t.Errorf("ogrinfo does not list the floors' openings:\n%s", out)
	}
}

// TestMigrateV7ForeignDefinition: a register of version 7 whose rooms_all does not list the usages as
// officemap wrote them is not migrated, and stays as it was.
func TestMigrateV7ForeignDefinition(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v7.gpkg")
	filledFile(t, path)
	downgradeV8(t, path)
	downgrade(t, path, narrowUsages(gpkg.UsagesV7, `'circulation', 'kiosk', 'commercial'`)...)
	migrationFails(t, path, 7)
	var columns int
	must(t, rawDB(t, path).QueryRow(`SELECT count(*) FROM pragma_table_info('rooms_all') WHERE name = 'source_category'`).Scan(&columns))
	if def := tableSQL(t, path, "rooms_all"); columns != 0 || !strings.Contains(def, "'kiosk'") {
		t.Errorf("the failed migration changed rooms_all: %d source_category columns, %s", columns, def)
	}
}

// TestRoomRulesInTheFile: the file itself refuses a recorded area that is not a positive number and an
// unknown usage, and accepts shafts and voids, whoever writes to it.
func TestRoomRulesInTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.gpkg")
	reg := filledFile(t, path)
	db, err := gpkg.OpenWithFunctions(context.Background(), path)
	must(t, err)
	defer db.Close()
	id := reg.rooms[0].ID.String()
	for _, tc := range []struct {
		set  string
		want string // "" when accepted; else a part of SQLite's message
	}{
		{`usage = 'void'`, ""},
		{`usage = 'shaft'`, ""},
		{`usage = 'atrium'`, "rooms_usage_known"},
		{`recorded_area_m2 = 12.5`, ""},
		{`recorded_area_m2 = NULL`, ""},
		{`recorded_area_m2 = 0`, "rooms_recorded_area_positive"},
		{`recorded_area_m2 = -1`, "rooms_recorded_area_positive"},
		{`recorded_area_m2 = 9e999`, "rooms_recorded_area_positive"},
		{`recorded_area_m2 = 'much'`, "rooms_recorded_area_positive"},
	} {
		_, err := db.Exec(`UPDATE rooms_all SET `+tc.set+`, version = version + 1 WHERE id = ?`, id)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("SET %s: %v", tc.set, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("SET %s: %v, want a refusal by %s", tc.set, err, tc.want)
		}
	}
}

// TestExportKeepsImports: a GeoPackage export carries what imports brought — the building's language, the
// floors' openings, the rooms' source category and recorded area — in its register, and the last two in
// the flat rooms_export layer (recorded_area_m2 NULL when none).
func TestExportKeepsImports(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	s := openFile(t, filepath.Join(t.TempDir(), "src.gpkg"))
	reg := fill(t, s)
	reg.building.Lang = "en"
	must(t, s.UpdateBuilding(ctx, &reg.building))
	fl := reg.floors[0]
	fl.Openings = orb.MultiLineString{{{8, 5}, {9, 5}}}
	must(t, s.UpdateFloor(ctx, &fl))
	void := reg.rooms[1]
	void.Usage, void.SourceCategory, void.RecordedAreaM2 = floorplan.UsageVoid, "opentobelow", 41.5
	must(t, s.UpdateRoom(ctx, &void))
	d, err := exports.Load(ctx, s, exports.Options{BuildingID: reg.building.ID})
	must(t, err)
	out := filepath.Join(t.TempDir(), "export.gpkg")
	must(t, gpkg.Export(ctx, d, out))

	flat := queryStrings(t, rawDB(t, out), `SELECT number || ' ' || usage || ' ' || source_category || ' ' ||
  coalesce(recorded_area_m2, 'none') FROM rooms_export WHERE number IN (?, ?) ORDER BY number`, reg.rooms[0].Number, void.Number)
	if want := []string{reg.rooms[0].Number + " office  none", void.Number + " void opentobelow 41.5"}; !slices.Equal(flat, want) {
		t.Errorf("rooms_export: %q, want %q", flat, want)
	}
	e, err := gpkg.Open(ctx, out)
	must(t, err)
	defer e.Close()
	b, err := e.Building(ctx, reg.building.ID)
	must(t, err)
	f, err := e.Floor(ctx, fl.ID)
	must(t, err)
	r, err := e.Room(ctx, void.ID)
	must(t, err)
	if b.Lang != "en" || len(f.Openings) != 1 || !f.Openings[0].Equal(fl.Openings[0]) || r.Usage != floorplan.UsageVoid ||
		r.SourceCategory != "opentobelow" || r.RecordedAreaM2 != 41.5 {
		t.Errorf("the exported register: lang %q, openings %v, room %s %q %v", b.Lang, f.Openings, r.Usage, r.SourceCategory, r.RecordedAreaM2)
	}
}
