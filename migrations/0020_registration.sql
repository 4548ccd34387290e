-- 0020_registration: a property's registration (权属登记/备案, floorplan/registration.go).
--
--   * sites.ownership accepts the states of the registration path: to_register (待登记), filing (备案办理中)
--     and disputed (有争议) besides registered, filed and unclear, whose meaning does not change.
--   * registration_changes: every change of a site's state (its history), with the day it took effect and
--     why; the site's ownership column stays the current state.
--   * filing_steps: the steps of the filing path — confirmation (确权), notice (公示, start and end days) and
--     filing_document (备案文件, number and date) — with the archive's documents that support them.
--   * timeline_events: the manual events of a property's timeline (floorplan/timeline.go).
-- All three are appended and never changed (a step recorded again replaces the earlier one in the
-- registration's view). seq orders the rows of one transaction, which share recorded_at.
-- No existing row changes.

ALTER TABLE sites DROP CONSTRAINT sites_ownership_known;
ALTER TABLE sites ADD CONSTRAINT sites_ownership_known
    CHECK (ownership IN ('registered', 'filed', 'unclear', 'to_register', 'filing', 'disputed'));

CREATE TABLE registration_changes (
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id          uuid PRIMARY KEY,
    site_id     uuid NOT NULL REFERENCES sites (id),
    state       text NOT NULL CONSTRAINT registration_changes_state_known
                CHECK (state IN ('registered', 'filed', 'unclear', 'to_register', 'filing', 'disputed')),
    effective   date NOT NULL,
    reason      text NOT NULL CONSTRAINT registration_changes_reason_required CHECK (btrim(reason) <> ''),
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registration_changes_site_idx ON registration_changes (site_id, seq);

CREATE TABLE filing_steps (
    seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id           uuid PRIMARY KEY,
    site_id      uuid NOT NULL REFERENCES sites (id),
    step         text NOT NULL CONSTRAINT filing_steps_step_known
                 CHECK (step IN ('confirmation', 'notice', 'filing_document')),
    step_date    date,
    start_date   date,
    end_date     date,
    number       text NOT NULL DEFAULT '',
    form         text NOT NULL DEFAULT '' CONSTRAINT filing_steps_form_known CHECK (form IN ('', 'normative', 'minutes')),
    document_ids uuid[] NOT NULL DEFAULT '{}',
    note         text NOT NULL DEFAULT '',
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT filing_steps_notice_days CHECK ((step = 'notice') = (start_date IS NOT NULL AND end_date IS NOT NULL AND step_date IS NULL)),
    CONSTRAINT filing_steps_dated CHECK (step = 'notice' OR step_date IS NOT NULL),
    CONSTRAINT filing_steps_notice_order CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX filing_steps_site_idx ON filing_steps (site_id, seq);

CREATE TABLE timeline_events (
    seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id           uuid PRIMARY KEY,
    site_id      uuid NOT NULL REFERENCES sites (id),
    event_date   date NOT NULL,
    kind         text NOT NULL CONSTRAINT timeline_events_kind_known
                 CHECK (kind IN ('acquired', 'built', 'registered', 'filed', 'renovated', 'allocated', 'leased', 'disposed', 'other')),
    title        text NOT NULL CONSTRAINT timeline_events_title_required CHECK (btrim(title) <> ''),
    note         text NOT NULL DEFAULT '',
    document_ids uuid[] NOT NULL DEFAULT '{}',
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX timeline_events_site_idx ON timeline_events (site_id, event_date, seq);

CREATE FUNCTION registration_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'OM003',
        MESSAGE = TG_TABLE_NAME || ' rows are never changed: ' || TG_OP || ' is not allowed (record another one)';
END
$$;
CREATE TRIGGER registration_changes_append_only BEFORE UPDATE OR DELETE ON registration_changes
    FOR EACH ROW EXECUTE FUNCTION registration_append_only();
CREATE TRIGGER registration_changes_no_truncate BEFORE TRUNCATE ON registration_changes
    FOR EACH STATEMENT EXECUTE FUNCTION registration_append_only();
CREATE TRIGGER filing_steps_append_only BEFORE UPDATE OR DELETE ON filing_steps
    FOR EACH ROW EXECUTE FUNCTION registration_append_only();
CREATE TRIGGER filing_steps_no_truncate BEFORE TRUNCATE ON filing_steps
    FOR EACH STATEMENT EXECUTE FUNCTION registration_append_only();
CREATE TRIGGER timeline_events_append_only BEFORE UPDATE OR DELETE ON timeline_events
    FOR EACH ROW EXECUTE FUNCTION registration_append_only();
CREATE TRIGGER timeline_events_no_truncate BEFORE TRUNCATE ON timeline_events
    FOR EACH STATEMENT EXECUTE FUNCTION registration_append_only();

-- The app role appends and reads (officemap_app_grants, 0019); every role already granted gets them now.
INSERT INTO officemap_app_grants (tbl, privileges) VALUES
    ('registration_changes', 'SELECT, INSERT'), ('filing_steps', 'SELECT, INSERT'), ('timeline_events', 'SELECT, INSERT');

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
