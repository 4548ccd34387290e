package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"officemap/floorplan/identity"
)

// Leads in the browser (线索, issue 18): the demo's inspector (on the team of the demo's open special
// inspection) records a 12345 hotline lead, linked to a room found with the search, triages it into that
// inspection, and the item appears on the plan; the approver reads the lead with the contact withheld.
func TestBrowserLeads(t *testing.T) {
	chromium(t)
	e := inspectionsDemo(t)
	tok := e.user(t, "inspector", inspectorPassword, identity.Grant{Role: identity.RoleInspector})
	e.user(t, "approver", approverPassword, identity.Grant{Role: identity.RoleApprover})
	_, roomID, number, agency := agencyRoomOn(t, e.s, tok)

	var plans struct {
		Inspections []struct {
			ID    string   `json:"id"`
			Kind  string   `json:"kind"`
			State string   `json:"state"`
			Team  []string `json:"team"`
			Items int      `json:"items"`
		} `json:"inspections"`
	}
	e.api(t, tok, "GET", "/api/v1/inspections", nil, http.StatusOK, &plans)
	special := ""
	for _, p := range plans.Inspections {
		if p.Kind == "special" && p.State == "started" && len(p.Team) == 1 && p.Team[0] == "inspector" {
			special = p.ID
		}
	}
	if special == "" {
		t.Fatalf("the demo has no open special inspection of the inspector's: %+v", plans.Inspections)
	}

	b := openBrowser(t, e.s.URL)
	b.signInAt(e.s.URL+"/#/inspections", "inspector", inspectorPassword)
	b.wait("the link to the leads", `!!document.querySelector('#insp-leads-link')`)
	b.clickSel("#insp-leads-link")
	b.wait("the leads page", `!!document.querySelector('#lead-new')`)
	b.eval(`document.querySelector('#lead-new').open = true`, nil)
	b.eval(`(() => { const s = document.querySelector('#lead-new-source'); s.value = 'hotline_12345'; s.dispatchEvent(new Event('change')); return true; })()`, nil)
	const text, phone = "群众来电反映该办公室长期闲置", "138 0000 5678"
	b.typeText("#lead-new-text", text)
	b.typeText("#lead-new-contact-name", "张先生")
	b.typeText("#lead-new-contact-phone", phone)
	b.typeText("#lead-link-q", number)
	b.wait("the room among the hits", fmt.Sprintf(`!!document.querySelector('#lead-link-hits button[data-id=%q]')`, roomID))
	b.clickSel(fmt.Sprintf(`#lead-link-hits button[data-id=%q]`, roomID))
	b.wait("the room linked", fmt.Sprintf(`!!document.querySelector('#lead-links li[data-id=%q]')`, roomID))
	b.settle()
	b.axe(t, "the leads page with the new lead form")
	b.clickSel("#lead-new-submit")
	b.wait("the lead's page", `!!document.querySelector('#lead[data-state="open"]') || !!(document.querySelector('#lead-new-error')?.textContent)`)
	if msg := b.text("#lead-new-error"); msg != "" {
		t.Fatalf("the lead was refused: %s", msg)
	}
	leadID := b.hashParam("lead")
	if c := b.text("#lead-contact"); !strings.Contains(c, phone) {
		t.Errorf("the inspector sees the contact %q, want the phone %s", c, phone)
	}
	if l := b.text("#lead-linked"); !strings.Contains(l, number) {
		t.Errorf("the lead's links read %q, want room %s", l, number)
	}

	// Triage into the open special inspection: the item is on the plan, of the room's agency.
	b.wait("the triage form", fmt.Sprintf(`!!document.querySelector('#lead-triage-plan option[value=%q]')`, special))
	b.eval(fmt.Sprintf(`(() => { const s = document.querySelector('#lead-triage-plan'); s.value = %q; s.dispatchEvent(new Event('change')); return true; })()`, special), nil)
	b.settle()
	b.axe(t, "the lead's page with the triage form")
	b.clickSel("#lead-triage-submit")
	b.wait("the item the lead became", `!!document.querySelector('#insp-item') || !!(document.querySelector('#lead-triage-error')?.textContent)`)
	if msg := b.text("#lead-triage-error"); msg != "" {
		t.Fatalf("the triage was refused: %s", msg)
	}
	itemID := b.hashParam("item")
	var it inspectionItem
	e.api(t, tok, "GET", "/api/v1/inspection-items/"+itemID, nil, http.StatusOK, &it)
	if it.RoomID != roomID || it.AgencyID != agency || !strings.Contains(it.Notes, text) || it.State != "open" {
		t.Fatalf("the item of the lead is %+v, want open, of room %s and agency %s, with the lead's text", it, roomID, agency)
	}
	b.clickSel("#insp-back")
	b.wait("the item on the plan's list", fmt.Sprintf(`!!document.querySelector('#insp-items tr[data-item-id=%q]')`, itemID))
	var lead struct {
		State  string `json:"state"`
		ItemID string `json:"item_id"`
	}
	e.api(t, tok, "GET", "/api/v1/leads/"+leadID, nil, http.StatusOK, &lead)
	if lead.State != "triaged" || lead.ItemID != itemID {
		t.Errorf("the lead is %+v, want triaged into item %s", lead, itemID)
	}

	// The approver reads the lead without the contact.
	var out int
	b.eval(`fetch('/api/v1/session', {method: 'DELETE', headers: {Accept: 'application/json'}}).then((r) => r.status)`, &out)
	if out != http.StatusNoContent {
		t.Fatalf("signing out = %d", out)
	}
	b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(e.s.URL+"/#/inspections?lead="+leadID))
	b.signIn("approver", approverPassword)
	b.inApp()
	b.wait("the lead, withheld", `!!document.querySelector('#lead[data-withheld="true"]')`)
	if c := b.text("#lead-contact"); c != "已隐去" {
		t.Errorf("the approver sees the contact as %q, want 已隐去", c)
	}
	var page string
	b.eval(`document.body.innerText`, &page)
	if strings.Contains(page, phone) || strings.Contains(page, "张先生") {
		t.Errorf("the approver's page shows the contact")
	}
	if b.count("#lead-triage-form") != 0 || b.count("#lead-close-form") != 0 {
		t.Errorf("the approver is offered triage or closing")
	}
	b.settle()
	b.axe(t, "the lead as the approver reads it")
}
