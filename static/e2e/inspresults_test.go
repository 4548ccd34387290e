package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"officemap/api"
	"officemap/floorplan/identity"
)

// The inspections' results in the browser (issue 18): on the demo with its handling acted out (a closed
// annual inspection and an open special one, floorplan/sample/inspecting.go), the bureau opens the
// overview, whose cards say the JSON API's totals, whose chart by agency has a bar per agency of the JSON,
// and whose XLSX and PDF links answer files; the annual plan's page links the agencies' notices and the
// referral file; the agency manager finds its notice on its list and it is a PDF.

// resultCounts are the counts of the results API, as far as the test reads them.
type resultCounts struct {
	Items    int      `json:"items"`
	Notified int      `json:"notified"`
	Fixed    int      `json:"fixed"`
	Referred int      `json:"referred"`
	Overdue  int      `json:"overdue"`
	Rate     *float64 `json:"rectification_rate"`
}

// inspectionResults are the results API's answer, as far as the test reads it.
type inspectionResults struct {
	Year     int          `json:"year"`
	Checked  int          `json:"agencies_checked"`
	Totals   resultCounts `json:"totals"`
	ByAgency []struct {
		AgencyID string `json:"agency_id"`
		Name     string `json:"name"`
		resultCounts
	} `json:"by_agency"`
}

// resultPlan is a plan as the inspections list gives it, as far as the test reads it.
type resultPlan struct {
	ID    string    `json:"id"`
	Kind  string    `json:"kind"`
	State string    `json:"state"`
	AsOf  time.Time `json:"as_of"`
}

// inspectionsDemo serves the demo sample with its handling acted out (sample.Dataset.Handle), accounts on.
func inspectionsDemo(t *testing.T) *handlingEnv {
	t.Helper()
	store := handledStore(t)
	svc := identity.NewService(store, identity.Options{SignInPerMinute: 100, MaxHashing: 2})
	s := serve(t, api.Deps{Store: store, Register: api.NewRegister(store, svc), Identity: svc})
	return &handlingEnv{s: s, svc: svc, tokens: map[string]string{}}
}

// fetchFile fetches the href of the link sel in the page (with its session) and returns the status, the
// content type and the body's first bytes.
func (b *browser) fetchFile(sel string) (status int, contentType, head string) {
	b.t.Helper()
	var out []string
	b.eval(fmt.Sprintf(`(async () => { const a = document.querySelector(%q); if (!a) return ['0', 'no link', ''];
		const r = await fetch(a.href); const buf = new Uint8Array(await r.arrayBuffer());
		return [String(r.status), r.headers.get('content-type') || '', String.fromCharCode(...buf.slice(0, 4))]; })()`, sel), &out)
	status, _ = strconv.Atoi(out[0])
	return status, out[1], out[2]
}

// axeIn runs axe-core's WCAG 2.1 A and AA rules on the element sel only, failing t for every serious or
// critical violation.
func (b *browser) axeIn(t *testing.T, what, sel string) {
	t.Helper()
	b.loadAxe(t)
	var vs []axeViolation
	b.eval(fmt.Sprintf(`axe.run(document.querySelector(%q), {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
		.then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary || ''}))})))`, sel), &vs)
	for _, v := range vs {
		t.Errorf("axe, %s: %s", what, v)
	}
}

