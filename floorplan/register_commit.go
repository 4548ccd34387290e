package floorplan

import (
	"context"

	"github.com/google/uuid"
)

// write is one change the Register makes of a record, once it is converted and checked: what the
// permission hook must allow, the store call that makes it and what the change moves.
type write struct {
	req Request // asked of the permission hook first
	// moved, when set, gives a second request the hook must allow after req, and whether it applies: where
	// an updated record moves from or to (a person's old agency, an agency's new parent).
	moved func() (Request, bool)
	save  func(tx Store) error // the store's write, in the change's transaction
	// layers are the map layers the change redraws (Changes.Layers).
	layers []Layer
	// room and person (nil: none) name the room and the person whose state the change can move (see
	// writeStates). They are read once save has run, which fills in the id of a record it creates.
	room, person *uuid.UUID
	// agency (nil: none) names an agency whose level or scale the change can move: the state of every room
	// of its people is computed again.
	agency *uuid.UUID
	// everything is set for a change that can move any room's state (a standard row): all are computed
	// again.
	everything bool
}

// commit asks the permission hook for w's requests, then makes the change with w.save and stores the
// states it can move (writeStates), in one transaction, and finishes it (done).
func (g *Register) commit(ctx context.Context, w write) (Changes, error) {
	if err := g.allow(ctx, w.req); err != nil {
		return Changes{}, err
	}
	if w.moved != nil {
		if req, ok := w.moved(); ok {
			if err := g.allow(ctx, req); err != nil {
				return Changes{}, err
			}
		}
	}
	var rooms []RoomResult
	var rev int64
	err := g.store.InTx(ctx, func(tx Store) error {
		if err := w.save(tx); err != nil {
			return err
		}
		var err error
		if rev, err = tx.Revision(ctx); err != nil { // the transaction's own: no later write's
			return err
		}
		if w.everything {
			return g.recomputeStates(ctx, tx, nil, DayOf(g.now()))
		}
		people := seed(w.person)
		if w.agency != nil {
			ps, err := tx.People(ctx, PersonFilter{AgencyID: *w.agency})
			if err != nil {
				return err
			}
			for _, p := range ps {
				people = append(people, p.ID)
			}
		}
		rooms, err = g.writeStates(ctx, tx, seed(w.room), people)
		return err
	})
	if err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{Revision: rev, Layers: w.layers, Rooms: rooms, Entity: w.req.Entity})
}

// seed returns the id id points to as the seeds of writeStates, or none for a nil id.
func seed(id *uuid.UUID) []uuid.UUID {
	if id == nil {
		return nil
	}
	return []uuid.UUID{*id}
}
