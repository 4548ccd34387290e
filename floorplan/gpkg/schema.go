package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// applicationID is 'GPKG'; userVersion13 is the file's user_version, 10300 (GeoPackage 1.3): GDAL 3.6
// reads 1.4 files with a warning, and nothing here needs 1.4. Both PRAGMAs belong to GeoPackage and never
// change in a register: officemap's own schema version is kept in the table officemap_schema. GDAL reads
// them from the header of the database file on disk, not through SQLite, so Open also makes sure that the
// header there carries them while the file is open in WAL mode (header.go).
const (
	applicationID = 0x47504B47
	userVersion13 = 10300
)

// SRS ids used by the store: lon/lat for the feature columns, the engineering SRS of the local-metre
// blobs.
const (
	srsLonLat = 4326
	srsLocal  = 99999
)

// schemaVersion is the version of the register's schema that this code writes; Open migrates a file of
// an older version to it (see migrations).
//
//	1: the first schema, marked by schemaDefinitionV1 and no officemap_schema table.
//	2: bitemporal history (history.effective and history.reason, rooms.valid_from and
//	   buildings.valid_from, see floorplan/effective.go), the officemap_schema table; a register
//	   written before local geometry was always in metres is converted (rescaleLegacyUnits).
//	3: accounts, sessions, API tokens and the hash-chained audit log of package identity
//	   (sqlIdentityTables, identity.go).
//	4: the jurisdiction tree (sqlMigrateV4).
//	5: users.last_totp_step, the time step of the last one-time code accepted (sqlMigrateV5).
//	6: the layers sites, buildings, floors and rooms are views of the live rows of the tables
//	   sites_all, buildings_all, floors_all and rooms_all (sqlMigrateV6, see the package doc).
//	7: a version in sites, buildings, floors, agencies and people (sqlMigrateV7).
//	8: what imports bring: the usages shaft and void, rooms.source_category and recorded_area_m2,
//	   buildings.lang, floors.openings, and floors unique by ordinal and name (migrateV8, imports.go).
//	9: the bureau's keys: people.staff_no and agencies.code, unique among live rows when not empty
//	   (sqlMigrateV9, staff.go).
//	10: the stored room states, room_states and room_states_day (sqlMigrateV10, states.go).
//	11: the stored parts, part_results and part_counters, and their triggers (sqlMigrateV11, partresults.go).
//	12: the electronic archive, documents, document_blobs and document_blob_parts (sqlMigrateV12,
//	    documents.go).
//	13: the ledger's entries, ledger_entries (sqlMigrateV13, ledger.go).
//	14: the registration: the states to_register, filing and disputed in sites_all.ownership, and
//	    registration_changes, filing_steps and timeline_events (migrateV14, registration.go).
//	15: a building's own kind, buildings_all.category (sqlMigrateV15, buildingcategory.go).
//	16: the agency of a sub-ledger's entry, ledger_entries.agency_id (sqlMigrateV16, ledger.go).
//	17: the online handling's applications (sqlMigrateV17, applications.go).
//	18: the usage certificates, certificates (sqlMigrateV18, certificates.go).
//	19: the in-app notices (sqlMigrateV19, notices.go).
//	20: the applications' history (sqlMigrateV20, apphistory.go).
//	21: the inspections (sqlMigrateV21, inspections.go).
//	22: the leads (sqlMigrateV22, leads.go).
//	23: the claims of the notices' deliveries, notice_deliveries (sqlMigrateV23, notices.go).
//	24: a notice's key among its application's, notices.once (sqlMigrateV24, notices.go).
const schemaVersion = 24

// schemaDefinition marks a file as an officemap register in gpkg_extensions (extension
// officemap_register); the version is in officemap_schema. A file of version 1 carries
// schemaDefinitionV1 instead, which officemap binaries of that version check for: they refuse a newer
// file rather than write history rows without an effective day into it.
const (
	schemaDefinitionV1 = "officemap register schema 1: floorplan/gpkg/schema.go"
	schemaDefinition   = "officemap register: floorplan/gpkg/schema.go; schema version in officemap_schema"
)

