package gpkg

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/exports"
	"officemap/geo"
)

var _ exports.GeoPackageWriter = Export

// Export writes d into a new GeoPackage at path (which must not exist): an officemap store holding the
// exported sites, buildings, floors and rooms with every agency, person and the assignments to the
// exported rooms — a file officemap opens as its register and QGIS as layers (rooms with area_m2 and
// state) — plus a feature table rooms_export, one row per room with lon/lat geometry and what a map
// needs flat: number, usage, building, floor, level, agency name, area_m2, occupants, per-person area,
// standard and status on the day, and what an import brought: the source's category and the area the
// bureau's room register records (recorded_area_m2, NULL when none). Everything is written in one transaction, and the file is left in
// rollback-journal mode, as one self-contained file.
func Export(ctx context.Context, d *exports.Data, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s: already exists", path)
	}
	s, err := Open(ctx, path, WithClassification(exportedKinds(d)))
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(in *Store) error {
		if err := in.copyFrom(ctx, d); err != nil {
			return err
		}
		return writeRoomsExport(ctx, in.tx, d)
	})
	if err != nil {
		s.Close()
		return err
	}
	return s.closeAsOneFile(ctx)
}

// exportedKinds is a classification holding every category of d's sites and buildings, so that the export
// copies them as they are whatever the deployment's classification (the file does not keep one: whoever
// opens it checks later writes against their own).
func exportedKinds(d *exports.Data) floorplan.Classification {
	g := floorplan.CategoryGroup{Code: "exported"}
	seen := map[string]bool{"": true}
	add := func(code string) {
		if !seen[code] {
			seen[code] = true
			g.Categories = append(g.Categories, floorplan.Category{Code: code})
		}
	}
	for _, s := range d.Sites {
		add(s.Category)
	}
	for _, b := range d.Buildings {
		add(b.Category)
	}
	return floorplan.Classification{Groups: []floorplan.CategoryGroup{g}}
}

// copyFrom writes the data into an empty store, keeping every id.
func (s *Store) copyFrom(ctx context.Context, d *exports.Data) error {
	// The export carries no jurisdiction tree (exports.Data has none): sites and agencies go out at the
	// city level.
	for i := range d.Sites {
		st := d.Sites[i]
		st.JurisdictionID = uuid.Nil
		if err := s.CreateSite(ctx, &st); err != nil {
			return fmt.Errorf("site %q: %w", st.Name, err)
		}
	}
	// Agencies first without their references to other agencies, then with them: parents and successors
	// may come in any order.
	snap := d.Snapshot
	for _, a := range snap.Agencies {
		a.ParentID, a.SuccessorID, a.JurisdictionID = uuid.Nil, uuid.Nil, uuid.Nil
		if err := s.CreateAgency(ctx, &a); err != nil {
			return fmt.Errorf("agency %q: %w", a.Name, err)
		}
	}
	for _, a := range snap.Agencies {
		a.JurisdictionID = uuid.Nil
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
	rooms := append([]floorplan.Room(nil), d.Rooms...)
	exported := map[uuid.UUID]bool{}
	for i := range rooms {
		exported[rooms[i].ID] = true
		rooms[i].Version = 0
	}
	if err := s.BulkInsertRooms(ctx, rooms); err != nil {
		return err
	}
	if err := s.BulkInsertPeople(ctx, append([]floorplan.Person(nil), snap.People...)); err != nil {
		return err
	}
	var as []floorplan.Assignment
	for _, a := range snap.Assignments {
		if exported[a.RoomID] && a.DeletedAt.IsZero() {
			a.Version = 0
			as = append(as, a)
		}
	}
	return s.BulkInsertAssignments(ctx, as)
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
  as_of TEXT,
  source_category TEXT, recorded_area_m2 REAL
)`
	sqlRegisterRoomsExport = `
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
VALUES ('rooms_export', 'features', 'rooms_export', ?, ?, ?, ?, ?, 4326)`
	sqlRoomsExportGeometry = `
INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m)
VALUES ('rooms_export', 'geom', 'POLYGON', 4326, 0, 0)`
	sqlInsertRoomsExport = `
INSERT INTO rooms_export (geom, room_id, number, name, usage, state, building_id, building, floor_id, floor, level,
                          agency_id, agency, area_m2, occupants, occupant_count, per_person_m2, standard_m2, status, as_of,
                          source_category, recorded_area_m2)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// writeRoomsExport adds the rooms_export feature table, in the transaction q.
func writeRoomsExport(ctx context.Context, q querier, d *exports.Data) error {
	if _, err := q.ExecContext(ctx, sqlCreateRoomsExport); err != nil {
		return fmt.Errorf("rooms_export: %w", err)
	}
	ins, err := q.PrepareContext(ctx, sqlInsertRoomsExport)
	if err != nil {
		return err
	}
	defer ins.Close()
	var all orb.Bound
	first := true
	day := d.AsOf.Format(floorplan.DateLayout)
	for _, r := range d.Rooms {
		ll := d.LonLat(r)
		if first {
			all, first = ll.Bound(), false
		} else {
			all = all.Union(ll.Bound())
		}
		blob, err := encodeGeom(ll, srsLonLat)
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
			round6(geo.Area(r.Geometry)), strings.Join(names, "、"), len(names), round6(st.PerPersonM2),
			round6(st.StandardM2), string(st.Status), day, r.SourceCategory, nullArea(r.RecordedAreaM2))
		if err != nil {
			return fmt.Errorf("rooms_export: room %s: %w", r.Number, err)
		}
	}
	desc := "rooms with area (m², from the local geometry), agency, occupants and over-standard status as of " + day
	if _, err := q.ExecContext(ctx, sqlRegisterRoomsExport, desc, all.Min[0], all.Min[1], all.Max[0], all.Max[1]); err != nil {
		return fmt.Errorf("rooms_export: %w", err)
	}
	if _, err := q.ExecContext(ctx, sqlRoomsExportGeometry); err != nil {
		return fmt.Errorf("rooms_export: %w", err)
	}
	return nil
}

// round6 keeps areas to 0.000001 m², as every export does.
func round6(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*1e6) / 1e6
}

const sqlJournalDelete = `PRAGMA journal_mode=DELETE`

// closeAsOneFile closes the store and leaves its file in rollback-journal mode, with no -wal or -shm
// beside it: a file to hand on, which a reader opens even from a read-only folder. The writer, then the
// only connection, checkpoints the WAL and leaves WAL mode.
func (s *Store) closeAsOneFile(ctx context.Context) error {
	if err := s.r.Close(); err != nil {
		s.w.Close()
		return err
	}
	var mode string
	err := s.w.QueryRowContext(ctx, sqlJournalDelete).Scan(&mode)
	if err == nil && mode != "delete" {
		err = fmt.Errorf("gpkg: %s: journal mode is still %s", s.path, mode)
	}
	if cerr := s.w.Close(); err == nil {
		err = cerr
	}
	return err
}
