package exports

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, for the rooms_export table

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/geo"
)

// WriteGeoPackage writes the data into a new GeoPackage at path (which must not exist): an officemap
// store (gpkg.Open) holding the exported sites, buildings, floors and rooms with every agency, person
// and the assignments to the exported rooms — a file officemap opens as its register and QGIS as
// layers (rooms with area_m2 and state) — plus a feature table rooms_export, one row per room with
// lon/lat geometry and what a map needs flat: number, usage, building, floor, level, agency name,
// area_m2, occupants, per-person area, standard and status on the day.
func WriteGeoPackage(ctx context.Context, d *Data, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s: already exists", path)
	}
	s, err := gpkg.Open(ctx, path)
	if err != nil {
		return err
	}
	err = s.InTx(ctx, func(tx floorplan.Store) error { return copyInto(ctx, tx, d) })
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return roomsExport(ctx, d, path)
}

// copyInto writes the data into an empty store, keeping every id.
func copyInto(ctx context.Context, s floorplan.Store, d *Data) error {
	for i := range d.Sites {
		st := d.Sites[i]
		if err := s.CreateSite(ctx, &st); err != nil {
			return fmt.Errorf("site %q: %w", st.Name, err)
		}
	}
	// Agencies first without their references to other agencies, then with them: parents and successors
	// may come in any order.
	snap := d.Snapshot
	for _, a := range snap.Agencies {
		a.ParentID, a.SuccessorID = uuid.Nil, uuid.Nil
		if err := s.CreateAgency(ctx, &a); err != nil {
			return fmt.Errorf("agency %q: %w", a.Name, err)
		}
	}
	for _, a := range snap.Agencies {
		if a.ParentID != uuid.Nil || a.SuccessorID != uuid.Nil {
			if err := s.UpdateAgency(ctx, &a); err != nil {
				return fmt.Errorf("agency %q: %w", a.Name, err)
			}
		}
	}
	for i := range d.Buildings {
		b := d.Buildings[i]
		if err := s.CreateBuilding(ctx, &b); err != nil {
			return fmt.Errorf("building %q: %w", b.Name, err)
		}
	}
	for i := range d.Floors {
		f := d.Floors[i]
		if err := s.CreateFloor(ctx, &f); err != nil {
			return fmt.Errorf("floor %s: %w", f.Name, err)
		}
	}
	type bulk interface {
		BulkInsertRooms(ctx context.Context, rooms []floorplan.Room) error
		BulkInsertPeople(ctx context.Context, people []floorplan.Person) error
		BulkInsertAssignments(ctx context.Context, as []floorplan.Assignment) error
	}
	bl, ok := s.(bulk)
	if !ok {
		return errors.New("exports: the GeoPackage store has no bulk insert")
	}
	rooms := append([]floorplan.Room(nil), d.Rooms...)
	exported := map[uuid.UUID]bool{}
	for i := range rooms {
		exported[rooms[i].ID] = true
		rooms[i].Version = 0
	}
	if err := bl.BulkInsertRooms(ctx, rooms); err != nil {
		return err
	}
	if err := bl.BulkInsertPeople(ctx, append([]floorplan.Person(nil), snap.People...)); err != nil {
		return err
	}
	var as []floorplan.Assignment
	for _, a := range snap.Assignments {
		if exported[a.RoomID] && a.DeletedAt.IsZero() {
			a.Version = 0
			as = append(as, a)
		}
	}
	return bl.BulkInsertAssignments(ctx, as)
}

