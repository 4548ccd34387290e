-- 0033_room_states_check: a stored room state's room is checked once per statement, not row by row.
--
-- room_states (0013) referenced rooms with a foreign key. Its check ran once per inserted row: an index probe
-- of rooms and a KEY SHARE lock on the room's row, which writes the row's header. Every recomputation of the
-- states (the first reader of each day, gen, a change of the standard rows) deletes them all and inserts them
-- again, so once a day every page of rooms was dirtied and written to the WAL a second time, and at a million
-- rooms the check was half of the states' write: 200,000 states took 4.1–4.4 s with the foreign key and
-- 1.9–2.5 s without it (measured on the 2-core machine of issue 15, in one session).
--
-- The same rule now holds through statement triggers that read the statement's rows at once:
--   * room_states_rooms_insert, room_states_rooms_update: a state written (by INSERT, including the insert
--     and update arms of INSERT … ON CONFLICT, or by UPDATE) must name a room that exists, live or deleted, as
--     the foreign key required; otherwise the statement fails with the foreign key's error (SQLSTATE 23503,
--     constraint room_states_room_id_fkey), as before.
--   * rooms_states_delete: a room row removed outright takes its state with it (the foreign key's ON DELETE
--     CASCADE); rooms_states_key: a room's id that a state names does not change (its NO ACTION on update).
--
-- What the row lock also gave is not needed: every write of the register, these included, runs one at a time
-- behind the revision's row lock (0003_revision.sql), so no write of officemap can remove a room between the
-- check and the commit. The states are derived data, read joined to their rooms; a state left by a room
-- removed outright by hand in that window would be read by nothing and reported by `officemap check --full`.
--
-- No row of any table changes.

ALTER TABLE room_states DROP CONSTRAINT room_states_room_id_fkey;

CREATE FUNCTION room_states_rooms_exist() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing uuid;
BEGIN
    SELECT n.room_id INTO missing
      FROM new_rows n
     WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.id = n.room_id)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'insert or update on table "room_states" violates foreign key constraint "room_states_room_id_fkey"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'room_states_room_id_fkey',
                  TABLE = 'room_states', SCHEMA = TG_TABLE_SCHEMA,
                  DETAIL = format('Key (room_id)=(%s) is not present in table "rooms".', missing);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER room_states_rooms_insert AFTER INSERT ON room_states
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION room_states_rooms_exist();
CREATE TRIGGER room_states_rooms_update AFTER UPDATE ON room_states
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION room_states_rooms_exist();

CREATE FUNCTION rooms_states_cascade() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM room_states s USING old_rows o WHERE s.room_id = o.id;
    RETURN NULL;
END $$;

CREATE TRIGGER rooms_states_delete AFTER DELETE ON rooms
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rooms_states_cascade();

CREATE FUNCTION rooms_states_key() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM room_states s WHERE s.room_id = OLD.id) THEN
        RAISE EXCEPTION 'update or delete on table "rooms" violates foreign key constraint "room_states_room_id_fkey" on table "room_states"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'room_states_room_id_fkey',
                  TABLE = 'rooms', SCHEMA = TG_TABLE_SCHEMA,
                  DETAIL = format('Key (id)=(%s) is still referenced from table "room_states".', OLD.id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER rooms_states_key AFTER UPDATE OF id ON rooms
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION rooms_states_key();
