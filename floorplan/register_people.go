package floorplan

import (
	"context"

	"github.com/google/uuid"
)

// The Register's changes of agencies, people, assignments and standard rows.

// CreateAgency adds a using agency.
func (g *Register) CreateAgency(ctx context.Context, a *Agency) (Changes, error) {
	if err := CheckAgency(ctx, a); err != nil {
		return Changes{}, err
	}
	return g.commit(ctx, write{
		req:  Request{Op: OpCreate, Entity: EntityAgency, AgencyID: a.ParentID, JurisdictionID: a.JurisdictionID},
		save: func(tx Store) error { return tx.CreateAgency(withValidated(ctx), a) },
	})
}

// UpdateAgency replaces an agency's fields. Its level or scale can move the state of every room of its
// people: those are computed again, and are in the Changes.
func (g *Register) UpdateAgency(ctx context.Context, a *Agency) (Changes, error) {
	if err := CheckAgency(ctx, a); err != nil {
		return Changes{}, err
	}
	return g.commit(ctx, write{
		req: Request{Op: OpUpdate, Entity: EntityAgency, ID: a.ID, AgencyID: a.ID, JurisdictionID: a.JurisdictionID},
		// Moving an agency under another parent must be allowed under that parent too.
		moved: func() (Request, bool) {
			old, err := g.store.Agency(ctx, a.ID)
			return Request{Op: OpUpdate, Entity: EntityAgency, ID: a.ID, AgencyID: a.ParentID},
				err == nil && old.ParentID != a.ParentID && a.ParentID != uuid.Nil
		},
		save:   func(tx Store) error { return tx.UpdateAgency(withValidated(ctx), a) },
		layers: []Layer{LayerRooms},
		agency: &a.ID,
	})
}

// DeleteAgency deletes an agency nothing refers to any more.
func (g *Register) DeleteAgency(ctx context.Context, id uuid.UUID) (Changes, error) {
	return g.commit(ctx, write{
		req:  Request{Op: OpDelete, Entity: EntityAgency, ID: id, AgencyID: id},
		save: func(tx Store) error { return tx.DeleteAgency(ctx, id) },
	})
}

// CreatePerson adds a member of staff with their posts.
func (g *Register) CreatePerson(ctx context.Context, p *Person) (Changes, error) {
	if err := CheckPerson(ctx, p); err != nil {
		return Changes{}, err
	}
	return g.commit(ctx, write{
		req:  Request{Op: OpCreate, Entity: EntityPerson, AgencyID: p.AgencyID},
		save: func(tx Store) error { return tx.CreatePerson(withValidated(ctx), p) },
	})
}

// UpdatePerson replaces a person's fields and posts; the state of their rooms is in the Changes.
func (g *Register) UpdatePerson(ctx context.Context, p *Person) (Changes, error) {
	if err := CheckPerson(ctx, p); err != nil {
		return Changes{}, err
	}
	return g.commit(ctx, write{
		req: Request{Op: OpUpdate, Entity: EntityPerson, ID: p.ID, AgencyID: p.AgencyID},
		// A person moved from another agency must be allowed where they leave too.
		moved: func() (Request, bool) {
			old, err := g.store.Person(ctx, p.ID)
			return Request{Op: OpUpdate, Entity: EntityPerson, ID: p.ID, AgencyID: old.AgencyID},
				err == nil && old.AgencyID != p.AgencyID
		},
		save:   func(tx Store) error { return tx.UpdatePerson(withValidated(ctx), p) },
		layers: []Layer{LayerRooms},
		person: &p.ID,
	})
}

// DeletePerson deletes a person who holds no room any more.
func (g *Register) DeletePerson(ctx context.Context, id uuid.UUID) (Changes, error) {
	p, err := g.store.Person(ctx, id)
	if err != nil {
		return Changes{}, err
	}
	return g.commit(ctx, write{
		req:  Request{Op: OpDelete, Entity: EntityPerson, ID: id, AgencyID: p.AgencyID},
		save: func(tx Store) error { return tx.DeletePerson(ctx, id) },
	})
}

// CreateAssignment puts a person in a room; the room's state, and that of the person's other rooms, are
// in the Changes.
func (g *Register) CreateAssignment(ctx context.Context, a *Assignment) (Changes, error) {
	if err := CheckAssignment(ctx, a); err != nil {
		return Changes{}, err
	}
	return g.commitAssignment(ctx, OpCreate, a, func(tx Store) error { return tx.CreateAssignment(withValidated(ctx), a) })
}

// UpdateAssignment replaces an assignment's fields at a.Version (ending it: a.End).
func (g *Register) UpdateAssignment(ctx context.Context, a *Assignment) (Changes, error) {
	if err := CheckAssignment(ctx, a); err != nil {
		return Changes{}, err
	}
	return g.commitAssignment(ctx, OpUpdate, a, func(tx Store) error { return tx.UpdateAssignment(withValidated(ctx), a) })
}

// DeleteAssignment deletes an assignment at the given version.
func (g *Register) DeleteAssignment(ctx context.Context, id uuid.UUID, version int64) (Changes, error) {
	a, err := g.store.Assignment(ctx, id)
	if err != nil {
		return Changes{}, err
	}
	return g.commitAssignment(ctx, OpDelete, &a, func(tx Store) error { return tx.DeleteAssignment(ctx, id, version) })
}

// commitAssignment makes the change op of assignment a with save; the state of its room, and of its
// person's rooms, is in the Changes.
func (g *Register) commitAssignment(ctx context.Context, op Op, a *Assignment, save func(tx Store) error) (Changes, error) {
	return g.commit(ctx, write{
		req:    g.assignmentRequest(ctx, op, a),
		save:   save,
		layers: []Layer{LayerRooms},
		room:   &a.RoomID,
		person: &a.PersonID,
	})
}

// assignmentRequest describes an assignment change for the permission hook: the agency is the person's.
func (g *Register) assignmentRequest(ctx context.Context, op Op, a *Assignment) Request {
	req := Request{Op: op, Entity: EntityAssignment, ID: a.ID}
	if p, err := g.store.Person(ctx, a.PersonID); err == nil {
		req.AgencyID = p.AgencyID
	}
	return req
}

// PutStandardRow adds or replaces a local space-standard row; it can move every room's state, so all are
// computed again.
func (g *Register) PutStandardRow(ctx context.Context, r StandardRow) (Changes, error) {
	return g.commit(ctx, write{
		req:        Request{Op: OpUpdate, Entity: "standard_row"},
		save:       func(tx Store) error { return tx.PutStandardRow(ctx, r) },
		layers:     []Layer{LayerRooms},
		everything: true,
	})
}
