-- 0028_leads: the leads of the inspections (线索, floorplan/leads.go): what the 12345 hotline, the public, the
-- internet, the media or a higher level reported, linked to rooms, people and agencies, open until triaged
-- into an inspection item or closed with a reason. Source, state, the day received and the item are
-- columns; the text, the contact (personal data), the links, their places and who handled it one JSON
-- document (body). The version rises by one with every change. Leads are never deleted.

CREATE TABLE leads (
  id uuid PRIMARY KEY,
  source text NOT NULL CHECK (source IN ('hotline_12345', 'public', 'internet', 'media', 'higher_level', 'other')),
  state text NOT NULL CHECK (state IN ('open', 'triaged', 'closed')),
  received_on date NOT NULL,
  item_id uuid REFERENCES inspection_items (id),
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version bigint NOT NULL DEFAULT 1,
  CHECK ((state = 'triaged') = (item_id IS NOT NULL))
);
CREATE INDEX leads_state_idx ON leads (state, source, received_on);

-- Never deleted, as in the GeoPackage store (leads_no_delete); the function is 0027's.
CREATE TRIGGER leads_no_delete BEFORE DELETE ON leads
    FOR EACH ROW EXECUTE FUNCTION inspections_no_delete();

-- The app role records, reads and moves them on (officemap_app_grants, 0019); every role already granted
-- gets the table now.
INSERT INTO officemap_app_grants (tbl, privileges) VALUES ('leads', 'SELECT, INSERT, UPDATE');

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
