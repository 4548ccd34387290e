-- 0005_units: the stored local frame is always in metres.
--
-- Until now a building's scale (metres per local unit) also said what unit its stored local geometry was
-- in: a building drawn in millimetres had scale 0.001 and rooms of 4000 × 6000, and every area computed
-- from the local geometry (rooms.area_m2, the API's area_m2, the evaluation) was in mm² while labelled
-- m². From now on the local geometry is in metres whatever the scale, which only says in what unit
-- clients exchange local coordinates (the API's crs=local), and geo.Frame ignores it.
--
-- This migration converts the buildings whose scale is neither 0 nor 1: their footprint, the outlines of
-- their floors and the polygons of their rooms (deleted ones included, so that the live tables hold
-- metres everywhere) are multiplied by the scale about the local origin. The scale itself stays, now as
-- the exchange unit, so clients keep sending and reading the same numbers. The lon/lat copies
-- (footprint_ll, outline_ll, geom_ll) were derived with the scale applied and are already right: they
-- are left alone. rooms.area_m2 is a generated column and follows.
--
-- Triggers: each converted room's version rises by exactly one (rooms_version), and every converted row
-- gets a history record (record_history) with the actor 'migration:0005_units' and a reason. The history
-- is append-only and is not rewritten: the images recorded before that record, for a building with a
-- scale other than 0 and 1, are in the building's drawing units (multiply by its scale for metres). The
-- conversion's records (0004_bitemporal) are effective from the day the record's current state holds
-- from as far as it can be known here: a room's or a building's valid_from (so reports as of any day of
-- its life, as now known, read metres), the day a deleted room was deleted (before that day its old
-- images stand, in drawing units), the beginning of time for floors. Reports as recorded before the
-- conversion show what officemap said then. The
-- overlap trigger is switched off for the room update: rows are updated one by one, and a room already
-- in metres may lie inside a neighbour not converted yet. A uniform scaling keeps rooms that did not
-- overlap from overlapping.

SELECT set_config('officemap.actor', 'migration:0005_units', true),
       set_config('officemap.effective', '0001-01-01', true),
       set_config('officemap.reason',
                  'the stored local frame is in metres: geometry converted from drawing units (× scale)', true);

ALTER TABLE rooms DISABLE TRIGGER rooms_no_overlap;

-- One statement per room, so that each history record gets its own effective day (row triggers of one
-- statement fire at its end).
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT rm.id, b.scale,
                    CASE WHEN rm.deleted_at IS NULL THEN rm.valid_from
                         ELSE (rm.deleted_at AT TIME ZONE current_setting('TimeZone'))::date END AS eff
               FROM rooms rm
               JOIN floors f ON f.id = rm.floor_id
               JOIN buildings b ON b.id = f.building_id
              WHERE b.scale <> 0 AND b.scale <> 1
    LOOP
        PERFORM set_config('officemap.effective', r.eff::text, true);
        UPDATE rooms SET geom = ST_Scale(geom, r.scale, r.scale), version = version + 1 WHERE id = r.id;
    END LOOP;
    PERFORM set_config('officemap.effective', '0001-01-01', true);
END
$$;

ALTER TABLE rooms ENABLE TRIGGER rooms_no_overlap;

UPDATE floors f
   SET outline = ST_Scale(f.outline, b.scale, b.scale)
  FROM buildings b
 WHERE b.id = f.building_id
   AND b.scale <> 0 AND b.scale <> 1
   AND f.outline IS NOT NULL;

DO $$
DECLARE
    b record;
BEGIN
    FOR b IN SELECT id, valid_from FROM buildings WHERE scale <> 0 AND scale <> 1 AND footprint IS NOT NULL LOOP
        PERFORM set_config('officemap.effective', b.valid_from::text, true);
        UPDATE buildings SET footprint = ST_Scale(footprint, scale, scale) WHERE id = b.id;
    END LOOP;
END
$$;

-- Servers cache evaluations and tiles by the register's revision (0003_revision).
UPDATE register_revision SET n = n + 1
 WHERE EXISTS (SELECT 1 FROM buildings WHERE scale <> 0 AND scale <> 1);
