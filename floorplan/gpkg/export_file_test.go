package gpkg_test

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/exports"
	"officemap/floorplan/gpkg"
)

// The tests of Export live here (exports no longer imports a store); the file TestExport reads is what
// `officemap export gpkg` and GET /api/v1/export?format=gpkg hand out.

// exported fills a register (fill's rooms of 40 m², the office 101 held by one staff member of a
// municipal agency: standard 9 m², over standard), exports it and returns the data and the file.
func exported(t *testing.T) (*register, *exports.Data, floorplan.Agency, string) {
	t.Helper()
	ctx := context.Background()
	s := openFile(t, filepath.Join(t.TempDir(), "src.gpkg"))
	reg := fill(t, s)
	agency := floorplan.Agency{Name: "市财政局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	must(t, s.CreateAgency(ctx, &agency))
	office := &reg.rooms[0]
	office.AgencyID = agency.ID
	must(t, s.UpdateRoom(ctx, office))
	p := floorplan.Person{Name: "张三", AgencyID: agency.ID, Rank: floorplan.RankStaff, Status: floorplan.PersonActive}
	must(t, s.CreatePerson(ctx, &p))
	a := floorplan.Assignment{PersonID: p.ID, RoomID: office.ID, Kind: floorplan.AssignMain, Start: floorplan.Day(2020, 1, 1)}
	must(t, s.CreateAssignment(ctx, &a))
	d, err := exports.Load(ctx, s, exports.Options{BuildingID: reg.building.ID})
	must(t, err)
	out := filepath.Join(t.TempDir(), "export.gpkg")
	must(t, gpkg.Export(ctx, d, out))
	return reg, d, agency, out
}

func TestExport(t *testing.T) {
	ctx := context.Background()
	reg, d, agency, out := exported(t)
	if err := gpkg.Export(ctx, d, out); err == nil {
		t.Error("an existing file was overwritten")
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(out + suffix); err == nil {
			t.Errorf("%s left beside the file", suffix)
		}
	}
	var mode string
	must(t, rawDB(t, out).QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	if mode != "delete" {
		t.Errorf("journal_mode %q, want delete: one self-contained file", mode)
	}

	// The file is an officemap store with the same rooms, ids, areas and occupancy.
	s, err := gpkg.Open(ctx, out)
	must(t, err)
	rooms, err := s.Rooms(ctx, floorplan.RoomFilter{})
	if err != nil || len(rooms) != len(reg.rooms) {
		t.Fatalf("%d rooms, %v", len(rooms), err)
	}
	office := reg.rooms[0]
	for _, r := range rooms {
		if r.ID == office.ID && (r.Area() != 40 || r.AgencyID != agency.ID) {
			t.Errorf("office %+v", r)
		}
	}
	if as, _ := s.Assignments(ctx, floorplan.AssignmentFilter{RoomID: office.ID}); len(as) != 1 {
		t.Errorf("%d assignments of the office", len(as))
	}
	must(t, s.Close())

	// rooms_export's geometry is the store's one encoding of the room in lon/lat.
	for _, r := range d.Rooms {
		if r.ID == office.ID {
			office = r
		}
	}
	var blob []byte
	must(t, rawDB(t, out).QueryRow(`SELECT geom FROM rooms_export WHERE room_id = ?`, office.ID.String()).Scan(&blob))
	if got, err := gpkg.DecodePolygon(blob); err != nil || !got.Equal(d.LonLat(office)) {
		t.Errorf("rooms_export geometry of 101: %v %v, want %v", got, err, d.LonLat(office))
	}
}

// GDAL, as QGIS would, reads the rooms_export layer with its areas and status.
func TestExportOgrinfo(t *testing.T) {
	ogrinfo := lookOgrinfo(t)
	_, _, _, out := exported(t)
	res, err := exec.Command(ogrinfo, "-ro", "-q", "-sql",
		"SELECT number, area_m2, status, agency, occupants FROM rooms_export ORDER BY number", out).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, res)
	}
	text := string(res)
	for _, want := range []string{"number (String) = 101", "area_m2 (Real) = 40", "status (String) = over_standard",
		"agency (String) = 市财政局", "occupants (String) = 张三", "number (String) = 201"} {
		if !strings.Contains(text, want) {
			t.Errorf("ogrinfo output lacks %q:\n%s", want, text)
		}
	}
	// And its geometry is the room in lon/lat: GDAL's geodesic area of it is the room's area.
	res, err = exec.Command(ogrinfo, "-ro", "-q", "-dialect", "SQLite", "-sql",
		"SELECT ST_Area(geom, 1) AS a FROM rooms_export WHERE number = '101'", out).CombinedOutput()
	_, after, _ := strings.Cut(string(res), "a (Real) = ")
	area, perr := strconv.ParseFloat(strings.TrimSpace(after), 64)
	if err != nil || perr != nil || math.Abs(area-40) > 1e-4 {
		t.Errorf("geodesic area of room 101: %v %v\n%s", err, perr, res)
	}
}
