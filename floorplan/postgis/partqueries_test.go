package postgis_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
)

// TestPartQueriesSkipNoAgency: in the generic plan of each query that reads a part's records by agency (the
// plan a prepared statement settles on), the records of no agency are an arm of their own behind a one-time
// filter on $2, so that a part that does not ask for them reads none. (With "agency in $1 OR ($2 AND no
// agency)" the plan read every room of no agency for every part and filtered it out: 25 000 rooms a part at
// gen's million.)
func TestPartQueriesSkipNoAgency(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDB(t)
	openStoreOn(t, url) // migrated
	conn, err := pgx.Connect(ctx, url)
	must(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `SET plan_cache_mode = force_generic_plan`)
	must(t, err)
	want := map[string]int{"rooms": 1, "people": 1, "assignments": 2} // arms of no agency
	for name, q := range postgis.PartAgencyQueries {
		_, err := conn.Exec(ctx, `PREPARE part_`+name+` AS `+q)
		must(t, err)
		rows, err := conn.Query(ctx, `EXPLAIN EXECUTE part_`+name+`('{00000000-0000-0000-0000-000000000001}', false)`)
		must(t, err)
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		must(t, err)
		plan := strings.Join(lines, "\n")
		if got := strings.Count(plan, "One-Time Filter: $2"); got != want[name] {
			t.Errorf("%s: %d arms behind a one-time filter on $2, want %d; plan:\n%s", name, got, want[name], plan)
		}
	}
}