func TestBrowserInspectionResults(t *testing.T) {
	chromium(t)
	e := inspectionsDemo(t)
	tok := e.user(t, "bureau_admin", bureauPassword, identity.Grant{Role: identity.RoleBureauAdmin})
	var list struct {
		Inspections []resultPlan `json:"inspections"`
	}
	e.api(t, tok, "GET", "/api/v1/inspections", nil, http.StatusOK, &list)
	i := slices.IndexFunc(list.Inspections, func(p resultPlan) bool { return p.Kind == "annual" && p.State == "closed" })
	if i < 0 {
		t.Fatalf("the demo has no closed annual inspection: %+v", list.Inspections)
	}
	annual, year := list.Inspections[i].ID, list.Inspections[i].AsOf.Year()
	var across, plan inspectionResults
	e.api(t, tok, "GET", fmt.Sprintf("/api/v1/inspections/results?year=%d", year), nil, http.StatusOK, &across)
	e.api(t, tok, "GET", "/api/v1/inspections/"+annual+"/results", nil, http.StatusOK, &plan)
	if across.Totals.Items == 0 || len(across.ByAgency) < 2 || plan.Totals.Referred == 0 {
		t.Fatalf("the demo's results are too thin to test: %+v, annual %+v", across, plan.Totals)
	}

	b := openBrowser(t, e.s.URL)
	b.signInAt(e.s.URL+"/#/inspections", "bureau_admin", bureauPassword)
	b.wait("the overview's link", `!!document.querySelector('#insp-results-link')`)
	b.clickSel("#insp-results-link")
	b.wait("the overview", `!!document.querySelector('#inspr-results')`)
	if year != time.Now().Year() { // the annual inspection began last year (early January): choose its year
		b.eval(fmt.Sprintf(`(() => { const s = document.querySelector('#inspr-year'); s.value = '%d'; s.dispatchEvent(new Event('change')); return true; })()`, year), nil)
	}
	b.wait("the year's results", fmt.Sprintf(`document.querySelector('#inspr-results')?.dataset.year === '%d'`, year))
	b.settle()

	var shown map[string]string
	b.eval(`Object.fromEntries([...document.querySelectorAll('#inspr-cards .inspr-card')].map((c) => [c.dataset.key, c.querySelector('dd').textContent]))`, &shown)
	rate := "—"
	if across.Totals.Rate != nil {
		rate = fmt.Sprintf("%.1f%%", *across.Totals.Rate)
	}
	want := map[string]string{"agencies": strconv.Itoa(across.Checked), "items": strconv.Itoa(across.Totals.Items), "fixed": strconv.Itoa(across.Totals.Fixed),
		"overdue": strconv.Itoa(across.Totals.Overdue), "referred": strconv.Itoa(across.Totals.Referred), "rate": rate}
	for k, v := range want {
		if shown[k] != v {
			t.Errorf("the card %s shows %q, the API says %q", k, shown[k], v)
		}
	}
	var bars []string
	b.eval(`[...document.querySelectorAll('#inspr-by-agency svg[role="img"] g.inspr-bar')].map((g) => g.dataset.key)`, &bars)
	var agencies []string
	for _, a := range across.ByAgency {
		agencies = append(agencies, a.AgencyID)
	}
	if !slices.Equal(bars, agencies) {
		t.Errorf("the chart by agency has bars %v, the API's agencies are %v", bars, agencies)
	}
	var label string
	b.eval(`document.querySelector('#inspr-by-agency svg').getAttribute('aria-label')`, &label)
	if n := b.count("#inspr-by-agency-table tbody tr"); n != len(agencies) || label == "" {
		t.Errorf("the chart by agency has %d rows in its table and the label %q; want %d rows and a label", n, label, len(agencies))
	}
	for sel, ct := range map[string]string{"#inspr-dl-xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "#inspr-dl-pdf": "application/pdf"} {
		if status, got, _ := b.fetchFile(sel); status != http.StatusOK || got != ct {
			t.Errorf("%s answers %d %s, want 200 %s", sel, status, got, ct)
		}
	}
	b.axe(t, "the results overview")
	b.extraShot("inspr-overview.png")

	// The annual plan's page: its results, a notice per agency notified, the referral file.
	b.clickSel(fmt.Sprintf(`#inspr-plans tr[data-plan-id=%q] a`, annual))
	b.wait("the plan's results", `!!document.querySelector('#inspr-plan-results #inspr-plan-cards')`)
	var notices []string
	b.eval(`[...document.querySelectorAll('#inspr-papers a.inspr-notice')].map((a) => a.dataset.agencyId)`, &notices)
	var notified []string
	manager := ""
	for _, a := range plan.ByAgency {
		if a.Notified > 0 && a.AgencyID != uuid.Nil.String() {
			notified = append(notified, a.AgencyID)
			if manager == "" {
				manager = a.AgencyID
			}
		}
	}
	if !slices.Equal(notices, notified) || !b.visible("#inspr-referral") {
		t.Errorf("the plan's notices are for %v (want %v), referral link shown %v", notices, notified, b.visible("#inspr-referral"))
	}
	if status, ct, _ := b.fetchFile("#inspr-referral"); status != http.StatusOK || ct != "application/zip" {
		t.Errorf("the referral file answers %d %s", status, ct)
	}
	b.axeIn(t, "the plan's results", "#inspr-plan-results") // the plan's items table is inspections.js's
	b.extraShot("inspr-plan.png")

	// A follow-up (回头看) of the annual plan, started by an inspector: the bureau sees each item against the original.
	insp := e.user(t, "inspector", inspectorPassword, identity.Grant{Role: identity.RoleInspector})
	var fu struct {
		ID string `json:"id"`
	}
	e.api(t, insp, "POST", "/api/v1/inspections", map[string]any{"kind": "follow_up", "title": "回头看 e2e", "follows": annual,
		"as_of": time.Now().Format("2006-01-02")}, http.StatusCreated, &fu)
	e.api(t, insp, "POST", "/api/v1/inspections/"+fu.ID+"/start", map[string]any{}, http.StatusOK, nil)
	var fuResults struct {
		FollowUp struct {
			Totals struct {
				Followed  int `json:"followed"`
				StillOpen int `json:"still_open"`
			} `json:"totals"`
			Items []struct {
				ItemID string `json:"item_id"`
			} `json:"items"`
		} `json:"follow_up"`
	}
	e.api(t, tok, "GET", "/api/v1/inspections/"+fu.ID+"/results", nil, http.StatusOK, &fuResults)
	b.eval(fmt.Sprintf(`location.hash = '#/inspections?plan=%s'`, fu.ID), nil)
	b.wait("the 回头看 view", `!!document.querySelector('#inspr-follow-up #inspr-follow-up-totals')`)
	var followed, stillOpen string
	b.eval(`document.querySelector('#inspr-follow-up-totals [data-key="followed"] dd').textContent`, &followed)
	b.eval(`document.querySelector('#inspr-follow-up-totals [data-key="still_open"] dd').textContent`, &stillOpen)
	if n := b.count("#inspr-follow-up-items tbody tr"); n != len(fuResults.FollowUp.Items) || n == 0 ||
		followed != strconv.Itoa(fuResults.FollowUp.Totals.Followed) || stillOpen != strconv.Itoa(fuResults.FollowUp.Totals.StillOpen) {
		t.Errorf("the 回头看 view shows %d rows, followed %s, still open %s; the API: %d rows, %+v", n, followed, stillOpen,
			len(fuResults.FollowUp.Items), fuResults.FollowUp.Totals)
	}
	b.extraShot("inspr-follow-up.png")

	// The agency's manager finds the notice of the annual inspection on its list, and it is a PDF.
	mtok := e.user(t, "agency_manager", managerPassword, identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: uuid.MustParse(manager)}})
	var out int
	b.eval(`fetch('/api/v1/session', {method: 'DELETE', headers: {Accept: 'application/json'}}).then((r) => r.status)`, &out)
	b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(e.s.URL+"/#/inspections"))
	b.signIn("agency_manager", managerPassword)
	b.inApp()
	link := fmt.Sprintf(`#inspr-my-notices li[data-plan-id=%q] a.inspr-notice[data-agency-id=%q]`, annual, manager)
	b.wait("the manager's notice", fmt.Sprintf(`!!document.querySelector(%q)`, link))
	if status, ct, head := b.fetchFile(link); status != http.StatusOK || ct != "application/pdf" || head != "%PDF" {
		t.Errorf("the manager's notice answers %d %s %q, want 200 application/pdf %%PDF", status, ct, head)
	}

	// On a phone, the manager's overview says its own agency's numbers and fits the screen.
	var own inspectionResults
	e.api(t, mtok, "GET", fmt.Sprintf("/api/v1/inspections/results?year=%d", year), nil, http.StatusOK, &own)
	if len(own.ByAgency) != 1 || own.ByAgency[0].AgencyID != manager {
		t.Errorf("the manager's results are by agencies %+v, want its own %s only", own.ByAgency, manager)
	}
	b.emulatePhone()
	b.eval(fmt.Sprintf(`location.hash = '#/inspections?view=results&year=%d'`, year), nil)
	b.wait("the manager's overview", fmt.Sprintf(`document.querySelector('#inspr-results')?.dataset.year === '%d'`, year))
	if got := b.text(`#inspr-cards [data-key="items"] dd`); got != strconv.Itoa(own.Totals.Items) {
		t.Errorf("the manager's items card shows %q, its results say %d", got, own.Totals.Items)
	}
	if o := b.pageOverflow(); len(o) > 0 {
		t.Errorf("the overview is wider than a phone: %v", o)
	}
	b.extraShot("inspr-phone.png")
}
