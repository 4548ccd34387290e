package gpkg

import (
	"context"
	"fmt"
)

// Schema version 8: what imports from CAD, OpenStreetMap, IMDF and the bureau's room register bring (the
// GeoPackage counterpart of migrations/0010_imports.sql).
//
//   - Two more room usages, shaft and void, which have no floor and never count as usable area: the
//     CHECK constraint rooms_usage_known accepts them (widenUsageCheck).
//   - rooms_all.source_category, the room's category in its source ('' when drawn here), and
//     rooms_all.recorded_area_m2, the usable area the bureau's room register records (NULL when none, 0
//     in Go; otherwise a finite positive number: rooms_recorded_area_positive).
//   - buildings_all.lang, the language of the names the source gave ('' for names typed here).
//   - floors_all.openings, the floor's doors and other openings: a GeoPackage MULTILINESTRING blob in
//     local metres (SRS 99999) beside outline. Like outline, it has no lon/lat copy in the file (the
//     layer's one geometry column is the outline's); the store validates it in Go (floorplan.Floor).
//   - Two live floors of a building may share an ordinal when their names differ: floors_ordinal_key is
//     unique on (building_id, ordinal, name).
//   - The layers rooms, buildings and floors are created again with the new columns, last as in the
//     tables.

// The end of the list of known usages in the CHECK constraint rooms_usage_known, before schema version
// 8 and since: sqlRegister writes usagesV8 into new files, and widenUsageCheck turns usagesV7 into it in
// older ones, so that both carry the same constraint, word for word.
const (
	usagesV7 = `'circulation', 'commercial'`
	usagesV8 = `'circulation', 'shaft', 'void', 'commercial'`
)

// sqlMigrateV8 is the schema part of version 8 besides the usages, and the last step of a new file's
// schema (sqlSchema). Adding the columns changes no row: no history records, no version moves.
const sqlMigrateV8 = `
ALTER TABLE rooms_all ADD COLUMN source_category TEXT NOT NULL DEFAULT '';
ALTER TABLE rooms_all ADD COLUMN recorded_area_m2 DOUBLE CONSTRAINT rooms_recorded_area_positive
  CHECK (recorded_area_m2 > 0 AND recorded_area_m2 < 9e999);
ALTER TABLE buildings_all ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE floors_all ADD COLUMN openings BLOB;
DROP INDEX floors_ordinal_key;
CREATE UNIQUE INDEX floors_ordinal_key ON floors_all (building_id, ordinal, name) WHERE deleted_at IS NULL;
` + sqlLayerViewsV8

// sqlLayerViewsV8 creates the views rooms, buildings and floors again with the columns of schema version
// 8. Their rows in gpkg_contents and gpkg_geometry_columns name them, not their definitions, and stay.
const sqlLayerViewsV8 = `
DROP VIEW rooms;
DROP VIEW buildings;
DROP VIEW floors;
CREATE VIEW rooms AS
SELECT fid, geom, id, floor_id, number, name, usage, agency_id, state, idle_since, local_geom, area_m2, source_id,
       version, created_at, valid_from, source_category, recorded_area_m2
  FROM rooms_all WHERE deleted_at IS NULL;
CREATE VIEW buildings AS
SELECT fid, geom, id, site_id, name, address, footprint, origin_lon, origin_lat, rotation_deg, scale, source_id,
       created_at, valid_from, version, lang
  FROM buildings_all WHERE deleted_at IS NULL;
CREATE VIEW floors AS
SELECT fid, geom, id, building_id, ordinal, name, elevation, outline, source_id, created_at, version, openings
  FROM floors_all WHERE deleted_at IS NULL;
`

// migrateV8 brings a register of version 7 to version 8, inside migrate's transaction: the usages, then
// the statements of sqlMigrateV8.
func migrateV8(ctx context.Context, q querier) error {
	if err := widenUsageCheck(ctx, q); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, sqlMigrateV8)
	return err
}

// Statements of widenUsageCheck.
const (
	sqlWritableSchema = `PRAGMA writable_schema = ON`
	// sqlResetSchema turns schema writing off and makes the connection read the schema again.
	sqlResetSchema = `PRAGMA writable_schema = RESET`
	// sqlWidenUsages replaces ?1 by ?2 in the definition of rooms_all when it holds ?1.
	sqlWidenUsages = `
UPDATE sqlite_master SET sql = replace(sql, ?1, ?2)
 WHERE type = 'table' AND name = 'rooms_all' AND instr(sql, ?1) > 0`
)

// widenUsageCheck adds shaft and void to the usages that rooms_usage_known accepts, in the definition of
// rooms_all (usagesV7 becomes usagesV8). SQLite cannot alter a CHECK constraint; rather than copying every
// room into a new table (which, with foreign keys on in a transaction, would also mean moving the
// assignments out of the way), the constraint's text is edited in sqlite_master, as SQLite documents for
// changes that no stored row can break (https://sqlite.org/lang_altertable.html#otheralter: a constraint
// that accepts every row the old one did needs no data to change). The connection then reads the schema
// again (writable_schema RESET), and the DDL of sqlMigrateV8, which follows in the same transaction,
// moves the schema cookie on so that other connections read it again too. A definition without the old
// list is not one officemap wrote: the migration fails and the file stays as it was.
func widenUsageCheck(ctx context.Context, q querier) error {
	if _, err := q.ExecContext(ctx, sqlWritableSchema); err != nil {
		return err
	}
	res, err := q.ExecContext(ctx, sqlWidenUsages, usagesV7, usagesV8)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n != 1 {
			err = fmt.Errorf("rooms_usage_known: the definition of rooms_all does not list the usages %s", usagesV7)
		}
	}
	if _, rerr := q.ExecContext(ctx, sqlResetSchema); err == nil {
		err = rerr
	}
	return err
}
