package roomlist

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/imports"
)

// Import joins a room list to the register and writes what its rows change — usages, agencies and
// recorded areas of the rooms they name — in one transaction through the register (Register.Batch),
// or nothing: a row that cannot be taken rejects the list (an *imports.Error listing every such row by
// its number and column) unless SkipInvalid is set. Before anything is written, the permission hook is
// asked about each building and agency the list touches (the room's agency and the one it gets). With
// DryRun, or when no row changes anything, nothing is written and the summary says what the list holds.
// Should the rooms change between the check and the transaction so that the list touches an agency or a
// building the hook was not asked about, nothing is written and the error wraps floorplan.ErrConflict.
func Import(ctx context.Context, reg *floorplan.Register, l *List, opt Options) (*Summary, error) {
	p, err := newPlan(ctx, reg.Reader(), l, opt)
	if err != nil {
		return nil, err
	}
	reqs := p.requests()
	changes := slices.ContainsFunc(p.rows, (*rowPlan).changed)
	if opt.DryRun || !changes {
		for _, req := range reqs {
			if err := reg.Check(ctx, req); err != nil {
				return nil, err
			}
		}
		return p.summary(), nil
	}
	for _, req := range reqs[1:] {
		if err := reg.Check(ctx, req); err != nil {
			return nil, err
		}
	}
	var done *plan
	_, err = reg.Batch(ctx, reqs[0], func(tx floorplan.Store) error {
		q, err := newPlan(ctx, tx, l, opt) // the register as the transaction sees it
		if err != nil {
			return err
		}
		for _, req := range q.requests() {
			if !slices.Contains(reqs, req) { // not asked about: the register changed meanwhile
				return fmt.Errorf("%s: %w: the rooms changed while the list was checked; import it again", l.File, floorplan.ErrConflict)
			}
		}
		for _, rp := range q.rows {
			if !rp.changed() {
				continue
			}
			if err := tx.UpdateRoom(ctx, &rp.new); err != nil {
				return fmt.Errorf("%s: row %d (room %s): %w", l.File, rp.row.Line, rp.old.Number, err)
			}
		}
		done = q
		return nil
	})
	if err != nil {
		return nil, err
	}
	return done.summary(), nil
}

// requests are the permission requests of the plan: one for each building and agency whose rooms the
// list names (the agency a room has, and the one the list gives it), in the order of the rows.
func (p *plan) requests() []floorplan.Request {
	var out []floorplan.Request
	add := func(b, agency uuid.UUID) {
		req := floorplan.Request{Op: floorplan.OpBatch, Entity: floorplan.EntityRoom, BuildingID: b, AgencyID: agency,
			What: "import rooms " + p.l.File}
		if !slices.Contains(out, req) {
			out = append(out, req)
		}
	}
	for _, rp := range p.rows {
		add(rp.b.b.ID, rp.old.AgencyID)
		add(rp.b.b.ID, rp.new.AgencyID)
	}
	return out
}

// summary tells what the plan holds (or, once written, what it wrote).
func (p *plan) summary() *Summary {
	l := p.l
	s := &Summary{File: l.File, Format: l.Format, Encoding: l.Encoding, Sheet: l.Sheet, HeaderRow: l.HeaderRow,
		Columns: map[string]string{}, DryRun: p.opt.DryRun, NoRoom: p.noRoom, NotListed: []RoomRef{},
		AreaDifferences: []AreaDifference{}, Skipped: make([]imports.Problem, len(p.problems)), Notes: []string{}}
	for i, pr := range p.problems {
		s.Skipped[i] = pr.In(p.opt.Lang)
	}
	for f, h := range l.Columns {
		s.Columns[string(f)] = h
	}
	if s.NoRoom == nil {
		s.NoRoom = []RowRef{}
	}
	s.Rows = Counts{Read: len(l.Rows), Matched: len(p.rows), NoRoom: len(p.noRoom), Skipped: len(p.bad)}
	for _, rp := range p.rows {
		if rp.changed() {
			s.Rows.Updated++
		} else {
			s.Rows.Unchanged++
		}
		p.compare(s, rp)
	}
	slices.SortStableFunc(s.AreaDifferences, func(a, b AreaDifference) int {
		return cmp.Or(cmp.Compare(math.Abs(b.DifferenceM2), math.Abs(a.DifferenceM2)), cmp.Compare(a.Row, b.Row))
	})
	s.RecordedM2, s.MeasuredM2 = floorplan.RoundM2(s.RecordedM2), floorplan.RoundM2(s.MeasuredM2)
	for _, b := range p.listed {
		s.NotListed = append(s.NotListed, b.notListed()...)
	}
	notes := append(slices.Clip(l.Notes), p.notes...)
	notes = append(notes, p.closingNotes(s)...)
	for _, n := range notes {
		s.Notes = append(s.Notes, n.In(p.opt.Lang))
	}
	return s
}

