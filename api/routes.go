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
	collection := func(path string, c collectionRoutes) { c.each(path, handle) }

	// The tiles first: a map asks for dozens at a time, and the router tries the routes in order (no other
	// route starts with /tiles/).
	s.tiles.Register(r)

	get("/healthz", s.healthz)
	get("/readyz", s.readyz)

	const v1 = "/api/v1"
	get(v1+"/openapi.json", s.openAPI)

	collection(v1+"/jurisdictions", s.jurisdictions())
	get(v1+"/classification", s.getClassification) // the kinds of property in force (classification.go)
	collection(v1+"/sites", s.sites().routes())
	collection(v1+"/buildings", collectionRoutes{list: s.listBuildings, create: s.createBuilding, get: s.getBuilding,
		patch: s.patchBuilding, delete: s.deleteBuilding})
	collection(v1+"/buildings/{id}/floors", collectionRoutes{list: s.listFloors, create: s.createFloor})
	collection(v1+"/floors", collectionRoutes{get: s.getFloor, patch: s.patchFloor, delete: s.deleteFloor})
	collection(v1+"/floors/{id}/rooms", collectionRoutes{list: s.listRooms, create: s.createRoom})
	handle(http.MethodPost, v1+"/floors/{id}/rooms/batch", s.saveRooms) // a full path: /rooms does not shadow it
	get(v1+"/floors/{id}/plan.png", gated(s.renders, s.planPNG))
	get(v1+"/floors/{id}/plan.svg", s.planSVG) // vector: a few KB per room, no raster to bound
	collection(v1+"/rooms", collectionRoutes{list: s.searchRooms, get: s.getRoom, put: s.putRoom, patch: s.patchRoom,
		delete: s.deleteRoom})
	handle(http.MethodPost, v1+"/rooms/{id}/split", s.splitRoom)
	handle(http.MethodPost, v1+"/scenarios/evaluate", s.evaluateScenario) // allocation scenarios (scenarios.go)
	handle(http.MethodPost, v1+"/scenarios/apply", s.applyScenario)
	get(v1+"/rooms/{id}/findings", s.roomFindings) // one room's part of the over-standard report
	collection(v1+"/agencies", s.agencies().routes())
	collection(v1+"/people", s.people().routes())
	collection(v1+"/assignments", collectionRoutes{list: s.listAssignments, create: s.createAssignment,
		get: s.getAssignment, delete: s.deleteAssignment})

	for _, h := range historyEntities {
		get(v1+"/"+h.segment+"/{id}/history", s.historyHandler(h.entity))
	}

	collection(v1+"/documents", collectionRoutes{list: s.listDocuments, create: s.createDocument, get: s.getDocument,
		delete: s.deleteDocument})
	get(v1+"/documents/{id}/content", s.documentContent)
	get(v1+"/sites/{id}/archive.zip", gated(s.exports, s.siteArchive))
	get(v1+"/sites/{id}/registration", s.getRegistration) // a property's registration and timeline (registration.go)
	handle(http.MethodPost, v1+"/sites/{id}/registration", s.setRegistration)
	handle(http.MethodPost, v1+"/sites/{id}/registration/steps", s.recordFilingStep)
	get(v1+"/sites/{id}/timeline", s.timeline)
	handle(http.MethodPost, v1+"/sites/{id}/timeline", s.addTimelineEvent)
	get(v1+"/archive.zip", gated(s.exports, s.allArchives)) // every property in the caller's scope (archiveall.go)
	get(v1+"/ledger", gated(s.reports, s.ledger))
	collection(v1+"/ledger/entries", collectionRoutes{list: s.listLedgerEntries, create: s.createLedgerEntry})
	get(v1+"/register/findings", gated(s.reports, s.registerFindings)) // the archive's findings (registerfindings.go)
	// The online handling (applications.go): procedures as data, applications and their actions.
	get(v1+"/procedures", s.procedures)
	handle(http.MethodPost, v1+"/applications/recoveries", s.openRecoveries)
	collection(v1+"/applications", collectionRoutes{list: s.listApplications, create: s.createApplication, get: s.getApplication})
	handle(http.MethodPost, v1+"/applications/{id}/actions", s.actOnApplication)
	handle(http.MethodPut, v1+"/applications/{id}/scenario", s.putApplicationScenario) // application_scenario.go
	get(v1+"/applications/{id}/scenario", s.getApplicationScenario)

	get(v1+"/reports/over-standard", gated(s.reports, s.overStandardReport))
	get(v1+"/search", s.search)

	// The inspections' results (inspection_results.go), before the inspections: {id} would take "results".
	s.addRoutes(inspectionResultRoutes(), handle)
	s.addRoutes(certificateRoutes(), handle) // usage certificates and their public verification (certificates.go)
	s.addRoutes(inspectionRoutes(), handle)  // the inspections (督查, inspections.go)
	s.addRoutes(leadRoutes(), handle)        // the leads of the inspections (线索, leads.go)
	s.addRoutes(inboxRoutes(), handle)       // the inbox and the notices of the online handling (inbox.go)

	if s.identity != nil {
		s.authRoutes(handle)
	}

	handle(http.MethodPost, v1+"/imports/rooms", gated(s.imports, s.importRoomList)) // before {format}: it wins
	s.staffRoutes(handle)                                                            // before {format}: they win
	// The property register (properties.go), before {format}: it wins.
	handle(http.MethodPost, v1+"/imports/properties", gated(s.imports, s.importProperties))
	get(v1+"/exports/properties", gated(s.exports, s.exportProperties))
	handle(http.MethodPost, v1+"/imports/{format}", gated(s.imports, s.importFile))
	s.staffExportRoutes(get) // the templates and staff exports (api/staffexport.go), before {format}: they win
	get(v1+"/exports/{format}", gated(s.exports, s.exportFile))

	get("/ogc", s.ogcLanding)
	get("/ogc/conformance", s.ogcConformance)
	get("/ogc/collections", s.ogcCollections)
	get("/ogc/collections/{collectionId}", s.ogcCollection)
	get("/ogc/collections/{collectionId}/items", s.ogcItems)
	get("/ogc/collections/{collectionId}/items/{featureId}", s.ogcItem)

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

// collectionRoutes are the handlers of a collection of records: list and create at the collection's
// path, get, put, patch and delete at path/{id}. A nil handler has no route.
type collectionRoutes struct {
	list, create, get, put, patch, delete handlerFunc
}

// each calls route with the method, path and handler of each of c's routes under path.
func (c collectionRoutes) each(path string, route func(method, path string, h handlerFunc)) {
	for _, rt := range []struct {
		method, path string
		h            handlerFunc
	}{
		{http.MethodGet, path, c.list}, {http.MethodPost, path, c.create},
		{http.MethodGet, path + "/{id}", c.get}, {http.MethodPut, path + "/{id}", c.put},
		{http.MethodPatch, path + "/{id}", c.patch}, {http.MethodDelete, path + "/{id}", c.delete},
	} {
		if rt.h != nil {
			route(rt.method, rt.path, rt.h)
		}
	}
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
