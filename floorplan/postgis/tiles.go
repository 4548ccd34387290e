package postgis

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

// The one-query tile path (api/tiles' RowStore): a tile's features with everything its vector tile
// shows, the rooms' stored statuses joined in (room_states and the states' day, migration 0013), in one
// round trip; the rows are handed to the caller as they come, their columns in PostgreSQL's binary form,
// the polygons as WKB (ST_AsBinary), so that nothing is decoded or copied twice.

// roomTileRowsSQL is roomFeaturesSQL's rooms with their status: $1..$4 the envelope (min lon, min lat,
// max lon, max lat), $5…$7 the read scope (scopeArgs, roomInScope), $8 floor and $9 level when not NULL,
// and $10 the day the statuses must be for. The status is NULL unless the room's state and the states as a
// whole (room_states_day) are for $10 — a state of another day, states marked stale (no day), or a room
// without a state (one written around the register) — for the caller to get those statuses otherwise.
// The states' day is read once per query (a scalar subquery: an InitPlan), not joined: the prepared
// statement's generic plan put room_states_day inside the nested loop, scanned again for every room, each
// scan asking the kernel the table's size (lseek): half of PostgreSQL's time on a z18 tile of 800 rooms,
// 5.2–6.6 ms → 2.5–2.7 ms (2-core machine of issue 15).
var roomTileRowsSQL = `
SELECT r.id, ST_AsBinary(r.geom_ll), r.floor_id, f.ordinal, r.number, r.usage, r.agency_id, r.area_m2,
       CASE WHEN s.as_of = $10 AND (SELECT d.as_of FROM room_states_day d) = $10 THEN s.status END
  FROM rooms r JOIN floors f ON f.id = r.floor_id
  LEFT JOIN room_states s ON s.room_id = r.id
 WHERE r.deleted_at IS NULL
   AND r.geom_ll && ST_MakeEnvelope($1, $2, $3, $4, 4326)
   AND ` + roomInScope + `
   AND ($8::uuid IS NULL OR r.floor_id = $8)
   AND ($9::integer IS NULL OR f.ordinal = $9)`

// buildingTileRowsSQL is buildingFeaturesSQL as tile rows: $1..$4 the envelope, $5 the visible buildings
// (NULL: all).
const buildingTileRowsSQL = `
SELECT b.id, ST_AsBinary(b.footprint_ll), b.name, ST_Area(b.footprint)
  FROM buildings b
 WHERE b.deleted_at IS NULL
   AND b.footprint_ll && ST_MakeEnvelope($1, $2, $3, $4, 4326)
   AND ($5::uuid[] IS NULL OR b.id = ANY($5))`

// TileRows calls fn with each live feature of layer whose lon/lat bounding box meets bound b (as the tile
// servers' queries select them: the encoder clips each geometry to the tile and drops what leaves
// nothing, so the exact test, some 1–5 ms of a z18 tile's 550 rooms, is not made twice), kept by the
// filter's floor, level and read scope (f.In) in the query; Limit, Offset and Ordered are ignored. A
// room's row has its stored status when it holds for day (floorplan.TileRow.Status). The row and its
// slices are reused for the next row: fn must copy what it keeps. An error of fn stops the query and is
// returned as it is.
func (s *Store) TileRows(ctx context.Context, layer floorplan.Layer, b orb.Bound, f floorplan.FeatureFilter,
	day time.Time, fn func(*floorplan.TileRow) error) error {
	args := []any{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	scope := scopeArgs(f.In)
	var query string
	var scan func(vals [][]byte, row *floorplan.TileRow) error
	switch layer {
	case floorplan.LayerRooms:
		var level any
		if f.HasLevel {
			level = f.Level
		}
		query, scan = roomTileRowsSQL, scanRoomTileRow
		args = append(append(args, scope[:3]...), nullID(f.FloorID), level, nullDate(floorplan.DayOf(day)))
	case floorplan.LayerBuildings:
		query, scan = buildingTileRowsSQL, scanBuildingTileRow
		args = append(args, scope[3])
	default:
		return floorplan.Invalidf("unknown layer %q", layer)
	}
	var fnErr error
	delivered := false
	err := s.query(ctx, query, func(q querier) error {
		if delivered { // a read run again on a broken connection would give fn its rows twice
			return fmt.Errorf("postgis: tile rows: the connection broke after some rows were read")
		}
		rows, err := q.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		if err := binaryResults(rows.FieldDescriptions()); err != nil {
			return err
		}
		var row floorplan.TileRow
		for rows.Next() {
			if err := scan(rows.RawValues(), &row); err != nil {
				return err
			}
			delivered = true
			if fnErr = fn(&row); fnErr != nil {
				return fnErr
			}
		}
		return rows.Err()
	})
	if fnErr != nil {
		return fnErr
	}
	return mapError(err)
}

// binaryResults checks that every column but text ones comes in binary form, as pgx asks for them on a
// prepared statement (its default mode): the scanners read them as such.
func binaryResults(fds []pgconn.FieldDescription) error {
	for _, fd := range fds {
		if fd.Format != pgx.BinaryFormatCode && fd.DataTypeOID != pgtype.TextOID {
			return fmt.Errorf("postgis: tile rows: column %s comes as text (a connection without prepared statements?)", fd.Name)
		}
	}
	return nil
}

// scanRoomTileRow reads roomTileRowsSQL's columns into row.
func scanRoomTileRow(vals [][]byte, row *floorplan.TileRow) error {
	if len(vals) != 9 {
		return fmt.Errorf("postgis: room tile row: %d columns", len(vals))
	}
	var err error
	if row.ID, err = binaryUUID(vals[0], true); err != nil {
		return err
	}
	if row.FloorID, err = binaryUUID(vals[2], true); err != nil {
		return err
	}
	if row.AgencyID, err = binaryUUID(vals[6], false); err != nil {
		return err
	}
	if len(vals[3]) != 4 {
		return fmt.Errorf("postgis: room tile row: ordinal of %d bytes", len(vals[3]))
	}
	row.Level = int(int32(binary.BigEndian.Uint32(vals[3])))
	row.WKB, row.Number, row.Usage, row.Name, row.Status = vals[1], vals[4], vals[5], nil, vals[8]
	row.AreaM2, err = binaryFloat(vals[7])
	return err
}

// scanBuildingTileRow reads buildingTileRowsSQL's columns into row.
func scanBuildingTileRow(vals [][]byte, row *floorplan.TileRow) error {
	if len(vals) != 4 {
		return fmt.Errorf("postgis: building tile row: %d columns", len(vals))
	}
	var err error
	if row.ID, err = binaryUUID(vals[0], true); err != nil {
		return err
	}
	row.WKB, row.Name, row.Number, row.Usage, row.Status = vals[1], vals[2], nil, nil, nil
	row.FloorID, row.AgencyID, row.Level = [16]byte{}, [16]byte{}, 0
	row.AreaM2, err = binaryFloat(vals[3])
	return err
}

// binaryUUID reads a uuid in binary form; NULL is uuid.Nil unless required.
func binaryUUID(b []byte, required bool) ([16]byte, error) {
	var id [16]byte
	switch {
	case b == nil && !required:
		return id, nil
	case len(b) != 16:
		return id, fmt.Errorf("postgis: tile row: a uuid of %d bytes", len(b))
	}
	copy(id[:], b)
	return id, nil
}

// binaryFloat reads a double precision in binary form; NULL is 0.
func binaryFloat(b []byte) (float64, error) {
	switch len(b) {
	case 0:
		return 0, nil
	case 8:
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	}
	return 0, fmt.Errorf("postgis: tile row: a double of %d bytes", len(b))
}
