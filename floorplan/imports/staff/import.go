package staff

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// write is one change of a plan: a record created or updated, from its effective day (zero: the store's
// default, see floorplan.EffectiveFrom).
type write struct {
	line      int
	effective time.Time
	do        func(ctx context.Context, tx floorplan.Writer) error
}

// plan is what a file (or a staff list) changes in the register, checked and ready to write.
// visible reports whether the caller may read the people of an agency (Options.Visible).
func (p *plan) visible(agency uuid.UUID) bool { return p.opt.Visible == nil || p.opt.Visible(agency) }

type plan struct {
	file     string
	kind     Kind
	opt      Options
	pol      floorplan.Policy
	today    time.Time
	rows     int
	probs    *sheet.Problems
	writes   []write
	requests []floorplan.Request
	counts   Counts
	events   []Event
	notes    []imports.Note
	// newPeople and newAssignments are created in bulk (floorplan.BulkLoader), before the writes.
	newPeople      []floorplan.Person
	newAssignments []floorplan.Assignment
	// ids are the ids given to new records by key, kept from the check to the transaction so that both
	// plans name the same records (and ask the permission hook the same questions).
	ids map[string]uuid.UUID
}

// newID returns the id of a new record with a key: the same in every plan of one import.
func (p *plan) newID(key string) uuid.UUID {
	id, ok := p.ids[key]
	if !ok {
		id = uuid.New()
		p.ids[key] = id
	}
	return id
}

func newPlan(file string, k Kind, opt Options, pol floorplan.Policy, rows int, ids map[string]uuid.UUID) *plan {
	today := floorplan.DayOf(time.Now())
	if !opt.Today.IsZero() {
		today = floorplan.DayOf(opt.Today)
	}
	return &plan{file: file, kind: k, opt: opt, pol: pol, today: today, rows: rows, probs: sheet.NewProblems(file, opt.Lang), ids: ids}
}

// ask adds a permission request (once).
func (p *plan) ask(op floorplan.Op, e floorplan.Entity, agency uuid.UUID) {
	req := floorplan.Request{Op: op, Entity: e, AgencyID: agency, What: p.what()}
	if !slices.Contains(p.requests, req) {
		p.requests = append(p.requests, req)
	}
}

// what names the import for the permission hook and the history: "import people 花名册.xlsx".
func (p *plan) what() string { return fmt.Sprintf("import %s %s", p.kind, p.file) }

// progress reports row i (from 0) checked, in a dry run (an import reports its writes instead).
func (p *plan) progress(i int) {
	if p.opt.DryRun && p.opt.Progress != nil && ((i+1)%progressEvery == 0 || i+1 == p.rows) {
		p.opt.Progress(i+1, p.rows)
	}
}

// changes reports whether the plan writes anything.
func (p *plan) changes() bool { return len(p.writes)+len(p.newPeople)+len(p.newAssignments) > 0 }

// progressEvery is how many rows go between two calls of Options.Progress.
const progressEvery = 100

// write writes the plan through tx: the new records in bulk (progressEvery at a time), then each change
// from its effective day, reporting progress as the share of the rows written.
func (p *plan) write(ctx context.Context, tx floorplan.Store) error {
	total, done := len(p.newPeople)+len(p.newAssignments)+len(p.writes), 0
	step := func(n int) {
		done += n
		if p.opt.Progress != nil {
			p.opt.Progress(p.rows*done/total, p.rows)
		}
	}
	for chunk := range slices.Chunk(p.newPeople, progressEvery) {
		if err := tx.BulkInsertPeople(ctx, chunk); err != nil {
			return fmt.Errorf("%s: %w", p.file, err)
		}
		step(len(chunk))
	}
	for chunk := range slices.Chunk(p.newAssignments, progressEvery) {
		if err := tx.BulkInsertAssignments(ctx, chunk); err != nil {
			return fmt.Errorf("%s: %w", p.file, err)
		}
		step(len(chunk))
	}
	pending := 0
	for i, w := range p.writes {
		wctx := ctx
		if !w.effective.IsZero() {
			wctx = floorplan.WithEffective(ctx, w.effective)
		}
		if err := w.do(wctx, tx); err != nil {
			if w.line > 0 {
				return fmt.Errorf("%s: row %d: %w", p.file, w.line, err)
			}
			return fmt.Errorf("%s: %w", p.file, err)
		}
		if pending++; pending == progressEvery || i+1 == len(p.writes) {
			step(pending)
			pending = 0
		}
	}
	return nil
}

