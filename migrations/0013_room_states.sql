-- 0013_room_states: the stored state of every live room (floorplan/states.go), kept up to date by each write
-- of the register service in its own transaction, so that lists and map tiles read statuses with the rooms
-- instead of from a whole evaluation of the register.
--
--   * room_states holds one row per live room: its status, per-person and standard area, its occupants (a JSON
--     array of floorplan.OccupantInfo: person, name, rank, rank title, kind of assignment, share), and the
--     calendar day the row is for (as_of). A room deleted loses its row (the register service deletes
--     it in the write's transaction; ON DELETE CASCADE covers a room row removed outright).
--   * room_states_day holds one row: the day for which every row was last computed (NULL: never), so that
--     the first reader of a new day knows to compute them all again.
--
-- The rows are derived data, not in the history. No existing row changes: the states are computed by the
-- first reader.

CREATE TABLE room_states (
    room_id       uuid PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
    status        text NOT NULL CONSTRAINT room_states_status_known
                  CHECK (status IN ('over_standard', 'compliant', 'vacant', 'non_office', 'no_standard')),
    per_person_m2 double precision NOT NULL,
    standard_m2   double precision NOT NULL,
    occupants     jsonb NOT NULL CONSTRAINT room_states_occupants_array CHECK (jsonb_typeof(occupants) = 'array'),
    as_of         date NOT NULL
);

CREATE TABLE room_states_day (
    singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT room_states_day_one_row CHECK (singleton),
    as_of     date
);
INSERT INTO room_states_day (singleton, as_of) VALUES (true, NULL);

-- The app role writes the new tables: officemap_grant_app as in 0007, with room_states and room_states_day.
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
                             'room_states', 'room_states_day'] LOOP
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
