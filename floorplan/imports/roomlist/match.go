package roomlist

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// plan is the join of a list with the register: for each row, the drawn room it names and what the
// row changes in it.
type plan struct {
	l   *List
	opt Options
	s   floorplan.Reader

	all       []floorplan.Building // every building, loaded on first use
	allLoaded bool
	byCell    map[string]*building // the building of each building cell, by key
	listed    []*building          // in the order first named
	agencies  []floorplan.Agency   // loaded on first use
	agLoaded  bool

	rows     []*rowPlan // the rows joined to a room (problem rows left out)
	problems []imports.Problem
	bad      map[int]bool // lines of rows with a problem
	noRoom   []RowRef
	notes    []imports.Note
}

// building is a listed building with its floors and rooms.
type building struct {
	b       floorplan.Building
	floors  []floorplan.Floor
	rooms   []floorplan.Room               // live rooms in the read scope
	byFloor map[uuid.UUID]map[string][]int // floor → number key → indexes in rooms
	claimed map[uuid.UUID]int              // room → the row that names it
}

// rowPlan is a row joined to a drawn room.
type rowPlan struct {
	row      *Row
	b        *building
	floor    floorplan.Floor
	old, new floorplan.Room
}

// changed reports whether the row changes its room.
func (rp *rowPlan) changed() bool {
	return rp.old.Usage != rp.new.Usage || rp.old.AgencyID != rp.new.AgencyID ||
		floorplan.RoundM2(rp.old.RecordedAreaM2) != floorplan.RoundM2(rp.new.RecordedAreaM2)
}

// newPlan joins every row of l to the register as s has it. Rows that cannot be taken are problems
// (an *imports.Error, unless SkipInvalid); reading the register may fail too.
func newPlan(ctx context.Context, s floorplan.Reader, l *List, opt Options) (*plan, error) {
	p := &plan{l: l, opt: opt, s: s, byCell: map[string]*building{}, bad: map[int]bool{}}
	if _, ok := l.Columns[FieldBuilding]; !ok && strings.TrimSpace(opt.Building) == "" {
		return nil, sheet.Rejected(l.File, sheet.Fail("no building column (楼栋, 建筑, building): give the building of the list"), opt.Lang)
	}
	for i := range l.Rows {
		if err := p.join(ctx, &l.Rows[i]); err != nil {
			return nil, err
		}
	}
	if len(p.problems) > 0 && !opt.SkipInvalid {
		return nil, &imports.Error{File: l.File, Problems: p.problems}
	}
	return p, nil
}

// problem records what is wrong with a cell of a row.
func (p *plan) problem(r *Row, f Field, why imports.Note) {
	column := p.l.Columns[f]
	if column == "" {
		column = string(f)
	}
	p.bad[r.Line] = true
	err := imports.Reasonf("column %s: %s", column, &imports.NoteError{Note: why})
	p.problems = append(p.problems, imports.Problem{Feature: sheet.RowName(r.Line, p.opt.Lang), Number: r.Number,
		Reason: err.Error(), Err: err})
}

// join finds the room a row names and plans what the row changes in it. Every problem of the row is
// recorded, not only the first: a cell that cannot be read, a building, floor or room that cannot be
// told, a usage or an agency that is not known.
func (p *plan) join(ctx context.Context, r *Row) error {
	blocked := false
	for _, cp := range r.Problems {
		p.problem(r, cp.Field, cp.Why)
		blocked = blocked || cp.Field != FieldUsage && cp.Field != FieldAgency && cp.Field != FieldArea
	}
	if blocked {
		return nil
	}
	b, err := p.building(ctx, r)
	if b == nil || err != nil {
		return err
	}
	rp := p.room(b, r)
	if rp == nil {
		return nil
	}
	if r.Usage != "" {
		if u, why := parseUsage(r.Usage, p.opt.Usages); why != nil {
			p.problem(r, FieldUsage, *why)
		} else {
			rp.new.Usage = u
		}
	}
	if r.Agency != "" {
		id, err := p.agency(ctx, r)
		if err != nil {
			return err
		}
		if id != uuid.Nil {
			rp.new.AgencyID = id
		}
	}
	if r.AreaM2 > 0 {
		rp.new.RecordedAreaM2 = floorplan.RoundM2(r.AreaM2)
	}
	if !p.bad[r.Line] {
		p.rows = append(p.rows, rp)
	}
	return nil
}

