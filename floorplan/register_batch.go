package floorplan

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// A set of room changes of one floor saved as a whole (the floor editor's "save all").
//
// ApplyRooms converts, validates and asks the permission hook about every change first, exactly as
// CreateRoom and UpdateRoom do for one, then writes them all in one store transaction. Rooms must not
// overlap in the final state, not after each write: moving a wall that two rooms share changes both, and
// whichever is written first may overlap the other's old shape. So the transaction asks the store to
// defer its overlap check (OverlapDeferrer) and to check every room written once, before it commits, against
// the live rooms of the floor as they then stand. Any refusal changes nothing and names the change
// (*ChangeError). The history records each room's new version with the acting user and reason, as a
// single write does.

// MaxRoomChanges is the most changes one ApplyRooms takes: a floor's rooms saved at once, not an import.
const MaxRoomChanges = 500

// RoomChange is one change of an ApplyRooms.
type RoomChange struct {
	// Op is OpCreate (a new room) or OpUpdate (the room Room.ID, at Room.Version: the version its writer
	// read; a stale one is refused with ErrConflict).
	Op   Op
	Room Room
	// Shape is the room's geometry in the client's frame; a nil Polygon keeps Room.Geometry (local metres).
	Shape Shape
}

// ChangeError is the refusal of an ApplyRooms because of one of its changes: which one (Index, from 0),
// the room it writes (RoomID, uuid.Nil for a new room; Number) and why (Err, whose sentinels errors.Is
// finds: ErrConflict, ErrOverlap with an *OverlapError, ErrInvalid, ErrForbidden, ErrNotFound…).
type ChangeError struct {
	Index  int
	RoomID uuid.UUID
	Number string
	Err    error
}

func (e *ChangeError) Error() string {
	return fmt.Sprintf("change %d (%s): %v", e.Index, label("room", e.Number), e.Err)
}

// Unwrap returns the cause.
func (e *ChangeError) Unwrap() error { return e.Err }

// OverlapDeferrer is what ApplyRooms needs of the Store that InTx hands to its function, besides Store:
// overlaps checked at the end of the transaction rather than at each write. Both stores' transactions
// implement it (each says so at compile time); a Store whose transaction does not cannot apply a set of
// room changes.
type OverlapDeferrer interface {
	// DeferOverlaps makes the transaction's writes of rooms skip the overlap check until CheckOverlaps
	// runs or the transaction commits, whichever comes first. It fails outside a transaction.
	DeferOverlaps(ctx context.Context) error
	// CheckOverlaps checks now every room written since DeferOverlaps, as it stands, against the live
	// rooms of its floor (and so against each other), with the error of a single write (*OverlapError,
	// RoomID the room written), and ends the deferral: later writes are checked one by one again.
	CheckOverlaps(ctx context.Context) error
}

// ApplyRooms creates and updates rooms of floor floorID as a whole, in the order of changes: every change
// commits, or none does. Each change is converted, validated, kept inside the floor's outline and allowed
// by the permission hook as CreateRoom or UpdateRoom would; a room must be on floorID (and stay there),
// and may be changed once. Overlaps are checked on the final state (see above). It returns the rooms as
// written (new IDs and versions filled in), in the order of changes, and the Changes, whose Rooms are
// the state today of the rooms written and of the rooms of the people in them. A refusal of one change
// is a *ChangeError.
func (g *Register) ApplyRooms(ctx context.Context, floorID uuid.UUID, changes []RoomChange) ([]Room, Changes, error) {
	if n := len(changes); n == 0 || n > MaxRoomChanges {
		return nil, Changes{}, Invalidf("a save of rooms takes 1 to %d changes, not %d", MaxRoomChanges, n)
	}
	rooms := make([]Room, len(changes))
	seen := map[uuid.UUID]bool{}
	for i, ch := range changes {
		rooms[i] = ch.Room
		if err := g.roomChangeIn(ctx, floorID, ch.Op, &rooms[i], ch.Shape, seen); err != nil {
			return nil, Changes{}, changeError(i, rooms[i], err)
		}
	}
	var states []RoomResult
	err := g.store.InTx(ctx, func(tx Store) error {
		d, ok := tx.(OverlapDeferrer)
		if !ok {
			return fmt.Errorf("floorplan: the store's transaction (%T) cannot defer the overlap check", tx)
		}
		if err := d.DeferOverlaps(ctx); err != nil {
			return err
		}
		vctx := withValidated(ctx)
		for i, ch := range changes {
			save := tx.UpdateRoom
			if ch.Op == OpCreate {
				save = tx.CreateRoom
			}
			if err := save(vctx, &rooms[i]); err != nil {
				return changeError(i, rooms[i], err)
			}
		}
		if err := d.CheckOverlaps(ctx); err != nil {
			return err
		}
		ids := make([]uuid.UUID, len(rooms))
		for i, r := range rooms {
			ids[i] = r.ID
		}
		var err error
		states, err = g.writeStates(ctx, tx, ids, nil)
		return err
	})
	if err != nil {
		return nil, Changes{}, changeOf(err, rooms)
	}
	c, err := g.done(ctx, Changes{Layers: []Layer{LayerRooms}, Rooms: states})
	return rooms, c, err
}

