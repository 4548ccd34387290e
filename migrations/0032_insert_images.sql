-- 0032_insert_images: a new room, person, post or assignment no longer has its image copied into its history
-- row; the image is read where it is kept.
--
-- record_history_inserts (0014_bulk_load, 0016_bulk_history) wrote each new row's image, to_jsonb of the row
-- less its excluded columns, into the insert's history row. Building and storing those images was most of the
-- history's cost and a third of a bulk load's: a room's image (its local polygon as GeoJSON, every coordinate
-- parsed into a jsonb number) took 15 µs to make and 825 bytes to keep, its history row without it 1 µs
-- (200,000 rooms: 4.0 s → 0.2 s; `officemap gen` of a million rooms 204 → 164 s, measured on the 2-core
-- machine of issue 15).
--
-- The image of an inserted row is the row as inserted, and that is still recorded, only elsewhere. Every later
-- change of the row is recorded by record_history (an update or a deletion, with its old image) in the
-- statement that makes it, so the row as inserted is:
--   * the old image of the row's next history record (the one with the least seq after the insert's), if it
--     has one: the old image of an update is the row before it, the row as inserted for the first update;
--   * otherwise the live row itself, never changed since (its image made as record_history makes it).
-- history_image returns a history record's new image that way: the stored one when there is one (updates,
-- deletions, the other tables' inserts, and inserts recorded before this migration), else the one derived as
-- above. What reads images (the store's History and Snapshot) reads them through it, so the images it returns
-- are the same jsonb as before, with the same keys and values (a time in a derived image written in the reading
-- session's time zone, as a stored one is in the writing session's: the same instant).
--
-- The effective day, actor, reason and time of an insert are those of 0016, as before; the effective day is
-- taken from the row's valid_from column (where the table has one) instead of from the image.
--
-- Existing history rows are left as they are; no row of any table changes, no version moves.

CREATE OR REPLACE FUNCTION record_history_inserts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    today      date := coalesce(nullif(current_setting('officemap.today', true), '')::date, current_date);
    eff        date := nullif(current_setting('officemap.effective', true), '')::date;
    valid_from text := 'NULL::date';
BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute a
                WHERE a.attrelid = TG_RELID AND a.attname = 'valid_from' AND NOT a.attisdropped) THEN
        valid_from := 't.valid_from';
    END IF;
    EXECUTE format($q$
    INSERT INTO history (entity, entity_id, op, actor, at, old, new, effective, reason)
    SELECT $1, t.id, 'insert',
           coalesce(nullif(current_setting('officemap.actor', true), ''), 'db:' || session_user),
           now(), NULL, NULL,
           coalesce($2, %s, CASE WHEN $1 IN ('room', 'building') THEN $3 ELSE date '0001-01-01' END),
           coalesce(current_setting('officemap.reason', true), '')
      FROM new_rows t$q$, valid_from)
    USING TG_ARGV[0], eff, today;
    RETURN NULL;
END
$$;

-- history_image returns the new image of the history record (entity, entity_id, seq, op, new): new when it is
-- stored, else, for an insert, the row as inserted (see above). The live rows' images leave out what the
-- history triggers leave out (a room's geom_ll: migrations/0014_bulk_load.sql).
CREATE FUNCTION history_image(entity text, entity_id uuid, seq bigint, op text, new jsonb) RETURNS jsonb
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
                WHEN 'person'     THEN (SELECT to_jsonb(p) FROM people p WHERE p.id = history_image.entity_id)
                WHEN 'post'       THEN (SELECT to_jsonb(o) FROM posts o WHERE o.id = history_image.entity_id)
                WHEN 'assignment' THEN (SELECT to_jsonb(a) FROM assignments a WHERE a.id = history_image.entity_id)
            END)
    END
$$;
