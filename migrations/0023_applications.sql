-- 0023_applications: the online handling's applications (floorplan/applications.go, procedures.go): one row
-- per application, its kind, agency, title and current step (state) as columns, its fields, the actions taken
-- and each step's due date as one JSON document (body). The version rises by one with every action.
-- Applications are never deleted: they end closed or rejected.

CREATE TABLE applications (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('allocation', 'second_office', 'maintenance', 'disposal', 'recovery')),
  agency_id uuid NOT NULL REFERENCES agencies (id),
  title text NOT NULL,
  state text NOT NULL,
  finding_key text NOT NULL DEFAULT '',
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version bigint NOT NULL DEFAULT 1
);
CREATE INDEX applications_agency_idx ON applications (agency_id, kind, state);
CREATE INDEX applications_finding_idx ON applications (finding_key) WHERE finding_key <> '';

-- Never deleted, as in the GeoPackage store (applications_no_delete).
CREATE FUNCTION applications_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'applications are never deleted (close or reject them)';
END
$$;
CREATE TRIGGER applications_no_delete BEFORE DELETE ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_no_delete();

-- The app role files, reads and moves them on (officemap_app_grants, 0019); every role already granted gets
-- the table now.
INSERT INTO officemap_app_grants (tbl, privileges) VALUES ('applications', 'SELECT, INSERT, UPDATE');

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