// roomChangeIn checks change op of room r before anything is written: where the room is, that it is
// changed once, its conversion and validation (roomIn) and the permission hook's answer, as the single
// write's.
func (g *Register) roomChangeIn(ctx context.Context, floorID uuid.UUID, op Op, r *Room, shape Shape, seen map[uuid.UUID]bool) error {
	if r.ID != uuid.Nil {
		if seen[r.ID] {
			return Invalidf("%s is changed twice in one save", label("room", roomName(*r)))
		}
		seen[r.ID] = true
	}
	if r.FloorID == uuid.Nil && op == OpCreate {
		r.FloorID = floorID
	}
	if r.FloorID != floorID {
		return Invalidf("%s is not on floor %s: a save changes the rooms of one floor", label("room", roomName(*r)), floorID)
	}
	switch op {
	case OpCreate:
		b, err := g.roomIn(ctx, r, shape)
		if err != nil {
			return err
		}
		return g.allow(ctx, Request{Op: OpCreate, Entity: EntityRoom, AgencyID: r.AgencyID, BuildingID: b})
	case OpUpdate:
		old, err := g.store.Room(ctx, r.ID)
		if err != nil {
			return err
		}
		if old.FloorID != floorID {
			return Invalidf("%s is not on floor %s: a save changes the rooms of one floor", label("room", roomName(old)), floorID)
		}
		b, err := g.roomIn(ctx, r, shape)
		if err != nil {
			return err
		}
		if err := g.allow(ctx, Request{Op: OpUpdate, Entity: EntityRoom, ID: r.ID, AgencyID: r.AgencyID, BuildingID: b}); err != nil {
			return err
		}
		if old.AgencyID != r.AgencyID { // a room moved from another agency must be allowed where it leaves too
			return g.allow(ctx, Request{Op: OpUpdate, Entity: EntityRoom, ID: r.ID, AgencyID: old.AgencyID, BuildingID: b})
		}
		return nil
	}
	return Invalidf("unknown change %q of %s: create or update", op, label("room", roomName(*r)))
}

// changeError names change i, of room r, as the cause of err.
func changeError(i int, r Room, err error) error {
	return &ChangeError{Index: i, RoomID: r.ID, Number: r.Number, Err: err}
}

// changeOf names the change an ApplyRooms error comes from: as it is when it names one already; an
// overlap found at the end (CheckOverlaps, or the store's commit) by the room refused, among rooms. When
// both rooms of the overlap are written, the later change is named, the other room being the one it
// overlaps: the stores check in the order written, so the earlier room is the first refused, but it is
// the later change that made the pair overlap as the changes are read in order.
func changeOf(err error, rooms []Room) error {
	var ce *ChangeError
	if errors.As(err, &ce) {
		return err
	}
	var oe *OverlapError
	if !errors.As(err, &oe) {
		return err
	}
	i := slices.IndexFunc(rooms, func(r Room) bool { return r.ID == oe.RoomID })
	j := slices.IndexFunc(rooms, func(r Room) bool { return r.ID == oe.OtherID })
	if j > i && i >= 0 {
		err = &OverlapError{RoomID: rooms[j].ID, OtherID: rooms[i].ID, OtherNumber: rooms[i].Number, AreaM2: oe.AreaM2}
		i = j
	}
	if i < 0 {
		return err
	}
	return changeError(i, rooms[i], err)
}
