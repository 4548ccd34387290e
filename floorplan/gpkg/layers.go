package gpkg

// The map layers (schema version 6). The layers sites, buildings, floors and rooms that QGIS and GDAL
// list are views of the live rows of the tables sites_all, buildings_all, floors_all and rooms_all,
// registered in gpkg_contents and gpkg_geometry_columns under the names the tables had before; the tables
// themselves are not registered, so GIS tools see only the views. The package doc says why.
//
// Each view has the table's columns but deleted_at, which is NULL in every live row; its first column is
// the table's integer primary key fid, which GDAL takes as the FID (GeoPackage requirement 150 for
// views). The spatial index of each layer is the R-tree the table had, rtree_<layer>_geom, keyed by that
// fid: the specification's triggers, which now fire on the table, keep it in step, and a deleted row has
// no lon/lat geometry, so the R-tree holds the layer's rows only. GDAL filters a view by its R-tree as it
// does a table.
//
// A view is read-only: GIS tools show the register but cannot write to it around the store's rules and
// history (writing was never meant to go that way: see officemap_register in gpkg_extensions).
//
// A later migration that adds a column to one of the tables must create its view again, with the column.

// sqlMigrateV6 is the schema part of version 6, and the last step of a new file's schema (sqlSchema):
// the tables are renamed (SQLite rewrites the references to them: the foreign keys of other tables, the
// version and R-tree triggers), the views take their names, and the layers' descriptions say what they
// hold. No row changes.
const sqlMigrateV6 = `
ALTER TABLE sites RENAME TO sites_all;
ALTER TABLE buildings RENAME TO buildings_all;
ALTER TABLE floors RENAME TO floors_all;
ALTER TABLE rooms RENAME TO rooms_all;

` + sqlLayerViewsV6 + `CREATE VIEW rooms AS
SELECT fid, geom, id, floor_id, number, name, usage, agency_id, state, idle_since, local_geom, area_m2, source_id,
       version, created_at, valid_from
  FROM rooms_all WHERE deleted_at IS NULL;

UPDATE gpkg_contents SET description = 'live properties (房产); deleted ones are in history; geometry: the extent of their buildings, lon/lat'
 WHERE table_name = 'sites';
UPDATE gpkg_contents SET description = 'live buildings; deleted ones are in history; geometry: footprint in lon/lat, derived from footprint (local metres, SRS 99999)'
 WHERE table_name = 'buildings';
UPDATE gpkg_contents SET description = 'live floors (levels); deleted ones are in history; geometry: outline in lon/lat, derived from outline (local metres, SRS 99999)'
 WHERE table_name = 'floors';
UPDATE gpkg_contents SET description = 'live rooms; deleted ones are in history; state: the recorded state (in_use, idle, under_repair, leased), not the over-standard status, which officemap computes for a day; geometry: lon/lat, derived from local_geom (local metres, SRS 99999, the source of truth for area_m2)'
 WHERE table_name = 'rooms';
`

// sqlLayerViewsV6 are the views sites, buildings and floors of schema version 6 (sqlMigrateV6).
const sqlLayerViewsV6 = `
CREATE VIEW sites AS
SELECT fid, geom, id, name, address, category, ownership, records, note, created_at, jurisdiction_id
  FROM sites_all WHERE deleted_at IS NULL;
CREATE VIEW buildings AS
SELECT fid, geom, id, site_id, name, address, footprint, origin_lon, origin_lat, rotation_deg, scale, source_id,
       created_at, valid_from
  FROM buildings_all WHERE deleted_at IS NULL;
CREATE VIEW floors AS
SELECT fid, geom, id, building_id, ordinal, name, elevation, outline, source_id, created_at
  FROM floors_all WHERE deleted_at IS NULL;
`

// sqlLayerViewsV7 creates the views sites, buildings and floors again with the version column their
// tables get in schema version 7 (sqlMigrateV7), last as in the tables. Their rows in gpkg_contents and
// gpkg_geometry_columns name them, not their definitions, and stay.
const sqlLayerViewsV7 = `
DROP VIEW sites;
DROP VIEW buildings;
DROP VIEW floors;
CREATE VIEW sites AS
SELECT fid, geom, id, name, address, category, ownership, records, note, created_at, jurisdiction_id, version
  FROM sites_all WHERE deleted_at IS NULL;
CREATE VIEW buildings AS
SELECT fid, geom, id, site_id, name, address, footprint, origin_lon, origin_lat, rotation_deg, scale, source_id,
       created_at, valid_from, version
  FROM buildings_all WHERE deleted_at IS NULL;
CREATE VIEW floors AS
SELECT fid, geom, id, building_id, ordinal, name, elevation, outline, source_id, created_at, version
  FROM floors_all WHERE deleted_at IS NULL;
`
