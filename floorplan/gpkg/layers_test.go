package gpkg_test

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
)

// layerTables are the layers (views of the live rows) and the tables behind them, for sameTablesAsNew.
var layerTables = []string{"sites", "sites_all", "buildings", "buildings_all", "floors", "floors_all", "rooms", "rooms_all"}

// replaceRoom deletes room 101 of reg and creates its replacement (the same number and polygon, another
// name), which takes its place in reg.rooms, and creates and deletes a third floor; it returns the
// deleted room.
func replaceRoom(t *testing.T, s floorplan.Store, reg *register) floorplan.Room {
	t.Helper()
	ctx := floorplan.WithActor(context.Background(), "test")
	gone := reg.rooms[0]
	must(t, s.DeleteRoom(ctx, gone.ID, gone.Version))
	repl := floorplan.Room{FloorID: gone.FloorID, Number: gone.Number, Name: "替换", Usage: gone.Usage, Geometry: gone.Geometry}
	must(t, s.CreateRoom(ctx, &repl))
	reg.rooms[0] = repl
	extra := floorplan.Floor{BuildingID: reg.building.ID, Ordinal: len(reg.floors), Name: "3F", Outline: rect(0, 0, 40, 12)}
	must(t, s.CreateFloor(ctx, &extra))
	must(t, s.DeleteFloor(ctx, extra.ID))
	return gone
}

// diskMarks returns application_id and user_version as the header of the file at path has them on disk,
// where GDAL reads them, whatever the -wal file beside it holds.
func diskMarks(t *testing.T, path string) (appID, userVersion uint32) {
	t.Helper()
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	var h [100]byte
	if _, err := f.ReadAt(h[:], 0); err != nil {
		t.Fatalf("the header of %s: %v", path, err)
	}
	return binary.BigEndian.Uint32(h[68:]), binary.BigEndian.Uint32(h[60:])
}

// checkMarks checks that the file at path is a GeoPackage 1.3 both on disk and to SQLite: application_id
// 'GPKG', user_version 10300.
func checkMarks(t *testing.T, path, when string) {
	t.Helper()
	if appID, userVersion := diskMarks(t, path); appID != 0x47504B47 || userVersion != 10300 {
		t.Errorf("%s: the header on disk has application_id %#x, user_version %d; want 0x47504B47 ('GPKG') and 10300",
			when, appID, userVersion)
	}
	db := rawDB(t, path)
	defer db.Close()
	var appID, userVersion int64
	must(t, db.QueryRow(`PRAGMA application_id`).Scan(&appID))
	must(t, db.QueryRow(`PRAGMA user_version`).Scan(&userVersion))
	if appID != 0x47504B47 || userVersion != 10300 {
		t.Errorf("%s: PRAGMA application_id %#x, user_version %d; want 0x47504B47 ('GPKG') and 10300", when, appID, userVersion)
	}
}

// TestGeoPackageMarks: a new register is a GeoPackage 1.3 at every moment, on disk too, while the store
// has it open in WAL mode: right after Open, after writes, and after Close.
func TestGeoPackageMarks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "marks.gpkg")
	s := openFile(t, path)
	checkMarks(t, path, "after Open")
	reg := fill(t, s)
	replaceRoom(t, s, reg)
	checkMarks(t, path, "after writes")
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Errorf("no WAL beside the open register: %v", err)
	}
	must(t, s.Close())
	checkMarks(t, path, "after Close")
}

// TestGeoPackageMarksOfWALFile: Open also brings to disk the marks of a file whose header there is not
// yet GeoPackage's: here an empty database that another program has switched to WAL mode and keeps open,
// so that the header stays in the WAL until Open has it checkpointed.
func TestGeoPackageMarksOfWALFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wal.gpkg")
	other := rawDB(t, path)
	other.SetMaxOpenConns(1)
	var mode string
	must(t, other.QueryRow(`PRAGMA journal_mode = WAL`).Scan(&mode))
	_, err := other.Exec(`PRAGMA wal_autocheckpoint = 0`)
	must(t, err)
	if appID, _ := diskMarks(t, path); mode != "wal" || appID != 0 {
		t.Fatalf("journal mode %q, application_id %#x on disk; want wal and 0", mode, appID)
	}
	s := openFile(t, path)
	checkMarks(t, path, "after Open")
	must(t, s.Close())
}

// downgradeV6 makes the register at path one of schema version 5: the tables of the layers under the
// layers' names, with their deleted rows, and no views.
func downgradeV6(t *testing.T, path string) {
	t.Helper()
	downgradeV7(t, path)
	var queries []string
	for _, layer := range []string{"sites", "buildings", "floors", "rooms"} {
		queries = append(queries, `DROP VIEW `+layer, `ALTER TABLE `+layer+`_all RENAME TO `+layer)
	}
	downgrade(t, path, append(queries, `UPDATE officemap_schema SET version = 5`)...)
}

