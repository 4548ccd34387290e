package pgtest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"officemap/floorplan/postgis/pgtest"
)

func TestNewDBHasTheSchemaAndGoesAway(t *testing.T) {
	ctx := context.Background()
	url, drop, err := pgtest.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	var rooms, postgis bool
	err = conn.QueryRow(ctx, `SELECT to_regclass('rooms') IS NOT NULL,
		EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis')`).Scan(&rooms, &postgis)
	conn.Close(ctx)
	if err != nil || !rooms || !postgis {
		t.Fatalf("fresh database: rooms table %v, postgis %v (%v)", rooms, postgis, err)
	}
	if err := drop(); err != nil {
		t.Fatal(err)
	}
	if conn, err := pgx.Connect(ctx, url); err == nil {
		conn.Close(ctx)
		t.Fatal("the database is still there after drop")
	}
}

func TestEmptyDB(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewEmptyDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var rooms bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('rooms') IS NOT NULL`).Scan(&rooms); err != nil || rooms {
		t.Fatalf("empty database has a rooms table (%v)", err)
	}
}

func TestUnreachableServerSaysHowToFix(t *testing.T) {
	t.Setenv(pgtest.EnvURL, "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2")
	_, _, err := pgtest.Create(context.Background())
	if err == nil {
		t.Fatal("Create on a closed port succeeded")
	}
	for _, want := range []string{"start PostgreSQL", pgtest.EnvURL, ".ci/run"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
