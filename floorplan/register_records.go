package floorplan

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"officemap/geo"
)

// The Register's changes of buildings, floors and rooms: the records with geometry, converted once from
// the client's frame (Shape) and validated once.

// CreateBuilding adds a building. The footprint comes as fp (in b.Georef's frame); a nil fp.Polygon keeps
// b.Footprint as it is (local metres).
func (g *Register) CreateBuilding(ctx context.Context, b *Building, fp Shape) (Changes, error) {
	if err := g.buildingIn(b, fp); err != nil {
		return Changes{}, err
	}
	return g.commit(ctx, write{
		req:    Request{Op: OpCreate, Entity: EntityBuilding, SiteID: b.SiteID},
		save:   func(tx Store) error { return tx.CreateBuilding(withValidated(ctx), b) },
		layers: []Layer{LayerBuildings},
	})
}

// UpdateBuilding replaces a building's fields (a nil fp.Polygon keeps b.Footprint). A new georeference
// moves every room of the building on the map.
func (g *Register) UpdateBuilding(ctx context.Context, b *Building, fp Shape) (Changes, error) {
	if err := g.buildingIn(b, fp); err != nil {
		return Changes{}, err
	}
	return g.commit(ctx, write{
		req:    Request{Op: OpUpdate, Entity: EntityBuilding, ID: b.ID, BuildingID: b.ID, SiteID: b.SiteID},
		save:   func(tx Store) error { return tx.UpdateBuilding(withValidated(ctx), b) },
		layers: []Layer{LayerBuildings, LayerRooms},
	})
}

// DeleteBuilding deletes a building without floors.
func (g *Register) DeleteBuilding(ctx context.Context, id uuid.UUID) (Changes, error) {
	return g.commit(ctx, write{
		req:    Request{Op: OpDelete, Entity: EntityBuilding, ID: id, BuildingID: id},
		save:   func(tx Store) error { return tx.DeleteBuilding(ctx, id) },
		layers: []Layer{LayerBuildings, LayerRooms},
	})
}

// buildingIn converts and validates a building before it is written.
func (g *Register) buildingIn(b *Building, fp Shape) error {
	if fp.Polygon != nil {
		if err := b.Georef.Validate(); err != nil { // the frame the footprint is converted with
			return err
		}
		var err error
		if b.Footprint, err = fp.local(b.Georef); err != nil {
			return err
		}
	}
	return b.Validate()
}

// CreateFloor adds a floor to its building; the outline comes as outline (nil Polygon: f.Outline as is).
func (g *Register) CreateFloor(ctx context.Context, f *Floor, outline Shape) (Changes, error) {
	if err := g.floorIn(ctx, f, outline); err != nil {
		return Changes{}, err
	}
	return g.commit(ctx, write{
		req:  Request{Op: OpCreate, Entity: EntityFloor, BuildingID: f.BuildingID},
		save: func(tx Store) error { return tx.CreateFloor(withValidated(ctx), f) },
	})
}

// UpdateFloor replaces a floor's fields; a new ordinal moves its rooms to another level of the map.
func (g *Register) UpdateFloor(ctx context.Context, f *Floor, outline Shape) (Changes, error) {
	if err := g.floorIn(ctx, f, outline); err != nil {
		return Changes{}, err
	}
	return g.commit(ctx, write{
		req:    Request{Op: OpUpdate, Entity: EntityFloor, ID: f.ID, BuildingID: f.BuildingID},
		save:   func(tx Store) error { return tx.UpdateFloor(withValidated(ctx), f) },
		layers: []Layer{LayerRooms},
	})
}

// DeleteFloor deletes a floor without rooms.
func (g *Register) DeleteFloor(ctx context.Context, id uuid.UUID) (Changes, error) {
	f, err := g.store.Floor(ctx, id)
	if err != nil {
		return Changes{}, err
	}
	return g.commit(ctx, write{
		req:    Request{Op: OpDelete, Entity: EntityFloor, ID: id, BuildingID: f.BuildingID},
		save:   func(tx Store) error { return tx.DeleteFloor(ctx, id) },
		layers: []Layer{LayerRooms},
	})
}

// floorIn converts and validates a floor before it is written: a changed floor's outline must still
// hold every room of the floor (RoomInOutline).
func (g *Register) floorIn(ctx context.Context, f *Floor, outline Shape) error {
	if outline.Polygon != nil {
		b, err := g.store.Building(ctx, f.BuildingID)
		if errors.Is(err, ErrNotFound) {
			return Invalidf("%s: unknown building %s", label("floor", f.Name), f.BuildingID)
		} else if err != nil {
			return err
		}
		if f.Outline, err = outline.local(b.Georef); err != nil {
			return err
		}
	}
	if err := CheckFloor(ctx, f); err != nil {
		return err
	}
	return roomsInOutline(ctx, g.store, *f)
}

// CreateRoom adds a room to its floor. Its geometry comes as shape (nil Polygon: r.Geometry, local
// metres). The room's state today, and that of the rooms of the people in it, are in the Changes.
func (g *Register) CreateRoom(ctx context.Context, r *Room, shape Shape) (Changes, error) {
	b, err := g.roomIn(ctx, r, shape)
	if err != nil {
		return Changes{}, err
	}
	return g.commit(ctx, write{
		req:    Request{Op: OpCreate, Entity: EntityRoom, AgencyID: r.AgencyID, BuildingID: b},
		save:   func(tx Store) error { return tx.CreateRoom(withValidated(ctx), r) },
		layers: []Layer{LayerRooms},
		room:   &r.ID, // the id the store gave it
	})
}

