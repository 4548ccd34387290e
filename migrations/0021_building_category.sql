-- 0021_building_category: a building's own kind (floorplan.Building.Category).
--
--   * buildings.category: a Category.Code of the deployment's classification when the building is of another
--     kind than its site (a housing block inside an office compound), '' for the site's kind. The store checks
--     the code against the classification in force, as it does a site's category (the classification is
--     the operator's data, not the schema's).
-- No existing row changes: every building keeps its site's kind.

ALTER TABLE buildings ADD COLUMN category text NOT NULL DEFAULT '';
