package postgis_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// refusedByDatabase checks that the database at url itself refuses each of queries, whatever SQL client
// sends them.
func refusedByDatabase(t *testing.T, ctx context.Context, url string, queries ...string) {
	t.Helper()
	p := poolOn(t, url)
	for _, q := range queries {
		if _, err := p.Exec(ctx, q); err == nil {
			t.Errorf("%s: the database allowed it", q)
		}
	}
}

// roomUnchanged checks that the migrations roomBeforeMigration ran on p (which had history records before
// them) wrote no history and left the room of rows at version 1.
func roomUnchanged(t *testing.T, ctx context.Context, p *pgxpool.Pool, rows v9Rows, history int) {
	t.Helper()
	var after int
	var version int64
	must(t, p.QueryRow(ctx, `SELECT (SELECT count(*) FROM history), (SELECT version FROM rooms WHERE id = $1)`, rows.room).
		Scan(&after, &version))
	if after != history || version != 1 {
		t.Errorf("after the migrations: %d history records (was %d), room version %d; want no change", after, history, version)
	}
}
