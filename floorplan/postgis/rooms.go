package postgis

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"officemap/floorplan"
	"officemap/geo"
)

const roomColumns = `r.id, r.floor_id, r.number, r.name, r.usage, r.agency_id, r.state, r.idle_since,
       ST_AsEWKB(r.geom), r.source_id, r.version, r.valid_from, r.created_at, r.deleted_at, r.source_category,
       coalesce(r.recorded_area_m2, 0)`

func (s *Store) scanRoom(row pgx.Row) (floorplan.Room, error) {
	var (
		r                  floorplan.Room
		agency             pgtype.UUID
		idle, validFrom    pgtype.Date
		geom               []byte
		created, deletedAt pgtype.Timestamptz
	)
	err := row.Scan(uuidDst(&r.ID), uuidDst(&r.FloorID), &r.Number, &r.Name, &r.Usage, &agency, &r.State, &idle, &geom,
		&r.SourceID, &r.Version, &validFrom, &created, &deletedAt, &r.SourceCategory, &r.RecordedAreaM2)
	if err != nil {
		return r, err
	}
	if agency.Valid {
		r.AgencyID = agency.Bytes
	}
	r.IdleSince = dateOf(idle)
	r.ValidFrom = dateOf(validFrom)
	r.CreatedAt = timeOf(created, s.loc)
	r.DeletedAt = timeOf(deletedAt, s.loc)
	r.Geometry, err = decodePolygon(geom)
	return r, err
}

// lockFloorFrameSQL returns the georeference of a live floor's building, holding the floor against
// deletion (KEY SHARE) and the building against a change of georeference (SHARE) until the transaction
// ends.
const lockFloorFrameSQL = `
SELECT b.origin_lon, b.origin_lat, b.rotation_deg, b.scale
  FROM floors f JOIN buildings b ON b.id = f.building_id
 WHERE f.id = $1 AND f.deleted_at IS NULL AND b.deleted_at IS NULL
   FOR KEY SHARE OF f FOR SHARE OF b`

// floorFrame returns the frame of a live floor's building, locked as lockFloorFrameSQL says.
func floorFrame(ctx context.Context, tx pgx.Tx, floorID uuid.UUID) (*geo.Frame, error) {
	return readFrame(ctx, tx, lockFloorFrameSQL, floorID, "floor")
}

// lockAgencyShareSQL makes sure an agency is live and keeps it so until the transaction ends.
const lockAgencyShareSQL = `SELECT id FROM agencies WHERE id = $1 AND deleted_at IS NULL FOR KEY SHARE`

const insertRoomSQL = `
INSERT INTO rooms (id, floor_id, number, name, usage, agency_id, state, idle_since, geom, geom_ll, source_id,
                   created_at, valid_from, source_category, recorded_area_m2)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ST_GeomFromEWKB($9), ST_GeomFromEWKB($10), $11, coalesce($12, now()), $13,
        $14, nullif($15::double precision, 0))
RETURNING version, created_at`

// CreateRoom adds a room to a floor. Its lon/lat polygon is derived with the building's frame; the
// database refuses it if it overlaps a live room of the floor (*floorplan.OverlapError). A non-zero
// CreatedAt is kept (an import's registration date); otherwise it is now. ValidFrom is the room's own
// when given, else the effective day of ctx, else today (floorplan.DefaultEffective).
func (s *Store) CreateRoom(ctx context.Context, r *floorplan.Room) error {
	if err := floorplan.CheckRoom(ctx, r); err != nil {
		return err
	}
	validFrom := s.validFrom(ctx, r.ValidFrom)
	id := newID(r.ID)
	var (
		version int64
		created time.Time
	)
	err := s.writeRoom(ctx, r, func(tx pgx.Tx, local, ll []byte) error {
		return tx.QueryRow(ctx, insertRoomSQL, id, r.FloorID, r.Number, r.Name, r.Usage, nullID(r.AgencyID), r.State,
			nullDate(r.IdleSince), local, ll, r.SourceID, nullTime(r.CreatedAt), validFrom, r.SourceCategory,
			r.RecordedAreaM2).Scan(&version, &created)
	})
	if err != nil {
		return err
	}
	r.ID, r.Version, r.CreatedAt, r.DeletedAt, r.ValidFrom = id, version, created.In(s.loc), time.Time{}, validFrom
	return nil
}

// validFrom is the day a new room or building exists from: its own ValidFrom, else the effective day of
// ctx, else today.
func (s *Store) validFrom(ctx context.Context, own time.Time) time.Time {
	if !own.IsZero() {
		return floorplan.DayOf(own)
	}
	if d, ok := floorplan.EffectiveFrom(ctx); ok {
		return d
	}
	return s.today()
}

// writeRoom runs a write of room r: fn gets the room's local and lon/lat EWKB (roomGeometry). A
// geometry the database refuses is explained (geometryError), and an overlap names r as the caller did
// (newRoomError).
func (s *Store) writeRoom(ctx context.Context, r *floorplan.Room, fn func(tx pgx.Tx, local, ll []byte) error) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		local, ll, err := s.roomGeometry(ctx, tx, r)
		if err != nil {
			return err
		}
		return s.geometryError(ctx, fn(tx, local, ll), "room", local, ll)
	})
	return newRoomError(err, r.ID)
}

// roomGeometry locks the room's floor (and agency) and returns its local and lon/lat EWKB.
func (s *Store) roomGeometry(ctx context.Context, tx pgx.Tx, r *floorplan.Room) (local, ll []byte, err error) {
	frame, err := floorFrame(ctx, tx, r.FloorID)
	if err != nil {
		return nil, nil, err
	}
	if err := lockLiveIfGiven(ctx, tx, lockAgencyShareSQL, r.AgencyID, "agency"); err != nil {
		return nil, nil, err
	}
	return derived(r.Geometry, frame)
}

