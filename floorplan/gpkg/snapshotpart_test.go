package gpkg_test

import (
	"path/filepath"
	"strings"
	"testing"

	"officemap/floorplan/gpkg"
)

// TestPartQueriesUseIndexes: the queries that read a part's records by agency find them through the tables'
// indexes, with the agencies named and with records of no agency asked for too: none scans a whole table.
// (A condition "agency in the list OR no agency" made SQLite scan every room and person for each part:
// at a million rooms the states' recomputation took 98 s, 26 times the time at 100 000.)
func TestPartQueriesUseIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parts.gpkg")
	must(t, openFile(t, path).Close())
	db := rawDB(t, path)
	for name, q := range gpkg.PartAgencyQueries {
		for _, none := range []bool{false, true} {
			rows, err := db.Query("EXPLAIN QUERY PLAN "+q, `["00000000-0000-0000-0000-000000000001"]`, none)
			must(t, err)
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				must(t, rows.Scan(&id, &parent, &unused, &detail))
				plan = append(plan, detail)
			}
			must(t, rows.Err())
			rows.Close()
			for _, step := range plan {
				if strings.HasPrefix(step, "SCAN ") && !strings.HasPrefix(step, "SCAN json_each") {
					t.Errorf("%s (records of no agency too: %v): %q scans a table; plan:\n%s", name, none, step,
						strings.Join(plan, "\n"))
				}
			}
			if !strings.Contains(strings.Join(plan, "\n"), "USING INDEX") {
				t.Errorf("%s (%v): no index used; plan:\n%s", name, none, strings.Join(plan, "\n"))
			}
		}
	}
}