// Statements of the rooms_export table. Table and column names are fixed here, never formatted in.
const (
	sqlCreateRoomsExport = `
CREATE TABLE rooms_export (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom POLYGON,
  room_id TEXT NOT NULL,
  number TEXT, name TEXT, usage TEXT, state TEXT,
  building_id TEXT, building TEXT, floor_id TEXT, floor TEXT, level INTEGER,
  agency_id TEXT, agency TEXT,
  area_m2 REAL, occupants TEXT, occupant_count INTEGER, per_person_m2 REAL, standard_m2 REAL, status TEXT,
  as_of TEXT
)`
	sqlRegisterRoomsExport = `
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
VALUES ('rooms_export', 'features', 'rooms_export', ?, ?, ?, ?, ?, 4326)`
	sqlRoomsExportGeometry = `
INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m)
VALUES ('rooms_export', 'geom', 'POLYGON', 4326, 0, 0)`
	sqlInsertRoomsExport = `
INSERT INTO rooms_export (geom, room_id, number, name, usage, state, building_id, building, floor_id, floor, level,
                          agency_id, agency, area_m2, occupants, occupant_count, per_person_m2, standard_m2, status, as_of)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// roomsExport adds the rooms_export feature table to the GeoPackage at path, and leaves the file in
// rollback-journal mode, as one self-contained file.
func roomsExport(ctx context.Context, d *Data, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit, a no-op
	if _, err := tx.ExecContext(ctx, sqlCreateRoomsExport); err != nil {
		return fmt.Errorf("rooms_export: %w", err)
	}
	var all orb.Bound
	first := true
	ins, err := tx.PrepareContext(ctx, sqlInsertRoomsExport)
	if err != nil {
		return err
	}
	defer ins.Close()
	day := d.AsOf.Format(floorplan.DateLayout)
	for _, r := range d.Rooms {
		ll := d.LonLat(r)
		if first {
			all, first = ll.Bound(), false
		} else {
			all = all.Union(ll.Bound())
		}
		blob, err := gpkgBlob(ll)
		if err != nil {
			return err
		}
		f := d.FloorOf(r)
		b := d.BuildingOf(f)
		st := d.Standing(r.ID)
		names := make([]string, len(st.Occupants))
		for i, o := range st.Occupants {
			names[i] = o.Name
		}
		_, err = ins.ExecContext(ctx, blob, r.ID.String(), r.Number, r.Name, string(r.Usage), string(r.State),
			b.ID.String(), b.Name, f.ID.String(), f.Name, f.Ordinal, nullID(r.AgencyID), d.AgencyName(r.AgencyID),
			round(geo.Area(r.Geometry)), strings.Join(names, "、"), len(names), round(st.PerPersonM2),
			round(st.StandardM2), string(st.Status), day)
		if err != nil {
			return fmt.Errorf("rooms_export: room %s: %w", r.Number, err)
		}
	}
	if first {
		all = orb.Bound{}
	}
	desc := "rooms with area (m², from the local geometry), agency, occupants and over-standard status as of " + day
	if _, err := tx.ExecContext(ctx, sqlRegisterRoomsExport, desc, all.Min[0], all.Min[1], all.Max[0], all.Max[1]); err != nil {
		return fmt.Errorf("rooms_export: %w", err)
	}
	if _, err := tx.ExecContext(ctx, sqlRoomsExportGeometry); err != nil {
		return fmt.Errorf("rooms_export: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `PRAGMA journal_mode=DELETE`)
	return err
}

// gpkgBlob encodes a polygon as a GeoPackage geometry blob (header with an XY envelope, then
// little-endian WKB) in EPSG:4326.
func gpkgBlob(p orb.Polygon) ([]byte, error) {
	body, err := wkb.Marshal(p, binary.LittleEndian)
	if err != nil {
		return nil, err
	}
	const header = 8 + 32
	out := make([]byte, header, header+len(body))
	out[0], out[1], out[2], out[3] = 'G', 'P', 0, 0x01|1<<1 // little endian, XY envelope
	binary.LittleEndian.PutUint32(out[4:], 4326)
	b := p.Bound()
	for i, v := range [4]float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
		binary.LittleEndian.PutUint64(out[8+8*i:], math.Float64bits(v))
	}
	return append(out, body...), nil
}
