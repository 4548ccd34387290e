-- 0030_posts_parts_planned: the posts' statement trigger plans its join for the rows of each statement.
--
-- posts_parts (0015_part_results) finds the parts a statement on posts moves: the posts' own agencies and their
-- people's. Its join of the statement's rows with people was a static query of PL/pgSQL, planned once a session
-- and kept: a bulk load's session planned it at its first batch, when people held a few thousand rows (a hash
-- join over a scan of every person), and ran that plan for every later batch as people grew: 63 ms at the first
-- batch of a 1M-room `gen`, 1.2 s at the last, 26 s in all (measured on the 2-core machine of issue 15). The
-- query is now run with EXECUTE, so it is planned for the table as it is (an index lookup a post), as
-- record_history_inserts (0016_bulk_history) is.
--
-- The parts are the same as before, for each kind of statement: the agencies of the posts and of their people,
-- new rows on INSERT, new and old on UPDATE, old on DELETE (a NULL agency among them, as before).

CREATE OR REPLACE FUNCTION posts_parts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    parts uuid[];
    rows  text := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT agency_id, person_id FROM new_rows'
        WHEN 'UPDATE' THEN 'SELECT agency_id, person_id FROM new_rows UNION ALL SELECT agency_id, person_id FROM old_rows'
        ELSE 'SELECT agency_id, person_id FROM old_rows' END;
BEGIN
    EXECUTE format('SELECT array_agg(DISTINCT x.agency_id)
                      FROM (SELECT t.agency_id FROM (%1$s) t
                            UNION SELECT p.agency_id FROM (%1$s) t JOIN people p ON p.id = t.person_id) x', rows)
       INTO parts;
    IF parts IS NOT NULL THEN
        PERFORM parts_bump(parts);
    END IF;
    RETURN NULL;
END
$$;
