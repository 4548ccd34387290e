package postgis_test

import (
	"context"
	"testing"
	"time"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
)

// conformanceZone is China Standard Time, the zone whose calendar days the conformance stores use.
var conformanceZone = time.FixedZone("CST", 8*60*60)

// agedStore is a PostGIS store on a fresh database that implements storetest.Clock. The database stamps
// the history with its own clock, so Pass moves every recorded time back instead of moving the clock on.
type agedStore struct {
	*postgis.Store
}

func (s *agedStore) Now() time.Time { return time.Now().In(conformanceZone) }

// Moving recorded times back, with the schema's triggers off for the transaction (the history is
// append-only and versions must move by one): session_replication_role needs a superuser, which the
// test server's user is. Tests only.
const (
	replicaRoleSQL = `SET LOCAL session_replication_role = replica`
	// Effective days that were the day of writing (the default of a plain edit) move back with it; the
	// others (a status date, the beginning of time) stay.
	ageHistorySQL = `UPDATE history SET at = at - make_interval(secs => $1),
       effective = CASE WHEN effective = (at AT TIME ZONE 'UTC' + interval '8 hours')::date
                        THEN ((at - make_interval(secs => $1)) AT TIME ZONE 'UTC' + interval '8 hours')::date
                        ELSE effective END`
	ageSitesSQL     = `UPDATE sites SET created_at = created_at - make_interval(secs => $1), deleted_at = deleted_at - make_interval(secs => $1)`
	ageBuildingsSQL = `UPDATE buildings SET created_at = created_at - make_interval(secs => $1), deleted_at = deleted_at - make_interval(secs => $1),
       valid_from = CASE WHEN valid_from = (created_at AT TIME ZONE 'UTC' + interval '8 hours')::date
                         THEN ((created_at - make_interval(secs => $1)) AT TIME ZONE 'UTC' + interval '8 hours')::date
                         ELSE valid_from END`
	ageFloorsSQL   = `UPDATE floors SET created_at = created_at - make_interval(secs => $1), deleted_at = deleted_at - make_interval(secs => $1)`
	ageAgenciesSQL = `UPDATE agencies SET created_at = created_at - make_interval(secs => $1), deleted_at = deleted_at - make_interval(secs => $1)`
	ageRoomsSQL    = `UPDATE rooms SET created_at = created_at - make_interval(secs => $1), deleted_at = deleted_at - make_interval(secs => $1),
       valid_from = CASE WHEN valid_from = (created_at AT TIME ZONE 'UTC' + interval '8 hours')::date
                         THEN ((created_at - make_interval(secs => $1)) AT TIME ZONE 'UTC' + interval '8 hours')::date
                         ELSE valid_from END`
	agePeopleSQL       = `UPDATE people SET created_at = created_at - make_interval(secs => $1), deleted_at = deleted_at - make_interval(secs => $1)`
	agePostsSQL        = `UPDATE posts SET created_at = created_at - make_interval(secs => $1), deleted_at = deleted_at - make_interval(secs => $1)`
	ageAssignmentsSQL  = `UPDATE assignments SET created_at = created_at - make_interval(secs => $1), deleted_at = deleted_at - make_interval(secs => $1)`
	ageStandardRowsSQL = `UPDATE standard_rows SET created_at = created_at - make_interval(secs => $1)`
)

func (s *agedStore) Pass(t *testing.T, d time.Duration) {
	t.Helper()
	ctx := context.Background()
	tx, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if _, err := tx.Exec(ctx, replicaRoleSQL); err != nil {
		t.Fatalf("turn the triggers off (the test server's user must be a superuser): %v", err)
	}
	for _, q := range []string{ageHistorySQL, ageSitesSQL, ageBuildingsSQL, ageFloorsSQL, ageAgenciesSQL, ageRoomsSQL,
		agePeopleSQL, agePostsSQL, ageAssignmentsSQL, ageStandardRowsSQL} {
		if _, err := tx.Exec(ctx, q, d.Seconds()); err != nil {
			t.Fatalf("move recorded times back: %v", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestConformance runs the store conformance suite with a fresh database for each part.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) floorplan.Store {
		return &agedStore{Store: pgtest.NewStore(t, postgis.WithLocation(conformanceZone))}
	})
}
