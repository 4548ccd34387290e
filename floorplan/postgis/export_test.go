package postgis

import (
	"context"
	"io/fs"
	"time"

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

// PlanModesOfCopy runs, in a transaction rolled back after, a load's planAfterLoad and then a copyRows into
// a temporary table whose trigger notes the plan cache mode each row is written under; it returns the
// modes noted and the mode after a second planAfterLoad.
func (s *Store) PlanModesOfCopy(ctx context.Context) (during []string, after string, err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback(ctx)
	for _, q := range []string{
		`CREATE TEMPORARY TABLE copy_modes (n int, mode text) ON COMMIT DROP`,
		`CREATE FUNCTION pg_temp.note_mode() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.mode := current_setting('plan_cache_mode'); RETURN NEW; END $$`,
		`CREATE TRIGGER note_mode BEFORE INSERT ON copy_modes FOR EACH ROW EXECUTE FUNCTION pg_temp.note_mode()`,
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return nil, "", err
		}
	}
	if err := planAfterLoad(ctx, tx); err != nil {
		return nil, "", err
	}
	err = copyRows(ctx, tx, "copy_modes", []string{"n"}, 3, func(i int) ([]any, error) { return []any{int32(i)}, nil })
	if err != nil {
		return nil, "", err
	}
	rows, err := tx.Query(ctx, `SELECT mode FROM copy_modes ORDER BY n`)
	if err != nil {
		return nil, "", err
	}
	if during, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return nil, "", err
	}
	if err := planAfterLoad(ctx, tx); err != nil {
		return nil, "", err
	}
	err = tx.QueryRow(ctx, `SELECT current_setting('plan_cache_mode')`).Scan(&after)
	return during, after, err
}
