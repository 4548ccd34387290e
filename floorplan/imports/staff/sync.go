package staff

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/imports/sheet"
)

// Sync makes one agency's staff what the list says (joined, changed, left), all-or-nothing, idempotent:
//
//   - a row whose staff number no person has is someone who joined: created in the agency;
//   - a row whose staff number a person has is updated to the row (moved into the agency if they were in
//     another one), from the row's status date for a change of status, else from asOf;
//   - an active person of the agency whom the list does not name has left: transferred (调离) with asOf as
//     the status date, which starts the deadline for their rooms. A row may say otherwise: a person listed
//     as retired (退休) with their date is retired, not transferred. People already retired or transferred
//     stay as they are, and nobody is deleted (their history and rooms remain for the rules).
//
// A row's posts are all the person's concurrent posts: a post held and not listed ends on asOf (and its
// second office's deadline is listed). Every row must have a staff number (the list's key); the rows'
// cells are read as a people sheet's (ranks and statuses by Chinese label or English key). Problems are named by the row's position in the
// list (from 1). Sending the same list again changes nothing. Dates after asOf are refused.
func Sync(ctx context.Context, reg *floorplan.Register, agency uuid.UUID, asOf time.Time, rows []StaffRow, opt Options) (*Summary, error) {
	if agency == uuid.Nil {
		return nil, fmt.Errorf("%w: no agency given", floorplan.ErrInvalid)
	}
	a, err := reg.Reader().Agency(ctx, agency)
	if err != nil {
		return nil, err
	}
	if asOf.IsZero() {
		asOf = time.Now()
	}
	opt.Today = floorplan.DayOf(asOf)
	file := cmp.Or(a.Code, a.Name)
	ids := map[string]uuid.UUID{}
	build := func(ctx context.Context, r floorplan.Reader) (*plan, error) {
		p := newPlan(file, People, opt, reg.Policy(), len(rows), ids)
		p.ask(floorplan.OpUpdate, floorplan.EntityPerson, agency)
		list := make([]personRow, 0, len(rows))
		header := func(f string) string { return sheet.HeaderOf(Layout(People), f) } // by the Chinese header
		for i, in := range rows {
			row := personRow{line: i + 1, staffNo: strings.TrimSpace(in.StaffNo), name: strings.TrimSpace(in.Name),
				agencyID: agency, title: strings.TrimSpace(in.Title), has: func(string) bool { return true }, col: header}
			readPerson(p, &row, in.Rank, in.Status, in.StatusDate, "", strings.Join(in.Posts, PostSeparator))
			if row.staffNo == "" {
				continue // readPerson recorded it
			}
			p.progress(i)
			list = append(list, row)
		}
		return p, planPeople(ctx, r, p, list, agency)
	}
	return run(ctx, reg, build)
}
