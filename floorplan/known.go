package floorplan

import (
	"context"

	"github.com/google/uuid"
)

// Records a caller has just read, handed to the Register with the context so that its checks before a
// write do not read them again: an HTTP write of a room reads the room, its floor and the building (to
// answer in the client's frame), and the Register's checks need the same three. They are what the caller
// read moments before, as the Register's own reads would be: outside the write's transaction, in which the
// store checks the room's version and reads the floor and building again under lock.

// knownKey carries a *known in a context.
type knownKey struct{}

// known is a floor with its building and, possibly, a room, as a caller read them.
type known struct {
	floor    Floor
	building Building
	room     *Room
}

// WithKnown returns ctx carrying floor f and its building b as just read and, when r is not nil, room r
// (as it stood before the write the context is for). The Register reads them from there instead of the
// store before a write (placeOf, the room's agency before an update).
func WithKnown(ctx context.Context, f Floor, b Building, r *Room) context.Context {
	if f.BuildingID != b.ID {
		return ctx // not a floor and its building: nothing known
	}
	return context.WithValue(ctx, knownKey{}, &known{floor: f, building: b, room: r})
}

// knownPlace returns the floor floorID and its building when ctx carries them (WithKnown).
func knownPlace(ctx context.Context, floorID uuid.UUID) (Floor, Building, bool) {
	if k, ok := ctx.Value(knownKey{}).(*known); ok && k.floor.ID == floorID {
		return k.floor, k.building, true
	}
	return Floor{}, Building{}, false
}

// roomBefore returns room id as ctx carries it (WithKnown), else as the store has it.
func (g *Register) roomBefore(ctx context.Context, id uuid.UUID) (Room, error) {
	if k, ok := ctx.Value(knownKey{}).(*known); ok && k.room != nil && k.room.ID == id {
		return *k.room, nil
	}
	return g.store.Room(ctx, id)
}
