package gpkg_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
)

// openCST opens the register at path (a new file if there is none) with its days in CST, and returns it
// with a context whose actor is "test"; the caller closes it.
func openCST(t *testing.T, path string) (context.Context, *gpkg.Store) {
	t.Helper()
	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := gpkg.Open(ctx, path, gpkg.WithLocation(cst))
	must(t, err)
	return ctx, s
}

// tablesSchema returns the definitions of the tables named, with their indexes and triggers, in the file
// at path: one "type name: sql" a line, by type and name.
func tablesSchema(t *testing.T, path string, tables ...string) string {
	t.Helper()
	names, err := json.Marshal(tables)
	must(t, err)
	return strings.Join(queryStrings(t, rawDB(t, path), `SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master
 WHERE tbl_name IN (SELECT value FROM json_each(?)) ORDER BY type, name`, string(names)), "\n")
}

// fileRefuses checks that the file at path itself refuses each of queries, whatever tool sends them.
func fileRefuses(t *testing.T, path string, queries ...string) {
	t.Helper()
	db := rawDB(t, path)
	for _, q := range queries {
		if _, err := db.Exec(q); err == nil {
			t.Errorf("%s: the file allowed it", q)
		}
	}
}

// newFileRefuses writes rows with write into a new file, then checks with fileRefuses that the file
// refuses each of queries.
func newFileRefuses(t *testing.T, write func(context.Context, *gpkg.Store), queries ...string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "register.gpkg")
	ctx, s := openCST(t, path)
	defer s.Close()
	write(ctx, s)
	fileRefuses(t, path, queries...)
}

// schemaStep is one migration of the file, as its test takes a new file back over it and forward again.
type schemaStep struct {
	tables []string                        // the tables the step adds or changes, compared with their indexes and triggers
	marks  []string                        // what the step writes into their definitions; none: it adds the tables themselves
	down   func(t *testing.T, path string) // takes a file of the current version back to the one before the step
}

// migrate writes at path a new register with fill's rows, takes it back with st.down and opens it
// with openCST, checking on the way that a new file has the step's marks (or its tables) and the file
// taken back none of them (nor any definition of the tables it adds), that the migrated tables are as in
// the new file, and that the migration wrote no history. The store is closed when the test ends.
func (st schemaStep) migrate(t *testing.T, path string) (context.Context, *gpkg.Store, *register) {
	t.Helper()
	reg := filledFile(t, path)
	marks := st.marks
	if len(marks) == 0 {
		for _, table := range st.tables {
			marks = append(marks, "CREATE TABLE "+table)
		}
	}
	what := strings.Join(st.tables, ", ")
	want := tablesSchema(t, path, st.tables...)
	for _, m := range marks {
		if !strings.Contains(want, m) {
			t.Fatalf("a new file's %s have no %q:\n%s", what, m, want)
		}
	}
	st.down(t, path)
	got := tablesSchema(t, path, st.tables...)
	for _, m := range marks {
		if strings.Contains(got, m) || len(st.marks) == 0 && got != "" {
			t.Fatalf("the downgraded file still has %s (%q):\n%s", what, m, got)
		}
	}
	history := historyRecords(t, path)
	ctx, s := openCST(t, path)
	t.Cleanup(func() { s.Close() })
	if got := tablesSchema(t, path, st.tables...); got != want {
		t.Errorf("migrated %s differ from a new file's:\n%s\nwant\n%s", what, got, want)
	}
	if got := historyRecords(t, path); got != history {
		t.Errorf("the migration wrote history: %d records, %d before", got, history)
	}
	return ctx, s, reg
}

// takenBack writes a register at path with write, on a store from openCST that it then closes, takes the
// file back with down and returns its number of history records, for migratedAsNew.
func takenBack(t *testing.T, path string, down func(t *testing.T, path string), write func(context.Context, *gpkg.Store)) int {
	t.Helper()
	ctx, s := openCST(t, path)
	write(ctx, s)
	must(t, s.Close())
	down(t, path)
	return historyRecords(t, path)
}

// migratedAsNew checks the file at path, migrated and closed: no history written since it had history
// records, the tables as in a new file, and nothing changed by opening it again.
func migratedAsNew(t *testing.T, path string, history int, tables ...string) {
	t.Helper()
	if after := historyRecords(t, path); after != history {
		t.Errorf("the migration wrote history: %d records, was %d", after, history)
	}
	sameTablesAsNew(t, path, tables...)
	reopenChangesNothing(t, path, gpkg.WithLocation(cst))
}