// newRoomError sets OverlapError.RoomID to the room as the caller named it (uuid.Nil for a new room).
func newRoomError(err error, id uuid.UUID) error {
	if oe, ok := err.(*floorplan.OverlapError); ok {
		oe.RoomID = id
	}
	return err
}

const roomSQL = `SELECT ` + roomColumns + ` FROM rooms r WHERE r.id = $1 AND r.deleted_at IS NULL`

// Room returns a live room.
func (s *Store) Room(ctx context.Context, id uuid.UUID) (floorplan.Room, error) {
	return readOne(ctx, s, s.scanRoom, roomSQL, "room", id)
}

// roomsQuery returns the query of the live rooms f selects, by building, floor ordinal and number, and its
// arguments. Only the filters f sets are in the query, each a plain condition on its column: a prepared
// statement with optional filters (`$1 IS NULL OR r.floor_id = $1`) has a generic plan that can use no index
// for them, which PostgreSQL adopts after five executions, and a caller reading floor after floor (a batch's
// outline check did, thousands of floors) then scans every room of the register for each. A generic plan
// is still made once, on the statistics of the moment: reads in the transaction of a bulk load, after it,
// can get a plan made for a much smaller table, which is why the outline check of bulk-inserted rooms reads
// no rooms (floorplan's outlineGuard).
func roomsQuery(f floorplan.RoomFilter) (string, []any) {
	var q strings.Builder
	q.WriteString(`SELECT ` + roomColumns + `
  FROM rooms r JOIN floors f ON f.id = r.floor_id
 WHERE r.deleted_at IS NULL`)
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.FloorID != uuid.Nil {
		q.WriteString(` AND r.floor_id = ` + arg(f.FloorID))
	}
	if f.BuildingID != uuid.Nil {
		q.WriteString(` AND f.building_id = ` + arg(f.BuildingID))
	}
	if f.AgencyID != uuid.Nil {
		q.WriteString(` AND r.agency_id = ` + arg(f.AgencyID))
	}
	if f.Number != "" {
		q.WriteString(` AND r.number = ` + arg(f.Number))
	}
	if f.In.Limited {
		scope := scopeArgs(f.In) // limited, agencies, floors, …
		q.WriteString(` AND ` + roomVisible(arg(scope[1]), arg(scope[2])))
	}
	q.WriteString(` ORDER BY f.building_id, f.ordinal, r.number, r.id`)
	return q.String(), args
}

// Rooms lists the live rooms matching f (in f.In), by building, floor ordinal and number.
func (s *Store) Rooms(ctx context.Context, f floorplan.RoomFilter) ([]floorplan.Room, error) {
	sql, args := roomsQuery(f)
	return readAll(ctx, s, s.scanRoom, sql, args...)
}

const (
	updateRoomSQL = `
UPDATE rooms SET floor_id = $3, number = $4, name = $5, usage = $6, agency_id = $7, state = $8, idle_since = $9,
       geom = ST_GeomFromEWKB($10), geom_ll = ST_GeomFromEWKB($11), source_id = $12,
       valid_from = coalesce($13, valid_from), source_category = $14, recorded_area_m2 = nullif($15::double precision, 0),
       version = version + 1
 WHERE id = $1 AND version = $2 AND deleted_at IS NULL
RETURNING version, valid_from`
	roomVersionSQL = `SELECT version FROM rooms WHERE id = $1 AND deleted_at IS NULL`
)

// UpdateRoom replaces a live room's fields if r.Version is still its version, and moves r.Version on. A
// zero ValidFrom keeps the stored one.
func (s *Store) UpdateRoom(ctx context.Context, r *floorplan.Room) error {
	if err := floorplan.CheckRoom(ctx, r); err != nil {
		return err
	}
	var (
		version   int64
		validFrom pgtype.Date
	)
	err := s.writeRoom(ctx, r, func(tx pgx.Tx, local, ll []byte) error {
		err := tx.QueryRow(ctx, updateRoomSQL, r.ID, r.Version, r.FloorID, r.Number, r.Name, r.Usage,
			nullID(r.AgencyID), r.State, nullDate(r.IdleSince), local, ll, r.SourceID, nullDate(r.ValidFrom),
			r.SourceCategory, r.RecordedAreaM2).Scan(&version, &validFrom)
		if err == pgx.ErrNoRows {
			return staleOrMissing(ctx, tx, roomVersionSQL, "room", r.ID, r.Version)
		}
		return err
	})
	if err != nil {
		return err
	}
	r.Version, r.ValidFrom = version, dateOf(validFrom)
	return nil
}

const (
	lockRoomSQL  = `SELECT version FROM rooms WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`
	roomInUseSQL = `
SELECT count(*) FROM assignments
 WHERE room_id = $1 AND deleted_at IS NULL AND (end_date IS NULL OR end_date > $2)`
	deleteRoomSQL = `UPDATE rooms SET deleted_at = now(), version = version + 1 WHERE id = $1`
)

// DeleteRoom deletes a live room at the given version. A room that people are still assigned to (an
// assignment not ended by today) is in use.
func (s *Store) DeleteRoom(ctx context.Context, id uuid.UUID, version int64) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		return deleteVersioned(ctx, tx, id, version, "room", lockRoomSQL, deleteRoomSQL, s.today(),
			inUse{roomInUseSQL, "people are still assigned to the room (%d assignment(s))"})
	})
}

// today is the current calendar day in the store's time zone.
func (s *Store) today() time.Time { return floorplan.DayOf(time.Now().In(s.loc)) }
