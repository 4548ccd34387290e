-- 0015_part_results: each agency's part of today's evaluation, stored (floorplan/partresults.go), and a change
-- counter per agency that the database itself moves on, so that a stored part is known clean or dirty without
-- evaluating anything.
--
--   * part_counters: one row per agency whose records were ever written (uuid.Nil: the rooms and people of no
--     agency), n its change counter; the row 'ffffffff-ffff-ffff-ffff-ffffffffffff' is the counter of every
--     agency (a change of the local standard rows, or of whether the register has any room). A missing row is
--     a counter of 0.
--   * part_results: one row per agency whose part was stored: the day evaluated (as_of), the two counters read
--     before the evaluation's reads (n, every_n), the policy's key, the part's notes, findings and people
--     (results, floorplan.EncodePartResults: gob compressed with zstd, a tenth of their JSON) and its totals
--     as JSON (NULL for uuid.Nil), read alone for the totals. The rooms are not kept (their states are:
--     room_states).
--
-- The triggers below move on, in the transaction of each change, the counter of every agency whose part the
-- change can move (see floorplan/partresults.go for the closure); they are statement-level with transition
-- tables, so that a COPY of 20,000 rooms bumps each agency once, with a few joins, not 20,000 times. They run
-- as the owner of the tables (SECURITY DEFINER): a role that may write the register may move the counters.
-- The counters of many agencies are locked in ascending id order, so that two writers never deadlock on them.
--
-- The rows are derived data, not in the history. No existing row changes.

CREATE TABLE part_counters (
    agency_id uuid PRIMARY KEY,
    n         bigint NOT NULL
);

CREATE TABLE part_results (
    agency_id uuid PRIMARY KEY,
    as_of     date NOT NULL,
    n         bigint NOT NULL,
    every_n   bigint NOT NULL,
    policy    text NOT NULL,
    results   bytea NOT NULL,
    totals    json
);
-- results are compressed already (floorplan.EncodePartResults): kept out of line, not compressed again.
ALTER TABLE part_results ALTER COLUMN results SET STORAGE EXTERNAL;

-- parts_bump moves on the counters of the agencies ids (NULL: no agency) by one each.
CREATE FUNCTION parts_bump(ids uuid[]) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    INSERT INTO part_counters AS c (agency_id, n)
    SELECT DISTINCT coalesce(i, '00000000-0000-0000-0000-000000000000'::uuid), 1
      FROM unnest(ids) AS i
     ORDER BY 1
    ON CONFLICT (agency_id) DO UPDATE SET n = c.n + 1
$$;

-- parts_of_rooms: the agencies of the rooms ids and of everyone assigned to them (ended assignments too).
CREATE FUNCTION parts_of_rooms(ids uuid[]) RETURNS uuid[]
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT ARRAY(SELECT r.agency_id FROM rooms r WHERE r.id = ANY (ids)
                 UNION
                 SELECT p.agency_id FROM assignments s JOIN people p ON p.id = s.person_id
                  WHERE s.room_id = ANY (ids) AND s.deleted_at IS NULL)
$$;

-- parts_of_people: the agencies of the people ids, and parts_of_rooms of every room they are assigned to.
CREATE FUNCTION parts_of_people(ids uuid[]) RETURNS uuid[]
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT ARRAY(SELECT p.agency_id FROM people p WHERE p.id = ANY (ids))
           || parts_of_rooms(ARRAY(SELECT s.room_id FROM assignments s
                                    WHERE s.person_id = ANY (ids) AND s.deleted_at IS NULL))
$$;

-- parts_many is the number of people above which a statement that adds assignments moves on every agency's
-- counter instead of those of its closure: a bulk load (gen: 20,000 assignments a statement) would otherwise
-- spend more time on the closure than on the rows.
CREATE FUNCTION parts_many() RETURNS int
LANGUAGE sql IMMUTABLE AS $$ SELECT 1000 $$;