const (
	sqlApplicationID    = `PRAGMA application_id`
	sqlSetApplicationID = `PRAGMA application_id = 1196444487`
	sqlGetUserVersion   = `PRAGMA user_version`
	sqlSetUserVersion   = `PRAGMA user_version = 10300`
	sqlCountObjects     = `SELECT count(*) FROM sqlite_master`
	sqlHasExtensions    = `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'gpkg_extensions'`
	sqlHasVersionTable  = `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'officemap_schema'`
	sqlRegisterVersion  = `SELECT definition FROM gpkg_extensions WHERE extension_name = 'officemap_register'`
	sqlSchemaVersion    = `SELECT coalesce(max(version), 0) FROM officemap_schema`
	sqlSetSchemaVersion = `
DELETE FROM officemap_schema;
INSERT INTO officemap_schema (version) VALUES (?)`
)

// Parts of the schema that migrations create again.
const (
	// sqlSchemaVersionTable keeps officemap's schema version (one row), an attribute table of the
	// GeoPackage like the register's other non-spatial tables.
	sqlSchemaVersionTable = `CREATE TABLE officemap_schema (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('officemap_schema', 'attributes', 'officemap_schema', 'version of the officemap register schema (floorplan/gpkg/schema.go)', NULL);`

	sqlHistoryNoUpdateTrigger = `CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN
  SELECT RAISE(ABORT, 'officemap: history is append-only: UPDATE is not allowed');
END;`

	// sqlHistoryEffectiveIndexes answer "which rows have a record effective after day D?" and "what is
	// the earliest day of any room?" (Snapshot), as the PostGIS schema's indexes of the same names.
	sqlHistoryEffectiveIndexes = `CREATE INDEX history_effective_idx ON history (effective, entity_id);
CREATE INDEX history_room_effective_idx ON history (effective) WHERE entity = 'room' AND op <> 'delete';`
)

// sqlVersionTrigger makes the version of a row of the table <t> (rooms, assignments, users) rise by
// exactly one on every update, as the PostGIS schema's triggers of the same names do; versionTrigger
// fills in the table.
const sqlVersionTrigger = `CREATE TRIGGER <t>_version BEFORE UPDATE ON <t>
  WHEN NEW.version IS NOT OLD.version + 1
BEGIN
  SELECT RAISE(ABORT, 'officemap: <t>.version must rise by exactly one');
END;`

// versionTrigger returns sqlVersionTrigger for table.
func versionTrigger(table string) string { return strings.ReplaceAll(sqlVersionTrigger, "<t>", table) }

