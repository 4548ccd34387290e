package postgis

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Indexes built at the end of a bulk load (WithIndexesDeferred).
//
// Keeping an index row by row costs a bulk load more than building it once over the loaded rows (sorted, and
// in parallel where PostgreSQL can): PostgreSQL's manual advises removing indexes before populating a
// database and creating them after. At a million rooms, keeping the indexes below row by row took about half
// of the loading backend's time (the batches 114–146 s with them, 61–75 s without), and building them all
// again takes 14–20 s on two connections (migrations/0038).

// deferrableIndexes are the indexes a bulk load into an empty register may drop and build at its end: those
// of the tables it fills (rooms, people, assignments, and the history their statement triggers write) that
// enforce no rule (none is a primary-key, unique or constraint index) and that the load's own statements do
// not use: it finds a floor's rooms through rooms_floor_idx (the overlap check of BulkInsertRooms, a
// sequential scan of every room per batch without it) and parents through their primary keys.
//
// They are built in this order, the longest first, so that the builders finish together (the longest last,
// the other builder would wait for it alone). Their build times after gen's million rooms, one at a time:
// 4.1, 2.5, 2.1, 1.6, 1.3, 0.9, 0.6, 0.6, 0.6, 0.5, 0.5, 0.3 s (the people's names' trigrams: CJK names of
// three characters; history: 3.8M rows). Ordered by table size instead, the last of them ended 9.0 s in, not 7.9.
var deferrableIndexes = []string{
	"people_name_trgm_idx", "history_effective_idx", "history_at_idx", "history_entity_idx",
	"rooms_geom_ll_idx", "rooms_number_trgm_idx", "people_agency_idx", "rooms_agency_idx",
	"assignments_person_idx", "history_room_effective_idx", "assignments_room_idx", "rooms_name_trgm_idx",
}

// indexBuilders is how many indexes are built at once: one per connection, each a core of the server.
const indexBuilders = 2

const (
	// deferLockSQL and deferUnlockSQL take and give back the session advisory lock of a load that has
	// deferred indexes: held from before it drops them until it has built them again, it tells Migrate
	// that the notes in deferred_indexes are a live load's, not a dead one's.
	deferLockSQL   = `SELECT pg_try_advisory_lock(hashtext('officemap.deferred_indexes'))`
	deferUnlockSQL = `SELECT pg_advisory_unlock(hashtext('officemap.deferred_indexes'))`
	// ownsLoadedSQL says whether the session's role owns the loaded tables (may drop and build their
	// indexes): the schema's owner does, the server's app role (migrations/0006_identity.sql) does not.
	// Before migrations/0038 (Migrate of older files, in tests), it says false.
	ownsLoadedSQL = `SELECT count(*) = 5 AND bool_and(pg_has_role(c.relowner, 'USAGE')) FROM pg_class c
 WHERE c.oid IN (to_regclass('rooms'), to_regclass('people'), to_regclass('assignments'), to_regclass('history'),
                 to_regclass('deferred_indexes'))`
	// lockLoadedSQL keeps every other writer and reader out of the loaded tables while the load finds them
	// empty and drops their indexes (for a moment: nothing is read or written meanwhile).
	lockLoadedSQL = `LOCK TABLE rooms, people, assignments, history IN ACCESS EXCLUSIVE MODE`
	// loadedEmptySQL says whether no room, person or assignment has ever been stored (deleted ones count).
	loadedEmptySQL = `SELECT NOT EXISTS (SELECT 1 FROM rooms) AND NOT EXISTS (SELECT 1 FROM people)
    AND NOT EXISTS (SELECT 1 FROM assignments)`
	// noteDeferredSQL notes the definitions of the named indexes that exist ($1), returning their names (a
	// stale note of an index that exists again, built by hand after a load died, takes its definition).
	noteDeferredSQL = `INSERT INTO deferred_indexes (name, table_name, definition)
SELECT c.relname, i.indrelid::regclass::text, pg_get_indexdef(i.indexrelid)
  FROM unnest($1::text[]) AS n(name)
  JOIN pg_class c ON c.oid = to_regclass(n.name)
  JOIN pg_index i ON i.indexrelid = c.oid
 WHERE NOT i.indisunique AND NOT i.indisprimary
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
    ON CONFLICT (name) DO UPDATE SET table_name = EXCLUDED.table_name, definition = EXCLUDED.definition
RETURNING name`
	// deferredSQL lists the noted indexes in the order of $1 (deferrableIndexes: the longest to build first),
	// any other (noted by another version) after them, those of the largest tables first.
	deferredSQL = `SELECT d.name, d.definition FROM deferred_indexes d
 ORDER BY array_position($1::text[], d.name) NULLS LAST,
          pg_total_relation_size(to_regclass(d.table_name)) DESC NULLS LAST, d.name`
	unnoteDeferredSQL = `DELETE FROM deferred_indexes WHERE name = $1`
)

