-- deferred_indexes notes the indexes that a bulk load into an empty register dropped, to build each once at
-- its end over all its rows instead of row by row as it loads (postgis.Store.WithIndexesDeferred): none of
-- them enforces a rule (no primary-key, unique or constraint index). A note is removed in the transaction
-- that builds its index again, so a load that dies midway leaves its notes behind, and the next Migrate
-- builds what they name. Not part of the register: no history.
CREATE TABLE deferred_indexes (
    name        text PRIMARY KEY,
    table_name  text NOT NULL,
    definition  text NOT NULL CHECK (definition LIKE 'CREATE INDEX %'),
    deferred_at timestamptz NOT NULL DEFAULT now()
);
