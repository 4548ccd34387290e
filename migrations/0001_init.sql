-- 0001_init: the officemap register on PostGIS.
--
-- Geometry: every polygon is kept twice. The local one (SRID 0, the building's frame in metres, the CAD
-- plane) is the source of truth for area; the derived lon/lat one (SRID 4326) is computed by the store in
-- Go with the building's geo.Frame on every write, and is what maps and tiles read, through GiST indexes,
-- with no per-row transform at request time.
--
-- What the database itself guarantees (the store checks first, so users get readable reasons):
--   * valid geometry (CHECK ST_IsValid on local and derived geometry);
--   * no two live rooms of one floor overlap with a positive area (trigger rooms_no_overlap, serialised
--     per floor with an advisory lock; SQLSTATE OM001, DETAIL is JSON naming the other room);
--   * rooms and assignments change version by exactly one on every update (SQLSTATE OM002);
--   * every change of every domain table is appended to history, which cannot be updated, deleted or
--     truncated (SQLSTATE OM003).
--
-- Deletes are soft everywhere (deleted_at): rows stay for as-of queries, and reads leave them out.

CREATE EXTENSION IF NOT EXISTS postgis;

-- ---------------------------------------------------------------------------------------------------
-- History

CREATE TABLE history (
    seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity    text        NOT NULL,
    entity_id uuid        NOT NULL,
    op        text        NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    actor     text        NOT NULL,
    at        timestamptz NOT NULL DEFAULT now(),
    old       jsonb,
    new       jsonb
);
-- History(entity, id), and "has this row changed since t?" for as-of snapshots.
CREATE INDEX history_entity_idx ON history (entity_id, at);
-- "Which rows changed since t?" for as-of snapshots.
CREATE INDEX history_at_idx ON history (at, entity_id);

COMMENT ON TABLE history IS
    'Append-only log of every write: row images before (old) and after (new), without derived columns.';

-- record_history() appends one history row for a row-level change. TG_ARGV[0] is the entity name; the
-- other arguments are columns left out of the row images (derived geometry).
CREATE FUNCTION record_history() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    o  jsonb;
    n  jsonb;
    op text;
    i  int;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        o := to_jsonb(OLD);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        n := to_jsonb(NEW);
    END IF;
    FOR i IN 1 .. TG_NARGS - 1 LOOP
        o := o - TG_ARGV[i];
        n := n - TG_ARGV[i];
    END LOOP;
    op := lower(TG_OP);
    IF TG_OP = 'UPDATE' AND o->>'deleted_at' IS NULL AND n->>'deleted_at' IS NOT NULL THEN
        op := 'delete';
    END IF;
    INSERT INTO history (entity, entity_id, op, actor, at, old, new)
    VALUES (TG_ARGV[0], coalesce((n->>'id')::uuid, (o->>'id')::uuid), op,
            coalesce(nullif(current_setting('officemap.actor', true), ''), 'db:' || session_user),
            now(), o, n);
    RETURN NULL;
END
$$;

CREATE FUNCTION history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'OM003',
        MESSAGE = 'history is append-only: ' || TG_OP || ' is not allowed';
END
$$;

CREATE TRIGGER history_no_update BEFORE UPDATE OR DELETE ON history
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON history
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON history FROM PUBLIC;

-- bump_version() rejects an update that does not raise version by exactly one.
CREATE FUNCTION bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version IS DISTINCT FROM OLD.version + 1 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'OM002',
            MESSAGE = format('%s %s: version must go from %s to %s, not %s',
                             TG_TABLE_NAME, OLD.id, OLD.version, OLD.version + 1, NEW.version);
    END IF;
    RETURN NEW;
END
$$;

-- ---------------------------------------------------------------------------------------------------
-- Sites (房产) with their ownership records (a JSON array of floorplan.OwnershipRecord).

