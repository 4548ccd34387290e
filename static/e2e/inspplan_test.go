package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"officemap/floorplan/identity"
)

// TestBrowserPlanOfASystem: the inspector makes a plan of a named system of agencies (公安系统) in the
// plans page's form, and the plan is stored with that scope.
func TestBrowserPlanOfASystem(t *testing.T) {
	chromium(t)
	e := newHandlingEnv(t)
	tok := e.user(t, "inspector", inspectorPassword, identity.Grant{Role: identity.RoleInspector})
	_, _, _, agency := agencyRoomOn(t, e.s, tok)

	b := openBrowser(t, e.s.URL)
	b.signInAt(e.s.URL+"/#/inspections", "inspector", inspectorPassword)
	b.wait("the new plan form", `!!document.querySelector('#insp-new-scope option[value="system"]')`)
	b.eval(`document.querySelector('#insp-new').open = true`, nil)
	b.typeText("#insp-new-title", "公安系统专项检查")
	b.eval(fmt.Sprintf(`(() => { document.querySelector('#insp-new-scope').value = 'system';
		document.querySelector('#insp-new-agencies option[value=%q]').selected = true; return true; })()`, agency), nil)
	b.typeText("#insp-new-system", "公安系统")
	b.clickSel("#insp-new-submit")
	b.wait("the new plan's page", `location.hash.includes('plan=')`)

	var list struct {
		Inspections []struct {
			Title string `json:"title"`
			Scope struct {
				Kind      string   `json:"kind"`
				System    string   `json:"system"`
				AgencyIDs []string `json:"agency_ids"`
			} `json:"scope"`
		} `json:"inspections"`
	}
	e.api(t, tok, "GET", "/api/v1/inspections", nil, http.StatusOK, &list)
	found := false
	for _, p := range list.Inspections {
		if p.Title == "公安系统专项检查" {
			found = p.Scope.Kind == "system" && p.Scope.System == "公安系统" && len(p.Scope.AgencyIDs) == 1 && p.Scope.AgencyIDs[0] == agency
		}
	}
	if !found {
		t.Errorf("the plan made in the form: %+v; want a system scope 公安系统 of the one agency", list.Inspections)
	}
}
