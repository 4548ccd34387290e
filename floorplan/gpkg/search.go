package gpkg

import (
	"context"

	"officemap/floorplan"
)

// sqlSearch finds live rooms (number, name), people (name), agencies (name, short name) and buildings
// (name). ?1 is the query, ?2 and ?3 the LIKE patterns 'q%' and '%q%' (escaped with \), ?4 the limit and ?5
// today (a person is shown where their current office is). Each value's rank is 0 when it equals the
// query ignoring case, 1 when it starts with it, 2 when it contains it (the PostGIS store's search_rank);
// hits come by rank, then rooms, people, agencies, buildings, then shorter labels first. SQLite's LIKE
// ignores case for ASCII letters only; Chinese has no case.
const sqlSearch = `
WITH hits AS (
    SELECT 0 AS kind_order, 'room' AS kind, r.id AS id,
           CASE WHEN r.name <> '' THEN r.number || ' ' || r.name ELSE r.number END AS label,
           concat_ws(' ', nullif(b.name, ''), nullif(f.name, '')) AS detail,
           f.building_id AS building_id, r.floor_id AS floor_id,
           min(CASE WHEN lower(r.number) = lower(?1) THEN 0 WHEN r.number LIKE ?2 ESCAPE '\' THEN 1
                    WHEN r.number LIKE ?3 ESCAPE '\' THEN 2 ELSE 3 END,
               CASE WHEN lower(r.name) = lower(?1) THEN 0 WHEN r.name LIKE ?2 ESCAPE '\' THEN 1
                    WHEN r.name LIKE ?3 ESCAPE '\' THEN 2 ELSE 3 END) AS rank
      FROM rooms r JOIN floors f ON f.id = r.floor_id JOIN buildings b ON b.id = f.building_id
     WHERE r.deleted_at IS NULL AND (r.number LIKE ?3 ESCAPE '\' OR r.name LIKE ?3 ESCAPE '\')
    UNION ALL
    SELECT 1, 'person', p.id, p.name,
           concat_ws(' ', nullif(a.name, ''), nullif(p.title, '')),
           lf.building_id, lr.floor_id,
           CASE WHEN lower(p.name) = lower(?1) THEN 0 WHEN p.name LIKE ?2 ESCAPE '\' THEN 1
                WHEN p.name LIKE ?3 ESCAPE '\' THEN 2 ELSE 3 END
      FROM people p
      LEFT JOIN agencies a ON a.id = p.agency_id
      LEFT JOIN rooms lr ON lr.id = (
            SELECT s.room_id
              FROM assignments s JOIN rooms r ON r.id = s.room_id
             WHERE s.person_id = p.id AND s.deleted_at IS NULL AND r.deleted_at IS NULL
               AND (s.end_date IS NULL OR s.end_date > ?5)
             ORDER BY s.kind = 'main' DESC, s.start_date DESC NULLS LAST
             LIMIT 1)
      LEFT JOIN floors lf ON lf.id = lr.floor_id
     WHERE p.deleted_at IS NULL AND p.name LIKE ?3 ESCAPE '\'
    UNION ALL
    SELECT 2, 'agency', a.id, a.name, a.short_name, NULL, NULL,
           min(CASE WHEN lower(a.name) = lower(?1) THEN 0 WHEN a.name LIKE ?2 ESCAPE '\' THEN 1
                    WHEN a.name LIKE ?3 ESCAPE '\' THEN 2 ELSE 3 END,
               CASE WHEN lower(a.short_name) = lower(?1) THEN 0 WHEN a.short_name LIKE ?2 ESCAPE '\' THEN 1
                    WHEN a.short_name LIKE ?3 ESCAPE '\' THEN 2 ELSE 3 END)
      FROM agencies a
     WHERE a.deleted_at IS NULL AND (a.name LIKE ?3 ESCAPE '\' OR a.short_name LIKE ?3 ESCAPE '\')
    UNION ALL
    SELECT 3, 'building', b.id, b.name, b.address, b.id, NULL,
           CASE WHEN lower(b.name) = lower(?1) THEN 0 WHEN b.name LIKE ?2 ESCAPE '\' THEN 1
                WHEN b.name LIKE ?3 ESCAPE '\' THEN 2 ELSE 3 END
      FROM buildings b
     WHERE b.deleted_at IS NULL AND b.name LIKE ?3 ESCAPE '\'
)
SELECT kind, id, label, coalesce(detail, ''), building_id, floor_id
  FROM hits
 ORDER BY rank, kind_order, length(label), label, id
 LIMIT ?4`

// Search finds rooms by number or name, people by name, agencies by name or short name and buildings by
// name, Chinese included; exact matches come first, then prefixes, then the rest. At most limit hits (20
// when limit ≤ 0, at most 200).
func (s *Store) Search(ctx context.Context, q string, limit int) ([]floorplan.SearchHit, error) {
	sq, ok, err := floorplan.NewSearchQuery(q, limit)
	if err != nil || !ok {
		return []floorplan.SearchHit{}, err
	}
	return collect(ctx, s.reader(), scanHit, sqlSearch, sq.Text, sq.Prefix, sq.Contains, sq.Limit, nullDate(s.today()))
}

func scanHit(row scanner) (floorplan.SearchHit, error) {
	var h floorplan.SearchHit
	err := row.Scan(&h.Kind, idCol{&h.ID}, &h.Label, &h.Detail, idCol{&h.BuildingID}, idCol{&h.FloorID})
	return h, err
}