// compare adds a joined room's recorded and measured areas to the summary: to the totals, and to the
// differences when they differ by more than 0.01 m².
func (p *plan) compare(s *Summary, rp *rowPlan) {
	recorded := floorplan.RoundM2(rp.new.RecordedAreaM2)
	if recorded <= 0 {
		return
	}
	measured := floorplan.RoundM2(rp.new.Area())
	s.RecordedM2 += recorded
	s.MeasuredM2 += measured
	diff := math.Round(recorded*100) - math.Round(measured*100) // in hundredths of m², exact
	if math.Abs(diff) <= 1 {
		return
	}
	d := AreaDifference{Row: rp.row.Line, RoomID: rp.old.ID, Building: rp.b.b.Name, Floor: rp.floor.Name,
		Number: rp.old.Number, RecordedM2: recorded, MeasuredM2: measured, DifferenceM2: diff / 100}
	if measured > 0 {
		d.Percent = math.Round(diff/measured*100) / 100
	}
	s.AreaDifferences = append(s.AreaDifferences, d)
}

// notListed lists the building's drawn rooms that no row names, by floor and number.
func (b *building) notListed() []RoomRef {
	floors := map[uuid.UUID]floorplan.Floor{}
	for _, f := range b.floors {
		floors[f.ID] = f
	}
	var left []floorplan.Room
	for _, r := range b.rooms {
		if _, ok := b.claimed[r.ID]; !ok {
			left = append(left, r)
		}
	}
	slices.SortFunc(left, func(x, y floorplan.Room) int {
		fx, fy := floors[x.FloorID], floors[y.FloorID]
		return cmp.Or(cmp.Compare(fx.Ordinal, fy.Ordinal), cmp.Compare(fx.Name, fy.Name), cmp.Compare(x.Number, y.Number))
	})
	out := make([]RoomRef, len(left))
	for i, r := range left {
		out[i] = RoomRef{ID: r.ID, Building: b.b.Name, Floor: floors[r.FloorID].Name, Number: r.Number, Usage: r.Usage,
			AreaM2: floorplan.RoundM2(r.Area())}
	}
	return out
}

// closingNotes sum the summary up in a few sentences.
func (p *plan) closingNotes(s *Summary) []imports.Note {
	var out []imports.Note
	if n := len(s.NoRoom); n > 0 {
		out = append(out, imports.Notef("%d rows name no drawn room", n))
	}
	if n := len(s.NotListed); n > 0 {
		out = append(out, imports.Notef("%d drawn rooms of the listed buildings are not in the list", n))
	}
	if n := len(s.AreaDifferences); n > 0 {
		d := s.AreaDifferences[0]
		out = append(out, imports.Notef("recorded area differs from the measured one by more than 0.01 m² in %d rooms; the most: room %s (%s %s), recorded %.2f m², measured %.2f m²",
			n, d.Number, d.Building, d.Floor, d.RecordedM2, d.MeasuredM2))
	}
	if s.RecordedM2 > 0 {
		out = append(out, imports.Notef("rooms with a recorded area: %.2f m² recorded, %.2f m² measured", s.RecordedM2, s.MeasuredM2))
	}
	if p.opt.DryRun {
		out = append(out, imports.Notef("dry run: nothing was written"))
	}
	return out
}