// deferredIndex is a note of deferred_indexes.
type deferredIndex struct{ name, definition string }

// WithIndexesDeferred runs fn, a bulk load through the BulkLoader (one or many transactions of its own),
// with the indexes of deferrableIndexes dropped when the register has no room, person or assignment yet,
// and builds them again when fn returns, whatever it returns (also after ctx is cancelled). The register
// meanwhile answers as before, only more slowly: no rule depends on those indexes. On a register that is
// not empty, while another load has its indexes deferred, inside InTx, for a role that does not own the
// tables (the server's app role), or when readers of the tables keep it from them longer than a write's
// lock timeout, it runs fn with every index kept.
// Should the process die before the indexes are built, Migrate builds them (the notes of
// migrations/0038_deferred_indexes.sql). It returns fn's error, joined with the building's.
func (s *Store) WithIndexesDeferred(ctx context.Context, fn func() error) error {
	if s.tx != nil {
		return fn()
	}
	c, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	var held bool
	if err := c.QueryRow(ctx, deferLockSQL).Scan(&held); err != nil {
		return mapError(err)
	}
	if !held {
		return fn() // another load has them deferred and builds them
	}
	defer func() {
		if _, err := c.Exec(context.WithoutCancel(ctx), deferUnlockSQL); err != nil {
			_ = c.Conn().Close(context.WithoutCancel(ctx)) // never hand back a session holding the lock
		}
	}()
	n, err := s.deferIndexes(ctx, c)
	if err != nil {
		return err
	}
	ferr := fn()
	if n == 0 {
		return ferr
	}
	return errors.Join(ferr, s.buildDeferred(context.WithoutCancel(ctx), c))
}

// deferIndexes notes and drops the deferrable indexes, in one transaction on c, when the loaded tables
// are empty; it returns how many it dropped.
func (s *Store) deferIndexes(ctx context.Context, c *pgxpool.Conn) (int, error) {
	var dropped int
	err := pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, setLimitsSQL, s.conns.limits[ClassWrite].limitArgs(true)...); err != nil {
			return err
		}
		var owner bool
		if err := tx.QueryRow(ctx, ownsLoadedSQL).Scan(&owner); err != nil || !owner {
			return err
		}
		if _, err := tx.Exec(ctx, lockLoadedSQL); err != nil {
			return err
		}
		var empty bool
		if err := tx.QueryRow(ctx, loadedEmptySQL).Scan(&empty); err != nil || !empty {
			return err
		}
		rows, err := tx.Query(ctx, noteDeferredSQL, deferrableIndexes)
		if err != nil {
			return err
		}
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, name := range names {
			if _, err := tx.Exec(ctx, "DROP INDEX "+pgx.Identifier{name}.Sanitize()); err != nil {
				return err
			}
		}
		dropped = len(names)
		return nil
	})
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == codeLockNotAvailable {
		return 0, nil // readers of the tables in the way (lock_timeout): the load keeps every index
	}
	if err != nil {
		return 0, fmt.Errorf("postgis: defer the bulk load's indexes: %w", mapError(err))
	}
	return dropped, nil
}

