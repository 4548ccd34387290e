package staff

import (
	"context"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// places finds rooms by building name, floor name and number, reading each floor's rooms once.
type places struct {
	r         floorplan.Reader
	buildings map[string][]floorplan.Building // by name
	floors    map[uuid.UUID][]floorplan.Floor // by building
	rooms     map[uuid.UUID]map[string][]floorplan.Room
}

func newPlaces(ctx context.Context, r floorplan.Reader) (*places, error) {
	bs, err := r.Buildings(ctx, uuid.Nil)
	if err != nil {
		return nil, err
	}
	x := &places{r: r, buildings: map[string][]floorplan.Building{}, floors: map[uuid.UUID][]floorplan.Floor{},
		rooms: map[uuid.UUID]map[string][]floorplan.Room{}}
	for _, b := range bs {
		x.buildings[b.Name] = append(x.buildings[b.Name], b)
	}
	return x, nil
}

// room returns the one room a row names; the note says why there is none, with the field it is about.
func (x *places) room(ctx context.Context, building, floor, number string) (floorplan.Room, string, *imports.Note, error) {
	bs := x.buildings[building]
	switch {
	case len(bs) == 0:
		return floorplan.Room{}, FieldBuilding, ptr(imports.Notef("no building is named %q", building)), nil
	case len(bs) > 1:
		return floorplan.Room{}, FieldBuilding, ptr(imports.Notef("%d buildings are named %q", len(bs), building)), nil
	}
	b := bs[0]
	fs, ok := x.floors[b.ID]
	if !ok {
		var err error
		if fs, err = x.r.Floors(ctx, b.ID); err != nil {
			return floorplan.Room{}, "", nil, err
		}
		x.floors[b.ID] = fs
	}
	var f *floorplan.Floor
	for i := range fs {
		if fs[i].Name == floor {
			f = &fs[i]
			break
		}
	}
	if f == nil {
		return floorplan.Room{}, FieldFloor, ptr(imports.Notef("building %s has no floor %q", building, floor)), nil
	}
	byNumber, ok := x.rooms[f.ID]
	if !ok {
		rooms, err := x.r.Rooms(ctx, floorplan.RoomFilter{FloorID: f.ID})
		if err != nil {
			return floorplan.Room{}, "", nil, err
		}
		byNumber = map[string][]floorplan.Room{}
		for _, rm := range rooms {
			byNumber[rm.Number] = append(byNumber[rm.Number], rm)
		}
		x.rooms[f.ID] = byNumber
	}
	switch rs := byNumber[number]; len(rs) {
	case 0:
		return floorplan.Room{}, FieldRoom, ptr(imports.Notef("no room %s on floor %s of %s", number, floor, building)), nil
	case 1:
		return rs[0], "", nil, nil
	default:
		return floorplan.Room{}, FieldRoom, ptr(imports.Notef("%d rooms on floor %s of %s are numbered %s", len(rs), floor, building, number)), nil
	}
}

// assignmentRow is a row of an assignments sheet, its cells read.
type assignmentRow struct {
	line       int
	room       floorplan.Room
	person     floorplan.Person
	kind       floorplan.AssignmentKind
	start, end time.Time
	ref        string
}

// planAssignments plans an assignments sheet: each row's room and person found, matched to an assignment
// by room, person, kind and start; new ones created, changed ones (end, approval) updated.
func planAssignments(ctx context.Context, r floorplan.Reader, p *plan, t *sheet.Table) error {
	x, err := newPlaces(ctx, r)
	if err != nil {
		return err
	}
	_, byNo, err := peopleByStaffNo(ctx, r)
	if err != nil {
		return err
	}
	existing, err := r.Assignments(ctx, floorplan.AssignmentFilter{})
	if err != nil {
		return err
	}
	byKey := make(map[string]floorplan.Assignment, len(existing))
	for _, a := range existing {
		byKey[assignmentKey(a.RoomID, a.PersonID, a.Kind, a.Start)] = a
	}
	seen := map[string]int{}
	for i := range t.Rows {
		row, err := readAssignment(ctx, p, t, i, x, byNo)
		if err != nil {
			return err
		}
		p.progress(i)
		if row == nil {
			continue
		}
		key := assignmentKey(row.room.ID, row.person.ID, row.kind, row.start)
		if first, dup := seen[key]; dup {
			p.probs.Row(row.line, imports.Notef("the same assignment as row %d", first))
			continue
		}
		seen[key] = row.line
		old, found := byKey[key]
		p.assignmentWrite(t, *row, old, found)
	}
	return nil
}

func assignmentKey(room, person uuid.UUID, k floorplan.AssignmentKind, start time.Time) string {
	return keyOf(room.String(), person.String(), string(k), floorplan.DayOf(start).Format(floorplan.DateLayout))
}

// readAssignment reads data row i; nil when it has a problem (recorded).
func readAssignment(ctx context.Context, p *plan, t *sheet.Table, i int, x *places, byNo map[string]floorplan.Person) (*assignmentRow, error) {
	line := t.Lines[i]
	get := func(f string) string { return t.Cell(i, f) }
	bad := func(f string, n *imports.Note) bool { return p.probs.Note(line, t.HeaderOf(f), n) }
	row := &assignmentRow{line: line, kind: floorplan.AssignMain, ref: get(FieldApprovalRef)}
	for _, f := range []string{FieldBuilding, FieldFloor, FieldRoom, FieldStaffNo, FieldStart} {
		if get(f) == "" {
			bad(f, ptr(imports.Notef("empty: the column is required")))
		}
	}
	if p.probs.Bad(line) {
		return nil, nil
	}
	var n *imports.Note
	if s := get(FieldKind); s != "" {
		row.kind, n = parseChoice(kindLabels, s, "%q is not a kind of office (use one of %s)")
		bad(FieldKind, n)
	}
	if row.start, n = sheet.ParseDate(get(FieldStart)); !bad(FieldStart, n) {
		p.notFuture(line, t.HeaderOf(FieldStart), row.start)
	}
	if s := get(FieldEnd); s != "" {
		if row.end, n = sheet.ParseDate(s); !bad(FieldEnd, n) && !row.end.After(row.start) {
			bad(FieldEnd, ptr(imports.Notef("the end %s is not after the start", s)))
		}
	}
	room, field, n, err := x.room(ctx, get(FieldBuilding), get(FieldFloor), get(FieldRoom))
	if err != nil {
		return nil, err
	}
	bad(field, n)
	row.room = room
	person, ok := byNo[get(FieldStaffNo)]
	if ok && !p.visible(person.AgencyID) {
		ok = false // told as unknown: the caller may not read that agency's people
	}
	if !ok {
		bad(FieldStaffNo, ptr(imports.Notef("no person has staff no. %s (import the people first)", get(FieldStaffNo))))
	} else if name := get(FieldPerson); name != "" && name != person.Name {
		// The register's name is not told: the person may be outside the caller's scope.
		bad(FieldPerson, ptr(imports.Notef("staff no. %s is not %s's", person.StaffNo, name)))
	}
	row.person = person
	if p.probs.Bad(line) {
		return nil, nil
	}
	return row, nil
}

// assignmentWrite plans the creation or update of an assignment.
func (p *plan) assignmentWrite(t *sheet.Table, row assignmentRow, old floorplan.Assignment, found bool) {
	a := old
	if !found {
		a = floorplan.Assignment{PersonID: row.person.ID, RoomID: row.room.ID, Kind: row.kind, Start: row.start,
			PostID: postFor(row)}
	}
	if t.Has(FieldEnd) {
		a.End = row.end
	}
	if t.Has(FieldApprovalRef) {
		a.ApprovalRef = row.ref
	}
	if a.Kind == floorplan.AssignSecond && a.PostID == uuid.Nil {
		a.PostID = postFor(row)
	}
	if a.Kind == floorplan.AssignSecond && a.ApprovalRef != "" && a.PostID == uuid.Nil {
		p.probs.Cell(row.line, t.HeaderOf(FieldApprovalRef), imports.Notef(
			"an approved second office needs the concurrent post it serves: list the post among the person's concurrent posts"))
		return
	}
	switch {
	case !found:
		p.counts.Created++
		p.ask(floorplan.OpCreate, floorplan.EntityAssignment, row.person.AgencyID)
		p.newAssignments = append(p.newAssignments, a)
	case a.End.Equal(old.End) && a.ApprovalRef == old.ApprovalRef && a.PostID == old.PostID:
		p.counts.Unchanged++
	default:
		p.counts.Updated++
		p.ask(floorplan.OpUpdate, floorplan.EntityAssignment, row.person.AgencyID)
		p.writes = append(p.writes, write{line: row.line, do: func(ctx context.Context, tx floorplan.Writer) error {
			return tx.UpdateAssignment(ctx, &a)
		}})
	}
}

// postFor is the concurrent post a second office serves: the person's post held on its start in the
// room's agency, else their only post held then; uuid.Nil for a main office or when it cannot be told.
func postFor(row assignmentRow) uuid.UUID {
	if row.kind != floorplan.AssignSecond {
		return uuid.Nil
	}
	var held []floorplan.Post
	for _, po := range row.person.Posts {
		if po.Held(row.start) || po.End.IsZero() {
			held = append(held, po)
		}
	}
	for _, po := range held {
		if po.AgencyID == row.room.AgencyID {
			return po.ID
		}
	}
	if len(held) == 1 {
		return held[0].ID
	}
	return uuid.Nil
}
