package postgis

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"officemap/floorplan"
)

// Internals for the tests of package postgis_test.

// MigrateFS is Migrate with another set of migration files.
func MigrateFS(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS) error {
	return migrateFS(ctx, pool, fsys, defaultTuning().limits[ClassJob])
}

// CreateRoomUnchecked is CreateRoom without the Go-side validation, to reach the database's checks.
func (s *Store) CreateRoomUnchecked(ctx context.Context, r *floorplan.Room) error {
	id := newID(r.ID)
	return s.write(ctx, func(tx pgx.Tx) error {
		local, ll, err := s.roomGeometry(ctx, tx, r)
		if err != nil {
			return err
		}
		var version int64
		var created time.Time
		err = tx.QueryRow(ctx, insertRoomSQL, id, r.FloorID, r.Number, r.Name, r.Usage, nullID(r.AgencyID), r.State,
			nullDate(r.IdleSince), local, ll, r.SourceID, nullTime(r.CreatedAt), s.validFrom(ctx, r.ValidFrom), r.SourceCategory,
			r.RecordedAreaM2).Scan(&version, &created)
		return s.geometryError(ctx, err, "room", local, ll)
	})
}

// CreateFloorUnchecked is CreateFloor without the Go-side validation, to reach the database's checks.
func (s *Store) CreateFloorUnchecked(ctx context.Context, f *floorplan.Floor) error {
	return s.createFloor(ctx, f)
}

// Today is the current day in the store's time zone.
func (s *Store) Today() time.Time { return s.today() }

// MapError is mapError: a driver's error to one wrapping a floorplan sentinel.
func MapError(err error) error { return mapError(err) }

// MaxWriteAttempts is how often a write runs when the server aborts it for a serialization failure or a
// deadlock.
const MaxWriteAttempts = maxWriteAttempts

// Setting returns the current value of a server setting as the store's reads see it (inside InTx: in
// the transaction).
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	return readRow(ctx, s, func(row pgx.Row) (string, error) {
		var v string
		err := row.Scan(&v)
		return v, err
	}, `SELECT current_setting($1)`, name)
}

// GenericRoomsPlan returns the generic plan (plan_cache_mode force_generic_plan) of the query Rooms runs for
// f, as EXPLAIN prints it: the plan a prepared statement settles on after five executions. It runs on a
// connection of its own, closed after (a prepared statement outlives a transaction).
func (s *Store) GenericRoomsPlan(ctx context.Context, f floorplan.RoomFilter) (string, error) {
	sql, args := roomsQuery(f)
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return "", err
	}
	conn := c.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	for _, q := range []string{`SET plan_cache_mode = force_generic_plan`, `PREPARE rooms_plan AS ` + sql} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return "", err
		}
	}
	literal := func(id uuid.UUID) string { return "'" + id.String() + "'" }
	var lits []string
	for _, a := range args {
		switch v := a.(type) {
		case uuid.UUID:
			lits = append(lits, literal(v))
		case string:
			lits = append(lits, "'"+strings.ReplaceAll(v, "'", "''")+"'")
		case [][16]byte: // uuidArray
			if v == nil {
				lits = append(lits, "NULL")
				break
			}
			var ids []string
			for _, id := range v {
				ids = append(ids, uuid.UUID(id).String())
			}
			lits = append(lits, "'{"+strings.Join(ids, ",")+"}'")
		default:
			return "", fmt.Errorf("GenericRoomsPlan: an argument of type %T", a)
		}
	}
	rows, err := conn.Query(ctx, `EXPLAIN EXECUTE rooms_plan(`+strings.Join(lits, ", ")+`)`)
	if err != nil {
		return "", err
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return strings.Join(lines, "\n"), err
}

// DeferrableIndexes are the indexes a bulk load into an empty register builds at its end.
var DeferrableIndexes = deferrableIndexes

// DeferIndexesAndDie does what WithIndexesDeferred does before its load, then ends its session as a
// process that dies would: the indexes stay dropped, noted in deferred_indexes. It returns how many.
func (s *Store) DeferIndexesAndDie(ctx context.Context) (int, error) {
	c, err := s.acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer c.Release()
	defer c.Conn().Close(ctx) //nolint:errcheck // the session ends, and its advisory lock with it
	var held bool
	if err := c.QueryRow(ctx, deferLockSQL).Scan(&held); err != nil || !held {
		return 0, fmt.Errorf("the lock of deferred indexes: held %v, %v", held, err)
	}
	return s.deferIndexes(ctx, c)
}

// PartAgencyQueries are the queries that read a part's records by agency, by name.
var PartAgencyQueries = map[string]string{
	"rooms": partRoomsOfAgenciesSQL, "people": partPeopleOfAgenciesSQL, "assignments": partAssignmentsOfAgenciesSQL,
}
