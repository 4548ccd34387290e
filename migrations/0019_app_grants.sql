-- 0019_app_grants: what the app role may do to each table is data (officemap_app_grants), read by
-- officemap_grant_app, so that a migration adding a table adds its row instead of copying the function again
-- (0007, 0013 and 0015 each redefined it to add their tables). The rows below are exactly what the function of
-- 0015 granted, plus the archive's tables (0017) and the ledger's (0018): documents are filed and hidden
-- (SELECT, INSERT, UPDATE: the trigger allows only the hiding), their bytes and the ledger's entries only
-- appended (SELECT, INSERT). Every role already granted gets the new tables now.

CREATE TABLE officemap_app_grants (
    tbl        text PRIMARY KEY,
    privileges text NOT NULL CONSTRAINT officemap_app_grants_known
               CHECK (privileges IN ('SELECT, INSERT, UPDATE, DELETE', 'SELECT, INSERT, UPDATE', 'SELECT, INSERT', 'SELECT'))
);
INSERT INTO officemap_app_grants (tbl, privileges) VALUES
    ('sites', 'SELECT, INSERT, UPDATE, DELETE'), ('buildings', 'SELECT, INSERT, UPDATE, DELETE'),
    ('floors', 'SELECT, INSERT, UPDATE, DELETE'), ('agencies', 'SELECT, INSERT, UPDATE, DELETE'),
    ('rooms', 'SELECT, INSERT, UPDATE, DELETE'), ('people', 'SELECT, INSERT, UPDATE, DELETE'),
    ('posts', 'SELECT, INSERT, UPDATE, DELETE'), ('assignments', 'SELECT, INSERT, UPDATE, DELETE'),
    ('standard_rows', 'SELECT, INSERT, UPDATE, DELETE'), ('register_revision', 'SELECT, INSERT, UPDATE, DELETE'),
    ('sessions', 'SELECT, INSERT, UPDATE, DELETE'), ('jurisdictions', 'SELECT, INSERT, UPDATE, DELETE'),
    ('room_states', 'SELECT, INSERT, UPDATE, DELETE'), ('room_states_day', 'SELECT, INSERT, UPDATE, DELETE'),
    ('part_results', 'SELECT, INSERT, UPDATE, DELETE'), ('part_counters', 'SELECT, INSERT, UPDATE, DELETE'),
    ('users', 'SELECT, INSERT, UPDATE'), ('api_tokens', 'SELECT, INSERT, UPDATE'),
    ('history', 'SELECT, INSERT'), ('audit_log', 'SELECT, INSERT'),
    ('audit_purges', 'SELECT'), ('audit_settings', 'SELECT'), ('schema_migrations', 'SELECT'),
    ('documents', 'SELECT, INSERT, UPDATE'), ('document_blobs', 'SELECT, INSERT'),
    ('document_blob_parts', 'SELECT, INSERT'), ('ledger_entries', 'SELECT, INSERT');

CREATE OR REPLACE FUNCTION officemap_grant_app(app name) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    r     pg_roles%ROWTYPE;
    owner name := (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'history'::regclass);
    g     officemap_app_grants%ROWTYPE;
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
    FOR g IN SELECT * FROM officemap_app_grants ORDER BY tbl LOOP
        -- What the row does not grant is taken away: an append-only table loses UPDATE, DELETE, TRUNCATE.
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON TABLE %I FROM %I', g.tbl, app);
        EXECUTE format('GRANT %s ON TABLE %I TO %I', g.privileges, g.tbl, app);
    END LOOP;
    -- UPDATE for SELECT … FOR UPDATE and to move the head on (audit_head_advance checks each move).
    EXECUTE format('GRANT SELECT, UPDATE (last_seq, last_hash) ON TABLE audit_head TO %I', app);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), app);
    EXECUTE format('GRANT EXECUTE ON FUNCTION purge_audit(timestamptz) TO %I', app);
END
$$;
REVOKE ALL ON FUNCTION officemap_grant_app(name) FROM PUBLIC;

-- Every role the function already granted (it may write the rooms' states) gets the new tables now.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT DISTINCT grantee FROM information_schema.role_table_grants
              WHERE table_schema = current_schema() AND table_name = 'room_states' AND privilege_type = 'INSERT'
                AND grantee <> current_user LOOP
        PERFORM officemap_grant_app(r.grantee);
    END LOOP;
END
$$;