// layerIDs returns the ids in the layer (a view or a table) of the file at path, sorted.
func layerIDs(t *testing.T, db *sql.DB, layer string) []string {
	t.Helper()
	ids := queryStrings(t, db, `SELECT id FROM `+layer)
	slices.Sort(ids)
	return ids
}

// roomIDs returns the ids of rooms, sorted.
func roomIDs(rooms []floorplan.Room) []string {
	ids := make([]string, len(rooms))
	for i, r := range rooms {
		ids[i] = r.ID.String()
	}
	slices.Sort(ids)
	return ids
}

// TestMigrateV5: Open brings a register of version 5, whose layers are the tables with their deleted rows,
// to version 6: the layers show the live rows only, as in a new file; the deleted rows stay in the tables
// behind them and in the history, so that the store reads the register and its past as before.
func TestMigrateV5(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v5.gpkg")
	clock := &testClock{at: time.Date(2025, 1, 10, 10, 0, 0, 0, cst)}
	opts := []gpkg.Option{gpkg.WithLocation(cst), gpkg.WithClock(clock.now)}
	ctx := context.Background()
	s, err := gpkg.Open(ctx, path, opts...)
	must(t, err)
	reg := fill(t, s)
	clock.set(time.Date(2025, 2, 10, 10, 0, 0, 0, cst))
	gone := replaceRoom(t, s, reg)
	must(t, s.Close())
	downgradeV6(t, path)
	db := rawDB(t, path)
	if ids := layerIDs(t, db, "rooms"); len(ids) != len(reg.rooms)+1 || !slices.Contains(ids, gone.ID.String()) {
		t.Fatalf("the rooms table of version 5 has %d rows, want %d with the deleted room", len(ids), len(reg.rooms)+1)
	}
	must(t, db.Close())

	s, err = gpkg.Open(ctx, path, opts...)
	must(t, err)
	before, err := s.Snapshot(ctx, floorplan.Day(2025, 1, 20))
	must(t, err)
	now, err := s.Snapshot(ctx, floorplan.Day(2025, 2, 10))
	must(t, err)
	h, err := s.History(ctx, floorplan.EntityRoom, gone.ID)
	must(t, err)
	must(t, s.Close())
	want := roomIDs(reg.rooms)
	if got := roomIDs(now.Rooms); !slices.Equal(got, want) {
		t.Errorf("rooms after the migration: %q, want %q", got, want)
	}
	if got := roomIDs(before.Rooms); !slices.Contains(got, gone.ID.String()) || slices.Contains(got, reg.rooms[0].ID.String()) {
		t.Errorf("rooms as of 2025-01-20 after the migration: %q, want the deleted room, not its replacement", got)
	}
	if len(h) != 2 || h[1].Op != "delete" {
		t.Errorf("history of the deleted room after the migration: %d records, want insert and delete", len(h))
	}

	db = rawDB(t, path)
	if got := layerIDs(t, db, "rooms"); !slices.Equal(got, want) {
		t.Errorf("the rooms layer of the migrated file: %q, want the live rooms %q", got, want)
	}
	if got := layerIDs(t, db, "rooms_all"); len(got) != len(want)+1 || !slices.Contains(got, gone.ID.String()) {
		t.Errorf("rooms_all of the migrated file: %d rows, want %d with the deleted room", len(got), len(want)+1)
	}
	if got := layerIDs(t, db, "floors"); len(got) != len(reg.floors) {
		t.Errorf("the floors layer of the migrated file: %d floors, want the %d live ones", len(got), len(reg.floors))
	}
	must(t, db.Close())
	sameTablesAsNew(t, path, append(layerTables, "assignments", "officemap_schema")...)
	checkMarks(t, path, "the migrated file")
	reopenChangesNothing(t, path, opts...)
	ogrinfoLiveRooms(t, path, reg.rooms, gone.ID)
}

// ogrinfoLiveRooms checks with GDAL that the rooms layer of the file at path has the rooms, and not the
// deleted room gone, without a word on stderr.
func ogrinfoLiveRooms(t *testing.T, path string, rooms []floorplan.Room, gone uuid.UUID) {
	t.Helper()
	run := ogrinfo(t, func(stderr string) bool { return stderr != "" })
	out := run("-ro", "-q", path, "rooms")
	if n := strings.Count(out, "OGRFeature(rooms)"); n != len(rooms) || strings.Contains(out, gone.String()) {
		t.Errorf("ogrinfo read %d rooms (the deleted one: %v), want %d live ones", n, strings.Contains(out, gone.String()), len(rooms))
	}
	for _, r := range rooms {
		if want := fmt.Sprintf("id (String) = %s", r.ID); !strings.Contains(out, want) {
			t.Errorf("ogrinfo does not show room %s", r.ID)
		}
	}
}
