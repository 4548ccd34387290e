package postgis_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/synth"
)

// indexDefs returns the definitions of the indexes of the tables a bulk load fills, by name, and fails t
// when one is not valid (a build that failed half-way).
func indexDefs(t *testing.T, p *pgxpool.Pool) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := p.Query(ctx, `SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisvalid
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE i.indrelid IN ('rooms'::regclass, 'people'::regclass, 'assignments'::regclass, 'history'::regclass)`)
	must(t, err)
	defer rows.Close()
	defs := map[string]string{}
	for rows.Next() {
		var name, def string
		var valid bool
		must(t, rows.Scan(&name, &def, &valid))
		if !valid {
			t.Errorf("index %s is not valid", name)
		}
		defs[name] = def
	}
	must(t, rows.Err())
	return defs
}

// notedIndexes returns the names noted in deferred_indexes.
func notedIndexes(t *testing.T, p *pgxpool.Pool) []string {
	t.Helper()
	rows, err := p.Query(context.Background(), `SELECT name FROM deferred_indexes ORDER BY name`)
	must(t, err)
	var names []string
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		names = append(names, n)
	}
	must(t, rows.Err())
	return names
}

// wantDeferred checks that defs (the indexes while a load runs) lack exactly the deferrable indexes of
// all (the schema's), each of which exists in the schema, and keep the others as they are.
func wantDeferred(t *testing.T, defs, all map[string]string) {
	t.Helper()
	for _, name := range postgis.DeferrableIndexes {
		if _, ok := all[name]; !ok {
			t.Errorf("deferrable index %s is not in the schema", name)
		}
		if _, ok := defs[name]; ok {
			t.Errorf("index %s kept while the load ran; want it deferred", name)
		}
	}
	for name, def := range all {
		if !slices.Contains(postgis.DeferrableIndexes, name) && defs[name] != def {
			t.Errorf("index %s while the load ran: %q; want it kept as %q", name, defs[name], def)
		}
	}
}

// wantBuilt checks that every index is back as the schema defines it (schema), valid, with no note left; when
// (after a load, after Migrate) names the moment.
func wantBuilt(t *testing.T, p *pgxpool.Pool, schema map[string]string, when string) {
	t.Helper()
	if after := indexDefs(t, p); !maps.Equal(after, schema) {
		t.Errorf("indexes %s:\n%v\nwant the schema's:\n%v", when, after, schema)
	}
	if left := notedIndexes(t, p); len(left) != 0 {
		t.Errorf("notes left %s: %v", when, left)
	}
}

// loadBatch writes d's rooms, people and assignments in one Batch.
func loadBatch(ctx context.Context, reg *floorplan.Register, d *synth.Dataset) error {
	_, err := reg.Batch(ctx, floorplan.Request{What: "test"}, func(tx floorplan.Store) error {
		return errors.Join(tx.BulkInsertRooms(ctx, d.Rooms), tx.BulkInsertPeople(ctx, d.People),
			tx.BulkInsertAssignments(ctx, d.Assignments))
	})
	return err
}

// TestWithIndexesDeferred: a bulk load into an empty register runs without the deferrable indexes (every
// other index kept) and ends with every index as the schema defines it, valid, and no note left; the
// loaded rows are there and found through the rebuilt indexes. A second load, into the register now not
// empty, keeps every index, and its error comes back.
func TestWithIndexesDeferred(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	url := pgtest.NewDB(t)
	s, p := openStoreOn(t, url), poolOn(t, url)
	reg := floorplan.NewRegister(s)
	schema := indexDefs(t, p)
	d := synth.Generate(synth.Config{Seed: 5, Buildings: 2, Floors: 2, RoomsPerFloor: 12})
	parents := *d
	parents.Rooms, parents.People, parents.Assignments = nil, nil, nil
	must(t, parents.Load(ctx, reg))

	var during map[string]string
	must(t, reg.BulkLoad(ctx, floorplan.Request{What: "test"}, func() error {
		during = indexDefs(t, p)
		if got := notedIndexes(t, p); len(got) != len(postgis.DeferrableIndexes) {
			t.Errorf("notes while the load ran: %v; want the %d deferrable indexes", got, len(postgis.DeferrableIndexes))
		}
		return loadBatch(ctx, reg, d)
	}))
	wantDeferred(t, during, schema)
	wantBuilt(t, p, schema, "after the load")
	var rooms, byAgency int
	must(t, p.QueryRow(ctx, `SELECT count(*) FROM rooms`).Scan(&rooms))
	c, err := p.Acquire(ctx)
	must(t, err)
	defer c.Release()
	_, err = c.Exec(ctx, `SET enable_seqscan = off`) // through rooms_agency_idx
	must(t, err)
	must(t, c.QueryRow(ctx, `SELECT count(*) FROM rooms WHERE agency_id = $1 AND deleted_at IS NULL`,
		d.Rooms[0].AgencyID).Scan(&byAgency))
	_, err = c.Exec(ctx, `RESET enable_seqscan`)
	must(t, err)
	if rooms != len(d.Rooms) || byAgency == 0 {
		t.Errorf("%d rooms loaded, %d of the first room's agency; want %d and some", rooms, byAgency, len(d.Rooms))
	}

	t.Run("NotEmpty", func(t *testing.T) {
		refused := errors.New("refused by the test")
		err := reg.BulkLoad(ctx, floorplan.Request{What: "test"}, func() error {
			if got := indexDefs(t, p); !maps.Equal(got, schema) {
				t.Errorf("indexes of a load into a register with rooms:\n%v\nwant every one kept", got)
			}
			return refused
		})
		if !errors.Is(err, refused) {
			t.Errorf("BulkLoad = %v, want fn's error", err)
		}
	})
}

