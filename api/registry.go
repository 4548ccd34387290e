package api

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// Handlers of the plain registers: sites, agencies and people (plainRecords), and assignments.

// sites serves the sites (房产).
func (s *Server) sites() plainRecords[floorplan.Site, siteJSON] {
	return plainRecords[floorplan.Site, siteJSON]{entity: "site", collection: "/api/v1/sites", out: siteOut,
		query: scopedList(s, func(r *http.Request) ([]floorplan.Site, error) { return s.store.Sites(r.Context()) }, siteShown),
		read:  scopedRead(s, "site", s.store.Site, siteShown), create: s.register.CreateSite, update: s.register.UpdateSite, remove: s.register.DeleteSite,
		version: func(x *floorplan.Site) *int64 { return &x.Version }}
}

// agencies serves the agencies (使用单位).
func (s *Server) agencies() plainRecords[floorplan.Agency, agencyJSON] {
	return plainRecords[floorplan.Agency, agencyJSON]{entity: "agency", collection: "/api/v1/agencies", out: agencyOut,
		query: scopedList(s, func(r *http.Request) ([]floorplan.Agency, error) { return s.store.Agencies(r.Context()) }, byAgency(agencyOwn)),
		read:  scopedRead(s, "agency", s.store.Agency, byAgency(agencyOwn)), create: s.register.CreateAgency, update: s.register.UpdateAgency, remove: s.register.DeleteAgency,
		version: func(x *floorplan.Agency) *int64 { return &x.Version }}
}

// people serves the members of staff, listed by agency_id when it is given.
func (s *Server) people() plainRecords[floorplan.Person, personJSON] {
	return plainRecords[floorplan.Person, personJSON]{entity: "person", collection: "/api/v1/people", out: personOut,
		query: scopedList(s, s.queryPeople, byAgency(personAgency)), read: scopedRead(s, "person", s.store.Person, byAgency(personAgency)),
		create: s.register.CreatePerson, update: s.register.UpdatePerson, remove: s.register.DeletePerson,
		version: func(x *floorplan.Person) *int64 { return &x.Version },
		keep:    func(next *floorplan.Person, cur floorplan.Person) { next.CreatedAt = cur.CreatedAt }}
}

// queryPeople reads the people a list asks for: all, or an agency's (agency_id).
func (s *Server) queryPeople(r *http.Request) ([]floorplan.Person, error) {
	agencyID, err := queryUUID(r, "agency_id")
	if err != nil {
		return nil, err
	}
	return s.store.People(r.Context(), floorplan.PersonFilter{AgencyID: agencyID})
}

// Assignments are versioned: reads carry an ETag and a delete needs If-Match.

func (s *Server) listAssignments(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	f := floorplan.AssignmentFilter{PersonID: q.uuid("person_id"), RoomID: q.uuid("room_id"), ActiveOn: q.date("active_on")}
	if q.err != nil {
		return q.err
	}
	query := func(r *http.Request) ([]floorplan.Assignment, error) { return s.store.Assignments(r.Context(), f) }
	list, err := scopedList(s, query, s.assignmentVisible)(r)
	return writeList(w, list, err, assignmentOut)
}

func (s *Server) createAssignment(w http.ResponseWriter, r *http.Request) error {
	var in assignmentJSON
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	a := in.domain()
	if _, err := s.register.CreateAssignment(r.Context(), &a); err != nil {
		return err
	}
	setETag(w, a.Version)
	return writeCreated(w, "/api/v1/assignments", a.ID, assignmentOut(a))
}

func (s *Server) getAssignment(w http.ResponseWriter, r *http.Request) error {
	a, err := readPath(r, "assignment", s.scopedAssignment)
	if err != nil {
		return err
	}
	setETag(w, a.Version)
	return writeJSON(w, http.StatusOK, assignmentOut(a))
}

// scopedAssignment reads an assignment, not found outside the request's scope (assignmentVisible).
func (s *Server) scopedAssignment(ctx context.Context, id uuid.UUID) (floorplan.Assignment, error) {
	return scopedRead(s, "assignment", s.store.Assignment, s.assignmentVisible)(ctx, id)
}

func (s *Server) deleteAssignment(w http.ResponseWriter, r *http.Request) error {
	return deleteIfMatch(w, r, "assignment", s.scopedAssignment,
		func(a floorplan.Assignment) int64 { return a.Version }, s.register.DeleteAssignment)
}
