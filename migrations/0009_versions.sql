-- 0009_versions: sites, buildings, floors, agencies and people get a version, as rooms and assignments
-- have had since 0001_init: 1 for every row (the version it has now), and rising by exactly one on every
-- update (bump_version(), SQLSTATE OM002), so that the store can refuse a stale write
-- (UPDATE … WHERE version = $n) and the API can give them an ETag.
--
-- Adding a column with a default changes no row: no history records, no version moves. The app role needs
-- nothing more: officemap_grant_app grants on whole tables, which covers a new column.
ALTER TABLE sites ADD COLUMN version bigint NOT NULL DEFAULT 1;
ALTER TABLE buildings ADD COLUMN version bigint NOT NULL DEFAULT 1;
ALTER TABLE floors ADD COLUMN version bigint NOT NULL DEFAULT 1;
ALTER TABLE agencies ADD COLUMN version bigint NOT NULL DEFAULT 1;
ALTER TABLE people ADD COLUMN version bigint NOT NULL DEFAULT 1;

CREATE TRIGGER sites_version BEFORE UPDATE ON sites
    FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER buildings_version BEFORE UPDATE ON buildings
    FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER floors_version BEFORE UPDATE ON floors
    FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER agencies_version BEFORE UPDATE ON agencies
    FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER people_version BEFORE UPDATE ON people
    FOR EACH ROW EXECUTE FUNCTION bump_version();
