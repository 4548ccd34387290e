-- 0034_reference_checks: the references of rooms, people and assignments are checked once per statement.
--
-- Five foreign keys carried the register's bulk tables: rooms → floors and agencies, people → agencies,
-- assignments → people and rooms. PostgreSQL checks a foreign key once per inserted row, with a query of its
-- own (an executor started, an index probed, the referenced row locked FOR KEY SHARE, which writes that row's
-- header). At a million rooms that was six million queries: in a CPU profile of `officemap gen` (issue 15)
-- the checks were 28 % of the database's work, the largest part of it, and the load's one busy core is the
-- database's. The store's writes had already locked, once per batch, every live record they refer to
-- (floors, agencies, people and rooms FOR KEY SHARE, postgis/bulk.go and the Create methods): the foreign key
-- repeated that check and that lock row by row.
--
-- The same rules now hold through triggers that read a statement's rows at once:
--   * refs_present, after INSERT and after UPDATE of rooms, people and assignments (statement triggers): each
--     reference written (floor_id, agency_id, person_id, room_id; NULL allowed where the column allows it)
--     must name a record that exists, live or deleted, as the foreign key required; otherwise the statement
--     fails with the foreign key's error (SQLSTATE 23503, its constraint's name, its DETAIL), as before.
--   * refs_restrict, after DELETE of floors, agencies, people and rooms (statement triggers): a record removed
--     outright while a row still refers to it fails the statement with the same error (NO ACTION, as before);
--   * refs_restrict_key, after UPDATE OF id of the same tables (row triggers, queued only when the id
--     changes): a referenced record's id does not change (NO ACTION on update, as before).
--
-- What the foreign key's row lock also gave is kept where it is needed: a writer of officemap locks the live
-- records it refers to before it writes (above), so a concurrent removal waits for its commit and is then
-- refused by refs_restrict, whose query, in READ COMMITTED, sees the committed rows; and every write of the
-- register runs one at a time behind the revision's row lock (0003_revision.sql). Only a hand-written
-- statement that inserts references without locking them, racing a hand-written removal of the same records,
-- could leave a dangling reference (each sees the other's rows only once they commit).
--
-- posts keeps its foreign keys (a few tens of thousands of rows at a million rooms), and so does every other
-- table. No row of any table changes.

ALTER TABLE rooms DROP CONSTRAINT rooms_floor_id_fkey, DROP CONSTRAINT rooms_agency_id_fkey;
ALTER TABLE people DROP CONSTRAINT people_agency_id_fkey;
ALTER TABLE assignments DROP CONSTRAINT assignments_person_id_fkey, DROP CONSTRAINT assignments_room_id_fkey;

-- refs_present checks the statement's new rows (new_rows) against the references its arguments name, in
-- threes: the column, the referenced table (whose key is id), the constraint's name.
CREATE FUNCTION refs_present() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing uuid;
BEGIN
    FOR i IN 0 .. TG_NARGS - 1 BY 3 LOOP
        EXECUTE format('SELECT n.%1$I FROM new_rows n WHERE n.%1$I IS NOT NULL
                         AND NOT EXISTS (SELECT 1 FROM %2$I p WHERE p.id = n.%1$I) LIMIT 1', TG_ARGV[i], TG_ARGV[i + 1])
           INTO missing;
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%"', TG_TABLE_NAME, TG_ARGV[i + 2]
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_ARGV[i + 2],
                      TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
                      DETAIL = format('Key (%s)=(%s) is not present in table "%s".', TG_ARGV[i], missing, TG_ARGV[i + 1]);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER rooms_refs_insert AFTER INSERT ON rooms REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION refs_present('floor_id', 'floors', 'rooms_floor_id_fkey', 'agency_id', 'agencies', 'rooms_agency_id_fkey');
CREATE TRIGGER rooms_refs_update AFTER UPDATE ON rooms REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION refs_present('floor_id', 'floors', 'rooms_floor_id_fkey', 'agency_id', 'agencies', 'rooms_agency_id_fkey');
CREATE TRIGGER people_refs_insert AFTER INSERT ON people REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION refs_present('agency_id', 'agencies', 'people_agency_id_fkey');
CREATE TRIGGER people_refs_update AFTER UPDATE ON people REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION refs_present('agency_id', 'agencies', 'people_agency_id_fkey');
CREATE TRIGGER assignments_refs_insert AFTER INSERT ON assignments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION refs_present('person_id', 'people', 'assignments_person_id_fkey', 'room_id', 'rooms', 'assignments_room_id_fkey');
CREATE TRIGGER assignments_refs_update AFTER UPDATE ON assignments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION refs_present('person_id', 'people', 'assignments_person_id_fkey', 'room_id', 'rooms', 'assignments_room_id_fkey');

-- refs_restrict refuses the removal of records (old_rows) that rows still refer to, by the references its
-- arguments name, in threes: the referencing table, its column, the constraint's name.
CREATE FUNCTION refs_restrict() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    kept uuid;
BEGIN
    FOR i IN 0 .. TG_NARGS - 1 BY 3 LOOP
        EXECUTE format('SELECT o.id FROM old_rows o WHERE EXISTS (SELECT 1 FROM %1$I c WHERE c.%2$I = o.id) LIMIT 1',
                       TG_ARGV[i], TG_ARGV[i + 1])
           INTO kept;
        IF kept IS NOT NULL THEN
            PERFORM refs_still_referenced(TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 2], kept);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

-- refs_restrict_key refuses the change of a record's id (OLD.id) that rows still refer to, by the references
-- its arguments name as refs_restrict's do.
CREATE FUNCTION refs_restrict_key() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    referenced boolean;
BEGIN
    FOR i IN 0 .. TG_NARGS - 1 BY 3 LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %1$I c WHERE c.%2$I = $1)', TG_ARGV[i], TG_ARGV[i + 1])
           INTO referenced USING OLD.id;
        IF referenced THEN
            PERFORM refs_still_referenced(TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 2], OLD.id);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