// TestWithIndexesDeferredFails: a load whose fn fails after the indexes were dropped returns fn's error
// and still builds them; inside InTx, and while another load holds the deferral, nothing is deferred.
func TestWithIndexesDeferredFails(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	url := pgtest.NewDB(t)
	s, p := openStoreOn(t, url), poolOn(t, url)
	schema := indexDefs(t, p)
	refused := errors.New("refused by the test")
	var during map[string]string
	err := s.WithIndexesDeferred(ctx, func() error {
		during = indexDefs(t, p)
		return refused
	})
	if !errors.Is(err, refused) {
		t.Errorf("WithIndexesDeferred = %v, want fn's error", err)
	}
	wantDeferred(t, during, schema)
	wantBuilt(t, p, schema, "after a failed load")

	keeps := func(t *testing.T) func() error {
		return func() error {
			if got := indexDefs(t, p); !maps.Equal(got, schema) {
				t.Errorf("indexes while fn ran:\n%v\nwant every one kept", got)
			}
			return nil
		}
	}
	t.Run("InTx", func(t *testing.T) {
		must(t, s.InTx(ctx, func(tx floorplan.Store) error { return tx.WithIndexesDeferred(ctx, keeps(t)) }))
	})
	t.Run("ReadersInTheWay", func(t *testing.T) {
		quick := openStoreOn(t, url, postgis.WithLimits(postgis.ClassWrite,
			postgis.Limits{Statement: 5 * time.Second, Lock: 100 * time.Millisecond}))
		reader, err := p.Begin(ctx)
		must(t, err)
		defer reader.Rollback(ctx) //nolint:errcheck
		_, err = reader.Exec(ctx, `SELECT count(*) FROM history`)
		must(t, err)
		must(t, quick.WithIndexesDeferred(ctx, keeps(t)))
	})
	t.Run("AnotherLoad", func(t *testing.T) {
		unlock := holdDeferLock(t, p)
		defer unlock()
		must(t, s.WithIndexesDeferred(ctx, keeps(t)))
	})
}

// holdDeferLock takes the advisory lock of a load with deferred indexes on a connection of p, as a live
// load holds it; the function returned gives it back.
func holdDeferLock(t *testing.T, p *pgxpool.Pool) func() {
	t.Helper()
	ctx := context.Background()
	c, err := p.Acquire(ctx)
	must(t, err)
	// A session that was just closed may hold it for a moment: its server process ends after the client.
	var held bool
	for try := 0; !held && try < 100; try++ {
		if try > 0 {
			time.Sleep(20 * time.Millisecond)
		}
		must(t, c.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtext('officemap.deferred_indexes'))`).Scan(&held))
	}
	if !held {
		c.Release()
		t.Fatal("the lock of deferred indexes is taken")
	}
	return func() {
		must(t, c.QueryRow(ctx, `SELECT pg_advisory_unlock(hashtext('officemap.deferred_indexes'))`).Scan(&held))
		c.Release()
	}
}

// TestDeferredIndexesOfADeadLoad: the indexes of a load that died after dropping them are left to a live
// load while one holds the deferral, and built by the next Migrate once none does.
func TestDeferredIndexesOfADeadLoad(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	url := pgtest.NewDB(t)
	s, p := openStoreOn(t, url), poolOn(t, url)
	schema := indexDefs(t, p)
	n, err := s.DeferIndexesAndDie(ctx)
	must(t, err)
	if n != len(postgis.DeferrableIndexes) {
		t.Errorf("%d indexes deferred, want %d", n, len(postgis.DeferrableIndexes))
	}
	wantDeferred(t, indexDefs(t, p), schema)

	unlock := holdDeferLock(t, p)
	must(t, postgis.Migrate(ctx, p))
	wantDeferred(t, indexDefs(t, p), schema)
	if got := notedIndexes(t, p); len(got) != n {
		t.Errorf("Migrate during a live load left notes %v; want the %d of the load", got, n)
	}
	unlock()

	must(t, postgis.Migrate(ctx, p))
	wantBuilt(t, p, schema, "after Migrate")
	// Migrate built them on its one connection, each in a transaction of its own: the transactions' ids, which
	// grow, give the order. The longest to build come first (deferrableIndexes).
	rows, err := p.Query(ctx, `SELECT relname FROM pg_class WHERE relname = ANY($1) ORDER BY xmin::text::bigint`,
		postgis.DeferrableIndexes)
	must(t, err)
	order, err := pgx.CollectRows(rows, pgx.RowTo[string])
	must(t, err)
	if !slices.Equal(order, postgis.DeferrableIndexes) {
		t.Errorf("built in the order %v, want %v", order, postgis.DeferrableIndexes)
	}
}

// TestDeferredIndexesStaleNote: a note left by a dead load for an index that was built again by hand does not
// stop the next load, which defers and builds that index as the others.
func TestDeferredIndexesStaleNote(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	url := pgtest.NewDB(t)
	s, p := openStoreOn(t, url), poolOn(t, url)
	schema := indexDefs(t, p)
	_, err := p.Exec(ctx, `INSERT INTO deferred_indexes (name, table_name, definition) VALUES ('rooms_agency_idx', 'rooms', $1)`,
		schema["rooms_agency_idx"])
	must(t, err)
	var during map[string]string
	must(t, s.WithIndexesDeferred(ctx, func() error {
		during = indexDefs(t, p)
		return nil
	}))
	wantDeferred(t, during, schema)
	wantBuilt(t, p, schema, "after the load")
}
