package gpkg

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

func roomImageOf(r floorplan.Room) roomImage {
	return roomImage{ID: jsonID(r.ID), FloorID: jsonID(r.FloorID), Number: r.Number, Name: r.Name,
		Usage: string(r.Usage), AgencyID: jsonID(r.AgencyID), State: string(r.State),
		IdleSince: jsonDate(r.IdleSince), Geom: jsonPolygon(r.Geometry), AreaM2: geo.Area(r.Geometry),
		SourceID: r.SourceID, Version: r.Version, CreatedAt: jsonInstant(r.CreatedAt),
		DeletedAt: jsonInstant(r.DeletedAt), ValidFrom: jsonDate(r.ValidFrom), SourceCategory: r.SourceCategory,
		RecordedAreaM2: jsonArea(r.RecordedAreaM2)}
}

// deletedRoom is r deleted at the instant at: deleting moves the version on.
func deletedRoom(r floorplan.Room, at time.Time) floorplan.Room {
	r.Version, r.DeletedAt = r.Version+1, at
	return r
}

const roomColumns = `r.id, r.floor_id, r.number, r.name, r.usage, r.agency_id, r.state, CAST(r.idle_since AS TEXT), r.local_geom,
       r.source_id, r.version, CAST(r.created_at AS TEXT), CAST(r.deleted_at AS TEXT), CAST(r.valid_from AS TEXT),
       r.source_category, coalesce(r.recorded_area_m2, 0)`

func (s *Store) scanRoom(row scanner) (floorplan.Room, error) {
	var (
		r    floorplan.Room
		geom []byte
	)
	err := row.Scan(idCol{&r.ID}, idCol{&r.FloorID}, &r.Number, &r.Name, &r.Usage, idCol{&r.AgencyID}, &r.State,
		dateCol{&r.IdleSince}, &geom, &r.SourceID, &r.Version, instantCol{&r.CreatedAt, s.loc},
		instantCol{&r.DeletedAt, s.loc}, dateCol{&r.ValidFrom}, &r.SourceCategory, &r.RecordedAreaM2)
	if err != nil {
		return r, err
	}
	r.Geometry, err = decodePolygon(geom)
	return r, err
}

const sqlFloorFrame = `
SELECT b.origin_lon, b.origin_lat, b.rotation_deg, b.scale
  FROM floors_all f JOIN buildings_all b ON b.id = f.building_id
 WHERE f.id = ? AND f.deleted_at IS NULL AND b.deleted_at IS NULL`

// floorFrame returns the frame of a live floor's building.
func floorFrame(ctx context.Context, q querier, floorID uuid.UUID) (*geo.Frame, error) {
	return readFrame(ctx, q, sqlFloorFrame, floorID, "floor")
}

const sqlLiveAgency = `SELECT 1 FROM agencies WHERE id = ? AND deleted_at IS NULL`

// roomGeometry checks the room's floor (and agency) and returns its local polygon's blob, its lon/lat
// polygon and that polygon's blob.
func roomGeometry(ctx context.Context, q querier, r *floorplan.Room) (local []byte, ll orb.Polygon, llBlob []byte, err error) {
	frame, err := floorFrame(ctx, q, r.FloorID)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := liveIfGiven(ctx, q, sqlLiveAgency, r.AgencyID, "agency"); err != nil {
		return nil, nil, nil, err
	}
	if local, err = encodeGeom(r.Geometry, srsLocal); err != nil {
		return nil, nil, nil, err
	}
	ll = frame.PolygonToLonLat(r.Geometry)
	if llBlob, err = encodeGeom(ll, srsLonLat); err != nil {
		return nil, nil, nil, err
	}
	return local, ll, llBlob, nil
}

// sqlOverlapCandidates finds, through the R-tree of the lon/lat polygons, the live rooms of a floor whose
// envelope meets an envelope (?1..?4: min lon, min lat, max lon, max lat), other than room ?6.
const sqlOverlapCandidates = `
SELECT r.id, r.number, r.local_geom
  FROM rtree_rooms_geom t JOIN rooms_all r ON r.fid = t.id
 WHERE t.minx <= ?3 AND t.maxx >= ?1 AND t.miny <= ?4 AND t.maxy >= ?2
   AND r.floor_id = ?5 AND r.deleted_at IS NULL AND r.id <> ?6`

