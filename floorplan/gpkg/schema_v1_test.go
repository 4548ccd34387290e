package gpkg

// sqlSchemaV1 is the schema of version 1 as the store created it (floorplan/gpkg/schema.go before
// version 2), frozen here so that the tests can write a register of version 1 and check its migration.
const sqlSchemaV1 = `
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);

INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES
  ('Undefined Cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined Cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326,
   'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
   'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid'),
  ('local building metres', 99999, 'officemap', 99999,
   'LOCAL_CS["local building metres",LOCAL_DATUM["building drawing plane",0],UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]',
   'each building''s own drawing plane in metres (x east, y north before rotation); the building''s origin_lon, origin_lat, rotation_deg and scale place it on the earth');

-- Registers ---------------------------------------------------------------------------------------------

CREATE TABLE sites (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom POLYGON,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL CONSTRAINT sites_name_required CHECK (trim(name) <> ''),
  address TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '',
  ownership TEXT NOT NULL CONSTRAINT sites_ownership_known CHECK (ownership IN ('registered', 'filed', 'unclear')),
  records TEXT NOT NULL DEFAULT '[]' CONSTRAINT sites_records_array CHECK (json_type(records) = 'array'),
  note TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  deleted_at DATETIME
);

CREATE TABLE buildings (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom POLYGON,
  id TEXT NOT NULL UNIQUE,
  site_id TEXT NOT NULL REFERENCES sites (id),
  name TEXT NOT NULL CONSTRAINT buildings_name_required CHECK (trim(name) <> ''),
  address TEXT NOT NULL DEFAULT '',
  footprint BLOB,
  origin_lon DOUBLE NOT NULL CONSTRAINT buildings_origin_lon_range CHECK (origin_lon BETWEEN -180 AND 180),
  origin_lat DOUBLE NOT NULL CONSTRAINT buildings_origin_lat_range CHECK (origin_lat BETWEEN -90 AND 90),
  rotation_deg DOUBLE NOT NULL DEFAULT 0,
  scale DOUBLE NOT NULL DEFAULT 0 CONSTRAINT buildings_scale_nonnegative CHECK (scale >= 0),
  source_id TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  deleted_at DATETIME
);
CREATE INDEX buildings_site_idx ON buildings (site_id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX buildings_source_id_key ON buildings (site_id, source_id) WHERE source_id <> '' AND deleted_at IS NULL;

CREATE TABLE floors (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom POLYGON,
  id TEXT NOT NULL UNIQUE,
  building_id TEXT NOT NULL REFERENCES buildings (id),
  ordinal INTEGER NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  elevation DOUBLE NOT NULL DEFAULT 0,
  outline BLOB,
  source_id TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  deleted_at DATETIME
);
CREATE UNIQUE INDEX floors_ordinal_key ON floors (building_id, ordinal) WHERE deleted_at IS NULL;

CREATE TABLE agencies (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL CONSTRAINT agencies_name_required CHECK (trim(name) <> ''),
  short_name TEXT NOT NULL DEFAULT '',
  level TEXT NOT NULL CONSTRAINT agencies_level_known CHECK (level IN ('central', 'provincial', 'municipal', 'county', 'township')),
  scale TEXT NOT NULL DEFAULT '' CONSTRAINT agencies_scale_known CHECK (scale IN ('', 'central', 'provincial', 'municipal', 'county', 'township')),
  parent_id TEXT REFERENCES agencies (id),
  headcount INTEGER NOT NULL DEFAULT 0 CONSTRAINT agencies_headcount_nonnegative CHECK (headcount >= 0),
  approved_area_m2 DOUBLE NOT NULL DEFAULT 0 CONSTRAINT agencies_approved_area_nonnegative CHECK (approved_area_m2 >= 0),
  status TEXT NOT NULL DEFAULT 'active' CONSTRAINT agencies_status_known CHECK (status IN ('active', 'merged', 'abolished')),
  status_date DATE,
  successor_id TEXT REFERENCES agencies (id),
  created_at DATETIME NOT NULL,
  deleted_at DATETIME,
  CONSTRAINT agencies_not_own_parent CHECK (parent_id IS NOT id),
  CONSTRAINT agencies_not_own_successor CHECK (successor_id IS NOT id)
);

CREATE TABLE rooms (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom POLYGON,
  id TEXT NOT NULL UNIQUE,
  floor_id TEXT NOT NULL REFERENCES floors (id),
  number TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '',
  usage TEXT NOT NULL CONSTRAINT rooms_usage_known CHECK (usage IN ('office', 'rest_room', 'toilet', 'service',
    'equipment', 'ancillary', 'technical', 'circulation', 'commercial', 'residential', 'other')),
  agency_id TEXT REFERENCES agencies (id),
  state TEXT NOT NULL DEFAULT 'in_use' CONSTRAINT rooms_state_known CHECK (state IN ('in_use', 'idle', 'under_repair', 'leased')),
  idle_since DATE,
  local_geom BLOB NOT NULL,
  area_m2 DOUBLE NOT NULL,
  source_id TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at DATETIME NOT NULL,
  deleted_at DATETIME,
  CONSTRAINT rooms_lonlat_iff_live CHECK ((deleted_at IS NULL) = (geom IS NOT NULL))
);
CREATE INDEX rooms_floor_idx ON rooms (floor_id) WHERE deleted_at IS NULL;
CREATE INDEX rooms_agency_idx ON rooms (agency_id) WHERE deleted_at IS NULL;
CREATE TRIGGER rooms_version BEFORE UPDATE ON rooms
  WHEN NEW.version IS NOT OLD.version + 1
BEGIN
  SELECT RAISE(ABORT, 'officemap: rooms.version must rise by exactly one');
END;

CREATE TABLE people (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL CONSTRAINT people_name_required CHECK (trim(name) <> ''),
  agency_id TEXT REFERENCES agencies (id),
  rank TEXT NOT NULL CONSTRAINT people_rank_known CHECK (rank IN ('minister', 'vice_minister', 'bureau',
    'vice_bureau', 'division', 'vice_division', 'section', 'vice_section', 'staff')),
  title TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active' CONSTRAINT people_status_known CHECK (status IN ('active', 'retired', 'transferred')),
  status_date DATE,
  created_at DATETIME NOT NULL,
  deleted_at DATETIME
);
CREATE INDEX people_agency_idx ON people (agency_id) WHERE deleted_at IS NULL;

CREATE TABLE posts (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  person_id TEXT NOT NULL REFERENCES people (id),
  title TEXT NOT NULL DEFAULT '',
  agency_id TEXT REFERENCES agencies (id),
  start_date DATE,
  end_date DATE,
  created_at DATETIME NOT NULL,
  deleted_at DATETIME,
  CONSTRAINT posts_dates_ordered CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX posts_person_idx ON posts (person_id) WHERE deleted_at IS NULL;

CREATE TABLE assignments (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  person_id TEXT NOT NULL REFERENCES people (id),
  room_id TEXT NOT NULL REFERENCES rooms (id),
  kind TEXT NOT NULL DEFAULT 'main' CONSTRAINT assignments_kind_known CHECK (kind IN ('main', 'second')),
  post_id TEXT,
  approval_ref TEXT NOT NULL DEFAULT '',
  start_date DATE,
  end_date DATE,
  version INTEGER NOT NULL DEFAULT 1,
  created_at DATETIME NOT NULL,
  deleted_at DATETIME,
  CONSTRAINT assignments_dates_ordered CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX assignments_person_idx ON assignments (person_id) WHERE deleted_at IS NULL;
CREATE INDEX assignments_room_idx ON assignments (room_id) WHERE deleted_at IS NULL;
CREATE TRIGGER assignments_version BEFORE UPDATE ON assignments
  WHEN NEW.version IS NOT OLD.version + 1
BEGIN
  SELECT RAISE(ABORT, 'officemap: assignments.version must rise by exactly one');
END;

CREATE TABLE standard_rows (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  scale TEXT NOT NULL CONSTRAINT standard_rows_scale_known CHECK (scale IN ('central', 'provincial', 'municipal', 'county', 'township')),
  rank TEXT NOT NULL CONSTRAINT standard_rows_rank_known CHECK (rank IN ('minister', 'vice_minister', 'bureau',
    'vice_bureau', 'division', 'vice_division', 'section', 'vice_section', 'staff')),
  title TEXT NOT NULL DEFAULT '',
  area_m2 DOUBLE NOT NULL CONSTRAINT standard_rows_area_positive CHECK (area_m2 > 0),
  toilet_allowance_m2 DOUBLE NOT NULL DEFAULT 0 CONSTRAINT standard_rows_toilet_range CHECK (toilet_allowance_m2 BETWEEN 0 AND 6),
  effective DATE NOT NULL,
  jurisdiction TEXT NOT NULL CONSTRAINT standard_rows_jurisdiction_required CHECK (trim(jurisdiction) <> ''),
  source TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  CONSTRAINT standard_rows_key UNIQUE (scale, rank, jurisdiction, effective)
);

CREATE TABLE history (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
  actor TEXT NOT NULL,
  at DATETIME NOT NULL,
  old_value TEXT,
  new_value TEXT
);
CREATE INDEX history_entity_idx ON history (entity_id, at);
CREATE INDEX history_at_idx ON history (at, entity_id);
CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN
  SELECT RAISE(ABORT, 'officemap: history is append-only: UPDATE is not allowed');
END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history
BEGIN
  SELECT RAISE(ABORT, 'officemap: history is append-only: DELETE is not allowed');
END;

-- Contents ----------------------------------------------------------------------------------------------

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('sites', 'features', 'sites', 'properties (房产); geometry: the extent of their buildings, lon/lat', 4326),
  ('buildings', 'features', 'buildings', 'buildings; geometry: footprint in lon/lat, derived from footprint (local metres, SRS 99999)', 4326),
  ('floors', 'features', 'floors', 'floors (levels); geometry: outline in lon/lat, derived from outline (local metres, SRS 99999)', 4326),
  ('rooms', 'features', 'rooms', 'rooms; geometry: lon/lat, derived from local_geom (local metres, SRS 99999, the source of truth for area_m2)', 4326),
  ('agencies', 'attributes', 'agencies', 'using agencies (使用单位)', NULL),
  ('people', 'attributes', 'people', 'staff', NULL),
  ('posts', 'attributes', 'posts', 'concurrent posts (兼职) of staff', NULL),
  ('assignments', 'attributes', 'assignments', 'people in rooms, with dates', NULL),
  ('standard_rows', 'attributes', 'standard_rows', 'local space-standard rows', NULL),
  ('history', 'attributes', 'history', 'append-only log of every write', NULL);
INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES
  ('sites', 'geom', 'POLYGON', 4326, 0, 0),
  ('buildings', 'geom', 'POLYGON', 4326, 0, 0),
  ('floors', 'geom', 'POLYGON', 4326, 0, 0),
  ('rooms', 'geom', 'POLYGON', 4326, 0, 0);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES
  (NULL, NULL, 'officemap_register', 'officemap register schema 1: floorplan/gpkg/schema.go', 'write-only');

-- Spatial indexes (gpkg_rtree_index, triggers as OGC 12-128r19 Annex F.3 gives them) --------------------

CREATE VIRTUAL TABLE rtree_sites_geom USING rtree(id, minx, maxx, miny, maxy);
CREATE TRIGGER rtree_sites_geom_insert AFTER INSERT ON sites
  WHEN (NEW.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_sites_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_sites_geom_update1 AFTER UPDATE OF geom ON sites
  WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_sites_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_sites_geom_update2 AFTER UPDATE OF geom ON sites
  WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_sites_geom WHERE id = OLD.fid;
END;
CREATE TRIGGER rtree_sites_geom_update3 AFTER UPDATE ON sites
  WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_sites_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_sites_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_sites_geom_update4 AFTER UPDATE ON sites
  WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_sites_geom WHERE id IN (OLD.fid, NEW.fid);
END;
CREATE TRIGGER rtree_sites_geom_delete AFTER DELETE ON sites
  WHEN OLD.geom NOT NULL
BEGIN
  DELETE FROM rtree_sites_geom WHERE id = OLD.fid;
END;
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
VALUES ('sites', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec/#extension_rtree', 'write-only');

CREATE VIRTUAL TABLE rtree_buildings_geom USING rtree(id, minx, maxx, miny, maxy);
CREATE TRIGGER rtree_buildings_geom_insert AFTER INSERT ON buildings
  WHEN (NEW.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_buildings_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_buildings_geom_update1 AFTER UPDATE OF geom ON buildings
  WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_buildings_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_buildings_geom_update2 AFTER UPDATE OF geom ON buildings
  WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_buildings_geom WHERE id = OLD.fid;
END;
CREATE TRIGGER rtree_buildings_geom_update3 AFTER UPDATE ON buildings
  WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_buildings_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_buildings_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_buildings_geom_update4 AFTER UPDATE ON buildings
  WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_buildings_geom WHERE id IN (OLD.fid, NEW.fid);
END;
CREATE TRIGGER rtree_buildings_geom_delete AFTER DELETE ON buildings
  WHEN OLD.geom NOT NULL
BEGIN
  DELETE FROM rtree_buildings_geom WHERE id = OLD.fid;
END;
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
VALUES ('buildings', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec/#extension_rtree', 'write-only');

CREATE VIRTUAL TABLE rtree_floors_geom USING rtree(id, minx, maxx, miny, maxy);
CREATE TRIGGER rtree_floors_geom_insert AFTER INSERT ON floors
  WHEN (NEW.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_floors_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_floors_geom_update1 AFTER UPDATE OF geom ON floors
  WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_floors_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_floors_geom_update2 AFTER UPDATE OF geom ON floors
  WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_floors_geom WHERE id = OLD.fid;
END;
CREATE TRIGGER rtree_floors_geom_update3 AFTER UPDATE ON floors
  WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_floors_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_floors_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_floors_geom_update4 AFTER UPDATE ON floors
  WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_floors_geom WHERE id IN (OLD.fid, NEW.fid);
END;
CREATE TRIGGER rtree_floors_geom_delete AFTER DELETE ON floors
  WHEN OLD.geom NOT NULL
BEGIN
  DELETE FROM rtree_floors_geom WHERE id = OLD.fid;
END;
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
VALUES ('floors', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec/#extension_rtree', 'write-only');

CREATE VIRTUAL TABLE rtree_rooms_geom USING rtree(id, minx, maxx, miny, maxy);
CREATE TRIGGER rtree_rooms_geom_insert AFTER INSERT ON rooms
  WHEN (NEW.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_rooms_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_rooms_geom_update1 AFTER UPDATE OF geom ON rooms
  WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_rooms_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_rooms_geom_update2 AFTER UPDATE OF geom ON rooms
  WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_rooms_geom WHERE id = OLD.fid;
END;
CREATE TRIGGER rtree_rooms_geom_update3 AFTER UPDATE ON rooms
  WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_rooms_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_rooms_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_rooms_geom_update4 AFTER UPDATE ON rooms
  WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_rooms_geom WHERE id IN (OLD.fid, NEW.fid);
END;
CREATE TRIGGER rtree_rooms_geom_delete AFTER DELETE ON rooms
  WHEN OLD.geom NOT NULL
BEGIN
  DELETE FROM rtree_rooms_geom WHERE id = OLD.fid;
END;
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
VALUES ('rooms', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec/#extension_rtree', 'write-only');
`