// sqlIdentityTables is the schema part of version 3, the GeoPackage counterpart of
// migrations/0006_identity.sql: users, sessions, api_tokens, audit_log and audit_head, attribute tables
// like the register's others (an integer primary key fid for GDAL; the domain keys are unique columns
// beside it). They are not the register: their writes go to no history and do not move its revision.
//
//   - Instants are TEXT in UTC to the microsecond ("2006-01-02T15:04:05.000000Z", microLayout), not
//     GeoPackage DATETIMEs, which hold milliseconds: the audit hash covers microseconds, and the fixed
//     width keeps text order the order of time. Booleans are BOOLEAN (0 or 1); grants and the password
//     history are JSON arrays.
//   - Usernames are unique whatever their case: an index on lower(username). SQLite's lower() folds
//     ASCII only; identity.NormalizeUsername lowers every username the service stores anyway.
//   - The audit log is append-only by triggers (RAISE(ABORT) on UPDATE and DELETE), and each insert
//     must follow audit_head, its one-row head (the last seq and hash), which moves on by one onto a
//     stored record and survives purges. PurgeAudit drops the DELETE trigger and creates it again
//     (sqlAuditLogNoDeleteTrigger) inside its transaction. Anyone with the file can do the same, and
//     more: on this store the hash chain (identity.Verify) is the guard, not the triggers.
var sqlIdentityTables = `
CREATE TABLE users (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  username TEXT NOT NULL CONSTRAINT users_username_length CHECK (length(username) BETWEEN 1 AND 64),
  display_name TEXT NOT NULL DEFAULT '',
  grants TEXT NOT NULL DEFAULT '[]' CONSTRAINT users_grants_array CHECK (json_type(grants) = 'array'),
  password_hash TEXT NOT NULL DEFAULT '',
  password_history TEXT NOT NULL DEFAULT '[]' CONSTRAINT users_password_history_array CHECK (json_type(password_history) = 'array'),
  password_changed_at TEXT,
  must_change_password BOOLEAN NOT NULL DEFAULT 0,
  password_expires TEXT,
  failed_attempts INTEGER NOT NULL DEFAULT 0 CONSTRAINT users_failed_attempts_nonnegative CHECK (failed_attempts >= 0),
  locked_until TEXT,
  disabled BOOLEAN NOT NULL DEFAULT 0,
  totp_secret TEXT NOT NULL DEFAULT '',
  totp_enabled BOOLEAN NOT NULL DEFAULT 0,
  external_subject TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_external_subject_key ON users (external_subject) WHERE external_subject <> '';
` + versionTrigger("users") + `

CREATE TABLE sessions (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  addr TEXT NOT NULL DEFAULT '',
  mfa BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_tokens (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users (id),
  name TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used TEXT
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at);

CREATE TABLE audit_log (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  seq INTEGER NOT NULL UNIQUE CONSTRAINT audit_log_seq_positive CHECK (seq > 0),
  at TEXT NOT NULL,
  user_id TEXT,
  username TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL DEFAULT '',
  addr TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL CONSTRAINT audit_log_action_required CHECK (action <> ''),
  target TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '',
  prev_hash TEXT NOT NULL DEFAULT '',
  hash TEXT NOT NULL CONSTRAINT audit_log_hash_hex CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*')
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_username_idx ON audit_log (username, seq);

CREATE TABLE audit_head (
  fid INTEGER PRIMARY KEY AUTOINCREMENT CONSTRAINT audit_head_one_row CHECK (fid = 1),
  last_seq INTEGER NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO audit_head (fid, last_seq, last_hash) VALUES (1, 0, '');

CREATE TRIGGER audit_log_append BEFORE INSERT ON audit_log
  WHEN NEW.seq IS NOT (SELECT last_seq + 1 FROM audit_head) OR NEW.prev_hash IS NOT (SELECT last_hash FROM audit_head)
BEGIN
  SELECT RAISE(ABORT, 'officemap: audit_log: a new record must follow audit_head');
END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'officemap: audit_log is append-only: UPDATE is not allowed');
END;
` + sqlAuditLogNoDeleteTrigger + `
CREATE TRIGGER audit_head_advance BEFORE UPDATE ON audit_head
  WHEN NEW.fid IS NOT OLD.fid OR NEW.last_seq IS NOT OLD.last_seq + 1
    OR NOT EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.last_seq AND hash = NEW.last_hash)
BEGIN
  SELECT RAISE(ABORT, 'officemap: audit_head moves on by one, onto a stored record');
END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
  SELECT RAISE(ABORT, 'officemap: audit_head: DELETE is not allowed');
END;

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('users', 'attributes', 'users', 'accounts (identity.User); usernames unique whatever their case', NULL),
  ('sessions', 'attributes', 'sessions', 'signed-in browsers, by the SHA-256 of their secret', NULL),
  ('api_tokens', 'attributes', 'api_tokens', 'API tokens, by the SHA-256 of their secret', NULL),
  ('audit_log', 'attributes', 'audit_log', 'append-only, hash-chained audit log (identity.AuditRecord; identity.Verify checks it)', NULL),
  ('audit_head', 'attributes', 'audit_head', 'the audit log''s last seq and hash (one row); survives purges', NULL);`

// sqlAuditLogNoDeleteTrigger refuses deletes from the audit log; PurgeAudit drops it and creates it
// again around its DELETE, in one transaction.
const sqlAuditLogNoDeleteTrigger = `CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'officemap: audit_log is append-only: DELETE is not allowed');
END;`

