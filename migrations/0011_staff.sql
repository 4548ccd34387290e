-- 0011_staff: the bureau's own keys for people and agencies, by which its spreadsheets and personnel system
-- name them, so that importing a file again, or synchronising an agency's staff, finds the same records
-- (issue 19).
--
--   * people.staff_no: the person's employee number (工号); '' for none. Personal data, like the name.
--   * agencies.code: the agency's code (统一社会信用代码 or an internal code); '' for none.
--   * Each is unique among live rows when not empty (people_staff_no_key, agencies_code_key): a deleted
--     person's number may be given again, and any number of rows may have none.
--
-- The national ID number (身份证号) is never a key and has no column.
--
-- Adding columns with defaults changes no row: no history records, no version moves. The app role needs
-- nothing more: officemap_grant_app grants on whole tables, which covers new columns.

ALTER TABLE people ADD COLUMN staff_no text NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN code text NOT NULL DEFAULT '';

CREATE UNIQUE INDEX people_staff_no_key ON people (staff_no) WHERE deleted_at IS NULL AND staff_no <> '';
CREATE UNIQUE INDEX agencies_code_key ON agencies (code) WHERE deleted_at IS NULL AND code <> '';
