-- 0039_statement_checks_once: the statement triggers of a bulk load do once per statement what they did once
-- per row.
--
-- refs_present (0034_reference_checks) looked up the record each new row names, row by row: a COPY of 20,000
-- rooms looked up their floor 20,000 times, though they name about 500 floors, and their agency as often,
-- though they name a few dozen. It now looks up each floor and agency named once (DISTINCT, then the
-- anti-join): the same rows pass and fail, with the same error naming one missing key. At a million rooms the
-- checks of the rooms' floors and agencies and of the people's agencies took 5.3 s of the loading backend,
-- 1.1 s now. The people and rooms of assignments are still looked up row by row: each is named by one or two
-- rows of a statement, and DISTINCT's hash cost more than it saved (28,000 assignments: 62 → 85-94 ms).
--
-- record_history_inserts (0032_insert_images) worked out the actor and the reason, each a current_setting
-- call, for every inserted row; they are the statement's, worked out once now and passed in (3.76 million
-- history rows at a million rooms: about 2 s). The rows it writes are the same.
--
-- No row of any table changes.

CREATE OR REPLACE FUNCTION refs_present() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing uuid;
BEGIN
    FOR i IN 0 .. TG_NARGS - 1 BY 3 LOOP
        EXECUTE format('SELECT n.k FROM (SELECT %3$s %1$I AS k FROM new_rows WHERE %1$I IS NOT NULL) n
                         WHERE NOT EXISTS (SELECT 1 FROM %2$I p WHERE p.id = n.k) LIMIT 1', TG_ARGV[i], TG_ARGV[i + 1],
                       CASE WHEN TG_ARGV[i + 1] IN ('floors', 'agencies') THEN 'DISTINCT' ELSE '' END)
           INTO missing;
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%"', TG_TABLE_NAME, TG_ARGV[i + 2]
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_ARGV[i + 2],
                      TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
                      DETAIL = format('Key (%s)=(%s) is not present in table "%s".', TG_ARGV[i], missing, TG_ARGV[i + 1]);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION record_history_inserts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    today      date := coalesce(nullif(current_setting('officemap.today', true), '')::date, current_date);
    eff        date := nullif(current_setting('officemap.effective', true), '')::date;
    actor      text := coalesce(nullif(current_setting('officemap.actor', true), ''), 'db:' || session_user);
    reason     text := coalesce(current_setting('officemap.reason', true), '');
    valid_from text := 'NULL::date';
BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute a
                WHERE a.attrelid = TG_RELID AND a.attname = 'valid_from' AND NOT a.attisdropped) THEN
        valid_from := 't.valid_from';
    END IF;
    EXECUTE format($q$
    INSERT INTO history (entity, entity_id, op, actor, at, old, new, effective, reason)
    SELECT $1, t.id, 'insert', $4, now(), NULL, NULL,
           coalesce($2, %s, CASE WHEN $1 IN ('room', 'building') THEN $3 ELSE date '0001-01-01' END),
           $5
      FROM new_rows t$q$, valid_from)
    USING TG_ARGV[0], eff, today, actor, reason;
    RETURN NULL;
END
$$;
