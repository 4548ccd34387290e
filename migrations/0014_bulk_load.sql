-- 0014_bulk_load: what it takes to load a million rooms with their staff in minutes rather than most of an hour.
--
-- 1. Rows that a bulk load has already checked for overlaps skip the database's own check of them.
--
-- The PostGIS store's BulkInsertRooms (floorplan/postgis/bulk.go) checks a batch in Go before it writes it, in
-- the transaction that writes it: it takes the advisory lock of every floor of the batch (the lock this
-- trigger takes, so no writer of any kind can add a room to those floors until the batch commits), reads the
-- floors' live rooms, and checks every new room against them and against the batch's rooms before it
-- (floorplan.FloorRooms, geo.Overlaps: the rule of this trigger). It then sets officemap.overlap_checked to
-- 'on' for its COPY statement only, and back to '' right after, with set_config(…, true), which lasts at
-- most to the end of the transaction (or of the savepoint that set it, if that rolls back).
--
-- What holds:
--   * every row written while the setting is not 'on' is checked by this trigger as before: every other
--     statement of the store, of other programs and of the same transaction, immediate or deferred
--     (0012_deferrable_overlap);
--   * the WHEN condition is evaluated as each row is written, not when the check would run: a copied row is
--     never checked later, and a row written after the setting is reset is always checked, even when the
--     constraint is deferred to the commit;
--   * the setting is a trust, not a permission: a session that sets officemap.overlap_checked itself skips
--     the check of its rows, as one that sets officemap.actor names the actor of its history. Only the bulk
--     load sets it; scripts must not.
--
-- 2. The history of new rooms, people, posts and assignments is written once per statement, from the statement's
-- new rows (a transition table), instead of once per row: the same rows of history as record_history writes for
-- an INSERT (0004_bitemporal: the row as JSON less the excluded columns, the actor, reason and effective day of
-- the transaction's settings, at now()), but with one INSERT … SELECT rather than a call of the function and an
-- INSERT per row, which made up most of a bulk load's time once the overlap check was gone. Updates and deletes
-- keep the row trigger. INSERT … ON CONFLICT DO UPDATE (a person's posts) gets the history of its inserted rows
-- here and of its updated rows from the row trigger, as before.
--
-- No row changes: no history records, no version moves.

DROP TRIGGER rooms_no_overlap ON rooms;
CREATE CONSTRAINT TRIGGER rooms_no_overlap AFTER INSERT OR UPDATE OF geom, floor_id, deleted_at ON rooms
    DEFERRABLE INITIALLY IMMEDIATE
    FOR EACH ROW
    WHEN (current_setting('officemap.overlap_checked', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION rooms_no_overlap();

CREATE FUNCTION record_history_inserts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    today date := coalesce(nullif(current_setting('officemap.today', true), '')::date, current_date);
    eff   date := nullif(current_setting('officemap.effective', true), '')::date;
BEGIN
    INSERT INTO history (entity, entity_id, op, actor, at, old, new, effective, reason)
    SELECT TG_ARGV[0], r.id, 'insert',
           coalesce(nullif(current_setting('officemap.actor', true), ''), 'db:' || session_user),
           now(), NULL, r.n,
           coalesce(eff, (r.n->>'valid_from')::date,
                    CASE WHEN TG_ARGV[0] IN ('room', 'building') THEN today ELSE date '0001-01-01' END),
           coalesce(current_setting('officemap.reason', true), '')
      FROM (SELECT t.id, to_jsonb(t) - TG_ARGV[1:TG_NARGS - 1] AS n FROM new_rows t) r;
    RETURN NULL;
END
$$;

DROP TRIGGER rooms_history ON rooms;
CREATE TRIGGER rooms_history AFTER UPDATE OR DELETE ON rooms
    FOR EACH ROW EXECUTE FUNCTION record_history('room', 'geom_ll');
CREATE TRIGGER rooms_history_insert AFTER INSERT ON rooms REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION record_history_inserts('room', 'geom_ll');

DROP TRIGGER people_history ON people;
CREATE TRIGGER people_history AFTER UPDATE OR DELETE ON people
    FOR EACH ROW EXECUTE FUNCTION record_history('person');
CREATE TRIGGER people_history_insert AFTER INSERT ON people REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION record_history_inserts('person');

DROP TRIGGER posts_history ON posts;
CREATE TRIGGER posts_history AFTER UPDATE OR DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION record_history('post');
CREATE TRIGGER posts_history_insert AFTER INSERT ON posts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION record_history_inserts('post');

DROP TRIGGER assignments_history ON assignments;
CREATE TRIGGER assignments_history AFTER UPDATE OR DELETE ON assignments
    FOR EACH ROW EXECUTE FUNCTION record_history('assignment');
CREATE TRIGGER assignments_history_insert AFTER INSERT ON assignments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION record_history_inserts('assignment');