// room finds the drawn room a row names on its floor of b; nil when the row has a problem or names no
// drawn room.
func (p *plan) room(b *building, r *Row) *rowPlan {
	fl, ok := p.floor(b, r)
	if !ok {
		return nil
	}
	idx := b.byFloor[fl.ID][key(r.Number)]
	switch {
	case len(idx) == 0:
		p.noRoomAt(r, b, imports.Notef("no room %s is drawn on floor %s of %s", r.Number, fl.Name, b.b.Name))
		return nil
	case len(idx) > 1:
		p.problem(r, FieldNumber, imports.Notef("%d rooms drawn on floor %s are numbered %s: number them apart first",
			len(idx), fl.Name, r.Number))
		return nil
	}
	old := b.rooms[idx[0]]
	if line, taken := b.claimed[old.ID]; taken {
		p.problem(r, FieldNumber, imports.Notef("row %d names the same room", line))
		return nil
	}
	b.claimed[old.ID] = r.Line
	return &rowPlan{row: r, b: b, floor: fl, old: old, new: old}
}

// noRoomAt records a row that names no drawn room.
func (p *plan) noRoomAt(r *Row, b *building, why imports.Note) {
	name := r.Building
	if b != nil {
		name = b.b.Name
	}
	p.noRoom = append(p.noRoom, RowRef{Row: r.Line, Building: name, Floor: r.Floor, Number: r.Number,
		Reason: why.In(p.opt.Lang)})
}

// building resolves a row's building (its cell, or Options.Building), by id or by name; nil when the
// row has a problem.
func (p *plan) building(ctx context.Context, r *Row) (*building, error) {
	cell := cmp.Or(r.Building, strings.TrimSpace(p.opt.Building))
	if cell == "" {
		p.problem(r, FieldBuilding, imports.Notef("no building"))
		return nil, nil
	}
	k := key(cell)
	if b, ok := p.byCell[k]; ok {
		if b == nil {
			p.problem(r, FieldBuilding, imports.Notef("no building has the id or name %q", cell))
		}
		return b, nil
	}
	found, err := p.findBuilding(ctx, cell)
	if err != nil {
		return nil, err
	}
	if len(found) > 1 {
		p.problem(r, FieldBuilding, imports.Notef("%d buildings are named %q: give the id of one (%s)", len(found), cell, found[0].ID))
		return nil, nil
	}
	if len(found) == 0 {
		p.byCell[k] = nil
		p.problem(r, FieldBuilding, imports.Notef("no building has the id or name %q", cell))
		return nil, nil
	}
	for _, b := range p.listed {
		if b.b.ID == found[0].ID {
			p.byCell[k] = b
			return b, nil
		}
	}
	b, err := p.load(ctx, found[0])
	if err != nil {
		return nil, err
	}
	p.byCell[k] = b
	p.listed = append(p.listed, b)
	return b, nil
}

// findBuilding returns the buildings in the read scope whose id or name is cell.
func (p *plan) findBuilding(ctx context.Context, cell string) ([]floorplan.Building, error) {
	visible := func(id uuid.UUID) bool { return !p.opt.Scope.Places || slices.Contains(p.opt.Scope.Buildings, id) }
	if id, err := uuid.Parse(cell); err == nil {
		b, err := p.s.Building(ctx, id)
		if errors.Is(err, floorplan.ErrNotFound) || err == nil && !visible(id) {
			return nil, nil
		}
		return []floorplan.Building{b}, err
	}
	if !p.allLoaded {
		all, err := p.s.Buildings(ctx, uuid.Nil)
		if err != nil {
			return nil, err
		}
		p.all, p.allLoaded = all, true
	}
	var out []floorplan.Building
	for _, b := range p.all {
		if key(b.Name) == key(cell) && visible(b.ID) {
			out = append(out, b)
		}
	}
	return out, nil
}

