-- 0022_ledger_agency: a ledger entry is the general ledger's (the bureau's) or an agency's sub-ledger entry
-- for the part of the property it uses (floorplan.LedgerEntry.AgencyID), so that the ledger can check that
-- the sub-ledgers add up to the general ledger (账账, floorplan/ledger.go).
--
--   * ledger_entries.agency_id: NULL for the general ledger's entries, else the agency's.
-- No existing row changes: every entry recorded so far stays the general ledger's.

ALTER TABLE ledger_entries ADD COLUMN agency_id uuid REFERENCES agencies (id);
CREATE INDEX ledger_entries_agency_idx ON ledger_entries (agency_id, year) WHERE agency_id IS NOT NULL;
