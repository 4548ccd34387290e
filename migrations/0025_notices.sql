-- 0025_notices: the online handling's in-app notices (floorplan/notices.go, register_notices.go): a message to
-- a role within an agency's scope (agency_id NULL: wherever the role is held) or to one user, about an
-- application (filed, moved, returned, rejected, closed, escalated), and who read which notice when. Notices
-- are not part of the register: no history, no revision. A notice is never changed; a read is recorded once.

CREATE TABLE notices (
    seq            bigserial UNIQUE,
    id             uuid PRIMARY KEY,
    created_at     timestamptz NOT NULL DEFAULT now(),
    role           text,
    agency_id      uuid,
    user_id        uuid,
    application_id uuid NOT NULL,
    kind           text NOT NULL,
    title          text NOT NULL,
    body           text NOT NULL DEFAULT '',
    CONSTRAINT notices_recipient CHECK (role IS NOT NULL OR user_id IS NOT NULL)
);
CREATE INDEX notices_created_idx ON notices (created_at);
CREATE INDEX notices_application_idx ON notices (application_id, kind);

CREATE TABLE notice_reads (
    notice_id uuid NOT NULL REFERENCES notices (id),
    user_id   uuid NOT NULL,
    read_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (notice_id, user_id)
);

-- The app role leaves and reads notices and records reads (officemap_app_grants, 0019); every role already
-- granted gets the tables now.
INSERT INTO officemap_app_grants (tbl, privileges) VALUES ('notices', 'SELECT, INSERT'), ('notice_reads', 'SELECT, INSERT');

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