// Import reads a spreadsheet (XLSX or CSV) of one kind — agencies, people or assignments, in the layout of
// the kind's template (Layout), headers matched by name or synonym or as Options.Columns names them — and
// makes the register say what it says, in one transaction through the register (Register.Batch):
//
//   - rows are matched to records by their stable key: an agency by its code, else by its exact name; a
//     person by staff number; an assignment by its room (building, floor and number), person (staff
//     number), kind and start. A key twice in a file is a problem of the second row. Records the file does
//     not name are left as they are (Sync is the way to say who left an agency).
//   - every cell is checked and every problem named by its row and column; one problem rejects the file
//     (an *imports.Error listing them all) unless SkipInvalid, which writes the other rows;
//   - a column the sheet lacks leaves that field as it is; an empty cell of a column it has clears it;
//   - a status date, an effective date or an assignment's start after today is refused: the register
//     records what has happened (a planned retirement is entered when it takes effect); an assignment's
//     end may be in the future;
//   - a change of a person's status, agency, rank or posts, or of an agency's status, is written from the
//     day the file gives for it (floorplan.WithEffective): the status date for a status, else the row's
//     effective date (变动日期), else today; the summary lists the deadlines so started;
//   - a national ID number column is not read (a note says so) and never stored.
//
// With DryRun nothing is written and the summary says what would be. Importing the same file again
// changes nothing.
func Import(ctx context.Context, reg *floorplan.Register, k Kind, name string, data []byte, opt Options) (*Summary, error) {
	if !k.Valid() {
		return nil, fmt.Errorf("%w: unknown kind %q (agencies, people or assignments)", floorplan.ErrInvalid, k)
	}
	t, err := readTable(name, data, k, opt)
	if err != nil {
		return nil, err
	}
	ids := map[string]uuid.UUID{}
	build := func(ctx context.Context, r floorplan.Reader) (*plan, error) {
		p := newPlan(t.File, k, opt, reg.Policy(), len(t.Rows), ids)
		p.notes = append(p.notes, t.Notes...)
		switch k {
		case Agencies:
			err = planAgencies(ctx, r, p, agencyRows(t, p))
		case People:
			err = planPeople(ctx, r, p, personRows(t, p), uuid.Nil)
		default:
			err = planAssignments(ctx, r, p, t)
		}
		return p, err
	}
	return run(ctx, reg, build)
}

// run plans against the register and, unless it is a dry run or nothing changes, plans again inside one
// transaction and writes: the permission hook is asked about every agency the plan touches first.
func run(ctx context.Context, reg *floorplan.Register, build func(context.Context, floorplan.Reader) (*plan, error)) (*Summary, error) {
	p, err := build(ctx, reg.Reader())
	if err != nil {
		return nil, err
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	for _, req := range p.requests {
		if err := reg.Check(ctx, req); err != nil {
			return nil, err
		}
	}
	if p.opt.DryRun || !p.changes() {
		if p.opt.Progress != nil && !p.opt.DryRun {
			p.opt.Progress(p.rows, p.rows)
		}
		return p.summary(), nil
	}
	var done *plan
	// The batch is asked as its first change is (its agency: an agency manager's own); the others
	// were asked above.
	_, err = reg.Batch(ctx, p.requests[0], func(tx floorplan.Store) error {
		q, err := build(ctx, tx) // the register as the transaction sees it
		if err != nil {
			return err
		}
		if err := q.check(); err != nil {
			return err
		}
		for _, req := range q.requests {
			if !slices.Contains(p.requests, req) {
				return fmt.Errorf("%s: %w: the register changed while the file was checked; import it again", p.file, floorplan.ErrConflict)
			}
		}
		if err := q.write(ctx, tx); err != nil {
			return err
		}
		done = q
		return nil
	})
	if err != nil {
		return nil, err
	}
	return done.summary(), nil
}

// check returns the problems as an error unless SkipInvalid.
func (p *plan) check() error {
	if p.opt.SkipInvalid {
		return nil
	}
	return p.probs.Err()
}

// summary tells what the plan holds (or, once written, what it wrote).
func (p *plan) summary() *Summary {
	s := &Summary{File: p.file, Kind: string(p.kind), DryRun: p.opt.DryRun, Rows: p.rows, Records: p.counts,
		Problems: p.probs.Told(), Events: p.events, Notes: sheet.ToldNotes(p.notes, p.opt.DryRun, p.opt.Lang)}
	for i := range s.Events {
		s.Events[i].Text = s.Events[i].note().In(p.opt.Lang)
	}
	return s
}

// note tells the event: "张三 退休 2026-11-15 → 最迟 2026-12-15 腾退".
func (e Event) note() imports.Note {
	who := e.Person
	if who == "" {
		who = e.Agency
	}
	eff, due := e.Effective.Format(floorplan.DateLayout), e.Deadline.Format(floorplan.DateLayout)
	switch e.What {
	case string(floorplan.PersonRetired):
		return imports.Notef("%s retired %s → rooms due back by %s", who, eff, due)
	case string(floorplan.PersonTransferred):
		return imports.Notef("%s transferred %s → rooms due back by %s", who, eff, due)
	case string(floorplan.AgencyMerged):
		return imports.Notef("%s merged %s → rooms due back by %s", who, eff, due)
	case string(floorplan.AgencyAbolished):
		return imports.Notef("%s abolished %s → rooms due back by %s", who, eff, due)
	}
	return imports.Notef("%s left the concurrent post %s %s → its second office due back by %s", who, e.post, eff, due)
}

// event records a change that starts a legal clock: months after the effective day.
func (p *plan) event(person, agency, what string, effective time.Time, months int, post string) {
	p.events = append(p.events, Event{Person: person, Agency: agency, What: what, Effective: effective,
		Deadline: floorplan.AddMonths(effective, months), post: post})
}

// notFuture records a problem when a date is after today.
func (p *plan) notFuture(line int, column string, d time.Time) bool {
	if d.After(p.today) {
		p.probs.Cell(line, column, imports.Notef("%s is in the future: enter a change once it has taken effect", d.Format(floorplan.DateLayout)))
		return false
	}
	return true
}
