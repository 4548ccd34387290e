package postgis

import (
	"context"

	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

// Read scopes in queries (scopeArgs): $5 (or the given numbers) is whether the scope is limited, then the
// visible agencies (the nil UUID for records without one), the floors whose every room is visible, the
// visible buildings (NULL: all) and whether people may be found.
const nilUUID = `'00000000-0000-0000-0000-000000000000'::uuid`

// roomInScope is the read scope of the rooms (r) of a query that takes it as $5…$7 (scopeArgs).
var roomInScope = `(NOT $5 OR ` + roomVisible("$6", "$7") + `)`

// roomVisible is the test that a room (r) is in a limited read scope: its agency is one of the array
// agencies (the nil UUID standing for rooms without one) or its floor one of the array floors, each given as
// the SQL of a parameter.
func roomVisible(agencies, floors string) string {
	return `(coalesce(r.agency_id, ` + nilUUID + `) = ANY(` + agencies + `) OR r.floor_id = ANY(` + floors + `))`
}

// scopeArgs are the query parameters of a read scope: limited, agencies, floors, buildings (NULL when
// buildings are not filtered) and whether people are found.
func scopeArgs(in floorplan.ReadScope) []any {
	var buildings [][16]byte // nil: NULL
	if in.Places {
		buildings = uuidArray(in.Buildings)
	}
	return []any{in.Limited, uuidArray(in.Agencies), uuidArray(in.Floors), buildings, !in.NoPeople}
}

// searchSQL finds live rooms (number, name), people (name), agencies (name, short name) and buildings
// (name) in a read scope. $1 is the query, $2 and $3 the ILIKE patterns 'q%' and '%q%' (escaped), $4 the
// limit, $5…$9 the scope (scopeArgs) and $10 today (a person is shown where their current office is). Hits
// rank exact, then prefix, then contains (search_rank), then rooms, people, agencies, buildings, then
// shorter labels first. The scope filters before the limit: a caller gets as many hits as it may see.
var searchSQL = `
WITH hits AS (
    SELECT 0 AS kind_order, 'room' AS kind, r.id,
           CASE WHEN r.name <> '' THEN r.number || ' ' || r.name ELSE r.number END AS label,
           concat_ws(' ', nullif(b.name, ''), nullif(f.name, '')) AS detail,
           f.building_id, r.floor_id,
           least(search_rank(r.number, $1, $2, $3), search_rank(r.name, $1, $2, $3)) AS rank
      FROM rooms r JOIN floors f ON f.id = r.floor_id JOIN buildings b ON b.id = f.building_id
     WHERE r.deleted_at IS NULL AND (r.number ILIKE $3 OR r.name ILIKE $3) AND ` + roomInScope + `
    UNION ALL
    SELECT 1, 'person', p.id, p.name,
           concat_ws(' ', nullif(a.name, ''), nullif(p.title, '')),
           loc.building_id, loc.floor_id,
           search_rank(p.name, $1, $2, $3)
      FROM people p
      LEFT JOIN agencies a ON a.id = p.agency_id
      LEFT JOIN LATERAL (
            SELECT f.building_id, r.floor_id
              FROM assignments s JOIN rooms r ON r.id = s.room_id JOIN floors f ON f.id = r.floor_id
             WHERE s.person_id = p.id AND s.deleted_at IS NULL AND r.deleted_at IS NULL
               AND (s.end_date IS NULL OR s.end_date > $10)
             ORDER BY s.kind = 'main' DESC, s.start_date DESC NULLS LAST
             LIMIT 1) loc ON true
     WHERE p.deleted_at IS NULL AND p.name ILIKE $3
       AND $9 AND (NOT $5 OR coalesce(p.agency_id, ` + nilUUID + `) = ANY($6))
    UNION ALL
    SELECT 2, 'agency', a.id, a.name, a.short_name, NULL::uuid, NULL::uuid,
           least(search_rank(a.name, $1, $2, $3), search_rank(a.short_name, $1, $2, $3))
      FROM agencies a
     WHERE a.deleted_at IS NULL AND (a.name ILIKE $3 OR a.short_name ILIKE $3)
       AND (NOT $5 OR a.id = ANY($6))
    UNION ALL
    SELECT 3, 'building', b.id, b.name, b.address, b.id, NULL::uuid,
           search_rank(b.name, $1, $2, $3)
      FROM buildings b
     WHERE b.deleted_at IS NULL AND b.name ILIKE $3
       AND ($8::uuid[] IS NULL OR b.id = ANY($8))
)
SELECT kind, id, label, detail, building_id, floor_id
  FROM hits
 ORDER BY rank, kind_order, length(label), label, id
 LIMIT $4`

// Search finds rooms by number or name, people by name, agencies by name or short name and buildings by
// name, ignoring case, Chinese included; exact matches come first, then prefixes, then the rest. At most
// limit hits (20 when limit ≤ 0, at most 200).
func (s *Store) Search(ctx context.Context, q string, limit int, in floorplan.ReadScope) ([]floorplan.SearchHit, error) {
	sq, ok, err := floorplan.NewSearchQuery(q, limit)
	if err != nil || !ok {
		return []floorplan.SearchHit{}, err
	}
	args := append([]any{sq.Text, sq.Prefix, sq.Contains, sq.Limit}, scopeArgs(in)...)
	return readAll(ctx, s, scanHit, searchSQL, append(args, nullDate(s.today()))...)
}

func scanHit(row pgx.Row) (floorplan.SearchHit, error) {
	var h floorplan.SearchHit
	err := row.Scan(&h.Kind, &h.ID, &h.Label, &h.Detail, &h.BuildingID, &h.FloorID)
	return h, err
}
