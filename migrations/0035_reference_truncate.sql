-- 0035_reference_truncate: TRUNCATE keeps the references of 0033 and 0034.
--
-- A foreign key refused TRUNCATE of the table it refers to unless the tables referring to it were emptied by
-- the same statement. The triggers that replaced the keys of room_states (0033_room_states_check.sql) and of
-- rooms, people and assignments (0034_reference_checks.sql) see rows, and TRUNCATE removes none one by one: a
-- floor table emptied while rooms stayed would have left them naming no floor. Now, once a TRUNCATE statement
-- has emptied its tables, refs_truncated refuses it (and so undoes it) while a table that referred to an
-- emptied one still has a reference, with the error PostgreSQL gives for a key (SQLSTATE 0A000, "cannot
-- truncate a table referenced in a foreign key constraint"). TRUNCATE … CASCADE does not follow these
-- references: name the referring tables in the statement. The application's role may not TRUNCATE any of
-- these tables (0019_app_grants.sql); this holds for the owner's hand.
--
-- No row of any table changes.

-- refs_truncated refuses the TRUNCATE of a table while the references its arguments name, in threes (the
-- referring table, its column, the constraint's name), still name a record.
CREATE FUNCTION refs_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    referenced boolean;
BEGIN
    FOR i IN 0 .. TG_NARGS - 1 BY 3 LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %1$I c WHERE c.%2$I IS NOT NULL)', TG_ARGV[i], TG_ARGV[i + 1])
           INTO referenced;
        IF referenced THEN
            RAISE EXCEPTION 'cannot truncate a table referenced in a foreign key constraint'
                USING ERRCODE = 'feature_not_supported', CONSTRAINT = TG_ARGV[i + 2], TABLE = TG_TABLE_NAME,
                      SCHEMA = TG_TABLE_SCHEMA,
                      DETAIL = format('Table "%s" references "%s".', TG_ARGV[i], TG_TABLE_NAME),
                      HINT = format('Truncate table "%s" at the same time.', TG_ARGV[i]);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER floors_refs_truncate AFTER TRUNCATE ON floors FOR EACH STATEMENT
    EXECUTE FUNCTION refs_truncated('rooms', 'floor_id', 'rooms_floor_id_fkey');
CREATE TRIGGER agencies_refs_truncate AFTER TRUNCATE ON agencies FOR EACH STATEMENT
    EXECUTE FUNCTION refs_truncated('rooms', 'agency_id', 'rooms_agency_id_fkey', 'people', 'agency_id', 'people_agency_id_fkey');
CREATE TRIGGER people_refs_truncate AFTER TRUNCATE ON people FOR EACH STATEMENT
    EXECUTE FUNCTION refs_truncated('assignments', 'person_id', 'assignments_person_id_fkey');
CREATE TRIGGER rooms_refs_truncate AFTER TRUNCATE ON rooms FOR EACH STATEMENT
    EXECUTE FUNCTION refs_truncated('assignments', 'room_id', 'assignments_room_id_fkey',
                                    'room_states', 'room_id', 'room_states_room_id_fkey');