// migrate creates the register in an empty file, or checks that a file is one and brings it to
// schemaVersion, all in one write transaction: a migration that fails leaves the file as it was.
func (s *Store) migrate(ctx context.Context) error {
	return s.write(ctx, func(q querier) error {
		var objects int
		if err := q.QueryRowContext(ctx, sqlCountObjects).Scan(&objects); err != nil {
			return err
		}
		if objects == 0 {
			if _, err := q.ExecContext(ctx, sqlSchema); err != nil {
				return fmt.Errorf("create schema: %w", err)
			}
			if _, err := q.ExecContext(ctx, sqlSetSchemaVersion, schemaVersion); err != nil {
				return err
			}
			return setGeoPackageMarks(ctx, q)
		}
		version, err := fileVersion(ctx, q)
		if err != nil {
			return err
		}
		if version > schemaVersion {
			return fmt.Errorf("the register has schema version %d, newer than this officemap knows (%d): use a newer officemap",
				version, schemaVersion)
		}
		for v := version; v < schemaVersion; v++ {
			if err := migrations[v-1](ctx, q); err != nil {
				return fmt.Errorf("migrate the register from schema version %d to %d: %w", v, v+1, err)
			}
		}
		if version == 1 {
			// The data conversion of version 2 (see sqlMigrateV2) runs on the schema of today.
			if err := rescaleLegacyUnits(ctx, q); err != nil {
				return fmt.Errorf("migrate the register from schema version 1 to 2: %w", err)
			}
		}
		if version < schemaVersion {
			if _, err := q.ExecContext(ctx, sqlSetSchemaVersion, schemaVersion); err != nil {
				return err
			}
		}
		return setGeoPackageMarks(ctx, q)
	})
}

// setGeoPackageMarks gives the file GeoPackage 1.3's application_id and user_version, the only values
// these PRAGMAs ever take in a register, in migrate's transaction; it writes nothing when they are
// already there.
func setGeoPackageMarks(ctx context.Context, q querier) error {
	var appID, userVersion int64
	if err := q.QueryRowContext(ctx, sqlApplicationID).Scan(&appID); err != nil {
		return err
	}
	if err := q.QueryRowContext(ctx, sqlGetUserVersion).Scan(&userVersion); err != nil {
		return err
	}
	if appID != applicationID {
		if _, err := q.ExecContext(ctx, sqlSetApplicationID); err != nil {
			return err
		}
	}
	if userVersion != userVersion13 {
		if _, err := q.ExecContext(ctx, sqlSetUserVersion); err != nil {
			return err
		}
	}
	return nil
}

// fileVersion checks that a file is an officemap register and returns its schema version.
func fileVersion(ctx context.Context, q querier) (int, error) {
	var appID int64
	if err := q.QueryRowContext(ctx, sqlApplicationID).Scan(&appID); err != nil {
		return 0, err
	}
	var hasExt int
	if err := q.QueryRowContext(ctx, sqlHasExtensions).Scan(&hasExt); err != nil {
		return 0, err
	}
	if appID != applicationID || hasExt == 0 {
		return 0, ErrNotOfficemap
	}
	var def string
	err := q.QueryRowContext(ctx, sqlRegisterVersion).Scan(&def)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, ErrNotOfficemap
	case err != nil:
		return 0, err
	}
	var hasTable int
	if err := q.QueryRowContext(ctx, sqlHasVersionTable).Scan(&hasTable); err != nil {
		return 0, err
	}
	switch {
	case def == schemaDefinitionV1 && hasTable == 0:
		return 1, nil
	case def == schemaDefinition && hasTable == 1:
		var v int
		if err := q.QueryRowContext(ctx, sqlSchemaVersion).Scan(&v); err != nil {
			return 0, err
		}
		if v < 2 {
			return 0, fmt.Errorf("%w: officemap_schema holds no version", ErrNotOfficemap)
		}
		return v, nil
	}
	return 0, fmt.Errorf("%w: unknown schema %q", ErrNotOfficemap, def)
}

