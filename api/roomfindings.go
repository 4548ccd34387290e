package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/report"
)

// One room's findings, for the room card: what the over-standard report says about the room or about
// the people in it, without sending the client the whole register's report.

// roomFindingsJSON is the answer of GET /api/v1/rooms/{id}/findings.
type roomFindingsJSON struct {
	RoomID uuid.UUID `json:"room_id"`
	AsOf   string    `json:"as_of"` // YYYY-MM-DD
	// Findings are the report's rows (report.FindingRow), in the report's order.
	Findings []report.FindingRow `json:"findings"`
}

// roomFindings answers the findings that concern a room on the as_of day (today by default): those
// naming it among their rooms, and those about a person who occupies it that day. They are the rows of
// the over-standard report as the caller would get them (its scope and language), taken from the parts
// of the agencies involved (roomFindingParts): the room's agency, whose part holds the room and its
// occupants, and the occupants' agencies — not the whole register. As recorded (recorded_at), the
// evaluation is the Assessor's whole one, as the report's is; another day than today, or as recorded,
// runs under the reports' gate.
func (s *Server) roomFindings(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := queryOf(r)
	lang := nextParam(q, "lang", documentLang)
	asOf := q.date("as_of") // read again by reportSource; checked here, so that a bad day is a 400, not a 404
	if q.err != nil {
		return q.err
	}
	room, err := s.scopedRoom(r.Context(), id)
	if err != nil {
		return about("room", err)
	}
	if !asOf.IsZero() || r.URL.Query().Has("recorded_at") {
		release, err := s.reports.enter(r.Context())
		if err != nil {
			return err
		}
		defer release()
	}
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return err
	}
	// Every part of the room's agency and of its occupants', seen whole: the occupants come from the
	// evaluation, which the scope would hide from a caller who sees no personal data, but their findings
	// are still shown to that caller (without names).
	src, err := s.reportSource(r, everything, nil, false)
	if err != nil {
		return err
	}
	book := &roomBook{ctx: r.Context(), store: s.store, sc: sc, known: map[uuid.UUID]roomRef{}}
	opt := report.Options{Lang: lang, RoomNumber: book.number}
	rows := []report.FindingRow{}
	err = s.roomFindingParts(r.Context(), src, room, func(p *floorplan.Report, occupant map[uuid.UUID]bool) error {
		mine := *book.show(p)
		mine.Findings = slices.DeleteFunc(slices.Clone(mine.Findings), func(f floorplan.Finding) bool {
			return !concernsRoom(f, id, occupant)
		})
		doc, err := report.Build(&mine, opt)
		if err == nil {
			rows = append(rows, doc.Findings...)
		}
		return err
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(rows, func(a, b report.FindingRow) int { return slices.Compare(a.AgencyID[:], b.AgencyID[:]) })
	return writeJSON(w, http.StatusOK, roomFindingsJSON{RoomID: id, AsOf: src.day.Format(floorplan.DateLayout), Findings: rows})
}

// roomFindingParts calls fn with the parts that can hold findings about room, with the room's occupants
// on the day: first the part of the room's agency (as now known), which holds the room's result and so
// its occupants, then the parts of the occupants' other agencies (as now known) in id order. When the
// room is not in its agency's part (it changed agency since the day, or src is a whole evaluation), the
// parts are src's, all of them, and the occupants those of the part that holds the room.
func (s *Server) roomFindingParts(ctx context.Context, src reportSource, room floorplan.Room,
	fn func(p *floorplan.Report, occupant map[uuid.UUID]bool) error) error {
	occupant := map[uuid.UUID]bool{}
	var agencies []uuid.UUID
	found := false
	byAgency := func(p *floorplan.Report) error {
		rr, ok := p.Room(room.ID)
		if !ok {
			return nil
		}
		found = true
		for _, o := range rr.Occupants {
			occupant[o.PersonID] = true
		}
		for pid := range occupant {
			if person, err := s.store.Person(ctx, pid); err == nil && person.AgencyID != room.AgencyID {
				agencies = append(agencies, person.AgencyID)
			}
		}
		return fn(p, occupant)
	}
	if src.rooms != nil { // not a whole evaluation
		if err := s.register.EvaluateParts(ctx, src.day, []uuid.UUID{room.AgencyID}, byAgency); err != nil || (found && len(agencies) == 0) {
			return err
		}
	}
	if found {
		slices.SortFunc(agencies, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
		return s.register.EvaluateParts(ctx, src.day, slices.Compact(agencies), func(p *floorplan.Report) error {
			return fn(p, occupant)
		})
	}
	// The whole evaluation: the occupants come from the part holding the room, which may come after
	// parts whose findings concern them; so the parts are read twice, the first time for the occupants.
	if err := src.parts(func(p *floorplan.Report) error {
		if rr, ok := p.Room(room.ID); ok {
			for _, o := range rr.Occupants {
				occupant[o.PersonID] = true
			}
		}
		return nil
	}); err != nil {
		return err
	}
	return src.parts(func(p *floorplan.Report) error { return fn(p, occupant) })
}

// concernsRoom reports whether a finding is about room id or about one of its occupants.
func concernsRoom(f floorplan.Finding, id uuid.UUID, occupant map[uuid.UUID]bool) bool {
	if f.PersonID != uuid.Nil && occupant[f.PersonID] {
		return true
	}
	for _, rid := range f.RoomIDs {
		if rid == id {
			return true
		}
	}
	return false
}