-- parts_every is the key of the counter of every agency.
CREATE FUNCTION parts_every() RETURNS uuid[]
LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY['ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid] $$;

-- Rooms: their agencies before and after, the agencies of everyone assigned to them; every agency when the
-- statement leaves the register with no live room but its own, or none (the parts' notes say so).
CREATE FUNCTION rooms_parts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    ids   uuid[];
    parts uuid[];
    alive boolean := false;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(id), array_agg(DISTINCT agency_id) INTO ids, parts FROM new_rows;
        alive := true;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(n.id), array_agg(DISTINCT o.agency_id) || array_agg(DISTINCT n.agency_id),
               bool_or(o.deleted_at IS DISTINCT FROM n.deleted_at)
          INTO ids, parts, alive
          FROM new_rows n JOIN old_rows o ON o.id = n.id;
        parts := parts || parts_of_rooms(ids);
    ELSE
        SELECT array_agg(id), array_agg(DISTINCT agency_id) INTO ids, parts FROM old_rows;
        parts := parts || parts_of_rooms(ids);
        alive := true;
    END IF;
    IF ids IS NULL THEN
        RETURN NULL;
    END IF;
    IF alive AND NOT EXISTS (SELECT 1 FROM rooms r WHERE r.deleted_at IS NULL
                                                     AND r.id NOT IN (SELECT unnest(ids))) THEN
        parts := parts || parts_every();
    END IF;
    PERFORM parts_bump(parts);
    RETURN NULL;
END
$$;

CREATE TRIGGER rooms_parts_insert AFTER INSERT ON rooms REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rooms_parts();
CREATE TRIGGER rooms_parts_update AFTER UPDATE ON rooms REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rooms_parts();
CREATE TRIGGER rooms_parts_delete AFTER DELETE ON rooms REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rooms_parts();

-- People: their agencies before and after, and the closure of the rooms they are assigned to (their shares
-- set their co-occupants' areas). A new person is assigned nowhere yet.
CREATE FUNCTION people_parts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    ids   uuid[];
    parts uuid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT agency_id) INTO parts FROM new_rows;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(n.id), array_agg(DISTINCT o.agency_id) INTO ids, parts
          FROM new_rows n JOIN old_rows o ON o.id = n.id;
        parts := parts || parts_of_people(ids);
    ELSE
        SELECT array_agg(id), array_agg(DISTINCT agency_id) INTO ids, parts FROM old_rows;
        parts := parts || parts_of_people(ids);
    END IF;
    IF parts IS NOT NULL THEN
        PERFORM parts_bump(parts);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER people_parts_insert AFTER INSERT ON people REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION people_parts();
CREATE TRIGGER people_parts_update AFTER UPDATE ON people REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION people_parts();
CREATE TRIGGER people_parts_delete AFTER DELETE ON people REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION people_parts();

-- Posts: their person's agency and their own, before and after.
CREATE FUNCTION posts_parts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    parts uuid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT x.agency_id) INTO parts
          FROM (SELECT t.agency_id FROM new_rows t
                UNION SELECT p.agency_id FROM new_rows t JOIN people p ON p.id = t.person_id) x;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(DISTINCT x.agency_id) INTO parts
          FROM (SELECT t.agency_id FROM new_rows t UNION SELECT t.agency_id FROM old_rows t
                UNION SELECT p.agency_id FROM new_rows t JOIN people p ON p.id = t.person_id
                UNION SELECT p.agency_id FROM old_rows t JOIN people p ON p.id = t.person_id) x;
    ELSE
        SELECT array_agg(DISTINCT x.agency_id) INTO parts
          FROM (SELECT t.agency_id FROM old_rows t
                UNION SELECT p.agency_id FROM old_rows t JOIN people p ON p.id = t.person_id) x;
    END IF;
    IF parts IS NOT NULL THEN
        PERFORM parts_bump(parts);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER posts_parts_insert AFTER INSERT ON posts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION posts_parts();
CREATE TRIGGER posts_parts_update AFTER UPDATE ON posts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION posts_parts();
CREATE TRIGGER posts_parts_delete AFTER DELETE ON posts REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION posts_parts();

-- Assignments: the closure of their people (their agencies, their rooms, everyone in those rooms) and of
-- their rooms before and after (an assignment ended or deleted still moves its room's part).
CREATE FUNCTION assignments_parts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    people uuid[];
    rooms  uuid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT person_id), array_agg(DISTINCT room_id) INTO people, rooms FROM new_rows;
        IF cardinality(people) > parts_many() THEN
            PERFORM parts_bump(parts_every()); -- a bulk load: every part dirty, rather than its closure
            RETURN NULL;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(DISTINCT x.person_id), array_agg(DISTINCT x.room_id) INTO people, rooms
          FROM (SELECT person_id, room_id FROM new_rows UNION ALL SELECT person_id, room_id FROM old_rows) x;
    ELSE
        SELECT array_agg(DISTINCT person_id), array_agg(DISTINCT room_id) INTO people, rooms FROM old_rows;
    END IF;
    IF people IS NOT NULL THEN
        PERFORM parts_bump(parts_of_people(people) || parts_of_rooms(rooms));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER assignments_parts_insert AFTER INSERT ON assignments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assignments_parts();
CREATE TRIGGER assignments_parts_update AFTER UPDATE ON assignments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assignments_parts();
CREATE TRIGGER assignments_parts_delete AFTER DELETE ON assignments REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assignments_parts();

-- Agencies: themselves, their parents and successors before and after; when the level, scale or life of an
-- agency changes (its people's standards, hence the shares of the rooms they share), the closure of its
-- people.
CREATE FUNCTION agencies_parts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    parts  uuid[];
    moved  uuid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(id) INTO parts FROM new_rows;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(n.id) || array_agg(n.parent_id) || array_agg(o.parent_id)
               || array_agg(n.successor_id) || array_agg(o.successor_id),
               array_agg(n.id) FILTER (WHERE (o.level, o.scale, o.deleted_at) IS DISTINCT FROM
                                              (n.level, n.scale, n.deleted_at))
          INTO parts, moved
          FROM new_rows n JOIN old_rows o ON o.id = n.id;
        IF moved IS NOT NULL THEN
            parts := parts || parts_of_people(ARRAY(SELECT p.id FROM people p WHERE p.agency_id = ANY (moved)));
        END IF;
    ELSE
        SELECT array_agg(id) INTO parts FROM old_rows;
    END IF;
    IF parts IS NOT NULL THEN
        PERFORM parts_bump(array_remove(parts, NULL)); -- no parent or successor: no part
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER agencies_parts_insert AFTER INSERT ON agencies REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agencies_parts();
CREATE TRIGGER agencies_parts_update AFTER UPDATE ON agencies REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agencies_parts();
CREATE TRIGGER agencies_parts_delete AFTER DELETE ON agencies REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agencies_parts();

-- Local standard rows: every agency.
CREATE FUNCTION standard_rows_parts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM parts_bump(parts_every());
    RETURN NULL;
END
$$;

CREATE TRIGGER standard_rows_parts AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON standard_rows
    FOR EACH STATEMENT EXECUTE FUNCTION standard_rows_parts();

-- The app role reads and writes the parts and the counters: officemap_grant_app as in 0013, with part_results
-- and part_counters; and every role already granted (that may write the room states) gets them now.
CREATE OR REPLACE FUNCTION officemap_grant_app(app name) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    r     pg_roles%ROWTYPE;
    owner name := (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'history'::regclass);
    t     text;
BEGIN
    SELECT * INTO r FROM pg_roles WHERE rolname = app;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'officemap_grant_app: no role %', app;
    END IF;
    IF r.rolsuper OR r.rolcreaterole OR r.rolbypassrls OR r.rolreplication THEN
        RAISE EXCEPTION 'officemap_grant_app: the app role % must not be a superuser, nor have CREATEROLE, BYPASSRLS or REPLICATION', app;
    END IF;
    IF pg_has_role(app, owner, 'MEMBER') THEN
        RAISE EXCEPTION 'officemap_grant_app: the app role % must not be (a member of) the owner role %', app, owner;
    END IF;

    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), app);
    FOREACH t IN ARRAY ARRAY['sites', 'buildings', 'floors', 'agencies', 'rooms', 'people', 'posts',
                             'assignments', 'standard_rows', 'register_revision', 'sessions', 'jurisdictions',
                             'room_states', 'room_states_day', 'part_results', 'part_counters'] LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %I TO %I', t, app);
    END LOOP;
    -- Users are disabled, tokens revoked: never deleted.
    FOREACH t IN ARRAY ARRAY['users', 'api_tokens'] LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON TABLE %I TO %I', t, app);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['history', 'audit_log'] LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON TABLE %I FROM %I', t, app);
        EXECUTE format('GRANT SELECT, INSERT ON TABLE %I TO %I', t, app);
    END LOOP;
    -- UPDATE for SELECT … FOR UPDATE and to move the head on (audit_head_advance checks each move).
    EXECUTE format('GRANT SELECT, UPDATE (last_seq, last_hash) ON TABLE audit_head TO %I', app);
    FOREACH t IN ARRAY ARRAY['audit_purges', 'audit_settings', 'schema_migrations'] LOOP
        EXECUTE format('GRANT SELECT ON TABLE %I TO %I', t, app);
    END LOOP;
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), app);
    EXECUTE format('GRANT EXECUTE ON FUNCTION purge_audit(timestamptz) TO %I', app);
END
$$;
REVOKE ALL ON FUNCTION officemap_grant_app(name) FROM PUBLIC;

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT DISTINCT grantee FROM information_schema.role_table_grants
              WHERE table_schema = current_schema() AND table_name = 'room_states' AND privilege_type = 'INSERT'
                AND grantee <> current_user LOOP
        EXECUTE format('GRANT SELECT ON TABLE part_counters TO %I', r.grantee);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON TABLE part_results TO %I', r.grantee);
    END LOOP;
END
$$;
