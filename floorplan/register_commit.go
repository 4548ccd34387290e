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
	save  func() error // the store's write
	// layers are the map layers the change redraws (Changes.Layers).
	layers []Layer
	// room and person (nil: none) name the room and the person whose state the change can move (see
	// done). They are read once save has run, which fills in the id of a record it creates.
	room, person *uuid.UUID
}

// commit asks the permission hook for w's requests, makes the change with w.save and finishes it (done).
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
	if err := w.save(); err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{Layers: w.layers}, seed(w.room), seed(w.person))
}

// seed returns the id id points to as the seeds of done, or none for a nil id.
func seed(id *uuid.UUID) []uuid.UUID {
	if id == nil {
		return nil
	}
	return []uuid.UUID{*id}
}
