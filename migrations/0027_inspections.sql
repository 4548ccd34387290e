-- 0027_inspections: the inspections (督查, floorplan/inspections.go): the plans, and their items — a finding
-- frozen as of the plan's day, or a manual item entered in the field — with their rectification state. The
-- kind, state and links are columns; everything else one JSON document (body). The version rises by one
-- with every change. Neither plans nor items are ever deleted.

CREATE TABLE inspections (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('annual', 'special', 'key', 'follow_up')),
  state text NOT NULL CHECK (state IN ('draft', 'started', 'closed')),
  follows uuid REFERENCES inspections (id),
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version bigint NOT NULL DEFAULT 1
);
CREATE INDEX inspections_kind_idx ON inspections (kind, state);

CREATE TABLE inspection_items (
  id uuid PRIMARY KEY,
  inspection_id uuid NOT NULL REFERENCES inspections (id),
  agency_id uuid,
  point_code text NOT NULL,
  rule_id text NOT NULL DEFAULT '',
  state text NOT NULL CHECK (state IN ('open', 'notified', 'answered', 'fixed', 'not_fixed', 'referred')),
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version bigint NOT NULL DEFAULT 1
);
CREATE INDEX inspection_items_plan_idx ON inspection_items (inspection_id, agency_id, state);
CREATE INDEX inspection_items_agency_idx ON inspection_items (agency_id, state);

-- Never deleted, as in the GeoPackage store (inspections_no_delete, inspection_items_no_delete).
CREATE FUNCTION inspections_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% are never deleted', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER inspections_no_delete BEFORE DELETE ON inspections
    FOR EACH ROW EXECUTE FUNCTION inspections_no_delete();
CREATE TRIGGER inspection_items_no_delete BEFORE DELETE ON inspection_items
    FOR EACH ROW EXECUTE FUNCTION inspections_no_delete();

-- The app role makes, reads and moves them on (officemap_app_grants, 0019); every role already granted
-- gets the tables now.
INSERT INTO officemap_app_grants (tbl, privileges) VALUES
  ('inspections', 'SELECT, INSERT, UPDATE'),
  ('inspection_items', 'SELECT, INSERT, UPDATE');

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
