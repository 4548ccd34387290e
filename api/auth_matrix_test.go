package api_test

import (
	"context"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"officemap/api"
	"officemap/floorplan/identity"
)

// routeKeys walks the router: every method and path template it serves, as "GET /api/v1/sites/{id}".
func routeKeys(t *testing.T, srv *api.Server) []string {
	t.Helper()
	var keys []string
	err := srv.Router().Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil {
			return err
		}
		methods, err := route.GetMethods()
		if err != nil {
			t.Errorf("route %s has no methods", tpl)
			return nil
		}
		for _, m := range methods {
			keys = append(keys, m+" "+tpl)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(keys)
	return keys
}

// checkRules walks srv's routes and checks that each has a rule in rules; it returns the routes, sorted
// and as a set.
func checkRules(t *testing.T, srv *api.Server, rules map[string]api.RouteAccess) ([]string, map[string]bool) {
	t.Helper()
	keys := routeKeys(t, srv)
	routed := map[string]bool{}
	for _, k := range keys {
		routed[k] = true
		if _, ok := rules[k]; !ok {
			t.Errorf("route %s has no rule in routeRules (api/auth_rules.go)", k)
		}
	}
	return keys, routed
}

// checkDocumented checks that the OpenAPI document in res documents exactly the routes routed.
func checkDocumented(t *testing.T, res response, routed map[string]bool) {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	res.decode(t, &doc)
	documented := map[string]bool{}
	for p, item := range doc.Paths {
		for m := range item {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	var missing, extra []string
	for k := range routed {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !routed[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routed but not documented: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("documented but not routed: %v", extra)
	}
}

var pathVar = regexp.MustCompile(`\{([^}:]+)(:[^}]*)?\}`)

// concrete fills a path template with values each route accepts (records that do not exist).
func concrete(tpl string) string {
	return pathVar.ReplaceAllStringFunc(tpl, func(v string) string {
		name := pathVar.FindStringSubmatch(v)[1]
		switch name {
		case "format":
			return "geojson"
		case "layer", "collectionId":
			return "rooms"
		case "z", "x", "y":
			return "0"
		}
		return uuid.NewString()
	})
}

// TestAuthorizationMatrix walks the router: every route has a rule in the authorisation table (a new
// route without one fails here, and is refused to everyone meanwhile), the table names no route that
// does not exist, every route is documented, and every route × role gets what its rule says — 401
// without a session except for the anonymous routes, 403 for a role whose matrix row lacks the rule's
// action (or that sees no personal data, on the people's routes), neither for the others.
func TestAuthorizationMatrix(t *testing.T) {
	e := newAuthEnv(t)
	rules := api.RouteRules()
	keys, routed := checkRules(t, e.srv, rules)
	for k := range rules {
		if !routed[k] {
			t.Errorf("routeRules names %s, which is not routed", k)
		}
	}
	if len(keys) < 60 {
		t.Fatalf("only %d routes walked; the walk is broken", len(keys))
	}

	// The OpenAPI document of accounts mode documents the same routes.
	e.addUser("matrix_viewer", identity.Grant{Role: identity.RoleViewer})
	checkDocumented(t, e.signIn("matrix_viewer").do("GET", "/api/v1/openapi.json", nil).expect(t, 200), routed)

	roles := []struct {
		name  string
		grant identity.Grant
	}{
		{"m_sysadmin", identity.Grant{Role: identity.RoleSysAdmin}},
		{"m_secadmin", identity.Grant{Role: identity.RoleSecAdmin}},
		{"m_auditor", identity.Grant{Role: identity.RoleAuditor}},
		{"m_bureau", identity.Grant{Role: identity.RoleBureauAdmin}},
		{"m_planner", identity.Grant{Role: identity.RolePlanner}},
		{"m_manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: uuid.New()}}},
		{"m_inspector", identity.Grant{Role: identity.RoleInspector}},
		{"m_viewer", identity.Grant{Role: identity.RoleViewer}},
	}
	clients := map[string]*client{"": e.anonymous()}
	for _, r := range roles {
		u := e.addUser(r.name, r.grant)
		if r.grant.Role.Admin() {
			secret := e.withTOTP(u)
			clients[r.name] = e.signIn(r.name, e.nextCode(secret))
		} else {
			clients[r.name] = e.signIn(r.name)
		}
	}

	for _, key := range keys {
		rule := rules[key]
		method, tpl, _ := strings.Cut(key, " ")
		path := concrete(tpl)
		t.Run(strings.ReplaceAll(key, "/", "_"), func(t *testing.T) {
			res := clients[""].do(method, path, nil)
			switch {
			case rule.Anonymous && res.status == 401:
				t.Errorf("anonymous route: %d %s", res.status, res.body)
			case !rule.Anonymous && res.status != 401:
				t.Errorf("unauthenticated: %d, want 401", res.status)
			}
			if key == "DELETE /api/v1/session" {
				return // signing out would end the sessions below; TestSignInAndOut covers it
			}
			for _, r := range roles {
				res := clients[r.name].do(method, path, nil)
				grants := []identity.Grant{r.grant}
				allowed := identity.Can(grants, rule.Action) || (rule.OrAction != "" && identity.Can(grants, rule.OrAction))
				want403 := rule.Action != "" && (!allowed || (rule.Personal && !identity.SeesPersonalData(grants)))
				switch {
				case res.status == 401:
					t.Errorf("%s: 401 with a session: %s", r.name, res.body)
				case want403 && res.status != 403:
					t.Errorf("%s: %d, want 403 (no %s)", r.name, res.status, rule.Action)
				case !want403 && res.status == 403:
					t.Errorf("%s: 403, want the route's own answer (%s allows %q): %s", r.name, r.grant.Role, rule.Action, res.body)
				case res.status >= 500:
					t.Errorf("%s: %d %s", r.name, res.status, res.body)
				}
			}
		})
	}

	// Every refusal of the matrix is in the audit log.
	recs, err := e.svc.AuditLog(context.Background(), identity.AuditFilter{Action: "permission.denied"})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 {
		t.Error("no permission.denied records")
	}
}