// migrations[v-1] brings the schema of a register of version v to v+1, inside migrate's transaction.
// Each step runs the statements of its version; the data conversion of version 2 follows the last step
// (migrate, rescaleLegacyUnits).
var migrations = []func(ctx context.Context, q querier) error{
	execStep(sqlMigrateV2),      // the bitemporal history
	execStep(sqlIdentityTables), // the identity tables, empty
	execStep(sqlMigrateV4),      // the jurisdictions
	execStep(sqlMigrateV5),      // users.last_totp_step
	execStep(sqlMigrateV6),      // the layers of the live rows (layers.go)
	execStep(sqlMigrateV7),      // the versions of sites, buildings, floors, agencies and people
	migrateV8,                   // what imports bring (imports.go)
	execStep(sqlMigrateV9),      // the bureau's keys of people and agencies (staff.go)
	execStep(sqlMigrateV10),     // the stored room states (states.go)
	execStep(sqlMigrateV11),     // the stored parts (partresults.go)
	execStep(sqlMigrateV12),     // the electronic archive (documents.go)
	execStep(sqlMigrateV13),     // the ledger's entries (ledger.go)
	migrateV14,                  // the registration (registration.go)
	execStep(sqlMigrateV15),     // a building's own kind (buildingcategory.go)
	execStep(sqlMigrateV16),     // the agency of a sub-ledger's entry (ledger.go)
	execStep(sqlMigrateV17),     // the online handling's applications (applications.go)
	execStep(sqlMigrateV18),     // the usage certificates (certificates.go)
	execStep(sqlMigrateV19),     // the in-app notices (notices.go)
	execStep(sqlMigrateV20),     // the applications' history (apphistory.go)
	execStep(sqlMigrateV21),     // the inspections (inspections.go)
	execStep(sqlMigrateV22),     // the leads (leads.go)
	execStep(sqlMigrateV23),     // the claims of the notices' deliveries (notices.go)
	execStep(sqlMigrateV24),     // a notice's key among its application's (notices.go)
}

// execStep returns the migration step that runs stmts.
func execStep(stmts string) func(ctx context.Context, q querier) error {
	return func(ctx context.Context, q querier) error {
		_, err := q.ExecContext(ctx, stmts)
		return err
	}
}

// sqlMigrateV2 is the schema part of version 2 (the GeoPackage counterpart of the PostGIS migration
// migrations/0004_bitemporal.sql):
//   - history gets the day from which each record holds (effective) and why it was made (reason);
//     records written before hold from the day they were written (the calendar day of at in the
//     store's time zone, officemap_local_day), which is the reading of as-of queries until now.
//     SQLite adds a NOT NULL column only with a default: the store always writes the day, and new files
//     declare the same default so that both have one schema;
//   - rooms and buildings get the day they exist from in the world (valid_from), filled with the day
//     they were entered. Filling it is not a change of the rows: no version, no history record.
//
// The append-only trigger of the history and the version trigger of the rooms would refuse the fills:
// they are dropped and created again around them, inside the transaction.
//
// Version 2 also converts buildings whose local geometry was kept in drawing units (rescaleLegacyUnits,
// the counterpart of migrations/0005_units.sql), whose history rows need the new columns. migrate runs
// that conversion after the last schema step, in the same transaction: it reads and writes with the
// store's statements of today, which name the tables of today (rooms_all, …, since version 6).
var sqlMigrateV2 = sqlSchemaVersionTable + `
UPDATE gpkg_extensions SET definition = '` + schemaDefinition + `' WHERE extension_name = 'officemap_register';

ALTER TABLE history ADD COLUMN effective DATE NOT NULL DEFAULT '0001-01-01';
ALTER TABLE history ADD COLUMN reason TEXT NOT NULL DEFAULT '';
DROP TRIGGER history_no_update;
UPDATE history SET effective = officemap_local_day(at);
` + sqlHistoryNoUpdateTrigger + `
` + sqlHistoryEffectiveIndexes + `

ALTER TABLE rooms ADD COLUMN valid_from DATE;
DROP TRIGGER rooms_version;
UPDATE rooms SET valid_from = officemap_local_day(created_at);
` + versionTrigger("rooms") + `

ALTER TABLE buildings ADD COLUMN valid_from DATE;
UPDATE buildings SET valid_from = officemap_local_day(created_at);
`

