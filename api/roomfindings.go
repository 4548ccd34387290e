package api

import (
	"net/http"

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
// the over-standard report as the caller would get them (its scope and language), taken from the same
// evaluation: today's is the Assessor's, cached for the register's revision, so a click on a room costs
// no evaluation; another day's is computed whole, as the report's is, under the reports' gate.
//
// The room-scoped evaluation the Register runs after a write (Register.affected) is not used: it
// computes today's occupancy only, not the findings, whose rules (multiple offices, not vacated after
// leaving, …) read people's histories beyond the room's neighbourhood.
func (s *Server) roomFindings(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := queryOf(r)
	lang := nextParam(q, "lang", documentLang)
	asOf := q.date("as_of") // read again by evaluation; checked here, so that a bad day is a 400, not a 404
	if q.err != nil {
		return q.err
	}
	if _, err := s.scopedRoom(r.Context(), id); err != nil {
		return about("room", err)
	}
	if !asOf.IsZero() || r.URL.Query().Has("recorded_at") {
		release, err := s.reports.enter(r.Context()) // another day: a whole evaluation, as heavy as a report
		if err != nil {
			return err
		}
		defer release()
	}
	rep, err := s.evaluation(r)
	if err != nil {
		return err
	}
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return err
	}
	// The occupants come from the whole evaluation: the scoped one hides who they are from a caller who
	// sees no personal data, but their findings are still shown to that caller (without names).
	occupant := map[uuid.UUID]bool{}
	if rr, ok := rep.Room(id); ok {
		for _, o := range rr.Occupants {
			occupant[o.PersonID] = true
		}
	}
	shown := sc.report(rep)
	mine := *shown
	mine.Findings = nil
	for _, f := range shown.Findings {
		if concernsRoom(f, id, occupant) {
			mine.Findings = append(mine.Findings, f)
		}
	}
	doc, err := report.Build(&mine, report.Options{Lang: lang})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, roomFindingsJSON{RoomID: id, AsOf: doc.AsOf, Findings: doc.Findings})
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
