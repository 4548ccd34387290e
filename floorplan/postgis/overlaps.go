package postgis

import (
	"context"
	"fmt"

	"officemap/floorplan"
)

var _ floorplan.OverlapDeferrer = (*Store)(nil)

// The overlap check of rooms is the constraint trigger rooms_no_overlap (migrations/0001_init.sql, made
// deferrable by 0012_deferrable_overlap.sql): immediate by default, at the end of each statement; a
// transaction that defers it has it run at SET CONSTRAINTS … IMMEDIATE (CheckOverlaps) or at COMMIT, on
// every room written, as it then stands. Either way its error maps to the *floorplan.OverlapError of a
// single write (mapError), whose RoomID is the room refused.
const (
	deferOverlapsSQL = `SET CONSTRAINTS rooms_no_overlap DEFERRED`
	checkOverlapsSQL = `SET CONSTRAINTS rooms_no_overlap IMMEDIATE`
)

// DeferOverlaps makes the transaction's writes of rooms skip the overlap check until CheckOverlaps or the
// commit. It fails outside InTx.
func (s *Store) DeferOverlaps(ctx context.Context) error {
	return s.setOverlaps(ctx, deferOverlapsSQL, "DeferOverlaps")
}

// CheckOverlaps checks every room written since DeferOverlaps now and ends the deferral. After a refusal
// the transaction can only be rolled back (InTx's function returns the error).
func (s *Store) CheckOverlaps(ctx context.Context) error {
	return s.setOverlaps(ctx, checkOverlapsSQL, "CheckOverlaps")
}

// setOverlaps runs one of the statements above in the transaction of InTx.
func (s *Store) setOverlaps(ctx context.Context, sql, what string) error {
	if s.tx == nil {
		return fmt.Errorf("postgis: %s outside InTx", what)
	}
	_, err := s.tx.Exec(ctx, sql)
	return mapError(err)
}
