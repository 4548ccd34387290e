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

// newAgedStore is an agedStore with its days in the conformance zone, on a fresh database dropped when t
// ends: the store of every conformance test.
func newAgedStore(t *testing.T) floorplan.Store {
	return &agedStore{Store: pgtest.NewStore(t, postgis.WithLocation(conformanceZone))}
}

func (s *agedStore) Now() time.Time { return time.Now().In(conformanceZone) }

// Moving recorded times back, with the schema's triggers off for the transaction (the history is
// append-only and versions must move by one): session_replication_role needs a superuser, which the
// test server's user is. Tests only.
const replicaRoleSQL = `SET LOCAL session_replication_role = replica`

// secsBack moves a recorded time back by $1 seconds.
const secsBack = ` - make_interval(secs => $1)`

// movedDay sets col, a day, back with the time ts when it was ts's day in the conformance zone (the
// default of a plain edit); other days (a status date, the beginning of time) stay.
func movedDay(col, ts string) string {
	day := func(ts string) string { return "((" + ts + ") AT TIME ZONE 'UTC' + interval '8 hours')::date" }
	return col + " = CASE WHEN " + col + " = " + day(ts) + " THEN " + day(ts+secsBack) + " ELSE " + col + " END"
}

// ageSQL are the statements that move every recorded time back by $1 seconds: the history's, and each
// table's created_at, deleted_at where it has one and valid_from where it has one.
var ageSQL = func() []string {
	qs := []string{"UPDATE history SET at = at" + secsBack + ", " + movedDay("effective", "at")}
	for _, tb := range []struct {
		name                 string
		deletedAt, validFrom bool
	}{
		{"sites", true, false}, {"buildings", true, true}, {"floors", true, false}, {"agencies", true, false},
		{"rooms", true, true}, {"people", true, false}, {"posts", true, false}, {"assignments", true, false},
		{"standard_rows", false, false},
	} {
		q := "UPDATE " + tb.name + " SET created_at = created_at" + secsBack
		if tb.deletedAt {
			q += ", deleted_at = deleted_at" + secsBack
		}
		if tb.validFrom {
			q += ", " + movedDay("valid_from", "created_at")
		}
		qs = append(qs, q)
	}
	return qs
}()

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
	for _, q := range ageSQL {
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
	storetest.Run(t, newAgedStore)
}

// TestPartResults runs the conformance tests of the stored parts (migrations/0015_part_results.sql).
func TestPartResults(t *testing.T) {
	storetest.RunPartResults(t, newAgedStore)
}

// TestParts runs the tests of the register read in parts (storetest.RunParts) on fresh databases.
func TestParts(t *testing.T) {
	storetest.RunParts(t, newAgedStore)
}

// TestFiledPropertyLeased runs storetest.RunFiledPropertyLeased on a fresh database: the sites of the
// snapshots and of the parts, and the stored parts after a change of a site's ownership.
func TestFiledPropertyLeased(t *testing.T) {
	storetest.RunFiledPropertyLeased(t, newAgedStore)
}