// sqlJurisdictionsTable is the jurisdiction tree of schema version 4 (the GeoPackage counterpart of
// migrations/0007_jurisdictions.sql), an attribute table with history like the register's others.
const sqlJurisdictionsTable = `
CREATE TABLE jurisdictions (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL CONSTRAINT jurisdictions_name_required CHECK (trim(name) <> ''),
  code TEXT NOT NULL DEFAULT '' CONSTRAINT jurisdictions_code_format CHECK (code = '' OR
    ((length(code) IN (6, 9, 12)) AND code NOT GLOB '*[^0-9]*')),
  parent_id TEXT REFERENCES jurisdictions (id),
  created_at DATETIME NOT NULL,
  deleted_at DATETIME,
  CONSTRAINT jurisdictions_not_own_parent CHECK (parent_id IS NOT id)
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('jurisdictions', 'attributes', 'jurisdictions', 'the jurisdiction tree (city, districts 辖市区, …) that scopes refer to', NULL);
`

// sqlMigrateV4 is the schema part of version 4: the jurisdiction tree, and the jurisdiction of sites and
// agencies (NULL: the city level). Adding the columns changes no row: no history records. The store checks
// that a site's or an agency's jurisdiction is live (sqlLiveJurisdiction); the columns carry no REFERENCES
// clause, so that a file of version 4 and a migrated one have the same tables.
const sqlMigrateV4 = sqlJurisdictionsTable + `
ALTER TABLE sites ADD COLUMN jurisdiction_id TEXT;
ALTER TABLE agencies ADD COLUMN jurisdiction_id TEXT;
`

// sqlMigrateV5 is the schema part of version 5 (the GeoPackage counterpart of
// migrations/0008_totp_step.sql): the time step of the last one-time code accepted for each user
// (identity.User.LastTOTPStep), so that a code is good once only; 0 for every user before. Adding the
// column changes no row. New files get it by the same statement, after sqlIdentityTables, so that both
// have one users table.
const sqlMigrateV5 = `
ALTER TABLE users ADD COLUMN last_totp_step INTEGER NOT NULL DEFAULT 0;
`

// sqlMigrateV7 is the schema part of version 7 (the GeoPackage counterpart of
// migrations/0009_versions.sql), and the last step of a new file's schema (sqlSchema): sites, buildings,
// floors, agencies and people get a version, 1 for every row, which the store moves on by one with every
// update and checks against the caller's (a stale one is floorplan.ErrConflict). Adding the column changes
// no row. The layers sites, buildings and floors are views, which are created again with the column
// (layers.go). Unlike the rooms' and assignments', these versions have no trigger: the store also writes
// the derived map geometry of sites (refreshSiteGeom), which is no change of the record.
const sqlMigrateV7 = `
ALTER TABLE sites_all ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE buildings_all ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE floors_all ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE agencies ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE people ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
` + sqlLayerViewsV7

