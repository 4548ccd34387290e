-- 0018_ledger: the entries of the property ledger (一房一账, floorplan/ledger.go): per property and year its
-- book value, book area and costs, appended and never changed (a correction is another entry, negative).
-- The areas measured from the drawings are not stored: the ledger reads them from the register.
-- No existing row changes.

CREATE TABLE ledger_entries (
    id          uuid PRIMARY KEY,
    site_id     uuid NOT NULL REFERENCES sites (id),
    year        integer NOT NULL CONSTRAINT ledger_entries_year_range CHECK (year BETWEEN 1949 AND 2200),
    kind        text NOT NULL CONSTRAINT ledger_entries_kind_known
                CHECK (kind IN ('book_value', 'book_area', 'maintenance', 'property_services', 'utilities', 'rent_received')),
    amount      numeric(15, 2) NOT NULL CONSTRAINT ledger_entries_amount_nonzero CHECK (amount <> 0),
    note        text NOT NULL DEFAULT '',
    document_id uuid REFERENCES documents (id),
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_site_year_idx ON ledger_entries (site_id, year, recorded_at);

CREATE FUNCTION ledger_entries_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'OM003',
        MESSAGE = 'ledger entries are never changed: ' || TG_OP || ' is not allowed (enter a correcting entry)';
END
$$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only();
