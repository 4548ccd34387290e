-- 0036_floor_outline_statistics: ANALYZE no longer gathers statistics of a floor's local outline.
--
-- Every floor's outline is drawn in its own building's local metres (the CAD plane), so the outlines of all
-- the floors of a register lie over one another around the origin. PostGIS's estimator builds an N-D
-- histogram of the column's boxes, and a box that covers nearly all of the histogram's extent is added
-- to nearly every cell: at 25,000 floors (gen --buildings 2500 --floors 10) ANALYZE of floors took
-- 1.73 s, of which floors(outline) alone 1.73 s and floors(outline_ll) 0.12 s (2-core machine of
-- issue 15, side by side in one session), half of the ANALYZE that gen and large imports run before their
-- first query.
--
-- No query of officemap filters or joins on floors.outline (the lon/lat outline_ll has the spatial index
-- and its statistics stay); one only tests it for NULL, per building. Statistics target 0 is PostgreSQL's
-- way to leave a column out of ANALYZE. No row changes, no version moves.

ALTER TABLE floors ALTER COLUMN outline SET STATISTICS 0;
