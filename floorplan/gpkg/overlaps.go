package gpkg

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

var _ floorplan.OverlapDeferrer = (*Store)(nil)

// Deferred overlap checks. A write of a room checks it at once against the live rooms of its floor
// (checkOverlap); a transaction that defers the check (DeferOverlaps) notes the rooms it writes instead,
// and checks each once, as it then stands, against the live rooms of its floor when CheckOverlaps runs or,
// at the latest, before InTx commits: the PostGIS store's deferred constraint trigger, in Go.

// deferredRoom is a room written while the check is deferred.
type deferredRoom struct {
	id, floorID uuid.UUID
}

// deferredOverlaps notes the rooms a transaction writes while it defers the overlap check, in the order
// written. The Store of InTx and the Stores of its nested InTx share it.
type deferredOverlaps struct {
	rooms []deferredRoom
}

// DeferOverlaps makes the transaction's writes of rooms skip the overlap check until CheckOverlaps or the
// commit. It fails outside InTx.
func (s *Store) DeferOverlaps(context.Context) error {
	if s.tx == nil {
		return fmt.Errorf("gpkg: DeferOverlaps outside InTx")
	}
	if s.deferred == nil {
		s.deferred = &deferredOverlaps{}
	}
	return nil
}

// CheckOverlaps checks every room written since DeferOverlaps now, with the error of a single write
// (*floorplan.OverlapError naming the room written), and ends the deferral. Rooms deleted since overlap
// nothing.
func (s *Store) CheckOverlaps(ctx context.Context) error {
	if s.tx == nil {
		return fmt.Errorf("gpkg: CheckOverlaps outside InTx")
	}
	d := s.deferred
	s.deferred = nil
	if d == nil {
		return nil
	}
	return wrapErr(d.check(ctx, s.tx))
}

// overlaps checks room r (to be written with id and lon/lat polygon ll) now, or notes it for
// CheckOverlaps while the transaction defers the check. A room noted whose write then fails is not live,
// or is as it was, when the check runs.
func (s *Store) overlaps(ctx context.Context, q querier, r *floorplan.Room, id uuid.UUID, ll orb.Polygon) error {
	if s.deferred != nil {
		s.deferred.rooms = append(s.deferred.rooms, deferredRoom{id: id, floorID: r.FloorID})
		return nil
	}
	return checkOverlap(ctx, q, r, id, ll)
}

// check checks each room noted, once, in the order written, against the live rooms of its floor as they
// stand (each floor read once), as a bulk insert checks its rooms (overlapIn).
func (d *deferredOverlaps) check(ctx context.Context, q querier) error {
	floors := map[uuid.UUID][]placed{}
	done := map[uuid.UUID]bool{}
	for _, w := range d.rooms {
		if done[w.id] {
			continue
		}
		done[w.id] = true
		live, ok := floors[w.floorID]
		if !ok {
			var err error
			if live, err = floorRooms(ctx, q, w.floorID); err != nil {
				return err
			}
			floors[w.floorID] = live
		}
		self := -1
		for i, p := range live {
			if p.id == w.id {
				self = i
				break
			}
		}
		if self < 0 { // deleted since, or never written: it overlaps nothing
			continue
		}
		others := make([]placed, 0, len(live)-1)
		others = append(append(others, live[:self]...), live[self+1:]...)
		g := live[self]
		if err := overlapIn(others, &floorplan.Room{ID: g.id, Number: g.number}, g); err != nil {
			return err
		}
	}
	return nil
}
