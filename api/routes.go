package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gorilla/mux"
)

// routes builds the router. Every route is listed here; openapi.go documents the same list and a test
// checks that the two agree.
func (s *Server) routes(static http.Handler) *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = s.adapt(func(http.ResponseWriter, *http.Request) error { return errRouteNotFound() })
	r.MethodNotAllowedHandler = s.adapt(func(w http.ResponseWriter, req *http.Request) error {
		if allow := allowedMethods(r, req); allow != "" {
			w.Header().Set("Allow", allow)
		}
		return errMethodNotAllowed(req.Method)
	})

	handle := func(method, path string, h handlerFunc) {
		r.Handle(path, s.adapt(h)).Methods(method)
	}
	get := func(path string, h handlerFunc) { handle(http.MethodGet, path, h) }

	get("/healthz", s.healthz)
	get("/readyz", s.readyz)

	const v1 = "/api/v1"
	get(v1+"/openapi.json", s.openAPI)

	get(v1+"/sites", s.listSites)
	handle(http.MethodPost, v1+"/sites", s.createSite)
	get(v1+"/sites/{id}", s.getSite)
	handle(http.MethodPatch, v1+"/sites/{id}", s.patchSite)
	handle(http.MethodDelete, v1+"/sites/{id}", s.deleteSite)

	get(v1+"/buildings", s.listBuildings)
	handle(http.MethodPost, v1+"/buildings", s.createBuilding)
	get(v1+"/buildings/{id}", s.getBuilding)
	handle(http.MethodPatch, v1+"/buildings/{id}", s.patchBuilding)
	handle(http.MethodDelete, v1+"/buildings/{id}", s.deleteBuilding)

	get(v1+"/buildings/{id}/floors", s.listFloors)
	handle(http.MethodPost, v1+"/buildings/{id}/floors", s.createFloor)
	get(v1+"/floors/{id}", s.getFloor)
	handle(http.MethodPatch, v1+"/floors/{id}", s.patchFloor)
	handle(http.MethodDelete, v1+"/floors/{id}", s.deleteFloor)

	get(v1+"/floors/{id}/rooms", s.listRooms)
	get(v1+"/rooms", s.searchRooms)
	handle(http.MethodPost, v1+"/floors/{id}/rooms", s.createRoom)
	get(v1+"/floors/{id}/plan.png", s.planPNG)
	get(v1+"/floors/{id}/plan.svg", s.planSVG)
	get(v1+"/rooms/{id}", s.getRoom)
	handle(http.MethodPut, v1+"/rooms/{id}", s.putRoom)
	handle(http.MethodPatch, v1+"/rooms/{id}", s.patchRoom)
	handle(http.MethodDelete, v1+"/rooms/{id}", s.deleteRoom)
	handle(http.MethodPost, v1+"/rooms/{id}/split", s.splitRoom)

	get(v1+"/agencies", s.listAgencies)
	handle(http.MethodPost, v1+"/agencies", s.createAgency)
	get(v1+"/agencies/{id}", s.getAgency)
	handle(http.MethodPatch, v1+"/agencies/{id}", s.patchAgency)
	handle(http.MethodDelete, v1+"/agencies/{id}", s.deleteAgency)

	get(v1+"/people", s.listPeople)
	handle(http.MethodPost, v1+"/people", s.createPerson)
	get(v1+"/people/{id}", s.getPerson)
	handle(http.MethodPatch, v1+"/people/{id}", s.patchPerson)
	handle(http.MethodDelete, v1+"/people/{id}", s.deletePerson)

	get(v1+"/assignments", s.listAssignments)
	handle(http.MethodPost, v1+"/assignments", s.createAssignment)
	get(v1+"/assignments/{id}", s.getAssignment)
	handle(http.MethodDelete, v1+"/assignments/{id}", s.deleteAssignment)

	for _, h := range historyEntities {
		get(v1+"/"+h.segment+"/{id}/history", s.historyHandler(h.entity))
	}

	get(v1+"/reports/over-standard", s.overStandardReport)
	get(v1+"/search", s.search)

	handle(http.MethodPost, v1+"/imports/{format}", s.importFile)
	get(v1+"/exports/{format}", s.exportFile)

	get("/ogc", s.ogcLanding)
	get("/ogc/conformance", s.ogcConformance)
	get("/ogc/collections", s.ogcCollections)
	get("/ogc/collections/{collectionId}", s.ogcCollection)
	get("/ogc/collections/{collectionId}/items", s.ogcItems)
	get("/ogc/collections/{collectionId}/items/{featureId}", s.ogcItem)

	s.tiles.Register(r)

	if static != nil {
		// The browser app: GET and HEAD of anything outside the API's prefixes, so that an unknown
		// /api/… path still gets the JSON 404.
		// The path test comes first: a matcher that matches clears the method mismatch an earlier route
		// recorded (gorilla/mux 1.8), which would turn a 405 on an API path into a 404.
		r.NewRoute().MatcherFunc(func(req *http.Request, _ *mux.RouteMatch) bool {
			return !apiPath(req.URL.Path)
		}).PathPrefix("/").Methods(http.MethodGet, http.MethodHead).Handler(static)
	}
	return r
}

// apiPath reports whether a path belongs to the API rather than the browser app.
func apiPath(p string) bool {
	for _, prefix := range []string{"/api/", "/ogc", "/tiles/", "/healthz", "/readyz"} {
		if p == strings.TrimSuffix(prefix, "/") || strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// allowedMethods lists the methods some route accepts for the request's path, for the Allow header of
// a 405.
func allowedMethods(router *mux.Router, req *http.Request) string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := req.Clone(context.WithoutCancel(req.Context()))
		probe.Method = m
		var match mux.RouteMatch
		if router.Match(probe, &match) && match.MatchErr == nil {
			allow = append(allow, m)
		}
	}
	return strings.Join(allow, ", ")
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 when the store answers a ping within Config.ReadyTimeout, else 503.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ReadyTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return errUnavailable(err)
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
