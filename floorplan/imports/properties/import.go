package properties

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// Options tune an import.
type Options struct {
	DryRun bool // check and plan, write nothing
	// Map names the field of some columns: a header of the sheet (or a column letter) → a field of the
	// layout ("产权证号" → "title_number"). They win over the headers the layout recognises.
	Map   map[string]string
	Sheet string // the sheet of a workbook to read; the first with a header row when empty
	Lang  string // the language of notes and problems ("en" or Chinese)
	// Classification is the deployment's classification of properties (nil: the built-in one).
	Classification *floorplan.Classification
	// Year is the ledger year a book area is recorded for (0: this year).
	Year int
}

// Counts tells how many properties an import created, changed and left as they were.
type Counts struct {
	Created   int `json:"created"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
}

// Outcome is what the import did (or would do) with one row.
type Outcome struct {
	Row    int       `json:"row"`
	Name   string    `json:"name"`
	SiteID uuid.UUID `json:"site_id,omitzero"` // zero for a site a dry run would create
	Action string    `json:"action"`           // created, changed, unchanged
	// BookArea is the book area entry recorded for the row (the difference to the year's book area so
	// far), 0 for none.
	BookArea float64 `json:"book_area_entry_m2,omitempty"`
}

// Summary is what an import did (or, with DryRun, would do).
type Summary struct {
	File     string    `json:"file"`
	DryRun   bool      `json:"dry_run"`
	Rows     int       `json:"rows"`
	Records  Counts    `json:"records"`
	Outcomes []Outcome `json:"outcomes"`
	Notes    []string  `json:"notes"`
}

// row is one property of the sheet, its cells read.
type row struct {
	line                                         int
	name, address, kind, titleKind, number, note string
	holder                                       string
	issued                                       time.Time
	titleArea, bookArea                          float64
	hasBookArea                                  bool
	state                                        floorplan.OwnershipStatus
	district                                     uuid.UUID
}

// titled reports whether the row says anything of a title record.
func (r row) titled() bool {
	return r.number != "" || r.titleKind != "" || r.holder != "" || !r.issued.IsZero() || r.titleArea != 0
}

// readRows reads the cells of every row; what cannot be read is a problem of its row and column.
func readRows(t *sheet.Table, c floorplan.Classification, ds *districts, probs *sheet.Problems) []row {
	out := make([]row, 0, len(t.Rows))
	for i := range t.Rows {
		line := t.Lines[i]
		get := func(f string) string { return t.Cell(i, f) }
		bad := func(f string, n *imports.Note) bool {
			if n != nil {
				probs.Cell(line, t.HeaderOf(f), *n)
			}
			return n != nil
		}
		r := row{line: line, name: get(FieldName), address: get(FieldAddress), titleKind: get(FieldTitleKind),
			number: get(FieldTitleNumber), holder: get(FieldHolder), note: get(FieldNote)}
		required := ptr(imports.Notef("empty: the column is required"))
		if r.name == "" {
			bad(FieldName, required)
		}
		var n *imports.Note
		if s := get(FieldKind); s == "" {
			bad(FieldKind, required)
		} else if r.kind, n = parseKind(c, s); n != nil {
			bad(FieldKind, n)
		}
		if s := get(FieldState); s == "" {
			bad(FieldState, required)
		} else if r.state, n = parseState(s); n != nil {
			bad(FieldState, n)
		}
		if s := get(FieldTitleArea); s != "" {
			r.titleArea, n = parseArea(s)
			bad(FieldTitleArea, n)
		}
		if s := get(FieldBookArea); s != "" {
			r.bookArea, n = parseArea(s)
			r.hasBookArea = !bad(FieldBookArea, n)
		}
		if s := get(FieldIssuedOn); s != "" {
			r.issued, n = sheet.ParseDate(s)
			bad(FieldIssuedOn, n)
		}
		if s := get(FieldDistrict); s != "" {
			r.district, n = ds.find(s)
			bad(FieldDistrict, n)
		}
		out = append(out, r)
	}
	return out
}

// write is one change of a plan.
type write struct {
	line int
	do   func(ctx context.Context, tx floorplan.Store) error
}

// plan is what a file changes in the register, checked and ready to write.
type plan struct {
	file     string
	opt      Options
	year     int
	rows     int
	probs    *sheet.Problems
	writes   []write
	requests []floorplan.Request
	counts   Counts
	outcomes []Outcome
	notes    []imports.Note
}

// ledgerReader is the store's reading of ledger entries, which every store has (floorplan.LedgerStore).
type ledgerReader interface {
	LedgerEntries(ctx context.Context, f floorplan.LedgerFilter) ([]floorplan.LedgerEntry, error)
}

// Import reads a property register (XLSX or CSV, one property a row, headers matched by name or synonym
// or as Options.Map names them) and makes the register say what it says, in one transaction through the
// register service (Register.Batch):
//
//   - a row is matched to a site by its title number (a number of one of the site's title records),
//     else by its exact name and address; a row matching no site creates one. A title number, or a
//     name and address without one, twice in the file is a problem of the second row.
//   - the site takes the row's name, kind (a category of the classification, by code or name), state
//     and, where the sheet has the column, its address, district and note (an empty cell clears them);
//   - the row's title (kind, number, holder, date, area) updates the site's record of that number, or is
//     added to its records; the site's other records are kept;
//   - a book area is recorded in the ledger of Options.Year as the entry that makes the year's book area
//     what the row says (nothing when it already is; an empty cell records nothing);
//   - every cell is checked and every problem named by its row and column; one problem rejects the file
//     (an *imports.Error listing them all) and nothing is written.
//
// With DryRun nothing is written and the summary says what would be. Importing the same file again
// changes nothing (0 created, 0 changed).
func Import(ctx context.Context, reg *floorplan.Register, name string, data []byte, opt Options) (*Summary, error) {
	t, err := readTable(name, data, opt)
	if err != nil {
		return nil, err
	}
	build := func(ctx context.Context, r floorplan.Reader) (*plan, error) {
		p := &plan{file: t.File, opt: opt, year: opt.Year, rows: len(t.Rows), probs: sheet.NewProblems(t.File, opt.Lang)}
		if p.year == 0 {
			p.year = time.Now().Year()
		}
		p.notes = append(p.notes, t.Notes...)
		return p, p.build(ctx, r, t)
	}
	p, err := build(ctx, reg.Reader())
	if err != nil {
		return nil, err
	}
	if err := p.probs.ErrByRow(); err != nil {
		return nil, err
	}
	for _, req := range p.requests {
		if err := reg.Check(ctx, req); err != nil {
			return nil, err
		}
	}
	if opt.DryRun || len(p.writes) == 0 {
		return p.summary(), nil
	}
	var done *plan
	_, err = reg.Batch(ctx, p.batchRequest(), func(tx floorplan.Store) error {
		q, err := build(ctx, tx) // the register as the transaction sees it
		if err != nil {
			return err
		}
		if err := q.probs.ErrByRow(); err != nil {
			return err
		}
		for _, req := range q.requests {
			if !slices.Contains(p.requests, req) {
				return fmt.Errorf("%s: %w: the register changed while the file was checked; import it again", p.file, floorplan.ErrConflict)
			}
		}
		for _, w := range q.writes {
			if err := w.do(ctx, tx); err != nil {
				return fmt.Errorf("%s: row %d: %w", q.file, w.line, err)
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

// batchRequest is what the permission hook is asked for the transaction as a whole (each change was
// asked on its own before): the first change of an existing site, placed where that site is, else the
// first change. A file of new properties only is placed nowhere: only a bureau administrator of the whole
// city may import it.
func (p *plan) batchRequest() floorplan.Request {
	for _, req := range p.requests {
		if req.SiteID != uuid.Nil {
			return req
		}
	}
	return p.requests[0]
}

// build reads the rows, matches them to the register's sites and plans the writes.
func (p *plan) build(ctx context.Context, r floorplan.Reader, t *sheet.Table) error {
	c := floorplan.BuiltinClassification()
	if p.opt.Classification != nil {
		c = *p.opt.Classification
	}
	js, err := r.Jurisdictions(ctx)
	if err != nil {
		return err
	}
	rows := readRows(t, c, newDistricts(js), p.probs)
	sites, err := r.Sites(ctx)
	if err != nil {
		return err
	}
	x := newSiteIndex(sites)
	seenNumber, seenPlace, seenSite := map[string]int{}, map[string]int{}, map[uuid.UUID]int{}
	for _, rw := range rows {
		if rw.number != "" {
			if first, dup := seenNumber[rw.number]; dup {
				p.probs.Cell(rw.line, t.HeaderOf(FieldTitleNumber), imports.Notef("title number %s is also that of row %d", rw.number, first))
				continue
			}
			seenNumber[rw.number] = rw.line
		} else if rw.name != "" {
			key := placeKey(rw.name, rw.address)
			if first, dup := seenPlace[key]; dup {
				p.probs.Row(rw.line, imports.Notef("the same property as row %d (%s): give each its title number", first, rw.name))
				continue
			}
			seenPlace[key] = rw.line
		}
		if p.probs.Bad(rw.line) {
			continue
		}
		old, n := x.match(rw)
		if n != nil {
			p.probs.Row(rw.line, *n)
			continue
		}
		if old != nil {
			if first, dup := seenSite[old.ID]; dup {
				p.probs.Row(rw.line, imports.Notef("the same property as row %d (%s): give each its title number", first, old.Name))
				continue
			}
			seenSite[old.ID] = rw.line
		}
		if err := p.planRow(ctx, r, t, c, rw, old); err != nil {
			return err
		}
	}
	return nil
}

// planRow plans the creation or change of one row's site, and its book area entry.
func (p *plan) planRow(ctx context.Context, r floorplan.Reader, t *sheet.Table, c floorplan.Classification, rw row, old *floorplan.Site) error {
	s := floorplan.Site{Records: []floorplan.OwnershipRecord{}}
	if old != nil {
		s = *old
		s.Records = slices.Clone(old.Records)
	}
	applyRow(&s, rw, t)
	if err := s.Validate(c); err != nil {
		p.probs.Add(rw.line, err)
		return nil
	}
	entry, err := p.bookEntry(ctx, r, rw, old)
	if err != nil {
		return err
	}
	out := Outcome{Row: rw.line, Name: s.Name, Action: "unchanged", BookArea: entry}
	site, at := s, len(p.outcomes)
	switch {
	case old == nil:
		out.Action = "created"
		p.counts.Created++
		p.requests = append(p.requests, floorplan.Request{Op: floorplan.OpCreate, Entity: floorplan.EntitySite,
			JurisdictionID: s.JurisdictionID, What: "import properties " + p.file})
		p.writes = append(p.writes, write{line: rw.line, do: func(ctx context.Context, tx floorplan.Store) error {
			if err := tx.CreateSite(ctx, &site); err != nil {
				return err
			}
			p.outcomes[at].SiteID = site.ID
			return nil
		}})
	case !sameSite(*old, s):
		out.Action, out.SiteID = "changed", s.ID
		p.counts.Changed++
		p.requests = append(p.requests, floorplan.Request{Op: floorplan.OpUpdate, Entity: floorplan.EntitySite, ID: s.ID,
			SiteID: s.ID, JurisdictionID: s.JurisdictionID, What: "import properties " + p.file})
		p.writes = append(p.writes, write{line: rw.line, do: func(ctx context.Context, tx floorplan.Store) error {
			return tx.UpdateSite(ctx, &site)
		}})
	default:
		out.SiteID = s.ID
		if entry != 0 {
			out.Action = "changed"
			p.counts.Changed++
		} else {
			p.counts.Unchanged++
		}
	}
	if old == nil || old.Ownership != s.Ownership {
		if err := p.planState(ctx, r, rw, old, &site); err != nil {
			return err
		}
	}
	if entry != 0 && old != nil { // a new site's entry is asked with the site
		p.requests = append(p.requests, floorplan.Request{Op: floorplan.OpCreate, Entity: floorplan.EntityLedgerEntry,
			SiteID: s.ID, What: "import properties " + p.file})
	}
	if entry != 0 {
		year, file := p.year, p.file
		p.writes = append(p.writes, write{line: rw.line, do: func(ctx context.Context, tx floorplan.Store) error {
			e := floorplan.LedgerEntry{SiteID: site.ID, Year: year, Kind: floorplan.LedgerBookArea, Amount: entry,
				Note: "import properties " + file}
			if err := e.Validate(); err != nil {
				return err
			}
			return tx.AddLedgerEntry(ctx, &e)
		}})
	}
	p.outcomes = append(p.outcomes, out)
	return nil
}

// planState records the row's state in the site's registration history (floorplan.RegistrationChange),
// effective today, after the site is written; a property filed without its three filing steps recorded
// is noted (the register's own history of the bureau's filing is not in a sheet: record the steps on the
// property's page).
func (p *plan) planState(ctx context.Context, r floorplan.Reader, rw row, old *floorplan.Site, site *floorplan.Site) error {
	if site.Ownership == floorplan.OwnershipFiled {
		missing := floorplan.FilingSteps
		if rr, ok := r.(floorplan.RegistrationReader); ok && old != nil {
			reg, err := floorplan.ReadRegistration(ctx, rr, *old)
			if err != nil {
				return err
			}
			missing = floorplan.MissingSteps(reg)
		}
		if len(missing) > 0 {
			p.notes = append(p.notes, imports.Notef("row %d: %s is filed but its filing steps are not recorded: record them on the property's page", rw.line, site.Name))
		}
	}
	file := p.file
	p.writes = append(p.writes, write{line: rw.line, do: func(ctx context.Context, tx floorplan.Store) error {
		c := floorplan.RegistrationChange{SiteID: site.ID, State: site.Ownership, Effective: floorplan.DayOf(time.Now()),
			Reason: "import properties " + file}
		if err := c.Validate(); err != nil {
			return err
		}
		return tx.AddRegistrationChange(ctx, &c)
	}})
	return nil
}

// bookEntry returns the book area entry that makes the year's book area of the row's site what the row
// says: 0 when the row gives none or the books already say it.
func (p *plan) bookEntry(ctx context.Context, r floorplan.Reader, rw row, old *floorplan.Site) (float64, error) {
	if !rw.hasBookArea {
		return 0, nil
	}
	var sum float64
	if old != nil {
		lr, ok := r.(ledgerReader)
		if !ok {
			return 0, fmt.Errorf("%w: the store keeps no ledger", floorplan.ErrInvalid)
		}
		entries, err := lr.LedgerEntries(ctx, floorplan.LedgerFilter{SiteID: old.ID, Year: p.year})
		if err != nil {
			return 0, err
		}
		for _, e := range entries {
			if e.Kind == floorplan.LedgerBookArea && e.General() { // the agencies' sub-ledgers are not the book
				sum += e.Amount
			}
		}
	}
	return math.Round((rw.bookArea-sum)*100) / 100, nil
}

// applyRow sets the fields of s that the row gives; a column the sheet lacks leaves its field as it is.
func applyRow(s *floorplan.Site, rw row, t *sheet.Table) {
	s.Name, s.Category, s.Ownership = rw.name, rw.kind, rw.state
	if t.Has(FieldAddress) {
		s.Address = rw.address
	}
	if t.Has(FieldDistrict) {
		s.JurisdictionID = rw.district
	}
	if t.Has(FieldNote) {
		s.Note = rw.note
	}
	if !rw.titled() {
		return
	}
	i := -1
	if rw.number != "" {
		i = slices.IndexFunc(s.Records, func(r floorplan.OwnershipRecord) bool { return r.Number == rw.number })
	} else if len(s.Records) > 0 {
		i = 0 // a row without a number speaks of the site's first record
	}
	if i < 0 {
		s.Records = append(s.Records, floorplan.OwnershipRecord{Kind: DefaultTitleKind, Number: rw.number})
		i = len(s.Records) - 1
	}
	rec := &s.Records[i]
	if rw.titleKind != "" {
		rec.Kind = rw.titleKind
	}
	if t.Has(FieldHolder) {
		rec.Holder = rw.holder
	}
	if t.Has(FieldIssuedOn) {
		rec.IssuedOn = rw.issued
	}
	if t.Has(FieldTitleArea) {
		rec.AreaM2 = rw.titleArea
	}
}

// sameSite reports whether two versions of a site say the same.
func sameSite(a, b floorplan.Site) bool {
	if a.Name != b.Name || a.Address != b.Address || a.Category != b.Category || a.Ownership != b.Ownership ||
		a.Note != b.Note || a.JurisdictionID != b.JurisdictionID || len(a.Records) != len(b.Records) {
		return false
	}
	for i, r := range a.Records {
		o := b.Records[i]
		if r.Kind != o.Kind || r.Number != o.Number || !r.IssuedOn.Equal(o.IssuedOn) || r.Holder != o.Holder ||
			r.Note != o.Note || floorplan.RoundM2(r.AreaM2) != floorplan.RoundM2(o.AreaM2) {
			return false
		}
	}
	return true
}

// siteIndex finds the register's sites by title number and by name and address.
type siteIndex struct {
	byNumber map[string][]int
	byPlace  map[string][]int
	sites    []floorplan.Site
}

func newSiteIndex(sites []floorplan.Site) *siteIndex {
	x := &siteIndex{byNumber: map[string][]int{}, byPlace: map[string][]int{}, sites: sites}
	for i, s := range sites {
		for _, r := range s.Records {
			if r.Number != "" && !slices.Contains(x.byNumber[r.Number], i) {
				x.byNumber[r.Number] = append(x.byNumber[r.Number], i)
			}
		}
		key := placeKey(s.Name, s.Address)
		x.byPlace[key] = append(x.byPlace[key], i)
	}
	return x
}

// match returns the site a row is about (nil: a new one), or why it cannot tell.
func (x *siteIndex) match(rw row) (*floorplan.Site, *imports.Note) {
	if rw.number != "" {
		switch ids := x.byNumber[rw.number]; len(ids) {
		case 0:
		case 1:
			return &x.sites[ids[0]], nil
		default:
			return nil, ptr(imports.Notef("title number %s is on %d properties of the register", rw.number, len(ids)))
		}
	}
	switch ids := x.byPlace[placeKey(rw.name, rw.address)]; len(ids) {
	case 0:
		return nil, nil
	case 1:
		return &x.sites[ids[0]], nil
	default:
		return nil, ptr(imports.Notef("%d properties of the register are named %q at %q: give the title number", len(ids), rw.name, rw.address))
	}
}

// placeKey is the key of a property by name and address.
func placeKey(name, address string) string {
	return strings.TrimSpace(name) + "\x1f" + strings.TrimSpace(address)
}

// summary tells what the plan holds (or, once written, what it wrote).
func (p *plan) summary() *Summary {
	s := &Summary{File: p.file, DryRun: p.opt.DryRun, Rows: p.rows, Records: p.counts, Outcomes: p.outcomes,
		Notes: sheet.ToldNotes(p.notes, p.opt.DryRun, p.opt.Lang)}
	if s.Outcomes == nil {
		s.Outcomes = []Outcome{}
	}
	return s
}