// sqlRegister creates the GeoPackage core tables and the register; sqlSchema adds the spatial indexes.
// Layout:
//
//   - gpkg_spatial_ref_sys has the three rows the specification requires (-1, 0, 4326) and srs_id 99999,
//     "local building metres": an engineering CRS (LOCAL_CS) for the local-metre blobs. One row serves
//     every building, because the frame's placement on the earth is data, not a CRS: each building's own
//     origin_lon, origin_lat, rotation_deg and scale columns. No geometry column is registered with it (a
//     feature table has one geometry column, and the map needs lon/lat), so GIS tools show the local
//     polygons as binary fields; the store writes them as GeoPackage binary tagged 99999 so that they say
//     what they are.
//   - sites, buildings, floors and rooms are created here as feature tables (gpkg_contents data_type
//     'features', gpkg_geometry_columns POLYGON, SRS 4326) with an integer primary key fid (GDAL's FID),
//     the domain id as a unique UUID text, and geom: the lon/lat polygon the store derives in Go from the
//     local one (a site's is the extent of its buildings). geom is NULL for deleted rows, so that R-trees
//     hold live features only (rooms_lonlat_iff_live says so for rooms). sqlSchema then renames them
//     <name>_all and gives their names to views of their live rows, the layers (sqlMigrateV6, layers.go).
//   - Each geom has the gpkg_rtree_index extension: rtree_<table>_geom kept in step by the specification's
//     triggers (Annex F.3, the 1.3 set), whose ST_* functions the store registers on its connections and
//     GDAL on its own.
//   - agencies, people, posts, assignments, standard_rows and history are attribute tables.
//   - The register's own rules, as in the PostGIS schema: CHECK constraints for the known values, versions
//     of rooms and assignments that move by exactly one (triggers), and a history that triggers keep
//     append-only (RAISE(ABORT) on UPDATE and DELETE).
//   - gpkg_extensions also holds officemap_register (scope write-only): a warning to other writers that
//     the file has rules of its own. The schema version is in officemap_schema (an attribute table).
//   - history records carry the day they hold from (effective) and a reason; rooms and buildings the
//     day they exist from (valid_from). Columns added by a migration come last, in new files too, so that
//     a migrated file and a new one have the same tables.
//   - users, sessions, api_tokens, audit_log and audit_head (sqlIdentityTables) hold the accounts and
//     the audit log of package identity.
var sqlRegister = `
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
  ownership TEXT NOT NULL CONSTRAINT sites_ownership_known CHECK (ownership IN ('registered', 'filed', 'unclear', 'to_register', 'filing', 'disputed')),
  records TEXT NOT NULL DEFAULT '[]' CONSTRAINT sites_records_array CHECK (json_type(records) = 'array'),
  note TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  deleted_at DATETIME,
  jurisdiction_id TEXT
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
  deleted_at DATETIME,
  valid_from DATE
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
  jurisdiction_id TEXT,
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
    'equipment', 'ancillary', 'technical', ` + usagesV8 + `, 'residential', 'other')),
  agency_id TEXT REFERENCES agencies (id),
  state TEXT NOT NULL DEFAULT 'in_use' CONSTRAINT rooms_state_known CHECK (state IN ('in_use', 'idle', 'under_repair', 'leased')),
  idle_since DATE,
  local_geom BLOB NOT NULL,
  area_m2 DOUBLE NOT NULL,
  source_id TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at DATETIME NOT NULL,
  deleted_at DATETIME,
  valid_from DATE,
  CONSTRAINT rooms_lonlat_iff_live CHECK ((deleted_at IS NULL) = (geom IS NOT NULL))
);
CREATE INDEX rooms_floor_idx ON rooms (floor_id) WHERE deleted_at IS NULL;
CREATE INDEX rooms_agency_idx ON rooms (agency_id) WHERE deleted_at IS NULL;
` + versionTrigger("rooms") + `

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
` + versionTrigger("assignments") + `

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
  new_value TEXT,
  effective DATE NOT NULL DEFAULT '0001-01-01',
  reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX history_entity_idx ON history (entity_id, at);
CREATE INDEX history_at_idx ON history (at, entity_id);
` + sqlHistoryEffectiveIndexes + `
` + sqlHistoryNoUpdateTrigger + `
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
` + sqlSchemaVersionTable + `
` + sqlIdentityTables + `
` + sqlMigrateV5 + `
` + sqlJurisdictionsTable + `
INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES
  ('sites', 'geom', 'POLYGON', 4326, 0, 0),
  ('buildings', 'geom', 'POLYGON', 4326, 0, 0),
  ('floors', 'geom', 'POLYGON', 4326, 0, 0),
  ('rooms', 'geom', 'POLYGON', 4326, 0, 0);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES
  (NULL, NULL, 'officemap_register', '` + schemaDefinition + `', 'write-only');
`