// load reads a listed building's floors and its rooms in the read scope.
func (p *plan) load(ctx context.Context, b floorplan.Building) (*building, error) {
	floors, err := p.s.Floors(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	rooms, err := p.s.Rooms(ctx, floorplan.RoomFilter{BuildingID: b.ID, In: p.opt.Scope})
	if err != nil {
		return nil, err
	}
	out := &building{b: b, floors: floors, rooms: rooms, byFloor: map[uuid.UUID]map[string][]int{},
		claimed: map[uuid.UUID]int{}}
	for i, r := range rooms {
		m := out.byFloor[r.FloorID]
		if m == nil {
			m = map[string][]int{}
			out.byFloor[r.FloorID] = m
		}
		m[key(r.Number)] = append(m[key(r.Number)], i)
	}
	return out, nil
}

// floor resolves a row's floor in its building: by the ordinal column, else by the floor's name, else
// by the floor as a bureau writes it (3F, 三层, B1). ok is false when the row has a problem or names no
// drawn floor (then it is a row without a drawn room).
func (p *plan) floor(b *building, r *Row) (floorplan.Floor, bool) {
	field, ordinal := FieldOrdinal, 0
	if r.Ordinal != nil {
		ordinal = *r.Ordinal
	} else {
		field = FieldFloor
		if r.Floor == "" {
			p.problem(r, FieldFloor, imports.Notef("no floor"))
			return floorplan.Floor{}, false
		}
		for _, f := range b.floors {
			if key(f.Name) == key(r.Floor) {
				return f, true
			}
		}
		o, ok := floorOrdinal(r.Floor)
		if !ok {
			p.problem(r, FieldFloor, imports.Notef("cannot tell the floor from %q (write it as 3F, 3层, 三层, B1 or a floor's name)", r.Floor))
			return floorplan.Floor{}, false
		}
		ordinal = o
	}
	var same []floorplan.Floor
	for _, f := range b.floors {
		if f.Ordinal == ordinal {
			same = append(same, f)
		}
	}
	switch len(same) {
	case 0:
		p.noRoomAt(r, b, imports.Notef("%s has no floor %s (ordinal %d) drawn", b.b.Name, cmp.Or(r.Floor, "?"), ordinal))
		return floorplan.Floor{}, false
	case 1:
		return same[0], true
	}
	p.problem(r, field, imports.Notef("%s has %d floors with ordinal %d (%s, %s…): give the floor's name", b.b.Name,
		len(same), ordinal, same[0].Name, same[1].Name))
	return floorplan.Floor{}, false
}

// agency resolves a row's agency by id, name or short name; uuid.Nil when the row has a problem.
func (p *plan) agency(ctx context.Context, r *Row) (uuid.UUID, error) {
	if !p.agLoaded {
		ag, err := p.s.Agencies(ctx)
		if err != nil {
			return uuid.Nil, err
		}
		p.agencies, p.agLoaded = ag, true
	}
	id, isID := uuid.Parse(r.Agency)
	var found []floorplan.Agency
	for _, a := range p.agencies {
		if isID == nil && a.ID == id || isID != nil && (key(a.Name) == key(r.Agency) || a.ShortName != "" && key(a.ShortName) == key(r.Agency)) {
			found = append(found, a)
		}
	}
	switch len(found) {
	case 0:
		p.problem(r, FieldAgency, imports.Notef("agency %q is not in the register", r.Agency))
		return uuid.Nil, nil
	case 1:
		if a := found[0]; a.Status != floorplan.AgencyActive {
			p.notes = append(p.notes, imports.Notef("row %d: agency %s is no longer active (%s), yet the list gives it room %s", r.Line, a.Name, a.Status, r.Number))
		}
		return found[0].ID, nil
	}
	p.problem(r, FieldAgency, imports.Notef("%d agencies are named %q: give the id of one (%s)", len(found), r.Agency, found[0].ID))
	return uuid.Nil, nil
}
