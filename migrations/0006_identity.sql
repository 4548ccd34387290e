-- 0006_identity: accounts, sessions, API tokens and the tamper-evident audit log (issue 12), and the
-- grants of the server's database role.
--
-- Two database roles (README, "The two database roles"):
--   * the owner role runs the migrations and owns every table and function;
--   * the app role, which the server runs as, gets what it needs from officemap_grant_app(role) below:
--     read and write on the register and account tables, but only SELECT and INSERT on the history and
--     the audit log. It does not own them, so it cannot ALTER TABLE … DISABLE TRIGGER, and it is not a
--     superuser, so it cannot SET session_replication_role (which would silence every trigger).
-- A superuser (or the owner) can still rewrite the past; the audit log's hash chain (identity.Seal,
-- identity.Verify) is what catches that.
--
-- The audit log is a hash chain written one record at a time: audit_head holds the last seq and hash;
-- an append locks it FOR UPDATE, inserts the record with seq = last + 1 and prev_hash = the last hash
-- (checked by audit_log_append, SQLSTATE OM004) and moves the head on (checked by audit_head_advance).
-- Records are never updated; they are deleted only by purge_audit(before), the policy purge, which keeps
-- at least audit_settings.min_retention (180 days) and logs itself in audit_purges.
--
-- SQLSTATEs: OM003 append-only (as for the history), OM004 a broken chain rule, OM005 a purge inside the
-- retention period.

-- ---------------------------------------------------------------------------------------------------
-- Users (identity.User). Usernames are unique whatever their case. Users are disabled, not deleted, so
-- the audit log's names keep meaning something.