// buildDeferred builds the indexes noted in deferred_indexes on c and, for a second builder, on a
// connection of the pool (indexBuilders at once, each index in a transaction of its own).
func (s *Store) buildDeferred(ctx context.Context, c *pgxpool.Conn) error {
	conns := []*pgxpool.Conn{c}
	for len(conns) < indexBuilders {
		more, err := s.acquire(ctx)
		if err != nil {
			break // builds on fewer connections
		}
		defer more.Release()
		conns = append(conns, more)
	}
	return buildDeferredOn(ctx, s.conns.limits[ClassJob], conns)
}

// buildDeferredOn builds each index noted in deferred_indexes and removes its note in one transaction (a
// failure leaves both as they were), on the connections given, one index at a time on each, with limits l.
// It returns the first error of each connection.
func buildDeferredOn(ctx context.Context, l Limits, conns []*pgxpool.Conn) error {
	rows, err := conns[0].Query(ctx, deferredSQL, deferrableIndexes)
	if err != nil {
		return fmt.Errorf("postgis: read the deferred indexes: %w", mapError(err))
	}
	todo, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (deferredIndex, error) {
		var d deferredIndex
		return d, row.Scan(&d.name, &d.definition)
	})
	if err != nil {
		return fmt.Errorf("postgis: read the deferred indexes: %w", mapError(err))
	}
	queue := make(chan deferredIndex, len(todo))
	for _, d := range todo {
		queue <- d
	}
	close(queue)
	errs := make(chan error, len(conns))
	for _, c := range conns {
		go func() {
			for d := range queue {
				if err := buildIndex(ctx, l, c, d); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	var all []error
	for range conns {
		all = append(all, <-errs)
	}
	return errors.Join(all...)
}

// buildIndex builds one deferred index (unless it exists: a load and Migrate may both get to it) and
// removes its note, in one transaction on c.
func buildIndex(ctx context.Context, l Limits, c *pgxpool.Conn, d deferredIndex) error {
	create, ok := strings.CutPrefix(d.definition, "CREATE INDEX ")
	if !ok {
		return fmt.Errorf("postgis: deferred index %s: not an index definition: %q", d.name, d.definition)
	}
	err := pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, setLimitsSQL, l.limitArgs(true)...); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "CREATE INDEX IF NOT EXISTS "+create); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, unnoteDeferredSQL, d.name)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgis: build the deferred index %s: %w", d.name, mapError(err))
	}
	return nil
}

// buildLeftIndexes builds, on c (Migrate's connection), the indexes that a bulk load deferred and did not
// build again because it died: those noted while no load holds the lock of WithIndexesDeferred. A role
// that does not own the tables leaves them to the owner's next Migrate (officemap migrate).
func buildLeftIndexes(ctx context.Context, l Limits, c *pgxpool.Conn) error {
	var owner bool
	if err := c.QueryRow(ctx, ownsLoadedSQL).Scan(&owner); err != nil {
		return fmt.Errorf("postgis: look for deferred indexes: %w", mapError(err))
	}
	if !owner {
		return nil
	}
	var held bool
	if err := c.QueryRow(ctx, deferLockSQL).Scan(&held); err != nil {
		return fmt.Errorf("postgis: look for deferred indexes: %w", mapError(err))
	}
	if !held {
		return nil // a live load builds them
	}
	defer func() {
		if _, err := c.Exec(context.WithoutCancel(ctx), deferUnlockSQL); err != nil {
			_ = c.Conn().Close(context.WithoutCancel(ctx))
		}
	}()
	return buildDeferredOn(ctx, l, []*pgxpool.Conn{c})
}