// UpdateRoom replaces a room's fields at r.Version (a nil shape.Polygon keeps r.Geometry).
func (g *Register) UpdateRoom(ctx context.Context, r *Room, shape Shape) (Changes, error) {
	b, err := g.roomIn(ctx, r, shape)
	if err != nil {
		return Changes{}, err
	}
	return g.commit(ctx, write{
		req: Request{Op: OpUpdate, Entity: EntityRoom, ID: r.ID, AgencyID: r.AgencyID, BuildingID: b},
		// A room moved from another agency must be allowed where it leaves too.
		moved: func() (Request, bool) {
			old, err := g.roomBefore(ctx, r.ID)
			return Request{Op: OpUpdate, Entity: EntityRoom, ID: r.ID, AgencyID: old.AgencyID, BuildingID: b},
				err == nil && old.AgencyID != r.AgencyID
		},
		save:   func(tx Store) error { return tx.UpdateRoom(withValidated(ctx), r) },
		layers: []Layer{LayerRooms},
		room:   &r.ID,
	})
}

// DeleteRoom deletes a room nobody is assigned to, at the given version.
func (g *Register) DeleteRoom(ctx context.Context, id uuid.UUID, version int64) (Changes, error) {
	r, err := g.store.Room(ctx, id)
	if err != nil {
		return Changes{}, err
	}
	_, b, err := g.placeOf(ctx, r.FloorID)
	if err != nil {
		return Changes{}, err
	}
	return g.commit(ctx, write{
		req:    Request{Op: OpDelete, Entity: EntityRoom, ID: id, AgencyID: r.AgencyID, BuildingID: b.ID},
		save:   func(tx Store) error { return tx.DeleteRoom(ctx, id, version) },
		layers: []Layer{LayerRooms},
		room:   &id, // its state goes with it
	})
}

// SplitRoom cuts the room id (at version) along cut and replaces it, in one transaction, by the pieces:
// numbered "<number>-1", "<number>-2"… largest first, with the room's name, usage, agency and state. The
// old room is deleted (softly: it stays in the history). An occupied room cannot be split.
func (g *Register) SplitRoom(ctx context.Context, id uuid.UUID, version int64, cut Line) ([]Room, Changes, error) {
	room, err := g.roomBefore(ctx, id)
	if err != nil {
		return nil, Changes{}, err
	}
	_, b, err := g.placeOf(ctx, room.FloorID)
	if err != nil {
		return nil, Changes{}, err
	}
	line, err := cut.local(b.Georef)
	if err != nil {
		return nil, Changes{}, err
	}
	pieces, err := geo.Split(room.Geometry, line)
	if err != nil {
		return nil, Changes{}, err
	}
	if err := g.allow(ctx, Request{Op: OpSplit, Entity: EntityRoom, ID: id, AgencyID: room.AgencyID, BuildingID: b.ID}); err != nil {
		return nil, Changes{}, err
	}
	created := make([]Room, len(pieces))
	vctx := withValidated(ctx)
	var states []RoomResult
	err = g.store.InTx(ctx, func(tx Store) error {
		if err := tx.DeleteRoom(ctx, room.ID, version); err != nil {
			return err
		}
		for i, piece := range pieces {
			nr := Room{FloorID: room.FloorID, Number: fmt.Sprintf("%s-%d", room.Number, i+1), Name: room.Name,
				Usage: room.Usage, AgencyID: room.AgencyID, State: room.State, IdleSince: room.IdleSince, Geometry: piece}
			if err := nr.Validate(); err != nil {
				return err
			}
			if err := tx.CreateRoom(vctx, &nr); err != nil {
				return err
			}
			created[i] = nr
		}
		// The pieces' states, and the old room's going with it.
		ids := []uuid.UUID{room.ID}
		for _, r := range created {
			ids = append(ids, r.ID)
		}
		var err error
		states, err = g.writeStates(ctx, tx, ids, nil)
		return err
	})
	if err != nil {
		return nil, Changes{}, err
	}
	c, err := g.done(ctx, Changes{Layers: []Layer{LayerRooms}, Rooms: states})
	return created, c, err
}

// roomIn converts and validates a room before it is written — inside its floor's outline
// (RoomInOutline) — and returns its building's id.
func (g *Register) roomIn(ctx context.Context, r *Room, shape Shape) (uuid.UUID, error) {
	if r.FloorID == uuid.Nil {
		return uuid.Nil, CheckRoom(ctx, r)
	}
	f, b, err := g.placeOf(ctx, r.FloorID)
	if errors.Is(err, ErrNotFound) {
		return uuid.Nil, Invalidf("%s: unknown floor %s", label("room", roomName(*r)), r.FloorID)
	} else if err != nil {
		return uuid.Nil, err
	}
	if shape.Polygon != nil {
		if r.Geometry, err = shape.local(b.Georef); err != nil {
			return uuid.Nil, err
		}
	}
	if err := CheckRoom(ctx, r); err != nil {
		return uuid.Nil, err
	}
	return b.ID, RoomInOutline(f, *r)
}

// placeOf returns a floor and its building: as the context carries them (WithKnown), else from the store.
func (g *Register) placeOf(ctx context.Context, floorID uuid.UUID) (Floor, Building, error) {
	if f, b, ok := knownPlace(ctx, floorID); ok {
		return f, b, nil
	}
	f, err := g.store.Floor(ctx, floorID)
	if err != nil {
		return Floor{}, Building{}, err
	}
	b, err := g.store.Building(ctx, f.BuildingID)
	return f, b, err
}