CREATE TABLE sites (
    id         uuid PRIMARY KEY,
    name       text        NOT NULL CONSTRAINT sites_name_required CHECK (btrim(name) <> ''),
    address    text        NOT NULL DEFAULT '',
    category   text        NOT NULL DEFAULT '',
    ownership  text        NOT NULL CONSTRAINT sites_ownership_known
                           CHECK (ownership IN ('registered', 'filed', 'unclear')),
    records    jsonb       NOT NULL DEFAULT '[]' CONSTRAINT sites_records_array
                           CHECK (jsonb_typeof(records) = 'array'),
    note       text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE TRIGGER sites_history AFTER INSERT OR UPDATE OR DELETE ON sites
    FOR EACH ROW EXECUTE FUNCTION record_history('site');

-- ---------------------------------------------------------------------------------------------------
-- Buildings: footprint in local metres, its derived lon/lat copy, and the georeference of the frame.

CREATE TABLE buildings (
    id           uuid PRIMARY KEY,
    site_id      uuid NOT NULL REFERENCES sites (id),
    name         text NOT NULL CONSTRAINT buildings_name_required CHECK (btrim(name) <> ''),
    address      text NOT NULL DEFAULT '',
    footprint    geometry(Polygon, 0)
                 CONSTRAINT buildings_footprint_valid CHECK (ST_IsValid(footprint) AND NOT ST_IsEmpty(footprint)),
    footprint_ll geometry(Polygon, 4326)
                 CONSTRAINT buildings_footprint_ll_valid CHECK (ST_IsValid(footprint_ll)),
    origin_lon   double precision NOT NULL CONSTRAINT buildings_origin_lon_range CHECK (origin_lon BETWEEN -180 AND 180),
    origin_lat   double precision NOT NULL CONSTRAINT buildings_origin_lat_range CHECK (origin_lat BETWEEN -90 AND 90),
    rotation_deg double precision NOT NULL DEFAULT 0,
    -- metres per local unit; 0 means 1 (geo.Georef)
    scale        double precision NOT NULL DEFAULT 0 CONSTRAINT buildings_scale_nonnegative CHECK (scale >= 0),
    source_id    text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    deleted_at   timestamptz,
    CONSTRAINT buildings_derived_in_step CHECK ((footprint IS NULL) = (footprint_ll IS NULL))
);
CREATE INDEX buildings_site_idx ON buildings (site_id) WHERE deleted_at IS NULL;
CREATE INDEX buildings_footprint_ll_idx ON buildings USING gist (footprint_ll) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX buildings_source_id_key ON buildings (site_id, source_id)
    WHERE source_id <> '' AND deleted_at IS NULL;
CREATE TRIGGER buildings_history AFTER INSERT OR UPDATE OR DELETE ON buildings
    FOR EACH ROW EXECUTE FUNCTION record_history('building', 'footprint_ll');

-- ---------------------------------------------------------------------------------------------------
-- Floors (levels).

CREATE TABLE floors (
    id          uuid PRIMARY KEY,
    building_id uuid NOT NULL REFERENCES buildings (id),
    ordinal     integer NOT NULL,
    name        text NOT NULL DEFAULT '',
    elevation   double precision NOT NULL DEFAULT 0,
    outline     geometry(Polygon, 0)
                CONSTRAINT floors_outline_valid CHECK (ST_IsValid(outline) AND NOT ST_IsEmpty(outline)),
    outline_ll  geometry(Polygon, 4326)
                CONSTRAINT floors_outline_ll_valid CHECK (ST_IsValid(outline_ll)),
    source_id   text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz,
    CONSTRAINT floors_derived_in_step CHECK ((outline IS NULL) = (outline_ll IS NULL))
);
CREATE UNIQUE INDEX floors_ordinal_key ON floors (building_id, ordinal) WHERE deleted_at IS NULL;
CREATE INDEX floors_outline_ll_idx ON floors USING gist (outline_ll) WHERE deleted_at IS NULL;
CREATE TRIGGER floors_history AFTER INSERT OR UPDATE OR DELETE ON floors
    FOR EACH ROW EXECUTE FUNCTION record_history('floor', 'outline_ll');

-- ---------------------------------------------------------------------------------------------------
-- Agencies (使用单位).

CREATE TABLE agencies (
    id               uuid PRIMARY KEY,
    name             text NOT NULL CONSTRAINT agencies_name_required CHECK (btrim(name) <> ''),
    short_name       text NOT NULL DEFAULT '',
    level            text NOT NULL CONSTRAINT agencies_level_known
                     CHECK (level IN ('central', 'provincial', 'municipal', 'county', 'township')),
    scale            text NOT NULL DEFAULT '' CONSTRAINT agencies_scale_known
                     CHECK (scale IN ('', 'central', 'provincial', 'municipal', 'county', 'township')),
    parent_id        uuid REFERENCES agencies (id),
    headcount        integer NOT NULL DEFAULT 0 CONSTRAINT agencies_headcount_nonnegative CHECK (headcount >= 0),
    approved_area_m2 double precision NOT NULL DEFAULT 0
                     CONSTRAINT agencies_approved_area_nonnegative CHECK (approved_area_m2 >= 0),
    status           text NOT NULL DEFAULT 'active' CONSTRAINT agencies_status_known
                     CHECK (status IN ('active', 'merged', 'abolished')),
    status_date      date,
    successor_id     uuid REFERENCES agencies (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    CONSTRAINT agencies_not_own_parent CHECK (parent_id IS DISTINCT FROM id),
    CONSTRAINT agencies_not_own_successor CHECK (successor_id IS DISTINCT FROM id)
);
CREATE TRIGGER agencies_history AFTER INSERT OR UPDATE OR DELETE ON agencies
    FOR EACH ROW EXECUTE FUNCTION record_history('agency');

-- ---------------------------------------------------------------------------------------------------
-- Rooms: local polygon (source of truth for area), derived lon/lat polygon, version, soft delete.

CREATE TABLE rooms (
    id         uuid PRIMARY KEY,
    floor_id   uuid NOT NULL REFERENCES floors (id),
    number     text NOT NULL DEFAULT '',
    name       text NOT NULL DEFAULT '',
    usage      text NOT NULL CONSTRAINT rooms_usage_known CHECK (usage IN
               ('office', 'rest_room', 'toilet', 'service', 'equipment', 'ancillary', 'technical',
                'circulation', 'commercial', 'residential', 'other')),
    agency_id  uuid REFERENCES agencies (id),
    state      text NOT NULL DEFAULT 'in_use' CONSTRAINT rooms_state_known
               CHECK (state IN ('in_use', 'idle', 'under_repair', 'leased')),
    idle_since date,
    geom       geometry(Polygon, 0) NOT NULL
               CONSTRAINT rooms_geom_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    geom_ll    geometry(Polygon, 4326) NOT NULL
               CONSTRAINT rooms_geom_ll_valid CHECK (ST_IsValid(geom_ll) AND NOT ST_IsEmpty(geom_ll)),
    area_m2    double precision GENERATED ALWAYS AS (ST_Area(geom)) STORED,
    source_id  text NOT NULL DEFAULT '',
    version    bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
-- The overlap check's index: the live rooms of one floor (tens to a few thousand), whose bounding boxes
-- are then compared. (A GiST index on (floor_id, geom) is slower: every floor of every building shares
-- the same local coordinates, and random uuids make poor GiST keys.)
CREATE INDEX rooms_floor_idx ON rooms (floor_id) WHERE deleted_at IS NULL;
-- The tile path.
CREATE INDEX rooms_geom_ll_idx ON rooms USING gist (geom_ll) WHERE deleted_at IS NULL;
CREATE INDEX rooms_agency_idx ON rooms (agency_id) WHERE deleted_at IS NULL;

-- rooms_no_overlap refuses a live room whose interior meets the interior of another live room of its
-- floor (DE-9IM 2********: the interiors share an area) by at least 1 cm² — geo.MinOverlapArea, the
-- tolerance the GeoPackage store and the importers use, far below drawing precision and above the
-- floating-point noise of coordinates converted from lon/lat. Shared walls and touching corners pass. The
-- transaction-scoped advisory lock on the floor serialises concurrent writers of one floor, and the
-- check's query, run after the lock is granted, sees every room committed before.
--
-- The function plans its query afresh on every call (plan_cache_mode): PL/pgSQL would otherwise keep a
-- generic plan made for the first rows of a session, and a plan made when the table was nearly empty
-- scans every room for each new one.
CREATE FUNCTION rooms_no_overlap() RETURNS trigger
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    other record;
BEGIN
    -- A deleted room overlaps nothing; an invalid polygon is left to the CHECK constraints, which run
    -- after BEFORE triggers and name the problem.
    IF NEW.deleted_at IS NOT NULL OR NOT ST_IsValid(NEW.geom) THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('officemap.floor'), hashtext(NEW.floor_id::text));
    SELECT r.id, r.number, ST_Area(ST_Intersection(r.geom, NEW.geom)) AS area
      INTO other
      FROM rooms r
     WHERE r.floor_id = NEW.floor_id
       AND r.deleted_at IS NULL
       AND r.id <> NEW.id
       AND r.geom && NEW.geom
       AND ST_Relate(r.geom, NEW.geom, '2********')
       AND ST_Area(ST_Intersection(r.geom, NEW.geom)) >= 1e-4
     ORDER BY r.number, r.id
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING
            ERRCODE = 'OM001',
            MESSAGE = format('room %s overlaps room %s (%s)', NEW.id, other.number, other.id),
            DETAIL = json_build_object('room_id', NEW.id, 'other_id', other.id,
                                       'other_number', other.number, 'area_m2', other.area)::text;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER rooms_no_overlap BEFORE INSERT OR UPDATE OF geom, floor_id, deleted_at ON rooms
    FOR EACH ROW EXECUTE FUNCTION rooms_no_overlap();
CREATE TRIGGER rooms_version BEFORE UPDATE ON rooms
    FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER rooms_history AFTER INSERT OR UPDATE OR DELETE ON rooms
    FOR EACH ROW EXECUTE FUNCTION record_history('room', 'geom_ll');

-- ---------------------------------------------------------------------------------------------------
-- People and their posts.

CREATE TABLE people (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CONSTRAINT people_name_required CHECK (btrim(name) <> ''),
    agency_id   uuid REFERENCES agencies (id),
    rank        text NOT NULL CONSTRAINT people_rank_known CHECK (rank IN
                ('minister', 'vice_minister', 'bureau', 'vice_bureau', 'division', 'vice_division',
                 'section', 'vice_section', 'staff')),
    title       text NOT NULL DEFAULT '',
    status      text NOT NULL DEFAULT 'active' CONSTRAINT people_status_known
                CHECK (status IN ('active', 'retired', 'transferred')),
    status_date date,
    created_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz
);
CREATE INDEX people_agency_idx ON people (agency_id) WHERE deleted_at IS NULL;
CREATE TRIGGER people_history AFTER INSERT OR UPDATE OR DELETE ON people
    FOR EACH ROW EXECUTE FUNCTION record_history('person');

CREATE TABLE posts (
    id         uuid PRIMARY KEY,
    person_id  uuid NOT NULL REFERENCES people (id),
    title      text NOT NULL DEFAULT '',
    agency_id  uuid REFERENCES agencies (id),
    start_date date,
    end_date   date,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT posts_dates_ordered CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
-- Not partial: History(person) finds deleted posts too.
CREATE INDEX posts_person_idx ON posts (person_id);
CREATE INDEX posts_agency_idx ON posts (agency_id) WHERE deleted_at IS NULL;
CREATE TRIGGER posts_history AFTER INSERT OR UPDATE OR DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION record_history('post');

-- ---------------------------------------------------------------------------------------------------
-- Assignments: a person in a room from start_date to end_date (exclusive).

CREATE TABLE assignments (
    id           uuid PRIMARY KEY,
    person_id    uuid NOT NULL REFERENCES people (id),
    room_id      uuid NOT NULL REFERENCES rooms (id),
    kind         text NOT NULL DEFAULT 'main' CONSTRAINT assignments_kind_known CHECK (kind IN ('main', 'second')),
    post_id      uuid,
    approval_ref text NOT NULL DEFAULT '',
    start_date   date,
    end_date     date,
    version      bigint NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    deleted_at   timestamptz,
    CONSTRAINT assignments_dates_ordered CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX assignments_person_idx ON assignments (person_id) WHERE deleted_at IS NULL;
CREATE INDEX assignments_room_idx ON assignments (room_id) WHERE deleted_at IS NULL;
CREATE TRIGGER assignments_version BEFORE UPDATE ON assignments
    FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER assignments_history AFTER INSERT OR UPDATE OR DELETE ON assignments
    FOR EACH ROW EXECUTE FUNCTION record_history('assignment');

-- ---------------------------------------------------------------------------------------------------
-- Local space-standard rows (the national table ships in Go).

CREATE TABLE standard_rows (
    id                  uuid PRIMARY KEY,
    scale               text NOT NULL CONSTRAINT standard_rows_scale_known
                        CHECK (scale IN ('central', 'provincial', 'municipal', 'county', 'township')),
    rank                text NOT NULL CONSTRAINT standard_rows_rank_known CHECK (rank IN
                        ('minister', 'vice_minister', 'bureau', 'vice_bureau', 'division', 'vice_division',
                         'section', 'vice_section', 'staff')),
    title               text NOT NULL DEFAULT '',
    area_m2             double precision NOT NULL CONSTRAINT standard_rows_area_positive CHECK (area_m2 > 0),
    toilet_allowance_m2 double precision NOT NULL DEFAULT 0
                        CONSTRAINT standard_rows_toilet_range CHECK (toilet_allowance_m2 BETWEEN 0 AND 6),
    effective           date NOT NULL,
    jurisdiction        text NOT NULL CONSTRAINT standard_rows_jurisdiction_required CHECK (btrim(jurisdiction) <> ''),
    source              text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT standard_rows_key UNIQUE (scale, rank, jurisdiction, effective)
);
CREATE TRIGGER standard_rows_history AFTER INSERT OR UPDATE OR DELETE ON standard_rows
    FOR EACH ROW EXECUTE FUNCTION record_history('standard_row');
