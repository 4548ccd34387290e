package staff

import (
	"cmp"
	"context"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// agencyRow is a row of an agencies sheet, its cells read; has tells which columns the sheet has.
type agencyRow struct {
	line              int
	code, name, short string
	parent, successor string
	level, scale      floorplan.AdminLevel
	headcount         int
	area              float64
	status            floorplan.AgencyStatus
	statusDate        time.Time
	has               func(field string) bool
	col               func(field string) string
}

// agencyRows reads the rows of an agencies sheet; cells that cannot be read are problems of the plan.
func agencyRows(t *sheet.Table, p *plan) []agencyRow {
	out := make([]agencyRow, 0, len(t.Rows))
	for i := range t.Rows {
		line := t.Lines[i]
		get := func(f string) string { return t.Cell(i, f) }
		bad := func(f string, n *imports.Note) bool { return p.probs.Note(line, t.HeaderOf(f), n) }
		r := agencyRow{line: line, code: get(FieldCode), name: get(FieldName), short: get(FieldShortName),
			parent: get(FieldParent), successor: get(FieldSuccessor), status: floorplan.AgencyActive,
			has: t.Has, col: t.HeaderOf}
		if r.name == "" {
			bad(FieldName, ptr(imports.Notef("empty: the column is required")))
		}
		var n *imports.Note
		if r.level, n = parseLevel(get(FieldLevel)); bad(FieldLevel, n) {
			r.level = ""
		}
		if s := get(FieldScale); s != "" {
			r.scale, n = parseLevel(s)
			bad(FieldScale, n)
		}
		if s := get(FieldHeadcount); s != "" {
			r.headcount, n = parseInt(s)
			bad(FieldHeadcount, n)
		}
		if s := get(FieldApprovedArea); s != "" {
			r.area, n = parseArea(s)
			bad(FieldApprovedArea, n)
		}
		if s := get(FieldStatus); s != "" {
			r.status, n = parseChoice(agencyStatusLabels, s, "%q is not a status (use one of %s)")
			bad(FieldStatus, n)
		}
		if s := get(FieldStatusDate); s != "" {
			if r.statusDate, n = sheet.ParseDate(s); !bad(FieldStatusDate, n) {
				p.notFuture(line, t.HeaderOf(FieldStatusDate), r.statusDate)
			}
		}
		if r.status != floorplan.AgencyActive && r.status != "" && r.statusDate.IsZero() && !p.probs.Bad(line) {
			bad(FieldStatusDate, ptr(imports.Notef("a merged or abolished agency needs the date it took effect")))
		}
		p.progress(i)
		out = append(out, r)
	}
	return out
}

// agencyIndex finds agencies by code, else by exact name.
type agencyIndex struct {
	byCode map[string]uuid.UUID
	byName map[string][]uuid.UUID
	all    map[uuid.UUID]floorplan.Agency
}

func newAgencyIndex(list []floorplan.Agency) *agencyIndex {
	x := &agencyIndex{byCode: map[string]uuid.UUID{}, byName: map[string][]uuid.UUID{}, all: map[uuid.UUID]floorplan.Agency{}}
	for _, a := range list {
		x.put(a)
	}
	return x
}

func (x *agencyIndex) put(a floorplan.Agency) {
	x.all[a.ID] = a
	if a.Code != "" {
		x.byCode[a.Code] = a.ID
	}
	x.byName[a.Name] = append(x.byName[a.Name], a.ID)
}

// find returns the agency a cell names by code or exact name (ok false when none or several).
func (x *agencyIndex) find(ref string) (uuid.UUID, *imports.Note) {
	if id, ok := x.byCode[ref]; ok {
		return id, nil
	}
	switch ids := x.byName[ref]; len(ids) {
	case 0:
		return uuid.Nil, ptr(imports.Notef("agency %q is not in the register", ref))
	case 1:
		return ids[0], nil
	default:
		return uuid.Nil, ptr(imports.Notef("%d agencies are named %q: name it by its code", len(ids), ref))
	}
}

// planAgencies plans an agencies sheet: matches each row to an agency (code, else exact name), then
// creates the new ones (parents and successors first) and updates the changed ones.
func planAgencies(ctx context.Context, r floorplan.Reader, p *plan, rows []agencyRow) error {
	list, err := r.Agencies(ctx)
	if err != nil {
		return err
	}
	x := newAgencyIndex(list)
	seen := map[string]int{}
	type match struct {
		row agencyRow
		old *floorplan.Agency
		new floorplan.Agency
	}
	var ms []*match
	for _, row := range rows {
		key := keyOf("name", row.name)
		if row.code != "" {
			key = keyOf("code", row.code)
		}
		if first, dup := seen[key]; dup {
			p.probs.Row(row.line, imports.Notef("the same agency as row %d (%s)", first, cmp.Or(row.code, row.name)))
			continue
		}
		seen[key] = row.line
		if p.probs.Bad(row.line) {
			continue
		}
		m := &match{row: row}
		if id, ok := x.byCode[row.code]; ok && row.code != "" {
			m.old = ptr(x.all[id])
		} else if ids := x.byName[row.name]; len(ids) == 1 && (row.code == "" || x.all[ids[0]].Code == "") {
			m.old = ptr(x.all[ids[0]])
		} else if len(ids) > 1 {
			p.probs.Cell(row.line, row.col(FieldName), imports.Notef("%d agencies are named %q: give its code", len(ids), row.name))
			continue
		}
		if m.old != nil {
			m.new = *m.old
		} else {
			m.new = floorplan.Agency{ID: p.newID(key), Name: row.name, Code: row.code}
			x.put(m.new) // rows below may name it as a parent
		}
		ms = append(ms, m)
	}
	for _, m := range ms {
		if setAgency(p, x, &m.new, m.row) {
			continue
		}
		x.all[m.new.ID] = m.new
	}
	// Creation order: a parent or a successor made by the file comes before the agencies naming it.
	created := map[uuid.UUID]bool{}
	isNew := map[uuid.UUID]bool{}
	for _, m := range ms {
		if m.old == nil {
			isNew[m.new.ID] = true
		}
	}
	var visit func(m *match, depth int)
	byID := map[uuid.UUID]*match{}
	for _, m := range ms {
		byID[m.new.ID] = m
	}
	visit = func(m *match, depth int) {
		if created[m.new.ID] || depth > len(ms) || p.probs.Bad(m.row.line) {
			return
		}
		created[m.new.ID] = true
		for _, dep := range []uuid.UUID{m.new.ParentID, m.new.SuccessorID} {
			if d, ok := byID[dep]; ok && isNew[dep] {
				visit(d, depth+1)
			}
		}
		p.agencyWrite(m.row, m.old, m.new)
	}
	for _, m := range ms {
		visit(m, 0)
	}
	return nil
}

// setAgency sets the fields of a the row gives; true when the row has a problem.
func setAgency(p *plan, x *agencyIndex, a *floorplan.Agency, row agencyRow) bool {
	ref := func(f, cell string) (uuid.UUID, bool) {
		if cell == "" {
			return uuid.Nil, true
		}
		id, n := x.find(cell)
		if n != nil {
			p.probs.Cell(row.line, row.col(f), *n)
			return uuid.Nil, false
		}
		return id, true
	}
	parent, okP := ref(FieldParent, row.parent)
	successor, okS := ref(FieldSuccessor, row.successor)
	if !okP || !okS {
		return true
	}
	a.Name = row.name
	if row.code != "" || row.has(FieldCode) {
		a.Code = row.code
	}
	a.Level = row.level
	keep := func(f string, set func()) {
		if row.has(f) {
			set()
		}
	}
	keep(FieldShortName, func() { a.ShortName = row.short })
	keep(FieldParent, func() { a.ParentID = parent })
	keep(FieldSuccessor, func() { a.SuccessorID = successor })
	keep(FieldScale, func() { a.Scale = row.scale })
	keep(FieldHeadcount, func() { a.Headcount = row.headcount })
	keep(FieldApprovedArea, func() { a.ApprovedAreaM2 = row.area })
	keep(FieldStatus, func() { a.Status = row.status })
	keep(FieldStatusDate, func() { a.StatusDate = row.statusDate })
	if a.Status == "" {
		a.Status = floorplan.AgencyActive
	}
	if a.ParentID == a.ID && a.ID != uuid.Nil {
		p.probs.Cell(row.line, row.col(FieldParent), imports.Notef("an agency cannot be its own parent"))
		return true
	}
	return false
}

// agencyWrite plans the creation or update of an agency, with the event of a change of status.
func (p *plan) agencyWrite(row agencyRow, old *floorplan.Agency, a floorplan.Agency) {
	if old == nil {
		p.counts.Created++
		p.ask(floorplan.OpCreate, floorplan.EntityAgency, a.ParentID)
		p.writes = append(p.writes, write{line: row.line, do: func(ctx context.Context, tx floorplan.Writer) error {
			return tx.CreateAgency(ctx, &a)
		}})
		return
	}
	if sameAgency(*old, a) {
		p.counts.Unchanged++
		return
	}
	p.counts.Updated++
	p.ask(floorplan.OpUpdate, floorplan.EntityAgency, a.ID)
	w := write{line: row.line, do: func(ctx context.Context, tx floorplan.Writer) error { return tx.UpdateAgency(ctx, &a) }}
	if a.Status != old.Status || !a.StatusDate.Equal(old.StatusDate) {
		if a.Status != floorplan.AgencyActive && !a.StatusDate.IsZero() {
			w.effective = a.StatusDate
			p.event("", a.Name, string(a.Status), a.StatusDate, p.pol.VacateAfterMergerMonths, "")
		}
	}
	p.writes = append(p.writes, w)
}

func sameAgency(a, b floorplan.Agency) bool {
	return a.Name == b.Name && a.Code == b.Code && a.ShortName == b.ShortName && a.ParentID == b.ParentID &&
		a.Level == b.Level && a.Scale == b.Scale && a.Headcount == b.Headcount &&
		floorplan.RoundM2(a.ApprovedAreaM2) == floorplan.RoundM2(b.ApprovedAreaM2) && a.Status == b.Status &&
		a.StatusDate.Equal(b.StatusDate) && a.SuccessorID == b.SuccessorID
}
