-- The register's revision: a number that grows with every committed write, so that every officemap
-- server can tell cheaply whether its cached evaluation and tiles are still current (several stateless
-- servers on one database). Every write transaction of the store bumps it first, which also makes store
-- writers take their locks in one order (this row, then a floor's advisory lock), so they cannot
-- deadlock. Scripts that write with plain SQL should run `UPDATE register_revision SET n = n + 1` in
-- their transaction, or the servers' caches will not see their change until the next officemap write.
CREATE TABLE register_revision (
    singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT register_revision_one_row CHECK (singleton),
    n bigint NOT NULL
);
INSERT INTO register_revision (singleton, n) VALUES (true, 0);
