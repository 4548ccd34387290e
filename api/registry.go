package api

import (
	"net/http"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// Handlers of the plain registers: sites, agencies, people and assignments.

func (s *Server) listSites(w http.ResponseWriter, r *http.Request) error {
	sites, err := s.store.Sites(r.Context())
	if err != nil {
		return err
	}
	out := make([]siteJSON, 0, len(sites))
	for _, x := range sites {
		out = append(out, siteOut(x))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) createSite(w http.ResponseWriter, r *http.Request) error {
	var in siteJSON
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	site := in.domain()
	if _, err := s.register.CreateSite(r.Context(), &site); err != nil {
		return err
	}
	location(w, "/api/v1/sites/"+site.ID.String())
	return writeJSON(w, http.StatusCreated, siteOut(site))
}

func (s *Server) getSite(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	site, err := s.store.Site(r.Context(), id)
	if err != nil {
		return about("site", err)
	}
	return writeJSON(w, http.StatusOK, siteOut(site))
}

func (s *Server) patchSite(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	cur, err := s.store.Site(r.Context(), id)
	if err != nil {
		return about("site", err)
	}
	in, err := mergePatch[siteJSON](siteOut(cur), body)
	if err != nil {
		return err
	}
	if err := sameID(in.ID, id); err != nil {
		return err
	}
	site := in.domain()
	if _, err := s.register.UpdateSite(r.Context(), &site); err != nil {
		return about("site", err)
	}
	return writeJSON(w, http.StatusOK, siteOut(site))
}

func (s *Server) deleteSite(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.register.DeleteSite(r.Context(), id); err != nil {
		return about("site", err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// sameID refuses a body whose id differs from the one in the path.
func sameID(body, path uuid.UUID) error {
	if body != path {
		return badRequest("field id: the body's id %s differs from the path's %s; ids cannot be changed", body, path)
	}
	return nil
}

func (s *Server) listAgencies(w http.ResponseWriter, r *http.Request) error {
	agencies, err := s.store.Agencies(r.Context())
	if err != nil {
		return err
	}
	out := make([]agencyJSON, 0, len(agencies))
	for _, a := range agencies {
		out = append(out, agencyOut(a))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) createAgency(w http.ResponseWriter, r *http.Request) error {
	var in agencyJSON
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	a := in.domain()
	if _, err := s.register.CreateAgency(r.Context(), &a); err != nil {
		return err
	}
	location(w, "/api/v1/agencies/"+a.ID.String())
	return writeJSON(w, http.StatusCreated, agencyOut(a))
}

func (s *Server) getAgency(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.store.Agency(r.Context(), id)
	if err != nil {
		return about("agency", err)
	}
	return writeJSON(w, http.StatusOK, agencyOut(a))
}

func (s *Server) patchAgency(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	cur, err := s.store.Agency(r.Context(), id)
	if err != nil {
		return about("agency", err)
	}
	in, err := mergePatch[agencyJSON](agencyOut(cur), body)
	if err != nil {
		return err
	}
	if err := sameID(in.ID, id); err != nil {
		return err
	}
	a := in.domain()
	if _, err := s.register.UpdateAgency(r.Context(), &a); err != nil {
		return about("agency", err)
	}
	return writeJSON(w, http.StatusOK, agencyOut(a))
}

func (s *Server) deleteAgency(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.register.DeleteAgency(r.Context(), id); err != nil {
		return about("agency", err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listPeople(w http.ResponseWriter, r *http.Request) error {
	agencyID, err := queryUUID(r, "agency_id")
	if err != nil {
		return err
	}
	people, err := s.store.People(r.Context(), floorplan.PersonFilter{AgencyID: agencyID})
	if err != nil {
		return err
	}
	out := make([]personJSON, 0, len(people))
	for _, p := range people {
		out = append(out, personOut(p))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) createPerson(w http.ResponseWriter, r *http.Request) error {
	var in personJSON
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	p := in.domain()
	if _, err := s.register.CreatePerson(r.Context(), &p); err != nil {
		return err
	}
	location(w, "/api/v1/people/"+p.ID.String())
	return writeJSON(w, http.StatusCreated, personOut(p))
}

func (s *Server) getPerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.store.Person(r.Context(), id)
	if err != nil {
		return about("person", err)
	}
	return writeJSON(w, http.StatusOK, personOut(p))
}

func (s *Server) patchPerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	cur, err := s.store.Person(r.Context(), id)
	if err != nil {
		return about("person", err)
	}
	in, err := mergePatch[personJSON](personOut(cur), body)
	if err != nil {
		return err
	}
	if err := sameID(in.ID, id); err != nil {
		return err
	}
	p := in.domain()
	p.CreatedAt = cur.CreatedAt
	if _, err := s.register.UpdatePerson(r.Context(), &p); err != nil {
		return about("person", err)
	}
	return writeJSON(w, http.StatusOK, personOut(p))
}

func (s *Server) deletePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.register.DeletePerson(r.Context(), id); err != nil {
		return about("person", err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listAssignments(w http.ResponseWriter, r *http.Request) error {
	var f floorplan.AssignmentFilter
	var err error
	if f.PersonID, err = queryUUID(r, "person_id"); err != nil {
		return err
	}
	if f.RoomID, err = queryUUID(r, "room_id"); err != nil {
		return err
	}
	if f.ActiveOn, err = queryDate(r, "active_on"); err != nil {
		return err
	}
	list, err := s.store.Assignments(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]assignmentJSON, 0, len(list))
	for _, a := range list {
		out = append(out, assignmentOut(a))
	}
	return writeJSON(w, http.StatusOK, out)
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
	location(w, "/api/v1/assignments/"+a.ID.String())
	return writeJSON(w, http.StatusCreated, assignmentOut(a))
}

func (s *Server) getAssignment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.store.Assignment(r.Context(), id)
	if err != nil {
		return about("assignment", err)
	}
	setETag(w, a.Version)
	return writeJSON(w, http.StatusOK, assignmentOut(a))
}

func (s *Server) deleteAssignment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := requireIfMatch(r); err != nil {
		return err
	}
	cur, err := s.store.Assignment(r.Context(), id)
	if err != nil {
		return about("assignment", err)
	}
	version, err := ifMatch(r, cur.Version)
	if err != nil {
		return err
	}
	if _, err := s.register.DeleteAssignment(r.Context(), id, version); err != nil {
		return stale(about("assignment", err))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
