-- 0010_imports: what imports from CAD, OpenStreetMap, IMDF and the bureau's room register bring (issue 14).
--
--   * Two more room usages that have no floor and so never count as usable area: shaft (管井: pipe,
--     cable and lift shafts) and void (中庭上空: open to the floor below), floorplan.UsageShaft and
--     floorplan.UsageVoid.
--   * rooms.source_category: the room's category in the source it was imported from (an IMDF unit
--     category such as "opentobelow", a DXF layer's room type), so that an export gives it back; '' for
--     rooms drawn here.
--   * rooms.recorded_area_m2: the usable area the bureau's own room register records for the room
--     (账面面积), to be compared with the measured area_m2; NULL when none is recorded (0 in Go), and
--     otherwise a finite positive number of m².
--   * buildings.lang: the language (BCP 47 tag) of the names the source gave; '' for names typed here.
--   * floors.openings: the floor's doors and other openings as lines in the building's local metres
--     (SRID 0, like outline), with its lon/lat copy openings_ll (SRID 4326) derived by the store in Go, as
--     outline_ll is; both valid or both NULL. The history leaves openings_ll out, as it does outline_ll.
--   * Two live floors of one building may share an ordinal when their names differ (IMDF venues have
--     mezzanines and split levels at one ordinal): floors_ordinal_key is unique on (building_id, ordinal,
--     name) among live floors.
--
-- Adding columns with defaults changes no row: no history records, no version moves. The new CHECK on
-- usage accepts every row the old one did. The app role needs nothing more: officemap_grant_app grants on
-- whole tables, which covers new columns.

ALTER TABLE rooms DROP CONSTRAINT rooms_usage_known;
ALTER TABLE rooms ADD CONSTRAINT rooms_usage_known CHECK (usage IN
    ('office', 'rest_room', 'toilet', 'service', 'equipment', 'ancillary', 'technical', 'circulation',
     'shaft', 'void', 'commercial', 'residential', 'other'));

ALTER TABLE rooms
    ADD COLUMN source_category text NOT NULL DEFAULT '',
    ADD COLUMN recorded_area_m2 double precision
        CONSTRAINT rooms_recorded_area_positive
        CHECK (recorded_area_m2 > 0 AND recorded_area_m2 < 'Infinity'::double precision);

ALTER TABLE buildings ADD COLUMN lang text NOT NULL DEFAULT '';

ALTER TABLE floors
    ADD COLUMN openings geometry(MultiLineString, 0)
        CONSTRAINT floors_openings_valid CHECK (ST_IsValid(openings) AND NOT ST_IsEmpty(openings)),
    ADD COLUMN openings_ll geometry(MultiLineString, 4326)
        CONSTRAINT floors_openings_ll_valid CHECK (ST_IsValid(openings_ll)),
    ADD CONSTRAINT floors_openings_in_step CHECK ((openings IS NULL) = (openings_ll IS NULL));

DROP INDEX floors_ordinal_key;
CREATE UNIQUE INDEX floors_ordinal_key ON floors (building_id, ordinal, name) WHERE deleted_at IS NULL;

DROP TRIGGER floors_history ON floors;
CREATE TRIGGER floors_history AFTER INSERT OR UPDATE OR DELETE ON floors
    FOR EACH ROW EXECUTE FUNCTION record_history('floor', 'outline_ll', 'openings_ll');
