package api

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/report"
)

// The over-standard report and a room's findings read the evaluation agency by agency
// (floorplan.Register.EvaluateParts), so that a request holds one agency's part of the register at a
// time, never the whole (a province's million rooms), and the report's rows go out as they are made.

// reportSource is where the parts of a request's evaluation come from, as the scope shows them.
type reportSource struct {
	day   time.Time    // the evaluation's day
	parts report.Parts // the parts, in agency id order, each as the scope shows it
	rooms *roomBook    // names the rooms outside a part (report.Options.RoomNumber); nil: none
}

// reportSource returns the parts of the request's evaluation (as_of, today by default) of agencies
// (nil: all), as sc shows them; totalsOnly, when only their totals will be read (today's then come from
// the stored parts). As recorded (recorded_at), the evaluation is the Assessor's whole one:
// rare and historic, its snapshot is rebuilt from the history whole. A scope by agency alone evaluates
// only the visible agencies and those of the people who occupy their rooms (scopedAgencies); a scope
// with places (a district's sites) evaluates every agency and filters each part, as scope.report does.
func (s *Server) reportSource(r *http.Request, sc scope, agencies []uuid.UUID, totalsOnly bool) (reportSource, error) {
	ctx := r.Context()
	asOf, err := queryDate(r, "as_of")
	if err != nil {
		return reportSource{}, err
	}
	recorded, err := asRecorded(r)
	if err != nil {
		return reportSource{}, err
	}
	if !recorded.IsZero() {
		rep, err := s.evaluation(r)
		if err != nil {
			return reportSource{}, err
		}
		return reportSource{day: rep.AsOf, parts: report.Whole(sc.report(rep))}, nil
	}
	day := asOf
	if day.IsZero() {
		day = floorplan.DayOf(s.now())
	}
	book := &roomBook{ctx: ctx, store: s.store, sc: sc, known: map[uuid.UUID]roomRef{}}
	if today := day.Equal(floorplan.DayOf(s.now())); today && (totalsOnly || sc.all || len(sc.floors) > 0) {
		// Today's totals, or today's report for a scope that shows every agency's findings about its
		// places: the stored parts (Register.StoredParts), evaluated again only where the register changed
		// since they were stored. The totals shown are the visible agencies'.
		if !sc.all && totalsOnly {
			agencies = visibleOf(sc, agencies)
		}
		read := s.register.StoredParts
		if totalsOnly {
			read = s.register.StoredPartTotals
		}
		parts := func(fn func(*floorplan.Report) error) error {
			return read(ctx, agencies, func(p *floorplan.Report) error { return fn(book.show(p)) })
		}
		return reportSource{day: day, parts: parts, rooms: book}, nil
	}
	if !sc.all && len(sc.floors) == 0 {
		visible, err := s.scopedAgencies(ctx, sc, day, book)
		if err != nil {
			return reportSource{}, err
		}
		if agencies != nil {
			visible = slices.DeleteFunc(visible, func(id uuid.UUID) bool { return !slices.Contains(agencies, id) })
		}
		agencies = visible
	}
	parts := func(fn func(*floorplan.Report) error) error {
		return s.register.EvaluateParts(ctx, day, agencies, func(p *floorplan.Report) error {
			return fn(book.show(p))
		})
	}
	return reportSource{day: day, parts: parts, rooms: book}, nil
}

// scopedAgencies are the agencies whose findings a scope by agency alone can show on day: the visible
// ones, and those of the people (of other agencies) who occupy the visible agencies' rooms, whose
// findings name those rooms (scope.report shows a finding that names a visible room). They are found by
// evaluating the visible agencies' parts once first, which costs what the scope sees, not the register;
// the occupants' agencies are today's.
func (s *Server) scopedAgencies(ctx context.Context, sc scope, day time.Time, book *roomBook) ([]uuid.UUID, error) {
	visible := visibleOf(sc, nil)
	others := map[uuid.UUID]bool{}
	err := s.register.EvaluateParts(ctx, day, slices.Clone(visible), func(p *floorplan.Report) error {
		own := make(map[uuid.UUID]bool, len(p.People))
		for _, x := range p.People {
			own[x.PersonID] = true
		}
		for _, rr := range p.Rooms {
			for _, o := range rr.Occupants {
				if !own[o.PersonID] {
					others[o.PersonID] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for id := range others {
		p, err := s.store.Person(ctx, id)
		if err == nil && !sc.agency(p.AgencyID) && !slices.Contains(visible, p.AgencyID) {
			visible = append(visible, p.AgencyID)
		}
	}
	slices.SortFunc(visible, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return visible, nil
}

// visibleOf returns the agencies of sc (uuid.Nil: the records of no agency), in id order; of those
// only the ones in agencies when agencies is not nil. The list is never nil.
func visibleOf(sc scope, agencies []uuid.UUID) []uuid.UUID {
	visible := make([]uuid.UUID, 0, len(sc.agencies))
	for id, ok := range sc.agencies {
		if ok && (agencies == nil || slices.Contains(agencies, id)) {
			visible = append(visible, id)
		}
	}
	slices.SortFunc(visible, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return visible
}

// roomRef is what a report needs of a room: its number, and its agency and floor for the scope.
type roomRef struct {
	number        string
	agency, floor uuid.UUID
	found         bool
}

// roomBook knows the rooms of the part being written and looks up, once each, the rooms its findings
// name outside it (a person's office in another agency's room): their numbers for the report, their
// agency and floor for the scope. It remembers only those: few, unlike the part's own.
type roomBook struct {
	ctx   context.Context
	store storeReader
	sc    scope
	part  map[uuid.UUID]roomRef
	known map[uuid.UUID]roomRef // rooms outside the parts seen so far, from the store (as now known)
}

// ref returns what the book knows of room id.
func (b *roomBook) ref(id uuid.UUID) roomRef {
	if r, ok := b.part[id]; ok {
		return r
	}
	if r, ok := b.known[id]; ok {
		return r
	}
	var ref roomRef
	if room, err := b.store.Room(b.ctx, id); err == nil {
		ref = roomRef{number: room.Number, agency: room.AgencyID, floor: room.FloorID, found: true}
	}
	b.known[id] = ref
	return ref
}

// visible reports whether the scope shows room id (scope.roomAt).
func (b *roomBook) visible(id uuid.UUID) bool {
	r := b.ref(id)
	return b.sc.all || (r.found && b.sc.roomAt(r.agency, r.floor))
}

// number is the number of room id when the scope shows it, else "" (the report shows the id):
// report.Options.RoomNumber for rooms outside the part.
func (b *roomBook) number(id uuid.UUID) string {
	if !b.visible(id) {
		return ""
	}
	return b.ref(id).number
}

// show returns part p as the scope shows it: scope.report's rooms, people, totals and redaction, and the
// findings of visible agencies or naming a visible room — a room of another part looked up in the book.
func (b *roomBook) show(p *floorplan.Report) *floorplan.Report {
	b.part = make(map[uuid.UUID]roomRef, len(p.Rooms))
	for _, rr := range p.Rooms {
		b.part[rr.RoomID] = roomRef{number: rr.Number, agency: rr.AgencyID, floor: rr.FloorID, found: true}
	}
	if !b.sc.hides() {
		return p
	}
	findings := make([]floorplan.Finding, 0, len(p.Findings))
	for _, f := range p.Findings {
		ok := b.sc.agency(f.AgencyID)
		for _, id := range f.RoomIDs {
			ok = ok || b.visible(id)
		}
		if ok {
			findings = append(findings, f)
		}
	}
	shown := *b.sc.report(p)
	shown.Findings = findings
	return &shown
}
