package staff

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// personRow is a row of a people sheet (or of a staff list given to Sync), its cells read.
type personRow struct {
	line                  int
	staffNo, name, agency string
	agencyID              uuid.UUID // Sync: the agency of every row
	rank                  floorplan.Rank
	title                 string
	status                floorplan.PersonStatus
	statusDate, effective time.Time
	posts                 []postIn
	has                   func(field string) bool
	col                   func(field string) string
}

// personRows reads the rows of a people sheet; cells that cannot be read are problems of the plan.
func personRows(t *sheet.Table, p *plan) []personRow {
	out := make([]personRow, 0, len(t.Rows))
	for i := range t.Rows {
		get := func(f string) string { return t.Cell(i, f) }
		r := personRow{line: t.Lines[i], staffNo: get(FieldStaffNo), name: get(FieldName), agency: get(FieldAgency),
			title: get(FieldTitle), has: t.Has, col: t.HeaderOf}
		readPerson(p, &r, get(FieldRank), get(FieldStatus), get(FieldStatusDate), get(FieldEffective), get(FieldPosts))
		p.progress(i)
		out = append(out, r)
	}
	return out
}

// readPerson reads the cells of a person's row that need it, recording the problems.
func readPerson(p *plan, r *personRow, rank, status, statusDate, effective, posts string) {
	bad := func(f string, n *imports.Note) bool { return p.probs.Note(r.line, r.col(f), n) }
	for _, f := range []struct{ field, v string }{{FieldStaffNo, r.staffNo}, {FieldName, r.name}} {
		if f.v == "" {
			bad(f.field, ptr(imports.Notef("empty: the column is required")))
		}
	}
	if r.agency == "" && r.agencyID == uuid.Nil {
		bad(FieldAgency, ptr(imports.Notef("empty: the column is required")))
	}
	var n *imports.Note
	r.rank, n = parseRank(rank)
	bad(FieldRank, n)
	r.status = floorplan.PersonActive
	if status != "" {
		r.status, n = parseChoice(personStatusLabels, status, "%q is not a status (use one of %s)")
		bad(FieldStatus, n)
	}
	for _, d := range []struct {
		field, v string
		to       *time.Time
	}{{FieldStatusDate, statusDate, &r.statusDate}, {FieldEffective, effective, &r.effective}} {
		if d.v == "" {
			continue
		}
		if *d.to, n = sheet.ParseDate(d.v); !bad(d.field, n) {
			p.notFuture(r.line, r.col(d.field), *d.to)
		}
	}
	if r.status != floorplan.PersonActive && r.status != "" && r.statusDate.IsZero() {
		bad(FieldStatusDate, ptr(imports.Notef("a retired or transferred person needs the date it took effect")))
	}
	r.posts, n = parsePosts(posts)
	bad(FieldPosts, n)
}

// planPeople plans a people sheet (or, with agency set, one agency's staff list): matches each row to a
// person by staff number, then creates the new ones and updates the changed ones.
func planPeople(ctx context.Context, r floorplan.Reader, p *plan, rows []personRow, agency uuid.UUID) error {
	agencies, err := r.Agencies(ctx)
	if err != nil {
		return err
	}
	x := newAgencyIndex(agencies)
	people, byNo, err := peopleByStaffNo(ctx, r)
	if err != nil {
		return err
	}
	seen := make(map[string]int, len(rows))
	for _, row := range rows {
		if first, dup := seen[row.staffNo]; dup && row.staffNo != "" {
			p.probs.Cell(row.line, row.col(FieldStaffNo), imports.Notef("staff no. %s is also that of row %d", row.staffNo, first))
			continue
		}
		seen[row.staffNo] = row.line
		if p.probs.Bad(row.line) {
			continue
		}
		old, found := byNo[row.staffNo]
		if found && !p.visible(old.AgencyID) {
			p.probs.Cell(row.line, row.col(FieldStaffNo), imports.Notef("staff no. %s is taken by a person outside the agencies you manage", row.staffNo))
			continue
		}
		next := floorplan.Person{ID: p.newID("person:" + row.staffNo), StaffNo: row.staffNo}
		if found {
			next = old
			next.Posts = slices.Clone(old.Posts)
		}
		if !setPerson(p, x, &next, row) {
			continue
		}
		if found {
			p.personUpdate(row, old, next)
		} else {
			p.personCreate(row, next)
		}
	}
	if agency != uuid.Nil {
		p.leavers(people, agency, seen)
	}
	return nil
}

// peopleByStaffNo lists the people of the register, and those with a staff number by it.
func peopleByStaffNo(ctx context.Context, r floorplan.Reader) ([]floorplan.Person, map[string]floorplan.Person, error) {
	people, err := r.People(ctx, floorplan.PersonFilter{})
	if err != nil {
		return nil, nil, err
	}
	byNo := make(map[string]floorplan.Person, len(people))
	for _, q := range people {
		if q.StaffNo != "" {
			byNo[q.StaffNo] = q
		}
	}
	return people, byNo, nil
}