// checkOverlap refuses a room whose local polygon overlaps a live room of its floor with a positive area
// (geo.Overlaps: shared walls and corners pass). It runs inside the writer's transaction, so no other
// write can slip in between the check and the write. Of several rooms overlapped, it names the first by
// number, as the PostGIS store does.
func checkOverlap(ctx context.Context, q querier, r *floorplan.Room, id uuid.UUID, ll orb.Polygon) error {
	b := ll.Bound()
	rows, err := q.QueryContext(ctx, sqlOverlapCandidates, b.Min[0], b.Min[1], b.Max[0], b.Max[1],
		r.FloorID.String(), id.String())
	if err != nil {
		return err
	}
	defer rows.Close()
	var found *floorplan.OverlapError
	for rows.Next() {
		var (
			otherID uuid.UUID
			number  string
			blob    []byte
		)
		if err := rows.Scan(idCol{&otherID}, &number, &blob); err != nil {
			return err
		}
		other, err := decodePolygon(blob)
		if err != nil {
			return err
		}
		if !mayOverlap(r.Geometry.Bound(), other.Bound()) {
			continue
		}
		overlaps, area, err := geo.Overlaps(r.Geometry, other)
		if err != nil {
			return fmt.Errorf("gpkg: overlap of room %s with room %s: %w", r.Number, number, err)
		}
		if !overlaps {
			continue
		}
		if found == nil || number < found.OtherNumber || (number == found.OtherNumber && otherID.String() < found.OtherID.String()) {
			found = &floorplan.OverlapError{RoomID: r.ID, OtherID: otherID, OtherNumber: number, AreaM2: area}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if found != nil {
		return found
	}
	return nil
}

// mayOverlap reports whether polygons with these bounds can overlap by geo.MinOverlapArea or more: their
// overlap lies inside the intersection of the bounds. Neighbours that share a wall have bounds that meet
// in a line, and skip the costly overlay of geo.Overlaps.
func mayOverlap(a, b orb.Bound) bool {
	w := min(a.Max[0], b.Max[0]) - max(a.Min[0], b.Min[0])
	h := min(a.Max[1], b.Max[1]) - max(a.Min[1], b.Min[1])
	return w > 0 && h > 0 && w*h >= geo.MinOverlapArea
}

const sqlInsertRoom = `
INSERT INTO rooms_all (geom, id, floor_id, number, name, usage, agency_id, state, idle_since, local_geom, area_m2,
                   source_id, version, created_at, valid_from, source_category, recorded_area_m2)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`

// validFrom is the day a new room or building exists from: its own ValidFrom, else the effective day of
// ctx, else today (as the PostGIS store).
func (s *Store) validFrom(ctx context.Context, own time.Time, now time.Time) time.Time {
	if !own.IsZero() {
		return floorplan.DayOf(own)
	}
	if d, ok := floorplan.EffectiveFrom(ctx); ok {
		return d
	}
	return floorplan.DayOf(now.In(s.loc))
}

// CreateRoom adds a room to a floor. Its lon/lat polygon is derived with the building's frame; a room
// that would overlap a live room of the floor is refused with an *floorplan.OverlapError. A non-zero
// CreatedAt is kept (an import's registration date); otherwise it is now. ValidFrom is the room's own
// when given, else the effective day of ctx, else today.
func (s *Store) CreateRoom(ctx context.Context, r *floorplan.Room) error {
	if err := floorplan.CheckRoom(ctx, r); err != nil {
		return err
	}
	id := newID(r.ID)
	now := s.now()
	validFrom := s.validFrom(ctx, r.ValidFrom, now)
	created, createdText := createdAt(r.CreatedAt, now)
	err := s.write(ctx, func(q querier) error {
		local, ll, llBlob, err := roomGeometry(ctx, q, r)
		if err != nil {
			return err
		}
		if err := s.overlaps(ctx, q, r, id, ll); err != nil {
			return err
		}
		nw := *r
		nw.ID, nw.Version, nw.CreatedAt, nw.DeletedAt, nw.ValidFrom = id, 1, created.In(s.loc), time.Time{}, validFrom
		return s.rooms().insert(ctx, q, now, id, nw, sqlInsertRoom, llBlob, id.String(), r.FloorID.String(), r.Number,
			r.Name, r.Usage, nullID(r.AgencyID), r.State, nullDate(r.IdleSince), local, geo.Area(r.Geometry), r.SourceID,
			createdText, nullDate(validFrom), r.SourceCategory, nullArea(r.RecordedAreaM2))
	})
	if err != nil {
		return err
	}
	r.ID, r.Version, r.CreatedAt, r.DeletedAt, r.ValidFrom = id, 1, created.In(s.loc), time.Time{}, validFrom
	return nil
}

// Room returns a live room.
func (s *Store) Room(ctx context.Context, id uuid.UUID) (floorplan.Room, error) {
	r, err := s.rooms().live(ctx, s.reader(), id)
	return r, wrapErr(err)
}

// Rooms queries: each of ?1 floor, ?2 building, ?3 agency and ?4 number filters when not NULL, and
// ?5…?7 keep the rooms of a read scope (roomFilters, scopeArgs). The first filter given picks the query, so that an index leads.
const (
	roomFilters = `
   AND (?1 IS NULL OR r.floor_id = ?1)
   AND (?2 IS NULL OR f.building_id = ?2)
   AND (?3 IS NULL OR r.agency_id = ?3)
   AND (?4 IS NULL OR r.number = ?4)
   AND ` + roomInScope + `
 ORDER BY f.building_id, f.ordinal, r.number, r.id`
	roomsOnFloors   = `SELECT ` + roomColumns + ` FROM rooms_all r JOIN floors_all f ON f.id = r.floor_id`
	sqlRoomsByFloor = roomsOnFloors + `
 WHERE r.floor_id = ?1 AND r.deleted_at IS NULL` + roomFilters
	sqlRoomsByBuilding = `SELECT ` + roomColumns + ` FROM floors_all f JOIN rooms_all r ON r.floor_id = f.id
 WHERE f.building_id = ?2 AND f.deleted_at IS NULL AND r.deleted_at IS NULL` + roomFilters
	sqlRoomsByAgency = roomsOnFloors + `
 WHERE r.agency_id = ?3 AND r.deleted_at IS NULL` + roomFilters
	sqlRoomsAll = `SELECT ` + roomColumns + ` FROM rooms_all r NOT INDEXED JOIN floors_all f ON f.id = r.floor_id
 WHERE r.deleted_at IS NULL` + roomFilters
)

// Rooms lists the live rooms matching f (in f.In), by building, floor ordinal and number.
func (s *Store) Rooms(ctx context.Context, f floorplan.RoomFilter) ([]floorplan.Room, error) {
	var number any
	if f.Number != "" {
		number = f.Number
	}
	query := sqlRoomsAll
	switch {
	case f.FloorID != uuid.Nil:
		query = sqlRoomsByFloor
	case f.BuildingID != uuid.Nil:
		query = sqlRoomsByBuilding
	case f.AgencyID != uuid.Nil:
		query = sqlRoomsByAgency
	}
	args := append([]any{nullID(f.FloorID), nullID(f.BuildingID), nullID(f.AgencyID), number}, scopeArgs(f.In)[:3]...)
	return collect(ctx, s.reader(), s.scanRoom, query, args...)
}

const (
	sqlUpdateRoom = `
UPDATE rooms_all SET geom = ?, floor_id = ?, number = ?, name = ?, usage = ?, agency_id = ?, state = ?, idle_since = ?,
       local_geom = ?, area_m2 = ?, source_id = ?, valid_from = ?, source_category = ?, recorded_area_m2 = ?,
       version = version + 1
 WHERE id = ? AND version = ? AND deleted_at IS NULL`
)

// UpdateRoom replaces a live room's fields if r.Version is still its version, and moves r.Version on. A
// zero ValidFrom keeps the stored one (and r.ValidFrom is then that one).
func (s *Store) UpdateRoom(ctx context.Context, r *floorplan.Room) error {
	if err := floorplan.CheckRoom(ctx, r); err != nil {
		return err
	}
	now := s.now()
	var (
		version   int64
		validFrom time.Time
	)
	err := s.write(ctx, func(q querier) error {
		local, ll, llBlob, err := roomGeometry(ctx, q, r)
		if err != nil {
			return err
		}
		_, err = s.rooms().update(ctx, q, now, r.ID, func(old floorplan.Room) (floorplan.Room, error) {
			if err := stale("room", old.Version, r.Version); err != nil {
				return old, err
			}
			if err := s.overlaps(ctx, q, r, r.ID, ll); err != nil {
				return old, err
			}
			validFrom = old.ValidFrom
			if !r.ValidFrom.IsZero() {
				validFrom = floorplan.DayOf(r.ValidFrom)
			}
			_, err = q.ExecContext(ctx, sqlUpdateRoom, llBlob, r.FloorID.String(), r.Number, r.Name, r.Usage,
				nullID(r.AgencyID), r.State, nullDate(r.IdleSince), local, geo.Area(r.Geometry), r.SourceID,
				nullDate(validFrom), r.SourceCategory, nullArea(r.RecordedAreaM2), r.ID.String(), r.Version)
			nw := *r
			nw.Version, nw.CreatedAt, nw.DeletedAt, nw.ValidFrom = old.Version+1, old.CreatedAt, time.Time{}, validFrom
			version = nw.Version
			return nw, err
		})
		return err
	})
	if err != nil {
		return err
	}
	r.Version, r.ValidFrom = version, validFrom
	return nil
}

const (
	sqlRoomInUse = `
SELECT count(*) FROM assignments
 WHERE room_id = ? AND deleted_at IS NULL AND (end_date IS NULL OR end_date > ?)`
)

// DeleteRoom deletes a live room at the given version. A room that people are still assigned to (an
// assignment not ended by today) is in use.
func (s *Store) DeleteRoom(ctx context.Context, id uuid.UUID, version int64) error {
	now := s.now()
	today := nullDate(s.today())
	return s.write(ctx, func(q querier) error {
		_, err := s.rooms().remove(ctx, q, now, id, func(q querier, old floorplan.Room) error {
			if err := stale("room", old.Version, version); err != nil {
				return err
			}
			return refuseInUse(ctx, q, []any{id.String(), today},
				inUseCheck{sqlRoomInUse, "people are still assigned to the room (%d assignment(s))"})
		})
		return err
	})
}
