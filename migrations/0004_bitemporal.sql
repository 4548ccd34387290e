-- 0004_bitemporal: two times for every fact.
--
-- Until now a report as of day D read the register as it was RECORDED at the end of D (the history's
-- `at`). Inspectors first ask the other question: what was TRUE on D, as we know it now. Each history
-- record now also carries the day from which its row image holds in the world (`effective`), and why the
-- change was made (`reason`):
--   * as of D, as now known: for each row, the image of its latest record (by seq) whose effective day is
--     on or before D;
--   * as of D, as recorded at T: the same among the records written before T (`recorded_at`), which for
--     records with effective = the day they were written is exactly the old reading.
-- A write "from E on" replaces the whole row from E on, as known from then (a whole-row image: a later
-- write with an earlier E also covers what an intermediate write changed).
--
-- The effective day of a write: the one the writer gives (officemap.effective, set per transaction by the
-- store from the API's `effective`, the CLI's --effective or an import's --valid-from); otherwise
--   * an insert: the row's valid_from (rooms, buildings), else the beginning of time for records whose
--     own dates say when they hold (sites, floors, agencies, people, posts, assignments, standard rows);
--   * an update: the earliest of today and every date of the row the update changes (status_date,
--     start_date, end_date, idle_since, valid_from: a retirement dated 15 September entered on
--     10 November holds from 15 September);
--   * a delete: today.
-- "Today" is officemap.today (the store's calendar day, set per transaction), else current_date.
-- Scripts that write with plain SQL get these defaults.

ALTER TABLE history ADD COLUMN effective date;
ALTER TABLE history ADD COLUMN reason text NOT NULL DEFAULT '';

-- Records written before this migration hold from the day they were written: the old reading.
ALTER TABLE history DISABLE TRIGGER history_no_update;
UPDATE history SET effective = (at AT TIME ZONE current_setting('TimeZone'))::date;
ALTER TABLE history ENABLE TRIGGER history_no_update;
ALTER TABLE history ALTER COLUMN effective SET NOT NULL;

-- "Which rows have a record effective after D?" and "what is the earliest room?".
CREATE INDEX history_effective_idx ON history (effective, entity_id);
CREATE INDEX history_room_effective_idx ON history (effective) WHERE entity = 'room' AND op <> 'delete';

-- The day a room or a building exists from in the world (a known earlier start), else the day it was
-- entered. Filling it is not a change of the rooms (no version, no history record).
ALTER TABLE rooms ADD COLUMN valid_from date;
ALTER TABLE rooms DISABLE TRIGGER rooms_history, DISABLE TRIGGER rooms_version;
UPDATE rooms SET valid_from = (created_at AT TIME ZONE current_setting('TimeZone'))::date;
ALTER TABLE rooms ENABLE TRIGGER rooms_history, ENABLE TRIGGER rooms_version;
ALTER TABLE rooms ALTER COLUMN valid_from SET NOT NULL, ALTER COLUMN valid_from SET DEFAULT current_date;
ALTER TABLE buildings ADD COLUMN valid_from date;
ALTER TABLE buildings DISABLE TRIGGER buildings_history;
UPDATE buildings SET valid_from = (created_at AT TIME ZONE current_setting('TimeZone'))::date;
ALTER TABLE buildings ENABLE TRIGGER buildings_history;
ALTER TABLE buildings ALTER COLUMN valid_from SET NOT NULL, ALTER COLUMN valid_from SET DEFAULT current_date;

CREATE OR REPLACE FUNCTION record_history() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    o     jsonb;
    n     jsonb;
    op    text;
    i     int;
    k     text;
    today date := coalesce(nullif(current_setting('officemap.today', true), '')::date, current_date);
    eff   date := nullif(current_setting('officemap.effective', true), '')::date;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        o := to_jsonb(OLD);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        n := to_jsonb(NEW);
    END IF;
    FOR i IN 1 .. TG_NARGS - 1 LOOP
        o := o - TG_ARGV[i];
        n := n - TG_ARGV[i];
    END LOOP;
    op := lower(TG_OP);
    IF TG_OP = 'UPDATE' AND o->>'deleted_at' IS NULL AND n->>'deleted_at' IS NOT NULL THEN
        op := 'delete';
    END IF;
    IF eff IS NULL THEN
        IF op = 'insert' THEN
            eff := coalesce((n->>'valid_from')::date,
                            CASE WHEN TG_ARGV[0] IN ('room', 'building') THEN today ELSE date '0001-01-01' END);
        ELSIF op = 'delete' THEN
            eff := today;
        ELSE
            eff := today;
            FOREACH k IN ARRAY ARRAY['status_date', 'start_date', 'end_date', 'idle_since', 'valid_from'] LOOP
                IF (o->k) IS DISTINCT FROM (n->k) THEN
                    eff := least(eff, (o->>k)::date, (n->>k)::date);
                END IF;
            END LOOP;
        END IF;
    END IF;
    INSERT INTO history (entity, entity_id, op, actor, at, old, new, effective, reason)
    VALUES (TG_ARGV[0], coalesce((n->>'id')::uuid, (o->>'id')::uuid), op,
            coalesce(nullif(current_setting('officemap.actor', true), ''), 'db:' || session_user),
            now(), o, n, eff, coalesce(current_setting('officemap.reason', true), ''));
    RETURN NULL;
END
$$;