// sqlSchema creates the GeoPackage core tables, the register (sqlRegister), the spatial index of each
// feature table (sqlRTreeIndex), and then turns the feature tables into views of their live rows by the
// same statements that migrate a file of version 5 (sqlMigrateV6), and adds the columns of later versions
// by their migrations' statements (sqlMigrateV7, sqlMigrateV8, sqlMigrateV9, sqlMigrateV10), so that a new file and a migrated one have
// one schema.
var sqlSchema = sqlRegister + `
-- Spatial indexes (gpkg_rtree_index, triggers as OGC 12-128r19 Annex F.3 gives them) --------------------

` + sqlRTreeIndexes("sites", "buildings", "floors", "rooms") + `
-- Layers of the live rows (schema version 6) ------------------------------------------------------------
` + sqlMigrateV6 + `
-- Versions of sites, buildings, floors, agencies and people (schema version 7) --------------------------
` + sqlMigrateV7 + `
-- What imports bring (schema version 8) -----------------------------------------------------------------
` + sqlMigrateV8 + `
-- The bureau's keys of people and agencies (schema version 9) --------------------------------------------
` + sqlMigrateV9 + `
-- The stored room states (schema version 10) ---------------------------------------------------------------
` + sqlMigrateV10 + `
-- The stored parts (schema version 11) --------------------------------------------------------------------
` + sqlMigrateV11 + `
-- The electronic archive (schema version 12) ----------------------------------------------------------------
` + sqlMigrateV12 + `
-- The ledger's entries (schema version 13) ------------------------------------------------------------------
` + sqlMigrateV13 + `
-- The registration (schema version 14) ----------------------------------------------------------------------
` + sqlMigrateV14 + `
-- A building's own kind (schema version 15) ------------------------------------------------------------------
` + sqlMigrateV15 + `
-- The agency of a sub-ledger's entry (schema version 16) ------------------------------------------------------
` + sqlMigrateV16 + `
-- The online handling's applications (schema version 17) -----------------------------------------------------
` + sqlMigrateV17 + `
-- The usage certificates (schema version 18) --------------------------------------------------------------------
` + sqlMigrateV18 + `
-- The in-app notices (schema version 19) ---------------------------------------------------------------------
` + sqlMigrateV19 + `
-- The applications' history (schema version 20) ---------------------------------------------------------------
` + sqlMigrateV20 + `
-- The inspections (schema version 21) --------------------------------------------------------------------------
` + sqlMigrateV21 + `
-- The leads (schema version 22) -------------------------------------------------------------------------------
` + sqlMigrateV22 + `
-- The claims of the notices' deliveries (schema version 23) ---------------------------------------------------
` + sqlMigrateV23 + `
-- A notice's key among its application's (schema version 24) -------------------------------------------------
` + sqlMigrateV24

// sqlRTreeIndex is the gpkg_rtree_index extension of the geometry column geom of the feature table <t>:
// the R-tree rtree_<t>_geom and the triggers that keep it in step with the table, as OGC 12-128r19 Annex
// F.3 gives them (the 1.3 set, with geom for the column <c>), and its gpkg_extensions row.
const sqlRTreeIndex = `CREATE VIRTUAL TABLE rtree_<t>_geom USING rtree(id, minx, maxx, miny, maxy);
CREATE TRIGGER rtree_<t>_geom_insert AFTER INSERT ON <t>
  WHEN (NEW.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_<t>_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_<t>_geom_update1 AFTER UPDATE OF geom ON <t>
  WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_<t>_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_<t>_geom_update2 AFTER UPDATE OF geom ON <t>
  WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_<t>_geom WHERE id = OLD.fid;
END;
CREATE TRIGGER rtree_<t>_geom_update3 AFTER UPDATE ON <t>
  WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_<t>_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_<t>_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_<t>_geom_update4 AFTER UPDATE ON <t>
  WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_<t>_geom WHERE id IN (OLD.fid, NEW.fid);
END;
CREATE TRIGGER rtree_<t>_geom_delete AFTER DELETE ON <t>
  WHEN OLD.geom NOT NULL
BEGIN
  DELETE FROM rtree_<t>_geom WHERE id = OLD.fid;
END;
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
VALUES ('<t>', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec/#extension_rtree', 'write-only');
`

// sqlRTreeIndexes returns sqlRTreeIndex for each of tables, in order, a blank line between them.
func sqlRTreeIndexes(tables ...string) string {
	parts := make([]string, len(tables))
	for i, table := range tables {
		parts[i] = strings.ReplaceAll(sqlRTreeIndex, "<t>", table)
	}
	return strings.Join(parts, "\n")
}