CREATE TABLE users (
    id                   uuid PRIMARY KEY,
    username             text NOT NULL CONSTRAINT users_username_length CHECK (char_length(username) BETWEEN 1 AND 64),
    display_name         text NOT NULL DEFAULT '',
    grants               jsonb NOT NULL DEFAULT '[]' CONSTRAINT users_grants_array CHECK (jsonb_typeof(grants) = 'array'),
    password_hash        text NOT NULL DEFAULT '',
    password_history     text[] NOT NULL DEFAULT '{}',
    password_changed_at  timestamptz,
    must_change_password boolean NOT NULL DEFAULT false,
    password_expires     timestamptz,
    failed_attempts      integer NOT NULL DEFAULT 0 CONSTRAINT users_failed_attempts_nonnegative CHECK (failed_attempts >= 0),
    locked_until         timestamptz,
    disabled             boolean NOT NULL DEFAULT false,
    totp_secret          text NOT NULL DEFAULT '',
    totp_enabled         boolean NOT NULL DEFAULT false,
    external_subject     text NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL DEFAULT now(),
    version              bigint NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_external_subject_key ON users (external_subject) WHERE external_subject <> '';
CREATE TRIGGER users_version BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION bump_version();

-- ---------------------------------------------------------------------------------------------------
-- Server-side sessions, by the SHA-256 of the cookie's secret (the secret is never stored).

CREATE TABLE sessions (
    id_hash    text PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen  timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    addr       text NOT NULL DEFAULT '',
    mfa        boolean NOT NULL DEFAULT false
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- ---------------------------------------------------------------------------------------------------
-- API tokens, by the SHA-256 of their secret.

CREATE TABLE api_tokens (
    id         uuid PRIMARY KEY,
    hash       text NOT NULL CONSTRAINT api_tokens_hash_key UNIQUE,
    user_id    uuid NOT NULL REFERENCES users (id),
    name       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    last_used  timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- ---------------------------------------------------------------------------------------------------
-- The audit log and its head.

CREATE TABLE audit_log (
    seq       bigint PRIMARY KEY CONSTRAINT audit_log_seq_positive CHECK (seq > 0),
    at        timestamptz NOT NULL,
    user_id   uuid,
    username  text NOT NULL DEFAULT '',
    role      text NOT NULL DEFAULT '',
    addr      text NOT NULL DEFAULT '',
    action    text NOT NULL CONSTRAINT audit_log_action_required CHECK (action <> ''),
    target    text NOT NULL DEFAULT '',
    outcome   text NOT NULL DEFAULT '',
    detail    text NOT NULL DEFAULT '',
    prev_hash text NOT NULL DEFAULT '',
    hash      text NOT NULL CONSTRAINT audit_log_hash_hex CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_username_idx ON audit_log (lower(username), seq);

COMMENT ON TABLE audit_log IS
    'Append-only, hash-chained audit log (identity.AuditRecord); deleted only by purge_audit.';

-- One row: the last record's seq and hash. It survives purges, so the chain goes on from the purged head.
CREATE TABLE audit_head (
    singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT audit_head_one_row CHECK (singleton),
    last_seq  bigint NOT NULL,
    last_hash text NOT NULL
);
INSERT INTO audit_head (singleton, last_seq, last_hash) VALUES (true, 0, '');

-- The retention floor of purge_audit; only the owner may change it.
CREATE TABLE audit_settings (
    singleton     boolean PRIMARY KEY DEFAULT true CONSTRAINT audit_settings_one_row CHECK (singleton),
    min_retention interval NOT NULL CONSTRAINT audit_settings_retention_nonnegative CHECK (min_retention >= interval '0')
);
INSERT INTO audit_settings (singleton, min_retention) VALUES (true, interval '180 days');

-- What purge_audit did: append-only like the log.
CREATE TABLE audit_purges (
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    before         timestamptz NOT NULL,
    purged         bigint NOT NULL,
    first_kept_seq bigint NOT NULL,
    by_role        text NOT NULL
);

-- audit_log_append checks a new record against the head: seq is the next one and prev_hash is the last
-- hash. It locks the head, so direct inserts are serialised like the store's.
CREATE FUNCTION audit_log_append() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    h audit_head%ROWTYPE;
BEGIN
    SELECT * INTO h FROM audit_head FOR UPDATE;
    IF NEW.seq IS DISTINCT FROM h.last_seq + 1 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'OM004',
            MESSAGE = format('audit_log: the next record is %s, not %s', h.last_seq + 1, NEW.seq);
    END IF;
    IF NEW.prev_hash IS DISTINCT FROM h.last_hash THEN
        RAISE EXCEPTION USING
            ERRCODE = 'OM004',
            MESSAGE = format('audit_log: record %s must chain to the hash of record %s', NEW.seq, h.last_seq);
    END IF;
    RETURN NEW;
END
$$;

-- audit_head_advance lets the head move on by one, to a record that exists with that hash.
CREATE FUNCTION audit_head_advance() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION USING
            ERRCODE = 'OM003',
            MESSAGE = 'audit_head: ' || TG_OP || ' is not allowed';
    END IF;
    IF NEW.last_seq IS DISTINCT FROM OLD.last_seq + 1
       OR NOT EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.last_seq AND hash = NEW.last_hash) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'OM004',
            MESSAGE = format('audit_head: the head moves from %s to %s, onto a stored record', OLD.last_seq, OLD.last_seq + 1);
    END IF;
    RETURN NEW;
END
$$;

-- audit_append_only refuses UPDATE, DELETE and TRUNCATE; purge_audit's DELETE passes (it runs as the
-- owner and says so with officemap.audit_purge for the transaction).
CREATE FUNCTION audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_log'
       AND current_setting('officemap.audit_purge', true) = 'on'
       AND current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'OM003',
        MESSAGE = TG_TABLE_NAME || ' is append-only: ' || TG_OP || ' is not allowed';
END
$$;

CREATE TRIGGER audit_log_append BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append();
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_head_advance BEFORE UPDATE OR DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_head_advance();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_purges_no_update BEFORE UPDATE OR DELETE ON audit_purges
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_purges_no_truncate BEFORE TRUNCATE ON audit_purges
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

REVOKE UPDATE, DELETE, TRUNCATE ON history, audit_log, audit_purges FROM PUBLIC;

-- purge_audit deletes the records older than before — the oldest records up to the first one at or
-- after before, so that what is kept is an unbroken run of the chain whose first record still carries
-- the hash of the last purged one — and logs what it did in audit_purges. It refuses a cutoff inside the
-- retention period (audit_settings.min_retention, with an hour of slack). It runs as the owner (SECURITY DEFINER): the app role
-- may call it but has no DELETE right of its own. Returns the number of records deleted.
CREATE FUNCTION purge_audit(before timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    keep      interval;
    head      bigint;
    keep_from bigint;
    n         bigint;
BEGIN
    SELECT s.min_retention INTO keep FROM public.audit_settings s;
    -- An hour of slack for the server's clock being ahead of the database's.
    IF before IS NULL OR before > now() - keep + interval '1 hour' THEN
        RAISE EXCEPTION USING
            ERRCODE = 'OM005',
            MESSAGE = format('the audit log is kept for at least %s', keep);
    END IF;
    -- Serialise with appends.
    SELECT h.last_seq INTO head FROM public.audit_head h FOR UPDATE;
    SELECT coalesce(min(a.seq), head + 1) INTO keep_from FROM public.audit_log a WHERE a.at >= before;
    PERFORM set_config('officemap.audit_purge', 'on', true);
    DELETE FROM public.audit_log WHERE seq < keep_from;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('officemap.audit_purge', '', true);
    INSERT INTO public.audit_purges (before, purged, first_kept_seq, by_role)
    VALUES (before, n, keep_from, session_user);
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION purge_audit(timestamptz) FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------------
-- The app role's grants.
--
-- officemap_grant_app(role) gives an existing role what the server needs, and no more: read and write on
-- the register and account tables, SELECT and INSERT only on the history and the audit log, the audit
-- head's lock, the sequences, and purge_audit. Run it as the owner after every `officemap migrate`
-- (it is idempotent; a later migration's tables need it again). It refuses a role that could undo the
-- guards: a superuser, a role with CREATEROLE (which can make itself a member of other roles), or a
-- member of the owner role.
CREATE FUNCTION officemap_grant_app(app name) RETURNS void
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
                             'assignments', 'standard_rows', 'register_revision', 'sessions'] LOOP
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
