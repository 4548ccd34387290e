-- 0007_jurisdictions: the jurisdiction tree that scopes refer to (issue 12): the city, its districts and
-- county-level cities (辖市区), and below them. Sites and agencies name the jurisdiction they belong to
-- (jurisdiction_id; NULL: the city level, or for an agency its parent's). A bureau administrator granted a
-- district sees and manages the records of that district and of the jurisdictions below it.
--
-- Jurisdictions have a history like every register table (record_history('jurisdiction')). They are not
-- deleted: a district that is merged away is kept, renamed or moved, so that old grants still mean
-- something (deleted_at is there for a later purge).

CREATE TABLE jurisdictions (
    id         uuid PRIMARY KEY,
    name       text NOT NULL CONSTRAINT jurisdictions_name_required CHECK (btrim(name) <> ''),
    code       text NOT NULL DEFAULT '' CONSTRAINT jurisdictions_code_format
                    CHECK (code = '' OR code ~ '^([0-9]{6}|[0-9]{9}|[0-9]{12})$'),
    parent_id  uuid REFERENCES jurisdictions (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT jurisdictions_not_own_parent CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX jurisdictions_parent_idx ON jurisdictions (parent_id) WHERE deleted_at IS NULL;
CREATE TRIGGER jurisdictions_history AFTER INSERT OR UPDATE OR DELETE ON jurisdictions
    FOR EACH ROW EXECUTE FUNCTION record_history('jurisdiction');

-- Adding a column with no default changes no row: no history records, no version moves.
ALTER TABLE sites ADD COLUMN jurisdiction_id uuid REFERENCES jurisdictions (id);
ALTER TABLE agencies ADD COLUMN jurisdiction_id uuid REFERENCES jurisdictions (id);
CREATE INDEX sites_jurisdiction_idx ON sites (jurisdiction_id) WHERE deleted_at IS NULL;
CREATE INDEX agencies_jurisdiction_idx ON agencies (jurisdiction_id) WHERE deleted_at IS NULL;

-- The app role needs the new table: officemap_grant_app as in 0006, with jurisdictions.
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
                             'assignments', 'standard_rows', 'register_revision', 'sessions', 'jurisdictions'] LOOP
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
