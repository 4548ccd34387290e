package gpkg

// Schema version 15: a building's own kind (the GeoPackage counterpart of
// migrations/0021_building_category.sql).
//
//   - buildings_all.category, a Category.Code of the deployment's classification when the building is of
//     another kind than its site (a housing block in an office compound), '' for the site's kind. The
//     store checks the code against the classification in Go, as it does a site's category.
//   - The layer buildings is created again with the new column, last as in the table.
//
// Adding the column changes no row: no history records, no version moves.

// sqlMigrateV15 is the schema of version 15, and the last step of a new file's schema (sqlSchema).
const sqlMigrateV15 = `
ALTER TABLE buildings_all ADD COLUMN category TEXT NOT NULL DEFAULT '';
DROP VIEW buildings;
CREATE VIEW buildings AS
SELECT fid, geom, id, site_id, name, address, footprint, origin_lon, origin_lat, rotation_deg, scale, source_id,
       created_at, valid_from, version, lang, category
  FROM buildings_all WHERE deleted_at IS NULL;
`
