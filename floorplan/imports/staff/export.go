package staff

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// Format is the file format of a staff export.
type Format = sheet.Format

// The export formats: the template's workbook, or CSV in UTF-8 with a byte-order mark.
const (
	FormatXLSX = sheet.FormatXLSX
	FormatCSV  = sheet.FormatCSV
)

// ExportOptions says what Export reads and in which language it writes.
type ExportOptions struct {
	// Lang is the language of the headers and labels: Chinese (the default: 县处级正职, 在职) or English
	// (the keys: division, active), which the import reads back alike.
	Lang string
	// Scope keeps the records a caller may read (the API's scope): the agencies in it, their people, and
	// the assignments whose person and room are both in it. People and assignments are personal data: a
	// scope with NoPeople refuses them (floorplan.ErrForbidden). The zero value keeps everything.
	Scope floorplan.ReadScope
}

// Table is a kind's records in its layout, as Export reads them from the register: one row per record,
// the cells in the order of Layout (strings, ints, float64s).
type Table struct {
	Kind Kind
	Lang string
	Rows [][]any
}

// Export reads a kind's live records from the register as opt.Scope shows them, in the layout of the
// kind's template, so that a clerk can export, edit and import back:
//   - agencies parents first (the agency tree in pre-order, siblings by name); a parent, a successor and a
//     person's agency are named by their code, or by their name when they have none (as the import
//     matches them); the parent of an agency in the scope is named even when the parent is not in it;
//   - people by agency (in that order), staff no. and name, with every concurrent post as
//     职务（单位，起止日期） (FormatPost); the effective date (变动日期) is left empty: it is a change's;
//   - assignments (ended ones too, with their end) by building, floor, room number and staff no.
//
// Assignments of rooms or people deleted since are left out.
func Export(ctx context.Context, r floorplan.Reader, k Kind, opt ExportOptions) (*Table, error) {
	if !k.Valid() {
		return nil, fmt.Errorf("%w: unknown kind %q (agencies, people or assignments)", floorplan.ErrInvalid, k)
	}
	if k != Agencies && opt.Scope.NoPeople {
		return nil, fmt.Errorf("%w: %s are personal data the caller may not read", floorplan.ErrForbidden, k)
	}
	list, err := r.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	x := exporter{opt: opt, en: imports.English(opt.Lang), agencies: make(map[uuid.UUID]floorplan.Agency, len(list)),
		visible: map[uuid.UUID]bool{}}
	for _, a := range list {
		x.agencies[a.ID] = a
	}
	for _, id := range opt.Scope.Agencies {
		x.visible[id] = true
	}
	x.order = treeOrder(list)
	t := &Table{Kind: k, Lang: opt.Lang}
	switch k {
	case Agencies:
		t.Rows = x.agencyRows()
	case People:
		t.Rows, err = x.peopleRows(ctx, r)
	case Assignments:
		t.Rows, err = x.assignmentRows(ctx, r)
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Write writes the table in a format: WriteXLSX or WriteCSV.
func (t *Table) Write(w io.Writer, f Format) error { return sheet.Write(w, t, f) }

// WriteXLSX writes the table as the kind's template filled in (WriteTemplate): the same header,
// validation lists and instructions sheet, one record a row; text is neutralised against formulas.
func (t *Table) WriteXLSX(w io.Writer) error { return writeWorkbook(w, t.Kind, t.Lang, t.Rows) }

// WriteCSV writes the table as CSV in UTF-8 with a byte-order mark (so that Excel opens Chinese text
// right): the template's header, then one record a row; text that starts like a formula is neutralised
// (cell.Text).
func (t *Table) WriteCSV(w io.Writer) error {
	rows := make([][]string, len(t.Rows))
	for i, row := range t.Rows {
		rows[i] = make([]string, len(row))
		for j, v := range row {
			switch v := v.(type) {
			case string:
				rows[i][j] = v
			case int:
				rows[i][j] = strconv.Itoa(v)
			case float64:
				rows[i][j] = strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
	}
	return sheet.WriteCSV(w, Headers(t.Kind, t.Lang), rows)
}

// exporter turns records into rows of the layouts.
type exporter struct {
	opt      ExportOptions
	en       bool
	agencies map[uuid.UUID]floorplan.Agency // every agency, for the names of parents and posts
	visible  map[uuid.UUID]bool             // the scope's agencies (when Limited)
	order    map[uuid.UUID]int              // position in the agency tree's pre-order
}

// agencyShown reports whether records of agency id are in the scope.
func (x *exporter) agencyShown(id uuid.UUID) bool { return !x.opt.Scope.Limited || x.visible[id] }

// ref names an agency as the layouts do: its code, or its name when it has none; "" for uuid.Nil.
func (x *exporter) ref(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	a, ok := x.agencies[id]
	if !ok {
		return ""
	}
	return cmp.Or(a.Code, a.Name)
}

// label returns a choice's cell: its Chinese label, or in English its key.
func (x *exporter) label(key, zh string) string {
	if x.en || key == "" {
		return key
	}
	return zh
}

func (x *exporter) agencyRows() [][]any {
	list := make([]floorplan.Agency, 0, len(x.agencies))
	for _, a := range x.agencies {
		if x.agencyShown(a.ID) {
			list = append(list, a)
		}
	}
	slices.SortFunc(list, func(a, b floorplan.Agency) int { return cmp.Compare(x.order[a.ID], x.order[b.ID]) })
	rows := make([][]any, 0, len(list))
	for _, a := range list {
		area := any("")
		if a.ApprovedAreaM2 != 0 {
			area = a.ApprovedAreaM2
		}
		rows = append(rows, inLayout(Agencies, map[string]any{FieldCode: a.Code, FieldName: a.Name,
			FieldShortName: a.ShortName, FieldParent: x.ref(a.ParentID), FieldLevel: x.label(string(a.Level), LevelLabel(a.Level)),
			FieldScale: x.label(string(a.Scale), LevelLabel(a.Scale)), FieldHeadcount: a.Headcount, FieldApprovedArea: area,
			FieldStatus: x.label(string(a.Status), AgencyStatusLabel(a.Status)), FieldStatusDate: sheet.DayText(a.StatusDate),
			FieldSuccessor: x.ref(a.SuccessorID)}))
	}
	return rows
}

func (x *exporter) peopleRows(ctx context.Context, r floorplan.Reader) ([][]any, error) {
	people, err := r.People(ctx, floorplan.PersonFilter{})
	if err != nil {
		return nil, err
	}
	people = slices.DeleteFunc(people, func(p floorplan.Person) bool { return !x.agencyShown(p.AgencyID) })
	slices.SortFunc(people, func(a, b floorplan.Person) int {
		return cmp.Or(cmp.Compare(x.position(a.AgencyID), x.position(b.AgencyID)), strings.Compare(a.StaffNo, b.StaffNo),
			strings.Compare(a.Name, b.Name), strings.Compare(a.ID.String(), b.ID.String()))
	})
	rows := make([][]any, 0, len(people))
	for _, p := range people {
		rows = append(rows, inLayout(People, map[string]any{FieldStaffNo: p.StaffNo, FieldName: p.Name,
			FieldAgency: x.ref(p.AgencyID), FieldRank: x.label(string(p.Rank), RankLabel(p.Rank)), FieldTitle: p.Title,
			FieldStatus: x.label(string(p.Status), PersonStatusLabel(p.Status)), FieldStatusDate: sheet.DayText(p.StatusDate),
			FieldPosts: x.posts(p.Posts)}))
	}
	return rows, nil
}

// position is an agency's place in the export's order (unknown agencies last).
func (x *exporter) position(id uuid.UUID) int {
	if i, ok := x.order[id]; ok {
		return i
	}
	return len(x.order)
}

// posts writes a person's concurrent posts with their agencies and dates (FormatPost), separated by
// PostSeparator.
func (x *exporter) posts(list []floorplan.Post) string {
	out := make([]string, len(list))
	for i, p := range list {
		out[i] = FormatPost(p.Title, x.ref(p.AgencyID), p.Start, p.End)
	}
	return strings.Join(out, PostSeparator)
}

// roomPlace is where a room is, for an assignment's row.
type roomPlace struct {
	building, floor string
	ordinal         int
	room            floorplan.Room
}

func (x *exporter) assignmentRows(ctx context.Context, r floorplan.Reader) ([][]any, error) {
	people, err := r.People(ctx, floorplan.PersonFilter{})
	if err != nil {
		return nil, err
	}
	byPerson := make(map[uuid.UUID]floorplan.Person, len(people))
	for _, p := range people {
		if x.agencyShown(p.AgencyID) {
			byPerson[p.ID] = p
		}
	}
	places, err := x.places(ctx, r)
	if err != nil {
		return nil, err
	}
	list, err := r.Assignments(ctx, floorplan.AssignmentFilter{})
	if err != nil {
		return nil, err
	}
	type row struct {
		at roomPlace
		p  floorplan.Person
		a  floorplan.Assignment
	}
	kept := make([]row, 0, len(list))
	for _, a := range list {
		p, okPerson := byPerson[a.PersonID]
		at, okRoom := places[a.RoomID]
		if okPerson && okRoom {
			kept = append(kept, row{at, p, a})
		}
	}
	slices.SortFunc(kept, func(a, b row) int {
		return cmp.Or(strings.Compare(a.at.building, b.at.building), cmp.Compare(a.at.ordinal, b.at.ordinal),
			strings.Compare(a.at.room.Number, b.at.room.Number), strings.Compare(a.p.StaffNo, b.p.StaffNo),
			a.a.Start.Compare(b.a.Start), strings.Compare(a.a.ID.String(), b.a.ID.String()))
	})
	rows := make([][]any, 0, len(kept))
	for _, k := range kept {
		rows = append(rows, inLayout(Assignments, map[string]any{FieldBuilding: k.at.building, FieldFloor: k.at.floor,
			FieldRoom: k.at.room.Number, FieldStaffNo: k.p.StaffNo, FieldPerson: k.p.Name,
			FieldKind: x.label(string(k.a.Kind), KindLabel(k.a.Kind)), FieldStart: sheet.DayText(k.a.Start),
			FieldEnd: sheet.DayText(k.a.End), FieldApprovalRef: k.a.ApprovalRef}))
	}
	return rows, nil
}

// places returns where each live room in the scope is, by room id. It reads every building and every floor
// in one query each (a province's register has thousands of buildings).
func (x *exporter) places(ctx context.Context, r floorplan.Reader) (map[uuid.UUID]roomPlace, error) {
	buildings, err := r.Buildings(ctx, uuid.Nil)
	if err != nil {
		return nil, err
	}
	names := make(map[uuid.UUID]string, len(buildings))
	for _, b := range buildings {
		names[b.ID] = b.Name
	}
	fs, err := r.Floors(ctx, uuid.Nil)
	if err != nil {
		return nil, err
	}
	floors := make(map[uuid.UUID]roomPlace, len(fs))
	for _, f := range fs {
		if name, ok := names[f.BuildingID]; ok {
			floors[f.ID] = roomPlace{building: name, floor: f.Name, ordinal: f.Ordinal}
		}
	}
	rooms, err := r.Rooms(ctx, floorplan.RoomFilter{In: x.opt.Scope})
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]roomPlace, len(rooms))
	for _, room := range rooms {
		at, ok := floors[room.FloorID]
		if !ok || !x.opt.Scope.Room(room.AgencyID, room.FloorID) {
			continue
		}
		at.room = room
		out[room.ID] = at
	}
	return out, nil
}

// treeOrder returns each agency's position in the pre-order of the agency tree, siblings by name (and
// id), so that a parent always comes before its children. Agencies in a cycle (which the register
// refuses) come last.
func treeOrder(list []floorplan.Agency) map[uuid.UUID]int {
	known := make(map[uuid.UUID]bool, len(list))
	for _, a := range list {
		known[a.ID] = true
	}
	children := map[uuid.UUID][]floorplan.Agency{}
	for _, a := range list {
		parent := a.ParentID
		if !known[parent] {
			parent = uuid.Nil
		}
		children[parent] = append(children[parent], a)
	}
	for _, c := range children {
		slices.SortFunc(c, func(a, b floorplan.Agency) int {
			return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID.String(), b.ID.String()))
		})
	}
	order := make(map[uuid.UUID]int, len(list))
	var walk func(id uuid.UUID)
	walk = func(id uuid.UUID) {
		for _, c := range children[id] {
			if _, seen := order[c.ID]; seen {
				continue
			}
			order[c.ID] = len(order)
			walk(c.ID)
		}
	}
	walk(uuid.Nil)
	for _, a := range list {
		if _, ok := order[a.ID]; !ok {
			order[a.ID] = len(order)
		}
	}
	return order
}

// inLayout returns the cells of a record (by field) in the order of the kind's layout; a field of the
// layout that the record does not give is an empty cell.
func inLayout(k Kind, rec map[string]any) []any {
	cols := Layout(k)
	row := make([]any, len(cols))
	for i, c := range cols {
		v, ok := rec[c.Field]
		if !ok {
			v = ""
		}
		row[i] = v
	}
	return row
}
