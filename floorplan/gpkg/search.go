package gpkg

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// Read scopes in queries (scopeArgs): ?5 is whether the scope is limited, ?6 the visible agencies (the nil
// UUID for records without one) and ?7 the floors whose every room is visible, as JSON arrays; ?8 the
// visible buildings (NULL: all) and ?9 whether people may be found.
const (
	nilUUID     = `'00000000-0000-0000-0000-000000000000'`
	roomInScope = `(NOT ?5 OR coalesce(r.agency_id, ` + nilUUID + `) IN (SELECT value FROM json_each(?6))
        OR r.floor_id IN (SELECT value FROM json_each(?7)))`
)

// scopeArgs are the query parameters of a read scope: limited, agencies, floors, buildings (NULL when
// buildings are not filtered) and whether people are found.
func scopeArgs(in floorplan.ReadScope) []any {
	var buildings any
	if in.Places {
		buildings = idArray(in.Buildings)
	}
	return []any{in.Limited, idArray(in.Agencies), idArray(in.Floors), buildings, !in.NoPeople}
}

// idArray is ids as a JSON array of strings, for json_each.
func idArray(ids []uuid.UUID) string {
	b, _ := json.Marshal(append([]uuid.UUID{}, ids...)) // uuid.UUID marshals as its string
	return string(b)
}

// sqlSearch finds live rooms (number, name), people (name), agencies (name, short name) and buildings
// (name) in a read scope. ?1 is the query, ?2 and ?3 the LIKE patterns 'q%' and '%q%' (escaped with \), ?4
// the limit, ?5…?9 the scope (scopeArgs; it filters before the limit) and ?10 today (a person is shown
// where their current office is). Each value's rank is 0 when it equals the
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
      FROM rooms_all r JOIN floors_all f ON f.id = r.floor_id JOIN buildings_all b ON b.id = f.building_id
     WHERE r.deleted_at IS NULL AND (r.number LIKE ?3 ESCAPE '\' OR r.name LIKE ?3 ESCAPE '\')
       AND ` + roomInScope + `
    UNION ALL
    SELECT 1, 'person', p.id, p.name,
           concat_ws(' ', nullif(a.name, ''), nullif(p.title, '')),
           lf.building_id, lr.floor_id,
           CASE WHEN lower(p.name) = lower(?1) THEN 0 WHEN p.name LIKE ?2 ESCAPE '\' THEN 1
                WHEN p.name LIKE ?3 ESCAPE '\' THEN 2 ELSE 3 END
      FROM people p
      LEFT JOIN agencies a ON a.id = p.agency_id
      LEFT JOIN rooms_all lr ON lr.id = (
            SELECT s.room_id
              FROM assignments s JOIN rooms_all r ON r.id = s.room_id
             WHERE s.person_id = p.id AND s.deleted_at IS NULL AND r.deleted_at IS NULL
               AND (s.end_date IS NULL OR s.end_date > ?10)
             ORDER BY s.kind = 'main' DESC, s.start_date DESC NULLS LAST
             LIMIT 1)
      LEFT JOIN floors_all lf ON lf.id = lr.floor_id
     WHERE p.deleted_at IS NULL AND p.name LIKE ?3 ESCAPE '\'
       AND ?9 AND (NOT ?5 OR coalesce(p.agency_id, ` + nilUUID + `) IN (SELECT value FROM json_each(?6)))
    UNION ALL
    SELECT 2, 'agency', a.id, a.name, a.short_name, NULL, NULL,
           min(CASE WHEN lower(a.name) = lower(?1) THEN 0 WHEN a.name LIKE ?2 ESCAPE '\' THEN 1
                    WHEN a.name LIKE ?3 ESCAPE '\' THEN 2 ELSE 3 END,
               CASE WHEN lower(a.short_name) = lower(?1) THEN 0 WHEN a.short_name LIKE ?2 ESCAPE '\' THEN 1
                    WHEN a.short_name LIKE ?3 ESCAPE '\' THEN 2 ELSE 3 END)
      FROM agencies a
     WHERE a.deleted_at IS NULL AND (a.name LIKE ?3 ESCAPE '\' OR a.short_name LIKE ?3 ESCAPE '\')
       AND (NOT ?5 OR a.id IN (SELECT value FROM json_each(?6)))
    UNION ALL
    SELECT 3, 'building', b.id, b.name, b.address, b.id, NULL,
           CASE WHEN lower(b.name) = lower(?1) THEN 0 WHEN b.name LIKE ?2 ESCAPE '\' THEN 1
                WHEN b.name LIKE ?3 ESCAPE '\' THEN 2 ELSE 3 END
      FROM buildings_all b
     WHERE b.deleted_at IS NULL AND b.name LIKE ?3 ESCAPE '\'
       AND (?8 IS NULL OR b.id IN (SELECT value FROM json_each(?8)))
)
SELECT kind, id, label, coalesce(detail, ''), building_id, floor_id
  FROM hits
 ORDER BY rank, kind_order, length(label), label, id
 LIMIT ?4`

// Search finds rooms by number or name, people by name, agencies by name or short name and buildings by
// name, Chinese included; exact matches come first, then prefixes, then the rest. At most limit hits (20
// when limit ≤ 0, at most 200).
func (s *Store) Search(ctx context.Context, q string, limit int, in floorplan.ReadScope) ([]floorplan.SearchHit, error) {
	sq, ok, err := floorplan.NewSearchQuery(q, limit)
	if err != nil || !ok {
		return []floorplan.SearchHit{}, err
	}
	args := append([]any{sq.Text, sq.Prefix, sq.Contains, sq.Limit}, scopeArgs(in)...)
	return collect(ctx, s.reader(), scanHit, sqlSearch, append(args, nullDate(s.today()))...)
}

func scanHit(row scanner) (floorplan.SearchHit, error) {
	var h floorplan.SearchHit
	err := row.Scan(&h.Kind, idCol{&h.ID}, &h.Label, &h.Detail, idCol{&h.BuildingID}, idCol{&h.FloorID})
	return h, err
}
