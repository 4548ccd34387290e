// Package exports writes the register's buildings, floors and rooms out: as GeoJSON (lon/lat, or a
// building's local metres), as an IMDF archive, and as a CSV or Excel table of rooms with their occupants
// and areas. The GeoPackage that QGIS opens is written by the GeoPackage store (gpkg.Export), behind the
// GeoPackageWriter type, so that exports depends on no store.
//
// Every export starts from Load: a snapshot of the register (all of it, one building or one floor) with
// each room's standing on the day (area, occupants, per-person area, standard, status) from
// floorplan.Evaluate.
package exports

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// Options selects what an export writes.
type Options struct {
	BuildingID uuid.UUID // only this building (uuid.Nil: every building)
	FloorID    uuid.UUID // only this floor
	// AsOf is the day whose occupants and status are written (zero: today).
	AsOf time.Time
}

// Data is the part of the register an export writes.
type Data struct {
	AsOf      time.Time
	Sites     []floorplan.Site
	Buildings []floorplan.Building // by name, id
	Floors    []floorplan.Floor    // by building (in Buildings' order), ordinal
	Rooms     []floorplan.Room     // by floor (in Floors' order), number, id
	Agencies  map[uuid.UUID]floorplan.Agency
	Report    *floorplan.Report
	// Snapshot is the whole register on the day (every agency, person and assignment), for the
	// GeoPackage export, which copies the register.
	Snapshot *floorplan.Snapshot

	building map[uuid.UUID]*floorplan.Building
	floor    map[uuid.UUID]*floorplan.Floor
	frames   map[uuid.UUID]*geo.Frame // by building
}

// Source is what Load reads: the register now and its evaluation as of a day.
type Source interface {
	floorplan.Reader
	floorplan.Snapshotter
}

// Load reads what opt selects, with every room's standing on the day.
func Load(ctx context.Context, s Source, opt Options) (*Data, error) {
	day := opt.AsOf
	if day.IsZero() {
		day = floorplan.DayOf(time.Now())
	}
	if opt.FloorID != uuid.Nil {
		f, err := s.Floor(ctx, opt.FloorID)
		if err != nil {
			return nil, fmt.Errorf("floor %s: %w", opt.FloorID, err)
		}
		if opt.BuildingID != uuid.Nil && opt.BuildingID != f.BuildingID {
			return nil, fmt.Errorf("floor %s is not in building %s: %w", opt.FloorID, opt.BuildingID, floorplan.ErrInvalid)
		}
		opt.BuildingID = f.BuildingID
	}
	if opt.BuildingID != uuid.Nil {
		if _, err := s.Building(ctx, opt.BuildingID); err != nil {
			return nil, fmt.Errorf("building %s: %w", opt.BuildingID, err)
		}
	}
	snap, err := s.Snapshot(ctx, day)
	if err != nil {
		return nil, err
	}
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	if err != nil {
		return nil, err
	}
	sites, err := s.Sites(ctx)
	if err != nil {
		return nil, err
	}
	d := &Data{AsOf: day, Report: rep, Snapshot: snap, Agencies: map[uuid.UUID]floorplan.Agency{},
		building: map[uuid.UUID]*floorplan.Building{}, floor: map[uuid.UUID]*floorplan.Floor{},
		frames: map[uuid.UUID]*geo.Frame{}}
	for _, a := range snap.Agencies {
		d.Agencies[a.ID] = a
	}
	usedSites := map[uuid.UUID]bool{}
	for _, b := range snap.Buildings {
		if opt.BuildingID == uuid.Nil || b.ID == opt.BuildingID {
			d.Buildings = append(d.Buildings, b)
			usedSites[b.SiteID] = true
		}
	}
	for _, st := range sites {
		if usedSites[st.ID] {
			d.Sites = append(d.Sites, st)
		}
	}
	slices.SortFunc(d.Buildings, func(a, b floorplan.Building) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID.String(), b.ID.String()))
	})
	pos := map[uuid.UUID]int{}
	for i := range d.Buildings {
		b := &d.Buildings[i]
		pos[b.ID] = i
		d.building[b.ID] = b
		d.frames[b.ID] = b.Georef.Frame()
	}
	for _, f := range snap.Floors {
		if _, ok := pos[f.BuildingID]; ok && (opt.FloorID == uuid.Nil || f.ID == opt.FloorID) {
			d.Floors = append(d.Floors, f)
		}
	}
	slices.SortFunc(d.Floors, func(a, b floorplan.Floor) int {
		return cmp.Or(cmp.Compare(pos[a.BuildingID], pos[b.BuildingID]), cmp.Compare(a.Ordinal, b.Ordinal))
	})
	fpos := map[uuid.UUID]int{}
	for i := range d.Floors {
		d.floor[d.Floors[i].ID] = &d.Floors[i]
		fpos[d.Floors[i].ID] = i
	}
	for _, r := range snap.Rooms {
		if _, ok := fpos[r.FloorID]; ok && r.DeletedAt.IsZero() {
			d.Rooms = append(d.Rooms, r)
		}
	}
	slices.SortFunc(d.Rooms, func(a, b floorplan.Room) int {
		return cmp.Or(cmp.Compare(fpos[a.FloorID], fpos[b.FloorID]), cmp.Compare(a.Number, b.Number),
			cmp.Compare(a.ID.String(), b.ID.String()))
	})
	return d, nil
}

// FloorOf returns a room's floor.
func (d *Data) FloorOf(r floorplan.Room) *floorplan.Floor { return d.floor[r.FloorID] }

// BuildingOf returns a floor's building.
func (d *Data) BuildingOf(f *floorplan.Floor) *floorplan.Building { return d.building[f.BuildingID] }

// LonLat returns a room's polygon in lon/lat, derived with its building's georeference.
func (d *Data) LonLat(r floorplan.Room) orb.Polygon {
	f := d.floor[r.FloorID]
	return d.frames[f.BuildingID].PolygonToLonLat(r.Geometry)
}

// AgencyName returns the name of an agency, or "" for uuid.Nil or an unknown one.
func (d *Data) AgencyName(id uuid.UUID) string {
	if a, ok := d.Agencies[id]; ok {
		return a.Name
	}
	return ""
}

// Standing returns a room's result on the day (zero when the evaluation has none).
func (d *Data) Standing(id uuid.UUID) floorplan.RoomResult {
	if d.Report == nil {
		return floorplan.RoomResult{}
	}
	rr, _ := d.Report.Room(id)
	return rr
}
