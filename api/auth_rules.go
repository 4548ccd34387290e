package api

import (
	"maps"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// access is who may reach a route, before the register's permission hook and the store's read filters
// look at the records themselves.
type access int

const (
	// accessAnonymous: anyone, signed in or not.
	accessAnonymous access = iota + 1
	// accessSetup: any signed-in user, even one who must first change their password or enrol a second
	// factor (their own account and signing out).
	accessSetup
	// accessSignedIn: any signed-in user who has done that.
	accessSignedIn
	// accessAction: a signed-in user whose roles allow the rule's action somewhere (identity.Can).
	accessAction
)

// routeRule is the authorisation rule of one route (method and path template).
type routeRule struct {
	access access
	action identity.Action // for accessAction
	// orAction is a second action that also lets a user in (accessAction), "" for none.
	orAction identity.Action
	// personal marks the routes whose records are personal data (people, assignments and their
	// history): only roles that see personal data (identity.SeesPersonalData) reach them.
	personal bool
	// audit names the audit action of every request to the route ("export", "import": the format path
	// variable is appended), "" for none. Writes through the register are audited by the trail anyway.
	audit string
}

// allows reports whether grants pass an accessAction rule: their roles allow its action (or orAction)
// somewhere, and see personal data on a personal route.
func (r routeRule) allows(grants []identity.Grant) bool {
	if !identity.Can(grants, r.action) && (r.orAction == "" || !identity.Can(grants, r.orAction)) {
		return false
	}
	return !r.personal || identity.SeesPersonalData(grants)
}

func may(a identity.Action) routeRule { return routeRule{access: accessAction, action: a} }

func audited(r routeRule, action string) routeRule { r.audit = action; return r }

func personal(r routeRule) routeRule { r.personal = true; return r }

// routeRules is the authorisation table: one rule for every route of the router, keyed by method and
// path template ("GET /api/v1/sites/{id}"). A route without a rule is refused to everyone (and the
// authorisation matrix test fails), so that a new route cannot be left open by mistake.
func routeRules() map[string]routeRule {
	const v1 = "/api/v1"
	anonymous := routeRule{access: accessAnonymous}
	signedIn := routeRule{access: accessSignedIn}
	read := may(identity.ActionRead)
	geometry := may(identity.ActionWriteGeometry)
	people := personal(may(identity.ActionWritePeople))
	register := may(identity.ActionWriteRegister)
	rules := map[string]routeRule{
		"GET /healthz": anonymous,
		"GET /readyz":  anonymous,
		// The app and its sign-in page: static files, the same for everyone.
		"GET /":  anonymous,
		"HEAD /": anonymous,

		"GET " + v1 + "/openapi.json": signedIn,
		// The kinds of property in force: names for every screen, secret to nobody signed in.
		"GET " + v1 + "/classification": signedIn,

		"GET " + v1 + "/reports/over-standard": audited(may(identity.ActionReport), "report.over_standard"),
		"GET " + v1 + "/rooms/{id}/findings":   may(identity.ActionReport), // a room card's findings: read, not a bulk report
		"GET " + v1 + "/search":                read,
		"POST " + v1 + "/imports/{format}":     audited(may(identity.ActionImport), "import"),
		"POST " + v1 + "/imports/rooms":        audited(may(identity.ActionImport), "import"),
		"GET " + v1 + "/exports/{format}":      audited(may(identity.ActionExport), "export"),

		"GET " + v1 + "/floors/{id}/plan.png": read,
		"GET " + v1 + "/floors/{id}/plan.svg": read,
		"POST " + v1 + "/rooms/{id}/split":    geometry,
		"GET " + v1 + "/rooms":                read,

		// Allocation scenarios (scenarios.go): evaluated by readers of people; applied by who draws and assigns.
		"POST " + v1 + "/scenarios/evaluate": personal(may(identity.ActionRead)),
		"POST " + v1 + "/scenarios/apply":    personal(may(identity.ActionWriteGeometry)),

		// A save of many rooms needs what each of its writes needs; the permission hook checks each room.
		"POST " + v1 + "/floors/{id}/rooms/batch": geometry,

		"GET /ogc":                                              read,
		"GET /ogc/conformance":                                  read,
		"GET /ogc/collections":                                  read,
		"GET /ogc/collections/{collectionId}":                   read,
		"GET /ogc/collections/{collectionId}/items":             read,
		"GET /ogc/collections/{collectionId}/items/{featureId}": read,
	}
	maps.Copy(rules, rulesOf(accountRoutes())) // the account routes' rules stand in their table
	maps.Copy(rules, staffRouteRules())        // the staff imports and sync (api/staff.go)
	maps.Copy(rules, staffExportRouteRules())  // the staff templates and exports (api/staffexport.go)
	maps.Copy(rules, propertiesRouteRules())   // the property register's import, every property's archive (api/properties.go)
	// Usage certificates; GET /verify/{code} is anonymous (api/certificates.go).
	maps.Copy(rules, rulesOf(certificateRoutes()))
	// The inspections; the hook checks each change's role (api/inspections.go).
	maps.Copy(rules, rulesOf(inspectionRoutes()))
	// The leads: the roles that report only, not agency managers (api/leads.go).
	maps.Copy(rules, rulesOf(leadRoutes()))
	maps.Copy(rules, rulesOf(inboxRoutes())) // every signed-in user's own inbox and notices (api/inbox.go)
	// The inspections' results, in the caller's scope (api/inspection_results.go).
	maps.Copy(rules, rulesOf(inspectionResultRoutes()))
	collection := func(path string, write routeRule, methods ...string) {
		for _, m := range methods {
			method, sub, _ := strings.Cut(m, " ")
			rule := read
			if method != http.MethodGet {
				rule = write
			}
			if write.personal {
				rule.personal = true
			}
			rules[method+" "+path+sub] = rule
		}
	}
	// The jurisdiction tree: read by anyone who reads (and by the security administrator, who grants
	// scopes on it); changed by an unscoped security administrator only (the permission hook).
	rules["GET "+v1+"/jurisdictions"] = routeRule{access: accessAction, action: identity.ActionRead, orAction: identity.ActionAdminRoles}
	rules["POST "+v1+"/jurisdictions"] = may(identity.ActionAdminRoles)
	rules["PATCH "+v1+"/jurisdictions/{id}"] = may(identity.ActionAdminRoles)
	collection(v1+"/sites", register, "GET", "POST", "GET /{id}", "PATCH /{id}", "DELETE /{id}")
	collection(v1+"/buildings", geometry, "GET", "POST", "GET /{id}", "PATCH /{id}", "DELETE /{id}")
	collection(v1+"/buildings/{id}/floors", geometry, "GET", "POST")
	collection(v1+"/floors", geometry, "GET /{id}", "PATCH /{id}", "DELETE /{id}")
	collection(v1+"/floors/{id}/rooms", geometry, "GET", "POST")
	collection(v1+"/rooms", geometry, "GET /{id}", "PUT /{id}", "PATCH /{id}", "DELETE /{id}")
	collection(v1+"/agencies", register, "GET", "POST", "GET /{id}", "PATCH /{id}", "DELETE /{id}")
	// The archive: read where the subject is visible (api/documents.go); filed by every business role
	// but the viewer (file_documents) and deleted by its keepers (write_register), both placed by the
	// permission hook at the subject.
	collection(v1+"/documents", register, "GET", "POST", "GET /{id}", "DELETE /{id}")
	rules["POST "+v1+"/documents"] = may(identity.ActionFileDocuments)
	rules["GET "+v1+"/documents/{id}/content"] = read
	rules["GET "+v1+"/sites/{id}/archive.zip"] = audited(may(identity.ActionExport), "export.archive")
	maps.Copy(rules, ledgerRouteRules())      // the ledger and the archive's findings (api/ledger.go)
	maps.Copy(rules, applicationRouteRules()) // the online handling (api/applications.go)
	// A property's registration and timeline: read where the property is visible (api/registration.go);
	// changed by the bureau.
	rules["GET "+v1+"/sites/{id}/registration"] = read
	rules["POST "+v1+"/sites/{id}/registration"] = register
	rules["POST "+v1+"/sites/{id}/registration/steps"] = register
	rules["GET "+v1+"/sites/{id}/timeline"] = read
	rules["POST "+v1+"/sites/{id}/timeline"] = register
	collection(v1+"/people", people, "GET", "POST", "GET /{id}", "PATCH /{id}", "DELETE /{id}")
	collection(v1+"/assignments", people, "GET", "POST", "GET /{id}", "DELETE /{id}")
	for _, h := range historyEntities {
		rule := read
		if h.entity == floorplan.EntityPerson || h.entity == floorplan.EntityAssignment {
			rule = personal(read)
		}
		rules["GET "+v1+"/"+h.segment+"/{id}/history"] = rule
	}
	for _, tpl := range []string{"/tiles/{layer}.json", "/tiles/{layer}/{z}/{x}/{y}.mvt", "/tiles/{layer}/{z}/{x}/{y}.png"} {
		rules["GET "+tpl] = read
		rules["HEAD "+tpl] = read
	}
	return rules
}

// ruleFor returns the rule of the route r goes to, and its key ("GET /api/v1/sites/{id}"). A request
// that no route serves (a 404 or 405 to come) needs a signed-in user, so that the API's shape is not
// shown to strangers; /verify/… (the public certificate verification pages, a 404 until they exist) is
// open. A routed request without a rule gets the zero rule,
// which refuses everyone.
func (s *Server) ruleFor(r *http.Request) (routeRule, string) {
	var m mux.RouteMatch
	if !s.router.Match(r, &m) || m.Route == nil || m.MatchErr != nil {
		if strings.HasPrefix(r.URL.Path, "/verify/") {
			return routeRule{access: accessAnonymous}, ""
		}
		return routeRule{access: accessSignedIn}, ""
	}
	tpl, err := m.Route.GetPathTemplate()
	if err != nil {
		return routeRule{}, ""
	}
	key := r.Method + " " + tpl
	return s.rules[key], key
}

// applicationRouteRules are the online handling's rules (api/applications.go): read by anyone who reads
// (scoped per application); filed and acted on by whoever holds the step's role where the application is
// (the permission hook, Request.Role); recoveries opened on demand by the bureau.
func applicationRouteRules() map[string]routeRule {
	const v1 = "/api/v1"
	read := may(identity.ActionRead)
	return map[string]routeRule{
		"GET " + v1 + "/procedures":                 read,
		"GET " + v1 + "/applications":               read,
		"GET " + v1 + "/applications/{id}":          read,
		"POST " + v1 + "/applications":              read,
		"POST " + v1 + "/applications/{id}/actions": read,
		"PUT " + v1 + "/applications/{id}/scenario": read,
		"GET " + v1 + "/applications/{id}/scenario": read,
		"POST " + v1 + "/applications/recoveries":   audited(may(identity.ActionWriteRegister), "applications.recoveries"),
	}
}

// ledgerRouteRules are the ledger's rules (api/ledger.go): the general ledger for the report permission; an
// agency's sub-ledger also for those who keep an agency's staff (its manager: their own agency's by
// default); entries read with the report permission, the general ledger's recorded by the bureau and an
// agency's sub-ledger entries also by those who keep the agency (the permission hook places each entry:
// api/auth_permit.go writeAction). The archive's findings (缺档, 账实, 账证, 账账) go as the ledger; an agency
// manager sees the properties its agency uses (api/registerfindings.go).
func ledgerRouteRules() map[string]routeRule {
	const v1 = "/api/v1"
	reportOrPeople := routeRule{access: accessAction, action: identity.ActionReport, orAction: identity.ActionWritePeople}
	return map[string]routeRule{
		"GET " + v1 + "/ledger":            audited(reportOrPeople, "report.ledger"),
		"GET " + v1 + "/ledger/entries":    may(identity.ActionReport),
		"GET " + v1 + "/register/findings": audited(reportOrPeople, "report.register_findings"),
		"POST " + v1 + "/ledger/entries": {access: accessAction, action: identity.ActionWriteRegister,
			orAction: identity.ActionWritePeople},
	}
}