-- refs_still_referenced raises the foreign key's error for a record (key) of a table that a row of another
-- (referencing) still names.
CREATE FUNCTION refs_still_referenced(sch text, tab text, referencing text, cons text, key uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'update or delete on table "%" violates foreign key constraint "%" on table "%"', tab, cons, referencing
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = cons, TABLE = tab, SCHEMA = sch,
              DETAIL = format('Key (id)=(%s) is still referenced from table "%s".', key, referencing);
END $$;

CREATE TRIGGER floors_refs_delete AFTER DELETE ON floors REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION refs_restrict('rooms', 'floor_id', 'rooms_floor_id_fkey');
CREATE TRIGGER floors_refs_key AFTER UPDATE OF id ON floors FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION refs_restrict_key('rooms', 'floor_id', 'rooms_floor_id_fkey');
CREATE TRIGGER agencies_refs_delete AFTER DELETE ON agencies REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION refs_restrict('rooms', 'agency_id', 'rooms_agency_id_fkey', 'people', 'agency_id', 'people_agency_id_fkey');
CREATE TRIGGER agencies_refs_key AFTER UPDATE OF id ON agencies FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION refs_restrict_key('rooms', 'agency_id', 'rooms_agency_id_fkey', 'people', 'agency_id', 'people_agency_id_fkey');
CREATE TRIGGER people_refs_delete AFTER DELETE ON people REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION refs_restrict('assignments', 'person_id', 'assignments_person_id_fkey');
CREATE TRIGGER people_refs_key AFTER UPDATE OF id ON people FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION refs_restrict_key('assignments', 'person_id', 'assignments_person_id_fkey');
CREATE TRIGGER rooms_refs_delete AFTER DELETE ON rooms REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION refs_restrict('assignments', 'room_id', 'assignments_room_id_fkey');
CREATE TRIGGER rooms_refs_key AFTER UPDATE OF id ON rooms FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION refs_restrict_key('assignments', 'room_id', 'assignments_room_id_fkey');
