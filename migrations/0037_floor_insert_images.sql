-- 0037_floor_insert_images: a new floor's history is written per statement, without its image, as a new
-- room's is (0014_bulk_load, 0016_bulk_history, 0032_insert_images).
--
-- Floors kept the row trigger record_history for their inserts: one plpgsql call per floor, each making the
-- floor's image (its local outline and openings as GeoJSON, parsed into jsonb) to store in the insert's history
-- row. A bulk load writes floors 25,000 at a time (`officemap gen` of a million rooms); their inserts now go
-- through record_history_inserts, one statement per INSERT or COPY, and the image of an inserted floor is read
-- where it is kept, as 0032 does for rooms: the old image of the floor's next history record when it has one
-- (the floor as inserted, before its first update), else the live row itself, never changed since.
-- history_image gains that case for floors; what reads images (the store's History and Snapshot) reads them
-- through it, so the images it returns are the same jsonb as before, with the same keys and values.
--
-- Updates and deletions of floors keep the row trigger and their stored images. The effective day of a floor's
-- insert is 0001-01-01 unless the writing session sets officemap.effective, as record_history gave it (floors
-- have no valid_from). Existing history rows are left as they are; no row of any table changes.

DROP TRIGGER floors_history ON floors;
CREATE TRIGGER floors_history AFTER UPDATE OR DELETE ON floors
    FOR EACH ROW EXECUTE FUNCTION record_history('floor', 'outline_ll', 'openings_ll');
CREATE TRIGGER floors_history_insert AFTER INSERT ON floors REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION record_history_inserts('floor');

CREATE OR REPLACE FUNCTION history_image(entity text, entity_id uuid, seq bigint, op text, new jsonb) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN new IS NOT NULL OR op <> 'insert' THEN new
        ELSE coalesce(
            (SELECT n.old FROM history n
              WHERE n.entity_id = history_image.entity_id AND n.entity = history_image.entity
                AND n.seq > history_image.seq
              ORDER BY n.seq LIMIT 1),
            CASE history_image.entity
                WHEN 'room'       THEN (SELECT to_jsonb(r) - 'geom_ll' FROM rooms r WHERE r.id = history_image.entity_id)
                WHEN 'floor'      THEN (SELECT to_jsonb(f) - 'outline_ll' - 'openings_ll' FROM floors f
                                         WHERE f.id = history_image.entity_id)
                WHEN 'person'     THEN (SELECT to_jsonb(p) FROM people p WHERE p.id = history_image.entity_id)
                WHEN 'post'       THEN (SELECT to_jsonb(o) FROM posts o WHERE o.id = history_image.entity_id)
                WHEN 'assignment' THEN (SELECT to_jsonb(a) FROM assignments a WHERE a.id = history_image.entity_id)
            END)
    END
$$;