// setPerson sets the fields of q the row gives; false when the row has a problem.
func setPerson(p *plan, x *agencyIndex, q *floorplan.Person, row personRow) bool {
	agency := row.agencyID
	if agency == uuid.Nil {
		id, n := x.find(row.agency)
		if n != nil {
			p.probs.Cell(row.line, row.col(FieldAgency), *n)
			return false
		}
		agency = id
	}
	q.Name, q.AgencyID, q.Rank = row.name, agency, row.rank
	if row.has(FieldTitle) {
		q.Title = row.title
	}
	if row.has(FieldStatus) {
		q.Status = row.status
	}
	if row.has(FieldStatusDate) {
		q.StatusDate = row.statusDate
	}
	if q.Status == "" {
		q.Status = floorplan.PersonActive
	}
	if !row.has(FieldPosts) {
		return true
	}
	var want []postWant
	for _, in := range row.posts {
		id := agency
		if in.agency != "" {
			var n *imports.Note
			if id, n = x.find(in.agency); n != nil {
				p.probs.Cell(row.line, row.col(FieldPosts), *n)
				return false
			}
		}
		want = append(want, postWant{Post: floorplan.Post{Title: in.title, AgencyID: id, Start: in.start, End: in.end},
			dated: in.dated})
	}
	q.Posts = mergePosts(q.Posts, want, p.dayOf(row), func(po floorplan.Post) uuid.UUID {
		return p.newID(keyOf("post", row.staffNo, po.Title, po.AgencyID.String(), sheet.DayText(po.Start)))
	})
	return true
}

// dayOf is the day a row's changes other than of status hold from: its effective date, else today.
func (p *plan) dayOf(row personRow) time.Time {
	if !row.effective.IsZero() {
		return row.effective
	}
	return p.today
}

// postWant is a post a row lists; dated when the cell gives its dates.
type postWant struct {
	floorplan.Post
	dated bool
}

// mergePosts returns a person's posts after the list of a row: a post listed that the person has (same
// title and agency, and start when the cell gives dates) stays, its id kept and its dates the cell's when it
// gives them; a listed post not had is added; a post not listed ends on day unless it has ended already
// (ended posts stay in the history).
func mergePosts(old []floorplan.Post, want []postWant, day time.Time, newID func(floorplan.Post) uuid.UUID) []floorplan.Post {
	out := make([]floorplan.Post, 0, len(old)+len(want))
	used := make([]bool, len(want))
	for _, po := range old {
		i := -1
		for j, w := range want {
			if !used[j] && w.Title == po.Title && w.AgencyID == po.AgencyID && (!w.dated || w.Start.Equal(po.Start)) {
				i = j
				break
			}
		}
		switch {
		case i >= 0:
			used[i] = true
			if want[i].dated {
				po.Start, po.End = want[i].Start, want[i].End
			}
		case po.End.IsZero() || po.End.After(day):
			po.End = day
		}
		out = append(out, po)
	}
	for i, w := range want {
		if !used[i] {
			w.ID = newID(w.Post)
			out = append(out, w.Post)
		}
	}
	return out
}

// personCreate plans a new person. No event is listed for a new person: the rules read the status date
// itself.
func (p *plan) personCreate(row personRow, q floorplan.Person) {
	p.counts.Created++
	p.ask(floorplan.OpCreate, floorplan.EntityPerson, q.AgencyID)
	p.newPeople = append(p.newPeople, q)
}

// personUpdate plans the update of a person, from the day of the change, with the events it starts.
func (p *plan) personUpdate(row personRow, old, q floorplan.Person) {
	if samePerson(old, q) {
		p.counts.Unchanged++
		return
	}
	p.counts.Updated++
	p.ask(floorplan.OpUpdate, floorplan.EntityPerson, old.AgencyID)
	if q.AgencyID != old.AgencyID {
		p.ask(floorplan.OpUpdate, floorplan.EntityPerson, q.AgencyID)
	}
	w := write{line: row.line, effective: p.dayOf(row), do: func(ctx context.Context, tx floorplan.Writer) error {
		return tx.UpdatePerson(ctx, &q)
	}}
	if q.Status != old.Status || !q.StatusDate.Equal(old.StatusDate) {
		if q.Status != floorplan.PersonActive && !q.StatusDate.IsZero() {
			w.effective = q.StatusDate
			p.event(q.Name, "", string(q.Status), q.StatusDate, p.pol.VacateAfterLeavingMonths, "")
		}
	}
	for _, po := range q.Posts {
		if i := slices.IndexFunc(old.Posts, func(o floorplan.Post) bool { return o.ID == po.ID }); i >= 0 &&
			old.Posts[i].End.IsZero() && !po.End.IsZero() {
			p.event(q.Name, "", "post_ended", po.End, p.pol.VacateAfterConcurrentPostMonths, po.Title)
		}
	}
	p.writes = append(p.writes, w)
}

// leavers plans, for a staff list, the agency's people the list does not name: still active, they are
// transferred as of the list's day (Options.Today); retired or transferred already, they stay as they are.
func (p *plan) leavers(people []floorplan.Person, agency uuid.UUID, listed map[string]int) {
	for _, q := range people {
		if q.AgencyID != agency || q.Status != floorplan.PersonActive {
			continue
		}
		if _, ok := listed[q.StaffNo]; ok && q.StaffNo != "" {
			continue
		}
		next := q
		next.Status, next.StatusDate = floorplan.PersonTransferred, p.today
		p.personUpdate(personRow{effective: p.today}, q, next)
	}
}

func samePerson(a, b floorplan.Person) bool {
	return a.Name == b.Name && a.StaffNo == b.StaffNo && a.AgencyID == b.AgencyID && a.Rank == b.Rank &&
		a.Title == b.Title && a.Status == b.Status && a.StatusDate.Equal(b.StatusDate) &&
		slices.EqualFunc(a.Posts, b.Posts, func(x, y floorplan.Post) bool {
			return x.ID == y.ID && x.Title == y.Title && x.AgencyID == y.AgencyID && x.Start.Equal(y.Start) && x.End.Equal(y.End)
		})
}
