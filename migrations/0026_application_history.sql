-- 0026_application_history: every write of an application — filed, each action on it — appends a history row
-- of entity 'application' (floorplan.EntityApplication), by record_history (0001_init, 0004_bitemporal): the
-- actor and the reason the store sets for the write (officemap.actor, officemap.reason: an action's comment),
-- the row before and after, the body as JSON. The history takes any entity name (no check constraint), and
-- the app role already appends to it. Applications are never deleted (0023), so no DELETE is recorded.
--
-- An application filed before this migration gets one row, its filing as it stands now, recorded by the
-- migration; the GeoPackage store's schema version 20 does the same (floorplan/gpkg/apphistory.go).

CREATE TRIGGER applications_history AFTER INSERT OR UPDATE ON applications
    FOR EACH ROW EXECUTE FUNCTION record_history('application');

INSERT INTO history (entity, entity_id, op, actor, at, old, new, effective, reason)
SELECT 'application', a.id, 'insert', 'officemap:migration', a.created_at, NULL, to_jsonb(a), date '0001-01-01',
       'the application as it stood when its history began (migration 0026)'
  FROM applications a
 WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.entity = 'application' AND h.entity_id = a.id)
 ORDER BY a.created_at, a.id;
