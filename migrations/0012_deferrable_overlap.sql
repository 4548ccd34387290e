-- 0012_deferrable_overlap: the overlap check of rooms may wait for the end of a transaction, so that a set of
-- rooms saved as a whole (Register.ApplyRooms: the floor editor's "save all") is checked in its final state.
--
-- Moving a wall that two rooms share changes both rooms; written one after the other, the first may overlap the
-- second's old shape although the two new shapes only touch. So rooms_no_overlap becomes a constraint trigger:
--
--   * AFTER INSERT OR UPDATE, DEFERRABLE INITIALLY IMMEDIATE: by default it still refuses a room at the end of
--     the statement that writes it, with the same SQLSTATE OM001 and DETAIL as before (0001_init), so single
--     writes, bulk inserts and raw SQL are refused as they were;
--   * a transaction that runs SET CONSTRAINTS rooms_no_overlap DEFERRED has its rooms checked when it commits
--     (or when it sets the constraint IMMEDIATE again), each against the live rooms of its floor as they then
--     stand.
--
-- When the check runs later than the write, NEW may be an older image of a row written again since (each
-- write queues its own check), so the function reads the row as it stands now; a row deleted (or soft-deleted)
-- since overlaps nothing. Its geometry is valid: the CHECK constraints ran when it was written. The advisory
-- lock on the floor is taken, as before, before the query that looks for the other rooms, which therefore sees
-- every room committed before it is granted.
--
-- No row changes: no history records, no version moves.

CREATE OR REPLACE FUNCTION rooms_no_overlap() RETURNS trigger
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    cur   record;
    other record;
BEGIN
    SELECT r.id, r.floor_id, r.geom INTO cur FROM rooms r WHERE r.id = NEW.id AND r.deleted_at IS NULL;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('officemap.floor'), hashtext(cur.floor_id::text));
    SELECT r.id, r.number, ST_Area(ST_Intersection(r.geom, cur.geom)) AS area
      INTO other
      FROM rooms r
     WHERE r.floor_id = cur.floor_id
       AND r.deleted_at IS NULL
       AND r.id <> cur.id
       AND r.geom && cur.geom
       AND ST_Relate(r.geom, cur.geom, '2********')
       AND ST_Area(ST_Intersection(r.geom, cur.geom)) >= 1e-4
     ORDER BY r.number, r.id
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING
            ERRCODE = 'OM001',
            MESSAGE = format('room %s overlaps room %s (%s)', cur.id, other.number, other.id),
            DETAIL = json_build_object('room_id', cur.id, 'other_id', other.id,
                                       'other_number', other.number, 'area_m2', other.area)::text;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER rooms_no_overlap ON rooms;
CREATE CONSTRAINT TRIGGER rooms_no_overlap AFTER INSERT OR UPDATE OF geom, floor_id, deleted_at ON rooms
    DEFERRABLE INITIALLY IMMEDIATE
    FOR EACH ROW EXECUTE FUNCTION rooms_no_overlap();
