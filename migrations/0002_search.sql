-- 0002_search: trigram indexes for Search (ILIKE '%q%' on names and numbers, Chinese included: pg_trgm
-- makes trigrams of CJK characters in a UTF-8 database).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX rooms_number_trgm_idx ON rooms USING gin (number gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX rooms_name_trgm_idx ON rooms USING gin (name gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX people_name_trgm_idx ON people USING gin (name gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX agencies_name_trgm_idx ON agencies USING gin (name gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX agencies_short_name_trgm_idx ON agencies USING gin (short_name gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX buildings_name_trgm_idx ON buildings USING gin (name gin_trgm_ops) WHERE deleted_at IS NULL;

-- search_rank ranks how value matches a query: 0 equal (ignoring case), 1 starts with it, 2 contains it,
-- 3 not at all. prefix and infix are the query as ILIKE patterns ('q%' and '%q%', with % _ \ escaped).
CREATE FUNCTION search_rank(value text, query text, prefix text, infix text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN lower(value) = lower(query) THEN 0
        WHEN value ILIKE prefix THEN 1
        WHEN value ILIKE infix THEN 2
        ELSE 3
    END
$$;
